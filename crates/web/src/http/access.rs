//! What the route table says about one route ([`RouteSpec`]): who may use it ([`Access`]),
//! whether its answers are kept for anonymous visitors ([`Cache`]) and whether it is heavy
//! (limited per user, `people::concurrency`). Plain data, shared by the
//! route table ([`crate::routes`]), which enforces it, the page cache, which follows it, and
//! the OpenAPI document, which describes it.

use axum::http::Method;
use kaikaku_model::workflow::Role;

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not.
    Public,
    /// Any logged-in user.
    LoggedIn,
    /// Logged-in users with one of these roles.
    Roles(&'static [Role]),
}

/// The policy division only.
pub const ADMIN: Access = Access::Roles(&[Role::Admin]);

/// Those who comment on drafts: the policy division and the reform committee
/// ([`kaikaku_model::workflow::may_comment`]).
pub const COMMENTERS: Access = Access::Roles(&[Role::Admin, Role::Reviewer]);

impl Access {
    /// Whether a visitor with `role` (`None`: anonymous) may use the route.
    pub fn allows(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Access::Public, _) => true,
            (_, None) => false,
            (Access::LoggedIn, Some(_)) => true,
            (Access::Roles(roles), Some(role)) => roles.contains(&role),
        }
    }
}

/// Whether the page cache keeps a route's answers ([`crate::page_cache`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cache {
    /// Never: drafts, forms, sessions, search results.
    Never,
    /// Kept for anonymous visitors while nothing is published: the answer is the same for
    /// every anonymous visitor until the store's publication stamp changes (published pages).
    Anonymous,
}

/// Attached to an answer of a kept route that must not be kept after all (a PDF, which the
/// server keeps in its own `PdfCache`).
#[derive(Clone, Copy, Debug)]
pub struct NotKept;

/// What the table says about one route: its method, its path in axum's syntax
/// (`/plans/{plan_id}/{fiscal_year}`), who may use it and whether its answers are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteSpec {
    /// The HTTP method (GET also answers HEAD).
    pub method: Method,
    /// The path pattern.
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
    /// Whether anonymous visitors' answers are kept.
    pub cache: Cache,
    /// Whether the route is expensive (a long page, a whole edition, a search, a PDF): one
    /// user runs at most a few such requests at once.
    pub heavy: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_by_role() {
        let reviewers = Access::Roles(&[Role::Admin, Role::Reviewer]);
        for role in [
            None,
            Some(Role::Admin),
            Some(Role::Editor),
            Some(Role::Reviewer),
        ] {
            assert!(Access::Public.allows(role));
            assert_eq!(Access::LoggedIn.allows(role), role.is_some());
            assert_eq!(ADMIN.allows(role), role == Some(Role::Admin));
            assert_eq!(
                reviewers.allows(role),
                matches!(role, Some(Role::Admin | Role::Reviewer))
            );
        }
    }
}
