//! Moving an article between states (review, publish, archive) and restoring
//! an older revision.

use super::*;
use crate::Reader;

/// Archive an article (`to` = "archived") or take it out of the archive
/// (`to` = "draft"): it is then a draft readers do not see until it is
/// published again.
pub async fn change_state(
    reader: &Reader,
    pool: &PgPool,
    id: i64,
    based_on: i64,
    to: &str,
) -> Result<WritingOutcome, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
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
    record_change(&mut tx, id, done).await?;
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
    reader: &Reader,
    pool: &PgPool,
    id: i64,
    number: i32,
    based_on: i64,
) -> Result<WritingOutcome, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
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
    record_change(&mut tx, id, done).await?;
    tx.commit().await?;
    Ok(WritingOutcome {
        id,
        done,
        revision_number: row.latest_number + i32::from(done == Done::Restored),
    })
}

// ---------------------------------------------------------------------------
// Preview and history
