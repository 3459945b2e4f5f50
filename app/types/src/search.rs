//! Knowledge search as the pages see it: what a reader asks for and what comes
//! back. Plain data, compiled for the browser too; the engine that answers
//! lives in `rapport_search` (server only).

use super::{ArticleKind, SafeHtml};
use serde::{Deserialize, Serialize};

/// At most this many hits on one page, whatever the request says.
pub const MAX_PER_PAGE: u32 = 50;
/// Pages past this one are not served: nobody reads page 101, and deep pages
/// cost the engine the most.
pub const MAX_PAGE: u32 = 100;
/// Hits per page when the request does not say.
pub const DEFAULT_PER_PAGE: u32 = 10;

/// One search from the search box, with the filters a reader picked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// What the reader typed, as typed.
    pub text: String,
    /// Only articles of this kind.
    pub kind: Option<ArticleKind>,
    /// Only articles in this category (by slug) or any of its subcategories.
    pub category: Option<String>,
    /// 1-based; clamped to 1..=MAX_PAGE.
    pub page: u32,
    /// Clamped to 1..=MAX_PER_PAGE.
    pub per_page: u32,
}

impl SearchRequest {
    /// The first page of hits for `text`, without filters.
    pub fn new(text: impl Into<String>) -> SearchRequest {
        SearchRequest {
            text: text.into(),
            kind: None,
            category: None,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }

    /// The page actually served: 1..=MAX_PAGE.
    pub fn clamped_page(&self) -> u32 {
        self.page.clamp(1, MAX_PAGE)
    }

    /// The page size actually served: 1..=MAX_PER_PAGE.
    pub fn clamped_per_page(&self) -> u32 {
        self.per_page.clamp(1, MAX_PER_PAGE)
    }
}

/// The answer to a [`SearchRequest`]. Everything in it (total, hits, facet
/// counts, snippets) only ever counts articles the reader may see.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchResults {
    /// Matching articles, over all pages.
    pub total: u64,
    /// The requested page of them, best first.
    pub hits: Vec<Hit>,
    /// Matching articles per kind. Counted with the category filter but
    /// without the kind filter, so the other kinds can still be offered.
    pub kinds: Vec<(ArticleKind, u64)>,
    /// Matching articles per category slug, top-level categories and their
    /// subcategories (a parent's count includes its subcategories'). Counted
    /// with the kind filter but without the category filter.
    pub categories: Vec<(String, u64)>,
    /// Something to tell the reader about their search ("Your search was
    /// shortened to its first 16 words."), shown above the hits.
    pub notice: Option<String>,
}

/// One article in the results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub article_id: i64,
    pub slug: String,
    pub kind: ArticleKind,
    pub title: String,
    pub category_slug: String,
    /// About 200 characters of the article around the best match: escaped
    /// text with the matched words in `<mark>`.
    pub snippet: SafeHtml,
    /// Relevance; only meaningful against the other hits of the same search.
    pub score: f32,
}

/// An article suggested while the reader types (titles only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub slug: String,
    pub title: String,
    pub kind: ArticleKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_sizes_are_clamped() {
        let mut request = SearchRequest::new("printer");
        assert_eq!(
            (request.clamped_page(), request.clamped_per_page()),
            (1, 10)
        );
        request.page = 0;
        request.per_page = 0;
        assert_eq!((request.clamped_page(), request.clamped_per_page()), (1, 1));
        request.page = 5_000;
        request.per_page = 5_000;
        assert_eq!(
            (request.clamped_page(), request.clamped_per_page()),
            (MAX_PAGE, MAX_PER_PAGE)
        );
    }
}
