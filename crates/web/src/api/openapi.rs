//! The OpenAPI 3.1 document of `/api/v1`, served at `GET /api/v1/openapi.json`: every route,
//! its parameters, request and response bodies, the error shape and the security (the session
//! cookie, and the `X-CSRF-Token` header for writes).
//!
//! Written by hand with `serde_json::json!`, in one place: [`operations`] lists every
//! operation, [`schemas`] every shape. The report and item schemas are those of
//! `docs/json-format.md` (the `kaikaku-interchange` structs). A test of the route table
//! (`routes.rs`) compares [`document`] with it, both ways: a route added to the table without
//! being documented here, or an operation documented for no route, fails it.

use axum::Json;
use serde_json::{Map, Value, json};

use super::body::MAX_JSON_BYTES;
use super::wire::{edition_states, sheet_states};

/// `GET /api/v1/openapi.json`.
pub(crate) async fn serve() -> Json<Value> {
    Json(document())
}

/// One documented operation.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The HTTP method, lower case (`get`, `put`, `post`).
    pub method: &'static str,
    /// The path in the route table's syntax, which is OpenAPI's (`/api/v1/editions/{id}`).
    pub path: &'static str,
    /// The operation object.
    pub spec: Value,
}

/// The whole document.
pub(crate) fn document() -> Value {
    let mut paths = Map::new();
    for operation in operations() {
        let entry = paths
            .entry(operation.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(methods) = entry {
            methods.insert(operation.method.to_owned(), operation.spec);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "kaikaku API",
            "version": "1",
            "x-max-body-bytes": MAX_JSON_BYTES,
            "summary": "行政改革 集中改革プラン 取組実績: 公開中の報告と報告サイクル",
            "description": concat!(
                "The JSON API of kaikaku. Published editions are open to anyone; the reporting ",
                "cycle needs a log-in and follows the same rules as the pages (editors edit their ",
                "department's sheets, reviewers read and comment, the policy division (admin) ",
                "reviews, locks and publishes).\n\n",
                "Log in with `POST /login` (form fields `username`, `password`), keep the ",
                "`kaikaku_session` cookie, and read the CSRF token from `GET /api/v1/session`. ",
                "Every write (PUT, POST) sends it in the `X-CSRF-Token` header and a JSON body ",
                "(`Content-Type: application/json`).\n\n",
                "Reports and items are the interchange format of docs/json-format.md: ",
                "Gregorian fiscal years with 和暦 labels beside them, exact decimals as strings, ",
                "null rather than missing fields. The format only grows: ignore fields you do ",
                "not know.\n\n",
                "Errors are `{\"error\": \"…\"}` with a Japanese message: 400 malformed JSON, ",
                "401 not logged in, 403 not allowed (or no CSRF token), 404 not found, ",
                "409 conflict (a stale version: the body carries the sheet as it is now; a ",
                "state that does not allow the action), 413 body too large, 415 not JSON, ",
                "422 a value that does not convert (the body names the field)."
            ),
        },
        "servers": [{ "url": "/" }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "kaikaku_session",
                    "description": "The session cookie set by `POST /login` (8 hours).",
                },
                "csrf": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRF-Token",
                    "description": "The session's CSRF token (`csrf_token` of `GET /api/v1/session`), required on every write.",
                },
            },
            "schemas": schemas(),
        },
    })
}

