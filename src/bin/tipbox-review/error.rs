//! The one error of the program and its exit codes, decided here for every error a command
//! can meet: 0 success, 1 a check failed, 2 usage or input error.

use tipbox::ledger::{self, LedgerError};

/// A failure: message and exit code.
pub(crate) struct Failure(pub u8, pub String);

pub(crate) const EXIT_CHECK_FAILED: u8 = 1;

pub(crate) const EXIT_USAGE: u8 = 2;

/// The exit code an error means. A new error type or variant gets its code here, where
/// the list is whole.
pub(crate) trait ExitCode: std::fmt::Display {
    fn exit_code(&self) -> u8;
    /// The message in the reviewer's language (`crate::i18n`).
    fn message(&self) -> String {
        self.to_string()
    }
}

impl<E: ExitCode> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.exit_code(), e.message())
    }
}

impl ExitCode for LedgerError {
    fn message(&self) -> String {
        crate::i18n::ledger_error(self)
    }

    fn exit_code(&self) -> u8 {
        use LedgerError::*;
        match self {
            // What the reviewer asked for, or gave, is not right: the message says the fix.
            Refused(_)
            | NotALedger(_)
            | RecipientFileMissing(_)
            | Config { .. }
            | NoSuchTip(_)
            | RestoreTargetNotEmpty(_) => EXIT_USAGE,
            // A file handed in was refused: nothing was imported.
            Bundle(_)
            | BundleRefused(_)
            | NotOurs { .. }
            | BadItem(..)
            | SecondTipItem { .. }
            | PortalKeyDiffers { .. }
            | PortalBundleUnsigned { .. }
            | NewPortalKeyNotThis { .. } => EXIT_USAGE,
            // Keys: a wrong passphrase, a missing or malformed key file.
            Key(_) | IdentityMissingFor(_) | NotAnIdentityFile(_) => EXIT_USAGE,
            // The ledger or the machine failed; the message says how to recover.
            Db { .. }
            | DbDamaged { .. }
            | DbOp(_)
            | Io { .. }
            | Audit(_)
            | DamagedItem { .. }
            | CannotOpen { .. }
            | Seal(_)
            | SealWrite(_)
            | SummaryIndexDamaged(_)
            | NoteDamaged
            | NoteNotOpened
            | NoteNotText
            | FileChangedDuringBackup(_)
            | LedgerChangedDuringBackup
            | GeneratedOutOfOrder { .. }
            | UpdateBundleTooLarge { .. } => EXIT_USAGE,
        }
    }
}

impl ExitCode for ledger::backup::BackupError {
    fn exit_code(&self) -> u8 {
        EXIT_USAGE
    }
    fn message(&self) -> String {
        crate::i18n::backup_error(self)
    }
}

/// Messages the program writes itself.
impl ExitCode for String {
    fn exit_code(&self) -> u8 {
        EXIT_USAGE
    }
}

/// A wrong passphrase, or a key file that is missing, malformed or not the office's.
impl ExitCode for tipbox::keys::KeyError {
    fn exit_code(&self) -> u8 {
        EXIT_USAGE
    }
    fn message(&self) -> String {
        crate::i18n::key_error(self)
    }
}

/// The audit log cannot be written or read while running a command (`audit verify`, which
/// checks it, says "check failed" itself).
impl ExitCode for ledger::AuditError {
    fn exit_code(&self) -> u8 {
        EXIT_USAGE
    }
    fn message(&self) -> String {
        crate::i18n::audit_error(self)
    }
}

/// Reading what the reviewer handed in (standard input, a file named on the command line).
impl ExitCode for std::io::Error {
    fn exit_code(&self) -> u8 {
        EXIT_USAGE
    }
}
