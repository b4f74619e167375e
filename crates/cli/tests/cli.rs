//! Runs the built `kaikaku` binary on the bundled samples, generated reports and broken
//! inputs, each test in its own temporary directory. A test that stores anything makes its own
//! database with [`test_db`] (an SQLite file, or with `KAIKAKU_TEST_POSTGRES` a fresh
//! PostgreSQL database: see `kaikaku_testdb`) and names it to each run explicitly, as the fault
//! tests do; every run goes through [`kaikaku`]. Only the tests about the real sample itself
//! read it, and are skipped without it (`kaikaku_fixtures::skip_without_real_sample!`).

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use kaikaku_testdb::TestDb;
use serde_json::Value;
use tempfile::TempDir;

/// Hostile and careless input: escaping, files that are not text, user names, passwords,
/// file permissions.
#[path = "cli/hostile.rs"]
mod hostile;

/// What a run of the binary gave.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

// ---------------------------------------------------------------------------------------------
// The database of a test, and running the binary.

/// A fresh database for one test, on this run's engine; the test names it to every run that
/// uses it ([`Invocation::db`], [`Invocation::db_env`]).
fn test_db() -> TestDb {
    TestDb::new_blocking()
}

/// One run of `kaikaku ARGS` in `dir`, with a clean environment (no `KAIKAKU_DB`,
/// `KAIKAKU_DATABASE_URL` or `RUST_LOG` of the caller's): made by [`kaikaku`], given a database
/// and input by its methods, then [`Invocation::run`] (or started as a server by
/// [`Server::start`]).
struct Invocation {
    dir: PathBuf,
    args: Vec<OsString>,
    env: Vec<(&'static str, OsString)>,
    stdin: Option<String>,
}

/// `kaikaku ARGS` in `dir`: the one way these tests run the binary.
fn kaikaku<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> Invocation {
    Invocation {
        dir: dir.to_path_buf(),
        args: args.iter().map(|a| a.as_ref().to_owned()).collect(),
        env: Vec::new(),
        stdin: None,
    }
}

impl Invocation {
    /// Names `db` with its option (`--db PATH` or `--database-url URL`) after the arguments.
    fn db(mut self, db: &TestDb) -> Invocation {
        self.args.extend(db.cli_args().map(OsString::from));
        self
    }

    /// Names `db` with its environment variable (`KAIKAKU_DB` or `KAIKAKU_DATABASE_URL`).
    fn db_env(self, db: &TestDb) -> Invocation {
        let var = if db.is_postgres() {
            "KAIKAKU_DATABASE_URL"
        } else {
            "KAIKAKU_DB"
        };
        self.env(var, db.target())
    }

    /// Sets an environment variable.
    fn env(mut self, key: &'static str, value: impl AsRef<OsStr>) -> Invocation {
        self.env.push((key, value.as_ref().to_owned()));
        self
    }

    /// Gives `input` on stdin (a pipe, not a terminal: passwords are read as one line).
    fn stdin(mut self, input: &str) -> Invocation {
        self.stdin = Some(input.to_owned());
        self
    }

    /// The command, not started.
    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kaikaku"));
        command
            .args(&self.args)
            .current_dir(&self.dir)
            .env_remove("KAIKAKU_DB")
            .env_remove("KAIKAKU_DATABASE_URL")
            .env_remove("RUST_LOG")
            .env("RUST_BACKTRACE", "1")
            .envs(self.env.iter().map(|(key, value)| (key, value)));
        command
    }

    /// Runs to the end. Whatever happens, stderr never shows a panic or a backtrace.
    fn run(self) -> Run {
        let mut child = self
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let input = self.stdin.as_deref().unwrap_or_default();
        // A command that refuses its arguments exits without reading stdin: a broken pipe then
        // is part of what is tested, not a failure of the test.
        match child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(input.as_bytes())
        {
            Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                panic!("writes stdin: {error}")
            }
            _ => {}
        }
        let output = child.wait_with_output().expect("the binary runs");
        let run = Run {
            code: output.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        };
        for marker in ["panicked", "stack backtrace", "RUST_BACKTRACE"] {
            assert!(
                !run.stderr.contains(marker),
                "{marker} in stderr:\n{}",
                run.stderr
            );
        }
        run
    }
}

/// Runs `future` on a runtime of its own (for looking into a test database).
fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(future)
}

/// Whether nothing opened `db` since it was made: no SQLite file, or no table in the
/// PostgreSQL database (not even the migrations' table).
fn untouched(db: &TestDb) -> bool {
    match db.sqlite_path() {
        Some(path) => !path.exists(),
        None => {
            block_on(db.count("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")) == 0
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Documents.

/// The bundled sample most tests import: 楓町's 令和6年度 report of the plan
/// 「第3次楓町行政改革実施計画」, 9 items, every total holding.
const KAEDE: &str = "kaedemachi_r6.txt";

/// The bundled sample with findings: 桜川市's 平成30年度 report, 4 items, a 総計 that does not
/// hold in No.2 and a stated 合計 that does not in No.3.
const SAKURA: &str = "sakuragawa_h30.txt";

/// A bundled sample (`samples/NAME`).
fn bundled(name: &str) -> PathBuf {
    kaikaku_fixtures::workspace_root()
        .join("samples")
        .join(name)
}

/// The real sample; only for tests that start with `skip_without_real_sample!`.
fn real_sample() -> PathBuf {
    kaikaku_fixtures::seeds_dir().join(kaikaku_fixtures::REAL_SAMPLE)
}

fn temp() -> TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// A text file that is not a progress report.
fn not_a_report(dir: &Path) -> PathBuf {
    let path = dir.join("買い物メモ.txt");
    std::fs::write(&path, "買い物メモ\n牛乳 2本\n卵 1パック\n").expect("writes");
    path
}

#[test]
fn help_documents_every_command() {
    let dir = temp();
    let run = kaikaku(dir.path(), &["--help"]).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for command in ["parse", "check", "import", "list", "export", "serve"] {
        assert!(
            run.stdout.contains(command),
            "{command} missing:\n{}",
            run.stdout
        );
    }
    let run = kaikaku(dir.path(), &["import", "--help"]).run();
    assert!(run.stdout.contains("KAIKAKU_DB"), "{}", run.stdout);
}

#[test]
fn parse_json_has_22_items_on_the_real_sample() {
    kaikaku_fixtures::skip_without_real_sample!();
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[OsStr::new("parse"), real_sample().as_os_str()],
    )
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["items"].as_array().map(Vec::len), Some(22));
    assert_eq!(json["report_fiscal_year"], 2021);
    assert_eq!(json["report_fiscal_year_label"], "令和3年度");
    let no19 = &json["items"][18];
    assert_eq!(no19["no"], 19);
    assert_eq!(no19["effects"][0]["quantities"][0]["value"], "27075");
    assert_eq!(no19["effects"][0]["quantities"][1]["value"], "427794446");
}

#[test]
fn parse_json_has_the_items_and_quantities_of_a_bundled_sample() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[OsStr::new("parse"), bundled(KAEDE).as_os_str()],
    )
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["items"].as_array().map(Vec::len), Some(9));
    assert_eq!(json["report_fiscal_year"], 2024);
    assert_eq!(json["report_fiscal_year_label"], "令和6年度");
    let no8 = &json["items"][7];
    assert_eq!(no8["no"], 8);
    assert_eq!(no8["effects"][1]["quantities"][0]["value"], "4105");
    assert_eq!(no8["effects"][1]["quantities"][1]["value"], "71390500");
}

