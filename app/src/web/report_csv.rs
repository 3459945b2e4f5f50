//! GET `/reports/cases.csv` (team reports) and `/organization/report.csv`
//! (a customer admin's service report): one row per case of the report's
//! filter, streamed as PostgreSQL hands the rows over.

use super::auth::RequestUser;
use super::error::REQUEST_ID_HEADER;
use super::uploads::{download_headers, error_page};
use super::AppState;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt};
use http::{header, HeaderValue, StatusCode};
use rapport_core::policy::{self, Action, Actor};
use rapport_core::reports::csv_export;
use rapport_types::views::reports::ReportQuery;

/// The team report's cases.
pub async fn team_cases(
    State(state): State<AppState>,
    Query(query): Query<ReportQuery>,
    parts: http::request::Parts,
) -> Response {
    let Some(actor) = actor_of(&parts) else {
        return sign_in_first(&parts);
    };
    let rows = async {
        let permit = policy::authorize(Some(&actor), &Action::ViewTeamReports)?;
        csv_export::team_csv(&permit, &state.pool, &query).await
    }
    .await;
    respond(&state, &parts, rows, "cases.csv")
}

/// The service report's cases: the reader's organization only.
pub async fn service_cases(
    State(state): State<AppState>,
    Query(query): Query<ReportQuery>,
    parts: http::request::Parts,
) -> Response {
    let Some(actor) = actor_of(&parts) else {
        return sign_in_first(&parts);
    };
    let rows = async {
        let organization_id = actor.organization_id.unwrap_or(0);
        let permit =
            policy::authorize(Some(&actor), &Action::ViewServiceReport { organization_id })?;
        csv_export::service_csv(&permit, &state.pool, &query).await
    }
    .await;
    respond(&state, &parts, rows, "service-report.csv")
}

fn actor_of(parts: &http::request::Parts) -> Option<Actor> {
    parts
        .extensions
        .get::<RequestUser>()
        .and_then(|u| u.0.clone())
        .map(|user| user.actor)
}

fn sign_in_first(parts: &http::request::Parts) -> Response {
    let back: String = url::form_urlencoded::byte_serialize(
        parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .as_bytes(),
    )
    .collect();
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/sign-in?next={back}"))],
    )
        .into_response()
}

fn respond<S>(
    state: &AppState,
    parts: &http::request::Parts,
    rows: Result<S, rapport_core::Error>,
    filename: &'static str,
) -> Response
where
    S: Stream<Item = Result<Vec<u8>, rapport_core::Error>> + Send + 'static,
{
    let request_id = parts
        .headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_string();
    match rows {
        Ok(stream) => {
            // A failure half-way is logged and ends the download early: the
            // status line has long been sent.
            let body = Body::from_stream(stream.map(move |chunk| {
                chunk.map(bytes::Bytes::from).map_err(|e| {
                    tracing::error!(error = %e, request_id = %request_id, "a CSV download failed");
                    std::io::Error::other("the CSV download failed")
                })
            }));
            (
                StatusCode::OK,
                download_headers(
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                    &format!("attachment; filename=\"{filename}\""),
                ),
                body,
            )
                .into_response()
        }
        Err(err) => error_page(
            &super::error::from_core(err, || request_id.clone()),
            &state.assets,
        ),
    }
}
