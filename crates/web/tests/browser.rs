//! Browser tests: the site in real headless Chromium, driven over WebDriver (see
//! `browser/support.rs`). Screenshots of the key pages are kept in `artifacts/screenshots/`.
//!
//! Needs the Debian packages `chromium` and `chromium-driver` (`.ci/run` installs them);
//! without them these tests fail, they are never skipped.

#[path = "browser/support.rs"]
mod support;

use anyhow::{Context, Result, ensure};
use axum::Router;
use axum::http::header;
use axum::response::Html;
use axum::routing::get;
use kaikaku_model::Report;
use serde_json::{Value, json};
use support::{Browser, Site};

/// The real sample: Osaki City's FY2021 report on its 第5次集中改革プラン, 22 items.
fn osaki() -> Report {
    kaikaku_reader::read(&kaikaku_fixtures::real_sample(), &Default::default())
        .expect("the real sample reads")
}

/// The harness alone, against a fixed page: a button whose handler comes from a script file of
/// the same origin. Proves chromedriver, the session, typing, clicks, page scripts, `execute`
/// and screenshots work, independently of kaikaku's pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn harness_drives_a_real_browser() -> Result<()> {
    const PAGE: &str = r#"<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>harness</title>
<script src="/app.js" defer></script></head>
<body><p id="out">まだ</p><input id="name"><button id="go" type="button">押す</button></body>
</html>"#;
    const SCRIPT: &str = r#"document.getElementById("go").addEventListener("click", () => {
  document.getElementById("out").textContent =
    "押されました: " + document.getElementById("name").value;
});"#;
    let router = Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route(
            "/app.js",
            get(|| async { ([(header::CONTENT_TYPE, "text/javascript")], SCRIPT) }),
        );
    let site = Site::router(router).await?;
    let browser = Browser::start(&site).await?;

    browser.goto("/").await?;
    ensure!(browser.text_of("#out").await? == "まだ");
    browser.fill("#name", "大崎").await?;
    browser.click("#go").await?;
    let out = browser.text_of("#out").await?;
    ensure!(
        out == "押されました: 大崎",
        "the page script did not run: {out:?}"
    );
    let size = browser
        .execute("return [window.outerWidth, window.outerHeight, window.innerWidth]")
        .await?;
    ensure!(size == json!([1400, 1000, 1400]), "window size: {size}");
    ensure!(browser.client().title().await? == "harness");
    browser.screenshot("harness.png").await?;
    Ok(())
}

