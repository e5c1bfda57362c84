//! Building the application: state, router, middleware, and serving with graceful shutdown.

mod gate;
mod idle;
mod serve;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::MatchedPath;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use tokio::net::{TcpListener, TcpSocket};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::config::{Command, Config};
use crate::db;
use crate::evidence::EvidenceService;
use crate::routes;
use crate::security::{Secret, SecretSource, SecretString};
use crate::state::AppState;

/// Why the service could not start; each names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] db::DbSetupError),
    #[error("cannot prepare the secret in {dir}: {source}")]
    Secret { dir: String, source: std::io::Error },
    #[error(transparent)]
    EvidenceStore(#[from] crate::evidence::StoreSetupError),
    #[error(transparent)]
    Mail(#[from] crate::mail::MailSetupError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Admin(#[from] crate::admin::AdminError),
    #[error("demo data: {0}")]
    DemoData(sqlx::Error),
    #[error("purge: {0}")]
    Purge(sqlx::Error),
    #[error("unhealthy: {0}")]
    Unhealthy(#[from] crate::healthcheck::Unhealthy),
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Content-Security-Policy: no inline script, nothing from other origins, no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Runs one command of the binary: migrate, generate demo data, purge, or serve.
pub async fn run(command: Command, config: Config) -> Result<(), StartupError> {
    match command {
        Command::Migrate => {
            db::prepare(&config).await.map_err(StartupError::from)?;
            tracing::info!("database is up to date");
        }
        Command::DemoData { reports, seed } => {
            let s = demo_data(&config, reports, seed).await?;
            tracing::info!(reports = s.reports, sellers = s.sellers, elapsed = ?s.elapsed, "demo data");
        }
        Command::RightsHolder(command) => {
            let pool = db::prepare(&config).await?;
            let output = crate::admin::rights_holder(&pool, command).await?;
            print!("{output}");
        }
        Command::Moderator(command) => {
            let pool = db::prepare(&config).await?;
            let output = crate::admin::moderator(&pool, command).await?;
            print!("{output}");
        }
        Command::Summaries(command) => {
            let pool = db::prepare(&config).await?;
            let output = crate::admin::summaries(&pool, command).await?;
            print!("{output}");
        }
        Command::Healthcheck => crate::healthcheck::check(config.listen).await?,
        Command::Purge => {
            let pool = db::prepare(&config).await?;
            let store = EvidenceService::from_config(&config)?;
            let retention = crate::privacy::Retention::from(&config);
            let summary = crate::privacy::purge(&pool, &store, &retention)
                .await
                .map_err(StartupError::Purge)?;
            print!("{summary}");
        }
        Command::PdfClean(_) => {
            // main.rs runs the PDF worker before any runtime starts; it never gets here.
            tracing::error!("pdf-clean runs on its own, without a runtime");
        }
        Command::Serve => {
            let state = build_state(config).await?;
            let listener = bind(&state.config).await?;
            tracing::info!(address = %state.config.listen, "listening");
            serve(listener, state).await?;
        }
    }
    Ok(())
}

/// Creates and migrates the database, then fills it with demo data.
pub async fn demo_data(
    config: &Config,
    reports: u64,
    seed: u64,
) -> Result<crate::demo_data::DemoSummary, StartupError> {
    let pool = db::prepare(config).await?;
    let options = crate::demo_data::DemoOptions {
        reports,
        seed,
        progress: true,
    };
    crate::demo_data::generate(&pool, &options)
        .await
        .map_err(StartupError::DemoData)
}

/// Checks the mail settings, connects to (creating and migrating) the database and to its
/// replica when one is configured, and opens the evidence store.
pub async fn build_state(config: Config) -> Result<AppState, StartupError> {
    // First: a mistake in the mail settings is found before anything else is touched.
    let mailer = crate::mail::Mailer::from_config(&config)?;
    let db = db::prepare_for_serving(&config).await?;
    let (secret, source) = Secret::load_or_create(
        config.secret.as_ref().map(SecretString::expose),
        &config.data_dir,
    )
    .map_err(|source| StartupError::Secret {
        dir: config.data_dir.display().to_string(),
        source,
    })?;
    if source == SecretSource::Generated {
        tracing::info!(
            dir = %config.data_dir.display(),
            "FAKEWATCH_SECRET is not set: generated a secret and stored it in the data dir"
        );
    }
    let replica = match &config.database_replica_url {
        Some(url) => {
            let pool = db::replica::connect(&config, url).await?;
            tracing::info!(replica = %url.redacted(), "public pages read from the replica");
            Some(pool)
        }
        None => None,
    };
    let evidence = EvidenceService::from_config(&config)?;
    // Made now, so that the first sign-in naming an unknown account takes no longer than any.
    let _ = tokio::task::spawn_blocking(crate::security::decoy_password_hash).await;
    let state = AppState::new(db, config, secret, evidence, mailer);
    Ok(match replica {
        Some(pool) => state.with_replica(pool),
        None => state,
    })
}

/// The whole application: routes, static files and the middleware stack.
pub fn app(state: AppState) -> Router {
    let routes = routes::routes(&state);
    with_middleware(routes, state)
}

/// `routes` with static files, every middleware layer and the state: what [`app`] serves,
/// and what a test serves to check the layers with routes of its own.
pub fn with_middleware(routes: Router<AppState>, state: AppState) -> Router {
    let config = &state.config;
    let timeout = Duration::from_secs(config.request_timeout_secs);
    let static_files = Router::new()
        .fallback_service(ServeDir::new(&config.static_dir))
        .layer(axum::middleware::map_response(cache_static));

    routes
        .nest_service("/static", static_files)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http()
                    .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                    .make_span_with(
                    |request: &axum::http::Request<_>| {
                        let id = request
                            .headers()
                            .get(REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default();
                        let path = logged_path(request);
                        tracing::info_span!("request", method = %request.method(), path, request_id = %id)
                    },
                ))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CompressionLayer::new())
                // Inside compression, so that it reads error bodies as written; outside the
                // timeout, so that a 408 under /api/ becomes problem details too.
                .layer(axum::middleware::from_fn(routes::problem_details))
                .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
                .layer(security_header(header::CONTENT_SECURITY_POLICY, CSP))
                .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                // Never a path (manage links carry their token): at most our origin, and
                // links out carry rel=noreferrer. Not no-referrer, under which browsers send
                // `Origin: null` with our own forms, which reads as another site's.
                .layer(security_header(header::REFERRER_POLICY, "strict-origin"))
                .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
                // Before any handler and body: another site's page changes nothing here.
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    routes::refuse_cross_site,
                ))
                // Innermost, so that its 500 passes every layer above on its way out
                // (request id, compression, problem details, security headers).
                .layer(axum::middleware::from_fn(crate::panic::catch_panic)),
        )
        .with_state(state)
}

