//! HTML-only mails as plain text. The HTML is first cleaned by `ammonia` down to
//! a few structural tags without attributes (scripts, styles and everything
//! else gone), then those tags become line breaks, list dashes and `>` quotes.
//! The result is text: pages escape it like any other message, so no markup a
//! sender wrote ever reaches a page.

use std::collections::HashSet;

/// The tags kept for their shape; all others leave only their text.
const STRUCTURE: &[&str] = &[
    "p",
    "br",
    "div",
    "li",
    "tr",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "hr",
];

/// `html` as readable plain text.
pub fn to_text(html: &str) -> String {
    let clean = ammonia::Builder::empty()
        .tags(STRUCTURE.iter().copied().collect::<HashSet<_>>())
        .clean_content_tags(["script", "style", "title"].into_iter().collect())
        .clean(html)
        .to_string();
    let mut out = String::new();
    let mut depth: usize = 0;
    let mut rest = clean.as_str();
    while let Some(open) = rest.find('<') {
        push_text(&mut out, &rest[..open], depth);
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let (closing, name) = match tag.strip_prefix('/') {
            Some(name) => (true, name),
            None => (false, tag.trim_end_matches('/')),
        };
        match (name, closing) {
            ("blockquote", false) => {
                new_line(&mut out, depth);
                depth += 1;
            }
            ("blockquote", true) => {
                depth = depth.saturating_sub(1);
                new_line(&mut out, depth);
            }
            ("li", false) => {
                new_line(&mut out, depth);
                out.push_str("- ");
            }
            ("br", _) => {
                out.push('\n');
                quote_prefix(&mut out, depth);
            }
            ("hr", _) => {
                new_line(&mut out, depth);
                out.push_str("---");
                new_line(&mut out, depth);
            }
            ("p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre", _) => {
                blank_line(&mut out, depth)
            }
            _ => new_line(&mut out, depth),
        }
    }
    push_text(&mut out, rest, depth);
    tidy(&out)
}

/// Text between tags: entities decoded, runs of white space as one space
/// (HTML does not show line breaks in its source).
fn push_text(out: &mut String, text: &str, depth: usize) {
    let decoded = decode_entities(text);
    let mut last_space = out.ends_with([' ', '\n']) || out.is_empty();
    for c in decoded.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            if out.ends_with('\n') {
                quote_prefix(out, depth);
            }
            out.push(if c == '\u{a0}' { ' ' } else { c });
            last_space = false;
        }
    }
}

fn quote_prefix(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("> ");
    }
}

fn new_line(out: &mut String, _depth: usize) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn blank_line(out: &mut String, depth: usize) {
    new_line(out, depth);
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
}

/// ammonia writes text with these entities only.
fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Trailing spaces off every line, at most one blank line in a row.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        let empty = line.trim_start_matches(['>', ' ']).is_empty();
        if empty {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push_str(line.trim_end());
        } else {
            blank = 0;
            out.push_str(line);
        }
        out.push('\n');
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structure_becomes_lines_and_markup_goes() {
        let html = r#"<html><head><title>T</title><style>p{color:red}</style></head>
            <body><p>Hello <b>there</b>,</p><p>the printer &amp; the
            scanner jam.<br>Since Monday.</p>
            <ul><li>one</li><li>two</li></ul>
            <script>alert(1)</script><img src=x onerror=alert(1)>
            <a href="javascript:alert(1)">link text</a></body></html>"#;
        let text = to_text(html);
        assert_eq!(
            text,
            "Hello there,\n\nthe printer & the scanner jam.\nSince Monday.\n\n- one\n- two\nlink text"
        );
        assert!(!text.contains('<'));
    }

    #[test]
    fn blockquotes_become_quotes() {
        let html = "<div>Thanks!</div><div class=gmail_quote>On Mon, Sam wrote:<br><blockquote>old <b>text</b><br>more</blockquote></div>";
        assert_eq!(
            to_text(html),
            "Thanks!\nOn Mon, Sam wrote:\n> old text\n> more"
        );
    }

    #[test]
    fn escaped_markup_stays_text() {
        assert_eq!(
            to_text("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
            "<script>alert(1)</script>"
        );
    }
}
