use serde::{Deserialize, Serialize};

/// HTML that the server's Markdown renderer produced and then sanitised. It is the
/// only thing pages put into the document as HTML (`inner_html`); every other
/// text (titles, names, file names) is escaped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// Only the sanitiser calls this (`rapport_core::markdown`). The `sanitiser`
    /// feature keeps it out of the browser build, where nothing may make HTML.
    #[cfg(feature = "sanitiser")]
    pub fn from_sanitised(html: String) -> SafeHtml {
        SafeHtml(html)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
