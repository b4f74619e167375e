//! Bytes → text: the one place where encodings are handled.
//!
//! A byte-order mark wins; otherwise valid UTF-8 is UTF-8; otherwise the encoding is detected
//! with chardetng (Firefox's detector) and confirmed by decoding without errors, preferring
//! Shift_JIS (CP932) and EUC-JP, the encodings of older Japanese Windows and Unix tools.
//!
//! Whatever the encoding, a file that is not text at all (a program, an image, an archive)
//! is told apart here, by one rule ([`looks_like_text`]), so that it is refused with a short
//! message instead of being read into thousands of garbled lines.

use encoding_rs::{EUC_JP, Encoding, SHIFT_JIS, UTF_8};

/// Decoded text and how it was decoded.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// The text, without byte-order mark. Line ends are left as they were.
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// True when some bytes were malformed and replaced by U+FFFD.
    pub had_errors: bool,
}

impl Decoded {
    /// Whether the decoded text is text at all ([`looks_like_text`]).
    pub fn is_text(&self) -> bool {
        looks_like_text(&self.text)
    }
}

/// At most one character in this many may be odd (see [`looks_like_text`]).
pub const ODD_CHARACTERS_ONE_IN: usize = 50;

/// Whether `text`, as decoded, is text rather than the bytes of something else: it holds no
/// NUL (U+0000), and the odd characters — control characters (Unicode Cc) other than TAB,
/// LF, CR and FF (the page break of `pdftotext`), and U+FFFD, which stands for bytes the
/// encoding could not decode — are at most one in [`ODD_CHARACTERS_ONE_IN`] (2 %) of its
/// characters. An empty text is text (and is refused later as empty).
pub fn looks_like_text(text: &str) -> bool {
    let mut chars = 0usize;
    let mut odd = 0usize;
    for c in text.chars() {
        if c == '\0' {
            return false;
        }
        chars += 1;
        let control = c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}');
        if control || c == char::REPLACEMENT_CHARACTER {
            odd += 1;
        }
    }
    odd * ODD_CHARACTERS_ONE_IN <= chars
}

/// The encoding a user names: any WHATWG label (`utf-8`, `shift_jis`, `sjis`, `euc-jp`,
/// `windows-31j` …) or the Windows names `cp932` and `ms932`, case-insensitive.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim();
    if label.eq_ignore_ascii_case("cp932") || label.eq_ignore_ascii_case("ms932") {
        return Some(SHIFT_JIS);
    }
    Encoding::for_label(label.as_bytes())
}

/// Decodes `bytes`, with `forced` when given, else by BOM, UTF-8 validity or detection.
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Decoded {
    if let Some(encoding) = forced {
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        return Decoded {
            text: text.into_owned(),
            encoding,
            had_errors,
        };
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: text.into_owned(),
            encoding,
            had_errors,
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_owned(),
            encoding: UTF_8,
            had_errors: false,
        };
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"jp"), true);
    let mut fallback = None;
    for encoding in [guess, SHIFT_JIS, EUC_JP] {
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        if !had_errors {
            return Decoded {
                text: text.into_owned(),
                encoding,
                had_errors,
            };
        }
        fallback.get_or_insert((text.into_owned(), encoding));
    }
    // The loop above always records a fallback; lossy UTF-8 only satisfies the type.
    let (text, encoding) =
        fallback.unwrap_or_else(|| (String::from_utf8_lossy(bytes).into_owned(), UTF_8));
    Decoded {
        text,
        encoding,
        had_errors: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_encodings_of_japanese_reports() {
        let text = "第5次集中改革プラン取組実績一覧（令和3年度実績）\n①～⑤\t髙橋\n";
        let (sjis, _, _) = SHIFT_JIS.encode(text);
        let decoded = decode(&sjis, None);
        assert_eq!(decoded.encoding, SHIFT_JIS);
        assert_eq!(decoded.text, text);
        assert!(!decoded.had_errors);

        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let decoded = decode(&bom, None);
        assert_eq!((decoded.encoding, decoded.text.as_str()), (UTF_8, text));

        let (euc, _, _) = EUC_JP.encode("行政改革の取組実績と効果額の一覧表");
        assert_eq!(decode(&euc, None).encoding, EUC_JP);
    }

    #[test]
    fn binary_is_not_text() {
        // A NUL anywhere.
        assert!(!looks_like_text("第1章\n\0\n"));
        assert!(!decode(b"\x7fELF\x02\x01\x01\0\0\0", None).is_text());
        // Bytes of an image: neither UTF-8 nor Shift_JIS, mostly replaced.
        let png = b"\x89PNG\r\n\x1a\n\x0b\x0dIHDR\x01\xff\xfe\x80\x81\x82\xfd";
        assert!(!decode(png, None).is_text());
        // The threshold: one odd character in 50 is text, two are not.
        let fifty = format!("{}\u{1b}", "あ".repeat(49));
        assert!(looks_like_text(&fifty));
        assert!(!looks_like_text(&format!("{fifty}\u{fffd}")));
        // TAB, LF, CR and the page break are text.
        assert!(looks_like_text("No.1\t総務課\r\n\u{c}No.2\n"));
        assert!(looks_like_text(""));
        // A UTF-16 file with its BOM decodes to text, though its bytes hold NULs.
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("令和3年度\n".encode_utf16().flat_map(u16::to_le_bytes));
        let decoded = decode(&utf16, None);
        assert_eq!(decoded.text, "令和3年度\n");
        assert!(decoded.is_text());
    }

    #[test]
    fn encoding_labels() {
        assert_eq!(encoding_for_label("CP932"), Some(SHIFT_JIS));
        assert_eq!(encoding_for_label("shift_jis"), Some(SHIFT_JIS));
        assert_eq!(encoding_for_label("EUC-JP"), Some(EUC_JP));
        assert_eq!(encoding_for_label("utf8"), Some(UTF_8));
        assert_eq!(encoding_for_label("klingon"), None);
    }

    #[test]
    fn a_forced_encoding_is_used_as_is() {
        let decoded = decode("令和".as_bytes(), Some(SHIFT_JIS));
        assert_eq!(decoded.encoding, SHIFT_JIS);
        assert_ne!(decoded.text, "令和");
    }

    #[test]
    fn byte_literal_shift_jis() {
        // 「令和３年度」 in CP932, written out as bytes.
        let bytes = [0x97, 0xDF, 0x98, 0x61, 0x82, 0x52, 0x94, 0x4E, 0x93, 0x78];
        let decoded = decode(&bytes, None);
        assert_eq!(decoded.text, "令和３年度");
        assert_eq!(decoded.encoding, SHIFT_JIS);
    }
}
