//! Case attachments on the server: reading uploads within the limits, the
//! attachment store, recording files in the same transaction as the case or
//! reply they came with, and the download handler.
//!
//! The limits and the allowed types live in `components::attachments`, because
//! the browser checks them too before sending; the server enforces them here.
//!
//! An upload is read into memory, at most `MAX_CASE_BYTES` of files (the
//! reading stops at the first limit crossed), then checked with the rest of the
//! form, then written to the store, then recorded in the transaction. When that
//! transaction does not commit, the files written are deleted again: a case or
//! reply and its files are saved together or not at all.

use super::auth::RequestUser;
use super::cases::{scope_for, MAX_TEXT};
use super::db::attachments::{self as db, AttachedTo, NewAttachment};
use super::policy::{self, Action, CaseRef};
use super::security::error_response;
use super::AppState;
use crate::api::cases::{CreateCase, ReplyToCase};
use crate::components::attachments::{
    case_too_large, content_type_for, file_too_large, format_size, too_many_files, type_not_allowed,
};
pub use crate::components::attachments::{
    FIELD, MAX_CASE_BYTES, MAX_FILES_PER_MESSAGE, MAX_FILE_BYTES,
};
use crate::domain::{AppError, CaseNumber};
use async_trait::async_trait;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use futures::stream::BoxStream;
use http::{header, HeaderValue, Method, StatusCode};
use leptos::server_fn::codec::MultipartData;
use leptos::server_fn::ServerFn;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sqlx::{PgConnection, Postgres, Transaction};
use std::fmt::Display;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

/// The longest file name we keep, in characters (the column allows 255).
pub const MAX_FILE_NAME_CHARS: usize = 255;
/// The largest upload request: every file a case may hold, plus the text
/// fields and the multipart framing. Bigger bodies are cut off unread.
pub const MAX_UPLOAD_BYTES: u64 = MAX_CASE_BYTES + 1024 * 1024;
/// A text field of an upload form: a description of `MAX_TEXT` characters in
/// four-byte UTF-8 at most, with room to spare.
const MAX_TEXT_FIELD_BYTES: usize = MAX_TEXT * 4 + 1024;
/// Typed text put back into the address after a failed plain form post is kept
/// only up to this size, so the address stays one that every browser and proxy takes.
const MAX_KEPT_BYTES: usize = 16 * 1024;

// ---------------------------------------------------------------------------
// File names and headers

/// Characters that stay as they are in an RFC 5987 `filename*` value
/// (`attr-char`); everything else is percent-encoded from UTF-8.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// Characters that are invisible or reorder the text around them: a name such
/// as "invoice\u{202E}fdp.exe" would otherwise show as "invoiceexe.pdf".
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// The name a file is shown and downloaded under: the sender's name without any
/// folder part, control or invisible characters, or surrounding spaces, at most
/// `MAX_FILE_NAME_CHARS` long (keeping the extension). It is only ever shown
/// (escaped) and put in headers (encoded): files are stored under generated names.
pub fn sanitize_file_name(raw: &str) -> String {
    // Some browsers and most scripts send a whole path; keep its last part.
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let visible: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .collect();
    let name = visible.trim();
    if name.chars().all(|c| c == '.') {
        // Empty, "." or "..": no name worth keeping.
        return "attachment".to_string();
    }
    if name.chars().count() <= MAX_FILE_NAME_CHARS {
        return name.to_string();
    }
    match name.rsplit_once('.') {
        Some((stem, extension)) if extension.chars().count() <= 16 => {
            let keep = MAX_FILE_NAME_CHARS - extension.chars().count() - 1;
            let stem: String = stem.chars().take(keep).collect();
            format!("{}.{extension}", stem.trim_end())
        }
        _ => name.chars().take(MAX_FILE_NAME_CHARS).collect(),
    }
}

/// `Content-Disposition` for a download (RFC 6266): always `attachment`, so a
/// file is saved and never shown inside our site, with the name twice: plain
/// ASCII in `filename` for old clients, and exact in `filename*` (RFC 5987).
pub fn content_disposition(file_name: &str) -> String {
    // Quotes and backslashes would end or escape the quoted string, and some
    // browsers decode `%` sequences in it: those become `_` like non-ASCII.
    let fallback: String = file_name
        .chars()
        .map(|c| match c {
            ' '..='~' if !matches!(c, '"' | '\\' | '%') => c,
            _ => '_',
        })
        .collect();
    let exact = utf8_percent_encode(file_name, ATTR_CHAR);
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}")
}

// ---------------------------------------------------------------------------
// The store

