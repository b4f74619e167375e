//! Every route of the site in one table, with who may use it, whether its answers are kept
//! for anonymous visitors and whether it is heavy. The router is built from [`table`], so a
//! route cannot exist without its [`Access`]; the access is checked on the server, by a layer
//! on each route, before the handler runs; the page cache keeps exactly the routes marked
//! [`Route::kept`] ([`kept_paths`]); the routes marked [`Route::heavy`] run at most a few at
//! once per user (`people::concurrency`), a 429 beyond.
//!
//! To add a route, add one line to [`table`]:
//!
//! ```text
//! Route::get("/editions/{id}", LoggedIn, cycle::pages::board),
//! Route::post("/editions/{id}/lock", ADMIN, cycle::pages::lock),
//! Route::get("/api/v1/plans", Public, api::published::plans).kept(),
//! Route::get("/editions/{id}/sheets/{no}/history", LoggedIn, cycle::pages::history).heavy(),
//! ```
//!
//! then add its expected outcomes to the authorisation matrix of
//! `tests/http/authorization.rs`, which fails for any route of the table it has no entry for
//! (and, under `/api/v1/`, its operation to `api/openapi.rs`, which a test below compares). A
//! handler that needs finer rules than the route's access (an editor's own department) decides
//! them itself with the extractors of [`crate::people::auth`] and
//! [`kaikaku_model::workflow::may`].
//!
//! What the access check answers when it refuses: an anonymous visitor gets a 303 to
//! `/login?next=…` (a 401 JSON body under `/api/`), a logged-in user whose role is not listed
//! a 403 page (JSON under `/api/`). State-changing requests also pass the CSRF check of
//! [`crate::people::csrf`], which runs for every route.

use axum::Router;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};

use crate::http::access::{ADMIN, Access, COMMENTERS, Cache, RouteSpec};
use crate::http::{assets, health};
use crate::people::auth::{self, CurrentUser};
use crate::people::{account, admin, concurrency, login};
use crate::public::{across, dashboard, downloads, municipalities, pages as public, search};
use crate::{AppState, Error, api, cycle};

/// A route: its spec and its handler.
#[derive(Debug)]
pub struct Route {
    /// What the route is and who may use it.
    pub spec: RouteSpec,
    handler: MethodRouter<AppState>,
}

impl Route {
    /// `GET path` (and HEAD).
    pub fn get<H, T>(path: &'static str, access: Access, handler: H) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Route::new(Method::GET, MethodFilter::GET, path, access, handler)
    }

    /// `POST path`.
    pub fn post<H, T>(path: &'static str, access: Access, handler: H) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Route::new(Method::POST, MethodFilter::POST, path, access, handler)
    }

    /// `PUT path`.
    pub fn put<H, T>(path: &'static str, access: Access, handler: H) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Route::new(Method::PUT, MethodFilter::PUT, path, access, handler)
    }

    fn new<H, T>(
        method: Method,
        filter: MethodFilter,
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Route {
            spec: RouteSpec {
                method,
                path,
                access,
                cache: Cache::Never,
                heavy: false,
            },
            handler: on(filter, handler),
        }
    }

    /// The same route with its answers to anonymous visitors kept by the page cache until the
    /// next publication ([`Cache::Anonymous`]): for published pages only, which are the same
    /// for every anonymous visitor. A handler may still refuse it for one answer
    /// ([`crate::http::access::NotKept`]).
    pub fn kept(mut self) -> Route {
        self.spec.cache = Cache::Anonymous;
        self
    }

    /// The same route marked expensive: one user (a logged-in user, or an anonymous visitor's
    /// address) runs at most [`crate::AppState::with_heavy_limits`] such requests at once,
    /// and is answered 429 beyond (`people::concurrency`). For pages whose cost grows with
    /// what they show: a whole edition, a sheet and its history, search, downloads and PDFs,
    /// dashboards, comparisons.
    pub fn heavy(mut self) -> Route {
        self.spec.heavy = true;
        self
    }
}

