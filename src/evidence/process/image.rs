//! Raster images: check the header, decode, apply EXIF orientation, re-encode without metadata.

use std::io::Cursor;

use image::codecs::jpeg::JpegDecoder;
use image::codecs::png::{CompressionType, FilterType, PngDecoder, PngEncoder};
use image::codecs::webp::{WebPDecoder, WebPEncoder};
use image::error::ImageError;
use image::metadata::Orientation;
use image::{DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder};

use super::{EvidenceError, Limits, MediaType};

/// Good enough to read labels, serial numbers and stitching in a photo; visibly smaller than
/// the 90–95 cameras use. jpeg-encoder defaults to 4:2:0 chroma subsampling below 90.
const JPEG_QUALITY: u8 = 85;

/// Worst case bytes per decoded pixel (RGBA, 16 bits per channel), for the allocation guard.
const MAX_BYTES_PER_PIXEL: u64 = 8;

/// Headroom on top of the output buffer for decoders' own tables and row buffers.
const DECODER_ALLOC_SLACK: u64 = 64 * 1024 * 1024;

/// The accepted image formats, as sniffed.
#[derive(Debug, Clone, Copy)]
pub(super) enum Input {
    Jpeg,
    Png,
    Webp,
}

impl Input {
    fn media_type(self) -> MediaType {
        match self {
            Self::Jpeg => MediaType::Jpeg,
            Self::Png => MediaType::Png,
            Self::Webp => MediaType::Webp,
        }
    }

    fn corrupt(self) -> EvidenceError {
        EvidenceError::Corrupt {
            what: self.media_type().noun(),
        }
    }
}

/// What we write. Lossy sources go to JPEG, lossless ones stay lossless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Jpeg,
    Png,
    LosslessWebp,
}

/// A re-encoded image and its displayed size.
pub(super) struct Reencoded {
    media_type: MediaType,
    bytes: Vec<u8>,
    width: u32,
    height: u32,
}

impl Reencoded {
    pub(super) fn into_parts(self) -> (MediaType, Vec<u8>, Option<(u32, u32)>) {
        (self.media_type, self.bytes, Some((self.width, self.height)))
    }
}

/// Decodes `bytes` (already sniffed as `input`) and writes it out again, upright and without
/// any metadata.
pub(super) fn reencode(
    bytes: &[u8],
    input: Input,
    limits: &Limits,
) -> Result<Reencoded, EvidenceError> {
    let cursor = Cursor::new(bytes);
    let construction_error = |error| decode_error(error, input, None, limits);
    match input {
        Input::Jpeg => {
            let decoder = JpegDecoder::new(cursor).map_err(construction_error)?;
            decode_and_encode(decoder, input, Output::Jpeg, bytes.len(), limits)
        }
        Input::Png => {
            // The PNG decoder takes its limits up front. Leave the dimensions unbounded here so
            // that an oversized header reaches our own check, which reports the actual size;
            // the full limits are applied right after it.
            let mut header_limits = image::Limits::default();
            header_limits.max_alloc = decode_limits(limits).max_alloc;
            let decoder =
                PngDecoder::with_limits(cursor, header_limits).map_err(construction_error)?;
            decode_and_encode(decoder, input, Output::Png, bytes.len(), limits)
        }
        Input::Webp => {
            let decoder = WebPDecoder::new(cursor).map_err(construction_error)?;
            // `image` only writes lossless WebP, which is the wrong trade for a photo. Measured
            // on a 12 MP lossy WebP photo (0.4 MB): lossless WebP took ~190 ms and came out at
            // 9.6 MB; JPEG q85 took ~130 ms for 0.8 MB. So lossy sources, typically listing
            // photos saved from a marketplace page, are stored as JPEG; lossless ones
            // (screenshots, graphics) and any with transparency, which JPEG can't hold, stay
            // lossless WebP.
            let output = if webp_is_lossy(bytes) && !decoder.color_type().has_alpha() {
                Output::Jpeg
            } else {
                Output::LosslessWebp
            };
            decode_and_encode(decoder, input, output, bytes.len(), limits)
        }
    }
}

