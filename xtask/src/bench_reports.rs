//! `cargo xtask bench reports`: the figures of issue 16 (reports, service
//! report, account health) on a support desk two years in.
//!
//! Builds the release server, starts a private PostgreSQL with
//! pg_stat_statements, seeds the demo, then generates 100,000 cases (and with
//! `--million` a second round at 1,000,000) in set-based SQL, timed per table:
//! 10,000 organizations with two customers each, 50 agents, the cases over two
//! years with a realistic status mix, their `case_metrics` row (the table's
//! contract in migrations/0016), ratings on about 30 % of the solved cases,
//! the backlog of every day, and an order and an invoice per organization
//! (some overdue) for the health signals.
//!
//! The data is written before the server starts, so the server's own
//! catch-up jobs (metrics of unmeasured cases, the backlog of days not
//! written) find nothing to do, and every size gets a fresh server process:
//! its peak memory (`VmHWM`) is the report's alone.
//!
//! Then, over HTTP on the real server, as an admin:
//! - `/reports` (30 days, and 90 days filtered): p50/p95 of 20 requests one
//!   at a time, and SQL statements per page (pg_stat_statements, as `cargo
//!   xtask bench` counts them);
//! - `/reports/cases.csv` for 30 days and for a year (the longest period,
//!   three quarters of the cases): time to the first byte, total time,
//!   rows/s, and how far the server's resident memory rose above where it
//!   was (the peak is reset through `/proc/<pid>/clear_refs` before the
//!   download and read from `VmHWM` after it);
//! - `/reports/health` (10,000 organizations): p50/p95 and statements.
//!
//! A route that answers 404 is printed as "not built yet". Figures only: it
//! never fails on a time.
//!
//! `cargo xtask bench reports --seed-only <database-url> [--cases N]` only
//! generates the data into an existing, migrated database with at least one
//! user (the demo's, say), for a look at the pages with a lot of data or to
//! time the generator.

use super::{sign_in, statements_per_page, DATABASE};
use crate::postgres::Cluster;
use crate::{build, repo_root, step, tools, Result};
use std::process::Command;
use std::time::{Duration, Instant};

/// Organizations, customers per organization, agents.
const ORGANIZATIONS: i64 = 10_000;
const CUSTOMERS_PER_ORGANIZATION: i64 = 2;
const AGENTS: i64 = 50;

/// Requests per latency figure (after two unmeasured ones).
const REQUESTS: usize = 20;

/// The lock of the backlog job (`reports::backlog`), taken while the
/// generator writes the backlog, so a running job never writes a day twice.
const BACKLOG_LOCK: i64 = 0x7261_7070_6f72_7401;

/// Runs SQL somewhere: the private cluster, or a database given by URL.
pub(super) trait Sql {
    fn run(&self, sql: &str) -> Result<String>;
}

impl Sql for Cluster {
    fn run(&self, sql: &str) -> Result<String> {
        self.psql_in(DATABASE, sql)
    }
}

/// A database given by its URL, reached with the `psql` on the PATH.
struct Url(String);

