//! From what a reader typed to a tantivy query, in three steps:
//!
//! 1. [`parse`]: the text to clauses (words, quoted phrases, `word*` prefixes),
//!    made safe: control characters dropped, at most [`MAX_QUERY_CHARS`]
//!    characters and [`MAX_QUERY_WORDS`] words, words cut at 40 bytes,
//!    unclosed quotes closed at the end, `OR`/`AND`/`NOT` ignored. The user's
//!    text never reaches tantivy's query parser: there is no syntax to abuse.
//! 2. [`plan`]: each clause to the terms it may match, with weights, using the
//!    index's vocabulary for typos and prefixes (behind the [`Vocabulary`]
//!    trait, so this step is tested without an index).
//! 3. [`Plan::to_query`]: the plan as tantivy queries.
//!
//! Matching rules: every word must match (stop words like "the" only count
//! towards the score when there are other words), each in any of title,
//! summary, body or tags; a word also matches its English stem. Typo
//! tolerance by length: up to 4 characters exact, 5–8 one edit, 9 and more two
//! edits when one finds nothing (a swap of two letters is one edit), keeping
//! the first letter; only
//! for words the index does not know or barely knows, so "form" never turns
//! into "from".

use super::schema::{tokens, Fields};
use std::collections::HashSet;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Term;

/// Longer input is cut to this many characters (then to whole words).
pub const MAX_QUERY_CHARS: usize = 200;
/// Words past this many are dropped.
pub const MAX_QUERY_WORDS: usize = 16;
/// A single word is cut to this many bytes; the index holds no longer ones.
pub const MAX_WORD_BYTES: usize = super::schema::MAX_WORD_BYTES;
/// `a*` would match half the dictionary: prefixes need two characters.
pub const MIN_PREFIX_CHARS: usize = 2;

/// Field weights: a word in the title counts three times one in the body.
pub const TITLE_WEIGHT: f32 = 3.0;
pub const TAGS_WEIGHT: f32 = 2.0;
pub const SUMMARY_WEIGHT: f32 = 1.5;
pub const BODY_WEIGHT: f32 = 1.0;
/// The stems field (all the text as stems) stands in for the body when a
/// word is matched by its stem: "printers" finds "printer" in the body as
/// the body would find "printers".
pub const STEM_WEIGHT: f32 = BODY_WEIGHT;
/// Words found by typo tolerance count far less than the word as typed, so
/// an exact match always ranks first.
pub const TYPO_WEIGHT: f32 = 0.2;
/// Completions of a `word*` prefix count a little less than the word itself.
pub const PREFIX_WEIGHT: f32 = 0.8;

/// Words a typo expands to at most, most frequent first.
pub const MAX_TYPO_WORDS: usize = 8;
/// Words a prefix expands to at most, most frequent first.
pub const MAX_PREFIX_WORDS: usize = 8;
/// A word found in fewer documents than this is treated as a possible typo.
pub const RARE_WORD_DOCS: u64 = 3;

/// English words too common to require: they only add to the score when the
/// search has other words (Lucene's English stop word list).
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
    // Searches and case subjects are often questions: "How do I attach a file?"
    "i", "me", "my", "we", "our", "you", "your", "do", "does", "did", "how", "what", "why", "when",
    "where", "which", "who", "can", "could", "should", "would", "am", "have", "has", "had", "been",
    "from", "so", "about",
];

/// How a single word matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordKind {
    /// As typed, its stem, or near spellings when it looks like a typo.
    Plain,
    /// In quotes: this word exactly.
    Exact,
    /// `word*` (and the last word while typing): any word starting with it.
    Prefix,
}

/// One part of the reader's search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    Word {
        text: String,
        kind: WordKind,
    },
    /// Words that must follow each other: a quoted phrase, or a word joined
    /// by punctuation (`e-mail`, `v2.1`).
    Phrase(Vec<String>),
}

impl Clause {
    fn word_count(&self) -> usize {
        match self {
            Clause::Word { .. } => 1,
            Clause::Phrase(words) => words.len(),
        }
    }

