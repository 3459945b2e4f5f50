//! The excerpt under each hit: about 200 characters of the article's text
//! around its best match, with the matched words in `<mark>`.
//!
//! Matches are found by running the article's text through the same words
//! analyzer as the index and marking tokens the query matched: the words
//! typed, their typo corrections and prefix completions (`Highlight::words`)
//! and words with the same stem (`Highlight::stems`).
//!
//! Safety: every character of article text is HTML-escaped here, and the
//! only markup added is `<mark>` and `</mark>`. That escaping is the
//! sanitising that `SafeHtml::from_sanitised` requires.

use super::query::Highlight;
use super::schema::tokens;
use rapport_types::SafeHtml;
use std::collections::HashMap;
use std::ops::Range;
use tantivy::tokenizer::TextAnalyzer;

/// The snippet's length in bytes of text (characters, for most text).
pub const SNIPPET_LEN: usize = 200;

/// Matches looked for at most: the best window is among the first ones,
/// and long articles need not be read to their end.
const MAX_MATCHES: usize = 32;

/// Decides whether a word of the text is a match. Most words of a text are
/// not, so cheap tests come first: the first letter, then (for stems) the
/// start of the word, and only then a lookup or the stemmer.
pub struct Matcher<'a> {
    highlight: &'a Highlight,
    first_bytes: [bool; 256],
    /// The start every word with one of the stems must have: the stem less
    /// its last two characters (the stemmer rewrites endings, like
    /// "ability" to "abl", not beginnings).
    stem_roots: Vec<String>,
    stems: TextAnalyzer,
    by_stem: HashMap<String, bool>,
}

impl<'a> Matcher<'a> {
    pub fn new(highlight: &'a Highlight, stems: TextAnalyzer) -> Matcher<'a> {
        let mut first_bytes = [false; 256];
        for word in &highlight.words {
            if let Some(&b) = word.as_bytes().first() {
                first_bytes[b as usize] = true;
            }
        }
        let stem_roots = highlight
            .stems
            .iter()
            .map(|stem| {
                let keep = stem.chars().count().saturating_sub(2).max(1);
                stem.chars().take(keep).collect()
            })
            .collect();
        Matcher {
            highlight,
            first_bytes,
            stem_roots,
            stems,
            by_stem: HashMap::new(),
        }
    }

    fn is_match(&mut self, word: &str) -> bool {
        let Some(&first) = word.as_bytes().first() else {
            return false;
        };
        if self.first_bytes[first as usize] && self.highlight.words.contains(word) {
            return true;
        }
        if !self
            .stem_roots
            .iter()
            .any(|root| word.starts_with(root.as_str()))
        {
            return false;
        }
        if let Some(&known) = self.by_stem.get(word) {
            return known;
        }
        let matched = tokens(&mut self.stems, word)
            .first()
            .is_some_and(|stem| self.highlight.stems.contains(stem));
        self.by_stem.insert(word.to_string(), matched);
        matched
    }
}

/// The best excerpt of `text` with its matches marked; `None` when nothing
/// in `text` matches.
pub fn snippet(text: &str, words: &mut TextAnalyzer, matcher: &mut Matcher) -> Option<SafeHtml> {
    let matches = find_matches(text, words, matcher);
    if matches.is_empty() {
        return None;
    }
    let best = best_window(text, &matches);
    let window = widen(text, best.clone());
    let marked: Vec<Range<usize>> = matches
        .into_iter()
        .filter(|m| m.start >= window.start && m.end <= window.end)
        .collect();
    Some(render(text, window, &marked))
}

/// The first SNIPPET_LEN bytes of `text`, escaped, cut at a word end; for
/// articles where nothing in the stored text matched (a tag-only match).
pub fn excerpt(text: &str) -> SafeHtml {
    let end = if text.len() <= SNIPPET_LEN {
        text.len()
    } else {
        word_end_before(text, SNIPPET_LEN)
    };
    render(text, 0..end, &[])
}

fn find_matches(text: &str, words: &mut TextAnalyzer, matcher: &mut Matcher) -> Vec<Range<usize>> {
    if text.is_ascii() && matcher.highlight.words.iter().all(|w| w.is_ascii()) {
        return find_matches_ascii(text, matcher);
    }
    let mut stream = words.token_stream(text);
    let mut found = Vec::new();
    while let Some(token) = stream.next() {
        if matcher.is_match(&token.text) {
            found.push(token.offset_from..token.offset_to);
            if found.len() == MAX_MATCHES {
                break;
            }
        }
    }
    found
}

/// `find_matches` for ASCII text (most articles), without running the
/// analyzer over every word: the lower-cased text is searched for each word
/// to mark and each stem's beginning, and only those places are checked.
/// Same result: the analyzer splits ASCII text on anything but letters and
/// digits and lower-cases it, which is what the word boundaries here are.
fn find_matches_ascii(text: &str, matcher: &mut Matcher) -> Vec<Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric();
    let word_end = |from: usize| {
        bytes[from..]
            .iter()
            .position(|&b| !is_word(b))
            .map_or(bytes.len(), |n| from + n)
    };
    let starts_word = |at: usize| at == 0 || !is_word(bytes[at - 1]);
    let mut found: Vec<Range<usize>> = Vec::new();
    for word in &matcher.highlight.words {
        if word.is_empty() {
            continue;
        }
        for (at, _) in lower.match_indices(word.as_str()).take(MAX_MATCHES) {
            let end = at + word.len();
            if starts_word(at) && word_end(at) == end {
                found.push(at..end);
            }
        }
    }
    let roots = matcher.stem_roots.clone();
    for root in &roots {
        for (at, _) in lower.match_indices(root.as_str()) {
            if found.len() >= MAX_MATCHES * 2 {
                break;
            }
            if !starts_word(at) {
                continue;
            }
            let end = word_end(at);
            if end - at <= super::schema::MAX_WORD_BYTES && matcher.is_match(&lower[at..end]) {
                found.push(at..end);
            }
        }
    }
    found.sort_by_key(|r| (r.start, r.end));
    found.dedup();
    found.truncate(MAX_MATCHES);
    found
}

