//! What every test of this binary stands on: [`TestApp`] (the real server over loopback on a
//! fresh database), the one request helper ([`Request`], sent by [`TestApp::send`]) with its
//! thin conveniences, logged-in sessions ([`Login`], [`Who`]) and the documents the tests load.

use std::time::Duration;

use kaikaku_model::workflow::Role;
use kaikaku_model::{FiscalYear, Report};
use kaikaku_store::{Cycle, Database, NewUser, PoolSettings, Source, Store, StoredReport};
use kaikaku_testdb::TestDb;
use kaikaku_web::people::auth::TrustedProxies;
use kaikaku_web::{AppState, ServerSettings};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The plan of the real sample (大崎市, FY2021).
pub const OSAKI_PLAN: &str = "第5次集中改革プラン";
/// The plan of the bundled 楓町 report (FY2024, 9 items).
pub const KAEDE_PLAN: &str = "第3次楓町行政改革実施計画";
/// The plan of the bundled 桜川市 report (FY2019, 4 items).
pub const SAKURA_PLAN: &str = "第2次桜川市行政改革大綱実施計画";
/// A plan of 千代田区 (東京都) in the tests of the figures across municipalities.
pub const CHIYODA_PLAN: &str = "千代田区行政改革大綱";

/// The users of every test app: name, password, role, department.
pub const USERS: [(&str, &str, Role, Option<&str>); 3] = [
    ("admin", "admin-password-1", Role::Admin, Some("政策課")),
    ("editor", "editor-password-1", Role::Editor, Some("総務課")),
    ("reviewer", "reviewer-password-1", Role::Reviewer, None),
];

/// The real server on a fresh database, stopped and deleted on drop.
pub struct TestApp {
    pub base: String,
    /// A client that never follows redirects (log-ins, access checks see them).
    client: reqwest::Client,
    pub reports: Vec<StoredReport>,
    server: JoinHandle<std::io::Result<()>>,
    /// The app's database (a second connection sees what the server wrote).
    pub db: TestDb,
    /// The store the server uses: its connection pool, shared.
    pub served: Database,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as text (UTF-8, invalid bytes replaced).
    pub body: String,
    /// The body as sent.
    pub bytes: Vec<u8>,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The body as JSON, panicking with the body when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}), {}:\n{}", self.status, self.body))
    }
}

/// One request to the app: a method and a path, then optionally a session, headers and a
/// body. Sent by [`TestApp::send`], the one place a test talks HTTP; redirects are never
/// followed.
///
/// ```text
/// app.send(Request::get("/account").session(Some(&login))).await
/// app.send(Request::post("/admin/users").session(Some(&admin)).form(&fields).csrf_field()).await
/// app.send(Request::put(&sheet).session(Some(&editor)).json(&body).csrf_header()).await
/// ```
#[derive(Clone, Debug)]
pub struct Request<'a> {
    method: Method,
    path: String,
    login: Option<&'a Login>,
    headers: Vec<(String, String)>,
    form: Option<Vec<(String, String)>>,
    body: Option<(String, Vec<u8>)>,
}

impl<'a> Request<'a> {
    pub fn new(method: Method, path: impl Into<String>) -> Request<'a> {
        Request {
            method,
            path: path.into(),
            login: None,
            headers: Vec::new(),
            form: None,
            body: None,
        }
    }

    pub fn get(path: impl Into<String>) -> Request<'a> {
        Request::new(Method::GET, path)
    }

    pub fn post(path: impl Into<String>) -> Request<'a> {
        Request::new(Method::POST, path)
    }

    pub fn put(path: impl Into<String>) -> Request<'a> {
        Request::new(Method::PUT, path)
    }

    /// Sent with the session cookie of `login` (anonymous when `None`).
    pub fn session(mut self, login: Option<&'a Login>) -> Request<'a> {
        self.login = login;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Request<'a> {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// `fields` as an `application/x-www-form-urlencoded` body.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(mut self, fields: &[(K, V)]) -> Request<'a> {
        let fields = fields
            .iter()
            .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
            .collect();
        self.form = Some(fields);
        self
    }

    /// The session's CSRF token as the form's `_csrf` field (an empty form when there is none
    /// yet; nothing when anonymous).
    pub fn csrf_field(mut self) -> Request<'a> {
        if let Some(login) = self.login {
            self.form
                .get_or_insert_with(Vec::new)
                .push(("_csrf".to_owned(), login.csrf.clone()));
        }
        self
    }

    /// The session's CSRF token in `X-CSRF-Token` (nothing when anonymous).
    pub fn csrf_header(self) -> Request<'a> {
        match self.login {
            Some(login) => {
                let token = login.csrf.clone();
                self.header("x-csrf-token", &token)
            }
            None => self,
        }
    }

    /// `value` as a JSON body.
    pub fn json(self, value: &serde_json::Value) -> Request<'a> {
        self.body("application/json", value.to_string())
    }

    /// `bytes` as the body, of `content_type`.
    pub fn body(mut self, content_type: &str, bytes: impl Into<Vec<u8>>) -> Request<'a> {
        self.body = Some((content_type.to_owned(), bytes.into()));
        self
    }
}

