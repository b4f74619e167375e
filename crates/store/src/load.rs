//! Reading reports back: one query per table for any number of reports (or for one sheet),
//! grouped by parent id and assembled in memory, inside one read transaction opened by the
//! caller so that a concurrent save is either wholly visible or not at all.

use std::collections::HashMap;

use super::Conn;
use kaikaku_model::{
    Action, ContentRow, EffectRow, Evaluation, Item, ItemNo, LocalGovernmentCode, Municipality,
    Narrative, Quantity, Report, Repost, ScheduleCell, SummaryRow, Warning,
};

use crate::codec::{
    corrupt, decode_actions, decode_date, decode_decimal, decode_narrative_kind,
    decode_optional_timestamp, decode_origin, decode_phase, decode_status, decode_timestamp,
    fiscal_year_from_i32, item_no_from_i64, line_from_i64, unit_from_symbol,
};
use crate::rows::{
    ActionRow, ContentLineRow, DepartmentRow, EffectLineRow, EvaluationRow, FiscalYearRow, ItemRow,
    ListingRow, MunicipalityRow, NarrativeRow, QuantityRow, ReportRow, RepostRow, ScheduleCellRow,
    SummaryLineRow, WarningRow,
};
use crate::{Listing, MunicipalitySummary, StoreError, StoredReport, sql};

/// Which items to load: those of the reports whose id lies in `first_report ..= last_report`
/// and whose number lies in `first_no ..= last_no`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scope {
    first_report: i64,
    last_report: i64,
    first_no: i64,
    last_no: i64,
}

impl Scope {
    /// Every item of the reports in `first ..= last`.
    pub(crate) fn reports(first: i64, last: i64) -> Scope {
        Scope {
            first_report: first,
            last_report: last,
            first_no: i64::MIN,
            last_no: i64::MAX,
        }
    }

    /// One item of one report.
    pub(crate) fn item(report_id: i64, no: ItemNo) -> Scope {
        Scope {
            first_report: report_id,
            last_report: report_id,
            first_no: i64::from(no.0),
            last_no: i64::from(no.0),
        }
    }
}

/// Children grouped by parent id, each group in document order.
struct Children<T>(HashMap<i64, Vec<T>>);

impl<T> Children<T> {
    fn new(rows: impl IntoIterator<Item = (i64, T)>) -> Self {
        let mut groups: HashMap<i64, Vec<T>> = HashMap::new();
        for (parent, child) in rows {
            groups.entry(parent).or_default().push(child);
        }
        Children(groups)
    }

    /// The children of `parent`, empty when it has none.
    fn take(&mut self, parent: i64) -> Vec<T> {
        self.0.remove(&parent).unwrap_or_default()
    }
}

/// The public listing (the latest published revision of each plan and year) of `which`,
/// ordered by municipality code, plan name and report fiscal year.
pub(crate) async fn list(
    conn: &mut Conn,
    which: Listing<'_>,
) -> Result<Vec<StoredReport>, StoreError> {
    let rows: Vec<ListingRow> = match which {
        Listing::All => {
            sqlx::query_as(sql::LIST_REPORTS)
                .fetch_all(&mut *conn)
                .await?
        }
        Listing::Municipality(code) => {
            sqlx::query_as(sql::LIST_REPORTS_OF)
                .bind(code.to_string())
                .fetch_all(&mut *conn)
                .await?
        }
        Listing::Plan(plan_id) => {
            sqlx::query_as(sql::LIST_REPORTS_OF_PLAN)
                .bind(plan_id)
                .fetch_all(&mut *conn)
                .await?
        }
        Listing::WithoutMunicipality => {
            sqlx::query_as(sql::LIST_REPORTS_OF)
                .bind("")
                .fetch_all(&mut *conn)
                .await?
        }
        Listing::Edition {
            plan_id,
            fiscal_year,
        } => {
            sqlx::query_as(sql::SELECT_PUBLISHED)
                .bind(plan_id)
                .bind(fiscal_year.gregorian())
                .fetch_all(&mut *conn)
                .await?
        }
    };
    rows.into_iter()
        .map(|row| {
            let bad = corrupt("reports", row.id);
            Ok(StoredReport {
                id: row.id,
                plan_id: row.plan_id,
                plan_name: row.plan_name,
                municipality: municipality(&row.municipality_code, row.municipality_name)
                    .map_err(&bad)?,
                report_fiscal_year: Some(
                    fiscal_year_from_i32(row.report_fiscal_year).map_err(&bad)?,
                ),
                title: row.title,
                items: row.items,
                warnings: row.warnings,
                source: row.source_name.unwrap_or_default(),
                imported_at: decode_timestamp(&row.imported_at).map_err(&bad)?,
                revision: row.revision,
                origin: decode_origin(&row.origin).map_err(&bad)?,
                published_at: decode_optional_timestamp(row.published_at.as_deref())
                    .map_err(&bad)?,
                base_date: row
                    .base_date
                    .as_deref()
                    .map(decode_date)
                    .transpose()
                    .map_err(&bad)?,
                correction_note: row.correction_note,
            })
        })
        .collect()
}

