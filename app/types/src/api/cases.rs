//! API wire types: cases, their messages and attachments. (See the module above.)
//!
//! A case is shown to a token as its owner sees it in the portal: staff get
//! the assignee and the tags; customers only the name of who handles their
//! case, as their case page shows it.

use serde::{Deserialize, Deserializer, Serialize};

/// Something referred to by its id, with its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// A person on a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CasePerson {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// Who handles a case. Customers' tokens get the name only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseAssignee {
    /// Staff tokens only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub name: String,
    /// Staff tokens only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A file of a case, with the address to download it from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseAttachment {
    pub id: i64,
    pub file_name: String,
    pub size_bytes: i64,
    /// `/api/v1/cases/C-1001/attachments/7`.
    pub url: String,
}

/// A case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    /// `C-1001`.
    pub number: String,
    pub subject: String,
    /// new, open, pending, on_hold, solved or closed.
    pub status: String,
    /// low, normal, high or urgent.
    pub priority: String,
    pub category: Named,
    /// portal, email, phone or agent.
    pub channel: String,
    pub organization: Named,
    pub requester: CasePerson,
    /// Who handles the case, if anyone yet.
    pub assignee: Option<CaseAssignee>,
    /// Staff tokens only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// Raised by every change; send it back with a change to refuse it when
    /// someone else changed the case first.
    pub version: i32,
    /// The description (Markdown, as written): on a single case, not in lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The files that came with the description: on a single case, not in lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<CaseAttachment>>,
}

/// A page of cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseList {
    pub items: Vec<Case>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A file sent with a new case or a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAttachment {
    /// Its type is taken from the name's extension, as on the site.
    pub file_name: String,
    /// Ignored: the type served is the one of the file name's extension.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The file's bytes in standard base64.
    pub content_base64: String,
}

/// Open a case. Customers open their own (the requester and channel fields
/// are for staff); staff open one for a customer found by e-mail address. An
/// address nobody has becomes a new contact (a customer without a password)
/// of `organization_id`, named `requester_name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCase {
    pub subject: String,
    pub description: String,
    pub category_id: i64,
    /// low, normal or high.
    pub priority: String,
    /// Customers: what the case is about (`invoice:INV-1001`).
    #[serde(default)]
    pub about: Option<String>,
    /// Staff: the customer's e-mail address.
    #[serde(default)]
    pub requester_email: Option<String>,
    /// Staff: the name of a new contact.
    #[serde(default)]
    pub requester_name: Option<String>,
    /// Staff: the organization of a new contact.
    #[serde(default)]
    pub organization_id: Option<i64>,
    /// Staff: how the customer reached you: phone, email or agent.
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub attachments: Vec<NewAttachment>,
}

/// An agent's change to a case: only the fields sent change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CasePatch {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub category_id: Option<i64>,
    /// An agent's id, or null for nobody.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub assignee_id: Option<Option<i64>>,
    /// The case's tags, replacing the ones it has.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// The version the change is based on: a case changed since is refused
    /// with 409 and nothing is saved.
    #[serde(default)]
    pub version: Option<i32>,
}

/// A field that is present (null or not), as opposed to left out.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageAuthor {
    /// Staff tokens only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub name: String,
    /// Written by the support team.
    pub staff: bool,
}

/// A message of a case's thread: a reply, or (staff only) an internal note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseMessage {
    pub id: i64,
    pub internal: bool,
    pub author: MessageAuthor,
    /// Markdown, as written.
    pub body: String,
    /// RFC 3339.
    pub created_at: String,
    pub attachments: Vec<CaseAttachment>,
}

/// A page of a case's thread, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseMessageList {
    pub items: Vec<CaseMessage>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A reply, or (staff only) an internal note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMessage {
    /// Markdown.
    pub body: String,
    /// An internal note, seen by staff only.
    #[serde(default)]
    pub internal: bool,
    #[serde(default)]
    pub attachments: Vec<NewAttachment>,
}

/// Someone who gets a case's public replies by mail. Following is mail
/// only: it opens nothing of the case on the portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseFollower {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    /// The follower's organization.
    pub organization: String,
}

/// Who follows a case (the requester gets every reply anyway and is not listed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseFollowerList {
    pub items: Vec<CaseFollower>,
}

/// A follower to add, by e-mail address. Staff add anyone (an address nobody
/// has becomes a contact); the requester and the organization's customer
/// admins add colleagues who have an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewFollower {
    pub email: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_tells_a_left_out_assignee_from_a_null_one() {
        let left_out: CasePatch = serde_json::from_str(r#"{"status":"open"}"#).unwrap();
        assert_eq!(left_out.assignee_id, None);
        let nobody: CasePatch = serde_json::from_str(r#"{"assignee_id":null}"#).unwrap();
        assert_eq!(nobody.assignee_id, Some(None));
        let someone: CasePatch = serde_json::from_str(r#"{"assignee_id":7}"#).unwrap();
        assert_eq!(someone.assignee_id, Some(Some(7)));
    }
}
