//! A person's signed-in sessions: each has a row (`db::account_sessions`)
//! whose random key the session's own data holds. The account page lists
//! them and signs them out one by one or all but the current one; a session
//! whose row is gone ends at its next request (`app::web::auth::resolve`).

use crate::config::Config;
use crate::db::{account_sessions as store, audit};
use crate::policy::{authorize, Action};
use crate::{Error, Reader};
use rapport_types::views::two_factor::SessionView;
use sqlx::PgPool;
use time::OffsetDateTime;

/// Longest User-Agent kept (a header can be much longer).
const USER_AGENT_CHARS: usize = 400;

/// Start the row of a new session; its key goes into the session's data.
pub async fn start(
    pool: &PgPool,
    config: &Config,
    user_id: i64,
    user_agent: &str,
    ip: &str,
    signed_in_at: OffsetDateTime,
) -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    rand::Rng::fill(&mut rand::thread_rng(), &mut bytes);
    let key = hex::encode(bytes);
    let user_agent: String = user_agent
        .chars()
        .filter(|c| !c.is_control())
        .take(USER_AGENT_CHARS)
        .collect();
    let mut db = pool.acquire().await?;
    let row = store::NewSession {
        key: &key,
        user_id,
        user_agent: &user_agent,
        ip,
        signed_in_at,
    };
    store::start(&mut db, row, config.session_idle, config.session_max_age).await?;
    Ok(key)
}

/// End the session with this key (signing out).
pub async fn end(pool: &PgPool, key: &str) -> Result<(), Error> {
    store::end(pool, key).await?;
    Ok(())
}

/// The browser and system of a User-Agent in plain words ("Firefox on
/// Linux"); what cannot be told is shortened rather than guessed.
pub fn device_name(user_agent: &str) -> String {
    const UNKNOWN: &str = "UNKNOWN";
    let parsed = woothee::parser::Parser::new().parse(user_agent);
    match parsed {
        Some(ua) if ua.name != UNKNOWN && ua.os != UNKNOWN => format!("{} on {}", ua.name, ua.os),
        Some(ua) if ua.name != UNKNOWN => ua.name.to_string(),
        _ if user_agent.trim().is_empty() => "Unknown device".to_string(),
        _ => {
            let short: String = user_agent.chars().take(60).collect();
            if short.len() < user_agent.len() {
                format!("{short}…")
            } else {
                short
            }
        }
    }
}

/// The reader's sessions that are still alive, the latest seen first;
/// `current_key` marks the one of this request.
pub async fn list(
    reader: &Reader,
    pool: &PgPool,
    config: &Config,
    current_key: &str,
) -> Result<Vec<SessionView>, Error> {
    let permit = authorize(reader.actor(), &Action::ManageOwnAccount)?;
    let user_id = permit.signed_in()?.user_id;
    let rows = store::list(pool, user_id, config.session_idle, config.session_max_age).await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionView {
            id: row.id,
            device: device_name(&row.user_agent),
            ip: if row.ip.is_empty() {
                "unknown".into()
            } else {
                row.ip
            },
            signed_in: reader.zone().date_time(row.created_at),
            last_seen: reader.zone().date_time(row.last_seen_at),
            current: row.key == current_key,
        })
        .collect())
}

/// Sign out one of the reader's other sessions. Someone else's session, or
/// one that is gone, is not found.
pub async fn revoke(
    reader: &Reader,
    pool: &PgPool,
    id: i64,
    current_key: &str,
    ip: &str,
) -> Result<(), Error> {
    let permit = authorize(reader.actor(), &Action::ManageOwnAccount)?;
    let user_id = permit.signed_in()?.user_id;
    let mut tx = pool.begin().await?;
    if !store::revoke(&mut *tx, user_id, id, current_key).await? {
        return Err(Error::NotFound);
    }
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::SESSION_REVOKED,
            actor_user_id: Some(user_id),
            subject_user_id: Some(user_id),
            ip: Some(ip),
            detail: "one session",
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sign out every session of the reader but the current one; how many ended.
pub async fn revoke_others(
    reader: &Reader,
    pool: &PgPool,
    current_key: &str,
    ip: &str,
) -> Result<u64, Error> {
    let permit = authorize(reader.actor(), &Action::ManageOwnAccount)?;
    let user_id = permit.signed_in()?.user_id;
    let mut tx = pool.begin().await?;
    let ended = store::revoke_others(&mut *tx, user_id, current_key).await?;
    let detail = format!("every other session ({ended})");
    audit::record(
        &mut *tx,
        audit::Event {
            kind: audit::SESSION_REVOKED,
            actor_user_id: Some(user_id),
            subject_user_id: Some(user_id),
            ip: Some(ip),
            detail: &detail,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_named_in_plain_words() {
        let table = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Windows 10",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari on iPhone",
            ),
            ("", "Unknown device"),
            ("reqwest/0.12", "reqwest/0.12"),
        ];
        for (agent, want) in table {
            assert_eq!(device_name(agent), want, "{agent}");
        }
        let long = "x".repeat(100);
        assert_eq!(device_name(&long).chars().count(), 61);
    }
}
