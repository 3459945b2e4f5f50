//! Incoming mail, as the admins' page shows it.

use serde::{Deserialize, Serialize};

/// A message that could not be processed, or was refused or ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncomingMailItem {
    pub id: i64,
    /// When it came, in the reader's zone.
    pub received: String,
    /// `imap` or `pipe`.
    pub source: String,
    pub from: String,
    pub subject: String,
    /// `failed`, `received` (waiting), `refused` or `ignored`.
    pub state: String,
    /// Why: the failure, the refusal or what it was.
    pub outcome: String,
}

/// The admins' "Incoming mail" page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncomingMailPage {
    /// Failed (and waiting) first, then the latest refused and ignored, newest first.
    pub items: Vec<IncomingMailItem>,
    /// What happens to mail from unknown senders: `refuse` or `unsorted`.
    pub unknown_senders: String,
}

/// An organization's e-mail domains: unknown senders there join it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationMailDomains {
    pub organization_id: i64,
    pub name: String,
    pub domains: Vec<String>,
}