impl Sql for Url {
    fn run(&self, sql: &str) -> Result<String> {
        let out = Command::new("psql")
            .args([self.0.as_str(), "-v", "ON_ERROR_STOP=1", "-tAc", sql])
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
}

/// Run `sql`, print how long it took beside `what`.
fn timed(db: &dyn Sql, what: &str, sql: &str) -> Result<String> {
    let started = Instant::now();
    let out = db.run(sql)?;
    println!("  {what:<44} {:>8.1} s", started.elapsed().as_secs_f64());
    Ok(out)
}

/// Generate the desk: organizations, customers and agents once, then cases
/// until there are `total` generated ones (so 100k then 1M adds 900k).
pub(super) fn generate(db: &dyn Sql, total: i64) -> Result {
    let started = Instant::now();
    let existing: i64 = db
        .run("SELECT count(*) FROM cases WHERE subject LIKE 'Report bench:%'")?
        .parse()
        .map_err(|e| format!("counting the generated cases: {e}"))?;
    let add = total - existing;
    if add <= 0 {
        return Ok(());
    }
    timed(db, "organizations, customers, agents", &people_sql())?;
    let after_id = db.run("SELECT coalesce(max(id), 0) FROM cases")?;
    // A fixed seed in the same statement: every run gets the same data.
    timed(
        db,
        &format!("{add} cases"),
        &format!("SELECT setseed(0.16); {}", cases_sql(add)),
    )?;
    timed(db, "case_metrics", &metrics_sql(&after_id))?;
    timed(db, "case_ratings", &ratings_sql(&after_id))?;
    timed(db, "orders and invoices", &orders_sql())?;
    timed(db, "backlog_snapshots (every day)", &backlog_sql())?;
    timed(db, "VACUUM ANALYZE", "VACUUM (ANALYZE)")?;
    println!(
        "  {:<44} {:>8.1} s",
        "generated in",
        started.elapsed().as_secs_f64()
    );
    println!("  {}", describe(db)?);
    Ok(())
}

/// 10,000 organizations with two customers each (some signed in lately, for
/// the health signals), and 50 agents. Idempotent.
fn people_sql() -> String {
    format!(
        "INSERT INTO organizations (name, created_at)
         SELECT 'Bench Organization ' || g, now() - interval '3 years'
         FROM generate_series(1, {ORGANIZATIONS}) g
         ON CONFLICT DO NOTHING;
         INSERT INTO users (email, display_name, role, organization_id, password_hash, last_sign_in_at)
         SELECT 'customer' || c || '@bench-org-' || o.id || '.example', 'Customer ' || c || ' of ' || o.name,
                CASE WHEN c = 1 THEN 'customer_admin' ELSE 'customer' END, o.id,
                (SELECT password_hash FROM users ORDER BY id LIMIT 1),
                CASE WHEN (o.id + c) % 4 <> 0 THEN now() - ((o.id * 7 + c) % 120) * interval '1 day' END
         FROM organizations o, generate_series(1, {CUSTOMERS_PER_ORGANIZATION}) c
         WHERE o.name LIKE 'Bench Organization %'
         ON CONFLICT DO NOTHING;
         INSERT INTO users (email, display_name, role, password_hash)
         SELECT 'bench-agent' || g || '@rapport.example', 'Agent ' || g, 'agent',
                (SELECT password_hash FROM users ORDER BY id LIMIT 1)
         FROM generate_series(1, {AGENTS}) g
         ON CONFLICT DO NOTHING"
    )
}

/// `add` cases, created evenly over two years (a little more lately). Each
/// row draws its random numbers once; the rest derives from them:
/// - the organization skewed (a few big customers, a long tail): the square
///   of a uniform draw over the 10,000; a requester of that organization;
/// - status by age: under 14 days a third active (new, open, pending, on
///   hold), 14–90 days 3 %, older 0.3 % (a backlog of about a week's
///   intake); priority 20/55/20/5 % low/normal/high/urgent; channel 55 %
///   portal, 35 % e-mail, 7 % phone, 3 % agent;
/// - an agent on every case that is not new, skewed over the 50 (some agents
///   take more); the first response within minutes to two days; solved
///   within hours to ten days;
/// - SLA due times from `sla_policies`, as business minutes stretched to the
///   wall clock (40 of the week's 168 hours are open: × 4.2).
fn cases_sql(add: i64) -> String {
    format!(
        "WITH orgs AS (
            SELECT row_number() OVER (ORDER BY id) AS k, id FROM organizations
            WHERE name LIKE 'Bench Organization %'
        ),
        people AS (
            SELECT organization_id, array_agg(id ORDER BY id) AS ids FROM users
            WHERE email LIKE '%@bench-org-%' GROUP BY organization_id
        ),
        agents AS (
            SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE email LIKE 'bench-agent%'
        ),
        categories AS (SELECT array_agg(id ORDER BY id) AS ids FROM case_categories),
        draws AS (
            SELECT g, random() AS r_org, random() AS r_person, random() AS r_age,
                   random() AS r_status, random() AS r_priority, random() AS r_agent,
                   random() AS r_response, random() AS r_solve, random() AS r_channel,
                   random() AS r_category
            FROM generate_series(1, {add}) g
        ),
        shaped AS (
            SELECT d.*,
                   -- sqrt: more cases lately (the desk grows).
                   now() - (1 - sqrt(r_age)) * interval '730 days' AS created_at,
                   CASE WHEN r_priority < 0.20 THEN 'low' WHEN r_priority < 0.75 THEN 'normal'
                        WHEN r_priority < 0.95 THEN 'high' ELSE 'urgent' END AS priority,
                   CASE WHEN r_channel < 0.55 THEN 'portal' WHEN r_channel < 0.90 THEN 'email'
                        WHEN r_channel < 0.97 THEN 'phone' ELSE 'agent' END AS channel
            FROM draws d
        ),
        statused AS (
            SELECT s.*,
                   CASE
                       WHEN now() - created_at < interval '14 days' THEN
                           CASE WHEN r_status < 0.06 THEN 'new' WHEN r_status < 0.24 THEN 'open'
                                WHEN r_status < 0.32 THEN 'pending' WHEN r_status < 0.35 THEN 'on_hold'
                                WHEN r_status < 0.70 THEN 'solved' ELSE 'closed' END
                       WHEN now() - created_at < interval '90 days' THEN
                           CASE WHEN r_status < 0.015 THEN 'open' WHEN r_status < 0.025 THEN 'pending'
                                WHEN r_status < 0.03 THEN 'on_hold' WHEN r_status < 0.05 THEN 'solved'
                                ELSE 'closed' END
                       ELSE
                           CASE WHEN r_status < 0.002 THEN 'open' WHEN r_status < 0.003 THEN 'on_hold'
                                ELSE 'closed' END
                   END AS status
            FROM shaped s
        ),
        timed AS (
            SELECT x.*,
                   CASE WHEN status <> 'new' THEN
                       least(now(), created_at + r_response * r_response * interval '2 days')
                   END AS first_response_at,
                   CASE WHEN status IN ('solved', 'closed') THEN
                       least(now(), created_at + interval '20 minutes'
                                    + r_solve * r_solve * interval '10 days')
                   END AS solved_at
            FROM statused x
        )
        INSERT INTO cases (subject, description, category_id, priority, status, channel,
                           requester_id, organization_id, assignee_id, last_speaker,
                           created_at, updated_at, first_response_at, solved_at, closed_at,
                           first_response_due_at, resolution_due_at, sla_paused_at)
        SELECT 'Report bench: case ' || x.g, 'Generated for the reports benchmark.',
               c.ids[1 + floor(x.r_category * cardinality(c.ids))::int],
               x.priority, x.status, x.channel,
               p.ids[1 + floor(x.r_person * cardinality(p.ids))::int], o.id,
               CASE WHEN x.status <> 'new' THEN
                   a.ids[1 + floor(x.r_agent * x.r_agent * cardinality(a.ids))::int] END,
               CASE WHEN x.status IN ('pending', 'solved', 'closed') THEN 'agent'
                    WHEN x.status = 'new' OR x.r_response < 0.5 THEN 'customer' ELSE 'agent' END,
               x.created_at,
               coalesce(x.solved_at, x.first_response_at, x.created_at),
               x.first_response_at,
               x.solved_at,
               CASE WHEN x.status = 'closed' THEN least(now(), x.solved_at + interval '7 days') END,
               x.created_at + make_interval(mins => sla.first_response_minutes) * 4.2,
               x.created_at + make_interval(mins => sla.resolution_minutes) * 4.2,
               CASE WHEN x.status = 'pending' THEN coalesce(x.first_response_at, x.created_at) END
        FROM timed x
        JOIN orgs o ON o.k = 1 + floor(x.r_org * x.r_org * (SELECT count(*) FROM orgs))::int
        JOIN people p ON p.organization_id = o.id
        CROSS JOIN agents a
        CROSS JOIN categories c
        JOIN sla_policies sla ON sla.priority = x.priority
        ORDER BY x.created_at"
    )
}

