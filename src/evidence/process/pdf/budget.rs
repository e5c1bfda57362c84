//! What one PDF may cost, counted while lopdf loads it and while we clean it.
//!
//! lopdf hands every object it parses to a filter callback before keeping it, object-stream
//! members included. Our callback counts objects and their elements, checks the deadline, and
//! looks at each object stream *before* lopdf parses its members (see [`super::objstm`]). When a
//! limit is passed it unwinds out of lopdf with [`std::panic::resume_unwind`], which skips the
//! panic hook, and [`load`] catches that: the load stops at the next object instead of running to
//! the end. The callback is a plain `fn`, so the running totals live in a thread-local for the
//! duration of one load.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::time::{Duration, Instant};

use lopdf::{Document, LoadOptions, Object, ObjectId};

use super::objstm;
use crate::evidence::process::PdfComplexity;

const MIB: usize = 1024 * 1024;

/// Objects in one PDF, object-stream members included. A receipt has a few hundred; a
/// 300-page report exported from an office suite about 20,000.
pub(super) const MAX_OBJECTS: u64 = 100_000;

/// Parsed values (numbers, names, strings, array elements, dictionary entries) in one PDF. lopdf
/// spends about 120 bytes on each (`size_of::<Object>()` plus its container's share), so this
/// keeps the parsed document near 120 MiB at worst. Real files stay far below: the same 300-page
/// report holds about 400,000.
pub(super) const MAX_VALUES: u64 = 1_000_000;

/// Bytes that all streams of one PDF may unpack to, counted at load (object streams) and while
/// cleaning (images re-encoded: their compressed layers and their pixels). A scanned page in
/// colour at 300 dpi is about 26 MiB of pixels, so this admits a few dozen.
pub(super) const MAX_UNPACKED_BYTES: usize = 512 * MIB;

/// Bytes that the object streams of one PDF may unpack to together, within
/// [`MAX_UNPACKED_BYTES`]. A 10 MiB file of small objects unpacks to about 20 MiB.
pub(super) const MAX_OBJECT_STREAM_BYTES: usize = 64 * MIB;

/// The most any one stream may unpack to. Object streams and cross-reference streams of real
/// files take well under 1 MiB; image layers before the JPEG take their compressed size.
pub(super) const MAX_STREAM_BYTES: usize = 16 * MIB;

/// The running totals for one PDF.
#[derive(Debug)]
pub(super) struct Budget {
    deadline: Instant,
    objects: u64,
    values: u64,
    unpacked: usize,
    object_streams: usize,
}

impl Budget {
    pub(super) fn new(time: Duration) -> Self {
        Self {
            deadline: Instant::now() + time,
            objects: 0,
            values: 0,
            unpacked: 0,
            object_streams: 0,
        }
    }

    pub(super) fn check_time(&self) -> Result<(), PdfComplexity> {
        if Instant::now() > self.deadline {
            Err(PdfComplexity::Time)
        } else {
            Ok(())
        }
    }

    /// The most the next stream may unpack to: the per-stream bound or what is left of the
    /// budget, whichever is smaller.
    pub(super) fn stream_limit(&self) -> usize {
        MAX_STREAM_BYTES.min(MAX_UNPACKED_BYTES.saturating_sub(self.unpacked))
    }

    /// [`Self::stream_limit`] for the next object stream.
    pub(super) fn object_stream_limit(&self) -> usize {
        self.stream_limit()
            .min(MAX_OBJECT_STREAM_BYTES.saturating_sub(self.object_streams))
    }

    /// Counts `bytes` unpacked from an object stream.
    pub(super) fn charge_object_stream(&mut self, bytes: usize) -> Result<(), PdfComplexity> {
        self.object_streams = self.object_streams.saturating_add(bytes);
        self.charge_unpacked(bytes as u64)?;
        if self.object_streams > MAX_OBJECT_STREAM_BYTES {
            Err(PdfComplexity::Unpacked)
        } else {
            Ok(())
        }
    }

    /// Values that may still be parsed.
    pub(super) fn values_left(&self) -> u64 {
        MAX_VALUES.saturating_sub(self.values)
    }

    /// Counts `bytes` unpacked (or about to be, for pixels checked from an image header).
    pub(super) fn charge_unpacked(&mut self, bytes: u64) -> Result<(), PdfComplexity> {
        let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        self.unpacked = self.unpacked.saturating_add(bytes);
        if self.unpacked > MAX_UNPACKED_BYTES {
            Err(PdfComplexity::Unpacked)
        } else {
            Ok(())
        }
    }

