//! Comparing two revisions of an article: each revision is written out as
//! plain lines (its fields, then its body), and the lines are compared with
//! the `similar` crate into a unified diff with a little context.

use rapport_types::views::writing::{DiffHunk, DiffLine, LineChange};
use similar::{ChangeTag, TextDiff};
use std::time::Duration;

/// Unchanged lines shown around each change.
const CONTEXT: usize = 3;

/// The fields of a revision that a diff compares, as shown to a writer.
pub struct RevisionFields<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub kind: &'a str,
    pub category: &'a str,
    pub tags: &'a [String],
    pub audience: &'a str,
    pub body: &'a str,
}

/// A revision as lines: one per field, a blank line, then the body. A change
/// of tags or category then reads as a changed line like any other.
pub fn revision_text(fields: &RevisionFields<'_>) -> String {
    let tags = if fields.tags.is_empty() {
        "(none)".to_string()
    } else {
        fields.tags.join(", ")
    };
    let mut text = format!(
        "Title: {}\nSummary: {}\nKind: {}\nCategory: {}\nTags: {}\nAudience: {}\n\n",
        fields.title, fields.summary, fields.kind, fields.category, tags, fields.audience
    );
    text.push_str(fields.body);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The changes from `old` to `new` as hunks; none when they are the same.
pub fn diff_hunks(old: &str, new: &str, old_name: &str, new_name: &str) -> Vec<DiffHunk> {
    // A pathological pair of texts may not be compared to the last line: the
    // diff is then coarser, never slow.
    let diff = TextDiff::configure()
        .timeout(Duration::from_millis(500))
        .diff_lines(old, new);
    diff.grouped_ops(CONTEXT)
        .iter()
        .filter(|group| !group.is_empty())
        .map(|group| {
            let (first, last) = (&group[0], &group[group.len() - 1]);
            let old_lines = first.old_range().start..last.old_range().end;
            let new_lines = first.new_range().start..last.new_range().end;
            let lines = group
                .iter()
                .flat_map(|op| diff.iter_changes(op))
                .map(|change| DiffLine {
                    change: match change.tag() {
                        ChangeTag::Equal => LineChange::Same,
                        ChangeTag::Insert => LineChange::Added,
                        ChangeTag::Delete => LineChange::Removed,
                    },
                    text: change
                        .to_string_lossy()
                        .trim_end_matches(['\n', '\r'])
                        .to_string(),
                })
                .collect();
            DiffHunk {
                header: format!(
                    "{} of {old_name}, {} of {new_name}",
                    describe(old_lines),
                    describe(new_lines)
                ),
                lines,
            }
        })
        .collect()
}

/// "line 4", "lines 3–9", or "no lines" for a range of 0-based line indexes.
fn describe(lines: std::ops::Range<usize>) -> String {
    match lines.len() {
        0 => "no lines".to_string(),
        1 => format!("line {}", lines.start + 1),
        _ => format!("lines {}\u{2013}{}", lines.start + 1, lines.end),
    }
}

/// A diff as plain text with `+`, `−` and space markers (for tests and logs).
pub fn as_text(hunks: &[DiffHunk]) -> String {
    let mut out = String::new();
    for hunk in hunks {
        out.push_str("@@ ");
        out.push_str(&hunk.header);
        out.push('\n');
        for line in &hunk.lines {
            out.push_str(line.change.marker());
            out.push(' ');
            out.push_str(&line.text);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(title: &'a str, tags: &'a [String], body: &'a str) -> RevisionFields<'a> {
        RevisionFields {
            title,
            summary: "How to get back in.",
            kind: "Knowledge article",
            category: "Accounts",
            tags,
            audience: "Everyone",
            body,
        }
    }

    #[test]
    fn fields_and_body_become_lines() {
        let tags = vec!["account".to_string(), "password".to_string()];
        let text = revision_text(&fields("Reset", &tags, "Step one."));
        assert_eq!(
            text,
            "Title: Reset\nSummary: How to get back in.\nKind: Knowledge article\nCategory: Accounts\n\
             Tags: account, password\nAudience: Everyone\n\nStep one.\n"
        );
        assert!(revision_text(&fields("Reset", &[], "x")).contains("Tags: (none)\n"));
    }

    #[test]
    fn changed_lines_are_marked_with_context_around_them() {
        let body_old = (1..=20).map(|n| format!("line {n}\n")).collect::<String>();
        let body_new = body_old.replace("line 10\n", "line ten\n");
        let old = revision_text(&fields("Reset", &[], &body_old));
        let new = revision_text(&fields("Reset your password", &[], &body_new));
        let hunks = diff_hunks(&old, &new, "revision 1", "revision 2");
        assert_eq!(hunks.len(), 2, "{}", as_text(&hunks));
        let text = as_text(&hunks);
        assert!(
            text.contains("\u{2212} Title: Reset\n+ Title: Reset your password\n"),
            "{text}"
        );
        assert!(text.contains("\u{2212} line 10\n+ line ten\n"), "{text}");
        // Three unchanged lines either side, no more.
        assert!(
            text.contains("  line 7\n  line 8\n  line 9\n\u{2212} line 10"),
            "{text}"
        );
        assert!(!text.contains("line 6\n"), "{text}");
        assert!(
            text.contains("@@ lines 14\u{2013}20 of revision 1, lines 14\u{2013}20 of revision 2"),
            "{text}"
        );
    }

    #[test]
    fn the_same_text_has_no_hunks() {
        let text = revision_text(&fields("Reset", &[], "Body"));
        assert!(diff_hunks(&text, &text, "a", "b").is_empty());
    }

    #[test]
    fn a_line_range_reads_as_words() {
        assert_eq!(describe(0..0), "no lines");
        assert_eq!(describe(3..4), "line 4");
        assert_eq!(describe(2..9), "lines 3\u{2013}9");
    }
}
