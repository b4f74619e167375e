//! The subcommands: each reads its inputs, does its work and says how it went as an
//! [`Outcome`]; errors that stop a command are returned to `main`.

use std::future::Future;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use kaikaku_interchange::{FileFindingsJson, FindingJson, ReportJson};
use kaikaku_reader::Encoding;
use kaikaku_store::{Database, Saved, Source, Store};

use crate::args::{CheckFormat, Command, DbArgs, ParseFormat};
use crate::input::{ReadFile, read_report};
use crate::render;

/// How a command went, ordered from best to worst; maps to the exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Everything was done and every total holds: exit 0.
    Success,
    /// `check` found at least one difference: exit 1.
    Differs,
    /// At least one file could not be read or stored: exit 2.
    Unreadable,
}

impl Outcome {
    /// The exit status.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Differs => 1,
            Outcome::Unreadable => 2,
        }
    }
}

/// Runs a subcommand.
///
/// Fails when the command cannot go on at all (a single input that cannot be read, a database
/// that cannot be opened, stdout closed); problems with one of several files are printed and
/// end in [`Outcome::Unreadable`] instead.
pub fn run(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Parse {
            file,
            format,
            input,
        } => parse(&file, format, input.encoding),
        Command::Check {
            files,
            format,
            input,
        } => check(&files, format, input.encoding),
        Command::Import {
            files,
            manifest,
            dry_run,
            municipality,
            db,
            input,
        } => {
            let jobs = match manifest {
                Some(manifest) => crate::import::manifest_jobs(&manifest)?,
                None => files
                    .into_iter()
                    .map(|path| crate::import::Job {
                        path,
                        municipality: municipality.municipality(),
                    })
                    .collect(),
            };
            let options = crate::import::ImportOptions {
                dry_run,
                encoding: input.encoding,
            };
            block_on(crate::import::import(jobs, &db.target(), &options))
        }
        Command::List { db } => block_on(list(&db)),
        Command::Export {
            db,
            report,
            municipality,
            format,
            out,
            csv,
            paper,
        } => block_on(crate::export::export(crate::export::ExportRequest {
            db,
            report,
            municipality,
            format,
            out,
            csv,
            paper,
        })),
        Command::Render {
            file,
            format,
            out,
            input,
        } => crate::export::render(&file, format, out.as_deref(), input.encoding),
        Command::Serve {
            db,
            database_url,
            addr,
            demo,
        } => crate::serve::run(db.as_deref(), database_url.as_deref(), &addr, demo),
        Command::Backup { db, out, force } => block_on(crate::backup::backup(&db, &out, force)),
        Command::Restore { file, db } => block_on(crate::backup::restore(&file, &db)),
        Command::User { command } => block_on(crate::users::run(command)),
    }
}

fn parse(
    file: &Path,
    format: ParseFormat,
    encoding: Option<&'static Encoding>,
) -> anyhow::Result<Outcome> {
    let read = read_report(file, encoding)?;
    let mut out = io::stdout().lock();
    match format {
        ParseFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &ReportJson::from(&read.report))?;
            writeln!(out)?;
        }
        ParseFormat::Text => render::report(&mut out, &read.report)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn check(
    files: &[PathBuf],
    format: CheckFormat,
    encoding: Option<&'static Encoding>,
) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome::Success;
    let mut results = Vec::new();
    let mut out = io::stdout().lock();
    for (i, file) in files.iter().enumerate() {
        let name = file.display().to_string();
        match read_report(file, encoding) {
            Ok(read) => {
                let findings = kaikaku_check::check(&read.report);
                if !findings.is_empty() {
                    outcome = outcome.max(Outcome::Differs);
                }
                match format {
                    CheckFormat::Text => {
                        if files.len() > 1 {
                            if i > 0 {
                                writeln!(out)?;
                            }
                            writeln!(out, "== {name}")?;
                        }
                        render::findings(&mut out, &name, &findings)?;
                    }
                    CheckFormat::Json => results.push(FileFindingsJson {
                        file: name,
                        error: None,
                        findings: findings.iter().map(FindingJson::from).collect(),
                    }),
                }
            }
            Err(error) => {
                out.flush()?;
                eprintln!("error: {error:#}");
                outcome = Outcome::Unreadable;
                if format == CheckFormat::Json {
                    results.push(FileFindingsJson {
                        file: name,
                        error: Some(cause_after_file(&error)),
                        findings: Vec::new(),
                    });
                }
            }
        }
    }
    if format == CheckFormat::Json {
        // One file: the object itself (`{"file", "error", "findings"}`); several: an array.
        match results.as_slice() {
            [single] => serde_json::to_writer_pretty(&mut out, single)?,
            _ => serde_json::to_writer_pretty(&mut out, &results)?,
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(outcome)
}

/// The error chain without its outermost context, which is the file name.
fn cause_after_file(error: &anyhow::Error) -> String {
    error
        .chain()
        .skip(1)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

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

async fn list(db: &DbArgs) -> anyhow::Result<Outcome> {
    let store = open_store(&db.target()).await?;
    let reports = store
        .list_reports()
        .await
        .context("保存された報告の一覧を読めません")?;
    let mut out = io::stdout().lock();
    render::stored_reports(&mut out, &reports)?;
    out.flush()?;
    Ok(Outcome::Success)
}

/// Opens the database `db` names ([`DbArgs::target`]): a `postgres://…` URL connects to
/// PostgreSQL, anything else is an SQLite file, created when missing.
pub async fn open_store(db: &Path) -> anyhow::Result<Database> {
    let target = db.to_string_lossy();
    if Database::is_postgres_url(&target) {
        tracing::debug!("opening the PostgreSQL database");
        // The store's message names the server without the password.
        return Database::connect(&target)
            .await
            .context("データベースを開けません");
    }
    tracing::debug!(db = %db.display(), "opening the database");
    Database::open_sqlite(db)
        .await
        .context("データベースを開けません")
        .with_context(|| db.display().to_string())
}

/// Runs a future on a single-threaded runtime: the commands do one thing at a time.
fn block_on<F: Future<Output = anyhow::Result<Outcome>>>(future: F) -> anyhow::Result<Outcome> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("非同期ランタイムを起動できません")?
        .block_on(future)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_outcome_wins() {
        assert_eq!(Outcome::Success.max(Outcome::Differs), Outcome::Differs);
        assert_eq!(
            Outcome::Unreadable.max(Outcome::Differs),
            Outcome::Unreadable
        );
        let codes: Vec<u8> = [Outcome::Success, Outcome::Differs, Outcome::Unreadable]
            .map(Outcome::code)
            .to_vec();
        assert_eq!(codes, vec![0, 1, 2]);
    }

    #[test]
    fn the_json_error_of_a_file_leaves_out_its_name() {
        let error = anyhow::anyhow!("not found")
            .context("ファイルを読めません")
            .context("x.txt");
        assert_eq!(
            format!("{error:#}"),
            "x.txt: ファイルを読めません: not found"
        );
        assert_eq!(cause_after_file(&error), "ファイルを読めません: not found");
    }
}
