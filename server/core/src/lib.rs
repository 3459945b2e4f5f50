//! Rapport's server side, below the web layer: the permission rules
//! (`policy`), the services by feature, the database queries (`db`), Markdown,
//! mail, attachments, importers and background jobs. Never compiled to wasm,
//! and free of leptos: the web layer (`app`) and the command line (`server`)
//! both call into it.
//!
//! Services report [`Error`]; the web edge turns it into what a person sees.

pub mod account_mail;
pub mod account_sessions;
pub mod accounts;
pub mod address_change;
pub mod agent_mails;
pub mod api;
pub mod api_tokens;
pub mod articles;
pub mod attachments;
mod backend;
pub mod canned;
pub mod case_mail;
pub mod cases;
pub mod changes;
pub mod config;
pub mod contacts;
pub mod content_import;
pub mod dashboard;
pub mod db;
mod error;
pub mod health;
pub mod input;
pub mod jobs;
pub mod kb;
pub mod kb_search;
pub mod limits;
pub mod live;
pub mod mail;
pub mod mail_in;
pub mod mail_origin;
pub mod markdown;
pub mod order_import;
pub mod orders;
pub mod organizations;
pub mod password_reset;
pub mod passwords;
pub mod policy;
pub mod reader;
pub mod registration;
pub mod reply_tokens;
pub mod reports;
pub mod search_sync;
pub mod sign_in;
pub mod site;
pub mod sla;
pub mod time_zones;
pub mod tokens;
pub mod two_factor;
pub mod webhooks;
pub mod workshops;
pub mod writing;

pub use backend::Backend;
pub use config::Config;
pub use error::{Error, Result};
pub use reader::Reader;
