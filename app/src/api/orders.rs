//! Orders, invoices and deliveries: customers see their organization's (as far
//! as the policy allows), agents see any, and both can open the item a case is about.
//! Amounts arrive formatted ("CHF 1,234.50"): the browser never does money arithmetic.

use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::orders::{
    DeliverySummary, DeliveryView, InvoiceSummary, InvoiceView, LinkedItem, Listing, OrderSummary,
    OrderView,
};

/// Orders the reader may see, filtered: status, ordered from/to (YYYY-MM-DD),
/// and a search over the order number and the products' names and SKUs.
#[server(endpoint = "order_list")]
pub async fn order_list(
    status: String,
    from: String,
    to: String,
    q: String,
    page: i64,
) -> Result<Listing<OrderSummary>, AppError> {
    use crate::web::AppState;
    use rapport_core::orders;
    let state = expect_context::<AppState>();
    let filter = orders::OrderFilter {
        status: &status,
        from: &from,
        to: &to,
        search: &q,
    };
    let page = rapport_types::PageNumber::parse(page)?;
    Ok(orders::order_list(&crate::web::reader::current(), &state.pool, &filter, page).await?)
}

#[server(endpoint = "order_detail")]
pub async fn order_detail(number: String) -> Result<OrderView, AppError> {
    use crate::web::AppState;
    use rapport_core::orders;
    let state = expect_context::<AppState>();
    Ok(orders::order_detail(&crate::web::reader::current(), &state.pool, &number).await?)
}

/// Invoices the reader may see: status (`due` for open and overdue together)
/// and a search over the invoice and order numbers.
#[server(endpoint = "invoice_list")]
pub async fn invoice_list(
    status: String,
    q: String,
    page: i64,
) -> Result<Listing<InvoiceSummary>, AppError> {
    use crate::web::AppState;
    use rapport_core::orders;
    let state = expect_context::<AppState>();
    Ok(orders::invoice_list(
        &crate::web::reader::current(),
        &state.pool,
        &status,
        &q,
        rapport_types::PageNumber::parse(page)?,
    )
    .await?)
}

#[server(endpoint = "invoice_detail")]
pub async fn invoice_detail(number: String) -> Result<InvoiceView, AppError> {
    use crate::web::AppState;
    use rapport_core::orders;
    let state = expect_context::<AppState>();
    Ok(orders::invoice_detail(&crate::web::reader::current(), &state.pool, &number).await?)
}

/// Deliveries the reader may see: status, and a search over the delivery,
/// order and tracking numbers.
#[server(endpoint = "delivery_list")]
pub async fn delivery_list(
    status: String,
    q: String,
    page: i64,
) -> Result<Listing<DeliverySummary>, AppError> {
    use crate::web::AppState;
    use rapport_core::orders;
    let state = expect_context::<AppState>();
    Ok(orders::delivery_list(
        &crate::web::reader::current(),
        &state.pool,
        &status,
        &q,
        rapport_types::PageNumber::parse(page)?,
    )
    .await?)
}

#[server(endpoint = "delivery_detail")]
pub async fn delivery_detail(number: String) -> Result<DeliveryView, AppError> {
    use crate::web::AppState;
    use rapport_core::orders;
    let state = expect_context::<AppState>();
    Ok(orders::delivery_detail(&crate::web::reader::current(), &state.pool, &number).await?)
}

/// The item a new case is about (`about=invoice:INV-1`), if the reader may see it.
#[server(endpoint = "about_item")]
pub async fn about_item(about: String) -> Result<LinkedItem, AppError> {
    use crate::web::AppState;
    use rapport_core::orders;
    let state = expect_context::<AppState>();
    Ok(orders::linked_item(&crate::web::reader::current(), &state.pool, &about).await?)
}

/// Agents: go to the order, invoice or delivery with this number.
#[server(endpoint = "find_by_number")]
pub async fn find_by_number(number: String) -> Result<(), AppError> {
    use crate::web::{forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::orders;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    match orders::find_by_number(&reader, &state.pool, &number).await {
        Ok(href) => {
            leptos_axum::redirect(&href);
            Ok(())
        }
        Err(e) => {
            let e = AppError::from(e);
            forms::back_to_form("/orders", &[("number", &number)], FindByNumber::PATH, &e);
            Err(e)
        }
    }
}

/// Customer admins: let every member of the organization see all its orders,
/// invoices and deliveries (`share` = "true"), or only those they placed.
#[server(endpoint = "set_order_sharing")]
pub async fn set_order_sharing(share: String) -> Result<(), AppError> {
    use crate::web::AppState;
    use rapport_core::orders;
    let state = expect_context::<AppState>();
    orders::set_order_sharing(&crate::web::reader::current(), &state.pool, share == "true").await?;
    leptos_axum::redirect("/organization");
    Ok(())
}
