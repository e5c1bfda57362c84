//! Rights holders' API: takedown lists, outcomes, and what their token may do.

pub mod account;
pub mod auth;
mod encode;
pub mod export;
pub mod outcomes;
mod stream;