    fn is_stop_word(&self) -> bool {
        matches!(self, Clause::Word { text, kind: WordKind::Plain } if STOP_WORDS.contains(&text.as_str()))
    }
}

/// The reader's text, understood.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedQuery {
    pub clauses: Vec<Clause>,
    /// Set when the text was cut: the number of words kept.
    pub shortened_to: Option<usize>,
}

pub const NOTICE_EMPTY: &str = "Type a word to search for.";
pub const NOTICE_SOME_WORDS: &str =
    "No article has all of these words; showing articles with some of them.";

impl ParsedQuery {
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// What to tell the reader about how their text was read.
    pub fn notice(&self) -> Option<String> {
        if self.is_empty() {
            return Some(NOTICE_EMPTY.to_string());
        }
        self.shortened_to.map(|n| {
            let words = if n == 1 { "word" } else { "words" };
            format!("Your search was shortened to its first {n} {words}.")
        })
    }

    /// Clauses every hit must match (stop words are left out when there are
    /// other words). With fewer than two, "some of the words" is no fallback.
    pub fn required_count(&self) -> usize {
        let content = self.clauses.iter().filter(|c| !c.is_stop_word()).count();
        if content == 0 {
            self.clauses.len()
        } else {
            content
        }
    }
}

/// Raw pieces of the text before analysis.
enum Chunk {
    Loose(String),
    Quoted(String),
}

/// Read the reader's text. Never fails: whatever is left after making it
/// safe is searched, and an empty result says so with a notice.
pub fn parse(input: &str, words: &mut TextAnalyzer) -> ParsedQuery {
    let (text, mut shortened) = clean(input);
    let mut clauses: Vec<Clause> = Vec::new();
    let mut budget = MAX_QUERY_WORDS;
    for chunk in chunks(&text) {
        let (clause, raw_prefix) = match chunk {
            Chunk::Loose(raw) => {
                if matches!(raw.as_str(), "OR" | "AND" | "NOT") {
                    continue;
                }
                let prefix = raw.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '*');
                let prefix = prefix.ends_with('*');
                (to_clause(tokens(words, &raw), WordKind::Plain), prefix)
            }
            Chunk::Quoted(raw) => (to_clause(tokens(words, &raw), WordKind::Exact), false),
        };
        let Some(mut clause) = clause else { continue };
        if let Clause::Word { text, kind } = &mut clause {
            if raw_prefix && text.chars().count() >= MIN_PREFIX_CHARS {
                *kind = WordKind::Prefix;
            }
        }
        if budget == 0 {
            shortened = true;
            break;
        }
        if clause.word_count() > budget {
            shortened = true;
            if let Clause::Phrase(words) = clause {
                clause = to_clause(words.into_iter().take(budget).collect(), WordKind::Exact)
                    .expect("budget is at least one word");
            }
        }
        budget -= clause.word_count();
        if !clauses.contains(&clause) {
            clauses.push(clause);
        }
    }
    let kept = MAX_QUERY_WORDS - budget;
    ParsedQuery {
        shortened_to: (shortened && kept > 0).then_some(kept),
        clauses,
    }
}

/// One word, or a phrase of several; none for no word.
fn to_clause(mut words: Vec<String>, single: WordKind) -> Option<Clause> {
    match words.len() {
        0 => None,
        1 => words.pop().map(|text| Clause::Word { text, kind: single }),
        _ => Some(Clause::Phrase(words)),
    }
}

/// Control characters become spaces, typographic quotes plain ones; the text
/// is cut to MAX_QUERY_CHARS (at a word end) and single words to
/// MAX_WORD_BYTES. Returns whether anything was cut off the end.
fn clean(input: &str) -> (String, bool) {
    let mut out = String::with_capacity(input.len().min(MAX_QUERY_CHARS * 4));
    let mut word_bytes = 0;
    let mut chars = 0;
    let mut shortened = false;
    let mut iter = input.chars().peekable();
    while let Some(c) = iter.next() {
        if chars == MAX_QUERY_CHARS {
            // Cut in the middle of a word: drop the partial word.
            let next_continues_word = c.is_alphanumeric();
            if next_continues_word && word_bytes > 0 {
                let cut = out.len() - word_bytes;
                out.truncate(cut);
            }
            shortened = true;
            break;
        }
        let c = match c {
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => '"',
            c if c.is_control() => ' ',
            c => c,
        };
        chars += 1;
        if c.is_alphanumeric() {
            if word_bytes + c.len_utf8() > MAX_WORD_BYTES {
                // A word longer than any the index holds: keep its start.
                while iter.peek().is_some_and(|c| c.is_alphanumeric()) {
                    iter.next();
                }
                continue;
            }
            word_bytes += c.len_utf8();
        } else {
            word_bytes = 0;
        }
        out.push(c);
    }
    (out, shortened)
}

