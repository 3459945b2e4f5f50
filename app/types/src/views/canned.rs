use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CannedReply {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// When and by whom it was last changed, in words.
    pub updated: String,
}

/// The library, with the placeholders a reply may use (placeholder, meaning).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CannedLibrary {
    pub replies: Vec<CannedReply>,
    pub placeholders: Vec<(String, String)>,
}
