//! The append-only audit log (`audit_log`): one row per change of a field or of a state, of
//! a sheet or of an edition, written in the transaction of the change; and reading it back.
//! The database refuses updates and deletes of its rows (a trigger, see the migrations).

use kaikaku_model::ItemNo;
use kaikaku_model::workflow::{EditionState, Field, FieldChange};

use super::Conn;
use crate::codec::{corrupt, decode_field, decode_timestamp};
use crate::rows::AuditRow;
use crate::{AuditEntry, StoreError, sql};

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
    rows.into_iter()
        .map(|row| {
            let bad = corrupt("audit_log", row.id);
            Ok(AuditEntry {
                at: decode_timestamp(&row.at).map_err(&bad)?,
                user: row.user_name,
                field: decode_field(&row.field).map_err(&bad)?,
                before: row.before_text,
                after: row.after_text,
            })
        })
        .collect()
}
