//! The PDF of an edition: the edition page, rendered standalone and printed by headless
//! Chromium with the print stylesheet (A4 or A3 landscape, one item sheet per page), so the PDF
//! reads exactly like the printed page and there is one layout to maintain. The fonts are the
//! ones the print stylesheet names first, IPAexGothic of the Debian package
//! `fonts-ipaexfont-gothic`, embedded by Chromium.
//!
//! [`edition_pdf`] needs no server (the CLI calls it): the page is written with its two
//! stylesheets to a fresh temporary folder and opened from there, with no network and no
//! scripts. Chromium is `$KAIKAKU_CHROMIUM`, else `chromium` or `chromium-browser` on `PATH`;
//! one runs at a time per process, and one that takes longer than [`TIMEOUT`] is killed.
//! The server keeps the PDFs it made in a small `PdfCache`.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;
use std::time::Duration;

use askama::Template;
use axum::body::Bytes;
use kaikaku_model::Report;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use tokio::process::Command;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::http::assets::{PRINT_CSS, SITE_CSS};
use crate::views::edition::{CorrectionBox, EditionArticle};
use crate::views::{EditionKey, Layout};

/// How long Chromium may take to print one edition before it is killed.
pub const TIMEOUT: Duration = Duration::from_secs(90);

/// The environment variable naming the Chromium binary.
pub const CHROMIUM_VARIABLE: &str = "KAIKAKU_CHROMIUM";

/// The flags of every run: headless, no sandbox (containers), no GPU, no network chatter, no
/// first-run dialogs, and no date or address printed in the margins.
const CHROMIUM_FLAGS: [&str; 10] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
    "--disable-extensions",
];

/// One Chromium at a time in this process: a burst of requests does not start N browsers.
static CHROMIUM_SLOT: Semaphore = Semaphore::const_new(1);

/// The paper an edition is printed on, always landscape as the published documents are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Paper {
    /// A4 landscape (297 × 210 mm).
    #[default]
    A4,
    /// A3 landscape (420 × 297 mm), the print stylesheet's named page `a3`.
    A3,
}

