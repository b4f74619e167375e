//! Sheets in the reporting cycle: reading one (with its state, version and copy marks) or the
//! progress board, saving content and moving states under the version guard, and the
//! comments, waivers and history of a sheet.
//!
//! Every function runs inside the transaction its caller opened (how a write transaction
//! begins is the engine's); a failed write is rolled back by the caller.

use chrono::{DateTime, Utc};
use kaikaku_model::workflow::{Field, FieldChange, SheetAction, SheetState, diff_items};
use kaikaku_model::{Item, ItemNo};

use super::audit::{self as journal, append_audit, audit_entries};
use super::body::{check_units, write_item_children};
use super::guard::{claim_open_edition, claim_unpublished_edition, edition_key, require_user};
use super::load::load_item;
use super::{Conn, index};
use crate::codec::{
    corrupt, decode_field, decode_optional_timestamp, decode_sheet_state, decode_timestamp,
    field_order, item_no_from_i64, line_to_i64, now_rfc3339,
};
use crate::rows::{CommentRow, SheetHeadRow, SheetSummaryRow, WaiverRow};
use crate::{
    AuditEntry, AuditPage, Comment, HistoryOrder, Sheet, SheetSummary, StoreError, Waiver, sql,
};

/// A sheet's own row.
#[derive(Debug)]
struct Head {
    item_id: i64,
    state: SheetState,
    version: i64,
    reporting_department: Option<String>,
    updated_at: Option<DateTime<Utc>>,
    updated_by: Option<String>,
}

/// The row of sheet `no` in the edition; [`StoreError::NotFound`] for an unknown edition and
/// [`StoreError::SheetNotFound`] for an unknown number.
async fn head(conn: &mut Conn, report_id: i64, no: ItemNo) -> Result<Head, StoreError> {
    let row: Option<SheetHeadRow> = sqlx::query_as(sql::SELECT_SHEET_HEAD)
        .bind(report_id)
        .bind(i64::from(no.0))
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        // Tell an unknown edition from an unknown sheet.
        edition_key(conn, report_id).await?;
        return Err(StoreError::SheetNotFound { report_id, no });
    };
    let bad = corrupt("items", row.item_id);
    Ok(Head {
        item_id: row.item_id,
        state: decode_sheet_state(&row.state).map_err(&bad)?,
        version: row.version,
        reporting_department: row.reporting_department,
        updated_at: decode_optional_timestamp(row.updated_at.as_deref()).map_err(&bad)?,
        updated_by: row.updated_by,
    })
}

/// True when one action takes a sheet from `from` to `to`.
fn reachable(from: SheetState, to: SheetState) -> bool {
    SheetAction::ALL
        .into_iter()
        .any(|action| from.apply(action) == Ok(to))
}

