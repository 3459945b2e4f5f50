use crate::{ArticleKind, ArticleState, Audience, SafeHtml, TocEntry};
use serde::{Deserialize, Serialize};

pub const ARTICLES_PER_PAGE: i64 = 25;

/// Where an article stands, in the words of the writers' list: the workflow
/// state of its newest revision, and whether readers see an older one meanwhile.
pub fn state_label(state: ArticleState, live: bool) -> &'static str {
    match (state, live) {
        (ArticleState::Archived, _) => "Archived",
        (ArticleState::Published, _) => "Published",
        (ArticleState::Draft, true) => "Published · changes in draft",
        (ArticleState::InReview, true) => "Published · changes in review",
        (ArticleState::InReview, false) => "In review",
        (ArticleState::Draft, false) => "Draft",
    }
}

/// The state filter of the writers' list: (value in the address, label).
pub const STATE_FILTERS: [(&str, &str); 5] = [
    ("live", "Published (readers see it)"),
    ("changes", "Published with changes not yet published"),
    ("in_review", "In review"),
    ("draft", "Draft"),
    ("archived", "Archived"),
];

/// One article in the writers' list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WriterRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub kind: ArticleKind,
    pub category: String,
    pub audience: Audience,
    pub state: ArticleState,
    /// Readers see a published revision of it.
    pub live: bool,
    /// When its newest revision was saved, and by whom.
    pub saved: String,
    pub saved_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WriterList {
    pub rows: Vec<WriterRow>,
    /// How many articles match the filters.
    pub total: i64,
    pub page: i64,
}

/// An article's address and where it stands, as the writing pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleHead {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub state: ArticleState,
    /// Readers see a published revision of it.
    pub live: bool,
    /// The revision the editor's form is based on.
    pub latest_revision_id: i64,
    pub latest_number: i32,
    /// The revision readers see, when there is one.
    pub published_number: Option<i32>,
    pub saved: String,
    pub saved_by: String,
}

impl ArticleHead {
    pub fn state_label(&self) -> &'static str {
        state_label(self.state, self.live)
    }
}

/// The fields of the editor's form, as text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EditorContent {
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    /// Comma separated.
    pub tags: String,
    pub audience: String,
    pub body: String,
}

/// Markdown rendered exactly as the published article page renders it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticlePreview {
    pub html: SafeHtml,
    pub toc: Vec<TocEntry>,
}

/// What the editor needs: the article (none for a new one), its latest
/// content, the categories to choose from, and the saved text rendered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorData {
    pub article: Option<ArticleHead>,
    pub content: EditorContent,
    /// (id, "Parent › Child"), in tree order.
    pub categories: Vec<(i64, String)>,
    pub preview: ArticlePreview,
}

/// What a writing action did; carried in the address after it (`?done=`),
/// so the page says so with or without JavaScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Done {
    Created,
    Saved,
    Unchanged,
    Submitted,
    Published,
    Archived,
    Unarchived,
    Restored,
}

impl Done {
    pub const ALL: [Done; 8] = [
        Done::Created,
        Done::Saved,
        Done::Unchanged,
        Done::Submitted,
        Done::Published,
        Done::Archived,
        Done::Unarchived,
        Done::Restored,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Done::Created => "created",
            Done::Saved => "saved",
            Done::Unchanged => "unchanged",
            Done::Submitted => "submitted",
            Done::Published => "published",
            Done::Archived => "archived",
            Done::Unarchived => "unarchived",
            Done::Restored => "restored",
        }
    }

    pub fn parse(value: &str) -> Option<Done> {
        Done::ALL.into_iter().find(|d| d.as_str() == value)
    }

    /// What to tell the writer, about the article as it is now.
    pub fn message(self, head: &ArticleHead) -> String {
        let n = head.latest_number;
        match self {
            Done::Created => {
                format!("Draft saved (revision {n}). Readers do not see it until you publish it.")
            }
            Done::Saved | Done::Restored if head.state == ArticleState::Archived => {
                format!("Saved as revision {n}. The article stays archived until you unarchive it.")
            }
            Done::Saved => match head.published_number {
                Some(p) => format!(
                    "Draft saved (revision {n}). Readers still see revision {p} until you publish."
                ),
                None => format!("Draft saved (revision {n})."),
            },
            Done::Unchanged => {
                format!("Nothing changed since revision {n}, so no new revision was saved.")
            }
            Done::Submitted => format!("Revision {n} is submitted for review."),
            Done::Published => format!("Published: readers now see revision {n}."),
            Done::Archived => {
                "Archived: readers and search no longer show this article.".to_string()
            }
            Done::Unarchived => {
                "Unarchived: it is a draft again. Readers see it once you publish it.".to_string()
            }
            Done::Restored => {
                format!("Restored as revision {n}, a draft. Publish it when readers should see it.")
            }
        }
    }
}

