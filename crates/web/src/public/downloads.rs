//! The downloads of a published edition, published next to it: the PDF on A4 and A3
//! landscape, the JSON interchange format, the open-data CSV tables, the XLSX workbook and the
//! document's text layout, all at `/plans/{plan_id}/{fiscal_year}/files/{file}`, one handler.
//!
//! Drafts are never downloadable: the edition is found by [`load_edition`], which only sees
//! published editions. A published edition never changes (a correction is a new revision), so
//! each file is tagged with the report id and revision (`ETag`) and revalidated cheaply; PDFs
//! are kept in the server's [`crate::public::pdf::PdfCache`].

use axum::body::Bytes;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::HeaderMap;
use axum::http::request::Parts;
use axum::response::Response;
use kaikaku_export::ExportError;
use kaikaku_export::csv::{CsvOptions, Table};
use kaikaku_interchange::ReportJson;
use kaikaku_model::Report;

use crate::http::access::NotKept;
use crate::http::extract::params;
use crate::http::extract::{edition_key, has_pair};
use crate::http::files::{attachment, etag_value, not_modified};
use crate::public::pdf::{EditionDocument, Paper, PdfKey};
use crate::public::service::{correction_box, load_edition};
use crate::views::EditionKey;
use crate::views::edition::DownloadView;
use crate::{AppState, Error};

/// One file published next to an edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Download {
    /// `report.pdf`, `report-a3.pdf`.
    Pdf(Paper),
    /// `report.json`: the interchange format.
    Json,
    /// An open-data table (`figures.csv` …), `?bom=1` for Excel.
    Csv(Table),
    /// `report.xlsx`.
    Xlsx,
    /// `report.txt`: the document's text layout.
    Text,
}

impl Download {
    /// Every download, in the order the page lists them.
    pub(crate) fn all() -> Vec<Download> {
        let mut all = vec![
            Download::Pdf(Paper::A4),
            Download::Pdf(Paper::A3),
            Download::Json,
        ];
        all.extend(Table::ALL.into_iter().map(Download::Csv));
        all.extend([Download::Xlsx, Download::Text]);
        all
    }

    /// The download called `name` in the address, if any.
    pub(crate) fn named(name: &str) -> Option<Download> {
        Download::all()
            .into_iter()
            .find(|download| download.file_name() == name)
    }

    /// The name in the address: `report.pdf`.
    pub(crate) fn file_name(self) -> &'static str {
        match self {
            Download::Pdf(Paper::A4) => "report.pdf",
            Download::Pdf(Paper::A3) => "report-a3.pdf",
            Download::Json => "report.json",
            Download::Csv(table) => table.file_name(),
            Download::Xlsx => "report.xlsx",
            Download::Text => "report.txt",
        }
    }

    /// The `Content-Type`.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Download::Pdf(_) => "application/pdf",
            Download::Json => "application/json",
            Download::Csv(_) => "text/csv; charset=utf-8",
            Download::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Download::Text => "text/plain; charset=utf-8",
        }
    }

    /// The format as the page names it: `PDF（A4横）`.
    fn format_label(self) -> &'static str {
        match self {
            Download::Pdf(Paper::A4) => "PDF（A4横）",
            Download::Pdf(Paper::A3) => "PDF（A3横）",
            Download::Json => "JSON",
            Download::Csv(_) => "CSV",
            Download::Xlsx => "Excel（XLSX）",
            Download::Text => "テキスト",
        }
    }

    /// One line saying what the file is for.
    fn description(self) -> String {
        match self {
            Download::Pdf(Paper::A4) => {
                "報告書をこのページと同じ体裁で保存・印刷するためのファイルです。".to_owned()
            }
            Download::Pdf(Paper::A3) => {
                "同じ内容をA3横の用紙に大きく印刷するためのファイルです。".to_owned()
            }
            Download::Json => {
                "報告書のすべての内容を、プログラムで読み取れる形にしたデータです（金額は文字列で正確に記録）。"
                    .to_owned()
            }
            Download::Csv(table) => format!(
                "{}：二次利用できるオープンデータの表です（UTF-8）。Excelで開く場合は「BOM付き」をお使いください。",
                table.label()
            ),
            Download::Xlsx => {
                "報告書と同じ並びの表で、表計算ソフトで開いて集計・加工できます。".to_owned()
            }
            Download::Text => {
                "報告書の本文を、元の資料と同じ並びのテキストにしたものです。".to_owned()
            }
        }
    }

    /// What the saved file is called: `第5次集中改革プラン_令和3年度.pdf`,
    /// `第5次集中改革プラン_令和3年度_数値データ.csv`.
    pub(crate) fn saved_name(self, plan_name: &str, key: EditionKey) -> String {
        let suffix = match self {
            Download::Pdf(Paper::A3) => "_A3".to_owned(),
            Download::Csv(table) => format!("_{}", table.label()),
            Download::Pdf(Paper::A4) | Download::Json | Download::Xlsx | Download::Text => {
                String::new()
            }
        };
        let extension = self.file_name().rsplit('.').next().unwrap_or_default();
        let name = format!(
            "{plan_name}_{}{suffix}.{extension}",
            key.fiscal_year.wareki_label()
        );
        // Characters no file system takes in a name.
        name.chars()
            .map(|c| {
                if c.is_control() || "/\\:*?\"<>|".contains(c) {
                    '_'
                } else {
                    c
                }
            })
            .collect()
    }
}

