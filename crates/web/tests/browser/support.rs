//! The real-browser harness: headless Chromium driven through chromedriver (WebDriver) with
//! fantoccini, against a site served in-process on `127.0.0.1:0`.
//!
//! Every test owns everything it starts — its own chromedriver on a free port, its own
//! browser profile, its own database and app port — so tests run in parallel (nextest runs
//! one process per test; `cargo test` runs them on threads of one process, which works too).
//!
//! Everything is released by drop guards, whatever ends the test (a failed assertion, a panic,
//! an early `?`): the browser session is closed with a blocking `DELETE /session/{id}` (no
//! async runtime needed while unwinding), chromedriver is killed, any browser process it
//! leaves behind is killed, then the browser profile and the database are removed.
//! chromedriver stays in the test's process group, so a Ctrl-C at the terminal or a test
//! runner killing the test's group stops it and Chromium along with the test.
//!
//! Every page the browser arrives at ([`Browser::goto`], a click that leads to a new page) is
//! checked with axe-core against the WCAG 2.0 and 2.1 A and AA rules before the test goes on;
//! any violation fails the test, naming the page, the rule and the elements. axe-core is
//! `$KAIKAKU_AXE`, else `target/axe-core/node_modules/axe-core/axe.min.js`, which
//! `scripts/axe-core` installs (scripts/test runs it).
//!
//! Needs the Debian packages `chromium` and `chromium-driver` (`.ci/run` installs them). When
//! they are missing the test fails and says what to install; it is never skipped.

use std::future::Future;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use kaikaku_model::Report;
use kaikaku_store::{Database, Source, Store};
use kaikaku_testdb::TestDb;
use serde_json::{Value, json};
use tempfile::TempDir;

/// The Chromium binary of the Debian package `chromium`.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The WebDriver server of the Debian package `chromium-driver`, found on `PATH`.
pub const CHROMEDRIVER: &str = "chromedriver";
/// The browser window, in CSS pixels.
pub const WINDOW: (u32, u32) = (1400, 1000);
/// Full-page screenshots stop at this height, in CSS pixels.
const MAX_SCREENSHOT_HEIGHT: u32 = 8000;
/// How long an element may take to appear.
const FIND_TIMEOUT: Duration = Duration::from_secs(5);
/// How long chromedriver may take to answer `GET /status` with `ready: true`.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(15);
/// The axe-core rule tags every page must pass: WCAG 2.0 and 2.1, levels A and AA.
const AXE_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const INSTALL_HINT: &str = "install the Debian packages chromium and chromium-driver \
     (`apt-get install -y chromium chromium-driver`, as .ci/run does)";

/// The folder where screenshots are kept as test artefacts: `artifacts/screenshots/` at the
/// workspace root (`/artifacts` is ignored by git).
pub fn screenshots_dir() -> PathBuf {
    kaikaku_fixtures::workspace_root().join("artifacts/screenshots")
}

/// The source of axe-core (`$KAIKAKU_AXE`, else what `scripts/axe-core` installed), read once.
fn axe_source() -> Result<&'static str> {
    static SOURCE: std::sync::OnceLock<std::result::Result<String, String>> =
        std::sync::OnceLock::new();
    let source = SOURCE.get_or_init(|| {
        let path = std::env::var_os("KAIKAKU_AXE").map_or_else(
            || {
                kaikaku_fixtures::workspace_root()
                    .join("target/axe-core/node_modules/axe-core/axe.min.js")
            },
            PathBuf::from,
        );
        std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "cannot read axe-core at {}: {e}; run scripts/axe-core (scripts/test does) \
                 or set KAIKAKU_AXE to its axe.min.js",
                path.display()
            )
        })
    });
    source.as_deref().map_err(|e| anyhow!("{e}"))
}

