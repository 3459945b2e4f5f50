//! The team reports, the customers' service report, their CSV downloads and
//! the weekly summary: figures on cases with known metrics rows (medians and
//! percentiles computed by hand), filters, comparison, links that list
//! exactly the cases they count, and who may see what.

use crate::common::{fixtures, TestApp};
use app::api::cases::{CaseQueue, MyCases};
use app::api::reports::{LoadServiceReport, LoadTeamReport, SetWeeklySummary};
use rapport_core::policy::{self, Action, Actor};
use rapport_core::reports::{service, team, weekly};
use rapport_core::time_zones::ReaderZone;
use rapport_core::Reader;
use rapport_types::views::reports::{CaseSliceQuery, ReportQuery, ReportSection};
use rapport_types::Role;
use reqwest::Client;
use serde_json::Value;
use sqlx::PgPool;

/// The period of the fixture: a Monday to a Sunday (the calendar is UTC).
const FROM: &str = "2026-11-02";
const TO: &str = "2026-11-08";

struct Seeded {
    northwind: i64,
    acme: i64,
    agent: i64,
    admin: i64,
    /// The Acme case, and the words of its internal note.
    acme_case: String,
}

/// One case with its metrics row, opened at `created` (UTC).
struct Metric<'a> {
    requester: &'a str,
    subject: &'a str,
    priority: &'a str,
    channel: &'a str,
    created: &'a str,
    /// Business seconds to the first response; calendar is twice that.
    first_response: Option<i64>,
    first_response_met: Option<bool>,
    /// Finally solved at, with business seconds (calendar twice that).
    solved: Option<(&'a str, i64)>,
    resolution_met: Option<bool>,
    reopens: i32,
    agent_replies: i32,
    solved_by: Option<i64>,
    rating: Option<(i16, &'a str)>,
}

impl Default for Metric<'_> {
    fn default() -> Self {
        Metric {
            requester: "nick@northwind.example",
            subject: "A case",
            priority: "normal",
            channel: "portal",
            created: "2026-11-03 10:00:00+00",
            first_response: None,
            first_response_met: None,
            solved: None,
            resolution_met: None,
            reopens: 0,
            agent_replies: 0,
            solved_by: None,
            rating: None,
        }
    }
}

async fn insert(pool: &PgPool, m: Metric<'_>) -> String {
    let mut builder = fixtures::case(m.requester, m.subject).priority(m.priority);
    if m.solved.is_some() {
        builder = builder.status("solved");
    }
    if m.requester.ends_with("acme.example") {
        builder = builder.note("agent@rapport.example", "Internal: the acme secret note");
    }
    let case = builder.insert(pool).await;
    sqlx::query("UPDATE cases SET created_at = $2::timestamptz, channel = $3 WHERE id = $1")
        .bind(case.id)
        .bind(m.created)
        .bind(m.channel)
        .execute(pool)
        .await
        .unwrap();
    let (solved_at, solved_seconds) = match m.solved {
        Some((at, s)) => (Some(at), Some(s)),
        None => (None, None),
    };
    sqlx::query(
        "INSERT INTO case_metrics (case_id, first_response_at, first_response_seconds,
             first_response_business_seconds, first_resolution_at, final_resolution_at,
             first_resolution_seconds, first_resolution_business_seconds,
             final_resolution_seconds, final_resolution_business_seconds,
             first_response_met, resolution_met, reopens, agent_replies, customer_replies,
             solved_by, agents_touched)
         VALUES ($1, $2::timestamptz + make_interval(secs => $3::float8 * 2), $3 * 2, $3,
                 $4::timestamptz, $4::timestamptz, $5 * 2, $5, $5 * 2, $5, $6, $7, $8, $9, 1, $10,
                 CASE WHEN $10::bigint IS NULL THEN '{}'::bigint[] ELSE ARRAY[$10::bigint] END)
         ON CONFLICT (case_id) DO UPDATE SET
             first_response_at = EXCLUDED.first_response_at,
             first_response_seconds = EXCLUDED.first_response_seconds,
             first_response_business_seconds = EXCLUDED.first_response_business_seconds,
             first_resolution_at = EXCLUDED.first_resolution_at,
             final_resolution_at = EXCLUDED.final_resolution_at,
             first_resolution_seconds = EXCLUDED.first_resolution_seconds,
             first_resolution_business_seconds = EXCLUDED.first_resolution_business_seconds,
             final_resolution_seconds = EXCLUDED.final_resolution_seconds,
             final_resolution_business_seconds = EXCLUDED.final_resolution_business_seconds,
             first_response_met = EXCLUDED.first_response_met,
             resolution_met = EXCLUDED.resolution_met, reopens = EXCLUDED.reopens,
             agent_replies = EXCLUDED.agent_replies, customer_replies = EXCLUDED.customer_replies,
             solved_by = EXCLUDED.solved_by, agents_touched = EXCLUDED.agents_touched",
    )
    .bind(case.id)
    .bind(m.created)
    .bind(m.first_response)
    .bind(solved_at)
    .bind(solved_seconds)
    .bind(m.first_response_met)
    .bind(m.resolution_met)
    .bind(m.reopens)
    .bind(m.agent_replies)
    .bind(m.solved_by)
    .execute(pool)
    .await
    .unwrap();
    if let Some((score, comment)) = m.rating {
        sqlx::query("INSERT INTO case_ratings (case_id, score, comment) VALUES ($1, $2, $3)")
            .bind(case.id)
            .bind(score)
            .bind(comment)
            .execute(pool)
            .await
            .unwrap();
    }
    case.number
}

