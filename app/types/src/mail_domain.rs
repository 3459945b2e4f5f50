//! An organization's e-mail domain (`northwind.example`): mail from an unknown
//! sender there makes them a contact of that organization.

use super::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailDomain(String);

impl MailDomain {
    /// Lower case, without a leading `@`; letters, digits, dashes and dots,
    /// with at least one dot, 3 to 253 characters.
    pub fn parse(field: &str, input: &str) -> Result<MailDomain, FieldError> {
        let value = input.trim().trim_start_matches('@').to_lowercase();
        if value.is_empty() {
            return Err(FieldError::new(
                field,
                "Enter a domain, like northwind.com.",
            ));
        }
        let labels_ok = value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        if value.len() < 3 || value.len() > 253 || !value.contains('.') || !labels_ok {
            return Err(FieldError::new(
                field,
                "Enter a domain like northwind.com: the part of the address after the @.",
            ));
        }
        Ok(MailDomain(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_checked_and_folded() {
        for (input, expected) in [
            ("northwind.example", "northwind.example"),
            (" @Northwind.Example ", "northwind.example"),
            ("mail.büro.de", "mail.büro.de"),
            ("a-b.co", "a-b.co"),
        ] {
            assert_eq!(
                MailDomain::parse("domain", input).unwrap().as_str(),
                expected
            );
        }
        for bad in [
            "",
            "localhost",
            "nick@northwind.example",
            "a..b",
            "-a.com",
            "a b.com",
            ".com",
            "x.",
        ] {
            assert!(MailDomain::parse("domain", bad).is_err(), "{bad:?}");
        }
    }
}
