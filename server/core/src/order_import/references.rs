//! What the records of a file refer to (organizations by name, accounts by
//! e-mail, products by SKU, orders by number) must exist, in Rapport or in the
//! file itself. The writers check the same things as they go, but stop at the
//! first one of a record and cannot say which row it was on; this check runs
//! before any write, with a few queries for the whole file, and names the row
//! and field of every missing reference. The rules are the writers' rules
//! (organization names and e-mails regardless of case, SKUs and numbers exact).

use super::{OrderFile, Problems, Spot};
use sqlx::PgConnection;
use std::collections::{HashMap, HashSet};

pub(super) async fn check(
    db: &mut PgConnection,
    file: &OrderFile,
    problems: &mut Problems,
) -> sqlx::Result<()> {
    check_order_lines(db, file, problems).await?;
    check_organizations_and_customers(db, file, problems).await?;
    check_invoices_and_deliveries(db, file, problems).await
}

/// Every product an order line names is in the file or in Rapport.
async fn check_order_lines(
    db: &mut PgConnection,
    file: &OrderFile,
    problems: &mut Problems,
) -> sqlx::Result<()> {
    let named = || file.order_references.iter().flat_map(|order| &order.skus);
    let wanted: Vec<String> = distinct(
        named()
            .map(|(sku, _)| sku.clone())
            .filter(|sku| !file.declared_skus.contains(sku)),
    );
    if wanted.is_empty() {
        return Ok(());
    }
    let known: HashSet<String> =
        sqlx::query_scalar::<_, String>("SELECT sku FROM products WHERE sku = ANY($1)")
            .bind(&wanted)
            .fetch_all(&mut *db)
            .await?
            .into_iter()
            .collect();
    for (sku, at) in named() {
        if !file.declared_skus.contains(sku) && !known.contains(sku) {
            problems.add(
                at.line,
                Some(at.field("sku")),
                format!(
                    "there is no product with the SKU {sku} in Rapport or in this file \
                     (import the products first)"
                ),
            );
        }
    }
    Ok(())
}

/// Every order names an organization of Rapport, and the account that placed
/// it (when given) is a member of that organization.
async fn check_organizations_and_customers(
    db: &mut PgConnection,
    file: &OrderFile,
    problems: &mut Problems,
) -> sqlx::Result<()> {
    let customers: Vec<(&Spot, &String, Option<&String>)> = file
        .order_references
        .iter()
        .filter_map(|order| {
            let (organization, placed_by) = order.customer.as_ref()?;
            Some((&order.at, organization, placed_by.as_ref()))
        })
        .collect();
    if customers.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = distinct(customers.iter().map(|(_, name, _)| (*name).clone()));
    // The same lookup as the writer's: by name regardless of case, the oldest first.
    let organizations: HashMap<String, Option<i64>> = sqlx::query_as::<_, (String, Option<i64>)>(
        "SELECT given, (SELECT id FROM organizations WHERE lower(name) = lower(given)
                        ORDER BY id LIMIT 1)
           FROM unnest($1::text[]) AS given",
    )
    .bind(&names)
    .fetch_all(&mut *db)
    .await?
    .into_iter()
    .collect();
    let emails: Vec<String> = distinct(customers.iter().filter_map(|(_, _, email)| email.cloned()));
    // The organization of each account found (None for staff).
    let accounts: HashMap<String, Option<i64>> = if emails.is_empty() {
        HashMap::new()
    } else {
        sqlx::query_as::<_, (String, Option<i64>)>(
            "SELECT given, u.organization_id
               FROM unnest($1::text[]) AS given
               JOIN users u ON lower(u.email) = lower(given)",
        )
        .bind(&emails)
        .fetch_all(&mut *db)
        .await?
        .into_iter()
        .collect()
    };
    for (at, organization, placed_by) in customers {
        let Some(organization_id) = organizations.get(organization).copied().flatten() else {
            problems.add(
                at.line,
                Some(at.field("organization")),
                format!("there is no organization named “{organization}” in Rapport"),
            );
            continue;
        };
        if let Some(email) = placed_by {
            let reason = match accounts.get(email) {
                None => format!("there is no account with the e-mail {email} in Rapport"),
                Some(member_of) if *member_of != Some(organization_id) => {
                    format!("{email} is not a member of {organization}")
                }
                Some(_) => continue,
            };
            problems.add(at.line, Some(at.field("placed_by")), reason);
        }
    }
    Ok(())
}

