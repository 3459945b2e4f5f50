//! Account fields as validated values. Each constructor returns a `FieldError`
//! naming the form field, so a form can show the message next to the input.

use super::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A normalised e-mail address (trimmed, lower-case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(field: &str, input: &str) -> Result<Email, FieldError> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err(FieldError::new(field, "Enter your e-mail address."));
        }
        if value.len() > Self::MAX_LEN {
            return Err(FieldError::new(field, "This e-mail address is too long."));
        }
        let valid = match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !value.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if !valid {
            return Err(FieldError::new(
                field,
                "Enter an e-mail address like name@example.com.",
            ));
        }
        Ok(Email(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password. Length is what matters (NIST SP 800-63B): at least 10
/// characters, at most 200 so hashing stays cheap.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_LEN: usize = 10;
    pub const MAX_LEN: usize = 200;
    /// The rule in words, shown beside password fields.
    pub const RULE: &'static str =
        "At least 10 characters and hard to guess: a few unrelated words work well.";

    pub fn parse(field: &str, input: &str) -> Result<Password, FieldError> {
        let chars = input.chars().count();
        if chars < Self::MIN_LEN {
            return Err(FieldError::new(
                field,
                format!(
                    "Choose a password of at least {} characters.",
                    Self::MIN_LEN
                ),
            ));
        }
        if chars > Self::MAX_LEN {
            return Err(FieldError::new(
                field,
                format!("Choose a password of at most {} characters.", Self::MAX_LEN),
            ));
        }
        if input.trim().is_empty() {
            return Err(FieldError::new(field, "A password cannot be only spaces."));
        }
        Ok(Password(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

// Never print a password, not even in debug logs.
impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

fn parse_name(field: &str, input: &str, what: &str, max: usize) -> Result<String, FieldError> {
    let value = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() {
        return Err(FieldError::new(field, format!("Enter {what}.")));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("Keep {what} under {max} characters."),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            format!("Remove the special characters from {what}."),
        ));
    }
    Ok(value)
}

/// The name people see, with runs of spaces collapsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(field: &str, input: &str) -> Result<DisplayName, FieldError> {
        parse_name(field, input, "a name", 100).map(DisplayName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A customer organization's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationName(String);

impl OrganizationName {
    pub fn parse(field: &str, input: &str) -> Result<OrganizationName, FieldError> {
        parse_name(field, input, "an organization name", 200).map(OrganizationName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        let email = Email::parse("email", "  Alice@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "alice@example.com");
    }

    #[test]
    fn malformed_emails_name_the_field() {
        for bad in [
            "",
            "   ",
            "alice",
            "@example.com",
            "alice@",
            "alice@example",
            "a@b@example.com",
            "al ice@example.com",
            "alice@.example.com",
            "alice@example.com.",
        ] {
            let err = Email::parse("email", bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad:?}");
            assert!(!err.message.is_empty());
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse("email", &long).is_err());
    }

    #[test]
    fn passwords_need_ten_to_two_hundred_characters() {
        assert!(Password::parse("password", "short").is_err());
        assert!(Password::parse("password", "123456789").is_err());
        assert!(Password::parse("password", "1234567890").is_ok());
        assert!(Password::parse("password", "          ").is_err());
        assert!(Password::parse("password", &"x".repeat(201)).is_err());
        // Characters, not bytes: ten accented letters are long enough.
        assert!(Password::parse("password", &"é".repeat(10)).is_ok());
    }

    #[test]
    fn password_debug_output_hides_the_secret() {
        let password = Password::parse("password", "correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn names_collapse_spaces_and_refuse_empty_or_control_characters() {
        assert_eq!(
            DisplayName::parse("name", "  Ada   Lovelace ")
                .unwrap()
                .as_str(),
            "Ada Lovelace"
        );
        assert_eq!(DisplayName::parse("name", "   ").unwrap_err().field, "name");
        assert!(DisplayName::parse("name", "bad\u{7}bell").is_err());
        assert!(DisplayName::parse("name", &"n".repeat(101)).is_err());
        assert!(OrganizationName::parse("organization", &"n".repeat(200)).is_ok());
        assert!(OrganizationName::parse("organization", &"n".repeat(201)).is_err());
    }
}
