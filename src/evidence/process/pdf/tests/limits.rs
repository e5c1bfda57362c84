//! The limits on parsing, on the crafted files of `tests/fixtures/` (see its README): each is
//! refused quickly, with the limit it went past.

use std::time::{Duration, Instant};

use lopdf::{Document, Object, Stream, dictionary};

use super::clean;
use crate::evidence::process::{EvidenceError, Limits, PdfComplexity};

/// Cleans `input`, expecting it refused for `reason` quickly: in a few tens of milliseconds
/// in a debug build, so three seconds leave room for a busy CI machine.
fn assert_refused(input: &[u8], reason: PdfComplexity) {
    let started = Instant::now();
    assert_eq!(clean(input), Err(EvidenceError::PdfTooComplex { reason }));
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
}

#[test]
fn thousands_of_members_at_one_offset_are_refused() {
    assert_refused(fixture!("pdf_one_offset.pdf"), PdfComplexity::Structure);
}

#[test]
fn an_array_of_millions_of_elements_is_refused_before_it_is_parsed() {
    assert_refused(fixture!("pdf_huge_array.pdf"), PdfComplexity::Objects);
}

#[test]
fn streams_each_under_the_bound_but_over_the_budget_together_are_refused() {
    assert_refused(fixture!("pdf_bomb_streams.pdf"), PdfComplexity::Unpacked);
}

#[test]
fn nesting_deeper_than_the_parser_takes_is_refused() {
    assert_refused(fixture!("pdf_deep_nesting.pdf"), PdfComplexity::Structure);
}

#[test]
fn deep_nesting_outside_object_streams_costs_nothing() {
    // lopdf gives up on the page at 100 levels; the file then has no page left.
    let mut document = Document::with_version("1.7");
    let mut bytes = Vec::new();
    let pages =
        document.add_object(dictionary! { "Type" => "Pages", "Count" => 1, "Kids" => vec![] });
    let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    document.trailer.set("Root", catalog);
    document.save_to(&mut bytes).expect("saves");
    // Writing that nesting through lopdf would recurse 100,000 deep; splice it in as text.
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let bytes = String::from_utf8_lossy(&bytes).replace("/Kids[]", &format!("/Kids{nested}"));
    let started = Instant::now();
    assert!(clean(bytes.as_bytes()).is_err());
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn too_many_objects_are_refused() {
    let mut document = Document::with_version("1.7");
    let members: Vec<Object> = (0..100_001)
        .map(|_| document.add_object(Object::Null).into())
        .collect();
    let list = document.add_object(members);
    let content = document.add_object(Stream::new(dictionary! {}, b"".to_vec()));
    let pages = document.new_object_id();
    let page = document.add_object(
        dictionary! { "Type" => "Page", "Parent" => pages, "Contents" => content, "List" => list },
    );
    document.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Count" => 1, "Kids" => vec![page.into()] },
        ),
    );
    let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    document.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).expect("saves");
    assert_eq!(
        clean(&bytes),
        Err(EvidenceError::PdfTooComplex {
            reason: PdfComplexity::Objects
        })
    );
}

#[test]
fn a_pdf_past_the_deadline_is_refused() {
    let limits = Limits {
        pdf_time: Duration::ZERO,
        ..Limits::default()
    };
    assert_eq!(
        super::super::clean(fixture!("receipt.pdf"), &limits),
        Err(EvidenceError::PdfTooComplex {
            reason: PdfComplexity::Time
        })
    );
}
