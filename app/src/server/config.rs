//! Run-time settings. Everything comes from the environment or the command line
//! (see the server's `--help`); nothing secret is compiled in.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

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
    /// Failed sign-ins allowed per account, and per address, inside `sign_in_window`.
    pub sign_in_failures_per_account: i64,
    pub sign_in_failures_per_address: i64,
    pub sign_in_window: Duration,
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
            sign_in_failures_per_account: 5,
            sign_in_failures_per_address: 50,
            sign_in_window: Duration::from_secs(15 * 60),
        }
    }
}
