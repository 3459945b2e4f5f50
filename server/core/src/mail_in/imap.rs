//! The IMAP mailbox, watched with IDLE: every message in it goes through
//! [`receive`](super::receive), and only once that has stored it is the
//! message marked `\Seen` (or moved to the processed folder). A crash between
//! the two leaves the message unread; the next pass takes it again and the
//! store finds the same bytes, so nothing is lost and nothing is done twice.
//!
//! `imaps://` is IMAP over TLS (rustls, Mozilla's root certificates);
//! `imap://` is plain text and only allowed to this machine, so a password
//! never crosses the network in clear. A server without IDLE is polled.
//! A dropped connection is opened again with a growing pause; nothing here
//! panics or stops the server.

use super::{receive, Source};
use crate::{Backend, Error};
use async_imap::extensions::idle::IdleResponse;
use futures::TryStreamExt;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Setting names, as errors and the README give them.
pub const URL_VAR: &str = "RAPPORT_IMAP_URL";
pub const PROCESSED_FOLDER_VAR: &str = "RAPPORT_IMAP_PROCESSED_FOLDER";
pub const POLL_SECONDS_VAR: &str = "RAPPORT_IMAP_POLL_SECONDS";

/// How often a server without IDLE is asked for new mail, unless set.
pub const DEFAULT_POLL_SECONDS: u64 = 60;
/// IDLE is ended and begun again at least this often: servers may drop an
/// IDLE older than 30 minutes (RFC 2177 advises 29).
pub const MAX_IDLE: Duration = Duration::from_secs(25 * 60);
/// A connection attempt, a login or one command may take this long.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// The pause before reconnecting grows from the first to the last.
const FIRST_RETRY: Duration = Duration::from_secs(1);
const LAST_RETRY: Duration = Duration::from_secs(60);

/// Where the mailbox is and what to do with handled messages.
#[derive(Clone, PartialEq, Eq)]
pub struct ImapSettings {
    pub host: String,
    pub port: u16,
    /// `imaps://`: TLS from the first byte. Otherwise plain (loopback only).
    pub tls: bool,
    pub user: String,
    pub password: String,
    /// The folder watched: the URL's path, `INBOX` when it has none.
    pub mailbox: String,
    /// Handled messages are moved here; without it they are marked `\Seen`
    /// and only unseen messages are taken.
    pub processed_folder: Option<String>,
    /// Polling interval without IDLE; with IDLE, how often IDLE is renewed
    /// (never less often than [`MAX_IDLE`]).
    pub poll_interval: Duration,
}

/// By hand, so a log line never shows the password.
impl std::fmt::Debug for ImapSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &"***")
            .field("mailbox", &self.mailbox)
            .field("processed_folder", &self.processed_folder)
            .field("poll_interval", &self.poll_interval)
            .finish()
    }
}

impl ImapSettings {
    /// The settings from their environment variables' values; errors name the
    /// variable to fix.
    pub fn parse(
        url: &str,
        processed_folder: Option<&str>,
        poll_seconds: Option<&str>,
    ) -> Result<ImapSettings, Error> {
        let example = "for example imaps://support%40example.com:password@mail.example.com/INBOX";
        let parsed = url::Url::parse(url.trim())
            .map_err(|e| Error::invalid(URL_VAR, format!("not a URL ({e}); {example}")))?;
        let tls = match parsed.scheme() {
            "imaps" => true,
            "imap" => false,
            other => {
                return Err(Error::invalid(
                    URL_VAR,
                    format!("{other}:// is not IMAP: use imaps://... (TLS, port 993); {example}"),
                ))
            }
        };
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| Error::invalid(URL_VAR, format!("no server named; {example}")))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let user = decode(parsed.username());
        let password = parsed.password().map(decode).unwrap_or_default();
        if user.is_empty() || password.is_empty() {
            return Err(Error::invalid(
                URL_VAR,
                format!("the user and password of the mailbox are missing; {example}"),
            ));
        }
        // A URL of a scheme the url crate does not know keeps its host as text.
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if !tls && !loopback {
            return Err(Error::invalid(
                URL_VAR,
                "the password would cross the network in clear text: use imaps://... (port 993)",
            ));
        }
        let port = parsed.port().unwrap_or(if tls { 993 } else { 143 });
        let path = decode(parsed.path().trim_matches('/'));
        let mailbox = if path.is_empty() {
            "INBOX".to_string()
        } else {
            path
        };
        let processed_folder = processed_folder
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_string);
        if processed_folder.as_deref() == Some(mailbox.as_str()) {
            return Err(Error::invalid(
                PROCESSED_FOLDER_VAR,
                "it is the folder being watched: name another folder, or leave it unset to mark handled mail as read",
            ));
        }
        let poll_seconds = match poll_seconds.map(str::trim).filter(|s| !s.is_empty()) {
            None => DEFAULT_POLL_SECONDS,
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=MAX_IDLE.as_secs()).contains(s))
                .ok_or_else(|| {
                    Error::invalid(
                        POLL_SECONDS_VAR,
                        format!(
                            "{raw:?} is not a number of seconds from 1 to {}",
                            MAX_IDLE.as_secs()
                        ),
                    )
                })?,
        };
        Ok(ImapSettings {
            host,
            port,
            tls,
            user,
            password,
            mailbox,
            processed_folder,
            poll_interval: Duration::from_secs(poll_seconds),
        })
    }

    /// "imaps://mail.example.com:993/INBOX", for the log.
    pub fn describe(&self) -> String {
        let scheme = if self.tls { "imaps" } else { "imap" };
        format!("{scheme}://{}:{}/{}", self.host, self.port, self.mailbox)
    }
}

