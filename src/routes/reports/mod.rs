//! Buyers' reports: the HTML form and receipt, the reporter's private pages, and the API.

pub mod api;
pub mod confirm;
pub mod edit;
pub mod form;
mod intake;
pub mod manage;
pub mod receipt;
mod upload;
mod view;
