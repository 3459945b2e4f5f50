//! Orders, invoices and deliveries for their readers: who sees which (through
//! `policy`), and the views the pages show. An item the reader may not see is
//! "not found", exactly like one that does not exist.

use super::db::orders::{self as db, InvoiceFilter};
use super::policy::{self, order_scope, Action, Actor, OrderRef, OrderScope};
use crate::Error;
use crate::Reader;
use rapport_types::views::orders::{
    DeliveryEventView, DeliveryLineView, DeliverySummary, DeliveryView, InvoiceLineView,
    InvoiceSummary, InvoiceView, LinkedItem, Listing, OrderLineView, OrderSummary, OrderView,
    OrganizationBusiness, TaxTotalView, ORDERS_PER_PAGE,
};
use rapport_types::PageNumber;
use rapport_types::{
    format_money, DeliveryStatus, InvoiceStatus, ItemKind, ItemRef, OrderStatus, TaxRate,
};
use sqlx::PgPool;
use time::Date;

/// The orders `actor` may list.
fn list_scope(actor: &Actor) -> Result<OrderScope, Error> {
    policy::authorize(Some(actor), &Action::ListOrders)?;
    order_scope(actor).ok_or(Error::Forbidden)
}

/// The scope for reading one item: refusing to list is "not found" here.
fn item_scope(actor: &Actor) -> Result<OrderScope, Error> {
    order_scope(actor).ok_or(Error::NotFound)
}

/// The policy's verdict on one item the scope already let through: both must agree.
fn check_view(actor: &Actor, owners: db::Owners) -> Result<(), Error> {
    let order = OrderRef {
        organization_id: owners.organization_id,
        placed_by: owners.placed_by,
        shared_with_members: owners.members_see_all_orders,
    };
    policy::authorize(Some(actor), &Action::ViewOrder(order)).map_err(|_| Error::NotFound)?;
    Ok(())
}

fn is_staff(actor: &Actor) -> bool {
    policy::allows(Some(actor), &Action::LookUpOrders)
}

fn day(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn stored<T>(value: Option<T>, what: &str, text: &str) -> Result<T, Error> {
    value.ok_or_else(|| Error::internal(format!("unknown {what} {text:?}")))
}

fn page_of<R, T>(
    rows: Vec<R>,
    counted: impl Fn(&R) -> i64,
    view: impl Fn(R) -> Result<T, Error>,
    page: PageNumber,
    staff: bool,
) -> Result<Listing<T>, Error> {
    let total = rows.first().map(&counted).unwrap_or(0);
    let limit = super::db::cases::COUNT_LIMIT;
    Ok(Listing {
        items: rows.into_iter().map(view).collect::<Result<_, _>>()?,
        total: total.min(limit),
        more: total > limit,
        page: page.get(),
        staff,
    })
}

fn order_summary(row: db::OrderRow) -> Result<OrderSummary, Error> {
    let more = row.line_count - 1;
    let first = row.first_line.unwrap_or_default();
    Ok(OrderSummary {
        status: stored(OrderStatus::parse(&row.status), "order status", &row.status)?,
        contents: match more {
            n if n > 0 => format!("{first} and {n} more"),
            _ => first,
        },
        total: format_money(row.total_minor, &row.currency),
        ordered_on: day(row.ordered_on),
        placed_by: row.placed_by_name,
        organization: row.organization_name,
        number: row.number,
    })
}

fn invoice_status(row: &db::InvoiceRow) -> Result<InvoiceStatus, Error> {
    stored(
        InvoiceStatus::derive(&row.status, row.past_due),
        "invoice status",
        &row.status,
    )
}

fn invoice_summary(row: db::InvoiceRow) -> Result<InvoiceSummary, Error> {
    let status = invoice_status(&row)?;
    Ok(InvoiceSummary {
        amount_due: if status.is_due() {
            format_money(row.total_minor, &row.currency)
        } else {
            "—".into()
        },
        days_overdue: (status == InvoiceStatus::Overdue).then_some(row.days_past_due as i64),
        total: format_money(row.total_minor, &row.currency),
        issued_on: day(row.issued_on),
        due_on: day(row.due_on),
        status,
        organization: row.organization_name,
        order_number: row.order_number,
        number: row.number,
    })
}

fn delivery_summary(row: db::DeliveryRow) -> Result<DeliverySummary, Error> {
    Ok(DeliverySummary {
        status: stored(
            DeliveryStatus::parse(&row.status),
            "delivery status",
            &row.status,
        )?,
        tracking_url: rapport_types::tracking_url(&row.carrier, &row.tracking_number),
        shipped_on: row.shipped_on.map(day),
        delivered_on: row.delivered_on.map(day),
        tracking_number: row.tracking_number,
        carrier: row.carrier,
        organization: row.organization_name,
        order_number: row.order_number,
        number: row.number,
    })
}

/// What an order list may be filtered by, as typed.
pub struct OrderFilter<'a> {
    pub status: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub search: &'a str,
}

