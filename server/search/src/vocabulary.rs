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

    /// The most frequent, at most `limit`, and only while together they
    /// are found in at most `budget` documents (the first always counts).
    fn most_frequent(self, limit: usize, budget: u64) -> Vec<String> {
        let mut found: Vec<(Vec<u8>, u64)> = self.0.into_iter().collect();
        found.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut touched = 0;
        let mut out = Vec::new();
        for (word, docs) in found.into_iter().take(limit) {
            touched += docs;
            if touched > budget && !out.is_empty() {
                break;
            }
            if let Ok(word) = String::from_utf8(word) {
                out.push(word);
            }
        }
        out
    }
}

impl IndexVocabulary<'_> {
    /// Expansions of one word may, together, be found in at most a quarter
    /// of the articles: "acc*" is then "account" and a few rarer words, not
    /// every word that starts so, and a short prefix costs what a common word
    /// costs rather than several of them.
    fn budget(&self) -> u64 {
        (self.searcher.num_docs() / 4).max(1)
    }

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
        found.most_frequent(limit, self.budget())
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
        found.most_frequent(limit, self.budget())
    }
}
