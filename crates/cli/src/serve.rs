//! `kaikaku serve`: the web server of `kaikaku-web` on the database the options or the
//! environment name ([`DbTarget::configured`]), or with `--demo` on a
//! fresh database loaded with the sample reports compiled into the binary, so that the demo
//! works from any directory, with demo users whose log-ins are printed, and with the next
//! report year of 楓町 opened so that the demo users have sheets to fill in. The server's
//! timeouts and limits and the pool's acquire timeout come from [`ServeLimits`].

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use kaikaku_model::workflow::Role;
use kaikaku_model::{Limits, LocalGovernmentCode, Municipality};
use kaikaku_store::{Cycle, Database, PoolSettings};
use kaikaku_web::people::auth::{TrustedProxies, TrustedProxy};
use kaikaku_web::{AppState, ServerSettings};
use tempfile::TempDir;
use tokio::net::TcpListener;

use crate::args::ServeLimits;
use crate::database::{DbTarget, open_store_with};
use crate::import::report::save_read;
use crate::input::read_bytes;
use crate::outcome::Outcome;
use crate::render;

/// The bundled fictional samples (`samples/`), imported by `--demo` in this order, with their
/// towns' invented 地方公共団体コード: prefecture `99` does not exist, so they can never be
/// taken for a real municipality's.
const DEMO_SAMPLES: [(&str, &[u8], &str, &str); 2] = [
    (
        "kaedemachi_r6.txt",
        include_bytes!("../../../samples/kaedemachi_r6.txt"),
        "999997",
        "楓町",
    ),
    (
        "sakuragawa_h30.txt",
        include_bytes!("../../../samples/sakuragawa_h30.txt"),
        "999989",
        "桜川市",
    ),
];

/// The demo's users, created by `--demo` and printed with their log-ins: name, password, role,
/// department. One editor per department of the 楓町 items the demo cycle uses.
const DEMO_USERS: [(&str, &str, Role, Option<&str>); 4] = [
    ("admin", "demo-admin-pass", Role::Admin, Some("政策課")),
    (
        "editor-somu",
        "demo-somu-pass",
        Role::Editor,
        Some("総務課"),
    ),
    (
        "editor-zaisei",
        "demo-zaisei-pass",
        Role::Editor,
        Some("財政課"),
    ),
    ("reviewer", "demo-reviewer-pass", Role::Reviewer, None),
];

/// The plan whose next report year `--demo` opens (the bundled 楓町 report is its FY2024).
const DEMO_CYCLE_PLAN: &str = "第3次楓町行政改革実施計画";
/// The year `--demo` opens for it: 令和7年度.
const DEMO_CYCLE_YEAR: i32 = 2025;
/// How many days after today the demo's sheets are due.
const DEMO_DUE_DAYS: usize = 30;

/// Runs the server until Ctrl-C or SIGTERM, every sheet save checked against `limits` (and
/// with `demo`, the bundled samples too).
///
/// Fails when the database cannot be opened or prepared, the address cannot be bound, or the
/// server stops on an error.
pub fn run(
    db: Option<&Path>,
    database_url: Option<&str>,
    addr: &str,
    demo: bool,
    limits: Limits,
    network: &ServeLimits,
    trusted_proxies: &[TrustedProxy],
) -> anyhow::Result<Outcome> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("非同期ランタイムを起動できません")?
        .block_on(serve(
            db,
            database_url,
            addr,
            demo,
            limits,
            network,
            trusted_proxies,
        ))
}

/// The server's settings from the options.
fn server_settings(network: &ServeLimits) -> ServerSettings {
    ServerSettings {
        header_timeout: network.header_timeout,
        body_timeout: network.body_timeout,
        idle_timeout: network.idle_timeout,
        max_connections: network.max_connections,
        max_connections_per_peer: network.max_connections_per_peer,
        max_body_bytes: network.max_body_bytes,
    }
}

/// The connection pool's settings from the options.
fn pool_settings(network: &ServeLimits) -> PoolSettings {
    PoolSettings {
        acquire_timeout: network.db_acquire_timeout,
        ..PoolSettings::default()
    }
}