/// A `case_metrics` row per generated case, from the case's own columns:
/// calendar durations from the timestamps, business durations as the open
/// share of the week (40 of 168 hours), one case in ten reopened once (its
/// first resolution earlier than its final one), a quarter of the solved ones
/// with time waiting for the customer, and the SLA flags from the due times
/// (None while an answer is still to come and not yet late).
fn metrics_sql(after_id: &str) -> String {
    format!(
        "INSERT INTO case_metrics (case_id, first_response_at, first_resolution_at,
             final_resolution_at, reopens, customer_replies, agent_replies, agents_touched,
             solved_by, first_response_seconds, first_response_business_seconds,
             first_resolution_seconds, first_resolution_business_seconds,
             final_resolution_seconds, final_resolution_business_seconds,
             pending_business_seconds, first_response_met, resolution_met, computed_at)
         SELECT c.id, c.first_response_at, r.first_resolution_at, c.solved_at, r.reopens,
                1 + c.id % 3, CASE WHEN c.first_response_at IS NULL THEN 0 ELSE 1 + c.id % 4 END,
                CASE WHEN c.assignee_id IS NULL THEN '{{}}'::bigint[]
                     WHEN c.id % 5 = 0 THEN ARRAY[c.assignee_id, (SELECT min(id) FROM users WHERE email LIKE 'bench-agent%')]
                     ELSE ARRAY[c.assignee_id] END,
                CASE WHEN c.solved_at IS NOT NULL THEN c.assignee_id END,
                s.response, (s.response * 0.24)::bigint,
                extract(epoch FROM r.first_resolution_at - c.created_at)::bigint,
                (extract(epoch FROM r.first_resolution_at - c.created_at) * 0.24)::bigint,
                s.resolution, (s.resolution * 0.24 * (1 - r.pending_share))::bigint,
                (coalesce(s.resolution, 0) * 0.24 * r.pending_share)::bigint,
                CASE WHEN c.first_response_at IS NOT NULL THEN c.first_response_at <= c.first_response_due_at
                     WHEN c.first_response_due_at < now() THEN false END,
                CASE WHEN c.solved_at IS NOT NULL THEN c.solved_at <= c.resolution_due_at
                     WHEN c.resolution_due_at < now() THEN false END,
                now()
         FROM cases c
         CROSS JOIN LATERAL (SELECT
                extract(epoch FROM c.first_response_at - c.created_at)::bigint AS response,
                extract(epoch FROM c.solved_at - c.created_at)::bigint AS resolution) s
         CROSS JOIN LATERAL (SELECT
                CASE WHEN c.solved_at IS NOT NULL AND c.id % 10 = 0 THEN 1 ELSE 0 END AS reopens,
                CASE WHEN c.solved_at IS NULL THEN NULL
                     WHEN c.id % 10 = 0 THEN c.created_at + (c.solved_at - c.created_at) * 0.4
                     ELSE c.solved_at END AS first_resolution_at,
                CASE WHEN c.id % 4 = 0 THEN 0.3 ELSE 0 END AS pending_share) r
         WHERE c.id > {after_id}
         ON CONFLICT (case_id) DO NOTHING"
    )
}

