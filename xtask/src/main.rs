//! `cargo xtask`: the two commands of the README, and the benchmark.
//!
//! It installs what is missing, starts a private PostgreSQL when no
//! `DATABASE_URL` is given, builds the server and the wasm bundle itself
//! (the steps cargo-leptos would run, without its 30-minute install), and
//! then serves or tests.

mod assets;
mod bench;
mod bench_mail;
mod bench_orders_api;
mod bench_search;
mod bench_webhooks;
mod build;
mod imports;
mod postgres;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const HELP: &str = "\
cargo xtask: build, run and test Rapport

USAGE:
    cargo xtask run [--release] [--addr HOST:PORT]
        Install missing tools, start a private PostgreSQL under target/ (unless
        DATABASE_URL is set), migrate, seed the demo into an empty database,
        build the server and the browser bundle, and serve on
        http://127.0.0.1:3000. Ctrl-C stops it. Running it again reuses the data.

    cargo xtask test [--no-browser]
        Run every test: unit, database, HTTP, and end-to-end in headless
        Chromium. Uses its own fresh PostgreSQL (or DATABASE_URL), never the
        data of `run`.

    cargo xtask lint
        What CI checks before the tests: that each crate's top-level modules
        import one way (no circles), `cargo fmt --check`, and clippy with
        warnings denied on every crate and test for the server, and on the
        browser (wasm) build.

    cargo xtask build [--release]
        Only build the server and the browser bundle into target/site.

    cargo xtask bench
        Build for release and print figures: SQL statements per page (10 and 100
        rows), requests/s and latency per page under load (wrk) beside
        PostgreSQL's own `pgbench -S` rate, server memory, download size; then
        the case workload: 10,000 and 100,000 generated cases, with the agent
        queues, the customer's list, searches and case pages measured at each
        size. About 15 minutes on 2 cores. Figures only; it never fails on a time.

    cargo xtask bench search [--sizes 10000,100000] [--queries 200]
        Knowledge search: generate 10,000 and 100,000 articles (seeded, Zipf
        word frequencies), load them into a private PostgreSQL, and compare
        the engine (tantivy) with PostgreSQL full-text search (GIN, ts_rank_cd):
        full reindex time, index sizes, p50/p99 per query class (single word,
        two words, phrase, prefix, typo, no hit), and the memory with the index open.

    cargo xtask bench mail
        Mail in and out: the corpus (threaded right, spoofs accepted), loops
        with auto-responding mailboxes over 100 exchanges, IMAP IDLE latency
        from APPEND to the case page (p50/p95/max), and ingest throughput from
        a dovecot mailbox (2,000 messages). Figures only; never fails on a time.

    cargo xtask bench orders-api
        Order upserts over HTTP against the release server: records/s for
        batches of 100 and 1000 records, new and sent again (unchanged).
    cargo xtask bench webhooks
        Webhook delivery to a receiver on 127.0.0.1: deliveries per second for
        a burst of 2,000 changes, and the time from a change's commit to its
        delivery (p50/p95). Figures only; never fails on a time.

    cargo xtask bench reports [--million]
        Reports (issue 16): generate 100,000 cases over two years across
        10,000 organizations and 50 agents, with their metrics, ratings, the
        daily backlog and invoices (timed per table), then measure /reports
        (30 and 90 days), /reports/health and the /reports/cases.csv export
        (time to first byte, rows/s, the server's memory). `--million` adds a
        second round at 1,000,000 cases. `--seed-only <database-url>
        [--cases N]` only generates the data into a migrated database
        with at least one user (the demo's, say).

    cargo xtask bench api
        The REST API's case list at 100,000 cases (the reports' generator):
        `GET /api/v1/cases?limit=50` with an agent's and a customer admin's
        token from 4 connections (wrk): requests/s, p50/p99 and SQL statements
        per call. `--seed-only <database-url> [--cases N]` as for reports.

ENVIRONMENT:
    DATABASE_URL        use this PostgreSQL instead of a private one
    RAPPORT_SMTP_URL    `run` sends e-mail through this SMTP server; without it
                        (or RAPPORT_MAIL_DIR) mail is written into target/rapport/run/mail
    CARGO_TARGET_DIR    where cargo builds (the site goes to <repo>/target/site)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("bench") => match args.get(1).map(String::as_str) {
            None => bench::bench(),
            Some("search") => bench_search::bench(&args[2..]),
            Some("mail") => bench_mail::bench(),
            Some("orders-api") => bench_orders_api::bench(),
            Some("webhooks") => bench_webhooks::bench(),
            Some("reports") => bench::reports::bench(&args[2..]),
            Some("api") => bench::api::bench(&args[2..]),
            Some(other) => Err(format!("unknown benchmark {other:?}\n\n{HELP}")),
        },
        Some("lint") => lint(),
        Some("build") => {
            let root = repo_root();
            build::build_all(&root, args.iter().any(|a| a == "--release")).map(|binaries| {
                println!(
                    "\nBuilt {} (the server) and {} (the browser bundle and CSS).",
                    binaries.server.display(),
                    root.join("target/site").display()
                );
            })
        }
        Some("-h") | Some("--help") | Some("help") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root (the folder above xtask/).
/// The checkout `cargo xtask` was started in. `cargo run` names xtask's folder
/// at run time; the path compiled in is only a fallback, because a build cache
/// shared by several checkouts (CARGO_TARGET_DIR) may hand this checkout a
/// binary compiled in another one.
pub fn repo_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

pub fn step(message: &str) {
    println!("\n==> {message}");
}

/// Run a command to completion, failing with its name when it fails.
pub fn run_command(cmd: &mut Command) -> Result {
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{:?} failed ({status})", cmd.get_program()))
    }
}

