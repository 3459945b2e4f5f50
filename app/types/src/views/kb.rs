use super::workshops::SessionView;
use crate::{ArticleKind, SafeHtml, TocEntry};
use serde::{Deserialize, Serialize};

/// A category with the number of articles the reader may see in it (and in
/// its sub-categories).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryLink {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub article_count: i64,
    pub children: Vec<CategoryLink>,
}

/// One article in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: ArticleKind,
    pub category: String,
    /// When it was last published, in words.
    pub updated: String,
}

/// A link in the breadcrumbs: (category slug, name).
pub type Crumb = (String, String);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KbHomeData {
    pub categories: Vec<CategoryLink>,
    pub popular: Vec<ArticleSummary>,
    /// Shown to trainers and admins: a link to write an article.
    pub can_write: bool,
}

/// The site's front page: the knowledge base's categories and popular
/// articles, and the next workshop sessions, all as the reader may see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontPageData {
    pub kb: KbHomeData,
    pub workshops: Vec<SessionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KbCategoryData {
    pub crumbs: Vec<Crumb>,
    pub category: CategoryLink,
    pub articles: Vec<ArticleSummary>,
}

/// An article page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleView {
    pub id: i64,
    pub revision_id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: ArticleKind,
    /// Set for articles that not everyone may read ("Signed-in customers", "Staff only").
    pub audience_note: Option<String>,
    pub crumbs: Vec<Crumb>,
    pub html: SafeHtml,
    /// Headings of a long article (empty for short ones).
    pub toc: Vec<TocEntry>,
    pub tags: Vec<String>,
    pub updated: String,
    pub helpful_yes: i64,
    pub helpful_no: i64,
    pub signed_in: bool,
    pub voted: bool,
    pub related: Vec<ArticleSummary>,
    /// Trainers and admins get a link to edit it.
    pub edit_id: Option<i64>,
    /// The reader may open a case ("Still stuck? Open a case"): customers.
    pub can_open_case: bool,
}
