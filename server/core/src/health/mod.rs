//! Account health: a score from 0 to 100 for every customer organization from
//! signals Rapport already has (`signals`, computed set-based in
//! `db::health`), the admins' weights (`score`), the daily history the trend
//! and the churn model read (`history`), customers leaving and coming back
//! (`churn`), and the churn model (`model`). For staff only.

pub mod churn;
pub mod history;
pub mod model;
pub mod score;
pub mod signals;

use crate::db::health::{self as db, ChurnModelRow, SignalRow};
use crate::policy::{Action, Permit};
use crate::Error;
use model::ChurnModel;
use rapport_types::views::health::{
    ChurnEventView, ChurnModelView, CoefficientView, HealthBadge, HealthListView, HealthRowView,
    OrganizationHealthView, ScorePartView, ScoreTrend, WeightView,
};
use rapport_types::{HealthSignal, MAX_HEALTH_WEIGHT};
use score::{Breakdown, Weights};
use sqlx::PgPool;
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};

/// How many organizations the list shows (the lowest scores).
pub const LIST_LENGTH: usize = 100;
/// How far back the trend looks.
pub const TREND_DAYS: i64 = 30;

fn part_views(breakdown: &Breakdown, n: Option<usize>) -> Vec<ScorePartView> {
    let parts = match n {
        Some(n) => breakdown.drivers(n),
        None => breakdown.parts.clone(),
    };
    parts
        .iter()
        .map(|p| ScorePartView {
            signal: p.signal,
            points: p.points,
            line: p.line(),
        })
        .collect()
}

fn day_text(day: Date) -> String {
    format!("{}-{:02}-{:02}", day.year(), day.month() as u8, day.day())
}

fn trend(score: i32, from: Option<&(Date, i16)>) -> Option<ScoreTrend> {
    from.map(|(day, was)| ScoreTrend {
        since: day_text(*day),
        was: i32::from(*was),
        change: score - i32::from(*was),
    })
}

impl From<&ChurnModelRow> for ChurnModel {
    fn from(row: &ChurnModelRow) -> ChurnModel {
        ChurnModel {
            means: row.means.clone(),
            scales: row.scales.clone(),
            coefficients: row.coefficients.clone(),
            intercept: row.intercept,
        }
    }
}

/// The model's view for the churn page: validation and coefficients.
pub fn model_view(row: ChurnModelRow) -> ChurnModelView {
    let mut coefficients: Vec<CoefficientView> = row
        .features
        .iter()
        .zip(&row.coefficients)
        .filter_map(|(feature, c)| {
            signals::feature_signal(feature).map(|signal| CoefficientView {
                feature: feature.clone(),
                signal,
                coefficient: *c,
            })
        })
        .collect();
    coefficients.sort_by(|a, b| b.coefficient.abs().total_cmp(&a.coefficient.abs()));
    ChurnModelView {
        trained: row.trained_at.date().to_string(),
        organizations: row.organizations,
        left_organizations: row.left_organizations,
        held_out: row.held_out,
        auc: row.auc,
        precision_top_decile: row.precision_top_decile,
        median_days_ahead: row.median_days_ahead,
        warned: row.warned,
        with_history: row.with_history,
        coefficients,
    }
}

/// A stored model, usable only if it was trained on today's features.
fn usable_model(row: Option<ChurnModelRow>) -> Option<ChurnModel> {
    row.filter(|m| {
        m.features.len() == signals::FEATURES.len()
            && m.features
                .iter()
                .zip(signals::FEATURES)
                .all(|(a, (b, _))| a == b)
    })
    .as_ref()
    .map(ChurnModel::from)
}

/// `/reports/health`: every customer scored, the lowest `LIST_LENGTH` shown
/// with their three largest drivers, trend and churn probability. Four
/// statements, whatever the number of organizations.
pub async fn list(
    permit: &Permit,
    pool: &PgPool,
    now: OffsetDateTime,
) -> Result<HealthListView, Error> {
    permit.check(&Action::ViewAccountHealth)?;
    let weight_rows = db::weights(pool).await?;
    let weights = Weights::from_rows(&weight_rows);
    let signals = db::customer_signals(pool, now).await?;
    let since = (now - Duration::days(TREND_DAYS)).date();
    let first: HashMap<i64, (Date, i16)> = db::scores_since(pool, since)
        .await?
        .into_iter()
        .map(|(o, day, score)| (o, (day, score)))
        .collect();
    let model = usable_model(db::latest_model(pool).await?);
    let mut scored: Vec<(&SignalRow, Breakdown)> = signals
        .iter()
        .map(|s| (s, score::breakdown(s, &weights)))
        .collect();
    scored.sort_by(|(a, x), (b, y)| {
        x.score
            .cmp(&y.score)
            .then_with(|| a.organization.cmp(&b.organization))
    });
    let customers = scored.len() as i64;
    let rows = scored
        .into_iter()
        .take(LIST_LENGTH)
        .map(|(s, b)| HealthRowView {
            organization_id: s.organization_id,
            organization: s.organization.clone(),
            score: b.score,
            drivers: part_views(&b, Some(3)),
            trend: trend(b.score, first.get(&s.organization_id)),
            churn_probability: model.as_ref().map(|m| m.probability(&signals::features(s))),
        })
        .collect();
    Ok(HealthListView {
        rows,
        customers,
        weights: weight_views(&weights),
        can_edit: permit.allows(&Action::ManageAccountHealth),
        has_model: model.is_some(),
    })
}

