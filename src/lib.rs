//! tipbox: a secure anonymous tip-reporting portal with an encrypted inbox.
//!
//! This package holds the two programs (`src/bin/`); the work is done in the crates under
//! `crates/` (ARCHITECTURE.md has the map):
//! - [`tipbox_core`]: what both sides agree on (tip container, receipts, bundle formats,
//!   keys, durable writes, the shared vocabulary);
//! - `tipbox_portal`: the public web site, its store of ciphertext and its sealing;
//! - `tipbox_ledger`: the case ledger (台账) of the air-gapped side.
//!
//! The modules are re-exported here under their old paths (`tipbox::ledger`,
//! `tipbox::store`, ...) for the tests, benchmarks and fuzz targets, which exercise both
//! sides together.
#![forbid(unsafe_code)]

pub use tipbox_core::{bundle, crypto, durable, keys, process, receipt, safe_output, tip, vocab};

#[cfg(feature = "review")]
pub use tipbox_ledger as ledger;

#[cfg(feature = "portal")]
pub use tipbox_portal as portal;
#[cfg(feature = "portal")]
pub use tipbox_portal::{metadata, seal, store};
