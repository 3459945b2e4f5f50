//! What every request handler and server function can reach: the core's
//! backend (database, settings, files, search) and leptos' options.
//! Server functions get it with `expect_context::<AppState>()`.

use crate::web::assets::SiteAssets;
use crate::web::redirect_errors::RedirectKey;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use rapport_core::Backend;
use std::ops::Deref;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub backend: Backend,
    /// The fingerprinted names of the bundle and stylesheet.
    pub assets: SiteAssets,
    /// The key that signs errors carried through redirects, read once.
    pub redirect_key: RedirectKey,
}

impl AppState {
    pub fn new(backend: Backend) -> AppState {
        let config = &backend.config;
        let assets = SiteAssets::load(&config.site_root);
        let leptos_options = LeptosOptions::builder()
            .output_name(assets.bundle.clone())
            .site_root(config.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .build();
        AppState {
            leptos_options,
            backend,
            assets,
            redirect_key: RedirectKey::default(),
        }
    }
}

/// Handlers and server functions read `state.pool`, `state.config` and the
/// rest as the backend's: the web layer adds nothing to them.
impl Deref for AppState {
    type Target = Backend;

    fn deref(&self) -> &Backend {
        &self.backend
    }
}
