//! Hostile and careless input at the command line (issue 13): control characters in
//! documents and file names are printed as visible escapes, a file that is not text is
//! refused in a line, user names are normalised and look-alikes refused, blank passwords
//! refused, and the SQLite files and backups are readable by their owner only.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::{
    KAEDE, SAKURA, Server, assert_nothing_stored, bundled, kaikaku, stored_user, temp, test_db,
};

/// A title with the sequences of the probe: ESC ] 0 ; … BEL retitles a terminal, CSI (C1)
/// recolours, DEL hides. The limits refuse such a title (`kaikaku_model::limits`), so the CLI
/// prints it only inside the refusal.
const EVIL_TITLE: &str = "ふるさと納税\u{1b}]0;pwned\u{7}制度\u{9b}31m\u{7f}の活用";
/// A title the limits accept but a terminal would reorder: RLO (U+202E).
const BIDI_TITLE: &str = "ふるさと納税制度の\u{202e}活用";
/// [`BIDI_TITLE`] as the CLI prints it.
const BIDI_SHOWN: &str = r"ふるさと納税制度の\u{202e}活用";

/// 楓町's report with `title` for No.8, in `dir` under a file name that holds an ESC sequence
/// too.
fn evil_report(dir: &Path, title: &str) -> PathBuf {
    let text = std::fs::read_to_string(bundled(KAEDE)).expect("reads the sample");
    let path = dir.join("kaede\u{1b}[2J.txt");
    std::fs::write(&path, text.replace("ふるさと納税制度の活用", title)).expect("writes");
    path
}

/// True when `text` holds a character the CLI must never print raw.
fn has_raw_controls(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}')
}

