//! Writing articles: the rules behind the writers' pages, one file per use
//! case (list, editor, save, state, history); here what they share.
//!
//! Every save appends a revision (`db::articles::add_revision`) and every
//! state change goes through `db::articles::set_state`, which tells the search
//! index. Each action is one transaction that first locks the article and
//! checks that the form was based on its latest revision, so a save made
//! against an older revision is refused instead of silently replacing
//! someone else's work, and a refused action leaves nothing half-done.

pub mod diff;
pub mod insights;

use super::articles::{check_content, ContentInput, BODY_MAX};
use super::db::article_admin::{self as admin, LatestRow, ListQuery, StateFilter};
use super::db::articles::{self as db_articles, CategoryRow, RevisionContent};
use super::markdown;
use super::policy::{self, Action, Actor};
use crate::time_zones::ReaderZone;
use crate::Error;
use rapport_types::views::writing::{
    ArticleHead, ArticlePreview, Comparison, Done, DraftView, EditorContent, EditorData, History,
    RevisionLine, WriterList, WriterRow, WritingOutcome, ARTICLES_PER_PAGE,
};
use rapport_types::{ArticleKind, ArticleState, Audience, Slug};
use sqlx::{PgConnection, PgPool};

mod editor;
mod history;
mod list;
mod save;
mod state;

pub use editor::{draft_preview, editor, preview};
pub use history::history;
pub use list::{list, ListFilter};
pub use save::{save, ArticleForm, ArticleSave};
pub use state::{change_state, restore};

/// The longest "what changed" note, in characters.
pub const NOTE_MAX: usize = 300;

/// The most revisions the history page lists.
const HISTORY_ROWS: i64 = 200;

/// The longest title search, in characters.
const SEARCH_MAX: usize = 200;

fn authorize(actor: &Actor) -> Result<(), Error> {
    policy::authorize(Some(actor), &Action::WriteArticles)?;
    Ok(())
}

/// Who saved a revision that has no author: only `rapport import-content`
/// saves without one.
const IMPORTER: &str = "the content import";

/// A value read back from the database that should always parse.
fn stored<T>(parsed: Option<T>, what: &str, value: &str) -> Result<T, Error> {
    parsed
        .ok_or_else(|| Error::internal(format!("unknown article {what} {value:?} in the database")))
}

