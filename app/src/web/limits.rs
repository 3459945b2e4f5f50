//! Abuse limits (`rapport_core::limits`) for the server functions whose
//! service does not take the settings: one more of `limit` for the current
//! reader (the person, or a visitor's network address). Over it, a 429 that
//! says how long to wait, with `Retry-After` (`security::add_retry_after`).

use super::AppState;
use crate::error::AppError;
use rapport_core::limits::{self, Limit};
use rapport_core::Reader;

pub async fn count(state: &AppState, reader: &Reader, limit: Limit) -> Result<(), AppError> {
    limits::hit(
        &state.pool,
        &state.config.limits,
        limit,
        &reader.limit_key(),
    )
    .await?;
    Ok(())
}
