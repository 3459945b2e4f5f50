//! The demo's order system: a product catalogue and a year of orders for each
//! demo organization, with their invoices and deliveries.
//!
//! Everything goes through the writers of `rapport import-orders`, so the demo
//! shows exactly what an import would store. It is deterministic: a generator
//! with a fixed seed, and dates counted back from today, so the demo always
//! looks current and tells the same story every day.
//!
//! Most of the year is generated. The last month, and a few orders that show a
//! particular feature (a US invoice with two taxes on one line, a German line at
//! the reduced rate, a refused parcel), are written out in
//! `data/written_orders.toml`, so every status an agent or a customer can meet
//! is on show whatever the dice say. The catalogue is `data/catalog.toml`.

use crate::data;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rapport_core::db::order_records::{
    write_delivery, write_invoice, write_order, write_product, DeliveryEventRecord, DeliveryRecord,
    InvoiceLineRecord, InvoiceRecord, OrderLineRecord, OrderRecord, ProductRecord, RecordProblem,
};
use rapport_types::{DeliveryStatus, InvoiceStatus, OrderStatus, Tax, TaxRate};
use serde::Deserialize;
use sqlx::PgConnection;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use time::{Date, Duration, OffsetDateTime};

/// How a product travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Goods {
    /// Fits in a parcel.
    Parcel,
    /// Goes on a pallet, by freight forwarder.
    Freight,
    /// A service or a licence: invoiced, never shipped.
    Service,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Product {
    sku: String,
    name: String,
    description: String,
    vendor: String,
    /// The currency of the vendor's list price, the price stored on the product.
    list_currency: String,
    /// The price lists, in cents: Swiss customers pay in francs, German ones in
    /// euros, the US site in dollars.
    chf: i64,
    eur: i64,
    usd: i64,
    goods: Goods,
    /// How often it turns up in generated orders (0: only in written-out ones).
    weight: u32,
    /// How many an order usually has, fewest and most.
    quantity: (i32, i32),
}

/// The products, in the order they are written (`data/catalog.toml`).
static CATALOG: LazyLock<Vec<Product>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Catalog {
        product: Vec<Product>,
    }
    let file: Catalog = data::parse("catalog.toml", include_str!("../data/catalog.toml"));
    file.product
});

/// Where an order goes, which decides its currency, its taxes and its route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Region {
    Switzerland,
    Germany,
    /// Acme Robotics' service site in Los Angeles.
    LosAngeles,
}

impl Region {
    fn currency(self) -> &'static str {
        match self {
            Region::Switzerland => "CHF",
            Region::Germany => "EUR",
            Region::LosAngeles => "USD",
        }
    }

    fn price(self, product: &Product) -> i64 {
        match self {
            Region::Switzerland => product.chf,
            Region::Germany => product.eur,
            Region::LosAngeles => product.usd,
        }
    }

    /// The taxes on one invoice line (rates in parts per million).
    fn taxes(self, product: &Product) -> Vec<Tax> {
        let tax = |jurisdiction: &str, ppm: i64| Tax {
            jurisdiction: jurisdiction.to_string(),
            rate: TaxRate(ppm),
        };
        match self {
            Region::Switzerland => vec![tax("CH", 81_000)],
            // Printed books are taxed at the reduced rate in Germany.
            Region::Germany if product.sku == "DOC-HB" => vec![tax("DE", 70_000)],
            Region::Germany => vec![tax("DE", 190_000)],
            // California does not tax services; goods pay the state's and Los Angeles County's tax.
            Region::LosAngeles if product.goods == Goods::Service => vec![],
            Region::LosAngeles => vec![tax("US-CA", 60_000), tax("US-CA-LA", 22_500)],
        }
    }

    /// The stops of a delivery after it left the Basel hub, one a day.
    fn route(self) -> &'static [&'static str] {
        match self {
            Region::Switzerland => &[
                "Arrived at the Härkingen hub",
                "Arrived at the delivery depot",
            ],
            Region::Germany => &[
                "Cleared customs at Weil am Rhein",
                "Arrived at the Frankfurt hub",
                "Arrived at the delivery depot",
            ],
            Region::LosAngeles => &[
                "Departed Zurich Airport",
                "Cleared US customs in Louisville, KY",
                "Arrived at the Los Angeles hub",
                "Arrived at the delivery depot",
            ],
        }
    }
}

