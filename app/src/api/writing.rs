//! Writing articles: the writers' list, the editor, previews, history with
//! diffs and restore, and the search insights that say what to write next.
//! Trainers and admins only (`Gate::Writer`, `Action::WriteArticles`).

// A server function takes the fields of its form one by one (that is what a
// plain HTML form posts), so the editor's fields make a long argument list.
#![allow(clippy::too_many_arguments)]

use crate::domain::{AppError, ArticleKind, ArticleState, Audience, SafeHtml, TocEntry};
use leptos::prelude::*;
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

/// The writers' list. `state` is one of `STATE_FILTERS` or empty, `kind` an
/// article kind or empty, `q` words of the title.
#[server(endpoint = "writer_articles")]
pub async fn writer_articles(
    #[server(default)] state: String,
    #[server(default)] kind: String,
    #[server(default)] q: String,
    #[server(default)] page: i64,
) -> Result<WriterList, AppError> {
    use crate::server::{auth, writing, AppState};
    let app = expect_context::<AppState>();
    let filter = writing::ListFilter {
        state: &state,
        kind: &kind,
        title: &q,
        page: page.max(1),
    };
    writing::list(&app.pool, &auth::require_actor()?, filter).await
}

/// The editor's data; no `id` for a new article.
#[server(endpoint = "article_editor")]
pub async fn article_editor(#[server(default)] id: Option<i64>) -> Result<EditorData, AppError> {
    use crate::server::{auth, writing, AppState};
    let state = expect_context::<AppState>();
    writing::editor(&state.pool, &auth::require_actor()?, id).await
}

/// Save the editor's form: a new revision when anything changed, then
/// `intent` "review" submits it for review and "publish" publishes it
/// ("draft" or empty only saves). `id` is empty for a new article;
/// `based_on` is the revision the form was loaded from.
#[server(endpoint = "save_article")]
pub async fn save_article(
    #[server(default)] id: String,
    #[server(default)] based_on: String,
    #[server(default)] kind: String,
    #[server(default)] title: String,
    #[server(default)] summary: String,
    #[server(default)] category: String,
    #[server(default)] tags: String,
    #[server(default)] audience: String,
    #[server(default)] body: String,
    #[server(default)] note: String,
    #[server(default)] intent: String,
) -> Result<WritingOutcome, AppError> {
    use crate::server::{auth, forms, writing, AppState};
    use leptos::server_fn::ServerFn;
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    let form = writing::ArticleForm {
        id: &id,
        based_on: &based_on,
        kind: &kind,
        title: &title,
        summary: &summary,
        category: &category,
        tags: &tags,
        audience: &audience,
        body: &body,
        note: &note,
        intent: &intent,
    };
    match writing::save(&state.pool, &actor, &form).await {
        Ok(outcome) => {
            leptos_axum::redirect(&writing::after(&outcome));
            Ok(outcome)
        }
        Err(e) => {
            // Without JavaScript: back to the form, with everything typed.
            let page = match id.trim().parse::<i64>() {
                Ok(id) => format!("/write/{id}"),
                Err(_) => "/write/new".to_string(),
            };
            forms::back_to_form(&page, &form.kept(), SaveArticle::PATH, &e);
            Err(e)
        }
    }
}

/// Archive an article ("archived") or take it out of the archive ("draft").
#[server(endpoint = "change_article_state")]
pub async fn change_article_state(
    #[server(default)] id: i64,
    #[server(default)] based_on: i64,
    #[server(default)] to: String,
) -> Result<WritingOutcome, AppError> {
    use crate::server::{auth, writing, AppState};
    let state = expect_context::<AppState>();
    let outcome =
        writing::change_state(&state.pool, &auth::require_actor()?, id, based_on, &to).await?;
    leptos_axum::redirect(&writing::after(&outcome));
    Ok(outcome)
}

/// Make an old revision the latest again (as a new revision; not published).
#[server(endpoint = "restore_revision")]
pub async fn restore_revision(
    #[server(default)] id: i64,
    #[server(default)] number: i32,
    #[server(default)] based_on: i64,
) -> Result<WritingOutcome, AppError> {
    use crate::server::{auth, writing, AppState};
    let state = expect_context::<AppState>();
    let outcome =
        writing::restore(&state.pool, &auth::require_actor()?, id, number, based_on).await?;
    leptos_axum::redirect(&writing::after(&outcome));
    Ok(outcome)
}

/// The editor's live preview: the body rendered as the article page will show it.
#[server(endpoint = "preview_article")]
pub async fn preview_article(#[server(default)] body: String) -> Result<ArticlePreview, AppError> {
    use crate::server::{auth, writing};
    writing::preview(&auth::require_actor()?, &body)
}

/// The latest revision of an article, rendered as readers would see it.
#[server(endpoint = "draft_preview")]
pub async fn draft_preview(#[server(default)] id: i64) -> Result<DraftView, AppError> {
    use crate::server::{auth, writing, AppState};
    let state = expect_context::<AppState>();
    writing::draft_preview(&state.pool, &auth::require_actor()?, id).await
}

/// An article's revisions, and the difference between revisions `from` and
/// `to` (by number; the latest and the one before it when not given).
#[server(endpoint = "article_history")]
pub async fn article_history(
    #[server(default)] id: i64,
    #[server(default)] from: Option<i32>,
    #[server(default)] to: Option<i32>,
) -> Result<History, AppError> {
    use crate::server::{auth, writing, AppState};
    let state = expect_context::<AppState>();
    writing::history(&state.pool, &auth::require_actor()?, id, from, to).await
}

/// What readers searched for and how articles fared, for the last 30 days.
#[server(endpoint = "writing_insights")]
pub async fn writing_insights() -> Result<Insights, AppError> {
    use crate::server::{auth, writing, AppState};
    let state = expect_context::<AppState>();
    writing::insights::report(&state.pool, &auth::require_actor()?).await
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
