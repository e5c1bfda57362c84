use serde_json::Value;

use crate::helpers::{TestApp, fixture, manage_token_on, valid_report};

async fn file_with(app: &TestApp, files: &[(&str, Vec<u8>)]) -> reqwest::Response {
    app.post_report_multipart(&valid_report(), files).await
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn each_evidence_type_is_accepted_identified_by_content() {
    let app = TestApp::spawn().await;
    // Names and extensions lie on purpose: the type comes from the bytes.
    let response = file_with(
        &app,
        &[
            ("a.bin", fixture("photo_gps.jpg")),
            ("b.jpg", fixture("screenshot.png")),
            ("c", fixture("photo.webp")),
            ("receipt.png", fixture("receipt.pdf")),
        ],
    )
    .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    let types: Vec<&str> = body["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|e| e["media_type"].as_str().expect("type"))
        .collect();
    assert_eq!(types.len(), 4);
    for expected in ["image/jpeg", "image/png", "application/pdf"] {
        assert!(types.contains(&expected), "{expected} not in {types:?}");
    }
    assert!(
        types
            .iter()
            .any(|t| *t == "image/webp" || *t == "image/jpeg")
    );
    assert_eq!(app.stored_files().len(), 4);
    let rows: i64 = sqlx::query_scalar("select count(*) from evidence")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(rows, 4);

    // Each file is served back to its reporter with its hash and safe headers.
    let id = body["id"].as_str().expect("id");
    let token = body["manage_token"].as_str().expect("token");
    for evidence in body["evidence"].as_array().expect("evidence") {
        let response = app
            .get_evidence_api(id, evidence["id"].as_str().expect("id"), token)
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(response.headers().contains_key("content-disposition"));
        assert_eq!(
            response.headers()["content-type"],
            evidence["media_type"].as_str().expect("type")
        );
        let bytes = response.bytes().await.expect("bytes");
        assert_eq!(
            bytes.len() as u64,
            evidence["bytes"].as_u64().expect("size")
        );
        use sha2::Digest;
        assert_eq!(
            hex::encode(sha2::Sha256::digest(&bytes)),
            evidence["sha256"].as_str().expect("hash")
        );
    }
    // Not for anyone else.
    let first = body["evidence"][0]["id"].as_str().expect("id");
    assert_eq!(app.get_evidence_api(id, first, "wrong").await.status(), 403);
}

#[tokio::test]
async fn a_jpeg_carrying_gps_exif_comes_back_without_it_and_upright() {
    let app = TestApp::spawn().await;
    let original = fixture("photo_gps.jpg");
    assert!(contains(&original, b"Exif\0\0"), "the fixture carries EXIF");
    let body: Value = file_with(&app, &[("photo.jpg", original)])
        .await
        .json()
        .await
        .expect("json");
    let evidence = &body["evidence"][0];
    // The fixture is 640×480 with orientation 6: stored rotated, as the camera meant it.
    assert_eq!(
        (evidence["width"].as_u64(), evidence["height"].as_u64()),
        (Some(480), Some(640))
    );

    let id = body["id"].as_str().expect("id");
    let token = body["manage_token"].as_str().expect("token");
    let stored = app
        .get_evidence_api(id, evidence["id"].as_str().expect("id"), token)
        .await
        .bytes()
        .await
        .expect("bytes");
    assert!(stored.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(!contains(&stored, b"Exif"), "EXIF survived");
    assert!(!contains(&stored, b"GPS"), "GPS survived");
    // And the file on disk is the same clean file.
    let on_disk = std::fs::read(&app.stored_files()[0]).expect("stored file");
    assert_eq!(on_disk, stored.to_vec());
}

#[tokio::test]
async fn pdf_metadata_is_removed() {
    let app = TestApp::spawn().await;
    let original = fixture("receipt.pdf");
    assert!(contains(&original, b"Jane Reporter"));
    let body: Value = file_with(&app, &[("r.pdf", original)])
        .await
        .json()
        .await
        .expect("json");
    let stored = std::fs::read(&app.stored_files()[0]).expect("stored");
    assert!(stored.starts_with(b"%PDF-"));
    assert!(!contains(&stored, b"Jane Reporter"));
    assert_eq!(body["evidence"][0]["media_type"], "application/pdf");
}

#[tokio::test]
async fn an_html_file_named_jpg_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let response = file_with(&app, &[("photo.jpg", fixture("page.html.jpg"))]).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["errors"][0]["field"], "evidence");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("HTML")
    );
    assert!(app.stored_files().is_empty());
    let count: i64 = sqlx::query_scalar("select count(*) from report")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_corrupt_pdf_is_refused() {
    let app = TestApp::spawn().await;
    let response = file_with(&app, &[("r.pdf", fixture("corrupt.pdf"))]).await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn an_oversized_file_is_refused_with_413() {
    let app = TestApp::spawn_with(|c| c.max_evidence_bytes = 20 * 1024).await;
    let big = fixture("photo_gps.jpg");
    assert!(big.len() > 20 * 1024, "fixture must exceed the limit");
    let response = file_with(&app, &[("big.jpg", big.clone())]).await;
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.expect("json");
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("20.0 KiB")
    );

    // The form says so next to the field and keeps the input.
    let mut form = crate::helpers::valid_form();
    form.retain(|(n, _)| *n != "email");
    let page = app.post_report_form(&form, &[("big.jpg", big)]).await;
    assert_eq!(page.status(), 413);
    let html = page.text().await.expect("body");
    assert!(html.contains("id=\"evidence-error\""));
    assert!(html.contains("The monogram pattern is misaligned"));
    assert!(app.stored_files().is_empty());
}

#[tokio::test]
async fn a_huge_dimension_image_is_refused_before_decoding() {
    let app = TestApp::spawn().await;
    let response = file_with(&app, &[("bomb.png", fixture("bomb.png"))]).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("json");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("pixels")
    );
}