/// A rating on about 30 % of the solved and closed cases, mostly good, a
/// few with a comment, the day after solving.
fn ratings_sql(after_id: &str) -> String {
    format!(
        "INSERT INTO case_ratings (case_id, score, comment, rated_at)
         SELECT id, (ARRAY[5, 5, 4, 5, 3, 4, 5, 2, 5, 1])[1 + (id / 3) % 10],
                CASE WHEN id % 7 = 0 THEN 'Quick and friendly, thank you.'
                     WHEN id % 11 = 0 THEN 'It took too long to get an answer.' ELSE '' END,
                least(now(), solved_at + interval '1 day')
         FROM cases
         WHERE id > {after_id} AND status IN ('solved', 'closed') AND id % 10 < 3
         ON CONFLICT (case_id) DO NOTHING"
    )
}

/// An order and its invoice per generated organization, every one of them
/// the first time only: a fifth of the invoices open (ordered up to 300
/// days ago, due after 30, so about 18 % of all overdue), the rest paid.
fn orders_sql() -> String {
    "INSERT INTO orders (number, organization_id, status, ordered_on, currency, total_minor)
     SELECT 'RB-' || o.id, o.id, 'completed', current_date - (o.id % 300)::int, 'EUR',
            10000 + (o.id * 7919) % 500000
     FROM organizations o
     WHERE o.name LIKE 'Bench Organization %'
     ON CONFLICT (number) DO NOTHING;
     INSERT INTO invoices (number, order_id, organization_id, issued_on, due_on, currency,
                           status, paid_on, subtotal_minor, tax_total_minor, total_minor)
     SELECT 'RB-I-' || r.id, r.id, r.organization_id, r.ordered_on, r.ordered_on + 30, 'EUR',
            CASE WHEN r.organization_id % 10 IN (0, 1) THEN 'open' ELSE 'paid' END,
            CASE WHEN r.organization_id % 10 IN (0, 1) THEN NULL ELSE r.ordered_on + 20 END,
            r.total_minor, r.total_minor / 5, r.total_minor + r.total_minor / 5
     FROM orders r
     WHERE r.number LIKE 'RB-%' AND r.number NOT LIKE 'RB-I-%'
       AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.order_id = r.id)"
        .to_string()
}

