//! View models: what the templates show, built from the model in Rust.
//!
//! Every label a page shows (和暦, `令和3年度（2021年度）`, `No.19`, `①`, section headings) is
//! computed here, so templates only place text. Text from a document stays plain `String`s:
//! the templates escape it, and nothing here builds markup. Shared by the pages, the PDF and
//! the API: an edition as a document ([`edition`]), changes with their readable diffs
//! ([`changes`]), dates and times in 和暦 ([`time`]), the charts' geometry ([`chart`]).

pub mod changes;
pub(crate) mod chart;
pub(crate) mod edition;
pub mod time;

use kaikaku_check::Finding;
use kaikaku_model::text::action_mark;
use kaikaku_model::{
    ContentRow, EffectRow, FiscalYear, Item, ItemNo, Municipality, Narrative, Report, ScheduleCell,
};
use kaikaku_store::StoredReport;

/// Where a published edition lives: its plan and report fiscal year, the stable address
/// `/plans/{plan_id}/{fiscal_year}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EditionKey {
    /// The plan id ([`StoredReport::plan_id`]).
    pub plan_id: i64,
    /// The report fiscal year.
    pub fiscal_year: FiscalYear,
}

impl EditionKey {
    /// The key of a stored report, or `None` for one without a fiscal year (the store never
    /// keeps such a report, but the listing type allows it).
    pub fn of(stored: &StoredReport) -> Option<EditionKey> {
        stored.report_fiscal_year.map(|fiscal_year| EditionKey {
            plan_id: stored.plan_id,
            fiscal_year,
        })
    }

    /// `/plans/1/2021`.
    pub fn href(self) -> String {
        format!("/plans/{}/{}", self.plan_id, self.fiscal_year.gregorian())
    }

    /// `/plans/1/2021/items/19`.
    pub fn item_href(self, no: ItemNo) -> String {
        format!("{}/items/{}", self.href(), no.0)
    }
}

/// `1,234,567円`: an amount of yen as the pages write it.
pub(crate) fn yen_text(value: kaikaku_model::Decimal) -> String {
    format!("{}円", kaikaku_model::quantity::format_decimal(value))
}

/// `/municipalities/131016`: a municipality's page.
pub fn municipality_href(code: kaikaku_model::LocalGovernmentCode) -> String {
    format!("/municipalities/{code}")
}

/// `/prefectures/13`: a prefecture's figures.
pub fn prefecture_href(code: u8) -> String {
    format!("/prefectures/{code:02}")
}

/// The frame of every page: its title, breadcrumbs and paper size for printing.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// The page title (before the site name).
    pub title: String,
    /// The breadcrumbs, from the top page to the current one (the last has no link).
    pub crumbs: Vec<Crumb>,
    /// Print on A3 landscape instead of A4 landscape (`?paper=a3`).
    pub paper_a3: bool,
    /// Who is logged in, for the header bar; `None` for an anonymous visitor.
    pub session: Option<SessionBar>,
}

/// The header bar of a logged-in user: name, role and the log-out form.
#[derive(Clone)]
pub struct SessionBar {
    /// The log-in name.
    pub name: String,
    /// The role's Japanese label (`管理者（政策課）`).
    pub role_label: &'static str,
    /// The department, if any (shown for editors and reviewers).
    pub department: Option<String>,
    /// Whether to link the user administration (admins).
    pub is_admin: bool,
    /// The session's CSRF token, for the hidden `_csrf` field of every form.
    pub csrf: String,
}

impl std::fmt::Debug for SessionBar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionBar")
            .field("name", &self.name)
            .field("role_label", &self.role_label)
            .field("department", &self.department)
            .field("is_admin", &self.is_admin)
            .field("csrf", &"…")
            .finish()
    }
}

/// One step of the breadcrumbs.
#[derive(Clone, Debug)]
pub struct Crumb {
    /// The text.
    pub label: String,
    /// The link, `None` for the current page.
    pub href: Option<String>,
}

impl Crumb {
    /// The top page (公開中の報告).
    pub fn home() -> Crumb {
        Crumb {
            label: "公開中の報告".to_owned(),
            href: Some("/".to_owned()),
        }
    }
}

/// The plans on the top page, each with its editions, newest first.
#[derive(Clone, Debug)]
pub struct PlanGroup {
    /// The plan name.
    pub plan_name: String,
    /// `/plans/1/dashboard`: the plan's figures across its editions.
    pub dashboard_href: String,
    /// Its editions, newest report year first.
    pub editions: Vec<EditionLink>,
}

