//! Checks: recompute every total a report states and report each difference.
//!
//! Checks are pure functions of a [`Report`]; they never change it. Each rule lives in its own
//! module with a stable code ([`FindingKind::code`]).

use std::fmt;

use kaikaku_model::quantity::format_decimal;
use kaikaku_model::{Decimal, FiscalYear, ItemNo, Line, Quantity, Report, Unit};

mod amount;
mod stated_sum;
mod total;

/// What kind of difference a finding reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FindingKind {
    /// The fiscal-year rows of the effects table do not add up to the 総計 row.
    TotalMismatch,
    /// A sum stated inside a narrative (`（合計 …）`, a total followed by its breakdown) does not
    /// equal the amounts it sums.
    StatedSumMismatch,
}

impl FindingKind {
    /// The stable code used in data: `total_mismatch`, `stated_sum_mismatch`.
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::TotalMismatch => "total_mismatch",
            FindingKind::StatedSumMismatch => "stated_sum_mismatch",
        }
    }

    /// The Japanese name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::TotalMismatch => "総計の不一致",
            FindingKind::StatedSumMismatch => "記載された合計の不一致",
        }
    }
}

/// A value elsewhere in the item that exactly accounts for a difference: typically a value the
/// PDF extraction moved into the wrong row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The value that equals the difference.
    pub quantity: Quantity,
    /// Where it sits.
    pub line: Line,
    /// Which row or part it sits in, in Japanese (`総計の行`, `令和4年度の行`).
    pub place: String,
}

/// One difference between a stated total and the recomputed one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The item the total belongs to.
    pub item_no: ItemNo,
    /// Which rule found it.
    pub kind: FindingKind,
    /// What is totalled, as labelled in the document (may be empty).
    pub label: String,
    /// The fiscal year of a stated sum (for narratives); `None` for the 総計.
    pub fiscal_year: Option<FiscalYear>,
    /// The unit of `stated`, `computed` and `difference`.
    pub unit: Unit,
    /// The total as the document states it.
    pub stated: Decimal,
    /// The total recomputed from the parts, in `unit`.
    pub computed: Decimal,
    /// `stated - computed`.
    pub difference: Decimal,
    /// The line of the stated total.
    pub line: Line,
    /// A value elsewhere that equals the difference, if one exists.
    pub explanation: Option<Explanation>,
}

impl Finding {
    /// A sentence for people, in Japanese.
    pub fn message(&self) -> String {
        let amount = |v: Decimal| format!("{}{}", format_decimal(v), self.unit);
        // `「合計」の合計` says nothing more than `合計`.
        let what = if self.label.is_empty() || self.label.ends_with('計') {
            String::new()
        } else {
            format!("「{}」の", self.label)
        };
        let whose = match (self.kind, self.fiscal_year) {
            (FindingKind::TotalMismatch, _) => format!("{what}総計"),
            (FindingKind::StatedSumMismatch, Some(year)) => {
                format!("{}の記述にある{what}合計", year.wareki_label())
            }
            (FindingKind::StatedSumMismatch, None) => format!("記述にある{what}合計"),
        };
        let mut message = format!(
            "{}: {whose}は{}と記載されていますが、内訳を合計すると{}です（差 {}）。",
            self.item_no,
            amount(self.stated),
            amount(self.computed),
            amount(self.difference),
        );
        if let Some(explanation) = &self.explanation {
            message.push_str(&format!(
                "差額は{}（{}行目）にある {} と一致します。抽出時に行がずれた値の可能性があります。",
                explanation.place, explanation.line, explanation.quantity
            ));
        }
        message
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Runs every check on `report` and returns the findings in document order.
pub fn check(report: &Report) -> Vec<Finding> {
    let mut findings = Vec::new();
    for item in &report.items {
        findings.extend(total::check(item));
        findings.extend(stated_sum::check(item));
    }
    findings.sort_by_key(|f| (f.line, f.item_no));
    findings
}
