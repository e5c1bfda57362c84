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

/// The kinds of evidence we accept and store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl MediaType {
    /// The MIME type to serve the stored file with.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
        }
    }

    /// The file extension (without dot) to use for the stored file.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Pdf => "pdf",
        }
    }

    /// Parses a MIME type as stored by [`MediaType::mime`]. Case and parameters
    /// (`; charset=…`) are ignored, and the legacy `image/jpg` / `image/pjpeg` spellings are
    /// accepted. Never use this to decide how to *process* an upload: that is [`sniff`]'s job.
    pub fn from_mime(mime: &str) -> Option<Self> {
        let essence = mime.split(';').next().unwrap_or_default().trim();
        [
            ("image/jpeg", Self::Jpeg),
            ("image/jpg", Self::Jpeg),
            ("image/pjpeg", Self::Jpeg),
            ("image/png", Self::Png),
            ("image/webp", Self::Webp),
            ("application/pdf", Self::Pdf),
        ]
        .into_iter()
        .find(|(name, _)| essence.eq_ignore_ascii_case(name))
        .map(|(_, media_type)| media_type)
    }

    /// What to call a file of this type in a message to the user.
    fn noun(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG image",
            Self::Png => "PNG image",
            Self::Webp => "WebP image",
            Self::Pdf => "PDF document",
        }
    }
}

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
mod tests {
    use super::*;

    const ALL_FIXTURES: &[(&str, &[u8])] = &[
        ("photo_gps.jpg", fixture!("photo_gps.jpg")),
        ("screenshot.png", fixture!("screenshot.png")),
        ("photo.webp", fixture!("photo.webp")),
        ("receipt.pdf", fixture!("receipt.pdf")),
        ("receipt_locked.pdf", fixture!("receipt_locked.pdf")),
        ("receipt_owner_only.pdf", fixture!("receipt_owner_only.pdf")),
        ("page.html.jpg", fixture!("page.html.jpg")),
        ("bomb.png", fixture!("bomb.png")),
        ("corrupt.pdf", fixture!("corrupt.pdf")),
    ];

