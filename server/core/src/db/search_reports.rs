//! What readers searched for and how articles fared: the trainers' list of
//! what to write next. Each report is one query over the last `days` days,
//! at most `limit` rows.

use sqlx::{FromRow, PgExecutor};
use time::OffsetDateTime;

/// A normalized search with how often it was made.
#[derive(Debug, Clone, FromRow)]
pub struct SearchRow {
    pub normalized: String,
    pub searches: i64,
    pub average_hits: f64,
    pub last_at: OffsetDateTime,
}

/// Which searches a report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchReport {
    /// Every search.
    Top,
    /// Searches that found nothing.
    NoResults,
    /// Searches after which the person opened a case anyway.
    FollowedByCase,
}

/// Searches grouped by their normalized text, most frequent first.
pub async fn searches(
    db: impl PgExecutor<'_>,
    report: SearchReport,
    days: i32,
    limit: i64,
) -> sqlx::Result<Vec<SearchRow>> {
    let only = match report {
        SearchReport::Top => "TRUE",
        SearchReport::NoResults => "hits = 0",
        SearchReport::FollowedByCase => "case_id IS NOT NULL",
    };
    let sql = format!(
        "SELECT normalized, count(*) AS searches, avg(hits)::float8 AS average_hits,
                max(created_at) AS last_at
           FROM search_log
          WHERE created_at > now() - make_interval(days => $1) AND {only}
          GROUP BY normalized
          ORDER BY count(*) DESC, max(created_at) DESC, normalized
          LIMIT $2"
    );
    sqlx::query_as(&sql)
        .bind(days)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// An article's "was this helpful?" votes in the period.
#[derive(Debug, Clone, FromRow)]
pub struct VotesRow {
    pub article_id: i64,
    pub title: String,
    pub yes: i64,
    pub no: i64,
}

/// Articles with at least one vote, most "no" votes first, then the lowest
/// share of "yes". The title is the one readers see (or the latest).
pub async fn least_helpful(
    db: impl PgExecutor<'_>,
    days: i32,
    limit: i64,
) -> sqlx::Result<Vec<VotesRow>> {
    sqlx::query_as(
        "SELECT v.article_id, r.title, v.yes, v.no
           FROM (SELECT article_id,
                        count(*) FILTER (WHERE helpful) AS yes,
                        count(*) FILTER (WHERE NOT helpful) AS no
                   FROM article_votes
                  WHERE created_at > now() - make_interval(days => $1)
                  GROUP BY article_id) v
           JOIN articles a ON a.id = v.article_id
           JOIN article_revisions r ON r.id = coalesce(a.published_revision_id, a.latest_revision_id)
          ORDER BY v.no DESC, v.yes::float8 / (v.yes + v.no) ASC, v.article_id
          LIMIT $2",
    )
    .bind(days)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// How often an article ended a search before a case was filed.
#[derive(Debug, Clone, FromRow)]
pub struct DeflectionRow {
    pub article_id: i64,
    pub title: String,
    pub deflections: i64,
    pub last_at: OffsetDateTime,
}

pub async fn deflections(
    db: impl PgExecutor<'_>,
    days: i32,
    limit: i64,
) -> sqlx::Result<Vec<DeflectionRow>> {
    sqlx::query_as(
        "SELECT d.article_id, r.title, d.deflections, d.last_at
           FROM (SELECT article_id, count(*) AS deflections, max(created_at) AS last_at
                   FROM deflections
                  WHERE created_at > now() - make_interval(days => $1)
                  GROUP BY article_id) d
           JOIN articles a ON a.id = d.article_id
           JOIN article_revisions r ON r.id = coalesce(a.published_revision_id, a.latest_revision_id)
          ORDER BY d.deflections DESC, d.last_at DESC, d.article_id
          LIMIT $2",
    )
    .bind(days)
    .bind(limit)
    .fetch_all(db)
    .await
}
