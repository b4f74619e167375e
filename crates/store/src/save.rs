//! Writing reports: the import (one transaction that replaces the imported report of the same
//! plan and fiscal year) and the rows of any edition, parents first, each child with its
//! position. The reporting cycle writes its editions and sheets with the same functions.

use super::Conn;
use kaikaku_model::workflow::{EditionState, SheetState};
use kaikaku_model::{ContentRow, EffectRow, FiscalYear, Item, Report};

use super::index;
use crate::codec::{
    encode_actions, encode_decimal, line_to_i64, phase_code, to_i32, unit_is_storable,
};
use crate::{Origin, Saved, Source, StoreError, sql};

/// The key a report is filed under, checked before anything is written.
#[derive(Debug)]
pub(crate) struct Key<'a> {
    pub(crate) plan: &'a str,
    pub(crate) fiscal_year: FiscalYear,
}

/// Checks what the schema cannot express or would report poorly: the report is filed under a
/// plan name and a fiscal year, and every unit reads back from its symbol.
pub(crate) fn validate(report: &Report) -> Result<Key<'_>, StoreError> {
    if report.plan_name.trim().is_empty() {
        return Err(StoreError::MissingPlanName {
            title: report.title.clone(),
        });
    }
    let Some(year) = report.report_fiscal_year else {
        return Err(StoreError::MissingFiscalYear {
            plan: report.plan_name.clone(),
            title: report.title.clone(),
        });
    };
    for item in &report.items {
        check_units(item)?;
    }
    Ok(Key {
        plan: &report.plan_name,
        fiscal_year: year,
    })
}

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

/// Writes the imported `report` inside the open transaction on `conn` as a published edition,
/// replacing the imported report with the same key; refuses when the key has an edition made
/// in kaikaku. The caller commits or rolls back.
pub(crate) async fn write_report(
    conn: &mut Conn,
    key: &Key<'_>,
    report: &Report,
    source: &Source,
    imported_at: &str,
) -> Result<Saved, StoreError> {
    let (code, name) = match &report.municipality {
        Some(m) => (m.code.to_string(), m.name.as_str()),
        None => (String::new(), ""),
    };
    let plan_id: i64 = sqlx::query_scalar(sql::UPSERT_PLAN)
        .bind(key.plan)
        .bind(code)
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
    let in_cycle: i64 = sqlx::query_scalar(sql::COUNT_CYCLE_EDITIONS)
        .bind(plan_id)
        .bind(key.fiscal_year.gregorian())
        .fetch_one(&mut *conn)
        .await?;
    if in_cycle > 0 {
        return Err(StoreError::EditionInCycle {
            plan: key.plan.to_owned(),
            year: key.fiscal_year,
        });
    }
    let replaced: Option<i64> = sqlx::query_scalar(sql::DELETE_IMPORTED_REPORT)
        .bind(plan_id)
        .bind(key.fiscal_year.gregorian())
        .fetch_optional(&mut *conn)
        .await?;
    let row = EditionRow {
        plan_id,
        fiscal_year: key.fiscal_year,
        revision: 1,
        status: EditionState::Published,
        origin: Origin::Import,
        title: &report.title,
        source: Some(source),
        created_at: imported_at,
        due_date: None,
        opened_at: None,
        published_at: Some(imported_at),
        correction_note: None,
    };
    let report_id = insert_edition(conn, &row).await?;
    write_body(conn, report_id, report, SheetState::Confirmed).await?;

    Ok(match replaced {
        Some(_) => Saved::Replaced { report_id },
        None => Saved::Inserted { report_id },
    })
}

/// Writes everything of `report` below its `reports` row: the plan period, the summary, the
/// warnings and every item as a sheet in `state`, indexed for search. Returns the item ids in
/// document order.
pub(crate) async fn write_body(
    conn: &mut Conn,
    report_id: i64,
    report: &Report,
    state: SheetState,
) -> Result<Vec<i64>, StoreError> {
    for (position, year) in report.fiscal_years.iter().enumerate() {
        sqlx::query(sql::INSERT_REPORT_FISCAL_YEAR)
            .bind(report_id)
            .bind(to_i32(position, "position")?)
            .bind(year.gregorian())
            .execute(&mut *conn)
            .await?;
    }
    for (position, row) in report.summary.iter().enumerate() {
        sqlx::query(sql::INSERT_SUMMARY_ROW)
            .bind(report_id)
            .bind(to_i32(position, "position")?)
            .bind(i64::from(row.no.0))
            .bind(&row.title)
            .bind(&row.reporting_department)
            .bind(line_to_i64(row.line)?)
            .execute(&mut *conn)
            .await?;
    }
    for (position, warning) in report.warnings.iter().enumerate() {
        sqlx::query(sql::INSERT_WARNING)
            .bind(report_id)
            .bind(to_i32(position, "position")?)
            .bind(line_to_i64(warning.line)?)
            .bind(&warning.message)
            .execute(&mut *conn)
            .await?;
    }
    let mut item_ids = Vec::with_capacity(report.items.len());
    for (position, item) in report.items.iter().enumerate() {
        let item_id = insert_item(conn, report_id, position, item, state).await?;
        write_item_children(conn, item_id, item).await?;
        index::index_item(conn, item_id, item).await?;
        item_ids.push(item_id);
    }
    Ok(item_ids)
}

