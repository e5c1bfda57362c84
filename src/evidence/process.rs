//! The evidence-processing pipeline: turns the raw bytes of an upload into the bytes we store.
//!
//! Every upload is identified by its content (never by its name or claimed type), checked
//! against [`Limits`], decoded, and written out again from scratch, so nothing but the pixels
//! or the page content survives: no EXIF (GPS position, camera serial), no XMP, no ICC profile,
//! no PNG text chunks, no PDF document-information dictionary. Re-encoding also means a file
//! that only *looks* like an image cannot smuggle anything else through.
//!
//! Everything here is pure and CPU-bound (no I/O, no async). Async callers should run
//! [`process`] on a blocking thread (`tokio::task::spawn_blocking`).

/// `include_bytes!` of a file in `tests/fixtures/` (see its README), for this module's tests.
#[cfg(test)]
macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/",
            $name
        ))
        .as_slice()
    };
}

mod image;
mod pdf;

use std::time::Duration;

use sha2::{Digest, Sha256};

const MIB: usize = 1024 * 1024;

/// How much an upload may weigh, checked before any expensive work.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted upload in bytes. Checked first, before the content is even sniffed.
    pub max_bytes: usize,
    /// Largest accepted image area (width × height), checked from the image header before
    /// decoding so that a small file claiming a huge canvas (a decompression bomb) costs nothing.
    /// Applies to each image inside a PDF too.
    pub max_pixels: u64,
    /// How long cleaning one PDF may take, checked between objects and steps. The PDF worker
    /// process is also killed a little after it (see `evidence::pdf_worker`).
    pub pdf_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 10 * MIB,
            max_pixels: 40_000_000,
            pdf_time: Duration::from_secs(10),
        }
    }
}

pub use crate::domain::media_type::MediaType;

/// The cleaned file, ready to be stored.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Type of `bytes`. Not always the upload's type: lossy WebP photos are stored as JPEG.
    pub media_type: MediaType,
    /// The re-encoded file, free of metadata.
    pub bytes: Vec<u8>,
    /// Lowercase hex SHA-256 of `bytes` (the stored file, not the upload).
    pub sha256: String,
    /// Pixel width after EXIF orientation was applied; `None` for PDFs.
    pub width: Option<u32>,
    /// Pixel height after EXIF orientation was applied; `None` for PDFs.
    pub height: Option<u32>,
}

/// Why an upload was refused. `Display` is a message for the person uploading, shown next to
/// the upload field: it says what is wrong and what to do about it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EvidenceError {
    /// Zero bytes: usually a failed or cancelled upload.
    #[error("The file is empty. Choose the photo or PDF again and upload it.")]
    Empty,
    /// Over [`Limits::max_bytes`], which is echoed back in the message.
    #[error(
        "The file is larger than {}. Upload a smaller file, for example a resized photo or a \
         PDF with fewer pages.",
        format_bytes(*.max_bytes)
    )]
    TooLarge { max_bytes: usize },
    /// Not one of the accepted types. `detected` names what it is when we can tell
    /// (e.g. `"HTML document"`, `"GIF image"`).
    #[error("{}", unsupported_message(*.detected))]
    Unsupported { detected: Option<&'static str> },
    /// Width and height are as the image would be displayed (after EXIF orientation).
    #[error(
        "The image is {width}×{height} pixels; the limit is {} megapixels. Resize it and upload \
         it again.",
        format_megapixels(*.max_pixels)
    )]
    TooManyPixels {
        width: u32,
        height: u32,
        max_pixels: u64,
    },
    /// The content matched an accepted type but could not be decoded. `what` is e.g.
    /// `"JPEG image"` or `"PDF document"`.
    #[error(
        "The {what} is damaged or incomplete and can't be read. Save or export it again, then \
         upload it."
    )]
    Corrupt { what: &'static str },
    /// A PDF that needs a password to open: we can neither check nor clean it.
    #[error(
        "This PDF is password-protected, and password-protected PDFs can't be accepted. Remove \
         the password (for example by printing it to a new PDF) and upload it again."
    )]
    PasswordProtected,
    /// A PDF past one of the limits on parsing it (objects, unpacked bytes, time, memory):
    /// most often a crafted file, sometimes a huge export.
    #[error(
        "This PDF is too complex to check: {reason}. Print it to a new PDF or save its pages as \
         images, then upload that instead."
    )]
    PdfTooComplex { reason: PdfComplexity },
    /// An image inside a PDF that we can't decode, so can't clean of metadata. `kind` is e.g.
    /// `"JPEG 2000 image"`.
    #[error(
        "This PDF contains {} {kind}, which can't be checked for hidden data such as a \
         location. Print it to a new PDF or save its pages as images, then upload that instead.",
        indefinite_article(kind)
    )]
    PdfImageUnreadable { kind: &'static str },
    /// An image inside a PDF over [`Limits::max_pixels`].
    #[error(
        "An image inside this PDF is {width}×{height} pixels; the limit is {} megapixels. Print \
         the PDF to a new PDF at a lower resolution and upload it again.",
        format_megapixels(*.max_pixels)
    )]
    PdfImageTooLarge {
        width: u32,
        height: u32,
        max_pixels: u64,
    },
}

