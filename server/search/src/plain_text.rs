//! Markdown to the plain text the index holds: the words a reader sees,
//! without markup. Raw HTML in the Markdown is dropped (it is markup, and the
//! renderer sanitises most of it away anyway); code is kept, since readers
//! search for commands and error messages.

use pulldown_cmark::{Event, Options, Parser, TagEnd};

pub fn markdown_to_text(markdown: &str) -> String {
    // The same extensions as the article renderer, so `- [ ]` is a task box, not text.
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            // A footnote's mark ("1") would glue to the word before it
            // ("manual1"); the footnote's own text still comes, as a block.
            Event::FootnoteReference(_) => {}
            Event::InlineMath(t) | Event::DisplayMath(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => push_break(&mut text, ' '),
            // Block ends separate words that the Markdown kept on separate lines.
            Event::End(end) if is_block(&end) => push_break(&mut text, '\n'),
            Event::End(TagEnd::TableCell) => push_break(&mut text, ' '),
            Event::TaskListMarker(_)
            | Event::Html(_)
            | Event::InlineHtml(_)
            | Event::Start(_)
            | Event::End(_) => {}
        }
    }
    text.trim().to_string()
}

fn is_block(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::Item
            | TagEnd::TableRow
            | TagEnd::TableHead
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
    )
}

/// A separator, unless the text already ends with one as strong; a line
/// break replaces a trailing space.
fn push_break(text: &mut String, separator: char) {
    if separator == '\n' {
        while text.ends_with(' ') {
            text.pop();
        }
    }
    if !text.is_empty() && !text.ends_with(char::is_whitespace) {
        text.push(separator);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_goes_and_words_stay() {
        let md = "# Reset your password\n\nOpen **Account**, then [Security](https://x.example).\n\n\
                  - one\n- two\n\n| a | b |\n|---|---|\n| cell | other |\n\nRun `rapport reindex`.\n";
        assert_eq!(
            markdown_to_text(md),
            "Reset your password\nOpen Account, then Security.\none\ntwo\na b\ncell other\nRun rapport reindex."
        );
    }

    #[test]
    fn raw_html_is_dropped_but_code_is_text() {
        let md = "Before <script>alert(1)</script> after.\n\n<div onclick=\"x\">block</div>\n\nUse `<b>` tags.";
        let text = markdown_to_text(md);
        assert!(!text.contains("<script"), "{text}");
        assert!(!text.contains("onclick"), "{text}");
        assert!(text.contains("Use <b> tags."), "{text}");
    }

    #[test]
    fn footnote_marks_do_not_glue_to_words() {
        let md = "See the manual[^1].\n\n[^1]: Chapter 4.";
        assert_eq!(markdown_to_text(md), "See the manual.\nChapter 4.");
    }

    #[test]
    fn paragraphs_do_not_glue_words_together() {
        assert_eq!(markdown_to_text("first\n\nsecond"), "first\nsecond");
        assert_eq!(markdown_to_text("line\nbreak"), "line break");
    }
}
