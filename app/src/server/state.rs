use super::attachments::{AttachmentStore, LocalDirStore};
use super::search::SearchIndex;
use super::Config;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

/// What every request handler and server function can reach.
/// Server functions get it with `expect_context::<AppState>()`.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub config: Arc<Config>,
    /// Where attachment files are kept (a local folder today).
    pub attachments: Arc<dyn AttachmentStore>,
    /// The knowledge search index (one writer per process; cheap to clone).
    pub search: SearchIndex,
}

impl AppState {
    /// `search` is opened (and brought up to date) by the caller, see
    /// `search::sync::open_and_refresh`.
    pub fn new(config: Config, pool: PgPool, search: SearchIndex) -> AppState {
        super::case_mail::set_public_url(&config.public_url);
        let leptos_options = LeptosOptions::builder()
            .output_name("rapport")
            .site_root(config.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .build();
        AppState {
            leptos_options,
            pool,
            attachments: Arc::new(LocalDirStore::new(config.attachments_dir.clone())),
            search,
            config: Arc::new(config),
        }
    }
}