/// What [`EvidenceError::PdfImageUnreadable`] may name.
pub const PDF_IMAGE_KINDS: [&str; 4] = [
    PDF_IMAGE_JPEG_2000,
    PDF_IMAGE_DAMAGED_JPEG,
    PDF_IMAGE_UNCOMMON_JPEG,
    PDF_IMAGE_UNUSUAL_ENCODING,
];
pub(crate) const PDF_IMAGE_JPEG_2000: &str = "JPEG 2000 image";
pub(crate) const PDF_IMAGE_DAMAGED_JPEG: &str = "damaged JPEG image";
pub(crate) const PDF_IMAGE_UNCOMMON_JPEG: &str = "JPEG image in an uncommon variant";
pub(crate) const PDF_IMAGE_UNUSUAL_ENCODING: &str = "image in an unusual encoding";

/// Which limit a PDF went past; `Display` finishes the sentence "This PDF is too complex to
/// check: …".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfComplexity {
    /// Too many objects, or objects with too many elements.
    Objects,
    /// Its streams unpack to more bytes than the budget for one file.
    Unpacked,
    /// Object streams whose members share or overlap their bytes: never written by real
    /// software, and the shape of the files that make parsers do the same work thousands of times.
    Structure,
    /// Past [`Limits::pdf_time`].
    Time,
    /// The worker process ran out of the memory it is allowed.
    Memory,
}

impl PdfComplexity {
    /// Every variant, with the word the PDF worker uses for it on its error line.
    pub const ALL: [(Self, &'static str); 5] = [
        (Self::Objects, "objects"),
        (Self::Unpacked, "unpacked"),
        (Self::Structure, "structure"),
        (Self::Time, "time"),
        (Self::Memory, "memory"),
    ];
}

impl std::fmt::Display for PdfComplexity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Objects => "it holds more objects than we can check",
            Self::Unpacked => "its compressed parts unpack to more data than we can check",
            Self::Structure => "its internal structure is malformed",
            Self::Time => "checking it took too long",
            Self::Memory => "checking it needed too much memory",
        })
    }
}