/// The backlog at the end of every day, in the business calendar's time
/// zone, from the first case to yesterday: a case counts on each day from its
/// creation until the day before it was solved. The generator keeps no
/// status history, so a case counts under its present status while it is
/// still waiting and as open on the days before it was solved. Written
/// whole (replacing what the job may have written from the demo alone),
/// under the job's lock.
fn backlog_sql() -> String {
    format!(
        "BEGIN;
         SELECT pg_advisory_xact_lock({BACKLOG_LOCK});
         DELETE FROM backlog_snapshots;
         DELETE FROM backlog_snapshot_days;
         CREATE TEMP TABLE zone ON COMMIT DROP AS
             SELECT time_zone AS name,
                    (now() AT TIME ZONE time_zone)::date - 1 AS yesterday
             FROM business_calendars ORDER BY id LIMIT 1;
         INSERT INTO backlog_snapshots (day, status, priority, category_id, organization_id,
                                        assignee_id, cases)
         SELECT d::date,
                CASE WHEN c.status IN ('new', 'open', 'pending', 'on_hold') THEN c.status ELSE 'open' END,
                c.priority, c.category_id, c.organization_id, coalesce(c.assignee_id, 0), count(*)
         FROM cases c, zone z,
              generate_series((c.created_at AT TIME ZONE z.name)::date,
                              least(z.yesterday,
                                    coalesce((c.solved_at AT TIME ZONE z.name)::date - 1, z.yesterday)),
                              interval '1 day') d
         WHERE c.merged_into_id IS NULL
         GROUP BY 1, 2, 3, 4, 5, 6;
         INSERT INTO backlog_snapshot_days (day)
         SELECT generate_series(
             (SELECT min(c.created_at AT TIME ZONE z.name)::date FROM cases c, zone z),
             (SELECT yesterday FROM zone), interval '1 day')::date;
         COMMIT;"
    )
}

/// One line on what was generated.
fn describe(db: &dyn Sql) -> Result<String> {
    db.run(
        "SELECT format('%s cases (%s active, %s solved, %s closed; %s e-mail), %s organizations, '
                       '%s metrics rows, %s ratings, %s backlog rows over %s days, %s overdue invoices',
                       count(*), count(*) FILTER (WHERE status IN ('new', 'open', 'pending', 'on_hold')),
                       count(*) FILTER (WHERE status = 'solved'), count(*) FILTER (WHERE status = 'closed'),
                       count(*) FILTER (WHERE channel = 'email'),
                       (SELECT count(*) FROM organizations), (SELECT count(*) FROM case_metrics),
                       (SELECT count(*) FROM case_ratings), (SELECT count(*) FROM backlog_snapshots),
                       (SELECT count(*) FROM backlog_snapshot_days),
                       (SELECT count(*) FROM invoices WHERE status = 'open' AND due_on < current_date))
         FROM cases",
    )
}

/// What a GET answered: status, seconds to the first byte, seconds in all,
/// bytes, and the body's lines when it was kept.
struct Fetched {
    status: String,
    first_byte: f64,
    total: f64,
    bytes: u64,
    lines: u64,
}

