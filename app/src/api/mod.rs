//! Server functions, one file per area. Each is a public HTTP endpoint at
//! `/api/<name>` and is listed in `rapport_core::policy::SERVER_FUNCTIONS`.
//! They stay thin: find the actor, ask the policy, call the core's services.
//! What they return are the view types of `rapport_types::views`.

pub mod account;
pub mod admin;
pub mod agent_cases;
pub mod api_tokens;
pub mod auth;
pub mod canned;
pub mod cases;
pub mod dashboard;
pub mod email_links;
pub mod health;
pub mod kb;
pub mod mail_in;
pub mod orders;
pub mod organization;
pub mod reports;
pub mod search;
pub mod sla;
pub mod two_factor;
pub mod webhooks;
pub mod workshops;
pub mod writing;

/// The server functions that take files (multipart forms): the router caps
/// their bodies (`web::uploads::limit_uploads`).
#[cfg(feature = "ssr")]
pub const UPLOAD_ENDPOINTS: &[&str] = {
    use leptos::server_fn::ServerFn;
    &[cases::CreateCase::PATH, cases::ReplyToCase::PATH]
};
