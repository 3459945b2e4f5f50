//! Uploads and downloads of case attachments over HTTP: reading a multipart
//! form within the limits, the upload body cap in front of the server
//! functions that take files, and the download handler. Storing and recording
//! the files, and who may download which, are the core's
//! (`rapport_core::attachments`).
use super::assets::SiteAssets;
use super::auth::RequestUser;
use super::error::REQUEST_ID_HEADER;
use super::security::error_response;
use super::AppState;
use crate::error::AppError;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::BytesMut;
use http::{header, HeaderValue, Method, StatusCode};
use leptos::server_fn::codec::MultipartData;
use rapport_core::attachments::{
    content_disposition, find_download, sanitize_file_name, Attachments, NewFile,
};
use rapport_core::cases::MAX_TEXT;
use rapport_types::attachments::{
    case_too_large, content_type_for, file_too_large, format_size, too_many_files,
    type_not_allowed, FIELD, MAX_CASE_BYTES, MAX_FILES_PER_MESSAGE, MAX_FILE_BYTES,
};

/// The largest upload request: every file a case may hold, plus the text
/// fields and the multipart framing. Bigger bodies are cut off unread.
pub const MAX_UPLOAD_BYTES: u64 = MAX_CASE_BYTES + 1024 * 1024;
/// A text field of an upload form: a description of `MAX_TEXT` characters in
/// four-byte UTF-8 at most, with room to spare.
const MAX_TEXT_FIELD_BYTES: usize = MAX_TEXT * 4 + 1024;
/// Typed text put back into the address after a failed plain form post is kept
/// only up to this size, so the address stays one that every browser and proxy takes.
const MAX_KEPT_BYTES: usize = 16 * 1024;

/// A multipart form with files (`create_case`, `reply_to_case`), read within the limits.
#[derive(Debug)]
pub struct UploadForm {
    fields: Vec<(String, String)>,
    /// The files, or why they were refused. A refusal does not stop the reading:
    /// the text fields after it still count, so a failed form keeps what was typed.
    files: Result<Vec<NewFile>, AppError>,
}

/// A broken upload (cut off, over `MAX_UPLOAD_BYTES`, not multipart). The cause
/// is no use to the person; it goes to the log.
fn unreadable(err: multer::Error) -> AppError {
    tracing::warn!(error = %err, "an upload could not be read");
    AppError::BadRequest(
        "the form and its files did not arrive whole. Please send them again.".into(),
    )
}

impl UploadForm {
    /// Read the text fields named in `text_fields` and the files of the file
    /// input `FIELD`; other parts are skipped unread. Files are refused as soon
    /// as one crosses a limit, and nothing past a limit is kept in memory.
    pub async fn read(data: MultipartData, text_fields: &[&str]) -> Result<UploadForm, AppError> {
        let mut multipart = data
            .into_inner()
            .ok_or_else(|| super::error::internal("a server function got browser form data"))?;
        let mut form = UploadForm {
            fields: Vec::new(),
            files: Ok(Vec::new()),
        };
        let mut total: u64 = 0;
        while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
            let name = field.name().unwrap_or_default().to_string();
            if name == FIELD {
                // An empty file input still sends a part: one without a file name.
                let raw_name = field.file_name().unwrap_or_default().to_string();
                if raw_name.is_empty() {
                    continue;
                }
                // After a refusal the other files are skipped.
                let Ok(files) = &mut form.files else {
                    continue;
                };
                match read_file(&mut field, &raw_name, files.len(), total).await {
                    Ok(file) => {
                        total += file.bytes.len() as u64;
                        files.push(file);
                    }
                    Err(refusal @ AppError::Invalid(_)) => form.files = Err(refusal),
                    Err(broken) => return Err(broken),
                }
            } else if text_fields.contains(&name.as_str()) && form.get(&name).is_none() {
                let value = read_text(&mut field, &name).await?;
                form.fields.push((name, value));
            }
        }
        Ok(form)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A text field as sent, or "" when it was not.
    pub fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or_default()
    }

    /// The values of `names` to put back into a form after a failed plain post
    /// (see `web::forms::back_to_form`); very long ones are left out of the address.
    pub fn kept<'a>(&'a self, names: &[&'a str]) -> Vec<(&'a str, &'a str)> {
        names
            .iter()
            .map(|name| (*name, self.text(name)))
            .filter(|(_, value)| value.len() <= MAX_KEPT_BYTES)
            .collect()
    }

    /// The files, ready for `cases::create` or `cases::reply`, or why they were refused.
    pub fn attachments(&mut self, state: &AppState) -> Result<Attachments, AppError> {
        let files = std::mem::replace(&mut self.files, Ok(Vec::new()))?;
        Ok(Attachments::new(files, state.attachments.clone()))
    }
}

