//! Searching the knowledge base for a reader: the engine answers within the
//! reader's `policy::article_scope`, and every search is logged for the
//! trainers' reports.

use super::db::articles as db_articles;
use super::db::search_log::{self, SearchSource};
use super::policy::{self, Action};
use crate::limits::{self, Limit};
use crate::Backend;
use crate::Error;
use crate::Reader;
use rapport_search::SearchIndex;
use rapport_types::views::search::{SearchPage, SuggestedForCase};
use rapport_types::{ArticleKind, SearchRequest, SearchResults, Suggestion, DEFAULT_PER_PAGE};

/// Suggestions shown under the header's search box.
const SUGGESTIONS: usize = 6;
/// Articles suggested beside the new-case form.
const CASE_SUGGESTIONS: u32 = 5;

/// Run a search off the async runtime: the engine's work is CPU-bound and
/// reads the memory-mapped index.
pub(crate) async fn run(
    index: &SearchIndex,
    request: SearchRequest,
    scope: policy::ArticleScope,
) -> Result<SearchResults, Error> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || index.search(&request, &scope))
        .await
        .map_err(Error::internal)?
        .map_err(Error::from)
}

/// May this search still be written to the search log? The log takes at
/// most so many searches per person or visitor (`Limit::SearchLog`), so
/// nobody can grow it without end; the search itself is answered either way.
async fn may_log(reader: &Reader, backend: &Backend) -> Result<bool, Error> {
    let limits = &backend.config.limits;
    match limits::hit(&backend.pool, limits, Limit::SearchLog, &reader.limit_key()).await {
        Ok(()) => Ok(true),
        Err(Error::RateLimited { .. }) => Ok(false),
        Err(other) => Err(other),
    }
}

pub async fn search_page(
    reader: &Reader,
    backend: &Backend,
    text: &str,
    kind: Option<&str>,
    category: Option<&str>,
    page: rapport_types::PageNumber,
) -> Result<SearchPage, Error> {
    let (zone, actor) = (reader.zone(), reader.actor());
    let scope = policy::article_scope(actor);
    let kind = kind.and_then(ArticleKind::parse);
    let category = category
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    let request = SearchRequest {
        text: text.to_string(),
        kind,
        category: category.clone(),
        // At most 400 (the lists' bound); the engine serves up to its MAX_PAGE.
        page: page.get() as u32,
        per_page: DEFAULT_PER_PAGE,
    };
    let (page, per_page) = (request.clamped_page(), request.clamped_per_page());
    let results = if text.trim().is_empty() {
        SearchResults::default()
    } else {
        run(&backend.search, request, scope).await?
    };
    // The first page of a new search is logged; paging and filters are the same search.
    let new_search = !text.trim().is_empty() && page == 1 && kind.is_none() && category.is_none();
    let log_id = if new_search && may_log(reader, backend).await? {
        Some(
            search_log::log_search(
                &backend.pool,
                text,
                results.total,
                SearchSource::SearchPage,
                actor.map(|a| a.user_id),
            )
            .await?,
        )
    } else {
        None
    };
    let category_names = if results.categories.is_empty() {
        Vec::new()
    } else {
        db_articles::categories(&backend.pool)
            .await?
            .into_iter()
            .map(|c| (c.slug, c.name))
            .collect()
    };
    let upcoming_sessions =
        super::workshops::next_sessions_of(zone, &backend.pool, &results.hits).await?;
    Ok(SearchPage {
        upcoming_sessions,
        query: text.to_string(),
        kind,
        category,
        page,
        per_page,
        results,
        log_id,
        category_names,
        can_open_case: policy::allows(actor, &Action::OpenCase),
    })
}

pub async fn suggestions(
    reader: &Reader,
    backend: &Backend,
    text: &str,
) -> Result<Vec<Suggestion>, Error> {
    let actor = reader.actor();
    let scope = policy::article_scope(actor);
    let index = backend.search.clone();
    let text = text.to_string();
    tokio::task::spawn_blocking(move || index.suggest(&text, &scope, SUGGESTIONS))
        .await
        .map_err(Error::internal)
}

pub async fn case_suggestions(
    reader: &Reader,
    backend: &Backend,
    subject: &str,
    description: &str,
) -> Result<SuggestedForCase, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::OpenCase)?;
    // The subject says most; the start of the description adds words.
    let description: String = description
        .split_whitespace()
        .take(12)
        .collect::<Vec<_>>()
        .join(" ");
    let text = format!("{} {description}", subject.trim());
    if subject.trim().chars().count() < 3 {
        return Ok(SuggestedForCase {
            hits: Vec::new(),
            log_id: None,
        });
    }
    let request = SearchRequest {
        per_page: CASE_SUGGESTIONS,
        ..SearchRequest::new(text.trim())
    };
    let results = run(&backend.search, request, policy::article_scope(Some(actor))).await?;
    let log_id = if may_log(reader, backend).await? {
        Some(
            search_log::log_search(
                &backend.pool,
                subject.trim(),
                results.total,
                SearchSource::NewCase,
                Some(actor.user_id),
            )
            .await?,
        )
    } else {
        None
    };
    Ok(SuggestedForCase {
        hits: results.hits,
        log_id,
    })
}

pub async fn deflect(
    reader: &Reader,
    backend: &Backend,
    slug: &str,
    query: &str,
) -> Result<(), Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::OpenCase)?;
    let scope = policy::article_scope(Some(actor));
    let article_id = db_articles::readable_id(&backend.pool, &scope, slug)
        .await?
        .ok_or(Error::NotFound)?;
    search_log::record_deflection(&backend.pool, article_id, actor.user_id, query.trim()).await?;
    Ok(())
}
