//! The writers' side of articles: every article in any state, an article's
//! latest revision with a lock for saving, its history, and free slugs.
//! What readers see is queried in `articles`; revisions are added and states
//! changed there too (`add_revision`, `set_state`).

use super::escape_like;
use sqlx::{FromRow, PgConnection, PgExecutor};
use time::OffsetDateTime;

/// A line of the writers' list, with the number of matching articles.
#[derive(Debug, Clone, FromRow)]
pub struct WriterListRow {
    pub id: i64,
    pub slug: String,
    pub state: String,
    pub live: bool,
    pub kind: String,
    pub title: String,
    pub category: Option<String>,
    pub audience: String,
    pub saved_at: OffsetDateTime,
    pub saved_by: Option<String>,
    /// How many articles match the filter (the same on every row).
    pub total: i64,
}

/// Which articles the writers' list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter<'a> {
    Any,
    /// Readers see a published revision (and it is not archived).
    Live,
    /// Readers see a published revision and a newer one waits (draft or in review).
    ChangesPending,
    /// The workflow state of the newest revision.
    State(&'a str),
}

pub struct ListQuery<'a> {
    pub state: StateFilter<'a>,
    pub kind: Option<&'a str>,
    /// Words the title contains, as typed.
    pub title: Option<&'a str>,
    pub limit: i64,
    pub offset: i64,
}

/// One page of the writers' list, newest saves first, with the total in the
/// same query.
pub async fn list(
    db: impl PgExecutor<'_>,
    query: &ListQuery<'_>,
) -> sqlx::Result<Vec<WriterListRow>> {
    let (state, live, changes) = match query.state {
        StateFilter::Any => (None, false, false),
        StateFilter::Live => (None, true, false),
        StateFilter::ChangesPending => (None, false, true),
        StateFilter::State(s) => (Some(s), false, false),
    };
    let pattern = query.title.map(|t| format!("%{}%", escape_like(t)));
    sqlx::query_as(
        "SELECT a.id, a.slug, a.state, a.published_revision_id IS NOT NULL AND a.state <> 'archived' AS live,
                r.kind, r.title, c.name AS category, r.audience,
                r.created_at AS saved_at, u.display_name AS saved_by,
                count(*) OVER () AS total
           FROM articles a
           JOIN article_revisions r ON r.id = a.latest_revision_id
           LEFT JOIN article_categories c ON c.id = r.category_id
           LEFT JOIN users u ON u.id = r.author_id
          WHERE ($1::text IS NULL OR a.state = $1)
            AND (NOT $2 OR (a.published_revision_id IS NOT NULL AND a.state <> 'archived'))
            AND (NOT $3 OR (a.published_revision_id IS NOT NULL AND a.state IN ('draft', 'in_review')))
            AND ($4::text IS NULL OR r.kind = $4)
            AND ($5::text IS NULL OR r.title ILIKE $5)
          ORDER BY r.created_at DESC, a.id DESC
          LIMIT $6 OFFSET $7",
    )
    .bind(state)
    .bind(live)
    .bind(changes)
    .bind(query.kind)
    .bind(pattern)
    .bind(query.limit)
    .bind(query.offset)
    .fetch_all(db)
    .await
}

/// An article with its latest revision: what the editor starts from.
#[derive(Debug, Clone, FromRow)]
pub struct LatestRow {
    pub id: i64,
    pub slug: String,
    pub state: String,
    pub published_number: Option<i32>,
    pub latest_revision_id: i64,
    pub latest_number: i32,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub category_id: i64,
    pub tags: Vec<String>,
    pub audience: String,
    pub note: String,
    pub saved_at: OffsetDateTime,
    pub saved_by: Option<String>,
}

const LATEST: &str = "SELECT a.id, a.slug, a.state, p.number AS published_number,
        r.id AS latest_revision_id, r.number AS latest_number,
        r.kind, r.title, r.summary, r.body, r.category_id, r.tags, r.audience, r.note,
        r.created_at AS saved_at, u.display_name AS saved_by
   FROM articles a
   JOIN article_revisions r ON r.id = a.latest_revision_id
   LEFT JOIN article_revisions p ON p.id = a.published_revision_id
   LEFT JOIN users u ON u.id = r.author_id
  WHERE a.id = $1";

pub async fn latest(db: impl PgExecutor<'_>, article_id: i64) -> sqlx::Result<Option<LatestRow>> {
    sqlx::query_as(LATEST)
        .bind(article_id)
        .fetch_optional(db)
        .await
}

/// `latest`, locking the article until the transaction ends: two saves of
/// one article take turns, so the second sees the first one's revision.
pub async fn latest_for_update(
    conn: &mut PgConnection,
    article_id: i64,
) -> sqlx::Result<Option<LatestRow>> {
    sqlx::query_as(&format!("{LATEST} FOR UPDATE OF a"))
        .bind(article_id)
        .fetch_optional(conn)
        .await
}

/// One saved revision, with its author's name.
#[derive(Debug, Clone, FromRow)]
pub struct RevisionRow {
    pub number: i32,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub category_id: i64,
    pub tags: Vec<String>,
    pub audience: String,
    pub note: String,
    pub saved_at: OffsetDateTime,
    pub saved_by: Option<String>,
}

/// The revisions of an article with these numbers (those that exist).
pub async fn revisions_numbered(
    db: impl PgExecutor<'_>,
    article_id: i64,
    numbers: &[i32],
) -> sqlx::Result<Vec<RevisionRow>> {
    sqlx::query_as(
        "SELECT r.number, r.kind, r.title, r.summary, r.body, r.category_id, r.tags, r.audience,
                r.note, r.created_at AS saved_at, u.display_name AS saved_by
           FROM article_revisions r LEFT JOIN users u ON u.id = r.author_id
          WHERE r.article_id = $1 AND r.number = ANY($2)
          ORDER BY r.number",
    )
    .bind(article_id)
    .bind(numbers)
    .fetch_all(db)
    .await
}

/// A line of an article's history.
#[derive(Debug, Clone, FromRow)]
pub struct HistoryRow {
    pub number: i32,
    pub title: String,
    pub note: String,
    pub saved_at: OffsetDateTime,
    pub saved_by: Option<String>,
}

/// The newest `limit` revisions of an article, newest first.
pub async fn history(
    db: impl PgExecutor<'_>,
    article_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<HistoryRow>> {
    sqlx::query_as(
        "SELECT r.number, r.title, r.note, r.created_at AS saved_at, u.display_name AS saved_by
           FROM article_revisions r LEFT JOIN users u ON u.id = r.author_id
          WHERE r.article_id = $1
          ORDER BY r.number DESC
          LIMIT $2",
    )
    .bind(article_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Slugs in use that start with `prefix`, so a new slug can be told apart
/// from them. Takes a transaction-long lock on `prefix` first, so two writers
/// creating articles with the same title take turns and get different slugs.
pub async fn lock_and_list_slugs(
    conn: &mut PgConnection,
    prefix: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('article-slug:' || $1))")
        .bind(prefix)
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar("SELECT slug FROM articles WHERE slug LIKE $1")
        .bind(format!("{}%", escape_like(prefix)))
        .fetch_all(conn)
        .await
}

/// Stop showing any published revision of the article (taking it out of
/// the archive makes it a draft that readers do not see until published).
/// The caller changes the state with `articles::set_state`, which tells the
/// search index, in the same transaction.
pub async fn withdraw_published(conn: &mut PgConnection, article_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE articles SET published_revision_id = NULL WHERE id = $1")
        .bind(article_id)
        .execute(conn)
        .await?;
    Ok(())
}
