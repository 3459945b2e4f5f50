//! HTTP tests of orders, invoices and deliveries: who sees which, by number and
//! by list; cases opened about them; the agents' view beside a case.
//!
//! Each test writes its own small order history (numbers starting with `T-`)
//! through the same writers the import uses, so it does not depend on the demo's.

use crate::common;

use crate::common::TestApp;
use app::api::cases::CaseDetail;
use app::api::dashboard::Dashboard;
use app::api::orders::{
    AboutItem, DeliveryDetail, FindByNumber, InvoiceDetail, InvoiceList, OrderDetail, OrderList,
    SetOrderSharing,
};
use leptos::server_fn::serde::Serialize;
use leptos::server_fn::ServerFn;
use rapport_core::db::order_records::{
    write_delivery, write_invoice, write_order, write_product, DeliveryRecord, InvoiceLineRecord,
    InvoiceRecord, OrderLineRecord, OrderRecord, ProductRecord,
};
use rapport_types::{DeliveryStatus, InvoiceStatus, OrderStatus, Tax, TaxRate};
use reqwest::Client;
use serde_json::Value;
use sqlx::PgPool;
use time::{Date, Duration, OffsetDateTime};

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// Acme: T-SO-1 placed by Ahmed (overdue invoice T-INV-1, delivery T-DL-1 in
/// transit), T-SO-2 placed by Carla (paid invoice T-INV-2). Northwind: T-SO-3.
pub(crate) async fn write_history(pool: &PgPool) {
    let mut db = pool.acquire().await.unwrap();
    let product = |sku: &str, name: &str, price| ProductRecord {
        sku: sku.into(),
        name: name.into(),
        description: String::new(),
        unit_price_minor: price,
        currency: "CHF".into(),
        vendor: "Test".into(),
    };
    for p in [
        product("T-ARM", "Test arm", 129_900),
        product("T-CABLE", "Test cable", 1_950),
    ] {
        write_product(&mut db, &p).await.unwrap();
    }
    let order = |number: &str, organization: &str, placed_by: &str| OrderRecord {
        number: number.into(),
        organization: organization.into(),
        placed_by: Some(placed_by.into()),
        status: OrderStatus::Shipped,
        // Today: the newest orders, so they head the "recent orders" beside a case.
        ordered_on: today(),
        currency: "CHF".into(),
        lines: vec![
            OrderLineRecord {
                sku: "T-ARM".into(),
                quantity: 1,
                unit_price_minor: 129_900,
            },
            OrderLineRecord {
                sku: "T-CABLE".into(),
                quantity: 3,
                unit_price_minor: 1_950,
            },
        ],
    };
    for o in [
        order("T-SO-1", "Acme Robotics", "ahmed@acme.example"),
        order("T-SO-2", "Acme Robotics", "carla@acme.example"),
        order("T-SO-3", "Northwind Traders", "nick@northwind.example"),
    ] {
        write_order(&mut db, &o).await.unwrap();
    }
    let vat = vec![Tax {
        jurisdiction: "CH".into(),
        rate: TaxRate(81_000),
    }];
    let invoice = |number: &str, order: &str, status, paid_on| InvoiceRecord {
        number: number.into(),
        order: order.into(),
        issued_on: today() - Duration::days(50),
        due_on: today() - Duration::days(20),
        status,
        paid_on,
        currency: "CHF".into(),
        lines: vec![
            InvoiceLineRecord {
                description: "Test arm".into(),
                quantity: 1,
                unit_price_minor: 129_900,
                taxes: vat.clone(),
            },
            InvoiceLineRecord {
                description: "Test cable".into(),
                quantity: 3,
                unit_price_minor: 1_950,
                taxes: vat.clone(),
            },
        ],
    };
    write_invoice(
        &mut db,
        &invoice("T-INV-1", "T-SO-1", InvoiceStatus::Open, None),
    )
    .await
    .unwrap();
    let paid = Some(today() - Duration::days(30));
    write_invoice(
        &mut db,
        &invoice("T-INV-2", "T-SO-2", InvoiceStatus::Paid, paid),
    )
    .await
    .unwrap();
    write_delivery(
        &mut db,
        &DeliveryRecord {
            number: "T-DL-1".into(),
            order: "T-SO-1".into(),
            carrier: "UPS".into(),
            tracking_number: "1ZTEST0001".into(),
            status: DeliveryStatus::InTransit,
            shipped_on: Some(today() - Duration::days(2)),
            delivered_on: None,
            lines: vec![("T-ARM".into(), 1)],
            events: vec![],
        },
    )
    .await
    .unwrap();
}

