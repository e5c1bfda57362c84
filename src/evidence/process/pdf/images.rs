//! Images inside a PDF: JPEG data carries EXIF (GPS position, camera serial) wherever it is
//! kept, so every JPEG stream is decoded and written again through the photo code.
//!
//! | Stream filter | Done |
//! |---|---|
//! | `DCTDecode` (JPEG), alone or after other filters | decoded and re-encoded without metadata, within the pixel limit; the stream becomes plain `DCTDecode`. CMYK data comes out as RGB (the decoder converts it), so colours set up for a press may shift |
//! | `JPXDecode` (JPEG 2000) | refused: it can carry XMP and GeoJP2 boxes, and we have no decoder to rewrite it |
//! | `FlateDecode`, `LZWDecode`, `RunLengthDecode`, ASCII filters | kept: these hold bare pixels, with no place for metadata (the image's `/Metadata` is removed with the rest) |
//! | `JBIG2Decode`, `CCITTFaxDecode` | kept: black-and-white scanner codecs without metadata fields (JBIG2's rarely used comment segments aside) |
//!
//! This covers JPEG data in any stream (image XObjects, thumbnails, patterns), not images
//! written inline in page content (`BI … ID … EI`), which the spec limits to small ones.

use lopdf::{Document, Object, Stream};

use super::budget::Budget;
use crate::evidence::process::image::reencode_embedded_jpeg;
use crate::evidence::process::{
    EvidenceError, Limits, PDF_IMAGE_DAMAGED_JPEG, PDF_IMAGE_JPEG_2000, PDF_IMAGE_UNUSUAL_ENCODING,
    PdfComplexity,
};

const DCT: [&[u8]; 2] = [b"DCTDecode", b"DCT"];
const JPX: &[u8] = b"JPXDecode";

/// Re-encodes every JPEG stream of `document`; see the module docs.
pub(super) fn clean(
    document: &mut Document,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<(), EvidenceError> {
    for object in document.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        let Ok(filters) = stream.filters() else {
            continue;
        };
        if filters.contains(&JPX) {
            return Err(EvidenceError::PdfImageUnreadable {
                kind: PDF_IMAGE_JPEG_2000,
            });
        }
        let Some(dct) = filters.iter().position(|filter| DCT.contains(filter)) else {
            continue;
        };
        if dct + 1 != filters.len() {
            // JPEG data compressed again: no reader expects it, and we can't check it.
            return Err(EvidenceError::PdfImageUnreadable {
                kind: PDF_IMAGE_UNUSUAL_ENCODING,
            });
        }
        budget.check_time().map_err(too_complex)?;
        reencode(stream, dct, limits, budget)?;
    }
    Ok(())
}

fn too_complex(reason: PdfComplexity) -> EvidenceError {
    EvidenceError::PdfTooComplex { reason }
}

/// Re-encodes one stream whose last filter (at `dct`) is JPEG.
fn reencode(
    stream: &mut Stream,
    dct: usize,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<(), EvidenceError> {
    let unpacked;
    let jpeg = if dct == 0 {
        stream.content.as_slice()
    } else {
        unpacked = unpack_layers(stream, dct, budget)?;
        unpacked.as_slice()
    };
    let charge = |bytes| budget.charge_unpacked(bytes).map_err(too_complex);
    let image = reencode_embedded_jpeg(jpeg, limits, charge)?;

    let dict = &mut stream.dict;
    dict.set("Filter", Object::Name(b"DCTDecode".to_vec()));
    dict.remove(b"DecodeParms");
    dict.set("Width", i64::from(image.width));
    dict.set("Height", i64::from(image.height));
    dict.set("BitsPerComponent", 8);
    if image.was_cmyk {
        // The decoder turned CMYK into RGB; a `/Decode` array written for the CMYK data
        // (Adobe's inverted CMYK) would now invert the colours.
        dict.set("ColorSpace", Object::Name(b"DeviceRGB".to_vec()));
        dict.remove(b"Decode");
    }
    stream.set_content(image.bytes);
    Ok(())
}

/// Undoes the filters before the JPEG one, within the budget.
fn unpack_layers(
    stream: &Stream,
    dct: usize,
    budget: &mut Budget,
) -> Result<Vec<u8>, EvidenceError> {
    let mut layers = stream.clone();
    if let Ok(Object::Array(filters)) = layers.dict.get_mut(b"Filter") {
        filters.truncate(dct);
    }
    if let Ok(Object::Array(parameters)) = layers.dict.get_mut(b"DecodeParms") {
        parameters.truncate(dct);
    }
    let unreadable = EvidenceError::PdfImageUnreadable {
        kind: PDF_IMAGE_DAMAGED_JPEG,
    };
    match layers.get_plain_content_with_limit(budget.stream_limit()) {
        Ok(bytes) => {
            budget
                .charge_unpacked(bytes.len() as u64)
                .map_err(too_complex)?;
            Ok(bytes)
        }
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            Err(too_complex(PdfComplexity::Unpacked))
        }
        Err(_) => Err(unreadable),
    }
}
