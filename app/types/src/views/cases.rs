use super::orders::LinkedItem;
use super::orders::OrganizationBusiness;
use crate::attachments::AttachmentLink;
use crate::{CaseChannel, CaseStatus, Priority, SafeHtml};
use serde::{Deserialize, Serialize};

pub const CASES_PER_PAGE: i64 = 25;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub number: String,
    pub subject: String,
    pub status: CaseStatus,
    pub priority: Priority,
    pub category: String,
    pub requester: String,
    pub organization: String,
    pub assignee: Option<String>,
    /// "customer" or "agent": who wrote the last public message.
    pub last_speaker: String,
    pub updated: String,
    pub tags: Vec<String>,
    /// The next SLA deadline of an active case, in words ("due in 2 h").
    pub due: Option<String>,
    pub breached: bool,
}

/// Another case, as a link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseLink {
    pub number: String,
    pub subject: String,
    pub status: CaseStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseList {
    pub cases: Vec<CaseSummary>,
    /// How many cases match, counted up to a limit ...
    pub total: i64,
    /// ... and whether there are more than that.
    pub more: bool,
    pub page: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    Message,
    InternalNote,
    Change,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadEntry {
    pub kind: EntryKind,
    pub author: String,
    pub from_staff: bool,
    /// Messages and notes: the rendered, sanitised body.
    pub body: SafeHtml,
    /// Changes: what changed, in words.
    pub change: String,
    pub at: String,
    /// Messages and notes: the id of their element on the case page
    /// (`m-<id>`), which mails link to.
    pub anchor: String,
    pub files: Vec<AttachmentLink>,
    /// A message that came by mail: the quoted history cut off it, as plain
    /// text (shown escaped behind "show quoted text"); empty otherwise.
    pub quoted: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseView {
    pub number: String,
    pub subject: String,
    pub description: SafeHtml,
    pub status: CaseStatus,
    pub priority: Priority,
    pub category_id: i64,
    pub category: String,
    pub requester: String,
    pub requester_email: String,
    pub organization: String,
    /// Where the case came from (the portal, an e-mail, a phone call ...).
    pub channel: CaseChannel,
    pub assignee_id: Option<i64>,
    pub assignee: Option<String>,
    pub version: i32,
    pub created: String,
    pub updated: String,
    pub thread: Vec<ThreadEntry>,
    pub rating: Option<(i16, String)>,
    pub can_rate: bool,
    pub tags: Vec<String>,
    /// The case this one was merged into.
    pub merged_into: Option<String>,
    /// The files that came with the description.
    pub files: Vec<AttachmentLink>,
    /// A case opened by mail: the quoted history cut off its description
    /// (plain text); empty otherwise.
    pub description_quoted: String,
    /// The order, order line, invoice or delivery the case is about.
    pub linked: Option<LinkedItem>,
    /// What only the company's staff see: present when the reader works for
    /// the company (and then also sees notes and history, and manages the
    /// case). Customers get None, so a new staff field cannot reach them by
    /// being forgotten.
    pub staff: Option<StaffCaseView>,
}

/// The staff-only part of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffCaseView {
    /// The SLA targets in words: time left while they run ("due in 3 h"),
    /// kept or missed once done ("missed by 2 h"); None when there is none to
    /// show (paused while waiting for the customer).
    pub first_response_due: Option<String>,
    pub resolution_due: Option<String>,
    /// This target is overdue, or was missed.
    pub first_response_missed: bool,
    pub resolution_missed: bool,
    pub sla_breached: bool,
    /// The requester's other recent cases.
    pub other_cases: Vec<CaseLink>,
    /// Mail to the requester's address bounces (a delivery report said so).
    pub requester_bouncing: bool,
    /// A canned reply filled in for this case, to start the reply with.
    pub reply_draft: String,
    /// The choices of the agent's forms.
    pub options: CaseFormOptions,
    /// The organization's recent orders, open invoices and deliveries on
    /// their way.
    pub business: OrganizationBusiness,
    /// The requester organization's health score (staff only).
    pub health: Option<super::health::HealthBadge>,
}

/// Choices for case forms and filters: (id, name) pairs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseFormOptions {
    pub categories: Vec<(i64, String)>,
    /// Staff only: who cases can be assigned to.
    pub agents: Vec<(i64, String)>,
    /// Staff only.
    pub organizations: Vec<(i64, String)>,
    /// Staff only: canned replies by title.
    pub canned_replies: Vec<(i64, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueSizes {
    pub unassigned: i64,
    pub mine: i64,
    pub open: i64,
    pub breaching: i64,
    pub pending: i64,
    pub solved_recently: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    pub sizes: QueueSizes,
    pub list: CaseList,
    /// The choices of the filters.
    pub choices: CaseFormOptions,
}

/// News that a case changed, as `/events/cases` tells an open page: which case
/// (none: any case) and what kind of news. Never what changed: the page asks
/// for that again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNews {
    pub kind: NewsKind,
    pub case: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NewsKind {
    /// The case, its thread or its assignment changed, or it was opened.
    Case,
    /// Someone of the staff started looking at the case.
    Presence,
    /// Many cases at once, or news may have been missed: refresh everything.
    Many,
}

impl CaseNews {
    /// Is this news about case `number` (or about every case)?
    pub fn concerns(&self, number: &str) -> bool {
        self.case.as_deref().is_none_or(|case| case == number)
    }
}