/// A link to a published edition.
#[derive(Clone, Debug)]
pub struct EditionLink {
    /// `/plans/1/2021`.
    pub href: String,
    /// `令和3年度（2021年度）`.
    pub year_label: String,
    /// The document title.
    pub title: String,
    /// How many item sheets it has.
    pub items: i64,
    sort_year: i32,
}

/// Groups stored reports by plan (in the order of the listing, which is by plan name), each
/// plan's editions newest first. Reports without a fiscal year are left out: they have no
/// address.
pub fn plan_groups(reports: &[StoredReport]) -> Vec<PlanGroup> {
    let mut groups: Vec<(i64, PlanGroup)> = Vec::new();
    for stored in reports {
        let Some(key) = EditionKey::of(stored) else {
            continue;
        };
        let link = EditionLink {
            href: key.href(),
            year_label: key.fiscal_year.label(),
            title: stored.title.clone(),
            items: stored.items,
            sort_year: key.fiscal_year.gregorian(),
        };
        match groups.iter_mut().find(|(id, _)| *id == stored.plan_id) {
            Some((_, group)) => group.editions.push(link),
            None => groups.push((
                stored.plan_id,
                PlanGroup {
                    plan_name: stored.plan_name.clone(),
                    dashboard_href: format!("/plans/{}/dashboard", stored.plan_id),
                    editions: vec![link],
                },
            )),
        }
    }
    groups
        .into_iter()
        .map(|(_, mut group)| {
            group
                .editions
                .sort_by_key(|edition| std::cmp::Reverse(edition.sort_year));
            group
        })
        .collect()
}

/// The heading part of an edition, shared by the edition and item pages.
#[derive(Clone, Debug)]
pub struct EditionHead {
    /// `/plans/1/2021`.
    pub href: String,
    /// The document title as written.
    pub title: String,
    /// The plan name.
    pub plan_name: String,
    /// The plan's municipality, when known.
    pub town: Option<TownLink>,
    /// `令和3年度（2021年度）`, or `（不明）`.
    pub year_label: String,
    /// `令和2年度（2020年度）～令和4年度（2022年度）`, empty when unknown.
    pub period_label: String,
}

impl EditionHead {
    /// The crumbs down to this edition: the top page, the municipality when known, then the
    /// plan and year (a link unless `here`, the edition page itself), then `tail`.
    pub fn crumbs(&self, here: bool, tail: impl IntoIterator<Item = Crumb>) -> Vec<Crumb> {
        let mut crumbs = vec![Crumb::home()];
        crumbs.extend(self.town.as_ref().map(TownLink::crumb));
        crumbs.push(Crumb {
            label: format!("{} {}", self.plan_name, self.year_label),
            href: (!here).then(|| self.href.clone()),
        });
        crumbs.extend(tail);
        crumbs
    }
}

/// A municipality with the address of its page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TownLink {
    /// `/municipalities/999997`.
    pub href: String,
    /// `楓町`.
    pub name: String,
    /// `999997`.
    pub code: String,
}

impl TownLink {
    /// The link to `municipality`'s page.
    pub fn new(municipality: &Municipality) -> TownLink {
        TownLink {
            href: municipality_href(municipality.code),
            name: municipality.name.clone(),
            code: municipality.code.to_string(),
        }
    }

    /// The crumb of the municipality's page.
    pub fn crumb(&self) -> Crumb {
        Crumb {
            label: self.name.clone(),
            href: Some(self.href.clone()),
        }
    }
}

impl EditionHead {
    /// The head of `report` published at `key`.
    pub fn new(key: EditionKey, report: &Report) -> EditionHead {
        let period_label = match (report.fiscal_years.first(), report.fiscal_years.last()) {
            (Some(first), Some(last)) => format!("{}～{}", first.label(), last.label()),
            _ => String::new(),
        };
        EditionHead {
            href: key.href(),
            title: report.title.clone(),
            plan_name: report.plan_name.clone(),
            town: report.municipality.as_ref().map(TownLink::new),
            year_label: report
                .report_fiscal_year
                .map_or_else(|| "（不明）".to_owned(), FiscalYear::label),
            period_label,
        }
    }
}

