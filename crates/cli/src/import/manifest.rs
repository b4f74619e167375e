//! `kaikaku import --manifest CSV`: the files a manifest lists, each with its municipality
//! (the columns `xtask gen-corpus` writes), read whole before anything is imported.

use std::path::Path;

use anyhow::Context;
use kaikaku_model::{LocalGovernmentCode, Municipality};

use super::Job;

/// The columns of a manifest that `import` uses; others are ignored.
const FILE: &str = "file";
const CODE: &str = "code";
const NAME: &str = "municipality";

/// The files a manifest lists, with their municipalities: a CSV (UTF-8, one header row) with
/// at least the columns `file` (relative to the manifest's folder), `code`
/// (全国地方公共団体コード) and `municipality` (団体名), as `xtask gen-corpus` writes it.
///
/// # Errors
/// When the manifest cannot be read, lacks a column, or has lines that are wrong: every wrong
/// line is named (`manifest.csv 3行目: …`), and nothing is imported.
pub fn jobs(manifest: &Path) -> anyhow::Result<Vec<Job>> {
    let name = manifest.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(manifest)
        .context("マニフェストを読めません")
        .with_context(|| name.clone())?;
    let headers = reader
        .headers()
        .context("マニフェストの見出し行を読めません")
        .with_context(|| name.clone())?
        .clone();
    let column = |wanted: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == wanted)
            .with_context(|| format!("{name}: 見出し行に列「{wanted}」がありません"))
    };
    let (file, code, town) = (column(FILE)?, column(CODE)?, column(NAME)?);
    let dir = manifest.parent().unwrap_or(Path::new(""));
    let mut jobs = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                errors.push(format!("{name} {line}行目: CSVとして読めません: {error}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |i: usize| record.get(i).map(str::trim).unwrap_or("");
        let problem = if cell(file).is_empty() {
            Some(format!("列「{FILE}」が空です"))
        } else if cell(town).is_empty() {
            Some(format!("列「{NAME}」（団体名）が空です"))
        } else {
            None
        };
        if let Some(problem) = problem {
            errors.push(format!("{name} {line}行目: {problem}"));
            continue;
        }
        match LocalGovernmentCode::parse(cell(code)) {
            Ok(parsed) => jobs.push(Job {
                path: dir.join(cell(file)),
                municipality: Some(Municipality {
                    code: parsed,
                    name: cell(town).to_owned(),
                }),
            }),
            Err(error) => errors.push(format!("{name} {line}行目: {error}")),
        }
    }
    if !errors.is_empty() {
        let shown = errors.len().min(20);
        let mut message = format!(
            "マニフェストに誤りが{}件あるため、何も取り込みません:\n{}",
            errors.len(),
            errors[..shown].join("\n")
        );
        if errors.len() > shown {
            message.push_str(&format!("\n…ほか{}件", errors.len() - shown));
        }
        anyhow::bail!(message);
    }
    if jobs.is_empty() {
        anyhow::bail!("{name}: マニフェストにファイルが1件もありません");
    }
    Ok(jobs)
}
