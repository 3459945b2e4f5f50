//! Rapport's integration tests, one binary of modules (one link instead of
//! fifteen): database tests with `#[sqlx::test]` (a fresh database each) and
//! HTTP tests against the real router on a free port (`common::TestApp`).

mod common;

mod account;
mod accounts_by_mail;
mod admin;
mod agent_cases;
mod api;
mod api_cases;
mod api_catalog;
mod attachments;
mod case_metrics;
mod case_tools;
mod cases;
mod dashboard;
mod db;
mod error_paths;
mod health;
mod http;
mod kb;
mod limits;
mod live;
mod mail;
mod mail_bench;
mod mail_corpus;
mod mail_imap;
mod mail_in;
mod mail_out;
mod navigation;
mod order_import;
mod orders;
mod organizations;
mod report_fixture;
mod reports;
mod search;
mod seed_orders;
mod seed_workshops;
mod sla;
mod static_files;
mod two_factor;
mod typed_calls;
mod webhooks;
mod workshops;
mod writing;
