//! An edition leaves kaikaku in the shapes people use: open-data CSV following the national
//! machine-readability rules ([`csv`]), an XLSX workbook laid out like the document that can
//! also be read back ([`xlsx`]), and the document's own text layout ([`text`]), which the
//! reader reads back to the same model.
//!
//! Everything here is a pure function from a [`kaikaku_model::Report`] to bytes (or back);
//! where the bytes go (a file, an HTTP response) is the caller's business.

pub mod csv;
pub mod text;
pub mod xlsx;

/// Why an edition could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Open data names its municipality; this edition's plan has none recorded.
    #[error(
        "計画「{plan}」の地方公共団体コードと団体名が登録されていません（kaikaku import \
         --municipality-code … --municipality-name … で登録してください）"
    )]
    NoMunicipality {
        /// The plan without a municipality.
        plan: String,
    },
    /// Open data names the report's fiscal year on every row; this edition has none.
    #[error("報告年度が分かりません（文書の表題に「令和3年度実績」のように書かれていません）")]
    NoReportYear,
    /// The XLSX writer failed.
    #[error("XLSXを書き出せません: {0}")]
    Xlsx(String),
    /// The CSV writer failed.
    #[error("CSVを書き出せません: {0}")]
    Csv(String),
}
