//! `cargo xtask bench`: figures, never pass/fail.
//!
//! Builds the release server and bundle, starts a private PostgreSQL with
//! pg_stat_statements, seeds the demo plus extra users, and prints:
//! SQL statements per page (with 10 and 100 rows of users), requests per second
//! and latency per page under load (wrk), PostgreSQL's own `pgbench -S` rate for
//! comparison, the server's memory, and the first-load download size. Then the
//! case workload (`bench_cases.rs`): 10k and 100k generated cases, and the
//! queues and case lists measured at both sizes.

#[path = "bench_api.rs"]
pub mod api;
#[path = "bench_cases.rs"]
mod cases;
#[path = "bench_reports.rs"]
pub mod reports;

use crate::postgres::Cluster;
use crate::{build, repo_root, step, tools, Result};
use std::process::Command;
use std::time::Duration;

const PASSWORD: &str = "rapport-demo";

/// The benchmark's database in the private cluster.
const DATABASE: &str = "rapport_bench";

fn curl() -> Command {
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "-o", "/dev/null", "-w", "%{http_code}"]);
    cmd
}

/// Sign in with curl and return the `Cookie` header value of the session.
fn sign_in(base: &str, email: &str) -> Result<String> {
    let out = Command::new("curl")
        .args([
            "-s",
            "-D",
            "-",
            "-o",
            "/dev/null",
            "-H",
            "Accept: application/json",
        ])
        .args(["--data-urlencode", &format!("email={email}")])
        .args(["--data-urlencode", &format!("password={PASSWORD}")])
        .arg(format!("{base}/api/sign_in"))
        .output()
        .map_err(|e| format!("curl: {e}"))?;
    let headers = String::from_utf8_lossy(&out.stdout);
    headers
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie: rapport_session=")
                .then(|| {
                    l["set-cookie: ".len()..]
                        .split(';')
                        .next()
                        .unwrap_or("")
                        .to_string()
                })
        })
        .ok_or_else(|| format!("signing in as {email} failed:\n{headers}"))
}

/// The SQL statements a request of `path` runs, counted by pg_stat_statements.
/// Two requests are counted; when they differ (a page that sometimes loads
/// something twice) both show, as "5-6".
fn statements_per_page(
    cluster: &Cluster,
    base: &str,
    path: &str,
    cookie: &str,
) -> Result<Statements> {
    statements_per_request(cluster, base, path, &format!("Cookie: {cookie}"))
}

/// `statements_per_page` for a request with `header` (a cookie, a token).
fn statements_per_request(
    cluster: &Cluster,
    base: &str,
    path: &str,
    header: &str,
) -> Result<Statements> {
    let first = statements_of_one_request(cluster, base, path, header)?;
    let second = statements_of_one_request(cluster, base, path, header)?;
    Ok(Statements {
        fewest: first.min(second),
        most: first.max(second),
    })
}

/// How many statements a page ran, over the requests counted.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Statements {
    fewest: i64,
    most: i64,
}

impl std::fmt::Display for Statements {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = if self.fewest == self.most {
            self.fewest.to_string()
        } else {
            format!("{}-{}", self.fewest, self.most)
        };
        // Keep the caller's width and alignment.
        f.pad(&text)
    }
}

/// One request's statements. The server's background jobs run statements too
/// (the mail sender looks for due mail every 5 s, in a transaction); when one
/// of their rounds falls into the request's window, the request is counted again.
fn statements_of_one_request(
    cluster: &Cluster,
    base: &str,
    path: &str,
    header: &str,
) -> Result<i64> {
    let count = format!(
        "SELECT coalesce(sum(calls), 0) || ' ' || coalesce(sum(calls) FILTER (
                    WHERE query ILIKE '%outbound_mails%' OR query ILIKE '%WITH closed AS%'), 0)
         FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '{DATABASE}')
           AND query NOT ILIKE '%pg_stat_statements%'"
    );
    let mut attempts = 0;
    loop {
        attempts += 1;
        cluster.psql_in(DATABASE, "SELECT pg_stat_statements_reset()")?;
        let status = curl()
            .args(["-H", header])
            .arg(format!("{base}{path}"))
            .output()
            .map_err(|e| format!("curl: {e}"))?;
        let status = String::from_utf8_lossy(&status.stdout).to_string();
        if status != "200" {
            return Err(format!("{path} answered {status}"));
        }
        // The session store writes after the response; give it a moment.
        std::thread::sleep(Duration::from_millis(200));
        let counted = cluster.psql_in(DATABASE, &count)?;
        let (all, background) = counted
            .split_once(' ')
            .and_then(|(a, b)| Some((a.parse::<i64>().ok()?, b.parse::<i64>().ok()?)))
            .ok_or_else(|| format!("reading the statement count {counted:?}"))?;
        if background == 0 || attempts == 5 {
            return Ok(all);
        }
    }
}