/// The stretch from one match to another that fits SNIPPET_LEN and holds the
/// most different words (then the most matches); the earliest of equals.
fn best_window(text: &str, matches: &[Range<usize>]) -> Range<usize> {
    // Each match's word once, lower-cased, as the number of its first equal.
    let words: Vec<String> = matches
        .iter()
        .map(|m| text[m.clone()].to_lowercase())
        .collect();
    let word_ids: Vec<usize> = (0..words.len())
        .map(|i| words[..i].iter().position(|w| *w == words[i]).unwrap_or(i))
        .collect();
    let mut best = matches[0].clone();
    let mut best_score = (0, 0);
    let mut seen: Vec<usize> = Vec::with_capacity(matches.len());
    for (i, first) in matches.iter().enumerate() {
        seen.clear();
        let mut count = 0;
        let mut end = first.end;
        for (m, id) in matches[i..].iter().zip(&word_ids[i..]) {
            if m.end - first.start > SNIPPET_LEN {
                break;
            }
            if !seen.contains(id) {
                seen.push(*id);
            }
            count += 1;
            end = m.end;
        }
        let score = (seen.len(), count);
        if score > best_score {
            best_score = score;
            best = first.start..end;
        }
    }
    best
}

/// Grow `core` to about SNIPPET_LEN with context on both sides (a third
/// before, the rest after), starting and ending on word boundaries.
fn widen(text: &str, core: Range<usize>) -> Range<usize> {
    let spare = SNIPPET_LEN.saturating_sub(core.end - core.start);
    let mut start = floor_char(text, core.start.saturating_sub(spare / 3));
    if start > 0 {
        // Start at the next word rather than in the middle of one.
        start = text[start..core.start]
            .find(char::is_whitespace)
            .map(|i| start + i + 1)
            .unwrap_or(core.start);
    }
    let room = SNIPPET_LEN.saturating_sub(core.end - start);
    let mut end = floor_char(text, (core.end + room).min(text.len()));
    if end < text.len() {
        end = text[core.end..end]
            .rfind(char::is_whitespace)
            .map(|i| core.end + i)
            .unwrap_or(core.end);
    }
    start..end
}

fn word_end_before(text: &str, at: usize) -> usize {
    let at = floor_char(text, at);
    text[..at].rfind(char::is_whitespace).unwrap_or(at)
}

fn floor_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Escaped text of `window` with `marks` (inside it, in order) in `<mark>`,
/// white space runs as one space, `…` where the text goes on.
fn render(text: &str, window: Range<usize>, marks: &[Range<usize>]) -> SafeHtml {
    let mut html = String::with_capacity(window.len() + 64);
    if window.start > 0 {
        html.push_str("… ");
    }
    let mut at = window.start;
    for mark in marks {
        escape_into(&mut html, &text[at..mark.start]);
        html.push_str("<mark>");
        escape_into(&mut html, &text[mark.clone()]);
        html.push_str("</mark>");
        at = mark.end;
    }
    escape_into(&mut html, &text[at..window.end]);
    let html = html.trim_end().to_string();
    let html = if window.end < text.len() {
        format!("{html} …")
    } else {
        html
    };
    SafeHtml::from_sanitised(html)
}

