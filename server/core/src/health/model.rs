//! The churn model: a logistic regression (linfa-logistic) on the signals of
//! organizations as they were before they left, against those of the
//! organizations that stayed, as they are now.
//!
//! Validation, on organizations the model did not see (a fixed 30 % held out):
//! - AUC: the chance that a left organization gets a higher probability than
//!   one that stayed (ties count half);
//! - precision in the riskiest 10 %: of the held-out organizations with the
//!   highest probabilities (a tenth of them, at least one), the share that left;
//! - days ahead: for each left organization with a score history before it
//!   left, the model is applied to each day's stored signals; it warned on the
//!   first day from which every later day's probability stayed at 0.5 or more,
//!   and the days ahead are from that day to the leaving day. The median over
//!   the warned organizations is shown, with how many were warned.
//!
//! Training is CPU work: callers run it with `spawn_blocking`.

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

/// The share of organizations held out for validation.
pub const HELD_OUT_SHARE: f64 = 0.3;
/// The probability from which the model counts as warning.
pub const WARNING_PROBABILITY: f64 = 0.5;
/// The shuffle of the held-out split: fixed, so a model trained twice on the
/// same data is the same.
const SPLIT_SEED: u64 = 16;

/// A trained model: standardization and coefficients per feature.
#[derive(Debug, Clone, PartialEq)]
pub struct ChurnModel {
    pub means: Vec<f64>,
    pub scales: Vec<f64>,
    /// Per standardized feature: the change of the log-odds of leaving.
    pub coefficients: Vec<f64>,
    pub intercept: f64,
}

impl ChurnModel {
    /// The probability that an organization with these (raw) features leaves.
    pub fn probability(&self, features: &[f64]) -> f64 {
        let z: f64 = features
            .iter()
            .zip(&self.means)
            .zip(&self.scales)
            .zip(&self.coefficients)
            .map(|(((x, mean), scale), c)| (x - mean) / scale * c)
            .sum::<f64>()
            + self.intercept;
        1.0 / (1.0 + (-z).exp())
    }
}

/// How the model did on the held-out organizations.
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    pub held_out: usize,
    pub auc: f64,
    pub precision_top_decile: f64,
}

/// One organization for training: its features and whether it left.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub features: Vec<f64>,
    pub left: bool,
}

