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

/// Refuse to write over `path` when it is not an ordinary file. A file written beside its
/// name and renamed into place replaces whatever had that name: for a device, a link or a
/// folder that is never what was meant (as root, `--out /dev/null` would replace the
/// system's null device with a file).
pub fn check_replaceable(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if !meta.file_type().is_file() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it exists and is not an ordinary file (a device, a folder or a link); give the name of a new or ordinary file",
        )),
        _ => Ok(()),
    }
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

/// Create a new private (0600) file that must not exist yet: never overwrites a file and
/// never follows a symlink planted under its name.
pub fn create_new_private_file(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Write `contents` to `path` atomically and durably (see the module comment).
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    AtomicFile::create(path)?.commit(contents)
}

/// A file to be written atomically whose destination is tried first: `NAME.partial` is
/// created at once, so that a command learns that it cannot write its output before it
/// records anything (a supervision notice takes the next number in the ledger); the
/// contents go in and the file is renamed into place by [`AtomicFile::commit`]. Dropped
/// uncommitted, it leaves nothing behind.
pub struct AtomicFile {
    path: PathBuf,
    partial: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        check_replaceable(path)?;
        let partial = partial_path(path);
        let file = create_private_file(&partial)?;
        Ok(AtomicFile {
            path: path.to_owned(),
            partial,
            file: Some(file),
        })
    }

    /// Write `contents`, `fsync`, rename into place, `fsync` the folder.
    pub fn commit(mut self, contents: &[u8]) -> io::Result<()> {
        self.write(contents)?;
        self.rename()
    }

    /// Write `contents` and `fsync` them, without putting the file in place: for a
    /// command that writes several files and renames them only once all are written
    /// ([`AtomicFile::rename`]).
    pub fn write(&mut self, contents: &[u8]) -> io::Result<()> {
        let file = self.file.as_mut().expect("open until renamed");
        file.write_all(contents)?;
        file.sync_all()
    }

    /// Rename what [`AtomicFile::write`] wrote into place, and `fsync` the folder.
    pub fn rename(mut self) -> io::Result<()> {
        drop(self.file.take().expect("an AtomicFile is renamed once"));
        rename_into_place(&self.partial, &self.path)
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed, or the commit failed before the rename: no partial file stays.
        if self.partial.exists() {
            let _ = fs::remove_file(&self.partial);
        }
    }
}

/// Make a sled database durable. sled's `flush()` on Linux uses `sync_file_range`, which
/// neither forces file metadata nor the drive's cache, so after it every file of the
/// database's folder, and the folder itself, is `fsync`ed.
/// Open `path` for reading without updating its access time (`O_NOATIME`), so that reading
/// a file (the portal's export) does not record when it was read. Falls back to a plain
/// open where the flag is not allowed (a file this user does not own).
pub fn open_noatime(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let noatime = rustix::fs::OFlags::NOATIME.bits() as i32;
    match fs::OpenOptions::new()
        .read(true)
        .custom_flags(noatime)
        .open(path)
    {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => File::open(path),
        other => other,
    }
}

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

/// Writes a new file straight to the disk (`O_DIRECT`), past the page cache, from a helper
/// thread: for large files written once and read rarely, such as the portal's sealed tips
/// and the ledger's import packs.
///
/// Why: a buffered write copies every byte into the page cache, and the kernel then writes
/// the pages out and, on the final fsync, waits for them. For a 100 MiB upload the copy
/// alone took ~30 ms of CPU next to ~85 ms of encryption, on the two cores the upload's
/// network side and the receipt's key derivation also need (docs/performance.md). With `O_DIRECT` the
/// disk takes the bytes from our buffer; the helper thread waits for it while the caller
/// goes on encrypting, and the final fsync has nothing left to write.
///
/// The caller writes as usual and ends with [`DirectWriter::finish`], which writes the
/// last partial block through the page cache and hands back the file for its fsync. Where
/// the file system refuses `O_DIRECT` (some network and older in-memory file systems),
/// every write is an ordinary one. Nothing is durable before the caller's fsync. Dropped
/// unfinished (an aborted upload), the helper completes the writes in flight and stops.
pub struct DirectWriter {
    /// Bytes written so far by `write` (shipped or in `current`).
    written: u64,
    current: AlignedBuf,
    helper: Option<DirectHelper>,
    /// The file, for the tail and for the caller afterwards.
    file: File,
    /// Ordinary writes: the file system refused `O_DIRECT`.
    buffered: bool,
}

