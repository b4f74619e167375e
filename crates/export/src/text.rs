//! The document's own text layout (being written: for now only the title line).
use kaikaku_model::Report;

/// `report` in the document's own text layout.
pub fn render(report: &Report) -> String {
    format!("{}\n", report.title)
}