/// The bytes of a stored file, as they are read.
pub type ByteStream = BoxStream<'static, io::Result<Bytes>>;

/// Where attachment files live. Keys are generated by us (`new_key`), never
/// taken from a file name. One implementation today (a local folder); object
/// storage can come later behind the same three calls.
#[async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Store a whole file under `key`. A reader never sees it half-written.
    async fn put(&self, key: &str, bytes: Bytes) -> io::Result<()>;
    /// Read a stored file as a stream.
    async fn get(&self, key: &str) -> io::Result<ByteStream>;
    /// Remove a file; removing one that is not there is not an error.
    async fn delete(&self, key: &str) -> io::Result<()>;
}

/// A fresh storage key: 128 random bits in hex.
pub fn new_key() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// Attachments as files in one folder, each named by its key.
#[derive(Debug, Clone)]
pub struct LocalDirStore {
    dir: PathBuf,
}

impl LocalDirStore {
    /// The folder is created when the first file is stored.
    pub fn new(dir: impl Into<PathBuf>) -> LocalDirStore {
        LocalDirStore { dir: dir.into() }
    }

    /// The path of a key. Keys are ours, but a key that is anything other than
    /// letters and digits is refused rather than trusted to stay in the folder.
    fn path(&self, key: &str) -> io::Result<PathBuf> {
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("not a storage key: {key:?}"),
            ));
        }
        Ok(self.dir.join(key))
    }
}

#[async_trait]
impl AttachmentStore for LocalDirStore {
    async fn put(&self, key: &str, bytes: Bytes) -> io::Result<()> {
        use tokio::io::AsyncWriteExt;
        let path = self.path(key)?;
        tokio::fs::create_dir_all(&self.dir).await?;
        // Written under a temporary name, then renamed: the file appears whole
        // or not at all, and a crash mid-write leaves only a `.part` file.
        let temp = self.dir.join(format!("{key}.part"));
        let written = async {
            let mut file = tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
                .await?;
            file.write_all(&bytes).await?;
            file.sync_all().await?;
            tokio::fs::rename(&temp, &path).await
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&temp).await;
        }
        written
    }

    async fn get(&self, key: &str) -> io::Result<ByteStream> {
        let file = tokio::fs::File::open(self.path(key)?).await?;
        Ok(Box::pin(tokio_util::io::ReaderStream::new(file)))
    }

    async fn delete(&self, key: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

// ---------------------------------------------------------------------------
// Reading an upload

/// A file of an upload, read and checked, not stored yet.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Bytes,
}

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
            .ok_or_else(|| super::internal("a server function got browser form data"))?;
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
    /// (see `forms::back_to_form`); very long ones are left out of the address.
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
        Ok(Attachments {
            files,
            store: Some(state.attachments.clone()),
        })
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
    String::from_utf8(bytes.to_vec())
        .map_err(|_| AppError::BadRequest(format!("the field “{name}” is not text")))
}

// ---------------------------------------------------------------------------
// Saving with the case or reply

/// The files that came with a new case or a reply, checked, not stored yet.
pub struct Attachments {
    files: Vec<NewFile>,
    store: Option<Arc<dyn AttachmentStore>>,
}

