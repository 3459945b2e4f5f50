//! The search log: every search with its hit count, what was opened from it,
//! and whether a case followed; and the deflected cases.

use sqlx::PgExecutor;

/// How long after a search a new case counts as "filed after searching".
pub const CASE_AFTER_SEARCH_MINUTES: i32 = 30;

/// Where a search was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchSource {
    SearchPage,
    NewCase,
}

impl SearchSource {
    fn as_str(self) -> &'static str {
        match self {
            SearchSource::SearchPage => "search",
            SearchSource::NewCase => "new_case",
        }
    }
}

/// Lower case, single spaces, at most 500 characters: how searches are
/// grouped in the reports.
pub fn normalize(query: &str) -> String {
    query
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .chars()
        .take(500)
        .collect()
}

/// Log a search; returns its id, which result links carry.
pub async fn log_search(
    db: impl PgExecutor<'_>,
    query: &str,
    hits: u64,
    source: SearchSource,
    user_id: Option<i64>,
) -> sqlx::Result<i64> {
    // PostgreSQL text cannot hold NUL, and control characters mean nothing here.
    let query: String = query
        .chars()
        .filter(|c| !c.is_control())
        .take(500)
        .collect();
    sqlx::query_scalar(
        "INSERT INTO search_log (query, normalized, hits, source, user_id)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&query)
    .bind(normalize(&query))
    .bind(i32::try_from(hits).unwrap_or(i32::MAX))
    .bind(source.as_str())
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// Record that a result was opened. Only the first click of a search counts,
/// and only by the person who searched (a link passed on counts nothing).
pub async fn record_click(
    db: impl PgExecutor<'_>,
    log_id: i64,
    article_id: i64,
    reader_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE search_log SET clicked_article_id = $2
          WHERE id = $1 AND clicked_article_id IS NULL
            AND user_id IS NOT DISTINCT FROM $3
            AND created_at > now() - interval '1 day'",
    )
    .bind(log_id)
    .bind(article_id)
    .bind(reader_id)
    .execute(db)
    .await?;
    Ok(())
}

/// A case was opened: mark the person's searches of the last minutes as
/// followed by it.
pub async fn link_case(db: impl PgExecutor<'_>, user_id: i64, case_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE search_log SET case_id = $2
          WHERE user_id = $1 AND case_id IS NULL
            AND created_at > now() - make_interval(mins => $3)",
    )
    .bind(user_id)
    .bind(case_id)
    .bind(CASE_AFTER_SEARCH_MINUTES)
    .execute(db)
    .await?;
    Ok(())
}

/// "This solved my problem": a case that was not filed.
pub async fn record_deflection(
    db: impl PgExecutor<'_>,
    article_id: i64,
    user_id: i64,
    query: &str,
) -> sqlx::Result<()> {
    let query: String = query
        .chars()
        .filter(|c| !c.is_control())
        .take(500)
        .collect();
    sqlx::query("INSERT INTO deflections (article_id, user_id, query) VALUES ($1, $2, $3)")
        .bind(article_id)
        .bind(user_id)
        .bind(query)
        .execute(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn searches_are_grouped_by_their_words() {
        assert_eq!(normalize("  Reset   PASSWORD\t"), "reset password");
        assert_eq!(normalize(&"x".repeat(900)).len(), 500);
        assert_eq!(normalize("a\u{0}b"), "a b");
    }
}
