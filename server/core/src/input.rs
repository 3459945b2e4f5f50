//! Checks of form input shared by the services: the field-named messages a
//! person sees when a required text is missing or too long. (Pages of lists
//! are bounded by `rapport_types::PageNumber`.)

use crate::Error;

/// A required text field, trimmed: empty or longer than `max` characters is
/// refused with a message naming `what` ("a subject", "the reply text").
pub fn required_text(field: &str, value: &str, what: &str, max: usize) -> Result<String, Error> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(field, format!("Write {what}.")));
    }
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("Keep {what} under {max} characters."),
        ));
    }
    Ok(value.to_string())
}