impl TestApp {
    /// The server with the bundled samples: 楓町 (FY2024) and 桜川市 (FY2019), both stored
    /// without a municipality.
    pub async fn spawn() -> TestApp {
        TestApp::with_reports(&[
            ("kaedemachi_r6.txt", kaedemachi()),
            ("sakuragawa_h30.txt", sakuragawa_unfiled()),
        ])
        .await
    }

    /// The server with the real sample (Osaki City, FY2021) and the bundled 楓町 report, for
    /// the tests about the real sample (they start with `skip_without_real_sample!`).
    pub async fn with_real_sample() -> TestApp {
        TestApp::with_reports(&[
            ("000_6a7f54c584e0f9d2.txt", osaki()),
            ("kaedemachi_r6.txt", kaedemachi()),
        ])
        .await
    }

    /// [`TestApp::spawn`] with these server settings and a store whose pool has these
    /// settings.
    pub async fn spawn_with(server: ServerSettings, pool: PoolSettings) -> TestApp {
        TestApp::with_reports_and(
            &[
                ("kaedemachi_r6.txt", kaedemachi()),
                ("sakuragawa_h30.txt", sakuragawa_unfiled()),
            ],
            |state| state,
            server,
            pool,
        )
        .await
    }

    /// The server with `reports` saved, in order, through `Store::save_report`.
    pub async fn with_reports(reports: &[(&str, Report)]) -> TestApp {
        TestApp::with_reports_and(
            reports,
            |state| state,
            ServerSettings::default(),
            PoolSettings::default(),
        )
        .await
    }

    /// The server with the bundled samples, believing `X-Forwarded-For` from loopback (a
    /// reverse proxy on this machine): a test varies the client's address with the header.
    pub async fn behind_proxy() -> TestApp {
        let proxies = ["127.0.0.1", "::1"].map(|p| p.parse().expect("an address"));
        TestApp::with_reports_and(
            &[
                ("kaedemachi_r6.txt", kaedemachi()),
                ("sakuragawa_h30.txt", sakuragawa_unfiled()),
            ],
            |state| state.with_trusted_proxies(TrustedProxies::new(proxies)),
            ServerSettings::default(),
            PoolSettings::default(),
        )
        .await
    }

