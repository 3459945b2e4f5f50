//! Articles, their revisions and categories.
//!
//! An article row is the stable address; every save appends a revision. Readers
//! see `published_revision_id` (while the article is not archived); writers work
//! on `latest_revision_id`. Whatever changes what readers see calls
//! `notify_changed` inside its transaction, so the search index hears of it
//! only once the change is committed.

use crate::policy::ArticleScope;
use rapport_types::{ArticleKind, ArticleState, Audience};
use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

/// What one save of an article holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionContent {
    pub kind: ArticleKind,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub category_id: i64,
    pub tags: Vec<String>,
    pub audience: Audience,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// Tell every server process that an article changed (the search index
/// listens). Sent when the surrounding transaction commits.
pub async fn notify_changed(conn: &mut PgConnection, article_id: i64) -> sqlx::Result<()> {
    super::search_docs::notify_article_changed(conn, article_id).await
}

pub async fn categories(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<CategoryRow>> {
    sqlx::query_as(
        "SELECT id, parent_id, slug, name, description FROM article_categories
         ORDER BY position, name",
    )
    .fetch_all(db)
    .await
}

/// Create or update a category by slug; returns its id.
pub async fn upsert_category(
    conn: &mut PgConnection,
    slug: &str,
    name: &str,
    description: &str,
    parent_id: Option<i64>,
    position: i32,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO article_categories (slug, name, description, parent_id, position)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (slug) DO UPDATE
           SET name = EXCLUDED.name, description = EXCLUDED.description,
               parent_id = EXCLUDED.parent_id, position = EXCLUDED.position
         RETURNING id",
    )
    .bind(slug)
    .bind(name)
    .bind(description)
    .bind(parent_id)
    .bind(position)
    .fetch_one(conn)
    .await
}

/// A new article in the draft state with its first revision. Returns the
/// article's id and the revision's id.
pub async fn create(
    conn: &mut PgConnection,
    slug: &str,
    author_id: Option<i64>,
    content: &RevisionContent,
    note: &str,
) -> sqlx::Result<(i64, i64)> {
    let article_id: i64 =
        sqlx::query_scalar("INSERT INTO articles (slug, author_id) VALUES ($1, $2) RETURNING id")
            .bind(slug)
            .bind(author_id)
            .fetch_one(&mut *conn)
            .await?;
    let revision_id = add_revision(conn, article_id, author_id, content, note).await?;
    Ok((article_id, revision_id))
}

/// Append a revision and make it the article's latest. A published article
/// stays published (readers keep its published revision) until the new
/// revision is published; the workflow state goes back to draft.
pub async fn add_revision(
    conn: &mut PgConnection,
    article_id: i64,
    author_id: Option<i64>,
    content: &RevisionContent,
    note: &str,
) -> sqlx::Result<i64> {
    let revision_id: i64 = sqlx::query_scalar(
        "INSERT INTO article_revisions
           (article_id, number, kind, title, summary, body, category_id, tags, audience, author_id, note)
         SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10
           FROM article_revisions WHERE article_id = $1
         RETURNING id",
    )
    .bind(article_id)
    .bind(content.kind.as_str())
    .bind(&content.title)
    .bind(&content.summary)
    .bind(&content.body)
    .bind(content.category_id)
    .bind(&content.tags)
    .bind(content.audience.as_str())
    .bind(author_id)
    .bind(note)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE articles SET latest_revision_id = $2, updated_at = now(),
           state = CASE WHEN state = 'archived' THEN 'archived' ELSE 'draft' END
         WHERE id = $1",
    )
    .bind(article_id)
    .bind(revision_id)
    .execute(&mut *conn)
    .await?;
    Ok(revision_id)
}

/// Move an article to `state`. Publishing makes the latest revision the one
/// readers see; `reviewer_id` is recorded when it is given.
pub async fn set_state(
    conn: &mut PgConnection,
    article_id: i64,
    state: ArticleState,
    reviewer_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE articles SET
           state = $2,
           reviewer_id = coalesce($3, reviewer_id),
           published_revision_id = CASE WHEN $2 = 'published' THEN latest_revision_id
                                         ELSE published_revision_id END,
           published_at = CASE WHEN $2 = 'published' THEN now() ELSE published_at END,
           updated_at = now()
         WHERE id = $1",
    )
    .bind(article_id)
    .bind(state.as_str())
    .bind(reviewer_id)
    .execute(&mut *conn)
    .await?;
    notify_changed(conn, article_id).await
}

/// One article as a reader sees it: its published revision.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveArticle {
    pub id: i64,
    pub slug: String,
    pub revision_id: i64,
    pub revision_number: i32,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tags: Vec<String>,
    pub audience: String,
    pub category_id: i64,
    pub updated_at: OffsetDateTime,
    pub helpful_yes: i64,
    pub helpful_no: i64,
    /// Whether the reader has voted on this revision already.
    pub voted: bool,
}

/// The SQL condition "the reader in $1 (audiences), $2 (organization),
/// $3 (staff) may read the article `a` at revision `r`".
pub(crate) const READABLE: &str = "a.state <> 'archived'
    AND r.audience = ANY($1)
    AND ($3 OR a.organization_id IS NULL OR a.organization_id = $2)";

fn audiences(scope: &ArticleScope) -> Vec<String> {
    scope
        .audiences
        .iter()
        .map(|a| a.as_str().to_string())
        .collect()
}

/// `sql` (which uses READABLE) with the reader's scope bound to $1..$3.
pub(crate) fn scoped<'q, O>(
    sql: &'q str,
    scope: &ArticleScope,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>
where
    O: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    sqlx::query_as(sql)
        .bind(audiences(scope))
        .bind(scope.organization_id)
        .bind(scope.staff)
}

