//! Users and sessions: unique user names, password changes, sessions that expire at their
//! expiry time, and tokens and hashes kept out of logs.

use chrono::{DateTime, Duration, Utc};
use kaikaku_model::workflow::Role;
use kaikaku_store::{Cycle, Session, StoreError};

use super::new_user;
use crate::{assert_refused, temp_store};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an RFC 3339 timestamp")
        .with_timezone(&Utc)
}

#[tokio::test]
async fn users_have_unique_names() {
    let db = temp_store().await;
    let store = &db.store;
    let id = store
        .create_user(&new_user("zaisei", Role::Editor, Some("財政課")))
        .await
        .expect("create");
    // Refused: taken.
    let err = assert_refused(
        store
            .create_user(&new_user("zaisei", Role::Admin, None))
            .await,
        |e| matches!(e, StoreError::DuplicateUser { name } if name == "zaisei"),
    );
    assert_eq!(
        err.to_string(),
        "ユーザー名「zaisei」はすでに使われています"
    );

    let user = store.user(id).await.expect("read").expect("exists");
    assert_eq!(user.name, "zaisei");
    assert_eq!(user.role, Role::Editor);
    assert_eq!(user.department.as_deref(), Some("財政課"));
    // Stored to the second, as written a moment ago.
    assert_eq!(user.created_at.timestamp_subsec_nanos(), 0);
    let age = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()) - user.created_at;
    assert!(
        age >= chrono::Duration::zero() && age < chrono::Duration::minutes(5),
        "{age}"
    );
    assert_eq!(
        store.user_by_name("zaisei").await.expect("read"),
        Some(user.clone())
    );
    assert_eq!(store.user_by_name("nobody").await.expect("read"), None);
    assert_eq!(store.user(id + 1).await.expect("read"), None);
    assert!(
        !format!("{user:?}").contains("argon2"),
        "the hash stays out of logs"
    );

    store
        .create_user(&new_user("admin", Role::Admin, None))
        .await
        .expect("create");
    let names: Vec<String> = store
        .list_users()
        .await
        .expect("list")
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["admin", "zaisei"]);

    store
        .set_password_hash(id, "$argon2id$new")
        .await
        .expect("change password");
    assert_eq!(
        store
            .user(id)
            .await
            .expect("read")
            .expect("exists")
            .password_hash,
        "$argon2id$new"
    );
    // Refused: no such user.
    assert_refused(store.set_password_hash(id + 100, "x").await, |e| {
        matches!(e, StoreError::UserNotFound { .. })
    });
}

#[tokio::test]
async fn sessions_expire() {
    let db = temp_store().await;
    let store = &db.store;
    let id = store
        .create_user(&new_user("seisaku", Role::Admin, None))
        .await
        .expect("user");
    let now = at("2026-11-29T09:00:00Z");
    let session = Session {
        token_hash: "hash-of-token".into(),
        user_id: id,
        csrf_token: "q8ZfT2xw".into(),
        expires_at: now + Duration::hours(8),
    };
    store.create_session(&session).await.expect("create");
    store
        .create_session(&Session {
            token_hash: "old".into(),
            expires_at: now - Duration::minutes(1),
            ..session.clone()
        })
        .await
        .expect("create an expired one");

    let (found, user) = store
        .session("hash-of-token", now)
        .await
        .expect("read")
        .expect("live");
    assert_eq!(found, session);
    assert_eq!(user.name, "seisaku");
    let logged = format!("{found:?}");
    assert!(
        !logged.contains("q8ZfT2xw") && !logged.contains("hash-of-token"),
        "tokens stay out of logs: {logged}"
    );
    assert_eq!(store.session("unknown", now).await.expect("read"), None);
    assert_eq!(store.session("old", now).await.expect("read"), None);
    assert_eq!(
        store
            .session("hash-of-token", now + Duration::hours(8))
            .await
            .expect("read"),
        None,
        "expired at its expiry time"
    );

    assert_eq!(store.delete_expired_sessions(now).await.expect("purge"), 1);
    assert!(
        store
            .session("hash-of-token", now)
            .await
            .expect("read")
            .is_some()
    );
    store
        .delete_session("hash-of-token")
        .await
        .expect("log out");
    store
        .delete_session("hash-of-token")
        .await
        .expect("twice is fine");
    assert_eq!(
        store.session("hash-of-token", now).await.expect("read"),
        None
    );

    store.create_session(&session).await.expect("log in again");
    assert_eq!(
        store.delete_user_sessions(id).await.expect("all of them"),
        1
    );

    // Refused: no such user.
    assert_refused(
        store
            .create_session(&Session {
                user_id: id + 1,
                ..session
            })
            .await,
        |e| matches!(e, StoreError::UserNotFound { .. }),
    );
}