#[test]
fn parse_text_is_a_japanese_summary() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("parse"),
            bundled(KAEDE).as_os_str(),
            OsStr::new("--format"),
            OsStr::new("text"),
        ],
    )
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "第3次楓町行政改革実施計画 取組実績報告書（令和6年度実績）",
        "報告年度: 令和6年度（2024年度）",
        "No.8 ふるさと納税制度の活用",
        "記入担当課: 企画課",
        "4,105件",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing {expected}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn parse_with_a_forced_encoding() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("parse"),
            bundled(KAEDE).as_os_str(),
            OsStr::new("--encoding"),
            OsStr::new("utf-8"),
        ],
    )
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["items"].as_array().map(Vec::len), Some(9));
}

#[test]
fn an_unknown_encoding_label_exits_2() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("parse"),
            bundled(KAEDE).as_os_str(),
            OsStr::new("--encoding"),
            OsStr::new("klingon"),
        ],
    )
    .run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("klingon"), "{}", run.stderr);
}

/// The findings of `check --format json` on one file (one object `{"file", "error",
/// "findings"}`): item number and kind of each, after checking that every figure is a decimal
/// string.
fn json_findings(json: &Value) -> Vec<(u64, String)> {
    assert!(json.is_object(), "{json}");
    assert_eq!(json["error"], Value::Null);
    let findings = json["findings"].as_array().expect("findings");
    for finding in findings {
        for key in ["stated", "computed", "difference"] {
            assert!(finding[key].is_string(), "{key} is a decimal string");
        }
    }
    findings
        .iter()
        .map(|f| {
            (
                f["item_no"].as_u64().expect("item_no"),
                f["kind"].as_str().expect("kind").to_owned(),
            )
        })
        .collect()
}

#[test]
fn check_json_lists_no20_then_no21_on_the_real_sample() {
    kaikaku_fixtures::skip_without_real_sample!();
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("check"),
            real_sample().as_os_str(),
            OsStr::new("--format"),
            OsStr::new("json"),
        ],
    )
    .run();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        json_findings(&run.json()),
        [(20, "stated_sum_mismatch"), (21, "total_mismatch")].map(|(no, kind)| (no, kind.into()))
    );
}

#[test]
fn check_json_lists_no2_then_no3_on_a_bundled_sample() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("check"),
            bundled(SAKURA).as_os_str(),
            OsStr::new("--format"),
            OsStr::new("json"),
        ],
    )
    .run();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        json_findings(&run.json()),
        [(2, "total_mismatch"), (3, "stated_sum_mismatch")].map(|(no, kind)| (no, kind.into()))
    );
}

#[test]
fn check_text_shows_each_finding_and_a_summary_line() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[OsStr::new("check"), bundled(SAKURA).as_os_str()],
    )
    .run();
    assert_eq!(run.code, 1, "{}", run.stderr);
    for expected in [
        "項目番号: No.2",
        "種類: 総計の不一致",
        "項目番号: No.3",
        "種類: 記載された合計の不一致",
        "記載値: ",
        "再計算値: ",
        "差: ",
        "2件の不一致",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing {expected}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn a_missing_file_exits_2_and_is_named() {
    let dir = temp();
    for command in ["parse", "check", "import"] {
        let run = kaikaku(dir.path(), &[command, "samples/x.txt"]).run();
        assert_eq!(run.code, 2, "{command}: {}", run.stderr);
        assert!(
            run.stderr.contains("error: samples/x.txt: "),
            "{command}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_file_that_is_not_a_report_exits_2_and_is_named() {
    let dir = temp();
    let file = not_a_report(dir.path());
    for command in ["parse", "check", "import"] {
        let run = kaikaku(dir.path(), &[OsStr::new(command), file.as_os_str()]).run();
        assert_eq!(run.code, 2, "{command}: {}", run.stderr);
        assert!(
            run.stderr.contains("買い物メモ.txt: "),
            "{command}: {}",
            run.stderr
        );
    }
}

#[test]
fn check_goes_on_after_an_unreadable_file() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("check"),
            OsStr::new("missing.txt"),
            bundled(SAKURA).as_os_str(),
            OsStr::new("--format"),
            OsStr::new("json"),
        ],
    )
    .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("missing.txt: "), "{}", run.stderr);
    let json = run.json();
    assert_eq!(json[0]["file"], "missing.txt");
    assert!(json[0]["error"].is_string());
    assert_eq!(json[1]["findings"].as_array().map(Vec::len), Some(2));
}

#[test]
fn import_twice_then_list_and_export_show_one_report() {
    let dir = temp();
    let db = test_db();
    let sample = bundled(KAEDE);
    let import = [OsStr::new("import"), sample.as_os_str()];
    let first = kaikaku(dir.path(), &import).db(&db).run();
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout.contains("imported"), "{}", first.stdout);
    assert!(first.stdout.contains("9 items"), "{}", first.stdout);
    let second = kaikaku(dir.path(), &import).db(&db).run();
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(second.stdout.contains("replaced"), "{}", second.stdout);

    // The database named by the environment is the default.
    let list = kaikaku(dir.path(), &["list"]).db_env(&db).run();
    assert_eq!(list.code, 0, "{}", list.stderr);
    let rows: Vec<&str> = list.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{}", list.stdout);
    assert!(
        rows[0].contains("第3次楓町行政改革実施計画"),
        "{}",
        list.stdout
    );
    assert!(rows[0].contains("令和6年度（2024年度）"), "{}", list.stdout);

    let export = kaikaku(dir.path(), &["export", "--format", "json"])
        .db_env(&db)
        .run();
    assert_eq!(export.code, 0, "{}", export.stderr);
    let json = export.json();
    let reports = json.as_array().expect("an array of reports");
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["items"].as_array().map(Vec::len), Some(9));
}

#[test]
fn import_reports_a_bad_file_and_imports_the_others() {
    let dir = temp();
    let db = test_db();
    let bad = not_a_report(dir.path());
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            bad.as_os_str(),
            bundled(KAEDE).as_os_str(),
        ],
    )
    .db(&db)
    .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("買い物メモ.txt: "), "{}", run.stderr);
    assert!(run.stdout.contains("imported"), "{}", run.stdout);
    let list = kaikaku(dir.path(), &["list"]).db(&db).run();
    assert_eq!(list.stdout.lines().count(), 2, "{}", list.stdout);
}

