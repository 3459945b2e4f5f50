//! Account › API tokens: tokens for other systems (the order system, a chat
//! or CRM tool), each with the scopes it needs. A token's secret is shown
//! once, right after it is made; the list shows only its first characters.

use crate::api::api_tokens::{api_tokens, CreateApiToken, RevokeApiToken};
use crate::components::form::{action_error, field_error, Field, FormError};
use crate::components::panels::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::views::api_tokens::{ApiTokenRow, ApiTokensPage as Tokens, CreatedApiToken};

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let page = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| api_tokens(),
    );
    view! {
        <Title text="API tokens"/>
        <h1>"API tokens"</h1>
        <p class="lead">
            "A token lets another system (your order system, a chat or CRM tool) use Rapport's "
            <a href="/developers/api">"REST API"</a>
            " as you, limited to what you tick. Keep it secret, like a password."
        </p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <TokensView page create revoke/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TokensView(
    page: Tokens,
    create: ServerAction<CreateApiToken>,
    revoke: ServerAction<RevokeApiToken>,
) -> impl IntoView {
    let query = use_query_map();
    let kept = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let revoked = query.read_untracked().get("revoked").is_some();
    let error = action_error(create);
    let revoke_error = action_error(revoke);
    let scopes_error = field_error(error, "scopes");
    let everyone = page.everyone;
    view! {
        {page.just_made.map(|token| view! { <JustMade token/> })}
        {revoked.then(|| view! { <p class="alert alert-success" role="status">"The token is revoked: it no longer works."</p> })}
        <section class="card" aria-labelledby="new-token-heading">
            <h2 id="new-token-heading">"Make a token"</h2>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <FormError error/>
                <Field label="Name" name="name" autocomplete="off" value=kept("name")
                    hint="The system that will use it, e.g. “Order system”."
                    error=field_error(error, "name")/>
                <fieldset class="field api-token-scopes" class:has-error=move || scopes_error.get().is_some()>
                    <legend>"What it may do"</legend>
                    {page.grantable.iter().map(|scope| {
                        let id = format!("scope-{}", scope.as_str().replace(':', "-"));
                        view! {
                            <div class="checkbox">
                                <input type="checkbox" id=id.clone() name="scopes[]" value=scope.as_str()/>
                                <label for=id>{scope.label()} " " <code>{scope.as_str()}</code></label>
                            </div>
                        }
                    }).collect_view()}
                    {move || scopes_error.get().map(|m| view! { <p class="field-error" id="field-scopes-error">{m}</p> })}
                </fieldset>
                <Field label="Expires on (optional)" name="expires_on" kind="date" required=false
                    value=kept("expires_on")
                    hint="Leave empty for a token that works until you revoke it."
                    error=field_error(error, "expires_on")/>
                <button type="submit" class="button">"Make the token"</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">{if everyone { "Everyone's tokens" } else { "Your tokens" }}</h2>
            <FormError error=revoke_error/>
            {if page.tokens.is_empty() {
                view! { <p class="muted">"No tokens yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" role="region" aria-labelledby="tokens-heading" tabindex="0">
                        <table class="table api-tokens">
                            <thead><tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Token"</th>
                                {everyone.then(|| view! { <th scope="col">"Owner"</th> })}
                                <th scope="col">"Scopes"</th>
                                <th scope="col">"Made"</th>
                                <th scope="col">"Last used"</th>
                                <th scope="col">"Expires"</th>
                                <th scope="col">"State"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {page.tokens.into_iter().map(|token| view! { <TokenRow token everyone revoke/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// The secret of the token just made, with a warning that it is shown once.
#[component]
fn JustMade(token: CreatedApiToken) -> impl IntoView {
    view! {
        <section class="alert alert-success api-token-new" id="new-token" role="status" aria-labelledby="just-made-heading">
            <h2 id="just-made-heading">{format!("Your new token “{}”", token.name)}</h2>
            <p>"Copy it now: this is the only time Rapport shows it."</p>
            <label for="new-token-secret">"Token"</label>
            <input id="new-token-secret" class="api-token-secret" type="text" readonly value=token.secret/>
            <p class="hint">"Send it as " <code>"Authorization: Bearer <token>"</code> "."</p>
        </section>
    }
}

#[component]
fn TokenRow(
    token: ApiTokenRow,
    everyone: bool,
    revoke: ServerAction<RevokeApiToken>,
) -> impl IntoView {
    let label = format!("Revoke the token {}", token.name);
    let scopes = token
        .scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let owner = token.owner.clone().unwrap_or_default();
    let organization = token.organization.clone();
    view! {
        <tr>
            <td>{token.name.clone()}{organization.map(|o| view! { <br/><span class="muted small">{format!("For {o}")}</span> })}</td>
            <td><code>{format!("{}…", token.prefix)}</code></td>
            {everyone.then(|| view! { <td>{owner}</td> })}
            <td>{scopes}</td>
            <td>{token.created.clone()}</td>
            <td>{token.last_used.clone().unwrap_or_else(|| "Never".into())}</td>
            <td>{token.expires.clone().unwrap_or_else(|| "Never".into())}</td>
            <td><span class=if token.active { "badge badge-ok" } else { "badge" }>{token.state.clone()}</span></td>
            <td>
                {token.active.then(|| view! {
                    <ActionForm action=revoke attr:class="inline-form">
                        <input type="hidden" name="token" value=token.id/>
                        <button type="submit" class="button button-secondary button-small" aria-label=label>"Revoke"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
