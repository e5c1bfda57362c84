//! Who a request comes from, as far as the network tells: the address behind any trusted
//! proxies, and the network that address stands for (an IPv4 address or an IPv6 /64).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// One client for limits and fingerprints: an IPv4 address, or an IPv6 /64 network, since one
/// machine commonly holds a whole /64 and could otherwise take a new address per request.
/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is its IPv4 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientNet {
    V4(Ipv4Addr),
    /// The upper 64 bits of the address.
    V6(u64),
}

impl ClientNet {
    pub fn of(ip: IpAddr) -> ClientNet {
        match ip.to_canonical() {
            IpAddr::V4(v4) => ClientNet::V4(v4),
            IpAddr::V6(v6) => ClientNet::V6((v6.to_bits() >> 64) as u64),
        }
    }

    /// The network's first address: the IPv4 address itself, or the /64 with its host part 0.
    pub fn address(self) -> IpAddr {
        match self {
            ClientNet::V4(v4) => IpAddr::V4(v4),
            ClientNet::V6(prefix) => IpAddr::V6(Ipv6Addr::from_bits(u128::from(prefix) << 64)),
        }
    }
}

/// `192.0.2.1` or `2001:db8:1:2::/64`. An IPv4 client reads as its address alone, as reporter
/// fingerprints have always hashed it.
impl fmt::Display for ClientNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientNet::V4(v4) => write!(f, "{v4}"),
            ClientNet::V6(_) => write!(f, "{}/64", self.address()),
        }
    }
}

/// The client's address. `peer` is the socket's peer; when it is one of the `trusted` proxies,
/// the `X-Forwarded-For` header values (in the order they came, several headers read as one
/// list) are walked from the right: each trusted proxy appended the address that connected to
/// it, so the first address outside `trusted` is the client, and everything left of it is
/// whatever that client chose to send. When every hop is trusted, the leftmost is the client.
///
/// A peer that is not a trusted proxy is the client, whatever its header says. An entry that
/// is not an address (`unknown`, an obfuscated name, garbage) ends the walk: the client is then
/// the trusted hop that wrote it, which lumps such clients together rather than letting one
/// pick a new identity per request. Ports (`192.0.2.1:4711`, `[2001:db8::1]:443`) are ignored.
pub fn resolve<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[IpNet],
) -> IpAddr {
    let peer = peer.to_canonical();
    if !is_trusted(peer, trusted) {
        return peer;
    }
    let entries: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|value| value.split(','))
        .collect();
    let mut client = peer;
    for entry in entries.iter().rev() {
        let Some(hop) = parse_hop(entry) else {
            return client;
        };
        if !is_trusted(hop, trusted) {
            return hop;
        }
        client = hop;
    }
    client
}

fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(&ip))
}

/// One `X-Forwarded-For` entry: an address, with or without a port.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let ip = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|inner| inner.parse().ok())
        })?;
    Some(ip.to_canonical())
}

/// The proxies whose `X-Forwarded-For` is believed (`FAKEWATCH_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    /// A comma-separated list of CIDRs or addresses; empty (or only commas and spaces): none.
    pub fn parse(text: &str) -> Result<TrustedProxies, String> {
        text.split(',')
            .filter(|entry| !entry.trim().is_empty())
            .map(parse_trusted_proxy)
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    pub fn as_slice(&self) -> &[IpNet] {
        &self.0
    }
}

/// A trusted-proxy entry from the settings: a CIDR (`10.0.0.0/8`, `2001:db8::/32`) or a
/// single address (`127.0.0.1`, meaning `/32`, or `/128` for IPv6).
pub fn parse_trusted_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .map(|net| net.trunc())
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| {
            format!(
                "{text:?} is not a network: give CIDRs such as 10.0.0.0/8 or 2001:db8::/32, or \
                 single addresses, separated by commas"
            )
        })
}

#[cfg(test)]
mod tests;
