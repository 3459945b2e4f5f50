//! Everything that runs only on the server. Never compiled to wasm.

pub mod accounts;
pub mod articles;
pub mod attachments;
pub mod auth;
pub mod canned;
pub mod case_mail;
pub mod cases;
pub mod config;
pub mod content_import;
pub mod db;
pub mod error;
pub mod forms;
pub mod jobs;
pub mod kb;
pub mod kb_search;
pub mod mail;
pub mod markdown;
pub mod order_import;
pub mod orders;
pub mod policy;
pub mod search;
pub mod security;
pub mod seed;
pub mod seed_orders;
pub mod seed_workshops;
pub mod sla;
pub mod state;
pub mod time_zones;
pub mod workshops;
pub mod writing;

pub use config::Config;
pub use error::internal;
pub use state::AppState;
