//! The PDF of an edition, made by real headless Chromium ([`kaikaku_web::edition_pdf`]) and
//! read back with poppler's tools: every item title is in its text, IPAexGothic is embedded,
//! the pages are A4 or A3 landscape, and an image of the first pages is kept under
//! `artifacts/screenshots/`.
//!
//! Needs the Debian packages `chromium`, `fonts-ipaexfont-gothic` and `poppler-utils`
//! (`scripts/system-packages` installs them). When they are missing the tests fail and say
//! what to install; they are never skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use kaikaku_model::{FiscalYear, Report};
use kaikaku_web::views::EditionKey;
use kaikaku_web::{Paper, edition_pdf};
use tempfile::TempDir;

const INSTALL_HINT: &str = "install the Debian packages chromium, fonts-ipaexfont-gothic and \
     poppler-utils (scripts/system-packages does)";

/// Landscape page sizes in points (1 pt = 1/72 in): A4 297 × 210 mm, A3 420 × 297 mm.
const A4_LANDSCAPE: (f64, f64) = (841.89, 595.28);
const A3_LANDSCAPE: (f64, f64) = (1190.55, 841.89);

fn osaki() -> Report {
    kaikaku_reader::read(&kaikaku_fixtures::real_sample(), &Default::default())
        .expect("the real sample reads")
}

/// The bundled 楓町 report (FY2024, 9 items).
fn kaedemachi() -> Report {
    kaikaku_reader::read(
        &kaikaku_fixtures::bundled("kaedemachi_r6.txt"),
        &Default::default(),
    )
    .expect("the bundled sample reads")
}

fn key() -> EditionKey {
    EditionKey {
        plan_id: 1,
        fiscal_year: FiscalYear::new(2021).expect("a fiscal year"),
    }
}

/// `pdf` written to a fresh folder, for poppler's tools.
struct PdfFile {
    dir: TempDir,
    path: PathBuf,
}

impl PdfFile {
    fn new(pdf: &[u8]) -> PdfFile {
        let dir = tempfile::Builder::new()
            .prefix("kaikaku-pdf-test-")
            .tempdir()
            .expect("a temp dir");
        let path = dir.path().join("edition.pdf");
        std::fs::write(&path, pdf).expect("writes the PDF");
        PdfFile { dir, path }
    }