/// GET `path` with curl; the body is counted in lines, not kept.
fn fetch(base: &str, path: &str, cookie: &str, count_lines: bool) -> Result<Fetched> {
    let body = std::env::temp_dir().join(format!("rapport-bench-reports-{}", std::process::id()));
    let out = Command::new("curl")
        .args(["-s", "-o"])
        .arg(&body)
        .args([
            "-w",
            "%{http_code} %{time_starttransfer} %{time_total} %{size_download}",
            "-H",
        ])
        .arg(format!("Cookie: {cookie}"))
        .arg(format!("{base}{path}"))
        .output()
        .map_err(|e| format!("curl: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let fields: Vec<&str> = text.split_whitespace().collect();
    let number = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let lines = if count_lines {
        std::fs::read(&body)
            .map(|b| b.iter().filter(|&&c| c == b'\n').count() as u64)
            .unwrap_or(0)
    } else {
        0
    };
    let _ = std::fs::remove_file(&body);
    Ok(Fetched {
        status: fields.first().unwrap_or(&"?").to_string(),
        first_byte: number(1),
        total: number(2),
        bytes: number(3) as u64,
        lines,
    })
}

/// The `q`-quantile of sorted seconds, in milliseconds (nearest rank).
fn quantile_ms(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] * 1000.0
}

/// A line of the page table: p50 and p95 of `REQUESTS` requests one at a
/// time, and the statements per request; or why there are none.
fn page_line(cluster: &Cluster, base: &str, name: &str, path: &str, cookie: &str) -> Result {
    let first = fetch(base, path, cookie, false)?;
    if first.status == "404" {
        println!("{name:<36} not built yet (404)");
        return Ok(());
    }
    if first.status != "200" {
        println!("{name:<36} answered {} (see the server log)", first.status);
        return Ok(());
    }
    fetch(base, path, cookie, false)?;
    let mut times = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        times.push(fetch(base, path, cookie, false)?.total);
    }
    times.sort_by(f64::total_cmp);
    let statements = statements_per_page(cluster, base, path, cookie)?;
    println!(
        "{name:<36} {:>8.0} {:>8.0} {:>6} {:>9}",
        quantile_ms(&times, 0.5),
        quantile_ms(&times, 0.95),
        statements,
        first.bytes / 1024
    );
    Ok(())
}

/// `VmRSS` or `VmHWM` of a process, in KiB.
fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// A CSV download: first byte, total, rows/s, and the server's memory: its
/// resident size before, and the peak during the download (the kernel's
/// high-water mark, reset just before by writing 5 to `clear_refs`).
fn csv_line(base: &str, name: &str, path: &str, cookie: &str, pid: u32) -> Result {
    let before = status_kib(pid, "VmRSS:");
    let reset = std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok();
    let got = fetch(base, path, cookie, true)?;
    if got.status == "404" {
        println!("{name:<36} not built yet (404)");
        return Ok(());
    }
    if got.status != "200" {
        println!("{name:<36} answered {} (see the server log)", got.status);
        return Ok(());
    }
    let peak = status_kib(pid, "VmHWM:");
    let rows = got.lines.saturating_sub(1);
    let growth = if reset {
        format!("{:+.1}", (peak as f64 - before as f64) / 1024.0)
    } else {
        "?".to_string()
    };
    println!(
        "{name:<36} {rows:>9} {:>8.0} {:>8.2} {:>9.0} {:>8.1} {:>8.1} {growth:>8}",
        got.first_byte * 1000.0,
        got.total,
        rows as f64 / got.total.max(1e-6),
        got.bytes as f64 / 1_048_576.0,
        before as f64 / 1024.0,
    );
    Ok(())
}