fn decode_and_encode(
    mut decoder: impl ImageDecoder,
    input: Input,
    output: Output,
    input_len: usize,
    limits: &Limits,
) -> Result<Reencoded, EvidenceError> {
    // Broken EXIF must not cost the reporter their evidence: fall back to "as stored".
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let displayed = displayed_size(decoder.dimensions(), orientation);

    // Refuse oversized images from the header alone, before allocating anything.
    let (width, height) = displayed;
    if width == 0 || height == 0 {
        return Err(input.corrupt());
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(too_many_pixels(displayed, limits));
    }

    // Second guard, inside the decoder, should a header lie about what follows.
    decoder
        .set_limits(decode_limits(limits))
        .map_err(|error| decode_error(error, input, Some(displayed), limits))?;
    let mut image = DynamicImage::from_decoder(decoder)
        .map_err(|error| decode_error(error, input, Some(displayed), limits))?;
    apply_orientation(&mut image, orientation);

    let bytes = match output {
        Output::Jpeg => encode_jpeg(&image, input_len),
        Output::Png => encode_png(&image, input_len),
        Output::LosslessWebp => encode_lossless_webp(&image, input_len),
    }
    .ok_or_else(|| input.corrupt())?;

    Ok(Reencoded {
        media_type: match output {
            Output::Jpeg => MediaType::Jpeg,
            Output::Png => MediaType::Png,
            Output::LosslessWebp => MediaType::Webp,
        },
        bytes,
        width: image.width(),
        height: image.height(),
    })
}

/// A JPEG from inside a PDF, decoded and written again without any metadata.
pub(super) struct EmbeddedJpeg {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The source had four channels (CMYK or YCCK), which the decoder turned into RGB.
    pub was_cmyk: bool,
}

