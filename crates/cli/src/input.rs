//! Reading one report file: bytes → decoded text → [`Report`], with errors that name the file.

use std::path::Path;

use anyhow::Context;
use kaikaku_model::Report;
use kaikaku_reader::Encoding;

/// A report read from a file, with the encoding it was decoded with.
#[derive(Debug)]
pub struct ReadFile {
    /// The report.
    pub report: Report,
    /// The name of the encoding used (`UTF-8`, `Shift_JIS`).
    pub encoding: &'static str,
}

/// Reads the report in `path`, decoding it with `forced` or a detected encoding.
///
/// Fails when the file cannot be read or is not a progress report. The outermost context of
/// the error is always the file's name as given, so that `{:#}` prints
/// `samples/x.txt: 進捗報告として読めません: …`.
pub fn read_report(path: &Path, forced: Option<&'static Encoding>) -> anyhow::Result<ReadFile> {
    let bytes = std::fs::read(path)
        .context("ファイルを読めません")
        .with_context(|| path.display().to_string())?;
    let name = path.display().to_string();
    if is_workbook(&bytes) {
        return read_workbook(&name, &bytes);
    }
    read_bytes(&name, &bytes, forced)
}

/// Whether `bytes` are a zip archive, as XLSX workbooks are (a report is never one).
fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads a workbook written by `kaikaku export --format xlsx`: the whole workbook or nothing,
/// with every problem named by sheet and cell, one per line.
fn read_workbook(name: &str, bytes: &[u8]) -> anyhow::Result<ReadFile> {
    let limits = kaikaku_export::xlsx::WorkbookLimits::default();
    let report = kaikaku_export::xlsx::read(bytes, &limits)
        .map_err(|errors| {
            anyhow::anyhow!(
                "ブックに{}件の誤りがあるため取り込みません:\n{errors}",
                errors.0.len()
            )
        })
        .with_context(|| name.to_owned())?;
    Ok(ReadFile {
        report,
        encoding: "XLSX",
    })
}

/// Reads the report in `bytes`, named `name` in messages, decoding it with `forced` or a
/// detected encoding.
///
/// Fails when the bytes are not a progress report; the outermost context of the error is
/// `name`.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    forced: Option<&'static Encoding>,
) -> anyhow::Result<ReadFile> {
    let decoded = kaikaku_reader::decode(bytes, forced);
    let encoding = decoded.encoding.name();
    tracing::debug!(file = %name, encoding, bytes = bytes.len(), "decoded");
    let report = kaikaku_reader::read_decoded(&decoded).with_context(|| name.to_owned())?;
    if decoded.had_errors {
        tracing::warn!("{name}: some bytes are not {encoding} and were replaced by U+FFFD");
    }
    tracing::info!(
        file = %name,
        items = report.items.len(),
        warnings = report.warnings.len(),
        "read"
    );
    Ok(ReadFile { report, encoding })
}