/// `kaikaku list` of `db` says nothing is stored.
fn assert_nothing_stored(dir: &Path, db: &TestDb) {
    let list = kaikaku(dir, &["list"]).db(db).run();
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert_eq!(list.stdout.trim(), "保存されている報告はありません。");
}

/// The bundled 楓町 sample with a title of 305 characters in No.2, an ESC in its first content
/// row and its action ② written twice, as `bad.txt` in `dir`.
fn past_the_limits(dir: &Path) -> PathBuf {
    let text = kaikaku_fixtures::bundled_text(KAEDE)
        .replacen(
            "No.2 事務事業の見直し",
            &format!("No.2 事務事業の{}", "見".repeat(300)),
            1,
        )
        .replacen(
            "事務事業評価による事業の見直し\t",
            "事務事業評価\u{1b}]0;x\u{7}による事業の見直し\t",
            1,
        )
        .replacen("③押印・書面の見直し", "②押印・書面の見直し", 1);
    let path = dir.join("bad.txt");
    std::fs::write(&path, text).expect("writes");
    path
}

#[test]
fn a_report_past_the_limits_is_refused_with_each_violation_and_its_line() {
    let dir = temp();
    let db = test_db();
    let bad = past_the_limits(dir.path());
    let expected = [
        "bad.txt: 上限を超える内容か欠けている項目が3件あるため読み込みません:\n",
        "bad.txt:35: No.2 項目名: 項目名は200文字までです（今は305文字）。\n",
        "bad.txt:41: No.2 改善・推進の内容 1行目: 制御文字（U+001B）は使えません。\n",
        "bad.txt:35: No.2 主な取組内容 3: 取組番号2が2回使われています。\n",
    ];
    for command in ["import", "parse", "check"] {
        let mut run = kaikaku(dir.path(), &[OsStr::new(command), bad.as_os_str()]);
        if command == "import" {
            run = run.db(&db);
        }
        let run = run.run();
        assert_eq!(run.code, 2, "{command}: {}", run.stderr);
        for line in expected {
            assert!(
                run.stderr.contains(line),
                "{command}: {line}\n{}",
                run.stderr
            );
        }
        // The file is named once, and no control character reaches the terminal.
        assert!(!run.stderr.contains("bad.txt: bad.txt"), "{}", run.stderr);
        assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
        assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    }
    assert_nothing_stored(dir.path(), &db);

    // A limit is a setting: a flag, or its environment variable.
    let sample = bundled(KAEDE);
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            OsStr::new("--max-title-chars"),
            OsStr::new("10"),
            sample.as_os_str(),
        ],
    )
    .db(&db)
    .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("kaedemachi_r6.txt:58: No.3 項目名: 項目名は10文字までです（今は16文字）。"),
        "{}",
        run.stderr
    );
    let run = kaikaku(dir.path(), &[OsStr::new("parse"), sample.as_os_str()])
        .env("KAIKAKU_MAX_ROWS", "1")
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("kaedemachi_r6.txt:42: No.2 改善・推進の内容 2行目: 改善・推進の内容は1行までです（今は2行）。"),
        "{}",
        run.stderr
    );
    assert_nothing_stored(dir.path(), &db);
}

#[test]
fn a_file_over_the_byte_limit_is_refused_at_once() {
    let dir = temp();
    let db = test_db();
    let big = dir.path().join("big.txt");
    std::fs::write(&big, vec![b'a'; 17 * 1024 * 1024]).expect("writes");
    for file in [Path::new("/dev/zero"), big.as_path()] {
        let started = Instant::now();
        let run = kaikaku(dir.path(), &[OsStr::new("import"), file.as_os_str()])
            .db(&db)
            .run();
        assert_eq!(run.code, 2, "{}", run.stderr);
        let message = format!(
            "error: {}: ファイルが大きすぎます（上限 16,777,216 バイト、--max-file-bytes）",
            file.display()
        );
        assert!(run.stderr.contains(&message), "{}", run.stderr);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }
    // The sample (11 KB) is refused under a limit of 1 KiB, and read under its own size.
    let sample = bundled(KAEDE);
    let size = std::fs::metadata(&sample)
        .expect("the sample")
        .len()
        .to_string();
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("parse"),
            OsStr::new("--max-file-bytes"),
            OsStr::new("1024"),
            sample.as_os_str(),
        ],
    )
    .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("（上限 1,024 バイト、"),
        "{}",
        run.stderr
    );
    let run = kaikaku(dir.path(), &[OsStr::new("parse"), sample.as_os_str()])
        .env("KAIKAKU_MAX_FILE_BYTES", &size)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_nothing_stored(dir.path(), &db);
}

#[test]
fn a_text_over_the_line_limit_is_not_read() {
    let dir = temp();
    let db = test_db();
    let mut text = kaikaku_fixtures::bundled_text(KAEDE);
    text.push_str(&"・\n".repeat(200_000));
    let long = dir.path().join("long.txt");
    std::fs::write(&long, text).expect("writes");
    let run = kaikaku(dir.path(), &[OsStr::new("import"), long.as_os_str()])
        .db(&db)
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("long.txt: 行数が上限（200,000行）を超えるため読み込みません"),
        "{}",
        run.stderr
    );
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("check"),
            OsStr::new("--max-report-lines"),
            OsStr::new("100"),
            bundled(KAEDE).as_os_str(),
        ],
    )
    .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("行数が上限（100行）を超える"),
        "{}",
        run.stderr
    );
    assert_nothing_stored(dir.path(), &db);
}

#[test]
fn a_workbook_with_an_empty_title_is_refused_as_the_form_refuses_it() {
    let dir = temp();
    let db = test_db();
    let mut report = kaikaku_reader::read(
        &kaikaku_fixtures::bundled(KAEDE),
        &kaikaku_reader::ReadOptions::default(),
    )
    .expect("reads");
    report.items[2].title = String::new();
    let book = dir.path().join("empty-title.xlsx");
    std::fs::write(&book, kaikaku_export::xlsx::write(&report).expect("writes")).expect("writes");
    let run = kaikaku(dir.path(), &[OsStr::new("import"), book.as_os_str()])
        .db(&db)
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("No.3 項目名: 項目名を入力してください。"),
        "{}",
        run.stderr
    );
    assert_nothing_stored(dir.path(), &db);
}

