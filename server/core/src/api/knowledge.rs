//! API services: search, articles, workshops and registrations, as the token's
//! owner sees them in the portal. The rules are the pages' own: the search
//! engine and the article lists answer within `policy::article_scope`, saves
//! and state changes go through `writing`, registrations through `workshops`.

use super::rfc3339;
use crate::db::articles::{scoped, READABLE};
use crate::db::workshops as db_workshops;
use crate::policy::{self, Action, Actor};
use crate::writing::{self, ArticleForm, ArticleSave};
use crate::{markdown, workshops, Backend, Error, Reader};
use rapport_types::api::knowledge::{
    Article, ArticleInput, ArticleSummary, Registration, RegistrationList, SearchAnswer, SearchHit,
    Session, Workshop, WorkshopList,
};
use rapport_types::views::workshops::SessionView;
use rapport_types::{ArticleKind, ArticleState, SearchRequest, MAX_PER_PAGE};
use sqlx::{FromRow, PgPool};
use time::OffsetDateTime;

/// Hits a search answers with when the request does not say.
pub const DEFAULT_HITS: u32 = 10;

/// Search the knowledge base as `reader` would on the search page: only
/// articles they may read are found and counted.
pub async fn search(
    reader: &Reader,
    backend: &Backend,
    text: &str,
    kind: Option<&str>,
    limit: Option<u32>,
) -> Result<SearchAnswer, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid("q", "Say what to search for."));
    }
    if text.chars().count() > 200 {
        return Err(Error::invalid("q", "Search with at most 200 characters."));
    }
    let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(
            ArticleKind::parse(k)
                .ok_or_else(|| Error::invalid("kind", "Use knowledge, training or workshop."))?,
        ),
    };
    let per_page = limit.unwrap_or(DEFAULT_HITS);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(Error::invalid(
            "limit",
            format!("Ask for 1 to {MAX_PER_PAGE} hits."),
        ));
    }
    let request = SearchRequest {
        text: text.to_string(),
        kind,
        category: None,
        page: 1,
        per_page,
    };
    let scope = policy::article_scope(reader.actor());
    let results = crate::kb_search::run(&backend.search, request, scope).await?;
    Ok(SearchAnswer {
        total: results.total,
        items: results
            .hits
            .into_iter()
            .map(|h| SearchHit {
                article_id: h.article_id,
                slug: h.slug,
                title: h.title,
                kind: h.kind.as_str().to_string(),
                category: h.category_slug,
                snippet_html: h.snippet.as_str().to_string(),
                score: h.score,
            })
            .collect(),
    })
}

/// Does this reader see articles as a writer (every state, latest revision)?
/// Only a writer, and only when the token may write articles: as on the
/// writers' pages.
fn as_writer(actor: Option<&Actor>, may_write: bool) -> bool {
    may_write && policy::allows(actor, &Action::WriteArticles)
}

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    slug: String,
    title: String,
    summary: String,
    kind: String,
    state: String,
    audience: String,
    organization_id: Option<i64>,
    updated_at: OffsetDateTime,
}

/// Articles by id after `after`, at most `limit`: the published ones the
/// reader may read, or for a writer (with `may_write`) every article in its
/// latest revision, drafts and archived ones included. True when more follow.
pub async fn articles(
    reader: &Reader,
    pool: &PgPool,
    may_write: bool,
    after: i64,
    limit: i64,
) -> Result<(Vec<ArticleSummary>, bool), Error> {
    let actor = reader.signed_in()?;
    let rows: Vec<SummaryRow> = if as_writer(Some(actor), may_write) {
        sqlx::query_as(
            "SELECT a.id, a.slug, r.title, r.summary, r.kind, a.state, r.audience,
                    a.organization_id, a.updated_at
             FROM articles a JOIN article_revisions r ON r.id = a.latest_revision_id
             WHERE a.id > $1 ORDER BY a.id LIMIT $2",
        )
        .bind(after)
        .bind(limit + 1)
        .fetch_all(pool)
        .await?
    } else {
        let sql = format!(
            "SELECT a.id, a.slug, r.title, r.summary, r.kind, 'published' AS state, r.audience,
                    a.organization_id, coalesce(a.published_at, r.created_at) AS updated_at
             FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
             WHERE {READABLE} AND a.id > $4 ORDER BY a.id LIMIT $5"
        );
        scoped(&sql, &policy::article_scope(Some(actor)))
            .bind(after)
            .bind(limit + 1)
            .fetch_all(pool)
            .await?
    };
    let (rows, more) = super::one_page(rows, limit);
    Ok((
        rows.into_iter()
            .map(|r| ArticleSummary {
                id: r.id,
                slug: r.slug,
                title: r.title,
                summary: r.summary,
                kind: r.kind,
                state: r.state,
                audience: r.audience,
                organization_id: r.organization_id,
                updated_at: rfc3339(r.updated_at),
            })
            .collect(),
        more,
    ))
}