/// Every operation of the API.
pub(crate) fn operations() -> Vec<Operation> {
    vec![
        Operation {
            method: "get",
            path: "/api/v1/openapi.json",
            spec: json!({
                "operationId": "openapi",
                "summary": "This document",
                "tags": ["meta"],
                "security": [],
                "responses": {
                    "200": { "description": "The OpenAPI 3.1 document.", "content": { "application/json": { "schema": { "type": "object" } } } },
                },
            }),
        },
        Operation {
            method: "get",
            path: "/api/v1/session",
            spec: read(
                "session",
                "Who is logged in, and the CSRF token for writes",
                "meta",
                &[],
                "Session",
                &["401"],
                true,
            ),
        },
        Operation {
            method: "get",
            path: "/api/v1/plans",
            spec: read(
                "listPlans",
                "Plans and their published editions",
                "published",
                &[],
                "Plans",
                &[],
                false,
            ),
        },
        Operation {
            method: "get",
            path: "/api/v1/plans/{plan_id}/{fiscal_year}",
            spec: read(
                "getPublishedEdition",
                "A published edition (latest revision): the report in the interchange format, its revision and findings",
                "published",
                &[plan_id(), fiscal_year()],
                "PublishedEdition",
                &["404", "429"],
                false,
            ),
        },
        Operation {
            method: "get",
            path: "/api/v1/plans/{plan_id}/{fiscal_year}/items/{no}",
            spec: read(
                "getPublishedItem",
                "One item of a published edition",
                "published",
                &[plan_id(), fiscal_year(), item_no()],
                "Item",
                &["404"],
                false,
            ),
        },
        // Dashboards and comparisons of published editions (api/analysis.rs).
        Operation {
            method: "get",
            path: "/api/v1/plans/{plan_id}/{fiscal_year}/dashboard",
            spec: read(
                "getEditionDashboard",
                "The dashboard figures of a published edition: items by state and department, effects in yen per fiscal year and class, last year's forecast against this year's actual, findings",
                "published",
                &[plan_id(), fiscal_year()],
                "Dashboard",
                &["404", "429"],
                false,
            ),
        },
        Operation {
            method: "get",
            path: "/api/v1/plans/{plan_id}/compare",
            spec: read(
                "comparePublishedEditions",
                "Two published editions of a plan compared item by item: text changes per field, value changes, state changes, items added and removed",
                "published",
                &[
                    plan_id(),
                    query_year(
                        "from",
                        "The earlier edition's report fiscal year, Gregorian.",
                        2021,
                    ),
                    query_year(
                        "to",
                        "The later edition's report fiscal year, Gregorian.",
                        2022,
                    ),
                ],
                "Comparison",
                &["400", "404", "429"],
                false,
            ),
        },
        // Full-text search (search.rs).
        Operation {
            method: "get",
            path: "/api/v1/search",
            spec: search_operation(),
        },
        Operation {
            method: "get",
            path: "/api/v1/editions",
            spec: read(
                "listEditions",
                "Every edition, all revisions and states (drafts included)",
                "cycle",
                &[],
                "Editions",
                &["401"],
                true,
            ),
        },
        Operation {
            method: "get",
            path: "/api/v1/editions/{id}",
            spec: read(
                "getEdition",
                "An edition and its progress board",
                "cycle",
                &[edition_id()],
                "EditionBoard",
                &["401", "404", "429"],
                true,
            ),
        },
        Operation {
            method: "get",
            path: "/api/v1/editions/{id}/sheets/{no}",
            spec: read(
                "getSheet",
                "One sheet: content, state, version, copy marks, comments, findings, waivers",
                "cycle",
                &[edition_id(), item_no()],
                "Sheet",
                &["401", "404", "429"],
                true,
            ),
        },
        Operation {
            method: "put",
            path: "/api/v1/editions/{id}/sheets/{no}",
            spec: write(
                "saveSheet",
                "Save a sheet's content",
                "Saves the whole item from the version read. Editors save their department's sheets, the policy division any; nothing changes once the edition is locked. A stale `version` is refused with 409 and the sheet as it is now; an item that does not convert is 422 naming the field. The item number and the reporting department cannot change.",
                &[edition_id(), item_no()],
                "SaveSheetRequest",
                ("200", "The new state and version.", "SheetVersion"),
                &["403", "404", "409", "422"],
            ),
        },
        Operation {
            method: "post",
            path: "/api/v1/editions/{id}/sheets/{no}/transitions",
            spec: write(
                "transitionSheet",
                "Submit, return, confirm or reopen a sheet",
                "`submit` (提出: the department or the policy division), `return` (差戻し, with comments on the fields they concern), `confirm` (確定: refused while a check finding is open and not waived), `reopen` (確定解除). The same version rule as a save.",
                &[edition_id(), item_no()],
                "TransitionRequest",
                ("200", "The new state and version.", "SheetVersion"),
                &["403", "404", "409", "422"],
            ),
        },
        Operation {
            method: "get",
            path: "/api/v1/editions/{id}/sheets/{no}/history",
            spec: read(
                "sheetHistory",
                "A sheet's audit log, oldest first, 20 changes a page: who changed which field when, before and after",
                "cycle",
                &[
                    edition_id(),
                    item_no(),
                    json!({
                        "name": "page",
                        "in": "query",
                        "required": false,
                        "description": "The page, from 1 (the default); a page past the last, 0 or not a number is a 404.",
                        "schema": { "type": "integer", "minimum": 1 },
                        "example": 2,
                    }),
                ],
                "History",
                &["401", "404", "429"],
                true,
            ),
        },
        Operation {
            method: "post",
            path: "/api/v1/editions/{id}/sheets/{no}/comments",
            spec: write(
                "commentSheet",
                "Leave a comment on one field of a sheet",
                "The policy division and reviewers comment on drafts.",
                &[edition_id(), item_no()],
                "CommentRequest",
                ("201", "The comment's id.", "Created"),
                &["403", "404", "409", "422"],
            ),
        },
        Operation {
            method: "post",
            path: "/api/v1/editions/{id}/sheets/{no}/comments/{comment_id}/resolve",
            spec: write_without_body(
                "resolveComment",
                "Mark a comment resolved",
                "The policy division and reviewers resolve comments; a comment already resolved stays as it was.",
                &[
                    edition_id(),
                    item_no(),
                    path_parameter(
                        "comment_id",
                        "The comment id (`id` of the sheet's `comments`).",
                        1,
                    ),
                ],
                ("204", "Resolved.", ""),
                &["403", "404", "409"],
            ),
        },
        Operation {
            method: "post",
            path: "/api/v1/editions/{id}/sheets/{no}/waivers",
            spec: write(
                "waiveFinding",
                "Accept a check finding of a sheet with a reason (admin)",
                "A waived finding no longer blocks 確定. `finding_key` is the `key` of one of the sheet's `findings`.",
                &[edition_id(), item_no()],
                "WaiverRequest",
                ("201", "The waiver's id.", "Created"),
                &["403", "404", "409", "422"],
            ),
        },
        Operation {
            method: "post",
            path: "/api/v1/cycle",
            spec: write(
                "openCycle",
                "Open a report year for a plan (admin)",
                "Every item gets a sheet for the year, carried over from the latest published edition of an earlier year (plan parts kept, narratives and 総評 empty, copied parts marked).",
                &[],
                "OpenCycleRequest",
                ("201", "The new edition.", "Edition"),
                &["403", "404", "409", "422"],
            ),
        },
        Operation {
            method: "post",
            path: "/api/v1/editions/{id}/lock",
            spec: write(
                "lockEdition",
                "Lock an edition with its 基準日 (admin)",
                "Refused (409) while a sheet is not 確定.",
                &[edition_id()],
                "LockRequest",
                ("200", "The edition as it is now.", "Edition"),
                &["403", "404", "409", "422"],
            ),
        },
        Operation {
            method: "post",
            path: "/api/v1/editions/{id}/unlock",
            spec: write_without_body(
                "unlockEdition",
                "Take a locked edition back to open (admin)",
                "Refused (409) unless the edition is locked.",
                &[edition_id()],
                ("200", "The edition as it is now.", "Edition"),
                &["403", "404", "409"],
            ),
        },
        Operation {
            method: "post",
            path: "/api/v1/editions/{id}/publish",
            spec: write_without_body(
                "publishEdition",
                "Publish a locked edition (admin)",
                "From then on it never changes; a later correction is a new revision.",
                &[edition_id()],
                ("200", "The edition as it is now.", "Edition"),
                &["403", "404", "409"],
            ),
        },
        Operation {
            method: "post",
            path: "/api/v1/editions/{id}/correction",
            spec: write(
                "openCorrection",
                "Open a correction (訂正) of a published edition (admin)",
                "A copy as the next revision, open, every sheet 入力中; publishing it replaces the edition on the public pages, with its change list.",
                &[edition_id()],
                "CorrectionRequest",
                ("201", "The new revision.", "Edition"),
                &["403", "404", "409", "422"],
            ),
        },
    ]
}