struct DirectHelper {
    full: std::sync::mpsc::SyncSender<(u64, AlignedBuf)>,
    returned: std::sync::mpsc::Receiver<io::Result<AlignedBuf>>,
    thread: std::thread::JoinHandle<()>,
    /// Buffers handed to the helper and not yet returned.
    in_flight: usize,
    /// Empty buffers ready to fill.
    spare: Vec<AlignedBuf>,
}

/// Alignment of memory, offsets and lengths for `O_DIRECT`: 4 KiB suits 512-byte and
/// 4 KiB sector disks alike.
const DIRECT_ALIGN: usize = 4096;
/// Size of one write to the disk, and buffers per file (1.5 MiB per upload): one filling,
/// the others waiting for or being written. 512 KiB, 1 MiB and 2 MiB writes gave the same
/// upload times here; 3 x 1 MiB pushed figure 2 of the benchmark (memory) over its target.
const DIRECT_BUF: usize = 512 << 10;
const DIRECT_BUFFERS: usize = 3;

/// A buffer of up to `DIRECT_BUF` bytes whose start is `DIRECT_ALIGN`-aligned in memory.
/// Its capacity is reserved at once (so it never moves) but filled as bytes arrive: a
/// trickling upload holds only what it sent, not half a MiB per connection.
struct AlignedBuf {
    /// `start` bytes of padding up to the aligned address, then the data.
    storage: Vec<u8>,
    start: usize,
}

impl AlignedBuf {
    fn new() -> Self {
        let mut storage: Vec<u8> = Vec::with_capacity(DIRECT_BUF + DIRECT_ALIGN);
        // For bytes this is always below the alignment; anything else would be a
        // misaligned buffer, which O_DIRECT refuses with EINVAL (then written buffered).
        let start = storage
            .as_ptr()
            .align_offset(DIRECT_ALIGN)
            .min(DIRECT_ALIGN);
        storage.resize(start, 0);
        AlignedBuf { storage, start }
    }
    fn len(&self) -> usize {
        self.storage.len() - self.start
    }
    fn filled(&self) -> &[u8] {
        &self.storage[self.start..]
    }
    /// Append what fits; never beyond the reserved capacity, so the data never moves.
    fn fill(&mut self, data: &[u8]) -> usize {
        let n = (DIRECT_BUF - self.len()).min(data.len());
        self.storage.extend_from_slice(&data[..n]);
        n
    }
    fn clear(&mut self) {
        self.storage.truncate(self.start);
    }
}

/// Reads ranges of files straight from the disk (`O_DIRECT`), past the page cache: for
/// `search`, which reads whole packs once, in large runs.
///
/// Why: read through the page cache, a 1.6 GB pack first has to be copied into newly
/// allocated cache pages, which cost ~3 s of kernel time on the 2-core test VM (the cores
/// that decrypt); read directly, the disk puts the bytes in our buffer and the only cost is
/// the wait, which a reader thread overlaps with decryption. Where a file system refuses
/// `O_DIRECT`, reads are ordinary ones.
#[derive(Default)]
pub struct DirectReader {
    /// Open files, and whether they are read directly.
    files: std::collections::HashMap<PathBuf, (File, bool)>,
}

