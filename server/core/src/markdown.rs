//! Markdown to HTML: pulldown-cmark renders, then ammonia sanitises, so no
//! script, event handler, `javascript:` link, iframe or form survives.
//!
//! Two flavours share the sanitiser: `render` for case messages, and
//! `render_article` for the knowledge base, which adds heading anchors, a table
//! of contents, task lists and footnotes.

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use rapport_types::{SafeHtml, TocEntry};
use std::collections::HashMap;

pub fn render(markdown: &str) -> SafeHtml {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    // A message is written like a mail: a new line is a new line (as in the
    // mail that carries it), not a space as Markdown would have it.
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::SoftBreak => Event::HardBreak,
        other => other,
    });
    html::push_html(&mut unsafe_html, events);
    sanitise(&unsafe_html)
}

/// An article rendered for reading.
#[derive(Debug, Clone)]
pub struct RenderedArticle {
    pub html: SafeHtml,
    pub toc: Vec<TocEntry>,
}

/// Render an article: headings get anchors (`h-` and the heading's words) and
/// are listed for a table of contents; footnotes get their own anchors
/// (`fn-`, `fnref-`); then everything is sanitised like any other Markdown.
pub fn render_article(markdown: &str) -> RenderedArticle {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    let mut toc = Vec::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut footnotes: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = *level;
                // The heading's text, for its anchor and the table of contents.
                let mut text = String::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j] {
                        text.push_str(t);
                    }
                    j += 1;
                }
                let anchor = unique_anchor(&text, &mut used);
                let n = heading_number(level);
                if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) && !text.trim().is_empty() {
                    toc.push(TocEntry {
                        level: n,
                        anchor: anchor.clone(),
                        text: text.trim().to_string(),
                    });
                }
                out.push(Event::Html(CowStr::from(format!("<h{n} id=\"{anchor}\">"))));
                out.extend(events[i + 1..j].iter().cloned());
                out.push(Event::Html(CowStr::from(format!("</h{n}>\n"))));
                i = j + 1;
                continue;
            }
            Event::FootnoteReference(label) => {
                let next = footnotes.len() + 1;
                let n = *footnotes.entry(label.to_string()).or_insert(next);
                out.push(Event::Html(CowStr::from(format!(
                    "<sup class=\"footnote-ref\"><a href=\"#fn-{n}\" id=\"fnref-{n}\">{n}</a></sup>"
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let next = footnotes.len() + 1;
                let n = *footnotes.entry(label.to_string()).or_insert(next);
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"footnote\" id=\"fn-{n}\"><span class=\"footnote-number\">{n}.</span>"
                ))));
            }
            // Task-list boxes are shown as ballot-box characters: no form
            // control is ever allowed into an article.
            Event::TaskListMarker(done) => {
                let (class, mark) = if *done {
                    ("task-box done", "\u{2611}")
                } else {
                    ("task-box", "\u{2610}")
                };
                out.push(Event::Html(CowStr::from(format!(
                    "<span class=\"{class}\">{mark}</span> "
                ))));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, out.into_iter());
    RenderedArticle {
        html: sanitise(&unsafe_html),
        toc,
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// `h-` and the heading's words in lower case joined by dashes; a repeated
/// heading gets `-2`, `-3` ...
fn unique_anchor(text: &str, used: &mut HashMap<String, usize>) -> String {
    let mut base = String::from("h");
    for word in text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
    {
        base.push('-');
        base.extend(word.chars().filter(|c| c.is_ascii_alphanumeric()));
    }
    let count = used.entry(base.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        base
    } else {
        format!("{base}-{count}")
    }
}

/// Only our own anchors may carry an id (`h-`, `fn-`, `fnref-` and safe
/// characters), so user HTML cannot shadow names the page relies on.
fn is_our_anchor(value: &str) -> bool {
    (value.starts_with("h-") || value.starts_with("fn-") || value.starts_with("fnref-"))
        && value.len() <= 120
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn sanitise(unsafe_html: &str) -> SafeHtml {
    let clean = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into())
        .add_tag_attributes("h2", ["id"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes("a", ["id"])
        .add_allowed_classes("sup", ["footnote-ref"])
        .add_allowed_classes("div", ["footnote"])
        .add_allowed_classes("span", ["footnote-number", "task-box", "done"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            (_, "id") => is_our_anchor(value).then_some(value.into()),
            _ => Some(value.into()),
        })
        .clean(unsafe_html)
        .to_string();
    SafeHtml::from_sanitised(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_keeps_its_line_breaks() {
        let html = render("Hello Carla,\nthe upload works again.\n\nBest regards");
        assert_eq!(
            html.as_str(),
            "<p>Hello Carla,<br>\nthe upload works again.</p>\n<p>Best regards</p>\n"
        );
    }

    fn html(md: &str) -> String {
        render(md).as_str().to_string()
    }

    #[test]
    fn ordinary_markdown_renders() {
        let out =
            html("# Title\n\nSome *emphasis* and `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(out.contains("<h1>Title</h1>"), "{out}");
        assert!(out.contains("<em>emphasis</em>"));
        assert!(out.contains("<code>code</code>"));
        assert!(out.contains("<table>"));
    }

    #[test]
    fn hostile_input_is_neutralised() {
        let cases = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<svg onload=alert(1)><circle/></svg>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<form action=\"https://evil.example\"><input name=p></form>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        ];
        for input in cases {
            let out = html(input).to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "javascript:",
                "<iframe",
                "<form",
                "<svg",
                "style=",
                "data:text",
            ] {
                assert!(!out.contains(bad), "{input:?} gave {out:?}");
            }
        }
    }

    #[test]
    fn articles_get_anchors_a_table_of_contents_and_footnotes() {
        let article = render_article(
            "Intro[^note].\n\n## First steps\n\ntext\n\n### Sign *in*\n\n## First steps\n\n- [x] done\n- [ ] to do\n\n[^note]: A footnote.\n",
        );
        let out = article.html.as_str();
        assert!(
            out.contains("<h2 id=\"h-first-steps\">First steps</h2>"),
            "{out}"
        );
        assert!(out.contains("<h2 id=\"h-first-steps-2\">"), "{out}");
        assert!(
            out.contains("<h3 id=\"h-sign-in\">Sign <em>in</em></h3>"),
            "{out}"
        );
        assert_eq!(
            article
                .toc
                .iter()
                .map(|e| (e.level, e.anchor.as_str()))
                .collect::<Vec<_>>(),
            vec![
                (2, "h-first-steps"),
                (3, "h-sign-in"),
                (2, "h-first-steps-2")
            ]
        );
        assert!(out.contains("href=\"#fn-1\""), "{out}");
        assert!(out.contains("id=\"fn-1\""), "{out}");
        assert!(
            out.contains("<span class=\"task-box done\">\u{2611}</span> done"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"task-box\">\u{2610}</span> to do"),
            "{out}"
        );
    }

    #[test]
    fn article_rendering_keeps_hostile_input_out() {
        let hostile = "## <img src=x onerror=alert(1)>Title\n\n<h2 id=\"location\">x</h2>\n\n<input type=\"text\" name=\"password\">\n\n<script>alert(1)</script>[^a]\n\n[^a]: <a href=\"javascript:alert(1)\">x</a>\n\n```html\n<script>alert(2)</script>\n```\n";
        let out = render_article(hostile).html.as_str().to_lowercase();
        for bad in [
            "<script",
            "onerror",
            "javascript:",
            "id=\"location\"",
            "<input",
            "name=",
        ] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        // Code blocks show the code as text.
        assert!(out.contains("&lt;script&gt;alert(2)"), "{out}");
    }

    /// The whole output for one hostile article, so any change in what the
    /// sanitiser lets through shows up here.
    #[test]
    fn hostile_article_snapshot() {
        let input = "## Hi <b onclick=\"x()\">there</b>\n\n\
                     [a](javascript:alert(1)) <iframe src=x></iframe><script>alert(1)</script>\n\n\
                     - [ ] <input type=\"text\" onfocus=\"x()\" autofocus>\n";
        let out = render_article(input).html.as_str().to_string();
        assert_eq!(
            out,
            "<h2 id=\"h-hi-there\">Hi <b>there</b></h2>\n\
             <p><a rel=\"noopener noreferrer nofollow\">a</a> </p>\n\
             <ul>\n<li><span class=\"task-box\">\u{2610}</span> </li>\n</ul>\n"
        );
    }

    #[test]
    fn links_are_kept_and_marked_external() {
        let out = html("[docs](https://example.com/docs)");
        assert!(out.contains("href=\"https://example.com/docs\""), "{out}");
        assert!(
            out.contains("rel=\"noopener noreferrer nofollow\""),
            "{out}"
        );
    }
}