#[test]
fn a_refused_document_is_named_with_visible_escapes() {
    let dir = temp();
    let file = evil_report(dir.path(), EVIL_TITLE);
    for command in ["parse", "check", "import"] {
        let db = test_db();
        let mut run = kaikaku(dir.path(), &[OsStr::new(command), file.as_os_str()]);
        if command == "import" {
            run = run.db(&db);
        }
        let run = run.run();
        assert_eq!(run.code, 2, "{command}: {}", run.stdout);
        assert!(!has_raw_controls(&run.stdout), "{command}: {}", run.stdout);
        assert!(!has_raw_controls(&run.stderr), "{command}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(r"kaede\x1b[2J.txt:166: No.8 項目名: 制御文字（U+001B）は使えません。"),
            "{command}: {}",
            run.stderr
        );
        if command == "import" {
            assert_nothing_stored(dir.path(), &db);
        }
    }
}

#[test]
fn document_text_and_file_names_are_printed_with_visible_escapes() {
    let dir = temp();
    let file = evil_report(dir.path(), BIDI_TITLE);
    let args = |more: &[&'static str]| -> Vec<std::ffi::OsString> {
        let mut args = vec!["parse".into(), file.clone().into_os_string()];
        args.extend(more.iter().map(Into::into));
        args
    };

    let text = kaikaku(dir.path(), &args(&["--format", "text"])).run();
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(!has_raw_controls(&text.stdout), "{}", text.stdout);
    assert!(
        text.stdout.contains(&format!("No.8 {BIDI_SHOWN}（")),
        "{}",
        text.stdout
    );

    // JSON: the same value, escaped the JSON way, so a program reads the title back whole.
    let json = kaikaku(dir.path(), &args(&[])).run();
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert!(!has_raw_controls(&json.stdout));
    assert!(
        json.stdout.contains(r"ふるさと納税制度の\u202e活用"),
        "{}",
        json.stdout
    );
    assert_eq!(json.json()["items"][7]["title"], BIDI_TITLE);

    // check names the file in its summary line.
    let sakura = dir.path().join("sakura\u{1b}]0;x\u{7}.txt");
    std::fs::copy(bundled(SAKURA), &sakura).expect("copies");
    let check = kaikaku(dir.path(), &[OsStr::new("check"), sakura.as_os_str()]).run();
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(!has_raw_controls(&check.stdout));
    assert!(
        check
            .stdout
            .contains(r"sakura\x1b]0;x\x07.txt: 2件の不一致"),
        "{}",
        check.stdout
    );

    // import's line, list's source column and an error naming the file.
    let db = test_db();
    let import = kaikaku(dir.path(), &[OsStr::new("import"), file.as_os_str()])
        .db(&db)
        .run();
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(!has_raw_controls(&import.stdout), "{}", import.stdout);
    assert!(
        import.stdout.contains(r"kaede\x1b[2J.txt: imported"),
        "{}",
        import.stdout
    );
    let list = kaikaku(dir.path(), &["list"]).db(&db).run();
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(!has_raw_controls(&list.stdout), "{}", list.stdout);
    assert!(list.stdout.contains(r"kaede\x1b[2J.txt"), "{}", list.stdout);

    let missing = dir.path().join("gone\u{1b}[31m.txt");
    let run = kaikaku(dir.path(), &[OsStr::new("parse"), missing.as_os_str()]).run();
    assert_eq!(run.code, 2);
    assert!(!has_raw_controls(&run.stderr), "{}", run.stderr);
    assert!(run.stderr.contains(r"gone\x1b[31m.txt"), "{}", run.stderr);
}

/// 20 KB of the bytes of a program: an ELF header, NULs, and every byte value.
fn binary_file(dir: &Path) -> PathBuf {
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    bytes.extend(
        (0..20_000u32).map(|i| u8::try_from(i.wrapping_mul(2_654_435_761) >> 24).unwrap_or(0)),
    );
    let path = dir.join("x.bin");
    std::fs::write(&path, bytes).expect("writes");
    path
}

#[test]
fn a_file_that_is_not_text_is_refused_in_one_short_line() {
    let dir = temp();
    binary_file(dir.path());
    let expected = "error: x.bin: テキストのファイルではありません\n";
    for command in [
        &["parse", "x.bin"][..],
        &["parse", "x.bin", "--format", "text"],
        &["check", "x.bin"],
    ] {
        let run = kaikaku(dir.path(), command).run();
        assert_eq!(run.code, 2, "{command:?}: {}", run.stdout);
        assert_eq!(run.stdout, "", "{command:?}");
        assert_eq!(run.stderr, expected, "{command:?}");
    }
    let run = kaikaku(dir.path(), &["check", "x.bin", "--format", "json"]).run();
    assert_eq!(run.code, 2);
    assert_eq!(run.json()["error"], "テキストのファイルではありません");

    let db = test_db();
    let run = kaikaku(dir.path(), &["import", "x.bin"]).db(&db).run();
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.ends_with(expected), "{}", run.stderr);
    assert!(run.stderr.len() < 200, "{}", run.stderr);
    let list = kaikaku(dir.path(), &["list"]).db(&db).run();
    assert_eq!(list.stdout, "保存されている報告はありません。\n");
}

