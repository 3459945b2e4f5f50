//! What every service can reach: the database, the settings, the file store
//! and the search index. Built once at start and cloned cheaply; the web layer
//! wraps it (`app::web::AppState`), the command line uses it directly.

use crate::attachments::{AttachmentStore, LocalDirStore};
use crate::live::LiveCases;
use crate::reply_tokens::ReplyKeys;
use crate::site::SiteLinks;
use crate::Config;
use rapport_search::SearchIndex;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone)]
pub struct Backend {
    pub pool: PgPool,
    pub config: Arc<Config>,
    /// Where attachment files are kept (a local folder today).
    pub attachments: Arc<dyn AttachmentStore>,
    /// The knowledge search index (one writer per process; cheap to clone).
    pub search: SearchIndex,
    /// Links to the site's pages, for mails.
    pub links: SiteLinks,
    /// News of case changes for the pages open on this process (fed by
    /// `live::spawn_listener`, which `server::serve` starts).
    pub live: LiveCases,
    /// The keys of the signed reply addresses, read from the database once.
    reply_keys: Arc<tokio::sync::OnceCell<ReplyKeys>>,
}

impl Backend {
    /// `search` is opened (and brought up to date) by the caller, see
    /// `search_sync::open_and_refresh`.
    pub fn new(config: Config, pool: PgPool, search: SearchIndex) -> Backend {
        Backend {
            links: SiteLinks::new(&config.public_url),
            pool,
            attachments: Arc::new(LocalDirStore::new(config.attachments_dir.clone())),
            search,
            live: LiveCases::new(),
            reply_keys: Arc::default(),
            config: Arc::new(config),
        }
    }

    /// The keys that sign and check reply addresses (see `reply_tokens`).
    pub async fn reply_keys(&self) -> sqlx::Result<&ReplyKeys> {
        self.reply_keys
            .get_or_try_init(|| ReplyKeys::load(&self.pool))
            .await
    }
}
