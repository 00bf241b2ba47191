//! What a reviewer did, as the audit log names it (`audit.log`'s `action`): one closed set of
//! words, so that a front-end cannot invent one and a report on the log can list them all.

use tipbox_core::vocab::Keyed;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A new ledger and its office keys.
    Init,
    /// Another office identity (key rotation).
    AddKey,
    /// The signing key replaced.
    NewSigningKey,
    /// Earlier recipients retired: the office seals to the new identity only.
    RetireKeys,
    /// The office keys' passphrase changed.
    Passphrase,
    Import,
    /// The ledger is older than what its portal last applied (restored from a backup).
    UpdateCatchUp,
    /// Tips marked as another unit's hand-over, cleared by their portal's own bundle.
    HandoverMarksCleared,
    Export,
    /// Which portals form a site (one address, several portals) changed.
    Site,
    Show,
    Search,
    Triage,
    Assign,
    Status,
    Reply,
    Note,
    Link,
    Transfer,
    RewardApprove,
    RewardPaid,
    RewardVerify,
    /// A printed notice (交办单) issued.
    Notice,
    /// A tip entered by a reviewer (phone, letter, visit, mailbox).
    Add,
    Backup,
    Restore,
    /// A wrong passphrase given at the desk's unlock page (the desk runs for hours on a
    /// desktop others may walk up to: every try is on record).
    UnlockFailed,
}

impl Keyed for Action {
    const ALL: &'static [Action] = &[
        Action::Init,
        Action::AddKey,
        Action::NewSigningKey,
        Action::RetireKeys,
        Action::Passphrase,
        Action::Import,
        Action::UpdateCatchUp,
        Action::HandoverMarksCleared,
        Action::Export,
        Action::Site,
        Action::Show,
        Action::Search,
        Action::Triage,
        Action::Assign,
        Action::Status,
        Action::Reply,
        Action::Note,
        Action::Link,
        Action::Transfer,
        Action::RewardApprove,
        Action::RewardPaid,
        Action::RewardVerify,
        Action::Notice,
        Action::Add,
        Action::Backup,
        Action::Restore,
        Action::UnlockFailed,
    ];

    /// The word in the audit log, as earlier ledgers wrote it.
    fn key(self) -> &'static str {
        match self {
            Action::Init => "init",
            Action::AddKey => "add-key",
            Action::NewSigningKey => "new-signing-key",
            Action::RetireKeys => "retire-keys",
            Action::Passphrase => "passphrase",
            Action::Import => "import",
            Action::UpdateCatchUp => "update-catch-up",
            Action::HandoverMarksCleared => "handover-marks-cleared",
            Action::Export => "export",
            Action::Site => "site",
            Action::Show => "show",
            Action::Search => "search",
            Action::Triage => "triage",
            Action::Assign => "assign",
            Action::Status => "status",
            Action::Reply => "reply",
            Action::Note => "note",
            Action::Link => "link",
            Action::Transfer => "transfer",
            Action::RewardApprove => "reward-approve",
            Action::RewardPaid => "reward-paid",
            Action::RewardVerify => "reward-verify",
            Action::Notice => "notice",
            Action::Add => "add",
            Action::Backup => "backup",
            Action::Restore => "restore",
            Action::UnlockFailed => "unlock-failed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_its_own_word_of_lowercase_letters_and_dashes() {
        let mut seen = std::collections::BTreeSet::new();
        for a in Action::ALL {
            let k = a.key();
            assert!(seen.insert(k), "{k} twice");
            assert!(
                k.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{k}"
            );
            assert_eq!(Action::from_key(k), Some(*a));
        }
    }
}