#[test]
fn user_names_are_normalised_and_look_alikes_refused() {
    let dir = temp();
    let db = test_db();
    let add = |name: &str, password: &str| {
        kaikaku(dir.path(), &["user", "add", name, "--role", "reviewer"])
            .db(&db)
            .stdin(password)
            .run()
    };
    // Full-width letters are stored as they normalise.
    let run = add("ａｄｍｉｎ", "admin-password-1\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "ユーザー「admin」を登録しました（id 1、査読者（行政改革推進委員会））\n"
    );
    assert!(stored_user(&db, "admin").is_some());
    assert!(stored_user(&db, "ａｄｍｉｎ").is_none());

    for (name, message) in [
        (
            "admin",
            "error: ユーザー名「admin」はすでに使われています\n",
        ),
        (
            "ADMIN",
            "error: ユーザー名「ADMIN」は登録済みの「admin」と見分けにくいため使えません\n",
        ),
        (
            "admin\u{200b}",
            "error: ユーザー名に空白、制御文字や見えない文字（ゼロ幅スペースなど）は使えません\n",
        ),
        (
            "\u{0430}dmin",
            "error: ユーザー名にラテン文字（英字）とギリシャ文字・キリル文字を混ぜることはできません（見分けにくい名前になるため）\n",
        ),
    ] {
        let run = add(name, "another-password\n");
        assert_eq!(run.code, 2, "{name:?}");
        assert_eq!(run.stderr, message, "{name:?}");
    }
    let list = kaikaku(dir.path(), &["user", "list"]).db(&db).run();
    assert_eq!(list.stdout.lines().count(), 2, "{}", list.stdout);

    // passwd finds the user by the normalised name too.
    let run = kaikaku(dir.path(), &["user", "passwd", "ａｄｍｉｎ"])
        .db(&db)
        .stdin("changed-password\n")
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let admin = stored_user(&db, "admin").expect("stored");
    assert!(kaikaku_auth::verify_password(
        "changed-password",
        &admin.password_hash
    ));
}

#[test]
fn blank_passwords_are_refused_by_add_and_passwd() {
    let dir = temp();
    let db = test_db();
    let run = kaikaku(dir.path(), &["user", "add", "suzuki", "--role", "admin"])
        .db(&db)
        .stdin("          \n")
        .run();
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: 空白だけのパスワードは使えません\n");
    assert!(stored_user(&db, "suzuki").is_none());

    let run = kaikaku(dir.path(), &["user", "add", "suzuki", "--role", "admin"])
        .db(&db)
        .stdin("suzuki-password\n")
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = kaikaku(dir.path(), &["user", "passwd", "suzuki"])
        .db(&db)
        .stdin("\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\n")
        .run();
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: 空白だけのパスワードは使えません\n");
    let suzuki = stored_user(&db, "suzuki").expect("stored");
    assert!(kaikaku_auth::verify_password(
        "suzuki-password",
        &suzuki.password_hash
    ));
}

/// The permission bits of `path`.
#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[test]
fn sqlite_files_and_backups_are_readable_by_their_owner_only() {
    let dir = temp();
    // An SQLite file named here, whatever engine the other tests run on.
    let db = dir.path().join("owner-only.db");
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("import"),
            bundled(KAEDE).as_os_str(),
            OsStr::new("--db"),
            db.as_os_str(),
        ],
    )
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mode(&db), 0o600);

    let backup = dir.path().join("backup.db");
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("backup"),
            OsStr::new("--db"),
            db.as_os_str(),
            OsStr::new("--out"),
            backup.as_os_str(),
        ],
    )
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mode(&backup), 0o600);
    let restored = dir.path().join("restored.db");
    let run = kaikaku(
        dir.path(),
        &[
            OsStr::new("restore"),
            backup.as_os_str(),
            OsStr::new("--db"),
            restored.as_os_str(),
        ],
    )
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mode(&restored), 0o600);

    // The write-ahead log and its index, while a server has the database open (trusting a
    // proxy from the environment, which must parse).
    let served = dir.path().join("served.db");
    let server = Server::start_with_env(
        dir.path(),
        &[
            OsStr::new("serve"),
            OsStr::new("--db"),
            served.as_os_str(),
            OsStr::new("--addr"),
            OsStr::new("127.0.0.1:0"),
        ],
        ("KAIKAKU_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"),
    );
    assert_eq!(server.get("/healthz").0, 200);
    for suffix in ["", "-wal", "-shm"] {
        let path = PathBuf::from(format!("{}{suffix}", served.display()));
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
}

#[test]
fn a_trusted_proxy_that_is_not_an_address_is_refused() {
    let dir = temp();
    let run = kaikaku(
        dir.path(),
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--trusted-proxy",
            "proxy.example",
        ],
    )
    .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("IPアドレスまたはCIDR表記の範囲ではありません: proxy.example"),
        "{}",
        run.stderr
    );
}
