//! The check output: [`FindingsJson`] for one report, [`FileFindingsJson`] for one file of a
//! command-line run. Output only: findings are recomputed from reports, never read back.

use kaikaku_check::{Explanation, Finding};
use kaikaku_model::{Decimal, FiscalYear};
use serde::{Deserialize, Serialize};

/// The findings of one report, in document order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingsJson {
    /// Every difference found; empty when every total holds.
    pub findings: Vec<FindingJson>,
}

/// The findings of one file, as the `kaikaku check --format json` command prints them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFindingsJson {
    /// The file as named on the command line.
    pub file: String,
    /// Why the file could not be read, or null when it was read.
    pub error: Option<String>,
    /// Every difference found; empty when every total holds or the file could not be read.
    pub findings: Vec<FindingJson>,
}

/// One difference between a stated total and the recomputed one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingJson {
    /// The item the total belongs to.
    pub item_no: u32,
    /// `total_mismatch` or `stated_sum_mismatch`; more rules may add codes.
    pub kind: String,
    /// The kind in Japanese (`総計の不一致`).
    pub kind_label: String,
    /// The unit of `stated`, `computed` and `difference`.
    pub unit: String,
    /// The total as the document states it, a decimal string.
    pub stated: String,
    /// The total recomputed from its parts, a decimal string.
    pub computed: String,
    /// `stated - computed`, a decimal string.
    pub difference: String,
    /// A sentence for people, in Japanese.
    pub message: String,
    /// The line of the stated total.
    pub line: usize,
    /// What is totalled, as labelled in the document (may be empty).
    pub label: String,
    /// The fiscal year of a stated sum in a narrative, Gregorian; null for the 総計.
    pub fiscal_year: Option<i32>,
    /// The same year in 和暦, or null.
    pub fiscal_year_label: Option<String>,
    /// A value elsewhere in the item that equals the difference, or null.
    pub explanation: Option<ExplanationJson>,
}

/// A value that exactly accounts for a difference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplanationJson {
    /// The value, a decimal string.
    pub value: String,
    /// Its unit symbol.
    pub unit: String,
    /// Its label as written (may be empty).
    pub label: String,
    /// Where it sits.
    pub line: usize,
    /// Which row or part it sits in, in Japanese (`総計の行`).
    pub place: String,
}

impl From<&[Finding]> for FindingsJson {
    fn from(findings: &[Finding]) -> FindingsJson {
        FindingsJson {
            findings: findings.iter().map(FindingJson::from).collect(),
        }
    }
}

impl From<&Finding> for FindingJson {
    fn from(finding: &Finding) -> FindingJson {
        FindingJson {
            item_no: finding.item_no.0,
            kind: finding.kind.code().to_owned(),
            kind_label: finding.kind.label().to_owned(),
            unit: finding.unit.symbol().to_owned(),
            stated: plain(finding.stated),
            computed: plain(finding.computed),
            difference: plain(finding.difference),
            message: finding.message(),
            line: finding.line,
            label: finding.label.clone(),
            fiscal_year: finding.fiscal_year.map(FiscalYear::gregorian),
            fiscal_year_label: finding.fiscal_year.map(FiscalYear::wareki_label),
            explanation: finding.explanation.as_ref().map(ExplanationJson::from),
        }
    }
}

impl From<&Explanation> for ExplanationJson {
    fn from(explanation: &Explanation) -> ExplanationJson {
        ExplanationJson {
            value: plain(explanation.quantity.value),
            unit: explanation.quantity.unit.symbol().to_owned(),
            label: explanation.quantity.label.clone(),
            line: explanation.line,
            place: explanation.place.clone(),
        }
    }
}

/// A computed decimal without trailing zeros (`410732.000` → `410732`, `-0` → `0`).
fn plain(value: Decimal) -> String {
    value.normalize().to_string()
}
