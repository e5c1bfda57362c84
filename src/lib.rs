//! Fakewatch: buyers report suspected counterfeit listings; everyone can look sellers up.

/// Operator commands: rights holders and their API tokens.
pub mod admin;
/// Settings from flags and environment variables.
pub mod config;
/// All SQL.
pub mod db;
/// Synthetic brands, sellers, listings and reports for development and benchmarks.
pub mod demo_data;
/// Pure logic: URL parsing, folding, validation, money.
pub mod domain;
/// The one error type and its HTML / problem+json answers.
pub mod error;
/// Evidence files: sniffing, re-encoding, storage.
pub mod evidence;
/// The `healthcheck` command: is the running server healthy?
pub mod healthcheck;
/// Concurrency limits per key (per rights holder).
pub mod limits;
/// A panic in a request becomes a logged 500 answer.
pub mod panic;
/// Reporters' privacy: erasing on request, purging after the retention.
pub mod privacy;
/// HTTP handlers and the route table.
pub mod routes;
/// Secrets, HMACs and tokens.
pub mod security;
/// Router, middleware, serving and shutdown.
pub mod startup;
/// Shared state handed to handlers.
pub mod state;
/// Shared page templates.
pub mod templates;
