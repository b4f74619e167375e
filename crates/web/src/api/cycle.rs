//! The reporting cycle as JSON, for logged-in users: editions, progress boards, sheets and
//! their history (reads), and saves, transitions, comments, waivers, opening a year, locking,
//! publishing and corrections (writes).
//!
//! Every read, write and decision is made by the reporting-cycle service of the pages
//! ([`crate::cycle::service`]): who may do what, the version check, 確定 refused while a
//! finding is open, the texts of refusals. This module only turns JSON into the service's
//! arguments (refusing with 422 what does not convert) and the service's answers into JSON.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use kaikaku_interchange::{FindingJson, InterchangeError, ItemJson};
use kaikaku_model::calendar::parse_date;
use kaikaku_model::workflow::{Field, SheetAction, SheetState};
use kaikaku_model::{FiscalYear, Item};
use kaikaku_store::{Cycle, HistoryOrder, StoreError};

use super::wire::{
    AuditEntryJson, CommentJson, CommentRequest, CorrectionRequest, CreatedJson, EditionBoardJson,
    EditionJson, EditionsJson, HistoryJson, LockRequest, OpenCycleRequest, PermissionsJson,
    SaveSheetRequest, SheetFindingJson, SheetJson, SheetRowJson, SheetVersionJson,
    TransitionRequest, WaiverJson, WaiverRequest,
};
use super::{ApiError, ApiJson};
use crate::cycle::service::{self, Actor, AfterSave, SheetDetail};
use crate::http::extract::{CommentKey, EditionId, SheetKey, page_number};
use crate::people::auth::AuthUser;
use crate::{AppState, Error};

// ---------------------------------------------------------------------------------------------
// Reads.

/// `GET /api/v1/editions`: every edition, all revisions and states.
pub(crate) async fn editions(
    State(state): State<AppState>,
    _user: AuthUser,
) -> Result<Json<EditionsJson>, ApiError> {
    let editions = state.store().list_editions().await.map_err(Error::from)?;
    Ok(Json(EditionsJson {
        editions: editions.iter().map(EditionJson::from).collect(),
    }))
}

/// `GET /api/v1/editions/{id}`: the edition and its progress board.
pub(crate) async fn edition(
    State(state): State<AppState>,
    user: AuthUser,
    EditionId(id): EditionId,
) -> Result<Json<EditionBoardJson>, ApiError> {
    let board = service::board(state.store(), &Actor::from(&*user), id).await?;
    Ok(Json(EditionBoardJson {
        edition: EditionJson::from(&board.edition),
        today: board.today.to_string(),
        sheets: board.rows.iter().map(SheetRowJson::from).collect(),
    }))
}

/// `GET /api/v1/editions/{id}/sheets/{no}`.
pub(crate) async fn sheet(
    State(state): State<AppState>,
    user: AuthUser,
    SheetKey { report_id, no }: SheetKey,
) -> Result<Json<SheetJson>, ApiError> {
    let detail = service::sheet(state.store(), &Actor::from(&*user), report_id, no).await?;
    Ok(Json(sheet_json(&detail)))
}

/// `GET /api/v1/editions/{id}/sheets/{no}/history?page=N`: the audit log, oldest first, a
/// page of [`service::HISTORY_PAGE_SIZE`] entries at a time.
pub(crate) async fn history(
    State(state): State<AppState>,
    _user: AuthUser,
    SheetKey { report_id, no }: SheetKey,
    RawQuery(query): RawQuery,
) -> Result<Json<HistoryJson>, ApiError> {
    let page = page_number(query.as_deref())?;
    let history = service::history(
        state.store(),
        report_id,
        no,
        HistoryOrder::OldestFirst,
        page,
    )
    .await?;
    Ok(Json(HistoryJson {
        entries: history.entries.iter().map(AuditEntryJson::from).collect(),
        page: history.page,
        pages: history.pages,
        total: history.total,
    }))
}

// ---------------------------------------------------------------------------------------------
// Sheet writes.