/// Every route of the site.
pub fn table() -> Vec<Route> {
    use Access::{LoggedIn, Public};
    vec![
        // Published editions (public.rs).
        Route::get("/", Public, public::index).kept(),
        Route::get("/municipalities/{code}", Public, municipalities::page)
            .kept()
            .heavy(),
        Route::get(
            "/municipalities/{code}/files/{file}",
            Public,
            municipalities::file,
        )
        .kept()
        .heavy(),
        // Figures across municipalities, nationally and per prefecture (across.rs).
        Route::get("/dashboard", Public, across::national)
            .kept()
            .heavy(),
        Route::get("/dashboard/files/{file}", Public, across::national_file)
            .kept()
            .heavy(),
        Route::get("/prefectures/{code}", Public, across::prefecture)
            .kept()
            .heavy(),
        Route::get(
            "/prefectures/{code}/files/{file}",
            Public,
            across::prefecture_file,
        )
        .kept()
        .heavy(),
        Route::get("/plans/{plan_id}/{fiscal_year}", Public, public::edition)
            .kept()
            .heavy(),
        Route::get(
            "/plans/{plan_id}/{fiscal_year}/items/{no}",
            Public,
            public::item,
        )
        .kept(),
        // Dashboards and the comparison of published editions (dashboard.rs).
        Route::get(
            "/plans/{plan_id}/{fiscal_year}/dashboard",
            Public,
            dashboard::edition_dashboard,
        )
        .kept()
        .heavy(),
        Route::get(
            "/plans/{plan_id}/dashboard",
            Public,
            dashboard::plan_dashboard,
        )
        .kept()
        .heavy(),
        Route::get("/plans/{plan_id}/compare", Public, dashboard::compare)
            .kept()
            .heavy(),
        // The downloads of a published edition (downloads.rs, pdf.rs).
        Route::get(
            "/plans/{plan_id}/{fiscal_year}/files/{file}",
            Public,
            downloads::file,
        )
        .kept()
        .heavy(),
        // Full-text search, page and JSON (search.rs): anyone searches the published
        // editions; the handlers add the drafts when the session is logged in.
        Route::get("/search", Public, search::page).heavy(),
        Route::get("/api/v1/search", Public, search::api).heavy(),
        Route::get("/healthz", Public, health::healthz),
        Route::get("/assets/site.css", Public, assets::site_css),
        Route::get("/assets/print.css", Public, assets::print_css),
        // Logging in and out (auth/login.rs).
        Route::get("/login", Public, login::page),
        Route::post("/login", Public, login::submit),
        Route::post("/logout", LoggedIn, login::logout),
        // The user's own account (account.rs).
        Route::get("/account", LoggedIn, account::page),
        Route::post("/account/password", LoggedIn, account::change_password),
        // The policy division (admin.rs).
        Route::get("/admin/users", ADMIN, admin::list),
        Route::post("/admin/users", ADMIN, admin::create),
        // The reporting cycle (cycle/pages.rs): finer rules (an editor's own department,
        // the state of a sheet) are decided by the cycle service.
        Route::get("/cycle", LoggedIn, cycle::pages::index),
        Route::post("/cycle", ADMIN, cycle::pages::open),
        Route::get("/editions/{id}", LoggedIn, cycle::pages::board).heavy(),
        Route::post("/editions/{id}/lock", ADMIN, cycle::pages::lock),
        Route::post("/editions/{id}/unlock", ADMIN, cycle::pages::unlock),
        Route::post("/editions/{id}/publish", ADMIN, cycle::pages::publish),
        Route::post("/editions/{id}/correction", ADMIN, cycle::pages::correction),
        Route::get("/editions/{id}/sheets/{no}", LoggedIn, cycle::pages::sheet).heavy(),
        Route::post("/editions/{id}/sheets/{no}", LoggedIn, cycle::pages::save),
        Route::get(
            "/editions/{id}/sheets/{no}/history",
            LoggedIn,
            cycle::pages::history,
        )
        .heavy(),
        Route::get(
            "/editions/{id}/sheets/{no}/history/{entry}",
            LoggedIn,
            cycle::pages::history_entry,
        )
        .heavy(),
        Route::post(
            "/editions/{id}/sheets/{no}/transition",
            LoggedIn,
            cycle::pages::transition,
        ),
        Route::post(
            "/editions/{id}/sheets/{no}/comments",
            COMMENTERS,
            cycle::pages::comment,
        ),
        Route::post(
            "/editions/{id}/sheets/{no}/comments/{comment_id}/resolve",
            COMMENTERS,
            cycle::pages::resolve,
        ),
        Route::post(
            "/editions/{id}/sheets/{no}/waivers",
            ADMIN,
            cycle::pages::waive,
        ),
        // The JSON API (api/): the same access as the pages; writes go through the cycle
        // service. Every route here is documented in api/openapi.rs (a test checks).
        Route::get("/api/v1/openapi.json", Public, api::openapi::serve),
        Route::get("/api/v1/session", LoggedIn, api::session::show),
        Route::get("/api/v1/plans", Public, api::published::plans).kept(),
        Route::get(
            "/api/v1/plans/{plan_id}/{fiscal_year}",
            Public,
            api::published::edition,
        )
        .kept()
        .heavy(),
        Route::get(
            "/api/v1/plans/{plan_id}/{fiscal_year}/items/{no}",
            Public,
            api::published::item,
        )
        .kept(),
        Route::get(
            "/api/v1/plans/{plan_id}/{fiscal_year}/dashboard",
            Public,
            api::analysis::edition_dashboard,
        )
        .kept()
        .heavy(),
        Route::get(
            "/api/v1/plans/{plan_id}/compare",
            Public,
            api::analysis::compare,
        )
        .kept()
        .heavy(),
        Route::get("/api/v1/editions", LoggedIn, api::cycle::editions),
        Route::get("/api/v1/editions/{id}", LoggedIn, api::cycle::edition).heavy(),
        Route::get(
            "/api/v1/editions/{id}/sheets/{no}",
            LoggedIn,
            api::cycle::sheet,
        )
        .heavy(),
        Route::get(
            "/api/v1/editions/{id}/sheets/{no}/history",
            LoggedIn,
            api::cycle::history,
        )
        .heavy(),
        Route::put(
            "/api/v1/editions/{id}/sheets/{no}",
            LoggedIn,
            api::cycle::save,
        ),
        Route::post(
            "/api/v1/editions/{id}/sheets/{no}/transitions",
            LoggedIn,
            api::cycle::transition,
        ),
        Route::post(
            "/api/v1/editions/{id}/sheets/{no}/comments",
            COMMENTERS,
            api::cycle::comment,
        ),
        Route::post(
            "/api/v1/editions/{id}/sheets/{no}/comments/{comment_id}/resolve",
            COMMENTERS,
            api::cycle::resolve,
        ),
        Route::post(
            "/api/v1/editions/{id}/sheets/{no}/waivers",
            ADMIN,
            api::cycle::waive,
        ),
        Route::post("/api/v1/cycle", ADMIN, api::cycle::open_year),
        Route::post("/api/v1/editions/{id}/lock", ADMIN, api::cycle::lock),
        Route::post("/api/v1/editions/{id}/unlock", ADMIN, api::cycle::unlock),
        Route::post("/api/v1/editions/{id}/publish", ADMIN, api::cycle::publish),
        Route::post(
            "/api/v1/editions/{id}/correction",
            ADMIN,
            api::cycle::correction,
        ),
    ]
}

