//! `GET /account` (アカウント: who is logged in) and `POST /account/password` (a password
//! change, which needs the current password, ends every other session of the user and
//! starts a fresh one for this browser).

use std::time::Instant;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kaikaku_store::Cycle;
use serde::Deserialize;

use crate::http::forms::Form;
use crate::people::auth::{AuthUser, client_address, start_session};
use crate::people::login::{see_other, verify_password};
use crate::views::{Crumb, Layout};
use crate::{AppState, Error};

/// The account page.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "account.html")]
pub(crate) struct AccountPage {
    layout: Layout,
    name: String,
    role_label: &'static str,
    department: Option<String>,
    /// Shown after a successful change.
    notice: Option<&'static str>,
    /// Why the change was refused.
    error: Option<String>,
}

/// `POST /account/password`.
#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_confirm: String,
}

fn account_page(
    user: &AuthUser,
    notice: Option<&'static str>,
    error: Option<String>,
) -> AccountPage {
    AccountPage {
        layout: Layout {
            title: "アカウント".to_owned(),
            crumbs: vec![
                Crumb::home(),
                Crumb {
                    label: "アカウント".to_owned(),
                    href: None,
                },
            ],
            paper_a3: false,
            session: Some(user.bar()),
        },
        name: user.name.clone(),
        role_label: user.role.label(),
        department: user.department.clone(),
        notice,
        error,
    }
}

/// `GET /account`.
pub(crate) async fn page(user: AuthUser, RawQuery(query): RawQuery) -> AccountPage {
    let changed = query.as_deref() == Some("changed=1");
    let notice = changed
        .then_some("パスワードを変更しました。ほかの端末やブラウザーでのログインは終了しました。");
    account_page(&user, notice, None)
}

/// `POST /account/password`.
pub(crate) async fn change_password(
    State(state): State<AppState>,
    user: AuthUser,
    extensions: Extensions,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, Error> {
    let refuse = |message: String| {
        (
            StatusCode::BAD_REQUEST,
            account_page(&user, None, Some(message)),
        )
            .into_response()
    };
    let now = Instant::now();
    let address = client_address(&state, &extensions, &headers);
    state.throttles().check(&user.name, &address, now)?;
    let stored = state
        .store()
        .user(user.id)
        .await?
        .ok_or(Error::LoginRequired { next: None })?;
    if !verify_password(form.current_password, stored.password_hash).await? {
        state.throttles().record_failure(&user.name, &address, now);
        return Ok(refuse("現在のパスワードが正しくありません。".to_owned()));
    }
    if form.new_password != form.new_password_confirm {
        return Ok(refuse(
            "新しいパスワードと確認用のパスワードが一致しません。".to_owned(),
        ));
    }
    let hashed =
        tokio::task::spawn_blocking(move || kaikaku_auth::hash_password(&form.new_password))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
    let hash = match hashed {
        Ok(hash) => hash,
        Err(error @ (kaikaku_auth::AuthError::TooShort | kaikaku_auth::AuthError::Blank)) => {
            return Ok(refuse(error.to_string()));
        }
        Err(error) => return Err(Error::Internal(error.to_string())),
    };
    state.store().set_password_hash(user.id, &hash).await?;
    state.store().delete_user_sessions(user.id).await?;
    let cookie = start_session(&state, user.id).await?;
    tracing::info!(user = %user.name, "password changed");
    Ok(see_other("/account?changed=1", cookie))
}
