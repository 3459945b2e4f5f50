//! Reading orders, invoices and deliveries. Every read of a customer's takes an
//! `OrderScope`, and the scope is part of the SQL: invoices and deliveries are
//! seen through their order, so one rule decides all three.

use super::cases::COUNT_LIMIT;
pub use crate::policy::OrderScope;
use serde::Deserialize;
use sqlx::{FromRow, PgExecutor, Postgres, QueryBuilder};
use time::{Date, OffsetDateTime};

// Rows also come as JSON when several lists share one statement (see
// `case_sidebar`): PostgreSQL writes dates there as "2026-11-24".
time::serde::format_description!(json_date, Date, "[year]-[month]-[day]");

/// Whose an order is, as the rules need it. Invoices and deliveries are their
/// order's, so every row that is shown on its own carries these.
#[derive(Debug, Clone, Copy, FromRow, Deserialize)]
pub struct Owners {
    pub organization_id: i64,
    pub placed_by: Option<i64>,
    /// The organization lets every member see all its orders.
    pub members_see_all_orders: bool,
}

/// `AND <the scope>` over the orders table aliased `o`.
fn push_scope(sql: &mut QueryBuilder<'_, Postgres>, scope: OrderScope) {
    match scope {
        OrderScope::Member {
            user_id,
            organization_id,
        } => {
            sql.push(" AND o.organization_id = ")
                .push_bind(organization_id)
                .push(" AND (o.placed_by = ")
                .push_bind(user_id)
                .push(" OR org.members_see_all_orders)");
        }
        OrderScope::Organization(id) => {
            sql.push(" AND o.organization_id = ").push_bind(id);
        }
        OrderScope::All => {}
    }
}

/// One page of `columns` from `from` where `filter` holds, in `order`, each row
/// with `total`: how many rows match, counted up to `COUNT_LIMIT + 1`. One query.
fn paged<'a>(
    columns: &str,
    from: &str,
    filter: impl Fn(&mut QueryBuilder<'a, Postgres>),
    order: &str,
    limit: i64,
    offset: i64,
) -> QueryBuilder<'a, Postgres> {
    let mut sql = QueryBuilder::new(format!(
        "SELECT {columns}, (SELECT count(*) FROM (SELECT 1 {from}"
    ));
    filter(&mut sql);
    sql.push(format!(
        " LIMIT {}) counted) AS total {from}",
        COUNT_LIMIT + 1
    ));
    filter(&mut sql);
    sql.push(format!(" ORDER BY {order} LIMIT "))
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    sql
}

/// The row whose `key` column is `number`, if `scope` may see it.
fn by_number<'a>(
    columns: &str,
    from: &str,
    key: &str,
    number: &str,
    scope: OrderScope,
) -> QueryBuilder<'a, Postgres> {
    let mut sql = QueryBuilder::new(format!("SELECT {columns} {from} WHERE {key} = "));
    sql.push_bind(number.to_string());
    push_scope(&mut sql, scope);
    sql
}

/// The columns every order row carries, for the rules and the summaries.
const ORDER_COLUMNS: &str = "o.id, o.number, o.organization_id, org.name AS organization_name,
    org.members_see_all_orders, o.placed_by, p.display_name AS placed_by_name, o.status,
    o.ordered_on, o.currency, o.total_minor,
    (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) AS line_count,
    (SELECT l.quantity || ' × ' || pr.name FROM order_lines l JOIN products pr ON pr.id = l.product_id
     WHERE l.order_id = o.id ORDER BY l.position LIMIT 1) AS first_line";

const ORDER_FROM: &str = " FROM orders o
    JOIN organizations org ON org.id = o.organization_id
    LEFT JOIN users p ON p.id = o.placed_by";

