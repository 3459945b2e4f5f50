//! Saving a draft, or saving and moving it on (review, publish) in one go.

use super::*;
use crate::Reader;

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

/// A save the editor asked for, parsed from its form at the edge: every field
/// checked, so the service only decides what the database must allow.
pub struct ArticleSave {
    target: Target,
    content: RevisionContent,
    note: String,
    intent: Intent,
}

/// A new article, or the next revision of one, against the revision the
/// form was loaded from.
enum Target {
    New,
    Existing { id: i64, based_on: i64 },
}

impl ArticleSave {
    /// The form's fields as a save, or an error naming the field.
    pub fn parse(form: &ArticleForm<'_>) -> Result<ArticleSave, Error> {
        let intent = Intent::parse(form.intent)?;
        let id = match form.id.trim() {
            "" => None,
            id => Some(id.parse::<i64>().map_err(|_| Error::NotFound)?),
        };
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
        let target = match id {
            None => Target::New,
            Some(id) => Target::Existing {
                id,
                based_on: form.based_on.trim().parse::<i64>().map_err(|_| {
                    Error::BadRequest(
                        "the form does not say which revision it was based on; reload the page"
                            .into(),
                    )
                })?,
            },
        };
        Ok(ArticleSave {
            target,
            content,
            note,
            intent,
        })
    }
}

/// Save the editor's form, then submit or publish when asked, in one transaction.
pub async fn save(
    reader: &Reader,
    pool: &PgPool,
    command: ArticleSave,
) -> Result<WritingOutcome, Error> {
    let actor = reader.signed_in()?;
    authorize(actor)?;
    let categories = db_articles::categories(pool).await?;
    if !categories
        .iter()
        .any(|c| c.id == command.content.category_id)
    {
        return Err(Error::invalid(
            "category",
            "Choose one of the listed categories.",
        ));
    }
    let mut tx = pool.begin().await?;
    let outcome = match command.target {
        Target::New => create(&mut tx, actor, &command).await?,
        Target::Existing { id, based_on } => {
            update(reader, &mut tx, id, based_on, &command).await?
        }
    };
    record_change(&mut tx, outcome.id, outcome.done).await?;
    tx.commit().await?;
    Ok(outcome)
}

async fn create(
    conn: &mut PgConnection,
    actor: &Actor,
    command: &ArticleSave,
) -> Result<WritingOutcome, Error> {
    let content = &command.content;
    let base = Slug::from_title(&content.title).ok_or_else(|| {
        Error::invalid(
            "title",
            "Use at least one letter or digit in the title: the article's address is made from it.",
        )
    })?;
    let taken = admin::lock_and_list_slugs(conn, slug_prefix(&base)).await?;
    let slug = unique_slug(&base, &taken);
    let (id, _) = db_articles::create(
        conn,
        slug.as_str(),
        Some(actor.user_id),
        content,
        &command.note,
    )
    .await?;
    let done = apply_intent(conn, actor, id, ArticleState::Draft, command.intent)
        .await?
        .unwrap_or(Done::Created);
    Ok(WritingOutcome {
        id,
        done,
        revision_number: 1,
    })
}

async fn update(
    reader: &Reader,
    conn: &mut PgConnection,
    id: i64,
    based_on: i64,
    command: &ArticleSave,
) -> Result<WritingOutcome, Error> {
    let actor = reader.signed_in()?;
    let content = &command.content;
    let row = admin::latest_for_update(conn, id)
        .await?
        .ok_or(Error::NotFound)?;
    if row.latest_revision_id != based_on {
        return Err(stale(reader.zone(), &row));
    }
    let mut state = stored(ArticleState::parse(&row.state), "state", &row.state)?;
    let changed = !same_content(&row, content);
    if changed {
        db_articles::add_revision(conn, id, Some(actor.user_id), content, &command.note).await?;
        // A new revision is a draft again, unless the article is archived.
        if state != ArticleState::Archived {
            state = ArticleState::Draft;
        }
    }
    let done = match apply_intent(conn, actor, id, state, command.intent).await? {
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
