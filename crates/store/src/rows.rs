//! The rows the store reads, named: one struct per statement whose columns it names (the
//! statements in [`crate::sql`] give every column the name of its field), and the decoding
//! of the rows that more than one operation reads.

use crate::codec::{corrupt, decode_role};
use crate::{StoreError, User};

/// A `users` row: id, name, role, department, password hash, created at.
pub(crate) type UserRow = (i64, String, String, Option<String>, String, String);

/// A user from its row.
pub(crate) fn decode_user(row: UserRow) -> Result<User, StoreError> {
    let (id, name, role, department, password_hash, created_at) = row;
    Ok(User {
        id,
        name,
        role: decode_role(&role).map_err(corrupt("users", id))?,
        department,
        password_hash,
        created_at,
    })
}