/// The published article at `slug`, if `scope` may read it; counts the view.
/// `reader_id` is the signed-in reader, for whether they have voted.
pub async fn live_by_slug(
    db: impl PgExecutor<'_>,
    scope: &ArticleScope,
    slug: &str,
    reader_id: Option<i64>,
) -> sqlx::Result<Option<LiveArticle>> {
    let sql = format!(
        "WITH seen AS (
           UPDATE articles a SET view_count = view_count + 1
             FROM article_revisions r
            WHERE a.slug = $4 AND r.id = a.published_revision_id AND {READABLE}
           RETURNING a.id, a.slug, a.published_revision_id, a.published_at
         )
         SELECT s.id, s.slug, r.id AS revision_id, r.number AS revision_number, r.kind,
                r.title, r.summary, r.body, r.tags, r.audience, r.category_id,
                coalesce(s.published_at, r.created_at) AS updated_at,
                (SELECT count(*) FROM article_votes v WHERE v.revision_id = r.id AND v.helpful) AS helpful_yes,
                (SELECT count(*) FROM article_votes v WHERE v.revision_id = r.id AND NOT v.helpful) AS helpful_no,
                EXISTS (SELECT 1 FROM article_votes v WHERE v.revision_id = r.id AND v.user_id = $5) AS voted
           FROM seen s JOIN article_revisions r ON r.id = s.published_revision_id"
    );
    scoped(&sql, scope)
        .bind(slug)
        .bind(reader_id)
        .fetch_optional(db)
        .await
}

/// A line in a list of articles.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ArticleListRow {
    pub id: i64,
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub category_id: i64,
    pub updated_at: OffsetDateTime,
}

/// How a list of readable articles is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOrder {
    Popular,
    Title,
}

/// Readable articles, in `category_ids` when given (any of them), ordered.
pub async fn list_live(
    db: impl PgExecutor<'_>,
    scope: &ArticleScope,
    category_ids: Option<&[i64]>,
    order: ListOrder,
    limit: i64,
) -> sqlx::Result<Vec<ArticleListRow>> {
    let order_by = match order {
        ListOrder::Popular => "a.view_count DESC, a.id",
        ListOrder::Title => "lower(r.title), a.id",
    };
    let sql = format!(
        "SELECT a.id, a.slug, r.kind, r.title, r.summary, r.category_id,
                coalesce(a.published_at, r.created_at) AS updated_at
           FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
          WHERE {READABLE} AND ($4::bigint[] IS NULL OR r.category_id = ANY($4))
          ORDER BY {order_by} LIMIT $5"
    );
    scoped(&sql, scope)
        .bind(category_ids)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// Readable articles that share tags with the article (more shared tags
/// first), then others from its category.
pub async fn related(
    db: impl PgExecutor<'_>,
    scope: &ArticleScope,
    article: &LiveArticle,
    limit: i64,
) -> sqlx::Result<Vec<ArticleListRow>> {
    let sql = format!(
        "SELECT a.id, a.slug, r.kind, r.title, r.summary, r.category_id,
                coalesce(a.published_at, r.created_at) AS updated_at
           FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
          WHERE {READABLE} AND a.id <> $4
            AND (r.tags && $5 OR r.category_id = $6)
          ORDER BY cardinality(ARRAY(SELECT unnest(r.tags) INTERSECT SELECT unnest($5::text[]))) DESC,
                   a.view_count DESC, a.id
          LIMIT $7"
    );
    scoped(&sql, scope)
        .bind(article.id)
        .bind(&article.tags)
        .bind(article.category_id)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// Record a "was this helpful?" vote: once per person and revision. Returns
/// false when this person had already voted on this revision.
pub async fn vote(
    db: impl PgExecutor<'_>,
    article_id: i64,
    revision_id: i64,
    user_id: i64,
    helpful: bool,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO article_votes (revision_id, user_id, article_id, helpful)
         SELECT $2, $3, $1, $4
           FROM articles WHERE id = $1 AND published_revision_id = $2
         ON CONFLICT (revision_id, user_id) DO NOTHING",
    )
    .bind(article_id)
    .bind(revision_id)
    .bind(user_id)
    .bind(helpful)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many readable articles each category holds directly.
pub async fn count_by_category(
    db: impl PgExecutor<'_>,
    scope: &ArticleScope,
) -> sqlx::Result<Vec<(i64, i64)>> {
    let sql = format!(
        "SELECT r.category_id, count(*)
           FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
          WHERE {READABLE}
          GROUP BY r.category_id"
    );
    scoped(&sql, scope).fetch_all(db).await
}

/// The id of the published article at `slug`, if `scope` may read it.
pub async fn readable_id(
    db: impl PgExecutor<'_>,
    scope: &ArticleScope,
    slug: &str,
) -> sqlx::Result<Option<i64>> {
    let sql = format!(
        "SELECT a.id FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
          WHERE a.slug = $4 AND {READABLE}"
    );
    let found: Option<(i64,)> = scoped(&sql, scope).bind(slug).fetch_optional(db).await?;
    Ok(found.map(|(id,)| id))
}

/// The published workshops `scope` may read (a workshop is an article of the
/// kind `workshop`), by title.
pub async fn readable_workshops(
    db: impl PgExecutor<'_>,
    scope: &ArticleScope,
) -> sqlx::Result<Vec<ArticleListRow>> {
    let sql = format!(
        "SELECT a.id, a.slug, r.kind, r.title, r.summary, r.category_id,
                coalesce(a.published_at, r.created_at) AS updated_at
           FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
          WHERE {READABLE} AND r.kind = 'workshop'
          ORDER BY lower(r.title), a.id LIMIT 1000"
    );
    scoped(&sql, scope).fetch_all(db).await
}
