//! Cases agents open for customers (the requester chosen by search or made a
//! contact) and the followers of a case.

use serde::{Deserialize, Serialize};

/// Someone a case can be opened for: a customer, or a contact made by an
/// agent or by mail (no password yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequesterChoice {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub organization: String,
    /// Made for a customer without an account of their own (yet).
    pub contact: bool,
}

/// The customers matching a search by name, e-mail or organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequesterSearch {
    pub people: Vec<RequesterChoice>,
    /// More match than are shown: the search should be narrower.
    pub more: bool,
}

/// What the "New case for a customer" page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerCaseForm {
    /// The requester chosen so far (`?requester=ID`), if any.
    pub requester: Option<RequesterChoice>,
    pub categories: Vec<(i64, String)>,
    /// Organizations a new contact can belong to.
    pub organizations: Vec<(i64, String)>,
}

/// A follower of a case, as its page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowerView {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub organization: String,
}

/// Who follows a case, and what the reader may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFollowerList {
    pub followers: Vec<FollowerView>,
    /// The reader may add followers.
    pub may_add: bool,
    /// Only members of the case's organization (customers adding colleagues).
    pub colleagues_only: bool,
    /// The reader may remove followers (staff).
    pub may_remove: bool,
}
