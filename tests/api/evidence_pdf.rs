//! PDFs through the API: cleaned in a worker process, and crafted ones refused quickly, with
//! the worker free again afterwards. See `tests/fixtures/README.md` for the crafted files.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::{TestApp, fixture, valid_report};

/// How long refusing a crafted PDF may take over HTTP, worker start included: well under a
/// second in a debug build, so five seconds leave room for a busy CI machine.
const QUICKLY: Duration = Duration::from_secs(5);

async fn file_pdf(app: &TestApp, name: &str, bytes: Vec<u8>) -> (u16, Value, Duration) {
    let started = Instant::now();
    let response = app
        .post_report_multipart(&valid_report(), &[(name, bytes)])
        .await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body, elapsed)
}

fn message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap_or_default()
}

/// Posts a crafted fixture and expects a quick 422 naming `reason`, a server that still
/// answers, and nothing stored.
async fn assert_refused_quickly(fixture_name: &str, reason: &str) {
    let app = TestApp::spawn().await;
    let (status, body, elapsed) = file_pdf(&app, fixture_name, fixture(fixture_name)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "evidence");
    let message = message(&body);
    assert!(
        message.contains("This PDF is too complex to check") && message.contains(reason),
        "{message}"
    );
    assert!(elapsed < QUICKLY, "took {elapsed:?}");
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert!(app.stored_files().is_empty());
}

#[tokio::test]
async fn a_7_kb_pdf_listing_thousands_of_objects_at_one_offset_is_refused_quickly() {
    assert_refused_quickly("pdf_one_offset.pdf", "internal structure is malformed").await;
}

#[tokio::test]
async fn a_pdf_whose_array_has_millions_of_elements_is_refused_quickly() {
    assert_refused_quickly("pdf_huge_array.pdf", "more objects than we can check").await;
}

#[tokio::test]
async fn a_decompression_bomb_spread_over_many_streams_is_refused_quickly() {
    assert_refused_quickly("pdf_bomb_streams.pdf", "unpack to more data").await;
}

#[tokio::test]
async fn a_pdf_nested_deeper_than_parsers_go_is_refused_quickly() {
    assert_refused_quickly("pdf_deep_nesting.pdf", "internal structure is malformed").await;
}

#[tokio::test]
async fn after_a_hostile_pdf_the_only_worker_takes_the_next_report_promptly() {
    let app = TestApp::spawn_with(|config| config.image_workers = Some(1)).await;
    let (status, _, _) = file_pdf(&app, "a.pdf", fixture("pdf_huge_array.pdf")).await;
    assert_eq!(status, 422);
    let (status, body, elapsed) = file_pdf(&app, "r.pdf", fixture("receipt.pdf")).await;
    assert_eq!(status, 201, "{body}");
    assert!(elapsed < QUICKLY, "took {elapsed:?}");
    assert_eq!(body["evidence"][0]["media_type"], "application/pdf");
}

#[tokio::test]
async fn a_worker_past_the_deadline_is_killed_and_its_permit_given_back() {
    // A worker that never answers: a script in place of the binary.
    let dir = std::env::temp_dir().join(format!("fakewatch_sleeper_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sleeper = dir.join("sleeper.sh");
    std::fs::write(&sleeper, "#!/bin/sh\nexec sleep 60\n").expect("script");
    std::fs::set_permissions(
        &sleeper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("executable");
    let app = TestApp::spawn_with(|config| {
        config.image_workers = Some(1);
        config.pdf_timeout_secs = 1;
        config.pdf_worker = Some(sleeper.clone());
    })
    .await;

    let (status, body, elapsed) = file_pdf(&app, "r.pdf", fixture("receipt.pdf")).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        message(&body).contains("checking it took too long"),
        "{body}"
    );
    // One second of deadline, one of grace, and room for a busy machine.
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    // The single permit is free again: a photo goes through at once.
    let started = Instant::now();
    let response = app
        .post_report_multipart(&valid_report(), &[("p.jpg", fixture("photo_gps.jpg"))])
        .await;
    assert_eq!(response.status(), 201);
    assert!(started.elapsed() < QUICKLY);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_worker_out_of_memory_refuses_the_pdf_with_a_clear_message() {
    // Less address space than the program already uses: every new mapping fails. A small PDF
    // could still be cleaned in heap the process already has, and a decoder may report a
    // failed allocation as damage; 3 MiB (a receipt and a trailing comment) can't be read in.
    let app = TestApp::spawn_with(|config| config.pdf_memory_mib = 1).await;
    let mut pdf = fixture("receipt_active.pdf");
    pdf.extend_from_slice(b"\n%");
    pdf.resize(3 * 1024 * 1024, b' ');
    let (status, body, _) = file_pdf(&app, "r.pdf", pdf).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        message(&body).contains("checking it needed too much memory"),
        "{body}"
    );
}

#[tokio::test]
async fn a_worker_that_cannot_be_started_is_our_error_not_the_uploaders() {
    let app = TestApp::spawn_with(|config| {
        config.pdf_worker = Some("/nonexistent/fakewatch".into());
    })
    .await;
    let (status, body, _) = file_pdf(&app, "r.pdf", fixture("receipt.pdf")).await;
    assert_eq!(status, 500, "{body}");
    assert!(app.stored_files().is_empty());
}

#[tokio::test]
async fn a_pdf_with_scripts_attachments_authors_form_values_and_a_gps_photo_is_stored_without_them()
{
    let app = TestApp::spawn().await;
    let original = fixture("receipt_active.pdf");
    let (status, body, _) = file_pdf(&app, "r.pdf", original).await;
    assert_eq!(status, 201, "{body}");
    let stored = std::fs::read(&app.stored_files()[0]).expect("stored");
    assert!(stored.starts_with(b"%PDF-"));
    for needle in [
        "app.alert",
        "Jane Reporter",
        "calc.exe",
        "Rue de Rivoli",
        "/OpenAction",
        "/Launch",
        "/EmbeddedFiles",
        "Exif",
        "Canon",
    ] {
        assert!(
            !stored.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle:?} survived"
        );
    }
    assert!(stored.windows(18).any(|w| w == b"Logo is misprinted"));
}