const H: i64 = 3600;

/// Five Northwind cases opened on 3 November (first responses after 1, 2,
/// 3, 4 and 10 business hours; four solved on 5 November after 4, 8, 12
/// and 20 business hours), one Acme case, and one Northwind case of the
/// week before (for the comparison).
async fn seed(pool: &PgPool) -> Seeded {
    let people = fixtures::people(
        pool,
        &[
            "admin@rapport.example",
            "agent@rapport.example",
            "trainer@rapport.example",
            "olivia@northwind.example",
            "nick@northwind.example",
            "carla@acme.example",
            "ahmed@acme.example",
        ],
    )
    .await;
    let (admin, agent) = (people[0].id, people[1].id);
    let northwind = people[3].organization_id.unwrap();
    let acme = people[5].organization_id.unwrap();
    let solved = "2026-11-05 12:00:00+00";
    let cases = [
        Metric {
            subject: "=SUM(A1) printer",
            first_response: Some(H),
            first_response_met: Some(true),
            solved: Some((solved, 4 * H)),
            resolution_met: Some(true),
            agent_replies: 1,
            solved_by: Some(agent),
            rating: Some((5, "Great help")),
            ..Metric::default()
        },
        Metric {
            subject: "Login fails",
            first_response: Some(2 * H),
            first_response_met: Some(true),
            solved: Some((solved, 8 * H)),
            resolution_met: Some(true),
            reopens: 1,
            agent_replies: 1,
            solved_by: Some(agent),
            rating: Some((3, "")),
            ..Metric::default()
        },
        Metric {
            subject: "Invoice missing",
            first_response: Some(3 * H),
            first_response_met: Some(true),
            solved: Some((solved, 12 * H)),
            resolution_met: Some(false),
            agent_replies: 1,
            solved_by: Some(agent),
            ..Metric::default()
        },
        Metric {
            subject: "Slow delivery",
            priority: "high",
            first_response: Some(4 * H),
            first_response_met: Some(false),
            solved: Some((solved, 20 * H)),
            resolution_met: Some(true),
            agent_replies: 2,
            solved_by: Some(admin),
            ..Metric::default()
        },
        Metric {
            subject: "Broken part",
            priority: "urgent",
            channel: "email",
            first_response: Some(10 * H),
            first_response_met: Some(false),
            agent_replies: 1,
            ..Metric::default()
        },
        Metric {
            subject: "Last week's question",
            created: "2026-10-28 09:00:00+00",
            first_response: Some(2 * H),
            first_response_met: Some(true),
            ..Metric::default()
        },
    ];
    for case in cases {
        insert(pool, case).await;
    }
    let acme_case = insert(
        pool,
        Metric {
            requester: "ahmed@acme.example",
            subject: "Acme robot arm",
            created: "2026-11-04 09:00:00+00",
            first_response: Some(H / 2),
            first_response_met: Some(true),
            agent_replies: 1,
            ..Metric::default()
        },
    )
    .await;
    Seeded {
        northwind,
        acme,
        agent,
        admin,
        acme_case,
    }
}