/// Split on white space outside quotes; a quote without its closing partner
/// runs to the end of the text.
fn chunks(text: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' {
            let piece = std::mem::take(&mut current);
            if quoted {
                out.push(Chunk::Quoted(piece));
            } else if !piece.is_empty() {
                out.push(Chunk::Loose(piece));
            }
            quoted = !quoted;
        } else if c.is_whitespace() && !quoted {
            if !current.is_empty() {
                out.push(Chunk::Loose(std::mem::take(&mut current)));
            }
        } else {
            current.push(c);
        }
    }
    if quoted {
        out.push(Chunk::Quoted(current));
    } else if !current.is_empty() {
        out.push(Chunk::Loose(current));
    }
    out
}

/// Edits allowed for a word of this many characters.
pub fn typo_distance(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// What the index knows about its words; the real one reads the term
/// dictionaries (`vocabulary.rs`), tests use a list.
pub trait Vocabulary {
    /// Documents with `term` in `field`.
    fn doc_freq(&self, field: Field, term: &str) -> u64;
    /// Words of `fields` within `distance` edits of `term` (a swap counts as
    /// one), `term` itself excluded, most frequent first, at most `limit`
    /// (the index's vocabulary may give fewer: see `vocabulary.rs`).
    fn near(&self, fields: &[Field], term: &str, distance: u8, limit: usize) -> Vec<String>;
    /// Words of `fields` starting with `prefix`, `prefix` itself excluded,
    /// most frequent first, at most `limit`.
    fn starting_with(&self, fields: &[Field], prefix: &str, limit: usize) -> Vec<String>;
}

/// Where words are looked for, and how much each place counts.
#[derive(Debug, Clone)]
pub struct Targets {
    pub words: Vec<(Field, f32)>,
    /// The word lists that typos and prefixes are expanded against; the
    /// words found are then looked for in every field of `words`. Body and
    /// title hold nearly every word of summaries and tags too, and reading
    /// two lists instead of four halves the cost of a typo.
    pub dictionaries: Vec<Field>,
    /// Where plain words are also matched by their stem, and the field of
    /// `words` that this match replaces: the stems of the body (with title,
    /// summary and tags) find every body match of the word and more, so
    /// walking the body's list too would only double the work.
    pub stems: Option<(Field, f32, Field)>,
    pub phrases: Vec<(Field, f32)>,
}

impl Targets {
    /// The search page: everything, title first.
    pub fn articles(fields: &Fields) -> Targets {
        Targets {
            words: vec![
                (fields.title, TITLE_WEIGHT),
                (fields.tags, TAGS_WEIGHT),
                (fields.summary, SUMMARY_WEIGHT),
                (fields.body, BODY_WEIGHT),
            ],
            dictionaries: vec![fields.body, fields.title],
            stems: Some((fields.stems, STEM_WEIGHT, fields.body)),
            phrases: vec![(fields.title, TITLE_WEIGHT), (fields.body, BODY_WEIGHT)],
        }
    }

    /// Suggestions while typing: titles only.
    pub fn titles(fields: &Fields) -> Targets {
        Targets {
            words: vec![(fields.title, 1.0)],
            dictionaries: vec![fields.title],
            stems: None,
            phrases: vec![(fields.title, 1.0)],
        }
    }
}

/// One way a clause can match.
#[derive(Debug, Clone, PartialEq)]
pub enum Alternative {
    Term {
        field: Field,
        text: String,
        weight: f32,
    },
    /// Words at their positions in the phrase; stop words are left out but
    /// keep their place ("reset the password": reset, any word, password).
    Phrase {
        field: Field,
        words: Vec<(usize, String)>,
        weight: f32,
    },
}

/// One clause: it matches when any of its alternatives does.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedClause {
    pub required: bool,
    pub alternatives: Vec<Alternative>,
}

