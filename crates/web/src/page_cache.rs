//! The rendered public pages, kept for anonymous visitors.
//!
//! Published editions never change, so a public page (the top page, a municipality, an
//! edition, an item, a dashboard, the national and prefecture figures, the published-data
//! API) is the same for every anonymous visitor until something is imported or published.
//! Which routes those are is a column of the route table ([`crate::routes::Route::kept`]);
//! [`keep_pages`] answers their requests from memory, keyed by path and query, and renders
//! only on a miss.
//!
//! Freshness: every entry carries the [`PublicationStamp`] it was rendered under; an entry is
//! served only while the store's stamp is the same. The stamp is read at most once per
//! [`PageCache::max_age`] (so an import by another process, `kaikaku import` beside a running
//! server, shows within that time), and any state-changing request through this server clears
//! the cache at once (a publication is visible to the next request). Logged-in users (any
//! session cookie) and every other path bypass the cache: drafts, forms and search results
//! are never kept. Only complete `200 OK` answers without `Set-Cookie` and not marked
//! [`NotKept`] by their handler (PDFs, which have a cache of their own) are kept, each at most
//! [`PageCache::MAX_ENTRY`] bytes, all of them at most [`PageCache::MAX_TOTAL`] (the oldest go
//! first).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, ETAG};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kaikaku_store::{PublicationStamp, Store};

use crate::AppState;
use crate::http::access::NotKept;
use crate::http::files::matches_etag;
use crate::people::auth::session_secret;

/// The kept pages and the last stamp read.
pub struct PageCache {
    max_age: Duration,
    /// The paths of the routes the table marks kept ([`crate::routes::kept_paths`]).
    kept: matchit::Router<()>,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("max_age", &self.max_age)
            .field("pages", &self.len())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Inner {
    /// The stamp last read, and when.
    checked: Option<(Instant, PublicationStamp)>,
    pages: HashMap<String, Page>,
    /// Keys, oldest first, for eviction.
    order: VecDeque<String>,
    bytes: usize,
}

#[derive(Clone, Debug)]
struct Page {
    stamp: PublicationStamp,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Default for PageCache {
    fn default() -> PageCache {
        PageCache::new(Duration::ZERO)
    }
}

impl PageCache {
    /// The largest page kept.
    pub const MAX_ENTRY: usize = 4 << 20;
    /// All pages kept together.
    pub const MAX_TOTAL: usize = 64 << 20;

