//! The case workload of `cargo xtask bench`: 10,000 and then 100,000 cases,
//! generated in SQL, and the pages agents and customers use most, measured at
//! both sizes (SQL statements per page, requests/s, p50, p99).
//!
//! The data is generated with `generate_series` in a few big statements (seconds,
//! not minutes) and shaped like a support desk two years in: most cases closed,
//! a few percent active, every status and priority, about half assigned, SLA
//! deadlines with some of them passed, tags, and a short thread on every case.

use super::{sign_in, statements_per_page, wrk, Statements, DATABASE};
use crate::postgres::Cluster;
use crate::{step, Result};
use std::process::Command;
use std::time::Instant;

/// The two sizes measured, in cases.
const SIZES: [i64; 2] = [10_000, 100_000];

/// Seconds of load per page: short, so the whole bench stays under ~15 minutes.
const WRK_SECONDS: u32 = 5;

/// Customers added to every organization, so cases spread over many requesters.
const CUSTOMERS_PER_ORGANIZATION: i64 = 30;

/// Grow the `cases` table to `total` cases (with their threads, tags and
/// ratings), then refresh the planner's statistics.
fn seed_cases(cluster: &Cluster, total: i64) -> Result {
    let number = |sql: &str| -> Result<i64> {
        cluster
            .psql_in(DATABASE, sql)?
            .parse()
            .map_err(|e| format!("reading {sql:?}: {e}"))
    };
    let after_id = number("SELECT coalesce(max(id), 0) FROM cases")?;
    let add = total - number("SELECT count(*) FROM cases")?;
    if add <= 0 {
        return Ok(());
    }
    // More customers per organization (idempotent: the e-mail addresses are unique).
    cluster.psql_in(
        DATABASE,
        &format!(
            "INSERT INTO users (email, display_name, role, organization_id, password_hash)
             SELECT 'customer' || g || '@' || lower(split_part(o.name, ' ', 1)) || '.example',
                    'Customer ' || g || ' ' || split_part(o.name, ' ', 1), 'customer', o.id,
                    (SELECT password_hash FROM users ORDER BY id LIMIT 1)
             FROM organizations o, generate_series(1, {CUSTOMERS_PER_ORGANIZATION}) g
             ON CONFLICT DO NOTHING"
        ),
    )?;
    // A fixed seed in the same session as the INSERT: every run gets the same data.
    cluster.psql_in(
        DATABASE,
        &format!("SELECT setseed(0.23); {}", cases_sql(add)),
    )?;
    cluster.psql_in(DATABASE, &messages_sql(after_id))?;
    cluster.psql_in(DATABASE, &tags_sql(after_id))?;
    cluster.psql_in(DATABASE, &ratings_sql(after_id))?;
    // A database that grew over two years has been vacuumed and analysed by
    // autovacuum; do it now so plans and index-only scans are the real ones.
    cluster.psql_in(DATABASE, "VACUUM (ANALYZE)")?;
    Ok(())
}

