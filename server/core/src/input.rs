//! Checks of form input shared by the services: the field-named messages a
//! person sees when a required text is missing or a page is out of range.

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

/// The page asked for and its offset. Deep pages are not a use case; a
/// bounded offset keeps every page cheap (and its arithmetic sound).
pub fn page_offset(page: i64, per_page: i64) -> Result<(i64, i64), Error> {
    if !(1..=400).contains(&page) {
        return Err(Error::invalid("page", "Choose a page between 1 and 400."));
    }
    Ok((page, (page - 1) * per_page))
}
