//! Which state-changing requests come from another website: a page elsewhere must not be able
//! to make its visitors' browsers file, withdraw or change anything here with their cookies.
//!
//! Browsers say where a request comes from: `Origin` on every POST, PUT, PATCH and DELETE, and
//! `Sec-Fetch-Site` in current ones. A request with neither is not a browser riding a
//! visitor's cookies (curl, scripts, other servers) and is let through; the form's CSRF token
//! still guards the HTML forms against older browsers that send neither.

use url::Url;

/// Whether a request with this method changes something (and so must come from our pages).
pub fn is_state_changing(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH" | "DELETE")
}

/// What a request's headers say about where it was sent from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sender<'a> {
    /// Every `Origin` header value (browsers send one).
    pub origins: &'a [&'a str],
    /// The `Sec-Fetch-Site` header value.
    pub fetch_site: Option<&'a str>,
    /// The request's own `Host` (or HTTP/2 `:authority`): the name the client used for us.
    pub host: Option<&'a str>,
}

/// Whether a state-changing request was sent by a page of another site: its `Origin` is
/// `null`, unreadable, or neither the service's public origin (`public_base`) nor the
/// request's own host, or its `Sec-Fetch-Site` is `cross-site`.
///
/// One exception: `Origin: null` with `Sec-Fetch-Site: same-origin` is a page of ours whose
/// browser hides its origin (a `no-referrer` policy set by the user or an extension does
/// that). Pages can't set `Sec-Fetch-*` headers, and another site's sandboxed frame or
/// `data:` page, the usual senders of `null`, gets `cross-site`.
pub fn is_cross_site(sender: &Sender<'_>, public_base: &str) -> bool {
    let fetch_site = sender.fetch_site.map(str::trim);
    if fetch_site.is_some_and(|site| site.eq_ignore_ascii_case("cross-site")) {
        return true;
    }
    let vouched_same_origin =
        fetch_site.is_some_and(|site| site.eq_ignore_ascii_case("same-origin"));
    let public = Url::parse(public_base).ok().map(|url| url.origin());
    sender.origins.iter().any(|origin| {
        if vouched_same_origin && origin.trim() == "null" {
            return false;
        }
        // "null" (a sandboxed frame, a data: URL, a redirect across sites) parses to an
        // opaque origin and is never the same as ours.
        let Some(origin) = Url::parse(origin.trim())
            .ok()
            .filter(|url| url.path() == "/" && url.query().is_none())
            .map(|url| url.origin())
            .filter(url::Origin::is_tuple)
        else {
            return true;
        };
        let ours = public.as_ref() == Some(&origin)
            || sender
                .host
                .and_then(|host| same_host_origin(&origin, host))
                .is_some_and(|host_origin| host_origin == origin);
        !ours
    })
}

/// The origin the request's `Host` names, in the scheme of `origin` (behind a TLS proxy the
/// request reaches us as plain HTTP, so only the browser knows the scheme).
fn same_host_origin(origin: &url::Origin, host: &str) -> Option<url::Origin> {
    let url::Origin::Tuple(scheme, ..) = origin else {
        return None;
    };
    // A Host is a name or address and a port, nothing that could move the URL's parts.
    if host.is_empty()
        || host
            .bytes()
            .any(|b| matches!(b, b'/' | b'\\' | b'@' | b'?' | b'#') || b.is_ascii_whitespace())
    {
        return None;
    }
    Url::parse(&format!("{scheme}://{host}"))
        .ok()
        .map(|url| url.origin())
}

#[cfg(test)]
mod tests;
