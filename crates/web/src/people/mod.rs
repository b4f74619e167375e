//! People: who is asking ([`auth`]: sessions, the extractors, log-in throttling), the CSRF
//! check ([`csrf`]), logging in and out ([`login`]), the user's own account ([`account`]), user
//! administration for the policy division ([`admin`]), the rules for users that the admin page
//! and the `kaikaku user` command share ([`users`]), error pages drawn for the session
//! ([`error_pages`]) and the per-user limit on expensive pages ([`concurrency`]).

pub(crate) mod account;
pub(crate) mod admin;
pub mod auth;
pub mod concurrency;
pub mod csrf;
pub(crate) mod error_pages;
pub(crate) mod login;
pub mod users;
