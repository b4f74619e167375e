//! Text made safe for a terminal. A report, a file name or a message may carry control
//! characters (ESC starts the sequences that move the cursor, recolour or retitle the
//! terminal; NUL, BEL and DEL do their own things) and the bidirectional controls that
//! reorder what a line shows. [`needs_escape`] is the one rule: control characters (Unicode
//! Cc) except TAB and LF, and the bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E,
//! U+2066–U+2069). Every printer of the CLI goes through one of its spellings: [`visible`]
//! (`\x1b`, `\u{202e}`) for text, the writer [`Visible`] that applies it to everything
//! written through it, and [`json_visible`] (`\u001b`) for JSON.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// True for a character printed as an escape.
pub fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every character of [`needs_escape`] written as a visible escape: `\x1b` for
/// one below U+0100, `\u{202e}` above. Other text, LF and TAB included, is unchanged.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !needs_escape(c) {
            out.push(c);
        } else if u32::from(c) < 0x100 {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
    Cow::Owned(out)
}

/// JSON text with every character of [`needs_escape`] written as a JSON escape (`\u007f`,
/// `\u202e`): the same JSON value. serde_json escapes the controls below U+0020 itself; DEL,
/// the C1 controls and the bidi controls are left to this.
pub fn json_visible(json: &str) -> Cow<'_, str> {
    if !json.chars().any(needs_escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A writer that passes everything through [`visible`]; bytes that are not UTF-8 are
/// written as `\xNN`. A character split across two writes is kept until its end arrives.
/// Call [`Write::flush`] at the end (dropping flushes too, ignoring errors).
#[derive(Debug)]
pub struct Visible<W: Write> {
    inner: W,
    /// The start of a character whose remaining bytes have not been written yet.
    pending: Vec<u8>,
}

impl<W: Write> Visible<W> {
    /// A writer over `inner`.
    pub fn new(inner: W) -> Visible<W> {
        Visible {
            inner,
            pending: Vec::new(),
        }
    }

    /// Writes out what is pending; at the `end`, an incomplete character too (as `\xNN`).
    fn drain(&mut self, end: bool) -> io::Result<()> {
        let mut out = String::new();
        let mut rest: &[u8] = &self.pending;
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    out.push_str(&visible(text));
                    rest = &[];
                    break;
                }
                Err(error) => {
                    let (good, bad) = rest.split_at(error.valid_up_to());
                    out.push_str(&visible(std::str::from_utf8(good).unwrap_or_default()));
                    let invalid = match error.error_len() {
                        Some(len) => len,
                        None if end => bad.len(),
                        None => {
                            rest = bad;
                            break;
                        }
                    };
                    for byte in &bad[..invalid] {
                        let _ = write!(out, "\\x{byte:02x}");
                    }
                    rest = &bad[invalid..];
                }
            }
        }
        let rest = rest.to_vec();
        self.pending = rest;
        self.inner.write_all(out.as_bytes())
    }
}

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        self.drain(false)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain(true)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Visible<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_become_visible_escapes() {
        assert!(matches!(visible("令和3年度\t総務課\n"), Cow::Borrowed(_)));
        assert_eq!(
            visible("a\u{1b}]0;pwned\u{7}b\u{0}c\rd\u{7f}e\u{9b}f\u{202e}g\u{2066}"),
            "a\\x1b]0;pwned\\x07b\\x00c\\x0dd\\x7fe\\x9bf\\u{202e}g\\u{2066}"
        );
        assert_eq!(visible("行1\n\t行2"), "行1\n\t行2");
    }

    #[test]
    fn json_keeps_its_value() {
        let value = serde_json::json!({"title": "a\u{1b}b\u{7f}c\u{85}d\u{202e}e"});
        let json = serde_json::to_string_pretty(&value).expect("JSON");
        let safe = json_visible(&json);
        assert!(!safe.chars().any(needs_escape), "{safe}");
        assert!(safe.contains(r"a\u001bb\u007fc\u0085d\u202ee"), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, value);
    }

    #[test]
    fn the_writer_escapes_across_writes_and_marks_bytes_that_are_not_utf8() {
        let mut out = Vec::new();
        {
            let mut writer = Visible::new(&mut out);
            let text = "課\u{85}名\u{1b}[2J".as_bytes();
            // One byte at a time: characters split across writes.
            for byte in text {
                writer
                    .write_all(std::slice::from_ref(byte))
                    .expect("writes");
            }
            writer.write_all(b" \xff\xfe ok \xe4\xba").expect("writes");
            writer.flush().expect("flushes");
        }
        assert_eq!(
            String::from_utf8(out).expect("UTF-8"),
            "課\\x85名\\x1b[2J \\xff\\xfe ok \\xe4\\xba"
        );
    }
}