impl DirectReader {
    /// Read the bytes `offset..offset + len` of `path` into `buf` (grown and aligned as the
    /// disk needs; reuse it) and return where in `buf` they are. Files stay open.
    pub fn read(
        &mut self,
        path: &Path,
        offset: u64,
        len: usize,
        buf: &mut Vec<u8>,
    ) -> io::Result<std::ops::Range<usize>> {
        use std::os::unix::fs::FileExt;
        let align = DIRECT_ALIGN as u64;
        let from = offset - offset % align;
        let head = (offset - from) as usize;
        let want = (head + len).div_ceil(DIRECT_ALIGN) * DIRECT_ALIGN;
        if buf.len() < want + DIRECT_ALIGN {
            *buf = vec![0u8; want + DIRECT_ALIGN];
        }
        // For bytes this is always below the alignment (see `AlignedBuf`).
        let start = buf.as_ptr().align_offset(DIRECT_ALIGN).min(DIRECT_ALIGN);
        let (file, direct) = match self.files.entry(path.to_owned()) {
            std::collections::hash_map::Entry::Occupied(open) => open.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                let file = File::open(path)?;
                // Refused (tmpfs, some network file systems): ordinary reads.
                let direct = set_direct(&file, true).is_ok();
                slot.insert((file, direct))
            }
        };
        let window = &mut buf[start..start + want];
        let mut got = 0;
        while got < head + len {
            match file.read_at(&mut window[got..], from + got as u64) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                // Short reads happen at the end of the file; the next read is unaligned
                // and, if the disk refuses it, done the ordinary way below.
                Ok(n) => got += n,
                Err(e)
                    if *direct
                        && e.raw_os_error() == Some(rustix::io::Errno::INVAL.raw_os_error()) =>
                {
                    set_direct(file, false)?;
                    *direct = false;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(start + head..start + head + len)
    }
}

/// Turn `O_DIRECT` on or off for an open file.
fn set_direct(file: &File, on: bool) -> io::Result<()> {
    use rustix::fs::{fcntl_getfl, fcntl_setfl, OFlags};
    let flags = fcntl_getfl(file)?;
    let flags = if on {
        flags | OFlags::DIRECT
    } else {
        flags - OFlags::DIRECT
    };
    fcntl_setfl(file, flags)?;
    Ok(())
}

/// Write `data` at `offset`; if the disk refuses this direct write (EINVAL: alignment it
/// does not support), switch the file to ordinary writes and write it again.
fn write_direct_at(file: &File, data: &[u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    match file.write_all_at(data, offset) {
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::INVAL.raw_os_error()) => {
            set_direct(file, false)?;
            file.write_all_at(data, offset)
        }
        other => other,
    }
}

impl DirectWriter {
    /// Write `file` (new and empty) directly to the disk where its file system allows it.
    pub fn new(file: File) -> io::Result<Self> {
        let direct = set_direct(&file, true).is_ok();
        Self::start(file, direct)
    }

    fn start(file: File, direct: bool) -> io::Result<Self> {
        Ok(DirectWriter {
            written: 0,
            current: AlignedBuf::new(),
            helper: None,
            file,
            buffered: !direct,
        })
    }

    /// The helper thread, started with the first full buffer: a small tip never fills
    /// one and is written by `finish` alone.
    fn spawn_helper(&self) -> io::Result<DirectHelper> {
        let (full, jobs) = std::sync::mpsc::sync_channel::<(u64, AlignedBuf)>(DIRECT_BUFFERS);
        let (back, returned) = std::sync::mpsc::channel();
        let writer = self.file.try_clone()?;
        let thread = std::thread::Builder::new()
            .name("direct-write".into())
            .spawn(move || {
                for (offset, mut buf) in jobs {
                    let result = write_direct_at(&writer, buf.filled(), offset).map(|()| {
                        buf.clear();
                        buf
                    });
                    let failed = result.is_err();
                    if back.send(result).is_err() || failed {
                        return;
                    }
                }
            })?;
        Ok(DirectHelper {
            full,
            returned,
            thread,
            in_flight: 0,
            spare: Vec::new(),
        })
    }

