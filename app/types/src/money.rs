//! Money: exact amounts in integer minor units (cents) of an ISO 4217 currency,
//! tax rates in parts per million, and the one rounding rule of Rapport.
//!
//! **The rounding rule.** Only tax is ever rounded, and only once per tax line: the
//! tax on one invoice line for one jurisdiction is `net × rate`, rounded to the
//! nearest minor unit, halves away from zero (2.5 → 3, −2.5 → −3). The invoice's tax
//! total is the sum of those rounded amounts, its subtotal the sum of the line nets,
//! and its total the subtotal plus the tax total, so the printed figures always add
//! up, and the tax total is never more than half a minor unit per tax line away
//! from the exact figure.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One million: a tax rate of `RATE_SCALE` parts per million is 100 %.
pub const RATE_SCALE: i64 = 1_000_000;

/// An ISO 4217 currency code: three capital letters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Currency(String);

impl Currency {
    pub fn parse(code: &str) -> Option<Currency> {
        let code = code.trim();
        (code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()))
            .then(|| Currency(code.to_string()))
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    /// Digits after the decimal point (ISO 4217): 0 for the yen, 3 for the
    /// Kuwaiti dinar, 2 for most.
    pub fn minor_digits(&self) -> u32 {
        match self.0.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }

    fn minor_per_major(&self) -> i64 {
        10i64.pow(self.minor_digits())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `minor` units of `currency` as people write it: "CHF 1,234.50", "-EUR 3.00".
pub fn format_money(minor: i64, currency: &str) -> String {
    let digits = Currency::parse(currency).map_or(2, |c| c.minor_digits());
    let scale = 10u64.pow(digits);
    let magnitude = minor.unsigned_abs();
    let (major, fraction) = (magnitude / scale, magnitude % scale);
    let mut grouped = String::new();
    let major = major.to_string();
    for (i, c) in major.chars().enumerate() {
        if i > 0 && (major.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if minor < 0 { "-" } else { "" };
    if digits == 0 {
        format!("{sign}{currency} {grouped}")
    } else {
        format!(
            "{sign}{currency} {grouped}.{fraction:0width$}",
            width = digits as usize
        )
    }
}

/// Read an amount in major units ("12.50", "-3", "1200.5") as exact minor units
/// of `currency`. More decimals than the currency has is an error, not a rounding.
pub fn parse_amount(text: &str, currency: &Currency) -> Result<i64, String> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let allowed = currency.minor_digits() as usize;
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !is_digits(whole) || !is_digits(fraction) {
        return Err(format!("“{text}” is not an amount; write it like 1234.50"));
    }
    if fraction.len() > allowed {
        return Err(format!(
            "“{text}” has more than {allowed} decimal(s), the most {currency} has"
        ));
    }
    let too_large = || format!("“{text}” is too large");
    let whole: i64 = whole.parse().map_err(|_| too_large())?;
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        fraction.parse::<i64>().map_err(|_| too_large())?
            * 10i64.pow((allowed - fraction.len()) as u32)
    };
    let minor = whole
        .checked_mul(currency.minor_per_major())
        .and_then(|m| m.checked_add(fraction))
        .ok_or_else(too_large)?;
    Ok(if negative { -minor } else { minor })
}

/// A tax rate as a share of the net amount, in parts per million.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TaxRate(pub i64);

impl TaxRate {
    /// Read a percentage ("8.1", "7.25 %", "0") with at most four decimals.
    pub fn parse_percent(text: &str) -> Result<TaxRate, String> {
        let trimmed = text.trim().trim_end_matches('%').trim();
        let (whole, fraction) = trimmed.split_once('.').unwrap_or((trimmed, ""));
        let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !is_digits(whole) || !is_digits(fraction) || fraction.len() > 4 {
            return Err(format!(
                "“{}” is not a tax rate; write a percentage like 8.1",
                text.trim()
            ));
        }
        let whole: i64 = whole
            .parse()
            .map_err(|_| format!("“{}” is too large", text.trim()))?;
        let fraction: i64 = format!("{fraction:0<4}").parse().unwrap_or(0);
        let ppm = whole.saturating_mul(10_000).saturating_add(fraction);
        if ppm > RATE_SCALE {
            return Err(format!("“{}” is more than 100 %", text.trim()));
        }
        Ok(TaxRate(ppm))
    }
}

impl fmt::Display for TaxRate {
    /// "8.1 %", "19 %", "7.25 %".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 10_000;
        let fraction = self.0 % 10_000;
        if fraction == 0 {
            write!(f, "{whole} %")
        } else {
            let fraction = format!("{fraction:04}");
            write!(f, "{whole}.{} %", fraction.trim_end_matches('0'))
        }
    }
}

/// `net × rate`, rounded to a whole minor unit, halves away from zero.
pub fn tax_on(net_minor: i64, rate: TaxRate) -> i64 {
    let exact = net_minor as i128 * rate.0 as i128;
    let scale = RATE_SCALE as i128;
    let (quotient, remainder) = (exact / scale, exact % scale);
    // Rust's division truncates toward zero; a remainder of half or more moves
    // one unit further from zero.
    let rounded = if remainder.abs() * 2 >= scale {
        quotient + exact.signum()
    } else {
        quotient
    };
    rounded as i64
}

/// One tax on an invoice line: who levies it and at what rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tax {
    pub jurisdiction: String,
    pub rate: TaxRate,
}

