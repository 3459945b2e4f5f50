//! What CSV and JSON files share: reading each field from text into the value
//! the record writers take, with a message for the person who wrote the file.
//!
//! Every field of a record is read before the record is put together, so one
//! pass reports all the mistakes of a row, not just the first.

use super::{Problems, Spot};
use crate::db::order_records::{
    DeliveryRecord, InvoiceLineRecord, InvoiceRecord, OrderLineRecord, OrderRecord, ProductRecord,
};
use rapport_types::{
    parse_amount, Currency, DeliveryStatus, Email, InvoiceStatus, OrderStatus, Tax, TaxRate,
};
use time::{Date, Month};

/// The longest SKU or number (of an order, invoice or delivery).
const MAX_KEY: usize = 64;

/// The plain values of one record (a CSV row, or the text and numbers of a
/// JSON object) by field name. Values are trimmed; empty ones are left out.
#[derive(Debug, Default)]
pub(super) struct Values {
    given: Vec<(&'static str, String)>,
    /// Fields whose value was of the wrong kind (JSON): already reported, so
    /// not reported again as missing.
    reported: Vec<&'static str>,
}

impl Values {
    pub(super) fn set(&mut self, name: &'static str, value: &str) {
        let value = value.trim();
        if !value.is_empty() {
            self.given.push((name, value.to_string()));
        }
    }

    pub(super) fn set_reported(&mut self, name: &'static str) {
        self.reported.push(name);
    }

    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.given
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The SKU or number in the field `name`, when it is a right one (else its
/// problem is reported by `Check::key`): what a reference check looks up.
pub(super) fn readable_key(values: &Values, name: &str) -> Option<String> {
    values
        .get(name)
        .filter(|key| key.chars().count() <= MAX_KEY)
        .map(str::to_string)
}

/// Reads the fields of one record, keeping a problem for each mistake. Every
/// reading method returns None when the field is wrong (the problem is kept).
pub(super) struct Check<'p> {
    problems: &'p mut Problems,
    at: Spot,
}

impl<'p> Check<'p> {
    pub(super) fn new(problems: &'p mut Problems, at: Spot) -> Check<'p> {
        Check { problems, at }
    }

    pub(super) fn problem(&mut self, name: &str, reason: impl Into<String>) {
        self.problems
            .add(self.at.line, Some(self.at.field(name)), reason);
    }

    fn read<T>(&mut self, name: &str, result: Result<T, String>) -> Option<T> {
        result.map_err(|reason| self.problem(name, reason)).ok()
    }

    /// A problem with the record as a whole (in JSON: named by its path).
    pub(super) fn record_problem(&mut self, reason: impl Into<String>) {
        let path = Some(self.at.path.clone()).filter(|p| !p.is_empty());
        self.problems.add(self.at.line, path, reason);
    }

    /// A value that must be given.
    fn required<'v>(&mut self, values: &'v Values, name: &str) -> Option<&'v str> {
        let value = values.get(name);
        if value.is_none() && !values.reported.contains(&name) {
            self.problem(name, "is missing");
        }
        value
    }

    /// A SKU or a number of an order, invoice or delivery.
    pub(super) fn key(&mut self, values: &Values, name: &str) -> Option<String> {
        let value = self.required(values, name)?;
        self.read(name, within(value, MAX_KEY))
    }

    fn text(&mut self, values: &Values, name: &str, max_chars: usize) -> Option<String> {
        let value = self.required(values, name)?;
        self.read(name, within(value, max_chars))
    }

    /// Text that may be left empty (then it is "").
    fn optional_text(&mut self, values: &Values, name: &str, max_chars: usize) -> Option<String> {
        let value = values.get(name).unwrap_or_default();
        self.read(name, within(value, max_chars))
    }

    fn date(&mut self, values: &Values, name: &str) -> Option<Date> {
        let value = self.required(values, name)?;
        self.read(name, parse_date(value))
    }

    /// A date that may be left empty: Some(None) when it is.
    fn optional_date(&mut self, values: &Values, name: &str) -> Option<Option<Date>> {
        match values.get(name) {
            None => Some(None),
            Some(value) => self.read(name, parse_date(value)).map(Some),
        }
    }

    fn quantity(&mut self, values: &Values, name: &str) -> Option<i32> {
        let value = self.required(values, name)?;
        self.read(name, parse_quantity(value))
    }