/// A free TCP port on 127.0.0.1 (bound, read, released).
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("binding 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

// ---------------------------------------------------------------------------------------------
// The site under test
// ---------------------------------------------------------------------------------------------

/// A web server running in-process on `127.0.0.1:<free port>`, stopped on drop; its
/// database (a temporary SQLite file, or a PostgreSQL database: `kaikaku_testdb`) is removed
/// after it stops.
#[derive(Debug)]
pub struct Site {
    base_url: String,
    server: tokio::task::JoinHandle<()>,
    // Dropped after `Drop::drop` has stopped the server, the store before its database.
    store: Option<Database>,
    _db: Option<TestDb>,
}

impl Site {
    /// kaikaku (`kaikaku_web::serve`) over a fresh database (`kaikaku_testdb::TestDb`), with
    /// `reports` saved in order through `Store::save_report`, each under its file name.
    pub async fn kaikaku(reports: &[(&str, Report)]) -> Result<Site> {
        let db = TestDb::new().await;
        let store = Database::connect(db.target())
            .await
            .context("opening the test database")?;
        for (name, report) in reports {
            let source = Source {
                name: (*name).to_owned(),
                encoding: "UTF-8".to_owned(),
            };
            store
                .save_report(report, &source)
                .await
                .with_context(|| format!("saving {name}"))?;
        }
        // A clone shares the app's connection pool: tests set up data through it.
        let state = kaikaku_web::AppState::new(store.clone());
        let mut site = Site::spawn(Some(db), move |listener| {
            kaikaku_web::serve(listener, state, kaikaku_web::ServerSettings::default())
        })
        .await?;
        site.store = Some(store);
        Ok(site)
    }

    /// Serves any axum router (the harness's own smoke test).
    pub async fn router(router: axum::Router) -> Result<Site> {
        Site::spawn(None, move |listener| async move {
            axum::serve(listener, router).await
        })
        .await
    }

    /// Binds `127.0.0.1:0` and runs `serve` on the listener in a task of the current runtime;
    /// `db` lives as long as the site.
    async fn spawn<F, Fut, E>(db: Option<TestDb>, serve: F) -> Result<Site>
    where
        F: FnOnce(tokio::net::TcpListener) -> Fut,
        Fut: Future<Output = std::result::Result<(), E>> + Send + 'static,
        E: std::fmt::Display,
    {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the site to 127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let running = serve(listener);
        let server = tokio::spawn(async move {
            if let Err(e) = running.await {
                eprintln!("the site under test stopped: {e}");
            }
        });
        Ok(Site {
            base_url: format!("http://{addr}"),
            server,
            store: None,
            _db: db,
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The store the site serves (a [`Site::kaikaku`] only), for data that already exists
    /// before a test's walk and for checking what the walk left behind.
    pub fn store(&self) -> Result<&Database> {
        self.store
            .as_ref()
            .context("only Site::kaikaku has a kaikaku store")
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.server.abort();
    }
}

// ---------------------------------------------------------------------------------------------
// chromedriver
// ---------------------------------------------------------------------------------------------

/// A running chromedriver. On drop it is killed, and so is any browser it started that is
/// still running (chromedriver killed does not stop its Chromium).
#[derive(Debug)]
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts chromedriver on a free port and waits until `GET /status` says it is ready;
    /// tries another port when the first was taken in the meantime.
    fn start(log: &Path) -> Result<Driver> {
        let mut last_error = None;
        for _ in 0..3 {
            match Driver::start_once(log) {
                Ok(driver) => return Ok(driver),
                Err(e) if e.is::<Missing>() => return Err(e),
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.unwrap_or_else(|| anyhow!("chromedriver did not start")))
    }

    fn start_once(log: &Path) -> Result<Driver> {
        let port = free_port()?;
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => anyhow!(Missing(format!(
                    "`{CHROMEDRIVER}` was not found on PATH: {INSTALL_HINT}"
                ))),
                _ => anyhow!(e).context(format!("starting {CHROMEDRIVER}")),
            })?;
        // From here on the guard owns the process: an error below kills it.
        let mut driver = Driver { child, port };
        driver.wait_ready(log)?;
        Ok(driver)
    }

    fn wait_ready(&mut self, log: &Path) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "chromedriver exited at start ({status}) on port {}; its log:\n{}",
                    self.port,
                    tail(log)
                );
            }
            if let Ok((200, body)) = http(self.port, "GET", "/status") {
                let status: Value = serde_json::from_str(&body).unwrap_or_default();
                if status["value"]["ready"] == json!(true) {
                    return Ok(());
                }
            }
            if started.elapsed() > DRIVER_START_TIMEOUT {
                bail!(
                    "chromedriver on port {} was not ready after {DRIVER_START_TIMEOUT:?}; \
                     its log:\n{}",
                    self.port,
                    tail(log)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The browsers this chromedriver started that are still running.
    fn browsers(&self) -> Vec<u32> {
        children_of(self.child.id())
            .into_iter()
            .filter(|pid| command_name(*pid).is_some_and(|name| name.contains("chrom")))
            .collect()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Normally none: the session was closed before. Read while chromedriver lives, when
        // they are still its children.
        let left: Vec<String> = self.browsers().iter().map(u32::to_string).collect();
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !left.is_empty() {
            // The browser's own children (zygotes, renderers) exit with it.
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(&left)
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// The live processes whose parent is `parent` (from `/proc/<pid>/stat`).
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `pid (comm) state ppid …`; comm may contain spaces and parentheses.
            let after_comm = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            let mut fields = after_comm.split_whitespace();
            let state = fields.next();
            state != Some("Z") && fields.next() == Some(parent.to_string().as_str())
        })
        .collect()
}

/// The command name of a running process.
fn command_name(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()
}

/// An error that retrying cannot fix: a binary is not installed.
#[derive(Debug)]
struct Missing(String);

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Missing {}

/// The last lines of a log file, for error messages.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// A blocking HTTP/1.1 request without a body to chromedriver on 127.0.0.1 (no async runtime
/// needed, so it also works in `Drop` while a test unwinds). Returns the status code and the
/// body. chromedriver keeps the connection open whatever the request says, so the body is read
/// by its `Content-Length`.
fn http(port: u16, method: &str, path: &str) -> std::io::Result<(u16, String)> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n"
    )?;
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    let (head, body_start) = loop {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        received.extend_from_slice(&buffer[..n]);
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break (
                String::from_utf8_lossy(&received[..end]).into_owned(),
                end + 4,
            );
        }
    };
    let code = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = received.split_off(body_start);
    while body.len() < length {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buffer[..n]);
    }
    Ok((code, String::from_utf8_lossy(&body).into_owned()))
}