/// An anonymous visitor finds the Osaki edition on the home page, reads it (22 item sheets),
/// opens item No.19 from its sheet and sees its figures; the print stylesheet is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_visitor_reads_a_published_edition() -> Result<()> {
    let site = Site::kaikaku(&[("000_6a7f54c584e0f9d2.txt", osaki())]).await?;
    let browser = Browser::start(&site).await?;

    browser.goto("/").await?;
    let index = browser.page_text().await?;
    ensure!(
        index.contains("第5次集中改革プラン") && index.contains("令和3年度"),
        "the home page does not list the Osaki edition:\n{index}"
    );
    browser.screenshot("public-index.png").await?;

    let link = browser
        .find_link("第5次集中改革プラン取組実績一覧(令和3年度実績)")
        .await?;
    let text = link.text().await?;
    ensure!(text.contains("令和3年度"), "edition link: {text}");
    let href = link.attr("href").await?.unwrap_or_default();
    ensure!(href.starts_with("/plans/"), "edition link: {href}");
    link.click().await?;
    let path = browser.current_path().await?;
    ensure!(
        path.starts_with("/plans/") && path.ends_with("/2021"),
        "the edition link led to {path}"
    );

    let anchors = browser
        .execute(
            r#"return [...document.querySelectorAll('[id^="no-"]')]
                 .map(e => e.id).filter(id => /^no-\d+$/.test(id));"#,
        )
        .await?;
    let expected: Vec<String> = (1..=22).map(|no| format!("no-{no}")).collect();
    ensure!(
        anchors == json!(expected),
        "the edition page should show items no-1 … no-22, shows {anchors}"
    );
    let summary_rows = browser.count(".summary-table tbody tr").await?;
    ensure!(
        summary_rows == 22,
        "{summary_rows} summary rows, expected 22"
    );
    ensure!(browser.text_of("#no-19 h2").await? == "No.19 ふるさと納税制度の活用");
    browser.screenshot("public-edition.png").await?;

    // Print: a stylesheet applies to print media only and sets landscape pages (@page).
    let print = browser
        .execute(
            r#"const sheets = [...document.styleSheets].filter(s => [...s.media].includes("print"));
               const pages = sheets.flatMap(s => [...s.cssRules])
                 .filter(rule => rule instanceof CSSPageRule).map(rule => rule.cssText);
               return { sheets: sheets.length, pages,
                        printing: matchMedia("print").matches };"#,
        )
        .await?;
    let landscape = print["pages"].as_array().is_some_and(|pages| {
        pages
            .iter()
            .any(|page| page.to_string().contains("landscape"))
    });
    ensure!(
        print["sheets"].as_u64() >= Some(1) && landscape,
        "no print stylesheet with a landscape @page rule: {print}"
    );
    ensure!(
        print["printing"] == json!(false),
        "screen media expected: {print}"
    );

    browser.click("#no-19 a.sheet-link").await?;
    let path = browser.current_path().await?;
    ensure!(
        path.ends_with("/2021/items/19"),
        "the item link led to {path}"
    );
    let item = browser.page_text().await?;
    ensure!(
        item.contains("ふるさと納税制度の活用") && item.contains("427,794,446"),
        "item No.19 does not show its 令和2年度 寄附受入 427,794,446円:\n{item}"
    );
    browser.screenshot("public-item-19.png").await?;
    Ok(())
}

const SCRIPT_PAYLOAD: &str = "<script>window.__xss=1</script>";
const IMG_PAYLOAD: &str = r#"<img src=x onerror="window.__xss=2">"#;
const LINK_PAYLOAD: &str = r#"<a href="javascript:window.__xss=3">x</a>"#;

/// The real sample with script payloads in item No.1: its title (summary row and sheet
/// heading), its 令和3年度（実績） narrative and its 令和2年度 effects cell.
fn osaki_with_payloads() -> Report {
    let text = kaikaku_fixtures::real_sample_text();
    let replacements = [
        (
            "1\t多様な話し合いの場と環境づくり\t",
            format!("1\t多様な話し合いの場と環境づくり{SCRIPT_PAYLOAD}\t"),
        ),
        (
            "No.1 多様な話し合いの場と環境づくり\n",
            format!("No.1 多様な話し合いの場と環境づくり{SCRIPT_PAYLOAD}\n"),
        ),
        (
            "【令和3年度（実績）】 ・協働のまちづくり研修会の開催。",
            format!("【令和3年度（実績）】 ・協働のまちづくり研修会の開催。{IMG_PAYLOAD}"),
        ),
        (
            "協働のまちづくりに関する市民満足度 32.3%（実績）",
            format!("協働のまちづくりに関する市民満足度 32.3%（実績）{LINK_PAYLOAD}"),
        ),
    ];
    let text = replacements.iter().fold(text, |text, (from, to)| {
        assert_eq!(text.matches(from).count(), 1, "{from} occurs once");
        text.replacen(from, to, 1)
    });
    let report = kaikaku_reader::read(text.as_bytes(), &Default::default())
        .expect("the sample with payloads reads");
    let item = report.item(1).expect("item No.1");
    assert!(item.title.contains(SCRIPT_PAYLOAD), "{}", item.title);
    assert!(
        item.narratives.iter().any(|n| n.text.contains(IMG_PAYLOAD)),
        "the narrative keeps its payload"
    );
    assert!(
        item.effects.iter().any(|e| e.text.contains(LINK_PAYLOAD)),
        "the effects cell keeps its payload"
    );
    report
}

