//! The rows of an edition: its `reports` row ([`insert_edition`]) and everything below it
//! ([`write_body`]: plan period, summary, warnings, and every item as a sheet with its
//! children, indexed for search), parents first, each child with its position. Imports, new
//! years and corrections write their editions here, sheet saves their items' children. Each
//! table gets one multi-row INSERT per call ([`insert_rows`]); children find their parents'
//! ids through the (parent, position) pairs the parents' INSERT returns.

use std::collections::{HashMap, HashSet};

use kaikaku_model::workflow::{EditionState, SheetState};
use kaikaku_model::{FiscalYear, Item, Report};
use sqlx::FromRow as _;

use super::insert::insert_rows;
use super::{Conn, Row, index};
use crate::codec::{
    encode_actions, encode_decimal, line_to_i64, phase_code, to_i32, unit_is_storable,
};
use crate::rows::InsertedRow;
use crate::{Origin, Source, StoreError, sql};

/// Checks that every unit of the item's quantities reads back from its symbol.
pub(crate) fn check_units(item: &Item) -> Result<(), StoreError> {
    let mut quantities = item.effects.iter().flat_map(|row| &row.quantities);
    match quantities.find(|q| !unit_is_storable(q.unit)) {
        Some(q) => Err(StoreError::UnstorableUnit {
            item: item.no,
            symbol: q.unit.symbol().to_owned(),
        }),
        None => Ok(()),
    }
}

/// The `reports` row of a new edition.
#[derive(Debug)]
pub(crate) struct EditionRow<'a> {
    pub(crate) plan_id: i64,
    pub(crate) fiscal_year: FiscalYear,
    pub(crate) revision: i32,
    pub(crate) status: EditionState,
    pub(crate) origin: Origin,
    pub(crate) title: &'a str,
    pub(crate) source: Option<&'a Source>,
    /// When the row is written.
    pub(crate) created_at: &'a str,
    pub(crate) due_date: Option<String>,
    pub(crate) opened_at: Option<&'a str>,
    pub(crate) published_at: Option<&'a str>,
    pub(crate) correction_note: Option<&'a str>,
}

/// Inserts an edition's `reports` row and returns its id. The driver's error is returned as
/// is, so that callers can tell a taken (plan, year, revision) from other failures.
pub(crate) async fn insert_edition(
    conn: &mut Conn,
    row: &EditionRow<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(sql::INSERT_REPORT)
        .bind(row.plan_id)
        .bind(row.fiscal_year.gregorian())
        .bind(row.revision)
        .bind(row.status.code())
        .bind(row.origin.code())
        .bind(row.title)
        .bind(row.source.map(|s| s.name.as_str()))
        .bind(row.source.map(|s| s.encoding.as_str()))
        .bind(row.created_at)
        .bind(row.due_date.as_deref())
        .bind(row.opened_at)
        .bind(row.published_at)
        .bind(row.correction_note)
        .fetch_one(&mut *conn)
        .await
}