/// Imports the bundled 楓町 sample into `db` as the plan of its town, 999997 楓町.
fn import_sample_with_municipality(dir: &Path, db: &TestDb) {
    let run = kaikaku(
        dir,
        &[
            OsStr::new("import"),
            OsStr::new("--municipality-code"),
            OsStr::new("999997"),
            OsStr::new("--municipality-name"),
            OsStr::new("楓町"),
            bundled(KAEDE).as_os_str(),
        ],
    )
    .db(db)
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn export_names_one_report_and_writes_a_file_whole() {
    let dir = temp();
    let db = test_db();
    import_sample_with_municipality(dir.path(), &db);

    // One stored report: --report may be left out; the municipality came with the import.
    let json = kaikaku(dir.path(), &["export", "--report", "1/令和6年度"])
        .db_env(&db)
        .run();
    assert_eq!(json.code, 0, "{}", json.stderr);
    let json = json.json();
    assert_eq!(json["municipality"]["code"], "999997");
    assert_eq!(json["municipality"]["name"], "楓町");
    assert_eq!(json["items"].as_array().map(Vec::len), Some(9));

    let out = dir.path().join("sample.txt");
    let text = kaikaku(
        dir.path(),
        &[
            OsStr::new("export"),
            OsStr::new("--format"),
            OsStr::new("text"),
            OsStr::new("--out"),
            out.as_os_str(),
        ],
    )
    .db_env(&db)
    .run();
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.is_empty(), "{}", text.stdout);
    let written = std::fs::read_to_string(&out).expect("the file is written");
    assert_eq!(
        written.lines().find(|line| !line.trim().is_empty()),
        Some("第3次楓町行政改革実施計画 取組実績報告書（令和6年度実績）")
    );

    // A reference that names nothing, and a second report that makes --report necessary.
    let missing = kaikaku(dir.path(), &["export", "--report", "1/2030"])
        .db_env(&db)
        .run();
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("「1/2030」に当たる公開中の報告はありません"),
        "{}",
        missing.stderr
    );
    let second = kaikaku(
        dir.path(),
        &[OsStr::new("import"), bundled(SAKURA).as_os_str()],
    )
    .db_env(&db)
    .run();
    assert_eq!(second.code, 0, "{}", second.stderr);
    let ambiguous = kaikaku(dir.path(), &["export", "--format", "text"])
        .db_env(&db)
        .run();
    assert_eq!(ambiguous.code, 2);
    assert!(
        ambiguous.stderr.contains("2件あります"),
        "{}",
        ambiguous.stderr
    );
    // A failed export leaves an existing file as it was.
    let kept = std::fs::read(&out).expect("still there");
    let failed = kaikaku(
        dir.path(),
        &[
            OsStr::new("export"),
            OsStr::new("--format"),
            OsStr::new("text"),
            OsStr::new("--report"),
            OsStr::new("9"),
            OsStr::new("--out"),
            out.as_os_str(),
        ],
    )
    .db_env(&db)
    .run();
    assert_eq!(failed.code, 2);
    assert_eq!(std::fs::read(&out).expect("still there"), kept);
}

#[test]
fn csv_and_xlsx_exports_validate_and_the_workbook_reads_back() {
    let dir = temp();
    let db = test_db();
    import_sample_with_municipality(dir.path(), &db);

    let csv = kaikaku(dir.path(), &["export", "--format", "csv", "--bom"])
        .db_env(&db)
        .run();
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let options = kaikaku_export::csv::CsvOptions { bom: true };
    assert_eq!(
        kaikaku_export::csv::validate(csv.stdout.as_bytes(), options),
        Vec::new()
    );
    assert!(
        csv.stdout.starts_with("\u{feff}地方公共団体コード,"),
        "{}",
        csv.stdout
    );
    assert!(csv.stdout.contains("999997,楓町,"), "{}", csv.stdout);
    let items = kaikaku(
        dir.path(),
        &["export", "--format", "csv", "--table", "items"],
    )
    .db_env(&db)
    .run();
    assert_eq!(items.code, 0, "{}", items.stderr);
    // A header and one row per item of the sample.
    assert_eq!(items.stdout.lines().count(), 1 + 9);
    let unknown = kaikaku(dir.path(), &["export", "--format", "csv", "--table", "x"])
        .db_env(&db)
        .run();
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("「x」という表はありません"),
        "{}",
        unknown.stderr
    );

    // The workbook reads back to the same report: a dry run finds nothing to change.
    let book = dir.path().join("book.xlsx");
    let xlsx = kaikaku(
        dir.path(),
        &[
            OsStr::new("export"),
            OsStr::new("--format"),
            OsStr::new("xlsx"),
            OsStr::new("--out"),
            book.as_os_str(),
        ],
    )
    .db_env(&db)
    .run();
    assert_eq!(xlsx.code, 0, "{}", xlsx.stderr);
    let dry = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            OsStr::new("--dry-run"),
            book.as_os_str(),
        ],
    )
    .db_env(&db)
    .run();
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout.contains("9 項目, 警告 0 件, XLSX"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("変更なし"), "{}", dry.stdout);

    // A damaged workbook is refused and changes nothing.
    let before = kaikaku(dir.path(), &["export"]).db_env(&db).run().stdout;
    let broken = dir.path().join("broken.xlsx");
    let mut bytes = std::fs::read(&book).expect("the workbook");
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&broken, bytes).expect("writes");
    let refused = kaikaku(dir.path(), &[OsStr::new("import"), broken.as_os_str()])
        .db_env(&db)
        .run();
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("broken.xlsx: ブックに1件の誤りがあるため取り込みません"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        kaikaku(dir.path(), &["export"]).db_env(&db).run().stdout,
        before
    );
}

/// 楓町's report stored (as an import is) with texts that begin with every dangerous character
/// but CR (which a text file cannot hold inside a field): the municipality's name and No.1's
/// title (`=`), No.1's first effect label (`@`) and effect text (`-`), No.2's 記入担当課 (`+`)
/// and 総評 (TAB).
fn store_hostile_report(db: &TestDb) {
    let bytes = std::fs::read(bundled(KAEDE)).expect("the sample");
    let mut report = kaikaku_reader::read(&bytes, &Default::default()).expect("a report");
    report.municipality = Some(kaikaku_model::Municipality {
        code: kaikaku_model::LocalGovernmentCode::parse("999997").expect("valid"),
        name: "=HYPERLINK(\"http://evil.example/\",\"楓町\")".into(),
    });
    let first = &mut report.items[0];
    first.title = "=HYPERLINK(\"http://evil.example/\",\"詳細はこちら\")".into();
    let effect = &mut first.effects[0];
    effect.quantities[0].label = "@SUM(1+1)*cmd|\" /C calc\"!A0".into();
    effect.text = format!("-2+3+cmd|' /C calc'!A0 {}", effect.text);
    let second = &mut report.items[1];
    second.reporting_department = Some("+1+2".into());
    second
        .evaluation
        .as_mut()
        .expect("a 総評")
        .text
        .insert_str(0, "\t=1+1");
    block_on(async {
        use kaikaku_store::Store;
        let source = kaikaku_store::Source {
            name: KAEDE.into(),
            encoding: "UTF-8".into(),
        };
        open_db(db)
            .await
            .save_report(&report, &source)
            .await
            .expect("stored");
    });
}

