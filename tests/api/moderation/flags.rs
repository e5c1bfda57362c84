//! The flags the queue raises by itself, each built up to its threshold and past it: a burst
//! of first-time reporters against one seller, many reports from one network, near-identical
//! descriptions, a seller name contradicting the listing's other reports; and the flag filter,
//! which lists exactly the flagged reports and pages through them; and the network hash going
//! with the rest of a reporter's data.

use serde_json::{Value, json};

use super::queue::{behind_proxy, file_from, flags, flags_of, ids, items, link, on_store};
use super::reports::id_of;

#[tokio::test]
async fn a_burst_of_first_time_reporters_against_one_seller_is_flagged() {
    let app = behind_proxy().await;
    let store = 1;
    // A reporter known from an earlier report against another store.
    file_from(
        &app,
        "198.51.100.1",
        &on_store(100, 5, "known@example.com", 0),
    )
    .await;
    let known = file_from(
        &app,
        "198.51.100.1",
        &on_store(101, store, "known@example.com", 1),
    )
    .await;
    let mut strangers = Vec::new();
    for n in 0..4 {
        let report = on_store(n, store, &format!("new{n}@example.com"), 2 + n as usize);
        let ip = format!("203.0.113.{n}");
        strangers.push(id_of(&file_from(&app, &ip, &report).await).to_owned());
    }
    let ana = app.moderator("ana@example.org", false).await;
    // Four strangers (the known reporter does not count): no burst yet.
    let page = ana.page("/moderation").await;
    assert!(
        flags(&page).values().all(|f| f.is_empty()),
        "{:?}",
        flags(&page)
    );

    let fifth = on_store(4, store, "new4@example.com", 7);
    strangers.push(id_of(&file_from(&app, "203.0.113.99", &fifth).await).to_owned());
    let page = ana.page("/moderation").await;
    let raised = flags(&page);
    for id in &strangers {
        assert_eq!(raised[id], ["burst"], "{id}");
    }
    assert!(raised[id_of(&known)].is_empty());
    let (_, part) = items(&page)
        .into_iter()
        .find(|(id, _)| id == &strangers[0])
        .expect("item");
    assert!(
        part.contains("5 reports against this seller (this one included) came from first-time reporters within 24 hours"),
        "{part}"
    );

    // The filter lists exactly the flagged reports, and says how far it looked.
    let filtered = ana.page("/moderation?flag=burst").await;
    assert_eq!(ids(&filtered), strangers);
    assert!(
        filtered.contains("this page looked through 7"),
        "{filtered}"
    );

    // A day and more apart, they are no burst.
    sqlx::query(
        "update report set created_at = created_at - interval '3 days' where public_id = $1",
    )
    .bind(&strangers[0])
    .execute(&app.db)
    .await
    .expect("move one back");
    assert!(ids(&ana.page("/moderation?flag=burst").await).is_empty());
}

#[tokio::test]
async fn many_reports_from_one_network_within_an_hour_are_flagged() {
    let app = behind_proxy().await;
    let mut crowd = Vec::new();
    for n in 0..4 {
        let report = on_store(n, 100 + n, &format!("n{n}@example.com"), n as usize);
        crowd.push(id_of(&file_from(&app, "192.0.2.7", &report).await).to_owned());
    }
    // The same reporter again, from elsewhere: not that network.
    let elsewhere = on_store(10, 110, "n0@example.com", 10);
    let elsewhere = id_of(&file_from(&app, "198.51.100.20", &elsewhere).await).to_owned();
    let ana = app.moderator("ana@example.org", false).await;
    assert!(flags_of(&ana, &crowd[0]).await.is_empty());

    // A fifth from the network: all five are flagged, the one from elsewhere is not.
    let fifth = on_store(4, 104, "n4@example.com", 4);
    crowd.push(id_of(&file_from(&app, "192.0.2.7", &fifth).await).to_owned());
    let page = ana.page("/moderation").await;
    let raised = flags(&page);
    for id in &crowd {
        assert_eq!(raised[id], ["network"], "{id}");
    }
    assert!(raised[&elsewhere].is_empty());
    assert!(page.contains(
        "5 reports (this one included) were sent from the same network within 60 minutes of it, by 5 different reporters."
    ));
    assert_eq!(ids(&ana.page("/moderation?flag=network").await), crowd);

    // Two hours apart, they are not one crowd.
    sqlx::query(
        "update report set created_at = created_at - interval '2 hours' where public_id = $1",
    )
    .bind(&crowd[4])
    .execute(&app.db)
    .await
    .expect("move one back");
    assert!(ids(&ana.page("/moderation?flag=network").await).is_empty());
    // The network is stored as a keyed hash, never as the address.
    let stored: Vec<u8> =
        sqlx::query_scalar("select reporter_network from report where public_id = $1")
            .bind(&crowd[0])
            .fetch_one(&app.db)
            .await
            .expect("network");
    assert_eq!(stored.len(), 32);
    assert!(!stored.windows(9).any(|w| w == b"192.0.2.7"));
}

