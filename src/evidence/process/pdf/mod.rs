//! PDFs: parse within limits, remove metadata and everything active, re-encode the JPEG
//! images, write a fresh file.
//!
//! Parsing a hostile PDF can cost far more than its size: an object stream of a few KB can
//! make lopdf parse one big array thousands of times, an array of millions of elements takes
//! about 120 bytes each, and many streams each under the per-stream bound can unpack to
//! gigabytes together. So a load runs against a [`budget::Budget`] of objects, values, unpacked
//! bytes and time, checked from inside lopdf at every object, and object streams are looked at
//! before lopdf parses them ([`objstm`]). These checks make the common attacks fail within
//! milliseconds and with a clear message; what they can't see (a slow single object, encrypted
//! files, lopdf's own allocations) is bounded by the worker process this runs in
//! (`evidence::pdf_worker`): an address-space limit, a CPU limit, and a kill at the deadline.
//!
//! What cleaning removes is listed in [`active`] (actions, JavaScript, attachments, authors,
//! form values) and [`images`] (JPEG images re-encoded, JPEG 2000 refused).

mod active;
mod budget;
mod images;
mod objstm;

use lopdf::Document;

use self::budget::{Budget, Loaded};
use super::{EvidenceError, Limits, PdfComplexity};

const CORRUPT: EvidenceError = EvidenceError::Corrupt {
    what: "PDF document",
};

fn too_complex(reason: PdfComplexity) -> EvidenceError {
    EvidenceError::PdfTooComplex { reason }
}

/// Loads a PDF (starting at its `%PDF-` header) within the limits, removes the document
/// information dictionary, XMP metadata and everything [`active`] lists, re-encodes its JPEG
/// images, and saves it again.
///
/// Saving writes every remaining object into a single new revision, so whatever earlier
/// incremental updates held is gone too. Page content, fonts and other images are kept as they
/// are: this is evidence, not a document we may rewrite.
pub(super) fn clean(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, EvidenceError> {
    let mut budget = Budget::new(limits.pdf_time);
    let mut document = load(bytes, &mut budget)?;

    // lopdf transparently decrypts files whose user password is empty (merely "protected"
    // against editing or printing); anything still encrypted needs a password we don't have.
    if document.is_encrypted() {
        return Err(EvidenceError::PasswordProtected);
    }
    if document.get_pages().is_empty() {
        return Err(CORRUPT);
    }
    budget.check_time().map_err(too_complex)?;

    document.trailer.remove(b"Info");
    active::remove(&mut document);
    // The Info dictionary, XMP streams, actions and name trees are still in the object table,
    // only unreferenced; saving would write them out. Dropping everything unreachable removes
    // them (and any other leftovers of earlier revisions), before images are re-encoded.
    document.prune_objects();
    budget.check_time().map_err(too_complex)?;
    images::clean(&mut document, limits, &mut budget)?;
    // Keep the trailer's /Size honest now that the highest object numbers may be gone.
    document.max_id = document
        .objects
        .keys()
        .map(|&(id, _)| id)
        .max()
        .unwrap_or(0);

    let mut out = Vec::with_capacity(bytes.len());
    document.save_to(&mut out).map_err(|_| CORRUPT)?;
    budget.check_time().map_err(too_complex)?;
    Ok(out)
}

/// Loads within the budget. lopdf rebuilds a damaged cross-reference table by itself when the
/// page tree doesn't load, but not for a load with a filter, as ours is; so we ask for that
/// second try ourselves, on the same budget.
fn load(bytes: &[u8], budget: &mut Budget) -> Result<Document, EvidenceError> {
    let first = budget::load(bytes, budget, false);
    let document = match first {
        Loaded::Document(document)
            if document.is_encrypted() || !document.get_pages().is_empty() =>
        {
            return Ok(*document);
        }
        Loaded::TooComplex(reason) => return Err(too_complex(reason)),
        Loaded::Document(document) => Some(document),
        Loaded::Unreadable => None,
    };
    match budget::load(bytes, budget, true) {
        Loaded::Document(rebuilt) if !rebuilt.get_pages().is_empty() => Ok(*rebuilt),
        Loaded::TooComplex(reason) => Err(too_complex(reason)),
        _ => document.map(|document| *document).ok_or(CORRUPT),
    }
}

#[cfg(test)]
mod tests;