#[test]
fn the_csv_export_neutralises_texts_that_begin_like_formulas() {
    let dir = temp();
    let db = test_db();
    store_hostile_report(&db);
    let export = |table: &str| {
        let run = kaikaku(dir.path(), &["export", "--format", "csv", "--table", table])
            .db(&db)
            .run();
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            kaikaku_export::csv::validate(run.stdout.as_bytes(), Default::default()),
            Vec::new(),
            "{table}"
        );
        run.stdout
    };
    let town = "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"楓町\"\")\"";
    let title = "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"詳細はこちら\"\")\"";
    let figures = export("figures");
    assert!(
        figures.contains(&format!(
            "\r\n999997,{town},第3次楓町行政改革実施計画,2024,令和6年度,1,{title},年度,"
        )),
        "{figures}"
    );
    assert!(
        figures.contains(",\"'@SUM(1+1)*cmd|\"\" /C calc\"\"!A0\","),
        "{figures}"
    );
    assert!(figures.contains(",'-2+3+cmd|' /C calc'!A0 "), "{figures}");
    // ▲350千円 (No.5, 令和6年度) is still the plain number -350, and -350,000 yen.
    assert!(
        figures.contains(",補助金等の見直しによる削減額,-350,千円,-350000,実績,"),
        "{figures}"
    );
    let items = export("items");
    assert!(items.contains(",'+1+2,"), "{items}");
    assert!(items.contains(",'\t=1+1"), "{items}");
    let departments = export("departments");
    assert!(
        departments.contains(&format!("\r\n999997,{town},")),
        "{departments}"
    );
    assert!(!departments.contains(",=") && !departments.contains(",+"));
}

#[test]
fn the_pdf_export_prints_the_edition_on_a3() {
    let dir = temp();
    let db = test_db();
    import_sample_with_municipality(dir.path(), &db);
    let pdf = dir.path().join("report.pdf");
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("export"),
            OsStr::new("--format"),
            OsStr::new("pdf"),
            OsStr::new("--paper"),
            OsStr::new("a3"),
            OsStr::new("--out"),
            pdf.as_os_str(),
        ],
    )
    .db(&db)
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bytes = std::fs::read(&pdf).expect("the PDF is written");
    assert!(bytes.starts_with(b"%PDF-"));
    let info = Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&info.stdout);
    // A3 landscape: 420 mm × 297 mm, about 1191 × 842 pt (pdfinfo names the size).
    let size = info
        .lines()
        .find_map(|line| line.strip_prefix("Page size:"))
        .expect("pdfinfo prints the page size");
    let sides: Vec<f64> = size
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    assert!(size.ends_with("(A3)"), "{size}");
    assert!(sides.len() == 2 && sides[0] > sides[1], "landscape: {size}");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("No.8 ふるさと納税制度の活用"), "{text}");
}

#[test]
fn a_wrong_municipality_code_is_refused_before_anything_is_stored() {
    let dir = temp();
    let db = test_db();
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            OsStr::new("--municipality-code"),
            OsStr::new("999998"),
            OsStr::new("--municipality-name"),
            OsStr::new("楓町"),
            bundled(KAEDE).as_os_str(),
        ],
    )
    .db(&db)
    .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("検査数字が合いません"),
        "{}",
        run.stderr
    );
    assert!(untouched(&db), "nothing was opened or stored");
    let alone = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            OsStr::new("--municipality-code"),
            OsStr::new("999997"),
            bundled(KAEDE).as_os_str(),
        ],
    )
    .run();
    assert_eq!(alone.code, 2);
    assert!(
        alone.stderr.contains("--municipality-name"),
        "{}",
        alone.stderr
    );
}

#[test]
fn a_dry_run_lists_the_changes_and_stores_nothing() {
    let dir = temp();
    let db = test_db();
    import_sample_with_municipality(dir.path(), &db);
    let before = kaikaku(dir.path(), &["export"]).db_env(&db).run().stdout;

    let edited = dir.path().join("edited.txt");
    let text = String::from_utf8(kaikaku_fixtures::bundled(KAEDE))
        .expect("UTF-8")
        .replace("窓口サービスの向上", "窓口サービスの改善");
    std::fs::write(&edited, text).expect("writes");
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            OsStr::new("--dry-run"),
            edited.as_os_str(),
        ],
    )
    .db_env(&db)
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("確認のみ（保存しません）: 9 項目"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("保存済みの報告 id 1 を置き換えます"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("No.4 項目名: 「窓口サービスの向上」→「窓口サービスの改善」"),
        "{}",
        run.stdout
    );
    assert_eq!(
        kaikaku(dir.path(), &["export"]).db_env(&db).run().stdout,
        before
    );

    let same = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            OsStr::new("--dry-run"),
            bundled(KAEDE).as_os_str(),
        ],
    )
    .db_env(&db)
    .run();
    assert!(same.stdout.contains("変更なし"), "{}", same.stdout);
}

#[test]
fn the_default_database_is_kaikaku_db_in_the_working_directory() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[OsStr::new("import"), bundled(KAEDE).as_os_str()],
    )
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("kaikaku.db").exists());
}

/// A running `kaikaku serve`, killed on drop so that a failing assert never leaves it running.
struct Server {
    child: Child,
    /// The lines printed before `listening on …`, and that line.
    stdout: Vec<String>,
    /// `127.0.0.1:PORT`, from the `listening on http://ADDR/` line.
    addr: String,
    stderr_log: PathBuf,
    /// The lines printed after `listening on …`, as they come.
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `kaikaku ARGS` in `dir` (also its TMPDIR) and waits for `listening on`.
    fn start(dir: &Path, args: &[&OsStr]) -> Server {
        Server::start_with_env(dir, args, ("TMPDIR", dir.as_os_str()))
    }

