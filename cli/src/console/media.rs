//! `/media/{aa}/{sha256}`: stored scans, PDFs and images, streamed from the media store with a
//! type read from their first bytes.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Shared;
use super::checks::is_sha256;
use super::page::Failed;

/// What the first bytes of a stored object say it is. Anything not recognised is served as
/// an attachment of an opaque type, and `nosniff` keeps the browser from guessing otherwise.
fn media_type(head: &[u8]) -> Option<&'static str> {
    let kinds: [(&[u8], &str); 6] = [
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"BM", "image/bmp"),
    ];
    if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    kinds
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, kind)| *kind)
}

/// Streams a stored object: the type from its first bytes, its length from the store, the
/// bytes as they are read (a 60 MB PDF is never whole in memory).
pub(super) async fn media(
    State(console): State<Shared>,
    Path((aa, sha256)): Path<(String, String)>,
) -> Response {
    use futures_util::StreamExt as _;
    let valid = is_sha256(&sha256) && sha256.starts_with(&aa);
    let Some(store) = console.media.as_ref().filter(|_| valid) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let object = match store.open(&sha256).await {
        Ok(Some(object)) => object,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return Failed::from(error).into_response(),
    };
    let mut chunks = object.chunks;
    // Enough of the head to recognise the type; what was read is sent first.
    let mut head: Vec<bytes::Bytes> = Vec::new();
    while head.iter().map(bytes::Bytes::len).sum::<usize>() < 12 {
        match chunks.next().await {
            Some(Ok(chunk)) => head.push(chunk),
            Some(Err(error)) => return Failed::from(error).into_response(),
            None => break,
        }
    }
    let first: Vec<u8> = head
        .iter()
        .flat_map(|c| c.iter().copied())
        .take(12)
        .collect();
    let kind = media_type(&first);
    let body = futures_util::stream::iter(head.into_iter().map(Ok))
        .chain(chunks)
        .map(|chunk| chunk.map_err(std::io::Error::other));
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(kind.unwrap_or("application/octet-stream")),
    );
    headers.insert(header::CONTENT_LENGTH, object.size.into());
    if kind.is_none() {
        headers.insert(
            header::CONTENT_DISPOSITION,
            header::HeaderValue::from_static("attachment"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_come_from_magic_bytes() {
        assert_eq!(media_type(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(media_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(media_type(b"<html><script>"), None);
    }
}
