//! Reads the text of a published progress report into the model.
//!
//! Two stages: bytes are decoded once ([`decode`]), then the text is read line by line into a
//! [`Report`] ([`read_text`]). The reader never fails on text it half understands: what it
//! cannot place goes to [`Report::warnings`] with its line. Only a text that is not such a
//! report at all is an error. Nothing here panics on any input.

mod cells;
mod decode;
mod document;
mod effects;
mod html;
mod quoted;

use kaikaku_model::{Report, Warning};

pub use decode::{Decoded, decode, encoding_for_label};
pub use document::{item_reposts, read_text};
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
}

/// Decodes and reads a report. Bytes that could not be decoded are replaced by U+FFFD and
/// reported in a warning on line 1.
///
/// Fails only when the text is empty or is not a progress report at all.
pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<Report, ReadError> {
    read_decoded(&decode(bytes, options.encoding))
}

/// Reads text already decoded by [`decode`], adding a warning on line 1 when bytes had to be
/// replaced by U+FFFD.
///
/// Fails only when the text is empty or is not a progress report at all.
pub fn read_decoded(decoded: &Decoded) -> Result<Report, ReadError> {
    let mut report = read_text(&decoded.text)?;
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
