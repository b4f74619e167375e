//! The web server over real HTTP: `kaikaku_web::serve` on `127.0.0.1:0` over a fresh database
//! per test (SQLite, or PostgreSQL with `KAIKAKU_TEST_POSTGRES`), one file per feature, one
//! integration-test binary.
//!
//! Every test starts a [`support::TestApp`] (the bundled samples 楓町 and 桜川市, or the
//! documents it names) and talks to it through the one request helper,
//! [`support::TestApp::send`] with a [`support::Request`]. Tests about the real sample (Osaki
//! City, FY2021) start with `kaikaku_fixtures::skip_without_real_sample!();`.

mod support;

mod account;
mod across;
mod api;
mod authorization;
mod bounded;
mod cycle;
mod dashboards;
mod downloads;
mod login;
mod municipalities;
mod page_cache;
mod public;
mod search;
mod security;
mod slow_clients;
mod users;
