use super::*;

const PUBLIC: &str = "https://fakewatch.example";

fn from(origins: &[&str], fetch_site: Option<&str>, host: Option<&str>) -> bool {
    let sender = Sender {
        origins,
        fetch_site,
        host,
    };
    is_cross_site(&sender, PUBLIC)
}

#[test]
fn only_methods_that_change_something_are_checked() {
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        assert!(is_state_changing(method), "{method}");
    }
    for method in ["GET", "HEAD", "OPTIONS", "TRACE"] {
        assert!(!is_state_changing(method), "{method}");
    }
}

#[test]
fn our_own_pages_pass() {
    let host = Some("fakewatch.example");
    assert!(!from(&["https://fakewatch.example"], None, host));
    assert!(!from(
        &["https://fakewatch.example"],
        Some("same-origin"),
        host
    ));
    // The default port is the same origin, written or not; case does not matter in names.
    assert!(!from(&["https://FakeWatch.example:443"], None, None));
}

#[test]
fn the_requests_own_host_passes() {
    // Reached by another name than the public URL (an internal name, an address), the page's
    // origin is the host the browser asked for.
    assert!(!from(
        &["http://10.0.0.5:8080"],
        Some("same-origin"),
        Some("10.0.0.5:8080")
    ));
    assert!(!from(&["http://[::1]:8080"], None, Some("[::1]:8080")));
    // Behind TLS termination the Host carries no scheme: the Origin's is taken.
    assert!(!from(
        &["https://mirror.example"],
        None,
        Some("mirror.example")
    ));
    assert!(!from(
        &["https://mirror.example"],
        None,
        Some("mirror.example:443")
    ));
}

#[test]
fn another_site_is_refused() {
    let host = Some("fakewatch.example");
    assert!(from(&["https://evil.example"], None, host));
    assert!(from(&["https://evil.example"], Some("cross-site"), host));
    // Another port or scheme is another origin.
    assert!(from(&["http://fakewatch.example"], None, None));
    assert!(from(&["https://fakewatch.example:8443"], None, host));
    // A sibling subdomain is another origin too, even though the browser says "same-site".
    assert!(from(
        &["https://blog.fakewatch.example"],
        Some("same-site"),
        host
    ));
}

#[test]
fn null_and_garbage_origins_are_refused() {
    let host = Some("fakewatch.example");
    for origin in [
        "null",
        "",
        "fakewatch.example",
        "https://fakewatch.example/reports",
        "data:text/html,hi",
        "file:///tmp/x.html",
    ] {
        assert!(from(&[origin], None, host), "{origin:?}");
    }
}

#[test]
fn a_null_origin_passes_only_when_the_browser_says_same_origin() {
    // A page of ours under a no-referrer policy: the browser hides the origin but says where
    // the request comes from in a header no page can set.
    assert!(!from(&["null"], Some("same-origin"), None));
    assert!(from(&["null"], None, None));
    assert!(from(&["null"], Some("same-site"), None));
    assert!(from(&["null"], Some("none"), None));
    assert!(from(&["null"], Some("cross-site"), None));
    // It vouches for a hidden origin, not for another one.
    assert!(from(&["https://evil.example"], Some("same-origin"), None));
}

#[test]
fn one_foreign_origin_among_several_is_enough() {
    assert!(from(
        &["https://fakewatch.example", "https://evil.example"],
        None,
        None
    ));
}

#[test]
fn sec_fetch_site_cross_site_is_refused_even_without_origin() {
    assert!(from(&[], Some("cross-site"), Some("fakewatch.example")));
    assert!(from(&[], Some(" Cross-Site "), None));
    assert!(!from(&[], Some("same-origin"), None));
    assert!(!from(&[], Some("none"), None));
}

#[test]
fn requests_that_say_nothing_pass() {
    // curl and scripts: no browser, no visitor's cookies to ride.
    assert!(!from(&[], None, Some("fakewatch.example")));
    assert!(!from(&[], None, None));
}

#[test]
fn a_host_header_cannot_smuggle_another_origin() {
    for host in [
        "evil.example/@fakewatch.example",
        "fakewatch.example@evil.example",
        "evil.example#",
        "evil.example fakewatch.example",
        "",
    ] {
        assert!(
            from(&["https://evil.example"], None, Some(host)),
            "{host:?}"
        );
    }
}