fn date_field(field: &str, text: &str) -> Result<Option<Date>, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format)
        .map(Some)
        .map_err(|_| Error::invalid(field, "Write the date as YYYY-MM-DD, e.g. 2026-03-31."))
}

pub async fn order_list(
    reader: &Reader,
    pool: &PgPool,
    filter: &OrderFilter<'_>,
    page: PageNumber,
) -> Result<Listing<OrderSummary>, Error> {
    let actor = reader.signed_in()?;
    let scope = list_scope(actor)?;
    let offset = page.offset(ORDERS_PER_PAGE);
    let status = match filter.status.trim() {
        "" | "all" => None,
        other => Some(
            OrderStatus::parse(other)
                .ok_or_else(|| Error::invalid("status", "Choose one of the listed statuses."))?
                .as_str()
                .to_string(),
        ),
    };
    let (from, to) = (
        date_field("from", filter.from)?,
        date_field("to", filter.to)?,
    );
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            return Err(Error::invalid(
                "to",
                "The end date is before the start date.",
            ));
        }
    }
    let filter = db::OrderFilter {
        status,
        from,
        to,
        search: filter.search.chars().take(100).collect(),
    };
    let rows = db::list_orders(pool, scope, &filter, ORDERS_PER_PAGE, offset).await?;
    page_of(rows, |r| r.total, order_summary, page, is_staff(actor))
}

pub async fn order_detail(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
) -> Result<OrderView, Error> {
    let actor = reader.signed_in()?;
    let row = db::find_order(pool, number.trim(), item_scope(actor)?)
        .await?
        .ok_or(Error::NotFound)?;
    check_view(actor, row.owners)?;
    let (lines, invoices, deliveries) = tokio::try_join!(
        db::order_lines(pool, row.id),
        db::invoices_of_order(pool, row.id),
        db::deliveries_of_order(pool, row.id),
    )?;
    let currency = row.currency.clone();
    let about = ItemRef {
        kind: ItemKind::Order,
        number: row.number.clone(),
        line: None,
    };
    let lines = lines
        .into_iter()
        .map(|l| OrderLineView {
            about: ItemRef {
                kind: ItemKind::OrderLine,
                number: row.number.clone(),
                line: Some(l.position),
            }
            .to_string(),
            position: l.position,
            sku: l.sku,
            product: l.product_name,
            quantity: l.quantity,
            unit_price: format_money(l.unit_price_minor, &currency),
            line_total: format_money(l.line_total_minor, &currency),
            shipped: l.shipped,
        })
        .collect();
    let summary = order_summary(row)?;
    Ok(OrderView {
        number: summary.number,
        organization: summary.organization,
        placed_by: summary.placed_by,
        status: summary.status,
        ordered_on: summary.ordered_on,
        total: summary.total,
        lines,
        invoices: invoices
            .into_iter()
            .map(invoice_summary)
            .collect::<Result<_, _>>()?,
        deliveries: deliveries
            .into_iter()
            .map(delivery_summary)
            .collect::<Result<_, _>>()?,
        about: about.to_string(),
        staff: is_staff(actor),
    })
}