/// A GET operation answering `schema`; `errors` beside 500; `logged_in` adds the session.
fn read(
    id: &str,
    summary: &str,
    tag: &str,
    parameters: &[Value],
    schema: &str,
    errors: &[&str],
    logged_in: bool,
) -> Value {
    let mut responses = Map::new();
    responses.insert(
        "200".to_owned(),
        json!({ "description": "OK", "content": { "application/json": { "schema": reference(schema) } } }),
    );
    add_errors(&mut responses, errors);
    let security = if logged_in {
        json!([{ "session": [] }])
    } else {
        json!([])
    };
    json!({
        "operationId": id,
        "summary": summary,
        "tags": [tag],
        "parameters": parameters,
        "security": security,
        "responses": responses,
    })
}

/// A write with a JSON body of `request`.
fn write(
    id: &str,
    summary: &str,
    description: &str,
    parameters: &[Value],
    request: &str,
    success: (&str, &str, &str),
    errors: &[&str],
) -> Value {
    let mut spec = write_without_body(id, summary, description, parameters, success, errors);
    if let Value::Object(object) = &mut spec {
        object.insert(
            "requestBody".to_owned(),
            json!({
                "required": true,
                "content": { "application/json": { "schema": reference(request) } },
            }),
        );
        if let Some(Value::Object(responses)) = object.get_mut("responses") {
            add_errors(responses, &["400", "413", "415"]);
        }
    }
    spec
}

/// A write without a body (`POST …/publish`).
fn write_without_body(
    id: &str,
    summary: &str,
    description: &str,
    parameters: &[Value],
    (status, what, schema): (&str, &str, &str),
    errors: &[&str],
) -> Value {
    let mut responses = Map::new();
    let answer = if schema.is_empty() {
        json!({ "description": what })
    } else {
        json!({ "description": what, "content": { "application/json": { "schema": reference(schema) } } })
    };
    responses.insert(status.to_owned(), answer);
    add_errors(&mut responses, &["401"]);
    add_errors(&mut responses, errors);
    json!({
        "operationId": id,
        "summary": summary,
        "description": description,
        "tags": ["cycle"],
        "parameters": parameters,
        "security": [{ "session": [], "csrf": [] }],
        "responses": responses,
    })
}

/// The error responses `statuses`, and 500 (always possible).
fn add_errors(responses: &mut Map<String, Value>, statuses: &[&str]) {
    for status in statuses.iter().copied().chain(["500"]) {
        let (description, schema) = match status {
            "400" => (
                "The body is not JSON or not the shape expected, or a query parameter is malformed (the message names the problem).",
                "Error",
            ),
            "401" => ("Not logged in.", "Error"),
            "403" => (
                "The role or department may not do this, or the CSRF token is missing or wrong.",
                "Error",
            ),
            "404" => ("No such plan, year, edition or item.", "Error"),
            "409" => (
                "A stale version (the sheet as it is now is in `current`), or a state that does not allow the action.",
                "Conflict",
            ),
            "413" => (
                "The body is larger than the limit (`x-max-body-bytes` of the document's info).",
                "Error",
            ),
            "415" => ("The body is not `application/json`.", "Error"),
            "422" => ("A value that does not convert; `field` names it.", "Error"),
            "429" => (
                "The user (or, anonymous, the address) has as many expensive requests running as allowed; try again after `Retry-After` seconds.",
                "Error",
            ),
            _ => (
                "The server failed; the cause is logged, not shown.",
                "Error",
            ),
        };
        responses.insert(
            status.to_owned(),
            json!({ "description": description, "content": { "application/json": { "schema": reference(schema) } } }),
        );
    }
}

