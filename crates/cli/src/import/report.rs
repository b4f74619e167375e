//! One report read from a file, into the store: saved ([`save_read`]) and the line that says
//! so ([`saved_line`]), the source recorded with it ([`source_of`]), or what saving it would
//! change ([`dry_run`], `import --dry-run`).

use anyhow::Context;
use kaikaku_store::{Database, Saved, Source, Store};

use crate::input::ReadFile;
use crate::render;

/// What importing `read` would do: a new report, or the changes to the stored one of the same
/// plan and fiscal year, item by item and field by field.
pub async fn dry_run(store: &Database, read: &ReadFile) -> anyhow::Result<Vec<String>> {
    let report = &read.report;
    // The report the import would replace, found as the store files reports (an ambiguous
    // plan name fails here as the import would).
    let same = store
        .import_target(report)
        .await
        .context("取込先の報告を調べられません")?;
    let mut lines = vec![format!(
        "確認のみ（保存しません）: {} 項目, 警告 {} 件, {}",
        report.items.len(),
        report.warnings.len(),
        read.encoding
    )];
    let Some(same) = same.as_ref() else {
        lines.push("新しい報告として取り込まれます".to_owned());
        return Ok(lines);
    };
    let before = store
        .load_report(same.id)
        .await
        .with_context(|| format!("報告 id {} を読めません", same.id))?;
    let changes = render::report_changes(&before, report);
    if changes.is_empty() {
        lines.push(format!(
            "保存済みの報告 id {} と同じです（変更なし）",
            same.id
        ));
    } else {
        lines.push(format!(
            "保存済みの報告 id {} を置き換えます。変更点:",
            same.id
        ));
        lines.extend(changes.into_iter().map(|change| format!("  {change}")));
    }
    Ok(lines)
}

/// Saves a report read from the file `name`; returns the line that says what happened:
/// `imported (id 1, 9 items, 0 warnings, UTF-8)`.
pub async fn save_read(store: &Database, name: &str, read: &ReadFile) -> anyhow::Result<String> {
    let saved = store
        .save_report(&read.report, &source_of(name, read))
        .await
        .context("データベースに保存できません")?;
    Ok(saved_line(saved, read))
}

/// Where a file's report came from, as the store records it.
pub fn source_of(name: &str, read: &ReadFile) -> Source {
    Source {
        name: name.to_owned(),
        encoding: read.encoding.to_owned(),
    }
}

/// What an import prints for a stored file: `imported (id 3, 22 items, 0 warnings, UTF-8)`.
pub fn saved_line(saved: Saved, read: &ReadFile) -> String {
    let (verb, id) = match saved {
        Saved::Inserted { report_id } => ("imported", report_id),
        Saved::Replaced { report_id } => ("replaced", report_id),
    };
    format!(
        "{verb} (id {id}, {} items, {} warnings, {})",
        read.report.items.len(),
        read.report.warnings.len(),
        read.encoding
    )
}
