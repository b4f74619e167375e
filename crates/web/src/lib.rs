//! The kaikaku web server: published editions of progress reports as server-rendered HTML
//! that reads like the original document, with stable per-item addresses and print styles.
//!
//! [`app`] builds the router from an [`AppState`]; [`serve`] runs it on a listener until
//! Ctrl-C or SIGTERM, with the timeouts and connection limits of [`ServerSettings`]
//! ([`http::server`]). Pages are askama templates (auto-escaped) filled from view models built
//! in Rust ([`views`]); every response carries the security headers of [`http::security`].
//!
//! The crate is laid out in rooms by audience, each importing only the rooms below it:
//! [`routes`] (the table) and [`page_cache`] on top, then `api` (the JSON API), [`public`]
//! (the published site), [`cycle`] (the reporting cycle), [`people`] (sessions, log-in,
//! accounts, users), [`http`] (plumbing: errors, access rules, extractors, files) and
//! [`views`] (view models shared by pages, PDF and API).
//!
//! Routes are declared in one table, [`routes::table`], each with who may use it
//! ([`http::access::Access`]) and whether its answers are kept for anonymous visitors; the
//! router is built from it, so every route's access is decided on the server. Around every
//! route: the session is read from its cookie ([`people::auth`]), errors are rendered for the
//! session (or as JSON under `/api/`), state-changing requests pass the CSRF check
//! ([`people::csrf`]), and the security headers are added.
//!
//! | route | page | who |
//! |---|---|---|
//! | `GET /` | 公開中の報告: every stored edition, grouped by plan, newest year first | anyone |
//! | `GET /dashboard?year=…` | 全国の集計: per prefecture, municipalities, plans, items, effects in yen (実績・見込み・計画) and check findings of one report year, with a national total (`public::across`) | anyone |
//! | `GET /prefectures/{code}?year=…` | one prefecture's figures per municipality | anyone |
//! | `GET /dashboard/files/{file}`, `GET /prefectures/{code}/files/{file}` | the same tables as CSV (`prefectures.csv`, `municipalities.csv`; `?year=`, `?bom=1`) | anyone |
//! | `GET /municipalities/{code}` | a municipality: its plans, latest figures, search and CSV files (`public::municipalities`) | anyone |
//! | `GET /plans/{plan_id}/{fiscal_year}` | an edition as a document (`?paper=a3` prints on A3) | anyone |
//! | `GET /plans/{plan_id}/{fiscal_year}/items/{no}` | one item sheet, with links to its neighbours | anyone |
//! | `GET /plans/{plan_id}/{fiscal_year}/dashboard` | 集計 of an edition: items by state and department, effects in yen, forecast vs actual, findings (`public::dashboard`) | anyone |
//! | `GET /plans/{plan_id}/dashboard` | 集計 of a plan across its published editions | anyone |
//! | `GET /plans/{plan_id}/compare?from=Y1&to=Y2` | 年度比較 of two published editions (a form without a query) | anyone |
//! | `GET /plans/{plan_id}/{fiscal_year}/files/{file}` | a download of a published edition (`public::downloads`): `report.pdf`, `report-a3.pdf` ([`public::pdf`]), `report.json`, the open-data CSV tables (`?bom=1`), `report.xlsx`, `report.txt` | anyone |
//! | `GET /search?q=…` | 検索: items whose texts hold every word, with the matches marked (`public::search`); drafts too when logged in | anyone |
//! | `GET /healthz` | `ok` (200) when the database answers, 503 otherwise | anyone |
//! | `GET /assets/site.css`, `GET /assets/print.css` | the stylesheets, compiled in | anyone |
//! | `GET /login`, `POST /login` | ログイン | anyone |
//! | `POST /logout` | ログアウト | logged in |
//! | `GET /account`, `POST /account/password` | アカウント, password change | logged in |
//! | `GET /admin/users`, `POST /admin/users` | ユーザー管理 | admin |
//! | `GET /cycle` | 進行中の報告 (editions not published yet) | logged in |
//! | `POST /cycle` | opens a report year | admin |
//! | `GET /editions/{id}` | the progress board | logged in |
//! | `POST /editions/{id}/lock`, `/unlock`, `/publish`, `/correction` | the edition's state | admin |
//! | `GET /editions/{id}/sheets/{no}`, `POST …` | a sheet: read, or edit and save (`may` decides) | logged in |
//! | `GET /editions/{id}/sheets/{no}/history` | the sheet's history with readable diffs, 20 changes a page (`?page=N`) | logged in |
//! | `GET /editions/{id}/sheets/{no}/history/{entry}` | one change of the history with its whole texts | logged in |
//! | `POST /editions/{id}/sheets/{no}/transition` | 提出, 差戻し, 確定, 確定解除 (`may` decides) | logged in |
//! | `POST /editions/{id}/sheets/{no}/comments`, `…/comments/{comment_id}/resolve` | comments | admin, reviewer |
//! | `POST /editions/{id}/sheets/{no}/waivers` | 指摘の確認済み | admin |
//!
//! The reporting cycle's operations live in [`cycle::service`], which the pages and the JSON
//! API share.
//!
//! The expensive routes (marked [`routes::Route::heavy`]) run at most
//! [`AppState::with_heavy_limits`] at once per user; a further one is a 429
//! ([`people::concurrency`]).
//!
//! Anything else is a Japanese 404 page.

