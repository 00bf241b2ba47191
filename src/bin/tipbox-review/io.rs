//! What the program reads from and writes to the terminal and files, besides the ledger.

use super::*;

/// Print a warning of the program's own (already in the chosen language).
pub(crate) fn warn_text(message: &str) {
    eprintln!(
        "tipbox-review: {}: {}",
        crate::i18n::warning_word(),
        *terminal_safe(message)
    );
}

/// Print what the ledger says on the way (see [`ledger::Progress`]).
pub(crate) fn tell(progress: ledger::Progress) {
    eprintln!(
        "tipbox-review: {}",
        *terminal_safe(&crate::i18n::progress(&progress))
    );
}

/// A text given on the command line, or read from standard input when it is `-`: notes,
/// replies and search terms then stay out of the shell's history file. One trailing line
/// break (from `echo` or a here-document) is dropped.
pub(crate) fn text_or_stdin(value: &str) -> Result<Zeroizing<String>, Failure> {
    if value != "-" {
        return Ok(Zeroizing::new(value.to_owned()));
    }
    let mut text = read_text(&t!("cli-standard-input"), std::io::stdin())?;
    let kept = text.trim_end_matches(['\n', '\r']).len();
    text.truncate(kept);
    Ok(text)
}

/// Read a text that may be a tip's content: zeroized when dropped, and a file that is not
/// UTF-8 (most often one saved as ANSI, that is GBK, on a Chinese Windows PC) gets the fix.
pub(crate) fn read_text(
    what: &str,
    mut from: impl std::io::Read,
) -> Result<Zeroizing<String>, Failure> {
    let mut bytes = Zeroizing::new(Vec::new());
    from.read_to_end(&mut bytes)
        .map_err(|e| t!("cli-cannot-read", file = what, reason = e))?;
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(Zeroizing::new(text.to_owned())),
        Err(_) => Err(Failure(EXIT_USAGE, t!("cli-not-utf8", what = what))),
    }
}

/// Write an output file atomically and durably (see `tipbox::durable`).
/// `-`: standard output.
pub(crate) fn is_stdout(path: &Path) -> bool {
    path == Path::new("-")
}

/// Tell what was written where: on standard output, unless the file itself went there.
pub(crate) fn report_written(out: &Path, message: String) {
    let message = terminal_safe(&message);
    if is_stdout(out) {
        eprintln!("tipbox-review: {}", message.as_str());
    } else {
        println!("{}", message.as_str());
    }
}

/// Refuse `-` for outputs that must be a file.
pub(crate) fn file_only(out: &Path, what: &str) -> Result<(), Failure> {
    if is_stdout(out) {
        return Err(Failure(EXIT_USAGE, t!("cli-file-only", what = what)));
    }
    Ok(())
}

pub(crate) fn write_file_durably(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if is_stdout(path) {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(bytes)
            .and_then(|()| stdout.flush())
            .map_err(|e| Failure(EXIT_USAGE, t!("cli-stdout-failed", reason = e)));
    }
    tipbox::durable::write_atomically(path, bytes).map_err(|e| {
        Failure(
            EXIT_USAGE,
            t!("cli-cannot-write", file = path.display(), reason = e),
        )
    })
}

/// A spinner on stderr for work that may take a while; hidden when stderr is not a terminal.
pub(crate) fn spinner(message: String) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner().with_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

pub(crate) fn read_passphrase(file: Option<&Path>, confirm: bool) -> Result<SecretString, Failure> {
    read_passphrase_as(file, confirm, &t!("cli-prompt-passphrase"))
}

/// A passphrase from `file`, or from a prompt saying `label` (twice with `confirm`).
pub(crate) fn read_passphrase_as(
    file: Option<&Path>,
    confirm: bool,
    label: &str,
) -> Result<SecretString, Failure> {
    let text = match file {
        Some(path) => Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            t!(
                "cli-cannot-read-passphrase-file",
                file = path.display(),
                reason = e
            )
        })?),
        None => {
            let first = Zeroizing::new(
                rpassword::prompt_password(format!("{label}: "))
                    .map_err(|e| t!("cli-cannot-read-passphrase-tty", reason = e))?,
            );
            if confirm {
                let again = Zeroizing::new(
                    rpassword::prompt_password(format!(
                        "{}: ",
                        t!("cli-prompt-again", label = label)
                    ))
                    .map_err(|e| t!("cli-cannot-read-passphrase", reason = e))?,
                );
                if *first != *again {
                    return Err(Failure(EXIT_USAGE, t!("cli-passphrases-differ")));
                }
            }
            first
        }
    };
    passphrase_given(&text)
}

/// A passphrase as typed or read from a file: one line end dropped, at least 8 characters.
pub(crate) fn passphrase_given(text: &str) -> Result<SecretString, Failure> {
    let trimmed = text.trim_end_matches(['\r', '\n']);
    if trimmed.chars().count() < 8 {
        return Err(Failure(EXIT_USAGE, t!("cli-passphrase-too-short")));
    }
    Ok(SecretString::from(trimmed.to_owned()))
}

/// Refuse an output (a bundle, a backup, a notice, attachments) inside the ledger's own
/// folder: it would overwrite the ledger's files (its audit log, its config) or leave
/// decrypted attachments beside the ciphertext, and in every later backup.
pub(crate) fn outside_ledger(ledger: &Path, out: &Path) -> Result<(), Failure> {
    if is_stdout(out) {
        return Ok(());
    }
    let Ok(root) = ledger.canonicalize() else {
        return Ok(());
    };
    // The nearest part of the path that exists, resolved, and the rest as given.
    let mut existing = out.to_path_buf();
    let mut rest = Vec::new();
    let resolved = loop {
        if let Ok(p) = existing.canonicalize() {
            break p;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_owned());
                existing = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => return Ok(()),
        }
    };
    let full = rest.iter().rev().fold(resolved, |p, n| p.join(n));
    // By name, and by the folder itself (a bind mount shows it under another name).
    let same_folder = |p: &Path| {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(p), std::fs::metadata(&root)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    };
    if full.starts_with(&root) || full.ancestors().any(same_folder) {
        return Err(Failure(
            EXIT_USAGE,
            t!(
                "cli-inside-ledger",
                file = out.display(),
                ledger = ledger.display()
            ),
        ));
    }
    Ok(())
}