/// The rows of `list(item)` of every item, each with its item id and position.
fn children<'a, T>(
    items: &[(i64, &'a Item)],
    list: impl Fn(&'a Item) -> &'a [T],
) -> Vec<(i64, usize, &'a T)> {
    items
        .iter()
        .flat_map(|&(item_id, item)| {
            list(item)
                .iter()
                .enumerate()
                .map(move |(position, row)| (item_id, position, row))
        })
        .collect()
}

/// Maps the rows returned by an insert of children ([`InsertedRow`]) to the new ids.
fn ids_by_parent_position(rows: &[Row]) -> Result<HashMap<(i64, i32), i64>, StoreError> {
    rows.iter()
        .map(|row| {
            let row = InsertedRow::from_row(row)?;
            Ok(((row.parent_id, row.position), row.id))
        })
        .collect()
}

/// The id the insert returned for (`parent`, `position`).
fn returned_id(
    ids: &HashMap<(i64, i32), i64>,
    parent: i64,
    position: usize,
) -> Result<i64, StoreError> {
    ids.get(&(parent, to_i32(position, "position")?))
        .copied()
        .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
}

/// Writes everything of `report` below its `reports` row: the plan period, the summary, the
/// warnings and every item as a sheet in `state`, indexed for search. Returns the item ids in
/// document order. One multi-row INSERT per table (see [`insert_rows`]).
pub(crate) async fn write_body(
    conn: &mut Conn,
    report_id: i64,
    report: &Report,
    state: SheetState,
) -> Result<Vec<i64>, StoreError> {
    let mut item_ids = write_bodies(conn, &[(report_id, report)], state).await?;
    Ok(item_ids.pop().unwrap_or_default())
}

/// [`write_body`] for several reports (report id, report) at once: still one multi-row INSERT
/// per table, for all of them. Returns each report's item ids in document order.
pub(crate) async fn write_bodies(
    conn: &mut Conn,
    reports: &[(i64, &Report)],
    state: SheetState,
) -> Result<Vec<Vec<i64>>, StoreError> {
    let years: Vec<_> = reports
        .iter()
        .flat_map(|&(id, report)| report.fiscal_years.iter().enumerate().map(move |y| (id, y)))
        .collect();
    insert_rows(
        conn,
        &sql::INSERT_REPORT_FISCAL_YEARS,
        &years,
        |q, &(report_id, (position, year))| {
            Ok(q.bind(report_id)
                .bind(to_i32(position, "position")?)
                .bind(year.gregorian()))
        },
    )
    .await?;
    let summary: Vec<_> = reports
        .iter()
        .flat_map(|&(id, report)| report.summary.iter().enumerate().map(move |r| (id, r)))
        .collect();
    insert_rows(
        conn,
        &sql::INSERT_SUMMARY_ROWS,
        &summary,
        |q, &(report_id, (position, row))| {
            Ok(q.bind(report_id)
                .bind(to_i32(position, "position")?)
                .bind(i64::from(row.no.0))
                .bind(row.title.as_str())
                .bind(row.reporting_department.as_str())
                .bind(line_to_i64(row.line)?))
        },
    )
    .await?;
    let warnings: Vec<_> = reports
        .iter()
        .flat_map(|&(id, report)| report.warnings.iter().enumerate().map(move |w| (id, w)))
        .collect();
    insert_rows(
        conn,
        &sql::INSERT_WARNINGS,
        &warnings,
        |q, &(report_id, (position, warning))| {
            Ok(q.bind(report_id)
                .bind(to_i32(position, "position")?)
                .bind(line_to_i64(warning.line)?)
                .bind(warning.message.as_str()))
        },
    )
    .await?;

    let item_ids = insert_items(conn, reports, state).await?;
    let items: Vec<(i64, &Item)> = item_ids
        .iter()
        .zip(reports)
        .flat_map(|(ids, &(_, report))| ids.iter().copied().zip(&report.items))
        .collect();
    write_children(conn, &items).await?;
    index::index_new_items(conn, &items).await?;
    Ok(item_ids)
}

/// Inserts the items' own rows of `reports` (report id, report) as sheets in `state`
/// (version 1) and returns each report's item ids in document order.
async fn insert_items(
    conn: &mut Conn,
    reports: &[(i64, &Report)],
    state: SheetState,
) -> Result<Vec<Vec<i64>>, StoreError> {
    let rows: Vec<_> = reports
        .iter()
        .flat_map(|&(id, report)| report.items.iter().enumerate().map(move |i| (id, i)))
        .collect();
    let inserted = insert_rows(
        conn,
        &sql::INSERT_ITEMS,
        &rows,
        |q, &(report_id, (position, item))| {
            Ok(q.bind(report_id)
                .bind(to_i32(position, "position")?)
                .bind(i64::from(item.no.0))
                .bind(item.title.as_str())
                .bind(item.reporting_department.as_deref())
                .bind(item.goal.as_deref())
                .bind(line_to_i64(item.line)?)
                .bind(state.code()))
        },
    )
    .await;
    let returned = match inserted {
        Ok(returned) => returned,
        // The editions are new and positions are unique by construction, so a unique
        // violation here is an item number given twice in a report: the first repeated one,
        // as a row-by-row insert would have found.
        Err(StoreError::Database(sqlx::Error::Database(e))) if e.is_unique_violation() => {
            let repeated = reports.iter().find_map(|(_, report)| {
                let mut seen = HashSet::new();
                report.items.iter().find(|item| !seen.insert(item.no))
            });
            return Err(match repeated {
                Some(item) => StoreError::DuplicateItem { no: item.no },
                None => StoreError::Database(sqlx::Error::Database(e)),
            });
        }
        Err(e) => return Err(e),
    };
    let ids = ids_by_parent_position(&returned)?;
    reports
        .iter()
        .map(|&(report_id, report)| {
            (0..report.items.len())
                .map(|position| returned_id(&ids, report_id, position))
                .collect()
        })
        .collect()
}

/// Inserts the rows below an item's own row (departments, contents with their schedules,
/// actions, narratives, effects with their quantities, the evaluation, reposts).
pub(crate) async fn write_item_children(
    conn: &mut Conn,
    item_id: i64,
    item: &Item,
) -> Result<(), StoreError> {
    write_children(conn, &[(item_id, item)]).await
}

/// Inserts the rows below the own rows of `items` (item id, item): one statement per table.
async fn write_children(conn: &mut Conn, items: &[(i64, &Item)]) -> Result<(), StoreError> {
    let departments = children(items, |item| &item.departments);
    insert_rows(
        conn,
        &sql::INSERT_DEPARTMENTS,
        &departments,
        |q, &(item_id, position, name)| {
            Ok(q.bind(item_id)
                .bind(to_i32(position, "position")?)
                .bind(name.as_str()))
        },
    )
    .await?;

    let contents = children(items, |item| &item.contents);
    let returned = insert_rows(
        conn,
        &sql::INSERT_CONTENT_ROWS,
        &contents,
        |q, &(item_id, position, row)| {
            Ok(q.bind(item_id)
                .bind(to_i32(position, "position")?)
                .bind(row.text.as_str())
                .bind(line_to_i64(row.line)?))
        },
    )
    .await?;
    let content_ids = ids_by_parent_position(&returned)?;
    let mut cells = Vec::new();
    for &(item_id, position, row) in &contents {
        let row_id = returned_id(&content_ids, item_id, position)?;
        cells.extend(
            row.schedule
                .iter()
                .enumerate()
                .map(|(p, cell)| (row_id, p, cell)),
        );
    }
    insert_rows(
        conn,
        &sql::INSERT_SCHEDULE_CELLS,
        &cells,
        |q, &(row_id, position, cell)| {
            Ok(q.bind(row_id)
                .bind(to_i32(position, "position")?)
                .bind(cell.fiscal_year.gregorian())
                .bind(cell.text.as_str())
                .bind(encode_actions(&cell.actions))
                .bind(cell.phase.as_ref().map(phase_code))
                .bind(cell.phase.as_ref().map(|p| p.word())))
        },
    )
    .await?;

    let actions = children(items, |item| &item.actions);
    insert_rows(
        conn,
        &sql::INSERT_ACTIONS,
        &actions,
        |q, &(item_id, position, action)| {
            Ok(q.bind(item_id)
                .bind(to_i32(position, "position")?)
                .bind(i32::from(action.no))
                .bind(action.text.as_str()))
        },
    )
    .await?;

    let narratives = children(items, |item| &item.narratives);
    insert_rows(
        conn,
        &sql::INSERT_NARRATIVES,
        &narratives,
        |q, &(item_id, position, narrative)| {
            Ok(q.bind(item_id)
                .bind(to_i32(position, "position")?)
                .bind(narrative.fiscal_year.gregorian())
                .bind(narrative.kind.code())
                .bind(narrative.text.as_str())
                .bind(line_to_i64(narrative.line)?))
        },
    )
    .await?;

    let effects = children(items, |item| &item.effects);
    let returned = insert_rows(
        conn,
        &sql::INSERT_EFFECT_ROWS,
        &effects,
        |q, &(item_id, position, row)| {
            Ok(q.bind(item_id)
                .bind(to_i32(position, "position")?)
                .bind(row.fiscal_year.map(|y| y.gregorian()))
                .bind(row.is_total)
                .bind(row.text.as_str())
                .bind(line_to_i64(row.line)?))
        },
    )
    .await?;
    let effect_ids = ids_by_parent_position(&returned)?;
    let mut quantities = Vec::new();
    for &(item_id, position, row) in &effects {
        let row_id = returned_id(&effect_ids, item_id, position)?;
        quantities.extend(
            row.quantities
                .iter()
                .enumerate()
                .map(|(p, q)| (row_id, p, q)),
        );
    }
    insert_rows(
        conn,
        &sql::INSERT_QUANTITIES,
        &quantities,
        |q, &(row_id, position, quantity)| {
            Ok(q.bind(row_id)
                .bind(to_i32(position, "position")?)
                .bind(quantity.label.as_str())
                .bind(encode_decimal(quantity.value))
                .bind(quantity.unit.symbol())
                .bind(quantity.status.map(|s| s.code())))
        },
    )
    .await?;

    let evaluations: Vec<_> = items
        .iter()
        .filter_map(|&(item_id, item)| Some((item_id, item.evaluation.as_ref()?)))
        .collect();
    insert_rows(
        conn,
        &sql::INSERT_EVALUATIONS,
        &evaluations,
        |q, &(item_id, evaluation)| {
            Ok(q.bind(item_id)
                .bind(evaluation.fiscal_year.gregorian())
                .bind(evaluation.text.as_str())
                .bind(line_to_i64(evaluation.line)?))
        },
    )
    .await?;

    let reposts = children(items, |item| &item.reposts);
    insert_rows(
        conn,
        &sql::INSERT_REPOSTS,
        &reposts,
        |q, &(item_id, position, repost)| {
            Ok(q.bind(item_id)
                .bind(to_i32(position, "position")?)
                .bind(i64::from(repost.item_no.0)))
        },
    )
    .await?;
    Ok(())
}
