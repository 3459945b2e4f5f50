//! `rapport import-orders`: the sample files, mistakes reported by line and
//! field with nothing written, idempotency, dry runs, and the command itself.
//!
//! Each test makes the organizations and accounts the samples name itself
//! (not the demo seed), so what the demo holds does not change these tests.

use rapport_core::db::{organizations, users};
use rapport_core::order_import::{import_file, Counts, ImportError, ImportSummary};
use rapport_types::{DisplayName, Email, OrganizationName, Role};
use sqlx::PgPool;
use std::path::{Path, PathBuf};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/orders")
        .join(name)
}

/// The organizations and customers the sample files refer to.
async fn customers(pool: &PgPool) {
    for (organization, members) in [
        (
            "Acme Robotics",
            [
                ("ahmed@acme.example", Role::Customer),
                ("carla@acme.example", Role::CustomerAdmin),
            ],
        ),
        (
            "Northwind Traders",
            [
                ("nick@northwind.example", Role::Customer),
                ("olivia@northwind.example", Role::CustomerAdmin),
            ],
        ),
    ] {
        let name = OrganizationName::parse("organization", organization).unwrap();
        let organization_id = organizations::create(pool, &name).await.unwrap();
        for (email, role) in members {
            users::create(
                pool,
                users::NewUser {
                    email: &Email::parse("email", email).unwrap(),
                    display_name: &DisplayName::parse("name", "Test Customer").unwrap(),
                    role,
                    organization_id: Some(organization_id),
                    // Nobody signs in here.
                    password_hash: "not a password hash",
                },
            )
            .await
            .unwrap();
        }
    }
}

async fn import(pool: &PgPool, path: &Path) -> ImportSummary {
    match import_file(pool, path, false, |_| {}).await {
        Ok(summary) => summary,
        Err(e) => panic!("importing {}: {e}", path.display()),
    }
}

fn counts(created: u64, changed: u64, unchanged: u64) -> Counts {
    Counts {
        created,
        changed,
        unchanged,
    }
}

/// How many rows each table of orders holds.
async fn row_counts(pool: &PgPool) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "products",
        "orders",
        "order_lines",
        "invoices",
        "invoice_lines",
        "invoice_tax_lines",
        "deliveries",
        "delivery_lines",
        "delivery_events",
    ] {
        let count: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(pool)
            .await
            .unwrap();
        counts.push((table, count));
    }
    counts
}

