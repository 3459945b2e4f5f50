//! An article as the index sees it, and how it becomes a tantivy document.

use super::plain_text::markdown_to_text;
use super::schema::{Fields, Visibility, EVERYONE};
use rapport_types::{ArticleKind, Audience};
use tantivy::TantivyDocument;

/// A live article (published, not archived): the published revision's
/// content, with where it sits and who may read it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    pub article_id: i64,
    pub slug: String,
    pub kind: ArticleKind,
    pub title: String,
    pub summary: String,
    /// Markdown, as written; the engine indexes its plain text.
    pub body_markdown: String,
    pub tags: Vec<String>,
    /// The article's own category.
    pub category_slug: String,
    /// Slugs from the top-level category down to `category_slug`.
    pub category_path: Vec<String>,
    pub audience: Audience,
    /// The one organization the article is meant for; `None`: everyone its
    /// audience allows.
    pub organization_id: Option<i64>,
    /// Unix seconds.
    pub updated_at: i64,
}

impl SearchDoc {
    pub(super) fn to_tantivy(&self, fields: &Fields) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        let body = markdown_to_text(&self.body_markdown);
        doc.add_i64(fields.article_id, self.article_id);
        doc.add_text(fields.slug, &self.slug);
        doc.add_text(fields.kind, self.kind.as_str());
        doc.add_text(fields.title, &self.title);
        doc.add_text(fields.summary, &self.summary);
        for tag in &self.tags {
            doc.add_text(fields.tags, tag);
            doc.add_text(fields.stems, tag);
        }
        doc.add_text(fields.stems, &self.title);
        doc.add_text(fields.stems, &self.summary);
        doc.add_text(fields.stems, &body);
        doc.add_text(fields.body, body);
        let path = self.path();
        doc.add_text(fields.facet_key, super::facets::key(self.kind, &path));
        for slug in &path {
            doc.add_text(fields.category_slugs, slug);
        }
        doc.add_text(fields.category_slug, &self.category_slug);
        doc.add_text(fields.audience, self.audience.as_str());
        doc.add_i64(
            fields.organization,
            self.organization_id.unwrap_or(EVERYONE),
        );
        doc.add_bool(fields.published, true);
        let organization = self.organization_id.unwrap_or(EVERYONE);
        doc.add_u64(
            fields.visibility,
            Visibility::new(self.audience, true, organization).0,
        );
        doc.add_i64(fields.updated_at, self.updated_at);
        doc
    }

    /// The category path, ending with the article's own category even when
    /// the path given does not.
    fn path(&self) -> Vec<&str> {
        let mut path: Vec<&str> = self
            .category_path
            .iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        if path.last() != Some(&self.category_slug.as_str()) && !self.category_slug.is_empty() {
            path.push(&self.category_slug);
        }
        path
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A public article for everyone in `getting-started/<category>`.
    pub fn doc(id: i64, title: &str, body: &str) -> SearchDoc {
        SearchDoc {
            article_id: id,
            slug: format!("article-{id}"),
            kind: ArticleKind::Knowledge,
            title: title.to_string(),
            summary: String::new(),
            body_markdown: body.to_string(),
            tags: Vec::new(),
            category_slug: "cases".to_string(),
            category_path: vec!["getting-started".to_string(), "cases".to_string()],
            audience: Audience::Public,
            organization_id: None,
            updated_at: 1_700_000_000,
        }
    }

    #[test]
    fn the_path_ends_with_the_own_category() {
        let mut d = doc(1, "t", "b");
        assert_eq!(d.path(), vec!["getting-started", "cases"]);
        d.category_path = vec!["getting-started".into()];
        assert_eq!(d.path(), vec!["getting-started", "cases"]);
        d.category_path = vec![];
        assert_eq!(d.path(), vec!["cases"]);
    }
}