async fn serve(
    db: Option<&Path>,
    database_url: Option<&str>,
    addr: &str,
    demo: bool,
    limits: Limits,
    network: &ServeLimits,
    trusted_proxies: &[TrustedProxy],
) -> anyhow::Result<Outcome> {
    let pool = pool_settings(network);
    // The temporary directory of the demo lives as long as the server and is removed after it.
    let (store, _demo_dir, demo_edition) = if demo {
        demo_store(db, &limits, &pool).await?
    } else {
        (
            open_store_with(&DbTarget::configured(database_url, db), &pool).await?,
            None,
            None,
        )
    };
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("{addr} で待ち受けできません"))?;
    let local = listener
        .local_addr()
        .context("待ち受けているアドレスを取得できません")?;
    {
        let mut out = io::stdout().lock();
        writeln!(out, "listening on http://{local}/")?;
        writeln!(
            out,
            "ブラウザで http://{local}/ を開いてください。Ctrl-C で停止します。"
        )?;
        if demo {
            demo_logins(&mut out, &format!("http://{local}/login"))?;
        }
        if let Some(id) = demo_edition {
            writeln!(
                out,
                "記入中の報告（{DEMO_CYCLE_PLAN} 令和7年度）の進捗一覧: http://{local}/editions/{id}"
            )?;
        }
        out.flush()?;
    }
    let state = AppState::new(store)
        .with_page_max_age(std::time::Duration::from_secs(1))
        .with_limits(limits)
        .with_heavy_limits(network.max_heavy_per_user, network.max_heavy_per_address);
    // Trusted reverse proxies (--trusted-proxy, KAIKAKU_TRUSTED_PROXIES).
    if !trusted_proxies.is_empty() {
        let listed: Vec<String> = trusted_proxies.iter().map(ToString::to_string).collect();
        tracing::info!(proxies = %listed.join(", "), "trusting X-Forwarded-For");
    }
    let state = state.with_trusted_proxies(TrustedProxies::new(trusted_proxies.iter().copied()));
    kaikaku_web::serve(listener, state, server_settings(network))
        .await
        .context("サーバーがエラーで停止しました")?;
    Ok(Outcome::Success)
}

/// A fresh database with the bundled samples, the demo users and the next report year of 楓町
/// open: `db` after deleting it (and its WAL files), or `demo.db` in a new temporary directory,
/// returned so that the caller keeps it alive, with the id of the open edition.
async fn demo_store(
    db: Option<&Path>,
    limits: &Limits,
    pool: &PoolSettings,
) -> anyhow::Result<(Database, Option<TempDir>, Option<i64>)> {
    let (path, dir) = match db {
        Some(path) => {
            remove_database(path)?;
            (path.to_path_buf(), None)
        }
        None => {
            let dir = tempfile::Builder::new()
                .prefix("kaikaku-demo-")
                .tempdir()
                .context("デモ用の一時ディレクトリを作れません")?;
            (dir.path().join("demo.db"), Some(dir))
        }
    };
    let store = open_store_with(&DbTarget::named(&path), pool).await?;
    let mut out = io::stdout().lock();
    writeln!(out, "demo database: {}", path.display())?;
    for (name, bytes, code, town) in DEMO_SAMPLES {
        let mut read = read_bytes(name, bytes, None, limits)?;
        read.report.municipality = Some(Municipality {
            code: LocalGovernmentCode::parse(code)?,
            name: town.to_owned(),
        });
        let findings = kaikaku_check::check(&read.report).len();
        let line = save_read(&store, name, &read)
            .await
            .with_context(|| name.to_owned())?;
        writeln!(out, "{name}: {line}, {findings} findings")?;
    }
    out.flush()?;
    for (name, password, role, department) in DEMO_USERS {
        let user = kaikaku_web::people::users::new_user(name, role, department, password)?;
        store
            .create_user(&user)
            .await
            .with_context(|| format!("デモ用のユーザー「{name}」を登録できません"))?;
    }
    let edition = open_demo_cycle(&store).await?;
    Ok((store, dir, Some(edition)))
}

/// Opens 令和7年度 of 楓町 as the demo admin, due [`DEMO_DUE_DAYS`] days from today, prints
/// it, and returns the edition's id.
async fn open_demo_cycle(store: &Database) -> anyhow::Result<i64> {
    use kaikaku_store::Store;
    let context = || format!("デモ用に{DEMO_CYCLE_PLAN}の令和7年度を開始できません");
    let plan_id = store
        .list_reports()
        .await?
        .iter()
        .find(|r| r.plan_name == DEMO_CYCLE_PLAN)
        .map(|r| r.plan_id)
        .with_context(context)?;
    let admin = store
        .user_by_name(DEMO_USERS[0].0)
        .await?
        .with_context(context)?;
    let year = kaikaku_model::FiscalYear::new(DEMO_CYCLE_YEAR).with_context(context)?;
    let today = kaikaku_web::cycle::service::today();
    let due = today.iter_days().nth(DEMO_DUE_DAYS).unwrap_or(today);
    let id = store
        .open_cycle(plan_id, year, Some(due), admin.id)
        .await
        .with_context(context)?;
    let sheets = store.sheets(id).await?.len();
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "demo cycle: {DEMO_CYCLE_PLAN} {}: {sheets} sheets, due {} (edition {id})",
        year.label(),
        kaikaku_model::calendar::wareki_date(due)
    )?;
    out.flush()?;
    Ok(id)
}

