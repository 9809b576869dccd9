//! Secrets at rest: Argon2id password hashes, random bearer tokens stored as SHA-256, and
//! credentials generated from the operating system's CSPRNG.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use onboard_core::id::EServiceId;
use onboard_core::reference::Environment;
use onboard_core::workflow::{CredentialIssuer, Credentials};
use rand::distributions::Alphanumeric;
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Hashes a password with Argon2id (default parameters: 19 MiB, 2 passes) and a random salt.
pub fn hash_password(password: &str) -> Result<String, crate::StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| crate::StoreError::caused("password hashing failed", e))
}

/// Whether `password` matches the stored PHC hash. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new bearer token: 256 random bits, URL-safe base64 (43 characters).
pub fn new_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a token, hex: what the sessions table stores.
///
/// ```
/// use onboard_store::password::{new_token, token_hash};
/// let token = new_token();
/// assert_eq!(token_hash(&token).len(), 64);
/// assert_ne!(token_hash(&token), token_hash(&new_token()));
/// ```
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// SHA-256 of file content, hex.
pub fn sha256_hex(content: &[u8]) -> String {
    hex(&Sha256::digest(content))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `n` random URL-safe characters (A-Z a-z 0-9) from the CSPRNG.
pub fn random_string(n: usize) -> String {
    OsRng
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

/// A random initial password that satisfies the password policy (upper, lower, digit).
pub fn initial_password() -> String {
    loop {
        let p = random_string(16);
        let has = |f: fn(&char) -> bool| p.chars().any(|c| f(&c));
        if has(char::is_ascii_uppercase)
            && has(char::is_ascii_lowercase)
            && has(char::is_ascii_digit)
        {
            return p;
        }
    }
}

/// Generates credentials from the OS CSPRNG: a UUID app id and 32-character key and secret.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsCredentials;

impl CredentialIssuer for OsCredentials {
    fn issue(
        &self,
        _eservice: EServiceId,
        _environment: Environment,
        at: DateTime<Utc>,
    ) -> Credentials {
        Credentials {
            app_id: Uuid::new_v4().to_string(),
            consumer_key: random_string(32),
            consumer_secret: random_string(32),
            issued_at: at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let h = hash_password("Secret123").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Secret123", &h));
        assert!(!verify_password("Secret124", &h));
        assert!(!verify_password("Secret123", "not a hash"));
    }

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn initial_passwords_meet_the_policy() {
        for _ in 0..50 {
            let p = initial_password();
            assert_eq!(p.len(), 16);
            assert!(p.chars().any(|c| c.is_ascii_uppercase()));
            assert!(p.chars().any(|c| c.is_ascii_lowercase()));
            assert!(p.chars().any(|c| c.is_ascii_digit()));
        }
    }
}
