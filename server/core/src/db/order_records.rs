//! Writing the order system's records: products, orders, invoices, deliveries.
//! Used by `rapport import-orders` and by the demo seed.
//!
//! Every record is keyed by its number (a product by its SKU) and written as a
//! whole: created when new, replaced when it changed, left alone when it is the
//! same as last time (a hash of the record is kept), so importing a file twice
//! changes nothing. References (an organization by name, a customer by e-mail,
//! an order by number, a product by SKU) are looked up here; a missing one is a
//! `RecordProblem`, said for the person who wrote the file.

use rapport_types::{invoice_totals, DeliveryStatus, InvoiceStatus, LineInput, OrderStatus, Tax};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, Serialize)]
pub struct ProductRecord {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub unit_price_minor: i64,
    pub currency: String,
    pub vendor: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderRecord {
    pub number: String,
    /// The organization's name, as in Rapport.
    pub organization: String,
    /// The e-mail of the customer who placed it, when known.
    pub placed_by: Option<String>,
    pub status: OrderStatus,
    pub ordered_on: Date,
    pub currency: String,
    pub lines: Vec<OrderLineRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderLineRecord {
    pub sku: String,
    pub quantity: i32,
    pub unit_price_minor: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct InvoiceRecord {
    pub number: String,
    pub order: String,
    pub issued_on: Date,
    pub due_on: Date,
    /// Open, paid or void (overdue is worked out, never stored).
    pub status: InvoiceStatus,
    pub paid_on: Option<Date>,
    pub currency: String,
    pub lines: Vec<InvoiceLineRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InvoiceLineRecord {
    pub description: String,
    pub quantity: i32,
    pub unit_price_minor: i64,
    pub taxes: Vec<Tax>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeliveryRecord {
    pub number: String,
    pub order: String,
    pub carrier: String,
    pub tracking_number: String,
    pub status: DeliveryStatus,
    pub shipped_on: Option<Date>,
    pub delivered_on: Option<Date>,
    /// What it carries: products of the order by SKU, and how many.
    pub lines: Vec<(String, i32)>,
    /// The status history, oldest first. When empty, Rapport keeps the history
    /// itself: one entry when the delivery is new, one more each time an import
    /// brings a new status.
    pub events: Vec<DeliveryEventRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeliveryEventRecord {
    pub status: DeliveryStatus,
    pub at: OffsetDateTime,
    pub note: String,
}

/// What writing one record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// Why a record could not be written, in words for the person who wrote the file.
#[derive(Debug)]
pub enum RecordProblem {
    /// A mistake in the record itself.
    Invalid(String),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for RecordProblem {
    fn from(err: sqlx::Error) -> Self {
        RecordProblem::Database(err)
    }
}

type Written = Result<Outcome, RecordProblem>;

/// Written over an existing record, or a new one.
fn outcome<T>(found: &Option<T>) -> Outcome {
    if found.is_some() {
        Outcome::Updated
    } else {
        Outcome::Created
    }
}

fn invalid<T>(message: impl Into<String>) -> Result<T, RecordProblem> {
    Err(RecordProblem::Invalid(message.into()))
}

fn hash_of(record: &impl Serialize) -> String {
    let json = serde_json::to_vec(record).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

/// The id and stored hash of the record with this key, if any.
async fn existing(
    db: &mut PgConnection,
    table: &'static str,
    key_column: &'static str,
    key: &str,
) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(&format!(
        "SELECT id, import_hash FROM {table} WHERE {key_column} = $1"
    ))
    .bind(key)
    .fetch_optional(db)
    .await
}

pub async fn write_product(db: &mut PgConnection, p: &ProductRecord) -> Written {
    let hash = hash_of(p);
    let found = existing(db, "products", "sku", &p.sku).await?;
    if found.as_ref().is_some_and(|(_, h)| *h == hash) {
        return Ok(Outcome::Unchanged);
    }
    sqlx::query(
        "INSERT INTO products (sku, name, description, unit_price_minor, currency, vendor, import_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (sku) DO UPDATE SET name = $2, description = $3, unit_price_minor = $4,
             currency = $5, vendor = $6, import_hash = $7, updated_at = now()",
    )
    .bind(&p.sku)
    .bind(&p.name)
    .bind(&p.description)
    .bind(p.unit_price_minor)
    .bind(&p.currency)
    .bind(&p.vendor)
    .bind(&hash)
    .execute(db)
    .await?;
    Ok(outcome(&found))
}

pub async fn write_order(db: &mut PgConnection, o: &OrderRecord) -> Written {
    let hash = hash_of(o);
    let found = existing(db, "orders", "number", &o.number).await?;
    if found.as_ref().is_some_and(|(_, h)| *h == hash) {
        return Ok(Outcome::Unchanged);
    }
    let organization: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM organizations WHERE lower(name) = lower($1) ORDER BY id LIMIT 1",
    )
    .bind(o.organization.trim())
    .fetch_optional(&mut *db)
    .await?;
    let Some(organization_id) = organization else {
        return invalid(format!(
            "there is no organization named “{}” in Rapport",
            o.organization
        ));
    };
    let placed_by = match &o.placed_by {
        None => None,
        Some(email) => {
            let user: Option<(i64, Option<i64>)> = sqlx::query_as(
                "SELECT id, organization_id FROM users WHERE lower(email) = lower($1)",
            )
            .bind(email.trim())
            .fetch_optional(&mut *db)
            .await?;
            match user {
                Some((id, Some(org))) if org == organization_id => Some(id),
                Some(_) => {
                    return invalid(format!("{email} is not a member of {}", o.organization))
                }
                None => return invalid(format!("there is no account with the e-mail {email}")),
            }
        }
    };
    if o.lines.is_empty() {
        return invalid("an order needs at least one line");
    }
    let mut total: i64 = 0;
    let mut product_ids = Vec::with_capacity(o.lines.len());
    for line in &o.lines {
        if line.quantity < 1 || line.unit_price_minor < 0 {
            return invalid(format!(
                "the line with SKU {} needs a quantity of 1 or more and a price of 0 or more",
                line.sku
            ));
        }
        let product: Option<i64> = sqlx::query_scalar("SELECT id FROM products WHERE sku = $1")
            .bind(&line.sku)
            .fetch_optional(&mut *db)
            .await?;
        let Some(product_id) = product else {
            return invalid(format!(
                "there is no product with the SKU {} (import products first, or put them earlier in the file)",
                line.sku
            ));
        };
        product_ids.push(product_id);
        total = (line.quantity as i64)
            .checked_mul(line.unit_price_minor)
            .and_then(|t| t.checked_add(total))
            .map_or_else(|| invalid("the order total is too large"), Ok)?;
    }
    // The product at each position before this write (none for a new order).
    let previous_products: Vec<(i32, i64)> = match &found {
        Some((id, _)) => {
            sqlx::query_as("SELECT position, product_id FROM order_lines WHERE order_id = $1")
                .bind(id)
                .fetch_all(&mut *db)
                .await?
        }
        None => Vec::new(),
    };
    let order_id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (number, organization_id, placed_by, status, ordered_on, currency, total_minor, import_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (number) DO UPDATE SET organization_id = $2, placed_by = $3, status = $4,
             ordered_on = $5, currency = $6, total_minor = $7, import_hash = $8, updated_at = now()
         RETURNING id",
    )
    .bind(&o.number)
    .bind(organization_id)
    .bind(placed_by)
    .bind(o.status.as_str())
    .bind(o.ordered_on)
    .bind(&o.currency)
    .bind(total)
    .bind(&hash)
    .fetch_one(&mut *db)
    .await?;
    // Lines are updated in place by position, so deliveries and cases that point
    // at a line keep pointing at it.
    for (index, (line, product_id)) in o.lines.iter().zip(&product_ids).enumerate() {
        sqlx::query(
            "INSERT INTO order_lines (order_id, position, product_id, quantity, unit_price_minor, line_total_minor)
             VALUES ($1, $2, $3, $4, $5, $4::bigint * $5)
             ON CONFLICT (order_id, position) DO UPDATE SET product_id = $3, quantity = $4,
                 unit_price_minor = $5, line_total_minor = $4::bigint * $5",
        )
        .bind(order_id)
        .bind(index as i32 + 1)
        .bind(product_id)
        .bind(line.quantity)
        .bind(line.unit_price_minor)
        .execute(&mut *db)
        .await?;
    }
    // A case about a line keeps the line: say so instead of failing on the key.
    let asked_about: Option<i64> = sqlx::query_scalar(
        "SELECT c.number FROM case_links k JOIN order_lines l ON l.id = k.order_line_id
         JOIN cases c ON c.id = k.case_id
         WHERE l.order_id = $1 AND l.position > $2 LIMIT 1",
    )
    .bind(order_id)
    .bind(o.lines.len() as i32)
    .fetch_optional(&mut *db)
    .await?;
    if let Some(case) = asked_about {
        return invalid(format!(
            "order {} would lose a line that case C-{case} is about; keep the line (a quantity can change)",
            o.number
        ));
    }
    sqlx::query("DELETE FROM order_lines WHERE order_id = $1 AND position > $2")
        .bind(order_id)
        .bind(o.lines.len() as i32)
        .execute(&mut *db)
        .await?;
    // A delivery's lines were found by SKU when it was written. When a position
    // now holds another product (or is gone), forget the hashes of the order's
    // deliveries, so the next import of each finds its lines again instead of
    // calling it unchanged.
    let products_moved = previous_products.iter().any(|(position, product)| {
        let now = (*position as usize)
            .checked_sub(1)
            .and_then(|i| product_ids.get(i));
        now != Some(product)
    });
    if products_moved {
        sqlx::query("UPDATE deliveries SET import_hash = '' WHERE order_id = $1")
            .bind(order_id)
            .execute(&mut *db)
            .await?;
    }
    Ok(outcome(&found))
}

/// The id, organization and currency of an order, by number.
async fn order_by_number(
    db: &mut PgConnection,
    number: &str,
) -> Result<(i64, i64, String), RecordProblem> {
    let order: Option<(i64, i64, String)> =
        sqlx::query_as("SELECT id, organization_id, currency FROM orders WHERE number = $1")
            .bind(number)
            .fetch_optional(&mut *db)
            .await?;
    order.map_or_else(
        || {
            invalid(format!(
                "there is no order {number} (import orders first, or put them earlier in the file)"
            ))
        },
        Ok,
    )
}

pub async fn write_invoice(db: &mut PgConnection, i: &InvoiceRecord) -> Written {
    let hash = hash_of(i);
    let found = existing(db, "invoices", "number", &i.number).await?;
    if found.as_ref().is_some_and(|(_, h)| *h == hash) {
        return Ok(Outcome::Unchanged);
    }
    let (order_id, organization_id, order_currency) = order_by_number(db, &i.order).await?;
    if order_currency != i.currency {
        return invalid(format!(
            "the invoice is in {} but order {} is in {order_currency}",
            i.currency, i.order
        ));
    }
    if i.due_on < i.issued_on {
        return invalid("the due date is before the issue date");
    }
    let status = match i.status {
        // An order system may say "overdue"; Rapport works that out itself.
        InvoiceStatus::Open | InvoiceStatus::Overdue => "open",
        InvoiceStatus::Paid => "paid",
        InvoiceStatus::Void => "void",
    };
    match (status, i.paid_on) {
        ("paid", None) => return invalid("a paid invoice needs the date it was paid"),
        ("paid", _) | (_, None) => {}
        (_, Some(_)) => return invalid("only a paid invoice has a date it was paid"),
    }
    if i.lines.is_empty() {
        return invalid("an invoice needs at least one line");
    }
    for line in &i.lines {
        if line.quantity < 1 {
            return invalid(format!(
                "“{}” needs a quantity of 1 or more",
                line.description
            ));
        }
        if let Some(tax) = line
            .taxes
            .iter()
            .find(|t| !(0..=rapport_types::RATE_SCALE).contains(&t.rate.0))
        {
            return invalid(format!(
                "the tax rate of {} on “{}” must be between 0 and 100 %",
                tax.jurisdiction, line.description
            ));
        }
    }
    let inputs: Vec<LineInput> = i
        .lines
        .iter()
        .map(|l| LineInput {
            quantity: l.quantity as i64,
            unit_price_minor: l.unit_price_minor,
            taxes: l.taxes.clone(),
        })
        .collect();
    let totals = invoice_totals(&inputs).map_or_else(invalid, Ok)?;
    let invoice_id: i64 = sqlx::query_scalar(
        "INSERT INTO invoices (number, order_id, organization_id, issued_on, due_on, currency, status,
             paid_on, subtotal_minor, tax_total_minor, total_minor, import_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (number) DO UPDATE SET order_id = $2, organization_id = $3, issued_on = $4,
             due_on = $5, currency = $6, status = $7, paid_on = $8, subtotal_minor = $9,
             tax_total_minor = $10, total_minor = $11, import_hash = $12, updated_at = now()
         RETURNING id",
    )
    .bind(&i.number)
    .bind(order_id)
    .bind(organization_id)
    .bind(i.issued_on)
    .bind(i.due_on)
    .bind(&i.currency)
    .bind(status)
    .bind(i.paid_on)
    .bind(totals.subtotal_minor)
    .bind(totals.tax_total_minor)
    .bind(totals.total_minor)
    .bind(&hash)
    .fetch_one(&mut *db)
    .await?;
    // Nothing points at invoice lines: they are replaced as a whole.
    sqlx::query("DELETE FROM invoice_lines WHERE invoice_id = $1")
        .bind(invoice_id)
        .execute(&mut *db)
        .await?;
    for (index, (line, amounts)) in i.lines.iter().zip(&totals.lines).enumerate() {
        let line_id: i64 = sqlx::query_scalar(
            "INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_price_minor, net_minor)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(invoice_id)
        .bind(index as i32 + 1)
        .bind(&line.description)
        .bind(line.quantity)
        .bind(line.unit_price_minor)
        .bind(amounts.net_minor)
        .fetch_one(&mut *db)
        .await?;
        for (tax, amount) in line.taxes.iter().zip(&amounts.tax_minor) {
            sqlx::query(
                "INSERT INTO invoice_tax_lines (invoice_line_id, jurisdiction, rate_ppm, taxable_minor, amount_minor)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(line_id)
            .bind(&tax.jurisdiction)
            .bind(tax.rate.0 as i32)
            .bind(amounts.net_minor)
            .bind(amount)
            .execute(&mut *db)
            .await?;
        }
    }
    Ok(outcome(&found))
}

pub async fn write_delivery(db: &mut PgConnection, d: &DeliveryRecord) -> Written {
    let hash = hash_of(d);
    let found = existing(db, "deliveries", "number", &d.number).await?;
    if found.as_ref().is_some_and(|(_, h)| *h == hash) {
        return Ok(Outcome::Unchanged);
    }
    let (order_id, organization_id, _) = order_by_number(db, &d.order).await?;
    match (d.shipped_on, d.delivered_on) {
        (None, Some(_)) => return invalid("a delivered delivery needs its shipping date"),
        (Some(shipped), Some(delivered)) if delivered < shipped => {
            return invalid("the delivery date is before the shipping date")
        }
        _ => {}
    }
    if let Some(last) = d.events.last() {
        if last.status != d.status {
            return invalid(format!(
                "the history of delivery {} ends in “{}” but its status is “{}”",
                d.number,
                last.status.label(),
                d.status.label()
            ));
        }
    }
    let mut line_ids = Vec::with_capacity(d.lines.len());
    for (sku, quantity) in &d.lines {
        if *quantity < 1 {
            return invalid(format!("the quantity of {sku} must be 1 or more"));
        }
        let line: Option<i64> = sqlx::query_scalar(
            "SELECT l.id FROM order_lines l JOIN products p ON p.id = l.product_id
             WHERE l.order_id = $1 AND p.sku = $2 ORDER BY l.position LIMIT 1",
        )
        .bind(order_id)
        .bind(sku)
        .fetch_optional(&mut *db)
        .await?;
        let Some(line_id) = line else {
            return invalid(format!("order {} has no line with the SKU {sku}", d.order));
        };
        if line_ids.iter().any(|(id, _)| *id == line_id) {
            return invalid(format!("the SKU {sku} is listed twice"));
        }
        line_ids.push((line_id, *quantity));
    }
    let previous_status: Option<String> =
        sqlx::query_scalar("SELECT status FROM deliveries WHERE number = $1")
            .bind(&d.number)
            .fetch_optional(&mut *db)
            .await?;
    let delivery_id: i64 = sqlx::query_scalar(
        "INSERT INTO deliveries (number, order_id, organization_id, carrier, tracking_number, status,
             shipped_on, delivered_on, import_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (number) DO UPDATE SET order_id = $2, organization_id = $3, carrier = $4,
             tracking_number = $5, status = $6, shipped_on = $7, delivered_on = $8,
             import_hash = $9, updated_at = now()
         RETURNING id",
    )
    .bind(&d.number)
    .bind(order_id)
    .bind(organization_id)
    .bind(&d.carrier)
    .bind(&d.tracking_number)
    .bind(d.status.as_str())
    .bind(d.shipped_on)
    .bind(d.delivered_on)
    .bind(&hash)
    .fetch_one(&mut *db)
    .await?;
    sqlx::query("DELETE FROM delivery_lines WHERE delivery_id = $1")
        .bind(delivery_id)
        .execute(&mut *db)
        .await?;
    for (line_id, quantity) in line_ids {
        sqlx::query(
            "INSERT INTO delivery_lines (delivery_id, order_line_id, quantity) VALUES ($1, $2, $3)",
        )
        .bind(delivery_id)
        .bind(line_id)
        .bind(quantity)
        .execute(&mut *db)
        .await?;
    }
    if !d.events.is_empty() {
        sqlx::query("DELETE FROM delivery_events WHERE delivery_id = $1")
            .bind(delivery_id)
            .execute(&mut *db)
            .await?;
        for event in &d.events {
            add_delivery_event(db, delivery_id, event.status, event.at, &event.note).await?;
        }
    } else if previous_status.as_deref() != Some(d.status.as_str()) {
        let at = event_time(d);
        add_delivery_event(db, delivery_id, d.status, at, "").await?;
    }
    Ok(outcome(&found))
}

/// When a status the import reports took effect: the delivery date for a
/// delivered one, the shipping date for one on its way, otherwise now.
fn event_time(d: &DeliveryRecord) -> OffsetDateTime {
    let date = match d.status {
        DeliveryStatus::Delivered => d.delivered_on.or(d.shipped_on),
        DeliveryStatus::InTransit => d.shipped_on,
        _ => None,
    };
    date.map_or_else(OffsetDateTime::now_utc, |day| {
        day.with_hms(12, 0, 0)
            .map_or_else(|_| OffsetDateTime::now_utc(), |t| t.assume_utc())
    })
}

async fn add_delivery_event(
    db: &mut PgConnection,
    delivery_id: i64,
    status: DeliveryStatus,
    at: OffsetDateTime,
    note: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO delivery_events (delivery_id, status, at, note) VALUES ($1, $2, $3, $4)",
    )
    .bind(delivery_id)
    .bind(status.as_str())
    .bind(at)
    .bind(note)
    .execute(db)
    .await?;
    Ok(())
}
