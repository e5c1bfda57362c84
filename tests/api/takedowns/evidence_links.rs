//! Signed evidence links: they serve the file the manifest describes until they expire, are
//! refused when tampered with, and stop working when the report is withdrawn.

use serde_json::{Value, json};
use sha2::Digest;

use super::{export_csv, export_json, header, holder, item, report, row_of, withdraw};
use crate::helpers::{TestApp, fixture};

/// Files an Acme report on listing 1 with two evidence files; returns the receipt.
async fn file_with_evidence(app: &TestApp) -> Value {
    let response = app
        .post_report_multipart(
            &report(1, "Acme", "a@example.com"),
            &[
                ("photo.jpg", fixture("photo_gps.jpg")),
                ("receipt.pdf", fixture("receipt.pdf")),
            ],
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

fn evidence_link(app: &TestApp, id: &str, expires: i64) -> String {
    let secret =
        fakewatch::security::Secret::from_bytes(b"test-secret-test-secret-test-secret-test");
    let sig = secret.sign_evidence_link(id, expires);
    app.url(&format!("/evidence/{id}?expires={expires}&sig={sig}"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

#[tokio::test]
async fn signed_evidence_links_serve_the_file_the_manifest_describes_until_they_expire() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    file_with_evidence(&app).await;

    let document = export_json(&app, &token, "brand=acme").await;
    let evidence = row_of(&document, &item(1))["evidence"]
        .as_array()
        .expect("evidence")
        .clone();
    assert_eq!(evidence.len(), 2);
    let table = export_csv(&app, &token, "brand=acme").await;
    let row = table.row("listing_url", &item(1));
    let csv_links: Vec<&str> = row.get("evidence_urls").split(' ').collect();
    let csv_hashes: Vec<&str> = row.get("evidence_sha256").split(' ').collect();
    // The manifest column repeats hash, size, type and upload time in the links' order.
    let manifest: Vec<Vec<&str>> = row
        .get("evidence_manifest")
        .split(' ')
        .map(|entry| entry.splitn(4, ':').collect())
        .collect();
    for (entry, file) in manifest.iter().zip(evidence.iter()) {
        assert_eq!(entry[0], file["sha256"]);
        assert_eq!(entry[1], file["bytes"].to_string());
        assert_eq!(entry[2], file["media_type"]);
        assert_eq!(entry[3], file["uploaded_at"]);
    }
    assert_eq!(manifest.len(), 2);
    assert_eq!(csv_links.len(), 2);

    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    // No cookies, no token: the link alone is the credential.
    let anyone = crate::helpers::client();
    for (i, file) in evidence.iter().enumerate() {
        let url = file["url"].as_str().expect("url");
        let sha256 = file["sha256"].as_str().expect("sha256");
        assert!(url.starts_with(&app.url("/evidence/")), "{url}");
        assert!(
            (expires_of(url) - now - 168 * 3600).abs() < 120,
            "a week by default"
        );
        let response = anyone.get(url).send().await.expect("request");
        assert_eq!(response.status(), 200);
        assert_eq!(
            header(&response, "content-type"),
            file["media_type"].as_str().expect("type")
        );
        let bytes = response.bytes().await.expect("bytes");
        assert_eq!(bytes.len() as i64, file["bytes"].as_i64().expect("bytes"));
        assert_eq!(sha256_hex(&bytes), sha256);
        // CSV: the same files, in the same order.
        assert_eq!(csv_hashes[i], sha256);
        let from_csv = anyone.get(csv_links[i]).send().await.expect("request");
        assert_eq!(sha256_hex(&from_csv.bytes().await.expect("bytes")), sha256);
    }

    let status = |url: String| {
        let anyone = &anyone;
        async move { anyone.get(url).send().await.expect("request").status() }
    };
    let first = evidence[0]["url"].as_str().expect("url");
    let first_id = evidence[0]["id"].as_str().expect("id");
    let second_id = evidence[1]["id"].as_str().expect("id");
    let (head, sig) = first.split_once("&sig=").expect("sig");
    let path = head.split('?').next().expect("path");
    let expires = expires_of(first);
    let flipped = format!(
        "{}{}",
        if sig.starts_with('A') { 'B' } else { 'A' },
        &sig[1..]
    );
    for tampered in [
        // A signature with one character changed.
        format!("{head}&sig={flipped}"),
        // Another file's id under this file's signature.
        first.replace(first_id, second_id),
        // A later expiry under the old signature.
        first.replace(
            &format!("expires={expires}"),
            &format!("expires={}", expires + 3600),
        ),
        // Parts missing.
        head.to_owned(),
        format!("{path}?sig={sig}"),
    ] {
        assert_eq!(status(tampered.clone()).await, 403, "{tampered}");
    }
    // Signed by us, but past its time; and the same, still in time.
    assert_eq!(status(evidence_link(&app, first_id, now - 60)).await, 410);
    assert_eq!(status(evidence_link(&app, first_id, now + 60)).await, 200);
}

fn expires_of(url: &str) -> i64 {
    url::Url::parse(url)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "expires")
        .and_then(|(_, v)| v.parse().ok())
        .expect("expires")
}

#[tokio::test]
async fn a_withdrawn_reports_evidence_links_stop_working() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let filed = file_with_evidence(&app).await;
    let document = export_json(&app, &token, "brand=acme").await;
    let url = row_of(&document, &item(1))["evidence"][0]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    assert_eq!(
        app.client.get(&url).send().await.expect("request").status(),
        200
    );

    withdraw(&app, &filed).await;
    assert_eq!(
        app.client.get(&url).send().await.expect("request").status(),
        404
    );
    let sync = export_json(
        &app,
        &token,
        &format!(
            "brand=acme&since={}",
            document["cursor"].as_str().expect("cursor")
        ),
    )
    .await;
    assert_eq!(row_of(&sync, &item(1))["evidence"], json!([]));
}
