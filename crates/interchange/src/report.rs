//! The report document: [`ReportJson`] and the objects inside it, with the conversions from
//! and to the model.

use std::str::FromStr;

use kaikaku_model::{
    Action, ContentRow, Decimal, EffectRow, Evaluation, FiscalYear, Item, ItemNo,
    LocalGovernmentCode, Municipality, Narrative, NarrativeKind, Phase, Quantity, Report, Repost,
    ScheduleCell, Status, SummaryRow, Unit, Warning,
};
use serde::{Deserialize, Serialize};

use crate::error::{InterchangeError, Problem};

/// A progress report: one published document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportJson {
    /// The document title as written.
    pub title: String,
    /// The plan the report belongs to (`第5次集中改革プラン`).
    pub plan_name: String,
    /// The municipality whose plan it is, or null when unknown (optional on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<MunicipalityJson>,
    /// The fiscal year whose results the report gives, Gregorian (`2021`), or null.
    pub report_fiscal_year: Option<i32>,
    /// The same year in 和暦 (`令和3年度`); output only, ignored on input.
    #[serde(default)]
    pub report_fiscal_year_label: Option<String>,
    /// The plan period, one Gregorian year per fiscal year, in order.
    pub fiscal_years: Vec<i32>,
    /// The summary table at the top of the document.
    pub summary: Vec<SummaryRowJson>,
    /// The item sheets in document order.
    pub items: Vec<ItemJson>,
    /// What the reader could not place.
    pub warnings: Vec<WarningJson>,
}

/// A municipality: its 全国地方公共団体コード and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MunicipalityJson {
    /// The six-digit code with its check digit, as a string (`"130001"`).
    pub code: String,
    /// The name (`楓町`).
    pub name: String,
}

/// A row of the summary table (`項目` / `記入担当課`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRowJson {
    /// The item number.
    pub no: u32,
    /// The item title as written in the summary.
    pub title: String,
    /// The reporting department (記入担当課).
    pub reporting_department: String,
    /// The source line, counted from 1; 0 when unknown (optional on input).
    #[serde(default)]
    pub line: usize,
}

/// One item's sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemJson {
    /// The item number (`No.19` → 19).
    pub no: u32,
    /// The title as written in the sheet heading.
    pub title: String,
    /// The reporting department (記入担当課) from the summary table, or null.
    pub reporting_department: Option<String>,
    /// The departments in charge (担当課), in order.
    pub departments: Vec<String>,
    /// The improvement contents (改善・推進の内容) with their schedules.
    pub contents: Vec<ContentJson>,
    /// The improvement goal (改善・推進目標), or null.
    pub goal: Option<String>,
    /// The numbered main actions (主な取組内容).
    pub actions: Vec<ActionJson>,
    /// The yearly narratives (【令和3年度（実績）】 …).
    pub narratives: Vec<NarrativeJson>,
    /// The effects table (取組による効果).
    pub effects: Vec<EffectJson>,
    /// The overall evaluation (総評), or null.
    pub evaluation: Option<EvaluationJson>,
    /// Items whose entries are reposted here (`（No.3再掲）`).
    pub reposts: Vec<RepostJson>,
    /// The line of the heading; 0 when unknown (optional on input).
    #[serde(default)]
    pub line: usize,
}

/// A line of improvement contents with its schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentJson {
    /// The content as written.
    pub text: String,
    /// One cell per plan fiscal year, in order.
    pub schedule: Vec<ScheduleCellJson>,
    /// The source line; 0 when unknown (optional on input).
    #[serde(default)]
    pub line: usize,
}

/// Which main actions run in one fiscal year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleCellJson {
    /// The fiscal year of the column, Gregorian.
    pub fiscal_year: i32,
    /// The action numbers cited (`①～③` → `[1, 2, 3]`); empty when the cell is empty.
    pub actions: Vec<u8>,
    /// `検討`, `試行`, `実施`, another word as written, or null.
    pub phase: Option<String>,
    /// The cell as written (`①～⑤`, `② (検討)`, empty); optional on input.
    #[serde(default)]
    pub text: String,
}