/// The words whose occurrences a snippet marks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highlight {
    /// Words as the words analyzer gives them: typed, corrected or completed.
    pub words: HashSet<String>,
    /// Stems of the typed words ("printer" marks "printers").
    pub stems: HashSet<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub clauses: Vec<PlannedClause>,
    pub highlight: Highlight,
}

/// Turn clauses into the terms they match; every clause is required. Stop
/// words are left out beside other words and kept when there is nothing else.
pub fn plan(
    parsed: &ParsedQuery,
    targets: &Targets,
    vocabulary: &dyn Vocabulary,
    stems: &mut TextAnalyzer,
) -> Plan {
    let mut plan = Plan::default();
    let has_content = parsed.clauses.iter().any(|c| !c.is_stop_word());
    for clause in &parsed.clauses {
        // Beside other words a stop word adds nothing but noise: it matches
        // every article and would be marked all over the snippets.
        if has_content && clause.is_stop_word() {
            continue;
        }
        let required = true;
        let alternatives = match clause {
            Clause::Word { text, kind } => {
                word_alternatives(text, *kind, targets, vocabulary, stems, &mut plan.highlight)
            }
            Clause::Phrase(words) => {
                plan.highlight.words.extend(words.iter().cloned());
                phrase_alternatives(words, targets)
            }
        };
        plan.clauses.push(PlannedClause {
            required,
            alternatives,
        });
    }
    plan
}

/// A phrase in each phrase field. Stop words are skipped but keep their
/// place: matching "the" in every article is what makes a phrase slow, and
/// it says little. A phrase with one other word left is that word.
fn phrase_alternatives(words: &[String], targets: &Targets) -> Vec<Alternative> {
    let mut kept: Vec<(usize, String)> = words
        .iter()
        .enumerate()
        .filter(|(_, w)| !STOP_WORDS.contains(&w.as_str()))
        .map(|(at, w)| (at, w.clone()))
        .collect();
    if kept.is_empty() {
        kept = words.iter().cloned().enumerate().collect();
    }
    if let [(_, word)] = kept.as_slice() {
        return targets
            .words
            .iter()
            .map(|&(field, weight)| Alternative::Term {
                field,
                text: word.clone(),
                weight,
            })
            .collect();
    }
    let first = kept[0].0;
    targets
        .phrases
        .iter()
        .map(|&(field, weight)| Alternative::Phrase {
            field,
            words: kept.iter().map(|(at, w)| (at - first, w.clone())).collect(),
            weight,
        })
        .collect()
}

