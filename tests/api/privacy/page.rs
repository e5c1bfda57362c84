//! `docs/privacy.md` is served as a page, and linked from the report form and every page.

use crate::helpers::TestApp;

#[tokio::test]
async fn the_privacy_page_is_served_and_linked_from_the_form_and_the_footer() {
    let app = TestApp::spawn().await;
    let page = app.get("/about/privacy").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("page");
    for heading in [
        "What is kept, why, who sees it",
        "How to erase your data",
        "What the logs contain",
    ] {
        assert!(page.contains(heading), "the page lacks {heading:?}");
    }
    let (form, _) = app.get_report_form().await;
    let lead = form.split("<form").next().expect("text before the form");
    assert!(
        lead.contains("href=\"/about/privacy\""),
        "the form's introduction lacks the link"
    );
    let home = app.get("/").await.text().await.expect("home");
    let footer = home.split("site-footer").nth(1).expect("footer");
    assert!(footer.contains("href=\"/about/privacy\""));
}
