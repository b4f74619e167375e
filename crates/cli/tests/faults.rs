//! Fault tests: a department's work is never lost and never half-written.
//!
//! Every test runs the built `kaikaku` binary (`import`, `serve`, `user add`, `export`) on a
//! database of its own, made by ONE function, [`test_database`], on the engine of the run
//! (SQLite, or PostgreSQL with `KAIKAKU_TEST_POSTGRES`).
//!
//! - [`sigkill_during_imports_leaves_whole_reports_or_none`]: `kaikaku import` over many
//!   reports is killed with SIGKILL at seeded points (during the first migration, inside a
//!   file's transaction, during a replacement); afterwards every stored report equals the
//!   model read from its file, no child row lacks its parent, and a re-run completes.
//! - [`sigkill_during_saves_keeps_the_last_acknowledged_sheet_or_a_later_whole_one`]:
//!   `kaikaku serve` is killed while clients save sheets through the API; after a restart
//!   every sheet is the last acknowledged save or the one in flight, whole, and the audit log
//!   holds exactly one entry per stored version of each field the saves change.
//! - [`random_concurrent_editing_loses_no_update`]: clients edit the same few sheets through
//!   the API at once (read, change one field, save from the version read, re-read on 409);
//!   every acknowledged save is in the history once, versions have no gaps, and the last
//!   acknowledged save is what the sheet holds.
//! - `backup_then_restore_gives_an_identical_export_and_refuses_damage_and_data`: `kaikaku
//!   backup` while the server runs, after an import, a cycle opened and a sheet saved;
//!   `kaikaku restore` into a fresh database gives the same export, users, editions, sheets
//!   and audit log; a truncated or garbled backup and a target holding data are refused,
//!   changing nothing.
//!
//! Seeds are constants, so the kill points and the edits are the same on every run; only the
//! interleaving the operating system chooses varies, and every assertion holds for any.

use std::collections::{BTreeMap, HashMap};
use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use kaikaku_interchange::{ItemJson, ReportJson};
use kaikaku_model::{FiscalYear, Item, Report};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// The database of a test: the one place that decides the engine.

/// The database of one test, as the options every `kaikaku` command is given, and how to
/// look into it directly (orphan counts).
struct TestDb {
    /// `--db PATH` (SQLite) or `--database-url URL`.
    args: Vec<OsString>,
    engine: Engine,
    /// What must live as long as the test for the database to exist (a helper's handle that
    /// drops the database).
    _keep: Option<Box<dyn std::any::Any>>,
}

#[derive(Debug)]
enum Engine {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A database server (PostgreSQL), by URL; looked into with `psql`.
    Url(String),
}

impl TestDb {
    /// A database made by another helper, from the command-line options that name it
    /// (`--db PATH` or `--database-url URL`); the helper's handle is kept for the test's life.
    fn made_by<T: 'static>(handle: T, cli_args: impl Fn(&T) -> [&str; 2]) -> TestDb {
        let [option, target] = cli_args(&handle);
        let engine = match option {
            "--db" => Engine::Sqlite(PathBuf::from(target)),
            "--database-url" => Engine::Url(target.to_owned()),
            other => panic!("unknown database option {other}"),
        };
        TestDb {
            args: vec![option.into(), target.into()],
            engine,
            _keep: Some(Box::new(handle)),
        }
    }
}

/// THE function that makes the database of a test (a fresh one each call): on this run's
/// engine, a temporary SQLite file, or a fresh PostgreSQL database when
/// `KAIKAKU_TEST_POSTGRES` is set (`kaikaku_testdb`).
fn test_database() -> TestDb {
    TestDb::made_by(kaikaku_testdb::TestDb::new_blocking(), |db| db.cli_args())
}

// ---------------------------------------------------------------------------------------------
// Running the binary.

/// Seeds of everything random in this file ("kaikaku" in ASCII).
const SEED: u64 = 0x006b_6169_6b61_6b75;

fn kaikaku_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kaikaku"));
    command
        .current_dir(dir)
        .env("TMPDIR", dir)
        .env_remove("KAIKAKU_DB")
        .env_remove("KAIKAKU_DATABASE_URL")
        .env_remove("RUST_LOG");
    command
}

/// Runs `kaikaku ARGS DB-OPTIONS` to completion with `stdin` as its input: exit code, stdout,
/// stderr. A panic of the binary fails the test.
fn kaikaku(dir: &Path, args: &[&str], db: &TestDb, stdin: &str) -> (i32, String, String) {
    let mut child = kaikaku_command(dir)
        .args(args)
        .args(&db.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin.as_bytes())
        .expect("writes stdin");
    let output = child.wait_with_output().expect("the binary runs");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    assert!(!stderr.contains("panicked"), "{args:?}:\n{stderr}");
    let code = output.status.code().expect("exited, not killed");
    (code, stdout, stderr)
}

/// A spawned `kaikaku` process whose stdout lines arrive on a channel; SIGKILLed on drop so a
/// failing assertion never leaves it running.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr_log: PathBuf,
}

