//! The checks a write runs first, inside its transaction: that the acting user exists, that
//! the edition is in a state that allows the write, and the row locks that keep concurrent
//! writers correct under PostgreSQL's READ COMMITTED (a guarded no-op `UPDATE` of the edition
//! or the plan, held until the transaction ends; see the crate documentation).

use kaikaku_model::FiscalYear;
use kaikaku_model::workflow::EditionState;

use super::Conn;
use crate::codec::{corrupt, decode_edition_state, fiscal_year_from_i32};
use crate::rows::{EditionKeyRow, UserRow};
use crate::{StoreError, sql};

/// What an edition is filed under, and its state.
#[derive(Debug)]
pub(crate) struct EditionKey {
    pub(crate) plan_id: i64,
    pub(crate) plan: String,
    pub(crate) year: FiscalYear,
    pub(crate) revision: i32,
    pub(crate) status: EditionState,
}

/// The key and state of an edition; [`StoreError::NotFound`] when there is none.
pub(crate) async fn edition_key(conn: &mut Conn, report_id: i64) -> Result<EditionKey, StoreError> {
    let row: Option<EditionKeyRow> = sqlx::query_as(sql::SELECT_EDITION_KEY)
        .bind(report_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Err(StoreError::NotFound { id: report_id });
    };
    let bad = corrupt("reports", report_id);
    Ok(EditionKey {
        plan_id: row.plan_id,
        plan: row.plan_name,
        year: fiscal_year_from_i32(row.report_fiscal_year).map_err(&bad)?,
        revision: row.revision,
        status: decode_edition_state(&row.status).map_err(&bad)?,
    })
}

/// Succeeds while the edition is open, holding (on PostgreSQL) its row lock until the
/// transaction ends; fails with [`StoreError::EditionClosed`] or [`StoreError::NotFound`].
pub(crate) async fn claim_open_edition(conn: &mut Conn, report_id: i64) -> Result<(), StoreError> {
    claim_edition(conn, report_id, sql::CLAIM_OPEN_EDITION).await
}

/// Succeeds while the edition is not published (open or locked: comments are still
/// allowed), holding (on PostgreSQL) its row lock until the transaction ends, so that a
/// concurrent publish waits for it or is seen by it; fails with [`StoreError::EditionClosed`]
/// or [`StoreError::NotFound`].
pub(crate) async fn claim_unpublished_edition(
    conn: &mut Conn,
    report_id: i64,
) -> Result<(), StoreError> {
    claim_edition(conn, report_id, sql::CLAIM_UNPUBLISHED_EDITION).await
}

/// Runs `claim` (a guarded no-op `UPDATE … RETURNING id` of the edition); when it touched no
/// row, says why: the edition's state, or that there is none.
async fn claim_edition(
    conn: &mut Conn,
    report_id: i64,
    claim: &'static str,
) -> Result<(), StoreError> {
    let claimed: Option<i64> = sqlx::query_scalar(claim)
        .bind(report_id)
        .fetch_optional(&mut *conn)
        .await?;
    if claimed.is_some() {
        return Ok(());
    }
    let key = edition_key(conn, report_id).await?;
    Err(StoreError::EditionClosed {
        report_id,
        state: key.status,
    })
}

/// Takes the plan's row lock (see [`sql::LOCK_PLAN`]) and returns its name, `None` when there
/// is no such plan.
pub(crate) async fn lock_plan(conn: &mut Conn, plan_id: i64) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(sql::LOCK_PLAN)
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Fails with [`StoreError::UserNotFound`] unless a user has this id.
pub(crate) async fn require_user(conn: &mut Conn, id: i64) -> Result<(), StoreError> {
    let row: Option<UserRow> = sqlx::query_as(sql::SELECT_USER)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match row.map(UserRow::decode).transpose()? {
        Some(_) => Ok(()),
        None => Err(StoreError::UserNotFound { id }),
    }
}