pub async fn invoice_list(
    reader: &Reader,
    pool: &PgPool,
    status: &str,
    search: &str,
    page: PageNumber,
) -> Result<Listing<InvoiceSummary>, Error> {
    let actor = reader.signed_in()?;
    let scope = list_scope(actor)?;
    let offset = page.offset(ORDERS_PER_PAGE);
    let status = match status.trim() {
        "" | "all" => InvoiceFilter::All,
        "due" => InvoiceFilter::Due,
        other => match InvoiceStatus::parse(other) {
            Some(InvoiceStatus::Open) => InvoiceFilter::Open,
            Some(InvoiceStatus::Overdue) => InvoiceFilter::Overdue,
            Some(InvoiceStatus::Paid) => InvoiceFilter::Paid,
            Some(InvoiceStatus::Void) => InvoiceFilter::Void,
            None => {
                return Err(Error::invalid(
                    "status",
                    "Choose one of the listed statuses.",
                ))
            }
        },
    };
    let search: String = search.chars().take(100).collect();
    let rows = db::list_invoices(pool, scope, status, &search, ORDERS_PER_PAGE, offset).await?;
    page_of(rows, |r| r.total, invoice_summary, page, is_staff(actor))
}

fn tax_label(jurisdiction: &str, rate_ppm: i32) -> String {
    format!("{jurisdiction} {}", TaxRate(rate_ppm as i64))
}

pub async fn invoice_detail(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
) -> Result<InvoiceView, Error> {
    let actor = reader.signed_in()?;
    let row = db::find_invoice(pool, number.trim(), item_scope(actor)?)
        .await?
        .ok_or(Error::NotFound)?;
    check_view(actor, row.owners)?;
    let lines = db::invoice_lines(pool, row.id).await?;
    let currency = row.currency.clone();
    let money = |minor: i64| format_money(minor, &currency);
    // Totals by jurisdiction and rate, in the order they first appear.
    let mut taxes: Vec<(String, i32, i64, i64)> = Vec::new();
    for line in &lines {
        for ((jurisdiction, rate), amount) in line
            .jurisdictions
            .iter()
            .zip(&line.rates_ppm)
            .zip(&line.tax_amounts)
        {
            match taxes
                .iter_mut()
                .find(|(j, r, _, _)| j == jurisdiction && r == rate)
            {
                Some(total) => {
                    total.2 += line.net_minor;
                    total.3 += amount;
                }
                None => taxes.push((jurisdiction.clone(), *rate, line.net_minor, *amount)),
            }
        }
    }
    let lines = lines
        .iter()
        .map(|l| InvoiceLineView {
            position: l.position,
            description: l.description.clone(),
            quantity: l.quantity,
            unit_price: money(l.unit_price_minor),
            net: money(l.net_minor),
            taxes: l
                .jurisdictions
                .iter()
                .zip(&l.rates_ppm)
                .map(|(j, r)| tax_label(j, *r))
                .collect::<Vec<_>>()
                .join(" + "),
        })
        .collect();
    let taxes = taxes
        .into_iter()
        .map(|(jurisdiction, rate, taxable, amount)| TaxTotalView {
            rate: TaxRate(rate as i64).to_string(),
            taxable: money(taxable),
            amount: money(amount),
            jurisdiction,
        })
        .collect();
    let about = ItemRef {
        kind: ItemKind::Invoice,
        number: row.number.clone(),
        line: None,
    };
    Ok(InvoiceView {
        placed_by: row.placed_by_name.clone(),
        paid_on: row.paid_on.map(day),
        subtotal: money(row.subtotal_minor),
        tax_total: money(row.tax_total_minor),
        lines,
        taxes,
        about: about.to_string(),
        staff: is_staff(actor),
        currency: currency.clone(),
        summary: invoice_summary(row)?,
    })
}

pub async fn delivery_list(
    reader: &Reader,
    pool: &PgPool,
    status: &str,
    search: &str,
    page: PageNumber,
) -> Result<Listing<DeliverySummary>, Error> {
    let actor = reader.signed_in()?;
    let scope = list_scope(actor)?;
    let offset = page.offset(ORDERS_PER_PAGE);
    let statuses: Vec<&str> = match status.trim() {
        "" | "all" => vec![],
        "moving" => DeliveryStatus::ALL
            .iter()
            .filter(|s| s.is_moving())
            .map(|s| s.as_str())
            .collect(),
        other => vec![DeliveryStatus::parse(other)
            .ok_or_else(|| Error::invalid("status", "Choose one of the listed statuses."))?
            .as_str()],
    };
    let search: String = search.chars().take(100).collect();
    let rows =
        db::list_deliveries(pool, scope, &statuses, &search, ORDERS_PER_PAGE, offset).await?;
    page_of(rows, |r| r.total, delivery_summary, page, is_staff(actor))
}