#[tokio::test]
async fn near_identical_descriptions_by_other_reporters_are_flagged() {
    let app = behind_proxy().await;
    let text = "The hologram on the box peels off, the serial number is printed on a sticker \
                and the leather smells strongly of solvent.";
    let reworded = "The hologram on the box peels off, the serial number is printed on a sticker \
                    and the leather smells strongly of solvents!";
    let mut first = on_store(1, 21, "a@example.com", 0);
    first["description"] = json!(text);
    let first = id_of(&file_from(&app, "198.51.100.1", &first).await).to_owned();
    // The same words from the same reporter on another listing: not suspicious.
    let mut own = on_store(2, 21, "a@example.com", 0);
    own["description"] = json!(text);
    let own = id_of(&file_from(&app, "198.51.100.1", &own).await).to_owned();
    let ana = app.moderator("ana@example.org", false).await;
    assert!(flags_of(&ana, &first).await.is_empty());

    // Another reporter, another store of the same brand, nearly the same words.
    let mut copy = on_store(3, 22, "b@example.com", 0);
    copy["description"] = json!(reworded);
    let copy = id_of(&file_from(&app, "198.51.100.2", &copy).await).to_owned();
    // A different text about the same brand.
    let other = on_store(4, 22, "c@example.com", 5);
    let other = id_of(&file_from(&app, "198.51.100.3", &other).await).to_owned();

    let page = ana.page("/moderation").await;
    let raised = flags(&page);
    assert_eq!(raised[&first], ["near_identical"]);
    assert_eq!(raised[&own], ["near_identical"]);
    assert_eq!(raised[&copy], ["near_identical"]);
    assert!(raised[&other].is_empty());
    let (_, part) = items(&page)
        .into_iter()
        .find(|(id, _)| id == &copy)
        .expect("item");
    assert!(
        part.contains("nearly word for word the same as 2 reports"),
        "{part}"
    );
    assert!(
        part.contains(&format!("<a href=\"/reports/{first}\">")),
        "{part}"
    );
    assert_eq!(
        ids(&ana.page("/moderation?flag=near_identical").await),
        [first.clone(), own.clone(), copy.clone()]
    );
}