/// `add` new cases. Each row draws its random numbers once (`draws`, not
/// inlined because random() is volatile), and everything else derives from them:
/// - organization evenly, then one of its customers (the requester always
///   belongs to the case's organization), a topic (subject, category, text);
/// - age evenly over two years; the status depends on the age: under 14 days
///   many are active, 14-90 days some, older ones nearly all closed (about 5 %
///   active overall, 1 % solved, 92 % closed);
/// - priority 20 % low, 55 % normal, 20 % high, 5 % urgent;
/// - half of the non-new cases assigned (35 % agent, 15 % admin);
/// - SLA due times from `sla_policies`: the targets are business minutes (40 of
///   the week's 168 hours are open), so about 4.2 times as long on the wall
///   clock; an active case's resolution clock runs from its last activity, so
///   about a third of the active cases breach, not all of the old ones.
fn cases_sql(add: i64) -> String {
    format!(
        "WITH people AS (
            SELECT row_number() OVER (ORDER BY organization_id) AS k, organization_id,
                   array_agg(id ORDER BY id) AS ids
            FROM users WHERE role IN ('customer', 'customer_admin') AND NOT disabled
            GROUP BY organization_id
        ),
        topics (t, subject, category, description) AS (VALUES
            (1, 'Printer offline after the firmware update', 'Technical problem',
             'Since the update last night the label printer in the warehouse shows as offline. Restarting it did not help.'),
            (2, 'Invoice shows the wrong VAT rate', 'Invoices and payment',
             'Our last invoice charges 20% VAT, but we are registered abroad and should be reverse-charged.'),
            (3, 'Cannot sign in after the password reset', 'Account and access',
             'I reset my password this morning and the new one is refused. Caps lock is off.'),
            (4, 'Delivery of our order is late', 'Orders and delivery',
             'The order we placed two weeks ago has not arrived. The tracking page has not changed for days.'),
            (5, 'How do I add a colleague to our account?', 'Getting started',
             'A new colleague starts on Monday and should see our cases. How do I invite her?'),
            (6, 'Label printer prints blank pages', 'Technical problem',
             'Every second label comes out blank. We changed the roll and cleaned the head.'),
            (7, 'Duplicate charge on the last invoice', 'Invoices and payment',
             'Our card was charged twice for the same invoice. Please refund one of the payments.'),
            (8, 'Export to CSV times out', 'Technical problem',
             'Exporting the monthly report ends with an error after a minute. It has about 40,000 rows.'),
            (9, 'Wrong item in the shipment', 'Orders and delivery',
             'We ordered the blue model and received the grey one. How do we send it back?'),
            (10, 'Two-factor codes are not accepted', 'Account and access',
             'The codes from the authenticator app are refused every time, although the phone clock is right.'),
            (11, 'Question about the training workshop', 'Other',
             'Is the advanced workshop in March held in English, and is lunch included?'),
            (12, 'Scanner drivers for the new laptops', 'Technical problem',
             'Our new laptops do not find the document scanner. Which driver do we need?')
        ),
        draws AS (
            SELECT g, random() AS r_org, random() AS r_person, random() AS r_topic,
                   random() AS r_age, random() AS r_status, random() AS r_priority,
                   random() AS r_assign, random() AS r_when, random() AS r_reply
            FROM generate_series(1, {add}) g
        ),
        aged AS (
            SELECT d.*, now() - r_age * interval '730 days' AS created_at,
                   1 + floor(r_topic * 12)::int AS t,
                   CASE WHEN r_priority < 0.20 THEN 'low' WHEN r_priority < 0.75 THEN 'normal'
                        WHEN r_priority < 0.95 THEN 'high' ELSE 'urgent' END AS priority
            FROM draws d
        ),
        statused AS (
            SELECT a.*,
                   CASE
                       WHEN now() - created_at < interval '14 days' THEN
                           CASE WHEN r_status < 0.15 THEN 'new' WHEN r_status < 0.50 THEN 'open'
                                WHEN r_status < 0.65 THEN 'pending' WHEN r_status < 0.72 THEN 'on_hold'
                                WHEN r_status < 0.90 THEN 'solved' ELSE 'closed' END
                       WHEN now() - created_at < interval '90 days' THEN
                           CASE WHEN r_status < 0.02 THEN 'new' WHEN r_status < 0.15 THEN 'open'
                                WHEN r_status < 0.22 THEN 'pending' WHEN r_status < 0.27 THEN 'on_hold'
                                WHEN r_status < 0.32 THEN 'solved' ELSE 'closed' END
                       ELSE
                           CASE WHEN r_status < 0.015 THEN 'open' WHEN r_status < 0.02 THEN 'pending'
                                WHEN r_status < 0.025 THEN 'on_hold' ELSE 'closed' END
                   END AS status
            FROM aged a
        ),
        timed AS (
            SELECT s.*,
                   CASE
                       -- Active and waiting cases: last activity in the last ten days.
                       WHEN status IN ('new', 'open', 'pending', 'on_hold') THEN
                           now() - r_when * least(now() - created_at, interval '10 days')
                       -- Solved in the last six days: the server's job closes older ones.
                       WHEN status = 'solved' THEN
                           now() - r_when * least(now() - created_at, interval '6 days')
                       ELSE least(now(), created_at + interval '1 day' + r_when * interval '20 days')
                   END AS updated_at
            FROM statused s
        )
        INSERT INTO cases (subject, description, category_id, priority, status, requester_id,
                           organization_id, assignee_id, last_speaker, created_at, updated_at,
                           first_response_at, solved_at, closed_at, first_response_due_at,
                           resolution_due_at, sla_paused_at)
        SELECT tp.subject, tp.description, k.id, x.priority, x.status,
               p.ids[1 + floor(x.r_person * cardinality(p.ids))::int], p.organization_id,
               CASE WHEN x.status = 'new' THEN NULL
                    WHEN x.r_assign < 0.35 THEN (SELECT id FROM users WHERE email = 'agent@rapport.example')
                    WHEN x.r_assign < 0.50 THEN (SELECT id FROM users WHERE email = 'admin@rapport.example')
               END,
               CASE WHEN x.status IN ('pending', 'solved', 'closed') THEN 'agent'
                    WHEN x.status = 'new' OR x.r_reply < 0.5 THEN 'customer' ELSE 'agent' END,
               x.created_at, x.updated_at,
               CASE WHEN x.status <> 'new' THEN
                   least(x.updated_at, x.created_at
                         + x.r_reply * 1.3 * make_interval(mins => sla.first_response_minutes) * 4.2)
               END,
               CASE WHEN x.status = 'solved' THEN x.updated_at
                    WHEN x.status = 'closed' THEN greatest(x.created_at, x.updated_at - interval '7 days')
               END,
               CASE WHEN x.status = 'closed' THEN x.updated_at END,
               x.created_at + make_interval(mins => sla.first_response_minutes) * 4.2,
               CASE WHEN x.status IN ('new', 'open', 'pending', 'on_hold') THEN x.updated_at
                    ELSE x.created_at END
                   + make_interval(mins => sla.resolution_minutes) * 4.2,
               CASE WHEN x.status = 'pending' THEN x.updated_at END
        FROM timed x
        JOIN people p ON p.k = 1 + floor(x.r_org * (SELECT count(*) FROM people))::int
        JOIN topics tp ON tp.t = x.t
        JOIN case_categories k ON k.name = tp.category
        JOIN sla_policies sla ON sla.priority = x.priority
        ORDER BY x.created_at"
    )
}