    fn currency(&mut self, values: &Values, name: &str) -> Option<Currency> {
        let value = self.required(values, name)?;
        let currency = Currency::parse(value).ok_or_else(|| {
            format!("“{value}” is not a currency; write its three-letter code in capitals, e.g. CHF or EUR")
        });
        self.read(name, currency)
    }

    /// An amount in `currency` (None when the currency is wrong: that problem
    /// is already kept, and without it the decimals cannot be checked).
    fn amount(
        &mut self,
        values: &Values,
        name: &str,
        currency: Option<&Currency>,
        sign: Sign,
    ) -> Option<i64> {
        let value = self.required(values, name)?;
        let minor = self.read(name, parse_amount(value, currency?))?;
        if minor < 0 && sign == Sign::NotNegative {
            self.problem(name, format!("“{value}” must not be negative"));
            return None;
        }
        Some(minor)
    }

    /// A status, one of `choices` (written as `one_of` lists them).
    fn status<S>(
        &mut self,
        values: &Values,
        name: &str,
        what: &str,
        parse: fn(&str) -> Option<S>,
        choices: &str,
    ) -> Option<S> {
        let value = self.required(values, name)?;
        let status =
            parse(value).ok_or_else(|| format!("“{value}” is not {what}; use one of: {choices}"));
        self.read(name, status)
    }
}

/// "placed, processing, shipped, completed, cancelled".
fn one_of<S: Copy>(all: &[S], text: fn(S) -> &'static str) -> String {
    all.iter().map(|s| text(*s)).collect::<Vec<_>>().join(", ")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sign {
    NotNegative,
    /// Invoice lines: a discount or a credit is a negative price.
    Any,
}

/// Text of at most `max_chars` characters.
fn within(value: &str, max_chars: usize) -> Result<String, String> {
    if value.chars().count() > max_chars {
        return Err(format!("is longer than {max_chars} characters"));
    }
    Ok(value.to_string())
}

/// `YYYY-MM-DD`, a real day.
pub(super) fn parse_date(value: &str) -> Result<Date, String> {
    let wrong = || format!("“{value}” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-02");
    let parts: Vec<&str> = value.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(wrong());
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
        return Err(wrong());
    }
    let year: i32 = year.parse().map_err(|_| wrong())?;
    let month: u8 = month.parse().map_err(|_| wrong())?;
    let day: u8 = day.parse().map_err(|_| wrong())?;
    let month = Month::try_from(month).map_err(|_| wrong())?;
    Date::from_calendar_date(year, month, day).map_err(|_| wrong())
}

/// A whole number of 1 or more.
pub(super) fn parse_quantity(value: &str) -> Result<i32, String> {
    let wrong = || format!("“{value}” must be a whole number of 1 or more");
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong());
    }
    match value.parse::<i32>() {
        Ok(0) => Err(wrong()),
        Ok(quantity) => Ok(quantity),
        Err(_) => Err(format!("“{value}” is too large")),
    }
}

/// One tax of an invoice line: who levies it, at what percentage.
pub(super) fn parse_tax(jurisdiction: &str, rate: &str) -> Result<Tax, String> {
    let jurisdiction = jurisdiction.trim();
    if jurisdiction.is_empty() {
        return Err(format!(
            "the tax rate “{}” needs a jurisdiction before it, e.g. CH 8.1%",
            rate.trim()
        ));
    }
    if jurisdiction.chars().count() > MAX_KEY {
        return Err(format!(
            "the jurisdiction “{jurisdiction}” is longer than {MAX_KEY} characters"
        ));
    }
    Ok(Tax {
        jurisdiction: jurisdiction.to_string(),
        rate: TaxRate::parse_percent(rate)?,
    })
}

/// The `taxes` column of an invoice CSV: empty, or `JURISDICTION RATE%` items
/// separated by `;`, e.g. `US-CA 6%; US-CA-LA 2.25%`.
pub(super) fn parse_tax_list(text: &str) -> Result<Vec<Tax>, String> {
    let mut taxes = Vec::new();
    for item in text.split(';').map(str::trim).filter(|i| !i.is_empty()) {
        // "CH 8.1%" and "CH 8.1 %" both split into the jurisdiction and the rate.
        let without_percent = item.trim_end_matches('%').trim_end();
        let Some((jurisdiction, rate)) = without_percent.rsplit_once(char::is_whitespace) else {
            return Err(format!(
                "“{item}” is not a tax; write the jurisdiction and the rate, e.g. CH 8.1%"
            ));
        };
        taxes.push(parse_tax(jurisdiction, rate)?);
    }
    distinct_taxes(&taxes)?;
    Ok(taxes)
}