async fn count_of(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The problems of a failed import, one per line as printed.
fn problems(result: Result<ImportSummary, ImportError>) -> Vec<String> {
    match result {
        Ok(summary) => panic!("the import should have failed, but gave:\n{summary}"),
        Err(ImportError::Invalid { problems, more }) => {
            assert_eq!(more, 0);
            problems.iter().map(|p| p.to_string()).collect()
        }
        Err(other) => panic!("expected problems with rows, got: {other}"),
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_csv_samples_import_in_order_with_exact_invoice_figures(pool: PgPool) {
    customers(&pool).await;
    let products = import(&pool, &sample("products.csv")).await;
    assert_eq!(products.products, counts(5, 0, 0));
    let orders = import(&pool, &sample("orders.csv")).await;
    assert_eq!(orders.orders, counts(4, 0, 0));
    assert_eq!(orders.products, counts(0, 0, 0));
    let invoices = import(&pool, &sample("invoices.csv")).await;
    assert_eq!(invoices.invoices, counts(3, 0, 0));
    let deliveries = import(&pool, &sample("deliveries.csv")).await;
    assert_eq!(deliveries.deliveries, counts(3, 0, 0));
    assert_eq!(
        deliveries.to_string(),
        "Products: 0 new, 0 changed, 0 unchanged\nOrders: 0 new, 0 changed, 0 unchanged\n\
         Invoices: 0 new, 0 changed, 0 unchanged\nDeliveries: 3 new, 0 changed, 0 unchanged"
    );
    assert_eq!(
        row_counts(&pool).await,
        vec![
            ("products", 5),
            ("orders", 4),
            ("order_lines", 7),
            ("invoices", 3),
            ("invoice_lines", 8),
            ("invoice_tax_lines", 9),
            ("deliveries", 3),
            ("delivery_lines", 5),
            ("delivery_events", 3),
        ]
    );

    // IMP-SO-1: 2 × 4850.00 + 2 × 389.50 + 4 × 42.90 = CHF 10,650.60.
    let (total, placed_by): (i64, Option<String>) = sqlx::query_as(
        "SELECT o.total_minor, u.email FROM orders o LEFT JOIN users u ON u.id = o.placed_by
          WHERE o.number = 'IMP-SO-1'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(total, 1_065_060);
    assert_eq!(placed_by.as_deref(), Some("ahmed@acme.example"));

    // IMP-INV-2, by hand (USD cents; each tax rounded once, half away from zero):
    //   3 × 219.00 = 657.00: US-CA 6 % = 39.42, US-CA-LA 2.25 % = 14.7825 → 14.78
    //   10 × 18.75 = 187.50: US-CA 6 % = 11.25, US-CA-LA 2.25 % = 4.21875 → 4.22
    //   1 × 35.00 freight, untaxed
    //   subtotal 879.50, tax 39.42 + 14.78 + 11.25 + 4.22 = 69.67, total 949.17
    let (subtotal, tax, total, status): (i64, i64, i64, String) = sqlx::query_as(
        "SELECT subtotal_minor, tax_total_minor, total_minor, status FROM invoices
          WHERE number = 'IMP-INV-2'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((subtotal, tax, total), (87_950, 6_967, 94_917));
    // "overdue" in the file: Rapport stores it as open and works overdue out itself.
    assert_eq!(status, "open");
    let by_jurisdiction: Vec<(String, i32, i64, i64)> = sqlx::query_as(
        "SELECT t.jurisdiction, t.rate_ppm, sum(t.taxable_minor)::bigint, sum(t.amount_minor)::bigint
           FROM invoice_tax_lines t
           JOIN invoice_lines l ON l.id = t.invoice_line_id
           JOIN invoices i ON i.id = l.invoice_id
          WHERE i.number = 'IMP-INV-2'
          GROUP BY t.jurisdiction, t.rate_ppm ORDER BY t.jurisdiction",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        by_jurisdiction,
        vec![
            ("US-CA".to_string(), 60_000, 84_450, 5_067),
            ("US-CA-LA".to_string(), 22_500, 84_450, 1_900),
        ]
    );
    // IMP-INV-3 has a discount line: −117.00 × 8.1 % = −9.477 → −9.48.
    let (subtotal, tax, total): (i64, i64, i64) = sqlx::query_as(
        "SELECT subtotal_minor, tax_total_minor, total_minor FROM invoices WHERE number = 'IMP-INV-3'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((subtotal, tax, total), (222_000, 17_982, 239_982));

    let (status, delivered_on): (String, Option<time::Date>) =
        sqlx::query_as("SELECT status, delivered_on FROM deliveries WHERE number = 'IMP-DL-1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(status, "delivered");
    assert_eq!(
        delivered_on.map(|d| d.to_string()).as_deref(),
        Some("2026-03-06")
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_json_sample_imports_on_its_own(pool: PgPool) {
    customers(&pool).await;
    let mut reported = Vec::new();
    let summary = import_file(&pool, &sample("orders.json"), false, |n| reported.push(n))
        .await
        .unwrap();
    assert_eq!(summary.products, counts(3, 0, 0));
    assert_eq!(summary.orders, counts(2, 0, 0));
    assert_eq!(summary.invoices, counts(2, 0, 0));
    assert_eq!(summary.deliveries, counts(1, 0, 0));
    assert!(!summary.dry_run);
    // The progress callback hears every record written, in order.
    assert_eq!(reported, (1..=8).collect::<Vec<u64>>());
    // IMP-INV-102: 5 × 149.00 = 745.00; US-CA 6 % = 44.70, US-CA-LA 2.25 % = 16.7625 → 16.76.
    let (subtotal, tax, total, status, paid_on): (i64, i64, i64, String, Option<time::Date>) =
        sqlx::query_as(
            "SELECT subtotal_minor, tax_total_minor, total_minor, status, paid_on FROM invoices
              WHERE number = 'IMP-INV-102'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((subtotal, tax, total), (74_500, 6_146, 80_646));
    assert_eq!(status, "paid");
    assert_eq!(
        paid_on.map(|d| d.to_string()).as_deref(),
        Some("2026-03-25")
    );
    assert_eq!(count_of(&pool, "delivery_lines").await, 2);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_bad_csv_row_names_its_line_and_field_and_nothing_is_written(pool: PgPool) {
    customers(&pool).await;
    import(&pool, &sample("products.csv")).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.csv");
    std::fs::write(
        &path,
        "order,organization,placed_by,status,ordered_on,currency,sku,quantity,unit_price\n\
         IMP-SO-1,Acme Robotics,ahmed@acme.example,placed,2026-03-02,CHF,IMP-ARM-200,1,4850.00\n\
         IMP-SO-2,Acme Robotics,,placed,2026-03-02,CHF,IMP-ARM-200,1,4850.00\n\
         IMP-SO-2,Acme Robotics,,placed,2026-03-02,CHF,IMP-GRIP-10,abc,389.50\n\
         IMP-SO-3,Northwind Traders,nick@northwind.example,placed,2026-03-03,USD,IMP-SCAN-3,2,219.00\n\
         IMP-SO-4,Northwind Traders,,placed,2026-03-03,USD,IMP-NOPE,1,1.00\n",
    )
    .unwrap();
    let found = problems(import_file(&pool, &path, false, |_| {}).await);
    assert_eq!(
        found,
        vec![
            "line 4: quantity: “abc” must be a whole number of 1 or more",
            "line 6: sku: there is no product with the SKU IMP-NOPE in Rapport or in this file \
             (import the products first)",
        ]
    );
    // Not even the good orders were written.
    assert_eq!(count_of(&pool, "orders").await, 0);
    assert_eq!(count_of(&pool, "order_lines").await, 0);

    // References the order system gets wrong are named by row and field too.
    std::fs::write(
        &path,
        "order,organization,placed_by,status,ordered_on,currency,sku,quantity,unit_price\n\
         IMP-SO-1,Acme Robotic,,placed,2026-03-02,CHF,IMP-ARM-200,1,4850.00\n\
         IMP-SO-2,Acme Robotics,nick@northwind.example,placed,2026-03-02,CHF,IMP-ARM-200,1,4850.00\n\
         IMP-SO-3,Acme Robotics,,placed,2026-03-02,CHF,IMP-ARM-200,1,4850.00\n\
         IMP-SO-3,Acme Robotics,,shipped,2026-03-02,CHF,IMP-GRIP-10,1,389.50\n",
    )
    .unwrap();
    let found = problems(import_file(&pool, &path, false, |_| {}).await);
    assert_eq!(
        found,
        vec![
            "line 2: organization: there is no organization named “Acme Robotic” in Rapport",
            "line 3: placed_by: nick@northwind.example is not a member of Acme Robotics",
            "line 5: status: is “shipped” here but “placed” on line 4; the rows of order IMP-SO-3 \
             must agree on organization, placed_by, status, ordered_on, currency",
        ]
    );
    assert_eq!(count_of(&pool, "orders").await, 0);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_bad_json_record_names_its_line_and_path_and_nothing_is_written(pool: PgPool) {
    customers(&pool).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.JSON");
    std::fs::write(
        &path,
        r#"{
  "products": [
    {"sku": "IMP-A", "name": "A", "unit_price": "10.00", "currency": "CHF"}
  ],
  "orders": [
    {"order": "IMP-SO-1", "organization": "Acme Robotics", "status": "placed",
     "ordered_on": "2026-03-02", "currency": "CHF",
     "lines": [{"sku": "IMP-A", "quantity": 1, "unit_price": "10.00"}]},
    {"order": "IMP-SO-2", "organization": "Acme Robotics", "status": "placed",
     "ordered_on": "2026-03-02", "currency": "CHF", "colour": "red",
     "lines": [
       {"sku": "IMP-A", "quantity": 1, "unit_price": 10.5},
       {"sku": "IMP-B", "quantity": "2", "unit_price": "10.00"}
     ]}
  ],
  "invoices": [
    {"invoice": "IMP-INV-1", "order": "IMP-SO-9", "issued_on": "2026-03-05",
     "due_on": "2026-03-01", "status": "open", "currency": "CHF",
     "lines": [{"description": "A", "quantity": 1, "unit_price": "10.00",
                "taxes": [{"jurisdiction": "CH", "rate": "8.1%"}]}]}
  ]
}
"#,
    )
    .unwrap();
    let found = problems(import_file(&pool, &path, false, |_| {}).await);
    assert_eq!(
        found,
        vec![
            "line 9: orders[1].colour: is not a field of an order; the fields are: order, \
             organization, placed_by, status, ordered_on, currency, lines",
            "line 12: orders[1].lines[0].unit_price: write amounts as strings, e.g. \"12.50\" \
             (not 10.5), so they are read exactly",
            "line 13: orders[1].lines[1].quantity: “2”: write the quantity as a number without \
             quotes, e.g. 2",
            "line 13: orders[1].lines[1].sku: there is no product with the SKU IMP-B in Rapport \
             or in this file (import the products first)",
            "line 17: invoices[0].due_on: 2026-03-01 is before the issue date 2026-03-05",
        ]
    );
    // The good product and order of the file were not written either.
    assert_eq!(count_of(&pool, "products").await, 0);
    assert_eq!(count_of(&pool, "orders").await, 0);

    std::fs::write(&path, "{\"products\": [\n  {\"sku\": \"A\",}\n]}\n").unwrap();
    let found = problems(import_file(&pool, &path, false, |_| {}).await);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("line 2: the file is not valid JSON at column"),
        "{found:?}"
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn importing_again_changes_nothing_and_a_changed_price_is_one_change(pool: PgPool) {
    customers(&pool).await;
    let first = import(&pool, &sample("orders.json")).await;
    let rows = row_counts(&pool).await;
    let again = import(&pool, &sample("orders.json")).await;
    assert_eq!(again.products, counts(0, 0, first.products.created));
    assert_eq!(again.orders, counts(0, 0, first.orders.created));
    assert_eq!(again.invoices, counts(0, 0, first.invoices.created));
    assert_eq!(again.deliveries, counts(0, 0, first.deliveries.created));
    assert_eq!(row_counts(&pool).await, rows);

    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join("orders.json");
    let text = std::fs::read_to_string(sample("orders.json")).unwrap();
    let text = text.replacen("\"unit_price\": \"64.00\"", "\"unit_price\": \"66.50\"", 1);
    std::fs::write(&changed, text).unwrap();
    let summary = import(&pool, &changed).await;
    assert_eq!(summary.products, counts(0, 1, 2));
    assert_eq!(summary.orders, counts(0, 0, 2));
    assert_eq!(row_counts(&pool).await, rows);
    let price: i64 =
        sqlx::query_scalar("SELECT unit_price_minor FROM products WHERE sku = 'IMP-SENS-40'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(price, 6_650);

    // The CSV set behaves the same.
    for name in [
        "products.csv",
        "orders.csv",
        "invoices.csv",
        "deliveries.csv",
    ] {
        import(&pool, &sample(name)).await;
    }
    let rows = row_counts(&pool).await;
    for name in [
        "products.csv",
        "orders.csv",
        "invoices.csv",
        "deliveries.csv",
    ] {
        let summary = import(&pool, &sample(name)).await;
        for kind in [
            summary.products,
            summary.orders,
            summary.invoices,
            summary.deliveries,
        ] {
            assert_eq!((kind.created, kind.changed), (0, 0), "{name}: {summary}");
        }
    }
    assert_eq!(row_counts(&pool).await, rows);
}

/// The SKUs and quantities a delivery carries, by SKU.
async fn delivery_contents(pool: &PgPool, number: &str) -> Vec<(String, i32)> {
    sqlx::query_as(
        "SELECT p.sku, dl.quantity
           FROM deliveries d
           JOIN delivery_lines dl ON dl.delivery_id = d.id
           JOIN order_lines l ON l.id = dl.order_line_id
           JOIN products p ON p.id = l.product_id
          WHERE d.number = $1
          ORDER BY p.sku",
    )
    .bind(number)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn reordered_order_lines_keep_deliveries_right(pool: PgPool) {
    customers(&pool).await;
    import(&pool, &sample("orders.json")).await;
    let carried = vec![
        ("IMP-PLC-20".to_string(), 1),
        ("IMP-SENS-40".to_string(), 8),
    ];
    assert_eq!(delivery_contents(&pool, "IMP-DL-101").await, carried);

    // The order system lists the lines of IMP-SO-101 the other way round. Order
    // lines are kept by position, so the delivery must find its lines again.
    let text = std::fs::read_to_string(sample("orders.json")).unwrap();
    let plc = r#"{"sku": "IMP-PLC-20", "quantity": 1, "unit_price": "1180.00"}"#;
    let sensor = r#"{"sku": "IMP-SENS-40", "quantity": 8, "unit_price": "64.00"}"#;
    assert!(text.contains(&format!("{plc},\n        {sensor}")));
    let text = text.replacen(
        &format!("{plc},\n        {sensor}"),
        &format!("{sensor},\n        {plc}"),
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let reordered = dir.path().join("orders.json");
    std::fs::write(&reordered, text).unwrap();
    let summary = import(&pool, &reordered).await;
    assert_eq!(summary.orders, counts(0, 1, 1));
    assert_eq!(summary.deliveries, counts(0, 1, 0));
    assert_eq!(delivery_contents(&pool, "IMP-DL-101").await, carried);
    // The status did not change: no new entry in the delivery's history.
    assert_eq!(count_of(&pool, "delivery_events").await, 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_dry_run_reports_what_it_would_do_and_writes_nothing(pool: PgPool) {
    customers(&pool).await;
    let summary = import_file(&pool, &sample("orders.json"), true, |_| {})
        .await
        .unwrap();
    assert!(summary.dry_run);
    assert_eq!(summary.products, counts(3, 0, 0));
    assert_eq!(summary.deliveries, counts(1, 0, 0));
    assert!(row_counts(&pool).await.iter().all(|(_, n)| *n == 0));
}

/// DATABASE_URL with the test's own database in place of the one it names.
pub(crate) async fn test_database_url(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for database tests");
    // postgres://user@host/database?options: replace the part after the host.
    let (address, options) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let host_starts = address.find("://").map_or(0, |at| at + 3);
    let server = match address[host_starts..].find('/') {
        Some(slash) => &address[..host_starts + slash],
        None => address,
    };
    if options.is_empty() {
        format!("{server}/{name}")
    } else {
        format!("{server}/{name}?{options}")
    }
}

fn rapport(database_url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RAPPORT_LOG", "warn")
        .output()
        .expect("running rapport")
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_command_reports_a_bad_file_and_fails(pool: PgPool) {
    customers(&pool).await;
    let url = test_database_url(&pool).await;
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("products.csv");
    std::fs::write(
        &bad,
        "sku,name,description,unit_price,currency,vendor\n\
         IMP-A,Arm,,10.00,CHF,\n\
         IMP-B,Gripper,,ten,CHF,\n",
    )
    .unwrap();
    let output = rapport(&url, &["import-orders", bad.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("line 3: unit_price: “ten” is not an amount"),
        "{stderr}"
    );
    assert_eq!(count_of(&pool, "products").await, 0);

    let products = sample("products.csv");
    let dry = rapport(
        &url,
        &["import-orders", "--dry-run", products.to_str().unwrap()],
    );
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(
        stdout.starts_with("Dry run: nothing was written."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Products: 5 new, 0 changed, 0 unchanged"),
        "{stdout}"
    );
    assert_eq!(count_of(&pool, "products").await, 0);

    let real = rapport(&url, &["import-orders", products.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&real.stdout);
    assert!(
        real.status.success(),
        "{}",
        String::from_utf8_lossy(&real.stderr)
    );
    // Not a terminal: no progress bar, only the summary.
    assert_eq!(
        stdout.lines().skip(1).collect::<Vec<_>>(),
        vec![
            "Products: 5 new, 0 changed, 0 unchanged",
            "Orders: 0 new, 0 changed, 0 unchanged",
            "Invoices: 0 new, 0 changed, 0 unchanged",
            "Deliveries: 0 new, 0 changed, 0 unchanged",
        ]
    );
    assert_eq!(count_of(&pool, "products").await, 5);

    let unknown = rapport(&url, &["import-orders", "orders.xlsx"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains(".csv and .json"));
}