/// A row of the summary table (No / 項目 / 記入担当課).
#[derive(Clone, Debug)]
pub struct SummaryRowView {
    /// The item number.
    pub no: u32,
    /// The title as written in the summary.
    pub title: String,
    /// The reporting department as written.
    pub department: String,
    /// `#no-19` when the item's sheet is in the report, else `None`.
    pub anchor: Option<String>,
}

/// The summary table of `report`: its own rows, or rows made from the sheets when the
/// document has no summary table.
pub fn summary(report: &Report) -> Vec<SummaryRowView> {
    let anchor = |no: ItemNo| report.item(no.0).map(|_| format!("#no-{}", no.0));
    if report.summary.is_empty() {
        return report
            .items
            .iter()
            .map(|item| SummaryRowView {
                no: item.no.0,
                title: item.title.clone(),
                department: item.reporting_department.clone().unwrap_or_default(),
                anchor: anchor(item.no),
            })
            .collect();
    }
    report
        .summary
        .iter()
        .map(|row| SummaryRowView {
            no: row.no.0,
            title: row.title.clone(),
            department: row.reporting_department.clone(),
            anchor: anchor(row.no),
        })
        .collect()
}

/// One check finding, as shown in the 「数値の確認」 box.
#[derive(Clone, Debug)]
pub struct FindingView {
    /// The item number.
    pub item_no: u32,
    /// The link to the item: its anchor on the edition page or its own page.
    pub href: String,
    /// [`Finding::message`].
    pub message: String,
}

/// The findings of `report`, linked to the anchors of the edition page.
pub fn findings(findings: &[Finding]) -> Vec<FindingView> {
    findings
        .iter()
        .map(|finding| FindingView {
            item_no: finding.item_no.0,
            href: format!("#no-{}", finding.item_no.0),
            message: finding.message(),
        })
        .collect()
}

/// One item's sheet, laid out like the document.
#[derive(Clone, Debug)]
pub struct SheetView {
    /// The item number.
    pub no: u32,
    /// `no-19`, the id of the sheet on the edition page.
    pub anchor: String,
    /// `/plans/1/2021/items/19`.
    pub href: String,
    /// The title as written.
    pub title: String,
    /// The reporting department (記入担当課), empty when unknown.
    pub reporting_department: String,
    /// The departments in charge joined by `・`, empty when none.
    pub departments: String,
    /// The schedule's column headers in 和暦 (`令和2年度`), one per plan fiscal year.
    pub years: Vec<String>,
    /// The improvement contents with one schedule cell per column.
    pub contents: Vec<ContentView>,
    /// The improvement goal (改善・推進目標), empty when none.
    pub goal: String,
    /// The numbered main actions (主な取組内容).
    pub actions: Vec<ActionView>,
    /// `令和2年度～令和4年度の取組内容`, empty when the plan period is unknown.
    pub narratives_heading: String,
    /// The yearly narratives.
    pub narratives: Vec<TextSection>,
    /// The effects table (取組による効果).
    pub effects: Vec<EffectView>,
    /// The overall evaluation (総評).
    pub evaluation: Option<TextSection>,
}

/// A content row of the schedule table.
#[derive(Clone, Debug)]
pub struct ContentView {
    /// The content as written.
    pub text: String,
    /// One cell per column, as written (`①～⑤`, `② (試行)`), empty when empty.
    pub cells: Vec<String>,
}

/// A numbered main action.
#[derive(Clone, Debug)]
pub struct ActionView {
    /// `①`, or `(21)` beyond the circled numbers.
    pub mark: String,
    /// The text after the number.
    pub text: String,
}

/// A section with a heading and paragraphs: a narrative or the 総評.
#[derive(Clone, Debug)]
pub struct TextSection {
    /// `【令和3年度（実績）】`, `【令和3年度総評】`.
    pub heading: String,
    /// The paragraphs and list items, one per line of the text, as written.
    pub lines: Vec<String>,
}

/// A row of the effects table.
#[derive(Clone, Debug)]
pub struct EffectView {
    /// `令和2年度` or `総計`.
    pub year: String,
    /// True on the 総計 row.
    pub is_total: bool,
    /// The row as written.
    pub text: String,
    /// The quantities read from the row (`寄附受入 27,075件（見込み）`).
    pub quantities: Vec<String>,
}