    /// [`Server::start`] with one more environment variable.
    fn start_with_env(
        dir: &Path,
        args: &[&OsStr],
        (key, value): (&'static str, impl AsRef<OsStr>),
    ) -> Server {
        let stderr_log = dir.join("serve.stderr");
        let child = kaikaku(dir, args)
            .env("TMPDIR", dir)
            .env(key, value)
            .command()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_log).expect("log file"))
            .spawn()
            .expect("the binary starts");
        let (send, lines) = mpsc::channel();
        let mut server = Server {
            child,
            stdout: Vec::new(),
            addr: String::new(),
            stderr_log,
            lines,
        };
        let stdout = server.child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        while server.addr.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = server.lines.recv_timeout(left).unwrap_or_else(|e| {
                panic!(
                    "no `listening on` line ({e}); stdout:\n{}\nstderr:\n{}",
                    server.stdout.join("\n"),
                    server.stderr()
                )
            });
            if let Some(rest) = line.strip_prefix("listening on http://") {
                server.addr = rest.strip_suffix('/').expect("ends with /").to_owned();
            }
            server.stdout.push(line);
        }
        server
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
    }

    /// GETs `path` over plain HTTP/1.0: the status code and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).expect("sends");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("a UTF-8 response");
        let (head, body) = response.split_once("\r\n\r\n").expect("head and body");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head}"));
        (status, body.to_owned())
    }

    /// Sends SIGTERM and waits for the exit status.
    fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let kill = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(kill.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("waits") {
                return status;
            }
            assert!(Instant::now() < deadline, "still running after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn serve_demo_listens_on_the_port_chosen_and_answers_healthz() {
    let dir = temp();
    let mut server = Server::start(
        dir.path(),
        &["serve", "--demo", "--addr", "127.0.0.1:0"].map(OsStr::new),
    );
    let out = server.stdout.join("\n");
    assert!(
        out.contains("kaedemachi_r6.txt: imported (id 1, 9 items, 0 warnings, UTF-8), 0 findings"),
        "{out}"
    );
    assert!(
        out.contains("sakuragawa_h30.txt: imported (id 2, 4 items, 0 warnings, UTF-8), 2 findings"),
        "{out}"
    );
    assert!(!server.addr.ends_with(":0"), "{}", server.addr);

    assert_eq!(server.get("/healthz"), (200, "ok".to_owned()));
    // Two towns: the top page is their directory, each town's page lists its plan.
    let (status, top) = server.get("/");
    assert_eq!(status, 200);
    assert!(
        top.contains("<a href=\"/municipalities/999997\">楓町</a>"),
        "{top}"
    );
    assert!(
        top.contains("<a href=\"/municipalities/999989\">桜川市</a>"),
        "{top}"
    );
    let (status, kaede) = server.get("/municipalities/999997");
    assert_eq!(status, 200);
    assert!(kaede.contains("第3次楓町行政改革実施計画"), "{kaede}");
    let (status, sakura) = server.get("/municipalities/999989");
    assert_eq!(status, 200);
    assert!(sakura.contains("令和元年度（2019年度）"), "{sakura}");

    // SIGTERM stops the server gracefully and the temporary demo database goes with it.
    let status = server.terminate();
    assert!(status.success(), "{status:?}\n{}", server.stderr());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("lists")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("kaikaku-demo-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn serve_demo_rebuilds_the_database_it_is_given() {
    let dir = temp();
    let db = dir.path().join("demo.db");
    std::fs::write(&db, "not a database").expect("writes");
    let server = Server::start(
        dir.path(),
        &[
            OsStr::new("serve"),
            OsStr::new("--demo"),
            OsStr::new("--db"),
            db.as_os_str(),
            OsStr::new("--addr"),
            OsStr::new("127.0.0.1:0"),
        ],
    );
    let (status, top) = server.get("/");
    assert_eq!(status, 200, "{}", server.stderr());
    assert!(top.contains("楓町"), "{top}");
    drop(server);
    // The database stays: it was named.
    let list = kaikaku(
        dir.path(),
        &[OsStr::new("list"), OsStr::new("--db"), db.as_os_str()],
    )
    .run();
    assert_eq!(list.stdout.lines().count(), 3, "{}", list.stdout);
}

/// The stored user `name` of the database `db`.
fn stored_user(db: &TestDb, name: &str) -> Option<kaikaku_store::User> {
    use kaikaku_store::Cycle;
    block_on(async {
        let store = open_db(db).await;
        store.user_by_name(name).await.expect("reads")
    })
}

/// The store of a test database.
async fn open_db(db: &TestDb) -> kaikaku_store::Database {
    kaikaku_store::Database::connect(db.target())
        .await
        .expect("opens")
}

#[test]
fn user_add_reads_the_password_from_stdin_and_list_shows_the_users() {
    let dir = temp();
    let db = test_db();
    let run = kaikaku(
        dir.path(),
        &[
            "user",
            "add",
            "suzuki",
            "--role",
            "admin",
            "--department",
            "政策課",
        ],
    )
    .db(&db)
    .stdin("suzuki-password\n")
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("ユーザー「suzuki」を登録しました（id 1、管理者（政策課）、政策課）"),
        "{}",
        run.stdout
    );
    let run = kaikaku(
        dir.path(),
        &[
            "user",
            "add",
            "tanaka",
            "--role",
            "editor",
            "--department",
            "総務課",
        ],
    )
    .db(&db)
    .stdin("tanaka-password\r\n")
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = kaikaku(dir.path(), &["user", "add", "sato", "--role", "reviewer"])
        .db(&db)
        .stdin("sato-password")
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);

    let list = kaikaku(dir.path(), &["user", "list"]).db(&db).run();
    assert_eq!(list.code, 0, "{}", list.stderr);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", list.stdout);
    assert!(lines[0].starts_with("ユーザー名"), "{}", list.stdout);
    let rows: Vec<Vec<&str>> = lines
        .iter()
        .map(|line| line.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows,
        vec![
            vec!["ユーザー名", "役割", "課"],
            vec!["sato", "査読者（行政改革推進委員会）"],
            vec!["suzuki", "管理者（政策課）", "政策課"],
            vec!["tanaka", "記入担当課", "総務課"],
        ]
    );
    assert!(!list.stdout.contains("argon2"), "{}", list.stdout);

    // The line ending is not part of the password.
    let tanaka = stored_user(&db, "tanaka").expect("stored");
    assert!(kaikaku_auth::verify_password(
        "tanaka-password",
        &tanaka.password_hash
    ));
}

#[test]
fn user_add_refuses_a_duplicate_name() {
    let dir = temp();
    let db = test_db();
    let args = ["user", "add", "suzuki", "--role", "reviewer"];
    assert_eq!(
        kaikaku(dir.path(), &args)
            .db(&db)
            .stdin("suzuki-password\n")
            .run()
            .code,
        0
    );
    let run = kaikaku(dir.path(), &args)
        .db(&db)
        .stdin("another-password\n")
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error: ユーザー名「suzuki」はすでに使われています"),
        "{}",
        run.stderr
    );
    let list = kaikaku(dir.path(), &["user", "list"]).db(&db).run();
    assert_eq!(list.stdout.lines().count(), 2, "{}", list.stdout);
}

#[test]
fn user_add_refuses_a_short_password_and_an_editor_without_department() {
    let dir = temp();
    let db = test_db();
    let run = kaikaku(dir.path(), &["user", "add", "suzuki", "--role", "admin"])
        .db(&db)
        .stdin("short\n")
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error: パスワードは10文字以上にしてください"),
        "{}",
        run.stderr
    );
    let run = kaikaku(dir.path(), &["user", "add", "x", "--role", "admin"])
        .db(&db)
        .stdin("")
        .run();
    assert_eq!(run.code, 2, "an empty stdin is an empty password");

    let run = kaikaku(dir.path(), &["user", "add", "tanaka", "--role", "editor"])
        .db(&db)
        .stdin("tanaka-password\n")
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("記入担当課のユーザーには課名が必要です"),
        "{}",
        run.stderr
    );
    let run = kaikaku(dir.path(), &["user", "add", "has space", "--role", "admin"])
        .db(&db)
        .stdin("long-enough-password\n")
        .run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("ユーザー名に空白"), "{}", run.stderr);

    let list = kaikaku(dir.path(), &["user", "list"]).db(&db).run();
    assert_eq!(list.code, 0);
    assert_eq!(list.stdout, "登録されているユーザーはいません。\n");
}