/// One line is taxed at most once per jurisdiction.
pub(super) fn distinct_taxes(taxes: &[Tax]) -> Result<(), String> {
    for (index, tax) in taxes.iter().enumerate() {
        if taxes[..index]
            .iter()
            .any(|t| t.jurisdiction == tax.jurisdiction)
        {
            return Err(format!(
                "{} is listed twice; give each jurisdiction once per line",
                tax.jurisdiction
            ));
        }
    }
    Ok(())
}

pub(super) fn product(check: &mut Check, values: &Values) -> Option<ProductRecord> {
    let sku = check.key(values, "sku");
    let name = check.text(values, "name", 200);
    let description = check.optional_text(values, "description", 5000);
    let currency = check.currency(values, "currency");
    let unit_price = check.amount(values, "unit_price", currency.as_ref(), Sign::NotNegative);
    let vendor = check.optional_text(values, "vendor", 200);
    Some(ProductRecord {
        sku: sku?,
        name: name?,
        description: description?,
        unit_price_minor: unit_price?,
        currency: currency?.code().to_string(),
        vendor: vendor?,
    })
}

/// An order without its lines.
#[derive(Debug)]
pub(super) struct OrderHead {
    number: String,
    organization: String,
    placed_by: Option<String>,
    status: OrderStatus,
    ordered_on: Date,
    currency: Currency,
}

impl OrderHead {
    /// The organization and who placed the order, which must exist in Rapport.
    pub(super) fn customer(&self) -> (String, Option<String>) {
        (self.organization.clone(), self.placed_by.clone())
    }

    pub(super) fn with_lines(self, lines: Vec<OrderLineRecord>) -> OrderRecord {
        OrderRecord {
            number: self.number,
            organization: self.organization,
            placed_by: self.placed_by,
            status: self.status,
            ordered_on: self.ordered_on,
            currency: self.currency.code().to_string(),
            lines,
        }
    }
}

pub(super) fn order_head(check: &mut Check, values: &Values) -> Option<OrderHead> {
    let number = check.key(values, "order");
    let organization = check.text(values, "organization", 200);
    let placed_by = match values.get("placed_by") {
        None => Some(None),
        Some(email) => match Email::parse("placed_by", email) {
            Ok(email) => Some(Some(email.as_str().to_string())),
            Err(_) => {
                check.problem(
                    "placed_by",
                    format!("“{email}” is not an e-mail address like name@example.com"),
                );
                None
            }
        },
    };
    let status = check.status(
        values,
        "status",
        "an order status",
        OrderStatus::parse,
        &one_of(OrderStatus::ALL, OrderStatus::as_str),
    );
    let ordered_on = check.date(values, "ordered_on");
    let currency = check.currency(values, "currency");
    Some(OrderHead {
        number: number?,
        organization: organization?,
        placed_by: placed_by?,
        status: status?,
        ordered_on: ordered_on?,
        currency: currency?,
    })
}

/// The currency a line's amounts are in: the record's (each CSV row repeats
/// it), when it is right; when it is wrong, that problem is reported with the
/// record, and the line's amounts are not checked.
fn line_currency(values: &Values) -> Option<Currency> {
    values.get("currency").and_then(Currency::parse)
}

/// `values` also holds the order's currency (a CSV row; in JSON the order's).
pub(super) fn order_line(check: &mut Check, values: &Values) -> Option<OrderLineRecord> {
    let currency = line_currency(values);
    let sku = check.key(values, "sku");
    let quantity = check.quantity(values, "quantity");
    let unit_price = check.amount(values, "unit_price", currency.as_ref(), Sign::NotNegative);
    Some(OrderLineRecord {
        sku: sku?,
        quantity: quantity?,
        unit_price_minor: unit_price?,
    })
}

/// An invoice without its lines.
#[derive(Debug)]
pub(super) struct InvoiceHead {
    number: String,
    order: String,
    issued_on: Date,
    due_on: Date,
    status: InvoiceStatus,
    paid_on: Option<Date>,
    currency: Currency,
}

