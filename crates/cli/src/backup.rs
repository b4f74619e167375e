//! `kaikaku backup` and `kaikaku restore`.
//!
//! SQLite: the snapshot is `VACUUM INTO` through the store (consistent under WAL while the
//! server writes); a restore copies the file beside the target, verifies the copy
//! (`PRAGMA integrity_check`, the migration table) and renames it into place. PostgreSQL:
//! `pg_dump --format=custom` and `pg_restore` in one transaction, the archive verified
//! first with `pg_restore --list` and a full read. Either way the backup is written through a
//! temporary file and renamed, a restore goes only into a database without data, and the
//! migrations newer than the backup run after it. Backups and restored SQLite files are
//! readable by their owner only (0600).

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use kaikaku_store::SqliteStore;
use kaikaku_store::backup::{self as store_backup, BackupError};
use tempfile::NamedTempFile;

use crate::database::{DbTarget, open_store};
use crate::outcome::Outcome;

/// The first bytes of an SQLite database file.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
/// The first bytes of a `pg_dump --format=custom` archive.
const PG_ARCHIVE_MAGIC: &[u8] = b"PGDMP";

/// `kaikaku backup --out FILE [--force]`.
pub async fn backup(db: &DbTarget, out: &Path, force: bool) -> anyhow::Result<Outcome> {
    if !force && out.symlink_metadata().is_ok() {
        bail!(
            "{} は既にあります（上書きするには --force を付けてください）",
            out.display()
        );
    }
    let temp = temp_beside(out)?;
    match db {
        DbTarget::Postgres(url) => {
            let output = pg_tool("pg_dump", url)
                .arg("--format=custom")
                .arg(flag("--file=", temp.path()))
                .output()
                .context(
                    "pg_dump を実行できません（PostgreSQL のクライアントをインストールしてください）",
                )?;
            if !output.status.success() {
                bail!(
                    "{} をバックアップできません: pg_dump: {}",
                    redact(url),
                    String::from_utf8_lossy(&output.stderr).trim()
                );
            }
        }
        DbTarget::Sqlite(path) => snapshot_sqlite(path, temp.path()).await?,
    }
    temp.as_file()
        .sync_all()
        .context("バックアップをディスクに書き込めません")?;
    let size = temp.as_file().metadata().map(|m| m.len()).unwrap_or(0);
    let persisted = if force {
        temp.persist(out)
    } else {
        temp.persist_noclobber(out)
    };
    persisted
        .map_err(|error| error.error)
        .with_context(|| format!("{} を書けません", out.display()))?;
    let mut stdout = io::stdout().lock();
    writeln!(
        stdout,
        "バックアップを書きました: {}（{size} バイト）",
        out.display()
    )?;
    stdout.flush()?;
    Ok(Outcome::Success)
}

/// Writes the SQLite database `path` to `into` with `VACUUM INTO`.
async fn snapshot_sqlite(path: &Path, into: &Path) -> anyhow::Result<()> {
    if !path.is_file() {
        bail!("データベース {} がありません", path.display());
    }
    let store = SqliteStore::open(path)
        .await
        .context("データベースを開けません")?;
    let result = store.vacuum_into(into).await;
    store.close().await;
    result.with_context(|| format!("{} をバックアップできません", path.display()))
}

/// `kaikaku restore FILE`.
pub async fn restore(file: &Path, db: &DbTarget) -> anyhow::Result<Outcome> {
    let magic = read_magic(file)?;
    let named = match db {
        DbTarget::Postgres(url) => restore_postgres(file, &magic, db, url).await?,
        DbTarget::Sqlite(path) => restore_sqlite(file, &magic, db, path).await?,
    };
    // Migrations newer than the backup.
    let store = open_store(db)
        .await
        .with_context(|| format!("復元した {named} のスキーマを更新できません"))?;
    store.close().await;
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{} を {named} に復元しました", file.display())?;
    stdout.flush()?;
    Ok(Outcome::Success)
}

