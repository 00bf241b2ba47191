//! tipbox: a secure anonymous tip-reporting portal with an encrypted inbox.
//!
//! Where each concept lives:
//! - [`receipt`]: the reporter's receipt code and everything derived from it;
//! - [`tip`]: the tip container (text fields, attachments, manifest) that gets sealed;
//! - [`seal`]: streaming age encryption of a tip as it arrives;
//! - [`metadata`]: removing EXIF/XMP/GPS from images before sealing;
//! - [`store`]: the portal's durable store of ciphertext and its index;
//! - [`portal`]: the public web site (`tipbox-portal serve`);
//! - [`bundle`]: the files that cross the air gap (inbox bundles in, signed update bundles
//!   back; hand-overs to other units use the inbox format);
//! - [`ledger`]: the case ledger (台账) of `tipbox-review`: import, casework, reports,
//!   backups, hand-overs ([`ledger::handover`]);
//! - [`keys`]: the office's key files (age identity, signing key);
//! - [`crypto`]: the single wrapper around libsodium;
//! - [`durable`]: crash-safe file writes (partial file, fsync, rename, fsync the folder);
//! - [`process`]: protections both binaries apply at start (no core dumps);
//! - [`safe_output`]: printing strings that came from outside (terminal and JSON).
#![forbid(unsafe_code)]

pub mod bundle;
pub mod crypto;
pub mod durable;
pub mod keys;
pub mod ledger;
pub mod metadata;
pub mod portal;
pub mod process;
pub mod receipt;
pub mod safe_output;
pub mod seal;
pub mod store;
pub mod tip;
