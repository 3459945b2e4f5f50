//! The change sequence: every change other systems may want, recorded in the
//! change's own transaction (`db::changes`). The incremental export
//! (`/api/v1/changes`) reads it, and the webhook worker delivers it: it is
//! the outbox of both, so a crash between the change and its delivery loses
//! nothing.
//!
//! A service that changes something calls one of these last, just before it
//! commits (the numbering lock is then held only for the commit).

use crate::api_tokens::TokenActor;
use crate::db::changes::{self as db, ChangeRow, FeedScope, NewChange};
use crate::policy::api::readable_entities;
use crate::Error;
use sqlx::{PgConnection, PgPool};

/// The event types, as webhooks name them.
pub mod event {
    pub const CASE_CREATED: &str = "case.created";
    pub const CASE_UPDATED: &str = "case.updated";
    pub const CASE_REPLIED: &str = "case.replied";
    pub const CASE_SOLVED: &str = "case.solved";
    pub const MESSAGE_CREATED: &str = "message.created";
    pub const ARTICLE_PUBLISHED: &str = "article.published";
    pub const ARTICLE_UPDATED: &str = "article.updated";
    pub const ARTICLE_DELETED: &str = "article.deleted";
    pub const REGISTRATION_CHANGED: &str = "registration.changed";
    pub const INVOICE_OVERDUE: &str = "invoice.overdue";
    pub const ORDER_UPSERTED: &str = "order.upserted";
    pub const INVOICE_UPSERTED: &str = "invoice.upserted";
    pub const DELIVERY_UPSERTED: &str = "delivery.upserted";
    pub const PRODUCT_UPSERTED: &str = "product.upserted";
    pub const ORGANIZATION_UPDATED: &str = "organization.updated";
    pub const ORGANIZATION_DELETED: &str = "organization.deleted";
    pub const USER_UPDATED: &str = "user.updated";

    /// The types a webhook subscription can choose, with what each means.
    pub const SUBSCRIBABLE: &[(&str, &str)] = &[
        (CASE_CREATED, "A case was opened"),
        (
            CASE_UPDATED,
            "A case's status, priority, assignee or tags changed",
        ),
        (CASE_REPLIED, "A public reply was added to a case"),
        (CASE_SOLVED, "A case was solved"),
        (
            MESSAGE_CREATED,
            "A message (reply or internal note) was added",
        ),
        (ARTICLE_PUBLISHED, "An article was published"),
        (
            REGISTRATION_CHANGED,
            "A workshop registration was made, moved or cancelled",
        ),
        (INVOICE_OVERDUE, "An invoice became overdue"),
    ];
}

/// Record `event` for each of `case_ids` (their number, status and priority
/// travel with it).
pub async fn cases(
    tx: &mut PgConnection,
    event: &'static str,
    case_ids: &[i64],
) -> Result<(), Error> {
    db::append_cases(tx, event, case_ids).await?;
    Ok(())
}

/// Record that a case changed: "case.solved" when this change solved it,
/// else "case.updated".
pub async fn case_updated(
    tx: &mut PgConnection,
    case_id: i64,
    solved_now: bool,
) -> Result<(), Error> {
    let event = if solved_now {
        event::CASE_SOLVED
    } else {
        event::CASE_UPDATED
    };
    cases(tx, event, &[case_id]).await
}

/// A message added to a case: "message.created" (internal notes are for
/// staff only), and "case.replied" for a public one.
pub async fn message(
    tx: &mut PgConnection,
    case_id: i64,
    organization_id: i64,
    message_id: i64,
    internal: bool,
) -> Result<(), Error> {
    let mut changes = vec![NewChange {
        event: event::MESSAGE_CREATED,
        entity: "message",
        entity_id: message_id,
        deleted: false,
        organization_id: Some(organization_id),
        staff_only: internal,
        case_id: Some(case_id),
        data: serde_json::json!({ "case_id": case_id, "internal": internal }),
    }];
    if !internal {
        changes.push(NewChange {
            event: event::CASE_REPLIED,
            entity: "case",
            entity_id: case_id,
            deleted: false,
            organization_id: Some(organization_id),
            staff_only: false,
            case_id: Some(case_id),
            data: serde_json::json!({ "message_id": message_id }),
        });
    }
    db::append(tx, &changes).await?;
    Ok(())
}

/// Record any other change (articles, registrations, orders, organizations).
pub async fn record(tx: &mut PgConnection, changes: &[NewChange]) -> Result<(), Error> {
    db::append(tx, changes).await?;
    Ok(())
}

/// Largest page of the incremental export.
pub const MAX_PAGE: i64 = 1000;

/// One page of the incremental export for a token: the changes after
/// `after` it may see, and the cursor to ask with next time.
pub struct FeedPage {
    pub changes: Vec<ChangeRow>,
    /// Pass as `after` next time. When the page is not full it is the last
    /// change committed at the time of reading, so changes the token may not
    /// see are not scanned again.
    pub next: i64,
}

pub async fn feed(
    pool: &PgPool,
    token: &TokenActor,
    after: i64,
    limit: i64,
) -> Result<FeedPage, Error> {
    let limit = limit.clamp(1, MAX_PAGE);
    let scope = FeedScope {
        entities: readable_entities(&token.actor, &token.scopes),
        organization_id: if token.actor.role.is_customer() {
            Some(token.actor.organization_id.ok_or(Error::Forbidden)?)
        } else {
            None
        },
    };
    // One snapshot for the rows and the head: nothing committed between the
    // two statements can be skipped by the cursor.
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let changes = db::after(&mut *tx, after.max(0), limit, &scope).await?;
    let next = if (changes.len() as i64) < limit {
        db::head(&mut *tx).await?.max(after)
    } else {
        changes.last().map_or(after, |c| c.seq)
    };
    tx.commit().await?;
    Ok(FeedPage { changes, next })
}