/// A numbered main action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionJson {
    /// The number (`①` → 1).
    pub no: u8,
    /// The text after the number.
    pub text: String,
}

/// A yearly narrative section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NarrativeJson {
    /// The fiscal year the section is about, Gregorian.
    pub fiscal_year: i32,
    /// The same year in 和暦; output only, ignored on input.
    #[serde(default)]
    pub fiscal_year_label: Option<String>,
    /// `actual` (実績), `forecast` (見込み) or `plan` (計画・目標).
    pub kind: String,
    /// The text after the heading, as written.
    pub text: String,
    /// The line of the heading; 0 when unknown (optional on input).
    #[serde(default)]
    pub line: usize,
}

/// A row of the effects table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectJson {
    /// The fiscal year, Gregorian; null on the 総計 row.
    pub fiscal_year: Option<i32>,
    /// The same year in 和暦, null on the 総計 row; output only, ignored on input.
    #[serde(default)]
    pub fiscal_year_label: Option<String>,
    /// True on the 総計 row.
    pub is_total: bool,
    /// The row's cells as written, joined by a space.
    pub text: String,
    /// The quantities the row states.
    pub quantities: Vec<QuantityJson>,
    /// The source line; 0 when unknown (optional on input).
    #[serde(default)]
    pub line: usize,
}

/// An exact value with its unit, label and status mark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantityJson {
    /// The words before the number, as written; possibly empty.
    pub label: String,
    /// The exact value as a decimal string (`"427794446"`, `"32.3"`, `"-1200"`).
    pub value: String,
    /// The unit symbol: `円`, `千円`, `万円`, `百万円`, `億円`, `%`, `点`, `㎡`, or a counter
    /// word such as `件`, `人`, `施設`.
    pub unit: String,
    /// `actual`, `plan`, `target`, `forecast`, or null.
    pub status: Option<String>,
    /// The value in yen as a decimal string for money units, else null; derived from `value`
    /// and `unit`, ignored on input.
    #[serde(default)]
    pub yen: Option<String>,
}

/// The overall evaluation (総評).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationJson {
    /// The fiscal year evaluated, Gregorian.
    pub fiscal_year: i32,
    /// The same year in 和暦; output only, ignored on input.
    #[serde(default)]
    pub fiscal_year_label: Option<String>,
    /// The text, paragraphs on their own lines.
    pub text: String,
    /// The line of the heading; 0 when unknown (optional on input).
    #[serde(default)]
    pub line: usize,
}

/// A reference to the item an entry is reposted from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepostJson {
    /// The other item's number.
    pub item_no: u32,
}

/// Something the reader could not place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningJson {
    /// The source line.
    pub line: usize,
    /// What happened, in Japanese.
    pub message: String,
}

// ---------------------------------------------------------------------------------------------
// Model → wire.

impl From<&Report> for ReportJson {
    fn from(report: &Report) -> ReportJson {
        ReportJson {
            title: report.title.clone(),
            plan_name: report.plan_name.clone(),
            municipality: report.municipality.as_ref().map(|m| MunicipalityJson {
                code: m.code.to_string(),
                name: m.name.clone(),
            }),
            report_fiscal_year: report.report_fiscal_year.map(FiscalYear::gregorian),
            report_fiscal_year_label: report.report_fiscal_year.map(FiscalYear::wareki_label),
            fiscal_years: report.fiscal_years.iter().map(|y| y.gregorian()).collect(),
            summary: report.summary.iter().map(SummaryRowJson::from).collect(),
            items: report.items.iter().map(ItemJson::from).collect(),
            warnings: report.warnings.iter().map(WarningJson::from).collect(),
        }
    }
}

impl From<&SummaryRow> for SummaryRowJson {
    fn from(row: &SummaryRow) -> SummaryRowJson {
        SummaryRowJson {
            no: row.no.0,
            title: row.title.clone(),
            reporting_department: row.reporting_department.clone(),
            line: row.line,
        }
    }
}