/// The paths of the routes whose answers are kept for anonymous visitors, in axum's syntax.
pub fn kept_paths() -> Vec<&'static str> {
    specs()
        .into_iter()
        .filter(|spec| spec.cache == Cache::Anonymous)
        .map(|spec| spec.path)
        .collect()
}

/// What every route of [`table`] is and who may use it.
pub fn specs() -> Vec<RouteSpec> {
    table().into_iter().map(|route| route.spec).collect()
}

/// The router of [`table`], each route behind its access check and, when heavy, then behind
/// the per-user limit of `state`.
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    table().into_iter().fold(Router::new(), |router, route| {
        let mut handler = route.handler;
        if route.spec.heavy {
            handler = handler.route_layer(middleware::from_fn_with_state(
                state.clone(),
                concurrency::limit_heavy,
            ));
        }
        // The last layer runs first: a refused visitor never takes a place.
        handler = handler.route_layer(middleware::from_fn_with_state(route.spec.access, enforce));
        router.route(route.spec.path, handler)
    })
}

/// The access check of one route.
async fn enforce(
    State(access): State<Access>,
    user: CurrentUser,
    request: Request,
    next: Next,
) -> Response {
    if access.allows(user.role()) {
        return next.run(request).await;
    }
    if user.is_logged_in() {
        Error::Forbidden.into_response()
    } else {
        Error::LoginRequired {
            next: auth::return_to(request.method(), request.uri()),
        }
        .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `/api/v1` route of the table is documented with its method, and nothing else is.
    #[test]
    fn the_document_describes_exactly_the_api_routes() {
        let document = api::openapi::document();
        let paths = document["paths"].as_object().expect("paths");
        let routes: Vec<(String, String)> = specs()
            .into_iter()
            .filter(|spec| spec.path.starts_with("/api/v1/"))
            .map(|spec| (spec.method.as_str().to_lowercase(), spec.path.to_owned()))
            .collect();
        for (method, path) in &routes {
            assert!(
                paths.get(path).and_then(|p| p.get(method)).is_some(),
                "{method} {path} is not in the OpenAPI document"
            );
        }
        for (path, methods) in paths {
            for method in methods.as_object().expect("methods").keys() {
                assert!(
                    routes.iter().any(|(m, p)| m == method && p == path),
                    "{method} {path} is documented but is no route"
                );
            }
        }
    }

    /// The expensive pages are heavy; what must answer while someone hammers them is not.
    #[test]
    fn the_expensive_routes_are_heavy_and_the_light_ones_are_not() {
        let heavy = |method: Method, path: &str| {
            specs()
                .into_iter()
                .find(|s| s.method == method && s.path == path)
                .unwrap_or_else(|| panic!("{method} {path} is a route"))
                .heavy
        };
        for path in [
            "/editions/{id}",
            "/editions/{id}/sheets/{no}",
            "/editions/{id}/sheets/{no}/history",
            "/editions/{id}/sheets/{no}/history/{entry}",
            "/search",
            "/api/v1/search",
            "/plans/{plan_id}/{fiscal_year}",
            "/plans/{plan_id}/{fiscal_year}/files/{file}",
            "/plans/{plan_id}/{fiscal_year}/dashboard",
            "/plans/{plan_id}/dashboard",
            "/plans/{plan_id}/compare",
            "/dashboard",
            "/prefectures/{code}",
            "/api/v1/editions/{id}/sheets/{no}/history",
        ] {
            assert!(heavy(Method::GET, path), "{path} is heavy");
        }
        for path in [
            "/",
            "/healthz",
            "/login",
            "/cycle",
            "/account",
            "/assets/site.css",
        ] {
            assert!(!heavy(Method::GET, path), "{path} is light");
        }
        // Writes are not pages: they are never refused for being many.
        assert!(!heavy(Method::POST, "/editions/{id}/sheets/{no}"));
        assert!(!heavy(Method::PUT, "/api/v1/editions/{id}/sheets/{no}"));
    }

    #[tokio::test]
    async fn every_route_is_declared_once() {
        let specs = specs();
        for (i, spec) in specs.iter().enumerate() {
            assert!(
                !specs[..i]
                    .iter()
                    .any(|s| s.method == spec.method && s.path == spec.path),
                "{} {} twice",
                spec.method,
                spec.path
            );
        }
        // Building the router panics on overlapping routes.
        let dir = tempfile::tempdir().expect("temp dir");
        let store = kaikaku_store::SqliteStore::open(&dir.path().join("k.db"))
            .await
            .expect("opens");
        let _ = router(&AppState::new(store));
    }
}

/// The access check and the error rendering over real HTTP, on a route under `/api/` (the
/// table has none yet).
#[cfg(test)]
mod api_tests {
    use axum::routing::get;
    use kaikaku_store::SqliteStore;

    use super::*;

    #[tokio::test]
    async fn an_api_route_answers_401_json_to_anonymous_visitors() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("k.db"))
            .await
            .expect("opens");
        let state = AppState::new(store);
        let routes = Router::new()
            .route(
                "/api/v1/private",
                get(|| async { "secret" })
                    .route_layer(middleware::from_fn_with_state(Access::LoggedIn, enforce)),
            )
            .route(
                "/private",
                get(|| async { "secret" })
                    .route_layer(middleware::from_fn_with_state(Access::LoggedIn, enforce)),
            );
        let app = crate::with_layers(routes, state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr = listener.local_addr().expect("address");
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");

        let api = client
            .get(format!("http://{addr}/api/v1/private"))
            .send()
            .await
            .expect("answers");
        assert_eq!(api.status(), reqwest::StatusCode::UNAUTHORIZED);
        assert!(api.headers().get("location").is_none());
        assert_eq!(
            api.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
        let body: serde_json::Value =
            serde_json::from_str(&api.text().await.expect("body")).expect("JSON");
        assert_eq!(
            body,
            serde_json::json!({ "error": "このページを利用するにはログインが必要です。" })
        );

        let page = client
            .get(format!("http://{addr}/private?a=1"))
            .send()
            .await
            .expect("answers");
        assert_eq!(page.status(), reqwest::StatusCode::SEE_OTHER);
        assert_eq!(
            page.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/login?next=%2Fprivate%3Fa%3D1")
        );

        let missing = client
            .get(format!("http://{addr}/api/v1/nothing"))
            .send()
            .await
            .expect("answers");
        assert_eq!(missing.status(), reqwest::StatusCode::NOT_FOUND);
        let body: serde_json::Value =
            serde_json::from_str(&missing.text().await.expect("body")).expect("JSON");
        assert!(body["error"].is_string(), "{body}");
        server.abort();
    }
}