#[derive(Debug, Clone, FromRow, Deserialize)]
pub struct OrderRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub owners: Owners,
    pub id: i64,
    pub number: String,
    pub organization_name: String,
    pub placed_by_name: Option<String>,
    pub status: String,
    #[serde(with = "json_date")]
    pub ordered_on: Date,
    pub currency: String,
    pub total_minor: i64,
    pub line_count: i64,
    pub first_line: Option<String>,
    /// Lists: how many match, counted up to `COUNT_LIMIT + 1` (0 elsewhere).
    #[sqlx(default)]
    #[serde(default)]
    pub total: i64,
}

#[derive(Debug, Default)]
pub struct OrderFilter {
    pub status: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub search: String,
}

fn push_order_filter(sql: &mut QueryBuilder<'_, Postgres>, scope: OrderScope, f: &OrderFilter) {
    sql.push(" WHERE true");
    push_scope(sql, scope);
    if let Some(status) = &f.status {
        sql.push(" AND o.status = ").push_bind(status.clone());
    }
    if let Some(from) = f.from {
        sql.push(" AND o.ordered_on >= ").push_bind(from);
    }
    if let Some(to) = f.to {
        sql.push(" AND o.ordered_on <= ").push_bind(to);
    }
    let search = f.search.trim();
    if !search.is_empty() {
        let pattern = format!("%{}%", super::escape_like(search));
        sql.push(" AND (o.number ILIKE ")
            .push_bind(pattern.clone())
            .push(
                " OR EXISTS (SELECT 1 FROM order_lines l JOIN products pr ON pr.id = l.product_id
                  WHERE l.order_id = o.id AND (pr.name ILIKE ",
            )
            .push_bind(pattern.clone())
            .push(" OR pr.sku ILIKE ")
            .push_bind(pattern)
            .push(")))");
    }
}

/// A page of orders, newest first, with the count of all that match.
pub async fn list_orders(
    db: impl PgExecutor<'_>,
    scope: OrderScope,
    filter: &OrderFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<OrderRow>> {
    let mut sql = paged(
        ORDER_COLUMNS,
        ORDER_FROM,
        |sql| push_order_filter(sql, scope, filter),
        "o.ordered_on DESC, o.id DESC",
        limit,
        offset,
    );
    sql.build_query_as().fetch_all(db).await
}

/// One order by number, if `scope` may see it.
pub async fn find_order(
    db: impl PgExecutor<'_>,
    number: &str,
    scope: OrderScope,
) -> sqlx::Result<Option<OrderRow>> {
    by_number(ORDER_COLUMNS, ORDER_FROM, "o.number", number, scope)
        .build_query_as()
        .fetch_optional(db)
        .await
}

/// The latest orders of an organization (staff, beside a case), for `case_sidebar`.
pub(super) fn recent_orders_sql(organization: &str) -> String {
    format!(
        "SELECT {ORDER_COLUMNS} {ORDER_FROM} WHERE o.organization_id = {organization}
         ORDER BY o.ordered_on DESC, o.id DESC LIMIT 5"
    )
}

#[derive(Debug, Clone, FromRow)]
pub struct OrderLineRow {
    pub id: i64,
    pub position: i32,
    pub sku: String,
    pub product_name: String,
    pub quantity: i32,
    pub unit_price_minor: i64,
    pub line_total_minor: i64,
    pub shipped: i64,
}

pub async fn order_lines(
    db: impl PgExecutor<'_>,
    order_id: i64,
) -> sqlx::Result<Vec<OrderLineRow>> {
    sqlx::query_as(
        "SELECT l.id, l.position, p.sku, p.name AS product_name, l.quantity, l.unit_price_minor,
                l.line_total_minor,
                coalesce((SELECT sum(dl.quantity) FROM delivery_lines dl WHERE dl.order_line_id = l.id), 0)::bigint AS shipped
         FROM order_lines l JOIN products p ON p.id = l.product_id
         WHERE l.order_id = $1 ORDER BY l.position",
    )
    .bind(order_id)
    .fetch_all(db)
    .await
}

const INVOICE_COLUMNS: &str = "i.id, i.number, o.number AS order_number, o.organization_id,
    org.name AS organization_name, org.members_see_all_orders, o.placed_by,
    p.display_name AS placed_by_name, i.issued_on, i.due_on, i.paid_on, i.currency, i.status,
    (i.status = 'open' AND i.due_on < current_date) AS past_due,
    (current_date - i.due_on) AS days_past_due,
    i.subtotal_minor, i.tax_total_minor, i.total_minor";

const INVOICE_FROM: &str = " FROM invoices i
    JOIN orders o ON o.id = i.order_id
    JOIN organizations org ON org.id = o.organization_id
    LEFT JOIN users p ON p.id = o.placed_by";

#[derive(Debug, Clone, FromRow, Deserialize)]
pub struct InvoiceRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub owners: Owners,
    pub id: i64,
    pub number: String,
    pub order_number: String,
    pub organization_name: String,
    pub placed_by_name: Option<String>,
    #[serde(with = "json_date")]
    pub issued_on: Date,
    #[serde(with = "json_date")]
    pub due_on: Date,
    #[serde(with = "json_date::option")]
    pub paid_on: Option<Date>,
    pub currency: String,
    pub status: String,
    pub past_due: bool,
    pub days_past_due: i32,
    pub subtotal_minor: i64,
    pub tax_total_minor: i64,
    pub total_minor: i64,
    #[sqlx(default)]
    #[serde(default)]
    pub total: i64,
}

/// Which invoices a list shows by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceFilter {
    All,
    /// Open and overdue.
    Due,
    Open,
    Overdue,
    Paid,
    Void,
}

