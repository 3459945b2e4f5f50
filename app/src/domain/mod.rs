//! Plain types shared by the server and the browser, with constructors that
//! validate (parse, don't validate) and unit tests beside them.

mod account;
mod address;
mod article;
mod case;
mod commerce;
mod error;
mod money;
mod role;
mod safe_html;
mod search;
mod workshop;

pub use account::{DisplayName, Email, OrganizationName, Password};
pub use address::urlencode;
pub use article::{ArticleKind, ArticleState, Audience, Slug, TocEntry};
pub use case::{CaseNumber, CaseStatus, Priority, Tag};
pub use commerce::{tracking_url, DeliveryStatus, InvoiceStatus, ItemKind, ItemRef, OrderStatus};
pub use error::{AppError, FieldError};
pub use money::{
    format_money, invoice_totals, parse_amount, tax_on, Currency, InvoiceTotals, LineAmounts,
    LineInput, Tax, TaxRate, TaxSummary, RATE_SCALE,
};
pub use role::Role;
pub use safe_html::SafeHtml;
pub use search::{
    Hit, SearchRequest, SearchResults, Suggestion, DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE,
};
pub use workshop::{RegistrationStatus, SessionStatus, TIME_ZONES};
