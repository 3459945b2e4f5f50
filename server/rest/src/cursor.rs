//! Opaque cursors for lists: the position after the last item of a page,
//! encoded so that callers pass it back as it is and never build one.

use crate::problem::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Default and largest page sizes of the lists.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

pub fn encode(position: &impl Serialize) -> String {
    let json = serde_json::to_vec(position).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// The position in `cursor`, or a problem naming the `cursor` parameter.
pub fn decode<T: DeserializeOwned>(cursor: &str) -> Result<T, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| {
            ApiError::invalid(
                "cursor",
                "This cursor is not one Rapport gave out; pass `next_cursor` from the last page as it is.",
            )
        })
}

/// The page size asked for, or a problem naming `limit`.
pub fn limit(asked: Option<i64>) -> Result<i64, ApiError> {
    match asked {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid(
            "limit",
            format!("Ask for 1 to {MAX_LIMIT} items per page."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_a_made_up_one_is_refused() {
        let position = ("2026-12-05T10:00:00Z".to_string(), 42_i64);
        let cursor = encode(&position);
        assert_eq!(decode::<(String, i64)>(&cursor).unwrap(), position);
        let err = decode::<(String, i64)>("not-a-cursor").unwrap_err();
        assert_eq!(err.error.field(), Some("cursor"));
        assert!(limit(Some(0)).is_err());
        assert_eq!(limit(None).unwrap(), DEFAULT_LIMIT);
    }
}