#[derive(FromRow)]
struct ArticleRow {
    id: i64,
    slug: String,
    revision_id: i64,
    title: String,
    summary: String,
    kind: String,
    category: String,
    tags: Vec<String>,
    audience: String,
    organization_id: Option<i64>,
    state: String,
    body: String,
    updated_at: OffsetDateTime,
}

/// The article at `slug`: the published revision if the reader may read it,
/// or for a writer (with `may_write`) the latest revision in any state.
/// Anything else is "not found", as in the portal.
pub async fn article(
    reader: &Reader,
    pool: &PgPool,
    may_write: bool,
    slug: &str,
) -> Result<Article, Error> {
    let actor = reader.signed_in()?;
    let row: Option<ArticleRow> = if as_writer(Some(actor), may_write) {
        sqlx::query_as(
            "SELECT a.id, a.slug, r.id AS revision_id, r.title, r.summary, r.kind,
                    c.slug AS category, r.tags, r.audience, a.organization_id, a.state, r.body,
                    a.updated_at
             FROM articles a JOIN article_revisions r ON r.id = a.latest_revision_id
             JOIN article_categories c ON c.id = r.category_id
             WHERE a.slug = $1",
        )
        .bind(slug)
        .fetch_optional(pool)
        .await?
    } else {
        let sql = format!(
            "SELECT a.id, a.slug, r.id AS revision_id, r.title, r.summary, r.kind,
                    c.slug AS category, r.tags, r.audience, a.organization_id,
                    'published' AS state, r.body,
                    coalesce(a.published_at, r.created_at) AS updated_at
             FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
             JOIN article_categories c ON c.id = r.category_id
             WHERE {READABLE} AND a.slug = $4"
        );
        scoped(&sql, &policy::article_scope(Some(actor)))
            .bind(slug)
            .fetch_optional(pool)
            .await?
    };
    let row = row.ok_or(Error::NotFound)?;
    let html = markdown::render_article(&row.body)
        .html
        .as_str()
        .to_string();
    Ok(Article {
        id: row.id,
        slug: row.slug,
        revision_id: row.revision_id,
        title: row.title,
        summary: row.summary,
        kind: row.kind,
        category: row.category,
        tags: row.tags,
        audience: row.audience,
        organization_id: row.organization_id,
        state: row.state,
        body: row.body,
        html,
        updated_at: rfc3339(row.updated_at),
    })
}

