//! The import: one report read from a file, saved as a published edition in one transaction
//! that replaces the imported report of the same plan and fiscal year ([`write_report`]), and
//! the one rule that decides which plan an import goes to ([`find_plan`]). The rows are
//! written by [`super::body`].

use kaikaku_model::workflow::{EditionState, SheetState};
use kaikaku_model::{FiscalYear, Municipality, Report};

use super::body::{EditionRow, check_units, insert_edition, write_body};
use super::{Conn, index};
use crate::rows::NamedPlanRow;
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
    let saved = write_edition(conn, key, report, source, imported_at).await?;
    write_body(conn, saved.report_id(), report, SheetState::Confirmed).await?;
    Ok(saved)
}

/// The edition row of [`write_report`] without its body ([`write_bodies`]): a batch of
/// imports writes the rows of every report first, then the bodies of all in one go.
pub(crate) async fn write_edition(
    conn: &mut Conn,
    key: &Key<'_>,
    report: &Report,
    source: &Source,
    imported_at: &str,
) -> Result<Saved, StoreError> {
    let plan_id = resolve_plan(conn, key.plan, report.municipality.as_ref()).await?;
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
    index::refresh_latest_published(conn, report_id).await?;
    Ok(match replaced {
        Some(_) => Saved::Replaced { report_id },
        None => Saved::Inserted { report_id },
    })
}

/// The existing plan an import of a report of plan `name` goes to, without writing: with a
/// municipality, its plan of that name, else a plan of that name stored without a
/// municipality (which the import adopts); without one, the only plan of that name (whatever
/// its municipality). `None`: the import makes a new plan. Several plans of that name in
/// different municipalities and no municipality given are [`StoreError::AmbiguousPlan`].
pub(crate) async fn find_plan(
    conn: &mut Conn,
    name: &str,
    municipality: Option<&Municipality>,
) -> Result<Option<i64>, StoreError> {
    if let Some(m) = municipality {
        return Ok(sqlx::query_scalar(sql::FIND_PLAN_FOR_MUNICIPALITY)
            .bind(name)
            .bind(m.code.to_string())
            .fetch_optional(&mut *conn)
            .await?);
    }
    let named: Vec<NamedPlanRow> = sqlx::query_as(sql::FIND_PLANS_NAMED)
        .bind(name)
        .fetch_all(&mut *conn)
        .await?;
    match named.as_slice() {
        [] => Ok(None),
        [plan] => Ok(Some(plan.id)),
        several => Err(StoreError::AmbiguousPlan {
            plan: name.to_owned(),
            municipalities: several
                .iter()
                .map(|plan| match plan.municipality_code.as_str() {
                    "" => "団体未設定".to_owned(),
                    code => format!("{code} {}", plan.municipality_name),
                })
                .collect::<Vec<_>>()
                .join("、"),
        }),
    }
}

/// The plan an import is filed under ([`find_plan`], else a new one), row-locked until the
/// transaction ends (so that an import and the opening of a cycle or a correction of the same
/// plan go one at a time). With a municipality, the plan is filed under it (adopted, or the
/// town's new spelling of its name taken).
async fn resolve_plan(
    conn: &mut Conn,
    name: &str,
    municipality: Option<&Municipality>,
) -> Result<i64, StoreError> {
    let existing = find_plan(conn, name, municipality).await?;
    let id = match (existing, municipality) {
        (Some(id), Some(m)) => {
            sqlx::query_scalar(sql::SET_PLAN_MUNICIPALITY)
                .bind(id)
                .bind(m.code.to_string())
                .bind(&m.name)
                .fetch_one(&mut *conn)
                .await?
        }
        (Some(id), None) => {
            let _: String = sqlx::query_scalar(sql::LOCK_PLAN)
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
            id
        }
        (None, _) => {
            let (code, town) = match municipality {
                Some(m) => (m.code.to_string(), m.name.as_str()),
                None => (String::new(), ""),
            };
            sqlx::query_scalar(sql::INSERT_PLAN)
                .bind(name)
                .bind(code)
                .bind(town)
                .fetch_one(&mut *conn)
                .await?
        }
    };
    Ok(id)
}