fn word_alternatives(
    word: &str,
    kind: WordKind,
    targets: &Targets,
    vocabulary: &dyn Vocabulary,
    stems: &mut TextAnalyzer,
    highlight: &mut Highlight,
) -> Vec<Alternative> {
    let replaced_by_stems = match (kind, targets.stems) {
        (WordKind::Plain, Some((_, _, replaced))) => Some(replaced),
        _ => None,
    };
    let mut out: Vec<Alternative> = targets
        .words
        .iter()
        .filter(|(field, _)| Some(*field) != replaced_by_stems)
        .map(|&(field, weight)| Alternative::Term {
            field,
            text: word.to_string(),
            weight,
        })
        .collect();
    highlight.words.insert(word.to_string());
    let (expansions, factor) = match kind {
        WordKind::Exact => (Vec::new(), 1.0),
        WordKind::Prefix => (
            vocabulary.starting_with(&targets.dictionaries, word, MAX_PREFIX_WORDS),
            PREFIX_WEIGHT,
        ),
        WordKind::Plain => {
            if let Some((field, weight, _)) = targets.stems {
                if let Some(stem) = tokens(stems, word).into_iter().next() {
                    highlight.stems.insert(stem.clone());
                    out.push(Alternative::Term {
                        field,
                        text: stem,
                        weight,
                    });
                }
            }
            let distance = typo_distance(word);
            // The most articles it is found in, in any one list.
            let known = targets
                .dictionaries
                .iter()
                .map(|&field| vocabulary.doc_freq(field, word))
                .max()
                .unwrap_or(0);
            if distance > 0 && known < RARE_WORD_DOCS {
                // Two edits only when one finds nothing: the nearer
                // spellings are the likelier ones, and the one-edit walk
                // through the word list is several times cheaper.
                let dictionaries = &targets.dictionaries;
                let mut near = vocabulary.near(dictionaries, word, 1, MAX_TYPO_WORDS);
                if near.is_empty() && distance > 1 {
                    near = vocabulary.near(dictionaries, word, distance, MAX_TYPO_WORDS);
                }
                (near, TYPO_WEIGHT)
            } else {
                (Vec::new(), 1.0)
            }
        }
    };
    // Near spellings and completions are looked for where they were found
    // (title and body): half the work of every field, and a word of a summary
    // or tags is nearly always in the body too.
    for text in expansions {
        for &(field, weight) in targets
            .words
            .iter()
            .filter(|(field, _)| targets.dictionaries.contains(field))
        {
            out.push(Alternative::Term {
                field,
                text: text.clone(),
                weight: weight * factor,
            });
        }
        highlight.words.insert(text);
    }
    out
}

impl Plan {
    /// The fallback when nothing has all the words: any clause may match,
    /// and articles with more of them score higher.
    pub fn any_word(&mut self) {
        for clause in &mut self.clauses {
            clause.required = false;
        }
    }

    /// The plan as one tantivy query; `None` when there is nothing to match.
    pub fn to_query(&self) -> Option<Box<dyn Query>> {
        if self.clauses.is_empty() {
            return None;
        }
        let clauses = self
            .clauses
            .iter()
            .map(|clause| {
                let alternatives = clause.alternatives.iter().map(alternative_query).collect();
                let occur = if clause.required {
                    Occur::Must
                } else {
                    Occur::Should
                };
                (
                    occur,
                    Box::new(BooleanQuery::union(alternatives)) as Box<dyn Query>,
                )
            })
            .collect();
        Some(Box::new(BooleanQuery::new(clauses)))
    }
}

fn alternative_query(alternative: &Alternative) -> Box<dyn Query> {
    let (query, weight): (Box<dyn Query>, f32) = match alternative {
        Alternative::Term {
            field,
            text,
            weight,
        } => (
            Box::new(TermQuery::new(
                Term::from_field_text(*field, text),
                IndexRecordOption::WithFreqs,
            )),
            *weight,
        ),
        Alternative::Phrase {
            field,
            words,
            weight,
        } => (
            Box::new(PhraseQuery::new_with_offset(
                words
                    .iter()
                    .map(|(at, w)| (*at, Term::from_field_text(*field, w)))
                    .collect(),
            )),
            *weight,
        ),
    };
    if weight == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, weight))
    }
}

#[cfg(test)]
mod tests {
    use super::super::schema::{build_schema, stems_analyzer, words_analyzer};
    use super::*;
    use std::collections::HashMap;

    fn parsed(text: &str) -> ParsedQuery {
        parse(text, &mut words_analyzer())
    }