struct Load {
    rps: f64,
    p50: String,
    p99: String,
}

/// `seconds` of load on one page from 16 connections.
fn wrk(base: &str, path: &str, cookie: &str, seconds: u32) -> Result<Load> {
    wrk_with(base, path, &format!("Cookie: {cookie}"), seconds, 16)
}

/// `seconds` of load on `path` with `header` from `connections` connections.
fn wrk_with(base: &str, path: &str, header: &str, seconds: u32, connections: u32) -> Result<Load> {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-H",
        ])
        .arg(header)
        .arg(format!("{base}{path}"))
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |prefix: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("?")
            .to_string()
    };
    if text.contains("Non-2xx") {
        return Err(format!("{path} answered errors under load:\n{text}"));
    }
    Ok(Load {
        rps: field("Requests/sec:").parse().unwrap_or(0.0),
        p50: field("50%"),
        p99: field("99%"),
    })
}

/// What a first visit to the home page downloads: the HTML and every file it
/// links under `/pkg/`, as the server sends them to a browser that accepts
/// brotli (what Chromium sends), and to one that accepts only gzip. Bytes on
/// the wire, headers aside.
fn first_load(base: &str) -> Result {
    let html = Command::new("curl")
        .args(["-s", &format!("{base}/")])
        .output()
        .map_err(|e| format!("curl: {e}"))?;
    let html = String::from_utf8_lossy(&html.stdout).to_string();
    let mut paths = vec!["/".to_string()];
    paths.extend(linked_files(&html));
    let encodings = ["gzip, deflate, br, zstd", "gzip"];
    println!("{:<40} {:>12} {:>12}", "file", "br accepted", "gzip only");
    let mut totals = [0u64; 2];
    for path in &paths {
        let mut sizes = [0u64; 2];
        for (i, encoding) in encodings.iter().enumerate() {
            let out = Command::new("curl")
                .args(["-s", "-o", "/dev/null", "-w", "%{size_download}"])
                .args(["-H", &format!("Accept-Encoding: {encoding}")])
                .arg(format!("{base}{path}"))
                .output()
                .map_err(|e| format!("curl: {e}"))?;
            sizes[i] = String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .unwrap_or(0);
            totals[i] += sizes[i];
        }
        println!(
            "{path:<40} {:>8} KiB {:>8} KiB",
            sizes[0] / 1024,
            sizes[1] / 1024
        );
    }
    println!(
        "{:<40} {:>8} KiB {:>8} KiB",
        "total",
        totals[0] / 1024,
        totals[1] / 1024
    );
    Ok(())
}

