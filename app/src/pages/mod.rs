//! One module per page or group of pages.

mod account;
mod admin;
mod admin_sla;
mod auth;
mod canned;
mod case_page;
mod case_reply;
pub(crate) mod cases;
mod dashboard;
mod home;
mod kb;
mod new_case;
mod not_found;
mod organization;
mod queue;

pub use account::AccountPage;
pub use admin::{AdminOrganizationsPage, AdminUsersPage};
pub use admin_sla::AdminSlaPage;
pub use auth::{RegisterPage, SignInPage};
pub use canned::CannedRepliesPage;
pub use case_page::CasePage;
pub use cases::CasesPage;
pub use dashboard::DashboardPage;
pub use home::HomePage;
pub use kb::{ArticlePage, KbCategoryPage, KbHomePage};
pub use new_case::NewCasePage;
pub use not_found::NotFoundPage;
pub use organization::OrganizationPage;
pub use queue::AgentQueuePage;