fn reference(schema: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{schema}") })
}

fn path_parameter(name: &str, description: &str, example: i64) -> Value {
    json!({
        "name": name,
        "in": "path",
        "required": true,
        "description": description,
        "schema": { "type": "integer", "minimum": 1 },
        "example": example,
    })
}

fn plan_id() -> Value {
    path_parameter(
        "plan_id",
        "The plan id (`plan_id` of `GET /api/v1/plans`).",
        1,
    )
}

fn fiscal_year() -> Value {
    path_parameter(
        "fiscal_year",
        "The report fiscal year, Gregorian (令和3年度 = 2021).",
        2021,
    )
}

fn query_year(name: &str, description: &str, example: i64) -> Value {
    json!({
        "name": name,
        "in": "query",
        "required": true,
        "description": description,
        "schema": { "type": "integer", "minimum": 1868, "maximum": 2200 },
        "example": example,
    })
}

fn item_no() -> Value {
    path_parameter("no", "The item number (No.19 → 19).", 19)
}

fn edition_id() -> Value {
    path_parameter("id", "The edition id (`id` of `GET /api/v1/editions`).", 3)
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn nullable(kind: &str) -> Value {
    json!({ "type": [kind, "null"] })
}

fn list(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

fn decimal() -> Value {
    json!({ "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$", "description": "An exact decimal, as a string." })
}

/// An object whose properties are all present in answers. The ones the interchange format
/// leaves optional on input (`line`, `yen`, the derived `*_label`s) are not `required`, so
/// that the same schema describes what a client sends.
fn object(description: &str, properties: Value) -> Value {
    let required: Vec<String> = properties
        .as_object()
        .map(|p| {
            p.keys()
                .filter(|key| !matches!(key.as_str(), "line" | "yen") && !key.ends_with("_label"))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
    })
}

/// An input object: `required` only, the other fields optional.
fn input(description: &str, properties: Value, required: &[&str]) -> Value {
    json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
    })
}

