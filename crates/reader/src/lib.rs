//! Reads the text of a published progress report into the model.
//!
//! Two stages: bytes are decoded once ([`decode`]), then the text is read line by line into a
//! [`Report`] ([`read_text`]). The reader never fails on text it half understands: what it
//! cannot place goes to [`Report::warnings`] with its line. Only a text that is not such a
//! report at all is an error. Nothing here panics on any input. A text longer than
//! [`Limits::report_lines`] is refused before it is read.

mod cells;
mod decode;
mod document;
mod effects;
mod html;
mod quoted;

use kaikaku_model::quantity::{MAX_DIGITS, format_decimal, too_precise};
use kaikaku_model::{Decimal, Limits, Report, Warning};

pub use decode::{Decoded, ODD_CHARACTERS_ONE_IN, decode, encoding_for_label, looks_like_text};
pub use document::item_reposts;
pub use encoding_rs::Encoding;

/// How to read.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOptions {
    /// Decode with this encoding instead of detecting one.
    pub encoding: Option<&'static Encoding>,
}

/// Why a text could not be read as a report.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Nothing in the text looks like a progress report.
    #[error("進捗報告として読めません: {line}行目「{text}」を解釈できませんでした")]
    NotAReport {
        /// The first line that could not be made sense of.
        line: usize,
        /// That line, shortened.
        text: String,
    },
    /// The text is empty.
    #[error("空のファイルです")]
    Empty,
    /// The text has more lines than a report may ([`Limits::report_lines`]); it was not read.
    #[error("行数が上限（{}行）を超えるため読み込みません", format_decimal(Decimal::from(*limit)))]
    TooManyLines {
        /// The limit.
        limit: usize,
    },
    /// The bytes are not text at all ([`looks_like_text`]): a program, an image, an
    /// archive.
    #[error("テキストのファイルではありません")]
    NotText,
}

/// Reads the text of a report, refusing one of more than the default
/// [`Limits::report_lines`] lines ([`read_text_within`]).
pub fn read_text(text: &str) -> Result<Report, ReadError> {
    read_text_within(text, Limits::default().report_lines)
}

/// Reads the text of a report of at most `max_lines` lines (a longer one is refused before
/// anything is read). A number with more digits than a value keeps is not taken as a quantity,
/// and a warning names it with its line (a value is never rounded).
pub fn read_text_within(text: &str, max_lines: usize) -> Result<Report, ReadError> {
    read_within(text, max_lines, document::read_text)
}

/// `read` over `text` of at most `max_lines` lines, with the warnings of [`read_text_within`].
fn read_within(
    text: &str,
    max_lines: usize,
    read: fn(&str) -> Result<Report, ReadError>,
) -> Result<Report, ReadError> {
    if text.lines().nth(max_lines).is_some() {
        return Err(ReadError::TooManyLines { limit: max_lines });
    }
    let mut report = read(text)?;
    let mut refused = Vec::new();
    for row in report.items.iter().flat_map(|item| &item.effects) {
        for number in too_precise(&row.text) {
            refused.push(Warning {
                line: row.line,
                message: format!(
                    "「{number}」は桁数が多すぎる（{MAX_DIGITS}桁まで）ため、数値として取り込みませんでした"
                ),
            });
        }
    }
    if !refused.is_empty() {
        report.warnings.extend(refused);
        report.warnings.sort_by_key(|w| w.line);
    }
    Ok(report)
}

/// Decodes and reads a report. Bytes that could not be decoded are replaced by U+FFFD and
/// reported in a warning on line 1.
///
/// Fails when the bytes are not text, or the text is empty or is not a progress report at
/// all.
pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<Report, ReadError> {
    read_decoded(&decode(bytes, options.encoding))
}

/// Reads text already decoded by [`decode`], adding a warning on line 1 when bytes had to be
/// replaced by U+FFFD.
///
/// Fails when the decoded bytes are not text ([`ReadError::NotText`]), or the text is empty
/// or is not a progress report at all.
pub fn read_decoded(decoded: &Decoded) -> Result<Report, ReadError> {
    read_decoded_within(decoded, Limits::default().report_lines)
}

/// [`read_decoded`] for a text of at most `max_lines` lines ([`read_text_within`]).
pub fn read_decoded_within(decoded: &Decoded, max_lines: usize) -> Result<Report, ReadError> {
    if !decoded.is_text() {
        return Err(ReadError::NotText);
    }
    // Quotes are kaikaku's (UTF-8); in a legacy encoding a leading `\` is a yen sign.
    let mut report = if decoded.encoding == encoding_rs::UTF_8 {
        read_within(&decoded.text, max_lines, document::read_text)?
    } else {
        read_within(
            &quoted::literal(&decoded.text),
            max_lines,
            document::read_legacy_text,
        )?
    };
    if decoded.had_errors {
        report.warnings.insert(
            0,
            Warning {
                line: 1,
                message: format!(
                    "{}として読めないバイトがあり、U+FFFDに置き換えました",
                    decoded.encoding.name()
                ),
            },
        );
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../../samples/kaedemachi_r6.txt");

    #[test]
    fn a_text_longer_than_the_line_limit_is_refused_before_it_is_read() {
        assert_eq!(SAMPLE.lines().count(), 203);
        let error = read_text_within(SAMPLE, 150).expect_err("too long");
        assert!(matches!(error, ReadError::TooManyLines { limit: 150 }));
        assert_eq!(
            error.to_string(),
            "行数が上限（150行）を超えるため読み込みません"
        );
        let error = read_text_within(SAMPLE, 2_000)
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(error, Ok(()));
        let error = read_text_within(&"\n".repeat(2_000), 1_999).expect_err("too long");
        assert_eq!(
            error.to_string(),
            "行数が上限（1,999行）を超えるため読み込みません"
        );
        assert_eq!(read_text_within(SAMPLE, 204).expect("reads").items.len(), 9);
        // The default: 200,000 lines.
        let long = "\n".repeat(200_001);
        assert!(matches!(read_text(&long[1..]), Err(ReadError::Empty)));
        assert!(matches!(
            read_text(&long),
            Err(ReadError::TooManyLines { limit: 200_000 })
        ));
    }

    #[test]
    fn a_number_with_more_digits_than_kept_is_a_warning_not_a_rounded_value() {
        let text = SAMPLE.replace(
            "補助金等の見直しによる削減額 ▲350千円（実績）",
            "補助金等の見直しによる削減額 ▲1.00000000000000000000000000001千円（実績）",
        );
        let report = read_text(&text).expect("reads");
        let row = report
            .items
            .iter()
            .flat_map(|item| &item.effects)
            .find(|row| row.line == 111)
            .expect("the row of line 111");
        assert_eq!(row.quantities, []);
        let warnings: Vec<(usize, &str)> = report
            .warnings
            .iter()
            .map(|w| (w.line, w.message.as_str()))
            .collect();
        assert_eq!(
            warnings,
            [(
                111,
                "「▲1.00000000000000000000000000001」は桁数が多すぎる（28桁まで）ため、数値として取り込みませんでした"
            )]
        );
    }
}
