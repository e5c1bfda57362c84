use fakewatch::demo_data::{DemoOptions, generate};
use serde_json::Value;

use crate::helpers::TestApp;

#[tokio::test]
async fn demo_data_fills_a_skewed_database_that_the_pages_can_show() {
    let app = TestApp::spawn().await;
    let options = DemoOptions {
        reports: 3_000,
        seed: 7,
        progress: false,
    };
    let summary = generate(&app.db, &options).await.expect("generated");
    assert_eq!(summary.reports, 3_000);
    assert!(summary.sellers > 50 && summary.brands > 10);
    let (top, median): (i64, f64) = sqlx::query_as(
        "select max(n), percentile_cont(0.5) within group (order by n)
         from (select count(*) as n from report group by seller_id) t",
    )
    .fetch_one(&app.db)
    .await
    .expect("skew");
    assert!(top as f64 >= 5.0 * median, "top {top}, median {median}");

    let (marketplace, key): (String, String) = sqlx::query_as(
        "select s.marketplace, s.seller_key from seller s join report r using (seller_id)
         group by s.seller_id order by count(*) desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("largest seller");
    let path = format!(
        "/api/v1/sellers/{marketplace}/{}",
        fakewatch::routes::sellers::view::path_segment(&key)
    );
    let seller: Value = app.get(&path).await.json().await.expect("json");
    assert!(seller["counts"]["reports"].as_i64().expect("count") > 10);
    let html = app.get(path.trim_start_matches("/api/v1")).await;
    assert_eq!(html.status(), 200);
    // A second run refuses to mix with existing data.
    assert!(generate(&app.db, &options).await.is_err());
}

/// Every index, constraint and trigger of the schema, as PostgreSQL prints them.
async fn schema_objects(db: &sqlx::PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "select format('index %s: %s', indexrelid::regclass, pg_get_indexdef(indexrelid))
         from pg_index i join pg_class c on c.oid = i.indrelid
         where c.relnamespace = 'public'::regnamespace
         union all
         select format('constraint %s on %s: %s (valid %s)', conname, conrelid::regclass,
                       pg_get_constraintdef(oid), convalidated)
         from pg_constraint where connamespace = 'public'::regnamespace
         union all
         select format('trigger %s on %s: enabled %s', tgname, tgrelid::regclass, tgenabled)
         from pg_trigger t join pg_class c on c.oid = t.tgrelid
         where c.relnamespace = 'public'::regnamespace and not tgisinternal
         order by 1",
    )
    .fetch_all(db)
    .await
    .expect("schema objects")
}

#[tokio::test]
async fn demo_data_leaves_every_index_constraint_and_trigger_as_the_migrations_made_them() {
    let app = TestApp::spawn().await;
    let before = schema_objects(&app.db).await;
    assert!(before.len() > 100, "{} objects", before.len());
    let options = DemoOptions {
        reports: 500,
        seed: 3,
        progress: false,
    };
    generate(&app.db, &options).await.expect("generated");
    assert_eq!(schema_objects(&app.db).await, before);
}

