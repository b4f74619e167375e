//! Browser tests: the site in real headless Chromium, driven over WebDriver (see
//! `browser/support.rs`). Screenshots of the key pages are kept in `artifacts/screenshots/`.
//!
//! Needs the Debian packages `chromium` and `chromium-driver` (`.ci/run` installs them);
//! without them these tests fail, they are never skipped.

#[path = "browser/support.rs"]
mod support;

use anyhow::{Context, Result, anyhow, ensure};
use axum::Router;
use axum::http::header;
use axum::response::Html;
use axum::routing::get;
use kaikaku_model::workflow::{EditionState, Field, Role, SheetState};
use kaikaku_model::{FiscalYear, ItemNo, Narrative, NarrativeKind, Report};
use kaikaku_store::{Cycle, Database, NewUser, Store};
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
<body><main><p id="out">まだ</p><label for="name">名前</label><input id="name">
<button id="go" type="button">押す</button></main></body>
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

/// The accessibility check every page visit runs: a page with an unlabelled field and an image
/// without a text alternative fails the visit, naming both rules and the elements.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_breaks_wcag_fails_the_visit() -> Result<()> {
    const PAGE: &str = r#"<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>検査</title></head>
<body><main><input id="nameless"><img src="/x.png"></main></body></html>"#;
    let site = Site::router(Router::new().route("/", get(|| async { Html(PAGE) }))).await?;
    let browser = Browser::start(&site).await?;
    let error = match browser.goto("/").await {
        Ok(()) => return Err(anyhow!("the page passed axe-core")),
        Err(error) => format!("{error:#}"),
    };
    for expected in [
        "label (critical)",
        "image-alt (critical)",
        "#nameless",
        "axe-core: 2",
    ] {
        ensure!(error.contains(expected), "{expected} is not in: {error}");
    }
    Ok(())
}

/// An anonymous visitor finds the Osaki edition on the home page, reads it (22 item sheets),
/// opens item No.19 from its sheet and sees its figures; the print stylesheet is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_visitor_reads_a_published_edition() -> Result<()> {
    kaikaku_fixtures::skip_without_real_sample!(Ok(()));
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
    browser.audit().await?;
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
    kaikaku_fixtures::skip_without_real_sample!(Ok(()));
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

// ---------------------------------------------------------------------------------------------
// The reporting cycle
// ---------------------------------------------------------------------------------------------

/// The admin (政策課), the editor of 総務課 (楓町's No.2 and No.6) and a reviewer: name,
/// password, role, department.
const ADMIN: (&str, &str) = ("admin", "admin-password-1");
const EDITOR: (&str, &str) = ("editor-somu", "somu-password-1");
const REVIEWER: (&str, &str) = ("reviewer", "reviewer-password-1");
const SOMU: &str = "総務課";

/// What the editor first writes in No.2's 実績 box, what the admin asks, and the fix.
const DRAFT: &str = "・全事務事業を対象に事務事業評価を実施し、成果指標を設定した（件数は集計中）。\n\
                     ・業務量調査の結果を踏まえ、窓口業務の手順を見直した。";
const DRAFT_ONLY: &str = "件数は集計中";
const RETURN_COMMENT: &str = "成果指標を設定した事業の件数を書いてください。";
const FIXED: &str = "・全事務事業を対象に事務事業評価を実施し、42事業で成果指標を設定した。\n\
                     ・業務量調査の結果を踏まえ、窓口業務の手順を見直した。";
const FIXED_ONLY: &str = "42事業で成果指標を設定した";
const FORECAST: &str = "・成果指標による評価を全事業で定着させる。";

/// The bundled 楓町 report (FY2024, 9 items; 総務課 fills in No.2 and No.6).
fn kaedemachi() -> Report {
    kaikaku_reader::read(
        &kaikaku_fixtures::bundled("kaedemachi_r6.txt"),
        &Default::default(),
    )
    .expect("the bundled 楓町 report reads")
}

