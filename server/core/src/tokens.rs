//! Secret tokens for links sent by mail (registration, password reset,
//! address change, invitations): random, shown once, stored only as a hash.

use sha2::{Digest, Sha256};

/// 256 random bits as 64 hex characters: unguessable, and safe in a URL.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::Rng::fill(&mut rand::thread_rng(), &mut bytes);
    hex::encode(bytes)
}

/// What is stored of a token: its SHA-256, so a database leak hands out no
/// working link. (A fast hash is right here: the token has 256 random bits,
/// unlike a password.)
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hash_stably() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash(&a), hash(&format!(" {a}\n")));
        assert_ne!(hash(&a), a);
    }
}
