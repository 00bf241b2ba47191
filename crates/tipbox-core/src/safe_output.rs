//! Printing strings that came from outside: tip content, and anything a bundle carried.
//!
//! Whoever writes a tip, and whoever controls a portal, chooses these strings. Printed raw,
//! they could drive the reviewer's terminal (ESC sequences that hide the next line, OSC 52
//! that writes the clipboard) or reorder what it shows (bidi overrides). So:
//!
//! - [`terminal_safe`] replaces every control character but newline and tab, and every
//!   bidi control, with U+FFFD, for text meant for a terminal;
//! - [`to_json_string`] / [`to_json_writer`] write JSON in which those characters (and DEL,
//!   the C1 controls and the line and paragraph separators, which serde_json leaves raw) are
//!   `\uXXXX` escapes: the JSON means the same, and nothing dangerous is on the screen when
//!   a reviewer prints it to a terminal (SECURITY.md; invariant 8, ARCHITECTURE.md).

use std::io;

use zeroize::Zeroizing;

/// Characters that reorder text on screen (bidi embeddings, overrides and isolates, and
/// the direction marks).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that show nothing but change what text means or how it compares: zero-width
/// spaces and joiners, word joiners and invisible operators, the byte-order mark, the
/// interlinear annotation marks, and the Unicode tag characters.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// Whether `c` must never reach a terminal as it is (newline and tab may).
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || is_bidi_control(c)
        || is_invisible(c)
        || c == '\u{2028}'
        || c == '\u{2029}'
}

/// `s` with every character [`is_unsafe_char`] names replaced by U+FFFD. Zeroized when
/// dropped: it is usually tip content.
pub fn terminal_safe(s: &str) -> Zeroizing<String> {
    Zeroizing::new(
        s.chars()
            .map(|c| if is_unsafe_char(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// [`terminal_safe`] that borrows when nothing needs replacing (labels, ids).
pub fn label_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_unsafe_char) {
        std::borrow::Cow::Owned(terminal_safe(s).to_string())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A serde_json formatter that escapes, inside strings, what serde_json leaves raw and a
/// terminal would act on: DEL, the C1 controls, bidi controls, U+2028 and U+2029 (serde_json
/// itself escapes the C0 controls, `"` and `\`).
pub struct SafeFormatter<F>(F);

impl SafeFormatter<serde_json::ser::CompactFormatter> {
    pub fn compact() -> Self {
        SafeFormatter(serde_json::ser::CompactFormatter)
    }
}

impl SafeFormatter<serde_json::ser::PrettyFormatter<'static>> {
    pub fn pretty() -> Self {
        SafeFormatter(serde_json::ser::PrettyFormatter::new())
    }
}

/// Write `fragment` (part of a JSON string, with serde_json's escapes already applied)
/// with the unsafe characters as `\uXXXX` escapes. ASCII below DEL is written as it is.
fn write_fragment<W: ?Sized + io::Write>(writer: &mut W, fragment: &str) -> io::Result<()> {
    let mut start = 0;
    for (i, c) in fragment.char_indices() {
        if (c as u32) < 0x7F || !is_unsafe_char(c) {
            continue;
        }
        writer.write_all(&fragment.as_bytes()[start..i])?;
        // JSON escapes UTF-16 units: the tag characters take a surrogate pair.
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            write!(writer, "\\u{:04x}", unit)?;
        }
        start = i + c.len_utf8();
    }
    writer.write_all(&fragment.as_bytes()[start..])
}

macro_rules! delegate {
    ($($name:ident),* $(,)?) => {
        $(
            fn $name<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
                self.0.$name(writer)
            }
        )*
    };
}

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_fragment(writer, fragment)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    delegate!(
        begin_array,
        end_array,
        end_array_value,
        begin_object,
        end_object,
        end_object_key,
        begin_object_value,
        end_object_value,
    );
}

/// Serialize `value` as JSON with [`SafeFormatter`]: pretty (for people) or on one line.
pub fn to_json_writer<W: io::Write, T: ?Sized + serde::Serialize>(
    writer: W,
    value: &T,
    pretty: bool,
) -> serde_json::Result<()> {
    if pretty {
        let mut s = serde_json::Serializer::with_formatter(writer, SafeFormatter::pretty());
        value.serialize(&mut s)
    } else {
        let mut s = serde_json::Serializer::with_formatter(writer, SafeFormatter::compact());
        value.serialize(&mut s)
    }
}

/// [`to_json_writer`] into a string.
pub fn to_json_string<T: ?Sized + serde::Serialize>(
    value: &T,
    pretty: bool,
) -> serde_json::Result<String> {
    let mut out = Vec::new();
    to_json_writer(&mut out, value, pretty)?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str =
        "a\u{1b}[8mb\u{9b}c\u{7f}d\u{202e}e\u{2028}f\u{2066}g\u{200f}h\u{0}i\n\t村\u{200b}\u{e0041}";

    #[test]
    fn terminal_safe_replaces_controls_and_bidi_but_keeps_newline_tab_and_text() {
        let safe = terminal_safe(HOSTILE);
        assert!(!safe.chars().any(is_unsafe_char), "{safe:?}");
        assert_eq!(
            safe.as_str(),
            "a\u{fffd}[8mb\u{fffd}c\u{fffd}d\u{fffd}e\u{fffd}f\u{fffd}g\u{fffd}h\u{fffd}i\n\t村\u{fffd}\u{fffd}"
        );
        assert!(matches!(
            label_safe("县公安局"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(label_safe("a\u{1b}"), std::borrow::Cow::Owned(_)));
    }

    #[test]
    fn json_escapes_every_unsafe_character_and_means_the_same() {
        let value = serde_json::json!({ "text": HOSTILE, HOSTILE: [HOSTILE, 1] });
        for pretty in [false, true] {
            let out = to_json_string(&value, pretty).unwrap();
            assert!(
                !out.chars()
                    .any(|c| c != '\n' && c != ' ' && is_unsafe_char(c))
                    && !out.contains('\t'),
                "raw control in {out:?}"
            );
            assert!(out.contains("\\u009b") && out.contains("\\u202e") && out.contains("\\u007f"));
            assert!(
                out.contains("\\udb40\\udc41"),
                "a tag character as a surrogate pair"
            );
            let back: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(back, value);
        }
        // Pretty output keeps serde_json's layout.
        assert_eq!(
            to_json_string(&serde_json::json!({"a": [1]}), true).unwrap(),
            serde_json::to_string_pretty(&serde_json::json!({"a": [1]})).unwrap()
        );
    }
}