/// `PUT /api/v1/editions/{id}/sheets/{no}`: saves the content from the version read (and
/// submits it in the same transaction with `"submit": true`).
pub(crate) async fn save(
    State(state): State<AppState>,
    user: AuthUser,
    SheetKey { report_id, no }: SheetKey,
    ApiJson(request): ApiJson<SaveSheetRequest>,
) -> Result<Json<SheetVersionJson>, ApiError> {
    let actor = Actor::from(&*user);
    let item = item_from_json(request.item)?;
    let after = if request.submit {
        AfterSave::Submit
    } else {
        AfterSave::Stay
    };
    let result = service::save_sheet(
        state.store(),
        &actor,
        state.limits(),
        report_id,
        no,
        request.version,
        &item,
        after,
    )
    .await;
    let version = match result {
        Ok(version) => version,
        Err(Error::Invalid(message)) => return Err(invalid(&item, state.limits(), message)),
        Err(error) => return Err(refused(&state, &actor, error).await),
    };
    let action = if request.submit {
        SheetAction::Submit
    } else {
        SheetAction::Save
    };
    Ok(Json(SheetVersionJson::new(target(action), version)))
}

/// `POST /api/v1/editions/{id}/sheets/{no}/transitions`: 提出, 差戻し, 確定, 確定解除.
pub(crate) async fn transition(
    State(state): State<AppState>,
    user: AuthUser,
    SheetKey { report_id, no }: SheetKey,
    ApiJson(request): ApiJson<TransitionRequest>,
) -> Result<Json<SheetVersionJson>, ApiError> {
    let actor = Actor::from(&*user);
    let action = SheetAction::from_code(&request.action)
        .filter(|action| *action != SheetAction::Save)
        .ok_or_else(|| {
            ApiError::unprocessable(format!(
                "「{}」は操作として読めません（submit, return, confirm, reopen のいずれか。保存は PUT で行います）。",
                request.action
            ))
            .with("field", "action".into())
        })?;
    let comments = request
        .comments
        .iter()
        .enumerate()
        .map(|(i, comment)| {
            Ok((
                field(&comment.field, &format!("comments[{i}].field"))?,
                comment.body.clone(),
            ))
        })
        .collect::<Result<Vec<(Field, String)>, ApiError>>()?;
    let result = service::transition(
        state.store(),
        &actor,
        report_id,
        no,
        request.version,
        action,
        &comments,
    )
    .await;
    match result {
        Ok(version) => Ok(Json(SheetVersionJson::new(target(action), version))),
        Err(error) => Err(refused(&state, &actor, error).await),
    }
}

