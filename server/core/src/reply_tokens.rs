//! Signed reply addresses: every case mail we send has the Reply-To
//! `support+<token>@domain` and a `Message-ID` carrying the same token, so a
//! reply finds its case without trusting anything the sender could forge.
//!
//! A token names the case, the person the mail went to and the case message
//! it reported, and ends with an HMAC-SHA256 of those (and the key id),
//! truncated to 96 bits. Only Rapport knows the key, so a token cannot be
//! guessed or changed: a mail that carries one was written in answer to a
//! mail we sent to that person. The key id in front lets a new key take over
//! while tokens signed with the old one still verify.
//!
//! Tokens are lower-case base32 (no padding): mail systems may change the case
//! of an address's local part, and base32 survives that.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::PgPool;
use std::collections::BTreeMap;

/// The line at the top of every case mail we send: whatever a reply has
/// below it is quoted history, cut off when the reply comes in.
pub const REPLY_ABOVE_THIS_LINE: &str = "-- Reply above this line --";

/// The bytes of the MAC kept in a token: 96 bits.
const MAC_BYTES: usize = 12;

/// What a token says: the mail went to `user_id` about case `case_id`,
/// reporting its message `message_id` (0 when it reported no message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyClaims {
    pub case_id: i64,
    pub user_id: i64,
    pub message_id: i64,
}

/// The signing keys, by id; the highest id signs, every one verifies.
#[derive(Clone)]
pub struct ReplyKeys {
    keys: BTreeMap<u8, Vec<u8>>,
}

/// The name of key `id` in `site_keys`.
fn key_name(id: u8) -> String {
    format!("reply-token-{id}")
}

impl ReplyKeys {
    /// Keys from their ids and secrets (tests, and [`ReplyKeys::load`]).
    pub fn new(keys: impl IntoIterator<Item = (u8, Vec<u8>)>) -> ReplyKeys {
        ReplyKeys {
            keys: keys.into_iter().collect(),
        }
    }

    /// The keys stored in `site_keys` (`reply-token-1`, `-2` ...), making the
    /// first one when there is none. To rotate, insert `reply-token-<n+1>`:
    /// new mail is signed with it, and replies to older mail still verify.
    pub async fn load(pool: &PgPool) -> sqlx::Result<ReplyKeys> {
        let mut fresh = [0u8; 32];
        rand::Rng::fill(&mut rand::thread_rng(), &mut fresh);
        crate::db::site_keys::get_or_create(pool, &key_name(1), &fresh).await?;
        let rows: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT name, secret FROM site_keys WHERE name LIKE 'reply-token-%'")
                .fetch_all(pool)
                .await?;
        Ok(ReplyKeys::new(rows.into_iter().filter_map(
            |(name, secret)| {
                let id = name.strip_prefix("reply-token-")?.parse().ok()?;
                Some((id, secret))
            },
        )))
    }

    fn mac(&self, key_id: u8, payload: &[u8]) -> Option<[u8; MAC_BYTES]> {
        let key = self.keys.get(&key_id)?;
        let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
        mac.update(b"rapport reply token");
        mac.update(payload);
        let full = mac.finalize().into_bytes();
        let mut short = [0u8; MAC_BYTES];
        short.copy_from_slice(&full[..MAC_BYTES]);
        Some(short)
    }

    /// The token for a mail to `claims.user_id`.
    pub fn sign(&self, claims: ReplyClaims) -> String {
        let (&key_id, _) = self
            .keys
            .last_key_value()
            .expect("ReplyKeys::load always leaves one key");
        let mut bytes = vec![key_id];
        for n in [claims.case_id, claims.user_id, claims.message_id] {
            put_varint(&mut bytes, n as u64);
        }
        let mac = self.mac(key_id, &bytes).expect("the key was just found");
        bytes.extend_from_slice(&mac);
        data_encoding::BASE32_NOPAD
            .encode(&bytes)
            .to_ascii_lowercase()
    }