impl InvoiceHead {
    pub(super) fn with_lines(self, lines: Vec<InvoiceLineRecord>) -> InvoiceRecord {
        InvoiceRecord {
            number: self.number,
            order: self.order,
            issued_on: self.issued_on,
            due_on: self.due_on,
            status: self.status,
            paid_on: self.paid_on,
            currency: self.currency.code().to_string(),
            lines,
        }
    }
}

pub(super) fn invoice_head(check: &mut Check, values: &Values) -> Option<InvoiceHead> {
    let number = check.key(values, "invoice");
    let order = check.key(values, "order");
    let issued_on = check.date(values, "issued_on");
    let mut due_on = check.date(values, "due_on");
    let status = check
        .status(
            values,
            "status",
            "an invoice status",
            InvoiceStatus::parse,
            &one_of(InvoiceStatus::ALL, InvoiceStatus::as_str),
        )
        // Rapport works out "overdue" from the due date; stored as open, the
        // record stays the same when the order system starts calling it overdue.
        .map(|status| match status {
            InvoiceStatus::Overdue => InvoiceStatus::Open,
            status => status,
        });
    let mut paid_on = check.optional_date(values, "paid_on");
    let currency = check.currency(values, "currency");
    if let (Some(issued), Some(due)) = (issued_on, due_on) {
        if due < issued {
            check.problem("due_on", format!("{due} is before the issue date {issued}"));
            due_on = None;
        }
    }
    match (status, paid_on) {
        (Some(InvoiceStatus::Paid), Some(None)) => {
            check.problem(
                "paid_on",
                "is missing; a paid invoice needs the date it was paid",
            );
            paid_on = None;
        }
        (Some(status), Some(Some(_))) if status != InvoiceStatus::Paid => {
            check.problem(
                "paid_on",
                format!(
                    "only a paid invoice has a payment date; leave it empty for an {} invoice",
                    status.as_str()
                ),
            );
            paid_on = None;
        }
        _ => {}
    }
    Some(InvoiceHead {
        number: number?,
        order: order?,
        issued_on: issued_on?,
        due_on: due_on?,
        status: status?,
        paid_on: paid_on?,
        currency: currency?,
    })
}

/// `values` also holds the invoice's currency (a CSV row; in JSON the invoice's).
pub(super) fn invoice_line(
    check: &mut Check,
    values: &Values,
    taxes: Option<Vec<Tax>>,
) -> Option<InvoiceLineRecord> {
    let currency = line_currency(values);
    let description = check.text(values, "description", 500);
    let quantity = check.quantity(values, "quantity");
    let unit_price = check.amount(values, "unit_price", currency.as_ref(), Sign::Any);
    Some(InvoiceLineRecord {
        description: description?,
        quantity: quantity?,
        unit_price_minor: unit_price?,
        taxes: taxes?,
    })
}

/// The taxes column of an invoice line in CSV.
pub(super) fn tax_column(check: &mut Check, values: &Values) -> Option<Vec<Tax>> {
    let text = values.get("taxes").unwrap_or_default();
    check.read("taxes", parse_tax_list(text))
}

/// One tax of an invoice line in JSON: `{"jurisdiction": "CH", "rate": "8.1"}`.
pub(super) fn tax(check: &mut Check, values: &Values) -> Option<Tax> {
    let jurisdiction = check.text(values, "jurisdiction", MAX_KEY);
    let rate = check
        .required(values, "rate")
        .and_then(|rate| check.read("rate", TaxRate::parse_percent(rate)));
    Some(Tax {
        jurisdiction: jurisdiction?,
        rate: rate?,
    })
}

/// A delivery without its lines.
#[derive(Debug)]
pub(super) struct DeliveryHead {
    number: String,
    order: String,
    carrier: String,
    tracking_number: String,
    status: DeliveryStatus,
    shipped_on: Option<Date>,
    delivered_on: Option<Date>,
}

impl DeliveryHead {
    pub(super) fn with_lines(self, lines: Vec<(String, i32)>) -> DeliveryRecord {
        DeliveryRecord {
            number: self.number,
            order: self.order,
            carrier: self.carrier,
            tracking_number: self.tracking_number,
            status: self.status,
            shipped_on: self.shipped_on,
            delivered_on: self.delivered_on,
            lines,
            // Rapport keeps the history itself, one entry per status imported.
            events: Vec::new(),
        }
    }
}