/// Identifies an upload by its magic bytes. The file name and the browser-supplied type are
/// deliberately not consulted: both are chosen by the uploader.
///
/// Refused uploads get [`EvidenceError::Unsupported`] naming the actual type where it is a
/// common mistake (HTML page saved instead of the image, HEIC photo, ZIP archive, …).
pub fn sniff(bytes: &[u8]) -> Result<MediaType, EvidenceError> {
    if bytes.is_empty() {
        Err(EvidenceError::Empty)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(MediaType::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(MediaType::Png)
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Ok(MediaType::Webp)
    } else if pdf_header_offset(bytes).is_some() {
        Ok(MediaType::Pdf)
    } else {
        Err(EvidenceError::Unsupported {
            detected: identify_unsupported(bytes),
        })
    }
}

/// Checks, cleans and re-encodes one upload; see the module docs.
///
/// Order matters for cost: size first, then type, then (for images) the header dimensions,
/// and only then the expensive decode.
pub fn process(bytes: &[u8], limits: &Limits) -> Result<Processed, EvidenceError> {
    if bytes.is_empty() {
        return Err(EvidenceError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(EvidenceError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    let (media_type, output, dimensions) = match sniff(bytes)? {
        MediaType::Jpeg => image::reencode(bytes, image::Input::Jpeg, limits)?.into_parts(),
        MediaType::Png => image::reencode(bytes, image::Input::Png, limits)?.into_parts(),
        MediaType::Webp => image::reencode(bytes, image::Input::Webp, limits)?.into_parts(),
        MediaType::Pdf => {
            // Readers accept (and some producers emit) junk before the header; offsets in the
            // file are relative to the header, so hand lopdf the file as it starts there.
            let start = pdf_header_offset(bytes).unwrap_or(0);
            let pdf = bytes.get(start..).unwrap_or(bytes);
            (MediaType::Pdf, pdf::clean(pdf, limits)?, None)
        }
    };
    Ok(Processed {
        media_type,
        sha256: hex::encode(Sha256::digest(&output)),
        bytes: output,
        width: dimensions.map(|(width, _)| width),
        height: dimensions.map(|(_, height)| height),
    })
}

impl Processed {
    /// A cleaned PDF (as [`process`] returns it, e.g. from the PDF worker process).
    pub fn pdf(bytes: Vec<u8>) -> Self {
        Self {
            media_type: MediaType::Pdf,
            sha256: hex::encode(Sha256::digest(&bytes)),
            bytes,
            width: None,
            height: None,
        }
    }
}

/// The PDF spec lets `%PDF-` appear anywhere in the first 1024 bytes. We accept that, but
/// only when the file doesn't start as markup: an HTML page that mentions `%PDF-1.4` (or a
/// PHP warning glued before a PDF) is not a PDF we want.
fn pdf_header_offset(bytes: &[u8]) -> Option<usize> {
    if bytes.starts_with(b"%PDF-") {
        return Some(0);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if markup_kind(head).is_some() {
        return None;
    }
    head.windows(6)
        .position(|w| w.starts_with(b"%PDF-") && w[5].is_ascii_digit())
}

/// Names the type of a refused upload, for the error message. Best effort: `None` when unsure.
fn identify_unsupported(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"II*\0", "TIFF or camera RAW image"),
        (b"MM\0*", "TIFF or camera RAW image"),
        (b"\xFF\x0A", "JPEG XL image"),
        (b"\0\0\0\x0CJXL \r\n\x87\n", "JPEG XL image"),
        (b"\0\0\0\x0CjP  \r\n\x87\n", "JPEG 2000 image"),
        (b"8BPS", "Photoshop document"),
        (b"Rar!\x1A\x07", "RAR archive"),
        (b"7z\xBC\xAF\x27\x1C", "7-Zip archive"),
        (b"\x1F\x8B", "gzip archive"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "Microsoft Office document",
        ),
        (b"{\\rtf", "RTF document"),
        (b"%!PS", "PostScript document"),
        (b"\x7FELF", "executable program"),
        (b"\x1A\x45\xDF\xA3", "WebM or Matroska video"),
        (b"OggS", "Ogg audio or video"),
        (b"fLaC", "FLAC audio"),
        (b"ID3", "MP3 audio"),
    ];
    let head = &bytes[..bytes.len().min(1024)];
    if let Some(kind) = markup_kind(head) {
        return Some(kind);
    }
    if let Some((_, kind)) = MAGIC.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Some(kind);
    }
    if head.starts_with(b"PK\x03\x04") {
        return Some(zip_kind(&bytes[..bytes.len().min(4096)]));
    }
    if head.get(4..8) == Some(b"ftyp") {
        return Some(ftyp_kind(head));
    }
    if head.starts_with(b"RIFF") {
        return match head.get(8..12) {
            Some(b"AVI ") => Some("AVI video"),
            Some(b"WAVE") => Some("WAV audio"),
            _ => None,
        };
    }
    if is_text(head) {
        return Some("text file");
    }
    // Two-byte signatures are weak, so they are only trusted for non-text files.
    if head.starts_with(b"MZ") {
        return Some("Windows program");
    }
    // "BM" followed by a known DIB header size at offset 14.
    if head.starts_with(b"BM")
        && head.get(14..18).is_some_and(|size| {
            [12, 40, 52, 56, 64, 108, 124].contains(&size[0]) && size[1..] == [0; 3]
        })
    {
        return Some("BMP image");
    }
    None
}

/// HTML, XML or SVG: text whose first non-blank character (after a UTF-8 BOM) is `<`.
fn markup_kind(head: &[u8]) -> Option<&'static str> {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = text.trim_ascii_start();
    if !text.starts_with(b"<") {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let contains = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    Some(if contains(b"<html") {
        "HTML document"
    } else if contains(b"<svg") {
        "SVG image"
    } else if lower.starts_with(b"<?xml") {
        "XML document"
    } else {
        // `<!doctype html>`, `<!-- … -->`, `<head>`, a bare fragment…
        "HTML document"
    })
}

/// ZIP containers: say which Office format when the first entries make it obvious.
fn zip_kind(head: &[u8]) -> &'static str {
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if contains(b"word/") {
        "Word document"
    } else if contains(b"xl/") {
        "Excel spreadsheet"
    } else if contains(b"ppt/") {
        "PowerPoint presentation"
    } else if contains(b"application/vnd.oasis.opendocument") {
        "OpenDocument file"
    } else {
        "ZIP archive"
    }
}

/// ISO base media files (`ftyp` box): HEIC/AVIF photos (iPhone, recent Android) and videos.
/// Looks at the major brand and the compatible brands.
fn ftyp_kind(head: &[u8]) -> &'static str {
    let box_end = head
        .get(..4)
        .and_then(|size| size.try_into().ok())
        .map_or(0, |size| u32::from_be_bytes(size) as usize)
        .min(head.len());
    let major = head.get(8..12);
    let compatible = head.get(16..box_end).unwrap_or_default().chunks_exact(4);
    let brands: Vec<&[u8]> = major.into_iter().chain(compatible).collect();
    let has = |wanted: &[&[u8]]| brands.iter().any(|brand| wanted.contains(brand));
    if has(&[b"avif", b"avis"]) {
        "AVIF image"
    } else if has(&[
        b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1",
    ]) {
        "HEIC image"
    } else if major == Some(b"qt  ") {
        "QuickTime video"
    } else if major == Some(b"crx ") {
        "Canon RAW image"
    } else if major == Some(b"M4A ") {
        "M4A audio"
    } else {
        "MP4 video"
    }
}

