//! Invoices: the list, and the invoice page, laid out like the paper invoice
//! and printable.
use crate::api::orders::{invoice_detail, invoice_list};
use crate::components::commerce::{
    invoice_href, list_part, order_href, overdue_text, status_search_page, InvoiceBadge,
    OpenCaseButton,
};
use crate::components::panels::{title_text, ErrorPanel, TableScroll};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use rapport_types::views::orders::{InvoiceSummary, InvoiceView};
use rapport_types::InvoiceStatus;

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let mut status_options = vec![
        (String::new(), "All".to_string()),
        ("due".to_string(), "Due (open and overdue)".to_string()),
    ];
    status_options.extend(
        InvoiceStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.label().to_string())),
    );
    status_search_page(
        "Invoices",
        "/invoices",
        status_options,
        "Invoice or order number",
        invoice_list,
        |listing, params| {
            list_part(
                listing,
                "/invoices",
                params,
                ("invoice", "invoices"),
                |items, staff| {
                    view! { <InvoiceTable items show_order=true show_organization=staff/> }
                        .into_any()
                },
            )
        },
    )
}

/// Invoices as a table: on the list, and on an order's page (without the order column).
#[component]
pub fn InvoiceTable(
    items: Vec<InvoiceSummary>,
    show_order: bool,
    show_organization: bool,
) -> impl IntoView {
    view! {
        <TableScroll label="Invoices">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Invoice"</th>
                        {show_order.then(|| view! { <th scope="col">"Order"</th> })}
                        {show_organization.then(|| view! { <th scope="col">"Organization"</th> })}
                        <th scope="col">"Issued"</th>
                        <th scope="col">"Due"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col" class="num">"Total"</th>
                        <th scope="col" class="num">"Amount due"</th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|i| {
                        let overdue = i.days_overdue.map(overdue_text);
                        let is_overdue = overdue.is_some();
                        view! {
                            <tr class:overdue=is_overdue>
                                <td class="nowrap"><a href=invoice_href(&i.number)>{i.number.clone()}</a></td>
                                {show_order.then(|| view! {
                                    <td class="nowrap"><a href=order_href(&i.order_number)>{i.order_number.clone()}</a></td>
                                })}
                                {show_organization.then(|| view! { <td>{i.organization.clone()}</td> })}
                                <td class="nowrap">{i.issued_on}</td>
                                <td class="nowrap">{i.due_on}</td>
                                <td>
                                    <InvoiceBadge status=i.status/>
                                    {overdue.map(|text| view! { <br/><span class="overdue-days">{text}</span> })}
                                </td>
                                <td class="num nowrap">{i.total}</td>
                                <td class="num nowrap">{i.amount_due}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

#[component]
pub fn InvoicePage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let invoice = Resource::new(
        move || (number(), crate::context::browser_zone_changes()),
        |(number, _)| invoice_detail(number),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match invoice.await {
                    Ok(i) => view! { <InvoiceBody i/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Prints the page (with JavaScript; without it the button does nothing).
#[component]
fn PrintButton() -> impl IntoView {
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().print();
        }
    };
    view! {
        <button type="button" class="button button-secondary no-print" on:click=print>"Print"</button>
    }
}

#[component]
fn InvoiceBody(i: InvoiceView) -> impl IntoView {
    let InvoiceView {
        summary,
        placed_by,
        paid_on,
        currency,
        lines,
        taxes,
        subtotal,
        tax_total,
        about,
        staff,
    } = i;
    let number = summary.number.clone();
    let title = title_text(&format!("Invoice {number}"));
    let subject = format!("Question about invoice {number}");
    let status = summary.status;
    let overdue = summary.days_overdue.map(overdue_text);
    let is_overdue = overdue.is_some();
    // The last row of the totals: what is left to pay, or when it was paid.
    let settled = if status.is_due() {
        view! {
            <tr class="invoice-due" class:overdue=is_overdue>
                <th scope="row">"Amount due"</th>
                <td class="num">{summary.amount_due.clone()}</td>
            </tr>
        }
        .into_any()
    } else if let Some(day) = paid_on {
        view! {
            <tr class="invoice-due">
                <th scope="row">"Paid on"</th>
                <td class="num">{day}</td>
            </tr>
        }
        .into_any()
    } else {
        view! {
            <tr class="invoice-due">
                <th scope="row">"Amount due"</th>
                <td class="num">{format!("Nothing ({})", status.label().to_lowercase())}</td>
            </tr>
        }
        .into_any()
    };
    view! {
        <Title text=title/>
        <p class="breadcrumbs no-print"><a href="/invoices">"Invoices"</a> " › " {number.clone()}</p>
        <div class="page-head">
            <h1>"Invoice " <span class="nowrap">{number.clone()}</span></h1>
            <div class="actions no-print">
                <PrintButton/>
                {(!staff).then(|| view! {
                    <OpenCaseButton about subject label="Open a case about this invoice"/>
                })}
            </div>
        </div>
        <article class="panel invoice">
            <div class="invoice-head">
                <section class="bill-to" aria-labelledby="bill-to-heading">
                    <h2 id="bill-to-heading">"Bill to"</h2>
                    <p>
                        <strong>{summary.organization.clone()}</strong>
                        {placed_by.map(|name| view! { <br/>{format!("Ordered by {name}")} })}
                    </p>
                </section>
                <dl class="facts invoice-facts">
                    <dt>"Invoice number"</dt><dd>{number.clone()}</dd>
                    <dt>"Issued"</dt><dd>{summary.issued_on.clone()}</dd>
                    <dt>"Due"</dt><dd>{summary.due_on.clone()}</dd>
                    <dt>"Status"</dt>
                    <dd>
                        <InvoiceBadge status/>
                        {overdue.map(|text| view! { " " <span class="overdue-days">{text}</span> })}
                    </dd>
                    <dt>"Order"</dt>
                    <dd><a href=order_href(&summary.order_number)>{summary.order_number.clone()}</a></dd>
                </dl>
            </div>
            <TableScroll label="Invoice lines">
                <table class="table invoice-lines">
                    <caption class="visually-hidden">"Invoice lines"</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="num">"#"</th>
                            <th scope="col">"Description"</th>
                            <th scope="col" class="num">"Quantity"</th>
                            <th scope="col" class="num">"Unit price"</th>
                            <th scope="col">"Tax"</th>
                            <th scope="col" class="num">"Net"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {lines.into_iter().map(|line| view! {
                            <tr>
                                <td class="num">{line.position}</td>
                                <td class="wide-cell">{line.description}</td>
                                <td class="num">{line.quantity}</td>
                                <td class="num nowrap">{line.unit_price}</td>
                                <td class="nowrap">{if line.taxes.is_empty() { "—".to_string() } else { line.taxes }}</td>
                                <td class="num nowrap">{line.net}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </TableScroll>
            <table class="invoice-totals">
                <caption class="visually-hidden">"Totals"</caption>
                <tbody>
                    <tr>
                        <th scope="row">"Subtotal"</th>
                        <td class="num">{subtotal}</td>
                    </tr>
                    {taxes.into_iter().map(|tax| view! {
                        <tr class="tax-row">
                            <th scope="row">{format!("{} {} on {}", tax.jurisdiction, tax.rate, tax.taxable)}</th>
                            <td class="num">{tax.amount}</td>
                        </tr>
                    }).collect_view()}
                    <tr>
                        <th scope="row">"Tax total"</th>
                        <td class="num">{tax_total}</td>
                    </tr>
                    <tr class="invoice-total">
                        <th scope="row">"Total"</th>
                        <td class="num">{summary.total.clone()}</td>
                    </tr>
                    {settled}
                </tbody>
            </table>
            <p class="muted small invoice-note">{format!("Amounts in {currency}.")}</p>
        </article>
    }
}
