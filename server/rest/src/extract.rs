//! Extractors for the endpoints: the token's caller, and JSON bodies and
//! queries whose errors come back as problem documents naming the field.

use crate::problem::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use rapport_core::api_tokens::TokenActor;
use rapport_core::time_zones::ReaderZone;
use rapport_core::Reader;
use serde::de::DeserializeOwned;

/// The caller of an endpoint: who the token acts as, as a `Reader` for the
/// core's services (times in UTC), and the token's scopes.
#[derive(Debug, Clone)]
pub struct Caller {
    pub token: TokenActor,
    pub reader: Reader,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Caller, ApiError> {
        let token = parts
            .extensions
            .get::<TokenActor>()
            .cloned()
            .ok_or_else(|| ApiError::from(app::error::AppError::Unauthenticated))?;
        let reader = Reader::new(Some(token.actor.clone()), ReaderZone::utc());
        Ok(Caller { token, reader })
    }
}

/// `axum::Json` whose rejection is a problem document.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Json<T>, ApiError> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Json(value))
    }
}

/// `axum::extract::Query` whose rejection is a problem document.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Query<T>, ApiError> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Query(value))
    }
}

/// The id of something in the path. One that is not a whole number names
/// nothing that exists: not found, as for an id nobody has.
pub fn path_id_or_not_found(value: &str) -> Result<i64, ApiError> {
    value.trim().parse().map_err(|_| ApiError::not_found())
}
