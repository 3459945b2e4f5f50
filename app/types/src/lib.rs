//! Rapport's types: the domain's values (parsed once, at the edge: parse,
//! don't validate), the view types every page and server function exchange
//! (`views`, one module per area), and the limits both sides enforce.
//!
//! Plain data with serde only: it compiles to wasm for the browser and is what
//! the server's services return. No tokio, no sqlx, no leptos.

mod account;
mod address;
pub mod api;
mod api_scope;
mod article;
pub mod attachments;
mod case;
mod commerce;
mod error;
mod health;
mod mail_domain;
mod money;
mod page;
mod role;
mod safe_html;
mod search;
mod two_factor;
pub mod views;
mod workshop;

pub use account::{DisplayName, Email, OrganizationName, Password};
pub use address::urlencode;
pub use api_scope::{ApiScope, API_TOKEN_PREFIX};
pub use article::{ArticleKind, ArticleScope, ArticleState, Audience, Slug, TocEntry};
pub use case::{CaseChannel, CaseNumber, CaseStatus, Priority, Tag};
pub use commerce::{tracking_url, DeliveryStatus, InvoiceStatus, ItemKind, ItemRef, OrderStatus};
pub use error::FieldError;
pub use health::{
    HealthSignal, CHURN_MODEL_MINIMUM_LEFT, DEFAULT_HEALTH_WEIGHT, MAX_HEALTH_WEIGHT,
};
pub use mail_domain::MailDomain;
pub use money::{
    format_money, invoice_totals, parse_amount, tax_on, Currency, InvoiceTotals, LineAmounts,
    LineInput, Tax, TaxRate, TaxSummary, RATE_SCALE,
};
pub use page::{PageNumber, LAST_PAGE};
pub use role::Role;
pub use safe_html::SafeHtml;
pub use search::{
    Hit, SearchRequest, SearchResults, Suggestion, DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE,
};
pub use two_factor::{format_recovery_code, SecondFactor, RECOVERY_ALPHABET, RECOVERY_CODE_LEN};
pub use workshop::{RegistrationStatus, SessionStatus, BROWSER_ZONE_COOKIE};
