use crate::api::dashboard::dashboard;
use crate::components::panels::{ErrorPanel, TableScroll};
use leptos::prelude::*;
use leptos_meta::Title;
use rapport_types::views::dashboard::DashboardData;
use rapport_types::views::PersonView;
use rapport_types::Role;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| dashboard());
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
    let role = d.user.role;
    let greeting = match role {
        Role::Customer | Role::CustomerAdmin => "Your support portal",
        Role::Agent => "Agent desk",
        Role::Trainer => "Trainer desk",
        Role::Admin => "Administration",
    };
    view! {
        <h1>{greeting}</h1>
        <div class="grid">
            <section class="card" aria-labelledby="account-heading">
                <h2 id="account-heading">"Your account"</h2>
                <dl class="facts">
                    <dt>"Name"</dt><dd>{d.user.display_name.clone()}</dd>
                    <dt>"E-mail"</dt><dd>{d.user.email.clone()}</dd>
                    <dt>"Role"</dt><dd>{role.label()}</dd>
                    {d.user.organization_name.clone().map(|o| view! { <dt>"Organization"</dt><dd>{o}</dd> })}
                </dl>
                <p><a href="/account">"Change your name or password"</a></p>
            </section>
            {matches!(role, Role::Trainer | Role::Admin).then(|| view! {
                <section class="card" aria-labelledby="writing-heading">
                    <h2 id="writing-heading">"Writing"</h2>
                    <ul class="plain-list">
                        <li><a href="/write/new">"Write a new article"</a></li>
                        <li><a href="/write">"All articles and drafts"</a></li>
                        <li><a href="/write/insights">"What to write next"</a></li>
                    </ul>
                </section>
            })}
            {d.invoices_due.map(|(overdue, open)| view! {
                <section class="card" aria-labelledby="invoices-heading">
                    <h2 id="invoices-heading">"Invoices"</h2>
                    <p class:overdue-note={overdue > 0}>
                        {match (overdue, open) {
                            (0, 0) => "Nothing to pay: every invoice is settled.".to_string(),
                            (0, open) => format!("{open} open, none overdue."),
                            (overdue, open) => format!("{overdue} overdue, {open} open."),
                        }}
                    </p>
                    <ul class="plain-list">
                        {(overdue > 0).then(|| view! { <li><a href="/invoices?status=overdue">"See overdue invoices"</a></li> })}
                        <li><a href="/invoices">"All invoices"</a></li>
                        <li><a href="/orders">"Orders"</a> " · " <a href="/deliveries">"Deliveries"</a></li>
                    </ul>
                </section>
            })}
            {matches!(role, Role::Customer | Role::CustomerAdmin).then(|| view! {
                <section class="card" aria-labelledby="workshops-heading">
                    <h2 id="workshops-heading">"Workshops"</h2>
                    <ul class="plain-list">
                        <li><a href="/workshops">"Upcoming workshops"</a></li>
                        <li><a href="/my-workshops">"My workshops"</a></li>
                    </ul>
                </section>
            })}
            {(role == Role::CustomerAdmin).then(|| view! {
                <section class="card" aria-labelledby="colleagues-heading">
                    <h2 id="colleagues-heading">"Colleagues"</h2>
                    <PeopleList people=d.colleagues.clone()/>
                    <p>
                        {format!("{} open invitation(s). ", d.open_invitations)}
                        <a href="/organization">"Invite a colleague"</a>
                    </p>
                </section>
            })}
            {role.is_staff().then(|| view! {
                <section class="card" aria-labelledby="people-heading">
                    <h2 id="people-heading">"People"</h2>
                    <table class="table compact">
                        <caption class="visually-hidden">"Users by role"</caption>
                        <thead><tr><th scope="col">"Role"</th><th scope="col" class="num">"Users"</th></tr></thead>
                        <tbody>
                            {d.users_by_role.iter().map(|(r, n)| view! {
                                <tr><td>{r.label()}</td><td class="num">{*n}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p>{format!("{} customer organization(s).", d.organizations)}</p>
                </section>
            })}
            {(role == Role::Admin).then(|| view! {
                <section class="card wide" aria-labelledby="events-heading">
                    <h2 id="events-heading">"Recent security events"</h2>
                    <TableScroll label="Recent security events">
                        <table class="table compact">
                            <thead><tr>
                                <th scope="col">"When"</th><th scope="col">"Event"</th>
                                <th scope="col">"E-mail"</th><th scope="col">"Address"</th>
                            </tr></thead>
                            <tbody>
                                {d.security_events.iter().map(|e| view! {
                                    <tr>
                                        <td>{e.at.clone()}</td><td>{e.kind.replace('_', " ")}</td>
                                        <td>{e.email.clone().unwrap_or_default()}</td>
                                        <td>{e.ip.clone().unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                    <p><a href="/admin/users">"Manage users"</a></p>
                </section>
            })}
        </div>
    }
}

#[component]
pub fn PeopleList(people: Vec<PersonView>) -> impl IntoView {
    view! {
        <ul class="people">
            {people.into_iter().map(|p| view! {
                <li>
                    <span class="person-name">{p.display_name}</span>
                    " "
                    <span class="muted">{p.email}</span>
                    " "
                    <span class="badge">{p.role.label()}</span>
                    {p.disabled.then(|| view! { " " <span class="badge badge-warn">"Disabled"</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
}
