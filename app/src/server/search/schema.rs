//! The index's fields and text analyzers.
//!
//! Text is indexed twice: word by word as written (lower-cased, accents
//! folded) in `title`, `summary`, `body` and `tags`, which is what exact,
//! typo-tolerant and prefix matching and the highlighting work on; and as
//! English stems in one `stems` field, so "printers" also finds "printer" and
//! "configure" finds "configuration". Typo and prefix matching cannot work on
//! stems ("configuraton" is not near the stem "configur"), hence both.

use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
    FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::Index;

/// Words as written: lower-cased, accents folded.
pub const WORDS_ANALYZER: &str = "rapport_words";
/// The same words reduced to their English stems.
pub const STEMS_ANALYZER: &str = "rapport_stems";

/// Longer words (in bytes) are not indexed: they are hashes, URLs or base64,
/// never something a reader types.
pub const MAX_WORD_BYTES: usize = 40;

/// The fields of the index, looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The article's id: stored, indexed (to delete by it), fast (drift checks).
    pub article_id: Field,
    pub slug: Field,
    /// `knowledge` or `training`: indexed for the filter, stored for hits.
    pub kind: Field,
    /// The kind again as a facet (`/training`), for the counts.
    pub kind_facet: Field,
    pub title: Field,
    pub summary: Field,
    /// The body as plain text, stored for snippets.
    pub body: Field,
    pub tags: Field,
    /// Title, summary, body and tags as English stems (not stored).
    pub stems: Field,
    /// The category path as a facet (`/getting-started/cases`), for the counts.
    pub category: Field,
    /// Every slug on the category path, so a filter on a parent category
    /// finds the articles of its subcategories.
    pub category_slugs: Field,
    /// The article's own (leaf) category slug, stored for hits.
    pub category_slug: Field,
    /// `public`, `customers` or `internal`.
    pub audience: Field,
    /// The one organization an article is meant for, 0 when for everyone.
    pub organization: Field,
    /// Always true: only published, not archived articles are indexed. Kept
    /// so the permission filter says so itself.
    pub published: Field,
    /// When the article last changed (unix seconds), for drift checks.
    pub updated_at: Field,
}

/// Organization value of articles meant for everyone.
pub const EVERYONE: i64 = 0;

pub fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let words = |stored: bool| {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(WORDS_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let stems = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(STEMS_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        article_id: builder.add_i64_field("article_id", INDEXED | STORED | FAST),
        slug: builder.add_text_field("slug", STRING | STORED),
        kind: builder.add_text_field("kind", STRING | STORED),
        kind_facet: builder.add_facet_field("kind_facet", FacetOptions::default()),
        title: builder.add_text_field("title", words(true)),
        summary: builder.add_text_field("summary", words(true)),
        body: builder.add_text_field("body", words(true)),
        tags: builder.add_text_field("tags", words(false)),
        stems: builder.add_text_field("stems", stems),
        category: builder.add_facet_field("category", FacetOptions::default()),
        category_slugs: builder.add_text_field("category_slugs", STRING),
        category_slug: builder.add_text_field("category_slug", STORED),
        audience: builder.add_text_field("audience", STRING),
        organization: builder.add_i64_field("organization", INDEXED | FAST),
        published: builder.add_bool_field("published", NumericOptions::default().set_indexed()),
        updated_at: builder.add_i64_field("updated_at", STORED | FAST),
    };
    (builder.build(), fields)
}

/// Words as written: split on anything but letters and digits, long tokens
/// dropped, lower-cased, accents folded (`Café` and `cafe` are one word).
pub fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES + 1))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// `words_analyzer`, then English stemming.
pub fn stems_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES + 1))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Analyzers are not saved in the index folder: every opened index needs them.
pub fn register_analyzers(index: &Index) {
    index
        .tokenizers()
        .register(WORDS_ANALYZER, words_analyzer());
    index
        .tokenizers()
        .register(STEMS_ANALYZER, stems_analyzer());
}

/// The tokens of `text` after `analyzer`, in order.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_folded_and_long_ones_dropped() {
        let long = "x".repeat(MAX_WORD_BYTES + 1);
        let text = format!("Café RÉSUMÉ e-mail {long} {}", "y".repeat(MAX_WORD_BYTES));
        assert_eq!(
            tokens(&mut words_analyzer(), &text),
            vec![
                "cafe".to_string(),
                "resume".into(),
                "e".into(),
                "mail".into(),
                "y".repeat(MAX_WORD_BYTES)
            ]
        );
    }

    #[test]
    fn stems_join_word_forms() {
        let mut stems = stems_analyzer();
        assert_eq!(
            tokens(&mut stems, "printers printer"),
            tokens(&mut stems, "printer printer")
        );
        assert_eq!(
            tokens(&mut stems, "configure"),
            tokens(&mut stems, "configuration")
        );
    }
}
