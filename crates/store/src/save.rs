//! Writing a report: one transaction that replaces the report of the same plan and fiscal year
//! and inserts every row, parents first, each child with its position.

use kaikaku_model::{ContentRow, EffectRow, Item, Report};
use sqlx::SqliteConnection;

use crate::codec::{
    encode_actions, encode_decimal, line_to_i64, phase_code, to_i32, unit_is_storable,
};
use crate::{Saved, Source, StoreError, sql};

/// The key a report is filed under, checked before anything is written.
#[derive(Debug)]
pub(crate) struct Key<'a> {
    pub(crate) plan: &'a str,
    pub(crate) fiscal_year: i32,
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
        let mut quantities = item.effects.iter().flat_map(|row| &row.quantities);
        if let Some(q) = quantities.find(|q| !unit_is_storable(q.unit)) {
            return Err(StoreError::UnstorableUnit {
                item: item.no,
                symbol: q.unit.symbol().to_owned(),
            });
        }
    }
    Ok(Key {
        plan: &report.plan_name,
        fiscal_year: year.gregorian(),
    })
}

/// Writes `report` inside the open transaction on `conn`, replacing the stored report with the
/// same key. The caller commits or rolls back.
pub(crate) async fn write_report(
    conn: &mut SqliteConnection,
    key: &Key<'_>,
    report: &Report,
    source: &Source,
    imported_at: &str,
) -> Result<Saved, StoreError> {
    let plan_id: i64 = sqlx::query_scalar(sql::UPSERT_PLAN)
        .bind(key.plan)
        .fetch_one(&mut *conn)
        .await?;
    let replaced: Option<i64> = sqlx::query_scalar(sql::DELETE_REPORT)
        .bind(plan_id)
        .bind(key.fiscal_year)
        .fetch_optional(&mut *conn)
        .await?;
    let report_id: i64 = sqlx::query_scalar(sql::INSERT_REPORT)
        .bind(plan_id)
        .bind(key.fiscal_year)
        .bind(&report.title)
        .bind(&source.name)
        .bind(&source.encoding)
        .bind(imported_at)
        .fetch_one(&mut *conn)
        .await?;

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
    for (position, item) in report.items.iter().enumerate() {
        write_item(conn, report_id, position, item).await?;
    }

    Ok(match replaced {
        Some(_) => Saved::Replaced { report_id },
        None => Saved::Inserted { report_id },
    })
}

async fn write_item(
    conn: &mut SqliteConnection,
    report_id: i64,
    position: usize,
    item: &Item,
) -> Result<(), StoreError> {
    let inserted = sqlx::query_scalar(sql::INSERT_ITEM)
        .bind(report_id)
        .bind(to_i32(position, "position")?)
        .bind(i64::from(item.no.0))
        .bind(&item.title)
        .bind(item.reporting_department.as_deref())
        .bind(item.goal.as_deref())
        .bind(line_to_i64(item.line)?)
        .fetch_one(&mut *conn)
        .await;
    let item_id: i64 = match inserted {
        Ok(id) => id,
        // Positions are unique by construction, so a unique violation here is the item number.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(StoreError::DuplicateItem { no: item.no });
        }
        Err(e) => return Err(e.into()),
    };

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
    conn: &mut SqliteConnection,
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
    conn: &mut SqliteConnection,
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
