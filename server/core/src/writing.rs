//! Writing articles: the rules behind the writers' pages.
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

/// The longest "what changed" note, in characters.
pub const NOTE_MAX: usize = 300;
/// The most revisions the history page lists.
const HISTORY_ROWS: i64 = 200;
/// The deepest page of the writers' list (bounds the offset).
const LAST_PAGE: i64 = 10_000;
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

/// Where the page goes after an action: the editor, saying what was done.
pub fn after(outcome: &WritingOutcome) -> String {
    format!("/write/{}?done={}", outcome.id, outcome.done.as_str())
}

// ---------------------------------------------------------------------------
// The writers' list

/// The filters of the writers' list, as typed into the address.
pub struct ListFilter<'a> {
    pub state: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub page: i64,
}

pub async fn list(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: &Actor,
    filter: ListFilter<'_>,
) -> Result<WriterList, Error> {
    authorize(actor)?;
    let state = match filter.state.trim() {
        "" => StateFilter::Any,
        "live" => StateFilter::Live,
        "changes" => StateFilter::ChangesPending,
        other => StateFilter::State(
            ArticleState::parse(other)
                .ok_or_else(|| Error::invalid("state", "Choose one of the listed states."))?
                .as_str(),
        ),
    };
    let kind = match filter.kind.trim() {
        "" => None,
        other => Some(
            ArticleKind::parse(other)
                .ok_or_else(|| Error::invalid("kind", "Choose one of the listed kinds."))?
                .as_str(),
        ),
    };
    let title = filter.title.trim();
    if title.chars().count() > SEARCH_MAX {
        return Err(Error::invalid(
            "q",
            format!("Search with fewer words: at most {SEARCH_MAX} characters."),
        ));
    }
    let page = filter.page.clamp(1, LAST_PAGE);
    let rows = admin::list(
        pool,
        &ListQuery {
            state,
            kind,
            title: Some(title).filter(|t| !t.is_empty()),
            limit: ARTICLES_PER_PAGE,
            offset: (page - 1) * ARTICLES_PER_PAGE,
        },
    )
    .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let rows = rows
        .into_iter()
        .map(|row| {
            Ok(WriterRow {
                kind: stored(ArticleKind::parse(&row.kind), "kind", &row.kind)?,
                audience: stored(Audience::parse(&row.audience), "audience", &row.audience)?,
                state: stored(ArticleState::parse(&row.state), "state", &row.state)?,
                id: row.id,
                slug: row.slug,
                title: row.title,
                category: row.category.unwrap_or_default(),
                live: row.live,
                saved: zone.date_time(row.saved_at),
                saved_by: row.saved_by.unwrap_or_else(|| IMPORTER.into()),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(WriterList { rows, total, page })
}

// ---------------------------------------------------------------------------
// The editor

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

/// The editor's data; `None` for a new article.
pub async fn editor(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: &Actor,
    id: Option<i64>,
) -> Result<EditorData, Error> {
    authorize(actor)?;
    let categories = category_choices(&db_articles::categories(pool).await?);
    let Some(id) = id else {
        return Ok(EditorData {
            article: None,
            content: EditorContent {
                kind: ArticleKind::Knowledge.as_str().into(),
                audience: Audience::Public.as_str().into(),
                ..EditorContent::default()
            },
            categories,
            preview: ArticlePreview::default(),
        });
    };
    let row = admin::latest(pool, id).await?.ok_or(Error::NotFound)?;
    Ok(EditorData {
        article: Some(head_of(zone, &row)?),
        preview: rendered(&row.body),
        content: EditorContent {
            kind: row.kind,
            title: row.title,
            summary: row.summary,
            category: row.category_id.to_string(),
            tags: row.tags.join(", "),
            audience: row.audience,
            body: row.body,
        },
        categories,
    })
}

/// The editor's live preview.
pub fn preview(actor: &Actor, body: &str) -> Result<ArticlePreview, Error> {
    authorize(actor)?;
    if body.len() > BODY_MAX {
        return Err(Error::invalid("body", "This text is too long to preview."));
    }
    Ok(rendered(body))
}

// ---------------------------------------------------------------------------
// Saving

/// The editor's form as posted.
pub struct ArticleForm<'a> {
    /// Empty for a new article.
    pub id: &'a str,
    /// The revision the form was loaded from (empty for a new article).
    pub based_on: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub category: &'a str,
    /// Comma separated.
    pub tags: &'a str,
    pub audience: &'a str,
    pub body: &'a str,
    pub note: &'a str,
    /// "draft" (or empty), "review" or "publish".
    pub intent: &'a str,
}

impl ArticleForm<'_> {
    /// What goes back into the form when it is refused without JavaScript.
    pub fn kept(&self) -> Vec<(&str, &str)> {
        vec![
            ("based_on", self.based_on),
            ("kind", self.kind),
            ("title", self.title),
            ("summary", self.summary),
            ("category", self.category),
            ("tags", self.tags),
            ("audience", self.audience),
            ("body", self.body),
            ("note", self.note),
        ]
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

fn check_note(note: &str) -> Result<String, Error> {
    let note = note.trim();
    if note.chars().count() > NOTE_MAX {
        return Err(Error::invalid(
            "note",
            format!("Keep the note under {NOTE_MAX} characters."),
        ));
    }
    Ok(note.to_string())
}

/// Check the form's fields into a revision's content, or an error naming the field.
async fn check_form(
    pool: &PgPool,
    form: &ArticleForm<'_>,
) -> Result<(RevisionContent, String), Error> {
    let tags: Vec<String> = form.tags.split(',').map(str::to_string).collect();
    let content = check_content(&ContentInput {
        kind: form.kind,
        title: form.title,
        summary: form.summary,
        body: form.body,
        category_id: form.category.trim().parse().ok(),
        tags: &tags,
        audience: form.audience,
    })?;
    let note = check_note(form.note)?;
    let categories = db_articles::categories(pool).await?;
    if !categories.iter().any(|c| c.id == content.category_id) {
        return Err(Error::invalid(
            "category",
            "Choose one of the listed categories.",
        ));
    }
    Ok((content, note))
}

/// Save the editor's form, then submit or publish when asked, in one transaction.
pub async fn save(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: &Actor,
    form: &ArticleForm<'_>,
) -> Result<WritingOutcome, Error> {
    authorize(actor)?;
    let intent = Intent::parse(form.intent)?;
    let id = match form.id.trim() {
        "" => None,
        id => Some(id.parse::<i64>().map_err(|_| Error::NotFound)?),
    };
    let (content, note) = check_form(pool, form).await?;
    let mut tx = pool.begin().await?;
    let outcome = match id {
        None => create(&mut tx, actor, &content, &note, intent).await?,
        Some(id) => {
            let based_on = form.based_on.trim().parse::<i64>().map_err(|_| {
                Error::BadRequest(
                    "the form does not say which revision it was based on; reload the page".into(),
                )
            })?;
            update(zone, &mut tx, actor, id, based_on, &content, &note, intent).await?
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

async fn create(
    conn: &mut PgConnection,
    actor: &Actor,
    content: &RevisionContent,
    note: &str,
    intent: Intent,
) -> Result<WritingOutcome, Error> {
    let base = Slug::from_title(&content.title).ok_or_else(|| {
        Error::invalid(
            "title",
            "Use at least one letter or digit in the title: the article's address is made from it.",
        )
    })?;
    let taken = admin::lock_and_list_slugs(conn, slug_prefix(&base)).await?;
    let slug = unique_slug(&base, &taken);
    let (id, _) =
        db_articles::create(conn, slug.as_str(), Some(actor.user_id), content, note).await?;
    let done = apply_intent(conn, actor, id, ArticleState::Draft, intent)
        .await?
        .unwrap_or(Done::Created);
    Ok(WritingOutcome {
        id,
        done,
        revision_number: 1,
    })
}

// The reader's zone is one more argument until a reader context carries it
// with the actor.
#[allow(clippy::too_many_arguments)]
async fn update(
    zone: &ReaderZone,
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    based_on: i64,
    content: &RevisionContent,
    note: &str,
    intent: Intent,
) -> Result<WritingOutcome, Error> {
    let row = admin::latest_for_update(conn, id)
        .await?
        .ok_or(Error::NotFound)?;
    if row.latest_revision_id != based_on {
        return Err(stale(zone, &row));
    }
    let mut state = stored(ArticleState::parse(&row.state), "state", &row.state)?;
    let changed = !same_content(&row, content);
    if changed {
        db_articles::add_revision(conn, id, Some(actor.user_id), content, note).await?;
        // A new revision is a draft again, unless the article is archived.
        if state != ArticleState::Archived {
            state = ArticleState::Draft;
        }
    }
    let done = match apply_intent(conn, actor, id, state, intent).await? {
        Some(done) => done,
        None if changed => Done::Saved,
        None => Done::Unchanged,
    };
    Ok(WritingOutcome {
        id,
        done,
        revision_number: row.latest_number + i32::from(changed),
    })
}

/// Submit or publish the latest revision when asked; `state` is where it
/// stands now. None when there was nothing to do.
async fn apply_intent(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    state: ArticleState,
    intent: Intent,
) -> Result<Option<Done>, Error> {
    let archived = || {
        Error::Conflict(
            "This article is archived: unarchive it first, then submit or publish it.".into(),
        )
    };
    match (intent, state) {
        (Intent::Draft, _) => Ok(None),
        (_, ArticleState::Archived) => Err(archived()),
        (Intent::Review, ArticleState::Draft) => {
            db_articles::set_state(conn, id, ArticleState::InReview, None).await?;
            Ok(Some(Done::Submitted))
        }
        // Already in review, or published as it is: nothing to submit.
        (Intent::Review, _) => Ok(None),
        (Intent::Publish, ArticleState::Draft | ArticleState::InReview) => {
            // The writer who publishes is the reviewer of record.
            db_articles::set_state(conn, id, ArticleState::Published, Some(actor.user_id)).await?;
            Ok(Some(Done::Published))
        }
        (Intent::Publish, ArticleState::Published) => Ok(None),
    }
}

// ---------------------------------------------------------------------------
// Archive, unarchive, restore

/// Archive an article (`to` = "archived") or take it out of the archive
/// (`to` = "draft"): it is then a draft readers do not see until it is
/// published again.
pub async fn change_state(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    based_on: i64,
    to: &str,
) -> Result<WritingOutcome, Error> {
    authorize(actor)?;
    let target = match to.trim() {
        "archived" => ArticleState::Archived,
        "draft" => ArticleState::Draft,
        _ => {
            return Err(Error::BadRequest(
                "an article can be archived or unarchived here; reload the page".into(),
            ))
        }
    };
    let mut tx = pool.begin().await?;
    let row = admin::latest_for_update(&mut tx, id)
        .await?
        .ok_or(Error::NotFound)?;
    if row.latest_revision_id != based_on {
        return Err(stale(zone, &row));
    }
    let state = stored(ArticleState::parse(&row.state), "state", &row.state)?;
    let done = match (state, target) {
        (ArticleState::Archived, ArticleState::Archived) => Done::Unchanged,
        (_, ArticleState::Archived) => {
            db_articles::set_state(&mut tx, id, ArticleState::Archived, None).await?;
            Done::Archived
        }
        (ArticleState::Archived, _) => {
            admin::withdraw_published(&mut tx, id).await?;
            db_articles::set_state(&mut tx, id, ArticleState::Draft, None).await?;
            Done::Unarchived
        }
        _ => Done::Unchanged,
    };
    tx.commit().await?;
    Ok(WritingOutcome {
        id,
        done,
        revision_number: row.latest_number,
    })
}

/// Make revision `number` the latest again, as a new revision noting where it
/// came from. It is not published by this.
pub async fn restore(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    number: i32,
    based_on: i64,
) -> Result<WritingOutcome, Error> {
    authorize(actor)?;
    let mut tx = pool.begin().await?;
    let row = admin::latest_for_update(&mut tx, id)
        .await?
        .ok_or(Error::NotFound)?;
    if row.latest_revision_id != based_on {
        return Err(stale(zone, &row));
    }
    let old = admin::revisions_numbered(&mut *tx, id, &[number])
        .await?
        .pop()
        .ok_or(Error::NotFound)?;
    let content = RevisionContent {
        kind: stored(ArticleKind::parse(&old.kind), "kind", &old.kind)?,
        audience: stored(Audience::parse(&old.audience), "audience", &old.audience)?,
        title: old.title,
        summary: old.summary,
        body: old.body,
        category_id: old.category_id,
        tags: old.tags,
    };
    let done = if same_content(&row, &content) {
        Done::Unchanged
    } else {
        let note = format!("Restored revision {number}");
        db_articles::add_revision(&mut tx, id, Some(actor.user_id), &content, &note).await?;
        Done::Restored
    };
    tx.commit().await?;
    Ok(WritingOutcome {
        id,
        done,
        revision_number: row.latest_number + i32::from(done == Done::Restored),
    })
}

// ---------------------------------------------------------------------------
// Preview and history

/// The latest revision, rendered as the published page renders it.
pub async fn draft_preview(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: &Actor,
    id: i64,
) -> Result<DraftView, Error> {
    authorize(actor)?;
    let row = admin::latest(pool, id).await?.ok_or(Error::NotFound)?;
    let categories = category_choices(&db_articles::categories(pool).await?);
    Ok(DraftView {
        head: head_of(zone, &row)?,
        kind: stored(ArticleKind::parse(&row.kind), "kind", &row.kind)?,
        audience: stored(Audience::parse(&row.audience), "audience", &row.audience)?,
        summary: row.summary.clone(),
        category: category_name(&categories, row.category_id),
        tags: row.tags.clone(),
        rendered: rendered(&row.body),
    })
}

/// Which two revisions to compare: `to` defaults to the latest and `from` to
/// the one before `to`; numbers out of range are brought into it. None when
/// there is only one revision.
fn pick_pair(latest: i32, from: Option<i32>, to: Option<i32>) -> Option<(i32, i32)> {
    if latest < 2 {
        return None;
    }
    let to = to.unwrap_or(latest).clamp(1, latest);
    let from = from.unwrap_or(to - 1).clamp(1, latest);
    Some((from, to))
}

pub async fn history(
    zone: &ReaderZone,
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    from: Option<i32>,
    to: Option<i32>,
) -> Result<History, Error> {
    authorize(actor)?;
    let row = admin::latest(pool, id).await?.ok_or(Error::NotFound)?;
    let head = head_of(zone, &row)?;
    let mut lines = admin::history(pool, id, HISTORY_ROWS + 1).await?;
    let more = lines.len() as i64 > HISTORY_ROWS;
    lines.truncate(HISTORY_ROWS as usize);
    let revisions = lines
        .into_iter()
        .map(|line| RevisionLine {
            number: line.number,
            saved: zone.date_time(line.saved_at),
            saved_by: line.saved_by.unwrap_or_else(|| IMPORTER.into()),
            note: line.note,
            title: line.title,
        })
        .collect();
    let comparison = match pick_pair(head.latest_number, from, to) {
        Some((from, to)) => Some(compare(pool, id, from, to).await?),
        None => None,
    };
    Ok(History {
        head,
        revisions,
        more,
        comparison,
    })
}

async fn compare(pool: &PgPool, id: i64, from: i32, to: i32) -> Result<Comparison, Error> {
    let pair = admin::revisions_numbered(pool, id, &[from, to]).await?;
    let categories = category_choices(&db_articles::categories(pool).await?);
    let text_of = |number: i32| -> Result<String, Error> {
        let r = pair
            .iter()
            .find(|r| r.number == number)
            .ok_or(Error::NotFound)?;
        let kind: &str = ArticleKind::parse(&r.kind).map_or(&r.kind, |k| k.label());
        let audience: &str = Audience::parse(&r.audience).map_or(&r.audience, |a| a.label());
        Ok(diff::revision_text(&diff::RevisionFields {
            title: &r.title,
            summary: &r.summary,
            kind,
            category: &category_name(&categories, r.category_id),
            tags: &r.tags,
            audience,
            body: &r.body,
        }))
    };
    let (old, new) = (text_of(from)?, text_of(to)?);
    Ok(Comparison {
        from,
        to,
        hunks: diff::diff_hunks(
            &old,
            &new,
            &format!("revision {from}"),
            &format!("revision {to}"),
        ),
    })
}

#[cfg(test)]
mod tests {
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