    /// Whether `objects` more objects holding `values` values would still fit.
    pub(super) fn fits(&self, objects: u64, values: u64) -> Result<(), PdfComplexity> {
        if self.objects.saturating_add(objects) > MAX_OBJECTS
            || self.values.saturating_add(values) > MAX_VALUES
        {
            Err(PdfComplexity::Objects)
        } else {
            Ok(())
        }
    }

    /// Counts one parsed object; the filter calls this for every object lopdf keeps.
    fn admit(&mut self, object: &mut Object) -> Result<(), PdfComplexity> {
        self.check_time()?;
        let values = count_values(object, 0);
        self.fits(1, values)?;
        self.objects += 1;
        self.values += values;
        if let Object::Stream(stream) = object
            && stream.dict.has_type(b"ObjStm")
        {
            objstm::check(stream, self)?;
        }
        Ok(())
    }
}

/// Values in `object`: itself and everything nested in it (not what its references point to).
fn count_values(object: &Object, depth: usize) -> u64 {
    // lopdf's parser refuses nesting deeper than 100; this guard only keeps the recursion
    // bounded should that ever change.
    if depth > 128 {
        return 1;
    }
    1 + match object {
        Object::Array(items) => items.iter().map(|item| count_values(item, depth + 1)).sum(),
        Object::Dictionary(dictionary) => dictionary
            .iter()
            .map(|(_, value)| count_values(value, depth + 1))
            .sum(),
        Object::Stream(stream) => stream
            .dict
            .iter()
            .map(|(_, value)| count_values(value, depth + 1))
            .sum(),
        _ => 0,
    }
}

thread_local! {
    /// The budget of the load running on this thread, if any.
    static LOADING: RefCell<Option<Budget>> = const { RefCell::new(None) };
}

/// The payload we unwind with out of lopdf's load.
struct Abort(PdfComplexity);

/// How a load ended.
pub(super) enum Loaded {
    Document(Box<Document>),
    /// lopdf could not read the file.
    Unreadable,
    /// A limit was passed; the load was stopped there.
    TooComplex(PdfComplexity),
}

/// Loads `bytes` with every object counted against `budget`; `reconstruct` makes lopdf rebuild
/// the cross-reference table by scanning the file.
///
/// Objects of encrypted files (ones that open without a password) are read by lopdf without
/// calling the filter, so for those only the per-stream bound, the memory limit of the worker
/// process and its deadline apply.
pub(super) fn load(bytes: &[u8], budget: &mut Budget, reconstruct: bool) -> Loaded {
    let options = LoadOptions {
        filter: Some(filter),
        max_decompressed_size: Some(budget.stream_limit()),
        force_reconstruct: reconstruct,
        ..LoadOptions::default()
    };
    let running = std::mem::replace(budget, Budget::new(Duration::ZERO));
    LOADING.with(|slot| *slot.borrow_mut() = Some(running));
    let result = catch_unwind(AssertUnwindSafe(|| {
        Document::load_mem_with_options(bytes, options)
    }));
    if let Some(running) = LOADING.with(|slot| slot.borrow_mut().take()) {
        *budget = running;
    }
    match result {
        Ok(Ok(document)) => Loaded::Document(Box::new(document)),
        Ok(Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
            ..
        }))) => Loaded::TooComplex(PdfComplexity::Unpacked),
        Ok(Err(_)) => Loaded::Unreadable,
        Err(payload) => match payload.downcast::<Abort>() {
            Ok(abort) => Loaded::TooComplex(abort.0),
            // A panic inside lopdf on a malformed file (the default hook has reported it).
            Err(_) => Loaded::Unreadable,
        },
    }
}

/// lopdf's load filter: counts the object, and stops the load when a limit is passed.
fn filter(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    let verdict = LOADING.with(|slot| match slot.borrow_mut().as_mut() {
        Some(budget) => budget.admit(object),
        None => Ok(()),
    });
    if let Err(reason) = verdict {
        resume_unwind(Box::new(Abort(reason)));
    }
    // lopdf keeps a top-level object as the filter left it and ignores what it returns, but
    // keeps what it returns for object-stream members, which are never streams. So: a copy
    // of anything but a stream (members are small and counted), and no copy of stream data.
    match object {
        Object::Stream(_) => Some((id, Object::Null)),
        _ => Some((id, object.clone())),
    }
}
