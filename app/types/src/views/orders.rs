use crate::{DeliveryStatus, InvoiceStatus, OrderStatus};
use serde::{Deserialize, Serialize};

pub const ORDERS_PER_PAGE: i64 = 25;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub number: String,
    pub organization: String,
    pub placed_by: Option<String>,
    pub status: OrderStatus,
    pub ordered_on: String,
    pub total: String,
    /// "2 × Gripper kit and 1 more".
    pub contents: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub number: String,
    pub order_number: String,
    pub organization: String,
    pub issued_on: String,
    pub due_on: String,
    pub status: InvoiceStatus,
    pub total: String,
    /// What is still to be paid: the total while open or overdue, else nothing.
    pub amount_due: String,
    /// Overdue invoices: how many days past the due date.
    pub days_overdue: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliverySummary {
    pub number: String,
    pub order_number: String,
    pub organization: String,
    pub carrier: String,
    pub tracking_number: String,
    /// The carrier's tracking page, for carriers Rapport knows.
    pub tracking_url: Option<String>,
    pub status: DeliveryStatus,
    pub shipped_on: Option<String>,
    pub delivered_on: Option<String>,
}

/// One page of a list, with how many match (counted up to a limit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// More match than were counted.
    pub more: bool,
    pub page: i64,
    /// The reader is staff: show the organization column.
    pub staff: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub position: i32,
    pub sku: String,
    pub product: String,
    pub quantity: i32,
    pub unit_price: String,
    pub line_total: String,
    /// How many of this line deliveries carry so far.
    pub shipped: i64,
    /// The reference for "open a case about this line" (`order_line:SO-1:2`).
    pub about: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderView {
    pub number: String,
    pub organization: String,
    pub placed_by: Option<String>,
    pub status: OrderStatus,
    pub ordered_on: String,
    pub total: String,
    pub lines: Vec<OrderLineView>,
    pub invoices: Vec<InvoiceSummary>,
    pub deliveries: Vec<DeliverySummary>,
    pub about: String,
    pub staff: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceLineView {
    pub position: i32,
    pub description: String,
    pub quantity: i32,
    pub unit_price: String,
    pub net: String,
    /// "CH 8.1 %", or "US-CA 6 % + US-CA-LA 2.25 %"; empty when untaxed.
    pub taxes: String,
}

/// The tax of one jurisdiction at one rate, over the whole invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxTotalView {
    pub jurisdiction: String,
    pub rate: String,
    pub taxable: String,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub summary: InvoiceSummary,
    pub placed_by: Option<String>,
    pub paid_on: Option<String>,
    pub currency: String,
    pub lines: Vec<InvoiceLineView>,
    pub taxes: Vec<TaxTotalView>,
    pub subtotal: String,
    pub tax_total: String,
    pub about: String,
    pub staff: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryEventView {
    pub status: DeliveryStatus,
    pub at: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryLineView {
    pub sku: String,
    pub product: String,
    pub quantity: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub summary: DeliverySummary,
    pub lines: Vec<DeliveryLineView>,
    /// Oldest first.
    pub history: Vec<DeliveryEventView>,
    pub about: String,
    pub staff: bool,
}

/// An order, order line, invoice or delivery as a case shows what it is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkedItem {
    /// The reference (`invoice:INV-2026-0042`).
    pub about: String,
    /// "Invoice INV-2026-0042".
    pub title: String,
    pub href: String,
    /// Its status in words ("Overdue").
    pub status: String,
    /// One line of facts: "CHF 1,234.50 · due 2026-10-01".
    pub facts: String,
}

/// Beside a case, for agents: the organization's recent business.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrganizationBusiness {
    pub recent_orders: Vec<OrderSummary>,
    pub open_invoices: Vec<InvoiceSummary>,
    pub moving_deliveries: Vec<DeliverySummary>,
}
