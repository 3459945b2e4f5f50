//! A real IMAP server for the tests: Debian's dovecot, started from a
//! throwaway configuration in a temporary folder, on a free port of
//! 127.0.0.1, with one mailbox user. `cargo xtask test` installs
//! `dovecot-imapd` when it is missing.

use async_imap::Session;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// The one mailbox user, and its password.
pub const USER: &str = "support@rapport.test";
pub const PASSWORD: &str = "imap-test-secret";

const DOVECOT: &str = "/usr/sbin/dovecot";
const DOVEADM: &str = "/usr/bin/doveadm";

/// A running dovecot; stopped (and its folder removed) when dropped.
pub struct Dovecot {
    dir: tempfile::TempDir,
    pub port: u16,
    running: bool,
}

impl Dovecot {
    /// Start a fresh server with an empty mailbox.
    pub async fn start() -> Dovecot {
        assert!(
            Path::new(DOVECOT).exists(),
            "the IMAP tests need dovecot: `apt-get install dovecot-imapd` \
             (`cargo xtask test` installs it)"
        );
        let dir = tempfile::tempdir().expect("a folder for dovecot");
        let port = free_port();
        let mut server = Dovecot {
            dir,
            port,
            running: false,
        };
        server.write_config();
        server.run().await;
        server
    }

    /// `imap://user:password@127.0.0.1:port/INBOX`, as `RAPPORT_IMAP_URL` takes it.
    pub fn url(&self) -> String {
        format!(
            "imap://{}:{PASSWORD}@127.0.0.1:{}/INBOX",
            USER.replace('@', "%40"),
            self.port
        )
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("dovecot.conf")
    }

    fn write_config(&self) {
        use std::os::unix::fs::PermissionsExt;
        let dir = self.dir.path();
        // dovecot's own users (dovecot, dovenull) must reach the folder.
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mail = dir.join("mail");
        std::fs::create_dir_all(&mail).unwrap();
        let chowned = Command::new("chown")
            .args(["-R", "dovecot:dovecot"])
            .arg(&mail)
            .status()
            .expect("running chown");
        assert!(
            chowned.success(),
            "could not give the mail folder to dovecot"
        );
        let passwd = dir.join("passwd");
        std::fs::write(&passwd, format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        let d = dir.display();
        let config = format!(
            "base_dir = {d}/run\n\
             state_dir = {d}/state\n\
             log_path = {d}/dovecot.log\n\
             protocols = imap\n\
             listen = 127.0.0.1\n\
             ssl = no\n\
             disable_plaintext_auth = no\n\
             auth_mechanisms = plain login\n\
             mail_location = maildir:{d}/mail/%u\n\
             first_valid_uid = 100\n\
             default_login_user = dovenull\n\
             default_internal_user = dovecot\n\
             namespace inbox {{\n  inbox = yes\n  separator = /\n}}\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {passwd}\n}}\n\
             userdb {{\n  driver = static\n  args = uid=dovecot gid=dovecot home={d}/mail/%u\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    port = {port}\n  }}\n  \
             inet_listener imaps {{\n    port = 0\n  }}\n}}\n",
            passwd = passwd.display(),
            port = self.port,
        );
        std::fs::write(self.config_path(), config).unwrap();
    }

    /// Start the server and wait until it takes connections.
    async fn run(&mut self) {
        let status = Command::new(DOVECOT)
            .arg("-c")
            .arg(self.config_path())
            .status()
            .expect("starting dovecot");
        assert!(status.success(), "dovecot did not start: {}", self.log());
        self.running = true;
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).await.is_err() {
            assert!(
                Instant::now() < deadline,
                "dovecot does not answer on port {}: {}",
                self.port,
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stop the server (connections drop); the mail stays.
    pub async fn stop(&mut self) {
        if self.running {
            let _ = Command::new(DOVEADM)
                .arg("-c")
                .arg(self.config_path())
                .arg("stop")
                .status();
            self.running = false;
        }
        // Until the port is free again.
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
            assert!(Instant::now() < deadline, "dovecot does not stop");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stop and start again on the same port, with the same mail.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.run().await;
    }

    /// The server's log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    /// A client session signed in as the mailbox user (as a mail server
    /// delivering, or a person reading, would be).
    pub async fn client(&self) -> Session<TcpStream> {
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).await.unwrap();
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.unwrap().expect("a greeting");
        client
            .login(USER, PASSWORD)
            .await
            .map_err(|(e, _)| e)
            .expect("signing in to dovecot")
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if self.running {
            let _ = Command::new(DOVEADM)
                .arg("-c")
                .arg(self.config_path())
                .arg("stop")
                .status();
        }
    }
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