impl From<&Item> for ItemJson {
    fn from(item: &Item) -> ItemJson {
        ItemJson {
            no: item.no.0,
            title: item.title.clone(),
            reporting_department: item.reporting_department.clone(),
            departments: item.departments.clone(),
            contents: item.contents.iter().map(ContentJson::from).collect(),
            goal: item.goal.clone(),
            actions: item.actions.iter().map(ActionJson::from).collect(),
            narratives: item.narratives.iter().map(NarrativeJson::from).collect(),
            effects: item.effects.iter().map(EffectJson::from).collect(),
            evaluation: item.evaluation.as_ref().map(EvaluationJson::from),
            reposts: item.reposts.iter().map(RepostJson::from).collect(),
            line: item.line,
        }
    }
}

impl From<&ContentRow> for ContentJson {
    fn from(row: &ContentRow) -> ContentJson {
        ContentJson {
            text: row.text.clone(),
            schedule: row.schedule.iter().map(ScheduleCellJson::from).collect(),
            line: row.line,
        }
    }
}

impl From<&ScheduleCell> for ScheduleCellJson {
    fn from(cell: &ScheduleCell) -> ScheduleCellJson {
        ScheduleCellJson {
            fiscal_year: cell.fiscal_year.gregorian(),
            actions: cell.actions.clone(),
            phase: cell.phase.as_ref().map(|p| p.word().to_owned()),
            text: cell.text.clone(),
        }
    }
}

impl From<&Action> for ActionJson {
    fn from(action: &Action) -> ActionJson {
        ActionJson {
            no: action.no,
            text: action.text.clone(),
        }
    }
}

impl From<&Narrative> for NarrativeJson {
    fn from(narrative: &Narrative) -> NarrativeJson {
        NarrativeJson {
            fiscal_year: narrative.fiscal_year.gregorian(),
            fiscal_year_label: Some(narrative.fiscal_year.wareki_label()),
            kind: narrative.kind.code().to_owned(),
            text: narrative.text.clone(),
            line: narrative.line,
        }
    }
}

impl From<&EffectRow> for EffectJson {
    fn from(row: &EffectRow) -> EffectJson {
        EffectJson {
            fiscal_year: row.fiscal_year.map(FiscalYear::gregorian),
            fiscal_year_label: row.fiscal_year.map(FiscalYear::wareki_label),
            is_total: row.is_total,
            text: row.text.clone(),
            quantities: row.quantities.iter().map(QuantityJson::from).collect(),
            line: row.line,
        }
    }
}

impl From<&Quantity> for QuantityJson {
    fn from(quantity: &Quantity) -> QuantityJson {
        QuantityJson {
            label: quantity.label.clone(),
            value: quantity.value.to_string(),
            unit: quantity.unit.symbol().to_owned(),
            status: quantity.status.map(|s| s.code().to_owned()),
            yen: quantity.yen().map(|yen| yen.to_string()),
        }
    }
}

impl From<&Evaluation> for EvaluationJson {
    fn from(evaluation: &Evaluation) -> EvaluationJson {
        EvaluationJson {
            fiscal_year: evaluation.fiscal_year.gregorian(),
            fiscal_year_label: Some(evaluation.fiscal_year.wareki_label()),
            text: evaluation.text.clone(),
            line: evaluation.line,
        }
    }
}

impl From<&Repost> for RepostJson {
    fn from(repost: &Repost) -> RepostJson {
        RepostJson {
            item_no: repost.item_no.0,
        }
    }
}

