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
