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
