//! One module per page or group of pages.

mod account;
mod admin;
mod admin_mail;
mod admin_sign_in;
mod admin_sla;
mod agent_mails;
mod auth;
mod canned;
mod case_followers;
mod case_page;
mod case_reply;
pub(crate) mod cases;
mod customer_case;
mod dashboard;
mod deliveries;
mod email_links;
mod home;
mod insights;
mod invoices;
mod kb;
mod new_case;
mod not_found;
mod orders;
mod organization;
mod queue;
mod search;
mod two_factor;
mod workshops;
mod writing;
mod writing_editor;
mod writing_history;
mod writing_preview;
mod writing_sessions;

pub use account::AccountPage;
pub use admin::{AdminOrganizationsPage, AdminUsersPage};
pub use admin_mail::AdminIncomingMailPage;
pub use admin_sla::AdminSlaPage;
pub use auth::{RegisterPage, SignInPage};
pub use canned::CannedRepliesPage;
pub use case_page::CasePage;
pub use cases::CasesPage;
pub use customer_case::CustomerCasePage;
pub use dashboard::DashboardPage;
pub use deliveries::{DeliveriesPage, DeliveryPage};
pub use email_links::{
    ConfirmAddressPage, ConfirmRegistrationPage, ForgotPasswordPage, RegistrationSentPage,
    ResetPasswordPage,
};
pub use home::HomePage;
pub use insights::InsightsPage;
pub use invoices::{InvoicePage, InvoicesPage};
pub use kb::{ArticlePage, KbCategoryPage, KbHomePage};
pub use new_case::NewCasePage;
pub use not_found::NotFoundPage;
pub use orders::{OrderPage, OrdersPage};
pub use organization::OrganizationPage;
pub use queue::AgentQueuePage;
pub use search::SearchPage;
pub use two_factor::TwoFactorPage;
pub use workshops::{MyWorkshopsPage, WorkshopsPage};
pub use writing::WritingListPage;
pub use writing_editor::WritingEditorPage;
pub use writing_history::WritingHistoryPage;
pub use writing_preview::WritingPreviewPage;
pub use writing_sessions::WorkshopSessionsAdminPage;
