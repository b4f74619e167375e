//! Reading reports back: one query per table for any number of reports, grouped by parent id
//! and assembled in memory, all inside one read transaction so that a concurrent save is
//! either wholly visible or not at all.

use std::collections::HashMap;

use kaikaku_model::{
    Action, ContentRow, EffectRow, Evaluation, Item, ItemNo, Narrative, Quantity, Report, Repost,
    ScheduleCell, SummaryRow, Warning,
};
use sqlx::SqliteConnection;

use crate::codec::{
    decode_actions, decode_decimal, decode_narrative_kind, decode_phase, decode_status,
    fiscal_year_from_i32, item_no_from_i64, line_from_i64, unit_from_symbol,
};
use crate::{StoreError, StoredReport, sql};

/// Turns a decoding failure into [`StoreError::Corrupt`] for a row.
fn corrupt(table: &'static str, id: i64) -> impl Fn(String) -> StoreError {
    move |detail| StoreError::Corrupt { table, id, detail }
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

/// The listing, ordered by plan name and report fiscal year.
pub(crate) async fn list(conn: &mut SqliteConnection) -> Result<Vec<StoredReport>, StoreError> {
    type Row = (i64, i64, String, i32, String, i64, i64, String, String);
    let rows: Vec<Row> = sqlx::query_as(sql::LIST_REPORTS)
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(
            |(id, plan_id, plan_name, year, title, items, warnings, source, imported_at)| {
                Ok(StoredReport {
                    id,
                    plan_id,
                    plan_name,
                    report_fiscal_year: Some(
                        fiscal_year_from_i32(year).map_err(corrupt("reports", id))?,
                    ),
                    title,
                    items,
                    warnings,
                    source,
                    imported_at,
                })
            },
        )
        .collect()
}

/// Every report whose id lies in `first ..= last`, with its id, ordered by plan name and report
/// fiscal year. Runs a fixed number of queries whatever the number of reports.
pub(crate) async fn load_range(
    conn: &mut SqliteConnection,
    first: i64,
    last: i64,
) -> Result<Vec<(i64, Report)>, StoreError> {
    // Reports.
    let reports: Vec<(i64, String, i32, String)> = sqlx::query_as(sql::SELECT_REPORTS)
        .bind(first)
        .bind(last)
        .fetch_all(&mut *conn)
        .await?;
    if reports.is_empty() {
        return Ok(Vec::new());
    }

    // Report children.
    let rows: Vec<(i64, i64, i32)> =
        fetch(conn, sql::SELECT_REPORT_FISCAL_YEARS, first, last).await?;
    let mut fiscal_years = Children::new(decode(rows, |(id, report_id, year)| {
        let year = fiscal_year_from_i32(year).map_err(corrupt("report_fiscal_years", id))?;
        Ok((report_id, year))
    })?);

    let rows: Vec<(i64, i64, i64, String, String, i64)> =
        fetch(conn, sql::SELECT_SUMMARY_ROWS, first, last).await?;
    let mut summary = Children::new(decode(
        rows,
        |(id, report_id, no, title, reporting_department, line)| {
            let bad = corrupt("summary_rows", id);
            Ok((
                report_id,
                SummaryRow {
                    no: ItemNo(item_no_from_i64(no).map_err(&bad)?),
                    title,
                    reporting_department,
                    line: line_from_i64(line).map_err(&bad)?,
                },
            ))
        },
    )?);

    let rows: Vec<(i64, i64, i64, String)> = fetch(conn, sql::SELECT_WARNINGS, first, last).await?;
    let mut warnings = Children::new(decode(rows, |(id, report_id, line, message)| {
        let line = line_from_i64(line).map_err(corrupt("warnings", id))?;
        Ok((report_id, Warning { line, message }))
    })?);

    // Items.
    type ItemRow = (i64, i64, i64, String, Option<String>, Option<String>, i64);
    let rows: Vec<ItemRow> = fetch(conn, sql::SELECT_ITEMS, first, last).await?;
    let mut items = Children::new(decode(
        rows,
        |(id, report_id, no, title, reporting_department, goal, line)| {
            let bad = corrupt("items", id);
            let item = Item {
                no: ItemNo(item_no_from_i64(no).map_err(&bad)?),
                title,
                reporting_department,
                goal,
                line: line_from_i64(line).map_err(&bad)?,
                ..Item::default()
            };
            Ok((report_id, (id, item)))
        },
    )?);

    // Item children.
    let rows: Vec<(i64, String)> = fetch(conn, sql::SELECT_DEPARTMENTS, first, last).await?;
    let mut departments = Children::new(rows);

    type CellRow = (
        i64,
        i64,
        i32,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<CellRow> = fetch(conn, sql::SELECT_SCHEDULE_CELLS, first, last).await?;
    let mut cells = Children::new(decode(
        rows,
        |(id, row_id, year, text, actions, phase_code, phase)| {
            let bad = corrupt("schedule_cells", id);
            let cell = ScheduleCell {
                fiscal_year: fiscal_year_from_i32(year).map_err(&bad)?,
                text,
                actions: decode_actions(&actions).map_err(&bad)?,
                phase: decode_phase(phase_code.as_deref(), phase).map_err(&bad)?,
            };
            Ok((row_id, cell))
        },
    )?);

    let rows: Vec<(i64, i64, String, i64)> =
        fetch(conn, sql::SELECT_CONTENT_ROWS, first, last).await?;
    let mut contents = Children::new(decode(rows, |(id, item_id, text, line)| {
        let row = ContentRow {
            text,
            schedule: cells.take(id),
            line: line_from_i64(line).map_err(corrupt("content_rows", id))?,
        };
        Ok((item_id, row))
    })?);

    let rows: Vec<(i64, i64, i32, String)> = fetch(conn, sql::SELECT_ACTIONS, first, last).await?;
    let mut actions = Children::new(decode(rows, |(id, item_id, no, text)| {
        let no = u8::try_from(no)
            .map_err(|_| format!("action number {no} is out of range"))
            .map_err(corrupt("actions", id))?;
        Ok((item_id, Action { no, text }))
    })?);

    let rows: Vec<(i64, i64, i32, String, String, i64)> =
        fetch(conn, sql::SELECT_NARRATIVES, first, last).await?;
    let mut narratives = Children::new(decode(rows, |(id, item_id, year, kind, text, line)| {
        let bad = corrupt("narratives", id);
        let narrative = Narrative {
            fiscal_year: fiscal_year_from_i32(year).map_err(&bad)?,
            kind: decode_narrative_kind(&kind).map_err(&bad)?,
            text,
            line: line_from_i64(line).map_err(&bad)?,
        };
        Ok((item_id, narrative))
    })?);

    let rows: Vec<(i64, i64, String, String, String, Option<String>)> =
        fetch(conn, sql::SELECT_QUANTITIES, first, last).await?;
    let mut quantities =
        Children::new(decode(rows, |(id, row_id, label, value, unit, status)| {
            let bad = corrupt("quantities", id);
            let quantity = Quantity {
                label,
                value: decode_decimal(&value).map_err(&bad)?,
                unit: unit_from_symbol(&unit)
                    .ok_or_else(|| format!("unit 「{unit}」 is unknown"))
                    .map_err(&bad)?,
                status: decode_status(status.as_deref()).map_err(&bad)?,
            };
            Ok((row_id, quantity))
        })?);

    let rows: Vec<(i64, i64, Option<i32>, bool, String, i64)> =
        fetch(conn, sql::SELECT_EFFECT_ROWS, first, last).await?;
    let mut effects = Children::new(decode(
        rows,
        |(id, item_id, year, is_total, text, line)| {
            let bad = corrupt("effect_rows", id);
            let row = EffectRow {
                fiscal_year: year.map(fiscal_year_from_i32).transpose().map_err(&bad)?,
                is_total,
                text,
                quantities: quantities.take(id),
                line: line_from_i64(line).map_err(&bad)?,
            };
            Ok((item_id, row))
        },
    )?);

    let rows: Vec<(i64, i64, i32, String, i64)> =
        fetch(conn, sql::SELECT_EVALUATIONS, first, last).await?;
    let mut evaluations = Children::new(decode(rows, |(id, item_id, year, text, line)| {
        let bad = corrupt("evaluations", id);
        let evaluation = Evaluation {
            fiscal_year: fiscal_year_from_i32(year).map_err(&bad)?,
            text,
            line: line_from_i64(line).map_err(&bad)?,
        };
        Ok((item_id, evaluation))
    })?);

    let rows: Vec<(i64, i64, i64)> = fetch(conn, sql::SELECT_REPOSTS, first, last).await?;
    let mut reposts = Children::new(decode(rows, |(id, item_id, no)| {
        let no = item_no_from_i64(no).map_err(corrupt("reposts", id))?;
        Ok((
            item_id,
            Repost {
                item_no: ItemNo(no),
            },
        ))
    })?);

    // Assembly.
    reports
        .into_iter()
        .map(|(id, plan_name, year, title)| {
            let items = items
                .take(id)
                .into_iter()
                .map(|(item_id, item)| Item {
                    departments: departments.take(item_id),
                    contents: contents.take(item_id),
                    actions: actions.take(item_id),
                    narratives: narratives.take(item_id),
                    effects: effects.take(item_id),
                    evaluation: evaluations.take(item_id).pop(),
                    reposts: reposts.take(item_id),
                    ..item
                })
                .collect();
            let report = Report {
                title,
                plan_name,
                report_fiscal_year: Some(
                    fiscal_year_from_i32(year).map_err(corrupt("reports", id))?,
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

/// Runs a child query over the report id range.
async fn fetch<T>(
    conn: &mut SqliteConnection,
    query: &'static str,
    first: i64,
    last: i64,
) -> Result<Vec<T>, StoreError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    Ok(sqlx::query_as(query)
        .bind(first)
        .bind(last)
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