/// Restores the pg_dump archive `file` (whose first bytes are `magic`) into the PostgreSQL
/// database `db` at `url`; returns the database as messages name it (without the password).
async fn restore_postgres(
    file: &Path,
    magic: &[u8],
    db: &DbTarget,
    url: &str,
) -> anyhow::Result<String> {
    let named = redact(url);
    if magic.starts_with(SQLITE_MAGIC) {
        bail!(
            "{} は SQLite のバックアップです。PostgreSQL のデータベース {named} には復元できません（--db で SQLite のファイルを指定してください）",
            file.display()
        );
    }
    verify_archive(file)?;
    refuse_data(db, &named).await?;
    store_backup::clear_empty_postgres(url)
        .await
        .with_context(|| format!("復元先のデータベース {named} を準備できません"))?;
    let output = pg_tool("pg_restore", url)
        .args([
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
        ])
        .arg(file)
        .output()
        .context(
            "pg_restore を実行できません（PostgreSQL のクライアントをインストールしてください）",
        )?;
    if !output.status.success() {
        bail!(
            "{} を {named} に復元できません（復元先は変更していません）: pg_restore: {}",
            file.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(named)
}

/// Restores the SQLite backup `file` (whose first bytes are `magic`) into the file `db` at
/// `path`; returns the file as messages name it.
async fn restore_sqlite(
    file: &Path,
    magic: &[u8],
    db: &DbTarget,
    path: &Path,
) -> anyhow::Result<String> {
    let named = path.display().to_string();
    if magic.starts_with(PG_ARCHIVE_MAGIC) {
        bail!(
            "{} は PostgreSQL のバックアップです。SQLite のファイル {named} には復元できません（--database-url で PostgreSQL のデータベースを指定してください）",
            file.display()
        );
    }
    // Copy first and verify the copy: what is renamed into place is what was checked.
    let mut temp = temp_beside(path)?;
    let mut source =
        std::fs::File::open(file).with_context(|| format!("{} を読めません", file.display()))?;
    io::copy(&mut source, temp.as_file_mut())
        .with_context(|| format!("{} を {named} の隣に写せません", file.display()))?;
    temp.as_file()
        .sync_all()
        .context("復元するファイルをディスクに書き込めません")?;
    store_backup::verify_sqlite(temp.path())
        .await
        .map_err(|error| damaged(file, &error))?;
    refuse_data(db, &named).await?;
    // The target is missing or holds no data; an old write-ahead log must not be read
    // against the restored file.
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => {
                return Err(error)
                    .with_context(|| format!("{} を削除できません", Path::new(&side).display()));
            }
            _ => {}
        }
    }
    temp.persist(path)
        .map_err(|error| error.error)
        .with_context(|| format!("{named} を書けません"))?;
    Ok(named)
}

/// Fails, naming the target and its tables, when the target holds data.
async fn refuse_data(target: &DbTarget, named: &str) -> anyhow::Result<()> {
    let tables = store_backup::tables_with_rows(&target.store_target())
        .await
        .with_context(|| format!("復元先のデータベース {named} を調べられません"))?;
    if !tables.is_empty() {
        let listed: Vec<String> = tables
            .iter()
            .take(5)
            .map(|(name, rows)| format!("{name} {rows} 行"))
            .collect();
        bail!(
            "復元先のデータベース {named} にはデータがあります（{}）。復元は空のデータベースにだけできます",
            listed.join("、")
        );
    }
    Ok(())
}