    /// The standard output of `tool args… <pdf> extra…`, which must succeed.
    fn run(&self, tool: &str, args: &[&str], extra: &[&str]) -> String {
        let output = Command::new(tool)
            .args(args)
            .arg(&self.path)
            .args(extra)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {tool} ({e}): {INSTALL_HINT}"));
        assert!(
            output.status.success(),
            "{tool} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }

    /// `pdfinfo`'s `Page size:` (of the first page), width and height in points.
    fn page_size(&self) -> (f64, f64) {
        let info = self.run("pdfinfo", &[], &[]);
        let size: Vec<f64> = info
            .lines()
            .find_map(|line| line.strip_prefix("Page size:"))
            .unwrap_or_else(|| panic!("no page size in:\n{info}"))
            .split_whitespace()
            .filter_map(|word| word.parse().ok())
            .collect();
        assert_eq!(size.len(), 2, "{info}");
        (size[0], size[1])
    }

    /// Pages `first..=last` as PNG images at 60 dpi, kept as `artifacts/screenshots/{name}-N.png`.
    fn keep_pages(&self, name: &str, first: usize, last: usize) -> Vec<PathBuf> {
        let prefix = self.dir.path().join("page");
        let prefix = prefix.to_str().expect("a UTF-8 path");
        let (first, last) = (first.to_string(), last.to_string());
        self.run(
            "pdftoppm",
            &["-png", "-r", "60", "-f", &first, "-l", &last],
            &[prefix],
        );
        let kept = kaikaku_fixtures::workspace_root().join("artifacts/screenshots");
        std::fs::create_dir_all(&kept).expect("creates artifacts/screenshots");
        let mut images: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("lists the pages")
            .map(|entry| entry.expect("an entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "png"))
            .collect();
        images.sort();
        images
            .iter()
            .enumerate()
            .map(|(i, image)| {
                let target = kept.join(format!("{name}-{}.png", i + 1));
                std::fs::copy(image, &target).expect("keeps the page image");
                target
            })
            .collect()
    }
}

/// `text` without white space: pdftotext breaks lines and spaces cells as the layout does.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Asserts that the summary table is on the first page and that every item sheet of
/// `report` starts a page of its own, in order (pdftotext ends each page with a form feed).
fn assert_one_sheet_per_page(text: &str, report: &Report) {
    let pages: Vec<String> = text.split('\u{c}').map(squeezed).collect();
    assert!(
        pages[0].starts_with(&squeezed(&report.plan_name)),
        "{}",
        pages[0]
    );
    assert!(pages[0].contains("記入担当課"), "{}", pages[0]);
    let mut previous = 0;
    for item in &report.items {
        let heading = squeezed(&format!("{} {}", item.no, item.title));
        let page = pages
            .iter()
            .position(|page| page.starts_with(&heading))
            .unwrap_or_else(|| panic!("no page starts with {heading}"));
        assert!(page > previous, "{heading} on page {}", page + 1);
        previous = page;
    }
}

fn assert_size(size: (f64, f64), expected: (f64, f64)) {
    assert!(
        (size.0 - expected.0).abs() < 1.0 && (size.1 - expected.1).abs() < 1.0,
        "page size {size:?}, expected {expected:?}"
    );
}

fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).expect("reads the image");
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        path.display()
    );
}

#[tokio::test]
async fn the_a4_pdf_of_the_real_sample_has_every_item_and_its_font_embedded() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = osaki();
    assert_eq!(report.items.len(), 22);
    let started = std::time::Instant::now();
    let pdf = edition_pdf(&report, key(), Paper::A4)
        .await
        .unwrap_or_else(|e| panic!("{e}: {INSTALL_HINT}"));
    eprintln!(
        "A4 PDF of the real sample: {} bytes in {:?}",
        pdf.len(),
        started.elapsed()
    );
    assert!(pdf.starts_with(b"%PDF-"));
    let file = PdfFile::new(&pdf);

    let pages = file.run("pdftotext", &["-enc", "UTF-8"], &["-"]);
    assert_one_sheet_per_page(&pages, &report);
    let text = squeezed(&pages);
    assert!(text.contains(&squeezed(&report.title)), "{text}");
    let missing: Vec<&str> = report
        .items
        .iter()
        .map(|item| item.title.as_str())
        .filter(|title| !text.contains(&squeezed(title)))
        .collect();
    assert!(missing.is_empty(), "titles not in the PDF: {missing:?}");
    // What only helps on screen is not printed.
    for screen_only in [
        "ダウンロード（オープンデータ）",
        "この項目だけを表示",
        "数値の確認",
        "ログイン",
    ] {
        assert!(!text.contains(screen_only), "{screen_only} is printed");
    }

    let fonts = file.run("pdffonts", &[], &[]);
    assert!(
        fonts
            .lines()
            .any(|line| line.contains("IPAexGothic") && line.contains(" yes ")),
        "IPAexGothic is not embedded:\n{fonts}"
    );

    assert_size(file.page_size(), A4_LANDSCAPE);

    for image in file.keep_pages("pdf-osaki-a4-page", 1, 2) {
        assert_png(&image);
    }
}

#[tokio::test]
async fn the_a3_pdf_is_a3_landscape() {
    let report = kaedemachi();
    let pdf = edition_pdf(&report, key(), Paper::A3)
        .await
        .unwrap_or_else(|e| panic!("{e}: {INSTALL_HINT}"));
    assert!(pdf.starts_with(b"%PDF-"));
    let file = PdfFile::new(&pdf);
    assert_size(file.page_size(), A3_LANDSCAPE);
    let pages = file.run("pdftotext", &["-enc", "UTF-8"], &["-"]);
    assert_one_sheet_per_page(&pages, &report);
    for image in file.keep_pages("pdf-kaede-a3-page", 2, 2) {
        assert_png(&image);
    }
}
