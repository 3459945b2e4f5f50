//! `rapport-demo churn`: customer organizations whose leaving depends on known
//! signals, so the churn model can be checked against the truth.
//!
//! Each organization draws three true drivers: overdue invoices (0–3), cases
//! that missed an SLA target (0–3) and an average rating (1–5); then
//! `P(left) = logistic(-5 + 1.3 × overdue + 1.1 × breaches + 1.4 × (3.5 − rating))`
//! (`TRUE_DRIVERS`). Everything else (order sizes, portal sign-ins) is noise
//! that does not move the chance. An organization that left gets a leaving day
//! 20 to 300 days ago and its records are placed before that day (its signals
//! as of the day show the drivers, nothing after it); one that stayed has them
//! placed before today. Left organizations also get a weekly score history of
//! the eight weeks before leaving (computed by the same signals SQL), for the
//! model's "days ahead".
//!
//! The random numbers come from a fixed seed: the same seed gives the same
//! organizations, so a test can assert on the model trained on them.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rapport_core::db::health as health_db;
use rapport_core::health::{score, signals};
use rapport_types::HealthSignal;
use sqlx::{PgConnection, PgPool};
use time::{Date, Duration, OffsetDateTime};

/// The signals that truly drive leaving here.
pub const TRUE_DRIVERS: [HealthSignal; 3] = [
    HealthSignal::OverdueInvoices,
    HealthSignal::SlaBreaches,
    HealthSignal::Satisfaction,
];

/// What `generate` made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    pub organizations: usize,
    pub left: usize,
}

