use image::{GenericImageView, ImageFormat, Rgba};

use super::super::process;
use super::*;

/// Byte strings that betray metadata: EXIF (JPEG APP1 / WebP chunk), GPS tags' text,
/// XMP, ICC profiles, and the identifying values the fixtures carry.
const METADATA_MARKERS: [&[u8]; 12] = [
    b"Exif\0\0",
    b"EXIF",
    b"GPS",
    b"http://ns.adobe.com/xap",
    b"ICC_PROFILE",
    b"iCCP",
    b"Jane Reporter",
    b"Canon",
    b"Apple",
    b"iPhone",
    b"Pixel 7",
    b"XMP",
];

fn assert_no_metadata(bytes: &[u8]) {
    for marker in METADATA_MARKERS {
        assert!(
            !bytes.windows(marker.len()).any(|window| window == marker),
            "output contains {:?}",
            String::from_utf8_lossy(marker)
        );
    }
}

/// The markers of a JPEG's segments up to the start of scan.
fn jpeg_markers(bytes: &[u8]) -> Vec<u8> {
    let mut markers = vec![];
    let mut at = 2;
    while let (Some(0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) {
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        let length = u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
        at += 2 + length;
    }
    markers
}

/// Chunk types of a PNG file.
fn png_chunks(bytes: &[u8]) -> Vec<String> {
    let mut chunks = vec![];
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let length =
            u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4-byte slice")) as usize;
        chunks.push(String::from_utf8_lossy(&bytes[at + 4..at + 8]).into_owned());
        at += 12 + length;
    }
    chunks
}

/// Chunk FourCCs of a WebP file (top level).
fn webp_chunks(bytes: &[u8]) -> Vec<String> {
    let mut chunks = vec![];
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let length =
            u32::from_le_bytes(bytes[at + 4..at + 8].try_into().expect("4-byte slice")) as usize;
        chunks.push(String::from_utf8_lossy(&bytes[at..at + 4]).into_owned());
        at += 8 + length + length % 2;
    }
    chunks
}

fn is_red(pixel: Rgba<u8>) -> bool {
    pixel[0] > 180 && pixel[1] < 80 && pixel[2] < 80
}

fn is_blue(pixel: Rgba<u8>) -> bool {
    pixel[0] < 80 && pixel[1] < 80 && pixel[2] > 180
}

#[test]
fn camera_jpeg_comes_out_upright_without_exif() {
    let input = fixture!("photo_gps.jpg");
    // The fixture carries EXIF (with GPS position, see tests/fixtures/README.md) and XMP.
    for marker in [
        b"Exif\0\0".as_slice(),
        b"Canon",
        b"Jane Reporter",
        b"http://ns.adobe.com/xap",
    ] {
        assert!(input.windows(marker.len()).any(|w| w == marker));
    }

    let processed = process(input, &Limits::default()).expect("accepted");
    assert_eq!(processed.media_type, MediaType::Jpeg);
    // Stored 640×480 with Orientation 6 (rotate 90° clockwise to display).
    assert_eq!((processed.width, processed.height), (Some(480), Some(640)));
    assert_no_metadata(&processed.bytes);
    // SOI is implied; APP0 (JFIF) is the only application segment.
    let markers = jpeg_markers(&processed.bytes);
    assert!(
        markers.iter().all(|m| !(0xE1..=0xEF).contains(m)),
        "{markers:02X?}"
    );
    assert_eq!(markers.first(), Some(&0xE0));

    let decoded = image::load_from_memory_with_format(&processed.bytes, ImageFormat::Jpeg)
        .expect("output decodes");
    assert_eq!(decoded.dimensions(), (480, 640));
    // The red marker stored top-left is displayed top-right; the blue one bottom-left.
    assert!(is_red(decoded.get_pixel(470, 10)));
    assert!(is_blue(decoded.get_pixel(10, 630)));
    assert!(!is_red(decoded.get_pixel(10, 10)));
}