    /// [`TestApp::with_reports`], with the app's state as `configure` makes it, and these
    /// server and pool settings.
    async fn with_reports_and(
        reports: &[(&str, Report)],
        configure: impl FnOnce(AppState) -> AppState,
        settings: ServerSettings,
        pool: PoolSettings,
    ) -> TestApp {
        let db = TestDb::new().await;
        let store = Database::connect_with(db.target(), &pool)
            .await
            .expect("opens");
        for (name, report) in reports {
            store
                .save_report(report, &source(name))
                .await
                .expect("saves");
        }
        for (name, password, role, department) in USERS {
            let user = NewUser {
                name: name.to_owned(),
                role,
                department: department.map(str::to_owned),
                password_hash: kaikaku_auth::hash_password(password).expect("hashes"),
            };
            store.create_user(&user).await.expect("creates the user");
        }
        let stored = store.list_reports().await.expect("lists");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let addr = listener.local_addr().expect("bound address");
        let served = store.clone();
        let server = tokio::spawn(kaikaku_web::serve(
            listener,
            configure(AppState::new(store)),
            settings,
        ));
        TestApp {
            base: format!("http://{addr}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            reports: stored,
            server,
            db,
            served,
        }
    }

    /// A second connection to the app's database, as another process would open it.
    pub async fn store(&self) -> Database {
        Database::connect(self.db.target())
            .await
            .expect("opens the app's database")
    }

    /// Saves `report` as imported from `name`, beside what the app already has.
    pub async fn save(&self, report: &Report, name: &str) {
        self.store()
            .await
            .save_report(report, &source(name))
            .await
            .expect("saves");
    }

    /// The stored report of `plan`.
    pub fn stored(&self, plan: &str) -> &StoredReport {
        self.reports
            .iter()
            .find(|r| r.plan_name == plan)
            .unwrap_or_else(|| panic!("{plan} is stored"))
    }

    /// The plan id of the stored report of `plan`.
    pub fn plan_id(&self, plan: &str) -> i64 {
        self.stored(plan).plan_id
    }

    /// `/plans/{plan_id}/{fiscal_year}` of the stored report of `plan`.
    pub fn edition(&self, plan: &str) -> String {
        edition_path(self.stored(plan))
    }

    /// The user id of the test user `admin`, who does what the store needs a user for.
    pub async fn admin_id(&self) -> i64 {
        self.store()
            .await
            .user_by_name("admin")
            .await
            .expect("reads")
            .expect("the admin")
            .id
    }

    /// Opens the reporting cycle of `plan` for fiscal year `year` (Gregorian), as the admin and
    /// without a due date: the id of the edition opened.
    pub async fn open_cycle(&self, plan: &str, year: i32) -> i64 {
        let admin = self.admin_id().await;
        self.store()
            .await
            .open_cycle(
                self.plan_id(plan),
                FiscalYear::new(year).expect("a year"),
                None,
                admin,
            )
            .await
            .unwrap_or_else(|e| panic!("opens FY{year} of {plan}: {e}"))
    }

    /// Sends `request`: the one request helper of these tests.
    pub async fn send(&self, request: Request<'_>) -> Page {
        let Request {
            method,
            path,
            login,
            headers,
            form,
            body,
        } = request;
        let mut builder = self.client.request(method, format!("{}{path}", self.base));
        if let Some(login) = login {
            builder = builder.header("cookie", &login.cookie);
        }
        if let Some(fields) = form {
            let encoded = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields)
                .finish();
            builder = builder
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encoded);
        }
        if let Some((content_type, bytes)) = body {
            builder = builder.header("content-type", content_type).body(bytes);
        }
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let response = builder
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("a body").to_vec();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    /// `GET path`, anonymously.
    pub async fn get(&self, path: &str) -> Page {
        self.send(Request::get(path)).await
    }

    /// `GET path` anonymously, asserting 200; the body.
    pub async fn page(&self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}:\n{}", page.body);
        page.body
    }

    /// `method path` with `login`'s cookie and, when given, `form` as the body (which then
    /// carries its own `_csrf`, if any).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        login: Option<&Login>,
        form: Option<&[(&str, &str)]>,
    ) -> Page {
        let mut request = Request::new(method, path).session(login);
        if let Some(fields) = form {
            request = request.form(fields);
        }
        self.send(request).await
    }

    /// `POST /login` with these credentials (and `next`), from this site's own form.
    pub async fn post_login(&self, name: &str, password: &str, next: Option<&str>) -> Page {
        let mut fields = vec![("username", name), ("password", password)];
        if let Some(next) = next {
            fields.push(("next", next));
        }
        self.send(Request::post("/login").form(&fields)).await
    }

    /// Logs in (asserting success) and reads the CSRF token from a page.
    pub async fn login(&self, name: &str, password: &str) -> Login {
        let page = self.post_login(name, password, None).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{name}:\n{}", page.body);
        let set_cookie = page.header("set-cookie").expect("a session cookie");
        let cookie = set_cookie
            .split(';')
            .next()
            .expect("a cookie pair")
            .to_owned();
        let mut login = Login {
            cookie,
            csrf: String::new(),
        };
        login.csrf = self.csrf_of(&login).await;
        login
    }

    /// The CSRF token of a session, from the log-out form of the header bar.
    async fn csrf_of(&self, login: &Login) -> String {
        let page = self.call(Method::GET, "/account", Some(login), None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        csrf_in(&page.body)
    }

    /// A fresh session of `who` (`None` for anonymous visitors).
    pub async fn login_as(&self, who: Who) -> Option<Login> {
        match who.credentials() {
            Some((name, password)) => Some(self.login(name, password).await),
            None => None,
        }
    }

    /// Who the header bar says is logged in with `login`'s cookie (`None`: the ログイン link).
    pub async fn logged_in_as(&self, login: &Login) -> Option<String> {
        let page = self.call(Method::GET, "/", Some(login), None).await;
        assert_eq!(page.status, StatusCode::OK);
        let start = page.body.find("<a href=\"/account\">")? + "<a href=\"/account\">".len();
        let end = page.body[start..].find('<')?;
        Some(page.body[start..start + end].to_owned())
    }
}