/// Append `text` HTML-escaped, with white space runs as one space.
fn escape_into(out: &mut String, text: &str) {
    let mut in_space = out.ends_with(' ');
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::schema::{stems_analyzer, words_analyzer};
    use super::*;

    fn highlight(words: &[&str], stems: &[&str]) -> Highlight {
        Highlight {
            words: words.iter().map(|w| w.to_string()).collect(),
            stems: stems.iter().map(|w| w.to_string()).collect(),
        }
    }

    fn snip(text: &str, h: &Highlight) -> Option<String> {
        let mut matcher = Matcher::new(h, stems_analyzer());
        snippet(text, &mut words_analyzer(), &mut matcher).map(|s| s.as_str().to_string())
    }

    #[test]
    fn matches_are_marked_and_everything_else_escaped() {
        let text = "Use <script>alert(\"x\")</script> & the Printer's queue.";
        let html = snip(text, &highlight(&["printer", "script"], &[])).unwrap();
        assert_eq!(
            html,
            "Use &lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt; \
             &amp; the <mark>Printer</mark>&#39;s queue."
        );
        assert!(!html.contains("<script"));
    }

    #[test]
    fn words_with_the_same_stem_and_accents_are_marked() {
        let html = snip(
            "Two Printers and one printing job at the Café.",
            &highlight(&["cafe"], &["printer"]),
        )
        .unwrap();
        assert_eq!(
            html,
            "Two <mark>Printers</mark> and one printing job at the <mark>Café</mark>."
        );
    }

    #[test]
    fn the_ascii_shortcut_finds_what_the_analyzer_finds() {
        let texts = [
            "Two Printers and one printing job; the printer's queue (printer).",
            "e-mail E-Mail email: mail-server, reprinted, printer2 printer_x",
            "nothing here at all",
        ];
        let h = highlight(&["printer", "mail", "email"], &["print"]);
        for text in texts {
            let mut slow = Matcher::new(&h, stems_analyzer());
            let mut analyzed = Vec::new();
            let mut words = words_analyzer();
            let mut stream = words.token_stream(text);
            while let Some(token) = stream.next() {
                if slow.is_match(&token.text) {
                    analyzed.push(token.offset_from..token.offset_to);
                }
            }
            let mut fast = Matcher::new(&h, stems_analyzer());
            assert_eq!(find_matches_ascii(text, &mut fast), analyzed, "{text}");
        }
    }

    #[test]
    fn nothing_matching_gives_none() {
        assert_eq!(
            snip("Nothing here.", &highlight(&["printer"], &["printer"])),
            None
        );
    }

    #[test]
    fn long_texts_are_cut_around_the_best_match() {
        let filler = "lorem ipsum dolor sit amet ".repeat(40);
        let text = format!("{filler}the printer is offline {filler}printer alone {filler}");
        let html = snip(&text, &highlight(&["printer", "offline"], &[])).unwrap();
        assert!(html.starts_with("… "), "{html}");
        assert!(html.ends_with(" …"), "{html}");
        assert!(
            html.contains("<mark>printer</mark> is <mark>offline</mark>"),
            "{html}"
        );
        let visible = html.replace("<mark>", "").replace("</mark>", "");
        assert!(
            visible.len() <= SNIPPET_LEN + 12,
            "{} {visible}",
            visible.len()
        );
        // Starts and ends on whole words.
        assert!(
            visible.starts_with("… lorem")
                || visible.starts_with("… ipsum")
                || visible.starts_with("… dolor")
                || visible.starts_with("… sit")
                || visible.starts_with("… amet"),
            "{visible}"
        );
    }

    #[test]
    fn non_ascii_text_is_cut_on_character_boundaries() {
        let text = format!("{} Drucker {}", "größe ".repeat(60), "ärger ".repeat(60));
        let html = snip(&text, &highlight(&["drucker"], &[])).unwrap();
        assert!(html.contains("<mark>Drucker</mark>"), "{html}");
    }

    #[test]
    fn excerpts_are_escaped_and_short() {
        assert_eq!(excerpt("a <b> c").as_str(), "a &lt;b&gt; c");
        let long = "word ".repeat(100);
        let out = excerpt(&long);
        assert!(out.as_str().len() <= SNIPPET_LEN + 4, "{}", out.as_str());
        assert!(out.as_str().ends_with("word …"), "{}", out.as_str());
    }
}
