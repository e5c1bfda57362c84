//! `fakewatch healthcheck`: asks the server on `FAKEWATCH_LISTEN` for `/healthz`, for
//! container health checks (the runtime image has no curl, and its `/bin/sh` no `/dev/tcp`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// How long the whole check may take.
const TIMEOUT: Duration = Duration::from_secs(3);

/// Why the server is not healthy, in words for the container's health log.
#[derive(Debug, thiserror::Error)]
pub enum Unhealthy {
    #[error("no answer from {0} within {TIMEOUT:?}")]
    Timeout(SocketAddr),
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("HTTP error talking to {addr}: {source}")]
    Http {
        addr: SocketAddr,
        source: hyper::Error,
    },
    #[error("{addr}/healthz answered {status}")]
    Status {
        addr: SocketAddr,
        status: StatusCode,
    },
}

/// `Ok` when `GET /healthz` on `listen` answers 200. A server listening on every address
/// (`0.0.0.0`, `::`) is asked on loopback.
pub async fn check(listen: SocketAddr) -> Result<(), Unhealthy> {
    let addr = probe_address(listen);
    tokio::time::timeout(TIMEOUT, get_healthz(addr))
        .await
        .map_err(|_| Unhealthy::Timeout(addr))?
}

fn probe_address(listen: SocketAddr) -> SocketAddr {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, listen.port())
}

async fn get_healthz(addr: SocketAddr) -> Result<(), Unhealthy> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|source| Unhealthy::Connect { addr, source })?;
    let http = |source| Unhealthy::Http { addr, source };
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(http)?;
    let connection = tokio::spawn(connection);
    let request = Request::get("/healthz")
        .header(header::HOST, addr.to_string())
        .body(Body::empty())
        .map_err(|_| Unhealthy::Status {
            addr,
            status: StatusCode::BAD_REQUEST,
        })?;
    let response = sender.send_request(request).await.map_err(http)?;
    connection.abort();
    match response.status() {
        StatusCode::OK => Ok(()),
        status => Err(Unhealthy::Status { addr, status }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_on_every_address_is_asked_on_loopback() {
        let any: SocketAddr = "0.0.0.0:8080".parse().expect("address");
        assert_eq!(probe_address(any).to_string(), "127.0.0.1:8080");
        let any6: SocketAddr = "[::]:8080".parse().expect("address");
        assert_eq!(probe_address(any6).to_string(), "[::1]:8080");
        let one: SocketAddr = "10.0.0.5:80".parse().expect("address");
        assert_eq!(probe_address(one), one);
    }
}
