//! Integration tests: the real router over real HTTP, against a real PostgreSQL database
//! (a fresh one per test) and real files.

mod browser;
mod clients;
mod cross_site;
mod demo_data;
mod evidence;
mod evidence_pdf;
mod health;
mod helpers;
mod instances;
mod limits;
mod listing_seller;
mod log_capture;
mod mail;
mod moderation;
mod openapi;
mod privacy;
mod reads;
mod replica;
mod report_api;
mod report_edit;
mod report_form;
mod reporters;
mod s3;
mod seller_names;
mod seller_reply;
mod sellers;
mod smtp_sink;
mod takedowns;
mod uploads;
