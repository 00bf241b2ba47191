//! The public portal's intake, over real HTTP against the real binary on a random port.
//! Each test names the SPEC invariant or issue requirement it protects.

#[path = "../common/mod.rs"]
mod common;

use common::*;
use tipbox::crypto::KdfParams;
use tipbox::receipt::ReceiptCode;
use tipbox::tip::{Kind, MIN_PADDED_SIZE};

mod forms;
mod lookup;
mod sealing;
mod serving;
