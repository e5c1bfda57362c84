//! Caps on open connections: in all, and from one client address.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Admits connections: at most `total` open at once, and at most `per_client` from one client
/// address (0: no such cap).
///
/// At the total cap the server stops accepting and newcomers wait in the kernel's listen
/// backlog: every open connection either works or is closed within a timeout, so a place frees
/// within seconds and a waiting client is then served, where refusing it would turn a burst
/// into errors. A client over its own cap is accepted (its address is only known then) and
/// refused at once: left in the backlog it would hold up everyone queued behind it.
#[derive(Debug, Clone)]
pub struct Gate {
    places: Arc<Semaphore>,
    per_client: usize,
    open: OpenPerClient,
}

/// Connections open per client address; addresses with none are removed.
type OpenPerClient = Arc<Mutex<HashMap<IpAddr, usize>>>;

/// A place taken in the total cap, before a connection is accepted.
#[derive(Debug)]
pub struct Place {
    _permit: OwnedSemaphorePermit,
}

/// An admitted connection; dropping it gives its places back.
#[derive(Debug)]
pub struct Admitted {
    _place: Place,
    client: Option<(IpAddr, OpenPerClient)>,
}

impl Gate {
    pub fn new(total: usize, per_client: usize) -> Gate {
        Gate {
            places: Arc::new(Semaphore::new(total.max(1))),
            per_client,
            open: Arc::default(),
        }
    }

    /// A free place, at once if there is one.
    pub fn try_place(&self) -> Option<Place> {
        self.places
            .clone()
            .try_acquire_owned()
            .ok()
            .map(|permit| Place { _permit: permit })
    }

    /// Waits for a free place.
    pub async fn place(&self) -> Place {
        match self.places.clone().acquire_owned().await {
            Ok(permit) => Place { _permit: permit },
            // The semaphore lives as long as the gate and is never closed.
            Err(_) => std::future::pending().await,
        }
    }

    /// Admits a connection from `ip` into `place`, unless its client already has its share.
    pub fn admit(&self, place: Place, ip: IpAddr) -> Option<Admitted> {
        if self.per_client == 0 {
            return Some(Admitted {
                _place: place,
                client: None,
            });
        }
        let client = client_of(ip);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(client).or_insert(0);
        if *count >= self.per_client {
            return None;
        }
        *count += 1;
        Some(Admitted {
            _place: place,
            client: Some((client, self.open.clone())),
        })
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        if let Some((client, open)) = &self.client {
            let mut open = open.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(count) = open.get_mut(client) {
                *count -= 1;
                if *count == 0 {
                    open.remove(client);
                }
            }
        }
    }
}

/// The address a cap applies to: an IPv4 address, or an IPv6 /64 network, since one machine
/// commonly holds a whole /64 and could otherwise change address per connection.
fn client_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn a_client_gets_its_share_and_its_places_come_back() {
        let gate = Gate::new(10, 2);
        let admit = |addr| {
            gate.try_place()
                .and_then(|place| gate.admit(place, ip(addr)))
        };
        let first = admit("192.0.2.1").expect("first");
        let _second = admit("192.0.2.1").expect("second");
        assert!(
            admit("192.0.2.1").is_none(),
            "a third from the same address"
        );
        let _other = admit("192.0.2.2").expect("another address has its own share");
        assert_eq!(
            gate.places.available_permits(),
            10 - 3,
            "a refusal frees its place"
        );
        drop(first);
        let _third = admit("192.0.2.1").expect("a place came back");
        assert_eq!(gate.open.lock().expect("lock").len(), 2);
    }

    #[test]
    fn addresses_with_no_connection_left_are_forgotten() {
        let gate = Gate::new(10, 2);
        let place = gate.try_place().expect("place");
        drop(gate.admit(place, ip("192.0.2.1")));
        assert!(gate.open.lock().expect("lock").is_empty());
    }

    #[test]
    fn the_total_cap_holds_whatever_the_addresses() {
        let gate = Gate::new(2, 0);
        let _a = gate.try_place().expect("first");
        let _b = gate.try_place().expect("second");
        assert!(gate.try_place().is_none());
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
}