/// UTF-8 without control characters other than tab, line breaks and form feed. The head may
/// end in the middle of a multi-byte character.
fn is_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    };
    valid
        && head
            .iter()
            .all(|&b| matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x20..=0x7E | 0x80..=0xFF))
}

fn unsupported_message(detected: Option<&str>) -> String {
    const ACCEPTED: &str = "Upload JPEG, PNG or WebP images or PDF files.";
    match detected {
        // An image in the wrong format: the fix is to convert it, not to find another file.
        Some(what) if what.contains(" image") => format!(
            "This file is {} {what}, which isn't supported. Save or export it as JPEG or PNG and \
             upload it again.",
            indefinite_article(what)
        ),
        Some(what) => format!(
            "This file is {} {what}, not a photo or PDF. {ACCEPTED}",
            indefinite_article(what)
        ),
        None => format!("This type of file isn't supported. {ACCEPTED}"),
    }
}

/// "a" or "an" for the type names above, going by sound ("an HTML", "a HEIC").
fn indefinite_article(what: &str) -> &'static str {
    const VOWEL_SOUNDING_INITIALISMS: &[&str] = &["HTML", "SVG", "XML", "MP3", "MP4", "M4A", "RTF"];
    let first_word = what.split(' ').next().unwrap_or_default();
    let starts_with_vowel = first_word
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    if starts_with_vowel || VOWEL_SOUNDING_INITIALISMS.contains(&first_word) {
        "an"
    } else {
        "a"
    }
}

/// "10 MiB", "1.5 MiB", "512 KiB", "100 bytes".
fn format_bytes(bytes: usize) -> String {
    const KIB: usize = 1024;
    let scaled = |unit: usize, name: &str| {
        if bytes.is_multiple_of(unit) {
            format!("{} {name}", bytes / unit)
        } else {
            format!("{:.1} {name}", bytes as f64 / unit as f64)
        }
    };
    if bytes >= MIB {
        scaled(MIB, "MiB")
    } else if bytes >= KIB {
        scaled(KIB, "KiB")
    } else {
        format!("{bytes} bytes")
    }
}

/// "40", "12.5": f64's `Display` is the shortest exact form, without a trailing ".0".
fn format_megapixels(pixels: u64) -> String {
    (pixels as f64 / 1_000_000.0).to_string()
}

#[cfg(test)]
mod tests;
