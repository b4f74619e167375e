//! Reading one report file: bytes → decoded text → [`Report`], with errors that name the file.
//! The [`Limits`] are checked before any work is done: a file is read through
//! `Read::take(file_bytes + 1)` (so `/dev/zero` is refused at once), a text of too many lines
//! is not read, and a report past a limit (or with an item without a title, or an action
//! number used twice) is refused with every violation named by file and line.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use kaikaku_model::limits::check_report;
use kaikaku_model::quantity::format_decimal;
use kaikaku_model::{Decimal, Limits, Report};
use kaikaku_reader::Encoding;

/// The most violations one error names (a crafted file may have many).
const SHOWN_VIOLATIONS: usize = 50;

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
/// Fails as well when the file has more than [`Limits::file_bytes`] bytes (read no further),
/// or its report passes one of `limits`.
pub fn read_report(
    path: &Path,
    forced: Option<&'static Encoding>,
    limits: &Limits,
) -> anyhow::Result<ReadFile> {
    let name = path.display().to_string();
    let bytes = read_file(path, limits.file_bytes).with_context(|| name.clone())?;
    if is_workbook(&bytes) {
        return read_workbook(&name, &bytes, limits);
    }
    read_bytes(&name, &bytes, forced, limits)
}

/// The bytes of `path`, at most `max` of them: a larger file (or an endless one) is refused
/// after reading `max + 1` bytes.
fn read_file(path: &Path, max: u64) -> anyhow::Result<Vec<u8>> {
    let file = std::fs::File::open(path).context("ファイルを読めません")?;
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .context("ファイルを読めません")?;
    if bytes.len() as u64 > max {
        anyhow::bail!(
            "ファイルが大きすぎます（上限 {} バイト、--max-file-bytes）",
            format_decimal(Decimal::from(max))
        );
    }
    Ok(bytes)
}

/// Refuses a report that passes one of `limits` ([`check_report`]), naming each violation
/// with the file and its line: `x.txt:12: No.3 項目名: 項目名は200文字までです（今は1,234文字）。`.
fn check_limits(name: &str, report: &Report, limits: &Limits) -> anyhow::Result<()> {
    let violations = check_report(report, limits);
    if violations.is_empty() {
        return Ok(());
    }
    let mut lines: Vec<String> = violations
        .iter()
        .take(SHOWN_VIOLATIONS)
        .map(|v| match v.line {
            Some(line) => format!("{name}:{line}: {v}"),
            None => format!("{name}: {v}"),
        })
        .collect();
    if violations.len() > SHOWN_VIOLATIONS {
        lines.push(format!("…ほか{}件", violations.len() - SHOWN_VIOLATIONS));
    }
    anyhow::bail!(
        "上限を超える内容か欠けている項目が{}件あるため読み込みません:\n{}",
        violations.len(),
        lines.join("\n")
    )
}

/// Whether `bytes` are a zip archive, as XLSX workbooks are (a report is never one).
fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads a workbook written by `kaikaku export --format xlsx`: the whole workbook or nothing,
/// with every problem named by sheet and cell, one per line.
fn read_workbook(name: &str, bytes: &[u8], limits: &Limits) -> anyhow::Result<ReadFile> {
    let workbook = kaikaku_export::xlsx::WorkbookLimits {
        file_bytes: limits.file_bytes,
        ..kaikaku_export::xlsx::WorkbookLimits::default()
    };
    let report = kaikaku_export::xlsx::read(bytes, &workbook)
        .map_err(|errors| {
            anyhow::anyhow!(
                "ブックに{}件の誤りがあるため取り込みません:\n{errors}",
                errors.0.len()
            )
        })
        .with_context(|| name.to_owned())?;
    check_limits(name, &report, limits).with_context(|| name.to_owned())?;
    Ok(ReadFile {
        report,
        encoding: "XLSX",
    })
}

/// Reads the report in `bytes`, named `name` in messages, decoding it with `forced` or a
/// detected encoding.
///
/// Fails when the bytes are not a progress report (or one of more than
/// [`Limits::report_lines`] lines), or the report passes one of `limits`; the outermost
/// context of the error is `name`.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    forced: Option<&'static Encoding>,
    limits: &Limits,
) -> anyhow::Result<ReadFile> {
    let decoded = kaikaku_reader::decode(bytes, forced);
    let encoding = decoded.encoding.name();
    tracing::debug!(file = %name, encoding, bytes = bytes.len(), "decoded");
    let report = kaikaku_reader::read_decoded_within(&decoded, limits.report_lines)
        .with_context(|| name.to_owned())?;
    check_limits(name, &report, limits).with_context(|| name.to_owned())?;
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
