//! `kaikaku user add|list|passwd`: the users who log in to the web server, managed from the
//! command line (the first admin is made here). The rules for names, departments and
//! passwords are the web layer's ([`kaikaku_web::people::users`], [`kaikaku_auth::check_password`]),
//! so both refuse the same things with the same Japanese messages: names are stored in NFKC and
//! refused when invisible characters, mixed Latin/Greek/Cyrillic letters or a name equal after
//! case folding make them confusable; passwords that are short or only white space.

use std::io::{self, BufRead, IsTerminal, Write};

use anyhow::{Context, anyhow, bail};
use kaikaku_model::workflow::Role;
use kaikaku_store::Cycle;
use kaikaku_web::people::users;

use crate::args::UserCommand;
use crate::database::{DbTarget, open_store};
use crate::outcome::Outcome;
use crate::render;
use crate::visible::{Visible, visible};

/// Runs a `kaikaku user` subcommand.
///
/// Fails when the database cannot be opened, a rule is broken (name, department, password),
/// the name is taken or unknown, or the password cannot be read.
pub async fn run(command: UserCommand) -> anyhow::Result<Outcome> {
    match command {
        UserCommand::Add {
            name,
            role,
            department,
            db,
        } => add(&name, role.into(), department.as_deref(), &db.target()).await,
        UserCommand::List { db } => list(&db.target()).await,
        UserCommand::Passwd { name, db } => passwd(&name, &db.target()).await,
    }
}

async fn add(
    name: &str,
    role: Role,
    department: Option<&str>,
    db: &DbTarget,
) -> anyhow::Result<Outcome> {
    // Everything that can be checked is checked before the password is asked for.
    let name = users::user_name(name)?;
    users::check_department(role, department)?;
    let store = open_store(db).await?;
    let existing = store
        .list_users()
        .await
        .context("ユーザーの一覧を読めません")?;
    users::check_unique(&name, &existing)?;
    let password = read_new_password()?;
    let user = users::new_user(&name, role, department, &password)?;
    let id = store
        .create_user(&user)
        .await
        .context("ユーザーを登録できません")?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "ユーザー「{name}」を登録しました（id {id}、{}{}）",
        role.label(),
        user.department
            .as_deref()
            .map(|d| format!("、{d}"))
            .unwrap_or_default()
    )?;
    out.flush()?;
    Ok(Outcome::Success)
}

async fn list(db: &DbTarget) -> anyhow::Result<Outcome> {
    let store = open_store(db).await?;
    let users = store
        .list_users()
        .await
        .context("ユーザーの一覧を読めません")?;
    let mut out = Visible::new(io::stdout().lock());
    render::users(&mut out, &users)?;
    out.flush()?;
    Ok(Outcome::Success)
}

async fn passwd(name: &str, db: &DbTarget) -> anyhow::Result<Outcome> {
    let store = open_store(db).await?;
    let normalised = users::login_name(name);
    let mut user = store.user_by_name(&normalised).await?;
    if user.is_none() && normalised != name {
        // A name stored before names were normalised.
        user = store.user_by_name(name).await?;
    }
    let user = user.ok_or_else(|| anyhow!("ユーザー「{}」はいません", visible(name)))?;
    let name = user.name.as_str();
    let password = read_new_password()?;
    let hash = kaikaku_auth::hash_password(&password)?;
    store
        .set_password_hash(user.id, &hash)
        .await
        .context("パスワードを保存できません")?;
    let ended = store
        .delete_user_sessions(user.id)
        .await
        .context("ログイン中のセッションを終了できません")?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "ユーザー「{name}」のパスワードを変更しました（ログイン中のセッション{ended}件を終了しました）"
    )?;
    out.flush()?;
    Ok(Outcome::Success)
}

/// A new password: asked twice without echo when stdin is a terminal, else the first line of
/// stdin (without its line ending), so that scripts can pipe it.
fn read_new_password() -> anyhow::Result<String> {
    if io::stdin().is_terminal() {
        let first = rpassword::prompt_password("パスワード: ").context("パスワードを読めません")?;
        let second =
            rpassword::prompt_password("パスワード（確認）: ").context("パスワードを読めません")?;
        if first != second {
            bail!("パスワードが一致しません");
        }
        return Ok(first);
    }
    let mut line = String::new();
    io::stdin()
        .lock()
        .read_line(&mut line)
        .context("標準入力からパスワードを読めません")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}
