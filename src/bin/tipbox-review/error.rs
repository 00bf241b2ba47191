//! The one error of the program and its exit codes: 0 success, 1 a check failed, 2 usage or input error.

/// A failure: message and exit code.
pub(crate) struct Failure(pub u8, pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(EXIT_USAGE, e.to_string())
    }
}

pub(crate) const EXIT_CHECK_FAILED: u8 = 1;

pub(crate) const EXIT_USAGE: u8 = 2;
