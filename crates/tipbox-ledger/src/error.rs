//! The ledger's errors: [`LedgerError`] for everything, [`Refused`] for a reviewer's request
//! that is not carried out as given. Every message says what to do about it; front-ends map
//! them to their exit codes (the CLI in one place, `src/bin/tipbox-review/error.rs`).

use std::path::{Path, PathBuf};

use tipbox_core::bundle::BundleReadError;
use tipbox_core::keys;

use crate::AuditError;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{0} is not a tipbox ledger (no keys/ folder). Create one with `tipbox-review --ledger {0} init`, or pass the right --ledger / TIPBOX_LEDGER")]
    NotALedger(PathBuf),
    #[error("{0} has no recipient.txt (the office's public key, which `tipbox-review init` writes): copy it there; for the demo keys, `cp keys-example/*.txt {0}/`")]
    RecipientFileMissing(PathBuf),
    #[error("cannot open the ledger database in {path}: {source}. Is another tipbox-review command running on this ledger?")]
    Db {
        path: PathBuf,
        #[source]
        source: sled::Error,
    },
    #[error("the ledger database in {path} is damaged ({source}). Keep a copy of the folder as it is, then restore the latest backup into a new folder: `tipbox-review restore FILE --ledger NEW_FOLDER`")]
    DbDamaged {
        path: PathBuf,
        #[source]
        source: sled::Error,
    },
    #[error("the ledger database failed: {0}")]
    DbOp(String),
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Config { path: PathBuf, message: String },
    #[error("no tip {0} in this ledger; `tipbox-review list` shows the ids")]
    NoSuchTip(u64),
    #[error(transparent)]
    Key(#[from] keys::KeyError),
    #[error(transparent)]
    Bundle(#[from] BundleReadError),
    #[error("{0}. Nothing was imported")]
    BundleRefused(BundleReadError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error("item {blob} in the bundle cannot be opened with this office's keys (sealed to key set {sealed_to}). Was it sealed to another office? Nothing was imported")]
    NotOurs { blob: String, sealed_to: String },
    #[error("item {0} in the bundle is not a valid sealed tip ({1}). Nothing was imported")]
    BadItem(String, String),
    #[error("item {blob} in the bundle is a second tip item for tip {tip}, whose own item an earlier import (or this bundle) already holds. A bundle may add to the ledger, new tips and follow-ups, but never replace what a tip's first item established: its keys, category, content and day. Nothing was imported. An honest portal never writes such an item: keep the bundle as evidence, have the portal checked, and read SECURITY.md, \"What a hostile portal can and cannot do\"")]
    SecondTipItem { blob: String, tip: u64 },
    #[error("this bundle names portal {portal} and is signed with portal key {given}, but this ledger knows that portal by key {pinned}, pinned at its first signed bundle. Either someone else (another portal, or whoever handed you the file) wrote it in that portal's name, or the portal lost its key file and made a new one. Nothing was imported. On the portal itself, `tipbox-portal export` prints the key it signs with: only if it prints {given}, import again with `--new-portal-key {given}`; otherwise keep the bundle as evidence and have the portal checked")]
    PortalKeyDiffers {
        portal: String,
        pinned: String,
        given: String,
    },
    #[error("this bundle names portal {portal} but is not signed, and that portal signs its bundles (this ledger pinned its key {pinned}). Someone else wrote it in the portal's name, or the portal runs an older tipbox again. Nothing was imported. Take a bundle from the portal itself, with tipbox of 2026-12-08 or later")]
    PortalBundleUnsigned { portal: String, pinned: String },
    #[error("--new-portal-key {expected} was given, but this bundle is {}. Nothing was imported. Give the key `tipbox-portal export` printed on the portal that wrote the bundle", .signed.as_deref().map_or("not signed".to_owned(), |k| format!("signed with portal key {k}")))]
    NewPortalKeyNotThis {
        expected: String,
        signed: Option<String>,
    },
    #[error("sealed item {blob} in the ledger is damaged ({detail}); restore the latest backup")]
    DamagedItem { blob: String, detail: String },
    #[error("sealed item {blob} in the ledger cannot be opened with these keys (sealed to key set {sealed_to}): its file is damaged, or the key that opens it is missing from keys/; restore the latest backup")]
    CannotOpen { blob: String, sealed_to: String },
    /// A request the ledger does not carry out as given: the reviewer's slip, with its fix.
    #[error(transparent)]
    Refused(#[from] Refused),
    #[error("sealing failed: {0}")]
    Seal(#[from] age::EncryptError),
    /// Sealing into memory failed (it does not: the writer is a `Vec`).
    #[error("sealing failed: {0}")]
    SealWrite(#[source] std::io::Error),
    #[error("the summary index in {0} is damaged; delete that folder and run the command again to rebuild it")]
    SummaryIndexDamaged(PathBuf),
    #[error("a sealed note is damaged")]
    NoteDamaged,
    #[error("a sealed note cannot be opened with these keys")]
    NoteNotOpened,
    #[error("a sealed note is not text")]
    NoteNotText,
    #[error("keys/recipient.txt lists {0}, but keys/identity.age does not hold its identity; a backup sealed to it could not be authenticated. Restore keys/ from a backup, or run `tipbox-review init --add-key --retire-old`")]
    IdentityMissingFor(String),
    #[error("{0} is not an identity file; restore keys/ from a backup")]
    NotAnIdentityFile(PathBuf),
    #[error("{0} changed during the backup")]
    FileChangedDuringBackup(PathBuf),
    #[error("the ledger changed during the backup")]
    LedgerChangedDuringBackup,
    #[error("{0} is not empty: restore only into an empty or new folder, never over a ledger")]
    RestoreTargetNotEmpty(PathBuf),
    #[error("generated entry {id} does not continue the ledger's numbering at {next}")]
    GeneratedOutOfOrder { id: u64, next: u64 },
    #[error("the update bundle would be {mib} MiB, over the {max_mib} MiB a portal accepts: lower `finished_days` under [publishing] in {} (now {finished_days}) so that finished tips are sent for a shorter time", config.display())]
    UpdateBundleTooLarge {
        mib: usize,
        max_mib: usize,
        config: PathBuf,
        finished_days: u32,
    },
}

/// What the reviewer asked for, refused as given: each message says what to do instead.
/// Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("{given:?} is not a category: give a key (lowercase letters, digits, dashes), such as {}, or the full name of one of these", crate::casework::default_category_keys())]
    NotACategory { given: String },
    #[error("a department name must be 1-100 characters of plain text")]
    NotADepartment,
    #[error("{flag} {given:?} is not a date; write it as YYYY-MM-DD")]
    NotADate { flag: &'static str, given: String },
    #[error("{flag} {given} is outside the days a ledger holds ({earliest} to {latest}): check the year")]
    DayOutOfRange {
        flag: &'static str,
        given: String,
        earliest: String,
        latest: String,
    },
    #[error("{flag} {given} is in the future (today is {today}): give the day the tip arrived")]
    DayInFuture {
        flag: &'static str,
        given: String,
        today: String,
    },
    #[error("{0} is empty")]
    Empty(Text),
    #[error("the --summary is too short (at least 4 characters): summarise the lead in your words, not the tip's, or leave --summary out to write it on the printed notice by hand")]
    SummaryTooShort,
    #[error("--attachment {}: not a file that can be read", .0.display())]
    NotAFile(PathBuf),
    #[error("a tip cannot be linked to itself")]
    LinkedToItself,
    #[error("tip {id} was already transferred to {to} today; nothing changed (to write a hand-over bundle for it, give --recipient and --out)")]
    AlreadyTransferred { id: u64, to: String },
    #[error("give the amount in yuan: `reward TIP approve --amount N`")]
    NoAmount,
    #[error(
        "{amount} yuan is more than {}: check the amount (in yuan)",
        crate::casework::MAX_REWARD_YUAN
    )]
    AmountTooLarge { amount: u64 },
    #[error(
        "the reward for tip {id} ({amount} yuan) was paid on {on}: a paid reward is not changed"
    )]
    RewardPaid { id: u64, amount: u64, on: String },
    #[error("no reward was approved for tip {id}")]
    NoRewardApproved { id: u64 },
    #[error("the reward for tip {id} was already marked paid on {on}; nothing changed")]
    RewardAlreadyPaid { id: u64, on: String },
    #[error("tip {id} has no receipt (it came by {channel}): rewards are claimed with a receipt's claim token")]
    NoReceiptForReward { id: u64, channel: &'static str },
    #[error("tip {id} was handed over by another unit, which answers its reporter through its own portal: nothing published here would reach them. Send what the reporter should hear to that unit")]
    AnsweredByOtherUnit { id: u64 },
    #[error("tip {id} came by {channel}: it has no receipt, so nothing can be published to its reporter through the portal")]
    NoReceipt { id: u64, channel: &'static str },
    #[error("the text for the reporter is {chars} characters long, over the {} a status page shows: shorten it (was the wrong file given?); longer reasons belong in a `note`, which stays in the ledger", crate::MAX_PUBLIC_TEXT_CHARS)]
    TooLongForReporter { chars: usize },
    #[error("tip {id} has no typed-in text to hand over")]
    NothingToHandOver { id: u64 },
    #[error("no tip in this ledger came from portal {}", tipbox_core::safe_output::label_safe(.0))]
    NoTipFromPortal(String),
    #[error("no web tip has been imported from a portal of this office yet (tips handed over by other units are answered by them): there is nothing to send to a portal")]
    NoPortalYet,
    #[error("tips came from several portals; choose one with --portal: {}", .0.iter().map(|p| tipbox_core::safe_output::label_safe(p)).collect::<Vec<_>>().join(", "))]
    SeveralPortals(Vec<String>),
    #[error("{} is not a portal id (32 lowercase hexadecimal digits, as `import` and `tipbox-portal site` print them)", tipbox_core::safe_output::label_safe(.0))]
    NotAPortalId(String),
    #[error(
        "a portal cannot join a site with itself: name another portal of the site after --with"
    )]
    SiteWithItself,
    #[error("portal {portal} is in another site ({site}): retire it from that one first with `tipbox-review site remove {portal}`")]
    InAnotherSite { portal: String, site: String },
    #[error("portal {portal} derives receipt keys with other parameters (site id {portal_site_id}) than portal {with} (site id {with_site_id}): it was not started with that site's file, and would answer none of its receipts. Make the site file on the existing portal (`tipbox-portal site --data DIR --out site.json`), start a new portal with `--site site.json` and an empty data folder, import its first bundle, then add that portal. (The site ids are what the portals' own last bundles said, and a portal that does not sign its bundles yet, on a tipbox older than 2026-12-08, has its bundles written by anyone: if you are sure, import a fresh bundle from each portal and try again)")]
    OtherReceiptParameters {
        portal: String,
        with: String,
        portal_site_id: String,
        with_site_id: String,
    },
}

/// Text a command needs and was given empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Reply,
    Note,
    Content,
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Text::Reply => "the reply",
            Text::Note => "the note",
            Text::Content => "the tip's content",
        })
    }
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io {
        path: path.to_owned(),
        source,
    }
}

pub(crate) fn db_err(e: impl std::fmt::Display) -> LedgerError {
    LedgerError::DbOp(e.to_string())
}
