//! AliExpress lists in numbered parts of 300, fetched from the links the API hands out.

use futures_util::StreamExt;
use serde_json::Value;

use super::{
    Table, amazon_report, export, export_json, fetch, file, file_unconfirmed, header, holder, item,
    ok_text, report, sorted, withdraw,
};
use crate::helpers::TestApp;

#[tokio::test]
async fn aliexpress_lists_come_in_numbered_parts_of_300() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let started = std::time::Instant::now();
    file_many(&app, 310).await;
    eprintln!("filed 310 reports in {:?}", started.elapsed());
    // Another marketplace's listing is not in AliExpress parts.
    file(&app, &amazon_report("a@example.com")).await;

    let first = export(&app, &token, "brand=acme&preset=aliexpress&format=csv").await;
    assert_eq!(header(&first, "x-part"), "1");
    assert_eq!(header(&first, "x-part-count"), "2");
    assert!(header(&first, "content-disposition").contains("part-1"));
    let cursor = header(&first, "x-cursor");
    let next_part = header(&first, "x-next-part");
    let first = Table::parse(&ok_text(first).await);
    assert_eq!(first.rows.len(), 300);

    // Part 2 comes from part 1's link, which continues where part 1 ended.
    let second = fetch(&app, &token, &next_part).await;
    assert_eq!(header(&second, "x-part"), "2");
    assert_eq!(header(&second, "x-part-count"), "2");
    assert!(
        second.headers().get("x-next-part").is_none(),
        "the last part"
    );
    // Every part hands out part 1's cursor: the list was made as of then.
    assert_eq!(header(&second, "x-cursor"), cursor);
    let second = Table::parse(&ok_text(second).await);
    assert_eq!(second.rows.len(), 10);

    let mut all: Vec<String> = first
        .column("product_url")
        .into_iter()
        .chain(second.column("product_url"))
        .map(str::to_owned)
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all, sorted((1..=310).map(item).collect()));

    let json = export_json(&app, &token, "brand=acme&preset=aliexpress").await;
    let next_part = json["next_part"].as_str().expect("next_part").to_owned();
    let json: Value =
        serde_json::from_str(&ok_text(fetch(&app, &token, &next_part).await).await).expect("JSON");
    assert_eq!(
        (json["part"].as_i64(), json["parts"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(json["row_count"], 10);
    assert!(json.get("next_part").is_none());
    // (A part number alone would shift when the list changes, so parts after the first come
    // only from links: a unit test of `domain::takedown::request`.)
}

/// Files reports on listings `1..=n` for Acme, four at a time, and confirms their reporter's
/// address once; returns the receipts by URL.
async fn file_many(app: &TestApp, n: u64) -> std::collections::HashMap<String, Value> {
    let reports: Vec<Value> = (1..=n)
        .map(|n| report(n, "Acme", "a@example.com"))
        .collect();
    let receipts = futures_util::stream::iter(reports.iter())
        .map(|r| async move {
            let receipt = file_unconfirmed(app, r).await;
            (r["listing_url"].as_str().expect("url").to_owned(), receipt)
        })
        .buffer_unordered(4)
        .collect()
        .await;
    app.confirm_address("a@example.com").await;
    receipts
}

#[tokio::test]
async fn parts_fetched_one_after_another_miss_no_listing_when_the_list_changes_between_them() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let receipts = file_many(&app, 302).await;

    // The README's recipe: download the parts, keep part 1's cursor, sync from it later.
    let first = export(
        &app,
        &token,
        "brand=acme&preset=aliexpress&format=csv&part=1",
    )
    .await;
    let cursor = header(&first, "x-cursor");
    let next_part = header(&first, "x-next-part");
    let first = Table::parse(&ok_text(first).await);
    // Between the two downloads, a reporter withdraws a listing of part 1.
    let gone = first.column("product_url")[0].to_owned();
    withdraw(&app, &receipts[&gone]).await;
    let second = Table::parse(&ok_text(fetch(&app, &token, &next_part).await).await);
    let sync = Table::parse(
        &ok_text(
            export(
                &app,
                &token,
                &format!("brand=acme&preset=aliexpress&format=csv&since={cursor}"),
            )
            .await,
        )
        .await,
    );

    let mut seen: Vec<&str> = first.column("product_url");
    seen.extend(second.column("product_url"));
    seen.extend(sync.column("product_url"));
    let missing: Vec<String> = (1..=302)
        .map(item)
        .filter(|url| *url != gone && !seen.contains(&url.as_str()))
        .collect();
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "listings in neither part nor the sync (part 1: {}, part 2: {}, sync: {} rows)",
        first.rows.len(),
        second.rows.len(),
        sync.rows.len()
    );
}
