//! The reporting cycle's pages: opening a year, the board, sheet forms, comments, returns,
//! waivers, locking, publishing, corrections, the history, and lost updates.

use reqwest::{Method, StatusCode};
use scraper::{ElementRef, Html, Selector};

use crate::support::*;

/// The editor of 総務課 the tests add (No.2 of 楓町 is 総務課's; so is No.6).
const SOMU: (&str, &str) = ("editor-somu", "somu-password-1");
/// An editor of 財政課 (No.5 of 楓町), the tests' editor of another department.
const ZAISEI: (&str, &str) = ("editor-zaisei", "zaisei-password-1");
/// 楓町's No.2 事務事業の見直し, 総務課's sheet (its effects are text only).
const NO2: u32 = 2;
/// FY2024's 見込み of No.2 for 令和7年度 (line 43 of `samples/kaedemachi_r6.txt`), shown
/// beside FY2025's 実績 box.
const NO2_FORECAST: &str = "事務事業評価の評価項目を見直し";

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("{css}: {e}"))
}

/// A logged-in browser.
struct Browser<'a> {
    app: &'a TestApp,
    login: Login,
}

impl<'a> Browser<'a> {
    async fn new(app: &'a TestApp, (name, password): (&str, &str)) -> Browser<'a> {
        Browser {
            app,
            login: app.login(name, password).await,
        }
    }

    async fn get(&self, path: &str) -> Page {
        self.app
            .call(Method::GET, path, Some(&self.login), None)
            .await
    }

    /// GETs `path` and asserts 200.
    async fn page(&self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}:\n{}", page.body);
        page.body
    }

    /// POSTs `fields` and the session's CSRF token.
    async fn post(&self, path: &str, fields: &[(String, String)]) -> Page {
        let mut fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        fields.push(("_csrf", &self.login.csrf));
        self.app
            .call(Method::POST, path, Some(&self.login), Some(&fields))
            .await
    }

    /// Fills in the form `form_id` of the page at `path` as a browser would (what it holds,
    /// with `changes`) and sends it with `button` (name, value).
    async fn submit(
        &self,
        path: &str,
        form_id: &str,
        changes: &[(&str, &str)],
        button: (&str, &str),
    ) -> Page {
        let body = self.page(path).await;
        let (action, mut fields) = form_of(&body, form_id);
        for (name, value) in changes {
            set(&mut fields, name, value);
        }
        set(&mut fields, button.0, button.1);
        fields.retain(|(name, _)| name != "_csrf");
        self.post(&action, &fields).await
    }
}

/// The action and the fields of the form `id` of a page, as a browser would send them:
/// inputs, text areas and the selected (else the first) option of selects.
fn form_of(body: &str, id: &str) -> (String, Vec<(String, String)>) {
    let html = Html::parse_document(body);
    let form = html
        .select(&selector(&format!("form#{id}")))
        .next()
        .unwrap_or_else(|| panic!("no form #{id} in:\n{body}"));
    let action = form.value().attr("action").expect("an action").to_owned();
    let mut fields = Vec::new();
    for element in form.select(&selector("input, textarea, select")) {
        let Some(name) = element.value().attr("name") else {
            continue;
        };
        let value = match element.value().name() {
            "textarea" => element.text().collect::<String>(),
            "select" => {
                let options: Vec<ElementRef<'_>> = element.select(&selector("option")).collect();
                options
                    .iter()
                    .find(|o| o.value().attr("selected").is_some())
                    .or(options.first())
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or_default()
                    .to_owned()
            }
            _ => element.value().attr("value").unwrap_or_default().to_owned(),
        };
        fields.push((name.to_owned(), value));
    }
    (action, fields)
}

/// Sets field `name` (replacing it, else adding it).
fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(n, _)| n == name) {
        Some((_, v)) => *v = value.to_owned(),
        None => fields.push((name.to_owned(), value.to_owned())),
    }
}

/// The outer HTML of the first element matching `css`.
fn element(body: &str, css: &str) -> String {
    let html = Html::parse_document(body);
    html.select(&selector(css))
        .next()
        .map(|e| e.html())
        .unwrap_or_else(|| panic!("nothing matches {css} in:\n{body}"))
}

fn has(body: &str, css: &str) -> bool {
    Html::parse_document(body)
        .select(&selector(css))
        .next()
        .is_some()
}

