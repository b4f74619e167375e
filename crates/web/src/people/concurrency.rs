//! The per-user limit on expensive pages: the routes the table marks heavy
//! ([`crate::routes::Route::heavy`]) run at most N at once for one user (a logged-in user by
//! their id, whatever the session; an anonymous visitor by address), so that one user's many
//! requests cannot hold every database connection while others wait. Beyond it the answer is
//! at once a 429 with `Retry-After` ([`Error::TooManyAtOnce`]), a Japanese page or JSON under
//! `/api/`; nothing is queued. N is [`AppState::with_heavy_limits`] (defaults
//! [`DEFAULT_HEAVY_PER_USER`] per logged-in user, [`DEFAULT_HEAVY_PER_ADDRESS`] per address of
//! anonymous visitors, which behind a reverse proxy is the forwarded client's address when the
//! proxy is trusted).
//!
//! Anonymous answers the page cache keeps are served before this limit and never count.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::{CurrentUser, client_address};
use crate::{AppState, Error};

/// Heavy pages one user may have running at once, by default.
pub const DEFAULT_HEAVY_PER_USER: usize = 2;

/// Heavy pages the anonymous visitors of one address may have running at once, by default:
/// more than one user's, since a town hall's terminals often share one address.
pub const DEFAULT_HEAVY_PER_ADDRESS: usize = 8;

/// What a refused request is told to wait before trying again.
pub const RETRY_AFTER: Duration = Duration::from_secs(2);

/// Who a heavy request counts against.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Holder {
    /// A logged-in user (all their sessions together).
    User(i64),
    /// An anonymous visitor, by client address.
    Address(String),
}

/// The heavy requests running now, per user.
#[derive(Debug)]
pub struct HeavyLimit {
    per_user: usize,
    per_address: usize,
    running: Mutex<HashMap<Holder, usize>>,
}

impl Default for HeavyLimit {
    fn default() -> HeavyLimit {
        HeavyLimit::new(DEFAULT_HEAVY_PER_USER)
    }
}

impl HeavyLimit {
    /// A limit of `per_user` heavy requests at once per logged-in user and the default
    /// [`DEFAULT_HEAVY_PER_ADDRESS`] per address of anonymous visitors (each at least 1).
    pub fn new(per_user: usize) -> HeavyLimit {
        HeavyLimit::with_per_address(per_user, DEFAULT_HEAVY_PER_ADDRESS)
    }

    /// A limit of `per_user` heavy requests at once per logged-in user and `per_address` per
    /// address of anonymous visitors (each at least 1).
    pub fn with_per_address(per_user: usize, per_address: usize) -> HeavyLimit {
        HeavyLimit {
            per_user: per_user.max(1),
            per_address: per_address.max(1),
            running: Mutex::new(HashMap::new()),
        }
    }

    /// How many heavy requests one user may run at once.
    pub fn per_user(&self) -> usize {
        self.per_user
    }

    /// A place for one more request of `holder`, or `None` when they run the most already.
    /// The place is given back when the permit is dropped (the answer made, or the request
    /// abandoned).
    fn enter(self: &Arc<HeavyLimit>, holder: Holder) -> Option<Permit> {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        let most = match holder {
            Holder::User(_) => self.per_user,
            Holder::Address(_) => self.per_address,
        };
        let count = running.entry(holder.clone()).or_insert(0);
        if *count >= most {
            return None;
        }
        *count += 1;
        Some(Permit {
            limit: Arc::clone(self),
            holder,
        })
    }

    /// How many users have a heavy request running (for tests: no holder is left behind).
    pub fn holders(&self) -> usize {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// One running heavy request.
#[derive(Debug)]
struct Permit {
    limit: Arc<HeavyLimit>,
    holder: Holder,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut running = self
            .limit
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = running.get_mut(&self.holder) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                running.remove(&self.holder);
            }
        }
    }
}

/// Middleware of the heavy routes: runs the request when its user has a place, else answers
/// [`Error::TooManyAtOnce`].
pub(crate) async fn limit_heavy(
    State(state): State<AppState>,
    user: CurrentUser,
    request: Request,
    next: Next,
) -> Response {
    let holder = match user.user() {
        Some(user) => Holder::User(user.id),
        None => Holder::Address(client_address(
            &state,
            request.extensions(),
            request.headers(),
        )),
    };
    let Some(permit) = state.heavy().enter(holder) else {
        return Error::TooManyAtOnce {
            retry_after: RETRY_AFTER,
        }
        .into_response();
    };
    let response = next.run(request).await;
    drop(permit);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_gets_at_most_n_places_and_gets_them_back() {
        let limit = Arc::new(HeavyLimit::new(2));
        let first = limit.enter(Holder::User(1)).expect("first");
        let second = limit.enter(Holder::User(1)).expect("second");
        assert!(limit.enter(Holder::User(1)).is_none(), "a third is refused");
        // Others are not affected.
        let other = limit.enter(Holder::User(2)).expect("another user");
        let visitor = limit
            .enter(Holder::Address("192.0.2.1".to_owned()))
            .expect("a visitor");
        assert_eq!(limit.holders(), 3);
        drop(first);
        let again = limit.enter(Holder::User(1)).expect("a place came back");
        drop((second, again, other, visitor));
        assert_eq!(limit.holders(), 0, "no holder is left behind");
    }

    #[test]
    fn the_limit_is_at_least_one() {
        let limit = Arc::new(HeavyLimit::new(0));
        assert_eq!(limit.per_user(), 1);
        let only = limit.enter(Holder::User(1));
        assert!(only.is_some());
        assert!(limit.enter(Holder::User(1)).is_none());
    }
}