fn push_invoice_filter(
    sql: &mut QueryBuilder<'_, Postgres>,
    scope: OrderScope,
    status: InvoiceFilter,
    search: &str,
) {
    sql.push(" WHERE true");
    push_scope(sql, scope);
    sql.push(match status {
        InvoiceFilter::All => "",
        InvoiceFilter::Due => " AND i.status = 'open'",
        InvoiceFilter::Open => " AND i.status = 'open' AND i.due_on >= current_date",
        InvoiceFilter::Overdue => " AND i.status = 'open' AND i.due_on < current_date",
        InvoiceFilter::Paid => " AND i.status = 'paid'",
        InvoiceFilter::Void => " AND i.status = 'void'",
    });
    let search = search.trim();
    if !search.is_empty() {
        let pattern = format!("%{}%", super::escape_like(search));
        sql.push(" AND (i.number ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR o.number ILIKE ")
            .push_bind(pattern)
            .push(")");
    }
}

/// A page of invoices: the earliest due first when listing what is due (or
/// overdue: the longest overdue first), else newest first.
pub async fn list_invoices(
    db: impl PgExecutor<'_>,
    scope: OrderScope,
    status: InvoiceFilter,
    search: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<InvoiceRow>> {
    let order = if matches!(status, InvoiceFilter::Due | InvoiceFilter::Overdue) {
        "i.due_on, i.id"
    } else {
        "i.issued_on DESC, i.id DESC"
    };
    let mut sql = paged(
        INVOICE_COLUMNS,
        INVOICE_FROM,
        |sql| push_invoice_filter(sql, scope, status, search),
        order,
        limit,
        offset,
    );
    sql.build_query_as().fetch_all(db).await
}

pub async fn find_invoice(
    db: impl PgExecutor<'_>,
    number: &str,
    scope: OrderScope,
) -> sqlx::Result<Option<InvoiceRow>> {
    by_number(INVOICE_COLUMNS, INVOICE_FROM, "i.number", number, scope)
        .build_query_as()
        .fetch_optional(db)
        .await
}

/// The invoices of one order.
pub async fn invoices_of_order(
    db: impl PgExecutor<'_>,
    order_id: i64,
) -> sqlx::Result<Vec<InvoiceRow>> {
    sqlx::query_as(&format!(
        "SELECT {INVOICE_COLUMNS} {INVOICE_FROM} WHERE i.order_id = $1 ORDER BY i.due_on, i.id"
    ))
    .bind(order_id)
    .fetch_all(db)
    .await
}

/// The open invoices of an organization (staff, beside a case), for `case_sidebar`.
pub(super) fn open_invoices_sql(organization: &str) -> String {
    format!(
        "SELECT {INVOICE_COLUMNS} {INVOICE_FROM}
         WHERE i.organization_id = {organization} AND i.status = 'open'
         ORDER BY i.due_on, i.id LIMIT 20"
    )
}

#[derive(Debug, Clone, FromRow)]
pub struct InvoiceLineRow {
    pub position: i32,
    pub description: String,
    pub quantity: i32,
    pub unit_price_minor: i64,
    pub net_minor: i64,
    pub jurisdictions: Vec<String>,
    pub rates_ppm: Vec<i32>,
    pub tax_amounts: Vec<i64>,
}

/// The lines of an invoice with their taxes, in one query.
pub async fn invoice_lines(
    db: impl PgExecutor<'_>,
    invoice_id: i64,
) -> sqlx::Result<Vec<InvoiceLineRow>> {
    sqlx::query_as(
        "SELECT l.position, l.description, l.quantity, l.unit_price_minor, l.net_minor,
                array(SELECT t.jurisdiction FROM invoice_tax_lines t WHERE t.invoice_line_id = l.id ORDER BY t.id) AS jurisdictions,
                array(SELECT t.rate_ppm FROM invoice_tax_lines t WHERE t.invoice_line_id = l.id ORDER BY t.id) AS rates_ppm,
                array(SELECT t.amount_minor FROM invoice_tax_lines t WHERE t.invoice_line_id = l.id ORDER BY t.id) AS tax_amounts
         FROM invoice_lines l WHERE l.invoice_id = $1 ORDER BY l.position",
    )
    .bind(invoice_id)
    .fetch_all(db)
    .await
}

const DELIVERY_COLUMNS: &str = "d.id, d.number, o.number AS order_number, o.organization_id,
    org.name AS organization_name, org.members_see_all_orders, o.placed_by, d.carrier,
    d.tracking_number, d.status, d.shipped_on, d.delivered_on";

const DELIVERY_FROM: &str = " FROM deliveries d
    JOIN orders o ON o.id = d.order_id
    JOIN organizations org ON org.id = o.organization_id";

#[derive(Debug, Clone, FromRow, Deserialize)]
pub struct DeliveryRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub owners: Owners,
    pub id: i64,
    pub number: String,
    pub order_number: String,
    pub organization_name: String,
    pub carrier: String,
    pub tracking_number: String,
    pub status: String,
    #[serde(with = "json_date::option")]
    pub shipped_on: Option<Date>,
    #[serde(with = "json_date::option")]
    pub delivered_on: Option<Date>,
    #[sqlx(default)]
    #[serde(default)]
    pub total: i64,
}

