//! WARC/1.1 (ISO 28500), the file format of web archives: `epaper export --format warc` writes
//! the raw archive as WARC and `epaper import --warc` reads WARC files into the archive.
//!
//! The format is written here, not by a crate: a record is a version line, named fields, a
//! blank line, the block, and two CRLFs, each record its own gzip member. The test reads what
//! this writes with warcio (cli/tests/e2e/warc.rs), an implementation that shares nothing
//! with this one.
//!
//! What must stay true: every field written is a token name and a one-line value (a hostile
//! URL or header cannot add a field or split a record); the digests are SHA-1 in base32
//! (`sha1:…`, what warcio and pywb compute and check); the reader caps every size it reads
//! before it allocates and names the file and offset of whatever it refuses.

pub mod export;
pub mod http;
pub mod import;
pub mod read;
pub mod write;

use sha1::{Digest, Sha1};

/// `sha1:` and the base32 of the SHA-1 of `bytes`: WARC's `WARC-Block-Digest` and
/// `WARC-Payload-Digest` as warcio writes and checks them.
pub fn sha1_digest(bytes: &[u8]) -> String {
    format!("sha1:{}", base32(&Sha1::digest(bytes)))
}

/// RFC 4648 base32, upper case, padded.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buffer = [0u8; 5];
        buffer[..chunk.len()].copy_from_slice(chunk);
        let bits = buffer
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        // Characters that carry input bits: ceil(8 * len / 5); the rest of the 8 are padding.
        let n_chars = (chunk.len() * 8).div_ceil(5);
        for at in 0..8 {
            if at < n_chars {
                let index = (bits >> (35 - 5 * at)) & 0x1f;
                out.push(ALPHABET[index as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A fresh `urn:uuid:` record id: a version-4 UUID from the process's random hasher keys, the
/// clock and a counter, so that no two records of any export share one.
pub fn record_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mut halves = [0u64; 2];
    for (i, half) in halves.iter_mut().enumerate() {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(nanos);
        hasher.write_u64(n);
        hasher.write_usize(i);
        *half = hasher.finish();
    }
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&halves[0].to_be_bytes());
    bytes[8..].copy_from_slice(&halves[1].to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Non-standard fields epaper adds to its records, so that an import puts each record back
/// where it came from. Other tools ignore fields they do not know.
pub mod fields {
    /// The site profile id of the document's paper.
    pub const SITE: &str = "epaper-Site";
    /// The date of the issue the document belongs to (`YYYY-MM-DD`).
    pub const ISSUE_DATE: &str = "epaper-Issue-Date";
    /// page, article, scan, pdf or image.
    pub const KIND: &str = "epaper-Kind";
    /// For a medium: the page or article it belongs to.
    pub const OWNER: &str = "epaper-Owner-URI";
    /// On a `response` record of a document archived before the crawler kept response
    /// headers: the status line and headers were rebuilt from the stored status, Content-Type,
    /// ETag, Last-Modified and the length of the bytes, not served like this.
    pub const SYNTHESIZED: &str = "epaper-Synthesized-Headers";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_the_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI======"),
        ];
        for (input, expected) in vectors {
            assert_eq!(base32(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn digests_are_sha1_in_base32_as_warcio_writes_them() {
        // SHA-1("") = da39a3ee5e6b4b0d3255bfef95601890afd80709, and warcio's digest of an empty
        // payload is this string.
        assert_eq!(sha1_digest(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
        // SHA-1("abc") = a9993e364706816aba3e25717850c26c9cd0d89d.
        assert_eq!(sha1_digest(b"abc"), "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
    }

    #[test]
    fn record_ids_are_distinct_version_4_uuids() {
        let a = record_id();
        let b = record_id();
        assert_ne!(a, b);
        assert!(a.starts_with("<urn:uuid:") && a.ends_with('>'), "{a}");
        assert_eq!(a.len(), "<urn:uuid:>".len() + 36, "{a}");
        assert_eq!(&a[24..25], "4", "{a}");
    }
}
