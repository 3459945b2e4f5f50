//! The web glue, server side only: who is asking (sessions), the request's
//! reader (time zone), static-file names and caching, security headers and
//! cross-site checks, plain-form fallbacks, uploads and downloads, the
//! stream of case news to open pages, and the edge where core errors become
//! what a person sees. The services themselves are in `rapport_core`.

pub mod assets;
pub mod auth;
pub mod error;
pub mod forms;
pub mod limits;
pub mod live;
pub mod mail_download;
pub mod nul_bytes;
pub mod reader;
pub mod redirect_errors;
pub mod report_csv;
pub mod security;
pub mod state;
pub mod uploads;

pub use state::AppState;
