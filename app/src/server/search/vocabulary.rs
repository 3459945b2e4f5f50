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

/// Dictionary entries read per word, list and segment at most, so a short
/// prefix or a wide typo automaton cannot make one search slow.
const MAX_SCANNED: usize = 400;

pub struct IndexVocabulary<'a> {
    pub searcher: &'a Searcher,
}

/// Words found, with their document counts summed over lists and segments.
#[derive(Default)]
struct Found(HashMap<Vec<u8>, u64>);

impl Found {
    fn add(&mut self, key: &[u8], docs: u32, skip: &[u8]) {
        if key == skip {
            return;
        }
        match self.0.get_mut(key) {
            Some(count) => *count += u64::from(docs),
            None => {
                self.0.insert(key.to_vec(), u64::from(docs));
            }
        }
    }

    /// The `limit` most frequent, as text.
    fn most_frequent(self, limit: usize) -> Vec<String> {
        let mut found: Vec<(Vec<u8>, u64)> = self.0.into_iter().collect();
        found.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        found
            .into_iter()
            .filter_map(|(word, _)| String::from_utf8(word).ok())
            .take(limit)
            .collect()
    }
}

impl IndexVocabulary<'_> {
    /// Run `read` on the dictionary of each field of `fields` in each segment.
    fn each_dictionary(
        &self,
        fields: &[Field],
        mut read: impl FnMut(&tantivy::termdict::TermDictionary) -> std::io::Result<()>,
    ) {
        for segment in self.searcher.segment_readers() {
            for &field in fields {
                let Ok(inverted) = segment.inverted_index(field) else {
                    continue;
                };
                if let Err(err) = read(inverted.terms()) {
                    tracing::warn!(error = %err, "reading the search index's word list failed");
                }
            }
        }
    }
}

impl Vocabulary for IndexVocabulary<'_> {
    fn doc_freq(&self, field: Field, term: &str) -> u64 {
        self.searcher
            .doc_freq(&Term::from_field_text(field, term))
            .unwrap_or(0)
    }

    fn near(&self, fields: &[Field], term: &str, distance: u8, limit: usize) -> Vec<String> {
        let Some(&first) = fields.first() else {
            return Vec::new();
        };
        let query = FuzzyTermQuery::new(Term::from_field_text(first, term), distance, true);
        let automaton = match query.automaton() {
            Ok(automaton) => automaton,
            Err(err) => {
                tracing::warn!(error = %err, "building a typo automaton failed");
                return Vec::new();
            }
        };
        // Typos are looked for among words with the same first letter: few
        // typos change it, and it bounds the walk through the word list to
        // one letter's share of it.
        let Some(first) = term.chars().next() else {
            return Vec::new();
        };
        let mut low = [0u8; 4];
        let low = first.encode_utf8(&mut low).as_bytes().to_vec();
        let mut high = low.clone();
        if let Some(last) = high.last_mut() {
            *last = last.saturating_add(1);
        }
        let mut found = Found::default();
        self.each_dictionary(fields, |dictionary| {
            let mut stream = dictionary
                .search(&automaton)
                .ge(&low)
                .lt(&high)
                .into_stream()?;
            let mut scanned = 0;
            while scanned < MAX_SCANNED && stream.advance() {
                found.add(stream.key(), stream.value().doc_freq, term.as_bytes());
                scanned += 1;
            }
            Ok(())
        });
        found.most_frequent(limit)
    }

    fn starting_with(&self, fields: &[Field], prefix: &str, limit: usize) -> Vec<String> {
        let start = prefix.as_bytes();
        let mut found = Found::default();
        self.each_dictionary(fields, |dictionary| {
            let mut stream = dictionary.range().ge(start).into_stream()?;
            let mut scanned = 0;
            while scanned < MAX_SCANNED && stream.advance() && stream.key().starts_with(start) {
                found.add(stream.key(), stream.value().doc_freq, start);
                scanned += 1;
            }
            Ok(())
        });
        found.most_frequent(limit)
    }
}