/// Inserts an item's own row as a sheet in `state` (version 1) and returns its id.
async fn insert_item(
    conn: &mut Conn,
    report_id: i64,
    position: usize,
    item: &Item,
    state: SheetState,
) -> Result<i64, StoreError> {
    let inserted = sqlx::query_scalar(sql::INSERT_ITEM)
        .bind(report_id)
        .bind(to_i32(position, "position")?)
        .bind(i64::from(item.no.0))
        .bind(&item.title)
        .bind(item.reporting_department.as_deref())
        .bind(item.goal.as_deref())
        .bind(line_to_i64(item.line)?)
        .bind(state.code())
        .fetch_one(&mut *conn)
        .await;
    match inserted {
        Ok(id) => Ok(id),
        // Positions are unique by construction, so a unique violation here is the item number.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(StoreError::DuplicateItem { no: item.no })
        }
        Err(e) => Err(e.into()),
    }
}

/// Inserts the rows below an item's own row (departments, contents with their schedules,
/// actions, narratives, effects with their quantities, the evaluation, reposts).
pub(crate) async fn write_item_children(
    conn: &mut Conn,
    item_id: i64,
    item: &Item,
) -> Result<(), StoreError> {
    for (position, name) in item.departments.iter().enumerate() {
        sqlx::query(sql::INSERT_DEPARTMENT)
            .bind(item_id)
            .bind(to_i32(position, "position")?)
            .bind(name)
            .execute(&mut *conn)
            .await?;
    }
    for (position, row) in item.contents.iter().enumerate() {
        write_content_row(conn, item_id, position, row).await?;
    }
    for (position, action) in item.actions.iter().enumerate() {
        sqlx::query(sql::INSERT_ACTION)
            .bind(item_id)
            .bind(to_i32(position, "position")?)
            .bind(i32::from(action.no))
            .bind(&action.text)
            .execute(&mut *conn)
            .await?;
    }
    for (position, narrative) in item.narratives.iter().enumerate() {
        sqlx::query(sql::INSERT_NARRATIVE)
            .bind(item_id)
            .bind(to_i32(position, "position")?)
            .bind(narrative.fiscal_year.gregorian())
            .bind(narrative.kind.code())
            .bind(&narrative.text)
            .bind(line_to_i64(narrative.line)?)
            .execute(&mut *conn)
            .await?;
    }
    for (position, row) in item.effects.iter().enumerate() {
        write_effect_row(conn, item_id, position, row).await?;
    }
    if let Some(evaluation) = &item.evaluation {
        sqlx::query(sql::INSERT_EVALUATION)
            .bind(item_id)
            .bind(evaluation.fiscal_year.gregorian())
            .bind(&evaluation.text)
            .bind(line_to_i64(evaluation.line)?)
            .execute(&mut *conn)
            .await?;
    }
    for (position, repost) in item.reposts.iter().enumerate() {
        sqlx::query(sql::INSERT_REPOST)
            .bind(item_id)
            .bind(to_i32(position, "position")?)
            .bind(i64::from(repost.item_no.0))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn write_content_row(
    conn: &mut Conn,
    item_id: i64,
    position: usize,
    row: &ContentRow,
) -> Result<(), StoreError> {
    let row_id: i64 = sqlx::query_scalar(sql::INSERT_CONTENT_ROW)
        .bind(item_id)
        .bind(to_i32(position, "position")?)
        .bind(&row.text)
        .bind(line_to_i64(row.line)?)
        .fetch_one(&mut *conn)
        .await?;
    for (position, cell) in row.schedule.iter().enumerate() {
        sqlx::query(sql::INSERT_SCHEDULE_CELL)
            .bind(row_id)
            .bind(to_i32(position, "position")?)
            .bind(cell.fiscal_year.gregorian())
            .bind(&cell.text)
            .bind(encode_actions(&cell.actions))
            .bind(cell.phase.as_ref().map(phase_code))
            .bind(cell.phase.as_ref().map(|p| p.word()))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn write_effect_row(
    conn: &mut Conn,
    item_id: i64,
    position: usize,
    row: &EffectRow,
) -> Result<(), StoreError> {
    let row_id: i64 = sqlx::query_scalar(sql::INSERT_EFFECT_ROW)
        .bind(item_id)
        .bind(to_i32(position, "position")?)
        .bind(row.fiscal_year.map(|y| y.gregorian()))
        .bind(row.is_total)
        .bind(&row.text)
        .bind(line_to_i64(row.line)?)
        .fetch_one(&mut *conn)
        .await?;
    for (position, quantity) in row.quantities.iter().enumerate() {
        sqlx::query(sql::INSERT_QUANTITY)
            .bind(row_id)
            .bind(to_i32(position, "position")?)
            .bind(&quantity.label)
            .bind(encode_decimal(quantity.value))
            .bind(quantity.unit.symbol())
            .bind(quantity.status.map(|s| s.code()))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