/// Re-encodes the JPEG data of an image inside a PDF, as photos are, but as stored: a PDF draws
/// the stored pixels and ignores EXIF orientation. `before_decoding` is told how many bytes
/// the pixels will take, from the header, and may refuse.
pub(super) fn reencode_embedded_jpeg(
    bytes: &[u8],
    limits: &Limits,
    before_decoding: impl FnOnce(u64) -> Result<(), EvidenceError>,
) -> Result<EmbeddedJpeg, EvidenceError> {
    let damaged = || EvidenceError::PdfImageUnreadable {
        kind: super::PDF_IMAGE_DAMAGED_JPEG,
    };
    let embedded_error = |error: ImageError| match error {
        ImageError::Unsupported(_) => EvidenceError::PdfImageUnreadable {
            kind: super::PDF_IMAGE_UNCOMMON_JPEG,
        },
        _ => damaged(),
    };
    let mut decoder = JpegDecoder::new(Cursor::new(bytes)).map_err(embedded_error)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(damaged());
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(EvidenceError::PdfImageTooLarge {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    before_decoding(decoder.total_bytes())?;
    let was_cmyk = decoder.original_color_type() == ExtendedColorType::Cmyk8;
    decoder
        .set_limits(decode_limits(limits))
        .map_err(embedded_error)?;
    let image = DynamicImage::from_decoder(decoder).map_err(embedded_error)?;
    let bytes = encode_jpeg(&image, bytes.len()).ok_or_else(damaged)?;
    Ok(EmbeddedJpeg {
        bytes,
        width: image.width(),
        height: image.height(),
        was_cmyk,
    })
}

/// Size as displayed once `orientation` is applied: quarter turns swap the sides.
fn displayed_size((width, height): (u32, u32), orientation: Orientation) -> (u32, u32) {
    match orientation {
        Orientation::Rotate90
        | Orientation::Rotate270
        | Orientation::Rotate90FlipH
        | Orientation::Rotate270FlipH => (height, width),
        _ => (width, height),
    }
}

/// `DynamicImage::apply_orientation`, with a faster path for quarter turns of 8-bit images.
///
/// Portrait phone photos are stored sideways with an orientation tag, so a quarter turn of a
/// 12-megapixel image is the common case, and `image`'s pixel-by-pixel rotation costs about as
/// much as decoding it. Half turns and mirrors are done in place by `image` and are cheap.
fn apply_orientation(image: &mut DynamicImage, orientation: Orientation) {
    // Output pixel (x, y) comes from input pixel (y, x), optionally mirrored on either axis.
    let (mirror_x, mirror_y) = match orientation {
        Orientation::Rotate90 => (true, false),
        Orientation::Rotate270 => (false, true),
        Orientation::Rotate90FlipH => (false, false),
        Orientation::Rotate270FlipH => (true, true),
        _ => return image.apply_orientation(orientation),
    };
    let (width, height) = (image.width(), image.height());
    let (w, h) = (width as usize, height as usize);
    let turned = match &*image {
        DynamicImage::ImageLuma8(gray) => {
            let turned = quarter_turn::<1>(gray, w, h, mirror_x, mirror_y);
            image::GrayImage::from_raw(height, width, turned).map(DynamicImage::from)
        }
        DynamicImage::ImageRgb8(rgb) => {
            let turned = quarter_turn::<3>(rgb, w, h, mirror_x, mirror_y);
            image::RgbImage::from_raw(height, width, turned).map(DynamicImage::from)
        }
        DynamicImage::ImageRgba8(rgba) => {
            let turned = quarter_turn::<4>(rgba, w, h, mirror_x, mirror_y);
            image::RgbaImage::from_raw(height, width, turned).map(DynamicImage::from)
        }
        _ => None,
    };
    match turned {
        Some(turned) => *image = turned,
        None => image.apply_orientation(orientation),
    }
}

/// Transposes a packed `width`×`height` image of `N` bytes per pixel into a
/// `height`×`width` one, mirroring the output horizontally (`mirror_x`) and/or vertically
/// (`mirror_y`): the four combinations are the four quarter-turn orientations.
///
/// Works in square tiles so that the rows being read and the columns being written both stay
/// in cache; a plain double loop misses the cache on nearly every write.
fn quarter_turn<const N: usize>(
    pixels: &[u8],
    width: usize,
    height: usize,
    mirror_x: bool,
    mirror_y: bool,
) -> Vec<u8> {
    const TILE: usize = 64;
    let mut turned = vec![0; pixels.len()];
    let out_stride = height * N;
    for tile_y in (0..height).step_by(TILE) {
        for tile_x in (0..width).step_by(TILE) {
            let tile_x_end = (tile_x + TILE).min(width);
            for y in tile_y..(tile_y + TILE).min(height) {
                let out_x = if mirror_x { height - 1 - y } else { y };
                let row = &pixels[(y * width + tile_x) * N..(y * width + tile_x_end) * N];
                let (row, _) = row.as_chunks::<N>();
                for (x, pixel) in (tile_x..tile_x_end).zip(row) {
                    let out_y = if mirror_y { width - 1 - x } else { x };
                    let at = out_y * out_stride + out_x * N;
                    turned[at..at + N].copy_from_slice(pixel);
                }
            }
        }
    }
    turned
}

fn too_many_pixels((width, height): (u32, u32), limits: &Limits) -> EvidenceError {
    EvidenceError::TooManyPixels {
        width,
        height,
        max_pixels: limits.max_pixels,
    }
}

/// `image`'s own limits, derived from ours.
fn decode_limits(limits: &Limits) -> image::Limits {
    // `image::Limits` is non-exhaustive: start from the defaults and overwrite.
    let mut decode = image::Limits::default();
    // Area is what we really limit; a side longer than the whole area budget is absurd anyway.
    let max_side = u32::try_from(limits.max_pixels).unwrap_or(u32::MAX);
    decode.max_image_width = Some(max_side);
    decode.max_image_height = Some(max_side);
    decode.max_alloc = Some(
        limits
            .max_pixels
            .saturating_mul(MAX_BYTES_PER_PIXEL)
            .saturating_add(DECODER_ALLOC_SLACK),
    );
    decode
}

/// Maps a decoder failure to what the user can act on.
fn decode_error(
    error: ImageError,
    input: Input,
    displayed: Option<(u32, u32)>,
    limits: &Limits,
) -> EvidenceError {
    match (error, displayed) {
        // Only reachable past our own pixel check, e.g. a 16-bit image near the pixel limit.
        (ImageError::Limits(_), Some(size)) => too_many_pixels(size, limits),
        // Valid but exotic variants the decoders don't handle (e.g. arithmetic-coded JPEG).
        (ImageError::Unsupported(_), _) => EvidenceError::Unsupported {
            detected: Some(match input {
                Input::Jpeg => "JPEG image in an uncommon variant",
                Input::Png => "PNG image in an uncommon variant",
                Input::Webp => "WebP image in an uncommon variant",
            }),
        },
        _ => input.corrupt(),
    }
}

/// Whether a WebP file holds VP8 (lossy) data rather than VP8L (lossless). Walks the RIFF
/// chunks; animated files are judged by their first frame, which is the one we keep.
fn webp_is_lossy(bytes: &[u8]) -> bool {
    let mut chunks = bytes.get(12..).unwrap_or_default();
    while let (Some(fourcc), Some(size)) = (chunks.get(..4), chunks.get(4..8)) {
        match fourcc {
            b"VP8 " => return true,
            b"VP8L" => return false,
            // An animation frame: 16 bytes of frame header, then the frame's own chunks.
            b"ANMF" => {
                chunks = chunks.get(24..).unwrap_or_default();
                continue;
            }
            _ => {}
        }
        let size = size
            .try_into()
            .map_or(usize::MAX, |size| u32::from_le_bytes(size) as usize);
        // Chunks are padded to an even length.
        let next = size.saturating_add(size % 2).saturating_add(8);
        chunks = chunks.get(next..).unwrap_or_default();
    }
    false
}

/// Baseline JPEG via `jpeg-encoder` (SIMD), several times faster than `image`'s own encoder
/// on camera-sized photos. Writes only a JFIF header: no EXIF, no ICC.
fn encode_jpeg(image: &DynamicImage, size_hint: usize) -> Option<Vec<u8>> {
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

    let width = u16::try_from(image.width()).ok()?;
    let height = u16::try_from(image.height()).ok()?;
    let mut out = Vec::with_capacity(size_hint);
    let mut encoder = Encoder::new(&mut out, JPEG_QUALITY);
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    // Feed the decoder's buffer as is where the encoder understands its layout; alpha (only
    // possible from WebP) is dropped, as JPEG has none.
    let result = match image {
        DynamicImage::ImageLuma8(gray) => encoder.encode(gray, width, height, ColorType::Luma),
        DynamicImage::ImageRgb8(rgb) => encoder.encode(rgb, width, height, ColorType::Rgb),
        DynamicImage::ImageRgba8(rgba) => encoder.encode(rgba, width, height, ColorType::Rgba),
        other => encoder.encode(&other.to_rgb8(), width, height, ColorType::Rgb),
    };
    result.ok()?;
    Some(out)
}

/// PNG with the fastest compression. On a 2560×1440 screenshot that is ~5 ms for 108 KB,
/// against ~40 ms for 27 KB with `CompressionType::Default`: storage is cheap, upload latency
/// is not. Alpha and 16-bit depth are kept.
fn encode_png(image: &DynamicImage, size_hint: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(size_hint);
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(
            image.as_bytes(),
            image.width(),
            image.height(),
            image.color().into(),
        )
        .ok()?;
    Some(out)
}

/// Lossless WebP (the only kind `image` can write), for WebP sources that are lossless or
/// carry transparency.
fn encode_lossless_webp(image: &DynamicImage, size_hint: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(size_hint);
    let encoder = WebPEncoder::new_lossless(&mut out);
    match image {
        DynamicImage::ImageRgb8(rgb) => {
            encoder.write_image(rgb, image.width(), image.height(), ExtendedColorType::Rgb8)
        }
        DynamicImage::ImageRgba8(rgba) => encoder.write_image(
            rgba,
            image.width(),
            image.height(),
            ExtendedColorType::Rgba8,
        ),
        other => encoder.write_image(
            &other.to_rgba8(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgba8,
        ),
    }
    .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests;