/// A SHA-256 of each table's generated rows in id order, timestamps written as their distance
/// from midnight UTC today (the data's "now"), so that the digest is the same on any day.
const DIGEST_SQL: &str = "
    with t0 as (select date_trunc('day', now() at time zone 'utc') at time zone 'utc' as t0)
    select 'brand', encode(sha256(convert_to(string_agg(concat_ws('|', brand_id, slug,
               display_name, created_at - t0, updated_at - t0, merged_into), e'\\n'
               order by brand_id), 'utf8')), 'hex')
    from brand, t0
    union all
    select 'brand_alias', encode(sha256(convert_to(string_agg(concat_ws('|', alias_slug,
               brand_id, created_at - t0), e'\\n' order by alias_slug), 'utf8')), 'hex')
    from brand_alias, t0
    union all
    select 'seller', encode(sha256(convert_to(string_agg(concat_ws('|', seller_id, marketplace,
               seller_key, name_based, display_name, store_url, created_at - t0,
               updated_at - t0, display_name_set_at - t0, merged_into), e'\\n'
               order by seller_id), 'utf8')), 'hex')
    from seller, t0
    union all
    select 'seller_alias', encode(sha256(convert_to(string_agg(concat_ws('|', seller_alias_id,
               seller_id, name, folded_name, created_at - t0, live_reports), e'\\n'
               order by seller_alias_id), 'utf8')), 'hex')
    from seller_alias, t0
    union all
    select 'listing', encode(sha256(convert_to(string_agg(concat_ws('|', listing_id,
               marketplace, external_id, canonical_url, seller_id, created_at - t0,
               updated_at - t0), e'\\n' order by listing_id), 'utf8')), 'hex')
    from listing, t0
    union all
    select 'listing_brand', encode(sha256(convert_to(string_agg(concat_ws('|', listing_id,
               brand_id, seller_id, outcome, outcome_at), e'\\n' order by brand_id, listing_id),
               'utf8')), 'hex')
    from listing_brand
    union all
    select 'report', encode(sha256(convert_to(string_agg(concat_ws('|', report_id, public_id,
               listing_id, seller_id, brand_id, product_title, price_amount, price_currency,
               order_date - t0::date, reasons, description, reporter_email, reporter_key,
               reporter_fingerprint, status, manage_token_hash, created_at - t0,
               updated_at - t0, seller_name, confirmed_at - t0, replaced_by, erased_at,
               withdrawn_at, rejection_reason, moderated_at, moderated_by, reporter_network),
               e'\\n' order by report_id), 'utf8')), 'hex')
    from report, t0
    union all
    select 'next ids', concat_ws(' ', nextval('brand_brand_id_seq'),
               nextval('seller_seller_id_seq'), nextval('seller_alias_seller_alias_id_seq'),
               nextval('listing_listing_id_seq'), nextval('report_report_id_seq'))
    order by 1";

/// The digests of seed 11's 3,000 reports, as the generator has made them since the report
/// rows were last changed on purpose. Loading faster must not change a byte of them.
const PINNED: [(&str, &str); 8] = [
    (
        "brand",
        "82c530b4ac68c0bc1ba364f8726f33c30b3d6fa828320426c0f1433b44d747de",
    ),
    (
        "brand_alias",
        "8e5609ed77e0c8950c2d8eae6bb114ea98b5376c7e098fec5e226298f4377659",
    ),
    (
        "listing",
        "adf38ec9771c2e4230a2aba7a48cebc5f01f4f237a9967250e5155585d517d02",
    ),
    (
        "listing_brand",
        "6ea885c01225bdece1f71ab4d02e59e3f8e352a45ef26700b6fa0f72857bbe1a",
    ),
    ("next ids", "301 301 195 1014 3001"),
    (
        "report",
        "ed4377f1992081e882eb0ab90f6d41f683819b38f22fc44352c8c74c4e5c4727",
    ),
    (
        "seller",
        "b7a6375ce02e477974f99da68509aac312f0ff69d24bd5c05dc3d15b1005f1f3",
    ),
    (
        "seller_alias",
        "faafffa8b31310c6b7d9118d257d446e0cea1b2e93f16d8e83d10beb8adc819b",
    ),
];

#[tokio::test]
async fn the_same_seed_gives_the_same_rows() {
    let app = TestApp::spawn().await;
    let options = DemoOptions {
        reports: 3_000,
        seed: 11,
        progress: false,
    };
    generate(&app.db, &options).await.expect("generated");
    let digests: Vec<(String, String)> = sqlx::query_as(DIGEST_SQL)
        .fetch_all(&app.db)
        .await
        .expect("digests");
    let digests: Vec<(&str, &str)> = digests
        .iter()
        .map(|(table, digest)| (table.as_str(), digest.as_str()))
        .collect();
    assert_eq!(digests, PINNED);
}
