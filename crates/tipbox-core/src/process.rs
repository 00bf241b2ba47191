//! Process-level protections applied at the start of both binaries.

/// Disable core dumps: a crash must not write tip plaintext, receipts or keys held in
/// memory to a core file on disk. Best effort: a failure is reported, not fatal.
pub fn disable_core_dumps() -> Result<(), std::io::Error> {
    rlimit::setrlimit(rlimit::Resource::CORE, 0, 0)
}
