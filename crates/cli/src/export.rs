//! `kaikaku export` and `kaikaku render`: one report out in the format asked, to a file
//! (written whole or not at all) or to stdout.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use kaikaku_export::csv::CsvOptions;
use kaikaku_interchange::ReportJson;
use kaikaku_model::{LocalGovernmentCode, Report};
use kaikaku_reader::Encoding;
use kaikaku_store::{Listing, Store};
use kaikaku_web::Paper;
use kaikaku_web::views::EditionKey;

use crate::args::{CsvArgs, ExportFormat, PaperArg, RenderFormat};
use crate::database::{DbTarget, open_store};
use crate::input::read_report;
use crate::outcome::Outcome;
use crate::reference;

/// What `kaikaku export` was asked for.
#[derive(Debug)]
pub struct ExportRequest {
    /// The database.
    pub db: DbTarget,
    /// `--report`.
    pub report: Option<String>,
    /// `--municipality`.
    pub municipality: Option<LocalGovernmentCode>,
    /// `--format`.
    pub format: ExportFormat,
    /// `--out`.
    pub out: Option<PathBuf>,
    /// `--table`, `--bom`.
    pub csv: CsvArgs,
    /// `--paper`.
    pub paper: PaperArg,
}

/// `kaikaku export`.
pub async fn export(request: ExportRequest) -> anyhow::Result<Outcome> {
    let store = open_store(&request.db).await?;
    let listing = match &request.municipality {
        Some(code) => Listing::Municipality(code),
        None => Listing::All,
    };
    let stored = store
        .list_published(listing)
        .await
        .context("保存された報告の一覧を読めません")?;
    if let Some(code) = &request.municipality
        && stored.is_empty()
    {
        anyhow::bail!("団体コード {code} の公開中の報告はありません");
    }
    let many = match request.format {
        ExportFormat::Json => true,
        ExportFormat::Csv => !stored.is_empty(),
        _ => false,
    };
    if many && request.report.is_none() {
        // Every stored report (of the municipality): a JSON array in the interchange format,
        // or one open-data table.
        let reports: Vec<Report> = store
            .load_listed(listing)
            .await
            .context("保存された報告を読めません")?
            .into_iter()
            .map(|(_, report)| report)
            .collect();
        let bytes = if request.format == ExportFormat::Json {
            let json: Vec<ReportJson> = reports.iter().map(ReportJson::from).collect();
            let mut bytes = serde_json::to_vec_pretty(&json)?;
            bytes.push(b'\n');
            bytes
        } else {
            let options = CsvOptions {
                bom: request.csv.bom,
            };
            kaikaku_export::csv::write_all(&reports, request.csv.table, options)?
        };
        write_output(request.out.as_deref(), &bytes, false)?;
        return Ok(Outcome::Success);
    }
    let chosen = reference::resolve(&stored, request.report.as_deref())?;
    let report = store
        .load_report(chosen.id)
        .await
        .with_context(|| format!("報告 id {} を読めません", chosen.id))?;
    let bytes = match request.format {
        ExportFormat::Json => {
            let mut bytes = serde_json::to_vec_pretty(&ReportJson::from(&report))?;
            bytes.push(b'\n');
            bytes
        }
        ExportFormat::Csv => kaikaku_export::csv::write(
            &report,
            request.csv.table,
            CsvOptions {
                bom: request.csv.bom,
            },
        )?,
        ExportFormat::Xlsx => kaikaku_export::xlsx::write(&report)?,
        ExportFormat::Text => kaikaku_export::text::render(&report).into_bytes(),
        ExportFormat::Pdf => {
            let key = EditionKey::of(chosen).context("報告年度のない報告は PDF にできません")?;
            let paper = match request.paper {
                PaperArg::A4 => Paper::A4,
                PaperArg::A3 => Paper::A3,
            };
            kaikaku_web::edition_pdf(&report, key, paper).await?
        }
    };
    let binary = matches!(request.format, ExportFormat::Xlsx | ExportFormat::Pdf);
    write_output(request.out.as_deref(), &bytes, binary)?;
    Ok(Outcome::Success)
}

/// `kaikaku render`.
pub fn render(
    file: &Path,
    format: RenderFormat,
    out: Option<&Path>,
    encoding: Option<&'static Encoding>,
) -> anyhow::Result<Outcome> {
    let read = read_report(file, encoding, &kaikaku_model::Limits::default())?;
    let bytes = match format {
        RenderFormat::Text => kaikaku_export::text::render(&read.report).into_bytes(),
    };
    write_output(out, &bytes, false)?;
    Ok(Outcome::Success)
}

/// Writes `bytes` to `path` — through a temporary file in the same folder that replaces it
/// only once everything is written, so a failure never leaves half a file — or to stdout.
/// Binary output is refused on a terminal.
fn write_output(path: Option<&Path>, bytes: &[u8], binary: bool) -> anyhow::Result<()> {
    let Some(path) = path else {
        let mut out = io::stdout().lock();
        if binary && out.is_terminal() {
            anyhow::bail!("この形式は端末に表示できません。--out でファイルを指定してください");
        }
        out.write_all(bytes)?;
        return Ok(out.flush()?);
    };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let written = (|| {
        let mut file = tempfile::NamedTempFile::new_in(folder)?;
        file.write_all(bytes)?;
        file.as_file().sync_all()?;
        file.persist(path).map_err(|error| error.error)?;
        io::Result::Ok(())
    })();
    written
        .context("書き出せません")
        .with_context(|| path.display().to_string())
}
