//! Orders: the list (with, for staff, the lookup by number) and the order page
//! with its lines, invoices and deliveries.
use super::deliveries::DeliveryTable;
use super::invoices::InvoiceTable;
use crate::api::orders::{order_detail, order_list, FindByNumber};
use crate::components::commerce::{
    filter_params, list_part, order_href, FilterError, OpenCaseButton, OrderBadge, OrdersNav,
};
use crate::components::form::{action_error, field_error, Field, FormError, Select};
use crate::components::pager::page_number;
use crate::components::panels::{title_text, ErrorPanel, TableScroll};
use crate::context::use_auth;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use rapport_types::views::orders::{Listing, OrderLineView, OrderSummary, OrderView};
use rapport_types::{ItemRef, OrderStatus, Role};

/// The filters of the address, in the order the server function takes them.
const FILTERS: [&str; 4] = ["status", "from", "to", "q"];

#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || FILTERS.map(|name| query.read().get(name).unwrap_or_default());
    let page = move || page_number(&query);
    let orders = Resource::new(
        move || (filters(), page(), crate::context::browser_zone_changes()),
        |([status, from, to, q], page, _)| order_list(status, from, to, q, page),
    );
    let find = ServerAction::<FindByNumber>::new();
    // Customer admins see the whole organization's orders: show who placed each.
    let auth = use_auth();
    let is_customer_admin = Signal::derive(move || {
        auth.user
            .get()
            .and_then(|u| u.ok().flatten())
            .is_some_and(|u| u.role == Role::CustomerAdmin)
    });
    let status_options = {
        let mut options = vec![(String::new(), "All orders".to_string())];
        options.extend(
            OrderStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), s.label().to_string())),
        );
        options
    };
    view! {
        <Title text="Orders"/>
        <h1>"Orders"</h1>
        <OrdersNav current="/orders"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            // Read the address before waiting: afterwards the request may be gone.
            {move || {
                let values = filters();
                let params = filter_params(&FILTERS, &values);
                let [status, from, to, q] = values;
                let status_options = status_options.clone();
                let admin = is_customer_admin.get();
                Suspend::new(async move {
                    let listing = orders.await;
                    let staff = listing.as_ref().is_ok_and(|l| l.staff);
                    let list = match listing {
                        Ok(listing) => {
                            let show_placed_by = listing.staff || admin;
                            view! { <OrderTable listing show_placed_by params/> }.into_any()
                        }
                        Err(e) if e.field().is_some() => view! { <FilterError error=e/> }.into_any(),
                        Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                    };
                    view! {
                        {staff.then(|| view! { <FindByNumberForm find/> })}
                        <form method="get" action="/orders" class="filters" role="search" aria-label="Filter orders">
                            <Select label="Status" name="status" options=status_options selected=status
                                error=Signal::derive(|| None::<String>)/>
                            <Field label="Ordered from" name="from" kind="date" value=from required=false
                                error=Signal::derive(|| None::<String>)/>
                            <Field label="Ordered to" name="to" kind="date" value=to required=false
                                error=Signal::derive(|| None::<String>)/>
                            <Field label="Order number or product" name="q" kind="search" value=q required=false
                                error=Signal::derive(|| None::<String>)/>
                            <button type="submit" class="button">"Show"</button>
                        </form>
                        {list}
                    }
                    .into_any()
                })
            }}
        </Transition>
    }
}

