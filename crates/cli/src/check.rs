//! `kaikaku check`: every stated total of each file recomputed and each difference shown, as
//! Japanese text or JSON; a file that cannot be read is reported and the others still checked.

use std::io::{self, Write};
use std::path::PathBuf;

use kaikaku_interchange::{FileFindingsJson, FindingJson};
use kaikaku_model::Limits;
use kaikaku_reader::Encoding;

use crate::args::CheckFormat;
use crate::input::read_report;
use crate::outcome::Outcome;
use crate::render;
use crate::visible::{Visible, json_visible, visible};

/// `kaikaku check FILE…`: [`Outcome::Differs`] when a total does not hold,
/// [`Outcome::Unreadable`] when a file could not be read or passes one of `limits` (each
/// violation printed as an error).
///
/// Fails only when stdout is closed.
pub fn check(
    files: &[PathBuf],
    format: CheckFormat,
    encoding: Option<&'static Encoding>,
    limits: &Limits,
) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome::Success;
    let mut results = Vec::new();
    let mut out = Visible::new(io::stdout().lock());
    for (i, file) in files.iter().enumerate() {
        let name = file.display().to_string();
        match read_report(file, encoding, limits) {
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
                eprintln!("error: {}", visible(&format!("{error:#}")));
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
        let json = match results.as_slice() {
            [single] => serde_json::to_string_pretty(single)?,
            _ => serde_json::to_string_pretty(&results)?,
        };
        // Escaped for JSON first: what reaches the text writer has nothing left to escape.
        writeln!(out, "{}", json_visible(&json))?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
