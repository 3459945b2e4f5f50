//! Pieces the order, invoice and delivery pages share: the tabs between their
//! lists, status badges, tracking links and the "open a case" button.

use leptos::prelude::*;
use rapport_types::urlencode;
use rapport_types::views::orders::Listing;
use rapport_types::{DeliveryStatus, InvoiceStatus, ItemRef, OrderStatus};

/// The three lists, as tabs: `current` is the address of the one shown.
#[component]
pub fn OrdersNav(current: &'static str) -> impl IntoView {
    const LISTS: [(&str, &str); 3] = [
        ("/orders", "Orders"),
        ("/invoices", "Invoices"),
        ("/deliveries", "Deliveries"),
    ];
    view! {
        <nav class="tabs" aria-label="Orders, invoices and deliveries">
            {LISTS.iter().map(|(href, label)| {
                let active = *href == current;
                view! {
                    <a href=*href class:active=active aria-current=active.then_some("page")>{*label}</a>
                }
            }).collect_view()}
        </nav>
    }
}

pub fn order_href(number: &str) -> String {
    format!("/orders/{}", urlencode(number))
}

pub fn invoice_href(number: &str) -> String {
    format!("/invoices/{}", urlencode(number))
}

pub fn delivery_href(number: &str) -> String {
    format!("/deliveries/{}", urlencode(number))
}

#[component]
pub fn OrderBadge(status: OrderStatus) -> impl IntoView {
    view! { <span class=format!("status order-{}", status.as_str())>{status.label()}</span> }
}

#[component]
pub fn InvoiceBadge(status: InvoiceStatus) -> impl IntoView {
    view! { <span class=format!("status invoice-{}", status.as_str())>{status.label()}</span> }
}

#[component]
pub fn DeliveryBadge(status: DeliveryStatus) -> impl IntoView {
    view! { <span class=format!("status delivery-{}", status.as_str())>{status.label()}</span> }
}

/// "12 days overdue", for an overdue invoice.
pub fn overdue_text(days: i64) -> String {
    match days {
        1 => "1 day overdue".to_string(),
        n => format!("{n} days overdue"),
    }
}

/// The tracking number, linked to the carrier's page (in a new tab) when Rapport knows it.
#[component]
pub fn TrackingLink(number: String, url: Option<String>) -> impl IntoView {
    match url {
        Some(url) => view! {
            <a href=url target="_blank" rel="noopener noreferrer">
                {number}
                <span class="visually-hidden">" (carrier’s tracking page, opens in a new tab)"</span>
            </a>
        }
        .into_any(),
        None if number.is_empty() => "—".into_any(),
        None => number.into_any(),
    }
}

/// The prominent "Open a case about this …" link for customers: `about` is the
/// item's reference as the server sent it, `subject` the case's starting subject.
#[component]
pub fn OpenCaseButton(about: String, subject: String, label: &'static str) -> impl IntoView {
    ItemRef::parse(&about).map(|item| {
        view! { <a class="button no-print case-link" href=item.new_case_href(&subject)>{label}</a> }
    })
}

/// The line above a list: how many match.
pub fn count_line(total: i64, more: bool, one: &str, many: &str) -> String {
    if more {
        format!("More than {total} {many}: narrow them down with the filters.")
    } else if total == 1 {
        format!("1 {one}.")
    } else {
        format!("{total} {many}.")
    }
}

/// How many pages a list has.
pub fn page_count(total: i64) -> i64 {
    let per_page = rapport_types::views::orders::ORDERS_PER_PAGE;
    ((total + per_page - 1) / per_page).max(1)
}

/// The filters of a list as they are in the address, for its paging links.
pub fn filter_params(names: &[&str], values: &[String]) -> Vec<(String, String)> {
    names
        .iter()
        .zip(values)
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// A filter the server refused, shown above the list.
#[component]
pub fn FilterError(error: crate::error::AppError) -> impl IntoView {
    view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }
}

/// The invoices and deliveries lists: a status and a search in the address,
/// the filter form, then the list (`list`) or what was wrong with the filter.
/// `load` is the list's server function (status, search, page).
pub fn status_search_page<T, Fut>(
    title: &'static str,
    path: &'static str,
    status_options: Vec<(String, String)>,
    search_label: &'static str,
    load: fn(String, String, i64) -> Fut,
    list: fn(Listing<T>, Vec<(String, String)>) -> AnyView,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<Listing<T>, crate::error::AppError>> + Send + 'static,
{
    use crate::components::form::{Field, Select};
    use crate::components::pager::page_number;
    use crate::components::panels::ErrorPanel;
    use leptos_router::hooks::use_query_map;
    /// The filters of the address, in the order the server functions take them.
    const FILTERS: [&str; 2] = ["status", "q"];
    let query = use_query_map();
    let filters = move || FILTERS.map(|name| query.read().get(name).unwrap_or_default());
    let page = move || page_number(&query);
    let listing = Resource::new(
        move || (filters(), page(), crate::context::browser_zone_changes()),
        move |([status, q], page, _)| load(status, q, page),
    );
    view! {
        <leptos_meta::Title text=title/>
        <h1>{title}</h1>
        <OrdersNav current=path/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            // Read the address before waiting: afterwards the request may be gone.
            {move || {
                let values = filters();
                let params = filter_params(&FILTERS, &values);
                let [status, q] = values;
                let status_options = status_options.clone();
                Suspend::new(async move {
                    let shown = match listing.await {
                        Ok(listing) => list(listing, params),
                        Err(e) if e.field().is_some() => view! { <FilterError error=e/> }.into_any(),
                        Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                    };
                    view! {
                        <form method="get" action=path class="filters" role="search" aria-label=format!("Filter {}", title.to_lowercase())>
                            <Select label="Status" name="status" options=status_options selected=status
                                error=Signal::derive(|| None::<String>)/>
                            <Field label=search_label name="q" kind="search" value=q
                                required=false error=Signal::derive(|| None::<String>)/>
                            <button type="submit" class="button">"Show"</button>
                        </form>
                        {shown}
                    }
                    .into_any()
                })
            }}
        </Transition>
    }
}

/// One page of a list of orders, invoices or deliveries: how many, the rows
/// (`table` gets them and whether the reader is staff), and the pager; or
/// "No … here." `nouns` is (one, many), e.g. ("invoice", "invoices").
pub fn list_part<T>(
    listing: Listing<T>,
    path: &'static str,
    params: Vec<(String, String)>,
    nouns: (&'static str, &'static str),
    table: impl FnOnce(Vec<T>, bool) -> AnyView,
) -> AnyView {
    use crate::components::pager::{page_address, Pager};
    if listing.items.is_empty() {
        let empty = format!("No {} here.", nouns.1);
        return view! { <p class="panel muted">{empty}</p> }.into_any();
    }
    let pages = page_count(listing.total);
    let link_to = move |page: i64| page_address(path, &params, page);
    view! {
        <p class="muted" role="status">{count_line(listing.total, listing.more, nouns.0, nouns.1)}</p>
        {table(listing.items, listing.staff)}
        <Pager page=listing.page pages more=listing.more link_to/>
    }
    .into_any()
}