/// Staff: go straight to an order, invoice or delivery by its number.
#[component]
fn FindByNumberForm(find: ServerAction<FindByNumber>) -> impl IntoView {
    let error = action_error(find);
    // Without JavaScript a failed lookup comes back with the number in the address.
    let query = use_query_map();
    let kept = query.read_untracked().get("number").unwrap_or_default();
    let message = field_error(error, "number");
    // The button sits beside the box (not below a long label or an error).
    view! {
        <section class="panel lookup" aria-labelledby="lookup-heading">
            <h2 id="lookup-heading">"Find by number"</h2>
            <ActionForm action=find attr:novalidate=true>
                <FormError error/>
                <div class="field" class:has-error=move || message.get().is_some()>
                    <label for="field-number">"Order, invoice, delivery or tracking number"</label>
                    <div class="search-row">
                        <input id="field-number" name="number" type="text" autocomplete="off" value=kept
                            aria-invalid=move || message.get().is_some().then_some("true")
                            aria-describedby=move || message.get().is_some().then_some("field-number-error")/>
                        <button type="submit" class="button button-secondary">"Find"</button>
                    </div>
                    {move || message.get().map(|text| view! { <p class="field-error" id="field-number-error">{text}</p> })}
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn OrderTable(
    listing: Listing<OrderSummary>,
    show_placed_by: bool,
    params: Vec<(String, String)>,
) -> impl IntoView {
    list_part(
        listing,
        "/orders",
        params,
        ("order", "orders"),
        move |items, staff| {
            view! {
        <TableScroll label="Orders">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Order"</th>
                        <th scope="col">"Date"</th>
                        {staff.then(|| view! { <th scope="col">"Organization"</th> })}
                        {show_placed_by.then(|| view! { <th scope="col">"Placed by"</th> })}
                        <th scope="col">"Contents"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col" class="num">"Total"</th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|o| view! {
                        <tr>
                            <td class="nowrap"><a href=order_href(&o.number)>{o.number.clone()}</a></td>
                            <td class="nowrap">{o.ordered_on}</td>
                            {staff.then(|| view! { <td>{o.organization.clone()}</td> })}
                            {show_placed_by.then(|| view! { <td>{o.placed_by.clone().unwrap_or_else(|| "—".into())}</td> })}
                            <td class="wide-cell">{o.contents}</td>
                            <td><OrderBadge status=o.status/></td>
                            <td class="num nowrap">{o.total}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }.into_any()
        },
    )
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let order = Resource::new(
        move || (number(), crate::context::browser_zone_changes()),
        |(number, _)| order_detail(number),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(o) => view! { <OrderBody o/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OrderBody(o: OrderView) -> impl IntoView {
    let OrderView {
        number,
        organization,
        placed_by,
        status,
        ordered_on,
        total,
        lines,
        invoices,
        deliveries,
        about,
        staff,
    } = o;
    let title = title_text(&format!("Order {number}"));
    let subject = format!("Question about order {number}");
    // The lines' table has one more column for customers: their "ask" links.
    let columns_before_total = 4;
    let columns_after_total = if staff { 1 } else { 2 };
    view! {
        <Title text=title/>
        <p class="breadcrumbs"><a href="/orders">"Orders"</a> " › " {number.clone()}</p>
        <div class="page-head">
            <h1>"Order " <span class="nowrap">{number.clone()}</span></h1>
            {(!staff).then(|| view! {
                <OpenCaseButton about subject label="Open a case about this order"/>
            })}
        </div>
        <section class="panel item-facts" aria-label="Order details">
            <dl class="facts">
                <dt>"Ordered on"</dt><dd>{ordered_on}</dd>
                <dt>"Status"</dt><dd><OrderBadge status/></dd>
                <dt>"Placed by"</dt><dd>{placed_by.unwrap_or_else(|| "—".into())}</dd>
                {staff.then(|| view! { <dt>"Organization"</dt><dd>{organization}</dd> })}
                <dt>"Total"</dt><dd>{total.clone()}</dd>
            </dl>
        </section>
        <section class="panel" aria-labelledby="lines-heading">
            <h2 id="lines-heading">"What was ordered"</h2>
            <TableScroll label="What was ordered">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col" class="num">"#"</th>
                            <th scope="col">"Product"</th>
                            <th scope="col" class="num">"Quantity"</th>
                            <th scope="col" class="num">"Unit price"</th>
                            <th scope="col" class="num">"Line total"</th>
                            <th scope="col">"Shipped"</th>
                            {(!staff).then(|| view! { <th scope="col"><span class="visually-hidden">"Questions"</span></th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {lines.into_iter().map(|line| view! { <OrderLineRow line number=number.clone() staff/> }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr class="total-row">
                            <th scope="row" colspan=columns_before_total class="num">"Total"</th>
                            <td class="num nowrap">{total}</td>
                            <td colspan=columns_after_total></td>
                        </tr>
                    </tfoot>
                </table>
            </TableScroll>
        </section>
        <section class="panel" aria-labelledby="invoices-heading">
            <h2 id="invoices-heading">"Invoices"</h2>
            {if invoices.is_empty() {
                view! { <p class="muted">"No invoice yet."</p> }.into_any()
            } else {
                view! { <InvoiceTable items=invoices show_order=false show_organization=false/> }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="deliveries-heading">
            <h2 id="deliveries-heading">"Deliveries"</h2>
            {if deliveries.is_empty() {
                view! { <p class="muted">"No deliveries for this order yet."</p> }.into_any()
            } else {
                view! { <DeliveryTable items=deliveries show_order=false show_organization=false/> }.into_any()
            }}
        </section>
    }
}

#[component]
fn OrderLineRow(line: OrderLineView, number: String, staff: bool) -> impl IntoView {
    let ask = (!staff).then(|| {
        let subject = format!(
            "Question about order {number}, line {}: {}",
            line.position, line.product
        );
        let link = ItemRef::parse(&line.about).map(|item| {
            view! {
                <a class="small case-link no-print" href=item.new_case_href(&subject)>
                    "Ask about this line"
                    <span class="visually-hidden">{format!(" (line {}: {})", line.position, line.product)}</span>
                </a>
            }
        });
        view! { <td class="nowrap">{link}</td> }
    });
    let complete = line.shipped >= i64::from(line.quantity);
    view! {
        <tr>
            <td class="num">{line.position}</td>
            <td class="wide-cell">
                {line.product.clone()}
                <br/>
                <span class="muted small">"SKU " {line.sku}</span>
            </td>
            <td class="num">{line.quantity}</td>
            <td class="num nowrap">{line.unit_price}</td>
            <td class="num nowrap">{line.line_total}</td>
            <td class="nowrap" class:muted=!complete>{format!("{} of {}", line.shipped, line.quantity)}</td>
            {ask}
        </tr>
    }
}