impl From<&Warning> for WarningJson {
    fn from(warning: &Warning) -> WarningJson {
        WarningJson {
            line: warning.line,
            message: warning.message.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Wire → model.

impl ReportJson {
    /// Converts the document back into the model.
    ///
    /// Labels (`*_label`) and `yen` are derived values and are ignored. Fails with an
    /// [`InterchangeError`] naming the first field that does not convert: a fiscal year out of
    /// range, a value that is not a decimal string, an unknown unit, status or narrative kind.
    pub fn into_model(self) -> Result<Report, InterchangeError> {
        Ok(Report {
            title: self.title,
            plan_name: self.plan_name,
            municipality: self
                .municipality
                .map(|m| {
                    LocalGovernmentCode::parse(&m.code)
                        .map(|code| Municipality { code, name: m.name })
                        .map_err(|_| {
                            InterchangeError::at(
                                "municipality.code",
                                Problem::MunicipalityCode(m.code),
                            )
                        })
                })
                .transpose()?,
            report_fiscal_year: self
                .report_fiscal_year
                .map(|y| fiscal_year(y, "report_fiscal_year"))
                .transpose()?,
            fiscal_years: self
                .fiscal_years
                .into_iter()
                .enumerate()
                .map(|(i, y)| fiscal_year(y, &format!("fiscal_years[{i}]")))
                .collect::<Result<_, _>>()?,
            summary: self
                .summary
                .into_iter()
                .map(SummaryRowJson::into_model)
                .collect(),
            items: each(self.items, "items", ItemJson::into_model)?,
            warnings: self
                .warnings
                .into_iter()
                .map(|w| Warning {
                    line: w.line,
                    message: w.message,
                })
                .collect(),
        })
    }
}

impl SummaryRowJson {
    fn into_model(self) -> SummaryRow {
        SummaryRow {
            no: ItemNo(self.no),
            title: self.title,
            reporting_department: self.reporting_department,
            line: self.line,
        }
    }
}

impl ItemJson {
    /// The model's item, or an error naming the field that does not convert (a path relative
    /// to the item, such as `effects[0].quantities[1].unit`).
    pub fn into_model(self) -> Result<Item, InterchangeError> {
        Ok(Item {
            no: ItemNo(self.no),
            title: self.title,
            reporting_department: self.reporting_department,
            departments: self.departments,
            contents: each(self.contents, "contents", ContentJson::into_model)?,
            goal: self.goal,
            actions: self
                .actions
                .into_iter()
                .map(|a| Action {
                    no: a.no,
                    text: a.text,
                })
                .collect(),
            narratives: each(self.narratives, "narratives", NarrativeJson::into_model)?,
            effects: each(self.effects, "effects", EffectJson::into_model)?,
            evaluation: self
                .evaluation
                .map(|e| e.into_model().map_err(|err| err.within("evaluation")))
                .transpose()?,
            reposts: self
                .reposts
                .into_iter()
                .map(|r| Repost {
                    item_no: ItemNo(r.item_no),
                })
                .collect(),
            line: self.line,
        })
    }
}

impl ContentJson {
    fn into_model(self) -> Result<ContentRow, InterchangeError> {
        Ok(ContentRow {
            text: self.text,
            schedule: each(self.schedule, "schedule", ScheduleCellJson::into_model)?,
            line: self.line,
        })
    }
}

impl ScheduleCellJson {
    fn into_model(self) -> Result<ScheduleCell, InterchangeError> {
        Ok(ScheduleCell {
            fiscal_year: fiscal_year(self.fiscal_year, "fiscal_year")?,
            text: self.text,
            actions: self.actions,
            phase: self.phase.as_deref().map(Phase::from_word),
        })
    }
}

impl NarrativeJson {
    fn into_model(self) -> Result<Narrative, InterchangeError> {
        let kind = NarrativeKind::from_code(&self.kind).ok_or_else(|| {
            InterchangeError::at("kind", Problem::NarrativeKind(self.kind.clone()))
        })?;
        Ok(Narrative {
            fiscal_year: fiscal_year(self.fiscal_year, "fiscal_year")?,
            kind,
            text: self.text,
            line: self.line,
        })
    }
}

impl EffectJson {
    fn into_model(self) -> Result<EffectRow, InterchangeError> {
        Ok(EffectRow {
            fiscal_year: self
                .fiscal_year
                .map(|y| fiscal_year(y, "fiscal_year"))
                .transpose()?,
            is_total: self.is_total,
            text: self.text,
            quantities: each(self.quantities, "quantities", QuantityJson::into_model)?,
            line: self.line,
        })
    }
}

impl QuantityJson {
    fn into_model(self) -> Result<Quantity, InterchangeError> {
        let value = decimal(&self.value, "value")?;
        let unit = unit_from_symbol(&self.unit)
            .ok_or_else(|| InterchangeError::at("unit", Problem::Unit(self.unit.clone())))?;
        let status = self
            .status
            .map(|code| {
                Status::from_code(&code)
                    .ok_or_else(|| InterchangeError::at("status", Problem::Status(code.clone())))
            })
            .transpose()?;
        Ok(Quantity {
            label: self.label,
            value,
            unit,
            status,
        })
    }
}

impl EvaluationJson {
    fn into_model(self) -> Result<Evaluation, InterchangeError> {
        Ok(Evaluation {
            fiscal_year: fiscal_year(self.fiscal_year, "fiscal_year")?,
            text: self.text,
            line: self.line,
        })
    }
}

/// Converts every element of a list, naming the failing element (`items[3]`) in the error.
fn each<T, U>(
    list: Vec<T>,
    field: &str,
    convert: impl Fn(T) -> Result<U, InterchangeError>,
) -> Result<Vec<U>, InterchangeError> {
    list.into_iter()
        .enumerate()
        .map(|(i, element)| convert(element).map_err(|e| e.within(format_args!("{field}[{i}]"))))
        .collect()
}

fn fiscal_year(year: i32, field: &str) -> Result<FiscalYear, InterchangeError> {
    FiscalYear::new(year).ok_or_else(|| InterchangeError::at(field, Problem::FiscalYear(year)))
}

/// Parses a decimal string. Only plain notation is accepted (`-1200`, `32.3`), as written by
/// [`Decimal`]'s `Display`; a value with more digits than a [`Decimal`] keeps is refused,
/// never rounded.
fn decimal(text: &str, field: &str) -> Result<Decimal, InterchangeError> {
    Decimal::from_str_exact(text).map_err(|_| {
        let problem = match Decimal::from_str(text) {
            Ok(_) => Problem::TooPrecise(text.into()),
            Err(_) => Problem::Decimal(text.into()),
        };
        InterchangeError::at(field, problem)
    })
}

/// The unit whose symbol ([`Unit::symbol`]) is `symbol`; any spelling the model reads is
/// accepted too (`％`, `m²`). Every canonical symbol parses back as its unit.
fn unit_from_symbol(symbol: &str) -> Option<Unit> {
    Unit::parse(symbol)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every canonical unit symbol the model can produce reads back as the same unit.
    #[test]
    fn unit_symbols_round_trip() {
        for unit in Unit::known() {
            assert_eq!(unit_from_symbol(unit.symbol()), Some(unit), "{unit}");
        }
        assert_eq!(unit_from_symbol("％"), Some(Unit::Percent));
        assert_eq!(unit_from_symbol("ドル"), None);
    }

    #[test]
    fn decimals_beyond_the_precision_kept_are_refused_never_rounded() {
        let refused = decimal("1.00000000000000000000000000001", "value").expect_err("29 places");
        assert_eq!(
            refused.to_string(),
            "value: 「1.00000000000000000000000000001」は桁数が多すぎます（28桁まで）"
        );
        let error = decimal("1,200", "value").expect_err("not plain");
        assert_eq!(error.problem, Problem::Decimal("1,200".into()));
        assert_eq!(
            decimal("-1.000000000000000000000000001", "value").map(|d| d.to_string()),
            Ok("-1.000000000000000000000000001".to_owned())
        );
    }

    #[test]
    fn phases_round_trip() {
        for phase in [
            Phase::Study,
            Phase::Trial,
            Phase::Implementation,
            Phase::Other("準備".into()),
        ] {
            assert_eq!(Phase::from_word(phase.word()), phase);
        }
    }
}
