//! Account health and churn over HTTP: the list and breakdown of hand-built
//! organizations, the weights, leaving and coming back, the churn figures,
//! the daily history, the churn model on the generator's organizations, and
//! who may see and do what.

use crate::common::{self, fixtures, TestApp};
use app::api::health::{
    ChurnReport, HealthList, OrganizationHealth, RecordChurn, SaveHealthWeights, TrainChurnModel,
};
use rapport_core::health::history;
use rapport_types::views::health::{
    ChurnReportView, HealthListView, OrganizationHealthView as Health,
};
use rapport_types::HealthSignal;
use reqwest::Client;
use serde_json::Value;
use sqlx::PgPool;
use time::{Date, Duration, OffsetDateTime};

const PORTAL_QUIET: &str = "-8: no sign-ins, no searches and no cases in 30 days";

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// An order (on `ordered_on`) with an invoice issued `issued_on`, due 30 days
/// later, `paid` or `open`, of `total` EUR cents.
async fn invoice(
    pool: &PgPool,
    organization: i64,
    number: &str,
    ordered_on: Date,
    issued_on: Date,
    status: &str,
    total: i64,
) {
    let order: i64 = sqlx::query_scalar(
        "INSERT INTO orders (number, organization_id, status, ordered_on, currency, total_minor)
         VALUES ($1, $2, 'completed', $3, 'EUR', $4) RETURNING id",
    )
    .bind(format!("O-{number}"))
    .bind(organization)
    .bind(ordered_on)
    .bind(total)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO invoices (number, order_id, organization_id, issued_on, due_on, currency,
                               status, paid_on, subtotal_minor, tax_total_minor, total_minor)
         VALUES ($1, $2, $3, $4, $4 + 30, 'EUR', $5,
                 CASE WHEN $5 = 'paid' THEN $4 + 5 END, $6, 0, $6)",
    )
    .bind(format!("I-{number}"))
    .bind(order)
    .bind(organization)
    .bind(issued_on)
    .bind(status)
    .bind(total)
    .execute(pool)
    .await
    .unwrap();
}

fn weights_form(overrides: &[(HealthSignal, &str)]) -> SaveHealthWeights {
    let w = |signal: HealthSignal| {
        overrides
            .iter()
            .find(|(s, _)| *s == signal)
            .map_or("100", |(_, v)| *v)
            .to_string()
    };
    SaveHealthWeights {
        case_volume_trend: w(HealthSignal::CaseVolumeTrend),
        open_case_age: w(HealthSignal::OpenCaseAge),
        sla_breaches: w(HealthSignal::SlaBreaches),
        reopens: w(HealthSignal::Reopens),
        satisfaction: w(HealthSignal::Satisfaction),
        overdue_invoices: w(HealthSignal::OverdueInvoices),
        days_since_order: w(HealthSignal::DaysSinceOrder),
        order_value_trend: w(HealthSignal::OrderValueTrend),
        workshops: w(HealthSignal::Workshops),
        portal_activity: w(HealthSignal::PortalActivity),
        last_contact: w(HealthSignal::LastContact),
    }
}