/// Prints the demo's log-ins: where to log in and a table of names and passwords.
fn demo_logins(out: &mut dyn Write, login_url: &str) -> io::Result<()> {
    writeln!(out, "デモ用のログイン（{login_url}）:")?;
    let header = ["ユーザー名", "パスワード", "役割", "課"].map(String::from);
    let rows: Vec<[String; 4]> = DEMO_USERS
        .iter()
        .map(|(name, password, role, department)| {
            [
                (*name).to_owned(),
                (*password).to_owned(),
                role.label().to_owned(),
                department.unwrap_or_default().to_owned(),
            ]
        })
        .collect();
    let mut table = Vec::new();
    render::table(&mut table, &header, &rows)?;
    for line in String::from_utf8_lossy(&table).lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

/// Deletes a SQLite database file and its `-wal`/`-shm` companions; a missing file is fine.
fn remove_database(path: &Path) -> anyhow::Result<()> {
    let mut files = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        files.push(PathBuf::from(name));
    }
    for file in files {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e)
                    .context("デモ用に作り直すデータベースを削除できません")
                    .with_context(|| file.display().to_string());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_default_to_the_settings_defaults_and_are_passed_on() {
        use clap::Parser;
        let parsed = crate::args::Cli::try_parse_from(["kaikaku", "serve"]).expect("parses");
        let crate::args::Command::Serve { network, .. } = parsed.command else {
            panic!("serve");
        };
        assert_eq!(server_settings(&network), ServerSettings::default());
        assert_eq!(pool_settings(&network), PoolSettings::default());
        assert_eq!(
            (network.max_heavy_per_user, network.max_heavy_per_address),
            (
                kaikaku_web::people::concurrency::DEFAULT_HEAVY_PER_USER,
                kaikaku_web::people::concurrency::DEFAULT_HEAVY_PER_ADDRESS
            )
        );

        let parsed = crate::args::Cli::try_parse_from([
            "kaikaku",
            "serve",
            "--header-timeout",
            "2.5",
            "--body-timeout",
            "7",
            "--idle-timeout",
            "8",
            "--max-connections",
            "9",
            "--max-connections-per-peer",
            "3",
            "--max-body-bytes",
            "2048",
            "--db-acquire-timeout",
            "0.5",
        ])
        .expect("parses");
        let crate::args::Command::Serve { network, .. } = parsed.command else {
            panic!("serve");
        };
        assert_eq!(
            server_settings(&network),
            ServerSettings {
                header_timeout: std::time::Duration::from_millis(2500),
                body_timeout: std::time::Duration::from_secs(7),
                idle_timeout: std::time::Duration::from_secs(8),
                max_connections: 9,
                max_connections_per_peer: 3,
                max_body_bytes: 2048,
            }
        );
        assert_eq!(
            pool_settings(&network).acquire_timeout,
            std::time::Duration::from_millis(500)
        );
        assert!(
            crate::args::Cli::try_parse_from(["kaikaku", "serve", "--idle-timeout", "0"]).is_err()
        );
    }

    #[test]
    fn demo_passwords_are_long_enough_and_editors_have_departments() {
        for (name, password, role, department) in DEMO_USERS {
            assert!(
                password.chars().count() >= kaikaku_auth::MIN_PASSWORD_CHARS,
                "{name}"
            );
            assert!(
                kaikaku_web::people::users::check_department(role, department).is_ok(),
                "{name}"
            );
        }
        let mut out = Vec::new();
        demo_logins(&mut out, "http://127.0.0.1:8080/login").expect("writes");
        let out = String::from_utf8(out).expect("UTF-8");
        assert!(
            out.starts_with("デモ用のログイン（http://127.0.0.1:8080/login）:\n"),
            "{out}"
        );
        assert!(
            out.contains("  editor-somu    demo-somu-pass      記入担当課"),
            "{out}"
        );
    }

    #[test]
    fn the_bundled_samples_read() {
        for (name, bytes, code, _) in DEMO_SAMPLES {
            let read = read_bytes(name, bytes, None, &Limits::default()).expect("reads");
            assert!(!read.report.items.is_empty(), "{name}");
            assert_eq!(
                LocalGovernmentCode::parse(code).map(|c| c.prefecture()),
                Ok(99)
            );
        }
    }

    #[test]
    fn removing_a_database_removes_its_wal_files_and_tolerates_missing_ones() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("x.db");
        for name in ["x.db", "x.db-wal", "x.db-shm", "y.db"] {
            std::fs::write(dir.path().join(name), b"").expect("writes");
        }
        remove_database(&db).expect("removes");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("lists")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(left, vec!["y.db"]);
        remove_database(&db).expect("nothing to remove is fine");
    }
}
