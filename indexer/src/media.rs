//! The media store: page scans, PDFs and article images named by their SHA-256, under the key
//! `<aa>/<sha256>` with `aa` the first two hex digits (contract 5 of the design brief). Two
//! backends behind one interface:
//! - a directory, `<root>/<aa>/<sha256>`, for the embedded mode and for services sharing a
//!   volume;
//! - S3-compatible object storage (`s3://bucket/prefix`, through the `object_store` crate), for
//!   services that share no file system.
//!
//! Both are `object_store` backends, so one code path stores and reads them.
//!
//! Invariants: the same bytes are stored once, however many URLs serve them; an object appears
//! whole or not at all (a file is written to a staging name and renamed into place; an S3 PUT
//! is atomic), so a reader or a crash never sees half of one.

use std::path::PathBuf;
use std::sync::Arc;

use epaper_common::config::MediaSettings;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::{ObjectStore, PutPayload};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

/// One `object_store` backend: its local file system (which writes to a staging file and
/// renames it into place) for a directory, Amazon S3's for `s3://` URLs.
#[derive(Debug, Clone)]
pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
    /// Where objects are, for locations and logs: a directory, or `s3://bucket/prefix`,
    /// without a trailing separator.
    root: String,
    /// The key prefix inside the store (the S3 URL's path; empty for a directory).
    prefix: String,
}

