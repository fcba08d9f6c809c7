//! What a fetched medium (scan, PDF, image) must be before it is handed on: the kind its URL
//! promised, and no decompression bomb.
//!
//! What must stay true: a medium is checked by its bytes, never by its URL or content type; an
//! image header is read, nothing is decoded.

use epaper_common::messages::DocKind;

/// Pixels an image may claim: a large newspaper scan is about 4,000 × 6,000 (24 M). A small
/// file that declares billions of pixels would exhaust whoever decodes it (a viewer, a
/// thumbnailer).
const MAX_PIXELS: u64 = 200_000_000;

/// Refuses an image whose header declares more than [`MAX_PIXELS`] (a decompression bomb). The
/// header alone is read, nothing is decoded. A header that cannot be read passes: such bytes are
/// no bomb for a decoder, which fails on them at once.
fn pixel_bomb(body: &[u8]) -> Result<(), String> {
    let Some((format, width, height)) = declared_size(body) else {
        return Ok(());
    };
    if width.saturating_mul(height) > MAX_PIXELS {
        return Err(format!(
            "a {format} of {width} × {height} pixels, over the {MAX_PIXELS}-pixel limit"
        ));
    }
    Ok(())
}

/// The format and the width and height an image's header declares: `imagesize` for PNG, JPEG,
/// GIF, WebP and TIFF (it reads headers only and has no dependencies), with two corrections
/// where it reads a field whole: a BMP's height is signed (negative for top-down rows), and a
/// lossy WebP's 16-bit size fields carry a 2-bit scale above the 14-bit size.
fn declared_size(body: &[u8]) -> Option<(String, u64, u64)> {
    use imagesize::ImageType;
    let format = imagesize::image_type(body).ok()?;
    let u16_at = |at: usize| Some(u16::from_le_bytes(body.get(at..at + 2)?.try_into().ok()?));
    let i32_at = |at: usize| Some(i32::from_le_bytes(body.get(at..at + 4)?.try_into().ok()?));
    let (width, height) = match format {
        // BITMAPCOREHEADER (12 bytes) has 16-bit sizes; every later header signed 32-bit ones.
        ImageType::Bmp if i32_at(14)? == 12 => (u64::from(u16_at(18)?), u64::from(u16_at(20)?)),
        ImageType::Bmp => (
            u64::from(i32_at(18)?.unsigned_abs()),
            u64::from(i32_at(22)?.unsigned_abs()),
        ),
        ImageType::Webp if body.get(12..16)? == b"VP8 " => (
            u64::from(u16_at(26)? & 0x3FFF),
            u64::from(u16_at(28)? & 0x3FFF),
        ),
        _ => {
            let size = imagesize::blob_size(body).ok()?;
            (size.width as u64, size.height as u64)
        }
    };
    Some((format!("{format:?}").to_uppercase(), width, height))
}

/// The width and height in pixels an image's header declares (PNG, JPEG, GIF, WebP, TIFF, BMP),
/// read as the crawler's pixel-bomb check reads it; `None` when the header cannot be read. The
/// console draws a page's article regions in this pixel space.
pub fn image_size(head: &[u8]) -> Option<(u64, u64)> {
    declared_size(head).map(|(_, width, height)| (width, height))
}

