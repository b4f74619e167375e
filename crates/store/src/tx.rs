//! The end of every transaction the store opens: [`finish`] commits a success and rolls back
//! a failure. Transactions begin in the engine file (`begin_write`, `begin_read`), which
//! decides how (`BEGIN IMMEDIATE` on SQLite, a plain `BEGIN` on PostgreSQL).

use sqlx::Transaction;

use super::Db;
use crate::StoreError;

/// Commits when `result` is a success, rolls back otherwise, and returns `result`.
pub(super) async fn finish<T>(
    tx: Transaction<'static, Db>,
    result: Result<T, StoreError>,
) -> Result<T, StoreError> {
    match result {
        Ok(value) => {
            tx.commit().await?;
            Ok(value)
        }
        Err(e) => {
            // The first error is the one worth reporting; a failed rollback still ends the
            // transaction when the connection is dropped or reused.
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}