/// What the page's DOM holds that a payload could have turned into: script elements, event
/// handler attributes, `javascript:` links; and whether any payload ran.
const DOM_CHECK: &str = r#"
    const handlers = [...document.querySelectorAll("*")].filter(e =>
        [...e.attributes].some(a => a.name.startsWith("on")));
    return {
        ran: window.__xss !== undefined,
        payloadScripts: [...document.scripts].filter(s => s.textContent.includes("__xss")).length,
        handlers: handlers.map(e => e.outerHTML.slice(0, 80)),
        javascriptLinks: [...document.querySelectorAll("a[href]")]
            .filter(a => a.href.trim().toLowerCase().startsWith("javascript:")).length,
        payloadImages: [...document.images].filter(i => i.getAttribute("src") === "x").length,
    };"#;

fn ensure_inert(dom: &Value, page: &str) -> Result<()> {
    ensure!(
        dom["ran"] == json!(false),
        "a payload ran on the {page}: {dom}"
    );
    ensure!(
        dom["payloadScripts"] == json!(0)
            && dom["handlers"] == json!([])
            && dom["javascriptLinks"] == json!(0)
            && dom["payloadImages"] == json!(0),
        "a payload became markup on the {page}: {dom}"
    );
    Ok(())
}

/// A report whose cells carry `<script>`, `onerror=` and `javascript:` payloads is imported and
/// served: on the home page, the edition and the item page the payloads are shown as text,
/// nothing becomes markup, and nothing runs (`window.__xss` stays undefined).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_in_documents_never_run() -> Result<()> {
    let site = Site::kaikaku(&[("payloads.txt", osaki_with_payloads())]).await?;
    let browser = Browser::start(&site).await?;

    browser.goto("/").await?;
    ensure_inert(&browser.execute(DOM_CHECK).await?, "home page")?;
    browser
        .click_link("第5次集中改革プラン取組実績一覧")
        .await?;

    let edition = browser.page_text().await?;
    for payload in [SCRIPT_PAYLOAD, IMG_PAYLOAD, LINK_PAYLOAD] {
        ensure!(
            edition.contains(payload),
            "the edition does not show {payload} as text"
        );
    }
    ensure!(
        browser.text_of("#no-1 h2").await?
            == format!("No.1 多様な話し合いの場と環境づくり{SCRIPT_PAYLOAD}")
    );
    ensure_inert(&browser.execute(DOM_CHECK).await?, "edition page")?;
    browser.screenshot("xss-edition.png").await?;

    let href = browser.attr("#no-1 a.sheet-link", "href").await?;
    ensure!(
        href.as_deref()
            .is_some_and(|href| href.ends_with("/items/1")),
        "item No.1 links to {href:?}"
    );
    browser.click("#no-1 a.sheet-link").await?;
    let path = browser.current_path().await?;
    ensure!(path.ends_with("/items/1"), "the item link led to {path}");
    let item = browser.page_text().await?;
    for payload in [SCRIPT_PAYLOAD, IMG_PAYLOAD, LINK_PAYLOAD] {
        ensure!(
            item.contains(payload),
            "the item page does not show {payload} as text"
        );
    }
    // The `javascript:` payload must be text, not a link; should one exist, clicking it must
    // still run nothing.
    let links = browser.count(r#"a[href^="javascript:"]"#).await?;
    if links > 0 {
        browser.click(r#"a[href^="javascript:"]"#).await?;
    }
    ensure_inert(&browser.execute(DOM_CHECK).await?, "item page")?;
    ensure!(links == 0, "the javascript: payload became {links} link(s)");
    browser.screenshot("xss-item-1.png").await?;
    let clean = browser
        .execute("return window.__xss === undefined")
        .await
        .context("checking window.__xss")?;
    ensure!(clean == json!(true), "a payload ran");
    Ok(())
}