/// What was stored and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    /// The key under the store's root: `<aa>/<sha256>`.
    pub key: String,
    /// Where it is: a file path, or `s3://bucket/prefix/<aa>/<sha256>`.
    pub location: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("media store {0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error("media store {0}: {1}")]
    Object(String, #[source] object_store::Error),
    #[error("media store {0:?}: {1}")]
    Config(String, String),
}

/// The key of an object with this SHA-256 (hex).
pub fn key_of(sha256: &str) -> String {
    format!("{}/{sha256}", &sha256[..2])
}

impl MediaStore {
    /// A store in the directory `root`, created if missing.
    pub fn new(root: impl Into<PathBuf>) -> Result<MediaStore, MediaError> {
        let root = root.into();
        let shown = root.display().to_string();
        std::fs::create_dir_all(&root).map_err(|e| MediaError::Io(shown.clone(), e))?;
        let store = LocalFileSystem::new_with_prefix(&root)
            .map_err(|e| MediaError::Object(shown.clone(), e))?;
        Ok(MediaStore {
            store: Arc::new(store),
            root: shown
                .trim_end_matches(std::path::MAIN_SEPARATOR)
                .to_string(),
            prefix: String::new(),
        })
    }

    /// The store `[media]` configures: none when `dir` is empty, object storage when it is an
    /// `s3://bucket/prefix` URL, else a directory.
    pub fn from_settings(settings: &MediaSettings) -> Result<Option<MediaStore>, MediaError> {
        let target = settings.dir.trim();
        if target.is_empty() {
            return Ok(None);
        }
        let Some(rest) = target.strip_prefix("s3://") else {
            return MediaStore::new(target).map(Some);
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(MediaError::Config(target.into(), "no bucket named".into()));
        }
        // AWS_* variables first (the usual way to hand a container its credentials), then
        // whatever `[media]` sets explicitly.
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if !settings.s3_endpoint.is_empty() {
            builder = builder
                .with_endpoint(&settings.s3_endpoint)
                .with_allow_http(settings.s3_endpoint.starts_with("http://"));
        }
        if !settings.s3_region.is_empty() {
            builder = builder.with_region(&settings.s3_region);
        }
        if !settings.s3_access_key_id.is_empty() {
            builder = builder
                .with_access_key_id(&settings.s3_access_key_id)
                .with_secret_access_key(settings.s3_secret_access_key.expose_secret());
        }
        let store = builder
            .build()
            .map_err(|e| MediaError::Config(target.into(), e.to_string()))?;
        Ok(Some(MediaStore {
            store: Arc::new(store),
            root: target.trim_end_matches('/').to_string(),
            prefix: prefix.trim_matches('/').to_string(),
        }))
    }

    /// Where the store is, for logs: a directory or an `s3://` URL (never credentials).
    pub fn describe(&self) -> String {
        self.root.clone()
    }

    /// The object's path in the store, and where it is for people.
    fn locate(&self, key: &str) -> (object_store::path::Path, String) {
        let path = if self.prefix.is_empty() {
            object_store::path::Path::from(key)
        } else {
            object_store::path::Path::from(format!("{}/{key}", self.prefix))
        };
        let location = if self.root.starts_with("s3://") {
            format!("{}/{key}", self.root)
        } else {
            PathBuf::from(&self.root).join(key).display().to_string()
        };
        (path, location)
    }

    /// Stores `bytes` unless an object with the same hash and size is already there.
    pub async fn put(&self, bytes: &[u8]) -> Result<Stored, MediaError> {
        let sha256 = format!("{:x}", Sha256::digest(bytes));
        let key = key_of(&sha256);
        let size = bytes.len() as u64;
        let (path, location) = self.locate(&key);
        let error = |e| MediaError::Object(location.clone(), e);
        let present = match self.store.head(&path).await {
            Ok(meta) => meta.size == size,
            Err(object_store::Error::NotFound { .. }) => false,
            Err(e) => return Err(error(e)),
        };
        if !present {
            self.store
                .put(&path, PutPayload::from(bytes.to_vec()))
                .await
                .map_err(error)?;
        }
        Ok(Stored {
            sha256,
            size,
            key,
            location,
        })
    }

    /// The bytes stored under `sha256`, if any.
    pub async fn get(&self, sha256: &str) -> Result<Option<Vec<u8>>, MediaError> {
        let (path, location) = self.locate(&key_of(sha256));
        let error = |e| MediaError::Object(location.clone(), e);
        match self.store.get(&path).await {
            Ok(result) => result
                .bytes()
                .await
                .map(|b| Some(b.to_vec()))
                .map_err(error),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(error(e)),
        }
    }
}

/// A stored object opened for streaming: its size, known before the first byte is read, and
/// its bytes in chunks as the backend delivers them.
pub struct MediaObject {
    pub size: u64,
    pub chunks: futures_util::stream::BoxStream<'static, Result<bytes::Bytes, MediaError>>,
}

impl MediaStore {
    /// Opens the object stored under `sha256` for streaming, if any; the bytes are read as the
    /// stream is polled, so serving a large PDF holds one chunk in memory, not the file.
    pub async fn open(&self, sha256: &str) -> Result<Option<MediaObject>, MediaError> {
        use futures_util::StreamExt as _;
        let (path, location) = self.locate(&key_of(sha256));
        match self.store.get(&path).await {
            Ok(result) => Ok(Some(MediaObject {
                size: result.meta.size,
                chunks: result
                    .into_stream()
                    .map(move |chunk| chunk.map_err(|e| MediaError::Object(location.clone(), e)))
                    .boxed(),
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(MediaError::Object(location, e)),
        }
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
        let path = root.join(&a.sha256[..2]).join(&a.sha256);
        assert_eq!(a.location, path.display().to_string());
        assert_eq!(a.key, format!("{}/{}", &a.sha256[..2], a.sha256));
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.4 one");
        assert_eq!(
            store.get(&a.sha256).await.unwrap().unwrap(),
            b"%PDF-1.4 one"
        );
        assert_eq!(store.get(&"0".repeat(64)).await.unwrap(), None);
        let files: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(files.len(), 1, "no temporary files left behind");
        let _ = std::fs::remove_dir_all(root);
    }

    #[tokio::test]
    async fn open_streams_the_object_with_its_size() {
        use futures_util::StreamExt as _;
        let root = std::env::temp_dir().join(format!("epaper-media-open-{}", std::process::id()));
        let store = MediaStore::new(&root).unwrap();
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let stored = store.put(&bytes).await.unwrap();
        let object = store.open(&stored.sha256).await.unwrap().unwrap();
        assert_eq!(object.size, bytes.len() as u64);
        let chunks: Vec<_> = object.chunks.collect().await;
        assert!(chunks.len() > 1, "read in chunks, not whole");
        let read: Vec<u8> = chunks.into_iter().flat_map(|c| c.unwrap()).collect();
        assert_eq!(read, bytes);
        assert!(store.open(&"0".repeat(64)).await.unwrap().is_none());
        let _ = std::fs::remove_dir_all(root);
    }
}