pub(super) fn delivery_head(check: &mut Check, values: &Values) -> Option<DeliveryHead> {
    let number = check.key(values, "delivery");
    let order = check.key(values, "order");
    let carrier = check.text(values, "carrier", 100);
    let tracking_number = check.optional_text(values, "tracking_number", 100);
    let status = check.status(
        values,
        "status",
        "a delivery status",
        DeliveryStatus::parse,
        &one_of(DeliveryStatus::ALL, DeliveryStatus::as_str),
    );
    let shipped_on = check.optional_date(values, "shipped_on");
    let mut delivered_on = check.optional_date(values, "delivered_on");
    match (shipped_on, delivered_on) {
        (Some(None), Some(Some(_))) => {
            check.problem(
                "shipped_on",
                "is missing; a delivery with a delivery date needs its shipping date",
            );
            delivered_on = None;
        }
        (Some(Some(shipped)), Some(Some(delivered))) if delivered < shipped => {
            check.problem(
                "delivered_on",
                format!("{delivered} is before the shipping date {shipped}"),
            );
            delivered_on = None;
        }
        _ => {}
    }
    Some(DeliveryHead {
        number: number?,
        order: order?,
        carrier: carrier?,
        tracking_number: tracking_number?,
        status: status?,
        shipped_on: shipped_on?,
        delivered_on: delivered_on?,
    })
}

pub(super) fn delivery_line(check: &mut Check, values: &Values) -> Option<(String, i32)> {
    let sku = check.key(values, "sku");
    let quantity = check.quantity(values, "quantity");
    Some((sku?, quantity?))
}

/// A delivery names each product once: false, with a problem at each later
/// line, when it does not. `spots` are where the lines are.
pub(super) fn distinct_skus(
    problems: &mut Problems,
    lines: &[(String, i32)],
    spots: &[Spot],
) -> bool {
    let mut distinct = true;
    for (index, ((sku, _), spot)) in lines.iter().zip(spots).enumerate() {
        if let Some(first) = lines[..index].iter().position(|(other, _)| other == sku) {
            let first_line = spots.get(first).map_or(spot.line, |s| s.line);
            problems.add(
                spot.line,
                Some(spot.field("sku")),
                format!("{sku} is also on line {first_line}; list each product of a delivery once"),
            );
            distinct = false;
        }
    }
    distinct
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_year_month_day() {
        assert_eq!(
            parse_date("2026-03-02").map(|d| d.to_string()),
            Ok("2026-03-02".to_string())
        );
        for wrong in [
            "2026-3-2",
            "02.03.2026",
            "2026-02-30",
            "2026-13-01",
            "",
            "2026-03-02T10:00",
        ] {
            assert!(parse_date(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn quantities_are_whole_numbers_of_one_or_more() {
        assert_eq!(parse_quantity("3"), Ok(3));
        assert_eq!(
            parse_quantity("-2"),
            Err("“-2” must be a whole number of 1 or more".to_string())
        );
        for wrong in ["0", "1.5", "abc", "", "+2"] {
            assert!(parse_quantity(wrong).is_err(), "{wrong}");
        }
        assert!(parse_quantity("99999999999")
            .unwrap_err()
            .contains("too large"));
    }

    #[test]
    fn a_tax_column_lists_jurisdictions_and_rates() {
        let taxes = parse_tax_list("US-CA 6%; US-CA-LA 2.25 %;").unwrap();
        assert_eq!(taxes.len(), 2);
        assert_eq!(taxes[0].jurisdiction, "US-CA");
        assert_eq!(taxes[0].rate, TaxRate(60_000));
        assert_eq!(taxes[1].jurisdiction, "US-CA-LA");
        assert_eq!(taxes[1].rate, TaxRate(22_500));
        assert_eq!(parse_tax_list("").unwrap(), vec![]);
        assert!(parse_tax_list("8.1%").unwrap_err().contains("jurisdiction"));
        assert!(parse_tax_list("CH eight").unwrap_err().contains("tax rate"));
        assert!(parse_tax_list("CH 8.1%; CH 2%")
            .unwrap_err()
            .contains("twice"));
    }
}