/// Every schema of the document.
fn schemas() -> Value {
    let year = json!({ "type": "integer", "minimum": 1868, "maximum": 2200, "description": "A fiscal year, Gregorian." });
    let line = json!({ "type": "integer", "minimum": 0, "description": "Source line, from 1; 0 when unknown. Optional on input." });
    let label = json!({ "type": ["string", "null"], "description": "The year in 和暦; derived, ignored on input." });
    let sheet_state = json!({ "type": "string", "enum": sheet_states() });
    let edition_state = json!({ "type": "string", "enum": edition_states() });
    let mut schemas = Map::new();
    schemas.insert("Error".to_owned(), json!({
            "type": "object",
            "description": "An error: a Japanese message; some errors add fields (`field`: the JSON path of a value that does not convert; `fields`: each part of a saved sheet past a limit or missing).",
            "properties": {
                "error": string(),
                "field": string(),
                "fields": list(json!({
                    "type": "object",
                    "description": "A part of the sheet past a limit (length, control characters, rows) or missing (an empty title, a repeated action number).",
                    "properties": {
                        "field": { "type": ["string", "null"], "description": "The part of the sheet (`title`, `contents.0`, `actions` …)." },
                        "path": { "type": "string", "description": "The input within it (`contents.0.cells.2021`, `actions.2.no`, `effects.0.q.1.label` …)." },
                        "message": string(),
                    },
                    "required": ["field", "path", "message"],
                })),
            },
            "required": ["error"],
        }));
    schemas.insert("Conflict".to_owned(), json!({
            "type": "object",
            "description": "409. For a stale version: `current_version` and `current` (the sheet as it is now, the same shape as GET of the sheet).",
            "properties": {
                "error": string(),
                "current_version": { "type": "integer" },
                "current": reference("Sheet"),
            },
            "required": ["error"],
        }));
    // The interchange format (docs/json-format.md).
    schemas.insert(
        "Report".to_owned(),
        object(
            "A progress report in the interchange format (docs/json-format.md).",
            json!({
                "title": string(),
                "plan_name": string(),
                "report_fiscal_year": nullable("integer"),
                "report_fiscal_year_label": label,
                "fiscal_years": list(year.clone()),
                "summary": list(reference("SummaryRow")),
                "items": list(reference("Item")),
                "warnings": list(reference("Warning")),
            }),
        ),
    );
    schemas.insert(
        "SummaryRow".to_owned(),
        object(
            "A row of the summary table.",
            json!({
                "no": { "type": "integer" },
                "title": string(),
                "reporting_department": string(),
                "line": line,
            }),
        ),
    );
    schemas.insert("Item".to_owned(), object("One item's sheet in the interchange format. On input, `*_label`, `yen` and `line` may be left out.", json!({
            "no": { "type": "integer", "minimum": 1 },
            "title": string(),
            "reporting_department": nullable("string"),
            "departments": list(string()),
            "contents": list(reference("Content")),
            "goal": nullable("string"),
            "actions": list(reference("Action")),
            "narratives": list(reference("Narrative")),
            "effects": list(reference("Effect")),
            "evaluation": { "oneOf": [reference("Evaluation"), { "type": "null" }] },
            "reposts": list(reference("Repost")),
            "line": line,
        })));
    schemas.insert(
        "Content".to_owned(),
        object(
            "改善・推進の内容 with its schedule.",
            json!({
                "text": string(),
                "schedule": list(reference("ScheduleCell")),
                "line": line,
            }),
        ),
    );
    schemas.insert(
        "ScheduleCell".to_owned(),
        input(
            "Which main actions run in one fiscal year; `text` (the cell as written) is optional on input.",
            json!({
                "fiscal_year": year,
                "actions": list(json!({ "type": "integer", "minimum": 0, "maximum": 255 })),
                "phase": nullable("string"),
                "text": string(),
            }),
            &["fiscal_year", "actions", "phase"],
        ),
    );
    schemas.insert(
        "Action".to_owned(),
        object(
            "A numbered main action (主な取組内容).",
            json!({
                "no": { "type": "integer", "minimum": 0, "maximum": 255 },
                "text": string(),
            }),
        ),
    );
    schemas.insert(
        "Narrative".to_owned(),
        object(
            "A yearly narrative (【令和3年度（実績）】).",
            json!({
                "fiscal_year": year,
                "fiscal_year_label": label,
                "kind": { "type": "string", "enum": ["actual", "forecast", "plan"] },
                "text": string(),
                "line": line,
            }),
        ),
    );
    schemas.insert(
        "Effect".to_owned(),
        object(
            "A row of 取組による効果.",
            json!({
                "fiscal_year": nullable("integer"),
                "fiscal_year_label": label,
                "is_total": { "type": "boolean" },
                "text": string(),
                "quantities": list(reference("Quantity")),
                "line": line,
            }),
        ),
    );
    schemas.insert("Quantity".to_owned(), object("An exact value with its unit.", json!({
            "label": string(),
            "value": decimal(),
            "unit": { "type": "string", "description": "円, 千円, 万円, 百万円, 億円, %, 点, ㎡, or a counter word (件, 人, 施設 …)." },
            "status": { "type": ["string", "null"], "enum": ["actual", "plan", "target", "forecast", null] },
            "yen": { "type": ["string", "null"], "description": "The value in yen for money units; derived, ignored on input." },
        })));
    schemas.insert(
        "Evaluation".to_owned(),
        object(
            "総評.",
            json!({
                "fiscal_year": year,
                "fiscal_year_label": label,
                "text": string(),
                "line": line,
            }),
        ),
    );
    schemas.insert(
        "Repost".to_owned(),
        object(
            "An item whose entries are reposted here.",
            json!({
                "item_no": { "type": "integer" },
            }),
        ),
    );
    schemas.insert(
        "Warning".to_owned(),
        object(
            "Something the reader could not place.",
            json!({
                "line": { "type": "integer" },
                "message": string(),
            }),
        ),
    );
    schemas.insert("Finding".to_owned(), object("A stated total that does not add up (`kaikaku check`).", json!({
            "item_no": { "type": "integer" },
            "kind": { "type": "string", "description": "`total_mismatch` or `stated_sum_mismatch`; more may be added." },
            "kind_label": string(),
            "unit": string(),
            "stated": decimal(),
            "computed": decimal(),
            "difference": decimal(),
            "message": string(),
            "line": { "type": "integer" },
            "label": string(),
            "fiscal_year": nullable("integer"),
            "fiscal_year_label": nullable("string"),
            "explanation": { "oneOf": [reference("Explanation"), { "type": "null" }] },
        })));
    schemas.insert(
        "Explanation".to_owned(),
        object(
            "A value elsewhere in the item that equals the difference.",
            json!({
                "value": decimal(),
                "unit": string(),
                "label": string(),
                "line": { "type": "integer" },
                "place": string(),
            }),
        ),
    );
    // Published data.
    schemas.insert(
        "Plans".to_owned(),
        object(
            "Plans with published editions.",
            json!({
                "plans": list(reference("Plan")),
            }),
        ),
    );
    schemas.insert(
        "Plan".to_owned(),
        object(
            "A plan and its published editions, newest year first.",
            json!({
                "plan_id": { "type": "integer" },
                "plan_name": string(),
                "editions": list(reference("PublishedEditionRef")),
            }),
        ),
    );
    schemas.insert(
        "PublishedEditionRef".to_owned(),
        object(
            "A published edition as listed.",
            json!({
                "fiscal_year": { "type": "integer" },
                "fiscal_year_label": string(),
                "title": string(),
                "items": { "type": "integer" },
                "revision": { "type": "integer" },
                "published_at": nullable("string"),
                "origin": { "type": "string", "enum": ["import", "cycle"] },
                "url": string(),
                "page": string(),
            }),
        ),
    );
    schemas.insert("PublishedEdition".to_owned(), json!({
            "description": "A published edition: a Report with the edition's publication data and check findings beside its fields.",
            "allOf": [
                reference("Report"),
                object("Publication data.", json!({
                    "plan_id": { "type": "integer" },
                    "revision": { "type": "integer" },
                    "published_at": nullable("string"),
                    "base_date": { "type": ["string", "null"], "format": "date" },
                    "correction_note": nullable("string"),
                    "findings": list(reference("Finding")),
                })),
            ],
        }));
    // The session.
    schemas.insert("Session".to_owned(), object("Who is logged in.", json!({
            "name": string(),
            "role": { "type": "string", "enum": ["admin", "editor", "reviewer"] },
            "role_label": string(),
            "department": nullable("string"),
            "csrf_token": { "type": "string", "description": "Send it in `X-CSRF-Token` with every write." },
        })));
    // The reporting cycle.
    schemas.insert(
        "Editions".to_owned(),
        object(
            "Every edition.",
            json!({
                "editions": list(reference("Edition")),
            }),
        ),
    );
    schemas.insert(
        "Edition".to_owned(),
        object(
            "An edition: a plan's report for one year, one revision.",
            json!({
                "id": { "type": "integer" },
                "plan_id": { "type": "integer" },
                "plan_name": string(),
                "fiscal_year": { "type": "integer" },
                "fiscal_year_label": string(),
                "revision": { "type": "integer" },
                "state": edition_state,
                "state_label": string(),
                "origin": { "type": "string", "enum": ["import", "cycle"] },
                "title": string(),
                "items": { "type": "integer" },
                "due_date": { "type": ["string", "null"], "format": "date" },
                "base_date": { "type": ["string", "null"], "format": "date" },
                "opened_at": nullable("string"),
                "locked_at": nullable("string"),
                "published_at": nullable("string"),
                "correction_note": nullable("string"),
            }),
        ),
    );
    schemas.insert(
        "EditionBoard".to_owned(),
        json!({
            "description": "An edition with its progress board.",
            "allOf": [
                reference("Edition"),
                object("The board.", json!({
                    "today": { "type": "string", "format": "date", "description": "The day due dates are compared with (Japan time)." },
                    "sheets": list(reference("SheetRow")),
                })),
            ],
        }),
    );
    schemas.insert(
        "SheetRow".to_owned(),
        object(
            "One sheet on the progress board.",
            json!({
                "no": { "type": "integer" },
                "title": string(),
                "reporting_department": nullable("string"),
                "state": sheet_state.clone(),
                "state_label": string(),
                "version": { "type": "integer" },
                "updated_at": nullable("string"),
                "updated_by": nullable("string"),
                "open_comments": { "type": "integer" },
                "overdue": { "type": "boolean", "description": "Not submitted and the edition's due date has passed." },
                "editable": { "type": "boolean", "description": "The user may save the sheet now." },
                "own": { "type": "boolean", "description": "The sheet is the user's department's." },
            }),
        ),
    );
    schemas.insert("Sheet".to_owned(), object("One sheet of an edition.", json!({
            "edition_id": { "type": "integer" },
            "edition_state": edition_state,
            "item": reference("Item"),
            "state": sheet_state.clone(),
            "state_label": string(),
            "version": { "type": "integer" },
            "updated_at": nullable("string"),
            "updated_by": nullable("string"),
            "copied": list(json!({ "type": "string", "description": "A field path: `contents.0`, `goal` …" })),
            "previous_forecast": { "type": ["string", "null"], "description": "Last year's 見込み for the report year, shown beside the new 実績." },
            "comments": list(reference("Comment")),
            "findings": list(reference("SheetFinding")),
            "waivers": list(reference("Waiver")),
            "permissions": reference("Permissions"),
        })));
    schemas.insert("Permissions".to_owned(), object("What the user may do to the sheet now.", json!({
            "save": { "type": "boolean" },
            "submit": { "type": "boolean" },
            "return": { "type": "boolean" },
            "confirm": { "type": "boolean", "description": "Still refused while a finding is open." },
            "reopen": { "type": "boolean" },
            "comment": { "type": "boolean" },
            "waive": { "type": "boolean" },
        })));
    schemas.insert("SheetFinding".to_owned(), json!({
            "description": "A finding of the sheet, with its key (for a waiver) and whether it is waived.",
            "allOf": [
                reference("Finding"),
                object("Its place in the cycle.", json!({
                    "key": string(),
                    "field": { "type": ["string", "null"], "description": "The field it concerns (`effects.4`, `narratives.1`)." },
                    "waived": { "type": "boolean" },
                })),
            ],
        }));
    schemas.insert(
        "Comment".to_owned(),
        object(
            "A remark on one field.",
            json!({
                "id": { "type": "integer" },
                "field": string(),
                "field_label": string(),
                "author": string(),
                "body": string(),
                "created_at": string(),
                "resolved_at": nullable("string"),
                "resolved_by": nullable("string"),
            }),
        ),
    );
    schemas.insert(
        "Waiver".to_owned(),
        object(
            "A finding accepted with a reason.",
            json!({
                "id": { "type": "integer" },
                "finding_key": string(),
                "reason": string(),
                "user": string(),
                "at": string(),
            }),
        ),
    );
    schemas.insert(
        "History".to_owned(),
        object(
            "A page of a sheet's audit log, oldest first.",
            json!({
                "entries": list(reference("AuditEntry")),
                "page": { "type": "integer", "minimum": 1 },
                "pages": { "type": "integer", "minimum": 1 },
                "total": { "type": "integer", "minimum": 0 },
            }),
        ),
    );
    schemas.insert(
        "AuditEntry".to_owned(),
        object(
            "One journaled change. A text longer than a field may be now (10,000 characters) is cut to that length; `before_chars` and `after_chars` are the whole lengths.",
            json!({
                "id": { "type": "integer" },
                "at": string(),
                "user": nullable("string"),
                "field": string(),
                "field_label": string(),
                "before": string(),
                "after": string(),
                "before_chars": { "type": "integer", "minimum": 0 },
                "after_chars": { "type": "integer", "minimum": 0 },
            }),
        ),
    );
    schemas.insert(
        "SheetVersion".to_owned(),
        object(
            "A sheet after a write.",
            json!({
                "state": sheet_state,
                "state_label": string(),
                "version": { "type": "integer" },
            }),
        ),
    );
    schemas.insert(
        "Created".to_owned(),
        object("Something created.", json!({ "id": { "type": "integer" } })),
    );
    // Requests.
    schemas.insert(
        "SaveSheetRequest".to_owned(),
        input(
            "A save: the version read and the whole item.",
            json!({
                "version": { "type": "integer" },
                "item": reference("Item"),
                "submit": { "type": "boolean", "default": false, "description": "Submit in the same transaction (保存して提出; only from 入力中)." },
            }),
            &["version", "item"],
        ),
    );
    schemas.insert(
        "TransitionRequest".to_owned(),
        input(
            "A state change.",
            json!({
                "action": { "type": "string", "enum": ["submit", "return", "confirm", "reopen"] },
                "version": { "type": "integer" },
                "comments": list(reference("CommentRequest")),
            }),
            &["action", "version"],
        ),
    );
    schemas.insert("CommentRequest".to_owned(), input("A remark on one field.", json!({
            "field": { "type": "string", "description": "title, departments, contents.N, goal, actions, narratives.N, effects.N or evaluation." },
            "body": string(),
        }), &["field", "body"]));
    schemas.insert(
        "OpenCycleRequest".to_owned(),
        input(
            "A report year to open.",
            json!({
                "plan_id": { "type": "integer" },
                "fiscal_year": { "type": "integer" },
                "due_date": { "type": ["string", "null"], "format": "date" },
            }),
            &["plan_id", "fiscal_year"],
        ),
    );
    schemas.insert(
        "LockRequest".to_owned(),
        input(
            "基準日.",
            json!({
                "base_date": { "type": "string", "format": "date" },
            }),
            &["base_date"],
        ),
    );
    schemas.insert(
        "CorrectionRequest".to_owned(),
        input(
            "Why the correction is made.",
            json!({
                "note": string(),
            }),
            &["note"],
        ),
    );
    schemas.insert(
        "WaiverRequest".to_owned(),
        input(
            "A finding to accept.",
            json!({
                "finding_key": string(),
                "reason": string(),
            }),
            &["finding_key", "reason"],
        ),
    );
    analysis_schemas(&mut schemas);
    search_schemas(&mut schemas);
    Value::Object(schemas)
}