mod api;
pub mod cycle;
pub mod http;
pub mod page_cache;
pub mod people;
pub mod public;
pub mod routes;
pub mod views;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use kaikaku_store::Database;
use tokio::net::TcpListener;

pub use http::error::Error;
pub use http::server::ServerSettings;
pub use public::pdf::{Paper, PdfError, edition_pdf};

/// What every handler shares: the store, the log-in throttles and the PDFs made. Cheap to
/// clone (`Arc`s).
#[derive(Clone, Debug)]
pub struct AppState {
    store: Arc<Database>,
    throttles: Arc<people::auth::Throttles>,
    trusted_proxies: Arc<people::auth::TrustedProxies>,
    pdfs: Arc<public::pdf::PdfCache>,
    pages: Arc<page_cache::PageCache>,
    across: Arc<public::across::AcrossCache>,
    limits: kaikaku_model::Limits,
    heavy: Arc<people::concurrency::HeavyLimit>,
}

impl AppState {
    /// The state over `store` (a [`Database`], or either engine's store), with fresh log-in
    /// throttles.
    pub fn new(store: impl Into<Database>) -> AppState {
        AppState {
            store: Arc::new(store.into()),
            throttles: Arc::new(people::auth::Throttles::default()),
            trusted_proxies: Arc::new(people::auth::TrustedProxies::default()),
            pdfs: Arc::new(public::pdf::PdfCache::default()),
            pages: Arc::new(page_cache::PageCache::default()),
            across: Arc::new(public::across::AcrossCache::default()),
            limits: kaikaku_model::Limits::default(),
            heavy: Arc::new(people::concurrency::HeavyLimit::default()),
        }
    }

    /// The same state with `limits` on what a user can store (default:
    /// [`kaikaku_model::Limits::default`]), checked on every sheet save.
    pub fn with_limits(mut self, limits: kaikaku_model::Limits) -> AppState {
        self.limits = limits;
        self
    }

    /// The limits on what a user can store.
    pub fn limits(&self) -> &kaikaku_model::Limits {
        &self.limits
    }

    /// The same state letting one logged-in user run at most `per_user` heavy pages at once,
    /// and the anonymous visitors of one address `per_address` (each at least 1; defaults
    /// [`people::concurrency::DEFAULT_HEAVY_PER_USER`] and
    /// [`people::concurrency::DEFAULT_HEAVY_PER_ADDRESS`]): the history, the sheet, the
    /// progress board, search, downloads and PDFs, dashboards, comparisons
    /// ([`routes::Route::heavy`]). Beyond it the answer is a 429 with `Retry-After`.
    pub fn with_heavy_limits(mut self, per_user: usize, per_address: usize) -> AppState {
        self.heavy = Arc::new(people::concurrency::HeavyLimit::with_per_address(
            per_user,
            per_address,
        ));
        self
    }