fn flag_value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Stop on Ctrl-C ourselves instead of dying: the server child gets the signal
/// too and shuts down cleanly, and we then stop PostgreSQL.
fn catch_interrupts() -> Arc<AtomicBool> {
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    interrupted
}

fn run(args: &[String]) -> Result {
    let root = repo_root();
    let release = args.iter().any(|a| a == "--release");
    let addr = flag_value(args, "--addr").unwrap_or_else(|| "127.0.0.1:3000".into());
    let interrupted = catch_interrupts();
    tools::ensure_build_tools(&root)?;
    let binaries = build::build_all(&root, release)?;
    let (database_url, cluster) = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => (url, None),
        _ => {
            let cluster = postgres::Cluster::start(&root.join("target/rapport/run"), false)?;
            cluster.create_database("rapport")?;
            (cluster.url("rapport"), Some(cluster))
        }
    };
    let outcome = (|| {
        step("Preparing the database (migrations, demo data, the knowledge base in content/)");
        // The knowledge base first: the demo's searches and votes refer to it.
        import_content(&root, &binaries.server, &database_url)?;
        seed_demo(&binaries, &database_url)?;
        step(&format!(
            "Serving Rapport on http://{addr}  (Ctrl-C stops it)"
        ));
        println!("Sign in with any demo account above; they all use the printed password.");
        let mut command = server_command(&root, &binaries.server, &database_url, &addr, "info");
        // Files people attach stay with the private database, unless you chose a folder.
        if std::env::var_os("RAPPORT_ATTACHMENTS_DIR").is_none_or(|v| v.is_empty()) {
            command.env(
                "RAPPORT_ATTACHMENTS_DIR",
                root.join("target/rapport/run/attachments"),
            );
        }
        // The search index too (rebuilt from the database whenever it is out of date).
        if std::env::var_os("RAPPORT_INDEX_DIR").is_none_or(|v| v.is_empty()) {
            command.env("RAPPORT_INDEX_DIR", root.join("target/rapport/run/index"));
        }
        // E-mail goes into a folder unless you configured where it goes yourself.
        let mail_configured = ["RAPPORT_SMTP_URL", "RAPPORT_MAIL_DIR"]
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
        if mail_configured {
            println!("E-mail goes where RAPPORT_SMTP_URL or RAPPORT_MAIL_DIR says.");
        } else {
            let mail_dir = root.join("target/rapport/run/mail");
            println!(
                "E-mail is not sent: each one is written as a file into {}\n\
                 (set RAPPORT_SMTP_URL to send it through a mail server).",
                mail_dir.display()
            );
            command.env("RAPPORT_MAIL_DIR", mail_dir);
        }
        let mut server = command
            .spawn()
            .map_err(|e| format!("could not start the server: {e}"))?;
        let status = wait_for(&mut server, &interrupted);
        if interrupted.load(Ordering::SeqCst) {
            println!("\nStopped.");
            Ok(())
        } else {
            Err(format!("the server stopped unexpectedly ({status})"))
        }
    })();
    if let Some(cluster) = cluster {
        cluster.stop();
    }
    outcome
}