/// Call a server function with typed arguments: the status, and the answer as JSON.
async fn call_json<F>(app: &TestApp, client: &Client, args: F) -> (u16, Value)
where
    F: ServerFn + Serialize,
{
    let response = app.invoke(client, args).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn numbers(listing: &Value) -> Vec<String> {
    listing["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["number"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn orders_listed(app: &TestApp, client: &Client) -> Vec<String> {
    let form = OrderList {
        status: String::new(),
        from: String::new(),
        to: String::new(),
        q: "T-SO".into(),
        page: 1,
    };
    let (status, listing) = call_json(app, client, form).await;
    assert_eq!(status, 200, "{listing}");
    numbers(&listing)
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn customers_see_their_orders_admins_their_organizations_and_nobody_another_organizations(
    pool: PgPool,
) {
    let app = TestApp::spawn(pool).await;
    write_history(&app.pool).await;
    let ahmed = app.signed_in("ahmed@acme.example").await;
    let carla = app.signed_in("carla@acme.example").await;
    let nick = app.signed_in("nick@northwind.example").await;
    let agent = app.signed_in("agent@rapport.example").await;

    assert_eq!(orders_listed(&app, &ahmed).await, ["T-SO-1"]);
    let mut acme = orders_listed(&app, &carla).await;
    acme.sort();
    assert_eq!(acme, ["T-SO-1", "T-SO-2"]);
    assert_eq!(orders_listed(&app, &nick).await, ["T-SO-3"]);
    assert_eq!(orders_listed(&app, &agent).await.len(), 3);

    // By number, another's is "not found", exactly like one that does not exist.
    for (client, name, number) in [
        (&ahmed, "order_detail", "T-SO-2"),
        (&ahmed, "invoice_detail", "T-INV-2"),
        (&nick, "order_detail", "T-SO-1"),
        (&nick, "invoice_detail", "T-INV-1"),
        (&nick, "delivery_detail", "T-DL-1"),
        (&nick, "order_detail", "NO-SUCH-ORDER"),
    ] {
        let wanted = number.to_string();
        let (status, _) = match name {
            "order_detail" => call_json(&app, client, OrderDetail { number: wanted }).await,
            "invoice_detail" => call_json(&app, client, InvoiceDetail { number: wanted }).await,
            "delivery_detail" => call_json(&app, client, DeliveryDetail { number: wanted }).await,
            _ => unreachable!("{name}"),
        };
        assert_eq!(status, 404, "{name} {number}");
    }
    // The same through the pages: a 404 page, and none of the order's figures.
    let page = nick.get(app.url("/invoices/T-INV-1")).send().await.unwrap();
    assert_eq!(page.status(), 404);
    assert!(!page.text().await.unwrap().contains("1,357"));

    // The dashboard counts the invoices due among those the reader may see.
    let overdue_of = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let acme_overdue = overdue_of(
        "SELECT count(*) FROM invoices i JOIN organizations o ON o.id = i.organization_id
         WHERE o.name = 'Acme Robotics' AND i.status = 'open' AND i.due_on < current_date",
    )
    .await;
    let ahmeds_overdue = overdue_of(
        "SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id
         JOIN users u ON u.id = o.placed_by
         WHERE u.email = 'ahmed@acme.example' AND i.status = 'open' AND i.due_on < current_date",
    )
    .await;
    assert!(ahmeds_overdue >= 1 && acme_overdue >= ahmeds_overdue);
    let (_, board) = call_json(&app, &carla, Dashboard {}).await;
    assert_eq!(board["customer"]["overdue_total"], acme_overdue);
    let (_, board) = call_json(&app, &ahmed, Dashboard {}).await;
    assert_eq!(board["customer"]["overdue_total"], ahmeds_overdue);
    let (_, board) = call_json(&app, &agent, Dashboard {}).await;
    assert!(board["customer"].is_null());

    // Trainers write articles; they see no orders. Visitors are asked to sign in.
    let trainer = app.signed_in("trainer@rapport.example").await;
    let form = InvoiceList {
        status: String::new(),
        q: String::new(),
        page: 1,
    };
    assert_eq!(call_json(&app, &trainer, form.clone()).await.0, 403);
    assert_eq!(call_json(&app, &app.browser(), form).await.0, 401);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_customer_admin_can_share_all_orders_with_the_members(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    write_history(&app.pool).await;
    let ahmed = app.signed_in("ahmed@acme.example").await;
    let carla = app.signed_in("carla@acme.example").await;
    let nick = app.signed_in("nick@northwind.example").await;

    // A customer cannot change it, for their own organization or any other.
    assert_eq!(
        app.invoke(
            &ahmed,
            SetOrderSharing {
                share: "true".into(),
            },
        )
        .await
        .status(),
        403
    );
    let response = app
        .invoke(
            &carla,
            SetOrderSharing {
                share: "true".into(),
            },
        )
        .await;
    assert!(response.status().is_success() || response.status().is_redirection());

    let mut seen = orders_listed(&app, &ahmed).await;
    seen.sort();
    assert_eq!(seen, ["T-SO-1", "T-SO-2"]);
    let (status, invoice) = call_json(
        &app,
        &ahmed,
        InvoiceDetail {
            number: "T-INV-2".into(),
        },
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(invoice["summary"]["status"], "Paid");
    // Acme's setting is Acme's: Northwind's members still see only their own.
    assert_eq!(orders_listed(&app, &nick).await, ["T-SO-3"]);

    // While shared, Ahmed opens a case about Carla's invoice ...
    let category: i64 = sqlx::query_scalar("SELECT min(id) FROM case_categories")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let category = category.to_string();
    let form = [
        ("subject", "Invoice T-INV-2"),
        ("description", "Was this paid twice?"),
        ("category_id", category.as_str()),
        ("priority", "normal"),
        ("about", "invoice:T-INV-2"),
    ];
    // Raw: create_case takes multipart data (files), not typed arguments.
    let opened = app.call(&ahmed, "create_case", &form).await;
    assert_eq!(opened.status(), 200);
    let number = opened.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/cases/")
        .to_string();

    app.invoke(
        &carla,
        SetOrderSharing {
            share: "false".into(),
        },
    )
    .await;
    assert_eq!(orders_listed(&app, &ahmed).await, ["T-SO-1"]);
    // ... and once sharing is off, his case no longer shows the invoice's
    // figures; Carla, who may see it, still does.
    let (_, case) = call_json(
        &app,
        &ahmed,
        CaseDetail {
            number: number.clone(),
            canned: None,
        },
    )
    .await;
    assert!(case["linked"].is_null(), "{case}");
    let (_, case) = call_json(
        &app,
        &carla,
        CaseDetail {
            number: number.clone(),
            canned: None,
        },
    )
    .await;
    assert_eq!(case["linked"]["title"], "Invoice T-INV-2");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_invoice_shows_exact_totals_by_tax_rate_and_derives_overdue(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    write_history(&app.pool).await;
    let carla = app.signed_in("carla@acme.example").await;
    let (status, invoice) = call_json(
        &app,
        &carla,
        InvoiceDetail {
            number: "T-INV-1".into(),
        },
    )
    .await;
    assert_eq!(status, 200, "{invoice}");
    // 1 × 1,299.00 + 3 × 19.50 = 1,357.50; 8.1 % per line: 105.219 → 105.22 and
    // 4.7385 → 4.74 (half away from zero), so the tax is 109.96, not 109.95.
    assert_eq!(invoice["subtotal"], "CHF 1,357.50");
    assert_eq!(invoice["tax_total"], "CHF 109.96");
    assert_eq!(invoice["summary"]["total"], "CHF 1,467.46");
    assert_eq!(invoice["taxes"][0]["jurisdiction"], "CH");
    assert_eq!(invoice["taxes"][0]["rate"], "8.1 %");
    assert_eq!(invoice["taxes"][0]["taxable"], "CHF 1,357.50");
    // Stored as open; past its due date it reads as overdue, with the days.
    assert_eq!(invoice["summary"]["status"], "Overdue");
    assert_eq!(invoice["summary"]["days_overdue"], 20);
    assert_eq!(invoice["summary"]["amount_due"], "CHF 1,467.46");
    let stored: String = sqlx::query_scalar("SELECT status FROM invoices WHERE number = 'T-INV-1'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, "open");

    let invoices = |status: &str, q: &str| InvoiceList {
        status: status.into(),
        q: q.into(),
        page: 1,
    };
    let (_, overdue) = call_json(&app, &carla, invoices("overdue", "T-INV")).await;
    assert_eq!(numbers(&overdue), ["T-INV-1"]);
    let (_, paid) = call_json(&app, &carla, invoices("paid", "T-INV")).await;
    assert_eq!(numbers(&paid), ["T-INV-2"]);
    assert_eq!(call_json(&app, &carla, invoices("lost", "")).await.0, 422);

    // The printable page has the figures and the print stylesheet's hook.
    let page = common::page_text(&carla, &app.url("/invoices/T-INV-1")).await;
    assert!(
        page.contains("CHF 1,467.46") && page.contains("Overdue"),
        "{page}"
    );

    // A date filter that is not a date names its field.
    let form = OrderList {
        status: String::new(),
        from: "31.12.2025".into(),
        to: String::new(),
        q: String::new(),
        page: 1,
    };
    let (status, error) = call_json(&app, &carla, form).await;
    assert_eq!(status, 422);
    assert!(error.to_string().contains("from"), "{error}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_case_about_an_invoice_shows_it_to_the_customer_and_beside_the_case_to_the_agent(
    pool: PgPool,
) {
    let app = TestApp::spawn(pool).await;
    write_history(&app.pool).await;
    let ahmed = app.signed_in("ahmed@acme.example").await;
    let nick = app.signed_in("nick@northwind.example").await;
    let agent = app.signed_in("agent@rapport.example").await;
    let category: i64 =
        sqlx::query_scalar("SELECT id FROM case_categories WHERE name = 'Invoices and payment'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let category = category.to_string();
    let case_form = |about: &'static str| {
        vec![
            ("subject", "Question about invoice T-INV-1"),
            ("description", "We paid this one, I think."),
            ("category_id", category.as_str()),
            ("priority", "normal"),
            ("about", about),
        ]
    };

    // The new-case form describes the item; another organization's is not found.
    let (status, item) = call_json(
        &app,
        &ahmed,
        AboutItem {
            about: "invoice:T-INV-1".into(),
        },
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(item["title"], "Invoice T-INV-1");
    assert_eq!(item["status"], "Overdue");
    assert_eq!(
        call_json(
            &app,
            &nick,
            AboutItem {
                about: "invoice:T-INV-1".into(),
            },
        )
        .await
        .0,
        404
    );

    // Northwind's Nick cannot attach Acme's invoice to a case: refused, nothing written.
    let cases_before: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // Raw: create_case takes multipart data (files), not typed arguments.
    let refused = app
        .call(&nick, "create_case", &case_form("invoice:T-INV-1"))
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("about"));
    let cases_after: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(cases_before, cases_after);

    // Raw: create_case takes multipart data (files), not typed arguments.
    let opened = app
        .call(&ahmed, "create_case", &case_form("invoice:T-INV-1"))
        .await;
    assert_eq!(opened.status(), 200, "{:?}", opened.text().await);
    let number = opened.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/cases/")
        .to_string();

    let (_, case) = call_json(
        &app,
        &ahmed,
        CaseDetail {
            number: number.clone(),
            canned: None,
        },
    )
    .await;
    assert_eq!(case["linked"]["title"], "Invoice T-INV-1");
    assert_eq!(case["linked"]["href"], "/invoices/T-INV-1");
    assert!(case["staff"].is_null(), "customers get no agent panel");

    let (_, case) = call_json(
        &app,
        &agent,
        CaseDetail {
            number: number.clone(),
            canned: None,
        },
    )
    .await;
    assert_eq!(case["linked"]["title"], "Invoice T-INV-1");
    // Beside it, Acme's business (the demo's too): ours among it, Northwind's nowhere.
    let business = &case["staff"]["business"];
    let listed = |list: &str| -> Vec<String> {
        business[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["number"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(listed("open_invoices").contains(&"T-INV-1".to_string()));
    assert!(
        !listed("open_invoices").contains(&"T-INV-2".to_string()),
        "paid"
    );
    assert!(listed("moving_deliveries").contains(&"T-DL-1".to_string()));
    assert!(listed("recent_orders").contains(&"T-SO-1".to_string()));
    assert!(!listed("recent_orders").contains(&"T-SO-3".to_string()));
    for list in ["open_invoices", "moving_deliveries", "recent_orders"] {
        for item in business[list].as_array().unwrap() {
            assert_eq!(item["organization"], "Acme Robotics", "{list}");
        }
    }
    // And on the page itself, beside the case.
    let page = common::page_text(&agent, &app.url(&format!("/cases/{number}"))).await;
    assert!(
        page.contains("This case is about") && page.contains("T-DL-1"),
        "{page}"
    );

    // An order line is a thing to ask about too.
    let line_case = [
        ("subject", "Cable missing"),
        ("description", "Only two arrived."),
        ("category_id", category.as_str()),
        ("priority", "normal"),
        ("about", "order_line:T-SO-1:2"),
    ];
    // Raw: create_case takes multipart data (files), not typed arguments.
    let opened = app.call(&ahmed, "create_case", &line_case).await;
    assert_eq!(opened.status(), 200);
    let kind: String = sqlx::query_scalar(
        "SELECT k.kind FROM case_links k JOIN cases c ON c.id = k.case_id WHERE c.subject = 'Cable missing'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(kind, "order_line");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn agents_look_up_any_number_and_customers_cannot(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    write_history(&app.pool).await;
    let agent = app.signed_in("agent@rapport.example").await;
    for (number, page) in [
        ("T-INV-1", "/invoices/T-INV-1"),
        ("t-so-3", "/orders/T-SO-3"),
        ("1ZTEST0001", "/deliveries/T-DL-1"),
    ] {
        let response = app
            .invoke(
                &agent,
                FindByNumber {
                    number: number.to_string(),
                },
            )
            .await;
        assert_eq!(response.headers()["location"], page, "{number}");
    }
    let missing = app
        .invoke(
            &agent,
            FindByNumber {
                number: "NOPE-1".into(),
            },
        )
        .await;
    assert_eq!(missing.status(), 422);
    assert!(missing.text().await.unwrap().contains("number"));
    let ahmed = app.signed_in("ahmed@acme.example").await;
    let response = app
        .invoke(
            &ahmed,
            FindByNumber {
                number: "T-SO-2".into(),
            },
        )
        .await;
    assert_eq!(response.status(), 403);
}