    /// A cache that reads the store's stamp at most once per `max_age` (`Duration::ZERO`:
    /// on every request, which the tests use; `kaikaku serve` uses one second).
    pub fn new(max_age: Duration) -> PageCache {
        let mut kept = matchit::Router::new();
        for path in crate::routes::kept_paths() {
            // The table's paths are distinct (a test of the route table checks); a path
            // matchit refused would only be left out of the cache.
            if let Err(error) = kept.insert(path, ()) {
                tracing::error!(%error, path, "a kept route's path is not a pattern");
            }
        }
        PageCache {
            max_age,
            kept,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Whether `path` is the address of a route whose answers are kept.
    fn keeps(&self, path: &str) -> bool {
        self.kept.at(path).is_ok()
    }

    /// How long a stamp read is trusted.
    pub fn max_age(&self) -> Duration {
        self.max_age
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The stamp read within `max_age`; `None` when the caller must read it. One caller reads
    /// it when it has aged: the others go on with the last stamp meanwhile (a few ms more of
    /// the staleness already allowed), so that a burst of requests does not read it at once.
    fn recent_stamp(&self, now: Instant) -> Option<PublicationStamp> {
        if self.max_age.is_zero() {
            return None;
        }
        let mut inner = self.lock();
        let (at, stamp) = inner.checked?;
        if now.duration_since(at) <= self.max_age {
            return Some(stamp);
        }
        inner.checked = Some((now, stamp));
        None
    }

    fn note_stamp(&self, now: Instant, stamp: PublicationStamp) {
        self.lock().checked = Some((now, stamp));
    }

    fn get(&self, key: &str, stamp: PublicationStamp) -> Option<Page> {
        let inner = self.lock();
        inner.pages.get(key).filter(|p| p.stamp == stamp).cloned()
    }

    fn put(&self, key: String, page: Page) {
        let size = page.body.len() + key.len();
        if size > Self::MAX_ENTRY {
            return;
        }
        let mut inner = self.lock();
        if let Some(old) = inner.pages.insert(key.clone(), page) {
            inner.bytes -= old.body.len() + key.len();
            inner.order.retain(|k| *k != key);
        }
        inner.bytes += size;
        inner.order.push_back(key);
        while inner.bytes > Self::MAX_TOTAL {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(old) = inner.pages.remove(&oldest) {
                inner.bytes -= old.body.len() + oldest.len();
            }
        }
    }

    /// Forgets every page and the stamp (after a write through this server).
    pub fn clear(&self) {
        let mut inner = self.lock();
        *inner = Inner::default();
    }

    /// How many pages are kept.
    pub fn len(&self) -> usize {
        self.lock().pages.len()
    }

    /// Whether no page is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Middleware: answers anonymous GET/HEAD requests for public pages from the cache, and
/// clears it after any other request that succeeded.
pub(crate) async fn keep_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let cache = state.pages();
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        // Logging in or out publishes nothing; any other write may (a publication).
        let session_only = matches!(request.uri().path(), "/login" | "/logout");
        let response = next.run(request).await;
        let done = response.status().is_success() || response.status().is_redirection();
        if done && !session_only {
            cache.clear();
        }
        return response;
    }
    let anonymous = session_secret(request.headers()).is_none();
    let path = request.uri().path();
    if !anonymous || !cache.keeps(path) {
        return next.run(request).await;
    }
    let key = match request.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    let now = Instant::now();
    let stamp = match cache.recent_stamp(now) {
        Some(stamp) => stamp,
        None => match state.store().publication_stamp().await {
            Ok(stamp) => {
                cache.note_stamp(now, stamp);
                stamp
            }
            // No connection came free in time: a page answers 503 at once rather than wait a
            // second time in its handler (the API's JSON errors are drawn by its handler).
            Err(error) if error.is_busy() && !path.starts_with("/api/") => {
                return crate::Error::Store(error).into_response();
            }
            // Not kept then: the page itself reports the store's failure.
            Err(_) => return next.run(request).await,
        },
    };
    if let Some(page) = cache.get(&key, stamp) {
        // A download revalidated with its ETag: 304, as the handler would answer.
        if let Some(etag) = page.headers.get(ETAG)
            && matches_etag(request.headers(), etag)
        {
            let mut headers = HeaderMap::new();
            headers.insert(ETAG, etag.clone());
            if let Some(cache_control) = page.headers.get(CACHE_CONTROL) {
                headers.insert(CACHE_CONTROL, cache_control.clone());
            }
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        let body = if method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(page.body)
        };
        let mut response = (page.status, body).into_response();
        *response.headers_mut() = page.headers;
        return response;
    }
    let response = next.run(request).await;
    let keep = response.status() == StatusCode::OK
        && method == Method::GET
        && response.extensions().get::<NotKept>().is_none()
        && !response
            .headers()
            .contains_key(axum::http::header::SET_COOKIE);
    if !keep {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            cache.put(
                key,
                Page {
                    stamp,
                    status: parts.status,
                    headers: parts.headers.clone(),
                    body: bytes.clone(),
                },
            );
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(error) => {
            tracing::error!(%error, "a public page's body failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(stamp: PublicationStamp, size: usize) -> Page {
        Page {
            stamp,
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from(vec![b'x'; size]),
        }
    }

    #[test]
    fn pages_are_served_only_under_their_stamp() {
        let cache = PageCache::default();
        let before = PublicationStamp {
            published: 2,
            latest_id: 7,
        };
        let after = PublicationStamp {
            published: 3,
            latest_id: 7,
        };
        cache.put("/".into(), page(before, 10));
        assert!(cache.get("/", before).is_some());
        assert!(cache.get("/", after).is_none());
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn one_caller_reads_an_aged_stamp_while_the_others_keep_the_last() {
        let cache = PageCache::new(Duration::from_secs(1));
        let start = Instant::now();
        assert_eq!(cache.recent_stamp(start), None, "nothing read yet");
        let stamp = PublicationStamp {
            published: 1,
            latest_id: 1,
        };
        cache.note_stamp(start, stamp);
        assert_eq!(cache.recent_stamp(start), Some(stamp));
        let later = start + Duration::from_secs(2);
        assert_eq!(cache.recent_stamp(later), None, "the first caller reads it");
        assert_eq!(cache.recent_stamp(later), Some(stamp), "the others do not");
        assert_eq!(
            PageCache::default().recent_stamp(start),
            None,
            "max_age 0: always read"
        );
    }

    #[test]
    fn the_oldest_pages_go_first_when_the_cache_is_full() {
        let cache = PageCache::default();
        let stamp = PublicationStamp::default();
        let size = PageCache::MAX_ENTRY - 100;
        let fits = PageCache::MAX_TOTAL / PageCache::MAX_ENTRY;
        for n in 0..=fits {
            cache.put(format!("/plans/{n}/2021"), page(stamp, size));
        }
        assert_eq!(cache.len(), fits);
        assert!(
            cache.get("/plans/0/2021", stamp).is_none(),
            "the oldest went"
        );
        assert!(cache.get(&format!("/plans/{fits}/2021"), stamp).is_some());
        cache.put("/huge".into(), page(stamp, PageCache::MAX_ENTRY + 1));
        assert!(cache.get("/huge", stamp).is_none(), "too large to keep");
    }

    #[test]
    fn only_the_routes_the_table_marks_are_kept() {
        let cache = PageCache::default();
        for kept in [
            "/",
            "/municipalities/999997",
            "/dashboard",
            "/dashboard/files/prefectures.csv",
            "/prefectures/13",
            "/prefectures/13/files/municipalities.csv",
            "/plans/1/2021/items/3",
            "/api/v1/plans",
        ] {
            assert!(cache.keeps(kept), "{kept}");
        }
        for not in [
            "/search",
            "/login",
            "/cycle",
            "/editions/3",
            "/api/v1/search",
            "/api/v1/editions/3",
        ] {
            assert!(!cache.keeps(not), "{not}");
        }
    }
}