impl SheetView {
    /// The sheet of `item` in a report whose plan period is `years`, published at `key`.
    pub fn new(key: EditionKey, years: &[FiscalYear], item: &Item) -> SheetView {
        let columns = schedule_columns(years, &item.contents);
        let narratives_heading = match (years.first(), years.last()) {
            (Some(first), Some(last)) => format!(
                "{}～{}の取組内容",
                first.wareki_label(),
                last.wareki_label()
            ),
            _ => String::new(),
        };
        SheetView {
            no: item.no.0,
            anchor: format!("no-{}", item.no.0),
            href: key.item_href(item.no),
            title: item.title.clone(),
            reporting_department: item.reporting_department.clone().unwrap_or_default(),
            departments: item.departments.join("・"),
            years: columns.iter().map(|y| y.wareki_label()).collect(),
            contents: item
                .contents
                .iter()
                .map(|row| content(&columns, row))
                .collect(),
            goal: item.goal.clone().unwrap_or_default(),
            actions: item
                .actions
                .iter()
                .map(|action| ActionView {
                    mark: action_mark(action.no),
                    text: action.text.clone(),
                })
                .collect(),
            narratives_heading,
            narratives: item.narratives.iter().map(narrative).collect(),
            effects: item.effects.iter().map(effect).collect(),
            evaluation: item.evaluation.as_ref().map(|evaluation| TextSection {
                heading: format!("【{}総評】", evaluation.fiscal_year.wareki_label()),
                lines: lines(&evaluation.text),
            }),
        }
    }
}

/// The schedule's columns: the plan period, else the years the cells name, in order.
fn schedule_columns(years: &[FiscalYear], contents: &[ContentRow]) -> Vec<FiscalYear> {
    if !years.is_empty() {
        return years.to_vec();
    }
    let mut columns: Vec<FiscalYear> = contents
        .iter()
        .flat_map(|row| row.schedule.iter().map(|cell| cell.fiscal_year))
        .collect();
    columns.sort();
    columns.dedup();
    columns
}

fn content(columns: &[FiscalYear], row: &ContentRow) -> ContentView {
    ContentView {
        text: row.text.clone(),
        cells: columns
            .iter()
            .map(|year| {
                row.schedule
                    .iter()
                    .find(|cell| cell.fiscal_year == *year)
                    .map(ScheduleCell::written)
                    .unwrap_or_default()
            })
            .collect(),
    }
}

fn narrative(narrative: &Narrative) -> TextSection {
    TextSection {
        heading: format!(
            "【{}（{}）】",
            narrative.fiscal_year.wareki_label(),
            narrative.kind.label()
        ),
        lines: lines(&narrative.text),
    }
}

fn effect(row: &EffectRow) -> EffectView {
    let year = match row.fiscal_year {
        Some(year) if !row.is_total => year.wareki_label(),
        _ => "総計".to_owned(),
    };
    EffectView {
        year,
        is_total: row.is_total,
        text: row.text.clone(),
        quantities: row.quantities.iter().map(ToString::to_string).collect(),
    }
}

/// The non-empty lines of a text, trimmed, as written.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The neighbours of item `no` in document order, for the item page's links.
pub fn neighbours(report: &Report, no: u32) -> (Option<&Item>, Option<&Item>) {
    let Some(index) = report.items.iter().position(|item| item.no.0 == no) else {
        return (None, None);
    };
    let previous = index.checked_sub(1).and_then(|i| report.items.get(i));
    (previous, report.items.get(index + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(y: i32) -> FiscalYear {
        FiscalYear::new(y).unwrap_or_else(|| panic!("{y} is a fiscal year"))
    }

    #[test]
    fn schedule_cells_follow_the_plan_columns() {
        let cell = |y: i32, text: &str, actions: Vec<u8>| ScheduleCell {
            fiscal_year: year(y),
            text: text.to_owned(),
            actions,
            phase: None,
        };
        let row = ContentRow {
            text: "内容".to_owned(),
            // A missing 2021 cell and a cell rebuilt from its actions.
            schedule: vec![cell(2020, "① (検討)", vec![1]), cell(2022, "", vec![1, 2])],
            line: 1,
        };
        let view = content(&[year(2020), year(2021), year(2022)], &row);
        assert_eq!(view.cells, vec!["① (検討)", "", "①②"]);
    }

    #[test]
    fn lines_keep_text_as_written() {
        assert_eq!(
            lines("・一つ目 <b>\n\n  ・二つ目\n"),
            vec!["・一つ目 <b>", "・二つ目"]
        );
    }
}