/// Every download of the edition published at `key`, for its page.
pub(crate) fn views(key: EditionKey) -> Vec<DownloadView> {
    Download::all()
        .into_iter()
        .map(|download| {
            let href = format!("{}/files/{}", key.href(), download.file_name());
            DownloadView {
                bom_href: matches!(download, Download::Csv(_)).then(|| format!("{href}?bom=1")),
                href,
                file_name: download.file_name(),
                format: download.format_label(),
                description: download.description(),
            }
        })
        .collect()
}

/// The address `/plans/{plan_id}/{fiscal_year}/files/{file}`; an unknown file is a 404.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FileKey {
    edition: EditionKey,
    download: Download,
}

impl<S: Send + Sync> FromRequestParts<S> for FileKey {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = params(parts, state).await?;
        let edition = edition_key(&params).ok_or(Error::NotFound)?;
        let download = params
            .iter()
            .find(|(name, _)| name == "file")
            .and_then(|(_, file)| Download::named(file))
            .ok_or(Error::NotFound)?;
        Ok(FileKey { edition, download })
    }
}

/// `GET /plans/{plan_id}/{fiscal_year}/files/{file}`.
pub(crate) async fn file(
    State(state): State<AppState>,
    FileKey {
        edition: key,
        download,
    }: FileKey,
    RawQuery(query): RawQuery,
    request_headers: HeaderMap,
) -> Result<Response, Error> {
    let (stored, report) = load_edition(&state, key).await?;
    let bom = matches!(download, Download::Csv(_)) && has_pair(query.as_deref(), "bom=1");
    let etag = format!(
        "\"{}-{}-{}{}\"",
        stored.id,
        stored.revision,
        download.file_name(),
        if bom { "-bom" } else { "" }
    );
    let etag = etag_value(&etag)?;
    if let Some(kept) = not_modified(&request_headers, &etag) {
        return Ok(kept);
    }
    let body: Bytes = match download {
        Download::Pdf(paper) => {
            let pdf_key = PdfKey {
                report_id: stored.id,
                revision: stored.revision,
                paper,
            };
            match state.pdfs().get(pdf_key) {
                Some(pdf) => pdf,
                None => {
                    let correction = correction_box(&state, &stored, &report, key, None).await?;
                    let document = EditionDocument::new(&report, key, paper, correction);
                    state
                        .pdfs()
                        .get_or_print(pdf_key, &document)
                        .await
                        .map_err(|error| {
                            tracing::error!(%error, report_id = stored.id, "no PDF");
                            Error::Unavailable {
                                status: StatusCode::SERVICE_UNAVAILABLE,
                                message: "ただいまPDFを作成できません。しばらく時間をおいてから、もう一度お試しいただくか、ほかの形式のファイルをご利用ください。".to_owned(),
                            }
                        })?
                }
            }
        }
        Download::Json => {
            let mut json = serde_json::to_vec_pretty(&ReportJson::from(&report))
                .map_err(|e| Error::Internal(e.to_string()))?;
            json.push(b'\n');
            json.into()
        }
        Download::Csv(table) => kaikaku_export::csv::write(&report, table, CsvOptions { bom })
            .map_err(|error| export_error(download, &report, error))?
            .into(),
        Download::Xlsx => kaikaku_export::xlsx::write(&report)
            .map_err(|error| export_error(download, &report, error))?
            .into(),
        Download::Text => kaikaku_export::text::render(&report).into(),
    };
    let mut response = attachment(
        download.content_type(),
        &format!(
            "plan{}_{}_{}",
            key.plan_id,
            key.fiscal_year.gregorian(),
            download.file_name()
        ),
        &download.saved_name(&report.plan_name, key),
        etag,
        body,
    )?;
    if matches!(download, Download::Pdf(_)) {
        // Kept by the server's PdfCache, not twice by the page cache.
        response.extensions_mut().insert(NotKept);
    }
    Ok(response)
}

