//! The demo's orders, invoices and deliveries, seeded into a fresh database:
//! every status is on show, the figures add up, and seeding again changes nothing.

use sqlx::PgPool;
use std::collections::BTreeSet;

const ORGANIZATIONS: [&str; 3] = ["Acme Robotics", "Northwind Traders", "Globex Logistics"];

async fn strings(pool: &PgPool, sql: &str) -> BTreeSet<String> {
    sqlx::query_scalar::<_, String>(sql)
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_demo_has_a_year_of_orders_invoices_and_deliveries_in_every_state(pool: PgPool) {
    assert!(rapport_demo::seed::seed_demo(&pool).await.unwrap());

    let products = count(&pool, "SELECT count(*) FROM products").await;
    assert!((12..=20).contains(&products), "{products} products");
    let orders = count(&pool, "SELECT count(*) FROM orders").await;
    assert!((90..=150).contains(&orders), "{orders} orders");
    for organization in ORGANIZATIONS {
        let theirs: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM orders o JOIN organizations g ON g.id = o.organization_id
             WHERE g.name = $1",
        )
        .bind(organization)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(theirs >= 24, "{organization} has {theirs} orders");
    }
    // About a year, up to today, and numbered in date order within each year.
    let span = count(
        &pool,
        "SELECT (max(ordered_on) - min(ordered_on))::bigint FROM orders",
    )
    .await;
    assert!((330..=370).contains(&span), "orders span {span} days");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM orders WHERE ordered_on > current_date + 1"
        )
        .await,
        0
    );
    let out_of_order = count(
        &pool,
        "SELECT count(*) FROM orders a JOIN orders b
           ON substr(a.number, 4, 4) = substr(b.number, 4, 4) AND a.number < b.number
         WHERE a.ordered_on > b.ordered_on OR substr(a.number, 4, 4)::int <> extract(year FROM a.ordered_on)",
    )
    .await;
    assert_eq!(out_of_order, 0, "order numbers follow the dates");
    assert_eq!(
        strings(&pool, "SELECT DISTINCT status FROM orders").await,
        set(&["placed", "processing", "shipped", "completed", "cancelled"])
    );
    // Orders have 1 to 4 lines and their total is the sum of the lines.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM orders o WHERE
               (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) NOT BETWEEN 1 AND 4
               OR o.total_minor <> (SELECT sum(line_total_minor) FROM order_lines l WHERE l.order_id = o.id)",
        )
        .await,
        0
    );

    // Invoices: every status, overdue being open past its due date.
    assert_eq!(
        strings(
            &pool,
            "SELECT DISTINCT CASE WHEN status = 'open' AND due_on < current_date THEN 'overdue'
                                  ELSE status END FROM invoices",
        )
        .await,
        set(&["open", "overdue", "paid", "void"])
    );
    for organization in ORGANIZATIONS {
        let (overdue, not_yet_due): (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE i.due_on < current_date),
                    count(*) FILTER (WHERE i.due_on >= current_date)
               FROM invoices i JOIN organizations g ON g.id = i.organization_id
              WHERE g.name = $1 AND i.status = 'open'",
        )
        .bind(organization)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(overdue >= 1, "{organization} has no overdue invoice");
        assert!(not_yet_due >= 1, "{organization} has no open invoice");
    }
    // Only cancelled orders have a void invoice, and no cancelled order is billed.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id
              WHERE (i.status = 'void') <> (o.status = 'cancelled')",
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM invoices WHERE due_on <> issued_on + 30
                OR (status = 'paid' AND (paid_on < issued_on OR paid_on > current_date))",
        )
        .await,
        0
    );
    // Carla, Acme's customer admin, sees an overdue invoice: every invoice of Acme.
    let carlas_overdue = count(
        &pool,
        "SELECT count(*) FROM invoices i JOIN users u ON u.organization_id = i.organization_id
          WHERE u.email = 'carla@acme.example' AND u.role = 'customer_admin'
            AND i.status = 'open' AND i.due_on < current_date",
    )
    .await;
    assert!(carlas_overdue >= 1);

    // The figures add up: total = subtotal + tax, subtotal = the lines' nets,
    // tax = the tax lines' amounts.
    let wrong = count(
        &pool,
        "SELECT count(*) FROM invoices i WHERE
            i.total_minor <> i.subtotal_minor + i.tax_total_minor
            OR i.subtotal_minor <> (SELECT coalesce(sum(net_minor), 0) FROM invoice_lines l
                                     WHERE l.invoice_id = i.id)
            OR i.tax_total_minor <> (SELECT coalesce(sum(t.amount_minor), 0)
                                       FROM invoice_lines l JOIN invoice_tax_lines t
                                         ON t.invoice_line_id = l.id
                                      WHERE l.invoice_id = i.id)",
    )
    .await;
    assert_eq!(wrong, 0, "invoices whose figures do not add up");
    // The invoices carry their order's lines, at the order's prices.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id
              WHERE i.subtotal_minor <> o.total_minor OR i.currency <> o.currency",
        )
        .await,
        0
    );
    // The taxes: Swiss VAT, German VAT (once at the reduced rate), and one US
    // line taxed by the state and the county.
    assert_eq!(
        strings(
            &pool,
            "SELECT DISTINCT jurisdiction || ' ' || rate_ppm FROM invoice_tax_lines",
        )
        .await,
        set(&[
            "CH 81000",
            "DE 190000",
            "DE 70000",
            "US-CA 60000",
            "US-CA-LA 22500"
        ])
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM invoice_tax_lines WHERE rate_ppm = 70000"
        )
        .await,
        1
    );
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM invoice_lines l WHERE
               (SELECT count(*) FROM invoice_tax_lines t WHERE t.invoice_line_id = l.id) = 2",
        )
        .await
            >= 1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM invoices i JOIN organizations g ON g.id = i.organization_id
              WHERE (g.name = 'Globex Logistics') <> (i.currency = 'EUR')",
        )
        .await,
        0
    );

    // Deliveries: every status, with a history that ends in it.
    assert_eq!(
        strings(&pool, "SELECT DISTINCT status FROM deliveries").await,
        set(&[
            "preparing",
            "in_transit",
            "out_for_delivery",
            "delivered",
            "exception",
            "returned"
        ])
    );
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM deliveries WHERE status = 'in_transit'"
        )
        .await
            >= 2
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM deliveries d WHERE d.status <>
               (SELECT e.status FROM delivery_events e WHERE e.delivery_id = d.id
                 ORDER BY e.at DESC, e.id DESC LIMIT 1)
               OR (SELECT count(*) FROM delivery_lines l WHERE l.delivery_id = d.id) = 0
               OR (d.status = 'delivered') <> (d.delivered_on IS NOT NULL)
               OR (d.status = 'preparing') <> (d.shipped_on IS NULL)
               OR EXISTS (SELECT 1 FROM delivery_events e WHERE e.delivery_id = d.id AND e.at > now())",
        )
        .await,
        0
    );
    // Deliveries belong to orders on their way or done, and some orders come in two.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM deliveries d JOIN orders o ON o.id = d.order_id
              WHERE o.status NOT IN ('processing', 'shipped', 'completed')",
        )
        .await,
        0
    );
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM (SELECT order_id FROM deliveries GROUP BY order_id
                                   HAVING count(*) = 2) split",
        )
        .await
            >= 2
    );
    // No delivery carries more of a line than was ordered.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM order_lines l
              WHERE (SELECT coalesce(sum(dl.quantity), 0) FROM delivery_lines dl
                       JOIN deliveries d ON d.id = dl.delivery_id
                      WHERE dl.order_line_id = l.id AND d.status <> 'returned') > l.quantity",
        )
        .await,
        0
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn seeding_the_demo_twice_changes_nothing(pool: PgPool) {
    assert!(rapport_demo::seed::seed_demo(&pool).await.unwrap());
    let sizes = "SELECT (SELECT count(*) FROM products) + (SELECT count(*) FROM orders)
                      + (SELECT count(*) FROM invoices) + (SELECT count(*) FROM deliveries)
                      + (SELECT count(*) FROM delivery_events)";
    let before = count(&pool, sizes).await;
    assert!(!rapport_demo::seed::seed_demo(&pool).await.unwrap());
    assert_eq!(count(&pool, sizes).await, before);
}
