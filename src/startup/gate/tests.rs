use super::*;

fn ip(text: &str) -> IpAddr {
    text.parse().expect("address")
}

fn admit(gate: &Gate, addr: &str) -> Option<Admitted> {
    let place = gate.try_place()?;
    gate.admit(place, ip(addr), Activity::default())
}

#[test]
fn a_client_gets_its_share_and_its_places_come_back() {
    let gate = Gate::new(10, 2);
    let first = admit(&gate, "192.0.2.1").expect("first");
    let _second = admit(&gate, "192.0.2.1").expect("second");
    assert!(
        admit(&gate, "192.0.2.1").is_none(),
        "a third from the same address"
    );
    assert!(!gate.within_share(ip("192.0.2.1")));
    assert!(gate.within_share(ip("192.0.2.2")));
    let _other = admit(&gate, "192.0.2.2").expect("another address has its own share");
    assert_eq!(
        gate.places.available_permits(),
        10 - 3,
        "a refusal frees its place"
    );
    drop(first);
    let _third = admit(&gate, "192.0.2.1").expect("a place came back");
    assert_eq!(gate.book().per_client.len(), 2);
}

#[test]
fn connections_that_closed_are_forgotten() {
    let gate = Gate::new(10, 2);
    drop(admit(&gate, "192.0.2.1"));
    assert!(gate.book().per_client.is_empty());
    assert!(gate.book().open.is_empty());
}

#[test]
fn the_total_cap_holds_whatever_the_addresses() {
    let gate = Gate::new(2, 0);
    let _a = gate.try_place().expect("first");
    let _b = gate.try_place().expect("second");
    assert!(gate.try_place().is_none());
}

#[tokio::test]
async fn room_is_made_by_the_connection_idle_longest_and_never_one_with_a_request() {
    let gate = Gate::new(10, 0);
    let busy_activity = Activity::default();
    let busy = gate
        .admit(
            gate.try_place().expect("place"),
            ip("192.0.2.1"),
            busy_activity.clone(),
        )
        .expect("admitted");
    let _request = busy_activity.start();
    let oldest = admit(&gate, "192.0.2.2").expect("admitted");
    let newer = admit(&gate, "192.0.2.3").expect("admitted");
    let asked = |admitted: &Admitted| {
        let waiting = admitted.asked_to_make_room();
        futures_util::FutureExt::now_or_never(waiting).is_some()
    };

    assert!(gate.make_room());
    assert!(asked(&oldest), "the idlest was asked");
    assert!(!asked(&newer) && !asked(&busy));
    assert!(gate.make_room(), "the next idlest");
    assert!(asked(&newer));
    assert!(
        !gate.make_room(),
        "only a connection with a request in progress is left"
    );
    assert!(!asked(&busy));
}

#[test]
fn ipv6_addresses_count_per_64_network_and_mapped_ipv4_as_ipv4() {
    assert_eq!(
        client_of(ip("2001:db8:1:2:aaaa::1")),
        client_of(ip("2001:db8:1:2:bbbb::2"))
    );
    assert_ne!(
        client_of(ip("2001:db8:1:2::1")),
        client_of(ip("2001:db8:1:3::1"))
    );
    assert_eq!(client_of(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
}
