use super::*;

fn ip(text: &str) -> IpAddr {
    text.parse().expect("address")
}

fn nets(list: &[&str]) -> Vec<IpNet> {
    list.iter()
        .map(|n| parse_trusted_proxy(n).expect("network"))
        .collect()
}

/// The proxies of a typical deployment: a load balancer on the private network, and the
/// local reverse proxy.
fn proxies() -> Vec<IpNet> {
    nets(&["10.0.0.0/8", "127.0.0.1", "fd00::/8"])
}

#[test]
fn without_trusted_proxies_the_socket_peer_is_the_client() {
    let peer = ip("198.51.100.7");
    assert_eq!(resolve(peer, ["203.0.113.9"], &[]), peer);
    assert_eq!(resolve(peer, [], &proxies()), peer);
}

#[test]
fn an_untrusted_peer_cannot_name_another_client() {
    // A client talking to the server directly sends a forged header: it is not read at all.
    let peer = ip("198.51.100.7");
    assert_eq!(resolve(peer, ["203.0.113.9"], &proxies()), peer);
    assert_eq!(resolve(peer, ["10.0.0.1"], &proxies()), peer);
}

#[test]
fn behind_a_trusted_proxy_the_address_it_saw_is_the_client() {
    assert_eq!(
        resolve(ip("10.1.2.3"), ["203.0.113.9"], &proxies()),
        ip("203.0.113.9")
    );
}

#[test]
fn addresses_a_client_put_in_the_header_itself_are_ignored() {
    // The client sent "X-Forwarded-For: 192.0.2.66, 10.9.9.9" hoping to be someone else (or a
    // trusted proxy); the proxy appended the address that really connected.
    let header = ["192.0.2.66, 10.9.9.9, 203.0.113.9"];
    assert_eq!(
        resolve(ip("10.1.2.3"), header, &proxies()),
        ip("203.0.113.9")
    );
}

#[test]
fn trusted_hops_are_skipped_from_the_right() {
    // Client → load balancer (10.x) → local reverse proxy → us.
    let header = ["203.0.113.9, 10.4.4.4, 127.0.0.1"];
    assert_eq!(
        resolve(ip("127.0.0.1"), header, &proxies()),
        ip("203.0.113.9")
    );
}

#[test]
fn when_every_hop_is_trusted_the_leftmost_is_the_client() {
    let header = ["10.7.7.7, 10.4.4.4"];
    assert_eq!(resolve(ip("10.1.2.3"), header, &proxies()), ip("10.7.7.7"));
    // No header at all from a trusted peer: the peer itself.
    assert_eq!(resolve(ip("10.1.2.3"), [], &proxies()), ip("10.1.2.3"));
}

#[test]
fn several_headers_read_as_one_list_in_order() {
    let headers = ["192.0.2.66", "203.0.113.9, 10.4.4.4"];
    assert_eq!(
        resolve(ip("10.1.2.3"), headers, &proxies()),
        ip("203.0.113.9")
    );
    // The last header's last entry is the nearest hop.
    let headers = ["10.4.4.4", "203.0.113.9"];
    assert_eq!(
        resolve(ip("10.1.2.3"), headers, &proxies()),
        ip("203.0.113.9")
    );
}

#[test]
fn garbage_ends_the_walk_at_the_hop_that_wrote_it() {
    // A trusted proxy wrote something that is not an address: we cannot know who connected
    // to it, and must not read further left, where the client writes what it likes.
    let header = ["203.0.113.9, unknown, 10.4.4.4"];
    assert_eq!(resolve(ip("10.1.2.3"), header, &proxies()), ip("10.4.4.4"));
    assert_eq!(
        resolve(ip("10.1.2.3"), ["203.0.113.9, "], &proxies()),
        ip("10.1.2.3")
    );
    assert_eq!(
        resolve(ip("10.1.2.3"), ["<script>"], &proxies()),
        ip("10.1.2.3")
    );
    assert_eq!(resolve(ip("10.1.2.3"), [""], &proxies()), ip("10.1.2.3"));
    // Garbage left of the client is the client's own business.
    assert_eq!(
        resolve(ip("10.1.2.3"), ["junk, 203.0.113.9"], &proxies()),
        ip("203.0.113.9")
    );
}