#[tokio::test]
async fn a_seller_name_that_contradicts_the_listings_other_reports_is_flagged() {
    let app = behind_proxy().await;
    let a = id_of(&file_from(&app, "198.51.100.1", &on_store(1, 31, "a@example.com", 0)).await)
        .to_owned();
    let c = id_of(&file_from(&app, "198.51.100.2", &on_store(1, 31, "c@example.com", 1)).await)
        .to_owned();
    let ana = app.moderator("ana@example.org", false).await;
    assert!(flags_of(&ana, &a).await.is_empty(), "both name it alike");

    // A reporter who gives only a name, and another one, joins the listing's recorded store.
    let mut named = on_store(1, 31, "b@example.com", 2);
    named["seller_url"] = Value::Null;
    named["seller_name"] = json!("Cheap Bags Direct");
    let b = id_of(&file_from(&app, "198.51.100.3", &named).await).to_owned();
    // Another listing of the store, named otherwise: nothing on that listing contradicts it.
    let mut elsewhere = on_store(2, 31, "d@example.com", 3);
    elsewhere["seller_name"] = json!("Another Name Entirely");
    let d = id_of(&file_from(&app, "198.51.100.4", &elsewhere).await).to_owned();

    let page = ana.page("/moderation").await;
    let raised = flags(&page);
    assert_eq!(raised[&b], ["contradiction"]);
    assert!(raised[&a].is_empty() && raised[&c].is_empty() && raised[&d].is_empty());
    assert!(page.contains(
        "Its reporter names the seller “Cheap Bags Direct”, while the other reports of the same listing name it “Store 31”."
    ), "{page}");
    assert_eq!(
        ids(&ana.page("/moderation?flag=contradiction").await),
        [b.as_str()]
    );
    // Spelled otherwise but folding alike is the same name.
    let mut alike = on_store(1, 31, "e@example.com", 4);
    alike["seller_url"] = Value::Null;
    alike["seller_name"] = json!("STORE  31");
    let e = id_of(&file_from(&app, "198.51.100.5", &alike).await).to_owned();
    // (Five strangers against the store by now: a burst, but no contradiction.)
    assert!(!flags_of(&ana, &e).await.contains(&"contradiction"));
}

#[tokio::test]
async fn a_flag_filter_pages_through_its_matches() {
    let app = behind_proxy().await;
    let mut crowd = Vec::new();
    for n in 0..23u64 {
        let report = on_store(n, 200 + n, &format!("c{n}@example.com"), n as usize);
        crowd.push(id_of(&file_from(&app, "192.0.2.9", &report).await).to_owned());
        // Another network's report between them, which the filter skips.
        if n % 5 == 0 {
            let alone = on_store(100 + n, 300 + n, &format!("x{n}@example.com"), 3);
            file_from(&app, &format!("198.51.100.{n}"), &alone).await;
        }
    }
    let ana = app.moderator("ana@example.org", false).await;
    let first = ana.page("/moderation?flag=network").await;
    assert_eq!(ids(&first), crowd[..20]);
    // A full page of matches: no scan note, and the next page goes on after the last shown.
    assert!(!first.contains("looked through"));
    let next = link(&first, "Newer reports →").expect("next page");
    assert_eq!(
        next,
        format!("/moderation?flag=network&after={}", crowd[19])
    );
    let second = ana.page(&next).await;
    assert_eq!(ids(&second), crowd[20..]);
    assert!(second.contains("this page looked through 4"), "{second}");
    assert!(link(&second, "Newer reports →").is_none());
}

#[tokio::test]
async fn the_network_hash_goes_with_the_rest_of_the_reporters_data() {
    let app = behind_proxy().await;
    let network = |id: String| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, Option<Vec<u8>>>(
                "select reporter_network from report where public_id = $1",
            )
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("report")
        }
    };
    let erased = file_from(&app, "192.0.2.50", &on_store(1, 51, "a@example.com", 0)).await;
    let forgotten = file_from(&app, "192.0.2.50", &on_store(2, 51, "b@example.com", 1)).await;
    let kept = file_from(&app, "192.0.2.50", &on_store(3, 51, "c@example.com", 2)).await;
    app.confirm_address("c@example.com").await;
    for filed in [&erased, &forgotten, &kept] {
        assert!(network(id_of(filed).to_owned()).await.is_some());
    }

    // Erasing a report deletes it at once.
    let answer = app
        .erase_report_api(
            id_of(&erased),
            erased["manage_token"].as_str().expect("token"),
        )
        .await;
    assert_eq!(answer.status(), 204);
    assert_eq!(network(id_of(&erased).to_owned()).await, None);

    // The purge of addresses never confirmed takes it with the address; a confirmed
    // reporter's report keeps it while it is published.
    let retention = fakewatch::privacy::Retention {
        unconfirmed_days: 0,
        withdrawn_days: 30,
        export_log_days: 365,
    };
    fakewatch::privacy::purge(&app.db, &app.state.evidence, &retention)
        .await
        .expect("purge");
    assert_eq!(network(id_of(&forgotten).to_owned()).await, None);
    assert!(network(id_of(&kept).to_owned()).await.is_some());
}