/// Verifies a pg_dump archive without touching any database: its table of contents lists the
/// migration table's data, and every part of it reads to the end.
fn verify_archive(file: &Path) -> anyhow::Result<()> {
    let list = tool("pg_restore")
        .arg("--list")
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .context(
            "pg_restore を実行できません（PostgreSQL のクライアントをインストールしてください）",
        )?;
    let listing = String::from_utf8_lossy(&list.stdout);
    let problem = if !list.status.success() {
        Some(String::from_utf8_lossy(&list.stderr).trim().to_owned())
    } else if !listing
        .lines()
        .any(|line| line.contains("TABLE DATA") && line.contains("_sqlx_migrations"))
    {
        Some("kaikaku のバックアップではありません（マイグレーションの表がありません）".to_owned())
    } else {
        // A full read (the SQL script goes nowhere): a truncated or damaged data block fails.
        let read = tool("pg_restore")
            .arg("--file=-")
            .arg(file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .context("pg_restore を実行できません")?;
        (!read.status.success()).then(|| String::from_utf8_lossy(&read.stderr).trim().to_owned())
    };
    match problem {
        Some(reason) => bail!(
            "バックアップ {} は壊れているため復元しません（復元先は変更していません）: {reason}",
            file.display()
        ),
        None => Ok(()),
    }
}

fn damaged(file: &Path, error: &BackupError) -> anyhow::Error {
    anyhow::anyhow!(
        "バックアップ {} は壊れているため復元しません（復元先は変更していません）: {error}",
        file.display()
    )
}

/// The first bytes of `file` (fewer when it is shorter).
fn read_magic(file: &Path) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(16);
    std::fs::File::open(file)
        .and_then(|f| f.take(16).read_to_end(&mut head))
        .with_context(|| format!("{} を読めません", file.display()))?;
    Ok(head)
}

/// A new empty temporary file in the folder of `path`, so that renaming it onto `path` is
/// atomic; deleted when dropped unless persisted. It is readable and writable by its owner
/// only (0600 on Unix, whatever the umask), and so is what it becomes: a backup or a
/// restored database holds every password hash.
fn temp_beside(path: &Path) -> anyhow::Result<NamedTempFile> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".kaikaku-backup-")
        .tempfile_in(folder)
        .with_context(|| format!("{} に一時ファイルを作れません", folder.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("{} の権限を設定できません", temp.path().display()))?;
    }
    Ok(temp)
}

fn flag(name: &str, path: &Path) -> OsString {
    let mut flag = OsString::from(name);
    flag.push(path.as_os_str());
    flag
}

/// A PostgreSQL client program connected to `url`: the URL without its password as
/// `--dbname`, the password in `PGPASSWORD`, so it never shows in the process list.
fn pg_tool(name: &str, url: &str) -> Command {
    let (url, password) = split_password(url.trim());
    let mut command = tool(name);
    command.arg(format!("--dbname={url}")).stdin(Stdio::null());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    command
}

/// A PostgreSQL client program: from PATH, else the newest of the Debian packages' folders.
fn tool(name: &str) -> Command {
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|folder| folder.join(name).is_file())
    });
    if on_path {
        return Command::new(name);
    }
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let program = entry.path().join("bin").join(name);
            program.is_file().then_some((version, program))
        })
        .max();
    match newest {
        Some((_, program)) => Command::new(program),
        None => Command::new(name),
    }
}

/// `url` without the password of its user, and the password (percent-decoded).
fn split_password(url: &str) -> (String, Option<String>) {
    let (Some(scheme), Some(at)) = (url.find("://"), url.rfind('@')) else {
        return (url.to_owned(), None);
    };
    if at < scheme {
        return (url.to_owned(), None);
    }
    let credentials = &url[scheme + 3..at];
    match credentials.split_once(':') {
        Some((user, password)) => (
            format!("{}{user}{}", &url[..scheme + 3], &url[at..]),
            Some(percent_decode(password)),
        ),
        None => (url.to_owned(), None),
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match split_password(url.trim()) {
        (_, None) => url.trim().to_owned(),
        (plain, Some(_)) => {
            let at = plain.rfind('@').unwrap_or(plain.len());
            format!("{}:***{}", &plain[..at], &plain[at..])
        }
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{percent_decode, redact, split_password};

    #[test]
    fn the_password_goes_to_the_environment_not_the_arguments() {
        assert_eq!(
            split_password("postgres://kaikaku:s%40cret@db:5432/kaikaku"),
            (
                "postgres://kaikaku@db:5432/kaikaku".to_owned(),
                Some("s@cret".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1:5432/x"),
            ("postgres://postgres@127.0.0.1:5432/x".to_owned(), None)
        );
        assert_eq!(
            redact("postgres://kaikaku:secret@db:5432/kaikaku"),
            "postgres://kaikaku:***@db:5432/kaikaku"
        );
        assert_eq!(percent_decode("a%2Fb%zz"), "a/b%zz");
    }
}
