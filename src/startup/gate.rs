//! Caps on open connections: in all, and from one client address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use super::idle::Activity;

/// Admits connections: at most `total` open at once, and at most `per_client` from one client
/// address (0: no such cap).
///
/// At the total cap, the connection that has had no request in progress for longest (waiting
/// for its first request's headers, or kept alive between requests) is asked to close and the
/// newcomer takes its place, as Apache's event MPM closes kept-alive connections when it runs
/// out of workers. Slow clients that never finish a request's headers are thus the first to
/// go, while a newcomer sends its headers within milliseconds and is then safe. Only when every
/// open connection has a request in progress does a newcomer wait for one to end (and those
/// after it, in the kernel's listen backlog): refusing it would turn a burst into errors, and
/// requests end within the request timeout. Waiting in every case starved clients that open new
/// connections once slow clients from a few addresses had filled the cap (measured with
/// benches/slow_clients.sh: no answer in 30 s).
///
/// A client over its own cap is accepted (its address is only known then) and refused at once:
/// left waiting, it would hold up everyone queued behind it.
#[derive(Debug, Clone)]
pub struct Gate {
    places: Arc<Semaphore>,
    per_client: usize,
    book: Arc<Mutex<Book>>,
}

/// The open connections, and how many each client address has.
#[derive(Debug, Default)]
struct Book {
    next_id: u64,
    open: HashMap<u64, Open>,
    per_client: HashMap<IpAddr, usize>,
}

#[derive(Debug)]
struct Open {
    activity: Activity,
    close: Arc<Notify>,
    asked_to_close: bool,
}

/// A place taken in the total cap.
#[derive(Debug)]
pub struct Place {
    _permit: OwnedSemaphorePermit,
}

/// An admitted connection; dropping it gives its places back.
#[derive(Debug)]
pub struct Admitted {
    _place: Place,
    id: u64,
    client: Option<IpAddr>,
    close: Arc<Notify>,
    book: Arc<Mutex<Book>>,
}

impl Gate {
    pub fn new(total: usize, per_client: usize) -> Gate {
        Gate {
            places: Arc::new(Semaphore::new(total.max(1))),
            per_client,
            book: Arc::default(),
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

    /// Asks the connection that has had no request in progress for longest to close, so that
    /// its place frees; false if every open connection has a request in progress.
    pub fn make_room(&self) -> bool {
        let mut book = self.book();
        let idlest = book
            .open
            .values_mut()
            .filter(|open| !open.asked_to_close)
            .filter_map(|open| Some((open.activity.idle_since()?, open)))
            .min_by_key(|(since, _)| *since);
        match idlest {
            Some((_, open)) => {
                open.asked_to_close = true;
                open.close.notify_one();
                true
            }
            None => false,
        }
    }

    /// Whether the client at `ip` has fewer connections open than its share.
    pub fn within_share(&self, ip: IpAddr) -> bool {
        self.per_client == 0
            || self
                .book()
                .per_client
                .get(&client_of(ip))
                .copied()
                .unwrap_or(0)
                < self.per_client
    }

    /// Admits a connection from `ip` into `place`, unless its client already has its share.
    pub fn admit(&self, place: Place, ip: IpAddr, activity: Activity) -> Option<Admitted> {
        let mut book = self.book();
        let client = (self.per_client > 0).then(|| client_of(ip));
        if let Some(client) = client {
            let count = book.per_client.entry(client).or_insert(0);
            if *count >= self.per_client {
                return None;
            }
            *count += 1;
        }
        let id = book.next_id;
        book.next_id += 1;
        let close = Arc::new(Notify::new());
        book.open.insert(
            id,
            Open {
                activity,
                close: close.clone(),
                asked_to_close: false,
            },
        );
        Some(Admitted {
            _place: place,
            id,
            client,
            close,
            book: self.book.clone(),
        })
    }

    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Admitted {
    /// Resolves when the gate needs this connection's place for a newcomer.
    pub async fn asked_to_make_room(&self) {
        self.close.notified().await;
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut book = self.book.lock().unwrap_or_else(PoisonError::into_inner);
        book.open.remove(&self.id);
        if let Some(client) = &self.client
            && let Some(count) = book.per_client.get_mut(client)
        {
            *count -= 1;
            if *count == 0 {
                book.per_client.remove(client);
            }
        }
    }
}

/// The address a cap applies to: an IPv4 address, or an IPv6 /64 network, since one machine
/// commonly holds a whole /64 and could otherwise change address per connection. This is the
/// socket's peer, never an address a proxy forwarded: the caps count connections to us.
fn client_of(ip: IpAddr) -> IpAddr {
    crate::domain::client::ClientNet::of(ip).address()
}

#[cfg(test)]
mod tests;