impl Running {
    fn spawn(dir: &Path, args: &[&OsStr], name: &str) -> Running {
        let stderr_log = dir.join(format!("{name}.stderr"));
        let mut child = kaikaku_command(dir)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_log).expect("log file"))
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            stderr_log,
        }
    }

    /// The next stdout line, or `None` when the process closed stdout.
    fn next_line(&self) -> Option<String> {
        match self.lines.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => Some(line),
            Err(mpsc::RecvTimeoutError::Disconnected) => None,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("no output for 2 minutes"),
        }
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
    }

    /// SIGKILL (`Child::kill` is SIGKILL on Unix) and the exit status.
    fn kill9(&mut self) -> ExitStatus {
        let _ = self.child.kill();
        self.child.wait().expect("waits for the killed process")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `kaikaku serve` on a free loopback port, ready once it printed `listening on`.
struct Server {
    process: Running,
    base: String,
}

impl Server {
    fn start(dir: &Path, db: &TestDb, name: &str) -> Server {
        let mut args: Vec<&OsStr> = vec![OsStr::new("serve")];
        args.extend(db.args.iter().map(OsString::as_os_str));
        args.extend(["--addr", "127.0.0.1:0"].map(OsStr::new));
        let process = Running::spawn(dir, &args, name);
        loop {
            let Some(line) = process.next_line() else {
                panic!("the server stopped before listening:\n{}", process.stderr());
            };
            if let Some(rest) = line.strip_prefix("listening on http://") {
                let addr = rest.strip_suffix('/').expect("ends with /");
                return Server {
                    base: format!("http://{addr}"),
                    process,
                };
            }
        }
    }
}

/// Imports `files` (asserting success) and adds the users (name, role, department; the
/// password is the name followed by `-password`).
fn prepare(dir: &Path, db: &TestDb, files: &[PathBuf], users: &[(&str, &str, Option<&str>)]) {
    let mut args = vec!["import".to_owned()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, stderr) = kaikaku(dir, &args, db, "");
    assert_eq!(code, 0, "{stderr}");
    for (name, role, department) in users {
        let mut args = vec!["user", "add", name, "--role", role];
        if let Some(department) = department {
            args.extend(["--department", department]);
        }
        let (code, _, stderr) = kaikaku(dir, &args, db, &format!("{name}-password\n"));
        assert_eq!(code, 0, "{stderr}");
    }
}

fn bundled(name: &str) -> PathBuf {
    kaikaku_fixtures::workspace_root()
        .join("samples")
        .join(name)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

// ---------------------------------------------------------------------------------------------
// Looking into the database.

/// Every foreign key of the schema (child table, column, parent table); the parent column is
/// `id`. Nullable columns count only when set.
const FOREIGN_KEYS: &[(&str, &str, &str)] = &[
    ("sessions", "user_id", "users"),
    ("reports", "plan_id", "plans"),
    ("report_fiscal_years", "report_id", "reports"),
    ("summary_rows", "report_id", "reports"),
    ("warnings", "report_id", "reports"),
    ("items", "report_id", "reports"),
    ("items", "updated_by", "users"),
    ("item_departments", "item_id", "items"),
    ("content_rows", "item_id", "items"),
    ("schedule_cells", "content_row_id", "content_rows"),
    ("actions", "item_id", "items"),
    ("narratives", "item_id", "items"),
    ("effect_rows", "item_id", "items"),
    ("quantities", "effect_row_id", "effect_rows"),
    ("evaluations", "item_id", "items"),
    ("reposts", "item_id", "items"),
    ("copied_fields", "item_id", "items"),
    ("comments", "item_id", "items"),
    ("comments", "author_id", "users"),
    ("comments", "resolved_by", "users"),
    ("audit_log", "report_id", "reports"),
    ("audit_log", "user_id", "users"),
    ("waivers", "item_id", "items"),
    ("waivers", "user_id", "users"),
    ("search_documents", "item_id", "items"),
    ("search_backlog", "report_id", "reports"),
];

/// The rows whose parent is missing, as `table.column: count`; empty when every child has
/// its parent. On SQLite also the integrity check, the foreign-key check and full-text index
/// rows of items that do not exist.
async fn orphans(db: &TestDb) -> Vec<String> {
    let queries: Vec<(String, String)> = FOREIGN_KEYS
        .iter()
        .map(|(child, column, parent)| {
            (
                format!("{child}.{column}"),
                format!(
                    "SELECT COUNT(*) FROM {child} c WHERE c.{column} IS NOT NULL AND NOT EXISTS \
                     (SELECT 1 FROM {parent} p WHERE p.id = c.{column})"
                ),
            )
        })
        .collect();
    let mut found = Vec::new();
    match &db.engine {
        Engine::Sqlite(path) => {
            use sqlx::{Connection, Row};
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                .foreign_keys(false);
            let mut conn = sqlx::SqliteConnection::connect_with(&options)
                .await
                .expect("opens the database");
            let mut sqlite_only = queries.clone();
            sqlite_only.push((
                "search_index".to_owned(),
                "SELECT COUNT(*) FROM search_index WHERE rowid NOT IN (SELECT id FROM items)"
                    .to_owned(),
            ));
            for (name, query) in &sqlite_only {
                // The statements are this file's constants, not input.
                let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(query.as_str()))
                    .fetch_one(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("{query}: {e}"));
                if count != 0 {
                    found.push(format!("{name}: {count}"));
                }
            }
            let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(&mut conn)
                .await
                .expect("integrity check");
            if integrity != ["ok"] {
                found.push(format!("integrity_check: {integrity:?}"));
            }
            let violations = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(&mut conn)
                .await
                .expect("foreign key check");
            for row in violations {
                let table: String = row.get(0);
                found.push(format!("foreign_key_check: {table}"));
            }
            conn.close().await.expect("closes");
        }
        Engine::Url(url) => {
            // No foreign key on PostgreSQL's search index either (its trigger removes the rows
            // of deleted items): checked as a key would.
            let mut postgres_only = queries.clone();
            postgres_only.push((
                "search_index.item_id".to_owned(),
                "SELECT COUNT(*) FROM search_index s WHERE NOT EXISTS \
                 (SELECT 1 FROM items i WHERE i.id = s.item_id)"
                    .to_owned(),
            ));
            for (name, query) in &postgres_only {
                let output = Command::new("psql")
                    .args([url.as_str(), "-AtX", "-v", "ON_ERROR_STOP=1", "-c", query])
                    .output()
                    .expect("psql runs");
                assert!(
                    output.status.success(),
                    "{query}: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
                let count = String::from_utf8_lossy(&output.stdout).trim().to_owned();
                if count != "0" {
                    found.push(format!("{name}: {count}"));
                }
            }
        }
    }
    found
}

/// Every stored report, from `kaikaku export --format json` (every published edition).
fn exported(dir: &Path, db: &TestDb) -> Vec<Report> {
    let (code, stdout, stderr) = kaikaku(dir, &["export", "--format", "json"], db, "");
    assert_eq!(code, 0, "{stderr}");
    let reports: Vec<ReportJson> = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("export is not JSON of reports ({e}):\n{stdout}"));
    reports
        .into_iter()
        .map(|r| r.into_model().expect("an exported report converts"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. SIGKILL during a bulk import.

/// How many times the import is killed.
const IMPORT_KILLS: usize = 6;
/// How many generated reports join the bundled samples.
const GENERATED_REPORTS: u64 = 19;

/// A report's key in the store: plan name and report fiscal year.
type Key = (String, Option<FiscalYear>);

/// Report files written into `dir`, at most one per plan and year, with the model read from
/// each: the bundled samples and reports generated from seeds (1 to 40 items each) in the
/// document's text layout.
fn import_corpus(dir: &Path) -> Vec<(PathBuf, Report)> {
    let mut texts: Vec<(String, Vec<u8>)> = vec![
        (
            "kaedemachi_r6.txt".into(),
            kaikaku_fixtures::bundled("kaedemachi_r6.txt"),
        ),
        (
            "sakuragawa_h30.txt".into(),
            kaikaku_fixtures::bundled("sakuragawa_h30.txt"),
        ),
    ];
    for seed in 0..GENERATED_REPORTS {
        let report = kaikaku_fixtures::generate::report(SEED + seed);
        let text = kaikaku_export::text::render(&report);
        texts.push((format!("generated-{seed:02}.txt"), text.into_bytes()));
    }
    let mut keys: Vec<Key> = Vec::new();
    let mut corpus = Vec::new();
    for (name, bytes) in texts {
        let report = kaikaku_reader::read(&bytes, &kaikaku_reader::ReadOptions::default())
            .unwrap_or_else(|e| panic!("{name} reads: {e}"));
        let key = (report.plan_name.clone(), report.report_fiscal_year);
        if keys.contains(&key) {
            continue;
        }
        keys.push(key);
        let path = dir.join(&name);
        std::fs::write(&path, &bytes).expect("writes the report file");
        corpus.push((path, report));
    }
    corpus
}

/// Whether an import's output line says a file was stored (`FILE: imported (…)`,
/// `FILE: replaced (…)`).
fn stored_line(line: &str) -> bool {
    line.contains(": imported") || line.contains(": replaced")
}

/// Every stored report equals the report read from the file of its plan and year, and no row
/// lacks its parent. Returns how many reports are stored.
fn assert_whole(dir: &Path, db: &TestDb, expected: &HashMap<Key, Report>, when: &str) -> usize {
    let stored = exported(dir, db);
    let mut seen = Vec::new();
    for report in &stored {
        let key = (report.plan_name.clone(), report.report_fiscal_year);
        let want = expected
            .get(&key)
            .unwrap_or_else(|| panic!("{when}: a report of no file is stored: {key:?}"));
        assert!(
            report == want,
            "{when}: the stored {key:?} differs from its file (a partial report)"
        );
        assert!(!seen.contains(&key), "{when}: {key:?} is stored twice");
        seen.push(key);
    }
    let orphans = runtime().block_on(orphans(db));
    assert!(
        orphans.is_empty(),
        "{when}: rows without parent: {orphans:?}"
    );
    stored.len()
}

/// Catches: an import that commits part of a report (items without their effects, a report
/// row without items), a replacement that deletes the old report and dies before the new one
/// is whole, rows left behind without their parent, a migration that leaves a database the
/// next run cannot open, and a store that a killed run leaves unable to import again.
#[test]
fn sigkill_during_imports_leaves_whole_reports_or_none() {
    let dir = TempDir::new().expect("temp dir");
    let db = test_database();
    let corpus = import_corpus(dir.path());
    assert!(corpus.len() >= 15, "only {} distinct reports", corpus.len());
    let expected: HashMap<Key, Report> = corpus
        .iter()
        .map(|(_, r)| ((r.plan_name.clone(), r.report_fiscal_year), r.clone()))
        .collect();
    let mut args: Vec<&OsStr> = vec![OsStr::new("import")];
    args.extend(db.args.iter().map(OsString::as_os_str));
    args.extend(corpus.iter().map(|(path, _)| path.as_os_str()));

    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut interrupted = 0;
    for round in 0..IMPORT_KILLS {
        // The first round is killed before anything is stored (during the first migration
        // or the first file); later ones after a seeded number of files, a seeded moment
        // into the next one (which, from the second round on, replaces a stored report).
        let files_done = if round == 0 {
            0
        } else {
            rng.random_range(0..corpus.len())
        };
        let delay = Duration::from_micros(rng.random_range(0..30_000));
        let mut import = Running::spawn(dir.path(), &args, &format!("import-{round}"));
        let mut done = 0;
        while done < files_done {
            match import.next_line() {
                Some(line) if stored_line(&line) => done += 1,
                Some(_) => {}
                None => break,
            }
        }
        // Not a synchronisation: the seeded moment of the fault.
        std::thread::sleep(delay);
        let status = import.kill9();
        if status.code().is_none() {
            interrupted += 1;
        } else {
            assert_eq!(status.code(), Some(0), "{}", import.stderr());
        }
        let stored = assert_whole(
            dir.path(),
            &db,
            &expected,
            &format!("after kill {round} (after {files_done} files + {delay:?})"),
        );
        assert!(
            stored >= done,
            "{stored} stored after {done} files imported"
        );
    }
    assert!(
        interrupted >= IMPORT_KILLS / 2,
        "only {interrupted} of {IMPORT_KILLS} imports were still running when killed"
    );

    // A re-run completes and stores every report, each as its file says.
    let (code, stdout, stderr) = {
        let args: Vec<String> = std::iter::once("import".to_owned())
            .chain(corpus.iter().map(|(p, _)| p.display().to_string()))
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        kaikaku(dir.path(), &args, &db, "")
    };
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let lines = stdout.lines().filter(|line| stored_line(line)).count();
    assert_eq!(lines, corpus.len(), "{stdout}");
    let stored = assert_whole(dir.path(), &db, &expected, "after the re-run");
    assert_eq!(stored, corpus.len());
}

/// The orphan check itself can fail: a row whose parent is gone is found. (SQLite only: the
/// row is written with foreign keys off, which PostgreSQL has no switch for.)
#[test]
fn the_orphan_check_finds_a_row_without_its_parent() {
    let dir = TempDir::new().expect("temp dir");
    let db = test_database();
    let Engine::Sqlite(path) = &db.engine else {
        return;
    };
    prepare(dir.path(), &db, &[bundled("kaedemachi_r6.txt")], &[]);
    runtime().block_on(async {
        assert_eq!(orphans(&db).await, Vec::<String>::new());
        use sqlx::Connection;
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .foreign_keys(false);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .expect("opens");
        sqlx::query("INSERT INTO quantities (effect_row_id, position, label, value, unit) VALUES (999999, 0, 'x', '1', '円')")
            .execute(&mut conn)
            .await
            .expect("inserts an orphan");
        conn.close().await.expect("closes");
        let found = orphans(&db).await;
        assert!(
            found.contains(&"quantities.effect_row_id: 1".to_owned()),
            "{found:?}"
        );
    });
}

// ---------------------------------------------------------------------------------------------
// The API, as a client sees it.

/// A logged-in API client: its session cookie and CSRF token.
#[derive(Clone, Debug)]
struct Api {
    http: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
}

impl Api {
    /// Logs in as `name` (password `NAME-password`) through the log-in form, and reads the
    /// CSRF token from `/api/v1/session`.
    async fn login(base: &str, name: &str) -> Api {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .expect("a client");
        let response = http
            .post(format!("{base}/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("username={name}&password={name}-password"))
            .send()
            .await
            .expect("logs in");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "log-in of {name}");
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_owned();
        let mut api = Api {
            http,
            base: base.to_owned(),
            cookie,
            csrf: String::new(),
        };
        let (status, session) = api.get("/api/v1/session").await.expect("answers");
        assert_eq!(status, StatusCode::OK, "{session}");
        api.csrf = session["csrf_token"].as_str().expect("a token").to_owned();
        api
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(StatusCode, Value), reqwest::Error> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("cookie", &self.cookie);
        if let Some(body) = body {
            request = request
                .header("x-csrf-token", &self.csrf)
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{path}: not JSON ({e}), {status}: {text}"))
        };
        Ok((status, json))
    }

    async fn get(&self, path: &str) -> Result<(StatusCode, Value), reqwest::Error> {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn put(&self, path: &str, body: &Value) -> Result<(StatusCode, Value), reqwest::Error> {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    async fn post(&self, path: &str, body: &Value) -> Result<(StatusCode, Value), reqwest::Error> {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    /// GETs `path`, asserting 200.
    async fn read(&self, path: &str) -> Value {
        let (status, json) = self.get(path).await.expect("the server answers");
        assert_eq!(status, StatusCode::OK, "{path}: {json}");
        json
    }
}

/// 楓町's plan (the bundled sample, FY2024 published) with FY2025 opened; the edition id.
async fn open_kaede_2025(admin: &Api) -> i64 {
    let plans = admin.read("/api/v1/plans").await;
    let plan_id = plans["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .find(|p| p["plan_name"] == "第3次楓町行政改革実施計画")
        .expect("楓町's plan")["plan_id"]
        .as_i64()
        .expect("an id");
    let (status, edition) = admin
        .post(
            "/api/v1/cycle",
            &json!({ "plan_id": plan_id, "fiscal_year": 2025 }),
        )
        .await
        .expect("answers");
    assert_eq!(status, StatusCode::CREATED, "{edition}");
    edition["id"].as_i64().expect("an id")
}

fn sheet_path(edition: i64, no: u32) -> String {
    format!("/api/v1/editions/{edition}/sheets/{no}")
}

/// The model of an item in the interchange format (labels and field order do not matter).
fn item_model(json: &Value) -> Item {
    let item: ItemJson = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("not an item ({e}): {json}"));
    item.into_model().expect("a valid item")
}

/// The parts of a sheet that the tests change, and how each reads in the audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// The first narrative (a 実績 for FY2025): `narratives.0`.
    Actual,
    /// 総評: `evaluation`.
    Evaluation,
    /// 改善・推進目標: `goal`.
    Goal,
}

impl Part {
    const ALL: [Part; 3] = [Part::Actual, Part::Evaluation, Part::Goal];

    fn path(self) -> &'static str {
        match self {
            Part::Actual => "narratives.0",
            Part::Evaluation => "evaluation",
            Part::Goal => "goal",
        }
    }

    /// `item` (JSON) with this part set to `text`.
    fn set(self, item: &mut Value, text: &str) {
        match self {
            Part::Actual => {
                let narratives = item["narratives"].as_array_mut().expect("narratives");
                match narratives.first_mut() {
                    Some(first) => first["text"] = json!(text),
                    None => narratives
                        .push(json!({ "fiscal_year": 2025, "kind": "actual", "text": text })),
                }
            }
            Part::Evaluation => {
                item["evaluation"] = json!({ "fiscal_year": 2025, "text": text });
            }
            Part::Goal => item["goal"] = json!(text),
        }
    }
}

/// The sheet's audit entries as (field, before, after), oldest first: every page of the
/// history, which the API gives a page at a time.
async fn history(api: &Api, edition: i64, no: u32) -> Vec<(String, String, String)> {
    let mut entries = Vec::new();
    let mut page = 1;
    loop {
        let history = api
            .read(&format!("{}/history?page={page}", sheet_path(edition, no)))
            .await;
        entries.extend(
            history["entries"]
                .as_array()
                .expect("entries")
                .iter()
                .map(|e| {
                    let text = |key: &str| e[key].as_str().expect("a text").to_owned();
                    (text("field"), text("before"), text("after"))
                }),
        );
        if history["page"] == history["pages"] {
            return entries;
        }
        page += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// 2. SIGKILL during saves.

/// Clients saving at once, each its own sheet (No.1, No.2 …).
const SAVING_CLIENTS: u32 = 3;
/// How many times the server is killed.
const SERVER_KILLS: usize = 8;

/// One save a client sent: the version it names and the item it sends.
#[derive(Clone, Debug)]
struct Save {
    marker: String,
    item: Value,
}

/// What a client knows of its sheet.
#[derive(Debug)]
struct Saver {
    no: u32,
    /// The version of the last acknowledged save (or of the sheet as first read).
    version: i64,
    /// The item as it was last acknowledged (or first read).
    item: Value,
    /// Every save stored, oldest first (acknowledged, or found stored after a kill).
    stored: Vec<String>,
    /// The save sent when the server died, with no answer.
    in_flight: Option<Save>,
    count: usize,
}

/// The text of both changed parts of save `marker`: several lines, so a half-written text
/// could show.
fn save_text(marker: &str, part: &str) -> String {
    (1..=4)
        .map(|line| format!("{marker} {part} {line}行目：窓口の手続を見直し、処理日数を短縮した。"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Saves the client's sheet until the server stops answering; every acknowledged save is
/// announced on `acks`.
async fn save_until_killed(
    api: Api,
    edition: i64,
    client: u32,
    mut saver: Saver,
    acks: tokio::sync::mpsc::UnboundedSender<()>,
) -> Saver {
    loop {
        saver.count += 1;
        let marker = format!("[c{client}-s{}]", saver.count);
        let mut item = saver.item.clone();
        Part::Actual.set(&mut item, &save_text(&marker, "実績"));
        Part::Evaluation.set(&mut item, &save_text(&marker, "総評"));
        let body = json!({ "version": saver.version, "item": item });
        match api.put(&sheet_path(edition, saver.no), &body).await {
            Ok((StatusCode::OK, answer)) => {
                let version = answer["version"].as_i64().expect("a version");
                assert_eq!(version, saver.version + 1, "{answer}");
                saver.version = version;
                saver.item = item;
                saver.stored.push(marker);
                let _ = acks.send(());
            }
            Ok((status, answer)) => panic!("sheet {}: {status} {answer}", saver.no),
            Err(_) => {
                saver.in_flight = Some(Save { marker, item });
                return saver;
            }
        }
    }
}

/// After a restart: the sheet is the last acknowledged save, or the save in flight whole;
/// its history has one entry per stored save for each changed part, in order.
async fn assert_sheet_after_restart(api: &Api, edition: i64, saver: &mut Saver, when: &str) {
    let sheet = api.read(&sheet_path(edition, saver.no)).await;
    let version = sheet["version"].as_i64().expect("a version");
    let stored = item_model(&sheet["item"]);
    let in_flight = saver.in_flight.take();
    if version == saver.version {
        assert!(
            stored == item_model(&saver.item),
            "{when}: sheet {} at version {version} is not the last acknowledged save",
            saver.no
        );
    } else {
        let save = in_flight.unwrap_or_else(|| {
            panic!(
                "{when}: sheet {} at version {version} with nothing in flight",
                saver.no
            )
        });
        assert_eq!(
            version,
            saver.version + 1,
            "{when}: sheet {} skipped versions",
            saver.no
        );
        assert!(
            stored == item_model(&save.item),
            "{when}: sheet {} at version {version} is not the save in flight {} \
             (a mix of two saves, or half of one)",
            saver.no,
            save.marker
        );
        saver.version = version;
        saver.item = save.item;
        saver.stored.push(save.marker);
    }

    let entries = history(api, edition, saver.no).await;
    let states = entries
        .iter()
        .filter(|(field, ..)| field == "state")
        .count();
    // 未着手 → 入力中 with the first stored save.
    let first_save = usize::from(!saver.stored.is_empty());
    assert_eq!(
        states, first_save,
        "{when}: sheet {}: {entries:?}",
        saver.no
    );
    for (part, label) in [(Part::Actual, "実績"), (Part::Evaluation, "総評")] {
        let of_part: Vec<&(String, String, String)> = entries
            .iter()
            .filter(|(field, ..)| field == part.path())
            .collect();
        let afters: Vec<&str> = of_part.iter().map(|(_, _, after)| after.as_str()).collect();
        assert_eq!(
            afters.len(),
            saver.stored.len(),
            "{when}: sheet {} {}: one audit entry per stored save",
            saver.no,
            part.path()
        );
        for (i, (after, marker)) in afters.iter().zip(&saver.stored).enumerate() {
            assert!(
                after.ends_with(&save_text(marker, label)),
                "{when}: sheet {} {} entry {i} is not save {marker}: {after}",
                saver.no,
                part.path()
            );
            if i > 0 {
                assert_eq!(
                    of_part[i].1,
                    afters[i - 1],
                    "{when}: the chain of before/after"
                );
            }
        }
    }
    assert_eq!(
        entries.len(),
        first_save + 2 * saver.stored.len(),
        "{when}: sheet {}: nothing else is journaled",
        saver.no
    );
}

/// Catches: a save acknowledged but lost by a crash (not committed before the answer), a
/// sheet holding part of one save and part of another or a half-written text, a version
/// bumped without its content, audit entries missing or duplicated for a stored version, and
/// a database the server cannot open again after a crash.
#[test]
fn sigkill_during_saves_keeps_the_last_acknowledged_sheet_or_a_later_whole_one() {
    let dir = TempDir::new().expect("temp dir");
    let db = test_database();
    prepare(
        dir.path(),
        &db,
        &[bundled("kaedemachi_r6.txt")],
        &[("admin", "admin", Some("政策課"))],
    );
    let rt = runtime();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED + 1);
    let mut server = Server::start(dir.path(), &db, "serve-0");
    let (edition, mut savers, mut apis) = rt.block_on(async {
        let admin = Api::login(&server.base, "admin").await;
        let edition = open_kaede_2025(&admin).await;
        let mut savers = Vec::new();
        let mut apis = Vec::new();
        for client in 0..SAVING_CLIENTS {
            let api = Api::login(&server.base, "admin").await;
            let no = client + 1;
            let sheet = api.read(&sheet_path(edition, no)).await;
            savers.push(Saver {
                no,
                version: sheet["version"].as_i64().expect("a version"),
                item: sheet["item"].clone(),
                stored: Vec::new(),
                in_flight: None,
                count: 0,
            });
            apis.push(api);
        }
        (edition, savers, apis)
    });

    for round in 0..SERVER_KILLS {
        let acks_before_kill = rng.random_range(5..40);
        let delay = Duration::from_micros(rng.random_range(0..5_000));
        let (send, mut acks) = tokio::sync::mpsc::unbounded_channel();
        let handles: Vec<_> = savers
            .drain(..)
            .zip(&apis)
            .enumerate()
            .map(|(client, (saver, api))| {
                rt.spawn(save_until_killed(
                    api.clone(),
                    edition,
                    client as u32,
                    saver,
                    send.clone(),
                ))
            })
            .collect();
        drop(send);
        rt.block_on(async {
            for _ in 0..acks_before_kill {
                acks.recv().await.expect("the clients are saving");
            }
        });
        // Not a synchronisation: the seeded moment of the fault.
        std::thread::sleep(delay);
        let status = server.process.kill9();
        assert!(
            status.code().is_none(),
            "the server was running: {status:?}"
        );
        savers = rt.block_on(async {
            let mut savers = Vec::new();
            for handle in handles {
                savers.push(handle.await.expect("a client does not panic"));
            }
            savers
        });

        let when = format!("after kill {round}");
        let orphans = rt.block_on(orphans(&db));
        assert!(
            orphans.is_empty(),
            "{when}: rows without parent: {orphans:?}"
        );
        server = Server::start(dir.path(), &db, &format!("serve-{}", round + 1));
        rt.block_on(async {
            for (api, saver) in apis.iter_mut().zip(savers.iter_mut()) {
                // Sessions are in the database: the cookie still works after the restart.
                api.base.clone_from(&server.base);
                assert_sheet_after_restart(api, edition, saver, &when).await;
            }
        });
    }
    let total: usize = savers.iter().map(|s| s.stored.len()).sum();
    assert!(total >= SERVER_KILLS * 5, "only {total} saves stored");
}

// ---------------------------------------------------------------------------------------------
// 3. Randomised concurrent editing.

/// Operations (read → change one part → save; again after a 409) of all clients together:
/// each is at least two requests, and the debug-build server spends about 18 ms of CPU on a
/// read and a save, so this many keep the test near 25 s. `KAIKAKU_FAULT_OPERATIONS=N` runs
/// a longer soak.
const OPERATIONS: usize = 1_500;

/// [`OPERATIONS`], or `KAIKAKU_FAULT_OPERATIONS`.
fn operations() -> usize {
    std::env::var("KAIKAKU_FAULT_OPERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(OPERATIONS)
}
/// Clients editing at once.
const EDITING_CLIENTS: usize = 2;
/// The sheets they edit: few, so that they often collide.
const EDITED_SHEETS: [u32; 6] = [1, 2, 3, 4, 5, 6];

/// An acknowledged save: which sheet, the version it made, the part and text it changed, and
/// the whole item sent.
#[derive(Clone, Debug)]
struct Ack {
    no: u32,
    version: i64,
    part: Part,
    text: String,
    item: Value,
}

/// One client's operations: pick a sheet and a part (seeded), read, change, save from the
/// version read; on 409 read again and redo the change. Returns its acknowledged saves and
/// how many conflicts it met.
async fn edit(api: Api, edition: i64, client: usize, operations: usize) -> (Vec<Ack>, usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED + 100 + client as u64);
    let mut acks = Vec::new();
    let mut conflicts = 0;
    for op in 0..operations {
        let no = EDITED_SHEETS[rng.random_range(0..EDITED_SHEETS.len())];
        let part = Part::ALL[rng.random_range(0..Part::ALL.len())];
        let text = format!("c{client}-op{op}：{}の記入", part.path());
        let path = sheet_path(edition, no);
        loop {
            let sheet = api.read(&path).await;
            let version = sheet["version"].as_i64().expect("a version");
            let mut item = sheet["item"].clone();
            part.set(&mut item, &text);
            let body = json!({ "version": version, "item": item });
            let (status, answer) = api.put(&path, &body).await.expect("the server answers");
            match status {
                StatusCode::OK => {
                    let made = answer["version"].as_i64().expect("a version");
                    assert_eq!(made, version + 1, "{answer}");
                    acks.push(Ack {
                        no,
                        version: made,
                        part,
                        text,
                        item,
                    });
                    break;
                }
                StatusCode::CONFLICT => conflicts += 1,
                _ => panic!("{path}: {status} {answer}"),
            }
        }
    }
    (acks, conflicts)
}

/// Catches: a lost update (a save from a stale version accepted, overwriting another), two
/// saves given the same version, a version skipped, an acknowledged save missing from the
/// history or journaled twice, and a final sheet that is not the last acknowledged save.
#[test]
fn random_concurrent_editing_loses_no_update() {
    let dir = TempDir::new().expect("temp dir");
    let db = test_database();
    prepare(
        dir.path(),
        &db,
        &[bundled("kaedemachi_r6.txt")],
        &[("admin", "admin", Some("政策課"))],
    );
    let server = Server::start(dir.path(), &db, "serve");
    let started = Instant::now();
    runtime().block_on(async {
        let admin = Api::login(&server.base, "admin").await;
        let edition = open_kaede_2025(&admin).await;
        let mut first_versions = BTreeMap::new();
        for no in EDITED_SHEETS {
            let sheet = admin.read(&sheet_path(edition, no)).await;
            first_versions.insert(no, sheet["version"].as_i64().expect("a version"));
        }
        let mut tasks = Vec::new();
        for client in 0..EDITING_CLIENTS {
            let api = Api::login(&server.base, "admin").await;
            let operations = operations() / EDITING_CLIENTS;
            tasks.push(tokio::spawn(edit(api, edition, client, operations)));
        }
        let mut acks = Vec::new();
        let mut conflicts = 0;
        for task in tasks {
            let (mine, met) = task.await.expect("a client does not panic");
            acks.extend(mine);
            conflicts += met;
        }
        assert_eq!(acks.len(), operations() / EDITING_CLIENTS * EDITING_CLIENTS);
        // The test exercises conflicts, or it proves little.
        assert!(conflicts > 0, "no client ever met a 409");

        for no in EDITED_SHEETS {
            let mut mine: Vec<&Ack> = acks.iter().filter(|a| a.no == no).collect();
            mine.sort_by_key(|a| a.version);
            let first = first_versions[&no];
            let versions: Vec<i64> = mine.iter().map(|a| a.version).collect();
            let gapless: Vec<i64> = (first + 1..=first + mine.len() as i64).collect();
            assert_eq!(
                versions, gapless,
                "sheet {no}: versions of the acknowledged saves"
            );

            let sheet = admin.read(&sheet_path(edition, no)).await;
            let last = mine.last().expect("sheet edited");
            assert_eq!(sheet["version"], last.version, "sheet {no}");
            assert!(
                item_model(&sheet["item"]) == item_model(&last.item),
                "sheet {no}: the sheet is not the last acknowledged save"
            );
            // No lost update: every part holds the text of the last save that changed it.
            for part in Part::ALL {
                if let Some(latest) = mine.iter().rev().find(|a| a.part == part) {
                    let mut expected = sheet["item"].clone();
                    part.set(&mut expected, &latest.text);
                    assert!(
                        item_model(&expected) == item_model(&sheet["item"]),
                        "sheet {no}: {} lost its last save {}",
                        part.path(),
                        latest.text
                    );
                }
            }

            let entries = history(&admin, edition, no).await;
            let changes: Vec<&(String, String, String)> = entries
                .iter()
                .filter(|(field, ..)| field != "state")
                .collect();
            assert_eq!(
                entries.len() - changes.len(),
                1,
                "sheet {no}: one state change (未着手 → 入力中)"
            );
            assert_eq!(
                changes.len(),
                mine.len(),
                "sheet {no}: one history entry per acknowledged save"
            );
            for (ack, (field, _, after)) in mine.iter().zip(&changes) {
                assert_eq!(field, ack.part.path(), "sheet {no} v{}", ack.version);
                assert!(
                    after.ends_with(&ack.text),
                    "sheet {no} v{}: history says {after}, the save was {}",
                    ack.version,
                    ack.text
                );
            }
        }
        eprintln!(
            "{} saves, {conflicts} conflicts in {:?}",
            acks.len(),
            started.elapsed()
        );
    });
    drop(server);
}

// ---------------------------------------------------------------------------------------------
// 4. Backup and restore.

/// What a restore must give back identically: every published report as `kaikaku export
/// --format json` writes it, the users as `kaikaku user list` shows them, and every edition
/// with its sheets and history as the store lists them.
fn snapshot(dir: &Path, db: &TestDb, rt: &tokio::runtime::Runtime) -> (String, String, String) {
    let (code, reports, stderr) = kaikaku(dir, &["export", "--format", "json"], db, "");
    assert_eq!(code, 0, "{stderr}");
    let (code, users, stderr) = kaikaku(dir, &["user", "list"], db, "");
    assert_eq!(code, 0, "{stderr}");
    let target = db.args[1].to_str().expect("a UTF-8 target").to_owned();
    let editions = rt.block_on(async {
        use kaikaku_store::Cycle;
        let store = kaikaku_store::Database::connect(&target)
            .await
            .expect("opens");
        let mut listing = Vec::new();
        for edition in store.list_editions().await.expect("editions") {
            let sheets = store.sheets(edition.report_id).await.expect("sheets");
            let history = store
                .edition_history(edition.report_id)
                .await
                .expect("history");
            listing.push(format!("{edition:?}\n{sheets:?}\n{history:?}"));
            for sheet in &sheets {
                let audit = store
                    .audit(edition.report_id, sheet.no)
                    .await
                    .expect("audit");
                let item = store
                    .sheet(edition.report_id, sheet.no)
                    .await
                    .expect("a sheet");
                listing.push(format!("{audit:?}\n{item:?}"));
            }
        }
        store.close().await;
        listing.join("\n")
    });
    (reports, users, editions)
}

/// The tables of `db` that hold rows (none for an empty database).
fn tables_with_rows(db: &TestDb, rt: &tokio::runtime::Runtime) -> Vec<(String, i64)> {
    let target = db.args[1].to_str().expect("a UTF-8 target").to_owned();
    rt.block_on(kaikaku_store::backup::tables_with_rows(&target))
        .expect("the target can be read")
}

#[test]
fn backup_then_restore_gives_an_identical_export_and_refuses_damage_and_data() {
    let dir = TempDir::new().expect("temp dir");
    let db = test_database();
    prepare(
        dir.path(),
        &db,
        &[bundled("kaedemachi_r6.txt"), bundled("sakuragawa_h30.txt")],
        &[
            ("admin", "admin", Some("政策課")),
            ("reviewer", "reviewer", None),
        ],
    );
    let rt = runtime();
    let backup = dir.path().join("kaikaku.backup");
    let backup_arg = backup.to_str().expect("a UTF-8 path");
    {
        // The snapshot is taken while the server runs, after a cycle was opened and a sheet
        // saved (users, editions, sheets and the audit log all hold rows).
        let server = Server::start(dir.path(), &db, "serve-backup");
        rt.block_on(async {
            let admin = Api::login(&server.base, "admin").await;
            let edition = open_kaede_2025(&admin).await;
            let sheet = admin.read(&sheet_path(edition, 1)).await;
            let mut item = sheet["item"].clone();
            Part::Goal.set(&mut item, "窓口の待ち時間を半分にする。");
            let body = json!({ "version": sheet["version"], "item": item });
            let (status, answer) = admin
                .put(&sheet_path(edition, 1), &body)
                .await
                .expect("answers");
            assert_eq!(status, StatusCode::OK, "{answer}");
        });
        let (code, stdout, stderr) = kaikaku(dir.path(), &["backup", "--out", backup_arg], &db, "");
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains("バックアップを書きました"), "{stdout}");
    }
    // An existing file is replaced only with --force; a refusal leaves it whole.
    let size = std::fs::metadata(&backup).expect("the backup").len();
    let (code, _, stderr) = kaikaku(dir.path(), &["backup", "--out", backup_arg], &db, "");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("既にあります"), "{stderr}");
    assert_eq!(std::fs::metadata(&backup).expect("the backup").len(), size);
    let (code, _, stderr) = kaikaku(
        dir.path(),
        &["backup", "--out", backup_arg, "--force"],
        &db,
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("the folder")
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".kaikaku-backup-")
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    let before = snapshot(dir.path(), &db, &rt);
    assert!(
        before.0.contains("第3次楓町行政改革実施計画"),
        "{}",
        before.0
    );
    assert!(before.1.contains("reviewer"), "{}", before.1);
    assert!(
        before.2.contains("窓口の待ち時間を半分にする"),
        "{}",
        before.2
    );

    // A damaged backup (truncated, or garbage in the middle) is refused and the target stays
    // empty.
    let bytes = std::fs::read(&backup).expect("the backup");
    let truncated = dir.path().join("truncated.backup");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("writes");
    let mut garbled_bytes = bytes.clone();
    let middle = garbled_bytes.len() / 2;
    for byte in &mut garbled_bytes[middle..middle + 4096.min(bytes.len() / 4)] {
        *byte ^= 0x5a;
    }
    let garbled = dir.path().join("garbled.backup");
    std::fs::write(&garbled, &garbled_bytes).expect("writes");
    for damaged in [&truncated, &garbled] {
        let empty = test_database();
        let (code, _, stderr) = kaikaku(
            dir.path(),
            &["restore", damaged.to_str().expect("a UTF-8 path")],
            &empty,
            "",
        );
        assert_eq!(code, 2, "{}: {stderr}", damaged.display());
        assert!(stderr.contains("壊れている"), "{stderr}");
        assert_eq!(tables_with_rows(&empty, &rt), Vec::new());
    }

    // Restored into a fresh database: identical.
    let restored = test_database();
    let (code, stdout, stderr) = kaikaku(dir.path(), &["restore", backup_arg], &restored, "");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("復元しました"), "{stdout}");
    let after = snapshot(dir.path(), &restored, &rt);
    assert_eq!(before.0, after.0, "the exported reports differ");
    assert_eq!(before.1, after.1, "the users differ");
    assert_eq!(before.2, after.2, "the editions differ");
    assert!(orphans_of(&restored, &rt).is_empty());

    // A target that holds data is refused, named, and left as it was.
    let (code, _, stderr) = kaikaku(dir.path(), &["restore", backup_arg], &restored, "");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("データがあります"), "{stderr}");
    let target = restored.args[1].to_str().expect("a UTF-8 target");
    let shown = target.split('@').next_back().unwrap_or(target);
    assert!(stderr.contains(shown), "the target is not named: {stderr}");
    assert_eq!(snapshot(dir.path(), &restored, &rt), after);
}

fn orphans_of(db: &TestDb, rt: &tokio::runtime::Runtime) -> Vec<String> {
    rt.block_on(orphans(db))
}