/// `POST /api/v1/editions/{id}/sheets/{no}/comments`: a remark on one field (admins and
/// reviewers).
pub(crate) async fn comment(
    State(state): State<AppState>,
    user: AuthUser,
    SheetKey { report_id, no }: SheetKey,
    ApiJson(request): ApiJson<CommentRequest>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    let field = field(&request.field, "field")?;
    let id = service::add_comment(
        state.store(),
        &Actor::from(&*user),
        report_id,
        no,
        field,
        &request.body,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}

/// `POST /api/v1/editions/{id}/sheets/{no}/comments/{comment_id}/resolve`: marks a comment
/// resolved (admins and reviewers).
pub(crate) async fn resolve(
    State(state): State<AppState>,
    user: AuthUser,
    CommentKey {
        sheet: SheetKey { report_id, no },
        comment_id,
    }: CommentKey,
) -> Result<StatusCode, ApiError> {
    service::resolve_comment(
        state.store(),
        &Actor::from(&*user),
        report_id,
        no,
        comment_id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/editions/{id}/sheets/{no}/waivers`: accepts a check finding with a reason
/// (admin).
pub(crate) async fn waive(
    State(state): State<AppState>,
    user: AuthUser,
    SheetKey { report_id, no }: SheetKey,
    ApiJson(request): ApiJson<WaiverRequest>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    let id = service::waive(
        state.store(),
        &Actor::from(&*user),
        report_id,
        no,
        &request.finding_key,
        &request.reason,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}

// ---------------------------------------------------------------------------------------------
// Edition writes (admin).

/// `POST /api/v1/cycle`: opens a report year for a plan.
pub(crate) async fn open_year(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(request): ApiJson<OpenCycleRequest>,
) -> Result<(StatusCode, Json<EditionJson>), ApiError> {
    let fiscal_year = FiscalYear::new(request.fiscal_year).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "{}は対応範囲外の年度です（西暦で指定してください）。",
            request.fiscal_year
        ))
        .with("field", "fiscal_year".into())
    })?;
    let due_date = request
        .due_date
        .as_deref()
        .filter(|text| !text.trim().is_empty())
        .map(|text| date(text, "due_date", "提出期限"))
        .transpose()?;
    let id = service::open_year(
        state.store(),
        &Actor::from(&*user),
        request.plan_id,
        fiscal_year,
        due_date,
    )
    .await?;
    created_edition(&state, id).await
}

/// `POST /api/v1/editions/{id}/lock`: locks the edition with its 基準日.
pub(crate) async fn lock(
    State(state): State<AppState>,
    user: AuthUser,
    EditionId(id): EditionId,
    ApiJson(request): ApiJson<LockRequest>,
) -> Result<Json<EditionJson>, ApiError> {
    let base_date = date(&request.base_date, "base_date", "基準日")?;
    service::lock(state.store(), &Actor::from(&*user), id, base_date).await?;
    edition_now(&state, id).await
}

/// `POST /api/v1/editions/{id}/unlock`: takes a locked edition back to open.
pub(crate) async fn unlock(
    State(state): State<AppState>,
    user: AuthUser,
    EditionId(id): EditionId,
) -> Result<Json<EditionJson>, ApiError> {
    service::unlock(state.store(), &Actor::from(&*user), id).await?;
    edition_now(&state, id).await
}

/// `POST /api/v1/editions/{id}/publish`: publishes a locked edition.
pub(crate) async fn publish(
    State(state): State<AppState>,
    user: AuthUser,
    EditionId(id): EditionId,
) -> Result<Json<EditionJson>, ApiError> {
    service::publish(state.store(), &Actor::from(&*user), id).await?;
    edition_now(&state, id).await
}

/// `POST /api/v1/editions/{id}/correction`: opens a correction (訂正) as the next revision.
pub(crate) async fn correction(
    State(state): State<AppState>,
    user: AuthUser,
    EditionId(id): EditionId,
    ApiJson(request): ApiJson<CorrectionRequest>,
) -> Result<(StatusCode, Json<EditionJson>), ApiError> {
    let new_id =
        service::open_correction(state.store(), &Actor::from(&*user), id, &request.note).await?;
    created_edition(&state, new_id).await
}

// ---------------------------------------------------------------------------------------------
// Conversions.

/// The body of `GET …/sheets/{no}`, and the `current` of a 409.
pub(crate) fn sheet_json(detail: &SheetDetail) -> SheetJson {
    let sheet = &detail.sheet;
    let permissions = detail.permissions;
    SheetJson {
        edition_id: sheet.report_id,
        edition_state: sheet.edition_status.code(),
        item: ItemJson::from(&sheet.item),
        state: sheet.state.code(),
        state_label: sheet.state.label(),
        version: sheet.version,
        updated_at: sheet.updated_at.map(super::wire::rfc3339),
        updated_by: sheet.updated_by.clone(),
        copied: sheet.copied.iter().map(|field| field.path()).collect(),
        previous_forecast: detail.previous_forecast.clone(),
        comments: detail.comments.iter().map(CommentJson::from).collect(),
        findings: detail
            .findings
            .iter()
            .map(|checked| SheetFindingJson {
                finding: FindingJson::from(&checked.finding),
                key: checked.key.clone(),
                field: checked.field.map(Field::path),
                waived: !checked.is_open(),
            })
            .collect(),
        waivers: detail.waivers.iter().map(WaiverJson::from).collect(),
        permissions: PermissionsJson {
            save: permissions.save,
            submit: permissions.submit,
            r#return: permissions.return_,
            confirm: permissions.confirm,
            reopen: permissions.reopen,
            comment: permissions.comment,
            waive: permissions.waive,
        },
    }
}

/// The API's answer to a refused sheet write: a stale version is a 409 that carries the
/// sheet as it is now (read again, with its comments and findings, as `GET` shows it) and
/// its version; anything else as the web layer's error says.
async fn refused(state: &AppState, actor: &Actor, error: Error) -> ApiError {
    let Error::Conflict {
        current_version,
        current,
    } = error
    else {
        return ApiError::from(error);
    };
    let message = StoreError::Conflict { current_version }.to_string();
    match service::sheet(state.store(), actor, current.report_id, current.no).await {
        Ok(detail) => match serde_json::to_value(sheet_json(&detail)) {
            Ok(body) => ApiError::conflict(message)
                .with("current_version", detail.sheet.version.into())
                .with("current", body),
            Err(error) => ApiError::from(Error::Internal(error.to_string())),
        },
        Err(error) => ApiError::from(error),
    }
}

/// A 422 of a save: the message, and when the item passes the limits
/// ([`kaikaku_model::limits::check_item`]) each field that does not, as `fields`:
/// `[{"field": "title", "path": "title", "message": "項目名は200文字までです（今は1,234文字）。"}]`.
fn invalid(item: &Item, limits: &kaikaku_model::Limits, message: String) -> ApiError {
    let fields: Vec<serde_json::Value> = kaikaku_model::limits::check_item(item, limits)
        .iter()
        .map(|violation| {
            serde_json::json!({
                "field": violation.field.map(Field::path),
                "path": violation.path(),
                "message": violation.message(),
            })
        })
        .collect();
    let error = ApiError::unprocessable(message);
    if fields.is_empty() {
        error
    } else {
        error.with("fields", fields.into())
    }
}

/// The state a sheet is in after `action`: every action leads to one state
/// ([`SheetState::apply`]), whatever state it starts from.
fn target(action: SheetAction) -> SheetState {
    SheetState::ALL
        .into_iter()
        .find_map(|from| from.apply(action).ok())
        .unwrap_or(SheetState::InProgress)
}

/// An item of the interchange format as the model's [`Item`], or a 422 naming the field
/// (`item.effects[0].quantities[1].unit`).
pub(crate) fn item_from_json(item: ItemJson) -> Result<Item, ApiError> {
    item.into_model().map_err(|error| {
        ApiError::from(InterchangeError {
            path: format!("item.{}", error.path),
            problem: error.problem,
        })
    })
}

/// A field path of a request (`narratives.0`), or a 422 naming where it is.
fn field(path: &str, at: &str) -> Result<Field, ApiError> {
    Field::parse(path)
        .filter(|field| *field != Field::State)
        .ok_or_else(|| {
            ApiError::unprocessable(format!(
                "「{path}」はシートの項目として読めません（title, departments, contents.0, goal, actions, narratives.0, effects.0, evaluation のいずれか）。"
            ))
            .with("field", at.into())
        })
}

/// A date (`2022-05-31`; 和暦 such as `令和4年5月31日` is read too), or a 422.
fn date(text: &str, at: &str, what: &str) -> Result<chrono::NaiveDate, ApiError> {
    parse_date(text).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "{what}「{text}」は日付として読めません（YYYY-MM-DD で指定してください）。"
        ))
        .with("field", at.into())
    })
}

/// 201 with the edition just made.
async fn created_edition(
    state: &AppState,
    id: i64,
) -> Result<(StatusCode, Json<EditionJson>), ApiError> {
    let Json(edition) = edition_now(state, id).await?;
    Ok((StatusCode::CREATED, Json(edition)))
}

/// The edition as it is now.
async fn edition_now(state: &AppState, id: i64) -> Result<Json<EditionJson>, ApiError> {
    let edition = service::edition(state.store(), id).await?;
    Ok(Json(EditionJson::from(&edition)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaikaku_model::ItemNo;

    #[test]
    fn each_action_leads_to_one_state() {
        assert_eq!(target(SheetAction::Save), SheetState::InProgress);
        assert_eq!(target(SheetAction::Submit), SheetState::Submitted);
        assert_eq!(target(SheetAction::Return), SheetState::Returned);
        assert_eq!(target(SheetAction::Confirm), SheetState::Confirmed);
        assert_eq!(target(SheetAction::Reopen), SheetState::InProgress);
    }

    #[test]
    fn an_item_that_does_not_convert_names_its_field() {
        let mut item = ItemJson::from(&Item {
            no: ItemNo(3),
            ..Item::default()
        });
        item.narratives.push(kaikaku_interchange::NarrativeJson {
            fiscal_year: 2021,
            fiscal_year_label: None,
            kind: "diary".to_owned(),
            text: String::new(),
            line: 0,
        });
        match item_from_json(item) {
            Err(ApiError::Json(status, body)) => {
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
                assert_eq!(body["field"], "item.narratives[0].kind");
                assert!(
                    body["error"]
                        .as_str()
                        .is_some_and(|m| m.starts_with("item.narratives[0].kind: 「diary」")),
                    "{body:?}"
                );
            }
            other => panic!("{other:?}"),
        }
        let good = ItemJson::from(&Item {
            no: ItemNo(3),
            title: "題".to_owned(),
            ..Item::default()
        });
        let item = item_from_json(good).expect("converts");
        assert_eq!((item.no, item.title.as_str()), (ItemNo(3), "題"));
    }

    #[test]
    fn fields_of_requests() {
        assert_eq!(
            field("narratives.1", "field").ok(),
            Some(Field::Narrative(1))
        );
        assert!(field("state", "field").is_err());
        assert!(field("nothing", "field").is_err());
    }
}