/// Add `count` generated organizations (names "Generated customer <seed>-<n>"),
/// drawn from `seed`, as of `now`.
pub async fn generate(
    pool: &PgPool,
    count: usize,
    seed: u64,
    now: OffsetDateTime,
) -> Result<Generated, rapport_core::Error> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tx = pool.begin().await?;
    let category: i64 = sqlx::query_scalar("SELECT id FROM case_categories ORDER BY id LIMIT 1")
        .fetch_one(&mut *tx)
        .await?;
    let recorder = recorder(&mut tx).await?;
    let today = now.date();
    let mut left = Vec::new();
    for n in 1..=count {
        let overdue: i64 = rng.gen_range(0..=3);
        let breaches: i64 = rng.gen_range(0..=3);
        let rating: f64 = rng.gen_range(1.0..=5.0);
        let logit = -5.0 + 1.3 * overdue as f64 + 1.1 * breaches as f64 + 1.4 * (3.5 - rating);
        let leaves = rng.gen_bool(1.0 / (1.0 + (-logit).exp()));
        // The moment the organization's records lead up to.
        let (reference, left_on) = if leaves {
            let day = today - Duration::days(rng.gen_range(20..=300));
            (day.midnight().assume_utc(), Some(day))
        } else {
            (now, None)
        };
        let name = format!("Generated customer {seed}-{n:03}");
        let organization: i64 = sqlx::query_scalar(
            "INSERT INTO organizations (name, created_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(&name)
        .bind(reference - Duration::days(400))
        .fetch_one(&mut *tx)
        .await?;
        let person: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, display_name, role, organization_id, password_hash, created_at)
             VALUES ($1, $2, 'customer', $3, '!', $4) RETURNING id",
        )
        .bind(format!("owner-{seed}-{n}@generated.example"))
        .bind(format!("Owner {n}"))
        .bind(organization)
        .bind(reference - Duration::days(400))
        .fetch_one(&mut *tx)
        .await?;
        let at = |days_before: i64| reference - Duration::days(days_before);
        let day_at = |days_before: i64| (reference - Duration::days(days_before)).date();
        // Noise: two paid orders in the last 180 days of any size.
        for k in 0..2 {
            let placed = rng.gen_range(5..170);
            let total = rng.gen_range(5_000..200_000);
            order(
                &mut tx,
                organization,
                day_at(placed),
                total,
                "paid",
                format!("G{seed}-{n}-{k}"),
            )
            .await?;
        }
        // The true drivers: open invoices, due 15 to 60 days before (each
        // order's invoice is due 30 days after it).
        for k in 0..overdue {
            let due = rng.gen_range(15..60);
            order(
                &mut tx,
                organization,
                day_at(due + 30),
                50_000,
                "open",
                format!("G{seed}-{n}-o{k}"),
            )
            .await?;
        }
        // Five rated cases around the drawn average; the first `breaches` missed a target.
        for k in 0..5 {
            let opened = rng.gen_range(10..85);
            let score = (rating + rng.gen_range(-0.5..=0.5)).round().clamp(1.0, 5.0) as i16;
            let case: i64 = sqlx::query_scalar(
                "INSERT INTO cases (subject, description, category_id, status, requester_id,
                                    organization_id, created_at, updated_at, solved_at, closed_at)
                 VALUES ($1, 'Generated for the churn model.', $2, 'closed', $3, $4, $5, $6, $6, $6)
                 RETURNING id",
            )
            .bind(format!("Question {k} of {name}"))
            .bind(category)
            .bind(person)
            .bind(organization)
            .bind(at(opened))
            .bind(at(opened - 3))
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO case_ratings (case_id, score, rated_at) VALUES ($1, $2, $3)")
                .bind(case)
                .bind(score)
                .bind(at(opened - 4))
                .execute(&mut *tx)
                .await?;
            let met = k >= breaches;
            sqlx::query(
                "INSERT INTO case_metrics (case_id, first_response_met, resolution_met)
                 VALUES ($1, true, $2)",
            )
            .bind(case)
            .bind(met)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(day) = left_on {
            let reason = if overdue >= 2 {
                "Stopped paying; moved to a cheaper supplier"
            } else if rating < 2.5 {
                "Unhappy with the support"
            } else {
                "Moved to another supplier"
            };
            sqlx::query(
                "INSERT INTO churn_events (organization_id, kind, on_day, reason, recorded_by)
                 VALUES ($1, 'left', $2, $3, $4)",
            )
            .bind(organization)
            .bind(day)
            .bind(reason)
            .bind(recorder)
            .execute(&mut *tx)
            .await?;
            left.push((organization, day));
        }
    }
    // A weekly score history for the eight weeks before each leaving.
    let weights = score::Weights::from_rows(&health_db::weights(&mut *tx).await?);
    for week in 1..=8 {
        let ids: Vec<i64> = left.iter().map(|(o, _)| *o).collect();
        let as_of: Vec<OffsetDateTime> = left
            .iter()
            .map(|(_, d)| (*d - Duration::weeks(week)).midnight().assume_utc())
            .collect();
        let rows = health_db::signals_as_of(&mut *tx, &ids, &as_of).await?;
        for row in rows {
            let day: Date = left
                .iter()
                .find(|(o, _)| *o == row.organization_id)
                .map(|(_, d)| *d - Duration::weeks(week))
                .unwrap_or(today);
            health_db::write_scores(
                &mut *tx,
                day,
                &[row.organization_id],
                &[score::breakdown(&row, &weights).score as i16],
                &[signals::array_text(&signals::features(&row))],
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Generated {
        organizations: count,
        left: left.len(),
    })
}

/// An order with its invoice ("I-<number>", due 30 days later), `paid` or `open`.
async fn order(
    tx: &mut PgConnection,
    organization: i64,
    day: Date,
    total: i64,
    status: &str,
    number: String,
) -> Result<(), rapport_core::Error> {
    let order: i64 = sqlx::query_scalar(
        "INSERT INTO orders (number, organization_id, status, ordered_on, currency, total_minor)
         VALUES ($1, $2, 'completed', $3, 'EUR', $4) RETURNING id",
    )
    .bind(format!("O-{number}"))
    .bind(organization)
    .bind(day)
    .bind(total)
    .fetch_one(&mut *tx)
    .await?;
    let paid_on = (status == "paid").then(|| day + Duration::days(20));
    sqlx::query(
        "INSERT INTO invoices (number, order_id, organization_id, issued_on, due_on, currency,
                               status, paid_on, subtotal_minor, tax_total_minor, total_minor)
         VALUES ($1, $2, $3, $4, $5, 'EUR', $6, $7, $8, 0, $8)",
    )
    .bind(format!("I-{number}"))
    .bind(order)
    .bind(organization)
    .bind(day)
    .bind(day + Duration::days(30))
    .bind(status)
    .bind(paid_on)
    .bind(total)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The admin the leavings are recorded by: the first admin, or one made for it.
async fn recorder(tx: &mut PgConnection) -> Result<i64, rapport_core::Error> {
    let admin: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?;
    match admin {
        Some(id) => Ok(id),
        None => Ok(sqlx::query_scalar(
            "INSERT INTO users (email, display_name, role, password_hash)
             VALUES ('churn-generator@generated.example', 'Churn generator', 'admin', '!')
             RETURNING id",
        )
        .fetch_one(&mut *tx)
        .await?),
    }
}