fn push_delivery_filter(
    sql: &mut QueryBuilder<'_, Postgres>,
    scope: OrderScope,
    statuses: &[&str],
    search: &str,
) {
    sql.push(" WHERE true");
    push_scope(sql, scope);
    if !statuses.is_empty() {
        let statuses: Vec<String> = statuses.iter().map(|s| s.to_string()).collect();
        sql.push(" AND d.status = ANY(")
            .push_bind(statuses)
            .push(")");
    }
    let search = search.trim();
    if !search.is_empty() {
        let pattern = format!("%{}%", super::escape_like(search));
        sql.push(" AND (d.number ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR o.number ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR d.tracking_number ILIKE ")
            .push_bind(pattern)
            .push(")");
    }
}

/// A page of deliveries, latest first (those not shipped yet on top).
pub async fn list_deliveries(
    db: impl PgExecutor<'_>,
    scope: OrderScope,
    statuses: &[&str],
    search: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<DeliveryRow>> {
    let mut sql = paged(
        DELIVERY_COLUMNS,
        DELIVERY_FROM,
        |sql| push_delivery_filter(sql, scope, statuses, search),
        "d.shipped_on DESC NULLS FIRST, d.id DESC",
        limit,
        offset,
    );
    sql.build_query_as().fetch_all(db).await
}

pub async fn find_delivery(
    db: impl PgExecutor<'_>,
    number: &str,
    scope: OrderScope,
) -> sqlx::Result<Option<DeliveryRow>> {
    by_number(DELIVERY_COLUMNS, DELIVERY_FROM, "d.number", number, scope)
        .build_query_as()
        .fetch_optional(db)
        .await
}

/// The deliveries of one order.
pub async fn deliveries_of_order(
    db: impl PgExecutor<'_>,
    order_id: i64,
) -> sqlx::Result<Vec<DeliveryRow>> {
    sqlx::query_as(&format!(
        "SELECT {DELIVERY_COLUMNS} {DELIVERY_FROM} WHERE d.order_id = $1
         ORDER BY d.shipped_on DESC NULLS FIRST, d.id DESC"
    ))
    .bind(order_id)
    .fetch_all(db)
    .await
}

/// The deliveries of an organization on their way (staff, beside a case), for `case_sidebar`.
pub(super) fn moving_deliveries_sql(organization: &str) -> String {
    format!(
        "SELECT {DELIVERY_COLUMNS} {DELIVERY_FROM}
         WHERE d.organization_id = {organization}
           AND d.status IN ('in_transit', 'out_for_delivery', 'exception')
         ORDER BY d.shipped_on DESC NULLS FIRST, d.id DESC LIMIT 20"
    )
}

#[derive(Debug, Clone, FromRow)]
pub struct DeliveryLineRow {
    pub sku: String,
    pub product_name: String,
    pub quantity: i32,
}

pub async fn delivery_lines(
    db: impl PgExecutor<'_>,
    delivery_id: i64,
) -> sqlx::Result<Vec<DeliveryLineRow>> {
    sqlx::query_as(
        "SELECT p.sku, p.name AS product_name, dl.quantity
         FROM delivery_lines dl
         JOIN order_lines l ON l.id = dl.order_line_id
         JOIN products p ON p.id = l.product_id
         WHERE dl.delivery_id = $1 ORDER BY l.position",
    )
    .bind(delivery_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct DeliveryEventRow {
    pub status: String,
    pub at: OffsetDateTime,
    pub note: String,
}

pub async fn delivery_events(
    db: impl PgExecutor<'_>,
    delivery_id: i64,
) -> sqlx::Result<Vec<DeliveryEventRow>> {
    sqlx::query_as(
        "SELECT status, at, note FROM delivery_events WHERE delivery_id = $1 ORDER BY at, id",
    )
    .bind(delivery_id)
    .fetch_all(db)
    .await
}

/// The rows a case link points at, found by kind and number within `scope`.
#[derive(Debug, Clone, FromRow)]
pub struct ItemRow {
    #[sqlx(flatten)]
    pub owners: Owners,
    pub order_id: i64,
    pub order_line_id: Option<i64>,
    pub invoice_id: Option<i64>,
    pub delivery_id: Option<i64>,
}

/// Find the order, order line, invoice or delivery `kind`/`number`/`line` in `scope`.
pub async fn find_item(
    db: impl PgExecutor<'_>,
    kind: &str,
    number: &str,
    line: Option<i32>,
    scope: OrderScope,
) -> sqlx::Result<Option<ItemRow>> {
    let mut sql = QueryBuilder::new(
        "SELECT o.id AS order_id, l.id AS order_line_id, i.id AS invoice_id, d.id AS delivery_id,
                o.organization_id, o.placed_by, org.members_see_all_orders
         FROM orders o
         JOIN organizations org ON org.id = o.organization_id
         LEFT JOIN order_lines l ON l.order_id = o.id AND l.position = ",
    );
    sql.push_bind(line.unwrap_or(0))
        .push(" LEFT JOIN invoices i ON i.order_id = o.id AND i.number = ")
        .push_bind(number.to_string())
        .push(" LEFT JOIN deliveries d ON d.order_id = o.id AND d.number = ")
        .push_bind(number.to_string())
        .push(" WHERE ");
    match kind {
        "order" => sql.push("o.number = ").push_bind(number.to_string()),
        "order_line" => sql
            .push("o.number = ")
            .push_bind(number.to_string())
            .push(" AND l.id IS NOT NULL"),
        "invoice" => sql.push("i.id IS NOT NULL"),
        _ => sql.push("d.id IS NOT NULL"),
    };
    push_scope(&mut sql, scope);
    sql.push(" LIMIT 1");
    sql.build_query_as().fetch_optional(db).await
}

/// Record what a case is about (in the case's transaction).
pub async fn link_case(
    db: impl PgExecutor<'_>,
    case_id: i64,
    kind: &str,
    item: &ItemRow,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO case_links (case_id, kind, order_id, order_line_id, invoice_id, delivery_id)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(kind)
    .bind(item.order_id)
    .bind(item.order_line_id.filter(|_| kind == "order_line"))
    .bind(item.invoice_id.filter(|_| kind == "invoice"))
    .bind(item.delivery_id.filter(|_| kind == "delivery"))
    .execute(db)
    .await?;
    Ok(())
}

/// What a case is about, as kind, number and line, with the item's status and
/// facts for the case page.
#[derive(Debug, Clone, FromRow, Deserialize)]
pub struct CaseLinkRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub owners: Owners,
    pub kind: String,
    pub number: String,
    pub line: Option<i32>,
    pub status: String,
    pub past_due: bool,
    pub currency: String,
    pub amount_minor: i64,
    #[serde(with = "json_date::option")]
    pub day: Option<Date>,
    pub detail: Option<String>,
}

/// What a case is about, for `case_link` and `case_sidebar`.
pub(super) fn case_link_sql(case_id: &str) -> String {
    format!(
        "SELECT k.kind,
                coalesce(i.number, d.number, o.number) AS number,
                l.position AS line,
                coalesce(i.status, d.status, o.status) AS status,
                coalesce(i.status = 'open' AND i.due_on < current_date, false) AS past_due,
                o.currency,
                coalesce(i.total_minor, l.line_total_minor, o.total_minor) AS amount_minor,
                coalesce(i.due_on, d.shipped_on, o.ordered_on) AS day,
                coalesce(d.carrier || ' ' || d.tracking_number, p.name) AS detail,
                o.organization_id, o.placed_by, org.members_see_all_orders
         FROM case_links k
         JOIN orders o ON o.id = k.order_id
         JOIN organizations org ON org.id = o.organization_id
         LEFT JOIN order_lines l ON l.id = k.order_line_id
         LEFT JOIN products p ON p.id = l.product_id
         LEFT JOIN invoices i ON i.id = k.invoice_id
         LEFT JOIN deliveries d ON d.id = k.delivery_id
         WHERE k.case_id = {case_id}"
    )
}

pub async fn case_link(db: impl PgExecutor<'_>, case_id: i64) -> sqlx::Result<Option<CaseLinkRow>> {
    sqlx::query_as(&case_link_sql("$1"))
        .bind(case_id)
        .fetch_optional(db)
        .await
}

/// Every order, invoice and delivery number that is like `number` (staff lookup).
pub async fn kinds_of_number(
    db: impl PgExecutor<'_>,
    number: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT kind, number FROM (
             SELECT 'order' AS kind, number FROM orders WHERE upper(number) = upper($1)
             UNION ALL SELECT 'invoice', number FROM invoices WHERE upper(number) = upper($1)
             UNION ALL SELECT 'delivery', number FROM deliveries WHERE upper(number) = upper($1)
             UNION ALL SELECT 'delivery', number FROM deliveries WHERE upper(tracking_number) = upper($1)
         ) found LIMIT 5",
    )
    .bind(number.trim())
    .fetch_all(db)
    .await
}

pub async fn set_sharing(
    db: impl PgExecutor<'_>,
    organization_id: i64,
    share: bool,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE organizations SET members_see_all_orders = $2 WHERE id = $1")
        .bind(organization_id)
        .bind(share)
        .execute(db)
        .await?;
    Ok(())
}