/// `GET /api/v1/search`: published editions for anyone, drafts too with a session.
fn search_operation() -> Value {
    let mut spec = read(
        "search",
        "Full-text search over the sheets: items whose texts hold every word of `q` (full-width/half-width, katakana/hiragana and case do not matter), newest fiscal year first, at most 50",
        "published",
        &[
            json!({
                "name": "q",
                "in": "query",
                "required": true,
                "description": "Words separated by spaces (AND), at most 100 characters and 8 words.",
                "schema": { "type": "string", "maxLength": 100 },
                "example": "研修 職員",
            }),
            json!({
                "name": "municipality",
                "in": "query",
                "required": false,
                "description": "Only the plans of this municipality: its 全国地方公共団体コード, six digits with a valid check digit (400 otherwise). Empty or absent: every municipality.",
                "schema": { "type": "string", "pattern": "^[0-9]{6}$" },
                "example": "131016",
            }),
        ],
        "SearchResults",
        &["400", "429"],
        false,
    );
    spec["description"] = json!(
        "Anonymous clients search the latest published revision of each edition; with a session, editions not published yet (open or locked) are searched too and link to their sheet in the cycle."
    );
    spec
}

/// The answer of the search (search.rs).
fn search_schemas(schemas: &mut Map<String, Value>) {
    schemas.insert("SearchResults".to_owned(), object("What a search found.", json!({
        "words": list(string()),
        "with_drafts": { "type": "boolean", "description": "True when drafts were searched (logged in)." },
        "municipality": { "type": ["string", "null"], "description": "The municipality searched (`municipality`), or null for every municipality." },
        "more": { "type": "boolean", "description": "True when more items matched than returned." },
        "hits": list(object("One item that matches, shown by the text that holds the most words.", json!({
            "report_id": { "type": "integer" },
            "plan_id": { "type": "integer" },
            "plan_name": string(),
            "municipality_code": { "type": "string", "description": "The plan's 全国地方公共団体コード; empty when not known." },
            "municipality_name": { "type": "string", "description": "The plan's municipality; empty when not known." },
            "fiscal_year": { "type": "integer", "description": "The report fiscal year, Gregorian." },
            "fiscal_year_label": string(),
            "revision": { "type": "integer" },
            "status": { "type": "string", "enum": ["open", "locked", "published"] },
            "no": { "type": "integer" },
            "title": string(),
            "field": { "type": "string", "description": "The path of the field shown (`title`, `narratives.0` …)." },
            "field_label": string(),
            "href": { "type": "string", "description": "The item's page: the public sheet, or the cycle's sheet of a draft." },
            "snippet": object("About 40 characters around the first match, `…` where cut.", json!({
                "text": string(),
                "marks": list(json!({ "type": "array", "items": { "type": "integer" }, "minItems": 2, "maxItems": 2, "description": "[start, end) in characters of `text`." })),
            })),
        }))),
    })));
}

