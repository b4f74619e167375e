//! The published JSON interchange format of reports and check findings.
//!
//! The wire structs here are separate from the model on purpose: every field is converted
//! explicitly ([`ReportJson::from`] one way, [`ReportJson::into_model`] the other), so that a
//! refactor of the model never silently changes what consumers read. The format is documented
//! in `docs/json-format.md` and pinned by this crate's tests.
//!
//! Conventions kept throughout:
//! - fiscal years are Gregorian integers (`2021`), with a 和暦 label beside them where people
//!   read them (`"令和3年度"`); labels are output only and ignored on input;
//! - exact decimals (values, yen amounts, differences) are JSON strings (`"427794446"`,
//!   `"32.3"`), never JSON numbers, so no consumer ever rounds them through a float;
//! - absent values are `null`, never a missing field; lists are present, possibly empty;
//! - the format only grows: new fields may appear, existing ones keep their name and type.

mod error;
mod findings;
mod report;

pub use error::{InterchangeError, Problem};
pub use findings::{ExplanationJson, FileFindingsJson, FindingJson, FindingsJson};
pub use report::{
    ActionJson, ContentJson, EffectJson, EvaluationJson, ItemJson, MunicipalityJson, NarrativeJson,
    QuantityJson, ReportJson, RepostJson, ScheduleCellJson, SummaryRowJson, WarningJson,
};