/// Record what an action did to article `id` in the change sequence, as the
/// last statement of its transaction: publishing is "article.published",
/// archiving "article.deleted" (readers no longer see it), any other change
/// "article.updated". The change belongs to the article's organization when
/// it is meant for one; an internal article's changes are for staff only.
async fn record_change(conn: &mut PgConnection, id: i64, done: Done) -> Result<(), Error> {
    use crate::changes::{self, event};
    let (event, deleted) = match done {
        Done::Unchanged => return Ok(()),
        Done::Published => (event::ARTICLE_PUBLISHED, false),
        Done::Archived => (event::ARTICLE_DELETED, true),
        Done::Created | Done::Saved | Done::Submitted | Done::Unarchived | Done::Restored => {
            (event::ARTICLE_UPDATED, false)
        }
    };
    let (organization_id, slug, state, audience): (Option<i64>, String, String, String) =
        sqlx::query_as(
            "SELECT a.organization_id, a.slug, a.state, r.audience
             FROM articles a JOIN article_revisions r ON r.id = a.latest_revision_id
             WHERE a.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    changes::record(
        conn,
        &[crate::db::changes::NewChange {
            event,
            entity: "article",
            entity_id: id,
            deleted,
            organization_id,
            staff_only: audience == Audience::Internal.as_str(),
            case_id: None,
            data: serde_json::json!({ "slug": slug, "state": state }),
        }],
    )
    .await
}

/// Where the page goes after an action: the editor, saying what was done.
pub fn after(outcome: &WritingOutcome) -> String {
    format!("/write/{}?done={}", outcome.id, outcome.done.as_str())
}

// ---------------------------------------------------------------------------
// The writers' list

/// The categories as choices, each parent followed by its children, named
/// "Parent › Child" so the tree reads in a flat drop-down.
pub fn category_choices(categories: &[CategoryRow]) -> Vec<(i64, String)> {
    fn add(
        categories: &[CategoryRow],
        parent: Option<i64>,
        prefix: &str,
        depth: usize,
        out: &mut Vec<(i64, String)>,
    ) {
        // The tree is shallow; a loop in the data must not hang the page.
        if depth > 5 {
            return;
        }
        for c in categories.iter().filter(|c| c.parent_id == parent) {
            let name = format!("{prefix}{}", c.name);
            out.push((c.id, name.clone()));
            add(
                categories,
                Some(c.id),
                &format!("{name} \u{203a} "),
                depth + 1,
                out,
            );
        }
    }
    let mut out = Vec::with_capacity(categories.len());
    add(categories, None, "", 0, &mut out);
    // A category whose parent is missing is still offered.
    for c in categories {
        if !out.iter().any(|(id, _)| *id == c.id) {
            out.push((c.id, c.name.clone()));
        }
    }
    out
}

fn category_name(choices: &[(i64, String)], id: i64) -> String {
    choices
        .iter()
        .find(|(c, _)| *c == id)
        .map(|(_, name)| name.clone())
        .unwrap_or_else(|| format!("category {id}"))
}

fn head_of(zone: &ReaderZone, row: &LatestRow) -> Result<ArticleHead, Error> {
    let state = stored(ArticleState::parse(&row.state), "state", &row.state)?;
    Ok(ArticleHead {
        id: row.id,
        slug: row.slug.clone(),
        title: row.title.clone(),
        state,
        live: row.published_number.is_some() && state != ArticleState::Archived,
        latest_revision_id: row.latest_revision_id,
        latest_number: row.latest_number,
        published_number: row.published_number,
        saved: zone.date_time(row.saved_at),
        saved_by: row.saved_by.clone().unwrap_or_else(|| IMPORTER.into()),
    })
}

fn rendered(body: &str) -> ArticlePreview {
    let article = markdown::render_article(body);
    ArticlePreview {
        html: article.html,
        toc: article.toc,
    }
}

/// What the writer asked for besides saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    Draft,
    Review,
    Publish,
}

impl Intent {
    fn parse(value: &str) -> Result<Intent, Error> {
        match value.trim() {
            "" | "draft" => Ok(Intent::Draft),
            "review" => Ok(Intent::Review),
            "publish" => Ok(Intent::Publish),
            other => Err(Error::BadRequest(format!(
                "unknown button {other:?}; reload the page"
            ))),
        }
    }
}

/// A slug that is not in `taken`: `base` itself, or `base-2`, `base-3` …
/// (shortening `base` when the number would make it too long).
pub fn unique_slug(base: &Slug, taken: &[String]) -> Slug {
    let free = |candidate: &str| !taken.iter().any(|t| t == candidate);
    if free(base.as_str()) {
        return base.clone();
    }
    (2u32..)
        .find_map(|n| {
            let suffix = format!("-{n}");
            // Slugs are ASCII, so cutting at a byte count is cutting at a character.
            let keep = base.as_str().len().min(Slug::MAX_LEN - suffix.len());
            let stem = base.as_str()[..keep].trim_end_matches('-');
            let candidate = format!("{stem}{suffix}");
            free(&candidate).then(|| Slug::parse(&candidate)).flatten()
        })
        .unwrap_or_else(|| base.clone())
}

/// The part of a slug every candidate of `unique_slug` starts with.
fn slug_prefix(base: &Slug) -> &str {
    let keep = base.as_str().len().min(Slug::MAX_LEN - 10);
    &base.as_str()[..keep]
}

/// True when `content` says exactly what the latest revision says.
fn same_content(row: &LatestRow, content: &RevisionContent) -> bool {
    row.kind == content.kind.as_str()
        && row.title == content.title
        && row.summary == content.summary
        && row.body == content.body
        && row.category_id == content.category_id
        && row.tags == content.tags
        && row.audience == content.audience.as_str()
}

