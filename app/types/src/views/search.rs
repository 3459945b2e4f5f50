use crate::{ArticleKind, Hit, SearchResults};
use serde::{Deserialize, Serialize};

/// A page of search results with what the page needs to show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    pub query: String,
    pub kind: Option<ArticleKind>,
    pub category: Option<String>,
    pub page: u32,
    pub per_page: u32,
    pub results: SearchResults,
    /// The logged search; result links carry it so a click is counted.
    pub log_id: Option<i64>,
    /// Category names by slug, for the facet list.
    pub category_names: Vec<(String, String)>,
    /// Signed-in customers are offered to open a case when nothing helps.
    pub can_open_case: bool,
    /// For the workshops among the hits: their next sessions, as (article id,
    /// "Tue 8 Dec 2026, 14:00 · 5 places left").
    pub upcoming_sessions: Vec<(i64, String)>,
}

/// Articles that may answer the case a customer is typing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestedForCase {
    pub hits: Vec<Hit>,
    /// The logged search, sent back with "This solved my problem".
    pub log_id: Option<i64>,
}
