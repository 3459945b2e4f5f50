//! Registering for a session and cancelling, with the waitlist: the session
//! row is locked for every change of places.

use super::*;
use crate::Reader;

/// A session the actor may register for (or cancel in): it exists and its
/// workshop is one they may read; anything else is "not found".
async fn visible_session(
    pool: &PgPool,
    actor: &Actor,
    session_id: i64,
) -> Result<SessionRow, Error> {
    let row = db::workshops::session(pool, session_id)
        .await?
        .ok_or(Error::NotFound)?;
    let scope = policy::article_scope(Some(actor));
    db::articles::readable_id(pool, &scope, &row.slug)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(row)
}

/// Take a place, or a waitlist place when the session is full. Registering
/// again changes nothing and says where the person stands.
pub async fn register(
    reader: &Reader,
    site: &SiteLinks,
    pool: &PgPool,
    session_id: i64,
) -> Result<RegistrationStatus, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::RegisterForWorkshop)?;
    let row = visible_session(pool, actor, session_id).await?;
    let mut tx = pool.begin().await?;
    let (status, capacity, starts_at) = db::workshops::lock_session(&mut tx, session_id)
        .await?
        .ok_or(Error::NotFound)?;
    if status != SessionStatus::Scheduled.as_str() {
        return Err(Error::Conflict(
            "This session was cancelled or has been held: choose another session.".into(),
        ));
    }
    if starts_at <= OffsetDateTime::now_utc() {
        return Err(Error::Conflict(
            "This session has already started: choose a later session.".into(),
        ));
    }
    if let Some((_, existing)) =
        db::workshops::live_registration(&mut tx, session_id, actor.user_id).await?
    {
        return stored_registration(&existing);
    }
    let taken = db::workshops::registered_count(&mut tx, session_id).await?;
    let status = if taken < capacity as i64 {
        RegistrationStatus::Registered
    } else {
        RegistrationStatus::Waitlisted
    };
    db::workshops::insert_registration(&mut tx, session_id, actor.user_id, status.as_str()).await?;
    let news = match status {
        RegistrationStatus::Registered => News::Registered,
        _ => News::Waitlisted,
    };
    tell(site, &mut tx, actor.user_id, &row, news).await?;
    record_registrations(&mut tx, session_id, Some(&[actor.user_id])).await?;
    tx.commit().await?;
    Ok(status)
}

/// Give up a place or a waitlist place; the first on the waitlist moves up.
pub async fn cancel_registration(
    reader: &Reader,
    site: &SiteLinks,
    pool: &PgPool,
    session_id: i64,
) -> Result<(), Error> {
    let actor = reader.signed_in()?;
    // One's own registration can always be given up, even if the workshop has
    // since become unreadable: only a registration of the actor is touched.
    let row = db::workshops::session(pool, session_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut tx = pool.begin().await?;
    let (status, capacity, starts_at) = db::workshops::lock_session(&mut tx, session_id)
        .await?
        .ok_or(Error::NotFound)?;
    let (registration_id, _) = db::workshops::live_registration(&mut tx, session_id, actor.user_id)
        .await?
        .ok_or(Error::NotFound)?;
    // After a session started (or was cancelled) the registration is history:
    // attendance is marked against it.
    if status != SessionStatus::Scheduled.as_str() || starts_at <= OffsetDateTime::now_utc() {
        return Err(Error::Conflict(
            "This session has started, was held or was cancelled: there is nothing to cancel any more.".into(),
        ));
    }
    db::workshops::cancel_registration(&mut tx, registration_id).await?;
    tell(site, &mut tx, actor.user_id, &row, News::CancelledByYou).await?;
    let mut changed = vec![actor.user_id];
    changed.extend(fill_free_places(site, &mut tx, &row, capacity).await?);
    record_registrations(&mut tx, session_id, Some(&changed)).await?;
    tx.commit().await?;
    Ok(())
}

/// Move people up from the waitlist while there are places, and tell them.
/// Call with the session locked. Returns who moved up.
pub(super) async fn fill_free_places(
    site: &SiteLinks,
    tx: &mut PgConnection,
    row: &SessionRow,
    capacity: i32,
) -> Result<Vec<i64>, Error> {
    let taken = db::workshops::registered_count(tx, row.id).await?;
    let free = capacity as i64 - taken;
    if free <= 0 {
        return Ok(Vec::new());
    }
    let promoted = db::workshops::promote(tx, row.id, free).await?;
    for user_id in &promoted {
        tell(site, tx, *user_id, row, News::MovedUp).await?;
    }
    Ok(promoted)
}