/// The `/pkg/...` addresses a page links (stylesheet, script, wasm).
fn linked_files(html: &str) -> Vec<String> {
    let mut files: Vec<String> = html
        .split("\"/pkg/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|name| format!("/pkg/{name}"))
        .collect();
    files.sort();
    files.dedup();
    files
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

pub fn bench() -> Result {
    let root = repo_root();
    tools::ensure_build_tools(&root)?;
    tools::ensure_apt_program("wrk", "wrk")?;
    let binaries = build::build_all(&root, true)?;
    let binary = binaries.server.clone();

    let cluster = Cluster::start_with(
        &root.join("target/rapport/bench"),
        true,
        "-c shared_preload_libraries=pg_stat_statements",
    )?;
    let outcome = (|| {
        cluster.create_database(DATABASE)?;
        cluster.psql_in(
            DATABASE,
            "CREATE EXTENSION IF NOT EXISTS pg_stat_statements",
        )?;
        let url = cluster.url(DATABASE);
        crate::import_content(&root, &binary, &url)?;
        crate::seed_demo(&binaries, &url)?;
        let port = crate::free_port()?;
        let addr = format!("127.0.0.1:{port}");
        let base = format!("http://{addr}");
        // Without sqlx's slow-statement warnings: at 100k cases they would bury
        // the tables; the case workload prints the slowest statements instead.
        let mut server =
            crate::spawn_server(&root, &binary, &url, &addr, "warn,sqlx::query=error")?;
        let result = (|| {
            crate::wait_until_listening(&addr, &mut server)?;
            let admin = sign_in(&base, "admin@rapport.example")?;
            let customer_admin = sign_in(&base, "olivia@northwind.example")?;
            let agent = sign_in(&base, "agent@rapport.example")?;
            // The demo's invoice numbers depend on the day it was seeded: ask.
            let invoice = cluster.psql_in(
                DATABASE,
                "SELECT '/invoices/' || i.number FROM invoices i
                 JOIN organizations o ON o.id = i.organization_id
                 WHERE o.name = 'Northwind Traders' ORDER BY i.issued_on DESC LIMIT 1",
            )?;
            let pages: [(&str, &str, &str); 19] = [
                ("home, visitor", "/", ""),
                ("sign-in page, visitor", "/sign-in", ""),
                ("dashboard, customer admin", "/dashboard", &customer_admin),
                (
                    "organization, customer admin",
                    "/organization",
                    &customer_admin,
                ),
                ("case list, customer admin", "/cases", &customer_admin),
                (
                    "case page, customer admin",
                    "/cases/C-1001",
                    &customer_admin,
                ),
                ("queue (all open), agent", "/queue?queue=open", &agent),
                ("case page, agent", "/cases/C-1001", &agent),
                ("dashboard, admin", "/dashboard", &admin),
                ("users list, admin", "/admin/users", &admin),
                ("knowledge base home, visitor", "/kb", ""),
                ("article, visitor", "/kb/case-statuses-explained", ""),
                ("search, visitor", "/search?q=priority%20case", ""),
                (
                    "search with a typo, customer",
                    "/search?q=priorty",
                    &customer_admin,
                ),
                ("order list, customer admin", "/orders", &customer_admin),
                (
                    "invoices due, customer admin",
                    "/invoices?status=due",
                    &customer_admin,
                ),
                ("invoice page, customer admin", &invoice, &customer_admin),
                ("delivery list, agent", "/deliveries", &agent),
                (
                    "workshop calendar, customer admin",
                    "/workshops",
                    &customer_admin,
                ),
            ];

            step("SQL statements per page (pg_stat_statements)");
            // Grow to ~10 users and cases (the demo alone has ~50 cases now), measure,
            // then to ~100 of each, measure again.
            let grow = |n: i64| {
                cluster.psql_in(
                    DATABASE,
                    &format!(
                        "INSERT INTO users (email, display_name, role, organization_id, password_hash)
                         SELECT 'bench' || g || '@northwind.example', 'Bench ' || g, 'customer',
                                (SELECT id FROM organizations WHERE name = 'Northwind Traders'),
                                (SELECT password_hash FROM users LIMIT 1)
                         FROM generate_series((SELECT count(*) FROM users) + 1, {n}) g"
                    ),
                )?;
                cluster.psql_in(
                    DATABASE,
                    &format!(
                        "INSERT INTO cases (subject, description, category_id, priority, status, requester_id, organization_id)
                         SELECT 'Bench case ' || g, 'Generated for the benchmark.', 1, 'normal', 'open',
                                (SELECT id FROM users WHERE email = 'olivia@northwind.example'),
                                (SELECT id FROM organizations WHERE name = 'Northwind Traders')
                         FROM generate_series((SELECT count(*) FROM cases) + 1, {n}) g"
                    ),
                )
            };
            grow(10)?;
            let mut counts = Vec::new();
            for (name, path, cookie) in &pages {
                counts.push((name, statements_per_page(&cluster, &base, path, cookie)?));
            }
            grow(100)?;
            println!("{:<32} {:>10} {:>10}", "page", "10 rows", "100 rows");
            for ((name, path, cookie), (_, at_10)) in pages.iter().zip(&counts) {
                let at_100 = statements_per_page(&cluster, &base, path, cookie)?;
                println!("{name:<32} {at_10:>10} {at_100:>10}");
            }

            step("PostgreSQL alone: pgbench -S (read-only, 8 clients, 8 s)");
            cluster.create_database("pgbench")?;
            let pgbench_rate = cluster.pgbench()?;
            println!("pgbench -S: {pgbench_rate:.0} transactions/s");

            step("Pages under load (wrk, 16 connections, 8 s each)");
            println!("{:<32} {:>10} {:>10} {:>10}", "page", "req/s", "p50", "p99");
            for (name, path, cookie) in &pages {
                let load = wrk(&base, path, cookie, 8)?;
                println!(
                    "{name:<32} {:>10.0} {:>10} {:>10}",
                    load.rps, load.p50, load.p99
                );
            }
            println!(
                "server memory after load: {} MiB resident",
                rss_kib(server.id()) / 1024
            );

            step("First page load of the home page, as sent (release bundle)");
            first_load(&base)?;

            cases::workload(&cluster, &base, server.id(), pgbench_rate)
        })();
        let _ = server.kill();
        let _ = server.wait();
        result
    })();
    cluster.stop();
    outcome
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_files_a_page_links() {
        let html = r#"<link rel="stylesheet" href="/pkg/rapport.ab.css"/><link rel="modulepreload" href="/pkg/rapport.cd.js"/><link rel="preload" href="/pkg/rapport.cd_bg.wasm" as="fetch"/><a href="/pkg-list">x</a>"#;
        assert_eq!(
            super::linked_files(html),
            [
                "/pkg/rapport.ab.css",
                "/pkg/rapport.cd.js",
                "/pkg/rapport.cd_bg.wasm"
            ]
        );
    }
}
