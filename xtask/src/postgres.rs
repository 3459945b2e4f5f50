//! A private PostgreSQL cluster in a folder, reachable only through a Unix
//! socket, so it never clashes with another PostgreSQL on the machine.

use crate::tools::is_root;
use crate::{run_command, step, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

const PORT: &str = "5432";

pub struct Cluster {
    bindir: PathBuf,
    data: PathBuf,
    socket_dir: PathBuf,
    log: PathBuf,
    as_postgres: bool,
}

/// The folder with initdb and pg_ctl, installing PostgreSQL when we may.
fn find_bindir() -> Result<PathBuf> {
    let candidates = || -> Option<PathBuf> {
        if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
            let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if dir.join("initdb").exists() {
                return Some(dir);
            }
        }
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin"))
            .filter(|bin| bin.join("initdb").exists())
            .collect();
        versions.sort_by_key(|p| {
            p.parent()
                .and_then(|v| v.file_name())
                .and_then(|v| v.to_str())
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(0)
        });
        versions.pop()
    };
    if let Some(dir) = candidates() {
        return Ok(dir);
    }
    if is_root() && Path::new("/usr/bin/apt-get").exists() {
        step("Installing PostgreSQL (initdb and pg_ctl are missing)");
        run_command(Command::new("apt-get").args(["update", "-qq"]))?;
        run_command(
            Command::new("apt-get")
                .args(["install", "-y", "-qq", "postgresql"])
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
        if let Some(dir) = candidates() {
            return Ok(dir);
        }
    }
    Err(
        "PostgreSQL's server programs (initdb, pg_ctl) were not found. Install PostgreSQL \
         (Debian/Ubuntu: `sudo apt-get install postgresql`; Fedora: `sudo dnf install \
         postgresql-server`; macOS: `brew install postgresql`), or set DATABASE_URL to a \
         PostgreSQL you already have."
            .into(),
    )
}

/// Can the `postgres` user reach `dir` (every parent searchable by others)?
fn reachable_by_others(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    dir.ancestors().skip(1).all(|p| {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o001 != 0)
            .unwrap_or(true)
    })
}

impl Cluster {
    /// Start (creating it if needed) the cluster kept in `base`. `fresh` wipes it first.
    pub fn start(base: &Path, fresh: bool) -> Result<Cluster> {
        Cluster::start_with(base, fresh, "")
    }

