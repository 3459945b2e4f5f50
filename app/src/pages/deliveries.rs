//! Deliveries: the list, and the delivery page with what it carries and where
//! it has been.

use crate::api::orders::{delivery_detail, delivery_list};
use crate::components::commerce::{
    delivery_href, list_part, order_href, status_search_page, DeliveryBadge, OpenCaseButton,
    TrackingLink,
};
use crate::components::panels::{title_text, ErrorPanel, TableScroll};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use rapport_types::views::orders::{DeliverySummary, DeliveryView};
use rapport_types::DeliveryStatus;

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let mut status_options = vec![
        (String::new(), "All".to_string()),
        ("moving".to_string(), "On its way".to_string()),
    ];
    status_options.extend(
        DeliveryStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.label().to_string())),
    );
    status_search_page(
        "Deliveries",
        "/deliveries",
        status_options,
        "Delivery, order or tracking number",
        delivery_list,
        |listing, params| {
            list_part(
                listing,
                "/deliveries",
                params,
                ("delivery", "deliveries"),
                |items, staff| {
                    view! { <DeliveryTable items show_order=true show_organization=staff/> }
                        .into_any()
                },
            )
        },
    )
}

/// Deliveries as a table: on the list, and on an order's page (without the order column).
#[component]
pub fn DeliveryTable(
    items: Vec<DeliverySummary>,
    show_order: bool,
    show_organization: bool,
) -> impl IntoView {
    let dash = || "—".to_string();
    view! {
        <TableScroll label="Deliveries">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Delivery"</th>
                        {show_order.then(|| view! { <th scope="col">"Order"</th> })}
                        {show_organization.then(|| view! { <th scope="col">"Organization"</th> })}
                        <th scope="col">"Carrier"</th>
                        <th scope="col">"Tracking"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Shipped"</th>
                        <th scope="col">"Delivered"</th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|d| view! {
                        <tr>
                            <td class="nowrap"><a href=delivery_href(&d.number)>{d.number.clone()}</a></td>
                            {show_order.then(|| view! {
                                <td class="nowrap"><a href=order_href(&d.order_number)>{d.order_number.clone()}</a></td>
                            })}
                            {show_organization.then(|| view! { <td>{d.organization.clone()}</td> })}
                            <td>{d.carrier}</td>
                            <td class="nowrap"><TrackingLink number=d.tracking_number url=d.tracking_url/></td>
                            <td><DeliveryBadge status=d.status/></td>
                            <td class="nowrap">{d.shipped_on.unwrap_or_else(dash)}</td>
                            <td class="nowrap">{d.delivered_on.unwrap_or_else(dash)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

#[component]
pub fn DeliveryPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let delivery = Resource::new(
        move || (number(), crate::context::browser_zone_changes()),
        |(number, _)| delivery_detail(number),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match delivery.await {
                    Ok(d) => view! { <DeliveryBody d/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DeliveryBody(d: DeliveryView) -> impl IntoView {
    let DeliveryView {
        summary,
        lines,
        history,
        about,
        staff,
    } = d;
    let number = summary.number.clone();
    let title = title_text(&format!("Delivery {number}"));
    let subject = format!("Question about delivery {number}");
    let dash = || "—".to_string();
    view! {
        <Title text=title/>
        <p class="breadcrumbs"><a href="/deliveries">"Deliveries"</a> " › " {number.clone()}</p>
        <div class="page-head">
            <h1>"Delivery " <span class="nowrap">{number.clone()}</span></h1>
            {(!staff).then(|| view! {
                <OpenCaseButton about subject label="Open a case about this delivery"/>
            })}
        </div>
        <section class="panel item-facts" aria-label="Delivery details">
            <dl class="facts">
                <dt>"Status"</dt><dd><DeliveryBadge status=summary.status/></dd>
                <dt>"Order"</dt>
                <dd><a href=order_href(&summary.order_number)>{summary.order_number.clone()}</a></dd>
                {staff.then(|| view! { <dt>"Organization"</dt><dd>{summary.organization.clone()}</dd> })}
                <dt>"Carrier"</dt><dd>{summary.carrier}</dd>
                <dt>"Tracking number"</dt>
                <dd><TrackingLink number=summary.tracking_number url=summary.tracking_url/></dd>
                <dt>"Shipped"</dt><dd>{summary.shipped_on.unwrap_or_else(dash)}</dd>
                <dt>"Delivered"</dt><dd>{summary.delivered_on.unwrap_or_else(dash)}</dd>
            </dl>
        </section>
        <section class="panel" aria-labelledby="contents-heading">
            <h2 id="contents-heading">"What it carries"</h2>
            {if lines.is_empty() {
                view! { <p class="muted">"No items are listed for this delivery."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label="What it carries">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">"Product"</th>
                                    <th scope="col">"SKU"</th>
                                    <th scope="col" class="num">"Quantity"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {lines.into_iter().map(|line| view! {
                                    <tr>
                                        <td class="wide-cell">{line.product}</td>
                                        <td class="nowrap">{line.sku}</td>
                                        <td class="num">{line.quantity}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            {if history.is_empty() {
                view! { <p class="muted">"No news from the carrier yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="timeline">
                        {history.into_iter().map(|event| view! {
                            <li class=format!("timeline-event timeline-{}", event.status.as_str())>
                                <p class="timeline-head">
                                    <strong>{event.status.label()}</strong>
                                    " · " <span class="muted">{event.at}</span>
                                </p>
                                {(!event.note.is_empty()).then(|| view! { <p class="timeline-note">{event.note}</p> })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}