#[test]
fn screenshot_png_keeps_its_pixels_and_loses_its_chunks() {
    let input = fixture!("screenshot.png");
    let chunks = png_chunks(input);
    assert!(chunks.contains(&"tEXt".into()) && chunks.contains(&"eXIf".into()));

    let processed = process(input, &Limits::default()).expect("accepted");
    assert_eq!(processed.media_type, MediaType::Png);
    assert_eq!((processed.width, processed.height), (Some(400), Some(300)));
    assert_no_metadata(&processed.bytes);
    let chunks = png_chunks(&processed.bytes);
    assert!(
        chunks
            .iter()
            .all(|c| ["IHDR", "IDAT", "IEND"].contains(&c.as_str())),
        "{chunks:?}"
    );

    let before = image::load_from_memory(input).expect("fixture decodes");
    let after = image::load_from_memory(&processed.bytes).expect("output decodes");
    assert_eq!(before, after);
}

#[test]
fn png_alpha_and_depth_survive() {
    let source = image::ImageBuffer::from_fn(33, 17, |x, y| {
        Rgba([
            (x * 2000) as u16,
            (y * 3000) as u16,
            40_000,
            ((x + y) * 1000) as u16,
        ])
    });
    let source = DynamicImage::ImageRgba16(source);
    let mut png = Vec::new();
    source
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .expect("encodes");

    let processed = process(&png, &Limits::default()).expect("accepted");
    let after = image::load_from_memory(&processed.bytes).expect("output decodes");
    assert_eq!(after, source);
}

#[test]
fn lossy_webp_photo_is_stored_as_upright_jpeg() {
    let input = fixture!("photo.webp");
    assert!(webp_chunks(input).contains(&"EXIF".into()));
    assert!(webp_is_lossy(input));

    let processed = process(input, &Limits::default()).expect("accepted");
    assert_eq!(processed.media_type, MediaType::Jpeg);
    assert_eq!((processed.width, processed.height), (Some(320), Some(240)));
    assert_no_metadata(&processed.bytes);

    let decoded = image::load_from_memory_with_format(&processed.bytes, ImageFormat::Jpeg)
        .expect("output decodes");
    // Orientation 3: turned half way round, so the red corner is now bottom-right.
    assert!(is_red(decoded.get_pixel(315, 235)));
    assert!(is_blue(decoded.get_pixel(4, 4)));
}

#[test]
fn lossless_webp_stays_lossless_webp_with_alpha() {
    let source = image::RgbaImage::from_fn(40, 30, |x, y| {
        Rgba([x as u8 * 6, y as u8 * 8, 99, (x * y) as u8])
    });
    let mut webp = Vec::new();
    WebPEncoder::new_lossless(&mut webp)
        .write_image(&source, 40, 30, ExtendedColorType::Rgba8)
        .expect("encodes");
    assert!(!webp_is_lossy(&webp));

    let processed = process(&webp, &Limits::default()).expect("accepted");
    assert_eq!(processed.media_type, MediaType::Webp);
    assert_no_metadata(&processed.bytes);
    let chunks = webp_chunks(&processed.bytes);
    assert!(
        chunks
            .iter()
            .all(|c| ["VP8L", "VP8X"].contains(&c.as_str())),
        "{chunks:?}"
    );
    let after = image::load_from_memory(&processed.bytes).expect("output decodes");
    assert_eq!(after.to_rgba8(), source);
}

#[test]
fn grayscale_and_cmyk_jpegs_are_reencoded() {
    for (color, channels) in [
        (jpeg_encoder::ColorType::Luma, 1),
        (jpeg_encoder::ColorType::Cmyk, 4),
    ] {
        let pixels: Vec<u8> = (0..64 * 48 * channels).map(|i| (i % 251) as u8).collect();
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, 90)
            .encode(&pixels, 64, 48, color)
            .expect("encodes");

        let processed = process(&jpeg, &Limits::default()).expect("accepted");
        assert_eq!((processed.width, processed.height), (Some(64), Some(48)));
        let decoded = image::load_from_memory(&processed.bytes).expect("output decodes");
        let expected = if channels == 1 {
            image::ColorType::L8
        } else {
            image::ColorType::Rgb8
        };
        assert_eq!(decoded.color(), expected);
    }
}