/// Checks that the bytes are what the URL promised: an HTML error page served as `.pdf` is a
/// failure, not a PDF.
pub fn verify_media(kind: DocKind, body: &[u8]) -> Result<(), String> {
    let is_image = body.starts_with(b"\x89PNG\r\n\x1a\n")
        || body.starts_with(&[0xFF, 0xD8, 0xFF])
        || body.starts_with(b"GIF87a")
        || body.starts_with(b"GIF89a")
        || (body.len() > 12 && &body[..4] == b"RIFF" && &body[8..12] == b"WEBP")
        || body.starts_with(b"BM");
    let ok = match kind {
        DocKind::Pdf => body.starts_with(b"%PDF-"),
        DocKind::Scan | DocKind::Image => is_image,
        DocKind::Page | DocKind::Article => true,
    };
    if ok {
        return pixel_bomb(body);
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(64)]).to_lowercase();
    let looks_like = if head.contains("<html") || head.contains("<!doctype") {
        "an HTML page"
    } else {
        "something else"
    };
    Err(format!(
        "expected a {} but the bytes are {looks_like}",
        kind.as_str()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_bytes_must_match_their_kind() {
        assert!(verify_media(DocKind::Pdf, b"%PDF-1.4\n...").is_ok());
        assert!(verify_media(DocKind::Scan, b"\x89PNG\r\n\x1a\n....").is_ok());
        assert!(verify_media(DocKind::Image, &[0xFF, 0xD8, 0xFF, 0xE0]).is_ok());
        let error = verify_media(DocKind::Pdf, b"<!DOCTYPE html><html>404</html>").unwrap_err();
        assert!(
            error.contains("expected a pdf") && error.contains("HTML"),
            "{error}"
        );
        assert!(verify_media(DocKind::Scan, b"%PDF-1.4").is_err());
    }

    /// Headers of each format an image can come in, as small as the format allows, declaring
    /// `width` × `height` (clamped to what the format can hold).
    fn image_header(format: &str, width: u32, height: u32) -> Vec<u8> {
        let mut b = Vec::new();
        let (w16, h16) = (width.min(0xFFFF) as u16, height.min(0xFFFF) as u16);
        match format {
            "png" => {
                b.extend_from_slice(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR");
                b.extend_from_slice(&width.to_be_bytes());
                b.extend_from_slice(&height.to_be_bytes());
                b.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
            }
            "jpeg" => {
                // SOI, an APP0 segment, then SOF0 (precision, height, width, components).
                b.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]);
                b.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
                b.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8]);
                b.extend_from_slice(&h16.to_be_bytes());
                b.extend_from_slice(&w16.to_be_bytes());
                b.extend_from_slice(&[1, 1, 0x11, 0, 0xFF, 0xD9]);
            }
            "gif" => {
                b.extend_from_slice(b"GIF89a");
                b.extend_from_slice(&w16.to_le_bytes());
                b.extend_from_slice(&h16.to_le_bytes());
                b.extend_from_slice(&[0, 0, 0, 0x3B]);
            }
            "webp" => {
                // The extended format (VP8X): 24-bit sizes minus one.
                b.extend_from_slice(b"RIFF\x16\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0");
                b.extend_from_slice(&(width.min(1 << 24) - 1).to_le_bytes()[..3]);
                b.extend_from_slice(&(height.min(1 << 24) - 1).to_le_bytes()[..3]);
            }
            "webp-lossy" => {
                // VP8: frame tag, start code, then 14-bit sizes with a 2-bit scale above.
                b.extend_from_slice(b"RIFF\x1a\0\0\0WEBPVP8 \x0e\0\0\0");
                b.extend_from_slice(&[0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A]);
                b.extend_from_slice(&((width.min(0x3FFF) as u16) | 0xC000).to_le_bytes());
                b.extend_from_slice(&((height.min(0x3FFF) as u16) | 0x4000).to_le_bytes());
                b.extend_from_slice(&[0, 0]);
            }
            "bmp" | "bmp-top-down" => {
                b.extend_from_slice(b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0");
                let height = if format == "bmp" {
                    height as i32
                } else {
                    -(height as i32)
                };
                b.extend_from_slice(&(width as i32).to_le_bytes());
                b.extend_from_slice(&height.to_le_bytes());
                b.extend_from_slice(&[1, 0, 24, 0]);
                b.extend_from_slice(&[0; 24]);
            }
            "tiff" => {
                // Little-endian, one IFD of two LONG entries: ImageWidth, ImageLength.
                b.extend_from_slice(b"II*\0\x08\0\0\0\x02\0");
                for (tag, value) in [(256u16, width), (257, height)] {
                    b.extend_from_slice(&tag.to_le_bytes());
                    b.extend_from_slice(&4u16.to_le_bytes());
                    b.extend_from_slice(&1u32.to_le_bytes());
                    b.extend_from_slice(&value.to_le_bytes());
                }
                b.extend_from_slice(&[0; 4]);
            }
            other => panic!("no header for {other}"),
        }
        b
    }

    #[test]
    fn an_image_declaring_too_many_pixels_is_refused_in_every_format() {
        let formats = [
            "png",
            "jpeg",
            "gif",
            "webp",
            "webp-lossy",
            "bmp",
            "bmp-top-down",
            "tiff",
        ];
        for format in formats {
            // A large newspaper scan passes (JPEG and GIF sizes are 16-bit, WebP's lossy 14-bit).
            let small = image_header(format, 4_000, 6_000);
            assert_eq!(
                declared_size(&small).map(|(_, w, h)| (w, h)),
                Some((4_000, 6_000)),
                "{format}"
            );
            assert!(pixel_bomb(&small).is_ok(), "{format}");
            // 100000 × 100000, or the largest the format can declare: all over the limit.
            let bomb = image_header(format, 100_000, 100_000);
            let error = pixel_bomb(&bomb).expect_err(format);
            assert!(error.contains("over the 200000000-pixel limit"), "{error}");
        }
        // Through the media check, for the formats media are accepted in.
        for format in ["png", "jpeg", "gif", "webp", "bmp"] {
            assert!(verify_media(DocKind::Image, &image_header(format, 640, 480)).is_ok());
            let error = verify_media(DocKind::Scan, &image_header(format, 100_000, 100_000))
                .expect_err(format);
            assert!(error.contains("pixels"), "{format}: {error}");
        }
        let error = pixel_bomb(&image_header("png", 100_000, 100_000)).unwrap_err();
        assert!(error.contains("a PNG of 100000 × 100000"), "{error}");
    }
}
