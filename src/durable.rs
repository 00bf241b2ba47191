//! Writing files so that they survive a crash or a power cut, in one place.
//!
//! A file that exists under its final name is complete: it is written beside its target as
//! `NAME.partial`, flushed to disk (`fsync`), renamed into place, and then the folder itself
//! is flushed so the rename is durable too. Secret-bearing folders and files are private
//! (0700 / 0600).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where a file is written before it is renamed into place: `NAME.partial` beside it.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

/// `fsync` a folder, so that renames and new entries in it are durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    File::open(dir)?.sync_all()
}

/// Rename a fully written (and fsync'd) file into place and make the rename durable.
pub fn rename_into_place(partial: &Path, path: &Path) -> io::Result<()> {
    fs::rename(partial, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Open a new private (0600) file for writing, replacing a leftover of an earlier crash.
pub fn create_private_file(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Write `contents` to `path` atomically and durably (see the module comment).
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let partial = partial_path(path);
    let result = (|| {
        let mut f = create_private_file(&partial)?;
        f.write_all(contents)?;
        f.sync_all()
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&partial);
        return Err(e);
    }
    rename_into_place(&partial, path)
}

/// Make a sled database durable. sled's `flush()` on Linux uses `sync_file_range`, which
/// neither forces file metadata nor the drive's cache, so after it every file of the
/// database's folder, and the folder itself, is `fsync`ed.
pub fn sync_sled(db: &sled::Db, dir: &Path) -> io::Result<()> {
    db.flush().map_err(io::Error::other)?;
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() {
            File::open(&path)?.sync_all()?;
        }
    }
    sync_dir(dir)
}

/// Open a sled database in `dir`, first clearing the unfinished snapshot a killed sled can
/// leave behind.
///
/// sled 0.34 writes a snapshot to `snap.<lsn>.generating`, fsyncs it and renames it to
/// `snap.<lsn>`; but when it opens a database it reads the newest `snap.*` file, an
/// unfinished `.generating` one included (spacejam/sled#1527). A `kill -9` while a
/// snapshot is being written (sled writes one at every start and every clean close) then
/// makes the database refuse to open with "Read corrupted data at file offset None".
/// The unfinished file was never used: the previous snapshot is kept until the rename and
/// the log holds everything since, so deleting it leaves sled exactly as if it had been
/// killed just before it began the snapshot, a case its recovery handles. We delete it only
/// while holding sled's own lock (an exclusive `flock` on `dir/db`), so never under a
/// process that is writing it.
pub fn open_sled(dir: &Path, config: sled::Config) -> sled::Result<sled::Db> {
    remove_unfinished_snapshots(dir)?;
    config.path(dir).open()
}

fn remove_unfinished_snapshots(dir: &Path) -> io::Result<()> {
    let lock_path = dir.join("db");
    let lock = match OpenOptions::new().read(true).write(true).open(&lock_path) {
        Ok(f) => f,
        // A new database: nothing to clear.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    match lock.try_lock() {
        Ok(()) => {}
        // Another process has the database open; sled's own open reports the lock.
        Err(fs::TryLockError::WouldBlock) => return Ok(()),
        Err(fs::TryLockError::Error(e)) => return Err(e),
    }
    let mut removed = false;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            fs::remove_file(entry.path())?;
            removed = true;
        }
    }
    if removed {
        sync_dir(dir)?;
    }
    // Dropping `lock` releases the flock before sled takes it.
    Ok(())
}

/// Create a folder (and its parents) readable by its owner only.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Writes a large file to disk while it is still being written, so that the final fsync
/// has only the last few MiB left to do (the portal's 100 MiB uploads took ~50 ms to fsync
/// at the end; an import's 1.6 GB pack ~1 s). A helper thread, started once `every` bytes
/// went by, calls `sync_data` on a clone of the file whenever another `every` bytes went by.
/// Errors are left to the final fsync, which the caller still does.
pub struct EarlyWriteback {
    file: Option<std::fs::File>,
    ping: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    since_last: u64,
    every: u64,
}

impl EarlyWriteback {
    pub fn new(file: &File, every: u64) -> Self {
        EarlyWriteback {
            file: file.try_clone().ok(),
            ping: None,
            thread: None,
            since_last: 0,
            every,
        }
    }

    /// Count `bytes` more written; sync in the background when enough went by.
    pub fn wrote(&mut self, bytes: u64) {
        self.since_last += bytes;
        if self.since_last < self.every {
            return;
        }
        self.since_last = 0;
        if self.ping.is_none() {
            let Some(file) = self.file.take() else { return };
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let spawned = std::thread::Builder::new()
                .name("writeback".into())
                .spawn(move || {
                    while rx.recv().is_ok() {
                        // Pings that arrived meanwhile are covered by this sync.
                        while rx.try_recv().is_ok() {}
                        let _ = file.sync_data();
                    }
                });
            match spawned {
                Ok(handle) => {
                    self.ping = Some(tx);
                    self.thread = Some(handle);
                }
                Err(_) => return,
            }
        }
        if let Some(ping) = &self.ping {
            let _ = ping.send(());
        }
    }
}

impl Drop for EarlyWriteback {
    fn drop(&mut self) {
        self.ping = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_leftovers_and_leave_no_partial() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.html");
        std::fs::write(partial_path(&target), b"left by a crash").unwrap();
        write_atomically(&target, b"complete").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"complete");
        assert!(!partial_path(&target).exists());
        assert_eq!(
            partial_path(&target),
            dir.path().join("report.html.partial")
        );
    }
}