/// The result of a save or a state change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WritingOutcome {
    pub id: i64,
    pub done: Done,
    /// The article's latest revision after the action.
    pub revision_number: i32,
}

/// The latest revision of an article, rendered as readers would see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftView {
    pub head: ArticleHead,
    pub kind: ArticleKind,
    pub summary: String,
    pub category: String,
    pub audience: Audience,
    pub tags: Vec<String>,
    pub rendered: ArticlePreview,
}

/// One revision in an article's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisionLine {
    pub number: i32,
    pub saved: String,
    pub saved_by: String,
    pub note: String,
    pub title: String,
}

/// How a line of a diff changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineChange {
    Same,
    Added,
    Removed,
}

impl LineChange {
    /// The marker in front of the line: the change is never told by colour alone.
    pub fn marker(self) -> &'static str {
        match self {
            LineChange::Same => " ",
            LineChange::Added => "+",
            LineChange::Removed => "\u{2212}",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
}

/// A run of changed lines with a little unchanged text around them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffHunk {
    /// Where it is, in words ("Lines 3–9 of revision 2, 3–10 of revision 4").
    pub header: String,
    pub lines: Vec<DiffLine>,
}

/// Two revisions compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub from: i32,
    pub to: i32,
    /// Empty when the two revisions say the same.
    pub hunks: Vec<DiffHunk>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub head: ArticleHead,
    /// Newest first.
    pub revisions: Vec<RevisionLine>,
    /// More revisions exist than are listed.
    pub more: bool,
    pub comparison: Option<Comparison>,
}

/// A search as the insights count it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchFigure {
    /// Lower-cased, spaces collapsed.
    pub query: String,
    pub searches: i64,
    /// Average number of results, one decimal.
    pub average_hits: String,
    pub last: String,
}

/// An article's votes in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HelpfulFigure {
    pub id: i64,
    pub title: String,
    pub yes: i64,
    pub no: i64,
    /// Share of "yes", as a whole percentage.
    pub helpful_percent: i64,
}

/// How often an article solved a problem before a case was filed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeflectionFigure {
    pub id: i64,
    pub title: String,
    pub deflections: i64,
    pub last: String,
}

/// The trainers' list of what to write next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insights {
    pub days: i32,
    pub top_searches: Vec<SearchFigure>,
    pub no_results: Vec<SearchFigure>,
    pub led_to_cases: Vec<SearchFigure>,
    pub least_helpful: Vec<HelpfulFigure>,
    pub deflections: Vec<DeflectionFigure>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_as_the_list_shows_them() {
        assert_eq!(state_label(ArticleState::Draft, false), "Draft");
        assert_eq!(
            state_label(ArticleState::Draft, true),
            "Published · changes in draft"
        );
        assert_eq!(state_label(ArticleState::InReview, false), "In review");
        assert_eq!(state_label(ArticleState::Published, true), "Published");
        assert_eq!(state_label(ArticleState::Archived, true), "Archived");
    }

    #[test]
    fn outcomes_round_trip_through_the_address() {
        for done in Done::ALL {
            assert_eq!(Done::parse(done.as_str()), Some(done));
        }
        assert_eq!(Done::parse("deleted"), None);
    }
}
