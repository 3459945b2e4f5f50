//! Knowledge-base vocabulary: kinds, audiences, workflow states and slugs.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What an article is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleKind {
    Knowledge,
    Training,
    /// A workshop: its description is the article; it has sessions to register for.
    Workshop,
}

impl ArticleKind {
    pub const ALL: [ArticleKind; 3] = [
        ArticleKind::Knowledge,
        ArticleKind::Training,
        ArticleKind::Workshop,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleKind::Knowledge => "knowledge",
            ArticleKind::Training => "training",
            ArticleKind::Workshop => "workshop",
        }
    }

    pub fn parse(value: &str) -> Option<ArticleKind> {
        ArticleKind::ALL
            .into_iter()
            .find(|k| k.as_str() == value.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ArticleKind::Knowledge => "Knowledge article",
            ArticleKind::Training => "Training material",
            ArticleKind::Workshop => "Workshop",
        }
    }
}

/// Who may read an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Everyone, signed in or not.
    Public,
    /// Signed-in customers (and the company's staff).
    Customers,
    /// The company's staff only.
    Internal,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Public, Audience::Customers, Audience::Internal];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Customers => "customers",
            Audience::Internal => "internal",
        }
    }

    pub fn parse(value: &str) -> Option<Audience> {
        Audience::ALL
            .into_iter()
            .find(|a| a.as_str() == value.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Audience::Public => "Everyone",
            Audience::Customers => "Signed-in customers",
            Audience::Internal => "Staff only",
        }
    }
}

/// Where an article's newest revision stands in the writing workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleState {
    Draft,
    InReview,
    Published,
    Archived,
}

impl ArticleState {
    pub const ALL: [ArticleState; 4] = [
        ArticleState::Draft,
        ArticleState::InReview,
        ArticleState::Published,
        ArticleState::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleState::Draft => "draft",
            ArticleState::InReview => "in_review",
            ArticleState::Published => "published",
            ArticleState::Archived => "archived",
        }
    }

    pub fn parse(value: &str) -> Option<ArticleState> {
        ArticleState::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ArticleState::Draft => "Draft",
            ArticleState::InReview => "In review",
            ArticleState::Published => "Published",
            ArticleState::Archived => "Archived",
        }
    }
}

/// An article's address: lower-case letters and digits in words joined by
/// single dashes, at most 80 characters (`reset-your-password`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    pub const MAX_LEN: usize = 80;

    pub fn parse(value: &str) -> Option<Slug> {
        let value = value.trim();
        let valid = !value.is_empty()
            && value.len() <= Slug::MAX_LEN
            && value.split('-').all(|word| {
                !word.is_empty()
                    && word
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            });
        valid.then(|| Slug(value.to_string()))
    }

    /// A slug made from a title: "Reset your password!" becomes
    /// `reset-your-password`. Letters outside a-z are dropped after folding
    /// the common accented ones; None when nothing is left.
    pub fn from_title(title: &str) -> Option<Slug> {
        let mut slug = String::new();
        for c in title.to_lowercase().chars() {
            let c = match c {
                'à' | 'á' | 'â' | 'ä' | 'å' | 'ã' => 'a',
                'ç' => 'c',
                'è' | 'é' | 'ê' | 'ë' => 'e',
                'ì' | 'í' | 'î' | 'ï' => 'i',
                'ñ' => 'n',
                'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
                'ù' | 'ú' | 'û' | 'ü' => 'u',
                other => other,
            };
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let mut slug = slug.trim_end_matches('-').to_string();
        if slug.len() > Slug::MAX_LEN {
            slug.truncate(Slug::MAX_LEN);
            slug = slug.trim_end_matches('-').to_string();
        }
        Slug::parse(&slug)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One heading in an article's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    /// 2 or 3 (`##` and `###`).
    pub level: u8,
    /// The heading's anchor, without `#`.
    pub anchor: String,
    pub text: String,
}

/// Which published articles a reader may see. Every place that shows
/// articles (pages, lists, search results, counts, facets) filters by this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleScope {
    /// The audiences the reader belongs to.
    pub audiences: Vec<Audience>,
    /// Articles meant for one organization are shown to that organization's
    /// members (and to staff); `None` for a visitor.
    pub organization_id: Option<i64>,
    /// Staff see articles meant for any organization.
    pub staff: bool,
}

impl ArticleScope {
    pub fn may_read(&self, audience: Audience, organization_id: Option<i64>) -> bool {
        self.audiences.contains(&audience)
            && (self.staff || organization_id.is_none() || organization_id == self.organization_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_audiences_and_states_round_trip() {
        for kind in ArticleKind::ALL {
            assert_eq!(ArticleKind::parse(kind.as_str()), Some(kind));
        }
        for audience in Audience::ALL {
            assert_eq!(Audience::parse(audience.as_str()), Some(audience));
        }
        for state in ArticleState::ALL {
            assert_eq!(ArticleState::parse(state.as_str()), Some(state));
        }
        assert_eq!(Audience::parse("everyone"), None);
        assert_eq!(ArticleKind::parse(""), None);
    }

    #[test]
    fn slugs_are_plain_dashed_words() {
        assert!(Slug::parse("reset-your-password").is_some());
        assert!(Slug::parse("sla-2").is_some());
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "A-b",
            "a b",
            "a/b",
            "../x",
            &"a".repeat(81),
        ] {
            assert_eq!(Slug::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn slugs_come_from_titles() {
        let slug = |t: &str| Slug::from_title(t).map(|s| s.to_string());
        assert_eq!(
            slug("Reset your password!").as_deref(),
            Some("reset-your-password")
        );
        assert_eq!(
            slug("  Café — déjà vu 2  ").as_deref(),
            Some("cafe-deja-vu-2")
        );
        assert_eq!(slug("!!!"), None);
        let long = slug(&"word ".repeat(40)).unwrap();
        assert!(long.len() <= Slug::MAX_LEN && !long.ends_with('-'));
    }
}
