//! Plain types shared by the server and the browser, with constructors that
//! validate (parse, don't validate) and unit tests beside them.

mod account;
mod article;
mod case;
mod error;
mod role;
mod safe_html;
mod search;

pub use account::{DisplayName, Email, OrganizationName, Password};
pub use article::{ArticleKind, ArticleState, Audience, Slug, TocEntry};
pub use case::{CaseNumber, CaseStatus, Priority, Tag};
pub use error::{AppError, FieldError};
pub use role::Role;
pub use safe_html::SafeHtml;
pub use search::{
    Hit, SearchRequest, SearchResults, Suggestion, DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE,
};