#[test]
fn bomb_png_is_refused_from_its_header() {
    assert_eq!(
        process(fixture!("bomb.png"), &Limits::default()).expect_err("refused"),
        EvidenceError::TooManyPixels {
            width: 30000,
            height: 30000,
            max_pixels: 40_000_000
        }
    );
}

#[test]
fn jpeg_claiming_a_huge_size_is_refused_with_its_displayed_size() {
    // Rewrite the frame header of the (Orientation 6) fixture to claim 60000×20000.
    let mut bomb = fixture!("photo_gps.jpg").to_vec();
    let sof = bomb
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("fixture has a baseline frame header");
    bomb[sof + 5..sof + 7].copy_from_slice(&20000u16.to_be_bytes());
    bomb[sof + 7..sof + 9].copy_from_slice(&60000u16.to_be_bytes());
    assert_eq!(
        process(&bomb, &Limits::default()).expect_err("refused"),
        EvidenceError::TooManyPixels {
            width: 20000,
            height: 60000,
            max_pixels: 40_000_000
        }
    );
}

#[test]
fn pixel_limit_is_inclusive() {
    let photo = fixture!("photo_gps.jpg");
    let exact = Limits {
        max_pixels: 640 * 480,
        ..Limits::default()
    };
    assert!(process(photo, &exact).is_ok());
    let below = Limits {
        max_pixels: 640 * 480 - 1,
        ..Limits::default()
    };
    assert_eq!(
        process(photo, &below).expect_err("refused"),
        EvidenceError::TooManyPixels {
            width: 480,
            height: 640,
            max_pixels: 640 * 480 - 1
        }
    );
}

#[test]
fn quarter_turns_match_the_image_crate() {
    let orientations = [
        Orientation::NoTransforms,
        Orientation::Rotate90,
        Orientation::Rotate180,
        Orientation::Rotate270,
        Orientation::FlipHorizontal,
        Orientation::FlipVertical,
        Orientation::Rotate90FlipH,
        Orientation::Rotate270FlipH,
    ];
    let rgba = image::RgbaImage::from_fn(7, 5, |x, y| {
        Rgba([x as u8, y as u8, (x * y) as u8, 255 - x as u8])
    });
    let sources = [
        DynamicImage::ImageRgba8(rgba.clone()),
        DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(rgba.clone()).to_rgb8()),
        DynamicImage::ImageLuma8(image::GrayImage::from_fn(7, 5, |x, y| {
            image::Luma([(x * 10 + y) as u8])
        })),
        DynamicImage::ImageRgba16(DynamicImage::ImageRgba8(rgba).to_rgba16()),
    ];
    for source in sources {
        for orientation in orientations {
            let mut ours = source.clone();
            apply_orientation(&mut ours, orientation);
            let mut theirs = source.clone();
            theirs.apply_orientation(orientation);
            assert_eq!(ours, theirs, "{orientation:?} {:?}", source.color());
        }
    }
}

#[test]
fn webp_chunk_walk_survives_garbage() {
    assert!(!webp_is_lossy(b""));
    assert!(!webp_is_lossy(b"RIFF\0\0\0\0WEBPVP8X\xFF\xFF\xFF\xFF"));
    assert!(!webp_is_lossy(b"RIFF\0\0\0\0WEBPANMF"));
    assert!(webp_is_lossy(
        b"RIFF\0\0\0\0WEBPVP8X\x0A\0\0\0\0\0\0\0\0\0\0\0\0\0VP8 \0\0\0\0"
    ));
}
