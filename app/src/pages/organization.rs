use crate::api::email_links::SendPasswordLink;
use crate::api::orders::SetOrderSharing;
use crate::api::organization::{
    organization_overview, CreateInvitation, RemoveMember, ResendInvitation, RevokeInvitation,
    SetMemberRole,
};
use crate::components::form::{
    action_error, field_error, row_error, sent_for, success_count, ConfirmBox, Field, FormError,
};
use crate::components::panels::{ErrorPanel, TableScroll};
use crate::context::use_auth;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use rapport_types::views::organization::{InvitationState, InvitationView, OrganizationDetails};
use rapport_types::views::PersonView;
use rapport_types::Role;

/// The page's actions on members and invitations, and whom each was last sent
/// for (so that its error is shown in that row only).
#[derive(Clone, Copy)]
struct RowActions {
    set_role: ServerAction<SetMemberRole>,
    role_sent_for: Signal<Option<i64>>,
    remove: ServerAction<RemoveMember>,
    remove_sent_for: Signal<Option<i64>>,
    send_password_link: ServerAction<SendPasswordLink>,
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
}

#[component]
pub fn OrganizationPage() -> impl IntoView {
    let auth = use_auth();
    let invite = ServerAction::<CreateInvitation>::new();
    let error = action_error(invite);
    let sharing = ServerAction::<SetOrderSharing>::new();
    let sharing_error = action_error(sharing);
    let (set_role, remove) = (ServerAction::new(), ServerAction::new());
    let actions = RowActions {
        set_role,
        role_sent_for: sent_for(set_role, |sent: &SetMemberRole| sent.user_id),
        remove,
        remove_sent_for: sent_for(remove, |sent: &RemoveMember| sent.user_id),
        send_password_link: ServerAction::new(),
        resend: ServerAction::new(),
        revoke: ServerAction::new(),
    };
    // Reload after a success only, so a refused form keeps what was chosen.
    let changes = [
        success_count(invite),
        success_count(sharing),
        success_count(actions.set_role),
        success_count(actions.remove),
        success_count(actions.resend),
        success_count(actions.revoke),
    ];
    let overview = Resource::new(
        move || {
            (
                changes.map(|c| c.get()),
                crate::context::browser_zone_changes(),
            )
        },
        |_| organization_overview(),
    );
    let query = use_query_map();
    let kept = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let invitation_error = Signal::derive(move || {
        action_error(actions.resend)
            .get()
            .or_else(|| action_error(actions.revoke).get())
    });
    let me = Signal::derive(move || auth.user.get().and_then(|u| u.ok().flatten()).map(|u| u.id));
    view! {
        <Title text="Your organization"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let address = query.get();
                Suspend::new(async move {
                match overview.await {
                    Ok(o) => {
                        let done = done_message(&address, &o);
                        view! {
                        <h1>{o.name.clone()}</h1>
                        {done.map(|message| view! { <p class="alert alert-success" role="status">{message}</p> })}
                        <section class="card" aria-labelledby="members-heading">
                            <h2 id="members-heading">"Members"</h2>
                            <p class="muted">"Customer admins see all of the organization's cases and orders, invite colleagues and manage members. A removed member can no longer sign in; their cases stay with the organization."</p>
                            <FormError error=action_error(actions.send_password_link)/>
                            <TableScroll label="Members">
                                <table class="table">
                                    <thead><tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"E-mail"</th>
                                        <th scope="col">"Last sign-in"</th>
                                        <th scope="col">"Role"</th>
                                        <th scope="col">"Access"</th>
                                    </tr></thead>
                                    <tbody>
                                        {o.members.into_iter().map(|person| view! {
                                            <MemberRow person me actions/>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </TableScroll>
                        </section>
                        <section class="card" aria-labelledby="invite-heading">
                            <h2 id="invite-heading">"Invite a colleague"</h2>
                            <p>
                                "We send your colleague an e-mail with a link to create their account. The link works once, only for that address, for 7 days. "
                                {format!("Open invitations: {}.", o.open_invitations)}
                            </p>
                            <ActionForm action=invite attr:class="form" attr:novalidate=true>
                                <FormError error/>
                                <Field label="Colleague's e-mail address" name="email" kind="email" autocomplete="off"
                                    value=kept("email") error=field_error(error, "email")/>
                                <button type="submit" class="button">"Send invitation"</button>
                            </ActionForm>
                        </section>
                        <section class="card" aria-labelledby="invitations-heading">
                            <h2 id="invitations-heading">"Invitations"</h2>
                            <FormError error=invitation_error/>
                            {move || field_error(invitation_error, "invitation").get().map(|m| view! {
                                <p class="alert alert-error" role="alert">{m}</p>
                            })}
                            {if o.invitations.is_empty() {
                                view! { <p class="muted">"No invitations yet."</p> }.into_any()
                            } else {
                                view! {
                                    <TableScroll label="Invitations">
                                        <table class="table">
                                            <thead><tr>
                                                <th scope="col">"E-mail"</th>
                                                <th scope="col">"Invited by"</th>
                                                <th scope="col">"Sent"</th>
                                                <th scope="col">"Expires"</th>
                                                <th scope="col">"State"</th>
                                                <th scope="col">"Actions"</th>
                                            </tr></thead>
                                            <tbody>
                                                {o.invitations.into_iter().map(|invitation| view! {
                                                    <InvitationRow invitation actions/>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </TableScroll>
                                }.into_any()
                            }}
                        </section>
                        <section class="card" aria-labelledby="sharing-heading">
                            <h2 id="sharing-heading">"Orders, invoices and deliveries"</h2>
                            <p>
                                {if o.members_see_all_orders {
                                    "Every member sees all of the organization's orders, invoices and deliveries."
                                } else {
                                    "Members see the orders they placed, with their invoices and deliveries. You see all of them."
                                }}
                            </p>
                            <ActionForm action=sharing attr:class="form">
                                <FormError error=sharing_error/>
                                <input type="hidden" name="share" value=if o.members_see_all_orders { "false" } else { "true" }/>
                                <button type="submit" class="button button-secondary">
                                    {if o.members_see_all_orders {
                                        "Show members only the orders they placed"
                                    } else {
                                        "Let every member see all orders"
                                    }}
                                </button>
                            </ActionForm>
                        </section>
                    }
                    .into_any()
                    }
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}}
        </Transition>
    }
}

/// What the address a form came back with says was done (see
/// `api::organization`), said only when the page's data agrees, so an
/// address cannot make the page claim what did not happen.
fn done_message(query: &ParamsMap, o: &OrganizationDetails) -> Option<String> {
    let email = query.get("to");
    let invitation = |state: InvitationState| {
        let email = email.clone()?;
        o.invitations
            .iter()
            .find(|i| i.email.eq_ignore_ascii_case(&email) && i.state == state)
            .map(|i| i.email.clone())
    };
    match query.get("done")?.as_str() {
        "invited" => invitation(InvitationState::Pending)
            .map(|e| format!("Invitation sent to {e}. The link in it works for 7 days.")),
        "resent" => invitation(InvitationState::Pending).map(|e| {
            format!(
                "Invitation sent again to {e}, with a new link. The earlier link no longer works."
            )
        }),
        "reset_link" => {
            let email = email?;
            let member = o
                .members
                .iter()
                .find(|m| m.email.eq_ignore_ascii_case(&email))?;
            Some(format!(
                "Sent {} a link to choose a new password ({}). It works for 30 minutes.",
                member.display_name, member.email
            ))
        }
        "revoked" => invitation(InvitationState::Revoked)
            .map(|e| format!("Invitation to {e} revoked. Its link no longer works.")),
        "removed" => {
            let email = email?;
            let member = o
                .members
                .iter()
                .find(|m| m.email.eq_ignore_ascii_case(&email) && m.disabled)?;
            Some(format!(
                "Removed {} ({}). They are signed out and can no longer sign in; their cases stay with the organization.",
                member.display_name, member.email
            ))
        }
        "role" => {
            let id: i64 = query.get("user")?.parse().ok()?;
            let member = o.members.iter().find(|m| m.id == id)?;
            Some(format!(
                "{} is now {}.",
                member.display_name,
                member.role.label().to_lowercase()
            ))
        }
        _ => None,
    }
}

#[component]
fn MemberRow(person: PersonView, me: Signal<Option<i64>>, actions: RowActions) -> impl IntoView {
    let is_me = me.get_untracked() == Some(person.id);
    let id = person.id;
    let role_error = row_error(action_error(actions.set_role), actions.role_sent_for, id);
    let remove_error = row_error(action_error(actions.remove), actions.remove_sent_for, id);
    let role_message = field_error(role_error, "role");
    let remove_message = field_error(remove_error, "member");
    let role_id = format!("member-role-{id}");
    let role_label = format!("Role of {}", person.display_name);
    let whom = person.display_name.clone();
    let whom_reset = person.display_name.clone();
    let options =
        [Role::Customer, Role::CustomerAdmin].map(|r| (r.as_str(), r.label(), r == person.role));
    view! {
        <tr class:row-disabled=person.disabled>
            <td>{person.display_name.clone()} {is_me.then_some(" (you)")}</td>
            <td>{person.email.clone()}</td>
            <td>{person.last_sign_in.clone().unwrap_or_else(|| "Never".into())}</td>
            <td>
                {if person.disabled {
                    view! { {person.role.label()} }.into_any()
                } else {
                    view! {
                        <ActionForm action=actions.set_role attr:class="inline-form row-form">
                            <input type="hidden" name="user_id" value=id/>
                            <label class="visually-hidden" for=role_id.clone()>{role_label}</label>
                            <select id=role_id name="role"
                                aria-invalid=move || role_message.get().is_some().then_some("true")>
                                {options.into_iter().map(|(value, label, selected)| view! {
                                    <option value=value selected=selected>{label}</option>
                                }).collect_view()}
                            </select>
                            <button type="submit" class="button button-small">"Change role"</button>
                            {move || role_message.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                        </ActionForm>
                    }.into_any()
                }}
            </td>
            <td>
                {if person.disabled {
                    view! { <span class="badge badge-warn">"Removed"</span> }.into_any()
                } else if is_me {
                    view! { <span class="muted">"Another admin can remove you"</span> }.into_any()
                } else {
                    view! {
                        <ActionForm action=actions.remove attr:class="inline-form row-form">
                            <input type="hidden" name="user_id" value=id/>
                            <ConfirmBox id=format!("confirm-remove-{id}") label="Yes, remove"
                                whom=whom error=remove_error/>
                            <button type="submit" class="button button-small button-secondary">"Remove"</button>
                            {move || remove_message.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                        </ActionForm>
                        // Nobody sets a colleague's password: they get a link to choose one.
                        <ActionForm action=actions.send_password_link attr:class="inline-form row-form">
                            <input type="hidden" name="user_id" value=id/>
                            <input type="hidden" name="back" value="/organization"/>
                            <button type="submit" class="button button-small button-secondary">
                                "Send reset link" <span class="visually-hidden">{format!(" to {whom_reset}")}</span>
                            </button>
                        </ActionForm>
                    }.into_any()
                }}
            </td>
        </tr>
    }
}

#[component]
fn InvitationRow(invitation: InvitationView, actions: RowActions) -> impl IntoView {
    let id = invitation.id;
    let state = invitation.state;
    let badge = match state {
        InvitationState::Pending => "badge",
        InvitationState::Accepted => "badge badge-ok",
        InvitationState::Expired | InvitationState::Revoked => "badge badge-warn",
    };
    let email = invitation.email.clone();
    view! {
        <tr>
            <td>{invitation.email.clone()}</td>
            <td>{invitation.invited_by}</td>
            <td>{invitation.sent}</td>
            <td>{invitation.expires}</td>
            <td><span class=badge>{state.label()}</span></td>
            <td>
                {state.can_resend().then(|| view! {
                    <ActionForm action=actions.resend attr:class="inline-form row-form">
                        <input type="hidden" name="invitation_id" value=id/>
                        <button type="submit" class="button button-small"
                            aria-label=format!("Send again to {email}")>"Send again"</button>
                    </ActionForm>
                })}
                {state.can_revoke().then(|| view! {
                    <ActionForm action=actions.revoke attr:class="inline-form row-form">
                        <input type="hidden" name="invitation_id" value=id/>
                        <button type="submit" class="button button-small button-secondary"
                            aria-label=format!("Revoke the invitation to {}", invitation.email)>"Revoke"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
