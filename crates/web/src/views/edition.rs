//! One edition as a document: the article its page and its PDF both show
//! ([`EditionArticle`], `templates/edition_article.html`), the 訂正 box of a correction
//! ([`CorrectionBox`]) and the download links ([`DownloadView`]).

use kaikaku_model::{ItemNo, Report};

use super::changes::ChangeView;
use super::{EditionHead, EditionKey, FindingView, SheetView, SummaryRowView};

/// The edition as a document, the same on its page (`public::pages::EditionPage`) and in its
/// PDF (`public::pdf::EditionDocument`): title block, 訂正 box, summary table, findings,
/// downloads (the page only) and every item sheet.
#[derive(Debug)]
pub(crate) struct EditionArticle {
    pub head: EditionHead,
    pub correction: Option<CorrectionBox>,
    pub summary: Vec<SummaryRowView>,
    pub findings: Vec<FindingView>,
    /// The 「ダウンロード（オープンデータ）」 box; empty in the PDF.
    pub downloads: Vec<DownloadView>,
    pub sheets: Vec<SheetView>,
}

impl EditionArticle {
    /// The article of `report` published at `key`, with its 訂正 box and download links.
    pub(crate) fn new(
        report: &Report,
        key: EditionKey,
        correction: Option<CorrectionBox>,
        downloads: Vec<DownloadView>,
    ) -> EditionArticle {
        EditionArticle {
            head: EditionHead::new(key, report),
            correction,
            summary: super::summary(report),
            findings: super::findings(&kaikaku_check::check(report)),
            downloads,
            sheets: report
                .items
                .iter()
                .map(|item| SheetView::new(key, &report.fiscal_years, item))
                .collect(),
        }
    }
}

/// The 訂正 box of a corrected edition (revision 2 and later): why, when, and what changed
/// from the revision before.
#[derive(Debug)]
pub(crate) struct CorrectionBox {
    /// 第2版.
    pub(crate) revision: i32,
    /// When the correction was published (和暦).
    pub(crate) published: String,
    /// Why.
    pub(crate) note: String,
    /// The changes, item by item.
    pub(crate) changes: Vec<CorrectionLine>,
}

impl CorrectionBox {
    /// The box with each change linked to its sheet inside the document (`#no-2`), for the
    /// standalone document printed to PDF.
    pub(crate) fn linked_within_document(mut self) -> CorrectionBox {
        for line in &mut self.changes {
            line.href = format!("#no-{}", line.no.0);
        }
        self
    }
}

/// One change of a correction.
#[derive(Debug)]
pub(crate) struct CorrectionLine {
    /// The item changed.
    pub(crate) no: ItemNo,
    /// `No.2 事務事業の整理・統廃合の推進`.
    pub(crate) item: String,
    /// The item's address.
    pub(crate) href: String,
    /// The change, with its readable diff.
    pub(crate) change: ChangeView,
}

/// A download as the edition page lists it.
#[derive(Clone, Debug)]
pub(crate) struct DownloadView {
    /// `/plans/1/2021/files/report.pdf`.
    pub href: String,
    /// `report.pdf`.
    pub file_name: &'static str,
    /// `PDF（A4横）`.
    pub format: &'static str,
    /// What the file is for.
    pub description: String,
    /// The same file with a byte order mark, for Excel (CSV only).
    pub bom_href: Option<String>,
}