/// Create an article (`slug` None) or replace the content of the one at
/// `slug`, then move it to the asked state: the writers' editor's save and
/// state change, with their checks (fields, review rules, a stale revision).
/// Returns the article as a writer sees it.
pub async fn save(
    reader: &Reader,
    pool: &PgPool,
    slug: Option<&str>,
    input: &ArticleInput,
) -> Result<Article, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::WriteArticles)?;
    let (intent, archive) = match input.state.as_deref().map(str::trim) {
        None | Some("") | Some("draft") => ("draft", false),
        Some("in_review") => ("review", false),
        Some("published") => ("publish", false),
        Some("archived") => ("draft", true),
        Some(_) => {
            return Err(Error::invalid(
                "state",
                "Use draft, in_review, published or archived.",
            ))
        }
    };
    let categories = crate::db::articles::categories(pool).await?;
    let category = categories
        .iter()
        .find(|c| c.slug == input.category.trim())
        .map(|c| c.id.to_string())
        .ok_or_else(|| Error::invalid("category", "Use the slug of an existing category."))?;
    // The article to update, where it stands, and the revision the change is based on.
    let existing: Option<(i64, String, i64)> = match slug {
        None => None,
        Some(slug) => Some(
            sqlx::query_as("SELECT id, state, latest_revision_id FROM articles WHERE slug = $1")
                .bind(slug)
                .fetch_optional(pool)
                .await?
                .ok_or(Error::NotFound)?,
        ),
    };
    let based_on = existing
        .as_ref()
        .map(|(_, _, latest)| input.revision.unwrap_or(*latest));
    let id_text = existing.as_ref().map(|(id, _, _)| id.to_string());
    let based_on_text = based_on.map(|b| b.to_string());
    let tags = input.tags.join(",");
    let form = ArticleForm {
        id: id_text.as_deref().unwrap_or(""),
        based_on: based_on_text.as_deref().unwrap_or(""),
        kind: &input.kind,
        title: &input.title,
        summary: &input.summary,
        category: &category,
        tags: &tags,
        audience: &input.audience,
        body: &input.body,
        note: &input.note,
        intent,
    };
    // Every field checked before anything is written.
    let command = ArticleSave::parse(&form)?;
    // Out of the archive first when it is to be anything but archived.
    if let Some((id, state, _)) = &existing {
        if !archive && state == ArticleState::Archived.as_str() {
            writing::change_state(reader, pool, *id, based_on.unwrap_or(0), "draft").await?;
        }
    }
    let outcome = writing::save(reader, pool, command).await?;
    let (slug, state, latest): (String, String, i64) =
        sqlx::query_as("SELECT slug, state, latest_revision_id FROM articles WHERE id = $1")
            .bind(outcome.id)
            .fetch_one(pool)
            .await?;
    if archive && state != ArticleState::Archived.as_str() {
        writing::change_state(reader, pool, outcome.id, latest, "archived").await?;
    }
    article(reader, pool, true, &slug).await
}

fn session(view: SessionView) -> Session {
    Session {
        id: view.id,
        workshop_slug: view.workshop_slug,
        workshop_title: view.workshop_title,
        starts_at: view.starts_at,
        duration_minutes: view.duration_minutes,
        place: view.place,
        online: view.online,
        online_url: view.online_url,
        capacity: view.capacity,
        registered: view.registered,
        waitlisted: view.waitlisted,
        places_left: view.places_left,
        status: view.status.as_str().to_string(),
        trainer: view.trainer,
        mine: view.mine.map(|m| m.as_str().to_string()),
        waitlist_place: view.waitlist_place,
    }
}

/// The workshops with sessions to come, as the calendar shows them to the
/// reader (soonest session first).
pub async fn workshop_list(reader: &Reader, pool: &PgPool) -> Result<WorkshopList, Error> {
    let calendar = workshops::calendar(reader, pool, "", "").await?;
    let mut items: Vec<Workshop> = Vec::new();
    for view in calendar.months.into_iter().flat_map(|m| m.sessions) {
        match items.iter_mut().find(|w| w.slug == view.workshop_slug) {
            Some(workshop) => workshop.sessions.push(session(view)),
            None => items.push(Workshop {
                slug: view.workshop_slug.clone(),
                title: view.workshop_title.clone(),
                sessions: vec![session(view)],
            }),
        }
    }
    Ok(WorkshopList { items })
}

/// One session of a workshop the reader may read, as its workshop's page
/// shows it; anything else is "not found".
pub async fn session_of(reader: &Reader, pool: &PgPool, id: i64) -> Result<Session, Error> {
    let row = db_workshops::session(pool, id)
        .await?
        .ok_or(Error::NotFound)?;
    let list = workshops::sessions_for(reader, pool, &row.slug).await?;
    list.sessions
        .into_iter()
        .find(|s| s.id == id)
        .map(session)
        .ok_or(Error::NotFound)
}

/// Who registered for a session, and who waits: for the trainers and admins
/// who run workshops, as their planning page lists them.
pub async fn registrations(
    reader: &Reader,
    pool: &PgPool,
    id: i64,
) -> Result<RegistrationList, Error> {
    policy::authorize(reader.actor(), &Action::ManageWorkshops)?;
    db_workshops::session(pool, id)
        .await?
        .ok_or(Error::NotFound)?;
    let people = db_workshops::people_of(pool, id).await?;
    Ok(RegistrationList {
        items: people
            .into_iter()
            .map(|p| Registration {
                id: p.id,
                user_id: p.user_id,
                name: p.display_name,
                email: p.email,
                organization: p.organization_name,
                status: p.status,
                registered_at: rfc3339(p.created_at),
                attended: p.attended,
            })
            .collect(),
    })
}