struct Customer {
    organization: &'static str,
    /// Who places its orders (an order may also come in by phone: nobody).
    members: &'static [&'static str],
    region: Region,
}

const CUSTOMERS: &[Customer] = &[
    Customer {
        organization: "Acme Robotics",
        members: &["carla@acme.example", "ahmed@acme.example"],
        region: Region::Switzerland,
    },
    Customer {
        organization: "Northwind Traders",
        members: &["olivia@northwind.example", "nick@northwind.example"],
        region: Region::Switzerland,
    },
    Customer {
        organization: "Globex Logistics",
        members: &["greta@globex.example"],
        region: Region::Germany,
    },
];

/// In the data files, a carrier is its name ("Swiss Post").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
enum Carrier {
    SwissPost,
    DhlExpress,
    Ups,
    DbSchenker,
}

impl Carrier {
    const ALL: [Carrier; 4] = [
        Carrier::SwissPost,
        Carrier::DhlExpress,
        Carrier::Ups,
        Carrier::DbSchenker,
    ];

    fn name(self) -> &'static str {
        match self {
            Carrier::SwissPost => "Swiss Post",
            Carrier::DhlExpress => "DHL Express",
            Carrier::Ups => "UPS",
            Carrier::DbSchenker => "DB Schenker",
        }
    }

    /// How many days it usually takes from Basel.
    fn transit_days(self, rng: &mut StdRng) -> i64 {
        match self {
            Carrier::SwissPost => rng.gen_range(1..=2),
            Carrier::DhlExpress => rng.gen_range(1..=3),
            Carrier::Ups => rng.gen_range(2..=3),
            Carrier::DbSchenker => rng.gen_range(2..=5),
        }
    }

    /// A tracking number of the carrier's usual shape.
    fn tracking_number(self, rng: &mut StdRng) -> String {
        match self {
            Carrier::SwissPost => format!(
                "99.60.{:06}.{:08}",
                rng.gen_range(100_000..1_000_000),
                rng.gen_range(0..100_000_000)
            ),
            Carrier::DhlExpress => rng.gen_range(1_000_000_000u64..10_000_000_000).to_string(),
            // 1Z, the shipper's account, the service, a parcel number.
            Carrier::Ups => format!("1Z8V74W604{:08}", rng.gen_range(0..100_000_000)),
            Carrier::DbSchenker => format!("CHBSL{:010}", rng.gen_range(0..10_000_000_000u64)),
        }
    }
}

impl TryFrom<String> for Carrier {
    type Error = String;

    fn try_from(name: String) -> Result<Carrier, String> {
        Carrier::ALL
            .into_iter()
            .find(|carrier| carrier.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Carrier::ALL.iter().map(|c| c.name()).collect();
                format!("unknown carrier `{name}`: one of {}", names.join(", "))
            })
    }
}

/// What happened to an order's delivery beyond the usual. In the data files:
/// none, or `{ kind = "exception", held = 30, note = "..." }`, `{ kind =
/// "refused" }`, `{ kind = "split", backorder = 5 }`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum Twist {
    #[default]
    Smooth,
    /// The delivery attempt fails on arrival; the goods arrive `held` days later.
    Exception { held: i64, note: String },
    /// Refused at the door and sent back; a replacement follows.
    Refused,
    /// The last line was back-ordered and ships `backorder` days after the rest.
    Split { backorder: i64 },
}

/// One order of the last month, or one that shows a feature, written out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WrittenOrder {
    organization: String,
    days_ago: i64,
    placed_by: Option<String>,
    region: Region,
    /// (sku, quantity), in order.
    lines: Vec<(String, i32)>,
    carrier: Carrier,
    /// Days from the order until the carrier collects it, and on the way.
    lead: i64,
    transit: i64,
    #[serde(default)]
    twist: Twist,
}

/// The written-out orders (`data/written_orders.toml`).
static WRITTEN_ORDERS: LazyLock<Vec<WrittenOrder>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Orders {
        order: Vec<WrittenOrder>,
    }
    let file: Orders = data::parse(
        "written_orders.toml",
        include_str!("../data/written_orders.toml"),
    );
    file.order
});

/// Notes of delivery attempts that failed in generated orders.
const FAILED_ATTEMPTS: &[&str] = &[
    "Delivery attempt failed: goods reception closed",
    "Delivery attempt failed: no access to the loading dock",
    "Delivery attempt failed: recipient asked for another day",
];