/// Who makes a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    Admin,
    Editor,
    Reviewer,
}

impl Who {
    pub const ALL: [Who; 4] = [Who::Anonymous, Who::Admin, Who::Editor, Who::Reviewer];

    /// The log-in name and password of the test user, `None` for anonymous.
    pub fn credentials(self) -> Option<(&'static str, &'static str)> {
        let name = match self {
            Who::Anonymous => return None,
            Who::Admin => "admin",
            Who::Editor => "editor",
            Who::Reviewer => "reviewer",
        };
        USERS
            .iter()
            .find(|(n, ..)| *n == name)
            .map(|(n, p, ..)| (*n, *p))
    }
}

/// A logged-in browser: its cookie (`kaikaku_session=…`) and the session's CSRF token.
#[derive(Clone, Debug)]
pub struct Login {
    pub cookie: String,
    pub csrf: String,
}

/// The value of the first hidden `_csrf` field of a page.
pub fn csrf_in(body: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = body
        .find(marker)
        .unwrap_or_else(|| panic!("no _csrf field in:\n{body}"))
        + marker.len();
    let end = body[start..].find('"').expect("a closing quote");
    body[start..start + end].to_owned()
}

/// Where a report comes from, as an import of `name` in UTF-8.
pub fn source(name: &str) -> Source {
    Source {
        name: name.to_owned(),
        encoding: "UTF-8".to_owned(),
    }
}

/// `/plans/{plan_id}/{fiscal_year}` of a stored report.
pub fn edition_path(stored: &StoredReport) -> String {
    let year = stored.report_fiscal_year.expect("a fiscal year");
    format!("/plans/{}/{}", stored.plan_id, year.gregorian())
}

/// The real sample (Osaki City, FY2021). Panics when it is missing: a test that reads it
/// starts with `kaikaku_fixtures::skip_without_real_sample!();`.
pub fn osaki() -> Report {
    kaikaku_reader::read(&kaikaku_fixtures::real_sample(), &Default::default())
        .expect("the real sample reads")
}

/// The bundled 楓町 report (FY2024), stored without a municipality.
pub fn kaedemachi() -> Report {
    kaikaku_reader::read(
        &kaikaku_fixtures::bundled("kaedemachi_r6.txt"),
        &Default::default(),
    )
    .expect("the bundled sample reads")
}

/// A municipality with a valid code.
pub fn town(code: &str, name: &str) -> Option<kaikaku_model::Municipality> {
    Some(kaikaku_model::Municipality {
        code: kaikaku_model::LocalGovernmentCode::parse(code).expect("a valid code"),
        name: name.to_owned(),
    })
}

/// The bundled 桜川市 report (FY2019) as read, without a municipality.
pub fn sakuragawa_unfiled() -> Report {
    kaikaku_reader::read(
        &kaikaku_fixtures::bundled("sakuragawa_h30.txt"),
        &Default::default(),
    )
    .expect("the bundled sample reads")
}

/// The bundled 桜川市 report, filed under 桜川市 (999989, an invented prefecture 99).
pub fn sakuragawa() -> Report {
    let mut report = sakuragawa_unfiled();
    report.municipality = town("999989", "桜川市");
    report
}

/// The bundled 桜川市 report filed under `municipality` as `plan`, with only the items up to
/// `last`.
pub fn sakura_as(
    municipality: Option<kaikaku_model::Municipality>,
    plan: &str,
    last: u32,
) -> Report {
    let mut report = sakuragawa_unfiled();
    report.municipality = municipality;
    report.plan_name = plan.to_owned();
    report.items.retain(|item| item.no.0 <= last);
    report
}

/// The bundled 楓町 report filed under `municipality` as `plan`.
pub fn kaede_as(municipality: Option<kaikaku_model::Municipality>, plan: &str) -> Report {
    let mut report = kaedemachi();
    report.municipality = municipality;
    report.plan_name = plan.to_owned();
    report
}

/// `text` as askama escapes it in HTML: numeric character references.
pub fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[track_caller]
pub fn assert_contains(body: &str, needles: &[&str]) {
    for needle in needles {
        assert!(body.contains(needle), "{needle:?} missing from:\n{body}");
    }
}