/// Why no PDF was made. The messages are Japanese, for the people who run kaikaku.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No Chromium binary was found.
    #[error(
        "PDFの作成に必要なChromiumが見つかりません（Debianパッケージ chromium を入れるか、\
         環境変数 KAIKAKU_CHROMIUM にChromiumの実行ファイルを指定してください）"
    )]
    ChromiumMissing,
    /// The binary exists but could not be started.
    #[error("Chromium（{path}）を起動できません: {source}")]
    Start {
        /// The binary.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Chromium took longer than [`TIMEOUT`] and was stopped.
    #[error("Chromiumが{}秒以内にPDFを作成しなかったため中止しました", TIMEOUT.as_secs())]
    Timeout,
    /// Chromium ended without writing a PDF.
    #[error("ChromiumがPDFを作成できませんでした（{status}）: {detail}")]
    Failed {
        /// How it ended.
        status: String,
        /// The end of what it wrote to stderr.
        detail: String,
    },
    /// The temporary folder or files could not be written or read.
    #[error("PDF作成用の一時ファイルを扱えません: {0}")]
    Io(#[from] std::io::Error),
    /// The page could not be rendered.
    #[error("PDFにするページを組み立てられません: {0}")]
    Render(#[from] askama::Error),
}

/// The edition published at `key` as a PDF on `paper`: the edition page laid out by the print
/// stylesheet — title, summary table, then each item sheet on its own page — with its fonts
/// embedded.
///
/// Needs Chromium ([`PdfError::ChromiumMissing`] otherwise) and takes a second or two; calls
/// in one process wait for each other.
pub async fn edition_pdf(
    report: &Report,
    key: EditionKey,
    paper: Paper,
) -> Result<Vec<u8>, PdfError> {
    print(&EditionDocument::new(report, key, paper, None)).await
}

/// The standalone edition document: the article of the edition page in a bare HTML shell
/// that links the stylesheets beside it, without the site's header, scripts or cookies.
#[derive(Debug, Template)]
#[template(path = "edition_document.html")]
pub(crate) struct EditionDocument {
    layout: Layout,
    article: EditionArticle,
}

impl EditionDocument {
    /// The document of `report` published at `key`, with its correction box, if any, linked
    /// to the sheets inside the document.
    pub(crate) fn new(
        report: &Report,
        key: EditionKey,
        paper: Paper,
        correction: Option<CorrectionBox>,
    ) -> EditionDocument {
        EditionDocument {
            layout: Layout {
                title: report.title.clone(),
                crumbs: Vec::new(),
                paper_a3: paper == Paper::A3,
                session: None,
            },
            article: EditionArticle::new(
                report,
                key,
                correction.map(CorrectionBox::linked_within_document),
                Vec::new(),
            ),
        }
    }
}

/// `document` printed to PDF by Chromium, once the Chromium slot is free.
pub(crate) async fn print(document: &EditionDocument) -> Result<Vec<u8>, PdfError> {
    let html = document.render()?;
    let _slot = chromium_slot().await?;
    print_html(html).await
}

/// The Chromium slot of this process.
async fn chromium_slot() -> Result<SemaphorePermit<'static>, PdfError> {
    CHROMIUM_SLOT.acquire().await.map_err(|_| PdfError::Failed {
        status: "the Chromium slot is closed".to_owned(),
        detail: String::new(),
    })
}

/// `html` (an edition document) printed to PDF by Chromium; the caller holds the slot.
async fn print_html(html: String) -> Result<Vec<u8>, PdfError> {
    let chromium = chromium()?;
    let dir = tempfile::Builder::new().prefix("kaikaku-pdf-").tempdir()?;
    let page = dir.path().join("edition.html");
    tokio::fs::write(&page, html).await?;
    tokio::fs::write(dir.path().join("site.css"), SITE_CSS).await?;
    tokio::fs::write(dir.path().join("print.css"), PRINT_CSS).await?;
    let out = dir.path().join("edition.pdf");
    let mut user_data_dir = OsString::from("--user-data-dir=");
    user_data_dir.push(dir.path().join("profile"));
    let mut print_to_pdf = OsString::from("--print-to-pdf=");
    print_to_pdf.push(&out);
    let child = Command::new(&chromium)
        .args(CHROMIUM_FLAGS)
        .arg(user_data_dir)
        .arg(print_to_pdf)
        .arg(file_url(&page))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // On a timeout the future below is dropped, and with it the child: killed.
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| PdfError::Start {
            path: chromium.clone(),
            source,
        })?;
    let output = tokio::time::timeout(TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| PdfError::Timeout)??;
    match tokio::fs::read(&out).await {
        Ok(pdf) if output.status.success() && pdf.starts_with(b"%PDF") => Ok(pdf),
        _ => Err(PdfError::Failed {
            status: output.status.to_string(),
            detail: stderr_tail(&output.stderr),
        }),
    }
}

/// The Chromium binary: `$KAIKAKU_CHROMIUM`, else `chromium` or `chromium-browser` on `PATH`.
fn chromium() -> Result<PathBuf, PdfError> {
    find_chromium(
        std::env::var_os(CHROMIUM_VARIABLE),
        std::env::var_os("PATH"),
    )
}

/// The Chromium binary given the values of `$KAIKAKU_CHROMIUM` and `$PATH`.
fn find_chromium(variable: Option<OsString>, path: Option<OsString>) -> Result<PathBuf, PdfError> {
    if let Some(binary) = variable.filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(binary));
    }
    let path = path.unwrap_or_default();
    ["chromium", "chromium-browser"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .ok_or(PdfError::ChromiumMissing)
}

/// What a path needs escaped in a `file://` URL.
const PATH_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// `file:///tmp/kaikaku-pdf-x/edition.html`.
fn file_url(path: &Path) -> String {
    format!(
        "file://{}",
        utf8_percent_encode(&path.to_string_lossy(), PATH_ESCAPES)
    )
}

/// The last lines Chromium wrote to stderr that are not D-Bus noise (containers have no bus).
fn stderr_tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.contains("dbus") && !line.trim().is_empty())
        .collect();
    lines[lines.len().saturating_sub(5)..].join("\n")
}