#[test]
fn user_passwd_changes_the_hash_and_ends_the_sessions() {
    use kaikaku_store::Cycle;
    let dir = temp();
    let db = test_db();
    let run = kaikaku(dir.path(), &["user", "add", "suzuki", "--role", "reviewer"])
        .db(&db)
        .stdin("first-password\n")
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let before = stored_user(&db, "suzuki").expect("stored");
    // A session, as a log-in on the web would make.
    let token = kaikaku_auth::Token::generate().expect("randomness");
    block_on(async {
        let store = open_db(&db).await;
        let session = kaikaku_store::Session {
            token_hash: token.hash.clone(),
            user_id: before.id,
            csrf_token: "csrf".to_owned(),
            expires_at: chrono::Utc::now() + chrono::Duration::hours(1),
        };
        store.create_session(&session).await.expect("a session");
    });

    let run = kaikaku(dir.path(), &["user", "passwd", "suzuki"])
        .db(&db)
        .stdin("second-password\n")
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("ユーザー「suzuki」のパスワードを変更しました（ログイン中のセッション1件を終了しました）"),
        "{}",
        run.stdout
    );
    let after = stored_user(&db, "suzuki").expect("stored");
    assert_ne!(after.password_hash, before.password_hash);
    assert!(kaikaku_auth::verify_password(
        "second-password",
        &after.password_hash
    ));
    assert!(!kaikaku_auth::verify_password(
        "first-password",
        &after.password_hash
    ));
    let session = block_on(async {
        let store = open_db(&db).await;
        store
            .session(&token.hash, chrono::Utc::now())
            .await
            .expect("reads")
    });
    assert!(session.is_none(), "the session was ended");

    // A short password changes nothing.
    let run = kaikaku(dir.path(), &["user", "passwd", "suzuki"])
        .db(&db)
        .stdin("short\n")
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("パスワードは10文字以上にしてください"),
        "{}",
        run.stderr
    );
    let unchanged = stored_user(&db, "suzuki").expect("stored");
    assert_eq!(unchanged.password_hash, after.password_hash);

    let run = kaikaku(dir.path(), &["user", "passwd", "nobody"])
        .db(&db)
        .stdin("third-password\n")
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("ユーザー「nobody」はいません"),
        "{}",
        run.stderr
    );
}

#[test]
fn serve_demo_prints_the_logins_and_they_work() {
    let dir = temp();
    let server = Server::start(
        dir.path(),
        &["serve", "--demo", "--addr", "127.0.0.1:0"].map(OsStr::new),
    );
    let mut after = Vec::new();
    while after.len() < 7 {
        let line = server
            .lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|e| panic!("{e}: {after:?}"));
        after.push(line);
    }
    let login_url = format!("http://{}/login", server.addr);
    assert_eq!(
        after[1],
        format!("デモ用のログイン（{login_url}）:"),
        "{after:?}"
    );
    let table = after[2..].join("\n");
    for expected in [
        "admin          demo-admin-pass     管理者（政策課）",
        "政策課",
        "editor-somu    demo-somu-pass      記入担当課",
        "総務課",
        "editor-zaisei  demo-zaisei-pass    記入担当課",
        "財政課",
        "reviewer       demo-reviewer-pass  査読者（行政改革推進委員会）",
    ] {
        assert!(table.contains(expected), "{expected}:\n{table}");
    }
    for (name, password) in [
        ("admin", "demo-admin-pass"),
        ("editor-somu", "demo-somu-pass"),
        ("editor-zaisei", "demo-zaisei-pass"),
        ("reviewer", "demo-reviewer-pass"),
    ] {
        let (status, head) =
            server.post_form("/login", &format!("username={name}&password={password}"));
        assert_eq!(status, 303, "{name}: {head}");
        assert!(head.contains("kaikaku_session="), "{name}: {head}");
    }
}

impl Server {
    /// POSTs a form over plain HTTP/1.0: the status code and the response head.
    fn post_form(&self, path: &str, body: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        write!(
            stream,
            "POST {path} HTTP/1.0\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .expect("sends");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("a UTF-8 response");
        let head = response
            .split_once("\r\n\r\n")
            .map_or(response.as_str(), |(head, _)| head)
            .to_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head}"));
        (status, head)
    }
}

/// A manifest row: file, code, municipality name, plan, report year.
type ManifestRow = (String, String, String, String, i32);

/// Writes two generated towns' editions of two years into `dir/corpus` (one town in UTF-8, the
/// other in Shift_JIS) with a manifest as `xtask gen-corpus` writes it; returns the manifest
/// and its rows.
fn small_corpus(dir: &Path) -> (PathBuf, Vec<ManifestRow>) {
    use kaikaku_fixtures::generate::{SeriesShape, Shape, series};
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(corpus.join("01")).expect("a folder");
    let mut rows = Vec::new();
    let mut manifest = String::from("file,code,municipality,plan,fiscal_year,encoding,findings\n");
    for (i, town) in kaikaku_fixtures::municipalities::municipalities(2)
        .iter()
        .enumerate()
    {
        let shape = SeriesShape {
            shape: Shape {
                items: 1..=4,
                ..Shape::default()
            },
            town: town.name.clone(),
            editions: 2,
            generic_name_percent: 0,
        };
        for report in series(i as u64, &shape) {
            let year = report.report_fiscal_year.expect("a year").gregorian();
            let file = format!("01/{}_{year}.txt", town.code);
            let text = kaikaku_export::text::render(&report);
            let bytes = if i == 0 {
                text.into_bytes()
            } else {
                kaikaku_fixtures::as_shift_jis(&kaikaku_fixtures::cp932_spelling(&text))
            };
            std::fs::write(corpus.join(&file), bytes).expect("written");
            manifest.push_str(&format!(
                "{file},{},{},{},{year},x,0\n",
                town.code, town.name, report.plan_name
            ));
            rows.push((
                file,
                town.code.to_string(),
                town.name.clone(),
                report.plan_name.clone(),
                year,
            ));
        }
    }
    let path = corpus.join("manifest.csv");
    std::fs::write(&path, manifest).expect("written");
    (path, rows)
}