/// Measure the report routes of a running server.
fn measure(cluster: &Cluster, base: &str, pid: u32) -> Result {
    let admin = sign_in(base, "admin@rapport.example")?;
    println!(
        "{:<36} {:>8} {:>8} {:>6} {:>9}",
        format!("page ({REQUESTS} requests, one at a time)"),
        "p50 ms",
        "p95 ms",
        "SQL",
        "KiB"
    );
    let pages = [
        ("/reports, 30 days", "/reports"),
        (
            "/reports, 90 days, high priority",
            "/reports?period=90&priority=high",
        ),
        (
            "/reports, 90 days, e-mail, compared",
            "/reports?period=90&channel=email&compare=1",
        ),
        ("/reports/health (10k organizations)", "/reports/health"),
    ];
    for (name, path) in pages {
        page_line(cluster, base, name, path, &admin)?;
    }
    println!();
    let from = cluster.psql_in(
        DATABASE,
        // The longest period a report takes (366 days): three quarters of
        // the generated cases.
        "SELECT to_char(current_date - 365, 'YYYY-MM-DD') || ' ' || to_char(current_date, 'YYYY-MM-DD')",
    )?;
    let (from, to) = from.split_once(' ').unwrap_or(("", ""));
    println!(
        "{:<36} {:>9} {:>8} {:>8} {:>9} {:>8} {:>8} {:>8}",
        "CSV export", "rows", "TTFB ms", "total s", "rows/s", "MiB", "RSS MiB", "peak +"
    );
    let exports = [
        (
            "cases.csv, 30 days".to_string(),
            "/reports/cases.csv".to_string(),
        ),
        (
            "cases.csv, a year".to_string(),
            format!("/reports/cases.csv?period=custom&from={from}&to={to}"),
        ),
    ];
    for (name, path) in &exports {
        csv_line(base, name, path, &admin, pid)?;
    }
    println!(
        "server: {:.0} MiB resident now, {:.0} MiB at most since the last reset",
        status_kib(pid, "VmRSS:") as f64 / 1024.0,
        status_kib(pid, "VmHWM:") as f64 / 1024.0
    );
    Ok(())
}

const HELP: &str = "cargo xtask bench reports [--million]
cargo xtask bench reports --seed-only <database-url> [--cases N]";

pub fn bench(args: &[String]) -> Result {
    if let Some(i) = args.iter().position(|a| a == "--seed-only") {
        let url = args
            .get(i + 1)
            .ok_or_else(|| format!("--seed-only needs a database URL\n\n{HELP}"))?;
        let cases = match args.iter().position(|a| a == "--cases") {
            Some(j) => args
                .get(j + 1)
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("--cases needs a number\n\n{HELP}"))?,
            None => 100_000,
        };
        step(&format!("Generating {cases} cases into {url}"));
        return generate(&Url(url.clone()), cases);
    }
    if let Some(other) = args.iter().find(|a| *a != "--million") {
        return Err(format!("unknown argument {other:?}\n\n{HELP}"));
    }
    let sizes: &[i64] = if args.iter().any(|a| a == "--million") {
        &[100_000, 1_000_000]
    } else {
        &[100_000]
    };

    let root = repo_root();
    tools::ensure_build_tools(&root)?;
    let binaries = build::build_all(&root, true)?;
    let cluster = Cluster::start_with(
        &root.join("target/rapport/bench-reports"),
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
        for &total in sizes {
            step(&format!("Reports: generating {total} cases"));
            generate(&cluster, total)?;
            step(&format!("Reports at {total} cases"));
            let port = crate::free_port()?;
            let addr = format!("127.0.0.1:{port}");
            let base = format!("http://{addr}");
            // A fresh process per size: its memory is this size's alone.
            let mut server = crate::spawn_server(
                &root,
                &binaries.server,
                &url,
                &addr,
                "warn,sqlx::query=error",
            )?;
            let result = crate::wait_until_listening(&addr, &mut server).and_then(|()| {
                // Let the start-up jobs (metrics and backlog catch-up) finish.
                std::thread::sleep(Duration::from_secs(3));
                measure(&cluster, &base, server.id())
            });
            let _ = server.kill();
            let _ = server.wait();
            result?;
        }
        Ok(())
    })();
    cluster.stop();
    outcome
}

#[cfg(test)]
mod tests {
    use super::quantile_ms;

    #[test]
    fn quantiles_take_the_nearest_rank() {
        let times: Vec<f64> = (1..=20).map(|i| f64::from(i) / 1000.0).collect();
        assert_eq!(quantile_ms(&times, 0.5), 10.0);
        assert_eq!(quantile_ms(&times, 0.95), 19.0);
        assert_eq!(quantile_ms(&[0.004], 0.95), 4.0);
        assert_eq!(quantile_ms(&[], 0.5), 0.0);
    }
}
