//! Links to pages of the site, for mails: the address people reach Rapport at
//! (`RAPPORT_PUBLIC_URL`) and a path. Passed to what sends mail, from the
//! backend (`Backend::links`), never kept in a global.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLinks {
    /// Without a trailing `/`.
    base: String,
}

impl SiteLinks {
    pub fn new(public_url: &str) -> SiteLinks {
        SiteLinks {
            base: public_url.trim_end_matches('/').to_string(),
        }
    }

    /// The full address of a page (`path` starts with `/`).
    pub fn page(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_join_the_public_address_and_the_path() {
        let links = SiteLinks::new("https://support.example.com/");
        assert_eq!(
            links.page("/cases/C-1001"),
            "https://support.example.com/cases/C-1001"
        );
    }
}