    /// The heavy requests running now, per user.
    pub fn heavy(&self) -> &Arc<people::concurrency::HeavyLimit> {
        &self.heavy
    }

    /// The same state with a page cache that trusts the store's publication stamp for
    /// `max_age` ([`page_cache::PageCache::new`]).
    pub fn with_page_max_age(mut self, max_age: std::time::Duration) -> AppState {
        self.pages = Arc::new(page_cache::PageCache::new(max_age));
        self
    }

    /// The same state believing `X-Forwarded-For` from these reverse proxies
    /// ([`people::auth::TrustedProxies`]); none by default.
    pub fn with_trusted_proxies(mut self, proxies: people::auth::TrustedProxies) -> AppState {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    /// The reverse proxies whose `X-Forwarded-For` names the client.
    pub(crate) fn trusted_proxies(&self) -> &people::auth::TrustedProxies {
        &self.trusted_proxies
    }

    /// The public pages kept for anonymous visitors.
    pub fn pages(&self) -> &page_cache::PageCache {
        &self.pages
    }

    /// The store.
    pub fn store(&self) -> &Database {
        &self.store
    }

    /// The log-in throttles.
    pub(crate) fn throttles(&self) -> &people::auth::Throttles {
        &self.throttles
    }

    /// The figures across municipalities, kept per publication stamp.
    pub(crate) fn across(&self) -> &public::across::AcrossCache {
        &self.across
    }

    /// The PDFs of published editions made so far.
    pub(crate) fn pdfs(&self) -> &public::pdf::PdfCache {
        &self.pdfs
    }
}

/// The whole application: every route of [`routes::table`] behind its access check, the 404
/// and 405 pages, and around them the CSRF check, error rendering, the session and the
/// security headers.
///
/// Log-in throttling by address needs the peer address (`ConnectInfo<SocketAddr>`), which
/// [`serve`] gives every request (without it all clients share one address bucket). Request
/// bodies are read whole before the routes see them, within the limit and timeout of
/// [`ServerSettings`] (the defaults when the router is used without [`serve`]).
pub fn app(state: AppState) -> Router {
    with_layers(routes::router(&state), state)
}

/// `routes` with the 404 and 405 pages and the layers every route has.
fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .fallback(|| async { Error::NotFound })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .layer(middleware::from_fn(people::csrf::protect))
        .layer(middleware::from_fn(people::error_pages::render))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            people::auth::load_session,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            page_cache::keep_pages,
        ))
        .layer(middleware::from_fn(http::server::read_body))
        // `read_body` has read the body whole within the server's limit already.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn(http::security::headers))
        .with_state(state)
}

/// Serves [`app`] on `listener` with `settings` until Ctrl-C (SIGINT) or SIGTERM, then
/// finishes the requests in flight and returns.
///
/// Failures to accept a connection are logged and retried; it returns `Ok` once stopped.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    settings: ServerSettings,
) -> std::io::Result<()> {
    serve_with_shutdown(listener, state, settings, shutdown_signal()).await
}

/// Serves [`app`] on `listener` with `settings` until `shutdown` completes, then finishes the
/// requests in flight and returns (for embedding the server, and for tests that stop it).
///
/// Failures to accept a connection are logged and retried; it returns `Ok` once stopped.
pub async fn serve_with_shutdown<F>(
    listener: TcpListener,
    state: AppState,
    settings: ServerSettings,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    http::server::run(listener, app(state), settings, shutdown).await
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM. A signal that cannot be listened for is
/// logged and never completes, so the other still stops the server.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C: shutting down"),
        () = terminate => tracing::info!("SIGTERM: shutting down"),
    }
}
