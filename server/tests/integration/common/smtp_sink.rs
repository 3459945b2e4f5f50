//! A real SMTP server for the outgoing mail tests: Debian's aiosmtpd, started
//! on a free port with a maildir of its own, stopped when the sink is dropped.
//! `cargo xtask test` installs it (`python3-aiosmtpd`) when it is missing.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's interpreter: the one the `python3-aiosmtpd` package is for (the
/// first `python3` on PATH may be another without it).
const PYTHON: &str = "/usr/bin/python3";

/// How long aiosmtpd may take to start listening, or a message to arrive.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    server: Child,
}

impl SmtpSink {
    /// Start aiosmtpd and wait until it accepts connections.
    pub async fn start() -> SmtpSink {
        let dir = tempfile::tempdir().expect("a temporary maildir");
        let maildir = dir.path().join("maildir");
        // Bound to learn a free port, then released for aiosmtpd.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let server = Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("could not start {PYTHON} -m aiosmtpd ({e}): apt-get install python3-aiosmtpd, or run cargo xtask test")
            });
        let mut sink = SmtpSink { port, dir, server };
        let deadline = Instant::now() + PATIENCE;
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return sink;
            }
            if let Ok(Some(status)) = sink.server.try_wait() {
                let mut error = String::new();
                if let Some(mut stderr) = sink.server.stderr.take() {
                    use std::io::Read;
                    let _ = stderr.read_to_string(&mut error);
                }
                panic!("aiosmtpd stopped ({status}): {error}\napt-get install python3-aiosmtpd, or run cargo xtask test");
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start listening on {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The address for `RAPPORT_SMTP_URL` (plain SMTP on the loopback).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    /// Every message received so far, raw, in the order they arrived.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(self.maildir().join(sub)).ok())
            .flatten()
            .filter_map(|entry| {
                let entry = entry.ok()?;
                Some((entry.metadata().ok()?.modified().ok()?, entry.path()))
            })
            .collect();
        files.sort();
        files
            .into_iter()
            .filter_map(|(_, path)| std::fs::read(path).ok())
            .collect()
    }

    /// Wait until at least `count` messages arrived; all of them.
    pub async fn wait_for(&self, count: usize) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {count} messages reached the SMTP sink",
                messages.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