    fn unsupported(bytes: &[u8]) -> Option<&'static str> {
        match sniff(bytes) {
            Err(EvidenceError::Unsupported { detected }) => detected,
            other => panic!("expected Unsupported, got {other:?}"),
        }
    }

    #[test]
    fn sniffs_accepted_types_by_content() {
        assert_eq!(sniff(fixture!("photo_gps.jpg")), Ok(MediaType::Jpeg));
        assert_eq!(sniff(fixture!("screenshot.png")), Ok(MediaType::Png));
        assert_eq!(sniff(fixture!("photo.webp")), Ok(MediaType::Webp));
        assert_eq!(sniff(fixture!("receipt.pdf")), Ok(MediaType::Pdf));
        // Sniffing only looks at the signature; decoding decides whether the rest is sound.
        assert_eq!(sniff(fixture!("corrupt.pdf")), Ok(MediaType::Pdf));
        assert_eq!(sniff(fixture!("bomb.png")), Ok(MediaType::Png));
        assert_eq!(sniff(b"\r\n\r\n%PDF-1.7\n"), Ok(MediaType::Pdf));
        assert_eq!(
            sniff(
                &[0u8; 128]
                    .iter()
                    .chain(b"%PDF-1.3")
                    .copied()
                    .collect::<Vec<_>>()
            ),
            Ok(MediaType::Pdf)
        );
    }

    #[test]
    fn names_common_wrong_types() {
        assert_eq!(
            unsupported(fixture!("page.html.jpg")),
            Some("HTML document")
        );
        assert_eq!(
            unsupported(b"\xEF\xBB\xBF  <!-- saved page -->\n<p>hi"),
            Some("HTML document")
        );
        assert_eq!(
            unsupported(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Some("SVG image")
        );
        assert_eq!(
            unsupported(b"<?xml version=\"1.0\"?><order/>"),
            Some("XML document")
        );
        assert_eq!(unsupported(b"GIF89a\x01\x00\x01\x00"), Some("GIF image"));
        assert_eq!(
            unsupported(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Some("HEIC image")
        );
        assert_eq!(
            unsupported(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf"),
            Some("AVIF image")
        );
        assert_eq!(
            unsupported(b"\0\0\0\x1cftypmif1\0\0\0\0mif1avifmiaf"),
            Some("AVIF image")
        );
        assert_eq!(
            unsupported(b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2"),
            Some("MP4 video")
        );
        assert_eq!(
            unsupported(b"PK\x03\x04\x14\0\0\0\x08\0somefile.txt"),
            Some("ZIP archive")
        );
        assert_eq!(
            unsupported(b"PK\x03\x04\x14\0\x06\0\x08\0[Content_Types].xml...word/document.xml"),
            Some("Word document")
        );
        assert_eq!(
            unsupported(b"II*\0\x08\0\0\0"),
            Some("TIFF or camera RAW image")
        );
        assert_eq!(unsupported(b"RIFF\0\0\0\0AVI LIST"), Some("AVI video"));
        assert_eq!(
            unsupported("Order 42 — receipt attached\r\n".as_bytes()),
            Some("text file")
        );
        assert_eq!(unsupported(b"MZ\x90\0\x03\0\0\0"), Some("Windows program"));
        assert_eq!(unsupported(b"\0\x01\x02\x03garbage"), None);
        // A short JPEG/PNG/WebP signature prefix is not enough to be accepted.
        assert_eq!(unsupported(b"RIFF\0\0\0\0WEB"), None);
        assert_eq!(unsupported(b"\xFF\xD8"), None);
    }

    #[test]
    fn html_mentioning_a_pdf_header_is_not_a_pdf() {
        let html = b"<!doctype html><html><body><pre>%PDF-1.4 is the header</pre></body></html>";
        assert_eq!(unsupported(html), Some("HTML document"));
        let php_warning_then_pdf = b"<br />\n<b>Warning</b>: headers already sent\n%PDF-1.4\n";
        assert_eq!(unsupported(php_warning_then_pdf), Some("HTML document"));
        // Past the first 1024 bytes the header doesn't count.
        let late = [b' '; 1024]
            .iter()
            .chain(b"%PDF-1.4")
            .copied()
            .collect::<Vec<_>>();
        assert_eq!(
            sniff(&late),
            Err(EvidenceError::Unsupported {
                detected: Some("text file")
            })
        );
    }

    #[test]
    fn size_is_checked_before_content() {
        let limits = Limits {
            max_bytes: 100,
            ..Limits::default()
        };
        assert_eq!(
            process(&[], &limits).expect_err("refused"),
            EvidenceError::Empty
        );
        let html_too_big = [b'<'; 101];
        assert_eq!(
            process(&html_too_big, &limits).expect_err("refused"),
            EvidenceError::TooLarge { max_bytes: 100 }
        );
        assert!(matches!(
            process(&html_too_big[..100], &limits),
            Err(EvidenceError::Unsupported { .. })
        ));
    }

    #[test]
    fn media_type_names_round_trip() {
        for media_type in [
            MediaType::Jpeg,
            MediaType::Png,
            MediaType::Webp,
            MediaType::Pdf,
        ] {
            assert_eq!(MediaType::from_mime(media_type.mime()), Some(media_type));
        }
        assert_eq!(MediaType::Jpeg.extension(), "jpg");
        assert_eq!(MediaType::Pdf.mime(), "application/pdf");
        assert_eq!(
            MediaType::from_mime(" Image/JPEG ; q=1"),
            Some(MediaType::Jpeg)
        );
        assert_eq!(MediaType::from_mime("image/jpg"), Some(MediaType::Jpeg));
        assert_eq!(MediaType::from_mime("image/gif"), None);
        assert_eq!(MediaType::from_mime(""), None);
    }

    #[test]
    fn messages_are_clear_and_actionable() {
        let message = |error: EvidenceError| error.to_string();
        assert_eq!(
            message(EvidenceError::Unsupported {
                detected: Some("HTML document")
            }),
            "This file is an HTML document, not a photo or PDF. Upload JPEG, PNG or WebP images or PDF files."
        );
        assert_eq!(
            message(EvidenceError::Unsupported {
                detected: Some("HEIC image")
            }),
            "This file is a HEIC image, which isn't supported. Save or export it as JPEG or PNG and upload it again."
        );
        assert_eq!(
            message(EvidenceError::Unsupported {
                detected: Some("JPEG image in an uncommon variant")
            }),
            "This file is a JPEG image in an uncommon variant, which isn't supported. Save or \
             export it as JPEG or PNG and upload it again."
        );
        assert_eq!(
            message(EvidenceError::Unsupported { detected: None }),
            "This type of file isn't supported. Upload JPEG, PNG or WebP images or PDF files."
        );
        assert!(
            message(EvidenceError::TooManyPixels {
                width: 30000,
                height: 30000,
                max_pixels: 40_000_000
            })
            .starts_with("The image is 30000×30000 pixels; the limit is 40 megapixels.")
        );
        assert!(
            message(EvidenceError::TooManyPixels {
                width: 1,
                height: 1,
                max_pixels: 12_500_000
            })
            .contains(" 12.5 megapixels.")
        );
        assert!(
            message(EvidenceError::TooLarge {
                max_bytes: 10 * MIB
            })
            .starts_with("The file is larger than 10 MiB.")
        );
        assert!(
            message(EvidenceError::TooLarge {
                max_bytes: 3 * MIB / 2
            })
            .starts_with("The file is larger than 1.5 MiB.")
        );
        assert!(
            message(EvidenceError::TooLarge { max_bytes: 100 })
                .starts_with("The file is larger than 100 bytes.")
        );
        assert!(
            message(EvidenceError::Corrupt {
                what: "PDF document"
            })
            .starts_with("The PDF document is damaged")
        );
        assert!(
            message(EvidenceError::PasswordProtected)
                .contains("password-protected PDFs can't be accepted")
        );
        assert!(message(EvidenceError::Empty).starts_with("The file is empty."));
    }

    #[test]
    fn articles_follow_pronunciation() {
        for (what, article) in [
            ("HTML document", "an"),
            ("SVG image", "an"),
            ("AVIF image", "an"),
            ("executable program", "an"),
            ("MP4 video", "an"),
            ("HEIC image", "a"),
            ("GIF image", "a"),
            ("ZIP archive", "a"),
            ("text file", "a"),
        ] {
            assert_eq!(indefinite_article(what), article, "{what}");
        }
    }

    #[test]
    fn sha256_is_of_the_stored_bytes() {
        let processed = process(fixture!("screenshot.png"), &Limits::default()).expect("accepted");
        assert_eq!(
            processed.sha256,
            hex::encode(Sha256::digest(&processed.bytes))
        );
        assert_eq!(processed.sha256.len(), 64);
        assert!(
            processed
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert_ne!(
            processed.sha256,
            hex::encode(Sha256::digest(fixture!("screenshot.png")))
        );
        // Known-answer check of the hashing itself ("abc", FIPS 180-2).
        assert_eq!(
            hex::encode(Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    /// Truncations and bit flips of every fixture: any result is fine, a panic is not.
    ///
    /// Kept small because the JPEG fixture takes ~150 ms per run in a debug build; a release
    /// run of 27,000 mutations (flips, overwrites, truncations, splices) found no panic.
    #[test]
    fn damaged_inputs_never_panic() {
        const CUTS: usize = 12;
        const FLIP_ROUNDS: usize = 12;
        let limits = Limits::default();
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (name, original) in ALL_FIXTURES {
            // Every short prefix (cut inside the signature or header), then coarse steps.
            let step = (original.len() / CUTS).max(1);
            let cuts = (0..40.min(original.len())).chain((40..original.len()).step_by(step));
            for cut in cuts {
                let _ = process(&original[..cut], &limits);
            }
            for round in 0..FLIP_ROUNDS {
                let mut damaged = original.to_vec();
                // One to six flipped bits; every other round within the first 512 bytes,
                // where the headers that parsers branch on live.
                let span = if round % 2 == 0 {
                    damaged.len().min(512)
                } else {
                    damaged.len()
                };
                for _ in 0..=(round % 6) {
                    let position = (next() % span as u64) as usize;
                    damaged[position] ^= 1 << (next() % 8);
                }
                if let Ok(processed) = process(&damaged, &limits) {
                    assert!(!processed.bytes.is_empty(), "{name}: empty output");
                }
            }
        }
    }
}
