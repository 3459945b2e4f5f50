//! Run-time settings. Everything comes from the environment or the command line
//! (see the server's `--help`); nothing secret is compiled in.

use crate::limits::Limits;
use crate::mail_in::imap::ImapSettings;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Where mail goes when neither an SMTP server nor a folder is configured:
/// never dropped, and easy to find next to where the server was started.
pub const DEFAULT_MAIL_DIR: &str = "mail-outbox";
/// Where the search index is kept when no folder is configured.
pub const DEFAULT_INDEX_DIR: &str = "search-index";
/// Seconds a connection has to send a request's headers (`RAPPORT_HEADER_TIMEOUT_SECONDS`).
pub const DEFAULT_HEADER_TIMEOUT_SECONDS: u64 = 10;
pub const DEFAULT_MAIL_FROM: &str = "Rapport <support@rapport.localhost>";

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the server listens.
    pub addr: SocketAddr,
    /// The folder with the built site: `pkg/` holds the wasm, JavaScript and CSS.
    pub site_root: PathBuf,
    /// Mark the session cookie `Secure` (set when Rapport is served over https).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however active.
    pub session_max_age: Duration,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Let webhooks reach loopback and private-network addresses (receivers
    /// on the site's own network); off, they reach only the public internet.
    pub webhooks_to_private_networks: bool,
    /// The abuse limits: sign-in attempts, mails, new cases ... (`RAPPORT_LIMITS`).
    pub limits: Limits,
    /// How long the two-factor step of a sign-in waits for its code after the
    /// right password (short in tests).
    pub two_factor_step_timeout: Duration,
    /// The folder attachment files are kept in (created when missing).
    pub attachments_dir: PathBuf,
    /// Where outgoing e-mail goes: an SMTP server, or files in a folder (development).
    pub mail_transport: MailTransport,
    /// The sender of every e-mail, e.g. `Rapport <support@example.com>`.
    pub mail_from: String,
    /// The address people open Rapport at, without a trailing `/`; links in
    /// e-mails start with it (`format!("{}/cases/{number}", config.public_url)`).
    pub public_url: String,
    /// Solved cases close by themselves this many days after they were solved.
    pub auto_close_days: i32,
    /// How often the mail sender looks for due mail (short in tests).
    pub mail_poll_interval: Duration,
    /// How often solved cases are checked for closing (also once at start).
    pub auto_close_interval: Duration,
    /// The folder of the knowledge search index (rebuilt from PostgreSQL
    /// whenever it is missing, damaged or out of date).
    pub index_dir: PathBuf,
    /// A connection must send a request's headers within this time, counted
    /// from its opening or from the end of its previous response: slow senders
    /// and idle keep-alive connections are closed after it.
    pub header_timeout: Duration,
    /// The IMAP mailbox watched for mail in (`RAPPORT_IMAP_URL`); none by default.
    pub imap: Option<ImapSettings>,
}

/// Where outgoing e-mail goes.
#[derive(Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// An SMTP server, as a URL lettre understands: `smtp://host:25` (no TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`.
    Smtp(String),
    /// Write each mail as an `.eml` file into this folder instead of sending it.
    Folder(PathBuf),
}

/// By hand, so a log line or a panic message never shows the SMTP password.
impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailTransport::Smtp(raw) => {
                let shown = match url::Url::parse(raw) {
                    Ok(mut url) => {
                        if url.password().is_some() {
                            let _ = url.set_password(Some("***"));
                        }
                        url.to_string()
                    }
                    Err(_) => "<not a valid URL>".to_string(),
                };
                f.debug_tuple("Smtp").field(&shown).finish()
            }
            MailTransport::Folder(dir) => f.debug_tuple("Folder").field(dir).finish(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            site_root: PathBuf::from("target/site"),
            secure_cookies: false,
            session_idle: Duration::from_secs(8 * 60 * 60),
            session_max_age: Duration::from_secs(7 * 24 * 60 * 60),
            trust_forwarded_for: false,
            webhooks_to_private_networks: false,
            limits: Limits::default(),
            two_factor_step_timeout: Duration::from_secs(5 * 60),
            attachments_dir: PathBuf::from("attachments"),
            mail_transport: MailTransport::Folder(PathBuf::from(DEFAULT_MAIL_DIR)),
            mail_from: DEFAULT_MAIL_FROM.to_string(),
            public_url: "http://127.0.0.1:3000".to_string(),
            auto_close_days: 7,
            mail_poll_interval: Duration::from_secs(5),
            auto_close_interval: Duration::from_secs(5 * 60),
            index_dir: PathBuf::from(DEFAULT_INDEX_DIR),
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECONDS),
            imap: None,
        }
    }
}