    /// Hand the full current buffer to the helper and take an empty one (waiting for the
    /// disk when all are in flight).
    fn ship(&mut self) -> io::Result<()> {
        let offset = self.written - self.current.len() as u64;
        if self.buffered {
            use std::os::unix::fs::FileExt;
            self.file.write_all_at(self.current.filled(), offset)?;
            self.current.clear();
            return Ok(());
        }
        if self.helper.is_none() {
            self.helper = Some(self.spawn_helper()?);
        }
        let Some(h) = self.helper.as_mut() else {
            return Err(helper_gone());
        };
        while let Ok(back) = h.returned.try_recv() {
            h.in_flight -= 1;
            h.spare.push(back?);
        }
        let next = match h.spare.pop() {
            Some(b) => b,
            None if h.in_flight + 1 < DIRECT_BUFFERS => AlignedBuf::new(),
            None => {
                let back = h.returned.recv().map_err(|_| helper_gone())?;
                h.in_flight -= 1;
                back?
            }
        };
        let full = std::mem::replace(&mut self.current, next);
        h.full.send((offset, full)).map_err(|_| helper_gone())?;
        h.in_flight += 1;
        Ok(())
    }

    /// Wait for every direct write, write the last partial block through the page cache,
    /// and give back the file (no longer in direct mode) for the caller's fsync.
    pub fn finish(mut self) -> io::Result<File> {
        if let Some(h) = self.helper.take() {
            let DirectHelper {
                full,
                returned,
                thread,
                mut in_flight,
                ..
            } = h;
            drop(full);
            while in_flight > 0 {
                returned.recv().map_err(|_| helper_gone())??;
                in_flight -= 1;
            }
            let _ = thread.join();
        }
        if !self.buffered {
            set_direct(&self.file, false)?;
        }
        if self.current.len() > 0 {
            use std::os::unix::fs::FileExt;
            let offset = self.written - self.current.len() as u64;
            self.file.write_all_at(self.current.filled(), offset)?;
        }
        // Positioned writes leave the cursor at 0: put it at the end for the caller.
        use std::io::Seek;
        self.file.seek(io::SeekFrom::Start(self.written))?;
        Ok(self.file)
    }