/// Creates the three users; returns the admin's id.
async fn create_users(store: Database) -> Result<i64> {
    let mut admin = None;
    for ((name, password), role, department) in [
        (ADMIN, Role::Admin, Some("政策課")),
        (EDITOR, Role::Editor, Some(SOMU)),
        (REVIEWER, Role::Reviewer, None),
    ] {
        let user = NewUser {
            name: name.to_owned(),
            role,
            department: department.map(str::to_owned),
            password_hash: kaikaku_auth::hash_password(password)
                .map_err(|e| anyhow!("hashing the password of {name}: {e:?}"))?,
        };
        let id = store
            .create_user(&user)
            .await
            .with_context(|| format!("creating {name}"))?;
        if role == Role::Admin {
            admin = Some(id);
        }
    }
    admin.context("no admin was created")
}

/// Starts the browser while the three users are made (hashing passwords takes a while); returns
/// it and the admin's id.
async fn browser_and_users(site: &Site) -> Result<(Browser, i64)> {
    let users = tokio::spawn(create_users(site.store()?.clone()));
    let browser = Browser::start(site).await?;
    let admin_id = users.await.context("creating the users")??;
    Ok((browser, admin_id))
}

/// As if the other departments had filled in and submitted their sheets: every sheet not
/// 総務課's gets a 実績 text and is 提出済 (saved and moved through the store, by the admin).
/// Returns their numbers.
async fn submit_other_departments(
    store: &Database,
    report_id: i64,
    year: FiscalYear,
    by: i64,
) -> Result<Vec<u32>> {
    let mut submitted = Vec::new();
    for summary in store.sheets(report_id).await? {
        let department = summary.reporting_department.unwrap_or_default();
        if department == SOMU {
            continue;
        }
        let sheet = store.sheet(report_id, summary.no).await?;
        let mut item = sheet.item.clone();
        item.narratives.push(Narrative {
            fiscal_year: year,
            kind: NarrativeKind::Actual,
            text: format!("・計画に沿って取組を進めた。（{department}）"),
            line: 0,
        });
        let version = store
            .save_sheet(
                report_id,
                summary.no,
                sheet.version,
                &item,
                SheetState::InProgress,
                by,
            )
            .await
            .with_context(|| format!("saving No.{}", summary.no.0))?;
        store
            .transition(
                report_id,
                summary.no,
                version,
                SheetState::Submitted,
                by,
                &[],
            )
            .await
            .with_context(|| format!("submitting No.{}", summary.no.0))?;
        submitted.push(summary.no.0);
    }
    Ok(submitted)
}

/// The sheet's state code (`data-state` of the page's `article.cycle-sheet`) and its label
/// (`#sheet-state`).
async fn sheet_state(browser: &Browser) -> Result<(String, String)> {
    let code = browser
        .attr("article.cycle-sheet", "data-state")
        .await?
        .unwrap_or_default();
    Ok((code, browser.text_of("#sheet-state").await?))
}

/// The value of a form field now (what was typed, not the `value` attribute).
async fn value_of(browser: &Browser, css: &str) -> Result<String> {
    Ok(browser
        .find(css)
        .await?
        .prop("value")
        .await
        .with_context(|| format!("reading the value of `{css}`"))?
        .unwrap_or_default())
}

/// From wherever the user is, through the header bar's 進行中の報告 and the list of editions
/// in the cycle, to the board of the (one) edition in its cycle.
async fn open_board(browser: &Browser) -> Result<()> {
    browser
        .click_and_expect("a.cycle-link", "#editions-in-cycle")
        .await?;
    browser
        .click_and_expect("#editions-in-cycle a", "section.cycle-board")
        .await?;
    Ok(())
}