#[test]
fn import_manifest_stores_every_file_with_its_municipality() {
    let dir = temp();
    let db = test_db();
    let (manifest, rows) = small_corpus(dir.path());
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            OsStr::new("--manifest"),
            manifest.as_os_str(),
        ],
    )
    .db(&db)
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    // One line per file, in manifest order, and the summary line.
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), rows.len(), "{}", run.stdout);
    for (line, (file, ..)) in lines.iter().zip(&rows) {
        assert!(line.ends_with("findings"), "{line}");
        assert!(line.contains(&format!("{file}: imported (id ")), "{line}");
    }
    assert!(run.stdout.contains("Shift_JIS"), "{}", run.stdout);
    assert!(
        run.stderr.contains("4 reports, ") && run.stderr.contains(" reports/s, "),
        "{}",
        run.stderr
    );

    let export = kaikaku(dir.path(), &["export", "--format", "json"])
        .db_env(&db)
        .run();
    assert_eq!(export.code, 0, "{}", export.stderr);
    let json = export.json();
    let reports = json.as_array().expect("an array of every report");
    assert_eq!(reports.len(), rows.len());
    for (_, code, name, plan, year) in &rows {
        let report = reports
            .iter()
            .find(|r| r["plan_name"] == plan.as_str() && r["report_fiscal_year"] == *year)
            .unwrap_or_else(|| panic!("{plan} {year} is stored"));
        assert_eq!(report["municipality"]["code"], code.as_str());
        assert_eq!(report["municipality"]["name"], name.as_str());
    }
}

#[test]
fn import_manifest_names_every_wrong_line_and_imports_nothing() {
    let dir = temp();
    let db = test_db();
    let (manifest, _) = small_corpus(dir.path());
    let text = std::fs::read_to_string(&manifest).expect("the manifest");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // Line 3: a code whose check digit is wrong; line 5: no municipality name.
    let code = lines[2].split(',').nth(1).expect("a code").to_owned();
    let last = code
        .chars()
        .last()
        .and_then(|c| c.to_digit(10))
        .expect("a digit");
    let wrong = format!("{}{}", &code[..5], (last + 1) % 10);
    lines[2] = lines[2].replacen(&code, &wrong, 2);
    let mut cells: Vec<&str> = lines[4].split(',').collect();
    cells[2] = "";
    lines[4] = cells.join(",");
    std::fs::write(&manifest, lines.join("\n")).expect("written");

    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            OsStr::new("--manifest"),
            manifest.as_os_str(),
        ],
    )
    .db(&db)
    .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("マニフェストに誤りが2件ある"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("manifest.csv 3行目: 地方公共団体コード")
            && run.stderr.contains("検査数字が合いません"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("manifest.csv 5行目: 列「municipality」"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        untouched(&db),
        "nothing is stored, not even an empty database"
    );

    // A file the manifest lists that is missing is named; the others are imported.
    let (manifest, rows) = small_corpus(dir.path());
    std::fs::remove_file(manifest.parent().expect("a folder").join(&rows[1].0)).expect("removed");
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            OsStr::new("--manifest"),
            manifest.as_os_str(),
        ],
    )
    .db(&db)
    .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&rows[1].0), "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), rows.len() - 1, "{}", run.stdout);
    assert!(run.stderr.contains("3 reports, "), "{}", run.stderr);

    // --manifest and files do not go together.
    let both = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            OsStr::new("--manifest"),
            manifest.as_os_str(),
            bundled(KAEDE).as_os_str(),
        ],
    )
    .run();
    assert_eq!(both.code, 2, "{}", both.stderr);
}

/// Imports the bundled 楓町 sample into `db` as the plan of `code name`: returns the run.
fn import_as(dir: &Path, db: &TestDb, code: Option<(&str, &str)>) -> Run {
    let mut args = vec![OsString::from("import")];
    if let Some((code, name)) = code {
        for arg in ["--municipality-code", code, "--municipality-name", name] {
            args.push(arg.into());
        }
    }
    args.push(bundled(KAEDE).into_os_string());
    kaikaku(dir, &args).db(db).run()
}

#[test]
fn two_towns_with_a_plan_of_the_same_name_are_kept_apart() {
    let dir = temp();
    let db = test_db();
    for town in [("999997", "楓町"), ("999989", "桜川市")] {
        let run = import_as(dir.path(), &db, Some(town));
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    // Without a municipality, the plan name alone does not say which town's it is.
    let anonymous = import_as(dir.path(), &db, None);
    assert_eq!(anonymous.code, 2);
    assert!(
        anonymous.stderr.contains(
            "計画「第3次楓町行政改革実施計画」は複数の団体にあります（999989 桜川市、999997 楓町）"
        ),
        "{}",
        anonymous.stderr
    );
    // The dry run finds the plan as the import does, and refuses alike.
    let dry = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            OsStr::new("--dry-run"),
            bundled(KAEDE).as_os_str(),
        ],
    )
    .db_env(&db)
    .run();
    assert_eq!(dry.code, 2);
    assert!(
        dry.stderr.contains("複数の団体にあります"),
        "{}",
        dry.stderr
    );
    let list = kaikaku(dir.path(), &["list"]).db_env(&db).run();
    let towns: Vec<&str> = list
        .stdout
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .collect();
    assert_eq!(towns, ["団体", "999989", "999997"], "{}", list.stdout);

    // A reference by plan and year needs the town; a CSV of one town has only its rows.
    let ambiguous = kaikaku(
        dir.path(),
        &[
            "export",
            "--format",
            "text",
            "--report",
            "第3次楓町行政改革実施計画/R6",
        ],
    )
    .db_env(&db)
    .run();
    assert_eq!(ambiguous.code, 2);
    assert!(
        ambiguous.stderr.contains("複数あります"),
        "{}",
        ambiguous.stderr
    );
    let kaede = kaikaku(
        dir.path(),
        &[
            "export",
            "--format",
            "json",
            "--report",
            "999997/第3次楓町行政改革実施計画/R6",
        ],
    )
    .db_env(&db)
    .run();
    assert_eq!(kaede.code, 0, "{}", kaede.stderr);
    assert!(
        kaede.stdout.contains("\"name\": \"楓町\""),
        "{}",
        kaede.stdout
    );
    let one_town = kaikaku(
        dir.path(),
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "items",
            "--municipality",
            "999989",
        ],
    )
    .db_env(&db)
    .run();
    assert_eq!(one_town.code, 0, "{}", one_town.stderr);
    let rows: Vec<&str> = one_town.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 9);
    assert!(rows.iter().all(|row| row.starts_with("999989,桜川市,")));
    let both = kaikaku(
        dir.path(),
        &["export", "--format", "csv", "--table", "items"],
    )
    .db_env(&db)
    .run();
    assert_eq!(both.code, 0, "{}", both.stderr);
    assert_eq!(both.stdout.lines().count(), 1 + 18);
    let nobody = kaikaku(
        dir.path(),
        &["export", "--format", "csv", "--municipality", "010006"],
    )
    .db_env(&db)
    .run();
    assert_eq!(nobody.code, 2);
    assert!(
        nobody
            .stderr
            .contains("団体コード 010006 の公開中の報告はありません"),
        "{}",
        nobody.stderr
    );
}