/// The municipalities with published editions, ordered by code (plans of no known
/// municipality first).
pub(crate) async fn municipalities(
    conn: &mut Conn,
) -> Result<Vec<MunicipalitySummary>, StoreError> {
    let rows: Vec<MunicipalityRow> = sqlx::query_as(sql::LIST_MUNICIPALITIES)
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(|row| {
            let code = row.municipality_code;
            let bad = |detail: String| StoreError::Corrupt {
                table: "plans",
                id: 0,
                detail: format!("municipality {code}: {detail}"),
            };
            Ok(MunicipalitySummary {
                municipality: municipality(&code, row.municipality_name).map_err(bad)?,
                plans: row.plans,
                editions: row.editions,
                latest_fiscal_year: fiscal_year_from_i32(row.latest_fiscal_year).map_err(bad)?,
            })
        })
        .collect()
}

/// A plan's municipality from its stored columns ('' for "not known").
fn municipality(code: &str, name: String) -> Result<Option<Municipality>, String> {
    if code.is_empty() {
        return Ok(None);
    }
    let code = LocalGovernmentCode::parse(code).map_err(|e| format!("its plan: {e}"))?;
    Ok(Some(Municipality { code, name }))
}

/// Every report whose id lies in `first ..= last`, with its id, ordered by plan name and report
/// fiscal year. Runs a fixed number of queries whatever the number of reports.
/// How much of a report to load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Parts {
    /// Everything.
    Whole,
    /// The report without its item sheets (title, plan, years, summary, warnings).
    Frame,
}

/// How many ids not asked for a run of [`id_runs`] may span before it is split: loading a few
/// editions too many (drafts, superseded revisions, other towns' editions imported between)
/// costs less than the ~14 queries of another run.
const RUN_GAP: i64 = 16;

/// The ids as ranges `(first, last)` to load with [`load_range`], in ascending order: ids
/// closer than [`RUN_GAP`] share a range.
pub(crate) fn id_runs(ids: impl IntoIterator<Item = i64>) -> Vec<(i64, i64)> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for id in ids {
        match runs.last_mut() {
            Some((_, last)) if id.saturating_sub(*last) <= RUN_GAP => *last = id,
            _ => runs.push((id, id)),
        }
    }
    runs
}

pub(crate) async fn load_range(
    conn: &mut Conn,
    first: i64,
    last: i64,
) -> Result<Vec<(i64, Report)>, StoreError> {
    load_parts(conn, first, last, Parts::Whole).await
}