/// 1-4 messages on every case after `after_id`, between its opening and its
/// last activity: the customer and the agent take turns, the third one is an
/// internal note; a case nobody answered yet has only the customer's.
fn messages_sql(after_id: i64) -> String {
    format!(
        "INSERT INTO case_messages (case_id, author_id, internal, body, created_at)
         SELECT c.id,
                CASE WHEN n % 2 = 0 OR c.status = 'new' THEN c.requester_id
                     ELSE coalesce(c.assignee_id,
                                   (SELECT id FROM users WHERE email = 'agent@rapport.example')) END,
                n = 3 AND c.status <> 'new',
                CASE WHEN n % 2 = 0 OR c.status = 'new' THEN
                         (ARRAY['Here is the screenshot you asked for. It happened again this morning around nine.',
                                'Thank you, it works now.',
                                'Any news on this? It is blocking our team.',
                                'We tried that, the problem is still there.'])[1 + (c.id + n) % 4]
                     WHEN n = 3 THEN
                         (ARRAY['Checked the logs: same error as last week. Escalating to second level.',
                                'Customer is on the premium plan; keep them posted daily.',
                                'Waiting for the warehouse to confirm.'])[1 + c.id % 3]
                     ELSE
                         (ARRAY['Thank you for the details. We are looking into it and will get back to you today.',
                                'Could you send us a screenshot of the error and the time it happened?',
                                'We have applied a fix on our side. Please try again and tell us whether it works now.'])[1 + (c.id + n) % 3]
                END,
                c.created_at + (c.updated_at - c.created_at) * n / (2 + c.id % 4)
         FROM cases c, generate_series(1, 1 + c.id % 4) n
         WHERE c.id > {after_id}"
    )
}

/// One tag on four cases in five, a second one on every third case.
fn tags_sql(after_id: i64) -> String {
    format!(
        "INSERT INTO case_tags (case_id, tag)
         SELECT c.id, (ARRAY['printer', 'billing', 'sign-in', 'delivery', 'vip', 'bug',
                             'hardware', 'training'])[1 + (c.id / i) % 8]
         FROM cases c, generate_series(1, 2) i
         WHERE c.id > {after_id} AND ((i = 1 AND c.id % 5 <> 0) OR (i = 2 AND c.id % 3 = 0))
         ON CONFLICT DO NOTHING"
    )
}