/// Issue 4's walk: an editor edits and submits a sheet; the admin returns it with a comment on
/// one field; the editor fixes and resubmits; the admin confirms every sheet, locks and
/// publishes; an anonymous visitor reads the published edition. Real log-ins, real forms
/// (CSRF tokens included), real clicks, one browser session.
///
/// Data that exists before (through the store): the imported FY2024 report, the users, and the
/// other departments' submitted sheets (after the admin opened FY2025 in the browser).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_reporting_cycle_in_a_real_browser() -> Result<()> {
    let site = Site::kaikaku(&[("kaedemachi_r6.txt", kaedemachi())]).await?;
    let store = site.store()?;
    let (browser, admin_id) = browser_and_users(&site).await?;
    let plan_id = store
        .list_reports()
        .await?
        .first()
        .context("the 楓町 report is stored")?
        .plan_id;
    let year = FiscalYear::new(2025).context("FY2025")?;
    let today = kaikaku_web::cycle::service::today();

    // 0. The admin opens FY2025 (令和7年度) for the plan, with a due date in a month.
    browser.login(ADMIN.0, ADMIN.1).await?;
    browser
        .click_and_expect("a.cycle-link", "#open-year-form")
        .await?;
    browser
        .find("#plan_id")
        .await?
        .select_by_value(&plan_id.to_string())
        .await?;
    browser.fill("#fiscal_year", "令和7年度").await?;
    let due = (today + chrono::Days::new(30)).to_string();
    ensure!(browser.set_value("#due_date", &due).await? == due);
    browser
        .click_and_expect(
            r#"#open-year-form button[type="submit"]"#,
            r#"section.cycle-board[data-state="open"]"#,
        )
        .await?;
    let board_path = browser.current_path().await?;
    let report_id: i64 = board_path
        .strip_prefix("/editions/")
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .with_context(|| format!("opening the year led to {board_path}"))?;
    let board_path = format!("/editions/{report_id}");
    ensure!(
        browser
            .count(r#"tr[id^="sheet-"][data-state="not_started"]"#)
            .await?
            == 9,
        "the new edition should have 9 sheets 未着手"
    );
    browser.logout().await?;
    let others = submit_other_departments(store, report_id, year, admin_id).await?;
    ensure!(
        others == [1, 3, 4, 5, 7, 8, 9],
        "other departments' sheets: {others:?}"
    );

    // 1. The editor of 総務課 fills in No.2 and submits it.
    browser.login(EDITOR.0, EDITOR.1).await?;
    open_board(&browser).await?;
    ensure!(
        browser
            .count(r#".own-department tr#sheet-2[data-state="not_started"]"#)
            .await?
            == 1,
        "No.2 should be 未着手 under the editor's own department"
    );
    browser
        .click_and_expect(
            "tr#sheet-2 a",
            r#"article.cycle-sheet[data-state="not_started"]"#,
        )
        .await?;
    let forecast = browser
        .text_of(r#"[data-field="narratives.0"] .previous-forecast"#)
        .await?;
    ensure!(
        forecast.contains("成果指標による評価を定着させる"),
        "last year's 見込み should be beside the 実績 box: {forecast:?}"
    );
    let copied = browser.count(".is-copied").await?;
    ensure!(
        copied > 0 && browser.count(".is-copied .copied-mark").await? == copied,
        "the carried-over parts should be marked 前年度から複写 ({copied} marked)"
    );
    browser
        .fill(r#"textarea[name="narratives.0.text"]"#, DRAFT)
        .await?;
    browser
        .fill(r#"textarea[name="narratives.1.text"]"#, FORECAST)
        .await?;
    browser
        .click_and_expect("#save-button", "#sheet-notice")
        .await?;
    ensure!(browser.text_of("#sheet-notice").await? == "保存しました。");
    ensure!(sheet_state(&browser).await? == ("in_progress".into(), "入力中".into()));
    ensure!(
        value_of(&browser, r#"textarea[name="narratives.0.text"]"#).await? == DRAFT,
        "the saved 実績 text is not what was typed"
    );
    ensure!(
        browser
            .count(r#"[data-field="narratives.0"] .previous-forecast"#)
            .await?
            == 1,
        "last year's 見込み should stay beside the saved 実績 box"
    );
    browser
        .click_and_expect(
            "#submit-button",
            r#"article.cycle-sheet[data-state="submitted"]"#,
        )
        .await?;
    ensure!(sheet_state(&browser).await? == ("submitted".into(), "提出済".into()));
    ensure!(
        browser.count("#sheet-form").await? == 0,
        "a submitted sheet should be read-only for its editor"
    );
    browser.screenshot("cycle-editor-sheet.png").await?;

    // … and No.6, 総務課's other sheet (提出 is offered once a sheet is 入力中).
    let to_board = format!(r#".sheet-links a[href="{board_path}"]"#);
    browser
        .click_and_expect(&to_board, r#"tr#sheet-6[data-state="not_started"]"#)
        .await?;
    browser
        .click_and_expect(
            "tr#sheet-6 a",
            r#"article.cycle-sheet[data-state="not_started"]"#,
        )
        .await?;
    browser
        .fill(
            r#"textarea[name="narratives.0.text"]"#,
            "・定員管理計画に基づき、職員数を適正に管理した。",
        )
        .await?;
    browser
        .click_and_expect(
            "#save-button",
            r#"article.cycle-sheet[data-state="in_progress"]"#,
        )
        .await?;
    browser
        .click_and_expect(
            "#submit-button",
            r#"article.cycle-sheet[data-state="submitted"]"#,
        )
        .await?;
    browser.logout().await?;

    // 2. The admin returns No.2 with a comment on its 実績 box.
    browser.login(ADMIN.0, ADMIN.1).await?;
    open_board(&browser).await?;
    browser
        .find(r#"tr#sheet-2[data-state="submitted"]"#)
        .await?;
    ensure!(
        browser
            .count(r#"tr[id^="sheet-"][data-state="submitted"]"#)
            .await?
            == 9,
        "every sheet should be 提出済 on the admin's board"
    );
    browser
        .click_and_expect("tr#sheet-2 a", "form#transition-form")
        .await?;
    let submitted = browser
        .text_of(r#"[data-field="narratives.0"] .narrative-text"#)
        .await?;
    ensure!(
        submitted.contains(DRAFT_ONLY),
        "the admin should read the submitted 実績: {submitted:?}"
    );
    browser
        .fill(r#"textarea[name="comment.narratives.0"]"#, RETURN_COMMENT)
        .await?;
    browser
        .click_and_expect(
            "#return-button",
            r#"article.cycle-sheet[data-state="returned"]"#,
        )
        .await?;
    ensure!(sheet_state(&browser).await? == ("returned".into(), "差戻し".into()));
    let comment = browser
        .text_of(r#"#comments li.comment[data-field="narratives.0"] .comment-body"#)
        .await?;
    ensure!(
        comment == RETURN_COMMENT,
        "the return's comment: {comment:?}"
    );
    browser.screenshot("cycle-admin-return.png").await?;
    browser.logout().await?;

    // 3. The editor reads the comment beside the field, fixes the text, saves, resubmits.
    browser.login(EDITOR.0, EDITOR.1).await?;
    open_board(&browser).await?;
    browser
        .click_and_expect(
            r#"tr#sheet-2[data-state="returned"] a"#,
            r#"article.cycle-sheet[data-state="returned"]"#,
        )
        .await?;
    let beside = browser
        .text_of(r#"[data-field="narratives.0"] ul.field-comments"#)
        .await?;
    ensure!(
        beside.contains(RETURN_COMMENT) && beside.contains(ADMIN.0),
        "the admin's comment should be beside the 実績 box: {beside:?}"
    );
    ensure!(value_of(&browser, r#"textarea[name="narratives.0.text"]"#).await? == DRAFT);
    browser.screenshot("cycle-editor-returned.png").await?;
    browser
        .fill(r#"textarea[name="narratives.0.text"]"#, FIXED)
        .await?;
    browser
        .click_and_expect(
            "#save-button",
            r#"article.cycle-sheet[data-state="in_progress"]"#,
        )
        .await?;
    ensure!(browser.text_of("#sheet-notice").await? == "保存しました。");
    ensure!(value_of(&browser, r#"textarea[name="narratives.0.text"]"#).await? == FIXED);
    browser
        .click_and_expect(
            "#submit-button",
            r#"article.cycle-sheet[data-state="submitted"]"#,
        )
        .await?;
    ensure!(sheet_state(&browser).await? == ("submitted".into(), "提出済".into()));
    browser.logout().await?;

    // 4. The admin confirms every submitted sheet, No.2 first, then locks and publishes.
    browser.login(ADMIN.0, ADMIN.1).await?;
    open_board(&browser).await?;
    // The rows as the board lists them now: (row id, sheet address).
    let rows = browser
        .execute(
            r#"return [...document.querySelectorAll('tr[id^="sheet-"][data-state="submitted"]')]
                 .map(row => [row.id, row.querySelector("a").getAttribute("href")]);"#,
        )
        .await?;
    let mut rows: Vec<(String, String)> =
        serde_json::from_value(rows).context("reading the board's rows")?;
    rows.sort_by_key(|(id, _)| id != "sheet-2");
    ensure!(
        rows.len() == 9 && rows[0].0 == "sheet-2",
        "every sheet should be 提出済 on the board, No.2 first: {rows:?}"
    );
    for (id, href) in &rows {
        browser.goto(href).await?;
        browser.find("#confirm-button").await?;
        if id == "sheet-2" {
            // The fix answers the comment: the admin marks it resolved, then confirms.
            ensure!(
                browser
                    .text_of(r#"[data-field="narratives.0"] .narrative-text"#)
                    .await?
                    .contains(FIXED_ONLY),
                "the admin should read the corrected 実績"
            );
            browser
                .click_and_expect(
                    r#"#comments li.comment[data-field="narratives.0"] form.resolve-form button"#,
                    r#"#comments li.comment.resolved[data-field="narratives.0"]"#,
                )
                .await?;
        }
        browser
            .click_and_expect(
                "#confirm-button",
                r#"article.cycle-sheet[data-state="confirmed"]"#,
            )
            .await
            .with_context(|| format!("confirming {href}"))?;
        ensure!(browser.text_of("#sheet-state").await? == "確定");
    }
    browser
        .click_and_expect(&to_board, "section.cycle-board")
        .await?;
    ensure!(
        browser
            .count(r#"tr[id^="sheet-"][data-state="confirmed"]"#)
            .await?
            == 9,
        "every sheet should be 確定"
    );
    ensure!(
        browser.text_of("tr#sheet-2 td:nth-child(5)").await? == "0",
        "No.2 should have no open comment left"
    );
    ensure!(browser.text_of("#count-confirmed").await? == "9");
    let base_date = today.to_string();
    ensure!(
        browser
            .set_value("#lock-form #base_date", &base_date)
            .await?
            == base_date
    );
    browser
        .click_and_expect(
            r#"#lock-form button[type="submit"]"#,
            r#"section.cycle-board[data-state="locked"]"#,
        )
        .await?;
    ensure!(browser.text_of("#edition-state").await? == "確定（ロック）");
    browser
        .click_and_expect(
            r#"#publish-form button[type="submit"]"#,
            r#"section.cycle-board[data-state="published"]"#,
        )
        .await?;
    ensure!(browser.text_of("#edition-state").await? == "公開");
    ensure!(browser.current_path().await?.starts_with(&board_path));
    browser.screenshot("cycle-board-published.png").await?;
    browser.logout().await?;

    // 5. An anonymous visitor finds the new edition on the home page and reads No.2.
    browser.goto("/").await?;
    browser.click_link("令和7年度（2025年度）").await?;
    browser.find("article.edition #no-2").await?;
    let public = browser.current_path().await?;
    ensure!(
        public == format!("/plans/{plan_id}/2025"),
        "the edition link led to {public}"
    );
    let no2 = browser.text_of("#no-2").await?;
    for line in FIXED.lines() {
        ensure!(
            no2.contains(line),
            "No.2 on the public page should read {line:?}:\n{no2}"
        );
    }
    ensure!(
        !no2.contains(DRAFT_ONLY),
        "the returned draft is on the public page:\n{no2}"
    );
    ensure!(
        browser.count("aside#correction").await? == 0,
        "a first publication is no correction"
    );
    browser.screenshot("cycle-public-edition.png").await?;
    browser
        .click_and_expect("#no-2 a.sheet-link", "article.item-page")
        .await?;
    let path = browser.current_path().await?;
    ensure!(
        path == format!("/plans/{plan_id}/2025/items/2"),
        "No.2's link led to {path}"
    );
    let page = browser.page_text().await?;
    ensure!(
        FIXED.lines().all(|line| page.contains(line)) && !page.contains(DRAFT_ONLY),
        "No.2's own page should read the corrected 実績:\n{page}"
    );
    browser.screenshot("cycle-public-item-2.png").await?;

    // What the store holds now: No.2's history has both people's changes, and the edition is
    // published with its 基準日.
    let audit = store.audit(report_id, ItemNo(2)).await?;
    let by = |user: &str, field: Field| -> Vec<&str> {
        audit
            .iter()
            .filter(|e| e.user.as_deref() == Some(user) && e.field == field)
            .map(|e| e.after.as_str())
            .collect()
    };
    let texts = by(EDITOR.0, Field::Narrative(0));
    ensure!(
        texts.len() == 2 && texts[0].contains(DRAFT_ONLY) && texts[1].contains(FIXED_ONLY),
        "the editor's 実績 texts in the audit log: {texts:?}"
    );
    let states = by(EDITOR.0, Field::State);
    ensure!(
        states == ["入力中", "提出済", "入力中", "提出済"],
        "the editor's state changes: {states:?}"
    );
    let states = by(ADMIN.0, Field::State);
    ensure!(
        states == ["差戻し", "確定"],
        "the admin's state changes: {states:?}"
    );
    let edition = store.edition(report_id).await?;
    ensure!(
        edition.status == EditionState::Published && edition.base_date == Some(today),
        "the edition: {edition:?}"
    );
    let published = store.load_report(report_id).await?;
    let item = published.item(2).context("No.2 is published")?;
    ensure!(
        item.narratives
            .iter()
            .any(|n| n.fiscal_year == year && n.text.contains(FIXED_ONLY)),
        "the published No.2: {:?}",
        item.narratives
    );
    Ok(())
}

/// Every kind of page the site has passes axe-core's WCAG 2.0/2.1 A and AA rules (the check
/// runs on each visit, see `support.rs`): the public pages of two towns (the directory, a
/// town, the national and prefecture figures, an edition, an item, both dashboards, the
/// comparison form, search, log-in), the error pages, and the logged-in pages of the cycle
/// (account, users, the cycle, the board, the sheet as a form and read-only, its history).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_page_passes_wcag_21_aa() -> Result<()> {
    let town = |code: &str, name: &str| {
        Some(kaikaku_model::Municipality {
            code: kaikaku_model::LocalGovernmentCode::parse(code).expect("a valid code"),
            name: name.to_owned(),
        })
    };
    let mut kaede = kaedemachi();
    kaede.municipality = town("999997", "楓町");
    let mut sakura = kaikaku_reader::read(
        &kaikaku_fixtures::bundled("sakuragawa_h30.txt"),
        &Default::default(),
    )
    .context("the bundled 桜川市 report reads")?;
    sakura.municipality = town("131016", "千代田区");
    let site =
        Site::kaikaku(&[("kaedemachi_r6.txt", kaede), ("sakuragawa_h30.txt", sakura)]).await?;
    let store = site.store()?;
    let (browser, admin_id) = browser_and_users(&site).await?;
    let plan_id = store
        .list_reports()
        .await?
        .iter()
        .find(|r| r.plan_name == "第3次楓町行政改革実施計画")
        .context("the 楓町 report is stored")?
        .plan_id;
    let edition = store
        .open_cycle(
            plan_id,
            FiscalYear::new(2025).context("FY2025")?,
            None,
            admin_id,
        )
        .await?;

    let plan = format!("/plans/{plan_id}");
    let public = [
        "/".to_owned(),
        "/municipalities/999997".to_owned(),
        "/dashboard?year=2024".to_owned(),
        "/prefectures/13?year=2019".to_owned(),
        format!("{plan}/2024"),
        format!("{plan}/2024/items/2"),
        format!("{plan}/2024/dashboard"),
        format!("{plan}/dashboard"),
        format!("{plan}/compare"),
        "/search?q=研修".to_owned(),
        "/login".to_owned(),
        "/no-such-page".to_owned(),
    ];
    for path in &public {
        browser
            .goto(path)
            .await
            .with_context(|| format!("visiting {path}"))?;
    }
    let board = format!("/editions/{edition}");
    browser.login(ADMIN.0, ADMIN.1).await?;
    for path in [
        "/account".to_owned(),
        "/admin/users".to_owned(),
        "/cycle".to_owned(),
        board.clone(),
        format!("{board}/sheets/2"),
        format!("{board}/sheets/2/history"),
    ] {
        browser
            .goto(&path)
            .await
            .with_context(|| format!("visiting {path} as the admin"))?;
    }
    browser.logout().await?;
    browser.login(REVIEWER.0, REVIEWER.1).await?;
    for path in [format!("{board}/sheets/2"), "/admin/users".to_owned()] {
        browser
            .goto(&path)
            .await
            .with_context(|| format!("visiting {path} as the reviewer"))?;
    }
    ensure!(
        browser.page_text().await?.contains("権限"),
        "the reviewer should see the 403 page at /admin/users"
    );
    Ok(())
}
