//! One module per page or group of pages.

mod account;
mod admin;
mod auth;
pub(crate) mod cases;
mod dashboard;
mod home;
mod not_found;
mod organization;
mod queue;

pub use account::AccountPage;
pub use admin::{AdminOrganizationsPage, AdminUsersPage};
pub use auth::{RegisterPage, SignInPage};
pub use cases::{CasePage, CasesPage, NewCasePage};
pub use dashboard::DashboardPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use organization::OrganizationPage;
pub use queue::AgentQueuePage;