/// How one parcel or pallet of an order is meant to travel; `track` tells how
/// far it has got by today.
struct Shipment {
    lines: Vec<(&'static str, i32)>,
    carrier: Carrier,
    tracking_number: String,
    prepare_note: &'static str,
    prepared_on: Date,
    ship_on: Date,
    arrive_on: Date,
    ending: Ending,
}

#[derive(Debug, Clone)]
enum Ending {
    Delivered,
    /// The first attempt fails; delivered `held` days later.
    Exception {
        held: i64,
        note: String,
    },
    Refused,
}

/// One order with everything that will happen to it.
struct Plan {
    organization: &'static str,
    placed_by: Option<&'static str>,
    region: Region,
    ordered_on: Date,
    lines: Vec<(&'static Product, i32)>,
    /// Days until the goods leave (or a service starts).
    lead: i64,
    cancelled: bool,
    /// Cancelled after it was invoiced: the invoice is void.
    void_invoice: bool,
    /// Days from the order to its invoice, and from the invoice to its payment.
    invoice_after: i64,
    paid_after: i64,
    /// The customer forgets to pay this one.
    unpaid: bool,
    shipments: Vec<Shipment>,
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn product(sku: &str) -> Result<&'static Product, rapport_core::Error> {
    CATALOG.iter().find(|p| p.sku == sku).ok_or_else(|| {
        rapport_core::Error::internal(format!("demo product {sku} is not in the catalogue"))
    })
}

/// The parcels and pallets of an order: one, or two when it is split or refused.
fn shipments(
    lines: &[(&'static Product, i32)],
    ordered_on: Date,
    carrier: Carrier,
    lead: i64,
    transit: i64,
    twist: Twist,
    rng: &mut StdRng,
) -> Vec<Shipment> {
    let physical: Vec<(&'static str, i32)> = lines
        .iter()
        .filter(|(p, _)| p.goods != Goods::Service)
        .map(|&(p, quantity)| (p.sku.as_str(), quantity))
        .collect();
    if physical.is_empty() {
        return Vec::new();
    }
    let ship_on = ordered_on + days(lead);
    let mut shipment = |lines: Vec<(&'static str, i32)>, ship_on: Date, note, ending| Shipment {
        lines,
        carrier,
        tracking_number: carrier.tracking_number(rng),
        prepare_note: note,
        prepared_on: ship_on - days(1),
        ship_on,
        arrive_on: ship_on + days(transit),
        ending,
    };
    const PACKED: &str = "Picked and packed at the Basel warehouse";
    match twist {
        Twist::Smooth => vec![shipment(physical, ship_on, PACKED, Ending::Delivered)],
        Twist::Exception { held, note } => vec![shipment(
            physical,
            ship_on,
            PACKED,
            Ending::Exception { held, note },
        )],
        Twist::Refused => {
            // Back in Basel two days after the refusal; the replacement leaves two days later.
            let replacement_on = ship_on + days(transit + 4);
            vec![
                shipment(physical.clone(), ship_on, PACKED, Ending::Refused),
                shipment(
                    physical,
                    replacement_on,
                    "Replacement packed at the Basel warehouse",
                    Ending::Delivered,
                ),
            ]
        }
        Twist::Split { backorder } if physical.len() >= 2 => {
            let mut first = physical;
            let last = first.split_off(first.len() - 1);
            vec![
                shipment(first, ship_on, PACKED, Ending::Delivered),
                shipment(
                    last,
                    ship_on + days(backorder),
                    "Back-ordered items arrived; packed at the Basel warehouse",
                    Ending::Delivered,
                ),
            ]
        }
        Twist::Split { .. } => vec![shipment(physical, ship_on, PACKED, Ending::Delivered)],
    }
}

/// The orders of `WRITTEN_ORDERS`.
fn written_orders(today: Date, rng: &mut StdRng) -> Result<Vec<Plan>, rapport_core::Error> {
    let mut plans = Vec::new();
    for w in WRITTEN_ORDERS.iter() {
        let lines = w
            .lines
            .iter()
            .map(|(sku, quantity)| Ok((product(sku)?, *quantity)))
            .collect::<Result<Vec<_>, rapport_core::Error>>()?;
        let ordered_on = today - days(w.days_ago);
        let shipments = shipments(
            &lines,
            ordered_on,
            w.carrier,
            w.lead,
            w.transit,
            w.twist.clone(),
            rng,
        );
        plans.push(Plan {
            organization: &w.organization,
            placed_by: w.placed_by.as_deref(),
            region: w.region,
            ordered_on,
            lines,
            lead: w.lead,
            cancelled: false,
            void_invoice: false,
            invoice_after: rng.gen_range(1..=4),
            paid_after: rng.gen_range(3..=40),
            unpaid: false,
            shipments,
        });
    }
    Ok(plans)
}

/// 1 to 4 different products, short orders more often than long ones.
fn pick_lines(rng: &mut StdRng) -> Vec<(&'static Product, i32)> {
    let count = [1, 1, 1, 2, 2, 2, 3, 3, 4][rng.gen_range(0..9)];
    let mut lines: Vec<(&'static Product, i32)> = Vec::new();
    for _ in 0..20 {
        if lines.len() == count {
            break;
        }
        let Ok(product) = CATALOG.choose_weighted(rng, |p| p.weight) else {
            break;
        };
        if lines.iter().all(|(p, _)| p.sku != product.sku) {
            let (fewest, most) = product.quantity;
            lines.push((product, rng.gen_range(fewest..=most)));
        }
    }
    lines
}

/// Pallets go by freight forwarder; parcels mostly by the national post or DHL.
fn pick_carrier(region: Region, lines: &[(&Product, i32)], rng: &mut StdRng) -> Carrier {
    if lines.iter().any(|(p, _)| p.goods == Goods::Freight) {
        return Carrier::DbSchenker;
    }
    let usual = match region {
        Region::Switzerland => Carrier::SwissPost,
        Region::Germany => Carrier::DhlExpress,
        Region::LosAngeles => Carrier::Ups,
    };
    if rng.gen_ratio(2, 3) {
        usual
    } else {
        Carrier::Ups
    }
}

/// Eleven months before the written-out last one: 2 to 4 orders every 30 days
/// for each organization. Every few orders something goes differently; which
/// ones is plain arithmetic on the order's place, so it never depends on luck.
fn generated_orders(today: Date, rng: &mut StdRng) -> Vec<Plan> {
    let mut plans = Vec::new();
    let mut n = 0;
    let mut cancelled = 0;
    for customer in CUSTOMERS {
        for window in 1..12 {
            for _ in 0..rng.gen_range(2..=4) {
                n += 1;
                let age = window * 30 + rng.gen_range(0..30);
                let ordered_on = today - days(age);
                let lines = pick_lines(rng);
                let placed_by = if rng.gen_ratio(1, 6) {
                    None // by phone
                } else {
                    customer.members.choose(rng).copied()
                };
                let is_cancelled = n % 17 == 9;
                if is_cancelled {
                    cancelled += 1;
                }
                let twist = if n % 13 == 4 {
                    Twist::Exception {
                        held: rng.gen_range(1..=2),
                        note: FAILED_ATTEMPTS[n % FAILED_ATTEMPTS.len()].to_string(),
                    }
                } else if n % 7 == 2 {
                    Twist::Split {
                        backorder: rng.gen_range(3..=8),
                    }
                } else {
                    Twist::Smooth
                };
                let carrier = pick_carrier(customer.region, &lines, rng);
                let lead = rng.gen_range(1..=4);
                let transit = carrier.transit_days(rng);
                let shipments = if is_cancelled {
                    Vec::new()
                } else {
                    shipments(&lines, ordered_on, carrier, lead, transit, twist, rng)
                };
                plans.push(Plan {
                    organization: customer.organization,
                    placed_by,
                    region: customer.region,
                    ordered_on,
                    lines,
                    lead,
                    cancelled: is_cancelled,
                    // Two orders were cancelled after they were invoiced.
                    void_invoice: is_cancelled && cancelled <= 2,
                    invoice_after: rng.gen_range(1..=4),
                    paid_after: rng.gen_range(3..=40),
                    // Some invoices of the last months were forgotten; older
                    // ones have been settled by now.
                    unpaid: rng.gen_ratio(1, 8) && age < 150,
                    shipments,
                });
            }
        }
    }
    plans
}

/// Numbers like SO-2026-0001, counted per year, for dates in order.
fn numbered(prefix: &str, dates: impl Iterator<Item = Date>) -> Vec<String> {
    let mut counters: BTreeMap<i32, u32> = BTreeMap::new();
    dates
        .map(|date| {
            let n = counters.entry(date.year()).or_default();
            *n += 1;
            format!("{prefix}-{}-{n:04}", date.year())
        })
        .collect()
}

fn at(day: Date, hour: u8, minute: u8) -> OffsetDateTime {
    day.with_hms(hour, minute, 0)
        .unwrap_or_else(|_| day.midnight())
        .assume_utc()
}

fn event(status: DeliveryStatus, at: OffsetDateTime, note: &str) -> DeliveryEventRecord {
    DeliveryEventRecord {
        status,
        at,
        note: note.to_string(),
    }
}

/// The whole history of a shipment, including what has not happened yet.
fn story(s: &Shipment, region: Region) -> Vec<DeliveryEventRecord> {
    use DeliveryStatus::*;
    let mut events = vec![
        event(Preparing, at(s.prepared_on, 8, 15), s.prepare_note),
        event(
            InTransit,
            at(s.ship_on, 16, 45),
            &format!("Collected by {}", s.carrier.name()),
        ),
        event(InTransit, at(s.ship_on, 21, 30), "Left the Basel hub"),
    ];
    let days_on_the_way = (s.arrive_on - s.ship_on).whole_days();
    for (day, stop) in (1..days_on_the_way).zip(region.route()) {
        events.push(event(InTransit, at(s.ship_on + days(day), 6, 10), stop));
    }
    events.push(event(
        OutForDelivery,
        at(s.arrive_on, 7, 20),
        "On the delivery vehicle",
    ));
    const SIGNED: &str = "Delivered, signed for at the goods reception";
    match &s.ending {
        Ending::Delivered => events.push(event(Delivered, at(s.arrive_on, 11, 5), SIGNED)),
        Ending::Exception { held, note } => {
            let again = s.arrive_on + days(*held);
            events.push(event(Exception, at(s.arrive_on, 10, 40), note));
            events.push(event(
                OutForDelivery,
                at(again, 7, 20),
                "Second delivery attempt",
            ));
            events.push(event(Delivered, at(again, 11, 5), SIGNED));
        }
        Ending::Refused => {
            events.push(event(
                Exception,
                at(s.arrive_on, 10, 40),
                "Refused at the goods reception: packaging damaged",
            ));
            events.push(event(
                Returned,
                at(s.arrive_on + days(2), 15, 0),
                "Back at the Basel warehouse; a replacement follows",
            ));
        }
    }
    events
}

/// A shipment as far as it has got.
struct Tracked {
    status: DeliveryStatus,
    shipped_on: Option<Date>,
    delivered_on: Option<Date>,
    events: Vec<DeliveryEventRecord>,
}

/// What has happened by `cutoff`, this morning at nine, so the demo looks the
/// same all day (a delivery due today is out for delivery, not yet delivered);
/// `None` when nobody has started packing it. No event is later than `now`.
fn track(
    s: &Shipment,
    region: Region,
    cutoff: OffsetDateTime,
    now: OffsetDateTime,
) -> Option<Tracked> {
    let events: Vec<DeliveryEventRecord> = story(s, region)
        .into_iter()
        .filter(|e| e.at <= cutoff)
        .map(|e| DeliveryEventRecord {
            at: e.at.min(now),
            ..e
        })
        .collect();
    let status = events.last()?.status;
    let happened = |status| events.iter().any(|e| e.status == status);
    let shipped_on = happened(DeliveryStatus::InTransit).then_some(s.ship_on);
    let delivered_on = match s.ending {
        Ending::Exception { held, .. } => s.arrive_on + days(held),
        _ => s.arrive_on,
    };
    let delivered_on = happened(DeliveryStatus::Delivered).then_some(delivered_on);
    Some(Tracked {
        status,
        shipped_on,
        delivered_on,
        events,
    })
}

/// The order's status follows from where its deliveries are (`deliveries`:
/// those that have started, of `plan.shipments`).
fn order_status(plan: &Plan, deliveries: &[DeliveryStatus], today: Date) -> OrderStatus {
    let age = (today - plan.ordered_on).whole_days();
    if plan.cancelled {
        return OrderStatus::Cancelled;
    }
    if plan.shipments.is_empty() {
        // Services only: done once the service has started.
        return match age {
            age if age < 2 => OrderStatus::Placed,
            age if age < plan.lead => OrderStatus::Processing,
            _ => OrderStatus::Completed,
        };
    }
    let finished =
        |s: &DeliveryStatus| matches!(s, DeliveryStatus::Delivered | DeliveryStatus::Returned);
    if deliveries.is_empty() {
        if age < 2 {
            OrderStatus::Placed
        } else {
            OrderStatus::Processing
        }
    } else if deliveries.len() == plan.shipments.len() && deliveries.iter().all(finished) {
        OrderStatus::Completed
    } else if deliveries.iter().all(|s| *s == DeliveryStatus::Preparing) {
        OrderStatus::Processing
    } else {
        OrderStatus::Shipped
    }
}

/// The order's invoice, once issued: paid, open (overdue when past due) or,
/// for an order cancelled after invoicing, void.
fn invoice_for(plan: &Plan, order_number: &str, today: Date) -> Option<InvoiceRecord> {
    if plan.cancelled && !plan.void_invoice {
        return None;
    }
    let issued_on = plan.ordered_on + days(plan.invoice_after);
    if issued_on > today {
        return None;
    }
    let paid_on = issued_on + days(plan.paid_after);
    let (status, paid_on) = if plan.cancelled {
        (InvoiceStatus::Void, None)
    } else if paid_on < today && !plan.unpaid {
        (InvoiceStatus::Paid, Some(paid_on))
    } else {
        (InvoiceStatus::Open, None)
    };
    Some(InvoiceRecord {
        number: String::new(), // numbered once all are known
        order: order_number.to_string(),
        issued_on,
        due_on: issued_on + days(30),
        status,
        paid_on,
        currency: plan.region.currency().to_string(),
        lines: plan
            .lines
            .iter()
            .map(|(product, quantity)| InvoiceLineRecord {
                description: product.name.clone(),
                quantity: *quantity,
                unit_price_minor: plan.region.price(product),
                taxes: plan.region.taxes(product),
            })
            .collect(),
    })
}

/// Whatever the dice said, every organization has an overdue invoice (the one
/// that fell due last) and an open one not yet due (its newest), so every
/// customer admin sees both. Two days' margin keeps that true when the
/// database's date is not UTC's.
fn make_sure_of_open_invoices(invoices: &mut [(&'static str, InvoiceRecord)], today: Date) {
    let reopen = |invoice: &mut InvoiceRecord| {
        invoice.status = InvoiceStatus::Open;
        invoice.paid_on = None;
    };
    for customer in CUSTOMERS {
        let overdue = invoices
            .iter_mut()
            .filter(|(org, i)| *org == customer.organization && i.status != InvoiceStatus::Void)
            .filter(|(_, i)| i.due_on < today - days(2))
            .max_by_key(|(_, i)| i.due_on);
        if let Some((_, invoice)) = overdue {
            reopen(invoice);
        }
        let not_yet_due = invoices
            .iter_mut()
            .filter(|(org, i)| *org == customer.organization && i.status != InvoiceStatus::Void)
            .filter(|(_, i)| i.due_on > today + days(2))
            .max_by_key(|(_, i)| i.issued_on);
        if let Some((_, invoice)) = not_yet_due {
            reopen(invoice);
        }
    }
}

/// A demo record the writers refuse is a mistake in the data or in this file.
fn bug(number: &str, problem: RecordProblem) -> rapport_core::Error {
    rapport_core::Error::internal(format!("demo order data {number}: {problem:?}"))
}

/// Write the demo's products, orders, invoices and deliveries (inside the demo
/// seed's transaction).
pub async fn seed_orders(tx: &mut PgConnection) -> Result<(), rapport_core::Error> {
    let now = OffsetDateTime::now_utc();
    let today = now.date();
    let cutoff = at(today, 9, 0);
    let mut rng = StdRng::seed_from_u64(20_260_101);

    let mut plans = written_orders(today, &mut rng)?;
    plans.extend(generated_orders(today, &mut rng));
    plans.sort_by_key(|p| p.ordered_on);
    let order_numbers = numbered("SO", plans.iter().map(|p| p.ordered_on));

    for p in CATALOG.iter() {
        let record = ProductRecord {
            sku: p.sku.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            unit_price_minor: match p.list_currency.as_str() {
                "EUR" => p.eur,
                _ => p.chf,
            },
            currency: p.list_currency.clone(),
            vendor: p.vendor.clone(),
        };
        write_product(tx, &record)
            .await
            .map_err(|e| bug(&p.sku, e))?;
    }

    let mut invoices = Vec::new();
    // (when it started, the delivery without its number)
    let mut deliveries: Vec<(OffsetDateTime, DeliveryRecord)> = Vec::new();
    for (plan, number) in plans.iter().zip(&order_numbers) {
        let tracked: Vec<(&Shipment, Tracked)> = plan
            .shipments
            .iter()
            .filter_map(|s| Some((s, track(s, plan.region, cutoff, now)?)))
            .collect();
        let statuses: Vec<DeliveryStatus> = tracked.iter().map(|(_, t)| t.status).collect();
        let status = order_status(plan, &statuses, today);
        let order = OrderRecord {
            number: number.clone(),
            organization: plan.organization.to_string(),
            placed_by: plan.placed_by.map(str::to_string),
            status,
            ordered_on: plan.ordered_on,
            currency: plan.region.currency().to_string(),
            lines: plan
                .lines
                .iter()
                .map(|(product, quantity)| OrderLineRecord {
                    sku: product.sku.clone(),
                    quantity: *quantity,
                    unit_price_minor: plan.region.price(product),
                })
                .collect(),
        };
        write_order(tx, &order).await.map_err(|e| bug(number, e))?;
        if let Some(invoice) = invoice_for(plan, number, today) {
            invoices.push((plan.organization, invoice));
        }
        for (shipment, t) in tracked {
            let started = t.events.first().map_or(now, |e| e.at);
            deliveries.push((
                started,
                DeliveryRecord {
                    number: String::new(), // numbered once all are known
                    order: number.clone(),
                    carrier: shipment.carrier.name().to_string(),
                    tracking_number: shipment.tracking_number.clone(),
                    status: t.status,
                    shipped_on: t.shipped_on,
                    delivered_on: t.delivered_on,
                    lines: shipment
                        .lines
                        .iter()
                        .map(|(sku, quantity)| (sku.to_string(), *quantity))
                        .collect(),
                    events: t.events,
                },
            ));
        }
    }

    make_sure_of_open_invoices(&mut invoices, today);
    invoices.sort_by_key(|(_, i)| i.issued_on);
    let invoice_numbers = numbered("INV", invoices.iter().map(|(_, i)| i.issued_on));
    for ((_, mut invoice), number) in invoices.into_iter().zip(invoice_numbers) {
        invoice.number = number;
        write_invoice(tx, &invoice)
            .await
            .map_err(|e| bug(&invoice.number, e))?;
    }

    deliveries.sort_by_key(|(started, _)| *started);
    let delivery_numbers = numbered("DL", deliveries.iter().map(|(started, _)| started.date()));
    for ((_, mut delivery), number) in deliveries.into_iter().zip(delivery_numbers) {
        delivery.number = number;
        write_delivery(tx, &delivery)
            .await
            .map_err(|e| bug(&delivery.number, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_lists_each_product_once() {
        assert!(CATALOG.iter().any(|p| p.weight > 0));
        for (i, p) in CATALOG.iter().enumerate() {
            assert!(
                CATALOG[..i].iter().all(|q| q.sku != p.sku),
                "{} is listed twice",
                p.sku
            );
            assert!(
                ["CHF", "EUR"].contains(&p.list_currency.as_str()),
                "{}: list_currency {}",
                p.sku,
                p.list_currency
            );
            let (fewest, most) = p.quantity;
            assert!(0 < fewest && fewest <= most, "{}: quantity", p.sku);
            assert!(p.chf > 0 && p.eur > 0 && p.usd > 0, "{}: prices", p.sku);
        }
    }

    #[test]
    fn the_written_orders_are_demo_customers_buying_catalogue_products() {
        for w in WRITTEN_ORDERS.iter() {
            let order = format!("{} {} days ago", w.organization, w.days_ago);
            let customer = CUSTOMERS
                .iter()
                .find(|c| c.organization == w.organization)
                .unwrap_or_else(|| panic!("{order}: not a demo customer"));
            if let Some(person) = &w.placed_by {
                assert!(
                    customer.members.contains(&person.as_str()),
                    "{order}: {person}"
                );
            }
            assert!(!w.lines.is_empty(), "{order}");
            for (sku, quantity) in &w.lines {
                assert!(
                    product(sku).is_ok(),
                    "{order}: {sku} is not in the catalogue"
                );
                assert!(*quantity > 0, "{order}: {sku}");
            }
            assert!(w.days_ago >= 0 && w.lead > 0 && w.transit > 0, "{order}");
        }
    }
}