/// The version guard on the sheet's own row: `Conflict` with the version it has now when a
/// write came first.
async fn conflict(conn: &mut Conn, item_id: i64) -> Result<StoreError, StoreError> {
    let current_version: i64 = sqlx::query_scalar(sql::SELECT_SHEET_VERSION)
        .bind(item_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(StoreError::Conflict { current_version })
}

/// The change of state, as journaled.
fn state_change(from: SheetState, to: SheetState) -> FieldChange {
    FieldChange {
        field: Field::State,
        before: from.label().to_owned(),
        after: to.label().to_owned(),
    }
}

pub(crate) async fn sheet(
    conn: &mut Conn,
    report_id: i64,
    no: ItemNo,
) -> Result<Sheet, StoreError> {
    let edition = edition_key(conn, report_id).await?;
    let head = head(conn, report_id, no).await?;
    let Some((_, item)) = load_item(conn, report_id, no).await? else {
        return Err(StoreError::SheetNotFound { report_id, no });
    };
    let paths: Vec<String> = sqlx::query_scalar(sql::SELECT_COPIED)
        .bind(head.item_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut copied = paths
        .iter()
        .map(|path| decode_field(path).map_err(corrupt("copied_fields", head.item_id)))
        .collect::<Result<Vec<_>, _>>()?;
    copied.sort_by_key(|field| field_order(*field));
    Ok(Sheet {
        report_id,
        no,
        edition_status: edition.status,
        item,
        state: head.state,
        version: head.version,
        updated_at: head.updated_at,
        updated_by: head.updated_by,
        copied,
    })
}

pub(crate) async fn sheets(
    conn: &mut Conn,
    report_id: i64,
) -> Result<Vec<SheetSummary>, StoreError> {
    edition_key(conn, report_id).await?;
    let rows: Vec<SheetSummaryRow> = sqlx::query_as(sql::SELECT_SHEET_SUMMARIES)
        .bind(report_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(|row| {
            let bad = corrupt("items", row.item_id);
            Ok(SheetSummary {
                no: ItemNo(item_no_from_i64(row.item_no).map_err(&bad)?),
                title: row.title,
                reporting_department: row.reporting_department,
                state: decode_sheet_state(&row.state).map_err(&bad)?,
                version: row.version,
                updated_at: decode_optional_timestamp(row.updated_at.as_deref()).map_err(&bad)?,
                updated_by: row.updated_by,
                open_comments: row.open_comments,
            })
        })
        .collect()
}

/// What a save must name and not change.
fn check_identity(no: ItemNo, head: &Head, item: &Item) -> Result<(), StoreError> {
    if item.no != no {
        return Err(StoreError::FixedField {
            no,
            field: "項目番号",
        });
    }
    if item.reporting_department != head.reporting_department {
        return Err(StoreError::FixedField {
            no,
            field: "記入担当課",
        });
    }
    Ok(())
}

pub(crate) async fn save_sheet(
    conn: &mut Conn,
    report_id: i64,
    no: ItemNo,
    expected_version: i64,
    item: &Item,
    new_state: SheetState,
    by: i64,
) -> Result<i64, StoreError> {
    require_user(conn, by).await?;
    claim_open_edition(conn, report_id).await?;
    let head = head(conn, report_id, no).await?;
    if head.version != expected_version {
        return Err(StoreError::Conflict {
            current_version: head.version,
        });
    }
    check_identity(no, &head, item)?;
    if new_state != head.state && !reachable(head.state, new_state) {
        return Err(StoreError::InvalidTransition {
            no,
            from: head.state,
            to: new_state,
        });
    }
    check_units(item)?;
    let Some((_, stored)) = load_item(conn, report_id, no).await? else {
        return Err(StoreError::SheetNotFound { report_id, no });
    };
    let changes = diff_items(&stored, item);

    let now = now_rfc3339();
    let version: Option<i64> = sqlx::query_scalar(sql::UPDATE_SHEET)
        .bind(head.item_id)
        .bind(expected_version)
        .bind(&item.title)
        .bind(item.goal.as_deref())
        .bind(line_to_i64(item.line)?)
        .bind(new_state.code())
        .bind(&now)
        .bind(by)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(version) = version else {
        return Err(conflict(conn, head.item_id).await?);
    };
    for statement in sql::DELETE_ITEM_CHILDREN {
        sqlx::query(statement)
            .bind(head.item_id)
            .execute(&mut *conn)
            .await?;
    }
    write_item_children(conn, head.item_id, item).await?;
    index::index_item(conn, head.item_id, item).await?;

    for change in &changes {
        append_audit(conn, report_id, Some(no), by, &now, change).await?;
        sqlx::query(sql::DELETE_COPIED)
            .bind(head.item_id)
            .bind(change.field.path())
            .execute(&mut *conn)
            .await?;
    }
    if new_state != head.state {
        let change = state_change(head.state, new_state);
        append_audit(conn, report_id, Some(no), by, &now, &change).await?;
    }
    Ok(version)
}

pub(crate) async fn transition(
    conn: &mut Conn,
    report_id: i64,
    no: ItemNo,
    expected_version: i64,
    to: SheetState,
    by: i64,
    comments: &[(Field, String)],
) -> Result<i64, StoreError> {
    require_user(conn, by).await?;
    claim_open_edition(conn, report_id).await?;
    let head = head(conn, report_id, no).await?;
    if head.version != expected_version {
        return Err(StoreError::Conflict {
            current_version: head.version,
        });
    }
    // A transition changes the state; saving without a change of state is `save_sheet`.
    if to == head.state || !reachable(head.state, to) {
        return Err(StoreError::InvalidTransition {
            no,
            from: head.state,
            to,
        });
    }
    let now = now_rfc3339();
    let version: Option<i64> = sqlx::query_scalar(sql::UPDATE_SHEET_STATE)
        .bind(head.item_id)
        .bind(expected_version)
        .bind(to.code())
        .bind(&now)
        .bind(by)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(version) = version else {
        return Err(conflict(conn, head.item_id).await?);
    };
    let change = state_change(head.state, to);
    append_audit(conn, report_id, Some(no), by, &now, &change).await?;
    for (field, body) in comments {
        insert_comment(conn, head.item_id, *field, by, body, &now).await?;
    }
    Ok(version)
}

async fn insert_comment(
    conn: &mut Conn,
    item_id: i64,
    field: Field,
    by: i64,
    body: &str,
    at: &str,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(sql::INSERT_COMMENT)
        .bind(item_id)
        .bind(field.path())
        .bind(by)
        .bind(body)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?)
}

pub(crate) async fn audit(
    conn: &mut Conn,
    report_id: i64,
    no: ItemNo,
) -> Result<Vec<AuditEntry>, StoreError> {
    head(conn, report_id, no).await?;
    audit_entries(conn, sql::SELECT_SHEET_AUDIT, report_id, Some(no)).await
}

pub(crate) async fn audit_page(
    conn: &mut Conn,
    report_id: i64,
    no: Option<ItemNo>,
    order: HistoryOrder,
    offset: u64,
    limit: u32,
    clip: u32,
) -> Result<AuditPage, StoreError> {
    match no {
        Some(no) => {
            head(conn, report_id, no).await?;
        }
        None => {
            edition_key(conn, report_id).await?;
        }
    }
    journal::audit_page(conn, report_id, no, order, offset, limit, clip).await
}

pub(crate) async fn audit_entry(
    conn: &mut Conn,
    report_id: i64,
    no: ItemNo,
    id: i64,
) -> Result<AuditEntry, StoreError> {
    head(conn, report_id, no).await?;
    journal::audit_entry(conn, report_id, no, id).await
}

pub(crate) async fn comments(
    conn: &mut Conn,
    report_id: i64,
    no: ItemNo,
) -> Result<Vec<Comment>, StoreError> {
    head(conn, report_id, no).await?;
    let rows: Vec<CommentRow> = sqlx::query_as(sql::SELECT_COMMENTS)
        .bind(report_id)
        .bind(i64::from(no.0))
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(|row| {
            let bad = corrupt("comments", row.id);
            Ok(Comment {
                id: row.id,
                field: decode_field(&row.field).map_err(&bad)?,
                author: row.author,
                body: row.body,
                created_at: decode_timestamp(&row.created_at).map_err(&bad)?,
                resolved_at: decode_optional_timestamp(row.resolved_at.as_deref()).map_err(&bad)?,
                resolved_by: row.resolved_by,
            })
        })
        .collect()
}

pub(crate) async fn add_comment(
    conn: &mut Conn,
    report_id: i64,
    no: ItemNo,
    field: Field,
    by: i64,
    body: &str,
) -> Result<i64, StoreError> {
    require_user(conn, by).await?;
    claim_unpublished_edition(conn, report_id).await?;
    let head = head(conn, report_id, no).await?;
    insert_comment(conn, head.item_id, field, by, body, &now_rfc3339()).await
}

pub(crate) async fn resolve_comment(conn: &mut Conn, id: i64, by: i64) -> Result<(), StoreError> {
    require_user(conn, by).await?;
    let report_id: Option<i64> = sqlx::query_scalar(sql::SELECT_COMMENT_EDITION)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(report_id) = report_id else {
        return Err(StoreError::CommentNotFound { id });
    };
    claim_unpublished_edition(conn, report_id).await?;
    sqlx::query(sql::RESOLVE_COMMENT)
        .bind(id)
        .bind(now_rfc3339())
        .bind(by)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn waive(
    conn: &mut Conn,
    report_id: i64,
    no: ItemNo,
    finding_key: &str,
    reason: &str,
    by: i64,
) -> Result<i64, StoreError> {
    require_user(conn, by).await?;
    claim_open_edition(conn, report_id).await?;
    let head = head(conn, report_id, no).await?;
    let inserted = sqlx::query_scalar(sql::INSERT_WAIVER)
        .bind(head.item_id)
        .bind(finding_key)
        .bind(reason)
        .bind(by)
        .bind(now_rfc3339())
        .fetch_one(&mut *conn)
        .await;
    match inserted {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(StoreError::AlreadyWaived {
                no,
                finding_key: finding_key.to_owned(),
            })
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn waivers(
    conn: &mut Conn,
    report_id: i64,
    no: ItemNo,
) -> Result<Vec<Waiver>, StoreError> {
    head(conn, report_id, no).await?;
    let rows: Vec<WaiverRow> = sqlx::query_as(sql::SELECT_WAIVERS)
        .bind(report_id)
        .bind(i64::from(no.0))
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok(Waiver {
                at: decode_timestamp(&row.at).map_err(corrupt("waivers", row.id))?,
                id: row.id,
                finding_key: row.finding_key,
                reason: row.reason,
                user: row.user_name,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reachable_follows_the_cycle() {
        use SheetState as S;
        assert!(reachable(S::NotStarted, S::InProgress));
        assert!(reachable(S::Submitted, S::Returned));
        assert!(reachable(S::Confirmed, S::InProgress));
        assert!(!reachable(S::NotStarted, S::Confirmed));
        assert!(!reachable(S::Returned, S::Submitted));
        assert!(!reachable(S::Confirmed, S::Submitted));
    }
}
