//! Knowledge search: one tantivy index over the live articles and training
//! material, kept in a folder and rebuildable from PostgreSQL at any time.
//!
//! - `schema`: the fields and the two text analyzers (words, English stems).
//! - `plain_text`: Markdown to the plain text that is indexed and shown in snippets.
//! - `document`: a [`SearchDoc`] (an article as the index sees it) to a tantivy document.
//! - `query`: the reader's text to clauses (pure) and clauses to a tantivy query.
//! - `vocabulary`: typo and prefix expansion against the index's term dictionaries.
//! - `filter`: who may see what, and the kind/category filters, as query clauses.
//! - `facets`: counts per kind and category in one pass.
//! - `snippet`: the escaped, highlighted excerpt of a hit.
//! - `index`: [`SearchIndex`]: open or create the folder, the single writer, search.
//!
//! Keeping it in step with PostgreSQL (rebuild, drift check, change
//! notifications) is the core's job: `rapport_core::search_sync`.

mod document;
mod facets;
mod filter;
mod index;
mod plain_text;
mod query;
mod schema;
mod snippet;
mod vocabulary;

#[cfg(test)]
mod tests;

pub use document::SearchDoc;
pub use index::{Opened, SearchIndex};
pub use plain_text::markdown_to_text;
pub use query::{typo_distance, MAX_QUERY_CHARS, MAX_QUERY_WORDS};
pub use rapport_types::{Hit, SearchRequest, SearchResults, Suggestion};

/// The layout of the index folder. Raise it whenever `schema.rs`, the
/// analyzers or what `document.rs` puts into the fields change: an index
/// written with another version is wiped and rebuilt on start.
pub const SCHEMA_VERSION: u32 = 5;

/// One change to apply to the index.
#[derive(Debug, Clone)]
pub enum IndexChange {
    /// Add the article, replacing what the index had for its id.
    Upsert(SearchDoc),
    /// Take the article out (archived, unpublished, deleted).
    Remove(i64),
}

/// What can go wrong in the engine. None of it is the reader's fault (their
/// text never causes an error, at worst a notice), so callers log it and show
/// the generic error.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index: cannot open the folder: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// The configured folder holds other files: it is never wiped.
    #[error(
        "search index folder {0} is not empty and does not hold a search index; \
         choose an empty or new folder"
    )]
    NotAnIndexFolder(std::path::PathBuf),
    #[error("search index: {0}")]
    Other(String),
}
