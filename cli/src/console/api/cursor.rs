//! Opaque pagination cursors: the last key a page held, as base64url JSON, with a check that
//! binds it to its route and its query's filters.
//!
//! The check is a digest, not a secret: it refuses a cursor that was edited, truncated or
//! carried to another query (400, never a wrong page), while a cursor still works after the
//! console restarts. Forging a valid cursor gains nothing: it only names a position in results
//! the caller may read anyway.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::ApiError;

/// Longer cursors are refused before they are decoded.
const MAX_CURSOR_CHARS: usize = 1024;

#[derive(Serialize, Deserialize)]
struct Envelope<K> {
    k: K,
    c: String,
}

fn check(scope: &str, fingerprint: &str, key_json: &str) -> String {
    let digest = Sha256::digest(format!("{scope}\n{fingerprint}\n{key_json}").as_bytes());
    digest[..12].iter().map(|b| format!("{b:02x}")).collect()
}

pub fn encode<K: Serialize>(scope: &str, fingerprint: &str, key: &K) -> String {
    let key_json = serde_json::to_string(key).expect("cursor keys serialize");
    let envelope = Envelope {
        c: check(scope, fingerprint, &key_json),
        k: key,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&envelope).expect("cursors serialize"))
}

pub fn decode<K: DeserializeOwned + Serialize>(
    scope: &str,
    fingerprint: &str,
    cursor: &str,
) -> Result<K, ApiError> {
    let refused = || {
        ApiError::bad_request(
            "cursor is not one this API gave for this query (pass next_cursor back unchanged, \
             with the same filters)",
        )
    };
    if cursor.len() > MAX_CURSOR_CHARS {
        return Err(refused());
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| refused())?;
    let envelope: Envelope<K> = serde_json::from_slice(&bytes).map_err(|_| refused())?;
    let key_json = serde_json::to_string(&envelope.k).map_err(|_| refused())?;
    if check(scope, fingerprint, &key_json) != envelope.c {
        return Err(refused());
    }
    Ok(envelope.k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edited_cursors_are_refused() {
        let cursor = encode("issues", "site=a\n", &("a", "2024-01-01"));
        let key: (String, String) = decode("issues", "site=a\n", &cursor).unwrap();
        assert_eq!(key, ("a".into(), "2024-01-01".into()));
        // Every one-character edit of the cursor is refused, never read as another position.
        for idx in 0..cursor.len() {
            let mut edited = cursor.clone().into_bytes();
            edited[idx] = if edited[idx] == b'A' { b'B' } else { b'A' };
            let edited = String::from_utf8(edited).unwrap();
            assert!(
                decode::<(String, String)>("issues", "site=a\n", &edited).is_err(),
                "{edited}"
            );
        }
        for bad in ["", "!!", "e30", &"A".repeat(2000)] {
            assert!(
                decode::<(String, String)>("issues", "", bad).is_err(),
                "{bad}"
            );
        }
    }
}
