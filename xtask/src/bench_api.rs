//! `cargo xtask bench api`: the REST API's case list (issue 17) at 100,000
//! cases.
//!
//! Builds the release server (the API needs no browser bundle), starts a
//! private PostgreSQL with pg_stat_statements, seeds the demo, and generates
//! 100,000 cases with the reports' generator (`bench_reports.rs`: 10,000
//! organizations, two years of cases). Then the server runs with a token
//! rate limit out of the way (`RAPPORT_LIMITS=api_token=100000000/1m`) and
//! `GET /api/v1/cases?limit=50` is loaded from 4 connections (wrk) with an
//! agent's token (every case, and one organization's) and with a customer
//! admin's (the largest organization's own list): requests/s, p50, p99, and
//! the SQL statements of one call (pg_stat_statements, as `cargo xtask
//! bench` counts pages). Figures only: it never fails on a time.
//!
//! `cargo xtask bench api --seed-only <database-url> [--cases N]` only
//! generates the cases, exactly as `bench reports --seed-only` does.

use super::reports;
use super::{statements_per_request, wrk_with, DATABASE};
use crate::postgres::Cluster;
use crate::{build, repo_root, step, tools, Result};
use std::time::Duration;

const CASES: i64 = 100_000;
/// Seconds of load per line, and the connections loading at once.
const SECONDS: u32 = 8;
const CONNECTIONS: u32 = 4;

/// The limits of the server under load: the token's own allowance (600 a
/// minute by default) would measure the limiter, not the list.
const LIMITS: &str = "registration=1000/1h,api_token=100000000/1m";

const HELP: &str = "cargo xtask bench api
cargo xtask bench api --seed-only <database-url> [--cases N]";

/// A token for the person with `email`, written straight into the database
/// (the secret's SHA-256, as `api_tokens::create` stores it); its secret.
fn token(cluster: &Cluster, email: &str, name: &str) -> Result<String> {
    let secret = format!("rpt_bench{name}{}", std::process::id());
    cluster.psql_in(
        DATABASE,
        &format!(
            "INSERT INTO api_tokens (owner_id, organization_id, name, prefix, secret_hash, scopes)
             SELECT u.id, CASE WHEN u.role IN ('customer', 'customer_admin') THEN u.organization_id END,
                    'bench {name}', left('{secret}', 12), encode(sha256('{secret}'::bytea), 'hex'),
                    ARRAY['cases:read']
             FROM users u WHERE u.email = '{email}'
             RETURNING id"
        ),
    )?;
    Ok(secret)
}

/// Load the list and count its statements, one line per (who, path).
fn measure(cluster: &Cluster, base: &str) -> Result {
    let agent = token(cluster, "agent@rapport.example", "agent")?;
    // The customer admin of the organization with the most cases.
    let (admin_email, organization) = cluster
        .psql_in(
            DATABASE,
            "SELECT u.email || ' ' || u.organization_id FROM users u
             WHERE u.role = 'customer_admin' AND u.organization_id = (
                 SELECT organization_id FROM cases GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)
             ORDER BY u.id LIMIT 1",
        )?
        .split_once(' ')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .ok_or("no customer admin of the largest organization")?;
    let customer_admin = token(cluster, &admin_email, "admin")?;
    let in_organization: String = cluster.psql_in(
        DATABASE,
        &format!("SELECT count(*) FROM cases WHERE organization_id = {organization}"),
    )?;
    let one_organization = format!("/api/v1/cases?limit=50&organization={organization}");
    let lines = [
        ("agent, every case", "/api/v1/cases?limit=50", &agent),
        ("agent, one organization", one_organization.as_str(), &agent),
        (
            "agent, open queue",
            "/api/v1/cases?limit=50&queue=open",
            &agent,
        ),
        (
            "customer admin, own organization",
            "/api/v1/cases?limit=50",
            &customer_admin,
        ),
    ];
    println!(
        "(the largest organization has {in_organization} cases; {CONNECTIONS} connections, {SECONDS} s each)"
    );
    println!(
        "{:<36} {:>9} {:>8} {:>8} {:>6}",
        "GET /api/v1/cases?limit=50", "req/s", "p50", "p99", "SQL"
    );
    for (name, path, secret) in lines {
        let header = format!("Authorization: Bearer {secret}");
        let statements = statements_per_request(cluster, base, path, &header)?;
        let load = wrk_with(base, path, &header, SECONDS, CONNECTIONS)?;
        println!(
            "{name:<36} {:>9.0} {:>8} {:>8} {:>6}",
            load.rps, load.p50, load.p99, statements
        );
    }
    println!("(SQL: statements of one call, the token's check included)");
    Ok(())
}

pub fn bench(args: &[String]) -> Result {
    if args.first().map(String::as_str) == Some("--seed-only") {
        return reports::bench(args);
    }
    if let Some(other) = args.first() {
        return Err(format!("unknown argument {other:?}\n\n{HELP}"));
    }
    let root = repo_root();
    tools::ensure_apt_program("wrk", "wrk")?;
    let binaries = build::build_binaries(&root, true)?;
    let cluster = Cluster::start_with(
        &root.join("target/rapport/bench-api"),
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
        crate::import_content(&root, &binaries.server, &url)?;
        crate::seed_demo(&binaries, &url)?;
        step(&format!("API: generating {CASES} cases"));
        reports::generate(&cluster, CASES)?;
        step(&format!("The API's case list at {CASES} cases"));
        let addr = format!("127.0.0.1:{}", crate::free_port()?);
        let base = format!("http://{addr}");
        let mut server = crate::test_server(
            &root,
            &binaries.server,
            &url,
            &addr,
            "warn,sqlx::query=error",
        )
        .env("RAPPORT_LIMITS", LIMITS)
        .spawn()
        .map_err(|e| format!("could not start the server: {e}"))?;
        let result = crate::wait_until_listening(&addr, &mut server).and_then(|()| {
            // Let the start-up jobs (metrics and backlog catch-up) finish.
            std::thread::sleep(Duration::from_secs(3));
            measure(&cluster, &base)
        });
        let _ = server.kill();
        let _ = server.wait();
        result
    })();
    cluster.stop();
    outcome
}