pub(crate) async fn load_parts(
    conn: &mut Conn,
    first: i64,
    last: i64,
    parts: Parts,
) -> Result<Vec<(i64, Report)>, StoreError> {
    // Reports.
    let reports: Vec<ReportRow> = sqlx::query_as(sql::SELECT_REPORTS)
        .bind(first)
        .bind(last)
        .fetch_all(&mut *conn)
        .await?;
    if reports.is_empty() {
        return Ok(Vec::new());
    }

    // Report children.
    let rows: Vec<FiscalYearRow> =
        fetch(conn, sql::SELECT_REPORT_FISCAL_YEARS, first, last).await?;
    let mut fiscal_years = Children::new(decode(rows, |row| {
        let year = fiscal_year_from_i32(row.fiscal_year)
            .map_err(corrupt("report_fiscal_years", row.id))?;
        Ok((row.report_id, year))
    })?);

    let rows: Vec<SummaryLineRow> = fetch(conn, sql::SELECT_SUMMARY_ROWS, first, last).await?;
    let mut summary = Children::new(decode(rows, |row| {
        let bad = corrupt("summary_rows", row.id);
        Ok((
            row.report_id,
            SummaryRow {
                no: ItemNo(item_no_from_i64(row.item_no).map_err(&bad)?),
                title: row.title,
                reporting_department: row.reporting_department,
                line: line_from_i64(row.line).map_err(&bad)?,
            },
        ))
    })?);

    let rows: Vec<WarningRow> = fetch(conn, sql::SELECT_WARNINGS, first, last).await?;
    let mut warnings = Children::new(decode(rows, |row| {
        let line = line_from_i64(row.line).map_err(corrupt("warnings", row.id))?;
        Ok((
            row.report_id,
            Warning {
                line,
                message: row.message,
            },
        ))
    })?);

    // Items.
    let loaded = match parts {
        Parts::Whole => load_items(conn, Scope::reports(first, last)).await?,
        Parts::Frame => Vec::new(),
    };
    let mut items = Children::new(
        loaded
            .into_iter()
            .map(|(report_id, _, item)| (report_id, item)),
    );

    // Assembly.
    reports
        .into_iter()
        .map(|row| {
            let id = row.id;
            let items = items.take(id);
            let municipality = municipality(&row.municipality_code, row.municipality_name)
                .map_err(corrupt("reports", id))?;
            let report = Report {
                title: row.title,
                plan_name: row.plan_name,
                municipality,
                report_fiscal_year: Some(
                    fiscal_year_from_i32(row.report_fiscal_year).map_err(corrupt("reports", id))?,
                ),
                fiscal_years: fiscal_years.take(id),
                summary: summary.take(id),
                items,
                warnings: warnings.take(id),
            };
            Ok((id, report))
        })
        .collect()
}

/// The items in `scope` as `(report id, item id, item)`, in report id and document order.
/// Runs one query per table whatever the number of items.
pub(crate) async fn load_items(
    conn: &mut Conn,
    scope: Scope,
) -> Result<Vec<(i64, i64, Item)>, StoreError> {
    // Items, in report id and document order.
    let rows: Vec<ItemRow> = fetch_items(conn, sql::SELECT_ITEMS, scope).await?;
    let items = decode(rows, |row| {
        let bad = corrupt("items", row.id);
        let item = Item {
            no: ItemNo(item_no_from_i64(row.item_no).map_err(&bad)?),
            title: row.title,
            reporting_department: row.reporting_department,
            goal: row.goal,
            line: line_from_i64(row.line).map_err(&bad)?,
            ..Item::default()
        };
        Ok((row.report_id, (row.id, item)))
    })?;

    // Item children.
    let rows: Vec<DepartmentRow> = fetch_items(conn, sql::SELECT_DEPARTMENTS, scope).await?;
    let mut departments = Children::new(rows.into_iter().map(|row| (row.item_id, row.name)));

    let rows: Vec<ScheduleCellRow> = fetch_items(conn, sql::SELECT_SCHEDULE_CELLS, scope).await?;
    let mut cells = Children::new(decode(rows, |row| {
        let bad = corrupt("schedule_cells", row.id);
        let cell = ScheduleCell {
            fiscal_year: fiscal_year_from_i32(row.fiscal_year).map_err(&bad)?,
            text: row.text,
            actions: decode_actions(&row.actions).map_err(&bad)?,
            phase: decode_phase(row.phase_code.as_deref(), row.phase).map_err(&bad)?,
        };
        Ok((row.content_row_id, cell))
    })?);

    let rows: Vec<ContentLineRow> = fetch_items(conn, sql::SELECT_CONTENT_ROWS, scope).await?;
    let mut contents = Children::new(decode(rows, |row| {
        let content = ContentRow {
            text: row.text,
            schedule: cells.take(row.id),
            line: line_from_i64(row.line).map_err(corrupt("content_rows", row.id))?,
        };
        Ok((row.item_id, content))
    })?);

    let rows: Vec<ActionRow> = fetch_items(conn, sql::SELECT_ACTIONS, scope).await?;
    let mut actions = Children::new(decode(rows, |row| {
        let no = row.action_no;
        let no = u8::try_from(no)
            .map_err(|_| format!("action number {no} is out of range"))
            .map_err(corrupt("actions", row.id))?;
        Ok((row.item_id, Action { no, text: row.text }))
    })?);

    let rows: Vec<NarrativeRow> = fetch_items(conn, sql::SELECT_NARRATIVES, scope).await?;
    let mut narratives = Children::new(decode(rows, |row| {
        let bad = corrupt("narratives", row.id);
        let narrative = Narrative {
            fiscal_year: fiscal_year_from_i32(row.fiscal_year).map_err(&bad)?,
            kind: decode_narrative_kind(&row.kind).map_err(&bad)?,
            text: row.text,
            line: line_from_i64(row.line).map_err(&bad)?,
        };
        Ok((row.item_id, narrative))
    })?);

    let rows: Vec<QuantityRow> = fetch_items(conn, sql::SELECT_QUANTITIES, scope).await?;
    let mut quantities = Children::new(decode(rows, |row| {
        let bad = corrupt("quantities", row.id);
        let unit = &row.unit;
        let quantity = Quantity {
            label: row.label,
            value: decode_decimal(&row.value).map_err(&bad)?,
            unit: unit_from_symbol(unit)
                .ok_or_else(|| format!("unit 「{unit}」 is unknown"))
                .map_err(&bad)?,
            status: decode_status(row.status.as_deref()).map_err(&bad)?,
        };
        Ok((row.effect_row_id, quantity))
    })?);

    let rows: Vec<EffectLineRow> = fetch_items(conn, sql::SELECT_EFFECT_ROWS, scope).await?;
    let mut effects = Children::new(decode(rows, |row| {
        let bad = corrupt("effect_rows", row.id);
        let effect = EffectRow {
            fiscal_year: row
                .fiscal_year
                .map(fiscal_year_from_i32)
                .transpose()
                .map_err(&bad)?,
            is_total: row.is_total,
            text: row.text,
            quantities: quantities.take(row.id),
            line: line_from_i64(row.line).map_err(&bad)?,
        };
        Ok((row.item_id, effect))
    })?);

    let rows: Vec<EvaluationRow> = fetch_items(conn, sql::SELECT_EVALUATIONS, scope).await?;
    let mut evaluations = Children::new(decode(rows, |row| {
        let bad = corrupt("evaluations", row.id);
        let evaluation = Evaluation {
            fiscal_year: fiscal_year_from_i32(row.fiscal_year).map_err(&bad)?,
            text: row.text,
            line: line_from_i64(row.line).map_err(&bad)?,
        };
        Ok((row.item_id, evaluation))
    })?);

    let rows: Vec<RepostRow> = fetch_items(conn, sql::SELECT_REPOSTS, scope).await?;
    let mut reposts = Children::new(decode(rows, |row| {
        let no = item_no_from_i64(row.item_no).map_err(corrupt("reposts", row.id))?;
        Ok((
            row.item_id,
            Repost {
                item_no: ItemNo(no),
            },
        ))
    })?);

    Ok(items
        .into_iter()
        .map(|(report_id, (item_id, item))| {
            let item = Item {
                departments: departments.take(item_id),
                contents: contents.take(item_id),
                actions: actions.take(item_id),
                narratives: narratives.take(item_id),
                effects: effects.take(item_id),
                evaluation: evaluations.take(item_id).pop(),
                reposts: reposts.take(item_id),
                ..item
            };
            (report_id, item_id, item)
        })
        .collect())
}

