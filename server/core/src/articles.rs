//! The rules for what an article may contain, shared by the editor and the
//! importer of `content/`: one place that turns typed-in text into a
//! `RevisionContent`, or an error naming the field.

use super::db::articles::RevisionContent;
use crate::Error;
use rapport_types::{ArticleKind, Audience, Tag};

pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 300;
pub const BODY_MAX: usize = 200_000;
pub const TAGS_MAX: usize = 10;

/// The fields of an article as typed (or read from a file).
pub struct ContentInput<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub category_id: Option<i64>,
    pub tags: &'a [String],
    pub audience: &'a str,
}

pub fn check_content(input: &ContentInput<'_>) -> Result<RevisionContent, Error> {
    let kind = ArticleKind::parse(input.kind).ok_or_else(|| {
        Error::invalid(
            "kind",
            "Choose a kind: knowledge article, training material or workshop.",
        )
    })?;
    let title = crate::input::required_text("title", input.title, "a title", TITLE_MAX)?;
    let summary = input.summary.trim().to_string();
    if summary.chars().count() > SUMMARY_MAX {
        return Err(Error::invalid(
            "summary",
            format!(
                "Keep the summary under {SUMMARY_MAX} characters; it is shown in search results."
            ),
        ));
    }
    let body = input.body.trim_end().to_string();
    if body.trim().is_empty() {
        return Err(Error::invalid("body", "Write the article's text."));
    }
    if body.len() > BODY_MAX {
        return Err(Error::invalid(
            "body",
            format!(
                "The text is too long ({} KB); keep it under {} KB or split it into several articles.",
                body.len() / 1024,
                BODY_MAX / 1024
            ),
        ));
    }
    let category_id = input
        .category_id
        .ok_or_else(|| Error::invalid("category", "Choose a category."))?;
    let mut tags = Vec::new();
    for raw in input
        .tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
    {
        let tag = Tag::parse(raw).ok_or_else(|| {
            Error::invalid(
                "tags",
                format!("\u{201c}{raw}\u{201d} is not a tag: use letters, digits and dashes, at most {} characters.", Tag::MAX_LEN),
            )
        })?;
        if !tags.contains(&tag.as_str().to_string()) {
            tags.push(tag.as_str().to_string());
        }
    }
    if tags.len() > TAGS_MAX {
        return Err(Error::invalid(
            "tags",
            format!("Use at most {TAGS_MAX} tags."),
        ));
    }
    let audience = Audience::parse(input.audience).ok_or_else(|| {
        Error::invalid(
            "audience",
            "Choose who may read it: everyone, signed-in customers or staff only.",
        )
    })?;
    Ok(RevisionContent {
        kind,
        title,
        summary,
        body,
        category_id,
        tags,
        audience,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(tags: &'a [String]) -> ContentInput<'a> {
        ContentInput {
            kind: "knowledge",
            title: "  Reset your password ",
            summary: "How to get back in.",
            body: "Click *Forgot password*.\n",
            category_id: Some(3),
            tags,
            audience: "public",
        }
    }

    #[test]
    fn good_content_is_trimmed_and_tags_folded() {
        let tags = vec![
            "Account".to_string(),
            "account".to_string(),
            " ".to_string(),
        ];
        let content = check_content(&input(&tags)).unwrap();
        assert_eq!(content.title, "Reset your password");
        assert_eq!(content.tags, vec!["account".to_string()]);
        assert_eq!(content.audience, Audience::Public);
    }

    #[test]
    fn each_mistake_names_its_field() {
        let none: Vec<String> = vec![];
        let field = |f: &dyn Fn(&mut ContentInput)| {
            let mut i = input(&none);
            f(&mut i);
            check_content(&i).unwrap_err().field().map(str::to_string)
        };
        assert_eq!(field(&|i| i.title = " ").as_deref(), Some("title"));
        assert_eq!(field(&|i| i.kind = "blog").as_deref(), Some("kind"));
        assert_eq!(field(&|i| i.audience = "all").as_deref(), Some("audience"));
        assert_eq!(
            field(&|i| i.category_id = None).as_deref(),
            Some("category")
        );
        assert_eq!(field(&|i| i.body = "  \n").as_deref(), Some("body"));
        let long = "x".repeat(SUMMARY_MAX + 1);
        let mut i = input(&none);
        i.summary = &long;
        assert_eq!(check_content(&i).unwrap_err().field(), Some("summary"));
        let bad_tags = vec!["no spaces/allowed!".to_string()];
        assert_eq!(
            check_content(&input(&bad_tags)).unwrap_err().field(),
            Some("tags")
        );
    }
}