/// Watch the mailbox until the task is aborted (the server stopping).
pub fn spawn(backend: Backend, settings: ImapSettings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(watch(backend, settings))
}

/// Connect, take what is waiting, wait for more; again after any failure,
/// with a growing pause. The pause starts over after a connection that
/// worked for a while, not after one that failed at once (a database that
/// is down must not make us reconnect every second).
pub async fn watch(backend: Backend, settings: ImapSettings) {
    let mut pause = FIRST_RETRY;
    loop {
        let mut connected = false;
        let started = tokio::time::Instant::now();
        let result = watch_once(&backend, &settings, &mut connected).await;
        if connected && started.elapsed() >= LAST_RETRY {
            pause = FIRST_RETRY;
        }
        match result {
            Ok(()) => {}
            Err(err) => tracing::warn!(
                mailbox = %settings.describe(),
                error = %err,
                retry_in_seconds = pause.as_secs(),
                "the IMAP mailbox could not be read; trying again"
            ),
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(LAST_RETRY);
    }
}

/// Anything that carries IMAP: a TCP stream, or TLS over one.
trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

type Session = async_imap::Session<Box<dyn Io>>;

/// Why a connection ended.
#[derive(Debug)]
enum WatchError {
    Imap(String),
    Store(Error),
}

impl std::fmt::Display for WatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WatchError::Imap(message) => f.write_str(message),
            WatchError::Store(err) => write!(f, "storing a message failed: {}", err.chain()),
        }
    }
}

fn imap_error(what: &str) -> impl Fn(async_imap::error::Error) -> WatchError + '_ {
    move |e| WatchError::Imap(format!("{what}: {e}"))
}

/// A command that must answer within [`COMMAND_TIMEOUT`].
async fn timed<T>(
    what: &str,
    command: impl std::future::Future<Output = Result<T, WatchError>>,
) -> Result<T, WatchError> {
    tokio::time::timeout(COMMAND_TIMEOUT, command)
        .await
        .map_err(|_| WatchError::Imap(format!("{what}: no answer in {COMMAND_TIMEOUT:?}")))?
}

async fn connect(settings: &ImapSettings) -> Result<Session, WatchError> {
    let tcp = TcpStream::connect((settings.host.as_str(), settings.port))
        .await
        .map_err(|e| WatchError::Imap(format!("connecting: {e}")))?;
    let _ = tcp.set_nodelay(true);
    let stream: Box<dyn Io> = if settings.tls {
        Box::new(tls_connect(&settings.host, tcp).await?)
    } else {
        Box::new(tcp)
    };
    let mut client = async_imap::Client::new(stream);
    // The server speaks first: its greeting.
    client
        .read_response()
        .await
        .map_err(|e| WatchError::Imap(format!("reading the greeting: {e}")))?
        .ok_or_else(|| WatchError::Imap("the server closed the connection".into()))?;
    client
        .login(&settings.user, &settings.password)
        .await
        .map_err(|(e, _)| WatchError::Imap(format!("signing in as {}: {e}", settings.user)))
}