/// An export that failed: the edition lacks what the format needs (409, saying what), or the
/// writer failed (500, the cause logged).
fn export_error(download: Download, report: &Report, error: ExportError) -> Error {
    if matches!(error, ExportError::NoMunicipality { .. }) {
        return Error::Unavailable {
            status: StatusCode::CONFLICT,
            message: format!(
                "この報告の{}は作成できません。{error}",
                download.format_label()
            ),
        };
    }
    tracing::error!(%error, title = %report.title, file = download.file_name(), "export failed");
    Error::Unavailable {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: format!(
            "{}のファイルを作成できませんでした。しばらく時間をおいてから、もう一度お試しいただくか、ほかの形式のファイルをご利用ください。",
            download.format_label()
        ),
    }
}

#[cfg(test)]
mod tests {
    use kaikaku_model::FiscalYear;

    use super::*;

    fn key() -> EditionKey {
        EditionKey {
            plan_id: 1,
            fiscal_year: FiscalYear::new(2021).expect("a fiscal year"),
        }
    }

    #[test]
    fn every_download_has_its_own_name_and_is_found_by_it() {
        let all = Download::all();
        for download in &all {
            assert_eq!(Download::named(download.file_name()), Some(*download));
        }
        let mut names: Vec<_> = all.iter().map(|d| d.file_name()).collect();
        names.dedup();
        assert_eq!(names.len(), all.len());
        assert_eq!(Download::named("report.exe"), None);
        assert_eq!(Download::named("REPORT.PDF"), None);
    }

    #[test]
    fn saved_names_are_japanese_and_safe() {
        let plan = "第5次集中改革プラン";
        assert_eq!(
            Download::Pdf(Paper::A4).saved_name(plan, key()),
            "第5次集中改革プラン_令和3年度.pdf"
        );
        assert_eq!(
            Download::Pdf(Paper::A3).saved_name(plan, key()),
            "第5次集中改革プラン_令和3年度_A3.pdf"
        );
        assert_eq!(
            Download::Csv(Table::ALL[0]).saved_name(plan, key()),
            format!(
                "第5次集中改革プラン_令和3年度_{}.csv",
                Table::ALL[0].label()
            )
        );
        assert_eq!(
            Download::Json.saved_name("A/B:計画", key()),
            "A_B_計画_令和3年度.json"
        );
    }
}