async fn list(app: &TestApp, client: &Client) -> HealthListView {
    let response = app.invoke(client, HealthList {}).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn health(app: &TestApp, client: &Client, organization_id: i64) -> Health {
    let response = app
        .invoke(client, OrganizationHealth { organization_id })
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn churn(app: &TestApp, client: &Client) -> ChurnReportView {
    let response = app.invoke(client, ChurnReport {}).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Lakeside: two open invoices, due 41 and 12 days ago; Quiet Co: nothing.
async fn two_organizations(pool: &PgPool) -> (i64, i64) {
    let lakeside = fixtures::organization(pool, "Lakeside Ltd").await.id;
    let quiet = fixtures::organization(pool, "Quiet Co").await.id;
    let t = today();
    invoice(
        pool,
        lakeside,
        "L1",
        t - Duration::days(71),
        t - Duration::days(71),
        "open",
        10_000,
    )
    .await;
    invoice(
        pool,
        lakeside,
        "L2",
        t - Duration::days(42),
        t - Duration::days(42),
        "open",
        20_000,
    )
    .await;
    (lakeside, quiet)
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_list_and_breakdown_trace_every_point(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["agent@rapport.example"]).await;
    let (lakeside, quiet) = two_organizations(&app.pool).await;
    // Where mail in keeps strangers: not a customer, so not in the list.
    fixtures::organization(&app.pool, "Unsorted").await;
    let agent = app.signed_in("agent@rapport.example").await;

    let list = list(&app, &agent).await;
    assert_eq!(list.customers, 2);
    assert!(!list.can_edit);
    assert!(!list.has_model);
    let rows: Vec<(i64, i32)> = list
        .rows
        .iter()
        .map(|r| (r.organization_id, r.score))
        .collect();
    // 100 − 12 (overdue) − 8 (no portal activity); 100 − 8.
    assert_eq!(rows, [(lakeside, 80), (quiet, 92)]);
    let lines: Vec<&str> = list.rows[0]
        .drivers
        .iter()
        .map(|d| d.line.as_str())
        .collect();
    assert_eq!(lines, ["-12: two overdue invoices, 41 days", PORTAL_QUIET]);
    assert_eq!(list.rows[0].churn_probability, None);

    let h = health(&app, &agent, lakeside).await;
    assert_eq!(h.score, 80);
    assert_eq!(h.parts.len(), HealthSignal::ALL.len());
    assert_eq!(100 + h.parts.iter().map(|p| p.points).sum::<i32>(), 80);
    assert_eq!(h.parts[0].line, "-12: two overdue invoices, 41 days");
    assert!(h
        .parts
        .iter()
        .any(|p| p.line == "0: no SLA target missed in 90 days"));
    assert!(h.is_customer);
    assert!(!h.can_manage);

    // The pages, without JavaScript.
    let page = common::page_text(&agent, &app.url("/reports/health")).await;
    assert!(
        page.contains("-12: two overdue invoices, 41 days"),
        "{page}"
    );
    assert!(page.contains("How the score is made"));
    assert!(!page.contains("Save the weights"));
    let page = common::page_text(&agent, &app.url(&format!("/reports/health/{lakeside}"))).await;
    assert!(page.contains("Lakeside Ltd: health"));
    assert!(page.contains("-12: two overdue invoices, 41 days"));
    let missing = agent
        .get(app.url("/reports/health/999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn admins_change_weights_and_bad_ones_are_named(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["admin@rapport.example", "agent@rapport.example"],
    )
    .await;
    let (lakeside, _) = two_organizations(&app.pool).await;
    let admin = app.signed_in("admin@rapport.example").await;

    let page = common::page_text(&admin, &app.url("/reports/health")).await;
    assert!(page.contains("Save the weights"));
    for (field, value) in [
        (HealthSignal::SlaBreaches, "abc"),
        (HealthSignal::SlaBreaches, "301"),
        (HealthSignal::LastContact, "-1"),
        (HealthSignal::Workshops, "2.5"),
    ] {
        let response = app.invoke(&admin, weights_form(&[(field, value)])).await;
        assert_eq!(response.status(), 422, "{value}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], field.as_str(), "{value}");
    }
    assert_eq!(health(&app, &admin, lakeside).await.score, 80);

    // Without JavaScript: the form posts and comes back to the list.
    let saved = common::plain_form_post(
        &app,
        &admin,
        weights_form(&[
            (HealthSignal::OverdueInvoices, "200"),
            (HealthSignal::PortalActivity, "0"),
        ]),
        "/reports/health",
    )
    .await;
    assert!(saved.status().is_redirection());
    assert_eq!(
        common::location(&saved),
        "/reports/health?saved=weights#weights"
    );
    let h = health(&app, &admin, lakeside).await;
    assert_eq!(h.score, 76);
    assert_eq!(h.parts[0].line, "-24: two overdue invoices, 41 days");
    let stored: Vec<(String, i32)> = sqlx::query_as(
        "SELECT signal, weight FROM health_weights WHERE weight <> 100 ORDER BY signal",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        stored,
        [
            ("overdue_invoices".into(), 200),
            ("portal_activity".into(), 0)
        ]
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn leaving_and_returning_make_the_churn_figures(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["admin@rapport.example"]).await;
    let t = today();
    let this_month = t.replace_day(1).unwrap();
    let three_back = rapport_core::health::churn::add_months(this_month, -3);
    let mut ids = Vec::new();
    // "Unsorted" (mail in's strangers) is nobody's customer: never counted.
    for name in ["Alpha", "Beta", "Delta", "Unsorted"] {
        let id = fixtures::organization(&app.pool, name).await.id;
        sqlx::query("UPDATE organizations SET created_at = '2025-01-10T12:00:00Z' WHERE id = $1")
            .bind(id)
            .execute(&app.pool)
            .await
            .unwrap();
        ids.push(id);
    }
    let (alpha, beta) = (ids[0], ids[1]);
    // Revenue of the 12 months before this month: Alpha EUR 100, Beta EUR 300
    // (ordered in 2025, so they became customers then).
    invoice(
        &app.pool,
        alpha,
        "A1",
        Date::from_calendar_date(2025, time::Month::February, 1).unwrap(),
        three_back,
        "paid",
        10_000,
    )
    .await;
    invoice(
        &app.pool,
        beta,
        "B1",
        Date::from_calendar_date(2025, time::Month::February, 1).unwrap(),
        three_back,
        "paid",
        30_000,
    )
    .await;
    // Cohort: Gamma's first order is three months back.
    let gamma = fixtures::organization(&app.pool, "Gamma").await.id;
    sqlx::query(
        "INSERT INTO orders (number, organization_id, status, ordered_on, currency, total_minor)
         VALUES ('O-G1', $1, 'completed', $2, 'EUR', 500)",
    )
    .bind(gamma)
    .bind(three_back)
    .execute(&app.pool)
    .await
    .unwrap();
    let admin = app.signed_in("admin@rapport.example").await;
    let record = |organization_id: i64, kind: &str, day: Date, reason: &str| RecordChurn {
        organization_id,
        kind: kind.into(),
        day: day.to_string(),
        reason: reason.into(),
    };

    // Mistakes are named.
    for (form, field) in [
        (record(alpha, "left", t, "  "), "reason"),
        (
            RecordChurn {
                day: "last week".into(),
                ..record(alpha, "left", t, "Price")
            },
            "day",
        ),
        (record(alpha, "left", t + Duration::days(1), "Price"), "day"),
    ] {
        let response = app.invoke(&admin, form).await;
        assert_eq!(response.status(), 422, "{field}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], field);
    }
    let returned_first = app.invoke(&admin, record(alpha, "returned", t, "")).await;
    assert_eq!(returned_first.status(), 409);

    // Alpha and Gamma leave on the first of this month (without JavaScript for Alpha).
    let left = common::plain_form_post(
        &app,
        &admin,
        record(alpha, "left", this_month, "Moved to a competitor"),
        &format!("/reports/health/{alpha}"),
    )
    .await;
    assert!(left.status().is_redirection());
    assert_eq!(
        common::location(&left),
        format!("/reports/health/{alpha}?saved=left")
    );
    assert_eq!(
        app.invoke(&admin, record(alpha, "left", t, "Again"))
            .await
            .status(),
        409
    );
    assert_eq!(
        app.invoke(&admin, record(gamma, "left", this_month, "Closed down"))
            .await
            .status(),
        200
    );

    let report = churn(&app, &admin).await;
    let month = report.months.last().unwrap();
    assert_eq!(month.month, format!("{}-{:02}", t.year(), t.month() as u8));
    // Customers on the eve of the month: Alpha, Beta, Delta, Gamma.
    assert_eq!(
        (month.customers_at_start, month.left, month.returned),
        (4, 2, 0)
    );
    assert_eq!(month.rate_percent, Some(50.0));
    assert_eq!(month.revenue.len(), 1);
    let eur = &month.revenue[0];
    assert_eq!(
        (eur.currency.as_str(), eur.base_minor, eur.lost_minor),
        ("EUR", 40_000, 10_000)
    );
    assert_eq!(eur.rate_percent, Some(25.0));
    assert_eq!(eur.lost, "EUR 100.00");
    let cohort = report
        .cohorts
        .iter()
        .find(|c| c.month == format!("{}-{:02}", three_back.year(), three_back.month() as u8))
        .unwrap();
    assert_eq!(cohort.size, 1);
    assert_eq!(
        cohort.retained_percent,
        [Some(100.0), Some(0.0), None, None]
    );
    assert_eq!((report.left_now, report.more_needed_for_model), (2, 28));

    // The list leaves out who left; their page says so and offers the return.
    let list = list(&app, &admin).await;
    assert!(list
        .rows
        .iter()
        .all(|r| r.organization_id != alpha && r.organization_id != gamma));
    let h = health(&app, &admin, alpha).await;
    assert!(!h.is_customer);
    assert_eq!(h.events[0].reason, "Moved to a competitor");
    let page = common::page_text(&admin, &app.url(&format!("/reports/health/{alpha}"))).await;
    assert!(page.contains("Record that the customer came back"));

    assert_eq!(
        app.invoke(&admin, record(alpha, "returned", t, ""))
            .await
            .status(),
        200
    );
    let report = churn(&app, &admin).await;
    assert_eq!(report.months.last().unwrap().returned, 1);
    assert_eq!((report.left_now, report.more_needed_for_model), (1, 29));
    assert!(health(&app, &admin, alpha).await.is_customer);
    let page = common::page_text(&admin, &app.url("/reports/churn")).await;
    assert!(page.contains("29 more needed"), "{page}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_daily_history_is_written_once_per_day(pool: PgPool) {
    let (lakeside, quiet) = two_organizations(&pool).await;
    let now = OffsetDateTime::now_utc() - Duration::days(3);
    assert_eq!(history::write_day(&pool, now).await.unwrap(), Some(2));
    assert_eq!(history::write_day(&pool, now).await.unwrap(), None);
    let rows: Vec<(i64, i16, Vec<f64>)> = sqlx::query_as(
        "SELECT organization_id, score, features FROM health_scores WHERE day = $1 ORDER BY score",
    )
    .bind(now.date())
    .fetch_all(&pool)
    .await
    .unwrap();
    // Three days ago the invoices were 38 and 9 days overdue: −4 × 2 − 3.
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        [(lakeside, 81), (quiet, 92)]
    );
    assert_eq!(
        rows[0].2.len(),
        rapport_core::health::signals::FEATURES.len()
    );
    // The trend reads it.
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["agent@rapport.example"]).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let h = health(&app, &agent, lakeside).await;
    let trend = h.trend.unwrap();
    assert_eq!((trend.was, trend.change), (81, -1));
    assert_eq!(trend.since, now.date().to_string());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_churn_model_finds_the_generators_drivers(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["admin@rapport.example", "agent@rapport.example"],
    )
    .await;
    let made = rapport_demo::churn::generate(&app.pool, 240, 16, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert!(made.left >= 30, "{made:?}");
    let admin = app.signed_in("admin@rapport.example").await;
    let trained = common::plain_form_post(&app, &admin, TrainChurnModel {}, "/reports/churn").await;
    assert_eq!(common::location(&trained), "/reports/churn?saved=trained");

    let report = churn(&app, &admin).await;
    let model = report.model.expect("a model");
    assert_eq!(model.left_organizations as usize, made.left);
    assert!(model.auc >= 0.8, "AUC {}", model.auc);
    let top: std::collections::HashSet<HealthSignal> = model
        .coefficients
        .iter()
        .take(3)
        .map(|c| c.signal)
        .collect();
    let truth: std::collections::HashSet<HealthSignal> =
        rapport_demo::churn::TRUE_DRIVERS.into_iter().collect();
    assert_eq!(top, truth, "{:?}", model.coefficients);
    assert!(model.with_history > 0);

    let agent = app.signed_in("agent@rapport.example").await;
    let list = list(&app, &agent).await;
    assert!(list.has_model);
    assert!(list.rows.iter().all(|r| r.churn_probability.is_some()));
    let page = common::page_text(&agent, &app.url("/reports/churn")).await;
    assert!(page.contains("AUC on held-out organizations"));
    println!(
        "churn model: AUC {:.3}, precision top 10 % {:.2}, days ahead {:?} ({} of {})",
        model.auc,
        model.precision_top_decile,
        model.median_days_ahead,
        model.warned,
        model.with_history
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn who_may_see_and_change_account_health(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    let people = fixtures::people(
        &app.pool,
        &[
            "nick@northwind.example",
            "olivia@northwind.example",
            "agent@rapport.example",
            "trainer@rapport.example",
            "admin@rapport.example",
        ],
    )
    .await;
    let northwind = people[0].organization_id.unwrap();
    // (who, health list, churn page, weights save, churn record)
    let table = [
        ("nick@northwind.example", 403, 403, 403, 403),
        ("olivia@northwind.example", 403, 403, 403, 403),
        ("agent@rapport.example", 200, 200, 403, 403),
        ("trainer@rapport.example", 403, 403, 403, 403),
        ("admin@rapport.example", 200, 200, 200, 200),
    ];
    let visitor = app.browser();
    for page in [
        "/reports/health",
        "/reports/churn",
        &format!("/reports/health/{northwind}"),
    ] {
        let response = visitor.get(app.url(page)).send().await.unwrap();
        assert_eq!(response.status(), 401, "{page}");
    }
    for (who, list_status, churn_status, weights_status, record_status) in table {
        let client = app.signed_in(who).await;
        for page in ["/reports/health", &format!("/reports/health/{northwind}")] {
            let response = client.get(app.url(page)).send().await.unwrap();
            assert_eq!(response.status(), list_status, "{who} {page}");
        }
        let response = client.get(app.url("/reports/churn")).send().await.unwrap();
        assert_eq!(response.status(), churn_status, "{who} churn page");
        assert_eq!(
            app.invoke(&client, HealthList {}).await.status(),
            list_status,
            "{who}"
        );
        assert_eq!(
            app.invoke(
                &client,
                OrganizationHealth {
                    organization_id: northwind
                }
            )
            .await
            .status(),
            list_status,
            "{who}"
        );
        assert_eq!(
            app.invoke(&client, ChurnReport {}).await.status(),
            churn_status,
            "{who}"
        );
        assert_eq!(
            app.invoke(&client, weights_form(&[])).await.status(),
            weights_status,
            "{who}"
        );
        let record = RecordChurn {
            organization_id: northwind,
            kind: "left".into(),
            day: today().to_string(),
            reason: "Budget".into(),
        };
        assert_eq!(
            app.invoke(&client, record).await.status(),
            record_status,
            "{who}"
        );
        assert_eq!(
            app.invoke(&client, TrainChurnModel {}).await.status(),
            weights_status,
            "{who}"
        );
    }
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM churn_events")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(events, 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn agents_see_the_score_beside_a_case_and_customers_never(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["nick@northwind.example", "agent@rapport.example"],
    )
    .await;
    let case = fixtures::case("nick@northwind.example", "Printer on fire")
        .insert(&app.pool)
        .await;
    let agent = app.signed_in("agent@rapport.example").await;
    let page = common::page_text(&agent, &app.url(&format!("/cases/{}", case.number))).await;
    assert!(page.contains("Account health"), "{page}");
    assert!(page.contains("data-testid=\"case-health-score\""));
    let nick = app.signed_in("nick@northwind.example").await;
    let page = common::page_text(&nick, &app.url(&format!("/cases/{}", case.number))).await;
    assert!(page.contains("Printer on fire"));
    assert!(!page.contains("Account health"));
    assert!(!page.contains("case-health-score"));
}
