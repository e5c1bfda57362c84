//! Integration tests: the real router over real HTTP, against a real PostgreSQL database
//! (a fresh one per test) and real files.

mod browser;
mod demo_data;
mod evidence;
mod evidence_pdf;
mod health;
mod helpers;
mod openapi;
mod report_api;
mod report_form;
mod sellers;
mod takedowns;