    /// `start`, with extra server options (`-c name=value ...`).
    pub fn start_with(base: &Path, fresh: bool, extra_options: &str) -> Result<Cluster> {
        let bindir = find_bindir()?;
        let as_postgres = is_root();
        let mut base = base.to_path_buf();
        if as_postgres && !reachable_by_others(&base) {
            // initdb refuses to run as root, and the postgres user cannot enter this checkout.
            let fallback = std::env::temp_dir().join(format!(
                "rapport-{}",
                base.to_string_lossy()
                    .bytes()
                    .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32))
            ));
            println!(
                "    {} is not reachable by the postgres user; keeping the cluster in {}",
                base.display(),
                fallback.display()
            );
            base = fallback;
        }
        let cluster = Cluster {
            data: base.join("pg"),
            socket_dir: base.join("socket"),
            log: base.join("postgres.log"),
            bindir,
            as_postgres,
        };
        if fresh {
            cluster.stop_quietly();
            let _ = std::fs::remove_dir_all(&base);
        }
        std::fs::create_dir_all(&cluster.socket_dir)
            .map_err(|e| format!("creating {}: {e}", base.display()))?;
        if as_postgres {
            run_command(
                Command::new("chown")
                    .arg("-R")
                    .arg("postgres:postgres")
                    .arg(&base),
            )?;
        }
        if !cluster.data.join("PG_VERSION").exists() {
            step(&format!(
                "Creating a private PostgreSQL cluster in {}",
                cluster.data.display()
            ));
            cluster.run_quietly(
                cluster
                    .pg_command("initdb")
                    .arg("-D")
                    .arg(&cluster.data)
                    .args([
                        "-A",
                        "trust",
                        "-U",
                        "postgres",
                        "--no-sync",
                        "-E",
                        "UTF8",
                        "--locale=C",
                    ]),
            )?;
        }
        if cluster.is_running() {
            println!(
                "    PostgreSQL is already running in {}",
                cluster.data.display()
            );
        } else {
            step("Starting PostgreSQL");
            // Tests trade durability for speed; the `run` cluster keeps fsync on.
            let durability = if fresh {
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            } else {
                ""
            };
            let options = format!(
                "-k {} -c listen_addresses='' -p {PORT} -c max_connections=200{durability} {extra_options}",
                cluster.socket_dir.display()
            );
            cluster
                .run_quietly(
                    cluster
                        .pg_command("pg_ctl")
                        .arg("-D")
                        .arg(&cluster.data)
                        .arg("-l")
                        .arg(&cluster.log)
                        .args(["-w", "-t", "60", "-o", &options, "start"]),
                )
                .map_err(|e| format!("{e}; see {}", cluster.log.display()))?;
        }
        Ok(cluster)
    }

    fn pg_command(&self, program: &str) -> Command {
        let path = self.bindir.join(program);
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(path);
            cmd
        } else {
            Command::new(path)
        }
    }

    fn run_quietly(&self, cmd: &mut Command) -> Result {
        let out = cmd
            .output()
            .map_err(|e| format!("could not start {:?}: {e}", cmd.get_program()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{:?} failed: {}{}",
                cmd.get_args().last().unwrap_or_default(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    fn is_running(&self) -> bool {
        self.pg_command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .arg("status")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    /// The connection URL of a database in this cluster.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost/{database}?host={}&port={PORT}",
            self.socket_dir.display()
        )
    }

    fn psql(&self, sql: &str) -> Result<String> {
        self.psql_in("postgres", sql)
    }

    /// Run one SQL statement in `database` and return its output, unaligned.
    pub fn psql_in(&self, database: &str, sql: &str) -> Result<String> {
        let out = Command::new(self.bindir.join("psql"))
            .arg("-h")
            .arg(&self.socket_dir)
            .args(["-p", PORT, "-U", "postgres", "-d", database, "-tAc", sql])
            .output()
            .map_err(|e| format!("could not start psql: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(format!(
                "psql failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    pub fn create_database(&self, name: &str) -> Result {
        if self.psql(&format!(
            "SELECT 1 FROM pg_database WHERE datname = '{name}'"
        ))? != "1"
        {
            self.psql(&format!("CREATE DATABASE \"{name}\""))?;
        }
        Ok(())
    }

    pub fn drop_database(&self, name: &str) -> Result {
        self.psql(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .map(|_| ())
    }

    /// PostgreSQL's own read-only rate on this machine: `pgbench -S`, in transactions/s.
    pub fn pgbench(&self) -> Result<f64> {
        let pgbench = |args: &[&str]| {
            Command::new(self.bindir.join("pgbench"))
                .arg("-h")
                .arg(&self.socket_dir)
                .args(["-p", PORT, "-U", "postgres"])
                .args(args)
                .arg("pgbench")
                .output()
                .map_err(|e| format!("could not start pgbench: {e}"))
        };
        pgbench(&["-i", "-q", "-s", "10"])?;
        let out = pgbench(&["-S", "-c", "8", "-j", "2", "-T", "8"])?;
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines()
            .find_map(|l| l.strip_prefix("tps = "))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| {
                format!(
                    "pgbench printed no rate:\n{text}{}",
                    String::from_utf8_lossy(&out.stderr)
                )
            })
    }

    fn stop_quietly(&self) {
        if self.data.join("postmaster.pid").exists() {
            let _ = self
                .pg_command("pg_ctl")
                .arg("-D")
                .arg(&self.data)
                .args(["-m", "fast", "-w", "stop"])
                .output();
        }
    }

    pub fn stop(self) {
        self.stop_quietly();
    }
}
