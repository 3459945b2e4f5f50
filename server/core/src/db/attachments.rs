//! Attachment rows. The files themselves are in the attachment store under
//! `storage_key`; these rows say which case (and message) they belong to.
//! Reads take the case id of a case the caller was already allowed to see, and
//! the `staff` flag decides whether files of internal notes are included.

use sqlx::{FromRow, PgExecutor};

/// A file to record, already written to the store.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub storage_key: String,
}

/// Which message the files came with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachedTo {
    /// The description of a new case (no message).
    Description,
    /// A reply or note, by its id.
    Message(i64),
}

impl AttachedTo {
    fn message_id(self) -> Option<i64> {
        match self {
            AttachedTo::Description => None,
            AttachedTo::Message(id) => Some(id),
        }
    }
}

/// Record files of a case in one statement.
pub async fn insert(
    db: impl PgExecutor<'_>,
    case_id: i64,
    attached_to: AttachedTo,
    uploaded_by: i64,
    files: &[NewAttachment],
) -> sqlx::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
    let types: Vec<&str> = files.iter().map(|f| f.content_type.as_str()).collect();
    let sizes: Vec<i64> = files.iter().map(|f| f.size_bytes).collect();
    let keys: Vec<&str> = files.iter().map(|f| f.storage_key.as_str()).collect();
    sqlx::query(
        "INSERT INTO case_attachments
            (case_id, message_id, uploaded_by, file_name, content_type, size_bytes, storage_key)
         SELECT $1,
                $2,
                $3, f.name, f.type, f.size, f.key
         FROM unnest($4::text[], $5::text[], $6::bigint[], $7::text[])
              WITH ORDINALITY AS f(name, type, size, key, n)
         ORDER BY f.n",
    )
    .bind(case_id)
    .bind(attached_to.message_id())
    .bind(uploaded_by)
    .bind(names)
    .bind(types)
    .bind(sizes)
    .bind(keys)
    .execute(db)
    .await?;
    Ok(())
}

/// The bytes a case holds in attachments (for the per-case limit).
pub async fn total_bytes(db: impl PgExecutor<'_>, case_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(size_bytes), 0)::bigint FROM case_attachments WHERE case_id = $1",
    )
    .bind(case_id)
    .fetch_one(db)
    .await
}

/// What a download needs to know about one file.
#[derive(Debug, Clone, FromRow)]
pub struct StoredFile {
    pub file_name: String,
    pub content_type: String,
    pub storage_key: String,
}

/// One file of a case, if it belongs to that case and (without `staff`) not to
/// an internal note.
pub async fn find(
    db: impl PgExecutor<'_>,
    case_id: i64,
    id: i64,
    staff: bool,
) -> sqlx::Result<Option<StoredFile>> {
    sqlx::query_as::<_, StoredFile>(
        "SELECT a.file_name, a.content_type, a.storage_key
         FROM case_attachments a
         LEFT JOIN case_messages m ON m.id = a.message_id
         WHERE a.id = $1 AND a.case_id = $2 AND (m.id IS NULL OR NOT m.internal OR $3)",
    )
    .bind(id)
    .bind(case_id)
    .bind(staff)
    .fetch_optional(db)
    .await
}
