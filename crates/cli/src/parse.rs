//! `kaikaku parse`: one report read and printed as JSON (the interchange format) or as a
//! Japanese summary; nothing is stored.

use std::io::{self, Write};
use std::path::Path;

use kaikaku_interchange::ReportJson;
use kaikaku_model::Limits;
use kaikaku_reader::Encoding;

use crate::args::ParseFormat;
use crate::input::read_report;
use crate::outcome::Outcome;
use crate::render;
use crate::visible::{Visible, json_visible};

/// `kaikaku parse FILE`.
///
/// Fails when the file cannot be read, is not a report or passes one of `limits`, or stdout
/// is closed.
pub fn parse(
    file: &Path,
    format: ParseFormat,
    encoding: Option<&'static Encoding>,
    limits: &Limits,
) -> anyhow::Result<Outcome> {
    let read = read_report(file, encoding, limits)?;
    let mut out = io::stdout().lock();
    match format {
        ParseFormat::Json => {
            let json = serde_json::to_string_pretty(&ReportJson::from(&read.report))?;
            writeln!(out, "{}", json_visible(&json))?;
        }
        ParseFormat::Text => {
            let mut out = Visible::new(&mut out);
            render::report(&mut out, &read.report)?;
            out.flush()?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}
