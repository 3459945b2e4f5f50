//! The live articles as the search index needs them, and the change
//! notification that keeps the index current.
//!
//! An article is live when it has a published revision and is not archived;
//! readers (and so the index) see the published revision's content. The
//! category path is read with a recursive query over `article_categories`,
//! in the same statement: one query for all articles, never one per article.

use futures::stream::BoxStream;
use futures::StreamExt;
use rapport_search::SearchDoc;
use rapport_types::{ArticleKind, Audience};
use sqlx::{FromRow, PgConnection, PgExecutor, PgPool};

/// The PostgreSQL channel the index listens on; the payload is an article id.
pub const CHANNEL: &str = "rapport_search";

/// Every live article with its content, category path and audience. A
/// depth limit keeps a (forbidden, but not prevented) category cycle finite;
/// a category cut off from the top gets a path of its own slug.
const LIVE_DOCUMENTS: &str = "
    WITH RECURSIVE paths (id, path) AS (
        SELECT id, ARRAY[slug] FROM article_categories WHERE parent_id IS NULL
        UNION ALL
        SELECT c.id, p.path || c.slug
        FROM article_categories c JOIN paths p ON c.parent_id = p.id
        WHERE cardinality(p.path) < 8
    )
    SELECT a.id AS article_id, a.slug, r.kind, r.title, r.summary, r.body, r.tags,
           c.slug AS category_slug, coalesce(p.path, ARRAY[c.slug]) AS category_path,
           r.audience, a.organization_id,
           extract(epoch FROM greatest(a.updated_at, r.created_at))::bigint AS updated_at
    FROM articles a
    JOIN article_revisions r ON r.id = a.published_revision_id
    JOIN article_categories c ON c.id = r.category_id
    LEFT JOIN paths p ON p.id = c.id
    WHERE a.published_revision_id IS NOT NULL AND a.state <> 'archived'";

#[derive(FromRow)]
struct DocumentRow {
    article_id: i64,
    slug: String,
    kind: String,
    title: String,
    summary: String,
    body: String,
    tags: Vec<String>,
    category_slug: String,
    category_path: Vec<String>,
    audience: String,
    organization_id: Option<i64>,
    updated_at: i64,
}

impl DocumentRow {
    /// The table's CHECK constraints make the names valid; a row that still
    /// is not is left out of the index, loudly.
    fn into_doc(self) -> Option<SearchDoc> {
        let (Some(kind), Some(audience)) = (
            ArticleKind::parse(&self.kind),
            Audience::parse(&self.audience),
        ) else {
            tracing::error!(
                article_id = self.article_id,
                kind = %self.kind,
                audience = %self.audience,
                "an article with an unknown kind or audience is left out of the search index"
            );
            return None;
        };
        Some(SearchDoc {
            article_id: self.article_id,
            slug: self.slug,
            kind,
            title: self.title,
            summary: self.summary,
            body_markdown: self.body,
            tags: self.tags,
            category_slug: self.category_slug,
            category_path: self.category_path,
            audience,
            organization_id: self.organization_id,
            updated_at: self.updated_at,
        })
    }
}

/// Every live article, streamed in id order (the rows are not all held in memory).
pub fn live_documents(pool: &PgPool) -> BoxStream<'_, sqlx::Result<SearchDoc>> {
    sqlx::query_as::<_, DocumentRow>(live_documents_sql())
        .fetch(pool)
        .filter_map(|row| async move {
            match row {
                Ok(row) => row.into_doc().map(Ok),
                Err(err) => Some(Err(err)),
            }
        })
        .boxed()
}

fn live_documents_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| format!("{LIVE_DOCUMENTS} ORDER BY a.id"))
}

/// One article, when it is live.
pub async fn document(db: impl PgExecutor<'_>, article_id: i64) -> sqlx::Result<Option<SearchDoc>> {
    Ok(documents(db, &[article_id]).await?.pop())
}

/// The live ones among `article_ids`, in one query.
pub async fn documents(
    db: impl PgExecutor<'_>,
    article_ids: &[i64],
) -> sqlx::Result<Vec<SearchDoc>> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| format!("{LIVE_DOCUMENTS} AND a.id = ANY($1) ORDER BY a.id"));
    let rows: Vec<DocumentRow> = sqlx::query_as(sql).bind(article_ids).fetch_all(db).await?;
    Ok(rows.into_iter().filter_map(DocumentRow::into_doc).collect())
}

/// How many articles are live.
pub async fn count_live(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM articles
         WHERE published_revision_id IS NOT NULL AND state <> 'archived'",
    )
    .fetch_one(db)
    .await
}

/// `(article id, updated_at)` of every live article, by id, with the same
/// `updated_at` the documents carry: what a drift check compares.
pub async fn live_versions(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT a.id, extract(epoch FROM greatest(a.updated_at, r.created_at))::bigint
         FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
         WHERE a.published_revision_id IS NOT NULL AND a.state <> 'archived'
         ORDER BY a.id",
    )
    .fetch_all(db)
    .await
}

/// Tell the search index that an article changed (published, edited,
/// archived, moved). Call it inside the transaction that changes the article:
/// PostgreSQL delivers the notification only when (and if) it commits.
pub async fn notify_article_changed(tx: &mut PgConnection, article_id: i64) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_notify($1, $2::bigint::text)")
        .bind(CHANNEL)
        .bind(article_id)
        .execute(tx)
        .await?;
    Ok(())
}
