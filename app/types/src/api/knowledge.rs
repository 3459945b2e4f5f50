//! API wire types: search, articles, workshops and registrations. (See the
//! module above.)

use serde::{Deserialize, Serialize};

/// One article found by a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub article_id: i64,
    pub slug: String,
    pub title: String,
    /// knowledge, training or workshop.
    pub kind: String,
    /// The slug of its category.
    pub category: String,
    /// About 200 characters around the best match, as HTML: escaped text
    /// with the matched words in `<mark>`.
    pub snippet_html: String,
    /// Relevance among the hits of this search.
    pub score: f32,
}

/// The answer to a search: only articles the token's owner may read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchAnswer {
    /// Matching articles in all.
    pub total: u64,
    /// The best of them, best first.
    pub items: Vec<SearchHit>,
}

/// An article in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleSummary {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// knowledge, training or workshop.
    pub kind: String,
    /// draft, in_review, published or archived (readers see only published ones).
    pub state: String,
    /// public, customers or internal.
    pub audience: String,
    /// Set when the article is meant for one organization only.
    pub organization_id: Option<i64>,
    pub updated_at: String,
}

/// A page of articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleList {
    pub items: Vec<ArticleSummary>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// One article: for readers its published revision, for writers its latest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Article {
    pub id: i64,
    pub slug: String,
    /// The revision shown; send it back as `revision` to update the article
    /// without overwriting a change made meanwhile.
    pub revision_id: i64,
    pub title: String,
    pub summary: String,
    pub kind: String,
    /// The slug of its category.
    pub category: String,
    pub tags: Vec<String>,
    pub audience: String,
    pub organization_id: Option<i64>,
    pub state: String,
    /// The Markdown source.
    pub body: String,
    /// The body rendered and sanitised, as the portal shows it.
    pub html: String,
    pub updated_at: String,
}

/// An article to create, or the new content of one (`PUT` replaces it whole).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleInput {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// Markdown.
    pub body: String,
    /// knowledge, training or workshop.
    pub kind: String,
    /// The slug of a category.
    pub category: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// public, customers or internal.
    pub audience: String,
    /// What changed, for the article's history.
    #[serde(default)]
    pub note: String,
    /// draft (the default), in_review, published or archived: moved there
    /// as the writers' editor would (an archived article is taken out of the
    /// archive as a draft first).
    #[serde(default)]
    pub state: Option<String>,
    /// On update: the `revision_id` the change is based on. When given and
    /// the article changed since, nothing is saved (409).
    #[serde(default)]
    pub revision: Option<i64>,
}

/// One session of a workshop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub id: i64,
    pub workshop_slug: String,
    pub workshop_title: String,
    pub starts_at: String,
    pub duration_minutes: i32,
    pub place: String,
    pub online: bool,
    /// Only for those registered, and staff.
    pub online_url: Option<String>,
    pub capacity: i32,
    pub registered: i64,
    pub waitlisted: i64,
    pub places_left: i64,
    /// scheduled, cancelled or done.
    pub status: String,
    pub trainer: Option<String>,
    /// The token owner's registration: registered or waitlisted.
    pub mine: Option<String>,
    /// The token owner's place on the waitlist, from 1.
    pub waitlist_place: Option<i64>,
}

/// A workshop with its upcoming sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Workshop {
    pub slug: String,
    pub title: String,
    pub sessions: Vec<Session>,
}

/// The workshops the token's owner may read that have sessions to come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkshopList {
    pub items: Vec<Workshop>,
}

/// Someone's place in a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Registration {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub organization: Option<String>,
    /// registered or waitlisted.
    pub status: String,
    pub registered_at: String,
    /// Marked by the trainer after the session.
    pub attended: Option<bool>,
}

/// The people registered for a session, then those waiting, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationList {
    pub items: Vec<Registration>,
}

/// Where the token's owner stands after registering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyRegistration {
    pub session_id: i64,
    /// registered, or waitlisted when the session is full.
    pub status: String,
}
