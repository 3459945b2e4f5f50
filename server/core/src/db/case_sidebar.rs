//! What staff see beside a case, in one statement: the choices of the case
//! tools (categories, agents, organizations, canned replies), what the case is
//! about, and the organization's latest orders, open invoices and deliveries on
//! their way, and the organization's health signals. Each list is the same SQL its own page of the product uses,
//! aggregated to JSON, so the agent's case page costs one statement for all of
//! them instead of five.

use super::orders::{
    case_link_sql, moving_deliveries_sql, open_invoices_sql, recent_orders_sql, CaseLinkRow,
    DeliveryRow, InvoiceRow, OrderRow,
};
use sqlx::types::Json;
use sqlx::{FromRow, PgExecutor};
use std::sync::LazyLock;

#[derive(Debug, FromRow)]
pub struct CaseSidebar {
    /// (kind, id, name), as `cases::form_choices` gives them.
    pub choices: Json<Vec<(String, i64, String)>>,
    pub link: Option<Json<CaseLinkRow>>,
    pub orders: Json<Vec<OrderRow>>,
    pub invoices: Json<Vec<InvoiceRow>>,
    pub deliveries: Json<Vec<DeliveryRow>>,
    /// The organization's health signals and the weights, for its score
    /// (`health::badge`): in this statement, so the score costs none more.
    pub health_signals: Option<Json<super::health::SignalRow>>,
    pub health_weights: Json<Vec<(String, i32)>>,
}

/// $1: the case's id, $2: its organization's id.
static SQL: LazyLock<String> = LazyLock::new(|| {
    // An aggregate over a sorted subquery keeps its order.
    let list = |sql: String| format!("(SELECT coalesce(json_agg(x), '[]') FROM ({sql}) x)");
    format!(
        "SELECT (SELECT coalesce(json_agg(json_build_array(kind, id, name)), '[]')
                 FROM ({choices}) x) AS choices,
                (SELECT row_to_json(x) FROM ({link}) x) AS link,
                {orders} AS orders, {invoices} AS invoices, {deliveries} AS deliveries,
                (SELECT row_to_json(x) FROM ({health}) x) AS health_signals,
                {weights} AS health_weights",
        choices = super::cases::form_choices_sql("true"),
        link = case_link_sql("$1"),
        orders = list(recent_orders_sql("$2")),
        invoices = list(open_invoices_sql("$2")),
        deliveries = list(moving_deliveries_sql("$2")),
        health = super::health::signals_sql("SELECT $2::bigint AS organization_id, now() AS as_of"),
        weights = super::health::WEIGHTS_JSON_SQL,
    )
});

pub async fn case_sidebar(
    db: impl PgExecutor<'_>,
    case_id: i64,
    organization_id: i64,
) -> sqlx::Result<CaseSidebar> {
    sqlx::query_as(&SQL)
        .bind(case_id)
        .bind(organization_id)
        .fetch_one(db)
        .await
}
