//! API tokens: made by a person for another system, shown once, stored as a
//! hash with a visible prefix, used as `Authorization: Bearer rpt_…`.
//!
//! A token acts as its owner narrowed to its scopes (`policy::api`); a
//! customer admin's token is also bound to the organization it was made in.

use crate::db::{api_tokens as db, audit};
use crate::policy::{self, api::check_grant, Action, Actor};
use crate::time_zones::local_instant;
use crate::{tokens, Error, Reader};
use rapport_types::views::api_tokens::{ApiTokenRow, ApiTokensPage, CreatedApiToken, NewApiToken};
use rapport_types::{ApiScope, Role, API_TOKEN_PREFIX};
use sqlx::PgPool;
use time::OffsetDateTime;

/// How many characters of the secret (after "rpt_") are kept visible.
const VISIBLE: usize = 8;

/// Audit kinds of this module.
pub const TOKEN_CREATED: &str = "api_token_created";
pub const TOKEN_REVOKED: &str = "api_token_revoked";

/// A token's owner and what it may do, for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenActor {
    pub token_id: i64,
    pub actor: Actor,
    pub scopes: Vec<ApiScope>,
}

/// The token's page: the reader's own tokens (an admin's: everyone's).
pub async fn page(reader: &Reader, pool: &PgPool) -> Result<ApiTokensPage, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::ManageOwnApiTokens)?;
    let everyone = policy::allows(Some(actor), &Action::ManageAllApiTokens);
    let rows = db::list(pool, (!everyone).then_some(actor.user_id)).await?;
    let now = OffsetDateTime::now_utc();
    let tokens = rows
        .into_iter()
        .map(|row| {
            let (state, active) = match (row.revoked_at, row.expires_at) {
                (Some(_), _) => ("Revoked", false),
                (None, Some(expires)) if expires <= now => ("Expired", false),
                _ => ("Active", true),
            };
            ApiTokenRow {
                id: row.id,
                name: row.name,
                prefix: row.prefix,
                scopes: row
                    .scopes
                    .iter()
                    .filter_map(|s| ApiScope::parse(s))
                    .collect(),
                owner: everyone.then_some(row.owner),
                organization: row.organization,
                created: reader.zone().date_time(row.created_at),
                expires: row.expires_at.map(|t| reader.zone().date_time(t)),
                last_used: row.last_used_at.map(|t| reader.zone().date_time(t)),
                state: state.to_string(),
                active,
            }
        })
        .collect();
    Ok(ApiTokensPage {
        tokens,
        grantable: policy::api::grantable_scopes(actor.role).to_vec(),
        everyone,
        just_made: None,
    })
}

/// What a new token is, parsed from the form.
struct TokenRequest {
    name: String,
    scopes: Vec<ApiScope>,
    expires_at: Option<OffsetDateTime>,
}

fn parse(form: &NewApiToken, reader: &Reader, role: Role) -> Result<TokenRequest, Error> {
    let name = form.name.trim();
    if name.is_empty() {
        return Err(Error::invalid(
            "name",
            "Name the token after the system that will use it, e.g. \"Order system\".",
        ));
    }
    if name.chars().count() > 100 {
        return Err(Error::invalid(
            "name",
            "Keep the name under 100 characters.",
        ));
    }
    let mut scopes = Vec::new();
    for value in &form.scopes {
        let scope = ApiScope::parse(value)
            .ok_or_else(|| Error::invalid("scopes", format!("{value:?} is not a scope.")))?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        return Err(Error::invalid(
            "scopes",
            "Tick at least one thing the token may do.",
        ));
    }
    if let Err(scope) = check_grant(role, &scopes) {
        return Err(Error::invalid(
            "scopes",
            format!("You cannot give a token \"{}\".", scope.label()),
        ));
    }
    let expires_at = match form.expires_on.trim() {
        "" => None,
        day => {
            let at = local_instant(day, "23:59", &reader.zone().tz).map_err(|_| {
                Error::invalid(
                    "expires_on",
                    "Write the date as YYYY-MM-DD, e.g. 2027-06-30.",
                )
            })?;
            if at <= OffsetDateTime::now_utc() {
                return Err(Error::invalid(
                    "expires_on",
                    "Choose a day in the future, or leave it empty for no expiry.",
                ));
            }
            Some(at)
        }
    };
    Ok(TokenRequest {
        name: name.to_string(),
        scopes,
        expires_at,
    })
}

/// Make a token for the reader; its secret is returned this once.
pub async fn create(
    reader: &Reader,
    pool: &PgPool,
    form: &NewApiToken,
) -> Result<CreatedApiToken, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::ManageOwnApiTokens)?;
    let request = parse(form, reader, actor.role)?;
    let secret = format!("{API_TOKEN_PREFIX}{}", tokens::new_token());
    let prefix = &secret[..API_TOKEN_PREFIX.len() + VISIBLE];
    let scopes: Vec<String> = request
        .scopes
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    let mut tx = pool.begin().await?;
    let id = db::insert(
        &mut *tx,
        db::NewTokenRow {
            owner_id: actor.user_id,
            // A customer admin's token is their organization's only.
            organization_id: actor
                .role
                .is_customer()
                .then_some(actor.organization_id)
                .flatten(),
            name: &request.name,
            prefix,
            secret_hash: &tokens::hash(&secret),
            scopes: &scopes,
            expires_at: request.expires_at,
        },
    )
    .await?;
    audit::record(
        &mut *tx,
        audit::Event {
            kind: TOKEN_CREATED,
            actor_user_id: Some(actor.user_id),
            subject_user_id: Some(actor.user_id),
            detail: &format!("{prefix} {:?}: {}", request.name, scopes.join(" ")),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedApiToken {
        id,
        name: request.name,
        secret,
    })
}

/// Revoke one of the reader's tokens (an admin: anyone's). Revoking twice is fine.
pub async fn revoke(reader: &Reader, pool: &PgPool, token_id: i64) -> Result<(), Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::ManageOwnApiTokens)?;
    let everyone = policy::allows(Some(actor), &Action::ManageAllApiTokens);
    let mut tx = pool.begin().await?;
    if !db::revoke(&mut *tx, token_id, (!everyone).then_some(actor.user_id)).await? {
        return Err(Error::NotFound);
    }
    audit::record(
        &mut *tx,
        audit::Event {
            kind: TOKEN_REVOKED,
            actor_user_id: Some(actor.user_id),
            detail: &format!("token {token_id}"),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who the bearer of `secret` is, or `Unauthenticated` for an unknown,
/// revoked or expired token (the same answer for each: no oracle).
pub async fn authenticate(pool: &PgPool, secret: &str) -> Result<TokenActor, Error> {
    let secret = secret.trim();
    if !secret.starts_with(API_TOKEN_PREFIX) {
        return Err(Error::Unauthenticated);
    }
    let owner = db::authenticate(pool, &tokens::hash(secret))
        .await?
        .ok_or(Error::Unauthenticated)?;
    let role = Role::parse(&owner.role)
        .ok_or_else(|| Error::internal(format!("unknown role {:?}", owner.role)))?;
    Ok(TokenActor {
        token_id: owner.token_id,
        actor: Actor {
            user_id: owner.user_id,
            role,
            organization_id: owner.organization_id,
        },
        scopes: owner
            .scopes
            .iter()
            .filter_map(|s| ApiScope::parse(s))
            .collect(),
    })
}