    /// True when the file system refused `O_DIRECT` and writes go through the page cache.
    pub fn is_buffered(&self) -> bool {
        self.buffered
    }
}

fn helper_gone() -> io::Error {
    io::Error::other("the disk writer thread stopped")
}

impl Write for DirectWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = self.current.fill(data);
        self.written += n as u64;
        if self.current.len() == DIRECT_BUF {
            self.ship()?;
        }
        Ok(n)
    }
    /// Nothing to do: whole blocks go out as they fill, the rest in `finish`.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that differ from one offset to the next, so a misplaced block shows.
    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 + i / 4096) as u8).collect()
    }

    #[test]
    fn direct_writer_files_read_back_byte_for_byte_whatever_their_size() {
        let dir = tempfile::tempdir().unwrap();
        let sizes = [
            0,
            1,
            DIRECT_ALIGN - 1,
            DIRECT_ALIGN,
            DIRECT_ALIGN + 1,
            DIRECT_BUF - 1,
            DIRECT_BUF,
            DIRECT_BUF + 1,
            // More buffers than the writer has: it must wait for the disk and reuse them.
            (DIRECT_BUFFERS + 2) * DIRECT_BUF + 12_345,
        ];
        // Both modes: direct (where the folder's file system allows it) and the fallback.
        for direct in [true, false] {
            for (i, &size) in sizes.iter().enumerate() {
                let path = dir.path().join(format!("{direct}-{i}"));
                let file = create_private_file(&path).unwrap();
                let mut w = if direct {
                    DirectWriter::new(file).unwrap()
                } else {
                    DirectWriter::start(file, false).unwrap()
                };
                assert!(direct || w.is_buffered());
                let data = pattern(size);
                // Odd pieces, as age writes them (64 KiB + 16), plus single bytes.
                for piece in data.chunks(65_552) {
                    let (first, rest) = piece.split_at(piece.len().min(1));
                    w.write_all(first).unwrap();
                    w.write_all(rest).unwrap();
                }
                let mut file = w.finish().unwrap();
                use std::io::Seek;
                assert_eq!(file.stream_position().unwrap(), size as u64, "size {size}");
                let flags = rustix::fs::fcntl_getfl(&file).unwrap();
                assert!(
                    !flags.contains(rustix::fs::OFlags::DIRECT),
                    "left in direct mode"
                );
                file.write_all(b"appended").unwrap();
                drop(file);
                let mut expected = data;
                expected.extend_from_slice(b"appended");
                let got = std::fs::read(&path).unwrap();
                assert!(
                    got == expected,
                    "size {size}, direct {direct}: contents differ"
                );
            }
        }
    }

    #[test]
    fn direct_reader_gives_back_any_range_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let size = 3 * DIRECT_BUF + 777;
        let data = pattern(size);
        let path = dir.path().join("pack");
        std::fs::write(&path, &data).unwrap();
        let mut reader = DirectReader::default();
        // One buffer for every read, as `search` reuses its buffers.
        let mut buf = Vec::new();
        let ranges = [
            (0, 1),
            (0, DIRECT_ALIGN),
            (1, DIRECT_ALIGN),
            (DIRECT_ALIGN - 1, 2),
            (12_345, 100_000),
            (DIRECT_BUF + 3, 2 * DIRECT_BUF),
            // Up to the end of the file, which is not a multiple of the alignment.
            (size - 5, 5),
            (size - 70_000, 70_000),
            (0, size),
        ];
        for (offset, len) in ranges {
            let at = reader.read(&path, offset as u64, len, &mut buf).unwrap();
            assert!(
                buf[at.clone()] == data[offset..offset + len],
                "bytes {offset}+{len}"
            );
        }
        // Past the end: an error, never short data.
        let err = reader
            .read(&path, size as u64 - 5, 6, &mut buf)
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        // A file system that refuses O_DIRECT (tmpfs, where there is one) reads the same.
        let shm = Path::new("/dev/shm");
        if shm.is_dir() {
            let dir = tempfile::tempdir_in(shm).unwrap();
            let path = dir.path().join("pack");
            std::fs::write(&path, &data).unwrap();
            for (offset, len) in ranges {
                let at = reader.read(&path, offset as u64, len, &mut buf).unwrap();
                assert!(
                    buf[at] == data[offset..offset + len],
                    "tmpfs {offset}+{len}"
                );
            }
        }
    }

    #[test]
    fn aligned_buffers_are_aligned_and_hold_only_what_was_written() {
        let mut b = AlignedBuf::new();
        assert_eq!(b.filled().as_ptr() as usize % DIRECT_ALIGN, 0);
        // Reserved, not filled: a trickling upload must not pin half a MiB (only the
        // padding up to the aligned start has been written).
        assert!(b.storage.len() < DIRECT_ALIGN);
        assert_eq!(b.fill(&[7; 100]), 100);
        assert_eq!(b.len(), 100);
        // Full at DIRECT_BUF, and the data never moved.
        let at = b.filled().as_ptr();
        assert_eq!(b.fill(&vec![1; DIRECT_BUF]), DIRECT_BUF - 100);
        assert_eq!(b.len(), DIRECT_BUF);
        assert_eq!(b.filled().as_ptr(), at);
        b.clear();
        assert_eq!(b.len(), 0);
        assert_eq!(b.filled().as_ptr() as usize % DIRECT_ALIGN, 0);
    }

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