pub async fn delivery_detail(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
) -> Result<DeliveryView, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    let row = db::find_delivery(pool, number.trim(), item_scope(actor)?)
        .await?
        .ok_or(Error::NotFound)?;
    check_view(actor, row.owners)?;
    let (lines, events) = tokio::try_join!(
        db::delivery_lines(pool, row.id),
        db::delivery_events(pool, row.id),
    )?;
    let about = ItemRef {
        kind: ItemKind::Delivery,
        number: row.number.clone(),
        line: None,
    };
    Ok(DeliveryView {
        lines: lines
            .into_iter()
            .map(|l| DeliveryLineView {
                sku: l.sku,
                product: l.product_name,
                quantity: l.quantity,
            })
            .collect(),
        history: events
            .into_iter()
            .map(|e| {
                Ok(DeliveryEventView {
                    status: stored(
                        DeliveryStatus::parse(&e.status),
                        "delivery status",
                        &e.status,
                    )?,
                    at: zone.date_time(e.at),
                    note: e.note,
                })
            })
            .collect::<Result<_, Error>>()?,
        about: about.to_string(),
        staff: is_staff(actor),
        summary: delivery_summary(row)?,
    })
}

/// The item behind `about`, if the actor may see it.
pub async fn find_item(
    pool: &PgPool,
    actor: &Actor,
    about: &str,
) -> Result<(ItemRef, db::ItemRow), Error> {
    let item = ItemRef::parse(about).ok_or(Error::NotFound)?;
    let row = db::find_item(
        pool,
        item.kind.as_str(),
        &item.number,
        item.line,
        item_scope(actor)?,
    )
    .await?
    .ok_or(Error::NotFound)?;
    check_view(actor, row.owners)?;
    Ok((item, row))
}

/// The item a new case will be about, described for the form.
pub async fn linked_item(reader: &Reader, pool: &PgPool, about: &str) -> Result<LinkedItem, Error> {
    let actor = reader.signed_in()?;
    let (item, _) = find_item(pool, actor, about).await?;
    // The same description the case page shows, from the same query.
    let described = match item.kind {
        ItemKind::Invoice => invoice_detail(reader, pool, &item.number)
            .await
            .map(|i| describe_invoice(&item, &i.summary))?,
        ItemKind::Delivery => delivery_detail(reader, pool, &item.number)
            .await
            .map(|d| describe_delivery(&item, &d.summary))?,
        ItemKind::Order | ItemKind::OrderLine => {
            let order = order_detail(reader, pool, &item.number).await?;
            let line = order.lines.iter().find(|l| Some(l.position) == item.line);
            LinkedItem {
                about: item.to_string(),
                title: item.title(),
                href: item.href(),
                status: order.status.label().into(),
                facts: match line {
                    Some(l) => format!("{} × {} · {}", l.quantity, l.product, l.line_total),
                    None => format!("{} · ordered {}", order.total, order.ordered_on),
                },
            }
        }
    };
    Ok(described)
}

fn describe_invoice(item: &ItemRef, i: &InvoiceSummary) -> LinkedItem {
    LinkedItem {
        about: item.to_string(),
        title: item.title(),
        href: item.href(),
        status: i.status.label().into(),
        facts: format!("{} · due {}", i.total, i.due_on),
    }
}

fn describe_delivery(item: &ItemRef, d: &DeliverySummary) -> LinkedItem {
    LinkedItem {
        about: item.to_string(),
        title: item.title(),
        href: item.href(),
        status: d.status.label().into(),
        facts: format!(
            "{} {} · order {}",
            d.carrier, d.tracking_number, d.order_number
        ),
    }
}

/// What a case is about, for its page: for those who may see the case and the item.
pub async fn case_link(
    pool: &PgPool,
    actor: &Actor,
    case_id: i64,
) -> Result<Option<LinkedItem>, Error> {
    match db::case_link(pool, case_id).await? {
        Some(row) => case_link_item(actor, row),
        None => Ok(None),
    }
}