    fn word(text: &str) -> Clause {
        Clause::Word {
            text: text.into(),
            kind: WordKind::Plain,
        }
    }
    fn exact(text: &str) -> Clause {
        Clause::Word {
            text: text.into(),
            kind: WordKind::Exact,
        }
    }
    fn prefix(text: &str) -> Clause {
        Clause::Word {
            text: text.into(),
            kind: WordKind::Prefix,
        }
    }
    fn phrase(words: &[&str]) -> Clause {
        Clause::Phrase(words.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn texts_to_clauses() {
        let cases: Vec<(&str, Vec<Clause>)> = vec![
            ("printer", vec![word("printer")]),
            (
                "  Printer   OFFLINE ",
                vec![word("printer"), word("offline")],
            ),
            ("\"reset password\"", vec![phrase(&["reset", "password"])]),
            ("\"Password\"", vec![exact("password")]),
            ("print*", vec![prefix("print")]),
            ("print*,", vec![prefix("print")]),
            ("p*", vec![word("p")]),
            ("e-mail setup", vec![phrase(&["e", "mail"]), word("setup")]),
            (
                "\"unclosed phrase here",
                vec![phrase(&["unclosed", "phrase", "here"])],
            ),
            ("before \"unclosed", vec![word("before"), exact("unclosed")]),
            ("printer OR scanner", vec![word("printer"), word("scanner")]),
            (
                "printer or scanner",
                vec![word("printer"), word("or"), word("scanner")],
            ),
            ("NOT AND OR", vec![]),
            ("*", vec![]),
            ("!!! ??? ...", vec![]),
            ("\"\"", vec![]),
            (
                "tab\tand\u{0}null\u{7}bell",
                vec![word("tab"), word("and"), word("null"), word("bell")],
            ),
            ("Café déjà-vu", vec![word("cafe"), phrase(&["deja", "vu"])]),
            ("日本語 テスト", vec![word("日本語"), word("テスト")]),
            ("“smart quotes”", vec![phrase(&["smart", "quotes"])]),
            ("printer printer", vec![word("printer")]),
        ];
        for (text, expected) in cases {
            assert_eq!(parsed(text).clauses, expected, "{text:?}");
        }
    }

    #[test]
    fn typo_distance_grows_with_word_length() {
        for (word, distance) in [
            ("", 0),
            ("sla", 0),
            ("mail", 0),
            ("email", 1),
            ("password", 1),
            ("passwords", 2),
            ("configuration", 2),
            ("déjà", 0),
            ("größe", 1),
        ] {
            assert_eq!(typo_distance(word), distance, "{word}");
        }
    }

    #[test]
    fn long_texts_are_shortened_with_a_notice() {
        let ten_kb = "printer ".repeat(1300);
        let q = parsed(&ten_kb);
        assert_eq!(q.clauses, vec![word("printer")]);
        assert_eq!(
            q.notice().as_deref(),
            Some("Your search was shortened to its first 16 words.")
        );

        let many: String = (0..40).map(|i| format!("w{i} ")).collect();
        let q = parsed(&many);
        assert_eq!(q.clauses.len(), MAX_QUERY_WORDS);
        assert_eq!(q.shortened_to, Some(MAX_QUERY_WORDS));

        let ors: String = (0..1000).map(|i| format!("term{i} OR ")).collect();
        let q = parsed(&ors);
        assert!(q.clauses.len() <= MAX_QUERY_WORDS, "{:?}", q.clauses);
        assert!(q.notice().unwrap().starts_with("Your search was shortened"));

        // Cut at 200 characters, not in the middle of a word.
        let text = format!("{} abcdefghij", "ab ".repeat(65));
        let q = parsed(&text);
        assert!(
            q.clauses.iter().all(|c| c != &word("abcd")),
            "{:?}",
            q.clauses
        );

        // A long phrase is cut to the words left.
        let long_phrase = format!("\"{}\"", "word ".repeat(30));
        let q = parsed(&format!("{long_phrase} extra"));
        assert_eq!(q.clauses, vec![phrase(&["word"; MAX_QUERY_WORDS])]);
        assert_eq!(q.shortened_to, Some(MAX_QUERY_WORDS));
        let q = parsed(&format!(
            "one two three \"{}\"",
            (0..20).map(|i| format!("p{i} ")).collect::<String>()
        ));
        assert_eq!(q.clauses.len(), 4);
        assert_eq!(q.clauses[3].word_count(), 13);
    }

    #[test]
    fn short_texts_have_no_notice_and_empty_ones_ask_for_a_word() {
        assert_eq!(parsed("printer offline").notice(), None);
        for text in ["", "   ", "*", "***", "\"", "OR", "%%%", "\u{0}\u{1}"] {
            assert_eq!(
                parsed(text).notice().as_deref(),
                Some(NOTICE_EMPTY),
                "{text:?}"
            );
        }
    }

    #[test]
    fn very_long_words_are_cut() {
        let q = parsed(&"x".repeat(10_000));
        assert_eq!(q.clauses, vec![word(&"x".repeat(MAX_WORD_BYTES))]);
        let q = parsed(&format!("{} printer", "é".repeat(500)));
        assert_eq!(q.clauses.len(), 2);
        assert!(matches!(&q.clauses[0], Clause::Word { text, .. } if text.len() <= MAX_WORD_BYTES));
    }

    /// A vocabulary from a word list: (word, documents).
    struct Words(HashMap<&'static str, u64>);

    impl Words {
        fn new(words: &[(&'static str, u64)]) -> Words {
            Words(words.iter().copied().collect())
        }
        fn sorted(&self, keep: impl Fn(&str) -> bool, limit: usize) -> Vec<String> {
            let mut found: Vec<(&str, u64)> = self
                .0
                .iter()
                .filter(|(w, _)| keep(w))
                .map(|(w, n)| (*w, *n))
                .collect();
            found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            found
                .into_iter()
                .take(limit)
                .map(|(w, _)| w.to_string())
                .collect()
        }
    }

    /// Edit distance with adjacent swaps counting one (optimal string alignment).
    fn edits(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    impl Vocabulary for Words {
        fn doc_freq(&self, _field: Field, term: &str) -> u64 {
            self.0.get(term).copied().unwrap_or(0)
        }
        fn near(&self, _fields: &[Field], term: &str, distance: u8, limit: usize) -> Vec<String> {
            self.sorted(|w| w != term && edits(w, term) <= distance as usize, limit)
        }
        fn starting_with(&self, _fields: &[Field], prefix: &str, limit: usize) -> Vec<String> {
            self.sorted(|w| w != prefix && w.starts_with(prefix), limit)
        }
    }

    fn vocabulary() -> Words {
        Words::new(&[
            ("password", 50),
            ("passwords", 10),
            ("passport", 2),
            ("printer", 40),
            ("printers", 8),
            ("print", 30),
            ("printing", 5),
            ("form", 20),
            ("from", 90),
            ("configuration", 12),
            ("conversation", 3),
            ("the", 100),
            ("pasword", 1),
        ])
    }

    /// The terms a plan's single clause matches in the title, with weights.
    fn title_terms(text: &str) -> Vec<(String, f32)> {
        let (_, fields) = build_schema();
        let plan = plan(
            &parsed(text),
            &Targets::articles(&fields),
            &vocabulary(),
            &mut stems_analyzer(),
        );
        assert_eq!(plan.clauses.len(), 1, "{text}");
        plan.clauses[0]
            .alternatives
            .iter()
            .filter_map(|a| match a {
                Alternative::Term {
                    field,
                    text,
                    weight,
                } if *field == fields.title => Some((text.clone(), *weight)),
                _ => None,
            })
            .collect()
    }

    fn words_of(terms: &[(String, f32)]) -> Vec<&str> {
        terms.iter().map(|(w, _)| w.as_str()).collect()
    }

    #[test]
    fn typo_rules_by_length_and_rarity() {
        // (typed, words the title clause matches)
        let cases: Vec<(&str, Vec<&str>)> = vec![
            // Known words: no guessing ("form" stays "form").
            ("form", vec!["form"]),
            ("password", vec!["password"]),
            // Short unknown words: exact only.
            ("pwd", vec!["pwd"]),
            // 5-8 characters: one edit, swaps included.
            ("passwrod", vec!["passwrod", "password"]),
            ("printr", vec!["printr", "printer", "print"]),
            // A rare word (in the index, but in fewer than 3 articles) may be a typo too.
            ("pasword", vec!["pasword", "password"]),
            // 9+ characters: two edits.
            ("configuraton", vec!["configuraton", "configuration"]),
            ("confgiuraton", vec!["confgiuraton", "configuration"]),
            // Two edits only when one finds nothing ("password" is two away).
            ("passwordss", vec!["passwordss", "passwords"]),
        ];
        for (typed, expected) in cases {
            assert_eq!(words_of(&title_terms(typed)), expected, "{typed}");
        }
    }

    #[test]
    fn typo_and_prefix_matches_weigh_less_than_the_word() {
        let terms = title_terms("printr");
        assert_eq!(terms[0], ("printr".to_string(), TITLE_WEIGHT));
        assert!(terms[1..]
            .iter()
            .all(|(_, w)| *w == TITLE_WEIGHT * TYPO_WEIGHT));

        let terms = title_terms("prin*");
        assert_eq!(
            words_of(&terms),
            vec!["prin", "printer", "print", "printers", "printing"]
        );
        assert!(terms[1..]
            .iter()
            .all(|(_, w)| *w == TITLE_WEIGHT * PREFIX_WEIGHT));

        // Quoted words are exact: no typo, no stem.
        assert_eq!(words_of(&title_terms("\"printr\"")), vec!["printr"]);
    }

    #[test]
    fn words_also_match_their_stem_and_are_highlighted() {
        let (_, fields) = build_schema();
        let plan = plan(
            &parsed("printers passwrod"),
            &Targets::articles(&fields),
            &vocabulary(),
            &mut stems_analyzer(),
        );
        assert!(plan.clauses[0].alternatives.contains(&Alternative::Term {
            field: fields.stems,
            text: "printer".into(),
            weight: STEM_WEIGHT
        }));
        assert!(plan.highlight.words.contains("printers"));
        assert!(
            plan.highlight.words.contains("password"),
            "typo matches are marked"
        );
        assert!(plan.highlight.stems.contains("printer"));
    }

    #[test]
    fn all_words_are_required_and_stop_words_dropped_beside_them() {
        let (_, fields) = build_schema();
        let required = |text: &str, any_word: bool| {
            let mut plan = plan(
                &parsed(text),
                &Targets::articles(&fields),
                &vocabulary(),
                &mut stems_analyzer(),
            );
            if any_word {
                plan.any_word();
            }
            plan.clauses.iter().map(|c| c.required).collect::<Vec<_>>()
        };
        assert_eq!(required("reset the password", false), vec![true, true]);
        assert_eq!(
            required("how do I reset my password", false),
            vec![true, true]
        );
        assert_eq!(required("the", false), vec![true]);
        assert_eq!(required("reset password", true), vec![false, false]);
        assert_eq!(parsed("reset the password").required_count(), 2);
        assert_eq!(parsed("the of").required_count(), 2);
    }

    #[test]
    fn phrases_match_title_and_body() {
        let (_, fields) = build_schema();
        let plan = plan(
            &parsed("\"reset your password\""),
            &Targets::articles(&fields),
            &vocabulary(),
            &mut stems_analyzer(),
        );
        let phrase_fields: Vec<Field> = plan.clauses[0]
            .alternatives
            .iter()
            .map(|a| match a {
                Alternative::Phrase { field, .. } => *field,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(phrase_fields, vec![fields.title, fields.body]);
        assert!(plan.to_query().is_some());
    }

    #[test]
    fn stop_words_in_phrases_keep_their_place() {
        let (_, fields) = build_schema();
        let alternatives = |text: &str| {
            plan(
                &parsed(text),
                &Targets::articles(&fields),
                &vocabulary(),
                &mut stems_analyzer(),
            )
            .clauses
            .remove(0)
            .alternatives
        };
        let words = |list: &[(usize, &str)]| {
            list.iter()
                .map(|(at, w)| (*at, w.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            alternatives("\"the reset of the password\"")[1],
            Alternative::Phrase {
                field: fields.body,
                words: words(&[(0, "reset"), (3, "password")]),
                weight: BODY_WEIGHT
            }
        );
        // One word left: that word, anywhere.
        assert_eq!(
            alternatives("\"the printer\"")[0],
            Alternative::Term {
                field: fields.title,
                text: "printer".into(),
                weight: TITLE_WEIGHT
            }
        );
        // Only stop words: the phrase as typed.
        assert_eq!(
            alternatives("\"to be\"")[1],
            Alternative::Phrase {
                field: fields.body,
                words: words(&[(0, "to"), (1, "be")]),
                weight: BODY_WEIGHT
            }
        );
    }
}
