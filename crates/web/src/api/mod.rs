//! The JSON API under `/api/v1/`: everything the pages do, for scripts and other systems.
//!
//! The routes are lines of the one route table ([`crate::routes::table`]) with the same
//! [`crate::routes::Access`] as the pages, and every write and every decision goes through
//! the reporting-cycle service that the pages use ([`crate::cycle::service`]), so the API can
//! never allow what a page refuses. What the API adds is only the wire: reading JSON bodies
//! ([`body`]), the shapes of its answers ([`wire`]) — reports and items in the published
//! interchange format of `kaikaku-interchange` (`docs/json-format.md`), never a second JSON
//! for the same thing — and errors as JSON ([`error`]).
//!
//! The document describing every route is [`openapi`], served at `/api/v1/openapi.json`; a
//! test fails when a route of the table is missing from it or it names a route that does not
//! exist.
//!
//! | route | what | who |
//! |---|---|---|
//! | `GET /api/v1/openapi.json` | the OpenAPI 3.1 document | anyone |
//! | `GET /api/v1/session` | who is logged in, and the CSRF token for writes | logged in |
//! | `GET /api/v1/plans` | plans and their published editions | anyone |
//! | `GET /api/v1/plans/{plan_id}/{fiscal_year}` | a published edition (`ReportJson` + revision) | anyone |
//! | `GET /api/v1/plans/{plan_id}/{fiscal_year}/items/{no}` | one published item (`ItemJson`) | anyone |
//! | `GET /api/v1/plans/{plan_id}/{fiscal_year}/dashboard` | the dashboard figures of a published edition | anyone |
//! | `GET /api/v1/plans/{plan_id}/compare?from=Y1&to=Y2` | two published editions compared item by item | anyone |
//! | `GET /api/v1/search?q=…` | full-text search: hits with snippets and match spans (drafts too when logged in) | anyone |
//! | `GET /api/v1/editions`, `GET /api/v1/editions/{id}` | every edition; one with its progress board | logged in |
//! | `GET /api/v1/editions/{id}/sheets/{no}`, `…/history` | a sheet with comments, findings, waivers; its audit log, oldest first, 20 entries a page (`?page=N`) | logged in |
//! | `PUT /api/v1/editions/{id}/sheets/{no}` | save (`{version, item}`; stale → 409 with the sheet now) | logged in; the service decides (editors: own department) |
//! | `POST …/sheets/{no}/transitions` | submit, return, confirm, reopen | logged in; the service decides |
//! | `POST …/sheets/{no}/comments`, `…/comments/{comment_id}/resolve` | comments | admin, reviewer |
//! | `POST …/sheets/{no}/waivers` | accept a finding with a reason | admin |
//! | `POST /api/v1/cycle`, `POST /api/v1/editions/{id}/lock`, `…/unlock`, `…/publish`, `…/correction` | open a year, lock, unlock, publish, correct | admin |
//!
//! Writes need the session cookie and its CSRF token in the `X-CSRF-Token` header (from
//! `GET /api/v1/session`); bodies are `application/json` (415 otherwise), at most
//! [`body::MAX_JSON_BYTES`] (413), and malformed JSON is a 400 whose Japanese message names
//! the problem and where it is.

pub(crate) mod analysis;
pub(crate) mod body;
pub(crate) mod cycle;
pub(crate) mod openapi;
pub(crate) mod published;
pub(crate) mod session;
pub(crate) mod wire;

pub(crate) use crate::http::api_error::ApiError;
pub(crate) use body::ApiJson;