#[tokio::test]
async fn too_many_files_are_refused() {
    let app = TestApp::spawn_with(|c| c.max_evidence_files = 2).await;
    let png = fixture("screenshot.png");
    let response = file_with(
        &app,
        &[
            ("1.png", png.clone()),
            ("2.png", png.clone()),
            ("3.png", png),
        ],
    )
    .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("json");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("at most 2")
    );
    assert!(app.stored_files().is_empty());
}

#[tokio::test]
async fn the_form_accepts_evidence_and_the_manage_page_shows_it() {
    let app = TestApp::spawn().await;
    let response = app
        .post_report_form(
            &crate::helpers::valid_form(),
            &[("photo.jpg", fixture("photo_gps.jpg"))],
        )
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let receipt = app.get(&location).await.text().await.expect("body");
    let token = manage_token_on(&receipt);
    let manage = app
        .get(&format!("{location}/manage/{token}"))
        .await
        .text()
        .await
        .expect("body");
    let img = manage
        .split("<img src=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("image")
        .to_owned();
    let image = app.get(&img).await;
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/jpeg");
    // The public page does not show evidence.
    assert!(
        !app.get(&location)
            .await
            .text()
            .await
            .expect("body")
            .contains("/evidence/")
    );
}

#[tokio::test]
async fn files_of_a_submission_that_fails_after_storing_them_are_removed() {
    let app = TestApp::spawn().await;
    let two = [
        ("a.png", fixture("screenshot.png")),
        ("b.jpg", fixture("photo_gps.jpg")),
    ];
    assert_eq!(file_with(&app, &two).await.status(), 201);
    let kept = app.stored_files();
    assert_eq!(kept.len(), 2);
    // A report naming another store for the same listing is refused inside the transaction,
    // once the listing's recorded store is known: after its new file was stored.
    let mut other_store = valid_report();
    other_store["seller_url"] = serde_json::json!("https://www.aliexpress.com/store/9999999");
    let response = app
        .post_report_multipart(&other_store, &[("c.pdf", fixture("receipt.pdf"))])
        .await;
    assert_eq!(response.status(), 422);
    let mut now = app.stored_files();
    now.sort();
    let mut before = kept.clone();
    before.sort();
    assert_eq!(now, before, "the refused file was removed, the others kept");
}
