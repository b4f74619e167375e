//! The append-only audit log (`audit_log`): one row per change of a field or of a state, of
//! a sheet or of an edition, written in the transaction of the change; and reading it back.
//! The database refuses updates and deletes of its rows (a trigger, see the migrations).

use kaikaku_model::ItemNo;
use kaikaku_model::workflow::{EditionState, Field, FieldChange};

use super::Conn;
use crate::codec::{corrupt, decode_field, decode_timestamp};
use crate::rows::{AuditExcerptRow, AuditRow};
use crate::{AuditEntry, AuditExcerpt, AuditPage, HistoryOrder, StoreError, sql};

/// Appends one row to the audit log: a sheet's when `item_no` is given, else the edition's.
pub(crate) async fn append_audit(
    conn: &mut Conn,
    report_id: i64,
    item_no: Option<ItemNo>,
    by: i64,
    at: &str,
    change: &FieldChange,
) -> Result<(), StoreError> {
    sqlx::query(sql::INSERT_AUDIT)
        .bind(report_id)
        .bind(item_no.map(|no| i64::from(no.0)))
        .bind(by)
        .bind(at)
        .bind(change.field.path())
        .bind(&change.before)
        .bind(&change.after)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Journals a change of the edition's state.
pub(crate) async fn journal_edition_state(
    conn: &mut Conn,
    report_id: i64,
    by: i64,
    at: &str,
    before: Option<EditionState>,
    after: EditionState,
) -> Result<(), StoreError> {
    let change = FieldChange {
        field: Field::State,
        before: before.map(|s| s.label().to_owned()).unwrap_or_default(),
        after: after.label().to_owned(),
    };
    append_audit(conn, report_id, None, by, at, &change).await
}

/// Audit rows of `query` (bound to `report_id` and, for a sheet, its number), oldest first.
pub(crate) async fn audit_entries(
    conn: &mut Conn,
    query: &'static str,
    report_id: i64,
    item_no: Option<ItemNo>,
) -> Result<Vec<AuditEntry>, StoreError> {
    let mut statement = sqlx::query_as::<_, AuditRow>(query).bind(report_id);
    if let Some(no) = item_no {
        statement = statement.bind(i64::from(no.0));
    }
    let rows = statement.fetch_all(&mut *conn).await?;
    rows.into_iter().map(entry).collect()
}

/// The entry of a row.
fn entry(row: AuditRow) -> Result<AuditEntry, StoreError> {
    let bad = corrupt("audit_log", row.id);
    Ok(AuditEntry {
        id: row.id,
        at: decode_timestamp(&row.at).map_err(&bad)?,
        user: row.user_name,
        field: decode_field(&row.field).map_err(&bad)?,
        before: row.before_text,
        after: row.after_text,
    })
}

/// A page of the history of a sheet (`item_no`) or of the edition (`None`) in `order`,
/// texts cut to `clip` characters, with the number of entries in all. The caller has checked
/// that the sheet or edition exists.
pub(crate) async fn audit_page(
    conn: &mut Conn,
    report_id: i64,
    item_no: Option<ItemNo>,
    order: HistoryOrder,
    offset: u64,
    limit: u32,
    clip: u32,
) -> Result<AuditPage, StoreError> {
    let offset = i64::try_from(offset).map_err(|_| StoreError::OutOfRange {
        what: "履歴の位置",
        value: offset.to_string(),
    })?;
    let (total, rows): (i64, Vec<AuditExcerptRow>) = match item_no {
        Some(no) => {
            let no = i64::from(no.0);
            let total = sqlx::query_scalar(sql::COUNT_SHEET_AUDIT)
                .bind(report_id)
                .bind(no)
                .fetch_one(&mut *conn)
                .await?;
            let query = match order {
                HistoryOrder::NewestFirst => sql::SELECT_SHEET_AUDIT_PAGE,
                HistoryOrder::OldestFirst => sql::SELECT_SHEET_AUDIT_PAGE_OLDEST,
            };
            let rows = sqlx::query_as(query)
                .bind(report_id)
                .bind(no)
                .bind(i64::from(limit))
                .bind(offset)
                .bind(i64::from(clip))
                .fetch_all(&mut *conn)
                .await?;
            (total, rows)
        }
        None => {
            let total = sqlx::query_scalar(sql::COUNT_EDITION_AUDIT)
                .bind(report_id)
                .fetch_one(&mut *conn)
                .await?;
            let query = match order {
                HistoryOrder::NewestFirst => sql::SELECT_EDITION_AUDIT_PAGE,
                HistoryOrder::OldestFirst => sql::SELECT_EDITION_AUDIT_PAGE_OLDEST,
            };
            let rows = sqlx::query_as(query)
                .bind(report_id)
                .bind(i64::from(limit))
                .bind(offset)
                .bind(i64::from(clip))
                .fetch_all(&mut *conn)
                .await?;
            (total, rows)
        }
    };
    let entries = rows
        .into_iter()
        .map(|row| {
            let bad = corrupt("audit_log", row.row.id);
            let length = |n: i64| u64::try_from(n).map_err(|_| bad(format!("length {n}")));
            let before_chars = length(row.before_chars)?;
            let after_chars = length(row.after_chars)?;
            Ok(AuditExcerpt {
                entry: entry(row.row)?,
                before_chars,
                after_chars,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(AuditPage {
        entries,
        total: u64::try_from(total).unwrap_or_default(),
    })
}

/// One entry of a sheet's history, whole; [`StoreError::AuditEntryNotFound`] when the sheet
/// has none of that id.
pub(crate) async fn audit_entry(
    conn: &mut Conn,
    report_id: i64,
    item_no: ItemNo,
    id: i64,
) -> Result<AuditEntry, StoreError> {
    let row: Option<AuditRow> = sqlx::query_as(sql::SELECT_SHEET_AUDIT_ENTRY)
        .bind(report_id)
        .bind(i64::from(item_no.0))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map_or(Err(StoreError::AuditEntryNotFound { id }), entry)
}