/// Every invoice and delivery names an order in the file or in Rapport, an
/// invoice is in its order's currency, and a delivery carries products that
/// are on its order.
async fn check_invoices_and_deliveries(
    db: &mut PgConnection,
    file: &OrderFile,
    problems: &mut Problems,
) -> sqlx::Result<()> {
    // Orders of the file replace what Rapport has of them.
    let in_file: HashMap<&str, &crate::db::order_records::OrderRecord> = file
        .orders
        .iter()
        .map(|o| (o.record.number.as_str(), &o.record))
        .collect();
    let wanted: Vec<String> = distinct(
        file.invoices
            .iter()
            .map(|i| i.record.order.clone())
            .chain(file.deliveries.iter().map(|d| d.record.order.clone()))
            .filter(|number| !file.declared_orders.contains(number)),
    );
    if file.invoices.is_empty() && file.deliveries.is_empty() {
        return Ok(());
    }
    let currencies: HashMap<String, String> = if wanted.is_empty() {
        HashMap::new()
    } else {
        sqlx::query_as::<_, (String, String)>(
            "SELECT number, currency FROM orders WHERE number = ANY($1)",
        )
        .bind(&wanted)
        .fetch_all(&mut *db)
        .await?
        .into_iter()
        .collect()
    };
    let mut skus_on: HashMap<String, HashSet<String>> = HashMap::new();
    let delivered: Vec<String> = distinct(
        file.deliveries
            .iter()
            .map(|d| d.record.order.clone())
            .filter(|number| currencies.contains_key(number)),
    );
    if !delivered.is_empty() {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT o.number, p.sku
               FROM orders o
               JOIN order_lines l ON l.order_id = o.id
               JOIN products p ON p.id = l.product_id
              WHERE o.number = ANY($1)",
        )
        .bind(&delivered)
        .fetch_all(&mut *db)
        .await?;
        for (number, sku) in rows {
            skus_on.entry(number).or_default().insert(sku);
        }
    }
    // The currency of an order, and whether it is known at all. An order the
    // file declares but could not read is not checked further (its own
    // problems are reported).
    let order_currency = |number: &str| -> Result<Option<&str>, ()> {
        if let Some(order) = in_file.get(number) {
            Ok(Some(order.currency.as_str()))
        } else if file.declared_orders.contains(number) {
            Ok(None)
        } else {
            currencies.get(number).map(|c| Some(c.as_str())).ok_or(())
        }
    };
    let no_order = |number: &str| {
        format!("there is no order {number} in Rapport or in this file (import the orders first)")
    };

    for invoice in &file.invoices {
        let record = &invoice.record;
        match order_currency(&record.order) {
            Err(()) => problems.add(
                invoice.at.line,
                Some(invoice.at.field("order")),
                no_order(&record.order),
            ),
            Ok(Some(currency)) if currency != record.currency => problems.add(
                invoice.at.line,
                Some(invoice.at.field("currency")),
                format!(
                    "the invoice is in {} but order {} is in {currency}",
                    record.currency, record.order
                ),
            ),
            Ok(_) => {}
        }
    }
    for delivery in &file.deliveries {
        let record = &delivery.record;
        if order_currency(&record.order).is_err() {
            problems.add(
                delivery.at.line,
                Some(delivery.at.field("order")),
                no_order(&record.order),
            );
            continue;
        }
        let on_order: HashSet<&str> = match in_file.get(record.order.as_str()) {
            Some(order) => order.lines.iter().map(|l| l.sku.as_str()).collect(),
            None => match skus_on.get(&record.order) {
                Some(skus) => skus.iter().map(String::as_str).collect(),
                // The file declares the order but could not read it.
                None if file.declared_orders.contains(&record.order) => continue,
                None => HashSet::new(),
            },
        };
        for ((sku, _), at) in record.lines.iter().zip(&delivery.lines) {
            if !on_order.contains(sku.as_str()) {
                problems.add(
                    at.line,
                    Some(at.field("sku")),
                    format!("order {} has no line with the SKU {sku}", record.order),
                );
            }
        }
    }
    Ok(())
}

/// Each value once, in no particular order.
fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    values.collect::<HashSet<_>>().into_iter().collect()
}
