//! Orders, invoices and deliveries beside cases: the item a case is about, and
//! for agents the organization's recent business.
use leptos::prelude::*;
use rapport_types::views::orders::{LinkedItem, OrganizationBusiness};

/// The order, order line, invoice or delivery a case is about, as a card.
#[component]
pub fn LinkedItemCard(item: LinkedItem, heading: &'static str) -> impl IntoView {
    view! {
        <section class="panel linked-item" aria-labelledby="linked-item-heading">
            <h2 id="linked-item-heading">{heading}</h2>
            <p>
                <a href=item.href><strong>{item.title}</strong></a>
                " " <span class="badge">{item.status}</span>
            </p>
            <p class="muted">{item.facts}</p>
        </section>
    }
}

/// For agents beside a case: the requester's organization's latest orders,
/// its unpaid invoices and its deliveries on their way, each a link.
#[component]
pub fn BusinessPanel(business: OrganizationBusiness, organization: String) -> impl IntoView {
    let OrganizationBusiness {
        recent_orders,
        open_invoices,
        moving_deliveries,
    } = business;
    view! {
        <section class="panel business" aria-labelledby="business-heading">
            <h2 id="business-heading">{format!("{organization}: orders")}</h2>
            <h3>"Unpaid invoices"</h3>
            {if open_invoices.is_empty() {
                view! { <p class="muted">"None."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {open_invoices.into_iter().map(|i| view! {
                            <li>
                                <a href=format!("/invoices/{}", rapport_types::urlencode(&i.number))>{i.number.clone()}</a>
                                " " <span class=format!("badge invoice-{}", i.status.as_str())>{i.status.label()}</span>
                                <br/><span class="muted">{format!("{} · due {}", i.total, i.due_on)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3>"Deliveries on their way"</h3>
            {if moving_deliveries.is_empty() {
                view! { <p class="muted">"None."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {moving_deliveries.into_iter().map(|d| view! {
                            <li>
                                <a href=format!("/deliveries/{}", rapport_types::urlencode(&d.number))>{d.number.clone()}</a>
                                " " <span class="badge">{d.status.label()}</span>
                                <br/><span class="muted">{format!("{} {} · order {}", d.carrier, d.tracking_number, d.order_number)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3>"Recent orders"</h3>
            {if recent_orders.is_empty() {
                view! { <p class="muted">"None."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {recent_orders.into_iter().map(|o| view! {
                            <li>
                                <a href=format!("/orders/{}", rapport_types::urlencode(&o.number))>{o.number.clone()}</a>
                                " " <span class="badge">{o.status.label()}</span>
                                <br/><span class="muted">{format!("{} · {}", o.ordered_on, o.total)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
