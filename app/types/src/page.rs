//! The page of a list a reader asks for: every list (cases, the queue,
//! orders, invoices, deliveries, users, articles, search) takes its page
//! through `PageNumber`, so every one is bounded the same way, here.

use crate::FieldError;

/// The last page any list serves. Deep pages are not a use case; a bounded
/// page keeps every offset cheap for the database and its arithmetic sound
/// (`page * per_page` never overflows).
pub const LAST_PAGE: i64 = 400;

/// A page number of a list, 1..=`LAST_PAGE`.
/// Server functions take the page as a plain number and parse it here, so a
/// page out of range is a 422 naming the field, not a 400 for the arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PageNumber(i64);

impl PageNumber {
    pub const FIRST: PageNumber = PageNumber(1);

    /// The page asked for in the `page` parameter, or an error naming it.
    pub fn parse(raw: i64) -> Result<PageNumber, FieldError> {
        if (1..=LAST_PAGE).contains(&raw) {
            Ok(PageNumber(raw))
        } else {
            Err(FieldError::new(
                "page",
                format!("Choose a page between 1 and {LAST_PAGE}."),
            ))
        }
    }

    /// The page asked for, or the first page when none was.
    pub fn parse_optional(raw: Option<i64>) -> Result<PageNumber, FieldError> {
        raw.map_or(Ok(PageNumber::FIRST), PageNumber::parse)
    }

    /// 1-based.
    pub fn get(self) -> i64 {
        self.0
    }

    /// How many rows come before this page, at `per_page` rows a page
    /// (`per_page` is a constant of the list, never a reader's number).
    pub fn offset(self, per_page: i64) -> i64 {
        (self.0 - 1) * per_page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_out_of_range_are_refused_naming_the_field() {
        for raw in [i64::MIN, -1, 0, LAST_PAGE + 1, i64::MAX] {
            let err = PageNumber::parse(raw).unwrap_err();
            assert_eq!(err.field, "page", "{raw}");
            assert_eq!(err.message, "Choose a page between 1 and 400.", "{raw}");
        }
    }

    #[test]
    fn pages_in_range_give_their_offset() {
        assert_eq!(PageNumber::parse(1).unwrap().offset(25), 0);
        assert_eq!(PageNumber::parse(3).unwrap().offset(25), 50);
        let last = PageNumber::parse(LAST_PAGE).unwrap();
        assert_eq!(last.get(), 400);
        assert_eq!(last.offset(100), 39_900);
        assert_eq!(PageNumber::parse_optional(None), Ok(PageNumber::FIRST));
        assert!(PageNumber::parse_optional(Some(0)).is_err());
    }
}