/// The shapes of the dashboard and the comparison (api/analysis.rs).
fn analysis_schemas(schemas: &mut Map<String, Value>) {
    let year = json!({ "type": "integer", "description": "A fiscal year, Gregorian." });
    let items = list(json!({ "type": "integer", "description": "An item number." }));
    let nullable_decimal = json!({ "type": ["string", "null"], "description": "An exact decimal as a string, or null." });
    let status =
        json!({ "type": ["string", "null"], "enum": ["actual", "plan", "forecast", null] });
    schemas.insert(
        "Count".to_owned(),
        object(
            "A label with the items it counts.",
            json!({
                "label": string(),
                "count": { "type": "integer" },
                "items": items.clone(),
            }),
        ),
    );
    schemas.insert("YearYen".to_owned(), object("Money of one fiscal year in yen, per class (実績, 計画 with 目標, 見込み), with the items behind each.", json!({
        "fiscal_year": year.clone(),
        "fiscal_year_label": string(),
        "actual": decimal(),
        "plan": decimal(),
        "forecast": decimal(),
        "total": decimal(),
        "items": object("The items behind each class.", json!({
            "actual": items.clone(),
            "plan": items.clone(),
            "forecast": items.clone(),
        })),
    })));
    schemas.insert("Dashboard".to_owned(), object("The dashboard of a published edition; `rules` states how each figure is computed (Japanese).", json!({
        "plan_id": { "type": "integer" },
        "plan_name": string(),
        "fiscal_year": year.clone(),
        "fiscal_year_label": string(),
        "item_count": { "type": "integer" },
        "by_state": list(reference("Count")),
        "by_department": list(reference("Count")),
        "yen_by_year": list(reference("YearYen")),
        "yen_by_item": list(object("One item's money per fiscal year.", json!({
            "no": { "type": "integer" },
            "title": string(),
            "years": list(reference("YearYen")),
        }))),
        "previous_fiscal_year": nullable("integer"),
        "forecast_vs_actual": list(object("Last year's forecast (見込み) for the report year against this year's actual (実績), per item and unit (円 for money).", json!({
            "no": { "type": "integer" },
            "title": string(),
            "fiscal_year": year.clone(),
            "unit": string(),
            "forecast": nullable_decimal.clone(),
            "actual": nullable_decimal.clone(),
            "difference": nullable_decimal.clone(),
        }))),
        "findings": list(reference("Finding")),
        "rules": object("How the figures are computed.", json!({
            "by_state": string(),
            "yen": string(),
            "forecast_vs_actual": string(),
        })),
    })));
    schemas.insert("Comparison".to_owned(), object("Two editions of a plan item by item: every item of either edition, the later edition's order first, then the removed ones.", json!({
        "plan_id": { "type": "integer" },
        "plan_name": string(),
        "from": year.clone(),
        "from_label": string(),
        "to": year.clone(),
        "to_label": string(),
        "items": list(object("One item across the editions.", json!({
            "no": { "type": "integer" },
            "title": string(),
            "presence": { "type": "string", "enum": ["both", "added", "removed"] },
            "state_from": nullable("string"),
            "state_to": nullable("string"),
            "state_changed": { "type": "boolean" },
            "changes": list(object("A field whose text differs (`field` is a path of the sheet).", json!({
                "field": string(),
                "label": string(),
                "before": string(),
                "after": string(),
                "diff": list(object("A run of the diff.", json!({
                    "op": { "type": "string", "enum": ["same", "del", "ins"] },
                    "text": string(),
                }))),
            }))),
            "deltas": list(object("A value of the effects table that differs: same label, fiscal year and unit (円 for money).", json!({
                "label": string(),
                "fiscal_year": year.clone(),
                "fiscal_year_label": string(),
                "unit": string(),
                "from_status": status.clone(),
                "from": nullable_decimal.clone(),
                "to_status": status.clone(),
                "to": nullable_decimal.clone(),
                "delta": nullable_decimal.clone(),
            }))),
        }))),
    })));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `$ref` names a schema of the document.
    #[test]
    fn every_reference_resolves() {
        fn walk(value: &Value, schemas: &Map<String, Value>) {
            match value {
                Value::Object(object) => {
                    if let Some(Value::String(target)) = object.get("$ref") {
                        let name = target
                            .strip_prefix("#/components/schemas/")
                            .expect("a schema reference");
                        assert!(schemas.contains_key(name), "{target} does not resolve");
                    }
                    object.values().for_each(|v| walk(v, schemas));
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, schemas)),
                _ => {}
            }
        }
        let document = document();
        let schemas = document["components"]["schemas"]
            .as_object()
            .expect("schemas");
        walk(&document, schemas);
    }

    /// Operation ids are unique, and every path parameter is declared.
    #[test]
    fn operations_are_well_formed() {
        let operations = operations();
        for (i, operation) in operations.iter().enumerate() {
            let id = operation.spec["operationId"].as_str().expect("an id");
            assert!(
                !operations[..i]
                    .iter()
                    .any(|o| o.spec["operationId"].as_str() == Some(id)),
                "{id} twice"
            );
            let declared: Vec<&str> = operation.spec["parameters"]
                .as_array()
                .map(|p| p.iter().filter_map(|p| p["name"].as_str()).collect())
                .unwrap_or_default();
            for segment in operation.path.split('/') {
                if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    assert!(declared.contains(&name), "{id}: {name} not declared");
                }
            }
        }
    }
}
