//! Users and log-in sessions: the rows, and their conversion to [`User`] and [`Session`].

use chrono::{DateTime, Utc};

use super::Conn;
use super::guard::require_user;
use crate::codec::{corrupt, decode_timestamp, encode_timestamp, now_rfc3339};
use crate::rows::{SessionRow, UserRow};
use crate::{NewUser, Session, StoreError, User, sql};

pub(crate) async fn create_user(conn: &mut Conn, user: &NewUser) -> Result<i64, StoreError> {
    let inserted = sqlx::query_scalar(sql::INSERT_USER)
        .bind(&user.name)
        .bind(user.role.code())
        .bind(user.department.as_deref())
        .bind(&user.password_hash)
        .bind(now_rfc3339())
        .fetch_one(&mut *conn)
        .await;
    match inserted {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(StoreError::DuplicateUser {
                name: user.name.clone(),
            })
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn user(conn: &mut Conn, id: i64) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = sqlx::query_as(sql::SELECT_USER)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(UserRow::decode).transpose()
}

pub(crate) async fn user_by_name(conn: &mut Conn, name: &str) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = sqlx::query_as(sql::SELECT_USER_BY_NAME)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(UserRow::decode).transpose()
}

pub(crate) async fn list_users(conn: &mut Conn) -> Result<Vec<User>, StoreError> {
    let rows: Vec<UserRow> = sqlx::query_as(sql::SELECT_USERS)
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter().map(UserRow::decode).collect()
}

pub(crate) async fn set_password_hash(
    conn: &mut Conn,
    user_id: i64,
    hash: &str,
) -> Result<(), StoreError> {
    let updated: Option<i64> = sqlx::query_scalar(sql::UPDATE_PASSWORD_HASH)
        .bind(user_id)
        .bind(hash)
        .fetch_optional(&mut *conn)
        .await?;
    match updated {
        Some(_) => Ok(()),
        None => Err(StoreError::UserNotFound { id: user_id }),
    }
}

pub(crate) async fn create_session(conn: &mut Conn, session: &Session) -> Result<(), StoreError> {
    require_user(conn, session.user_id).await?;
    sqlx::query(sql::INSERT_SESSION)
        .bind(&session.token_hash)
        .bind(session.user_id)
        .bind(&session.csrf_token)
        .bind(now_rfc3339())
        .bind(encode_timestamp(session.expires_at))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn session(
    conn: &mut Conn,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Session, User)>, StoreError> {
    let row: Option<SessionRow> = sqlx::query_as(sql::SELECT_SESSION)
        .bind(token_hash)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    // Sessions have a text key; the user id names the row well enough for a report.
    let expires_at = decode_timestamp(&row.expires_at).map_err(corrupt("sessions", row.user.id))?;
    if expires_at <= now {
        return Ok(None);
    }
    let user = row.user.decode()?;
    let session = Session {
        token_hash: row.token_hash,
        user_id: user.id,
        csrf_token: row.csrf_token,
        expires_at,
    };
    Ok(Some((session, user)))
}

pub(crate) async fn delete_session(conn: &mut Conn, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query(sql::DELETE_SESSION)
        .bind(token_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn delete_user_sessions(conn: &mut Conn, user_id: i64) -> Result<u64, StoreError> {
    let done = sqlx::query(sql::DELETE_USER_SESSIONS)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

pub(crate) async fn delete_expired_sessions(
    conn: &mut Conn,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let done = sqlx::query(sql::DELETE_EXPIRED_SESSIONS)
        .bind(encode_timestamp(now))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
