//! The browser bundle and stylesheet: their fingerprinted names, and how long
//! browsers may keep them.
//!
//! `cargo xtask build` names each file after a hash of its content
//! (`rapport.<hash>.js`, `rapport.<hash>_bg.wasm`, `rapport.<hash>.css`), writes
//! brotli and gzip copies beside them, and lists the names in
//! `<site root>/pkg/assets.txt`. A changed file gets a new name, so a browser
//! may keep a named file for a year without asking again; the HTML that names
//! them is never cached, so a new release is seen on the next page.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::path::Path;

/// The file that lists the fingerprinted names, under the site's `pkg/`.
pub const MANIFEST: &str = "assets.txt";

/// What the pages link to under `/pkg/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteAssets {
    /// The wasm-bindgen output name: the page loads `<bundle>.js` and
    /// `<bundle>_bg.wasm` (the names leptos' hydration script uses).
    pub bundle: String,
    /// The stylesheet's file name.
    pub stylesheet: String,
    /// True when the names carry a content hash (a build by `cargo xtask`),
    /// so the files may be cached for good.
    pub fingerprinted: bool,
}

impl SiteAssets {
    /// The names in `<site_root>/pkg/assets.txt`, or the plain names when there
    /// is no such file (a bundle built by hand, or none at all in tests).
    pub fn load(site_root: &Path) -> SiteAssets {
        let manifest = site_root.join("pkg").join(MANIFEST);
        match std::fs::read_to_string(&manifest) {
            Ok(text) => match SiteAssets::parse(&text) {
                Some(assets) => assets,
                None => {
                    tracing::warn!(file = %manifest.display(), "the asset list is incomplete; using plain names");
                    SiteAssets::plain()
                }
            },
            Err(_) => SiteAssets::plain(),
        }
    }

    /// `bundle: <name>` and `stylesheet: <name>` lines; `#` starts a comment.
    fn parse(text: &str) -> Option<SiteAssets> {
        let value = |key: &str| {
            text.lines()
                .filter(|line| !line.trim_start().starts_with('#'))
                .filter_map(|line| line.split_once(':'))
                .find(|(k, _)| k.trim() == key)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty() && !v.contains('/'))
        };
        Some(SiteAssets {
            bundle: value("bundle")?,
            stylesheet: value("stylesheet")?,
            fingerprinted: true,
        })
    }

    fn plain() -> SiteAssets {
        SiteAssets {
            bundle: "rapport".into(),
            stylesheet: "rapport.css".into(),
            fingerprinted: false,
        }
    }

    /// The address of the stylesheet, for pages and plain error pages alike.
    pub fn stylesheet_href(&self) -> String {
        format!("/pkg/{}", self.stylesheet)
    }
}

/// `Cache-Control` on every response: a year and `immutable` for fingerprinted
/// files under `/pkg/`, revalidation for plain ones, and never for HTML (pages
/// show personal data and name the current bundle). Other responses (server
/// function results, downloads) set their own.
pub async fn cache_control(State(assets): State<SiteAssets>, req: Request, next: Next) -> Response {
    let static_file = req.uri().path().starts_with("/pkg/");
    let mut response = next.run(req).await;
    let kept = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    if static_file {
        // The same address is sent brotli, gzip or plain: shared caches must
        // keep them apart.
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    let policy = if static_file {
        if assets.fingerprinted && kept {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }
    } else if is_html(&response) {
        "no-store"
    } else {
        return response;
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_names_xtask_writes() {
        let assets = SiteAssets::parse(
            "# written by cargo xtask build\nbundle: rapport.0123abcd\nstylesheet: rapport.89ef.css\n",
        )
        .unwrap();
        assert_eq!(assets.bundle, "rapport.0123abcd");
        assert_eq!(assets.stylesheet_href(), "/pkg/rapport.89ef.css");
        assert!(assets.fingerprinted);
    }

    #[test]
    fn an_incomplete_list_is_not_used() {
        assert_eq!(SiteAssets::parse("bundle: rapport.0123\n"), None);
        assert_eq!(SiteAssets::parse("bundle: ../x\nstylesheet: a.css"), None);
    }

    #[test]
    fn without_a_list_the_plain_names_are_used() {
        let assets = SiteAssets::load(Path::new("/nonexistent"));
        assert_eq!(assets, SiteAssets::plain());
        assert!(!assets.fingerprinted);
    }
}