impl Attachments {
    /// No files (for callers without an upload, such as the demo data).
    pub fn none() -> Attachments {
        Attachments {
            files: Vec::new(),
            store: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Write the files to the store, before the transaction that records them
    /// (so no lock is held while files are written). Call this only once the
    /// actor may write to the case; the returned `Stored` deletes the files
    /// again unless `Stored::commit` commits the transaction that recorded them.
    pub async fn store(self) -> Result<Stored, AppError> {
        let mut stored = Stored {
            store: self.store.clone(),
            files: Vec::new(),
        };
        let Some(store) = self.store else {
            return Ok(stored);
        };
        for file in self.files {
            let key = new_key();
            let size_bytes = file.bytes.len() as i64;
            store
                .put(&key, file.bytes)
                .await
                .map_err(|e| super::internal(format!("storing an attachment: {e}")))?;
            stored.files.push(NewAttachment {
                file_name: file.file_name,
                content_type: file.content_type.to_string(),
                size_bytes,
                storage_key: key,
            });
        }
        Ok(stored)
    }
}

/// Files in the store whose rows are not committed yet. Dropped without
/// `commit` (an error, a refused change, a failed commit), it deletes them.
pub struct Stored {
    store: Option<Arc<dyn AttachmentStore>>,
    files: Vec<NewAttachment>,
}

impl Stored {
    /// Record the files as those of the case description (a new case).
    pub async fn record(
        &self,
        tx: &mut PgConnection,
        case_id: i64,
        uploaded_by: i64,
    ) -> Result<(), AppError> {
        self.insert(tx, case_id, AttachedTo::Description, uploaded_by)
            .await
    }

    /// Record the files as those of a reply or note of the case.
    pub async fn record_for_message(
        &self,
        tx: &mut PgConnection,
        case_id: i64,
        message_id: i64,
        uploaded_by: i64,
    ) -> Result<(), AppError> {
        self.insert(tx, case_id, AttachedTo::Message(message_id), uploaded_by)
            .await
    }

    async fn insert(
        &self,
        tx: &mut PgConnection,
        case_id: i64,
        attached_to: AttachedTo,
        uploaded_by: i64,
    ) -> Result<(), AppError> {
        if self.files.is_empty() {
            return Ok(());
        }
        // Counted inside the transaction: a reply has locked the case row by
        // now, so two replies at once cannot both squeeze under the limit.
        let held = db::total_bytes(&mut *tx, case_id).await?.max(0) as u64;
        let mut total = held;
        for file in &self.files {
            total += file.size_bytes as u64;
            if total > MAX_CASE_BYTES {
                return Err(AppError::invalid(
                    FIELD,
                    case_too_large(&file.file_name, held),
                ));
            }
        }
        db::insert(&mut *tx, case_id, attached_to, uploaded_by, &self.files).await?;
        Ok(())
    }

    /// Commit the transaction that recorded the files; from then on they stay.
    pub async fn commit(mut self, tx: Transaction<'_, Postgres>) -> Result<(), AppError> {
        tx.commit().await?;
        self.files.clear();
        Ok(())
    }
}

impl Drop for Stored {
    fn drop(&mut self) {
        let (Some(store), false) = (self.store.clone(), self.files.is_empty()) else {
            return;
        };
        let keys: Vec<String> = self.files.drain(..).map(|f| f.storage_key).collect();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!(?keys, "attachments of a failed change could not be removed");
            return;
        };
        runtime.spawn(async move {
            for key in keys {
                if let Err(err) = store.delete(&key).await {
                    tracing::warn!(%key, error = %err, "removing an attachment of a failed change");
                }
            }
        });
    }
}

// ---------------------------------------------------------------------------
// HTTP: the upload body limit and the download

/// Does this request post to a server function that takes files?
fn takes_files(req: &Request) -> bool {
    req.method() == Method::POST
        && [CreateCase::PATH, ReplyToCase::PATH].contains(&req.uri().path())
}

/// In front of the server functions that take files. Their bodies are read as
/// a stream, which axum's default body limit does not cover: cap them at
/// `MAX_UPLOAD_BYTES` here (a body that says it is bigger is refused before it
/// is read). A body that is not multipart is refused too: the multipart
/// decoder of server functions cannot answer it with an error of its own.
pub async fn limit_uploads(req: Request, next: Next) -> Response {
    if !takes_files(&req) {
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

/// Log an internal failure of the download with the request's id.
fn failed(request_id: &str, cause: impl Display) -> AppError {
    tracing::error!(request_id = %request_id, error = %cause, "internal error");
    AppError::Internal {
        request_id: request_id.to_string(),
    }
}

/// The file behind a download address, if this actor may have it. Everything
/// that is not theirs to see is "not found", like a file that does not exist.
async fn find_download(
    state: &AppState,
    actor: &policy::Actor,
    number: &str,
    id: &str,
    request_id: &str,
) -> Result<db::StoredFile, AppError> {
    let number = CaseNumber::parse(number).ok_or(AppError::NotFound)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    // The same rules as the case page: the scope in the SQL, then the policy.
    let scope = scope_for(actor).ok_or(AppError::NotFound)?;
    let case = super::db::cases::find(&state.pool, number.0, scope)
        .await
        .map_err(|e| failed(request_id, e))?
        .ok_or(AppError::NotFound)?;
    let case_ref = CaseRef {
        organization_id: case.organization_id,
        requester_id: case.requester_id,
    };
    policy::authorize(Some(actor), &Action::ViewCase(case_ref)).map_err(|_| AppError::NotFound)?;
    // Files of internal notes are for staff only, like the notes.
    let staff = policy::allows(Some(actor), &Action::WorkCases);
    db::find(&state.pool, case.id, id, staff)
        .await
        .map_err(|e| failed(request_id, e))?
        .ok_or(AppError::NotFound)
}

/// A small page for a download that cannot be served (the address is opened
/// in the browser, so a page rather than JSON).
fn error_page(err: &AppError) -> Response {
    let status =
        StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>File not available · Rapport</title><link rel=\"stylesheet\" href=\"/pkg/rapport.css\">\
         </head><body><main class=\"page\"><section class=\"panel\"><h1>File not available</h1>\
         <p>{}</p><p><a href=\"/cases\">Go to your cases</a></p></section></main></body></html>",
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
        .get(super::error::REQUEST_ID_HEADER)
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
    let file = match find_download(&state, &user.actor, &number, &id, &request_id).await {
        Ok(file) => file,
        Err(err) => return error_page(&err),
    };
    let stream = match state.attachments.get(&file.storage_key).await {
        Ok(stream) => stream,
        Err(err) => {
            let cause = format!("reading attachment {}: {err}", file.storage_key);
            return error_page(&failed(&request_id, cause));
        }
    };
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&content_disposition(&file.file_name))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            // Set for every response already; here it matters most, so it is said again.
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_hidden_characters() {
        let cases = [
            ("report.pdf", "report.pdf"),
            ("../../etc/passwd", "passwd"),
            ("C:\\Users\\ana\\Desktop\\scan 1.png", "scan 1.png"),
            ("/var/log/../app.log", "app.log"),
            ("line\nbreak\r.txt", "linebreak.txt"),
            ("tab\there.txt", "tabhere.txt"),
            ("invoice\u{202E}fdp.exe", "invoicefdp.exe"),
            ("zero\u{200B}width.txt", "zerowidth.txt"),
            ("  spaced.txt  ", "spaced.txt"),
            ("Grüße – 日本語.txt", "Grüße – 日本語.txt"),
            ("say \"hi\".txt", "say \"hi\".txt"),
            ("..", "attachment"),
            ("dir/", "attachment"),
            ("", "attachment"),
            ("\u{0}\u{7}", "attachment"),
        ];
        for (raw, expected) in cases {
            assert_eq!(sanitize_file_name(raw), expected, "{raw:?}");
        }
    }

    #[test]
    fn long_file_names_are_cut_keeping_the_extension() {
        let long = format!("{}.pdf", "é".repeat(400));
        let cut = sanitize_file_name(&long);
        assert_eq!(cut.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(cut.ends_with("é.pdf"), "{cut}");
        let no_extension = "x".repeat(300);
        assert_eq!(sanitize_file_name(&no_extension).chars().count(), 255);
    }

    #[test]
    fn content_disposition_is_one_safe_header_line() {
        let cases = [
            (
                "report.pdf",
                "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf",
            ),
            (
                "say \"hi\".txt",
                "attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt",
            ),
            (
                "Grüße.txt",
                "attachment; filename=\"Gr__e.txt\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe.txt",
            ),
            (
                "a\r\nSet-Cookie: x=1.txt",
                "attachment; filename=\"a__Set-Cookie: x=1.txt\"; filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x%3D1.txt",
            ),
            (
                "../../etc/passwd",
                "attachment; filename=\"../../etc/passwd\"; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd",
            ),
            (
                "100%;\\x.txt",
                "attachment; filename=\"100_;_x.txt\"; filename*=UTF-8''100%25%3B%5Cx.txt",
            ),
            (
                "日本語.pdf",
                "attachment; filename=\"___.pdf\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.pdf",
            ),
        ];
        for (name, expected) in cases {
            let header = content_disposition(name);
            assert_eq!(header, expected, "{name:?}");
            assert!(HeaderValue::from_str(&header).is_ok(), "{name:?}");
        }
    }

    #[test]
    fn storage_keys_are_random_and_plain() {
        let (a, b) = (new_key(), new_key());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[tokio::test]
    async fn the_local_store_keeps_files_whole_and_refuses_strange_keys() {
        use futures::TryStreamExt;
        let dir = std::env::temp_dir().join(format!("rapport-store-test-{}", new_key()));
        let store = LocalDirStore::new(&dir);
        let key = new_key();
        store.put(&key, Bytes::from_static(b"hello")).await.unwrap();
        let read: Vec<Bytes> = store.get(&key).await.unwrap().try_collect().await.unwrap();
        assert_eq!(read.concat(), b"hello");
        // Only the file itself is left: no temporary file.
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(&key)]);
        store.delete(&key).await.unwrap();
        store.delete(&key).await.unwrap();
        assert!(store.get(&key).await.is_err());
        for bad in ["../x", "a/b", "", "x.part"] {
            assert_eq!(
                store.put(bad, Bytes::new()).await.unwrap_err().kind(),
                io::ErrorKind::InvalidInput,
                "{bad:?}"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
