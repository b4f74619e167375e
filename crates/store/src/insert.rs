//! The multi-row `INSERT` every write of a report's rows goes through: [`insert_rows`] binds
//! the values of many rows into as few statements as the placeholder limit allows (the text
//! of each statement is made by [`sql::Insert`]).

use super::{Conn, Db, Row, engine};
use crate::{StoreError, sql};

/// A statement being built by [`insert_rows`].
pub(crate) type Query = sqlx::query::Query<'static, Db, <Db as sqlx::Database>::Arguments>;

/// Inserts `rows` with `insert`, as many rows per statement as the placeholder limit allows
/// (usually one statement), binding each row's values with `bind`; returns the rows the
/// statements return (`RETURNING`), in no particular order. The statements are not kept in
/// the connection's statement cache: their text depends on the number of rows.
pub(crate) async fn insert_rows<T>(
    conn: &mut Conn,
    insert: &sql::Insert,
    rows: &[T],
    mut bind: impl FnMut(Query, &T) -> Result<Query, StoreError>,
) -> Result<Vec<Row>, StoreError> {
    let mut returned = Vec::new();
    for chunk in rows.chunks(insert.rows_per_statement()) {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(
            insert.sql(chunk.len(), engine::NUMBERED_PLACEHOLDERS),
        ))
        .persistent(false);
        for row in chunk {
            query = bind(query, row)?;
        }
        returned.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(returned)
}