/// The item a case is about, as its page shows it, if the reader may see it.
pub fn case_link_item(actor: &Actor, row: db::CaseLinkRow) -> Result<Option<LinkedItem>, Error> {
    // The reader of the case may no longer see the order (its organization
    // stopped sharing orders with members): then the case does not show it.
    if check_view(actor, row.owners).is_err() {
        return Ok(None);
    }
    let kind = stored(ItemKind::parse(&row.kind), "case link kind", &row.kind)?;
    let item = ItemRef {
        kind,
        number: row.number,
        line: row.line,
    };
    let status = match kind {
        ItemKind::Invoice => InvoiceStatus::derive(&row.status, row.past_due).map(|s| s.label()),
        ItemKind::Delivery => DeliveryStatus::parse(&row.status).map(|s| s.label()),
        _ => OrderStatus::parse(&row.status).map(|s| s.label()),
    }
    .unwrap_or_default();
    let amount = format_money(row.amount_minor, &row.currency);
    let when = row.day.map(day).unwrap_or_default();
    let detail = row.detail.unwrap_or_default();
    let facts = match kind {
        ItemKind::Invoice => format!("{amount} · due {when}"),
        ItemKind::Delivery => format!("{detail} · shipped {when}"),
        ItemKind::OrderLine => format!("{detail} · {amount}"),
        ItemKind::Order => format!("{amount} · ordered {when}"),
    };
    Ok(Some(LinkedItem {
        about: item.to_string(),
        title: item.title(),
        href: item.href(),
        status: status.into(),
        facts,
    }))
}

/// Beside a case, for staff: the organization's latest orders, open invoices
/// and deliveries on their way (read with the case's other staff panels, see
/// `db::case_sidebar`).
pub fn organization_business(
    actor: &Actor,
    orders: Vec<db::OrderRow>,
    invoices: Vec<db::InvoiceRow>,
    deliveries: Vec<db::DeliveryRow>,
) -> Result<OrganizationBusiness, Error> {
    policy::authorize(Some(actor), &Action::LookUpOrders)?;
    Ok(OrganizationBusiness {
        recent_orders: orders
            .into_iter()
            .map(order_summary)
            .collect::<Result<_, _>>()?,
        open_invoices: invoices
            .into_iter()
            .map(invoice_summary)
            .collect::<Result<_, _>>()?,
        moving_deliveries: deliveries
            .into_iter()
            .map(delivery_summary)
            .collect::<Result<_, _>>()?,
    })
}

/// Staff: the page of the order, invoice or delivery with this number (a
/// tracking number finds its delivery).
pub async fn find_by_number(reader: &Reader, pool: &PgPool, number: &str) -> Result<String, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::LookUpOrders)?;
    let number = number.trim();
    if number.is_empty() {
        return Err(Error::invalid(
            "number",
            "Enter an order, invoice or delivery number, or a tracking number.",
        ));
    }
    let found = db::kinds_of_number(pool, number).await?;
    let Some((kind, number)) = found.into_iter().next() else {
        return Err(Error::invalid(
            "number",
            "No order, invoice or delivery has this number. Check it, or search the lists.",
        ));
    };
    let kind = stored(ItemKind::parse(&kind), "item kind", &kind)?;
    Ok(ItemRef {
        kind,
        number,
        line: None,
    }
    .href())
}

/// Customer admins: share all the organization's orders with its members, or not.
pub async fn set_order_sharing(reader: &Reader, pool: &PgPool, share: bool) -> Result<(), Error> {
    let actor = reader.signed_in()?;
    let organization_id = actor.organization_id.ok_or(Error::Forbidden)?;
    policy::authorize(
        Some(actor),
        &Action::ShareOrdersWithMembers { organization_id },
    )?;
    db::set_sharing(pool, organization_id, share).await?;
    Ok(())
}

/// The first `limit` overdue invoices the reader may see, the longest overdue
/// first, and how many are overdue in all (for the dashboard). One query.
pub async fn overdue_invoices(
    reader: &Reader,
    pool: &PgPool,
    limit: i64,
) -> Result<(Vec<InvoiceSummary>, i64), Error> {
    let scope = list_scope(reader.signed_in()?)?;
    let rows = db::list_invoices(pool, scope, InvoiceFilter::Overdue, "", limit, 0).await?;
    let total = rows.first().map_or(0, |r| r.total);
    let invoices = rows
        .into_iter()
        .map(invoice_summary)
        .collect::<Result<_, _>>()?;
    Ok((invoices, total))
}
