//! The JSON API under `/api/v1`: the OpenAPI document and answers of the shapes it describes,
//! published data in the interchange format, the session, and the reporting cycle through the
//! API (concurrent saves, refusals, CSRF, the whole cycle, never a 500).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn api_errors_are_json() {
    let app = TestApp::spawn().await;
    let page = app.call(Method::GET, "/api/v1/nothing", None, None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(page.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(&page.body).expect("JSON");
    assert!(
        body["error"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// `method path` with `login`'s cookie, `token` in `X-CSRF-Token` (when given) and `body`
/// as JSON (when given).
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    login: Option<&Login>,
    token: Option<&str>,
    body: Option<&Value>,
) -> Page {
    let mut request = Request::new(method, path).session(login);
    if let Some(token) = token {
        request = request.header("x-csrf-token", token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    app.send(request).await
}

/// An API client: a logged-in session and its CSRF token, read from `/api/v1/session`.
struct Client<'a> {
    app: &'a TestApp,
    login: Login,
}

impl<'a> Client<'a> {
    async fn new(app: &'a TestApp, name: &str, password: &str) -> Client<'a> {
        let mut login = app.login(name, password).await;
        let client = Client {
            app,
            login: login.clone(),
        };
        let (status, session) = client.get("/api/v1/session").await;
        assert_eq!(status, StatusCode::OK, "{session}");
        let token = session["csrf_token"].as_str().expect("a token").to_owned();
        assert_eq!(token, login.csrf, "the token of the pages' forms");
        login.csrf = token;
        Client { app, login }
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let page = send(self.app, Method::GET, path, Some(&self.login), None, None).await;
        assert_eq!(
            page.header("content-type"),
            Some("application/json"),
            "{path}: {}",
            page.body
        );
        (page.status, page.json())
    }

    async fn send(&self, method: Method, path: &str, body: &Value) -> (StatusCode, Value) {
        let page = send(
            self.app,
            method,
            path,
            Some(&self.login),
            Some(&self.login.csrf),
            Some(body),
        )
        .await;
        let json = if page.body.is_empty() {
            Value::Null
        } else {
            page.json()
        };
        (page.status, json)
    }

    async fn put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(Method::PUT, path, body).await
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, body).await
    }
}

async fn admin(app: &TestApp) -> Client<'_> {
    Client::new(app, "admin", "admin-password-1").await
}

async fn editor(app: &TestApp) -> Client<'_> {
    Client::new(app, "editor", "editor-password-1").await
}

async fn reviewer(app: &TestApp) -> Client<'_> {
    Client::new(app, "reviewer", "reviewer-password-1").await
}