/// Wait for a child, letting Ctrl-C reach it; give it 10 s to stop before killing it.
fn wait_for(child: &mut Child, interrupted: &AtomicBool) -> String {
    let mut interrupted_at: Option<Instant> = None;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.to_string(),
            Ok(None) => {}
            Err(e) => return e.to_string(),
        }
        if interrupted.load(Ordering::SeqCst) {
            let since = *interrupted_at.get_or_insert_with(Instant::now);
            if since.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Formatting and clippy, as CI runs them: the server side (every crate, its
/// tests included) and the browser build, with the flags of every other build.
fn lint() -> Result {
    let root = repo_root();
    tools::ensure_build_tools(&root)?;
    step("Imports between modules (one way, no circles)");
    imports::check(&root)?;
    step("Formatting (cargo fmt --check)");
    run_command(
        Command::new(env!("CARGO"))
            .current_dir(&root)
            .args(["fmt", "--all", "--check"]),
    )
    .map_err(|_| "some files are not formatted: run `cargo fmt --all`".to_string())?;
    step("Clippy: the server and the tests");
    run_command(build::cargo(&root, "clippy").args([
        "--workspace",
        "--all-targets",
        "--features",
        "app/ssr",
        "--target",
        &build::host_triple()?,
        "--",
        "-D",
        "warnings",
    ]))?;
    step("Clippy: the browser build");
    run_command(build::cargo(&root, "clippy").args([
        "--package",
        "app",
        "--package",
        "rapport-types",
        "--lib",
        "--features",
        "app/hydrate",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))
}

fn test(args: &[String]) -> Result {
    let root = repo_root();
    let browser = !args.iter().any(|a| a == "--no-browser");
    let _ = catch_interrupts();
    tools::ensure_build_tools(&root)?;
    tools::ensure_nextest()?;
    tools::ensure_smtp_sink()?;
    tools::ensure_dovecot()?;
    if browser {
        tools::ensure_browser_tools(&root)?;
    }
    let (database_url, cluster) = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => (url, None),
        _ => {
            // A fresh cluster every time, apart from the one `run` uses.
            let cluster = postgres::Cluster::start(&root.join("target/rapport/test"), true)?;
            (cluster.url("postgres"), Some(cluster))
        }
    };
    let outcome = run_all_tests(&root, &database_url, cluster.as_ref(), browser);
    if let Some(cluster) = cluster {
        cluster.stop();
    }
    outcome
}

/// The Rust tests, then (unless `browser` is false) the browser tests; both always run.
fn run_all_tests(
    root: &Path,
    database_url: &str,
    cluster: Option<&postgres::Cluster>,
    browser: bool,
) -> Result {
    step("Unit, database and HTTP tests");
    // xtask is not tested with the rest: its own dependencies would change the
    // features of everything else, and the browser tests below would then need
    // a second build of the server instead of the one these tests build. Its
    // few tests (the asset names, the bench's page reading) run on their own,
    // in the build xtask itself runs from.
    step("The build tool's own tests (xtask)");
    run_command(Command::new(env!("CARGO")).current_dir(root).args([
        "test",
        "--quiet",
        "--package",
        "xtask",
    ]))?;
    let rust_tests = run_command(
        build::cargo(root, "nextest")
            .args([
                "run",
                "--workspace",
                "--exclude",
                "xtask",
                "--features",
                "app/ssr",
                "--no-fail-fast",
                "--config-file",
                ".cargo/nextest.toml",
                "--target",
                &build::host_triple()?,
            ])
            .env("DATABASE_URL", database_url),
    )
    .map_err(|_| "some Rust tests failed (see above)".to_string());
    let e2e = if browser {
        end_to_end(root, database_url, cluster)
    } else {
        Ok(())
    };
    rust_tests.and(e2e)
}

/// Build the browser bundle, serve it on a free port against a fresh seeded
/// database, and run the Playwright specs in Debian's Chromium. The server and
/// the demo loader are the ones the Rust tests built (same features, same
/// flags): nothing is compiled twice.
fn end_to_end(root: &Path, admin_url: &str, cluster: Option<&postgres::Cluster>) -> Result {
    build::build_site(root, false)?;
    let binaries = build::Binaries::in_profile(root, "debug")?;
    for program in [&binaries.server, &binaries.demo] {
        if !program.exists() {
            return Err(format!(
                "{} was not built by the Rust tests; run `cargo xtask test` again",
                program.display()
            ));
        }
    }
    let database_url = match cluster {
        Some(cluster) => {
            cluster.drop_database("rapport_e2e")?;
            cluster.create_database("rapport_e2e")?;
            cluster.url("rapport_e2e")
        }
        // With an external DATABASE_URL, the end-to-end run uses that database.
        None => admin_url.to_string(),
    };
    step("End-to-end tests in headless Chromium");
    import_content(root, &binaries.server, &database_url)?;
    seed_demo(&binaries, &database_url)?;
    let port = free_port()?;
    let addr = format!("127.0.0.1:{port}");
    let mut server = spawn_server(root, &binaries.server, &database_url, &addr, "warn")?;
    let result = wait_until_listening(&addr, &mut server).and_then(|_| {
        run_command(
            Command::new("npx")
                .current_dir(root.join("end2end"))
                .args(["playwright", "test"])
                .env("BASE_URL", format!("http://{addr}"))
                // Where the server writes its mail (see `spawn_server`): the
                // specs read the links of invitations from it.
                .env("MAIL_DIR", test_mail_dir(root))
                // The incoming-mail spec gives messages to `rapport mail-in`.
                .env("RAPPORT_BIN", &binaries.server)
                .env("DATABASE_URL", &database_url)
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
        )
        .map_err(|_| "some end-to-end tests failed (see above)".to_string())
    });
    let _ = server.kill();
    let _ = server.wait();
    result
}

/// `rapport import-content content/`: unchanged files change nothing, so this
/// runs on every start.
pub fn import_content(root: &Path, binary: &Path, database_url: &str) -> Result {
    run_command(
        Command::new(binary)
            .arg("import-content")
            .arg(root.join("content"))
            .env("DATABASE_URL", database_url),
    )
}

/// `rapport-demo seed`: the demo, into a database without users.
pub fn seed_demo(binaries: &build::Binaries, database_url: &str) -> Result {
    run_command(
        Command::new(&binaries.demo)
            .arg("seed")
            .env("DATABASE_URL", database_url),
    )
}

/// The folder test and benchmark servers write their mail into.
fn test_mail_dir(root: &Path) -> PathBuf {
    root.join("target/rapport/test/mail")
}

/// Start `rapport serve` with the site built into target/site.
fn spawn_server(
    root: &Path,
    binary: &Path,
    database_url: &str,
    addr: &str,
    log: &str,
) -> Result<Child> {
    test_server(root, binary, database_url, addr, log)
        .spawn()
        .map_err(|e| format!("could not start the server: {e}"))
}

/// The command of a test or benchmark server, not started yet.
fn test_server(root: &Path, binary: &Path, database_url: &str, addr: &str, log: &str) -> Command {
    // A fresh search index for every test or benchmark database.
    let index_dir = root.join("target/rapport/test/index");
    let _ = std::fs::remove_dir_all(&index_dir);
    let mut command = server_command(root, binary, database_url, addr, log);
    command
        // Test and benchmark servers never send real mail, nor leave a
        // mail-outbox/ folder where xtask was started.
        .env_remove("RAPPORT_SMTP_URL")
        .env("RAPPORT_MAIL_DIR", test_mail_dir(root))
        // The browser suite registers many organizations from one address
        // (the limit itself is tested over HTTP).
        .env("RAPPORT_LIMITS", "registration=1000/1h")
        // The webhook tests' receivers listen on 127.0.0.1.
        .env("RAPPORT_WEBHOOKS_TO_PRIVATE_NETWORKS", "true")
        .env(
            "RAPPORT_ATTACHMENTS_DIR",
            root.join("target/rapport/test/attachments"),
        )
        .env("RAPPORT_INDEX_DIR", index_dir);
    command
}

/// The `rapport serve` command with the site built into target/site.
fn server_command(
    root: &Path,
    binary: &Path,
    database_url: &str,
    addr: &str,
    log: &str,
) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("RAPPORT_ADDR", addr)
        .env("RAPPORT_SITE_ROOT", root.join("target/site"))
        .env("RAPPORT_LOG", log);
    command
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

fn wait_until_listening(addr: &str, server: &mut Child) -> Result {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(addr).is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = server.try_wait() {
            return Err(format!("the server exited before listening ({status})"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!("the server did not listen on {addr} within 60 s"))
}
