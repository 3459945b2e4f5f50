//! The services behind the REST API (`rapport-rest`) that the pages do not
//! already have: the same policy, answering in the API's wire types
//! (`rapport_types::api`) with times in RFC 3339 rather than formatted for a
//! reader. Where a page's service already does the work (opening a case,
//! replying, publishing), the endpoint calls that one instead.

pub mod cases;
pub mod directory;
pub mod knowledge;
pub mod orders;
pub mod webhooks;

use crate::api_tokens::TokenActor;
use crate::db::changes::ChangeRow;
use crate::Error;
use rapport_types::api::{Change, Me};
use sqlx::PgPool;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A time as the API writes it: RFC 3339 in UTC.
/// A page read with one row more than `limit` (the way a list knows more
/// follow): its first `limit` rows, and whether there were more.
pub(crate) fn one_page<T>(mut rows: Vec<T>, limit: i64) -> (Vec<T>, bool) {
    let limit = usize::try_from(limit).unwrap_or(0);
    let more = rows.len() > limit;
    rows.truncate(limit);
    (rows, more)
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Who the token acts as.
pub async fn me(pool: &PgPool, token: &TokenActor) -> Result<Me, Error> {
    let (email, name): (String, String) =
        sqlx::query_as("SELECT email, display_name FROM users WHERE id = $1")
            .bind(token.actor.user_id)
            .fetch_one(pool)
            .await?;
    Ok(Me {
        user_id: token.actor.user_id,
        email,
        name,
        role: token.actor.role.as_str().to_string(),
        organization_id: token
            .actor
            .role
            .is_customer()
            .then_some(token.actor.organization_id)
            .flatten(),
        scopes: token
            .scopes
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
    })
}

impl From<ChangeRow> for Change {
    fn from(row: ChangeRow) -> Change {
        Change {
            seq: row.seq,
            at: rfc3339(row.at),
            event: row.event,
            entity: row.entity,
            entity_id: row.entity_id,
            deleted: row.deleted,
            organization_id: row.organization_id,
            case_id: row.case_id,
            data: row.data,
        }
    }
}
