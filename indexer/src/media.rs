//! The media store: page scans, PDFs and article images as files named by their SHA-256,
//! `<root>/<aa>/<sha256>` with `aa` the first two hex digits (contract 5 of the design brief).
//!
//! Invariants: the same bytes are stored once, however many URLs serve them; a file is written
//! to a temporary name and renamed into place, so a reader (or a crash) never sees half a file.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Debug, Clone)]
pub struct MediaStore {
    root: PathBuf,
}

/// Where a stored object lives and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    pub path: PathBuf,
}

impl MediaStore {
    pub fn new(root: impl Into<PathBuf>) -> std::io::Result<MediaStore> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        Ok(MediaStore { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2]).join(sha256)
    }

    /// Stores `bytes` unless an object with the same hash is already there.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<Stored> {
        let sha256 = format!("{:x}", Sha256::digest(bytes));
        let path = self.path_of(&sha256);
        let stored = Stored {
            sha256: sha256.clone(),
            size: bytes.len() as u64,
            path: path.clone(),
        };
        if tokio::fs::metadata(&path)
            .await
            .is_ok_and(|m| m.len() == bytes.len() as u64)
        {
            return Ok(stored);
        }
        let dir = path.parent().expect("objects live in a subdirectory");
        tokio::fs::create_dir_all(dir).await?;
        let temporary = dir.join(format!(".{sha256}.{}.tmp", std::process::id()));
        tokio::fs::write(&temporary, bytes).await?;
        tokio::fs::rename(&temporary, &path).await?;
        Ok(stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn same_bytes_are_stored_once_under_their_hash() {
        let root = std::env::temp_dir().join(format!("epaper-media-{}", std::process::id()));
        let store = MediaStore::new(&root).unwrap();
        let a = store.put(b"%PDF-1.4 one").await.unwrap();
        let b = store.put(b"%PDF-1.4 one").await.unwrap();
        assert_eq!(a, b);
        assert_eq!(a.path, root.join(&a.sha256[..2]).join(&a.sha256));
        assert_eq!(std::fs::read(&a.path).unwrap(), b"%PDF-1.4 one");
        let files: Vec<_> = std::fs::read_dir(a.path.parent().unwrap())
            .unwrap()
            .collect();
        assert_eq!(files.len(), 1, "no temporary files left behind");
        let _ = std::fs::remove_dir_all(root);
    }
}