fn custom(extra: &[(&str, &str)]) -> ReportQuery {
    let mut pairs = vec![("period", "custom"), ("from", FROM), ("to", TO)];
    pairs.extend_from_slice(extra);
    ReportQuery::from_params(|name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
}

fn actor(user_id: i64, role: Role, organization_id: Option<i64>) -> Actor {
    Actor {
        user_id,
        role,
        organization_id,
    }
}

async fn team_figures(pool: &PgPool, agent: i64, query: &ReportQuery) -> team::TeamFigures {
    let actor = actor(agent, Role::Agent, None);
    let permit = policy::authorize(Some(&actor), &Action::ViewTeamReports).unwrap();
    let calendar = team::calendar_day(pool).await.unwrap();
    let filter = rapport_core::reports::filter::ReportFilter::parse(query, calendar.today).unwrap();
    team::figures(&permit, pool, &filter, &calendar)
        .await
        .unwrap()
}

fn close(values: &Option<Vec<f64>>, expected: [f64; 3]) {
    let values = values.as_ref().expect("percentiles");
    for (got, want) in values.iter().zip(expected) {
        assert!((got - want).abs() < 0.01, "{values:?} against {expected:?}");
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn figures_match_hand_computed_values(pool: PgPool) {
    let seeded = seed(&pool).await;
    // The backlog of 3 November was recorded; the other days were not.
    sqlx::query("INSERT INTO backlog_snapshot_days (day) VALUES ('2026-11-03')")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO backlog_snapshots (day, status, priority, category_id, organization_id, cases)
         SELECT '2026-11-03'::date, 'open', 'normal', min(id), $1, 4 FROM case_categories
         UNION ALL SELECT '2026-11-03'::date, 'new', 'high', min(id), $1, 1 FROM case_categories
         UNION ALL SELECT '2026-11-03'::date, 'open', 'normal', min(id), $2, 2 FROM case_categories",
    )
    .bind(seeded.northwind)
    .bind(seeded.acme)
    .execute(&pool)
    .await
    .unwrap();
    let northwind = seeded.northwind.to_string();
    let query = custom(&[("organization", &northwind), ("compare", "1")]);
    let f = team_figures(&pool, seeded.agent, &query).await;
    let a = &f.current;
    assert_eq!((a.created, a.solved), (5, 4));
    // percentile_cont over 1, 2, 3, 4, 10 hours: the median is 3 h; the 90th
    // lies 0.6 of the way from 4 h to 10 h (7.6 h), the 95th 0.8 (8.8 h).
    close(
        &a.first_response_business,
        [3.0 * 3600.0, 7.6 * 3600.0, 8.8 * 3600.0],
    );
    close(
        &a.first_response_calendar,
        [6.0 * 3600.0, 15.2 * 3600.0, 17.6 * 3600.0],
    );
    // Over 4, 8, 12, 20 hours: 10 h, then 0.7 and 0.85 of 12 h to 20 h.
    close(
        &a.resolution_business,
        [10.0 * 3600.0, 17.6 * 3600.0, 18.8 * 3600.0],
    );
    assert_eq!((a.first_response_met, a.first_response_measured), (3, 5));
    assert_eq!((a.resolution_met, a.resolution_measured), (3, 4));
    assert_eq!((a.reopened, a.one_touch), (1, 2));
    assert_eq!(a.rated, 2);
    assert_eq!(a.rating_average, Some(4.0));
    assert_eq!(a.ratings, vec![0, 0, 1, 0, 1]);
    // Buckets 0–1, 1–4, 4–8, 8–24, 24–72, 72+ hours.
    assert_eq!(a.response_histogram, vec![0, 3, 1, 1, 0, 0]);
    // low, normal, high, urgent
    assert_eq!(a.first_response_missed, vec![0, 0, 1, 1]);
    assert_eq!(a.resolution_missed, vec![0, 1, 0, 0]);
    let previous = f.previous.as_ref().unwrap();
    assert_eq!((previous.created, previous.solved), (1, 0));
    // Per day: all opened on the 3rd, all solved on the 5th.
    let opened: Vec<i64> = f.per_day.iter().map(|d| d.created).collect();
    let solved: Vec<i64> = f.per_day.iter().map(|d| d.solved).collect();
    assert_eq!(opened, vec![0, 5, 0, 0, 0, 0, 0]);
    assert_eq!(solved, vec![0, 0, 0, 4, 0, 0, 0]);
    // Per agent: the agent solved three (median first response 2 h), the admin one.
    let agents: Vec<(i64, i64)> = f.agents.iter().map(|r| (r.user_id, r.solved)).collect();
    assert_eq!(agents, vec![(seeded.agent, 3), (seeded.admin, 1)]);
    assert_eq!(
        f.agents[0].median_first_response_business,
        Some(2.0 * 3600.0)
    );

    let backlog: Vec<Option<i64>> = f.backlog.iter().map(|d| d.cases).collect();
    assert_eq!(backlog, vec![None, Some(5), None, None, None, None, None]);
    // Filters narrow the same figures.
    let all = team_figures(&pool, seeded.agent, &custom(&[])).await;
    assert_eq!(all.current.created, 6, "Acme's case too");
    assert_eq!(all.backlog[1].cases, Some(7));
    let email = team_figures(&pool, seeded.agent, &custom(&[("channel", "email")])).await;
    assert_eq!(email.current.created, 1);
    let high = team_figures(&pool, seeded.agent, &custom(&[("priority", "high")])).await;
    assert_eq!((high.current.created, high.current.solved), (1, 1));
    let by_admin = team_figures(
        &pool,
        seeded.agent,
        &custom(&[("agent", &seeded.admin.to_string())]),
    )
    .await;
    assert_eq!(by_admin.current.solved, 1);
}

async fn page(client: &Client, url: String) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_page_words_the_figures_with_units_and_the_previous_period(pool: PgPool) {
    let seeded = seed(&pool).await;
    let app = TestApp::spawn_empty(pool).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let url = app.url(&format!(
        "/reports?period=custom&from={FROM}&to={TO}&organization={}&compare=1",
        seeded.northwind
    ));
    let (status, body) = page(&agent, url).await;
    assert_eq!(status, 200);
    for shown in [
        "3.0 business hours",
        "7.6 business hours",
        "8.8 business hours",
        "10.0 business hours",
        "60.0 % (3 of 5)",
        "75.0 % (3 of 4)",
        "25.0 % (1 of 4)",
        "50.0 % (2 of 4)",
        "4.00 of 5",
        "Great help",
        "(previous period: 1)",
        "Download CSV",
        "/reports/cases.csv?period=custom&amp;from=2026-11-02",
    ] {
        assert!(body.contains(shown), "the page lacks {shown:?}");
    }
    for id in [
        "volume",
        "times",
        "sla",
        "quality",
        "satisfaction",
        "self-service",
        "knowledge",
        "workshops",
        "agents",
    ] {
        assert!(
            body.contains(&format!("<h2 id=\"section-{id}\"")),
            "no section {id}"
        );
    }
    // A mistake names its field and keeps the form.
    let (status, body) = page(&agent, app.url("/reports?period=custom&from=2026-02-30")).await;
    assert_eq!(status, 422);
    assert!(body.contains("Enter a date as YYYY-MM-DD."));
    assert!(body.contains("value=\"2026-02-30\""));
    let (status, _) = page(&agent, app.url("/reports?organization=999999")).await;
    assert_eq!(status, 422);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_csv_lists_the_cases_of_the_filter_and_defuses_formulas(pool: PgPool) {
    let seeded = seed(&pool).await;
    let app = TestApp::spawn_empty(pool).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let response = agent
        .get(app.url(&format!(
            "/reports/cases.csv?period=custom&from={FROM}&to={TO}&organization={}",
            seeded.northwind
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header[0], "number");
    assert_eq!(header.len(), 21);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5, "{text}");
    let first = &rows[0];
    assert_eq!(&first[1], "'=SUM(A1) printer");
    assert_eq!(&first[2], "Northwind Traders");
    assert_eq!(&first[11], "1.00", "first response business hours");
    assert_eq!(&first[12], "2.00", "first response calendar hours");
    assert_eq!(&first[15], "yes");
    assert_eq!(&first[20], "5");
    assert!(!text.contains("Acme robot arm"));
    // The whole period: Acme's case too.
    let all = agent
        .get(app.url(&format!(
            "/reports/cases.csv?period=custom&from={FROM}&to={TO}"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(all.lines().count(), 1 + 6);
}

/// Every link of the sections (figures, chart points, table cells).
fn hrefs(sections: &[ReportSection]) -> Vec<(String, f64)> {
    let mut links = vec![];
    for s in sections {
        for f in &s.figures {
            if let (Some(href), Ok(n)) = (&f.href, f.value.parse::<f64>()) {
                links.push((href.clone(), n));
            }
        }
        for chart in &s.charts {
            for series in &chart.series {
                for point in &series.points {
                    if let Some(href) = &point.href {
                        links.push((href.clone(), point.value));
                    }
                }
            }
        }
        for table in &s.tables {
            for row in &table.rows {
                for cell in row {
                    if let (Some(href), Ok(n)) = (&cell.href, cell.text.parse::<f64>()) {
                        links.push((href.clone(), n));
                    }
                }
            }
        }
    }
    links
}

fn params(href: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let pairs = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (path.to_string(), pairs)
}

fn get(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

async fn listed(app: &TestApp, client: &Client, href: &str) -> i64 {
    let (path, pairs) = params(href);
    let slice = CaseSliceQuery::from_params(|name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    });
    let response = if path == "/queue" {
        app.invoke(
            client,
            CaseQueue {
                queue: get(&pairs, "queue"),
                query: String::new(),
                priority: get(&pairs, "priority"),
                category: get(&pairs, "category"),
                organization: get(&pairs, "organization"),
                tag: String::new(),
                assignee: String::new(),
                sort: String::new(),
                page: 1,
                slice,
            },
        )
        .await
    } else {
        assert_eq!(path, "/cases", "{href}");
        app.invoke(
            client,
            MyCases {
                status: get(&pairs, "status"),
                query: String::new(),
                sort: String::new(),
                page: 1,
                priority: get(&pairs, "priority"),
                slice,
            },
        )
        .await
    };
    assert_eq!(response.status(), 200, "{href}");
    let body: Value = response.json().await.unwrap();
    let list = if path == "/queue" {
        &body["list"]
    } else {
        &body
    };
    list["total"].as_i64().unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn every_link_lists_exactly_the_cases_it_counts(pool: PgPool) {
    let seeded = seed(&pool).await;
    let app = TestApp::spawn_empty(pool.clone()).await;
    let agent = app.signed_in("agent@rapport.example").await;
    for extra in [
        vec![],
        vec![("organization", seeded.northwind.to_string())],
        vec![("channel", "email".to_string())],
    ] {
        let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let actor = actor(seeded.agent, Role::Agent, None);
        let permit = policy::authorize(Some(&actor), &Action::ViewTeamReports).unwrap();
        let reader = Reader::new(Some(actor), ReaderZone::utc());
        let report = team::report(&permit, &reader, &pool, &custom(&extra))
            .await
            .unwrap();
        let links = hrefs(&report.sections);
        assert!(links.len() > 20, "{links:?}");
        assert!(links.iter().any(|(_, n)| *n > 0.0));
        for (href, counted) in links {
            assert_eq!(listed(&app, &agent, &href).await as f64, counted, "{href}");
        }
    }
    // The customer admin's links go to their own list, and agree too.
    let olivia = app.signed_in("olivia@northwind.example").await;
    let actor = actor(0, Role::CustomerAdmin, Some(seeded.northwind));
    let permit = policy::authorize(
        Some(&actor),
        &Action::ViewServiceReport {
            organization_id: seeded.northwind,
        },
    )
    .unwrap();
    let report = service::report(&permit, &pool, &custom(&[])).await.unwrap();
    let links = hrefs(&report.sections);
    assert!(
        links.iter().all(|(href, _)| href.starts_with("/cases?")),
        "{links:?}"
    );
    assert!(links.iter().any(|(_, n)| *n > 0.0));
    for (href, counted) in links {
        assert_eq!(listed(&app, &olivia, &href).await as f64, counted, "{href}");
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_service_report_shows_only_the_readers_organization(pool: PgPool) {
    let seeded = seed(&pool).await;
    let app = TestApp::spawn_empty(pool).await;
    let olivia = app.signed_in("olivia@northwind.example").await;
    let url = |path: &str| app.url(&format!("{path}?period=custom&from={FROM}&to={TO}"));
    let (status, body) = page(&olivia, url("/organization/report")).await;
    assert_eq!(status, 200);
    assert!(body.contains("Northwind Traders"));
    assert!(body.contains("3.0 business hours"));
    assert!(body.contains("Open cases by age"));
    for hidden in [
        "Acme",
        &seeded.acme_case,
        "secret note",
        "Agents",
        "Self-service",
    ] {
        assert!(
            !body.contains(hidden),
            "the service report shows {hidden:?}"
        );
    }
    let csv = olivia
        .get(url("/organization/report.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert_eq!(text.lines().count(), 1 + 5);
    assert!(!text.contains("Acme"));
    // Acme's admin sees Acme's one case, whatever organization the address names.
    let carla = app.signed_in("carla@acme.example").await;
    let text = carla
        .get(app.url(&format!(
            "/organization/report.csv?period=custom&from={FROM}&to={TO}&organization={}",
            seeded.northwind
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text.lines().count(), 1 + 1, "{text}");
    assert!(text.contains("Acme robot arm"));
    let _ = seeded.acme;
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn who_may_see_which_report(pool: PgPool) {
    seed(&pool).await;
    let app = TestApp::spawn_empty(pool).await;
    let q = format!("?period=custom&from={FROM}&to={TO}");
    // team page, team CSV, service page, service CSV, weekly setting
    let table: [(&str, [u16; 5]); 6] = [
        ("nick@northwind.example", [403, 403, 403, 403, 403]),
        ("olivia@northwind.example", [403, 403, 200, 200, 403]),
        ("carla@acme.example", [403, 403, 200, 200, 403]),
        ("agent@rapport.example", [200, 200, 403, 403, 403]),
        ("trainer@rapport.example", [403, 403, 403, 403, 403]),
        ("admin@rapport.example", [200, 200, 403, 403, 200]),
    ];
    for (email, expected) in table {
        let client = app.signed_in(email).await;
        let mut got = [0u16; 5];
        for (i, path) in [
            "/reports",
            "/reports/cases.csv",
            "/organization/report",
            "/organization/report.csv",
        ]
        .iter()
        .enumerate()
        {
            got[i] = page(&client, app.url(&format!("{path}{q}"))).await.0;
        }
        got[4] = app
            .invoke(
                &client,
                SetWeeklySummary {
                    weekly: Some("on".into()),
                    back: "/reports".into(),
                },
            )
            .await
            .status()
            .as_u16();
        assert_eq!(got, expected, "{email}");
    }
    // The server functions behind the pages answer the same.
    let nick = app.signed_in("nick@northwind.example").await;
    let status = app
        .invoke(
            &nick,
            LoadTeamReport {
                query: ReportQuery::default(),
            },
        )
        .await
        .status();
    assert_eq!(status, 403);
    let agent = app.signed_in("agent@rapport.example").await;
    let status = app
        .invoke(
            &agent,
            LoadServiceReport {
                query: ReportQuery::default(),
            },
        )
        .await
        .status();
    assert_eq!(status, 403);
    // A visitor is sent to sign in.
    let visitor = app.bare();
    let response = visitor
        .get(app.url("/reports/cases.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_weekly_summary_is_mailed_once_a_week(pool: PgPool) {
    seed(&pool).await;
    let app = TestApp::spawn_empty(pool.clone()).await;
    let admin = app.signed_in("admin@rapport.example").await;
    let response = app
        .invoke(
            &admin,
            SetWeeklySummary {
                weekly: Some("on".into()),
                back: "/reports".into(),
            },
        )
        .await;
    assert_eq!(response.status(), 200);
    let (_, body) = page(&admin, app.url("/reports")).await;
    assert!(body.contains("id=\"weekly-summary\""));
    // The job queues last week's summary once, however often it runs (a
    // restart runs it again).
    // (The server's own job may have run first: count the mails, not the calls.)
    let mut queued = 0;
    for _ in 0..3 {
        queued += weekly::send_due(&pool, &app.links).await.unwrap();
    }
    assert!(queued <= 1);
    let mails = app.mails_to("admin@rapport.example").await;
    assert_eq!(mails.len(), 1);
    let (subject, text) = &mails[0];
    assert!(subject.starts_with("Support last week"), "{subject}");
    assert!(text.contains("Cases opened:"), "{text}");
    assert!(text.contains("/reports?period=custom"), "{text}");
    // Unticked: no mail for the admin next week.
    let response = app
        .invoke(
            &admin,
            SetWeeklySummary {
                weekly: None,
                back: "/reports".into(),
            },
        )
        .await;
    assert_eq!(response.status(), 200);
    let receives: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM weekly_summary_recipients)")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(!receives);
}
