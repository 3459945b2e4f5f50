//! The daily job of account health: the score of every customer for the day
//! (the trend and the churn model's "days ahead" read it), then the churn
//! model trained again once enough organizations have left.
//!
//! State is only in PostgreSQL: `health_score_days` holds the days written,
//! claimed in the same transaction as the scores, so a restart, a crash or a
//! second server never writes a day twice or loses one it claimed.

use super::model::{self, Sample};
use super::score::{self, Weights};
use super::signals;
use crate::db::health::{self as db, ChurnModelRow};
use crate::policy::{Action, Permit};
use crate::Error;
use rapport_types::CHURN_MODEL_MINIMUM_LEFT;
use sqlx::PgPool;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Write the scores of `now`'s day (UTC) unless that day is written already;
/// returns how many organizations were scored, or None if the day was done.
pub async fn write_day(pool: &PgPool, now: OffsetDateTime) -> Result<Option<usize>, Error> {
    let day = now.date();
    let mut tx = pool.begin().await?;
    if !db::claim_day(&mut *tx, day).await? {
        return Ok(None);
    }
    let weights = Weights::from_rows(&db::weights(&mut *tx).await?);
    let rows = db::customer_signals(&mut *tx, now).await?;
    let ids: Vec<i64> = rows.iter().map(|s| s.organization_id).collect();
    let scores: Vec<i16> = rows
        .iter()
        .map(|s| score::breakdown(s, &weights).score as i16)
        .collect();
    let features: Vec<String> = rows
        .iter()
        .map(|s| signals::array_text(&signals::features(s)))
        .collect();
    db::write_scores(&mut *tx, day, &ids, &scores, &features).await?;
    tx.commit().await?;
    Ok(Some(rows.len()))
}

/// Train the churn model on the organizations that left (their signals just
/// before their leaving day: nothing from the day they left or after) and the
/// current customers (as they are now), validate it and store it. None while
/// fewer than `CHURN_MODEL_MINIMUM_LEFT` have left.
pub async fn train(pool: &PgPool, now: OffsetDateTime) -> Result<Option<ChurnModelRow>, Error> {
    let left = db::left_organizations(pool).await?;
    if (left.len() as i64) < CHURN_MODEL_MINIMUM_LEFT {
        return Ok(None);
    }
    let ids: Vec<i64> = left.iter().map(|(o, _)| *o).collect();
    let days: Vec<time::Date> = left.iter().map(|(_, d)| *d).collect();
    // Midnight UTC of the leaving day: every signal counts only what happened before.
    let as_of: Vec<OffsetDateTime> = days.iter().map(|d| d.midnight().assume_utc()).collect();
    let mut samples: Vec<Sample> = db::signals_as_of(pool, &ids, &as_of)
        .await?
        .iter()
        .map(|s| Sample {
            features: signals::features(s),
            left: true,
        })
        .collect();
    samples.extend(
        db::customer_signals(pool, now)
            .await?
            .iter()
            .map(|s| Sample {
                features: signals::features(s),
                left: false,
            }),
    );
    let organizations = samples.len();
    let (model, validation) = tokio::task::spawn_blocking(move || model::train(&samples))
        .await
        .map_err(Error::internal)??;
    // Days ahead, from the history before leaving.
    let mut daily: BTreeMap<i64, Vec<(i64, f64)>> = BTreeMap::new();
    let left_day: BTreeMap<i64, time::Date> = left.iter().copied().collect();
    for (organization, day, features) in db::history_before(pool, &ids, &days).await? {
        if features.len() != signals::FEATURES.len() {
            continue;
        }
        let before = (left_day[&organization] - day).whole_days();
        daily
            .entry(organization)
            .or_default()
            .push((before, model.probability(&features)));
    }
    let mut ahead: Vec<f64> = daily
        .values()
        .filter_map(|d| model::days_ahead(d))
        .map(|d| d as f64)
        .collect();
    let row = ChurnModelRow {
        trained_at: now,
        organizations: organizations as i32,
        left_organizations: left.len() as i32,
        held_out: validation.held_out as i32,
        features: signals::FEATURES
            .iter()
            .map(|(n, _)| (*n).to_string())
            .collect(),
        means: model.means,
        scales: model.scales,
        coefficients: model.coefficients,
        intercept: model.intercept,
        auc: validation.auc,
        precision_top_decile: validation.precision_top_decile,
        warned: ahead.len() as i32,
        median_days_ahead: model::median(&mut ahead),
        with_history: daily.len() as i32,
    };
    db::save_model(pool, &row).await?;
    Ok(Some(row))
}

/// Train the model now (admins, from the churn page) rather than with the
/// next day's job.
pub async fn train_now(
    permit: &Permit,
    pool: &PgPool,
    now: OffsetDateTime,
) -> Result<Option<ChurnModelRow>, Error> {
    permit.check(&Action::ManageAccountHealth)?;
    train(pool, now).await
}

/// One round of the daily job: write today's scores, and when they were
/// written (the first round of the day), train the model again.
pub async fn daily(pool: &PgPool, now: OffsetDateTime) -> Result<(), Error> {
    if let Some(scored) = write_day(pool, now).await? {
        tracing::info!(scored, "wrote the day's health scores");
        if let Some(model) = train(pool, now).await? {
            tracing::info!(
                auc = model.auc,
                left = model.left_organizations,
                "trained the churn model"
            );
        }
    }
    Ok(())
}
