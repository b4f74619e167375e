//! Runs the built `kaikaku` binary on the real sample and on broken inputs, each test in its
//! own temporary directory with its own database.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

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

/// Runs `kaikaku ARGS` in `dir` with a clean environment plus `env`. Whatever happens, stderr
/// never shows a panic or a backtrace.
fn kaikaku_with_env<S: AsRef<OsStr>>(dir: &Path, env: &[(&str, &OsStr)], args: &[S]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kaikaku"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("KAIKAKU_DB")
        .env_remove("RUST_LOG")
        .env("RUST_BACKTRACE", "1");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("the binary runs");
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

fn kaikaku<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> Run {
    kaikaku_with_env(dir, &[], args)
}

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
    let run = kaikaku(dir.path(), &["--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for command in ["parse", "check", "import", "list", "export", "serve"] {
        assert!(
            run.stdout.contains(command),
            "{command} missing:\n{}",
            run.stdout
        );
    }
    let run = kaikaku(dir.path(), &["import", "--help"]);
    assert!(run.stdout.contains("KAIKAKU_DB"), "{}", run.stdout);
}

#[test]
fn parse_json_has_22_items_on_the_real_sample() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[OsStr::new("parse"), real_sample().as_os_str()],
    );
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
fn parse_text_is_a_japanese_summary() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("parse"),
            real_sample().as_os_str(),
            OsStr::new("--format"),
            OsStr::new("text"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "第5次集中改革プラン取組実績一覧",
        "報告年度: 令和3年度（2021年度）",
        "No.19 ふるさと納税制度の活用",
        "記入担当課: 政策課",
        "27,075件",
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
            real_sample().as_os_str(),
            OsStr::new("--encoding"),
            OsStr::new("utf-8"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["items"].as_array().map(Vec::len), Some(22));
}

#[test]
fn an_unknown_encoding_label_exits_2() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("parse"),
            real_sample().as_os_str(),
            OsStr::new("--encoding"),
            OsStr::new("klingon"),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("klingon"), "{}", run.stderr);
}

#[test]
fn check_json_lists_no20_then_no21_on_the_real_sample() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("check"),
            real_sample().as_os_str(),
            OsStr::new("--format"),
            OsStr::new("json"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    // One file: one object `{"file", "error", "findings"}`.
    let json = run.json();
    assert!(json.is_object(), "{json}");
    assert_eq!(json["error"], Value::Null);
    let found: Vec<(u64, &str)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["item_no"].as_u64().expect("item_no"),
                f["kind"].as_str().expect("kind"),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![(20, "stated_sum_mismatch"), (21, "total_mismatch")]
    );
    for finding in json["findings"].as_array().expect("findings") {
        for key in ["stated", "computed", "difference"] {
            assert!(finding[key].is_string(), "{key} is a decimal string");
        }
    }
}

#[test]
fn check_text_shows_each_finding_and_a_summary_line() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[OsStr::new("check"), real_sample().as_os_str()],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    for expected in [
        "項目番号: No.20",
        "種類: 記載された合計の不一致",
        "項目番号: No.21",
        "種類: 総計の不一致",
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
        let run = kaikaku(dir.path(), &[command, "samples/x.txt"]);
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
        let run = kaikaku(dir.path(), &[OsStr::new(command), file.as_os_str()]);
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
            real_sample().as_os_str(),
            OsStr::new("--format"),
            OsStr::new("json"),
        ],
    );
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
    let db = dir.path().join("test.db");
    let sample = real_sample();
    let import = [
        OsStr::new("import"),
        OsStr::new("--db"),
        db.as_os_str(),
        sample.as_os_str(),
    ];
    let first = kaikaku(dir.path(), &import);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout.contains("imported"), "{}", first.stdout);
    assert!(first.stdout.contains("22 items"), "{}", first.stdout);
    let second = kaikaku(dir.path(), &import);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(second.stdout.contains("replaced"), "{}", second.stdout);

    // The database named by KAIKAKU_DB is the default.
    let env = [("KAIKAKU_DB", db.as_os_str())];
    let list = kaikaku_with_env(dir.path(), &env, &["list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let rows: Vec<&str> = list.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{}", list.stdout);
    assert!(rows[0].contains("第5次集中改革プラン"), "{}", list.stdout);
    assert!(rows[0].contains("令和3年度（2021年度）"), "{}", list.stdout);

    let export = kaikaku_with_env(dir.path(), &env, &["export", "--format", "json"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let json = export.json();
    let reports = json.as_array().expect("an array of reports");
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["items"].as_array().map(Vec::len), Some(22));
}

#[test]
fn import_reports_a_bad_file_and_imports_the_others() {
    let dir = temp();
    let db = dir.path().join("test.db");
    let bad = not_a_report(dir.path());
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            OsStr::new("--db"),
            db.as_os_str(),
            bad.as_os_str(),
            real_sample().as_os_str(),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("買い物メモ.txt: "), "{}", run.stderr);
    assert!(run.stdout.contains("imported"), "{}", run.stdout);
    let list = kaikaku(
        dir.path(),
        &[OsStr::new("list"), OsStr::new("--db"), db.as_os_str()],
    );
    assert_eq!(list.stdout.lines().count(), 2, "{}", list.stdout);
}

#[test]
fn the_default_database_is_kaikaku_db_in_the_working_directory() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[OsStr::new("import"), real_sample().as_os_str()],
    );
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
        let stderr_log = dir.join("serve.stderr");
        let child = Command::new(env!("CARGO_BIN_EXE_kaikaku"))
            .args(args)
            .current_dir(dir)
            .env("TMPDIR", dir)
            .env_remove("KAIKAKU_DB")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_log).expect("log file"))
            .spawn()
            .expect("the binary starts");
        let mut server = Server {
            child,
            stdout: Vec::new(),
            addr: String::new(),
            stderr_log,
        };
        let stdout = server.child.stdout.take().expect("piped stdout");
        let (send, lines) = mpsc::channel();
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
            let line = lines.recv_timeout(left).unwrap_or_else(|e| {
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
    let (status, top) = server.get("/");
    assert_eq!(status, 200);
    assert!(top.contains("第3次楓町行政改革実施計画"), "{top}");
    assert!(top.contains("令和元年度（2019年度）"), "{top}");

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
    );
    assert_eq!(list.stdout.lines().count(), 3, "{}", list.stdout);
}
