//! Reads the text of a published progress report into the model.
//!
//! Two stages: bytes are decoded once ([`decode`]), then the text is read line by line into a
//! [`Report`]. The reader never fails on text it half understands: what it cannot place goes to
//! [`Report::warnings`] with its line. Only a text that is not such a report at all is an error.

use kaikaku_model::Report;

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

/// Decodes and reads a report.
pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<Report, ReadError> {
    let _ = (bytes, options);
    Err(ReadError::Empty)
}