/// A rating on a third of the closed cases, mostly good.
fn ratings_sql(after_id: i64) -> String {
    format!(
        "INSERT INTO case_ratings (case_id, score, rated_at)
         SELECT id, (ARRAY[5, 5, 4, 5, 3, 4, 5, 2, 5, 1])[1 + id % 10], closed_at
         FROM cases WHERE id > {after_id} AND status = 'closed' AND id % 3 = 0"
    )
}

/// One line on what was generated, so the figures can be read against it.
fn describe_data(cluster: &Cluster) -> Result<String> {
    cluster.psql_in(
        DATABASE,
        "SELECT format('%s cases: %s active (new, open, on hold), %s breaching, %s unassigned active, '
                       '%s pending, %s solved, %s closed; %s messages, %s tags; '
                       'the customer admin''s organization has %s',
                       count(*), count(*) FILTER (WHERE status IN ('new', 'open', 'on_hold')),
                       count(*) FILTER (WHERE status IN ('new', 'open', 'on_hold')
                                        AND (resolution_due_at < now()
                                             OR (first_response_at IS NULL AND first_response_due_at < now()))),
                       count(*) FILTER (WHERE status IN ('new', 'open', 'on_hold') AND assignee_id IS NULL),
                       count(*) FILTER (WHERE status = 'pending'),
                       count(*) FILTER (WHERE status = 'solved'),
                       count(*) FILTER (WHERE status = 'closed'),
                       (SELECT count(*) FROM case_messages), (SELECT count(*) FROM case_tags),
                       count(*) FILTER (WHERE organization_id =
                           (SELECT organization_id FROM users WHERE email = 'olivia@northwind.example')))
         FROM cases",
    )
}

