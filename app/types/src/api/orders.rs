//! API wire types: the order system's batches. (See the module above.)

use serde::{Deserialize, Serialize};

/// A batch of records from the order system, in the format of
/// `rapport import-orders` for JSON files (README, "Importing orders,
/// invoices and deliveries"): each list optional, each record keyed by its
/// number (a product by its SKU). Amounts are text ("1299.00"), dates
/// `YYYY-MM-DD`. A problem is named by its path: `orders[3].lines[1].quantity`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderBatch {
    /// `{sku, name, description, unit_price, currency, vendor}`
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub products: Vec<serde_json::Value>,
    /// `{order, organization, placed_by, status, ordered_on, currency, lines: [{sku, quantity, unit_price}]}`
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub orders: Vec<serde_json::Value>,
    /// `{invoice, order, issued_on, due_on, status, paid_on, currency, lines: [{description, quantity, unit_price, taxes: [{jurisdiction, rate}]}]}`
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub invoices: Vec<serde_json::Value>,
    /// `{delivery, order, carrier, tracking_number, status, shipped_on, delivered_on, lines: [{sku, quantity}]}`
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub deliveries: Vec<serde_json::Value>,
}

/// What a batch did to one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchCounts {
    pub created: u64,
    pub updated: u64,
    /// The same as already stored: nothing was written.
    pub unchanged: u64,
}

/// What a batch did, by kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchResult {
    pub products: BatchCounts,
    pub orders: BatchCounts,
    pub invoices: BatchCounts,
    pub deliveries: BatchCounts,
}
