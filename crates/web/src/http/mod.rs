//! HTTP plumbing every page and API route stands on: the one error type and how store errors
//! map to statuses ([`error`]), the API's JSON errors ([`api_error`]), path and query
//! extractors that answer 404 for anything malformed ([`extract`]), form bodies ([`forms`]),
//! downloads and conditional responses ([`files`]), the route table's access rules
//! ([`access`]), security headers ([`security`]), the compiled-in stylesheets ([`assets`]) and
//! the health check ([`health`]), and the server's connections with their timeouts and limits
//! ([`server`]). Nothing here knows a page.

pub mod access;
pub(crate) mod api_error;
pub(crate) mod assets;
pub mod error;
pub(crate) mod extract;
pub(crate) mod files;
pub(crate) mod forms;
pub(crate) mod health;
pub mod security;
pub mod server;
