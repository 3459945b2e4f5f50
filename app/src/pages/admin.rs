use crate::api::admin::{
    list_organizations, list_users, ChangeRole, CreateStaffUser, SetUserDisabled,
};
use crate::components::form::{action_error, field_error, Field, FormError};
use crate::components::panels::{ErrorPanel, TableScroll};
use crate::context::use_auth;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::urlencode;
use rapport_types::views::admin::USERS_PER_PAGE;
use rapport_types::views::PersonView;
use rapport_types::{Password, Role};

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let create = ServerAction::<CreateStaffUser>::new();
    let change_role = ServerAction::<ChangeRole>::new();
    let set_disabled = ServerAction::<SetUserDisabled>::new();
    let users = Resource::new(
        move || {
            (
                search(),
                page(),
                create.version().get(),
                change_role.version().get(),
                set_disabled.version().get(),
            )
        },
        |(q, page, ..)| list_users(q, page),
    );
    let create_error = action_error(create);
    let role_error = action_error(change_role);
    let disable_error = action_error(set_disabled);
    let created = move || query.read().get("created").is_some();
    let me = Signal::derive(move || auth.user.get().and_then(|u| u.ok().flatten()).map(|u| u.id));

    view! {
        <Title text="Users"/>
        <h1>"Users"</h1>
        <form method="get" action="/admin/users" class="search-form" role="search" aria-label="Find users">
            <label for="user-search">"Search by name, e-mail or organization"</label>
            <div class="search-row">
                <input id="user-search" type="search" name="q" value=search/>
                <button type="submit" class="button">"Search"</button>
            </div>
        </form>
        <FormError error=role_error/>
        {move || field_error(role_error, "role").get().map(|m| view! { <p class="alert alert-error" role="alert">{m}</p> })}
        <FormError error=disable_error/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                // Read before waiting: afterwards the request (and its signals) may be gone.
                let q = search();
                Suspend::new(async move {
                match users.await {
                    Ok(list) => {
                        let pages = ((list.total + USERS_PER_PAGE - 1) / USERS_PER_PAGE).max(1);
                        let page_link = move |p: i64| format!("/admin/users?q={}&page={p}", urlencode(&q));
                        view! {
                            <p class="muted" role="status">{format!("{} user(s) found.", list.total)}</p>
                            <TableScroll label="Users">
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"E-mail"</th>
                                            <th scope="col">"Organization"</th>
                                            <th scope="col">"Last sign-in"</th>
                                            <th scope="col">"Role"</th>
                                            <th scope="col">"Access"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.users.into_iter().map(|u| view! {
                                            <UserRow user=u me change_role set_disabled/>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </TableScroll>
                            <nav class="pager" aria-label="Pages">
                                {(list.page > 1).then(|| view! { <a href=page_link(list.page - 1)>"Previous"</a> })}
                                <span>{format!("Page {} of {}", list.page, pages)}</span>
                                {(list.page < pages).then(|| view! { <a href=page_link(list.page + 1)>"Next"</a> })}
                            </nav>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}}
        </Transition>
        <section class="card" aria-labelledby="create-heading">
            <h2 id="create-heading">"Create a staff account"</h2>
            <p class="muted">"Agents answer cases, trainers write articles and run workshops, admins manage everything. Customers register themselves or are invited by their organization."</p>
            {move || created().then(|| view! {
                <p class="alert alert-success" role="status">"The account is created. Give the person their password; they can change it under Account."</p>
            })}
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <FormError error=create_error/>
                <Field label="Name" name="display_name" autocomplete="off" error=field_error(create_error, "display_name")/>
                <Field label="E-mail address" name="email" kind="email" autocomplete="off" error=field_error(create_error, "email")/>
                <div class="field" class:has-error=move || field_error(create_error, "role").get().is_some()>
                    <label for="field-role">"Role"</label>
                    <select id="field-role" name="role">
                        {Role::ALL.into_iter().filter(|r| r.is_staff()).map(|r| view! {
                            <option value=r.as_str()>{r.label()}</option>
                        }).collect_view()}
                    </select>
                    {move || field_error(create_error, "role").get().map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <Field label="Initial password" name="password" kind="password" autocomplete="new-password"
                    hint=Password::RULE error=field_error(create_error, "password")/>
                <button type="submit" class="button">"Create account"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn UserRow(
    user: PersonView,
    me: Signal<Option<i64>>,
    change_role: ServerAction<ChangeRole>,
    set_disabled: ServerAction<SetUserDisabled>,
) -> impl IntoView {
    // The signed-in admin cannot demote or disable themselves (the policy refuses it too).
    let is_me = me.get_untracked() == Some(user.id);
    let role_id = format!("role-{}", user.id);
    let options: Vec<(&'static str, &'static str, bool)> = Role::ALL
        .into_iter()
        .filter(|r| r.is_customer() == user.role.is_customer())
        .map(|r| (r.as_str(), r.label(), r == user.role))
        .collect();
    let role_label = format!("Role of {}", user.display_name);
    let id = user.id;
    let current = user.role;
    let disabled = user.disabled;
    view! {
        <tr class:row-disabled=disabled>
            <td>{user.display_name.clone()}</td>
            <td>{user.email.clone()}</td>
            <td>{user.organization_name.clone().unwrap_or_else(|| "Company staff".into())}</td>
            <td>{user.last_sign_in.clone().unwrap_or_else(|| "Never".into())}</td>
            <td>
                {if is_me {
                    view! { {current.label()} " (you)" }.into_any()
                } else {
                    view! {
                    <ActionForm action=change_role attr:class="inline-form">
                        <input type="hidden" name="user_id" value=id/>
                        <label class="visually-hidden" for=role_id.clone()>{role_label.clone()}</label>
                        <select id=role_id.clone() name="role">
                            {options.clone().into_iter().map(|(value, label, selected)| view! {
                                <option value=value selected=selected>{label}</option>
                            }).collect_view()}
                        </select>
                        <button type="submit" class="button button-small">"Change role"</button>
                    </ActionForm>
                    }.into_any()
                }}
            </td>
            <td>
                {disabled.then(|| view! { <span class="badge badge-warn">"Disabled"</span> " " })}
                {(!is_me).then(|| view! {
                    <ActionForm action=set_disabled attr:class="inline-form">
                        <input type="hidden" name="user_id" value=id/>
                        <input type="hidden" name="disabled" value=(!disabled).to_string()/>
                        <button type="submit" class="button button-small button-secondary">
                            {if disabled { "Enable" } else { "Disable" }}
                        </button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

#[component]
pub fn AdminOrganizationsPage() -> impl IntoView {
    let organizations = Resource::new(|| (), |_| list_organizations());
    view! {
        <Title text="Organizations"/>
        <h1>"Organizations"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match organizations.await {
                    Ok(list) => view! {
                        <p class="muted">{format!("{} customer organization(s).", list.len())}</p>
                        <TableScroll label="Organizations">
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col" class="num">"Members"</th>
                                    <th scope="col" class="num">"Admins"</th>
                                    <th scope="col">"Created"</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|o| view! {
                                        <tr>
                                            <td><a href=format!("/admin/users?q={}", urlencode(&o.name))>{o.name.clone()}</a></td>
                                            <td class="num">{o.members}</td>
                                            <td class="num">{o.admins}</td>
                                            <td>{o.created}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </TableScroll>
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