/// Train on `samples` (both outcomes needed), validating on a held-out 30 %
/// drawn the same way each time, stratified so both sides have left and
/// stayed organizations.
pub fn train(samples: &[Sample]) -> Result<(ChurnModel, Validation), crate::Error> {
    let mut left: Vec<usize> = (0..samples.len()).filter(|&i| samples[i].left).collect();
    let mut stayed: Vec<usize> = (0..samples.len()).filter(|&i| !samples[i].left).collect();
    if left.len() < 4 || stayed.len() < 4 {
        return Err(crate::Error::Conflict(
            "the churn model needs organizations that left and organizations that stayed".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(SPLIT_SEED);
    left.shuffle(&mut rng);
    stayed.shuffle(&mut rng);
    let cut = |n: usize| ((n as f64 * HELD_OUT_SHARE).round() as usize).clamp(1, n - 1);
    let (test_left, train_left) = left.split_at(cut(left.len()));
    let (test_stayed, train_stayed) = stayed.split_at(cut(stayed.len()));
    let training: Vec<&Sample> = train_left
        .iter()
        .chain(train_stayed)
        .map(|&i| &samples[i])
        .collect();
    let held_out: Vec<&Sample> = test_left
        .iter()
        .chain(test_stayed)
        .map(|&i| &samples[i])
        .collect();
    let model = fit(&training)?;
    let scores: Vec<f64> = held_out
        .iter()
        .map(|s| model.probability(&s.features))
        .collect();
    let labels: Vec<bool> = held_out.iter().map(|s| s.left).collect();
    let validation = Validation {
        held_out: held_out.len(),
        auc: auc(&scores, &labels),
        precision_top_decile: precision_in_top(&scores, &labels, 0.1),
    };
    Ok((model, validation))
}

/// Standardize and fit a logistic regression (L2 penalty 1.0, linfa's default).
fn fit(samples: &[&Sample]) -> Result<ChurnModel, crate::Error> {
    let width = samples.first().map_or(0, |s| s.features.len());
    let n = samples.len() as f64;
    let means: Vec<f64> = (0..width)
        .map(|j| samples.iter().map(|s| s.features[j]).sum::<f64>() / n)
        .collect();
    let scales: Vec<f64> = (0..width)
        .map(|j| {
            let var = samples
                .iter()
                .map(|s| (s.features[j] - means[j]).powi(2))
                .sum::<f64>()
                / n;
            // A feature that never varies gets scale 1 (and learns nothing).
            if var > 1e-12 {
                var.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    let records = Array2::from_shape_fn((samples.len(), width), |(i, j)| {
        (samples[i].features[j] - means[j]) / scales[j]
    });
    let targets: Array1<bool> = samples.iter().map(|s| s.left).collect();
    let dataset = Dataset::new(records, targets);
    let fitted = LogisticRegression::default()
        .max_iterations(200)
        .fit(&dataset)
        .map_err(|e| crate::Error::internal(format!("training the churn model: {e}")))?;
    // linfa's probability is that of the larger class; turn it into the
    // probability of leaving.
    let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
    Ok(ChurnModel {
        means,
        scales,
        coefficients: fitted.params().iter().map(|c| c * sign).collect(),
        intercept: fitted.intercept() * sign,
    })
}

/// The area under the ROC curve: the chance that a positive scores higher
/// than a negative, ties counting half. 0.5 without both kinds.
pub fn auc(scores: &[f64], labels: &[bool]) -> f64 {
    let positives: Vec<f64> = scores
        .iter()
        .zip(labels)
        .filter(|(_, &l)| l)
        .map(|(s, _)| *s)
        .collect();
    let negatives: Vec<f64> = scores
        .iter()
        .zip(labels)
        .filter(|(_, &l)| !l)
        .map(|(s, _)| *s)
        .collect();
    if positives.is_empty() || negatives.is_empty() {
        return 0.5;
    }
    let mut wins = 0.0;
    for p in &positives {
        for n in &negatives {
            wins += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / (positives.len() * negatives.len()) as f64
}

/// Of the highest-scored `share` of the samples (at least one), the share
/// that are positive.
pub fn precision_in_top(scores: &[f64], labels: &[bool], share: f64) -> f64 {
    if scores.is_empty() {
        return 0.0;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let top = ((scores.len() as f64 * share).ceil() as usize).max(1);
    let hits = order[..top].iter().filter(|&&i| labels[i]).count();
    hits as f64 / top as f64
}

/// Days between the first warning and the leaving day, from the daily
/// probabilities before leaving (oldest first, with the days from each to
/// the leaving day): the first day from which every later probability stayed
/// at `WARNING_PROBABILITY` or more. None: the model did not warn on the last
/// day before leaving.
pub fn days_ahead(daily: &[(i64, f64)]) -> Option<i64> {
    let mut first_warning = None;
    for &(days_before, probability) in daily.iter().rev() {
        if probability >= WARNING_PROBABILITY {
            first_warning = Some(days_before);
        } else {
            break;
        }
    }
    first_warning
}

/// The median of `values` (None when empty).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_pairs_ranked_right_and_ties_half() {
        assert_eq!(auc(&[0.9, 0.8, 0.1, 0.2], &[true, true, false, false]), 1.0);
        assert_eq!(auc(&[0.1, 0.2, 0.9, 0.8], &[true, true, false, false]), 0.0);
        assert_eq!(auc(&[0.5, 0.5], &[true, false]), 0.5);
        // 0.7 beats 0.6 and 0.2, 0.3 beats 0.2 only: 3 of 4 pairs.
        assert_eq!(
            auc(&[0.7, 0.3, 0.6, 0.2], &[true, true, false, false]),
            0.75
        );
    }

    #[test]
    fn precision_in_the_riskiest_tenth() {
        let scores: Vec<f64> = (0..20).map(|i| i as f64).collect();
        let labels: Vec<bool> = (0..20).map(|i| i == 19 || i == 5).collect();
        // The top two are 19 (left) and 18 (stayed).
        assert_eq!(precision_in_top(&scores, &labels, 0.1), 0.5);
    }

    #[test]
    fn days_ahead_is_the_start_of_the_last_unbroken_warning() {
        let daily = [(60, 0.7), (45, 0.3), (30, 0.6), (15, 0.8), (1, 0.9)];
        assert_eq!(days_ahead(&daily), Some(30));
        assert_eq!(days_ahead(&[(30, 0.9), (1, 0.2)]), None);
        assert_eq!(median(&mut [30.0, 10.0, 20.0]), Some(20.0));
        assert_eq!(median(&mut [10.0, 20.0]), Some(15.0));
    }

    #[test]
    fn a_clear_driver_is_learned_with_its_sign() {
        // Leaving follows the first feature; the second is noise.
        let samples: Vec<Sample> = (0..200)
            .map(|i| {
                let x = (i % 10) as f64;
                let noise = ((i * 7919) % 13) as f64;
                Sample {
                    features: vec![x, noise],
                    left: x + (noise % 3.0) > 8.0,
                }
            })
            .collect();
        let (model, validation) = train(&samples).unwrap();
        assert!(model.coefficients[0] > 0.5, "{model:?}");
        assert!(model.coefficients[0].abs() > model.coefficients[1].abs());
        assert!(validation.auc > 0.9, "{validation:?}");
        assert!(model.probability(&[9.0, 1.0]) > model.probability(&[1.0, 1.0]));
    }
}