    /// What `token` says, if one of our keys signed it exactly so.
    pub fn verify(&self, token: &str) -> Option<ReplyClaims> {
        if token.len() > 100 {
            return None;
        }
        let bytes = data_encoding::BASE32_NOPAD
            .decode(token.to_ascii_uppercase().as_bytes())
            .ok()?;
        let (payload, mac) = bytes.split_at(bytes.len().checked_sub(MAC_BYTES)?);
        let (&key_id, mut rest) = payload.split_first()?;
        let expected = self.mac(key_id, payload)?;
        // Compared in constant time, so timing says nothing about the right MAC.
        let same = expected
            .iter()
            .zip(mac)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if same != 0 {
            return None;
        }
        let case_id = take_varint(&mut rest)?;
        let user_id = take_varint(&mut rest)?;
        let message_id = take_varint(&mut rest)?;
        if !rest.is_empty() {
            return None;
        }
        Some(ReplyClaims {
            case_id: i64::try_from(case_id).ok()?,
            user_id: i64::try_from(user_id).ok()?,
            message_id: i64::try_from(message_id).ok()?,
        })
    }
}

/// The token in a reply address `support+<token>@domain`, if it has one.
pub fn token_in_address(address: &str) -> Option<&str> {
    let local = address.rsplit_once('@')?.0;
    let token = local.split_once('+')?.1;
    (!token.is_empty()).then_some(token)
}

/// The token in one of our Message-IDs `<rapport.<token>.<random>@domain>`.
pub fn token_in_message_id(message_id: &str) -> Option<&str> {
    let id = message_id.trim().trim_start_matches('<');
    let rest = id.strip_prefix("rapport.")?;
    let (token, _) = rest.split_once('.')?;
    Some(token)
}

/// The reply address for `token`, from our sender address `support@domain`.
pub fn reply_address(from_address: &str, token: &str) -> Option<String> {
    let (local, domain) = from_address.rsplit_once('@')?;
    let local = local.split_once('+').map_or(local, |(base, _)| base);
    Some(format!("{local}+{token}@{domain}"))
}

/// A Message-ID for one outgoing mail carrying `token`.
pub fn message_id(token: &str, domain: &str) -> String {
    let unique: u64 = rand::random();
    format!("<rapport.{token}.{unique:016x}@{domain}>")
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn take_varint(input: &mut &[u8]) -> Option<u64> {
    let mut n: u64 = 0;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = input.split_first()?;
        *input = rest;
        n |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> ReplyKeys {
        ReplyKeys::new([(1, b"first secret key of thirty-two b".to_vec())])
    }

    const CLAIMS: ReplyClaims = ReplyClaims {
        case_id: 1042,
        user_id: 7,
        message_id: 123_456,
    };

    #[test]
    fn a_token_verifies_in_any_case_and_fits_an_address() {
        let token = keys().sign(CLAIMS);
        assert_eq!(keys().verify(&token), Some(CLAIMS));
        assert_eq!(keys().verify(&token.to_ascii_uppercase()), Some(CLAIMS));
        let address = reply_address("support@rapport.example", &token).unwrap();
        assert!(address.split('@').next().unwrap().len() <= 64, "{address}");
        assert_eq!(token_in_address(&address), Some(token.as_str()));
        let id = message_id(&token, "rapport.example");
        assert_eq!(token_in_message_id(&id), Some(token.as_str()));
    }

    #[test]
    fn a_changed_or_foreign_token_does_not_verify() {
        let token = keys().sign(CLAIMS);
        let other = ReplyKeys::new([(1, b"another key entirely, 32 bytes!!".to_vec())]);
        assert_eq!(other.verify(&token), None);
        // Every single changed character breaks it.
        for i in 0..token.len() {
            let mut changed: Vec<u8> = token.bytes().collect();
            changed[i] = if changed[i] == b'a' { b'b' } else { b'a' };
            let changed = String::from_utf8(changed).unwrap();
            assert_eq!(keys().verify(&changed), None, "{changed}");
        }
        assert_eq!(keys().verify(""), None);
        assert_eq!(keys().verify("not base32!"), None);
    }

    #[test]
    fn old_tokens_verify_after_a_new_key_takes_over() {
        let old = keys().sign(CLAIMS);
        let rotated = ReplyKeys::new([
            (1, b"first secret key of thirty-two b".to_vec()),
            (2, b"second secret key, also 32 bytes".to_vec()),
        ]);
        assert_eq!(rotated.verify(&old), Some(CLAIMS));
        let new = rotated.sign(CLAIMS);
        assert_ne!(new, old);
        assert_eq!(rotated.verify(&new), Some(CLAIMS));
        assert_eq!(keys().verify(&new), None, "the old server lacks key 2");
    }
}
