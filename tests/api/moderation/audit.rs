//! The audit page: every change, newest first, with who, what, when, the subject linked to its
//! public page and what changed; filtered by action, moderator and subject; paged.

use fakewatch::db::audit::{Change, record};
use fakewatch::domain::moderation::Action;
use serde_json::json;

use super::reports::{decide, file_unconfirmed, id_of};
use crate::helpers::TestApp;
use crate::takedowns::report;

/// The audit page's rows, each as its text with tags removed and spaces collapsed.
fn rows(html: &str) -> Vec<String> {
    let Some(body) = html.split("<tbody>").nth(1) else {
        return Vec::new();
    };
    body.split("</tbody>")
        .next()
        .expect("table body")
        .split("<tr>")
        .skip(1)
        .map(|row| {
            let mut text = String::new();
            let mut in_tag = false;
            for c in row.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        text.push(' ');
                    }
                    _ if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

fn link(html: &str, text: &str) -> Option<String> {
    let text_at = html.find(&format!(">{text}</a>"))?;
    let start = html[..text_at].rfind("href=\"")? + 6;
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

#[tokio::test]
async fn the_audit_page_shows_who_did_what_to_which_subject_newest_first() {
    let app = TestApp::spawn().await;
    let first = file_unconfirmed(&app, &report(1, "Acme", "a@example.com")).await;
    let second = file_unconfirmed(&app, &report(2, "Acme", "b@example.com")).await;
    let ana = app.moderator("ana@example.org", false).await;
    let bo = app.moderator("bo@example.org", false).await;
    decide(&ana, id_of(&first), "verify", None).await;
    decide(&bo, id_of(&second), "reject", Some("spam")).await;

    let page = ana.page("/moderation/audit").await;
    let entries = rows(&page);
    assert_eq!(entries.len(), 4, "{entries:?}");
    let (a, b) = (id_of(&first), id_of(&second));
    assert!(
        entries[0].ends_with(&format!(
            "bo@example.org Rejected a report report {b} reason: — → spam status: unverified → rejected"
        )),
        "{}",
        entries[0]
    );
    assert!(
        entries[1].ends_with(&format!(
            "ana@example.org Verified a report report {a} reason: — status: unverified → verified"
        )),
        "{}",
        entries[1]
    );
    assert!(
        entries[3]
            .contains("an operator (command line) Added a moderator moderator ana@example.org"),
        "{}",
        entries[3]
    );
    assert!(page.contains(&format!("<a href=\"/reports/{b}\">{b}</a>")));
    assert!(page.contains("<time datetime=\""));

    // Filters: an action, a moderator (typed any way), a subject.
    let rejected = ana.page("/moderation/audit?action=reject_report").await;
    assert_eq!(rows(&rejected).len(), 1);
    assert!(rejected.contains("<option value=\"reject_report\" selected>"));
    let by_ana = ana
        .page("/moderation/audit?moderator=+ANA%40example.org+")
        .await;
    let by_ana = rows(&by_ana);
    assert_eq!(by_ana.len(), 1);
    assert!(by_ana[0].contains("Verified a report"));
    let about = ana.page(&format!("/moderation/audit?subject={b}")).await;
    assert_eq!(rows(&about).len(), 1);
    let nothing = ana
        .page("/moderation/audit?action=verify_report&moderator=bo%40example.org")
        .await;
    assert!(rows(&nothing).is_empty());
    assert!(nothing.contains("No entry matches these filters."));
    assert_eq!(
        ana.get("/moderation/audit?action=drop_table")
            .await
            .status(),
        422
    );
    assert_eq!(ana.get("/moderation/audit?before=x").await.status(), 422);
}

#[tokio::test]
async fn the_audit_page_pages_through_the_log_fifty_rows_at_a_time() {
    let app = TestApp::spawn().await;
    let filed = file_unconfirmed(&app, &report(1, "Acme", "a@example.com")).await;
    let id = id_of(&filed);
    let ana = app.moderator("ana@example.org", false).await;
    // 60 decisions, alternating, plus the row of ana's creation.
    for n in 0..60 {
        if n % 2 == 0 {
            decide(&ana, id, "verify", None).await;
        } else {
            decide(&ana, id, "reject", Some("duplicate")).await;
        }
    }
    let first = ana.page(&format!("/moderation/audit?subject={id}")).await;
    let first_rows = rows(&first);
    assert_eq!(first_rows.len(), 50);
    assert!(first_rows[0].contains("Rejected a report"), "newest first");
    let next = link(&first, "Older entries →").expect("next page");
    assert!(next.starts_with(&format!("/moderation/audit?subject={id}&before=")));
    let second = ana.page(&next).await;
    let second_rows = rows(&second);
    assert_eq!(second_rows.len(), 10);
    assert!(second_rows[9].contains("Verified a report"), "the oldest");
    assert!(link(&second, "Older entries →").is_none());
    assert_eq!(
        link(&second, "← Newest entries"),
        Some(format!("/moderation/audit?subject={id}"))
    );
}

#[tokio::test]
async fn what_the_log_shows_is_escaped_and_subjects_link_to_their_pages() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    let mut conn = app.db.acquire().await.expect("connection");
    // Another part of moderation renames sellers; its rows hold what moderators typed.
    record(
        &mut conn,
        None,
        &Change {
            action: Action::RenameSeller,
            subject_id: "aliexpress/1102345678",
            before: json!({"display_name": "Luxury Outlet"}),
            after: json!({"display_name": "<script>alert(1)</script>"}),
        },
    )
    .await
    .expect("audit row");
    drop(conn);
    let page = ana.page("/moderation/audit").await;
    assert!(!page.contains("<script>alert(1)</script>"), "{page}");
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{page}"
    );
    assert!(page.contains("<a href=\"/sellers/aliexpress/1102345678\">aliexpress/1102345678</a>"));
}