// ---------------------------------------------------------------------------------------------
// The browser
// ---------------------------------------------------------------------------------------------

/// The browser profile directory, removed on drop. Removal is retried for a few seconds:
/// Chromium's helper processes may still be writing into it while they exit.
#[derive(Debug)]
struct Profile(TempDir);

impl Drop for Profile {
    fn drop(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(3);
        while let Err(e) = std::fs::remove_dir_all(self.0.path()) {
            if e.kind() == std::io::ErrorKind::NotFound || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// One headless Chromium session, with its own chromedriver and profile, pointed at a [`Site`].
///
/// Dropping it closes the session, kills chromedriver and removes the profile.
#[derive(Debug)]
pub struct Browser {
    client: Client,
    session_id: String,
    base_url: String,
    // Dropped in this order, after `Drop::drop` has closed the session.
    driver: Driver,
    _profile: Profile,
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium (a new profile directory) for `site`.
    pub async fn start(site: &Site) -> Result<Browser> {
        if !Path::new(CHROMIUM).is_file() {
            bail!(Missing(format!("{CHROMIUM} is missing: {INSTALL_HINT}")));
        }
        let profile = Profile(
            tempfile::Builder::new()
                .prefix("kaikaku-browser-")
                .tempdir()
                .context("creating the browser profile directory")?,
        );
        let log = profile.0.path().join("chromedriver.log");
        let user_data = profile.0.path().join("user-data");
        let driver = Driver::start(&log)?;

        let capabilities = json!({
            "browserName": "chrome",
            "timeouts": { "pageLoad": 20_000, "script": 10_000, "implicit": 0 },
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    format!("--user-data-dir={}", user_data.display()),
                    format!("--window-size={},{}", WINDOW.0, WINDOW.1),
                ],
            },
        });
        let Value::Object(capabilities) = capabilities else {
            bail!("the capabilities are not a JSON object");
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .map_err(|e| {
                anyhow!(
                    "cannot open a Chromium session through chromedriver: {e}\n\
                     chromedriver log:\n{}",
                    tail(&log)
                )
            })?;
        // Without an id the session cannot be closed by name; the driver guard (on return)
        // still kills the browser.
        let session_id = match client.session_id().await {
            Ok(Some(id)) => id,
            other => bail!("chromedriver gave no session id: {other:?}"),
        };
        Ok(Browser {
            client,
            session_id,
            base_url: site.base_url().to_owned(),
            driver,
            _profile: profile,
        })
    }

    /// The fantoccini client, for what the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The absolute URL of a path of the site.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Opens a path of the site (`/`, `/plans/1/2021`), waits for the page to load and checks
    /// it with axe-core ([`Browser::audit`]).
    pub async fn goto(&self, path: &str) -> Result<()> {
        let url = self.url(path);
        self.client
            .goto(&url)
            .await
            .with_context(|| format!("opening {url}"))?;
        self.audit().await
    }

    /// Checks the current page with axe-core against the WCAG 2.0/2.1 A and AA rules, once per
    /// page loaded (a page marks itself checked), and fails naming every violation: its rule,
    /// what it means and the elements (CSS selectors). WebDriver scripts are not subject to
    /// the page's CSP, so the pages need not allow scripts.
    pub async fn audit(&self) -> Result<()> {
        let checked = self
            .client
            .execute("return window.__kaikakuAudited === true;", Vec::new())
            .await
            .context("asking whether the page was checked")?;
        if checked == Value::Bool(true) {
            return Ok(());
        }
        self.client
            .execute(
                &format!(
                    "{}\n;window.__kaikakuAudited = true; return true;",
                    axe_source()?
                ),
                Vec::new(),
            )
            .await
            .context("loading axe-core into the page")?;
        let violations = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: arguments[0] } })
                   .then(results => done(results.violations.map(v => ({
                       id: v.id, impact: v.impact, help: v.help,
                       nodes: v.nodes.map(n => n.target.join(' ')),
                   }))))
                   .catch(error => done([{ id: 'axe-error', help: String(error), nodes: [] }]));",
                vec![json!(AXE_TAGS)],
            )
            .await
            .context("running axe-core")?;
        let Value::Array(violations) = violations else {
            bail!("axe-core answered {violations}");
        };
        if violations.is_empty() {
            return Ok(());
        }
        let url = self.client.current_url().await.context("reading the URL")?;
        let lines: Vec<String> = violations
            .iter()
            .map(|v| {
                format!(
                    "  {} ({}): {} — {}",
                    v["id"].as_str().unwrap_or("?"),
                    v["impact"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or("?"),
                    v["nodes"]
                )
            })
            .collect();
        bail!(
            "axe-core: {} WCAG 2.1 A/AA violation(s) on {url}:\n{}",
            violations.len(),
            lines.join("\n")
        )
    }

    /// The path (and query) of the current page.
    pub async fn current_path(&self) -> Result<String> {
        let url = self.client.current_url().await.context("reading the URL")?;
        Ok(match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// The first element matching `css`, waiting up to 5 s for it to appear.
    pub async fn find(&self, css: &str) -> Result<Element> {
        self.wait_for(Locator::Css(css), || format!("no element `{css}`"))
            .await
    }

    /// The first link whose visible text contains `text`, waiting up to 5 s for it.
    pub async fn find_link(&self, text: &str) -> Result<Element> {
        ensure!(
            !text.contains('\''),
            "link texts with ' are not supported: {text}"
        );
        let xpath = format!("//a[contains(normalize-space(.), '{text}')]");
        self.wait_for(Locator::XPath(&xpath), || {
            format!("no link containing 「{text}」")
        })
        .await
    }

    async fn wait_for(
        &self,
        locator: Locator<'_>,
        what: impl FnOnce() -> String,
    ) -> Result<Element> {
        match self
            .client
            .wait()
            .at_most(FIND_TIMEOUT)
            .for_element(locator)
            .await
        {
            Ok(element) => Ok(element),
            Err(e) => {
                let at = self.current_path().await.unwrap_or_default();
                Err(anyhow!(e).context(format!("{} on {at}", what())))
            }
        }
    }

    /// How many elements match `css` now (no waiting).
    pub async fn count(&self, css: &str) -> Result<usize> {
        let all = self
            .client
            .find_all(Locator::Css(css))
            .await
            .with_context(|| format!("finding `{css}`"))?;
        Ok(all.len())
    }

    /// The rendered (visible) text of the first element matching `css`.
    pub async fn text_of(&self, css: &str) -> Result<String> {
        self.find(css)
            .await?
            .text()
            .await
            .with_context(|| format!("reading the text of `{css}`"))
    }

    /// The visible text of the whole page.
    pub async fn page_text(&self) -> Result<String> {
        self.text_of("body").await
    }

    /// An attribute of the first element matching `css`.
    pub async fn attr(&self, css: &str, name: &str) -> Result<Option<String>> {
        self.find(css)
            .await?
            .attr(name)
            .await
            .with_context(|| format!("reading `{name}` of `{css}`"))
    }

    /// Clicks the first element matching `css`; a link click returns once the new page loaded,
    /// which is then checked with axe-core ([`Browser::audit`]).
    pub async fn click(&self, css: &str) -> Result<()> {
        self.find(css)
            .await?
            .click()
            .await
            .with_context(|| format!("clicking `{css}`"))?;
        self.audit().await
    }

    /// Clicks the first link whose visible text contains `text`, and checks the page it leads
    /// to with axe-core.
    pub async fn click_link(&self, text: &str) -> Result<()> {
        self.find_link(text)
            .await?
            .click()
            .await
            .with_context(|| format!("clicking the link 「{text}」"))?;
        self.audit().await
    }

    /// Empties the field matching `css` and types `value` into it.
    pub async fn fill(&self, css: &str, value: &str) -> Result<()> {
        let field = self.find(css).await?;
        field
            .clear()
            .await
            .with_context(|| format!("clearing `{css}`"))?;
        field
            .send_keys(value)
            .await
            .with_context(|| format!("typing into `{css}`"))
    }

    /// Runs `script` as the body of a function in the page and returns what it returns
    /// (`return document.title`). WebDriver scripts are not subject to the page's CSP.
    pub async fn execute(&self, script: &str) -> Result<Value> {
        self.client
            .execute(script, Vec::new())
            .await
            .with_context(|| format!("running `{script}`"))
    }

    /// Sets the value of the field matching `css` with a script, for inputs whose typing
    /// depends on the browser's locale (`type="date"`), and returns the value it now has.
    pub async fn set_value(&self, css: &str, value: &str) -> Result<String> {
        self.find(css).await?;
        let set = self
            .client
            .execute(
                "const field = document.querySelector(arguments[0]);
                 field.value = arguments[1];
                 field.dispatchEvent(new Event('input', { bubbles: true }));
                 field.dispatchEvent(new Event('change', { bubbles: true }));
                 return field.value;",
                vec![json!(css), json!(value)],
            )
            .await
            .with_context(|| format!("setting the value of `{css}`"))?;
        Ok(set.as_str().unwrap_or_default().to_owned())
    }

    /// Clicks `css` (a submit button, a link) that leads to another page and waits for
    /// `expected` there. When it does not appear, the error names the page and the alerts it
    /// shows (`role="alert"`: a refused save, a form error), which say why.
    pub async fn click_and_expect(&self, css: &str, expected: &str) -> Result<Element> {
        self.click(css).await?;
        match self.find(expected).await {
            Ok(element) => Ok(element),
            Err(e) => Err(e.context(format!(
                "after clicking `{css}`, `{expected}` did not appear; the page's alerts: {}",
                self.alerts().await
            ))),
        }
    }

    /// The texts of the page's `role="alert"` elements (refusals, form errors), as JSON.
    async fn alerts(&self) -> Value {
        self.execute(
            r#"return [...document.querySelectorAll('[role="alert"]')]
                 .map(e => e.textContent.trim()).filter(t => t);"#,
        )
        .await
        .unwrap_or_default()
    }

    /// Logs in through the log-in form (`/login`) and waits until the header bar names the
    /// user.
    pub async fn login(&self, name: &str, password: &str) -> Result<()> {
        ensure!(
            !name.contains('\''),
            "user names with ' are not supported: {name}"
        );
        self.goto("/login").await?;
        self.fill("#username", name).await?;
        self.fill("#password", password).await?;
        self.click(r#"form[action="/login"] button[type="submit"]"#)
            .await?;
        let xpath = format!(
            "//*[contains(concat(' ', @class, ' '), ' session-user ')]\
             /a[normalize-space(.) = '{name}']"
        );
        if let Err(e) = self
            .wait_for(Locator::XPath(&xpath), || {
                format!("the header bar does not name 「{name}」 after logging in")
            })
            .await
        {
            return Err(e.context(format!("the page's alerts: {}", self.alerts().await)));
        }
        Ok(())
    }

    /// Logs out with the header bar's ログアウト button and waits for the ログイン link.
    pub async fn logout(&self) -> Result<()> {
        self.click_and_expect(r#"form.logout-form button[type="submit"]"#, "a.login-link")
            .await?;
        ensure!(
            self.count(".session-user").await? == 0,
            "still logged in after ログアウト"
        );
        Ok(())
    }

    /// Saves a PNG of the whole page (at most 8000 CSS pixels high) as
    /// `artifacts/screenshots/<name>` and returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        ensure!(
            name.ends_with(".png") && !name.contains('/'),
            "a screenshot name is a file name ending in .png: {name}"
        );
        // The window is taller than the viewport by the browser's own (invisible) frame.
        let sizes = self
            .execute(
                "return [Math.ceil(document.documentElement.scrollHeight), \
                         window.outerHeight - window.innerHeight]",
            )
            .await?;
        let pixels = |value: &Value| value.as_u64().and_then(|v| u32::try_from(v).ok());
        let page = pixels(&sizes[0]).unwrap_or(0).min(MAX_SCREENSHOT_HEIGHT);
        let frame = pixels(&sizes[1]).unwrap_or(0);
        let tall = page + frame > WINDOW.1;
        if tall {
            self.client.set_window_size(WINDOW.0, page + frame).await?;
        }
        let png = self.client.screenshot().await;
        if tall {
            self.client.set_window_size(WINDOW.0, WINDOW.1).await?;
        }
        let png = png.with_context(|| format!("taking the screenshot {name}"))?;
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(name);
        std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Chromium quits; give it a moment to exit by itself. chromedriver (and any browser
        // still running) is killed right after, when `driver` drops.
        let _ = http(
            self.driver.port,
            "DELETE",
            &format!("/session/{}", self.session_id),
        );
        let deadline = Instant::now() + Duration::from_secs(2);
        while !self.driver.browsers().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
