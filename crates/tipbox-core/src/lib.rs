//! What the portal and the air-gapped ledger agree on. Neither side's crate depends on the
//! other; both depend on this one.
//!
//! - [`tip`]: the tip container (text fields, attachments, manifest) that gets sealed;
//! - [`receipt`]: the reporter's receipt code and everything derived from it;
//! - [`bundle`]: the files that cross the air gap (inbox bundles in, signed update bundles
//!   back; hand-overs to other units use the inbox format);
//! - [`keys`]: the office's key files (age identity, signing key) and recipients;
//! - [`crypto`]: the single wrapper around libsodium;
//! - [`durable`]: crash-safe file writes (partial file, fsync, rename, fsync the folder);
//! - [`vocab`]: languages, categories, days and identifiers both sides use;
//! - [`process`]: protections both programs apply at start (no core dumps);
//! - [`safe_output`]: printing strings that came from outside (terminal and JSON).
#![forbid(unsafe_code)]

pub mod bundle;
pub mod crypto;
pub mod durable;
pub mod keys;
pub mod process;
pub mod receipt;
pub mod safe_output;
pub mod tip;
pub mod vocab;