/// The path a request is logged under. Never its query string (searches, signed links); and
/// for a path that carries a secret (manage and confirmation links), the route's template
/// (`/confirm/{token}`), so that nobody who reads the logs can use the link.
fn logged_path<B>(request: &axum::http::Request<B>) -> &str {
    let path = request.uri().path();
    match request.extensions().get::<MatchedPath>() {
        Some(route) if route.as_str().contains("{token}") => route.as_str(),
        Some(_) => path,
        // No route matched (a 404): the path may still hold a token, mistyped around it.
        None if path.contains("/manage/") => "/reports/…/manage/…",
        None if path.starts_with("/confirm/") => "/confirm/…",
        None => path,
    }
}

/// Links carry a content version (`?v=`), so found files can be cached for a year; a 404
/// must not be.
async fn cache_static(mut response: axum::response::Response) -> axum::response::Response {
    if response.status().is_success() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    response
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Serves until SIGINT or SIGTERM, then stops accepting and lets requests in flight finish.
pub async fn serve(listener: TcpListener, state: AppState) -> Result<(), StartupError> {
    serve_until(listener, state, shutdown_signal()).await
}

/// Serves until `signal` resolves, then stops accepting, lets requests in flight finish, and
/// returns once every connection has closed. The mail sender runs meanwhile, and stops then
/// (mail still queued waits in the database for the next start).
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    signal: impl Future<Output = ()>,
) -> Result<(), StartupError> {
    let config = &state.config;
    let limits = serve::Limits {
        header_timeout: Duration::from_secs(config.header_timeout_secs),
        idle_timeout: Duration::from_secs(config.idle_timeout_secs),
        max_connections: usize::try_from(config.max_connections).unwrap_or(usize::MAX),
        max_connections_per_client: usize::try_from(config.max_connections_per_ip)
            .unwrap_or(usize::MAX),
    };
    let sweeper = tokio::spawn(sweep_rate_limits(state.db.clone()));
    let (stop_mail, mail_stopped) = tokio::sync::oneshot::channel();
    let sender = tokio::spawn(crate::mail::sender::run(state.clone(), mail_stopped));
    serve::run(listener, app(state), limits, signal).await;
    sweeper.abort();
    let _ = stop_mail.send(());
    // The sender stops at once: a mail it was sending stays queued, and is tried again when
    // its lease runs out (db::mail).
    let _ = sender.await;
    Ok(())
}

/// How often the server deletes rate-limit counters nothing reads any more.
const RATE_LIMIT_SWEEP: Duration = Duration::from_secs(300);
/// Counters deleted per statement, so that a backlog never holds locks for long.
const RATE_LIMIT_SWEEP_BATCH: i64 = 10_000;

/// Deletes expired rate-limit counters every [`RATE_LIMIT_SWEEP`], so that the table holds
/// about two windows' worth of clients whether or not `fakewatch purge` runs. With several
/// instances each sweeps; a sweep finds little, through the index on `expires_at`.
async fn sweep_rate_limits(db: sqlx::PgPool) {
    let start = tokio::time::Instant::now() + RATE_LIMIT_SWEEP;
    let mut every = tokio::time::interval_at(start, RATE_LIMIT_SWEEP);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        every.tick().await;
        match sweep_once(&db).await {
            Ok(deleted) => tracing::debug!(deleted, "expired rate-limit counters deleted"),
            Err(e) => tracing::warn!(error = %e, "cannot delete expired rate-limit counters"),
        }
    }
}

async fn sweep_once(db: &sqlx::PgPool) -> sqlx::Result<u64> {
    let mut total = 0;
    loop {
        let mut conn = db.acquire().await?;
        let deleted = db::rate_limits::delete_expired(&mut conn, RATE_LIMIT_SWEEP_BATCH).await?;
        total += deleted;
        if deleted < RATE_LIMIT_SWEEP_BATCH as u64 {
            return Ok(total);
        }
    }
}

/// Binds the configured address.
pub async fn bind(config: &Config) -> Result<TcpListener, StartupError> {
    listen(config.listen).map_err(|source| StartupError::Listen {
        addr: config.listen,
        source,
    })
}

/// Connections the kernel may hold before they are accepted. The standard library's 128
/// overflowed when a few hundred clients connected at once (the excess were reset); Linux caps
/// it at `net.core.somaxconn`, 4096 by default.
const LISTEN_BACKLOG: u32 = 1024;

/// Binds `addr` for serving, with a listen backlog of [`LISTEN_BACKLOG`].
pub fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // As the standard library does, so that a restarted server can bind at once.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
