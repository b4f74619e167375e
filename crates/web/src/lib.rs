//! The kaikaku web server: published editions of progress reports as server-rendered HTML
//! that reads like the original document, with stable per-item addresses and print styles.
//!
//! [`app`] builds the router from an [`AppState`]; [`serve`] runs it on a listener until
//! Ctrl-C or SIGTERM. Pages are askama templates (auto-escaped) filled from view models built
//! in Rust ([`views`]); every response carries the security headers of [`security`].
//!
//! Routes (all public, anonymous):
//!
//! | route | page |
//! |---|---|
//! | `GET /` | 公開中の報告: every stored edition, grouped by plan, newest year first |
//! | `GET /plans/{plan_id}/{fiscal_year}` | an edition as a document (`?paper=a3` prints on A3) |
//! | `GET /plans/{plan_id}/{fiscal_year}/items/{no}` | one item sheet, with links to its neighbours |
//! | `GET /healthz` | `ok` (200) when the database answers, 503 otherwise |
//! | `GET /assets/site.css`, `GET /assets/print.css` | the stylesheets, compiled in |
//!
//! Anything else is a Japanese 404 page.

mod assets;
mod error;
mod health;
mod public;
pub mod security;
pub mod views;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::routing::get;
use kaikaku_store::SqliteStore;
use tokio::net::TcpListener;

pub use error::Error;

/// What every handler shares: the store. Cheap to clone (one `Arc`).
#[derive(Clone, Debug)]
pub struct AppState {
    store: Arc<SqliteStore>,
}

impl AppState {
    /// The state over `store`.
    pub fn new(store: SqliteStore) -> AppState {
        AppState {
            store: Arc::new(store),
        }
    }

    /// The store.
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }
}

/// The whole application: every route, the 404 and 405 pages, the security headers.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(public::routes())
        .merge(assets::routes())
        .route("/healthz", get(health::healthz))
        .fallback(|| async { Error::NotFound })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .layer(middleware::from_fn(security::headers))
        .with_state(state)
}

/// Serves [`app`] on `listener` until Ctrl-C (SIGINT) or SIGTERM, then finishes the requests
/// in flight and returns.
///
/// Fails when accepting connections fails for good.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    serve_with_shutdown(listener, state, shutdown_signal()).await
}

/// Serves [`app`] on `listener` until `shutdown` completes, then finishes the requests in
/// flight and returns (for embedding the server, and for tests that stop it).
///
/// Fails when accepting connections fails for good.
pub async fn serve_with_shutdown<F>(
    listener: TcpListener,
    state: AppState,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
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