/// Which PDF: a published edition's report id and revision (a correction is a new revision,
/// an edition never changes) and the paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct PdfKey {
    /// The stored report id.
    pub report_id: i64,
    /// Its revision.
    pub revision: i32,
    /// The paper.
    pub paper: Paper,
}

/// The PDFs the server made, the most recent [`PdfCache::CAPACITY`] of them.
#[derive(Debug, Default)]
pub(crate) struct PdfCache {
    entries: Mutex<VecDeque<(PdfKey, Bytes)>>,
}

impl PdfCache {
    /// How many PDFs are kept (a few MB each).
    pub const CAPACITY: usize = 16;

    /// The PDF of `key` if it is kept.
    pub fn get(&self, key: PdfKey) -> Option<Bytes> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, pdf)| pdf.clone())
    }

    /// The PDF of `key`: kept, or `document` printed and kept. Requests for the same PDF
    /// during a burst wait for the Chromium slot and then find it kept.
    pub async fn get_or_print(
        &self,
        key: PdfKey,
        document: &EditionDocument,
    ) -> Result<Bytes, PdfError> {
        if let Some(pdf) = self.get(key) {
            return Ok(pdf);
        }
        let html = document.render()?;
        let _slot = chromium_slot().await?;
        // Whoever held the slot may just have printed this PDF.
        if let Some(pdf) = self.get(key) {
            return Ok(pdf);
        }
        let pdf = Bytes::from(print_html(html).await?);
        self.put(key, pdf.clone());
        Ok(pdf)
    }

    fn put(&self, key: PdfKey, pdf: Bytes) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|(k, _)| *k != key);
        if entries.len() >= Self::CAPACITY {
            entries.pop_front();
        }
        entries.push_back((key, pdf));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(report_id: i64) -> PdfKey {
        PdfKey {
            report_id,
            revision: 1,
            paper: Paper::A4,
        }
    }

    #[test]
    fn the_cache_keeps_the_most_recent_pdfs() {
        let cache = PdfCache::default();
        let pdf = |id: i64| Bytes::from(format!("%PDF {id}"));
        cache.put(key(1), pdf(1));
        cache.put(key(1), pdf(1));
        assert_eq!(cache.get(key(1)), Some(pdf(1)));
        assert_eq!(
            cache.get(PdfKey {
                paper: Paper::A3,
                ..key(1)
            }),
            None
        );
        assert_eq!(
            cache.get(PdfKey {
                revision: 2,
                ..key(1)
            }),
            None
        );
        let newest = PdfCache::CAPACITY as i64 + 1;
        for id in 2..=newest {
            cache.put(key(id), pdf(id));
        }
        // Key 1 was the oldest and made room for the newest.
        assert_eq!(cache.get(key(1)), None);
        assert_eq!(cache.get(key(2)), Some(pdf(2)));
        assert_eq!(cache.get(key(newest)), Some(pdf(newest)));
    }

    #[test]
    fn chromium_is_the_variable_else_found_on_the_path() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let browser = dir.path().join("chromium-browser");
        std::fs::write(&browser, "").expect("writes");
        let path = Some(std::env::join_paths([dir.path()]).expect("a PATH"));
        assert_eq!(
            find_chromium(Some("/opt/chrome".into()), path.clone()).expect("found"),
            PathBuf::from("/opt/chrome")
        );
        assert_eq!(
            find_chromium(Some("".into()), path).expect("found"),
            browser
        );
        let missing = find_chromium(None, Some("/nonexistent".into()));
        assert!(matches!(missing, Err(PdfError::ChromiumMissing)));
        let message = missing.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.starts_with("PDFの作成に必要なChromiumが見つかりません"),
            "{message}"
        );
    }

    #[test]
    fn file_urls_escape_what_a_url_cannot_hold() {
        assert_eq!(
            file_url(Path::new("/tmp/a b#c/報告.html")),
            "file:///tmp/a%20b%23c/%E5%A0%B1%E5%91%8A.html"
        );
    }

    #[test]
    fn the_stderr_tail_leaves_out_dbus_noise() {
        let stderr = b"[1:2:ERROR:dbus/bus.cc:405] Failed to connect to the bus\nreal problem\n";
        assert_eq!(stderr_tail(stderr), "real problem");
    }
}
