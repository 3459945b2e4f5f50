//! The index's words, read from each segment's term dictionary: how common a
//! word is, which words are a typo away, which complete a prefix.
//!
//! Expanding typos and prefixes here, into a short list of real words, rather
//! than handing tantivy a fuzzy or prefix query, bounds the work per word
//! (`a*` cannot touch half the index), ranks the expansions by BM25 like any
//! word, and tells the snippet which words to mark.

use super::query::Vocabulary;
use std::collections::HashMap;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Dictionary entries read per word and segment at most, so a short prefix
/// or a wide typo automaton cannot make one search slow.
const MAX_SCANNED: usize = 2_000;

pub struct IndexVocabulary<'a> {
    pub searcher: &'a Searcher,
}

impl IndexVocabulary<'_> {
    /// Visit `(word, documents)` for the dictionary entries of every segment
    /// that `stream` yields, summed over segments; the most frequent `limit`
    /// come back.
    fn collect(
        &self,
        field: Field,
        limit: usize,
        skip: &str,
        mut stream: impl FnMut(
            &tantivy::termdict::TermDictionary,
            &mut dyn FnMut(&[u8], u32) -> bool,
        ) -> std::io::Result<()>,
    ) -> Vec<String> {
        let mut found: HashMap<String, u64> = HashMap::new();
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let mut scanned = 0;
            let mut visit = |key: &[u8], docs: u32| {
                scanned += 1;
                if let Ok(word) = std::str::from_utf8(key) {
                    if word != skip {
                        *found.entry(word.to_string()).or_default() += u64::from(docs);
                    }
                }
                scanned < MAX_SCANNED
            };
            if let Err(err) = stream(inverted.terms(), &mut visit) {
                tracing::warn!(error = %err, "reading the search index's word list failed");
            }
        }
        let mut found: Vec<(String, u64)> = found.into_iter().collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        found.truncate(limit);
        found.into_iter().map(|(word, _)| word).collect()
    }
}

impl Vocabulary for IndexVocabulary<'_> {
    fn doc_freq(&self, field: Field, term: &str) -> u64 {
        self.searcher
            .doc_freq(&Term::from_field_text(field, term))
            .unwrap_or(0)
    }

    fn near(&self, field: Field, term: &str, distance: u8, limit: usize) -> Vec<String> {
        let query = FuzzyTermQuery::new(Term::from_field_text(field, term), distance, true);
        let automaton = match query.automaton() {
            Ok(automaton) => automaton,
            Err(err) => {
                tracing::warn!(error = %err, "building a typo automaton failed");
                return Vec::new();
            }
        };
        self.collect(field, limit, term, |dictionary, visit| {
            let mut stream = dictionary.search(&automaton).into_stream()?;
            while stream.advance() {
                if !visit(stream.key(), stream.value().doc_freq) {
                    break;
                }
            }
            Ok(())
        })
    }

    fn starting_with(&self, field: Field, prefix: &str, limit: usize) -> Vec<String> {
        let start = prefix.as_bytes();
        self.collect(field, limit, prefix, |dictionary, visit| {
            let mut stream = dictionary.range().ge(start).into_stream()?;
            while stream.advance() {
                if !stream.key().starts_with(start) || !visit(stream.key(), stream.value().doc_freq)
                {
                    break;
                }
            }
            Ok(())
        })
    }
}
