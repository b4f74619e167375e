//! The values of the effects tables (取組による効果), each classed as 実績, 計画 or 見込み.
//!
//! A value's class is its status mark when the document writes one (（実績）, （計画）/（目標）,
//! （見込み）). Many documents leave amounts unmarked (the real sample's No.17, 18, 20, 21, 22):
//! an unmarked value of a fiscal year up to the report year counts as 実績, one of a later
//! year as 見込み, and the figure keeps [`Basis::ByYear`] so pages can say so. The 総計 row is
//! never counted: it is the author's claim, which the checks compare.

use kaikaku_model::{Decimal, FiscalYear, ItemNo, Line, Quantity, Report, Status};

/// The class of an effects value on the dashboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EffectStatus {
    /// 実績.
    Actual,
    /// 計画 (and 目標).
    Plan,
    /// 見込み.
    Forecast,
}

impl EffectStatus {
    /// Every class, in the order pages show them.
    pub const ALL: [EffectStatus; 3] = [
        EffectStatus::Actual,
        EffectStatus::Plan,
        EffectStatus::Forecast,
    ];

    /// The class of a status mark: 目標 counts as 計画.
    pub fn of(status: Status) -> EffectStatus {
        match status {
            Status::Actual => EffectStatus::Actual,
            Status::Plan | Status::Target => EffectStatus::Plan,
            Status::Forecast => EffectStatus::Forecast,
        }
    }

    /// The stable code used in data: `actual`, `plan`, `forecast`.
    pub fn code(self) -> &'static str {
        match self {
            EffectStatus::Actual => "actual",
            EffectStatus::Plan => "plan",
            EffectStatus::Forecast => "forecast",
        }
    }

    /// The Japanese word: 実績, 計画, 見込み.
    pub fn label(self) -> &'static str {
        match self {
            EffectStatus::Actual => "実績",
            EffectStatus::Plan => "計画",
            EffectStatus::Forecast => "見込み",
        }
    }
}

/// Where a value's class comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Basis {
    /// The document marks the value.
    Marked,
    /// Unmarked: classed by its fiscal year against the report year.
    ByYear,
}

/// One value of an item's effects table, with its class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// The item.
    pub item_no: ItemNo,
    /// The row of the effects table (`Field::Effect(i)` of the item).
    pub effect_index: usize,
    /// The fiscal year of the row.
    pub fiscal_year: FiscalYear,
    /// 実績, 計画 or 見込み.
    pub status: EffectStatus,
    /// Marked in the document or classed by year.
    pub basis: Basis,
    /// The value as read.
    pub quantity: Quantity,
    /// The line of the row.
    pub line: Line,
}

impl Figure {
    /// The value in yen for money, `None` for other units (or on overflow).
    pub fn yen(&self) -> Option<Decimal> {
        self.quantity.yen()
    }
}

/// Every value of every fiscal-year row of the effects tables of `report`, in document order,
/// classed. Rows without a fiscal year (the 総計) are left out; so are unmarked values when
/// the report year is unknown (there is nothing to class them by).
pub fn figures(report: &Report) -> Vec<Figure> {
    let mut figures = Vec::new();
    for item in &report.items {
        for (effect_index, row) in item.effects.iter().enumerate() {
            let Some(fiscal_year) = row.fiscal_year.filter(|_| !row.is_total) else {
                continue;
            };
            for quantity in &row.quantities {
                let classed = match quantity.status {
                    Some(status) => Some((EffectStatus::of(status), Basis::Marked)),
                    None => report.report_fiscal_year.map(|report_year| {
                        let status = if fiscal_year <= report_year {
                            EffectStatus::Actual
                        } else {
                            EffectStatus::Forecast
                        };
                        (status, Basis::ByYear)
                    }),
                };
                if let Some((status, basis)) = classed {
                    figures.push(Figure {
                        item_no: item.no,
                        effect_index,
                        fiscal_year,
                        status,
                        basis,
                        quantity: quantity.clone(),
                        line: row.line,
                    });
                }
            }
        }
    }
    figures
}
