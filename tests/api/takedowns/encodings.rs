//! The export through the compression layer: every format and preset, larger than one
//! chunk, read whole by a plain client and by clients asking for gzip, br, deflate or zstd
//! (the export used to be cut off after its first chunk for every gzip client).

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::{holder, largest_brand};
use crate::clients::{ENCODINGS, Fetched, fetch_both_ways};
use crate::helpers::TestApp;

/// Rows in an export, whatever its format.
fn rows(format: &str, fetched: &Fetched) -> usize {
    let body = fetched.body.as_str();
    match format {
        "json" => {
            let document: Value = serde_json::from_str(body).expect("the JSON export parses");
            document["rows"].as_array().expect("rows").len()
        }
        "csv" => {
            let mut reader = csv::Reader::from_reader(body.as_bytes());
            let records: Vec<_> = reader
                .records()
                .collect::<Result<_, _>>()
                .expect("every CSV record reads");
            records.len()
        }
        _ => {
            assert!(body.is_empty() || body.ends_with('\n'), "ends with a line");
            body.lines().count()
        }
    }
}

#[tokio::test]
async fn every_format_and_preset_of_the_largest_brand_arrives_whole_with_every_encoding() {
    let app = TestApp::spawn().await;
    app.demo_data(8_000, 11).await;
    let brand = largest_brand(&app).await;
    let token = holder(&app, "Brand Owner", &[&brand]).await;

    let mut queries: Vec<(String, &str)> = ["csv", "json", "ndjson", "txt"]
        .into_iter()
        .map(|format| (format!("brand={brand}&format={format}"), format))
        .collect();
    for preset in ["aliexpress", "amazon", "ebay", "dsa"] {
        for format in ["csv", "json"] {
            queries.push((
                format!("brand={brand}&format={format}&preset={preset}"),
                format,
            ));
        }
    }
    let mut largest = 0;
    for (query, format) in &queries {
        let url = app.url(&format!("/api/v1/takedowns?{query}"));
        let plain = fetch_both_ways(Method::GET, &url, "identity", Some(&token), None).await;
        assert_eq!(plain.status, StatusCode::OK, "{query}: {}", plain.body);
        let expected = rows(format, &plain);
        largest = largest.max(plain.body.len());
        for encoding in &ENCODINGS[1..] {
            let fetched = fetch_both_ways(Method::GET, &url, encoding, Some(&token), None).await;
            assert_eq!(fetched.status, StatusCode::OK, "{query} with {encoding}");
            assert_eq!(
                rows(format, &fetched),
                expected,
                "{query} with {encoding}: rows"
            );
        }
    }
    // The full list spans several of the encoder's 64 KiB chunks, where the bug showed.
    assert!(largest > 3 * 64 * 1024, "largest export {largest} bytes");
}