#[test]
fn ports_and_brackets_are_read() {
    for entry in [
        "203.0.113.9:4711",
        "[2001:db8::9]:443",
        "[2001:db8::9]",
        " 2001:db8::9 ",
    ] {
        let want = if entry.contains("2001") {
            ip("2001:db8::9")
        } else {
            ip("203.0.113.9")
        };
        assert_eq!(
            resolve(ip("10.1.2.3"), [entry], &proxies()),
            want,
            "{entry}"
        );
    }
}

#[test]
fn ipv6_proxies_and_clients() {
    let header = ["2001:db8:1:2::77, fd00::5"];
    assert_eq!(
        resolve(ip("fd00::1"), header, &proxies()),
        ip("2001:db8:1:2::77")
    );
}

#[test]
fn mapped_addresses_are_their_ipv4_address() {
    // A dual-stack listener sees an IPv4 proxy as ::ffff:127.0.0.1.
    assert_eq!(
        resolve(ip("::ffff:127.0.0.1"), ["203.0.113.9"], &proxies()),
        ip("203.0.113.9")
    );
    // And a mapped client address is its IPv4 address, trusted or not.
    assert_eq!(
        resolve(ip("127.0.0.1"), ["::ffff:203.0.113.9"], &proxies()),
        ip("203.0.113.9")
    );
    assert_eq!(
        resolve(
            ip("127.0.0.1"),
            ["203.0.113.9, ::ffff:10.4.4.4"],
            &proxies()
        ),
        ip("203.0.113.9")
    );
    assert_eq!(
        resolve(ip("::ffff:198.51.100.7"), [], &[]),
        ip("198.51.100.7")
    );
}

#[test]
fn a_client_is_an_ipv4_address_or_an_ipv6_slash_64() {
    assert_eq!(
        ClientNet::of(ip("2001:db8:1:2:aaaa::1")),
        ClientNet::of(ip("2001:db8:1:2:bbbb::2"))
    );
    assert_ne!(
        ClientNet::of(ip("2001:db8:1:2::1")),
        ClientNet::of(ip("2001:db8:1:3::1"))
    );
    assert_ne!(
        ClientNet::of(ip("192.0.2.1")),
        ClientNet::of(ip("192.0.2.2"))
    );
    assert_eq!(
        ClientNet::of(ip("::ffff:192.0.2.1")),
        ClientNet::of(ip("192.0.2.1"))
    );
    assert_eq!(
        ClientNet::of(ip("2001:db8:1:2:aaaa::1")).to_string(),
        "2001:db8:1:2::/64"
    );
    assert_eq!(ClientNet::of(ip("192.0.2.1")).to_string(), "192.0.2.1");
    assert_eq!(
        ClientNet::of(ip("2001:db8:1:2:aaaa::1")).address(),
        ip("2001:db8:1:2::")
    );
}

#[test]
fn trusted_proxies_are_cidrs_or_single_addresses() {
    assert_eq!(
        parse_trusted_proxy(" 10.0.0.0/8 "),
        Ok("10.0.0.0/8".parse().expect("net"))
    );
    assert_eq!(
        parse_trusted_proxy("127.0.0.1"),
        Ok("127.0.0.1/32".parse().expect("net"))
    );
    assert_eq!(
        parse_trusted_proxy("2001:db8::1"),
        Ok("2001:db8::1/128".parse().expect("net"))
    );
    // Host bits are dropped: 10.1.2.3/8 is 10.0.0.0/8.
    assert_eq!(
        parse_trusted_proxy("10.1.2.3/8"),
        Ok("10.0.0.0/8".parse().expect("net"))
    );
    for bad in ["10.0.0/8", "10.0.0.0/33", "proxy.internal", "", "10.0.0.0/"] {
        let err = parse_trusted_proxy(bad).expect_err(bad);
        assert!(err.contains("CIDRs such as 10.0.0.0/8"), "{err}");
    }
}

#[test]
fn the_setting_is_a_comma_separated_list_that_may_be_empty() {
    assert_eq!(TrustedProxies::parse(""), Ok(TrustedProxies::default()));
    assert_eq!(TrustedProxies::parse(" , "), Ok(TrustedProxies::default()));
    assert_eq!(
        TrustedProxies::parse("10.0.0.0/8, 127.0.0.1,"),
        Ok(TrustedProxies(nets(&["10.0.0.0/8", "127.0.0.1/32"])))
    );
    let err = TrustedProxies::parse("10.0.0.0/8,10.1/8").expect_err("refused");
    assert!(err.starts_with("\"10.1/8\" is not a network"), "{err}");
}
