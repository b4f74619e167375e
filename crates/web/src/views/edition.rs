//! One edition as a document: the parts its page and its PDF both show ([`EditionParts`]),
//! the 訂正 box of a correction ([`CorrectionBox`]) and the download links ([`DownloadView`]).

use kaikaku_model::{ItemNo, Report};

use super::changes::ChangeView;
use super::{EditionHead, EditionKey, FindingView, SheetView, SummaryRowView};

/// What an edition shows on its page and in its PDF (`pdf::EditionDocument`), built once.
#[derive(Debug)]
pub(crate) struct EditionParts {
    pub head: EditionHead,
    pub summary: Vec<SummaryRowView>,
    pub findings: Vec<FindingView>,
    pub sheets: Vec<SheetView>,
}

impl EditionParts {
    /// The parts of `report` published at `key`.
    pub(crate) fn new(report: &Report, key: EditionKey) -> EditionParts {
        EditionParts {
            head: EditionHead::new(key, report),
            summary: super::summary(report),
            findings: super::findings(&kaikaku_check::check(report)),
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