fn weight_views(weights: &Weights) -> Vec<WeightView> {
    HealthSignal::ALL
        .into_iter()
        .map(|signal| WeightView {
            signal,
            label: signal.label().into(),
            rule: signal.rule().into(),
            weight: weights.get(signal),
        })
        .collect()
}

/// One organization's score with every part, its history and its churn events.
pub async fn organization(
    permit: &Permit,
    pool: &PgPool,
    organization_id: i64,
    now: OffsetDateTime,
) -> Result<OrganizationHealthView, Error> {
    permit.check(&Action::ViewAccountHealth)?;
    let signals = db::organization_signals(pool, organization_id, now)
        .await?
        .ok_or(Error::NotFound)?;
    let weights = Weights::from_rows(&db::weights(pool).await?);
    let breakdown = score::breakdown(&signals, &weights);
    let history = db::history(pool, organization_id, (now - Duration::days(90)).date()).await?;
    let since = (now - Duration::days(TREND_DAYS)).date();
    let first = history.iter().find(|(day, _)| *day >= since);
    let events = db::churn_events(pool, organization_id).await?;
    let model = usable_model(db::latest_model(pool).await?);
    let today = now.date();
    Ok(OrganizationHealthView {
        organization_id,
        organization: signals.organization.clone(),
        score: breakdown.score,
        parts: part_views(&breakdown, None),
        trend: trend(breakdown.score, first),
        history: history
            .iter()
            .map(|(day, score)| (day_text(*day), i32::from(*score)))
            .collect(),
        churn_probability: model.map(|m| m.probability(&signals::features(&signals))),
        is_customer: events
            .iter()
            .find(|e| e.on_day <= today)
            .is_none_or(|e| e.kind != "left"),
        events: events
            .into_iter()
            .map(|e| ChurnEventView {
                kind: e.kind,
                day: day_text(e.on_day),
                reason: e.reason,
                recorded_by: e.recorded_by,
            })
            .collect(),
        can_manage: permit.allows(&Action::ManageAccountHealth),
    })
}

/// The badge beside a case, from what the case sidebar's statement carried.
pub fn badge(signals: &SignalRow, weight_rows: &[(String, i32)]) -> HealthBadge {
    let breakdown = score::breakdown(signals, &Weights::from_rows(weight_rows));
    HealthBadge {
        organization_id: signals.organization_id,
        score: breakdown.score,
        top_driver: breakdown.drivers(1).first().map(score::Part::line),
    }
}

/// Parse the weights as typed, one per signal: whole percentages from 0 to
/// `MAX_HEALTH_WEIGHT`. The error names the first wrong field (the signal's name).
pub fn parse_weights(typed: &[(HealthSignal, &str)]) -> Result<Vec<(HealthSignal, i32)>, Error> {
    HealthSignal::ALL
        .into_iter()
        .map(|signal| {
            let text = typed
                .iter()
                .find(|(s, _)| *s == signal)
                .map(|(_, t)| t.trim())
                .unwrap_or("");
            match text.parse::<i32>() {
                Ok(w) if (0..=MAX_HEALTH_WEIGHT).contains(&w) => Ok((signal, w)),
                _ => Err(Error::invalid(
                    signal.as_str(),
                    format!(
                        "{}: give a whole number from 0 to {MAX_HEALTH_WEIGHT} (percent; 100 counts the points as documented).",
                        signal.label()
                    ),
                )),
            }
        })
        .collect()
}

/// Save the weights (admins).
pub async fn save_weights(
    permit: &Permit,
    pool: &PgPool,
    typed: &[(HealthSignal, &str)],
) -> Result<(), Error> {
    permit.check(&Action::ManageAccountHealth)?;
    let actor = permit.signed_in()?;
    let parsed = parse_weights(typed)?;
    let names: Vec<String> = parsed.iter().map(|(s, _)| s.as_str().to_string()).collect();
    let values: Vec<i32> = parsed.iter().map(|(_, w)| *w).collect();
    db::save_weights(pool, &names, &values, actor.user_id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_parsed_whole_and_in_range_naming_the_field() {
        let mut typed: Vec<(HealthSignal, &str)> =
            HealthSignal::ALL.into_iter().map(|s| (s, "100")).collect();
        assert!(parse_weights(&typed).is_ok());
        typed[5].1 = "abc";
        let err = parse_weights(&typed).unwrap_err();
        assert_eq!(err.field(), Some("overdue_invoices"));
        typed[5].1 = " 301 ";
        assert_eq!(
            parse_weights(&typed).unwrap_err().field(),
            Some("overdue_invoices")
        );
        typed[5].1 = " 0 ";
        assert_eq!(parse_weights(&typed).unwrap()[5].1, 0);
        typed.pop();
        assert_eq!(
            parse_weights(&typed).unwrap_err().field(),
            Some("last_contact")
        );
    }
}
