use crate::api::admin::{
    list_organizations, list_users, ChangeRole, CreateStaffUser, MergeOrganizations,
    RenameOrganization, SetUserDisabled, USERS_PAGE,
};
use crate::api::email_links::{ChangeUserAddress, SendPasswordLink};
use crate::components::form::{
    action_error, field_error, row_error, sent_for, success_count, ConfirmBox, Field, FormError,
};
use crate::components::panels::{ErrorPanel, TableScroll};
use crate::context::use_auth;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use rapport_types::urlencode;
use rapport_types::views::admin::{OrganizationItem, USERS_PER_PAGE};
use rapport_types::views::PersonView;
use rapport_types::Role;

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
    let send_password_link = ServerAction::<SendPasswordLink>::new();
    let change_address = ServerAction::<ChangeUserAddress>::new();
    // Reload after a success only, so a refused row keeps the role chosen in it.
    let changes = [
        success_count(create),
        success_count(change_role),
        success_count(set_disabled),
    ];
    let users = Resource::new(
        move || (search(), page(), changes.map(|c| c.get())),
        |(q, page, _)| list_users(q, page),
    );
    let create_error = action_error(create);
    let role_error = action_error(change_role);
    let disable_error = action_error(set_disabled);
    let link_error = action_error(send_password_link);
    let address_error = action_error(change_address);
    let rows = UserRowActions {
        change_role,
        role_sent_for: sent_for(change_role, |sent| sent.user_id),
        set_disabled,
        disable_sent_for: sent_for(set_disabled, |sent| sent.user_id),
        send_password_link,
        change_address,
        address_sent_for: sent_for(change_address, |sent| sent.user_id),
    };

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
        // Errors about one row (a role, the confirmation) are shown in the row.
        <FormError error=role_error/>
        <FormError error=disable_error/>
        <FormError error=link_error/>
        <FormError error=address_error/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                // Read before waiting: afterwards the request (and its signals) may be gone.
                let q = search();
                let here = page_address(&q, page());
                let address = query.get();
                Suspend::new(async move {
                match users.await {
                    Ok(list) => {
                        let pages = ((list.total + USERS_PER_PAGE - 1) / USERS_PER_PAGE).max(1);
                        let page_link = move |p: i64| page_address(&q, p);
                        let done = user_done_message(&address, &list.users);
                        view! {
                            {done.map(|message| view! { <p class="alert alert-success" role="status">{message}</p> })}
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
                                            <th scope="col">"Sign-in help"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.users.into_iter().map(|u| {
                                            // A role refused without JavaScript comes back chosen in its row.
                                            let typed_role = (address.get("user") == Some(u.id.to_string()))
                                                .then(|| address.get("role"))
                                                .flatten();
                                            view! { <UserRow user=u me actions=rows back=here.clone() typed_role/> }
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
                <p class="alert alert-success" role="status">"The account is created. The person gets an e-mail with a link to choose their password (it works for 7 days)."</p>
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
                <p class="muted">"They get an e-mail with a link to choose their own password."</p>
                <button type="submit" class="button">"Create account"</button>
            </ActionForm>
        </section>
        <super::admin_sign_in::StaffTwoFactorCard/>
    }
}

/// The users page at search `q` and page `page`: where the pager links and
/// where a row's form comes back to.
fn page_address(q: &str, page: i64) -> String {
    format!("{USERS_PAGE}?q={}&page={page}", urlencode(q))
}

/// The page's actions on a row, and whom each was last sent for (so that its
/// error is shown in that row only).
#[derive(Clone, Copy)]
struct UserRowActions {
    change_role: ServerAction<ChangeRole>,
    role_sent_for: Signal<Option<i64>>,
    set_disabled: ServerAction<SetUserDisabled>,
    disable_sent_for: Signal<Option<i64>>,
    send_password_link: ServerAction<SendPasswordLink>,
    change_address: ServerAction<ChangeUserAddress>,
    address_sent_for: Signal<Option<i64>>,
}

/// "Disabled Quinn Queue (quinn@rapport.example). They can no longer sign in."
/// from the address a row's action came back with (see `api::admin`). Said only
/// when the list agrees, so an address cannot make the page claim what did not happen.
fn user_done_message(query: &ParamsMap, users: &[PersonView]) -> Option<String> {
    let id: i64 = query.get("user")?.parse().ok()?;
    let user = users.iter().find(|u| u.id == id)?;
    let (name, email) = (&user.display_name, &user.email);
    let role = user.role.label().to_lowercase();
    match query.get("done")?.as_str() {
        "disabled" if user.disabled => Some(format!(
            "Disabled {name} ({email}). They can no longer sign in."
        )),
        "enabled" if !user.disabled => {
            Some(format!("Enabled {name} ({email}) again. They can sign in."))
        }
        "reset_link" if query.get("to").as_deref() == Some(email) => Some(format!(
            "Sent {name} a link to choose a new password ({email}). It works for 30 minutes."
        )),
        "address_link" => Some(format!(
            "Sent a confirmation link to {}. {name}'s address changes when it is opened.",
            query.get("to")?
        )),
        "role" => {
            let from = Role::parse(&query.get("from")?)?;
            Some(if from == user.role {
                format!("{name} ({email}) is already {role}: nothing changed.")
            } else {
                let from = from.label().to_lowercase();
                format!("Changed {name}'s role from {from} to {role}.")
            })
        }
        _ => None,
    }
}

#[component]
fn UserRow(
    user: PersonView,
    me: Signal<Option<i64>>,
    actions: UserRowActions,
    /// The users page as it is (search, page), for the forms to come back to.
    back: String,
    /// The role chosen when a change was refused without JavaScript.
    typed_role: Option<String>,
) -> impl IntoView {
    // The signed-in admin cannot demote or disable themselves (the policy refuses it too).
    let is_me = me.get_untracked() == Some(user.id);
    let id = user.id;
    let role_id = format!("role-{id}");
    let chosen = typed_role
        .and_then(|r| Role::parse(&r))
        .unwrap_or(user.role);
    let options: Vec<(&'static str, &'static str, bool)> = Role::ALL
        .into_iter()
        .filter(|r| r.is_customer() == user.role.is_customer())
        .map(|r| (r.as_str(), r.label(), r == chosen))
        .collect();
    let role_label = format!("Role of {}", user.display_name);
    let current = user.role;
    let disabled = user.disabled;
    let role_error = row_error(action_error(actions.change_role), actions.role_sent_for, id);
    let disable_error = row_error(
        action_error(actions.set_disabled),
        actions.disable_sent_for,
        id,
    );
    let role_message = field_error(role_error, "role");
    let address_error = row_error(
        action_error(actions.change_address),
        actions.address_sent_for,
        id,
    );
    let address_message = field_error(address_error, "new_email");
    let whom = user.display_name.clone();
    let whom_help = user.display_name.clone();
    let whom_address = format!(" of {}", user.display_name);
    let whom_label = whom_address.clone();
    let role_back = back.clone();
    let help_back = back.clone();
    let address_back = back.clone();
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
                    <ActionForm action=actions.change_role attr:class="inline-form row-form">
                        <input type="hidden" name="user_id" value=id/>
                        <input type="hidden" name="back" value=role_back.clone()/>
                        <label class="visually-hidden" for=role_id.clone()>{role_label.clone()}</label>
                        <select id=role_id.clone() name="role"
                            aria-invalid=move || role_message.get().is_some().then_some("true")>
                            {options.clone().into_iter().map(|(value, label, selected)| view! {
                                <option value=value selected=selected>{label}</option>
                            }).collect_view()}
                        </select>
                        <ConfirmBox id=format!("confirm-role-{id}") label="Yes, change"
                            whom=format!("the role of {whom}") error=role_error/>
                        <button type="submit" class="button button-small">"Change role"</button>
                        {move || role_message.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    </ActionForm>
                    }.into_any()
                }}
            </td>
            <td>
                {disabled.then(|| view! { <span class="badge badge-warn">"Disabled"</span> " " })}
                {(!is_me).then(|| view! {
                    <ActionForm action=actions.set_disabled attr:class="inline-form row-form">
                        <input type="hidden" name="user_id" value=id/>
                        <input type="hidden" name="disabled" value=(!disabled).to_string()/>
                        <input type="hidden" name="back" value=back/>
                        // Enabling again needs no confirmation: it takes nothing away.
                        {(!disabled).then(|| view! {
                            <ConfirmBox id=format!("confirm-disable-{id}") label="Yes, disable"
                                whom=user.display_name.clone() error=disable_error/>
                        })}
                        <button type="submit" class="button button-small button-secondary">
                            {if disabled { "Enable" } else { "Disable" }}
                        </button>
                    </ActionForm>
                })}
            </td>
            <td>
                <ActionForm action=actions.send_password_link attr:class="inline-form row-form">
                    <input type="hidden" name="user_id" value=id/>
                    <input type="hidden" name="back" value=help_back.clone()/>
                    <button type="submit" class="button button-small button-secondary">
                        "Send reset link" <span class="visually-hidden">{format!(" to {whom_help}")}</span>
                    </button>
                </ActionForm>
                {(!is_me).then(|| view! {
                    <details class="row-details">
                        <summary>"Change address" <span class="visually-hidden">{whom_address}</span></summary>
                        <ActionForm action=actions.change_address attr:class="form row-form">
                            <input type="hidden" name="user_id" value=id/>
                            <input type="hidden" name="back" value=address_back/>
                            <label for=format!("new-email-{id}")>"New address" <span class="visually-hidden">{whom_label}</span></label>
                            <input id=format!("new-email-{id}") type="email" name="new_email" required
                                autocomplete="off"
                                aria-invalid=move || address_message.get().is_some().then_some("true")/>
                            {move || address_message.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                            <p class="muted">"A link goes to the new address; the old one is told."</p>
                            <button type="submit" class="button button-small">"Send confirmation link"</button>
                        </ActionForm>
                    </details>
                })}
            </td>
        </tr>
    }
}

#[component]
pub fn AdminOrganizationsPage() -> impl IntoView {
    let rename = ServerAction::<RenameOrganization>::new();
    let merge = ServerAction::<MergeOrganizations>::new();
    let changes = [success_count(rename), success_count(merge)];
    let organizations = Resource::new(move || changes.map(|c| c.get()), |_| list_organizations());
    let rename_error = action_error(rename);
    let merge_error = action_error(merge);
    let query = use_query_map();
    let kept = move |name: &str| query.read_untracked().get(name);
    view! {
        <Title text="Organizations"/>
        <h1>"Organizations"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let address = query.get();
                Suspend::new(async move {
                match organizations.await {
                    Ok(list) => {
                        let done = organization_done_message(&address, &list);
                        let choices: Vec<(i64, String)> = list.iter().map(|o| (o.id, o.name.clone())).collect();
                        let (source, target) = (kept("source"), kept("target"));
                        view! {
                        {done.map(|message| view! { <p class="alert alert-success" role="status">{message}</p> })}
                        <p class="muted">{format!("{} customer organization(s).", list.len())}</p>
                        <FormError error=rename_error/>
                        {move || field_error(rename_error, "name").get().map(|m| view! {
                            <p class="alert alert-error" role="alert">{m}</p>
                        })}
                        <TableScroll label="Organizations">
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col" class="num">"Members"</th>
                                    <th scope="col" class="num">"Admins"</th>
                                    <th scope="col">"Created"</th>
                                    <th scope="col">"Rename"</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|o| {
                                        let field_id = format!("rename-{}", o.id);
                                        view! {
                                        <tr>
                                            <td>
                                                <a href=format!("/admin/users?q={}", urlencode(&o.name))>{o.name.clone()}</a>
                                                " · " <a href=format!("/reports/health/{}", o.id) aria-label=format!("Health of {}", o.name)>"Health"</a>
                                            </td>
                                            <td class="num">{o.members}</td>
                                            <td class="num">{o.admins}</td>
                                            <td>{o.created}</td>
                                            <td>
                                                <ActionForm action=rename attr:class="inline-form row-form">
                                                    <input type="hidden" name="organization_id" value=o.id/>
                                                    <label class="visually-hidden" for=field_id.clone()>{format!("New name for {}", o.name)}</label>
                                                    <input id=field_id type="text" name="name" value=o.name.clone() required=true/>
                                                    <button type="submit" class="button button-small button-secondary">"Rename"</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        </TableScroll>
                        <section class="card" aria-labelledby="merge-heading">
                            <h2 id="merge-heading">"Merge two organizations"</h2>
                            <p class="muted">"Everything of the first moves to the second: its people, cases, orders, invoices, deliveries, invitations and articles. The first organization is then gone. This cannot be undone."</p>
                            <ActionForm action=merge attr:class="form" attr:novalidate=true>
                                <FormError error=merge_error/>
                                <OrganizationChoice label="Merge this organization" name="source"
                                    choices=choices.clone() chosen=source error=merge_error/>
                                <OrganizationChoice label="into this one" name="target"
                                    choices chosen=target error=merge_error/>
                                <ConfirmBox id="confirm-merge".to_string() label="Yes, merge them"
                                    whom="(cannot be undone)".to_string() error=merge_error/>
                                <button type="submit" class="button">"Merge"</button>
                            </ActionForm>
                        </section>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}}
        </Transition>
        <super::admin_mail::OrganizationDomainsSection/>
    }
}

/// A labelled list of the organizations to choose one from.
#[component]
fn OrganizationChoice(
    label: &'static str,
    name: &'static str,
    choices: Vec<(i64, String)>,
    /// The one chosen before a refusal (without JavaScript).
    chosen: Option<String>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = field_error(error, name);
    let id = format!("field-{name}");
    view! {
        <div class="field" class:has-error=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                <option value="">"Choose an organization"</option>
                {choices.into_iter().map(|(value, text)| {
                    let selected = chosen.as_deref() == Some(value.to_string().as_str());
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
            {move || message.get().map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
    }
}

/// "Renamed …" or "Merged …" from the address the forms came back with (see
/// `api::admin`), said only when the list agrees.
fn organization_done_message(query: &ParamsMap, list: &[OrganizationItem]) -> Option<String> {
    let id: i64 = query.get("organization")?.parse().ok()?;
    let organization = list.iter().find(|o| o.id == id)?;
    match query.get("done")?.as_str() {
        "renamed" => Some(format!("Renamed to “{}”.", organization.name)),
        "merged" => Some(format!(
            "Merged into {}: the other organization's people, cases, orders, invoices, deliveries and invitations are now {}'s.",
            organization.name, organization.name
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&'static str, &str)]) -> ParamsMap {
        let mut map = ParamsMap::new();
        for (key, value) in pairs {
            map.insert(*key, value.to_string());
        }
        map
    }

    fn quinn(role: Role, disabled: bool) -> PersonView {
        PersonView {
            id: 7,
            email: "quinn@rapport.example".into(),
            display_name: "Quinn Queue".into(),
            role,
            organization_name: None,
            disabled,
            created: None,
            last_sign_in: None,
        }
    }

    #[test]
    fn what_was_done_to_a_user_is_said_when_the_list_agrees() {
        let said = |pairs, user| user_done_message(&query(pairs), &[user]);
        assert_eq!(
            said(
                &[("done", "disabled"), ("user", "7")],
                quinn(Role::Agent, true)
            )
            .as_deref(),
            Some("Disabled Quinn Queue (quinn@rapport.example). They can no longer sign in.")
        );
        assert_eq!(
            said(
                &[("done", "role"), ("user", "7"), ("from", "agent")],
                quinn(Role::Admin, false)
            )
            .as_deref(),
            Some("Changed Quinn Queue's role from agent to admin.")
        );
        assert_eq!(
            said(
                &[("done", "enabled"), ("user", "7")],
                quinn(Role::Agent, false)
            )
            .as_deref(),
            Some("Enabled Quinn Queue (quinn@rapport.example) again. They can sign in.")
        );
        // An address that does not match the list says nothing.
        assert_eq!(
            said(
                &[("done", "disabled"), ("user", "7")],
                quinn(Role::Agent, false)
            ),
            None
        );
        assert_eq!(
            said(
                &[("done", "disabled"), ("user", "8")],
                quinn(Role::Agent, true)
            ),
            None
        );
        assert_eq!(
            said(
                &[("done", "role"), ("user", "7"), ("from", "<b>")],
                quinn(Role::Admin, false)
            ),
            None
        );
    }
}
