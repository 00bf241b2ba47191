//! Removing identifying metadata from images before they are sealed.
//!
//! Phone photos carry GPS coordinates, the device's make, model and serial number, and the
//! exact time they were taken. For JPEG, PNG and WebP the container is rewritten without
//! those parts (img-parts works on the container, never decodes or re-encodes pixels).
//! Everything else is sealed as sent; the form warns reporters about that.

use bytes::Bytes;
use img_parts::{jpeg::Jpeg, png::Png, webp::WebP};

/// Image containers tipbox cleans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    WebP,
}

/// Bytes needed to recognise an image by its signature (not by its name or claimed type,
/// which the sender controls).
pub const SNIFF_LEN: usize = 12;

pub fn sniff(head: &[u8]) -> Option<ImageKind> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some(ImageKind::WebP)
    } else {
        None
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the {0:?} image is damaged and could not be cleaned of its metadata")]
pub struct StripError(pub ImageKind);

/// The image without its metadata. The pixel data is copied byte for byte.
pub fn strip(kind: ImageKind, data: Bytes) -> Result<Bytes, StripError> {
    match kind {
        ImageKind::Jpeg => strip_jpeg(data),
        ImageKind::Png => strip_png(data),
        ImageKind::WebP => strip_webp(data),
    }
    .ok_or(StripError(kind))
}

fn strip_jpeg(data: Bytes) -> Option<Bytes> {
    const APP0: u8 = 0xE0; // JFIF: needed to interpret the image
    const APP2: u8 = 0xE2; // ICC profile (kept for colour) or MPF (dropped)
    const APP14: u8 = 0xEE; // Adobe: needed to decode CMYK/YCCK images correctly
    const COM: u8 = 0xFE;
    const SOS: u8 = 0xDA;
    let mut jpeg = Jpeg::from_bytes(data).ok()?;
    let segments = jpeg.segments_mut();
    segments.retain(|s| {
        let m = s.marker();
        match m {
            APP0 | APP14 => true,
            APP2 => s.contents().starts_with(b"ICC_PROFILE\0"),
            // APP1 (EXIF, XMP), APP3-APP13 (maker notes, IPTC/Photoshop), APP15, comments.
            0xE1..=0xEF | COM => false,
            _ => true,
        }
    });
    // img-parts keeps everything after the first scan header as "entropy", including what
    // follows the end-of-image marker: phones append preview and depth images there, each
    // with its own EXIF block. Entropy-coded data never contains FF D9 (every FF is stuffed
    // or a restart marker), so the first FF D9 is the real end of the image: cut there.
    let sos = segments.iter().position(|s| s.marker() == SOS)?;
    // SOI (2 bytes) plus every segment header up to and including the scan header.
    let header_len = 2 + segments[..=sos].iter().map(|s| s.len()).sum::<usize>();
    let encoded = jpeg.encoder().bytes();
    let entropy = encoded.get(header_len..)?;
    let end = entropy.windows(2).position(|w| w == [0xFF, 0xD9])? + 2;
    Some(encoded.slice(..header_len + end))
}

fn strip_png(data: Bytes) -> Option<Bytes> {
    let mut png = Png::from_bytes(data).ok()?;
    // Text chunks carry comments, authors, software and GPS; eXIf carries EXIF; tIME the
    // modification time. None of them is needed to show the pixels.
    for kind in [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"] {
        png.remove_chunks_by_type(kind);
    }
    Some(png.encoder().bytes())
}

fn strip_webp(data: Bytes) -> Option<Bytes> {
    use img_parts::ImageEXIF;
    let mut webp = WebP::from_bytes(data).ok()?;
    // XMP first: set_exif recomputes the VP8X feature flags from the chunks left.
    webp.remove_chunks_by_id(*b"XMP ");
    webp.set_exif(None);
    Some(webp.encoder().bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_uses_signatures() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ImageKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(ImageKind::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageKind::WebP));
        assert_eq!(sniff(b"%PDF-1.7"), None);
    }
}
