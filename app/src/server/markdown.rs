//! Markdown to HTML: pulldown-cmark renders, then ammonia sanitises, so no
//! script, event handler, `javascript:` link, iframe or form survives.

use crate::domain::SafeHtml;
use pulldown_cmark::{html, Options, Parser};

pub fn render(markdown: &str) -> SafeHtml {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    let clean = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into())
        .clean(&unsafe_html)
        .to_string();
    SafeHtml::from_sanitised(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn links_are_kept_and_marked_external() {
        let out = html("[docs](https://example.com/docs)");
        assert!(out.contains("href=\"https://example.com/docs\""), "{out}");
        assert!(
            out.contains("rel=\"noopener noreferrer nofollow\""),
            "{out}"
        );
    }
}