/// The message when someone saved the article after the form was loaded.
fn stale(zone: &ReaderZone, row: &LatestRow) -> Error {
    let who = row.saved_by.as_deref().unwrap_or("The content import");
    let note = if row.note.trim().is_empty() {
        String::new()
    } else {
        format!(" with the note \u{201c}{}\u{201d}", row.note.trim())
    };
    Error::Conflict(format!(
        "{who} saved revision {} of this article at {}{note}, after you opened it. \
         Nothing of yours was saved, and what you typed is still in the form. \
         Open the history in a new tab to see their changes, copy your text, \
         then reload this page and save again.",
        row.latest_number,
        zone.date_time(row.saved_at),
    ))
}

#[cfg(test)]
mod tests {
    use super::history::pick_pair;
    use super::*;

    fn slug(s: &str) -> Slug {
        Slug::parse(s).unwrap()
    }

    #[test]
    fn a_taken_slug_gets_the_next_free_number() {
        let base = slug("reset-your-password");
        assert_eq!(unique_slug(&base, &[]), base);
        let taken = vec!["reset-your-password-2".to_string()];
        assert_eq!(
            unique_slug(&base, &taken),
            base,
            "only the slug itself counts"
        );
        let taken = vec![
            "reset-your-password".to_string(),
            "reset-your-password-2".to_string(),
            "reset-your-password-4".to_string(),
        ];
        assert_eq!(unique_slug(&base, &taken), slug("reset-your-password-3"));
    }

    #[test]
    fn a_long_slug_is_shortened_to_fit_its_number() {
        let long = slug(&format!("{}-ab", "a".repeat(Slug::MAX_LEN - 3)));
        assert_eq!(long.as_str().len(), Slug::MAX_LEN);
        let next = unique_slug(&long, &[long.to_string()]);
        assert!(next.as_str().len() <= Slug::MAX_LEN, "{next}");
        assert!(next.as_str().ends_with("-2"), "{next}");
        assert!(next.as_str().starts_with(slug_prefix(&long)));
        // Cut at a dash: no double dash.
        let dashed = slug(&format!("{}-b", "a".repeat(Slug::MAX_LEN - 2)));
        let next = unique_slug(&dashed, &[dashed.to_string()]);
        assert_eq!(
            next.as_str(),
            format!("{}-2", "a".repeat(Slug::MAX_LEN - 2))
        );
    }

    #[test]
    fn the_category_tree_reads_flat() {
        let category = |id, parent_id, name: &str| CategoryRow {
            id,
            parent_id,
            slug: name.to_lowercase(),
            name: name.to_string(),
            description: String::new(),
        };
        let rows = vec![
            category(1, None, "Using"),
            category(2, Some(1), "Cases"),
            category(3, None, "Agents"),
            category(4, Some(99), "Lost"),
        ];
        let names: Vec<String> = category_choices(&rows)
            .into_iter()
            .map(|(_, n)| n)
            .collect();
        assert_eq!(
            names,
            vec!["Using", "Using \u{203a} Cases", "Agents", "Lost"]
        );
    }

    #[test]
    fn the_diff_compares_the_latest_with_the_one_before_unless_told() {
        assert_eq!(pick_pair(1, None, None), None);
        assert_eq!(pick_pair(5, None, None), Some((4, 5)));
        assert_eq!(pick_pair(5, Some(1), None), Some((1, 5)));
        assert_eq!(pick_pair(5, None, Some(3)), Some((2, 3)));
        assert_eq!(pick_pair(5, Some(0), Some(9)), Some((1, 5)));
    }

    #[test]
    fn intents_are_the_editor_buttons() {
        assert!(matches!(Intent::parse(""), Ok(Intent::Draft)));
        assert!(matches!(Intent::parse("publish"), Ok(Intent::Publish)));
        assert!(Intent::parse("delete").is_err());
    }
}
