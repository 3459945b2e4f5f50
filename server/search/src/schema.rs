//! The index's fields and text analyzers.
//!
//! Text is indexed twice: word by word as written (lower-cased, accents
//! folded) in `title`, `summary`, `body` and `tags`, which is what exact,
//! typo-tolerant and prefix matching and the highlighting work on; and as
//! English stems in one `stems` field, so "printers" also finds "printer" and
//! "configure" finds "configuration". Typo and prefix matching cannot work on
//! stems ("configuraton" is not near the stem "configur"), hence both.

use rapport_types::Audience;
use std::collections::HashMap;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
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
    pub title: Field,
    pub summary: Field,
    /// The body as plain text, stored for snippets.
    pub body: Field,
    pub tags: Field,
    /// Title, summary, body and tags as English stems (not stored).
    pub stems: Field,
    /// Kind and category path as one key (`training/getting-started/cases`)
    /// in a fast column: what the counts per kind and category are made of
    /// (`facets.rs`).
    pub facet_key: Field,
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
    /// Audience, published and organization packed in one number
    /// ([`Visibility`]): the permission check reads one fast column per
    /// candidate instead of three.
    pub visibility: Field,
    /// When the article last changed (unix seconds), for drift checks.
    pub updated_at: Field,
}

/// Organization value of articles meant for everyone.
pub const EVERYONE: i64 = 0;

pub const VISIBILITY_FIELD: &str = "visibility";

/// Who may see an article, as one number: bits 0-1 the audience (its place
/// in `Audience::ALL`), bit 2 published, the rest the organization (0 for
/// everyone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility(pub u64);

impl Visibility {
    const PUBLISHED: u64 = 1 << 2;

    pub fn new(audience: Audience, published: bool, organization: i64) -> Visibility {
        let audience = Audience::ALL
            .iter()
            .position(|a| *a == audience)
            .unwrap_or(Audience::ALL.len() - 1) as u64;
        let published = if published { Visibility::PUBLISHED } else { 0 };
        Visibility(audience | published | ((organization.max(0) as u64) << 3))
    }

    /// Bit `i` for `Audience::ALL[i]`, to test `audience_bit`s against.
    pub fn audience_mask(audiences: &[Audience]) -> u64 {
        Audience::ALL
            .iter()
            .enumerate()
            .filter(|(_, a)| audiences.contains(a))
            .fold(0, |mask, (i, _)| mask | 1 << i)
    }

    pub fn audience_bit(self) -> u64 {
        1 << (self.0 & 0b11)
    }

    pub fn published(self) -> bool {
        self.0 & Visibility::PUBLISHED != 0
    }

    pub fn organization(self) -> i64 {
        (self.0 >> 3) as i64
    }
}

pub fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    // Positions only where phrases are matched (title, body).
    let words = |stored: bool, positions: bool| {
        let record = if positions {
            IndexRecordOption::WithFreqsAndPositions
        } else {
            IndexRecordOption::WithFreqs
        };
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(WORDS_ANALYZER)
                .set_index_option(record),
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
        title: builder.add_text_field("title", words(true, true)),
        summary: builder.add_text_field("summary", words(true, false)),
        body: builder.add_text_field("body", words(true, true)),
        tags: builder.add_text_field("tags", words(false, false)),
        stems: builder.add_text_field("stems", stems),
        facet_key: builder.add_text_field(
            super::facets::FACET_KEY_FIELD,
            TextOptions::default().set_fast("raw"),
        ),
        category_slugs: builder.add_text_field("category_slugs", STRING),
        category_slug: builder.add_text_field("category_slug", STORED),
        audience: builder.add_text_field("audience", STRING),
        organization: builder.add_i64_field("organization", INDEXED | FAST),
        published: builder.add_bool_field("published", NumericOptions::default().set_indexed()),
        visibility: builder.add_u64_field(VISIBILITY_FIELD, FAST),
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
        .filter(RememberingStemmer)
        .build()
}

/// English stemming with a memory of the words already stemmed. Word
/// frequencies are skewed (a few thousand words make most of any text), so
/// nearly every word is looked up rather than stemmed again: a rebuild spends
/// far less time in the stemmer. Each copy of the analyzer (one per indexing
/// thread) has its own memory, emptied when it grows past `MEMORY_WORDS`.
#[derive(Clone, Copy)]
pub struct RememberingStemmer;

impl RememberingStemmer {
    const MEMORY_WORDS: usize = 100_000;
}

impl TokenFilter for RememberingStemmer {
    type Tokenizer<T: Tokenizer> = RememberingStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RememberingStemmerFilter<T> {
        RememberingStemmerFilter {
            inner: tokenizer,
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
            stems: HashMap::new(),
        }
    }
}

#[derive(Clone)]
pub struct RememberingStemmerFilter<T> {
    inner: T,
    stemmer: TextAnalyzer,
    stems: HashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for RememberingStemmerFilter<T> {
    type TokenStream<'a> = RememberingStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RememberingStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &mut self.stemmer,
            stems: &mut self.stems,
        }
    }
}

pub struct RememberingStemmerStream<'a, T> {
    tail: T,
    stemmer: &'a mut TextAnalyzer,
    stems: &'a mut HashMap<String, String>,
}

impl<T: TokenStream> TokenStream for RememberingStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(&token.text) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = {
            let mut stemmed = self.stemmer.token_stream(&token.text);
            if stemmed.advance() {
                stemmed.token().text.clone()
            } else {
                token.text.clone()
            }
        };
        if self.stems.len() >= RememberingStemmer::MEMORY_WORDS {
            self.stems.clear();
        }
        let word = std::mem::replace(&mut token.text, stem.clone());
        self.stems.insert(word, stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
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
    fn visibility_packs_audience_published_and_organization() {
        for audience in Audience::ALL {
            for organization in [EVERYONE, 1, 42, i64::MAX >> 3] {
                let v = Visibility::new(audience, true, organization);
                assert_eq!(v.organization(), organization);
                assert!(v.published());
                assert_eq!(
                    v.audience_bit() & Visibility::audience_mask(&[audience]),
                    v.audience_bit()
                );
                let others: Vec<Audience> = Audience::ALL
                    .into_iter()
                    .filter(|a| *a != audience)
                    .collect();
                assert_eq!(v.audience_bit() & Visibility::audience_mask(&others), 0);
            }
        }
        assert!(!Visibility::new(Audience::Public, false, EVERYONE).published());
    }

    #[test]
    fn remembered_stems_equal_fresh_ones() {
        let text = "Printers printing printed configurations configure the printers again";
        let plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut remembering = stems_analyzer();
        let expected = tokens(&mut plain.clone(), text);
        assert_eq!(tokens(&mut remembering, text), expected);
        // Again, now from memory.
        assert_eq!(tokens(&mut remembering, text), expected);
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