/// Opens 楓町 FY2025 through the API and returns the edition id.
async fn open_kaede_2025(app: &TestApp, admin: &Client<'_>) -> i64 {
    let kaede = app
        .reports
        .iter()
        .find(|r| r.plan_name == KAEDE_PLAN)
        .expect("楓町 is stored");
    let (status, edition) = admin
        .post(
            "/api/v1/cycle",
            &json!({ "plan_id": kaede.plan_id, "fiscal_year": 2025, "due_date": "2025-06-30" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{edition}");
    assert_eq!(edition["state"], "open");
    assert_eq!(edition["fiscal_year"], 2025);
    assert_eq!(edition["due_date"], "2025-06-30");
    edition["id"].as_i64().expect("an id")
}

fn sheet_path(edition: i64, no: u32) -> String {
    format!("/api/v1/editions/{edition}/sheets/{no}")
}

/// The sheet's item with a 実績 narrative for FY2025 saying `text`.
fn with_actual(sheet: &Value, text: &str) -> Value {
    let mut item = sheet["item"].clone();
    item["narratives"] = json!([
        { "fiscal_year": 2025, "kind": "actual", "text": text }
    ]);
    item
}

fn actual_text(sheet: &Value) -> Option<&str> {
    sheet["item"]["narratives"]
        .as_array()?
        .iter()
        .find(|n| n["kind"] == "actual" && n["fiscal_year"] == 2025)?["text"]
        .as_str()
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route_and_nothing_else() {
    let app = TestApp::spawn().await;
    let page = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-type"), Some("application/json"));
    let document = page.json();
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().expect("paths");
    let routes: Vec<(String, String)> = kaikaku_web::routes::specs()
        .into_iter()
        .filter(|spec| spec.path.starts_with("/api/v1/"))
        .map(|spec| (spec.method.as_str().to_lowercase(), spec.path.to_owned()))
        .collect();
    assert!(routes.len() >= 19, "{routes:?}");
    let undocumented: Vec<String> = routes
        .iter()
        .filter(|(method, path)| paths.get(path).and_then(|p| p.get(method)).is_none())
        .map(|(method, path)| format!("{method} {path}"))
        .collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}"
    );
    let mut documented = Vec::new();
    for (path, operations) in paths {
        for method in operations.as_object().expect("operations").keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    let phantom: Vec<String> = documented
        .iter()
        .filter(|op| !routes.contains(op))
        .map(|(method, path)| format!("{method} {path}"))
        .collect();
    assert!(phantom.is_empty(), "documented but no route: {phantom:?}");
    // The interchange shapes, the error shape and the security are described.
    let schemas = &document["components"]["schemas"];
    for name in [
        "Report", "Item", "Quantity", "Finding", "Error", "Conflict", "Sheet",
    ] {
        assert!(schemas[name].is_object(), "schema {name}");
    }
    assert_eq!(
        schemas["Quantity"]["properties"]["value"]["type"], "string",
        "decimals are strings"
    );
    let security = &document["components"]["securitySchemes"];
    assert_eq!(security["session"]["in"], "cookie");
    assert_eq!(security["csrf"]["name"], "X-CSRF-Token");
    let put = &paths["/api/v1/editions/{id}/sheets/{no}"]["put"];
    assert_eq!(put["security"], json!([{ "session": [], "csrf": [] }]));
    assert!(put["responses"]["409"].is_object());
}

#[tokio::test]
async fn published_data_is_the_interchange_format() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = TestApp::with_real_sample().await;
    let page = app.call(Method::GET, "/api/v1/plans", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let plans = page.json();
    let osaki = plans["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .find(|p| p["plan_name"] == OSAKI_PLAN)
        .expect("the real sample's plan");
    let edition = &osaki["editions"][0];
    assert_eq!(edition["fiscal_year"], 2021);
    assert_eq!(edition["fiscal_year_label"], "令和3年度");
    assert_eq!(edition["revision"], 1);
    assert_eq!(edition["items"], 22);
    let url = edition["url"].as_str().expect("a url");
    assert_eq!(url, format!("/api/v1{}", app.edition(OSAKI_PLAN)));

    let page = app.call(Method::GET, url, None, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let report = page.json();
    assert_eq!(report["plan_name"], OSAKI_PLAN);
    assert_eq!(report["report_fiscal_year"], 2021);
    assert_eq!(report["revision"], 1);
    assert!(report["published_at"].is_string());
    assert_eq!(report["items"].as_array().map(Vec::len), Some(22));
    let findings: Vec<i64> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["item_no"].as_i64())
        .collect();
    assert!(
        findings.contains(&20) && findings.contains(&21),
        "{findings:?}"
    );

    let page = app
        .call(Method::GET, &format!("{url}/items/19"), None, None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let item = page.json();
    assert_eq!(item["no"], 19);
    assert_eq!(item["effects"][0]["quantities"][1]["value"], "427794446");
    assert_eq!(item["effects"][0]["quantities"][1]["unit"], "円");
    assert_eq!(item["effects"][0]["quantities"][1]["yen"], "427794446");
    // The same item as in the edition.
    assert_eq!(item, report["items"][18]);

    for missing in [
        format!("{url}/items/99"),
        format!("{url}/items/019"),
        "/api/v1/plans/1/1999".to_owned(),
        "/api/v1/plans/x/2021".to_owned(),
        "/api/v1/plans/999/2021".to_owned(),
    ] {
        let page = app.call(Method::GET, &missing, None, None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{missing}");
        assert!(page.json()["error"].is_string(), "{missing}");
    }
}

#[tokio::test]
async fn drafts_are_not_published_data() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    open_kaede_2025(&app, &admin).await;
    let plans = app.get("/api/v1/plans").await.json();
    let years: Vec<&Value> = plans["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .flat_map(|p| p["editions"].as_array().expect("editions"))
        .map(|e| &e["fiscal_year"])
        .collect();
    assert_eq!(years.len(), 2, "{plans}");
    assert!(!years.contains(&&json!(2025)), "{plans}");
    let kaede = app.edition(KAEDE_PLAN).replace("/2024", "/2025");
    let page = app
        .call(Method::GET, &format!("/api/v1{kaede}"), None, None)
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // Anonymous clients see nothing of the cycle.
    for path in ["/api/v1/editions", "/api/v1/session"] {
        let page = app.call(Method::GET, path, None, None).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(page.header("content-type"), Some("application/json"));
        assert_eq!(
            page.json()["error"],
            "このページを利用するにはログインが必要です。"
        );
    }
}

#[tokio::test]
async fn the_session_tells_who_is_logged_in_and_the_csrf_token() {
    let app = TestApp::spawn().await;
    let editor = editor(&app).await;
    let (status, session) = editor.get("/api/v1/session").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(session["name"], "editor");
    assert_eq!(session["role"], "editor");
    assert_eq!(session["role_label"], "記入担当課");
    assert_eq!(session["department"], "総務課");
    assert_eq!(session["csrf_token"], editor.login.csrf.as_str());
    let reviewer = reviewer(&app).await;
    let (_, session) = reviewer.get("/api/v1/session").await;
    assert_eq!(session["department"], Value::Null);
}

#[tokio::test]
async fn editions_boards_and_sheets_as_the_pages_show_them() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let id = open_kaede_2025(&app, &admin).await;
    let editor = editor(&app).await;
    let (status, list) = editor.get("/api/v1/editions").await;
    assert_eq!(status, StatusCode::OK);
    let open = list["editions"]
        .as_array()
        .expect("editions")
        .iter()
        .find(|e| e["id"] == id)
        .expect("the new edition");
    assert_eq!(open["state"], "open");
    assert_eq!(open["state_label"], "受付中");
    assert_eq!(open["origin"], "cycle");
    assert_eq!(list["editions"].as_array().map(Vec::len), Some(3));

    let (status, board) = editor.get(&format!("/api/v1/editions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(board["id"], id);
    let rows = board["sheets"].as_array().expect("rows");
    assert_eq!(rows.len(), 9);
    for row in rows {
        assert_eq!(row["state"], "not_started");
        assert_eq!(row["version"], 1);
        let own = row["reporting_department"] == "総務課";
        assert_eq!(row["own"], own, "{row}");
        assert_eq!(row["editable"], own, "{row}");
    }

    let (status, sheet) = editor.get(&sheet_path(id, 2)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sheet["item"]["no"], 2);
    assert_eq!(sheet["item"]["reporting_department"], "総務課");
    assert_eq!(sheet["item"]["narratives"], json!([]));
    assert_eq!(sheet["state"], "not_started");
    assert_eq!(sheet["version"], 1);
    assert!(
        sheet["copied"]
            .as_array()
            .expect("copied")
            .contains(&json!("goal"))
    );
    assert!(
        sheet["previous_forecast"]
            .as_str()
            .is_some_and(|t| t.contains("事務事業評価"))
    );
    assert_eq!(sheet["permissions"]["save"], true);
    assert_eq!(sheet["permissions"]["confirm"], false);

    for missing in [
        sheet_path(id, 99),
        sheet_path(999, 2),
        format!("/api/v1/editions/{id}/sheets/x"),
        "/api/v1/editions/0".to_owned(),
    ] {
        let (status, body) = editor.get(&missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}: {body}");
    }
}

/// The "Done when" of the concurrency requirement: two clients save the same sheet from
/// the same version at the same time; exactly one wins, the other gets 409 with the
/// winner's text, and nothing of the loser is written.
#[tokio::test]
async fn concurrent_saves_from_one_version_one_wins_the_other_gets_409() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let id = open_kaede_2025(&app, &admin).await;
    let editor = editor(&app).await;
    let path = sheet_path(id, 2);
    for round in 1..=3 {
        let (_, seen_by_editor) = editor.get(&path).await;
        let (_, seen_by_admin) = admin.get(&path).await;
        assert_eq!(seen_by_editor["version"], seen_by_admin["version"]);
        let version = seen_by_editor["version"].as_i64().expect("a version");
        let editor_text = format!("記入担当課の実績（{round}回目）");
        let admin_text = format!("政策課の修正（{round}回目）");
        let editor_body =
            json!({ "version": version, "item": with_actual(&seen_by_editor, &editor_text) });
        let admin_body =
            json!({ "version": version, "item": with_actual(&seen_by_admin, &admin_text) });
        let history_before = editor.get(&format!("{path}/history")).await.1;

        let ((editor_status, editor_answer), (admin_status, admin_answer)) = tokio::join!(
            editor.put(&path, &editor_body),
            admin.put(&path, &admin_body)
        );

        let mut statuses = [editor_status, admin_status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}: {editor_answer} / {admin_answer}"
        );
        let (winner, winner_text, loser_text, won, lost) = if editor_status == StatusCode::OK {
            (
                "editor",
                &editor_text,
                &admin_text,
                &editor_answer,
                &admin_answer,
            )
        } else {
            (
                "admin",
                &admin_text,
                &editor_text,
                &admin_answer,
                &editor_answer,
            )
        };
        assert_eq!(won["version"], version + 1, "{winner}: {won}");
        assert_eq!(won["state"], "in_progress");
        // The 409 carries the sheet as the winner left it.
        assert!(
            lost["error"]
                .as_str()
                .is_some_and(|e| e.contains("他の人が更新しました")),
            "{lost}"
        );
        assert_eq!(lost["current_version"], version + 1, "{lost}");
        assert_eq!(lost["current"]["version"], version + 1);
        assert_eq!(
            actual_text(&lost["current"]),
            Some(winner_text.as_str()),
            "{lost}"
        );

        let (_, after) = editor.get(&path).await;
        assert_eq!(after["version"], version + 1);
        assert_eq!(actual_text(&after), Some(winner_text.as_str()));
        assert_eq!(after["updated_by"], winner);

        let (_, history) = editor.get(&format!("{path}/history")).await;
        let before = history_before["entries"].as_array().expect("entries").len();
        let entries = history["entries"].as_array().expect("entries");
        let new = &entries[before..];
        assert!(!new.is_empty(), "the winner's change is journaled");
        let text = serde_json::to_string(new).expect("JSON");
        assert!(text.contains(winner_text.as_str()), "{text}");
        assert!(!text.contains(loser_text.as_str()), "{text}");
        assert!(new.iter().all(|e| e["user"] == winner), "{text}");
    }
}

#[tokio::test]
async fn a_refused_save_leaves_the_sheet_as_it_was() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let id = open_kaede_2025(&app, &admin).await;
    let editor = editor(&app).await;
    let reviewer = reviewer(&app).await;
    let path = sheet_path(id, 2);
    let (_, sheet) = editor.get(&path).await;
    let version = sheet["version"].as_i64().expect("a version");
    let (status, saved) = editor
        .put(
            &path,
            &json!({ "version": version, "item": with_actual(&sheet, "最初の実績") }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, before) = editor.get(&path).await;
    let (_, history_before) = editor.get(&format!("{path}/history")).await;
    let version = before["version"].as_i64().expect("a version");
    let changed = |text: &str| with_actual(&before, text);

    // A stale version.
    let (status, body) = editor
        .put(
            &path,
            &json!({ "version": version - 1, "item": changed("古い版から") }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["current_version"], version);
    assert_eq!(body["current"]["item"], before["item"]);
    // Another department's sheet (No.3 is デジタル推進課's).
    let other = sheet_path(id, 3);
    let (_, third) = editor.get(&other).await;
    let (_, third_history) = editor.get(&format!("{other}/history")).await;
    let (status, body) = editor
        .put(
            &other,
            &json!({ "version": third["version"], "item": with_actual(&third, "他の課") }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "他の課のシートは編集できません。");
    assert_eq!(editor.get(&other).await.1, third);
    assert_eq!(
        editor.get(&format!("{other}/history")).await.1,
        third_history
    );
    // A reviewer changes nothing.
    let (status, body) = reviewer
        .put(
            &path,
            &json!({ "version": version, "item": changed("査読者") }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Items that do not convert, or change what identifies the sheet.
    let mut bad_unit = changed("単位");
    bad_unit["effects"][0]["quantities"] =
        json!([{ "label": "額", "value": "1", "unit": "ドル", "status": null }]);
    let mut bad_value = changed("数値");
    bad_value["effects"][0]["quantities"] =
        json!([{ "label": "額", "value": 1, "unit": "円", "status": null }]);
    let mut bad_no = changed("番号");
    bad_no["no"] = json!(3);
    let mut bad_department = changed("課");
    bad_department["reporting_department"] = json!("財政課");
    let mut bad_year = changed("年度");
    bad_year["narratives"][0]["fiscal_year"] = json!(3);
    for (item, status, field) in [
        (
            bad_unit,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("item.effects[0].quantities[0].unit"),
        ),
        (
            bad_year,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("item.narratives[0].fiscal_year"),
        ),
        (bad_no, StatusCode::UNPROCESSABLE_ENTITY, None),
        (bad_department, StatusCode::UNPROCESSABLE_ENTITY, None),
        (
            bad_value,
            StatusCode::BAD_REQUEST,
            Some("item.effects[0].quantities[0].value"),
        ),
    ] {
        let (got, body) = editor
            .put(&path, &json!({ "version": version, "item": item }))
            .await;
        assert_eq!(got, status, "{body}");
        assert!(body["error"].is_string(), "{body}");
        if let Some(field) = field {
            assert_eq!(body["field"], field, "{body}");
            assert!(
                body["error"].as_str().is_some_and(|e| e.contains(field)),
                "{body}"
            );
        }
    }
    // Not JSON, not the shape, not the type.
    let login = Some(&editor.login);
    for (content_type, body, status) in [
        (
            "application/json",
            "{\"version\": ".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "application/json",
            "[1, 2]".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "application/json",
            "{\"version\": 2}".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
        ("application/json", String::new(), StatusCode::BAD_REQUEST),
        (
            "text/plain",
            "{}".to_owned(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "application/x-www-form-urlencoded",
            "version=2".to_owned(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "application/json",
            format!("{{\"pad\": \"{}\"}}", "x".repeat(2 * 1024 * 1024 + 1)),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let page = app
            .send(
                Request::put(&path)
                    .session(login)
                    .csrf_header()
                    .body(content_type, body),
            )
            .await;
        assert_eq!(page.status, status, "{content_type}: {}", page.body);
        let message = page.json()["error"].as_str().unwrap_or_default().to_owned();
        assert!(
            !message.is_empty() && !message.is_ascii(),
            "Japanese: {message}"
        );
    }
    let page = app
        .send(Request::put(&path).session(login).csrf_header().body(
            "application/json",
            "{\"version\": 2,\n \"item\": }".to_owned(),
        ))
        .await;
    let message = page.json()["error"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains("2行"), "{message}");
    let page = app
        .send(
            Request::put(&path)
                .session(login)
                .csrf_header()
                .body("application/json", "{}".to_owned()),
        )
        .await;
    assert!(
        page.json()["error"]
            .as_str()
            .is_some_and(|m| m.contains("「version」")),
        "{}",
        page.body
    );

    assert_eq!(editor.get(&path).await.1, before);
    assert_eq!(
        editor.get(&format!("{path}/history")).await.1,
        history_before
    );
}

/// A sheet past the limits (`kaikaku_model::limits`) is a 422 naming each field by its path,
/// and nothing is saved.
#[tokio::test]
async fn a_sheet_past_the_limits_is_a_422_with_the_field_paths() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let id = open_kaede_2025(&app, &admin).await;
    let editor = editor(&app).await;
    let path = sheet_path(id, 2);
    let (_, before) = editor.get(&path).await;
    let (_, history_before) = editor.get(&format!("{path}/history")).await;
    let version = before["version"].as_i64().expect("a version");

    let mut item = with_actual(&before, "・実績\u{0}");
    item["title"] = json!("題".repeat(201));
    item["actions"][1]["no"] = item["actions"][0]["no"].clone();
    item["goal"] = json!("g".repeat(10_001));
    let (status, body) = editor
        .put(&path, &json!({ "version": version, "item": item }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<(&str, &str, &str)> = body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default(),
                f["path"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("title", "title", "項目名は200文字までです（今は201文字）。"),
            (
                "goal",
                "goal",
                "改善・推進目標は10,000文字までです（今は10,001文字）。"
            ),
            ("actions", "actions.1.no", "取組番号1が2回使われています。"),
            (
                "narratives.0",
                "narratives.0.text",
                "制御文字（U+0000）は使えません。"
            ),
        ]
    );
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("No.2 項目名: 項目名は200文字までです")),
        "{body}"
    );

    // A number with more digits than kept is refused, never rounded.
    let mut item = with_actual(&before, "・実績");
    item["effects"][0]["quantities"] = json!([{
        "label": "額", "value": "1.00000000000000000000000000001", "unit": "円", "status": null
    }]);
    let (status, body) = editor
        .put(&path, &json!({ "version": version, "item": item }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "item.effects[0].quantities[0].value");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("桁数が多すぎます（28桁まで）")),
        "{body}"
    );

    assert_eq!(editor.get(&path).await.1, before);
    assert_eq!(
        editor.get(&format!("{path}/history")).await.1,
        history_before
    );
}

#[tokio::test]
async fn writes_need_the_csrf_token_and_a_login() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let id = open_kaede_2025(&app, &admin).await;
    let editor = editor(&app).await;
    let path = sheet_path(id, 2);
    let (_, before) = editor.get(&path).await;
    let body =
        json!({ "version": before["version"], "item": with_actual(&before, "トークンなし") });
    for token in [None, Some("not-the-token"), Some(admin.login.csrf.as_str())] {
        let page = send(
            &app,
            Method::PUT,
            &path,
            Some(&editor.login),
            token,
            Some(&body),
        )
        .await;
        assert_eq!(
            page.status,
            StatusCode::FORBIDDEN,
            "{token:?}: {}",
            page.body
        );
        assert_eq!(page.header("content-type"), Some("application/json"));
        assert!(
            page.json()["error"]
                .as_str()
                .is_some_and(|e| e.contains("別のサイトから送信"))
        );
    }
    let page = send(
        &app,
        Method::POST,
        "/api/v1/cycle",
        Some(&admin.login),
        None,
        Some(&json!({ "plan_id": 1, "fiscal_year": 2022 })),
    )
    .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = send(&app, Method::PUT, &path, None, None, Some(&body)).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        page.json()["error"],
        "このページを利用するにはログインが必要です。"
    );
    assert!(page.header("location").is_none());
    assert_eq!(editor.get(&path).await.1, before);
    assert_eq!(
        editor.get("/api/v1/editions").await.1["editions"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
}

/// The whole cycle through the API: save, submit, return with a comment, resubmit,
/// 確定 refused while a finding is open, a waiver, 確定, lock, publish, read as published
/// data, and a correction.
#[tokio::test]
async fn the_whole_cycle_through_the_api() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let editor = editor(&app).await;
    let reviewer = reviewer(&app).await;
    let id = open_kaede_2025(&app, &admin).await;
    let path = sheet_path(id, 2);
    let transitions = format!("{path}/transitions");

    // The editor saves and submits.
    let (_, sheet) = editor.get(&path).await;
    let (status, saved) = editor
        .put(&path, &json!({ "version": sheet["version"], "item": with_actual(&sheet, "評価を実施した。") }))
        .await;
    assert_eq!(
        (status, &saved["state"]),
        (StatusCode::OK, &json!("in_progress")),
        "{saved}"
    );
    let (status, submitted) = editor
        .post(
            &transitions,
            &json!({ "action": "submit", "version": saved["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(submitted["state"], "submitted");
    // Editors neither confirm nor comment; reviewers comment.
    let (status, _) = editor
        .post(
            &transitions,
            &json!({ "action": "confirm", "version": submitted["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = editor
        .post(
            &format!("{path}/comments"),
            &json!({ "field": "goal", "body": "自分で" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, created) = reviewer
        .post(
            &format!("{path}/comments"),
            &json!({ "field": "narratives.0", "body": "数値で示してください。" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, _) = reviewer
        .post(
            &format!("{path}/comments/{}/resolve", created["id"]),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // An unknown action, a field the sheet does not have, a return without comments.
    for (body, status) in [
        (
            json!({ "action": "approve", "version": submitted["version"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "action": "save", "version": submitted["version"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "action": "return", "version": submitted["version"], "comments": [{ "field": "narratives.9", "body": "x" }] }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "action": "return", "version": submitted["version"], "comments": [{ "field": "nowhere", "body": "x" }] }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "action": "return", "version": submitted["version"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "action": "return", "version": 1, "comments": [{ "field": "goal", "body": "x" }] }),
            StatusCode::CONFLICT,
        ),
    ] {
        let (got, answer) = admin.post(&transitions, &body).await;
        assert_eq!(got, status, "{body}: {answer}");
    }
    // The admin returns it with a comment on one field.
    let (status, returned) = admin
        .post(
            &transitions,
            &json!({
                "action": "return",
                "version": submitted["version"],
                "comments": [{ "field": "narratives.0", "body": "成果を数値で記載してください。" }]
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{returned}");
    assert_eq!(returned["state"], "returned");
    let (_, sheet) = editor.get(&path).await;
    let comment = sheet["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .find(|c| c["body"] == "成果を数値で記載してください。")
        .expect("the return's comment");
    assert_eq!(comment["field"], "narratives.0");
    assert_eq!(comment["field_label"], "取組内容 1");
    // The editor fixes and resubmits in one request (保存して提出 is only from 入力中).
    let (status, saved) = editor
        .put(&path, &json!({ "version": sheet["version"], "item": with_actual(&sheet, "評価を実施し、3事業を統合した。") }))
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, resubmitted) = editor
        .put(&path, &json!({ "version": saved["version"], "item": with_actual(&sheet, "評価を実施し、3事業を統合した。"), "submit": true }))
        .await;
    assert_eq!(status, StatusCode::OK, "{resubmitted}");
    assert_eq!(resubmitted["state"], "submitted");
    let (status, confirmed) = admin
        .post(
            &transitions,
            &json!({ "action": "confirm", "version": resubmitted["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    assert_eq!(confirmed["state"], "confirmed");

    // Sheet 7 with a 総計 that does not add up: 確定 is refused until it is waived.
    let seven = sheet_path(id, 7);
    let (_, sheet) = admin.get(&seven).await;
    let mut item = sheet["item"].clone();
    let effects = item["effects"].as_array_mut().expect("effects");
    let total = effects
        .iter_mut()
        .find(|e| e["is_total"] == true)
        .expect("a 総計");
    total["quantities"][0]["value"] = json!("13");
    let (status, saved) = admin
        .put(
            &seven,
            &json!({ "version": sheet["version"], "item": item }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, submitted) = admin
        .post(
            &format!("{seven}/transitions"),
            &json!({ "action": "submit", "version": saved["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    let (_, sheet) = admin.get(&seven).await;
    let finding = &sheet["findings"][0];
    assert_eq!(finding["kind"], "total_mismatch");
    assert_eq!(finding["stated"], "13");
    assert_eq!(finding["computed"], "12");
    assert_eq!(finding["waived"], false);
    let (status, refused) = admin
        .post(
            &format!("{seven}/transitions"),
            &json!({ "action": "confirm", "version": submitted["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.contains("確定できません")),
        "{refused}"
    );
    let (status, _) = editor
        .post(
            &format!("{seven}/waivers"),
            &json!({ "finding_key": finding["key"], "reason": "x" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, answer) = admin
        .post(
            &format!("{seven}/waivers"),
            &json!({ "finding_key": "no-such-finding", "reason": "確認済み" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let (status, answer) = admin
        .post(
            &format!("{seven}/waivers"),
            &json!({ "finding_key": finding["key"], "reason": "  " }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let (status, waiver) = admin
        .post(
            &format!("{seven}/waivers"),
            &json!({ "finding_key": finding["key"], "reason": "原本の記載どおり" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{waiver}");
    let (_, sheet) = admin.get(&seven).await;
    assert_eq!(sheet["findings"][0]["waived"], true);
    assert_eq!(sheet["waivers"][0]["reason"], "原本の記載どおり");
    let (status, confirmed) = admin
        .post(
            &format!("{seven}/transitions"),
            &json!({ "action": "confirm", "version": sheet["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");

    // Locking waits for every sheet.
    let lock = format!("/api/v1/editions/{id}/lock");
    let (status, refused) = admin
        .post(&lock, &json!({ "base_date": "2026-03-31" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    let (_, board) = admin.get(&format!("/api/v1/editions/{id}")).await;
    for row in board["sheets"].as_array().expect("rows") {
        if row["state"] == "confirmed" {
            continue;
        }
        let no = row["no"].as_u64().expect("a number") as u32;
        let path = sheet_path(id, no);
        let (_, sheet) = admin.get(&path).await;
        let (status, saved) = admin
            .put(
                &path,
                &json!({ "version": sheet["version"], "item": sheet["item"], "submit": false }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let mut version = saved["version"].clone();
        for action in ["submit", "confirm"] {
            let (status, moved) = admin
                .post(
                    &format!("{path}/transitions"),
                    &json!({ "action": action, "version": version }),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "No.{no} {action}: {moved}");
            version = moved["version"].clone();
        }
    }
    let (status, body) = admin
        .post(&lock, &json!({ "base_date": "2026年3月31日ではない" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "base_date");
    let (status, locked) = admin
        .post(&lock, &json!({ "base_date": "2026-03-31" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{locked}");
    assert_eq!(
        (locked["state"].as_str(), locked["base_date"].as_str()),
        (Some("locked"), Some("2026-03-31"))
    );
    // Nothing changes once locked.
    let (_, sheet) = admin.get(&path).await;
    let (status, refused) = admin
        .put(
            &path,
            &json!({ "version": sheet["version"], "item": sheet["item"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    let (status, published) = admin
        .post(&format!("/api/v1/editions/{id}/publish"), &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["state"], "published");

    // Anyone reads it as published data now.
    let kaede = app.edition(KAEDE_PLAN).replace("/2024", "/2025");
    let page = app
        .call(Method::GET, &format!("/api/v1{kaede}/items/2"), None, None)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let item = page.json();
    assert_eq!(
        item["narratives"][0]["text"],
        "評価を実施し、3事業を統合した。"
    );

    // A correction is a new revision.
    let (status, body) = admin
        .post(
            &format!("/api/v1/editions/{id}/correction"),
            &json!({ "note": "" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, correction) = admin
        .post(
            &format!("/api/v1/editions/{id}/correction"),
            &json!({ "note": "No.2 の誤記を訂正" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{correction}");
    assert_eq!(correction["revision"], 2);
    assert_eq!(correction["state"], "open");
    assert_eq!(correction["correction_note"], "No.2 の誤記を訂正");

    // The history of sheet 2 tells the story.
    let (_, history) = reviewer.get(&format!("{path}/history")).await;
    let states: Vec<&str> = history["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["field"] == "state")
        .filter_map(|e| e["after"].as_str())
        .collect();
    assert_eq!(
        states,
        ["入力中", "提出済", "差戻し", "入力中", "提出済", "確定"]
    );
}

/// What in `value` does not have the shape `schema` (of `document`) describes: a type, an
/// enum value, a required property missing, a property the document does not name, in
/// objects and arrays all the way down (`$ref`, `allOf` and `oneOf` resolved).
pub(crate) fn misfits(document: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut problems = Vec::new();
    check_shape(document, schema, value, at, &mut problems);
    problems
}

fn check_shape(
    document: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    problems: &mut Vec<String>,
) {
    if let Some(target) = schema["$ref"].as_str() {
        let name = target.trim_start_matches("#/components/schemas/");
        let resolved = &document["components"]["schemas"][name];
        assert!(resolved.is_object(), "{target} does not resolve");
        return check_shape(document, resolved, value, at, problems);
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = json!({ "type": "object", "properties": {}, "required": [] });
        for part in parts {
            let mut part = part;
            while let Some(target) = part["$ref"].as_str() {
                part = &document["components"]["schemas"]
                    [target.trim_start_matches("#/components/schemas/")];
            }
            if let Some(properties) = part["properties"].as_object() {
                for (name, property) in properties {
                    merged["properties"][name] = property.clone();
                }
            }
            if let (Some(required), Some(all)) = (
                part["required"].as_array(),
                merged["required"].as_array_mut(),
            ) {
                all.extend(required.iter().cloned());
            }
        }
        return check_shape(document, &merged, value, at, problems);
    }
    if let Some(choices) = schema["oneOf"].as_array() {
        if !choices
            .iter()
            .any(|choice| misfits(document, choice, value, at).is_empty())
        {
            problems.push(format!("{at}: none of oneOf fits {value}"));
        }
        return;
    }
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let allowed: Vec<&str> = match &schema["type"] {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !allowed.is_empty() && !allowed.contains(&kind) {
        problems.push(format!("{at}: {kind}, documented as {allowed:?}"));
        return;
    }
    if let Some(values) = schema["enum"].as_array() {
        if !values.contains(value) {
            problems.push(format!("{at}: {value} is not one of {values:?}"));
        }
    }
    if let (Value::Object(object), Some(properties)) = (value, schema["properties"].as_object()) {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                problems.push(format!("{at}.{name}: missing"));
            }
        }
        for (name, field) in object {
            match properties.get(name) {
                Some(property) => {
                    check_shape(document, property, field, &format!("{at}.{name}"), problems)
                }
                None => problems.push(format!("{at}.{name}: not in the document")),
            }
        }
    }
    if let (Value::Array(items), Some(schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check_shape(document, schema, item, &format!("{at}[{i}]"), problems);
        }
    }
}

/// Asserts that `body`, the `status` answer of `method path` (the route's pattern), has
/// the shape the OpenAPI document gives that answer.
fn assert_documented(document: &Value, method: &str, path: &str, status: StatusCode, body: &Value) {
    let answer = &document["paths"][path][method]["responses"][status.as_str()];
    assert!(
        answer.is_object(),
        "{method} {path}: {status} is not documented"
    );
    let schema = &answer["content"]["application/json"]["schema"];
    let problems = misfits(document, schema, body, "$");
    assert!(
        problems.is_empty(),
        "{method} {path} {status} differs from the document:\n{}\n{body}",
        problems.join("\n")
    );
}

#[tokio::test]
async fn answers_have_the_shapes_the_document_describes() {
    let app = TestApp::spawn().await;
    let document = app.get("/api/v1/openapi.json").await.json();
    let check = |method: &str, path: &str, status: StatusCode, body: &Value| {
        assert_documented(&document, method, path, status, body)
    };
    let admin = admin(&app).await;
    let editor = editor(&app).await;
    let reviewer = reviewer(&app).await;

    // Published data, anonymously.
    let published = app.edition(KAEDE_PLAN);
    for (path, pattern) in [
        ("/api/v1/plans".to_owned(), "/api/v1/plans"),
        (
            format!("/api/v1{published}"),
            "/api/v1/plans/{plan_id}/{fiscal_year}",
        ),
        (
            format!("/api/v1{published}/items/9"),
            "/api/v1/plans/{plan_id}/{fiscal_year}/items/{no}",
        ),
        (
            format!("/api/v1{published}/items/99"),
            "/api/v1/plans/{plan_id}/{fiscal_year}/items/{no}",
        ),
        ("/api/v1/session".to_owned(), "/api/v1/session"),
    ] {
        let page = app.call(Method::GET, &path, None, None).await;
        check("get", pattern, page.status, &page.json());
    }
    let (status, body) = editor.get("/api/v1/session").await;
    check("get", "/api/v1/session", status, &body);

    // The cycle.
    let kaede = app
        .reports
        .iter()
        .find(|r| r.plan_name == KAEDE_PLAN)
        .expect("楓町");
    let (status, body) = admin
        .post(
            "/api/v1/cycle",
            &json!({ "plan_id": kaede.plan_id, "fiscal_year": 2025 }),
        )
        .await;
    check("post", "/api/v1/cycle", status, &body);
    let id = body["id"].as_i64().expect("an id");
    let (status, body) = admin
        .post(
            "/api/v1/cycle",
            &json!({ "plan_id": kaede.plan_id, "fiscal_year": 2025 }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    check("post", "/api/v1/cycle", status, &body);
    let (status, body) = admin.get("/api/v1/editions").await;
    check("get", "/api/v1/editions", status, &body);
    let (status, body) = editor.get(&format!("/api/v1/editions/{id}")).await;
    check("get", "/api/v1/editions/{id}", status, &body);

    let sheet = "/api/v1/editions/{id}/sheets/{no}";
    let seven = sheet_path(id, 7);
    let (_, current) = admin.get(&seven).await;
    let mut item = current["item"].clone();
    for row in item["effects"].as_array_mut().expect("effects") {
        if row["is_total"] == true {
            row["quantities"][0]["value"] = json!("13");
        }
    }
    let (status, body) = admin
        .put(
            &seven,
            &json!({ "version": current["version"], "item": item }),
        )
        .await;
    check("put", sheet, status, &body);
    let (status, body) = admin
        .put(
            &seven,
            &json!({ "version": current["version"], "item": item }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    check("put", sheet, status, &body);
    let (status, body) = editor
        .put(&seven, &json!({ "version": 2, "item": item }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    check("put", sheet, status, &body);
    let (status, body) = admin.put(&seven, &json!({ "version": 2 })).await;
    check("put", sheet, status, &body);
    item["effects"][0]["quantities"][0]["unit"] = json!("ドル");
    let (status, body) = admin
        .put(&seven, &json!({ "version": 2, "item": item }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    check("put", sheet, status, &body);
    let (status, body) = reviewer
        .post(
            &format!("{seven}/comments"),
            &json!({ "field": "goal", "body": "確認" }),
        )
        .await;
    check(
        "post",
        "/api/v1/editions/{id}/sheets/{no}/comments",
        status,
        &body,
    );
    let (_, current) = admin.get(&seven).await;
    let key = current["findings"][0]["key"].clone();
    let (status, body) = admin
        .post(
            &format!("{seven}/waivers"),
            &json!({ "finding_key": key, "reason": "原本どおり" }),
        )
        .await;
    check(
        "post",
        "/api/v1/editions/{id}/sheets/{no}/waivers",
        status,
        &body,
    );
    let (status, body) = admin
        .post(
            &format!("{seven}/transitions"),
            &json!({ "action": "submit", "version": current["version"] }),
        )
        .await;
    check(
        "post",
        "/api/v1/editions/{id}/sheets/{no}/transitions",
        status,
        &body,
    );
    let (status, body) = reviewer.get(&seven).await;
    assert_eq!(body["findings"][0]["waived"], true);
    assert_eq!(body["comments"].as_array().map(Vec::len), Some(1));
    check("get", sheet, status, &body);
    let (status, body) = reviewer.get(&format!("{seven}/history")).await;
    check(
        "get",
        "/api/v1/editions/{id}/sheets/{no}/history",
        status,
        &body,
    );
    let (status, body) = admin
        .post(
            &format!("/api/v1/editions/{id}/lock"),
            &json!({ "base_date": "2026-03-31" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    check("post", "/api/v1/editions/{id}/lock", status, &body);
    let (status, body) = admin
        .post(&format!("/api/v1/editions/{id}/publish"), &json!({}))
        .await;
    check("post", "/api/v1/editions/{id}/publish", status, &body);
    let sakura = app.stored(SAKURA_PLAN);
    let (status, body) = admin
        .post(
            &format!("/api/v1/editions/{}/correction", sakura.id),
            &json!({ "note": "訂正" }),
        )
        .await;
    check("post", "/api/v1/editions/{id}/correction", status, &body);
}

/// Whatever a client sends, the answer is never a 500: odd JSON, odd numbers, odd bytes,
/// odd addresses, on every route of the API.
#[tokio::test]
async fn nothing_a_client_sends_makes_a_500() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let id = open_kaede_2025(&app, &admin).await;
    let (_, sheet) = admin.get(&sheet_path(id, 2)).await;
    let mut huge = sheet["item"].clone();
    huge["no"] = json!(u32::MAX);
    huge["line"] = json!(u64::MAX);
    huge["actions"] = json!([{ "no": 255, "text": "\u{0}" }]);
    huge["effects"] = json!([{ "fiscal_year": 2200, "is_total": false, "text": "", "quantities": [
        { "label": "", "value": "79228162514264337593543950335", "unit": "億円", "status": null }
    ], "line": u64::MAX }]);
    let mut deep = String::new();
    for _ in 0..10_000 {
        deep.push('[');
    }
    let bodies: Vec<Vec<u8>> = vec![
        b"null".to_vec(),
        b"[]".to_vec(),
        b"{}".to_vec(),
        b"\"x\"".to_vec(),
        b"1e400".to_vec(),
        deep.into_bytes(),
        vec![0xff, 0xfe, b'{', b'}'],
        json!({ "version": i64::MAX, "item": huge }).to_string().into_bytes(),
        json!({ "version": -1, "item": sheet["item"], "submit": true }).to_string().into_bytes(),
        json!({ "version": 1, "action": "return", "comments": [{ "field": "contents.99999999999999999999", "body": "x" }] }).to_string().into_bytes(),
        json!({ "version": 1, "action": "submit", "comments": [{ "field": "goal", "body": "x".repeat(5000) }] }).to_string().into_bytes(),
        json!({ "plan_id": i64::MAX, "fiscal_year": i32::MAX, "due_date": "令和99年99月99日" }).to_string().into_bytes(),
        json!({ "plan_id": 1, "fiscal_year": 1868, "due_date": "" }).to_string().into_bytes(),
        json!({ "base_date": "0000-00-00", "note": "\u{0}", "finding_key": "", "reason": "\u{0}" }).to_string().into_bytes(),
    ];
    let routes: Vec<(Method, String)> = kaikaku_web::routes::specs()
        .into_iter()
        .filter(|spec| spec.path.starts_with("/api/v1/") && spec.method != Method::GET)
        .map(|spec| {
            let url = spec
                .path
                .replace("{id}", &id.to_string())
                .replace("{no}", "2")
                .replace("{comment_id}", "1");
            (spec.method, url)
        })
        .collect();
    let mut failures = Vec::new();
    for (method, url) in &routes {
        for body in &bodies {
            let page = app
                .send(
                    Request::new(method.clone(), url)
                        .session(Some(&admin.login))
                        .csrf_header()
                        .body("application/json", body.clone()),
                )
                .await;
            let (status, text) = (page.status, page.body);
            if status.is_server_error() {
                failures.push(format!(
                    "{method} {url} {}: {status} {text}",
                    String::from_utf8_lossy(&body[..body.len().min(80)])
                ));
            }
        }
    }
    for path in [
        "/api/v1/editions/9223372036854775807".to_owned(),
        "/api/v1/editions/99999999999999999999".to_owned(),
        format!("/api/v1/editions/{id}/sheets/4294967296"),
        format!("/api/v1/editions/{id}/sheets/0/history"),
        "/api/v1/plans/9223372036854775807/2021".to_owned(),
        "/api/v1/plans/1/99999".to_owned(),
        "/api/v1/plans/1/2021/items/4294967295".to_owned(),
    ] {
        let (status, body) = admin.get(&path).await;
        if status != StatusCode::NOT_FOUND {
            failures.push(format!("GET {path}: {status} {body}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // And the sheet is as it was.
    assert_eq!(
        admin.get(&sheet_path(id, 2)).await.1["version"],
        sheet["version"]
    );
}