async fn tls_connect(
    host: &str,
    tcp: TcpStream,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, WatchError> {
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| WatchError::Imap(format!("setting up TLS: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|e| WatchError::Imap(format!("{host:?} is not a server name for TLS: {e}")))?;
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| WatchError::Imap(format!("TLS with {host}: {e}")))
}

/// One connection: returns only by an error (the caller reconnects).
async fn watch_once(
    backend: &Backend,
    settings: &ImapSettings,
    connected: &mut bool,
) -> Result<(), WatchError> {
    let mut session = timed("connecting", connect(settings)).await?;
    let capabilities = timed("asking for capabilities", async {
        session
            .capabilities()
            .await
            .map_err(imap_error("asking for capabilities"))
    })
    .await?;
    let idle = capabilities.has_str("IDLE");
    let can_move = capabilities.has_str("MOVE");
    if let Some(folder) = &settings.processed_folder {
        // Made when missing; "it exists already" is the usual answer.
        if let Err(e) = session.create(folder).await {
            tracing::debug!(folder = %folder, error = %e, "the processed folder was not created");
        }
    }
    timed("selecting the mailbox", async {
        session
            .select(&settings.mailbox)
            .await
            .map_err(imap_error("selecting the mailbox"))
    })
    .await?;
    *connected = true;
    tracing::info!(
        mailbox = %settings.describe(),
        idle,
        "watching the IMAP mailbox for new mail"
    );
    // Messages that could not be stored for good (too large): not taken again
    // on this connection, so one bad message does not stop the others.
    let mut skipped = HashSet::new();
    let renew = settings.poll_interval.min(MAX_IDLE);
    loop {
        take_waiting(backend, settings, &mut session, can_move, &mut skipped).await?;
        // News that came while messages were taken (a new message's EXISTS)
        // would not wake IDLE: look again first. A look that finds nothing
        // marks nothing, so this ends after one more round.
        let mut news = false;
        while session.unsolicited_responses.try_recv().is_ok() {
            news = true;
        }
        if news {
            continue;
        }
        if idle {
            let mut handle = session.idle();
            timed("starting IDLE", async {
                handle.init().await.map_err(imap_error("starting IDLE"))
            })
            .await?;
            let (wait, _interrupt) = handle.wait_with_timeout(renew + COMMAND_TIMEOUT);
            match tokio::time::timeout(renew, wait).await {
                Ok(Ok(IdleResponse::NewData(_))) | Ok(Ok(IdleResponse::Timeout)) | Err(_) => {}
                Ok(Ok(IdleResponse::ManualInterrupt)) => {
                    return Err(WatchError::Imap("the server ended the connection".into()))
                }
                Ok(Err(e)) => return Err(WatchError::Imap(format!("waiting in IDLE: {e}"))),
            }
            session = timed("ending IDLE", async {
                handle.done().await.map_err(imap_error("ending IDLE"))
            })
            .await?;
        } else {
            tokio::time::sleep(settings.poll_interval).await;
            timed("polling", async {
                session.noop().await.map_err(imap_error("polling"))
            })
            .await?;
        }
    }
}

/// Take every message waiting in the mailbox, oldest first: store it, then
/// mark it handled. A message is never marked before it is stored.
async fn take_waiting(
    backend: &Backend,
    settings: &ImapSettings,
    session: &mut Session,
    can_move: bool,
    skipped: &mut HashSet<u32>,
) -> Result<(), WatchError> {
    let query = match settings.processed_folder {
        Some(_) => "NOT DELETED",
        None => "UNSEEN NOT DELETED",
    };
    let found = timed("searching the mailbox", async {
        session
            .uid_search(query)
            .await
            .map_err(imap_error("searching the mailbox"))
    })
    .await?;
    let mut uids: Vec<u32> = found.into_iter().filter(|u| !skipped.contains(u)).collect();
    uids.sort_unstable();
    for uid in uids {
        let fetched = timed("fetching a message", async {
            let stream = session
                .uid_fetch(uid.to_string(), "BODY.PEEK[]")
                .await
                .map_err(imap_error("fetching a message"))?;
            stream
                .try_collect::<Vec<_>>()
                .await
                .map_err(imap_error("fetching a message"))
        })
        .await?;
        // Gone meanwhile (another client took it): nothing to do.
        let Some(raw) = fetched.iter().find_map(|f| f.body()).map(<[u8]>::to_vec) else {
            continue;
        };
        match receive(backend, Source::Imap, &raw).await {
            Ok(receipt) => tracing::info!(
                uid,
                inbound_mail = receipt.inbound_id,
                new = receipt.new,
                "took a message from the IMAP mailbox"
            ),
            // The message itself cannot be kept (too large): left in the mailbox
            // for a person, and not taken again on this connection.
            Err(err @ Error::Invalid(_)) => {
                tracing::error!(uid, error = %err, "a message in the IMAP mailbox cannot be taken in; it is left there");
                skipped.insert(uid);
                continue;
            }
            // The database failed: stop, unmarked; it is taken again later.
            Err(err) => return Err(WatchError::Store(err)),
        }
        mark_handled(settings, session, can_move, uid).await?;
    }
    Ok(())
}

async fn mark_handled(
    settings: &ImapSettings,
    session: &mut Session,
    can_move: bool,
    uid: u32,
) -> Result<(), WatchError> {
    let uid = uid.to_string();
    timed("marking a message handled", async {
        match &settings.processed_folder {
            Some(folder) if can_move => session
                .uid_mv(&uid, folder)
                .await
                .map_err(imap_error("moving a message")),
            Some(folder) => {
                session
                    .uid_copy(&uid, folder)
                    .await
                    .map_err(imap_error("copying a message"))?;
                session
                    .uid_store(&uid, "+FLAGS.SILENT (\\Deleted)")
                    .await
                    .map_err(imap_error("deleting a moved message"))?
                    .try_collect::<Vec<_>>()
                    .await
                    .map_err(imap_error("deleting a moved message"))?;
                session
                    .expunge()
                    .await
                    .map_err(imap_error("expunging a moved message"))?
                    .try_collect::<Vec<_>>()
                    .await
                    .map_err(imap_error("expunging a moved message"))
                    .map(drop)
            }
            None => session
                .uid_store(&uid, "+FLAGS.SILENT (\\Seen)")
                .await
                .map_err(imap_error("marking a message read"))?
                .try_collect::<Vec<_>>()
                .await
                .map_err(imap_error("marking a message read"))
                .map(drop),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: Result<ImapSettings, Error>) -> String {
        result.unwrap_err().field().unwrap_or_default().to_string()
    }

    #[test]
    fn settings_from_the_environment() {
        let s = ImapSettings::parse(
            "imaps://support%40example.com:p%40ss@mail.example.com/Support",
            Some("Done"),
            Some("30"),
        )
        .unwrap();
        assert_eq!(s.host, "mail.example.com");
        assert_eq!(s.port, 993);
        assert!(s.tls);
        assert_eq!(s.user, "support@example.com");
        assert_eq!(s.password, "p@ss");
        assert_eq!(s.mailbox, "Support");
        assert_eq!(s.processed_folder.as_deref(), Some("Done"));
        assert_eq!(s.poll_interval, Duration::from_secs(30));
        assert!(!format!("{s:?}").contains("p@ss"));

        let local = ImapSettings::parse("imap://u:p@127.0.0.1:1143", None, None).unwrap();
        assert!(!local.tls);
        assert_eq!((local.port, local.mailbox.as_str()), (1143, "INBOX"));
        assert_eq!(
            local.poll_interval,
            Duration::from_secs(DEFAULT_POLL_SECONDS)
        );
        assert!(ImapSettings::parse("imap://u:p@localhost", Some(" "), Some("")).is_ok());
        assert!(ImapSettings::parse("imap://u:p@[::1]:143", None, None).is_ok());
        // Only the machine itself, not a name that merely starts like it.
        assert!(ImapSettings::parse("imap://u:p@127.0.0.1.example.com", None, None).is_err());
    }

    #[test]
    fn mistakes_name_their_variable() {
        // A password in clear text over the network.
        assert_eq!(
            field_of(ImapSettings::parse(
                "imap://u:p@mail.example.com",
                None,
                None
            )),
            URL_VAR
        );
        assert_eq!(
            field_of(ImapSettings::parse("imaps://mail.example.com", None, None)),
            URL_VAR
        );
        assert_eq!(
            field_of(ImapSettings::parse(
                "pop3s://u:p@mail.example.com",
                None,
                None
            )),
            URL_VAR
        );
        assert_eq!(
            field_of(ImapSettings::parse("not a url", None, None)),
            URL_VAR
        );
        let url = "imaps://u:p@mail.example.com/INBOX";
        assert_eq!(
            field_of(ImapSettings::parse(url, Some("INBOX"), None)),
            PROCESSED_FOLDER_VAR
        );
        for bad in ["0", "-5", "soon", "100000"] {
            assert_eq!(
                field_of(ImapSettings::parse(url, None, Some(bad))),
                POLL_SECONDS_VAR,
                "{bad}"
            );
        }
    }
}
