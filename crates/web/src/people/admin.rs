//! The policy division's pages (admins only): `GET /admin/users` (the users) and
//! `POST /admin/users` (create one, by the rules of [`super::users`]: the name normalised and
//! unlike every existing one).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaikaku_model::workflow::Role;
use kaikaku_store::{Cycle, StoreError, User};
use serde::Deserialize;

use super::users;
use crate::http::forms::Form;
use crate::people::auth::{AuthUser, require};
use crate::views::{Crumb, Layout};
use crate::{AppState, Error};

/// The users page.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "admin_users.html")]
pub(crate) struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    roles: Vec<RoleOption>,
    /// The values of a refused form, shown again (never the password).
    name: String,
    department: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

/// One user in the list.
#[derive(Debug)]
struct UserRow {
    name: String,
    role_label: &'static str,
    department: String,
    created_at: String,
}

/// One choice of the role select.
#[derive(Debug)]
struct RoleOption {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

/// `POST /admin/users`.
#[derive(Deserialize)]
pub(crate) struct NewUserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    password: String,
}

/// The values a refused form is shown again with.
struct Refused {
    name: String,
    role: String,
    department: String,
    error: String,
}

async fn users_page(
    state: &AppState,
    user: &AuthUser,
    notice: Option<&'static str>,
    refused: Option<Refused>,
) -> Result<UsersPage, Error> {
    let users = state.store().list_users().await?;
    let selected = refused.as_ref().map_or("editor", |r| r.role.as_str());
    Ok(UsersPage {
        layout: Layout {
            title: "ユーザー管理".to_owned(),
            crumbs: vec![
                Crumb::home(),
                Crumb {
                    label: "ユーザー管理".to_owned(),
                    href: None,
                },
            ],
            paper_a3: false,
            session: Some(user.bar()),
        },
        users: users.iter().map(row).collect(),
        roles: Role::ALL
            .iter()
            .map(|role| RoleOption {
                code: role.code(),
                label: role.label(),
                selected: role.code() == selected,
            })
            .collect(),
        name: refused.as_ref().map(|r| r.name.clone()).unwrap_or_default(),
        department: refused
            .as_ref()
            .map(|r| r.department.clone())
            .unwrap_or_default(),
        notice,
        error: refused.map(|r| r.error),
    })
}

fn row(user: &User) -> UserRow {
    UserRow {
        name: user.name.clone(),
        role_label: user.role.label(),
        department: user.department.clone().unwrap_or_default(),
        created_at: user
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

/// `GET /admin/users`.
pub(crate) async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    RawQuery(query): RawQuery,
) -> Result<UsersPage, Error> {
    require(&user, &[Role::Admin])?;
    let notice = (query.as_deref() == Some("created=1")).then_some("ユーザーを登録しました。");
    users_page(&state, &user, notice, None).await
}

/// `POST /admin/users`: creates a user, then shows the list again.
pub(crate) async fn create(
    State(state): State<AppState>,
    user: AuthUser,
    Form(form): Form<NewUserForm>,
) -> Result<Response, Error> {
    require(&user, &[Role::Admin])?;
    let NewUserForm {
        name,
        role,
        department,
        password,
    } = form;
    let refuse = |error: String| Refused {
        name: name.clone(),
        role: role.clone(),
        department: department.clone(),
        error,
    };
    let Some(parsed) = Role::from_code(&role) else {
        let page = users_page(
            &state,
            &user,
            None,
            Some(refuse("役割を選んでください".to_owned())),
        );
        return Ok((StatusCode::BAD_REQUEST, page.await?).into_response());
    };
    let (n, d) = (name.clone(), department.clone());
    let new_user =
        tokio::task::spawn_blocking(move || users::new_user(&n, parsed, Some(&d), &password))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
    let error = match new_user {
        Ok(new_user) => {
            // Names equal after normalising and case folding are refused before the store's
            // own uniqueness (of the exact name) is asked.
            let existing = state.store().list_users().await?;
            match users::check_unique(&new_user.name, &existing) {
                Err(error) => error.to_string(),
                Ok(()) => match state.store().create_user(&new_user).await {
                    Ok(_) => {
                        tracing::info!(by = %user.name, user = %new_user.name, "user created");
                        return Ok(Redirect::to("/admin/users?created=1").into_response());
                    }
                    Err(error @ StoreError::DuplicateUser { .. }) => error.to_string(),
                    Err(error) => return Err(error.into()),
                },
            }
        }
        Err(users::UserError::Password(kaikaku_auth::AuthError::Crypto(e))) => {
            return Err(Error::Internal(e));
        }
        Err(error) => error.to_string(),
    };
    let page = users_page(&state, &user, None, Some(refuse(error))).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}