/// One item of one report, with its id.
pub(crate) async fn load_item(
    conn: &mut Conn,
    report_id: i64,
    no: ItemNo,
) -> Result<Option<(i64, Item)>, StoreError> {
    Ok(load_items(conn, Scope::item(report_id, no))
        .await?
        .pop()
        .map(|(_, item_id, item)| (item_id, item)))
}

/// Runs a child query over the report id range.
async fn fetch<T>(
    conn: &mut Conn,
    query: &'static str,
    first: i64,
    last: i64,
) -> Result<Vec<T>, StoreError>
where
    T: for<'r> sqlx::FromRow<'r, super::Row> + Send + Unpin,
{
    Ok(sqlx::query_as(query)
        .bind(first)
        .bind(last)
        .fetch_all(&mut *conn)
        .await?)
}

/// Runs an item query over the scope's report id and item number ranges.
async fn fetch_items<T>(
    conn: &mut Conn,
    query: &'static str,
    scope: Scope,
) -> Result<Vec<T>, StoreError>
where
    T: for<'r> sqlx::FromRow<'r, super::Row> + Send + Unpin,
{
    Ok(sqlx::query_as(query)
        .bind(scope.first_report)
        .bind(scope.last_report)
        .bind(scope.first_no)
        .bind(scope.last_no)
        .fetch_all(&mut *conn)
        .await?)
}

/// Decodes every row, stopping at the first that does not decode.
fn decode<R, T>(
    rows: Vec<R>,
    f: impl FnMut(R) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    rows.into_iter().map(f).collect()
}