/// Fetch a page once and check it is whole: 200, no error panel, and `marker`
/// (a case link) in it. A page that failed inside still answers 200 with
/// "Something went wrong", so the status alone would not catch a broken query.
fn check_page(base: &str, path: &str, cookie: &str, marker: &str) -> Result {
    let out = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}", "-H"])
        .arg(format!("Cookie: {cookie}"))
        .arg(format!("{base}{path}"))
        .output()
        .map_err(|e| format!("curl: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let (body, status) = text.rsplit_once('\n').unwrap_or(("", &text));
    if status != "200" {
        return Err(format!("{path} answered {status}"));
    }
    if body.contains("Something went wrong") {
        return Err(format!(
            "{path} shows an error panel (see the server log above)"
        ));
    }
    if !body.contains(marker) {
        return Err(format!("{path} does not show {marker:?}"));
    }
    Ok(())
}

/// The statements that took the database the most time since the last
/// `pg_stat_statements_reset()`, to point at the slow query of a slow page.
fn top_statements(cluster: &Cluster) -> Result<String> {
    let rows = cluster.psql_in(
        DATABASE,
        "SELECT calls, round(mean_exec_time::numeric, 2), round(total_exec_time::numeric / 1000, 1),
                left(regexp_replace(query, '\\s+', ' ', 'g'), 80)
         FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND query NOT ILIKE '%pg_stat_statements%'
         ORDER BY total_exec_time DESC LIMIT 5",
    )?;
    let mut text = format!(
        "{:>8} {:>10} {:>9}  statement\n",
        "calls", "mean ms", "total s"
    );
    for row in rows.lines() {
        let fields: Vec<&str> = row.splitn(4, '|').collect();
        if let [calls, mean, total, query] = fields[..] {
            text.push_str(&format!("{calls:>8} {mean:>10} {total:>9}  {query}\n"));
        }
    }
    Ok(text)
}

/// One measured page: what it is, the address, who asks, and what it must show.
struct Page {
    name: &'static str,
    path: String,
    cookie: String,
    marker: String,
}

/// Seed 10k then 100k cases and print, at each size, a table of the pages
/// agents and customer admins use most. `pgbench_rate` is PostgreSQL's own
/// read-only rate, for the target column (half of it per statement of the page).
pub fn workload(cluster: &Cluster, base: &str, server_pid: u32, pgbench_rate: f64) -> Result {
    let agent = sign_in(base, "agent@rapport.example")?;
    let customer_admin = sign_in(base, "olivia@northwind.example")?;
    let mut counts_by_size: Vec<Vec<Statements>> = Vec::new();
    let mut pages: Vec<Page> = Vec::new();
    for total in SIZES {
        step(&format!("Case workload: {total} cases"));
        let started = Instant::now();
        seed_cases(cluster, total)?;
        println!(
            "seeded in {:.1} s: {}",
            started.elapsed().as_secs_f64(),
            describe_data(cluster)?
        );
        if pages.is_empty() {
            // An open case of the customer admin's organization with a full thread;
            // the same one at both sizes.
            let case = cluster.psql_in(
                DATABASE,
                "SELECT 'C-' || c.number FROM cases c
                 WHERE c.status = 'open' AND c.organization_id =
                       (SELECT organization_id FROM users WHERE email = 'olivia@northwind.example')
                   AND (SELECT count(*) FROM case_messages m WHERE m.case_id = c.id) = 4
                 ORDER BY c.id DESC LIMIT 1",
            )?;
            if case.is_empty() {
                return Err("the generated cases have no open case with a thread".into());
            }
            let list = |name, path: &str, cookie: &str| Page {
                name,
                path: path.to_string(),
                cookie: cookie.to_string(),
                marker: "href=\"/cases/C-".to_string(),
            };
            pages = vec![
                list("queue: all open", "/queue?queue=open", &agent),
                list("queue: unassigned", "/queue?queue=unassigned", &agent),
                list("queue: breaching SLA", "/queue?queue=breaching", &agent),
                list(
                    "queue: open, search printer",
                    "/queue?queue=open&q=printer",
                    &agent,
                ),
                list(
                    "queue: open, by SLA due",
                    "/queue?queue=open&sort=due",
                    &agent,
                ),
                list("queue: open, page 10", "/queue?queue=open&page=10", &agent),
                list("case list, customer admin", "/cases", &customer_admin),
                list(
                    "case list, search invoice",
                    "/cases?q=invoice",
                    &customer_admin,
                ),
                Page {
                    name: "case page, agent",
                    path: format!("/cases/{case}"),
                    cookie: agent.clone(),
                    marker: case.clone(),
                },
                Page {
                    name: "case page, customer admin",
                    path: format!("/cases/{case}"),
                    cookie: customer_admin.clone(),
                    marker: case.clone(),
                },
            ];
        }
        let mut counts = Vec::new();
        for page in &pages {
            check_page(base, &page.path, &page.cookie, &page.marker)?;
            counts.push(statements_per_page(
                cluster,
                base,
                &page.path,
                &page.cookie,
            )?);
        }
        cluster.psql_in(DATABASE, "SELECT pg_stat_statements_reset()")?;
        println!(
            "{:<30} {:>5} {:>8} {:>10} {:>10} {:>8}",
            format!("page (wrk, {WRK_SECONDS} s each)"),
            "SQL",
            "req/s",
            "p50",
            "p99",
            "target"
        );
        for (page, statements) in pages.iter().zip(&counts) {
            let load = wrk(base, &page.path, &page.cookie, WRK_SECONDS)?;
            // The product target: half of what PostgreSQL alone serves, per statement.
            let target = pgbench_rate / statements.fewest.max(1) as f64 / 2.0;
            println!(
                "{:<30} {:>5} {:>8.0} {:>10} {:>10} {:>8.0}",
                page.name, statements, load.rps, load.p50, load.p99, target
            );
        }
        println!("\nDatabase time under this load, by statement (top 5):");
        print!("{}", top_statements(cluster)?);
        counts_by_size.push(counts);
    }
    // A page whose fewest statements grow with the data runs a query per row.
    let grows: Vec<&str> = pages
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            counts_by_size
                .iter()
                .any(|c| c[*i].fewest != counts_by_size[0][*i].fewest)
        })
        .map(|(_, page)| page.name)
        .collect();
    let varies: Vec<&str> = pages
        .iter()
        .enumerate()
        .filter(|(i, _)| counts_by_size.iter().any(|c| c[*i].fewest != c[*i].most))
        .map(|(_, page)| page.name)
        .collect();
    println!();
    if grows.is_empty() {
        println!("Statements per page: the same at every size.");
    } else {
        println!(
            "Statements per page change with the size on: {}",
            grows.join(", ")
        );
    }
    if !varies.is_empty() {
        println!(
            "Statements differ between two requests of the same page on: {}",
            varies.join(", ")
        );
    }
    println!(
        "server memory after the {} case runs: {} MiB resident",
        SIZES[SIZES.len() - 1],
        super::rss_kib(server_pid) / 1024
    );
    Ok(())
}
