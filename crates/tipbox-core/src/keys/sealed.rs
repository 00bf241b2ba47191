//! Opening an age file from outside with bounded work: its header is read line by line,
//! once, up to a size and a number of stanzas, before age sees it.

use std::io::Read;

use super::MAX_SCRYPT_WORK_FACTOR;

/// Most recipient stanzas an age header sealed to the office may carry. The portal and the
/// ledger seal to the office's recipients (a handful, after years of key rotations).
pub const MAX_STANZAS: usize = 64;
/// Largest age header read (64 stanzas of any type tipbox writes fit many times over).
pub const MAX_AGE_HEADER: u64 = 64 * 1024;

/// Why a sealed file could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// Reading failed (the disk, or the file ends early).
    Io(std::io::Error),
    /// Not a well-formed age file (the header is damaged, too large or has too many
    /// stanzas): nobody's keys would open it.
    Malformed(&'static str),
    /// A well-formed age file that none of the given identities opens: sealed to another
    /// office, or to keys that are missing (or a wrong passphrase).
    NotOurs,
    /// Sealed with a passphrase at a higher scrypt work factor (`2^required`) than tipbox
    /// accepts ([`MAX_SCRYPT_WORK_FACTOR`]).
    ExcessiveWork { required: u8 },
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Io(e) => write!(f, "reading it failed: {e}"),
            OpenError::Malformed(what) => f.write_str(what),
            OpenError::NotOurs => f.write_str("none of these keys opens it"),
            OpenError::ExcessiveWork { required } => write!(
                f,
                "it asks for more passphrase work (scrypt 2^{required}) than tipbox accepts \
                 (2^{MAX_SCRYPT_WORK_FACTOR})"
            ),
        }
    }
}

/// A sealed file being decrypted by [`open_sealed`]: its header (read ahead) then the rest.
pub type Opened<R> = age::stream::StreamReader<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>;

/// Open an age file with `identities`, reading its header first with bounded work.
///
/// age re-parses a header from its start for every line it reads (`Decryptor::
/// new_buffered`), so the work grows with the square of the header's length: one item with
/// 10,000 bogus stanzas (1 MB) took 30 s to refuse. Here the header is read line by line,
/// once, up to [`MAX_AGE_HEADER`] bytes and [`MAX_STANZAS`] stanzas, and only then given to
/// age (from memory, then the rest of `input`): the work per item is linear, and bounded.
pub fn open_sealed<'i, R: std::io::BufRead>(
    mut input: R,
    identities: impl Iterator<Item = &'i dyn age::Identity>,
) -> Result<Opened<R>, OpenError> {
    use std::io::BufRead as _;
    const INTRO: &[u8] = b"age-encryption.org/v1\n";
    let mut header = vec![0u8; INTRO.len()];
    input.read_exact(&mut header).map_err(OpenError::Io)?;
    if header != INTRO {
        return Err(OpenError::Malformed(
            "it is not an age file (binary, version 1)",
        ));
    }
    let mut stanzas = 0usize;
    let mut in_body = false;
    loop {
        let start = header.len();
        let left = MAX_AGE_HEADER - start as u64;
        let n = (&mut input)
            .take(left)
            .read_until(b'\n', &mut header)
            .map_err(OpenError::Io)?;
        let line = &header[start..];
        if n == 0 || !line.ends_with(b"\n") {
            if header.len() as u64 >= MAX_AGE_HEADER {
                return Err(OpenError::Malformed("its age header is larger than 64 KiB"));
            }
            return Err(OpenError::Io(std::io::ErrorKind::UnexpectedEof.into()));
        }
        // The specification's stanza rule, which age 0.12 does not enforce (C2SP/CCTV
        // `stanza_missing_body`, `stanza_missing_final_line`): a stanza's body is lines of
        // 64 columns ended by a shorter one, possibly empty; nothing else may end it.
        let text = &line[..line.len() - 1];
        if in_body {
            if text.starts_with(b"-> ") || text.starts_with(b"---") {
                return Err(OpenError::Malformed(
                    "its age header has a stanza without its final body line",
                ));
            }
            in_body = text.len() == 64;
        } else if text.starts_with(b"-> ") {
            stanzas += 1;
            if stanzas > MAX_STANZAS {
                return Err(OpenError::Malformed(
                    "its age header names more than 64 recipients",
                ));
            }
            in_body = true;
        } else if text.starts_with(b"---") {
            break;
        } else {
            return Err(OpenError::Malformed("its age header is malformed"));
        }
    }
    let decryptor = age::Decryptor::new_buffered(std::io::Cursor::new(header).chain(input))
        .map_err(|e| match e {
            age::DecryptError::Io(e) => OpenError::Io(e),
            _ => OpenError::Malformed("its age header is malformed"),
        })?;
    decryptor.decrypt(identities).map_err(|e| match e {
        age::DecryptError::Io(e) => OpenError::Io(e),
        age::DecryptError::NoMatchingKeys => OpenError::NotOurs,
        // Wrong passphrases and unopenable stanzas are "not ours"; a malformed stanza or a
        // header MAC that does not match a file key we found is damage.
        age::DecryptError::DecryptionFailed => OpenError::NotOurs,
        age::DecryptError::ExcessiveWork { required, .. } => OpenError::ExcessiveWork { required },
        _ => OpenError::Malformed("its age header is malformed"),
    })
}