/// An invoice line before the sums: how many, at what price, taxed how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub taxes: Vec<Tax>,
}

/// The figures of one line: its net amount and one rounded amount per tax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineAmounts {
    pub net_minor: i64,
    pub tax_minor: Vec<i64>,
}

/// The tax of one jurisdiction at one rate over the whole invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxSummary {
    pub jurisdiction: String,
    pub rate: TaxRate,
    pub taxable_minor: i64,
    pub amount_minor: i64,
}

/// Every figure of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceTotals {
    pub lines: Vec<LineAmounts>,
    /// By jurisdiction and rate, in the order they first appear.
    pub by_rate: Vec<TaxSummary>,
    pub subtotal_minor: i64,
    pub tax_total_minor: i64,
    pub total_minor: i64,
}

/// Work out an invoice. Errors only when an amount does not fit in 64 bits.
pub fn invoice_totals(lines: &[LineInput]) -> Result<InvoiceTotals, String> {
    let overflow = || "the amounts of this invoice are too large".to_string();
    let mut out = InvoiceTotals {
        lines: Vec::with_capacity(lines.len()),
        by_rate: Vec::new(),
        subtotal_minor: 0,
        tax_total_minor: 0,
        total_minor: 0,
    };
    for line in lines {
        let net = line
            .quantity
            .checked_mul(line.unit_price_minor)
            .ok_or_else(overflow)?;
        let mut taxes = Vec::with_capacity(line.taxes.len());
        for tax in &line.taxes {
            let amount = tax_on(net, tax.rate);
            taxes.push(amount);
            out.tax_total_minor = out
                .tax_total_minor
                .checked_add(amount)
                .ok_or_else(overflow)?;
            match out
                .by_rate
                .iter_mut()
                .find(|s| s.jurisdiction == tax.jurisdiction && s.rate == tax.rate)
            {
                Some(summary) => {
                    summary.taxable_minor += net;
                    summary.amount_minor += amount;
                }
                None => out.by_rate.push(TaxSummary {
                    jurisdiction: tax.jurisdiction.clone(),
                    rate: tax.rate,
                    taxable_minor: net,
                    amount_minor: amount,
                }),
            }
        }
        out.subtotal_minor = out.subtotal_minor.checked_add(net).ok_or_else(overflow)?;
        out.lines.push(LineAmounts {
            net_minor: net,
            tax_minor: taxes,
        });
    }
    out.total_minor = out
        .subtotal_minor
        .checked_add(out.tax_total_minor)
        .ok_or_else(overflow)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chf() -> Currency {
        Currency::parse("CHF").unwrap()
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        let ten_percent = TaxRate(100_000);
        assert_eq!(tax_on(25, ten_percent), 3); // 2.5 → 3
        assert_eq!(tax_on(24, ten_percent), 2); // 2.4 → 2
        assert_eq!(tax_on(-25, ten_percent), -3); // −2.5 → −3
        assert_eq!(tax_on(-24, ten_percent), -2);
        assert_eq!(tax_on(1999, TaxRate(81_000)), 162); // 161.919 → 162
        assert_eq!(tax_on(0, TaxRate(190_000)), 0);
    }

    #[test]
    fn amounts_are_read_exactly() {
        assert_eq!(parse_amount("12.50", &chf()), Ok(1250));
        assert_eq!(parse_amount("12.5", &chf()), Ok(1250));
        assert_eq!(parse_amount("-3", &chf()), Ok(-300));
        assert_eq!(parse_amount(" 0.07 ", &chf()), Ok(7));
        assert!(parse_amount("12.505", &chf())
            .unwrap_err()
            .contains("2 decimal"));
        assert!(parse_amount("1,200", &chf()).is_err());
        assert!(parse_amount("", &chf()).is_err());
        assert!(parse_amount("99999999999999999999", &chf()).is_err());
        let yen = Currency::parse("JPY").unwrap();
        assert_eq!(parse_amount("1200", &yen), Ok(1200));
        assert!(parse_amount("1200.5", &yen).is_err());
        let dinar = Currency::parse("KWD").unwrap();
        assert_eq!(parse_amount("1.005", &dinar), Ok(1005));
    }

    #[test]
    fn currencies_and_amounts_are_written_as_people_read_them() {
        assert_eq!(Currency::parse("chf"), None);
        assert_eq!(Currency::parse("EURO"), None);
        assert_eq!(format_money(123_450, "CHF"), "CHF 1,234.50");
        assert_eq!(format_money(-300, "EUR"), "-EUR 3.00");
        assert_eq!(format_money(7, "USD"), "USD 0.07");
        assert_eq!(format_money(1_234_567, "JPY"), "JPY 1,234,567");
        assert_eq!(format_money(1005, "KWD"), "KWD 1.005");
    }

    #[test]
    fn tax_rates_are_percentages() {
        assert_eq!(TaxRate::parse_percent("8.1"), Ok(TaxRate(81_000)));
        assert_eq!(TaxRate::parse_percent("7.25 %"), Ok(TaxRate(72_500)));
        assert_eq!(TaxRate::parse_percent("19"), Ok(TaxRate(190_000)));
        assert_eq!(TaxRate::parse_percent("8.875"), Ok(TaxRate(88_750)));
        assert!(TaxRate::parse_percent("101").is_err());
        assert!(TaxRate::parse_percent("-5").is_err());
        assert!(TaxRate::parse_percent("8.12345").is_err());
        assert_eq!(TaxRate(81_000).to_string(), "8.1 %");
        assert_eq!(TaxRate(190_000).to_string(), "19 %");
        assert_eq!(TaxRate(88_750).to_string(), "8.875 %");
    }

    #[test]
    fn an_invoice_with_two_rates_and_two_taxes_on_one_line() {
        let tax = |j: &str, pct: &str| Tax {
            jurisdiction: j.into(),
            rate: TaxRate::parse_percent(pct).unwrap(),
        };
        let totals = invoice_totals(&[
            LineInput {
                quantity: 3,
                unit_price_minor: 1999,
                taxes: vec![tax("US-CA", "6"), tax("US-CA-LA", "2.25")],
            },
            LineInput {
                quantity: 1,
                unit_price_minor: 4500,
                taxes: vec![tax("US-CA", "6")],
            },
        ])
        .unwrap();
        // 5997 × 6 % = 359.82 → 360; 5997 × 2.25 % = 134.93 → 135; 4500 × 6 % = 270.
        assert_eq!(totals.lines[0].tax_minor, vec![360, 135]);
        assert_eq!(totals.subtotal_minor, 10_497);
        assert_eq!(totals.tax_total_minor, 765);
        assert_eq!(totals.total_minor, 11_262);
        assert_eq!(totals.by_rate.len(), 2);
        assert_eq!(totals.by_rate[0].taxable_minor, 10_497);
        assert_eq!(totals.by_rate[0].amount_minor, 630);
    }

    fn line() -> impl Strategy<Value = LineInput> {
        let rates =
            prop::sample::select(vec![0i64, 25_000, 77_000, 81_000, 88_750, 190_000, 200_000]);
        (
            1i64..1_000,
            -1_000_000i64..10_000_000,
            prop::collection::vec((0usize..3, rates), 0..3),
        )
            .prop_map(|(quantity, unit_price_minor, taxes)| LineInput {
                quantity,
                unit_price_minor,
                taxes: taxes
                    .into_iter()
                    .map(|(j, rate)| Tax {
                        jurisdiction: ["CH", "DE", "US-NY"][j].into(),
                        rate: TaxRate(rate),
                    })
                    .collect(),
            })
    }

    proptest! {
        #[test]
        fn totals_always_add_up(lines in prop::collection::vec(line(), 0..40)) {
            let t = invoice_totals(&lines).unwrap();
            prop_assert_eq!(t.subtotal_minor + t.tax_total_minor, t.total_minor);
            prop_assert_eq!(t.lines.iter().map(|l| l.net_minor).sum::<i64>(), t.subtotal_minor);
            prop_assert_eq!(t.by_rate.iter().map(|s| s.amount_minor).sum::<i64>(), t.tax_total_minor);
            prop_assert_eq!(
                t.lines.iter().flat_map(|l| l.tax_minor.iter()).sum::<i64>(),
                t.tax_total_minor
            );
        }

        #[test]
        fn rounding_drifts_at_most_half_a_minor_unit_per_tax_line(
            lines in prop::collection::vec(line(), 0..40)
        ) {
            let t = invoice_totals(&lines).unwrap();
            // Compare in millionths of a minor unit, where nothing is rounded.
            let exact: i128 = lines
                .iter()
                .flat_map(|l| l.taxes.iter().map(move |tax| {
                    (l.quantity * l.unit_price_minor) as i128 * tax.rate.0 as i128
                }))
                .sum();
            let tax_lines = lines.iter().map(|l| l.taxes.len()).sum::<usize>() as i128;
            let drift = (t.tax_total_minor as i128 * RATE_SCALE as i128 - exact).abs();
            prop_assert!(drift * 2 <= tax_lines * RATE_SCALE as i128);
        }

        #[test]
        fn each_tax_line_is_within_half_a_unit(net in -10_000_000_000i64..10_000_000_000, rate in 0i64..=1_000_000) {
            let rounded = tax_on(net, TaxRate(rate)) as i128;
            let exact = net as i128 * rate as i128;
            prop_assert!((rounded * RATE_SCALE as i128 - exact).abs() * 2 <= RATE_SCALE as i128);
        }

        #[test]
        fn amounts_read_back_what_was_written(minor in -10_000_000_000i64..10_000_000_000) {
            let written = format_money(minor, "CHF");
            let plain = written.replace("CHF ", "").replace(',', "");
            prop_assert_eq!(parse_amount(&plain, &chf()), Ok(minor));
        }
    }
}