/// Read one file within the limits: a refusal is an `Invalid` error naming the file.
async fn read_file(
    field: &mut multer::Field<'static>,
    raw_name: &str,
    files_before: usize,
    bytes_before: u64,
) -> Result<NewFile, AppError> {
    let file_name = sanitize_file_name(raw_name);
    let refuse = |message: String| Err(AppError::invalid(FIELD, message));
    if files_before >= MAX_FILES_PER_MESSAGE {
        return refuse(too_many_files(&file_name));
    }
    let Some(content_type) = content_type_for(&file_name) else {
        return refuse(type_not_allowed(&file_name));
    };
    let mut bytes = BytesMut::new();
    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
        let size = (bytes.len() + chunk.len()) as u64;
        if size > MAX_FILE_BYTES {
            return refuse(file_too_large(&file_name));
        }
        if bytes_before + size > MAX_CASE_BYTES {
            return refuse(case_too_large(&file_name, 0));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(NewFile {
        file_name,
        content_type,
        bytes: bytes.freeze(),
    })
}

async fn read_text(field: &mut multer::Field<'static>, name: &str) -> Result<String, AppError> {
    let mut bytes = BytesMut::new();
    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
        if bytes.len() + chunk.len() > MAX_TEXT_FIELD_BYTES {
            return Err(AppError::invalid(
                name,
                format!("Keep this under {MAX_TEXT} characters."),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| AppError::BadRequest(format!("the field “{name}” is not text")))?;
    super::nul_bytes::check(name, &text)?;
    Ok(text)
}

// ---------------------------------------------------------------------------
// HTTP: the upload body limit and the download

/// The paths of the server functions that take files (`api::UPLOAD_ENDPOINTS`,
/// handed in by the router: the web glue does not import the endpoints).
#[derive(Clone, Copy)]
pub struct UploadEndpoints(pub &'static [&'static str]);

/// Does this request post to a server function that takes files?
fn takes_files(endpoints: UploadEndpoints, req: &Request) -> bool {
    req.method() == Method::POST && endpoints.0.contains(&req.uri().path())
}

/// In front of the server functions that take files. Their bodies are read as
/// a stream, which axum's default body limit does not cover: cap them at
/// `MAX_UPLOAD_BYTES` here (a body that says it is bigger is refused before it
/// is read). A body that is not multipart is refused too: the multipart
/// decoder of server functions cannot answer it with an error of its own.
pub async fn limit_uploads(
    State(endpoints): State<UploadEndpoints>,
    req: Request,
    next: Next,
) -> Response {
    if !takes_files(endpoints, &req) {
        return next.run(req).await;
    }
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| multer::parse_boundary(ct).is_ok());
    if !multipart {
        return error_response(&AppError::BadRequest(
            "this form must be sent as multipart/form-data".into(),
        ));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_UPLOAD_BYTES) {
        let mut response = error_response(&AppError::invalid(
            FIELD,
            format!(
                "These files are too large together: a case can hold at most {} of attachments.",
                format_size(MAX_CASE_BYTES)
            ),
        ));
        *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        return response;
    }
    let req = req.map(|body| {
        Body::new(http_body_util::Limited::new(
            body,
            MAX_UPLOAD_BYTES as usize,
        ))
    });
    next.run(req).await
}

/// The Content-Security-Policy of every attachment: a sandbox (no script, no
/// forms, an origin of its own) that loads nothing.
pub const DOWNLOAD_POLICY: &str =
    "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'";

/// The headers of every file download (attachments, raw mail, CSV): its type,
/// `disposition` (an attachment with its file name), and what keeps a file
/// opened in the browser harmless: no type sniffing, no caching of private
/// data, and the sandbox of [`DOWNLOAD_POLICY`] (an uploaded HTML or SVG file
/// runs no script and reaches nothing of the site).
pub fn download_headers(
    content_type: HeaderValue,
    disposition: &str,
) -> [(http::HeaderName, HeaderValue); 5] {
    [
        (header::CONTENT_TYPE, content_type),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(disposition).unwrap_or(HeaderValue::from_static("attachment")),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DOWNLOAD_POLICY),
        ),
    ]
}

/// A small page for a download that cannot be served (the address is opened
/// in the browser, so a page rather than JSON).
pub(crate) fn error_page(err: &AppError, assets: &SiteAssets) -> Response {
    let status =
        StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>File not available · Rapport</title><link rel=\"stylesheet\" href=\"{}\">\
         </head><body><main class=\"page\"><section class=\"panel\"><h1>File not available</h1>\
         <p>{}</p><p><a href=\"/cases\">Go to your cases</a></p></section></main></body></html>",
        assets.stylesheet_href(),
        ammonia::clean_text(&err.to_string())
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// GET `/cases/{number}/attachments/{id}`: the file, to the people who may see
/// the case (and, for a file of an internal note, to staff only). Visitors are
/// sent to sign in first and come back here.
pub async fn download(
    State(state): State<AppState>,
    Path((number, id)): Path<(String, String)>,
    parts: http::request::Parts,
) -> Response {
    let request_id = parts
        .headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_string();
    let user = parts
        .extensions
        .get::<RequestUser>()
        .and_then(|u| u.0.clone());
    let Some(user) = user else {
        let back: String =
            url::form_urlencoded::byte_serialize(parts.uri.path().as_bytes()).collect();
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/sign-in?next={back}"))],
        )
            .into_response();
    };
    let file = match find_download(&state, &user.actor, &number, &id).await {
        Ok(file) => file,
        Err(err) => {
            return error_page(
                &super::error::from_core(err, || request_id.clone()),
                &state.assets,
            );
        }
    };
    let stream = match state.attachments.get(&file.storage_key).await {
        Ok(stream) => stream,
        Err(err) => {
            let cause = format!("reading attachment {}: {err}", file.storage_key);
            return error_page(&super::error::logged(request_id, cause), &state.assets);
        }
    };
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    (
        StatusCode::OK,
        download_headers(content_type, &content_disposition(&file.file_name)),
        Body::from_stream(stream),
    )
        .into_response()
}
