//! Plain types shared by the server and the browser, with constructors that
//! validate (parse, don't validate) and unit tests beside them.

mod account;
mod error;
mod role;

pub use account::{DisplayName, Email, OrganizationName, Password};
pub use error::{AppError, FieldError};
pub use role::Role;