/// The sheet's state code, from the page.
fn state_of(body: &str) -> String {
    let html = Html::parse_document(body);
    html.select(&selector("article.cycle-sheet"))
        .next()
        .and_then(|a| a.value().attr("data-state"))
        .expect("a sheet page")
        .to_owned()
}

/// The edition id a redirect goes to (`/editions/7?done=…`).
fn edition_of(page: &Page) -> i64 {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.location().expect("a location");
    location
        .strip_prefix("/editions/")
        .and_then(|rest| rest.split(['?', '/']).next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not an edition: {location}"))
}

fn assert_redirect(page: &Page, to: &str) {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.location().expect("a location");
    assert!(location.starts_with(to), "{location} is not {to}");
}

fn sheet_path(edition: i64, no: u32) -> String {
    format!("/editions/{edition}/sheets/{no}")
}

/// The admin adds an editor of `department` through ユーザー管理.
async fn add_editor(admin: &Browser<'_>, (name, password): (&str, &str), department: &str) {
    let fields = [
        ("name", name),
        ("role", "editor"),
        ("department", department),
        ("password", password),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let page = admin.post("/admin/users", &fields).await;
    assert_redirect(&page, "/admin/users");
}

/// The admin opens FY2025 (令和7年度) of 楓町's plan (its report is FY2024's) through
/// 進行中の報告, due `due`.
async fn open_kaede_2025(app: &TestApp, admin: &Browser<'_>, due: &str) -> i64 {
    let body = admin.page("/cycle").await;
    assert_contains(&body, &["報告年度の開始", "令和6年度"]);
    let plan = app.plan_id(KAEDE_PLAN);
    let fields = [
        ("plan_id", plan.to_string()),
        ("fiscal_year", "令和7年度".to_owned()),
        ("due_date", due.to_owned()),
    ]
    .map(|(k, v)| (k.to_owned(), v));
    edition_of(&admin.post("/cycle", &fields).await)
}

/// Takes every sheet of an edition to 確定 as the admin, through the forms: save, submit,
/// confirm, and accept with a reason any finding that stops 確定.
async fn confirm_everything(admin: &Browser<'_>, edition: i64) {
    let board = admin.page(&format!("/editions/{edition}")).await;
    let rows: Vec<u32> = Html::parse_document(&board)
        .select(&selector("tr[data-state]"))
        .filter_map(|row| row.value().attr("id")?.strip_prefix("sheet-")?.parse().ok())
        .collect();
    assert!(!rows.is_empty(), "{board}");
    for no in rows {
        let path = sheet_path(edition, no);
        for _ in 0..8 {
            let body = admin.page(&path).await;
            let page = match state_of(&body).as_str() {
                "confirmed" => break,
                "not_started" | "returned" => {
                    admin
                        .submit(&path, "sheet-form", &[], ("intent", "save"))
                        .await
                }
                "in_progress" => {
                    admin
                        .submit(&path, "sheet-form", &[], ("intent", "submit"))
                        .await
                }
                _ => {
                    let page = admin
                        .submit(&path, "transition-form", &[], ("action", "confirm"))
                        .await;
                    if page.status == StatusCode::CONFLICT {
                        assert_contains(&page.body, &["確定できません"]);
                        waive_all(admin, &path, &page.body).await;
                        continue;
                    }
                    page
                }
            };
            assert_redirect(&page, &path);
        }
        assert_eq!(state_of(&admin.page(&path).await), "confirmed", "{path}");
    }
}

/// Accepts every open finding of the sheet page `body` with a reason.
async fn waive_all(admin: &Browser<'_>, path: &str, body: &str) {
    let keys: Vec<String> = Html::parse_document(body)
        .select(&selector("li.finding-open[data-finding]"))
        .filter_map(|li| li.value().attr("data-finding").map(str::to_owned))
        .collect();
    assert!(!keys.is_empty(), "no open finding in:\n{body}");
    for key in keys {
        let fields = [
            ("finding".to_owned(), key),
            ("reason".to_owned(), "原本の記載どおり".to_owned()),
        ];
        let page = admin.post(&format!("{path}/waivers"), &fields).await;
        assert_redirect(&page, path);
    }
}

#[tokio::test]
async fn a_year_from_opening_to_a_published_correction() {
    let app = TestApp::spawn().await;
    let admin = Browser::new(&app, ("admin", "admin-password-1")).await;
    add_editor(&admin, SOMU, "総務課").await;
    // A due date in the past: every sheet not submitted is overdue.
    let edition = open_kaede_2025(&app, &admin, "2025-05-31").await;
    let editor = Browser::new(&app, SOMU).await;
    let reviewer = Browser::new(&app, ("reviewer", "reviewer-password-1")).await;
    let no2 = sheet_path(edition, NO2);

    // 進行中の報告 and the board.
    let cycle = editor.page("/cycle").await;
    assert_contains(&cycle, &["進行中の報告", "令和7年度（2025年度）", "受付中"]);
    assert!(
        !cycle.contains("報告年度を開始する"),
        "editors open nothing"
    );
    let board = editor.page(&format!("/editions/{edition}")).await;
    assert_contains(
        &board,
        &[
            "総務課（あなたの課）",
            "期限超過",
            "未着手",
            "令和7年5月31日",
        ],
    );
    // 総務課's No.2 before No.1 of まちづくり推進課.
    assert!(board.find("総務課（あなたの課）") < board.find("まちづくり推進課"));
    assert!(has(&board, "tr#sheet-2.overdue"));

    // The editor's sheet: carried over and marked, last year's 見込み beside the 実績 box.
    let sheet = editor.page(&no2).await;
    assert_eq!(state_of(&sheet), "not_started");
    assert_contains(&sheet, &["前年度から複写", NO2_FORECAST]);
    assert!(has(&sheet, "[data-field=\"goal\"].is-copied"));
    assert!(element(&sheet, "[data-field=\"narratives.0\"]").contains(NO2_FORECAST));
    let page = editor
        .submit(
            &no2,
            "sheet-form",
            &[
                ("narratives.0.text", "・事務事業評価表を活用した。"),
                ("narratives.1.text", "・評価を定着させる。"),
            ],
            ("intent", "save"),
        )
        .await;
    assert_redirect(&page, &no2);
    let sheet = editor.page(page.location().expect("a location")).await;
    assert_eq!(state_of(&sheet), "in_progress");
    assert_contains(&sheet, &["保存しました", "・事務事業評価表を活用した。"]);
    let page = editor
        .submit(&no2, "sheet-form", &[], ("intent", "submit"))
        .await;
    assert_redirect(&page, &no2);
    assert_eq!(state_of(&editor.page(&no2).await), "submitted");
    let board = editor.page(&format!("/editions/{edition}")).await;
    assert!(!has(&board, "tr#sheet-2.overdue"), "submitted is in time");

    // Another department's sheet (No.1, まちづくり推進課's): refused, nothing changed.
    let no1 = sheet_path(edition, 1);
    let before = editor.page(&no1).await;
    assert!(!has(&before, "form#sheet-form"), "read only");
    let fields = [("version", "1"), ("title", "書き換え"), ("intent", "save")]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let page = editor.post(&no1, &fields).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    assert_contains(&page.body, &["他の課のシートは編集できません"]);
    assert_eq!(editor.page(&no1).await, before);

    // The reviewer comments and cannot save.
    let body = reviewer.page(&no2).await;
    assert!(!has(&body, "form#sheet-form"));
    let fields = [("field", "goal"), ("body", "目標の表現を確認してください")]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let page = reviewer.post(&format!("{no2}/comments"), &fields).await;
    assert_redirect(&page, &no2);
    let fields = [
        ("version", "3"),
        ("title", "査読者の書換え"),
        ("intent", "save"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let page = reviewer.post(&no2, &fields).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    let body = reviewer.page(&no2).await;
    assert!(element(&body, "[data-field=\"goal\"]").contains("目標の表現を確認してください"));
    assert!(!body.contains("査読者の書換え"));

    // The admin returns it with a comment on the 実績; the editor sees it beside the field.
    let page = admin
        .submit(
            &no2,
            "transition-form",
            &[("comment.narratives.0", "実績の件数を書いてください")],
            ("action", "return"),
        )
        .await;
    assert_redirect(&page, &no2);
    let sheet = editor.page(&no2).await;
    assert_eq!(state_of(&sheet), "returned");
    assert!(
        element(&sheet, "form#sheet-form [data-field=\"narratives.0\"]")
            .contains("実績の件数を書いてください")
    );

    // The editor fixes it, with effects whose 総計 does not add up, and resubmits.
    let page = editor
        .submit(
            &no2,
            "sheet-form",
            &[
                (
                    "narratives.0.text",
                    "・事務事業評価表を活用し、12件を見直した。",
                ),
                ("effects.0.q.0.label", "削減額"),
                ("effects.0.q.0.value", "100"),
                ("effects.0.q.0.unit", "千円"),
                ("effects.0.q.0.status", "actual"),
                ("effects.1.q.0.label", "削減額"),
                ("effects.1.q.0.value", "200"),
                ("effects.1.q.0.unit", "千円"),
                ("effects.1.q.0.status", "actual"),
                // 楓町's effects rows: 令和5年度…令和8年度, then 総計 (the fifth row).
                ("effects.4.q.0.label", "削減額"),
                ("effects.4.q.0.value", "350"),
                ("effects.4.q.0.unit", "千円"),
            ],
            ("intent", "save"),
        )
        .await;
    assert_redirect(&page, &no2);
    let page = editor
        .submit(&no2, "sheet-form", &[], ("intent", "submit"))
        .await;
    assert_redirect(&page, &no2);

    // 確定 is refused while the finding is open; the finding sits beside the 総計 row.
    let page = admin
        .submit(&no2, "transition-form", &[], ("action", "confirm"))
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert_contains(&page.body, &["確定できません", "350千円"]);
    assert!(element(&page.body, "[data-field=\"effects.4\"]").contains("内訳を合計すると300千円"));
    assert_eq!(state_of(&admin.page(&no2).await), "submitted");
    waive_all(&admin, &no2, &page.body).await;
    let body = admin.page(&no2).await;
    assert_contains(&body, &["確認済み（admin", "原本の記載どおり"]);
    let page = admin
        .submit(&no2, "transition-form", &[], ("action", "confirm"))
        .await;
    assert_redirect(&page, &no2);
    assert_eq!(state_of(&admin.page(&no2).await), "confirmed");

    // Locking waits for every sheet; then lock with the 基準日 and publish.
    let lock = [("base_date".to_owned(), "2025-05-31".to_owned())];
    let page = admin
        .post(&format!("/editions/{edition}/lock"), &lock)
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    // 楓町's 9 sheets, No.2 confirmed.
    assert_contains(&page.body, &["確定していないシートが8件あります"]);
    confirm_everything(&admin, edition).await;
    let page = admin
        .post(&format!("/editions/{edition}/lock"), &lock)
        .await;
    assert_redirect(&page, &format!("/editions/{edition}"));
    let page = admin
        .post(&format!("/editions/{edition}/publish"), &[])
        .await;
    assert_redirect(&page, &format!("/editions/{edition}"));
    let top = app.page("/").await;
    assert_contains(&top, &["令和7年度（2025年度）", "令和6年度（2024年度）"]);
    let public = format!(
        "{}/2025",
        app.edition(KAEDE_PLAN).rsplit_once('/').expect("a year").0
    );
    let body = app.page(&public).await;
    assert_contains(&body, &["・事務事業評価表を活用し、12件を見直した。"]);
    assert!(!body.contains("訂正（第"), "no correction yet");

    // The history of No.2: every change, who, when (和暦), which field, a readable diff.
    let history = editor.page(&format!("{no2}/history")).await;
    assert_contains(
        &history,
        &[
            "変更履歴",
            "class=\"when\">令和",
            SOMU.0,
            "取組内容 1",
            "取組による効果 5行目",
            "未着手",
            "差戻し",
            "確定",
            "<ins>",
        ],
    );
    for field in [
        "narratives.0",
        "narratives.1",
        "effects.0",
        "effects.1",
        "effects.4",
    ] {
        assert!(
            has(&history, &format!("tr[data-field=\"{field}\"]")),
            "{field}"
        );
    }
    let state_rows = Html::parse_document(&history)
        .select(&selector("tr.state-change"))
        .count();
    // 未着手→入力中, →提出済, →差戻し, →入力中, →提出済, →確定.
    assert_eq!(state_rows, 6, "{history}");

    // A correction: a new revision, fixed, confirmed, locked, published with its changes.
    let note = [(
        "note".to_owned(),
        "No.2の実績の記載を訂正しました".to_owned(),
    )];
    let correction = edition_of(
        &admin
            .post(&format!("/editions/{edition}/correction"), &note)
            .await,
    );
    assert_ne!(correction, edition);
    let fixed = sheet_path(correction, NO2);
    let page = editor
        .submit(
            &fixed,
            "sheet-form",
            &[(
                "narratives.0.text",
                "・事務事業評価表を活用し、15件を見直した。",
            )],
            ("intent", "submit"),
        )
        .await;
    assert_redirect(&page, &fixed);
    confirm_everything(&admin, correction).await;
    let page = admin
        .post(&format!("/editions/{correction}/lock"), &lock)
        .await;
    assert_redirect(&page, &format!("/editions/{correction}"));
    let page = admin
        .post(&format!("/editions/{correction}/publish"), &[])
        .await;
    assert_redirect(&page, &format!("/editions/{correction}"));
    let body = app.page(&public).await;
    assert_contains(
        &body,
        &[
            "訂正（第2版",
            "No.2の実績の記載を訂正しました",
            "No.2 事務事業の見直し",
            "取組内容 1",
            "<del>2</del><ins>5</ins>",
            "・事務事業評価表を活用し、15件を見直した。",
        ],
    );
    let item = app.page(&format!("{public}/items/2")).await;
    assert_contains(&item, &["訂正（第2版", "<ins>5</ins>"]);
    let other = app.page(&format!("{public}/items/3")).await;
    assert_contains(&other, &["訂正（第2版", "前の版から内容の変更はありません"]);
}

/// Two logged-in clients save the same sheet from the same version at the same time.
#[tokio::test]
async fn two_saves_from_one_version_one_wins_and_the_other_sees_both_versions() {
    let app = TestApp::spawn().await;
    let admin = Browser::new(&app, ("admin", "admin-password-1")).await;
    add_editor(&admin, SOMU, "総務課").await;
    let edition = open_kaede_2025(&app, &admin, "").await;
    let editor = Browser::new(&app, SOMU).await;
    let no2 = sheet_path(edition, NO2);
    for round in 0..3 {
        let texts = [
            format!("・第{round}回 課の記載"),
            format!("・第{round}回 総務課の記載"),
        ];
        let mut forms = Vec::new();
        for (browser, text) in [(&editor, &texts[0]), (&admin, &texts[1])] {
            let (action, mut fields) = form_of(&browser.page(&no2).await, "sheet-form");
            set(&mut fields, "narratives.0.text", text);
            set(&mut fields, "intent", "save");
            fields.retain(|(name, _)| name != "_csrf");
            forms.push((action, fields));
        }
        assert_eq!(
            hidden_version(&forms[0].1),
            hidden_version(&forms[1].1),
            "both start from one version"
        );
        let history_before = editor.page(&format!("{no2}/history")).await;
        let (a, b) = tokio::join!(
            editor.post(&forms[0].0, &forms[0].1),
            admin.post(&forms[1].0, &forms[1].1)
        );
        let pages = [a, b];
        let won: Vec<usize> = (0..2)
            .filter(|i| pages[*i].status == StatusCode::SEE_OTHER)
            .collect();
        let lost: Vec<usize> = (0..2)
            .filter(|i| pages[*i].status == StatusCode::CONFLICT)
            .collect();
        assert_eq!((won.len(), lost.len()), (1, 1), "{pages:?}");
        let (winner, loser) = (won[0], lost[0]);
        let (winning, losing) = (&texts[winner], &texts[loser]);
        // The loser's page: its own input, kept in the form, beside the stored version,
        // the differing field marked, ready to be saved over the current version.
        let body = &pages[loser].body;
        assert_contains(
            body,
            &[
                "ほかの人の保存と重なりました",
                "現在保存されている内容",
                "取組内容 1",
            ],
        );
        let mine = element(body, "section.conflict-mine");
        let current = element(body, "section.conflict-current");
        assert!(
            mine.contains(losing.as_str()) && !mine.contains(winning.as_str()),
            "{mine}"
        );
        assert!(
            current.contains(winning.as_str()) && !current.contains(losing.as_str()),
            "{current}"
        );
        assert!(has(
            body,
            "section.conflict-mine [data-field=\"narratives.0\"].differs"
        ));
        assert!(has(
            body,
            "section.conflict-current [data-field=\"narratives.0\"].differs"
        ));
        let stored = editor.page(&no2).await;
        assert!(stored.contains(winning.as_str()) && !stored.contains(losing.as_str()));
        let (_, resend) = form_of(body, "sheet-form");
        assert_eq!(
            hidden_version(&resend),
            hidden_version(&forms[winner].1) + 1
        );
        // The history has the winner's change only: one more row, whose diff leads to
        // the winner's text.
        let history = editor.page(&format!("{no2}/history")).await;
        let rows = |body: &str| {
            Html::parse_document(body)
                .select(&selector("tr[data-field=\"narratives.0\"]"))
                .map(|row| {
                    row.select(&selector(".diff-text > span, .diff-text > ins"))
                        .flat_map(|e| e.text())
                        .collect::<String>()
                })
                .collect::<Vec<String>>()
        };
        let (after, before) = (rows(&history), rows(&history_before));
        assert_eq!(after.len(), before.len() + 1, "{history}");
        assert_eq!(after[0], format!("【令和7年度（実績）】\n{winning}"));
    }
    // Saving the conflict page's form again is a conscious overwrite: it succeeds.
    let (action, mut fields) = form_of(&editor.page(&no2).await, "sheet-form");
    set(&mut fields, "narratives.0.text", "・最後の記載");
    set(&mut fields, "intent", "save");
    fields.retain(|(name, _)| name != "_csrf");
    assert_redirect(&editor.post(&action, &fields).await, &no2);
}

fn hidden_version(fields: &[(String, String)]) -> i64 {
    fields
        .iter()
        .find(|(name, _)| name == "version")
        .and_then(|(_, v)| v.parse().ok())
        .expect("a version field")
}

/// A sheet past the limits (`kaikaku_model::limits`) is refused with each message beside its
/// input and nothing saved; TAB and LF stay in a narrative.
#[tokio::test]
async fn a_sheet_past_the_limits_is_refused_beside_its_fields() {
    let app = TestApp::spawn().await;
    let admin = Browser::new(&app, ("admin", "admin-password-1")).await;
    add_editor(&admin, SOMU, "総務課").await;
    let edition = open_kaede_2025(&app, &admin, "2030-03-31").await;
    let editor = Browser::new(&app, SOMU).await;
    let no2 = sheet_path(edition, NO2);
    let history = format!("{no2}/history");
    let sheet = editor.page(&no2).await;
    let log = editor.page(&history).await;
    let long_title = "題".repeat(201);
    let page = editor
        .submit(
            &no2,
            "sheet-form",
            &[
                ("title", long_title.as_str()),
                ("contents.0.text", "事務事業評価\u{1b}]0;乗っ取り\u{7}"),
                ("actions.1.no", "1"),
                ("narratives.0.text", "・一行目\n\t・字下げした二行目\u{0}"),
                ("effects.0.q.0.label", "削減額"),
                ("effects.0.q.0.value", "1.00000000000000000000000000001"),
                ("effects.0.q.0.unit", "千円"),
            ],
            ("intent", "save"),
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert_contains(&page.body, &["保存はされていません"]);
    for (field, message) in [
        ("title", "項目名は200文字までです（今は201文字）。"),
        ("contents.0", "制御文字（U+001B）は使えません。"),
        ("actions", "取組番号1が2回使われています。"),
        ("narratives.0", "制御文字（U+0000）は使えません。"),
        ("effects.0", "桁数が多すぎます（28桁まで）。"),
    ] {
        let beside = element(&page.body, &format!("[data-field=\"{field}\"]"));
        assert!(
            beside.contains(message) && beside.contains("aria-invalid"),
            "{field}: {beside}"
        );
    }
    assert_eq!(editor.page(&no2).await, sheet, "the sheet changed");
    assert_eq!(editor.page(&history).await, log, "the history changed");

    // TAB and LF are text in a narrative; a TAB in the title is not.
    let page = editor
        .submit(
            &no2,
            "sheet-form",
            &[("title", "事務事業の\t見直し")],
            ("intent", "save"),
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    let beside = element(&page.body, "[data-field=\"title\"]");
    assert!(
        beside.contains("制御文字（U+0009）は使えません。"),
        "{beside}"
    );
    let page = editor
        .submit(
            &no2,
            "sheet-form",
            &[("narratives.0.text", "・一行目\n\t・字下げした二行目")],
            ("intent", "save"),
        )
        .await;
    assert_redirect(&page, &no2);
    let (_, fields) = form_of(&editor.page(&no2).await, "sheet-form");
    let narrative = fields
        .iter()
        .find(|(name, _)| name == "narratives.0.text")
        .map(|(_, v)| v.as_str());
    assert_eq!(narrative, Some("・一行目\n\t・字下げした二行目"));
}

/// A save that fails, whatever the reason, leaves the sheet (and its history) as it was.
#[tokio::test]
async fn a_failed_save_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = Browser::new(&app, ("admin", "admin-password-1")).await;
    add_editor(&admin, SOMU, "総務課").await;
    add_editor(&admin, ZAISEI, "財政課").await;
    let edition = open_kaede_2025(&app, &admin, "2030-03-31").await;
    let editor = Browser::new(&app, SOMU).await;
    let reviewer = Browser::new(&app, ("reviewer", "reviewer-password-1")).await;
    let no2 = sheet_path(edition, NO2);
    let history = format!("{no2}/history");
    let page = editor
        .submit(
            &no2,
            "sheet-form",
            &[("narratives.0.text", "・最初の記載")],
            ("intent", "save"),
        )
        .await;
    assert_redirect(&page, &no2);
    let (action, stale) = form_of(&editor.page(&no2).await, "sheet-form");
    let page = editor
        .submit(
            &no2,
            "sheet-form",
            &[("narratives.0.text", "・二度目の記載")],
            ("intent", "save"),
        )
        .await;
    assert_redirect(&page, &no2);
    let sheet = editor.page(&no2).await;
    let log = editor.page(&history).await;
    let unchanged = async || {
        assert_eq!(editor.page(&no2).await, sheet, "the sheet changed");
        assert_eq!(editor.page(&history).await, log, "the history changed");
    };

    // A value that is not a number, and a unit that is not one: 400, the input kept, the
    // error beside its input.
    let page = editor
        .submit(
            &no2,
            "sheet-form",
            &[
                ("narratives.0.text", "・保存されない記載"),
                ("effects.0.q.0.label", "削減額"),
                ("effects.0.q.0.value", "百二十"),
                ("effects.0.q.0.unit", "千円"),
                ("effects.1.q.0.label", "件数"),
                ("effects.1.q.0.value", "3"),
                ("effects.1.q.0.unit", "ドル"),
            ],
            ("intent", "save"),
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert_contains(&page.body, &["保存はされていません", "・保存されない記載"]);
    let value = element(&page.body, "[data-field=\"effects.0\"]");
    assert!(value.contains("「百二十」は数値として読めません") && value.contains("aria-invalid"));
    let unit = element(&page.body, "[data-field=\"effects.1\"]");
    assert!(unit.contains("単位「ドル」は使えません"), "{unit}");
    unchanged().await;

    // A stale version.
    let mut fields = stale.clone();
    set(&mut fields, "narratives.0.text", "・古い版からの記載");
    set(&mut fields, "intent", "save");
    fields.retain(|(name, _)| name != "_csrf");
    let page = editor.post(&action, &fields).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert_contains(&page.body, &["・古い版からの記載", "・二度目の記載"]);
    unchanged().await;

    // The wrong role, and the wrong department.
    let page = reviewer.post(&action, &fields).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    unchanged().await;
    let other = Browser::new(&app, ZAISEI).await;
    let page = other.post(&action, &fields).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    unchanged().await;

    // A transition the state does not allow, and one without a version.
    let version = hidden_version(&form_of(&sheet, "sheet-form").1).to_string();
    let confirm = [("action", "confirm"), ("version", version.as_str())]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let page = admin.post(&format!("{no2}/transition"), &confirm).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert_contains(&page.body, &["「入力中」のシートは確定できません"]);
    let page = admin
        .post(&format!("{no2}/transition"), &confirm[..1])
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    unchanged().await;

    // Malformed addresses are not found.
    for path in [
        format!("/editions/{edition}/sheets/99"),
        format!("/editions/{edition}/sheets/x"),
        "/editions/999999".to_owned(),
        format!("/editions/{edition}/sheets/02"),
    ] {
        assert_eq!(
            editor.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
