//! Cleaning rules ([`cleaning`]) and limits ([`limits`]) are tested on PDFs built here or
//! generated into `tests/fixtures/` by `examples/crafted_pdfs.rs`.

mod cleaning;
mod limits;

use lopdf::{Object, Stream, dictionary};

use super::super::{Limits, MediaType, process};
use super::*;

fn clean(bytes: &[u8]) -> Result<Vec<u8>, EvidenceError> {
    super::clean(bytes, &Limits::default())
}

/// Strings that identify the reporter or their tools in `receipt.pdf` (Info and XMP).
const IDENTIFYING: [&[u8]; 4] = [
    b"Jane Reporter",
    b"ScanApp",
    b"Fakewatch fixture generator",
    b"xmpmeta",
];

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn assert_clean(pdf: &[u8]) {
    for needle in IDENTIFYING.iter().chain(&[
        b"/Info".as_slice(),
        b"/Metadata",
        b"/PieceInfo",
        b"/Encrypt",
        b"/Prev",
    ]) {
        assert!(
            !contains(pdf, needle),
            "output contains {:?}",
            String::from_utf8_lossy(needle)
        );
    }
    let document = Document::load_mem(pdf).expect("output must load again");
    assert_eq!(document.get_pages().len(), 1);
    let text = document.extract_text(&[1]).expect("page text");
    assert!(
        text.contains("Order #FW-2024-00042"),
        "page content lost: {text:?}"
    );
}

#[test]
fn receipt_loses_info_and_xmp_but_keeps_its_page() {
    let input = fixture!("receipt.pdf");
    // The fixture really carries what we strip, in both the Info dictionary and XMP.
    assert!(IDENTIFYING.iter().all(|needle| contains(input, needle)));

    let processed = process(input, &Limits::default()).expect("accepted");
    assert_eq!(processed.media_type, MediaType::Pdf);
    assert_eq!((processed.width, processed.height), (None, None));
    assert!(processed.bytes.starts_with(b"%PDF-"));
    assert_clean(&processed.bytes);
}

#[test]
fn garbage_after_the_header_is_corrupt() {
    assert_eq!(
        process(fixture!("corrupt.pdf"), &Limits::default()).expect_err("refused"),
        EvidenceError::Corrupt {
            what: "PDF document"
        }
    );
    assert_eq!(clean(b"%PDF-1.7\n").expect_err("refused"), CORRUPT);
}

#[test]
fn password_protected_pdf_is_refused() {
    assert_eq!(
        process(fixture!("receipt_locked.pdf"), &Limits::default()).expect_err("refused"),
        EvidenceError::PasswordProtected
    );
}

#[test]
fn pdf_with_only_an_owner_password_is_decrypted_and_cleaned() {
    let processed =
        process(fixture!("receipt_owner_only.pdf"), &Limits::default()).expect("accepted");
    assert_clean(&processed.bytes);
}

#[test]
fn junk_before_the_header_is_skipped() {
    let mut prefixed = vec![0u8; 100];
    prefixed.extend_from_slice(fixture!("receipt.pdf"));
    let limits = Limits::default();
    assert_eq!(
        process(&prefixed, &limits).expect("accepted").bytes,
        process(fixture!("receipt.pdf"), &limits)
            .expect("accepted")
            .bytes
    );
}

/// A PDF built in memory: one page whose dictionary, like the catalog, points at an XMP
/// stream and carries application data.
fn pdf_with_page_metadata(with_page: bool) -> Vec<u8> {
    let mut document = Document::with_version("1.7");
    let pages_id = document.new_object_id();
    let xmp = Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        b"<x:xmpmeta><dc:creator>Jane Reporter</dc:creator></x:xmpmeta>".to_vec(),
    );
    let xmp_id = document.add_object(xmp);
    let mut kids = vec![];
    if with_page {
        let content = Stream::new(
            dictionary! {},
            b"BT /F1 12 Tf 72 700 Td (Order #FW-2024-00042) Tj ET".to_vec(),
        );
        let content_id = document.add_object(content);
        let font_id = document.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let page_id = document.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
            "Metadata" => xmp_id,
            "PieceInfo" => dictionary! {
                "ScanApp" => dictionary! { "Private" => Object::string_literal("Jane Reporter") },
            },
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = document.add_object(dictionary! {
        "Type" => "Catalog", "Pages" => pages_id, "Metadata" => xmp_id,
    });
    document.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    document.save_to(&mut out).expect("saves to memory");
    out
}

#[test]
fn metadata_on_pages_is_removed_too() {
    let input = pdf_with_page_metadata(true);
    assert!(contains(&input, b"Jane Reporter"));
    let cleaned = clean(&input).expect("cleaned");
    assert_clean(&cleaned);
}

#[test]
fn pdf_without_pages_is_corrupt() {
    assert_eq!(
        clean(&pdf_with_page_metadata(false)).expect_err("refused"),
        CORRUPT
    );
}
