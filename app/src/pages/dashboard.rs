//! Where each person starts after signing in: customers see their cases and
//! what waits for them, agents their queues and the deadlines at risk, admins
//! and trainers the way to their tools. Its parts are the ones the server
//! filled in, and its links follow the reader's capabilities.
use super::queue::{size_of, QUEUES};
use super::workshops::mine_badge;
use crate::api::dashboard::dashboard;
use crate::components::commerce::{invoice_href, overdue_text};
use crate::components::panels::{ErrorPanel, TableScroll};
use crate::components::workshop_sessions::SessionTime;
use leptos::prelude::*;
use leptos_meta::Title;
use rapport_types::views::auth::{Capability, UserSummary};
use rapport_types::views::dashboard::{AgentDesk, CustomerDesk, DashboardData, OpenCase};
use rapport_types::{CaseStatus, Role};

#[component]
pub fn DashboardPage() -> impl IntoView {
    // Fetched again once the browser's zone is known, so times read in it.
    let data = Resource::new(crate::context::browser_zone_changes, |_| dashboard());
    view! {
        <Title text="Dashboard"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <DashboardView d/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DashboardView(d: DashboardData) -> impl IntoView {
    let DashboardData {
        user,
        customer,
        agent,
        security_events,
    } = d;
    let can = user.can;
    let greeting = match user.role {
        Role::Customer | Role::CustomerAdmin => "Your support portal",
        Role::Agent => "Agent desk",
        Role::Trainer => "Trainer desk",
        Role::Admin => "Administration",
    };
    let organization_wide = user.role == Role::CustomerAdmin;
    view! {
        <div class="page-head">
            <h1>{greeting}</h1>
            {can.has(Capability::OpenCases).then(|| view! {
                <a class="button" href="/cases/new">"Open a case"</a>
            })}
        </div>
        {customer.map(|desk| view! { <CustomerStart desk organization_wide/> })}
        {agent.map(|desk| view! { <AgentStart desk/> })}
        <div class="grid">
            <AccountCard user=user.clone()/>
            {can.has(Capability::ManageOrganization).then(|| view! {
                <section class="card" aria-labelledby="organization-heading">
                    <h2 id="organization-heading">"Your organization"</h2>
                    <ul class="plain-list">
                        <li><a href="/organization">"Colleagues and invitations"</a></li>
                    </ul>
                </section>
            })}
            {can.has(Capability::SeeOrders).then(|| view! {
                <section class="card" aria-labelledby="orders-heading">
                    <h2 id="orders-heading">"Orders and invoices"</h2>
                    <ul class="plain-list">
                        <li><a href="/orders">"Orders"</a></li>
                        <li><a href="/invoices">"Invoices"</a></li>
                        <li><a href="/deliveries">"Deliveries"</a></li>
                    </ul>
                </section>
            })}
            {can.has(Capability::RegisterForWorkshops).then(|| view! {
                <section class="card" aria-labelledby="workshop-links-heading">
                    <h2 id="workshop-links-heading">"Workshops"</h2>
                    <ul class="plain-list">
                        <li><a href="/workshops">"Upcoming workshops"</a></li>
                        <li><a href="/my-workshops">"My workshops"</a></li>
                    </ul>
                </section>
            })}
            {can.has(Capability::WriteArticles).then(|| view! {
                <section class="card" aria-labelledby="writing-heading">
                    <h2 id="writing-heading">"Writing"</h2>
                    <ul class="plain-list">
                        <li><a href="/write/new">"Write a new article"</a></li>
                        <li><a href="/write">"All articles and drafts"</a></li>
                        <li><a href="/write/insights">"What to write next"</a></li>
                    </ul>
                </section>
            })}
            {(can.has(Capability::ManageUsers) || can.has(Capability::ManageServiceLevels)).then(|| view! {
                <section class="card" aria-labelledby="admin-heading">
                    <h2 id="admin-heading">"Users and settings"</h2>
                    <ul class="plain-list">
                        {can.has(Capability::ManageUsers).then(|| view! {
                            <li><a href="/admin/users">"Users"</a></li>
                            <li><a href="/admin/organizations">"Organizations"</a></li>
                        })}
                        {can.has(Capability::ManageServiceLevels).then(|| view! {
                            <li><a href="/admin/sla">"Service levels and business hours"</a></li>
                        })}
                        {can.has(Capability::ManageWebhooks).then(|| view! {
                            <li><a href="/admin/webhooks">"Webhooks"</a></li>
                        })}
                    </ul>
                </section>
            })}
            {(!security_events.is_empty()).then(|| view! {
                <section class="card wide" aria-labelledby="events-heading">
                    <h2 id="events-heading">"Recent security events"</h2>
                    <TableScroll label="Recent security events">
                        <table class="table compact">
                            <thead><tr>
                                <th scope="col">"When"</th><th scope="col">"Event"</th>
                                <th scope="col">"E-mail"</th><th scope="col">"Address"</th>
                            </tr></thead>
                            <tbody>
                                {security_events.into_iter().map(|e| view! {
                                    <tr>
                                        <td>{e.at}</td><td>{e.kind.replace('_', " ")}</td>
                                        <td>{e.email.unwrap_or_default()}</td>
                                        <td>{e.ip.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                </section>
            })}
        </div>
    }
}

#[component]
fn AccountCard(user: UserSummary) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="account-heading">
            <h2 id="account-heading">"Your account"</h2>
            <dl class="facts">
                <dt>"Name"</dt><dd>{user.display_name}</dd>
                <dt>"E-mail"</dt><dd>{user.email}</dd>
                <dt>"Role"</dt><dd>{user.role.label()}</dd>
                {user.organization_name.map(|o| view! { <dt>"Organization"</dt><dd>{o}</dd> })}
            </dl>
            <p><a href="/account">"Change your name or password"</a></p>
        </section>
    }
}

/// "Last reply by Ada (support), 2026-12-08 14:00 CET", or when it was opened.
fn last_reply_text(case: &OpenCase) -> String {
    match &case.last_reply {
        Some(reply) if reply.from_support => {
            format!("{} (support), {}", reply.by, reply.at)
        }
        Some(reply) => format!("{}, {}", reply.by, reply.at),
        None => format!("No reply yet; opened {}", case.opened),
    }
}

/// A customer's start: what waits for them, then their active cases.
#[component]
fn CustomerStart(desk: CustomerDesk, organization_wide: bool) -> impl IntoView {
    let CustomerDesk {
        open_cases,
        open_total,
        overdue_invoices,
        overdue_total,
        workshops,
    } = desk;
    let waiting: Vec<OpenCase> = open_cases
        .iter()
        .filter(|c| c.status == CaseStatus::Pending)
        .cloned()
        .collect();
    let shown = open_cases.len() as i64;
    view! {
        <section class="waits" aria-labelledby="waits-heading">
            <h2 id="waits-heading">"What waits for you"</h2>
            <div class="grid">
                <section class="card" aria-labelledby="waiting-cases-heading">
                    <h3 id="waiting-cases-heading">"Cases waiting for your reply"</h3>
                    {if waiting.is_empty() {
                        view! { <p class="muted">"None: support is not waiting for an answer from you."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {waiting.into_iter().map(|c| {
                                    let reply = last_reply_text(&c);
                                    view! {
                                        <li>
                                            <a href=format!("/cases/{}", c.number)>{format!("{} {}", c.number, c.subject)}</a>
                                            <br/><span class="muted small">{reply}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <section class="card" aria-labelledby="overdue-heading">
                    <h3 id="overdue-heading">"Overdue invoices"</h3>
                    {if overdue_invoices.is_empty() {
                        view! { <p class="muted">"None: no invoice of yours is past its due date."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {overdue_invoices.into_iter().map(|i| view! {
                                    <li>
                                        <a href=invoice_href(&i.number)>{i.number.clone()}</a>
                                        " " <span class="nowrap">{i.amount_due.clone()}</span>
                                        <br/><span class="overdue-days">{i.days_overdue.map(overdue_text)}</span>
                                        <span class="muted small">{format!(" · due {}", i.due_on)}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <p><a href="/invoices?status=overdue">{format!("All overdue invoices ({overdue_total})")}</a></p>
                        }.into_any()
                    }}
                </section>
                <section class="card" aria-labelledby="my-workshops-heading">
                    <h3 id="my-workshops-heading">"Your next workshops"</h3>
                    {if workshops.is_empty() {
                        view! {
                            <p class="muted">"You are not registered for any upcoming workshop. "
                                <a href="/workshops">"See what is planned"</a></p>
                        }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {workshops.into_iter().map(|r| view! {
                                    <li>
                                        <a href=format!("/kb/{}#sessions", r.session.workshop_slug)>{r.session.workshop_title.clone()}</a>
                                        " " {mine_badge(r.status)}
                                        <br/><span class="small"><SessionTime session=r.session.clone()/></span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            </div>
        </section>
        <section class="card wide" aria-labelledby="open-cases-heading">
            <h2 id="open-cases-heading">{if organization_wide { "Your organization's open cases" } else { "Your open cases" }}</h2>
            {if open_cases.is_empty() {
                view! {
                    <p class="muted">"No open cases. Many questions are answered in the "
                        <a href="/kb">"knowledge base"</a> "; if yours is not, open a case and we will answer."</p>
                }.into_any()
            } else {
                view! {
                    <TableScroll label="Open cases">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">"Case"</th>
                                    <th scope="col">"Subject"</th>
                                    {organization_wide.then(|| view! { <th scope="col">"Requester"</th> })}
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"Last reply"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {open_cases.into_iter().map(|c| {
                                    let href = format!("/cases/{}", c.number);
                                    let reply = last_reply_text(&c);
                                    view! {
                                        <tr>
                                            <td class="nowrap"><a href=href.clone()>{c.number.clone()}</a></td>
                                            <td><a href=href>{c.subject.clone()}</a></td>
                                            {organization_wide.then(|| view! { <td>{c.requester.clone()}</td> })}
                                            <td><span class=format!("status status-{}", c.status.as_str())>{c.status.label()}</span></td>
                                            <td>{reply}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                }.into_any()
            }}
            <p>
                <a href="/cases?status=active">
                    {if open_total > shown { format!("All {open_total} open cases") } else { "All your cases".to_string() }}
                </a>
            </p>
        </section>
    }
}

/// An agent's start: the queues with their sizes, then what breaches or is about to.
#[component]
fn AgentStart(desk: AgentDesk) -> impl IntoView {
    let AgentDesk {
        sizes,
        at_risk,
        soon_hours,
    } = desk;
    view! {
        <nav class="queue-links" aria-label="Your queues">
            <h2>"Your queues"</h2>
            <ul>
                {QUEUES.iter().map(|(key, label)| view! {
                    <li>
                        <a href=format!("/queue?queue={key}")>
                            {*label} " " <span class="count">{size_of(&sizes, key)}</span>
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </nav>
        <section class="card wide" aria-labelledby="at-risk-heading">
            <h2 id="at-risk-heading">"Deadlines at risk"</h2>
            <p class="muted">
                {format!("Cases assigned to you or to nobody whose SLA deadline has passed or comes within {soon_hours} hours, the earliest first.")}
            </p>
            {if at_risk.is_empty() {
                view! { <p>"Nothing is breaching or about to: every deadline of yours and of the unassigned cases is further away."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label="Deadlines at risk">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">"Case"</th>
                                    <th scope="col">"Subject"</th>
                                    <th scope="col">"Customer"</th>
                                    <th scope="col">"Priority"</th>
                                    <th scope="col">"Assignee"</th>
                                    <th scope="col">"Due"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {at_risk.into_iter().map(|c| {
                                    let href = format!("/cases/{}", c.number);
                                    view! {
                                        <tr class:breached=c.breached>
                                            <td class="nowrap"><a href=href.clone()>{c.number.clone()}</a></td>
                                            <td><a href=href>{c.subject.clone()}</a></td>
                                            <td>{c.organization.clone()} <br/><span class="muted small">{c.requester.clone()}</span></td>
                                            <td>{c.priority.label()}</td>
                                            <td>{c.assignee.clone().unwrap_or_else(|| "Nobody".into())}</td>
                                            <td class:sla-breached=c.breached>
                                                <span class="nowrap">{c.due_at.clone()}</span>
                                                <br/><span class="small">{c.due.clone()}</span>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                }.into_any()
            }}
            <p><a href="/queue?queue=breaching">{format!("All breaching cases ({})", sizes.breaching)}</a></p>
        </section>
    }
}
