//! The front page: search first, then where to go (cases, the knowledge
//! base, workshops, orders), popular articles, categories and the next workshops.
use super::kb::article_count;
use crate::api::kb::front_page;
use crate::components::panels::ErrorPanel;
use crate::components::search_box::SearchBox;
use crate::components::workshop_sessions::{places_text, SessionTime};
use crate::context::use_auth;
use leptos::prelude::*;
use leptos_meta::Title;
use rapport_types::views::kb::FrontPageData;

/// The four ways in: (address, heading, what it is for).
const WAYS_IN: [(&str, &str, &str); 4] = [
    (
        "/cases",
        "Cases",
        "Tell us what is wrong and follow every reply until it is solved.",
    ),
    (
        "/kb",
        "Knowledge base",
        "Answers and guides written by our support team and trainers.",
    ),
    (
        "/workshops",
        "Workshops",
        "Learn with our trainers, online or on site.",
    ),
    (
        "/orders",
        "Orders and invoices",
        "Your organization's orders, invoices and deliveries beside your cases.",
    ),
];

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    let page = Resource::new(crate::context::browser_zone_changes, |_| front_page());
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>"How can we help?"</h1>
            <p class="lead">
                "Search our answers, guides and workshops, or open a case and follow it "
                "until it is solved."
            </p>
            <SearchBox id="home-search" class="home-search" landmark="Search help"
                label="Search articles, guides and workshops" show_label=true
                placeholder="For example: reset password"/>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match auth.user.await.ok().flatten() {
                        Some(user) => view! {
                            <p class="actions">
                                <a class="button" href="/dashboard">"Go to your dashboard"</a>
                                <span class="muted">"Signed in as " {user.display_name}</span>
                            </p>
                        }
                        .into_any(),
                        None => view! {
                            <p class="actions">
                                <a class="button" href="/sign-in">"Sign in"</a>
                                <a class="button button-secondary" href="/register">"Create an account"</a>
                            </p>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
        // Each card is one link: its heading's link covers the whole card (CSS),
        // so a click anywhere on it goes there and the keyboard stops once.
        <section class="cards" aria-label="What you can do">
            {WAYS_IN.iter().map(|(href, heading, text)| view! {
                <article class="card card-link">
                    <h2><a href=*href>{*heading}</a></h2>
                    <p>{*text}</p>
                </article>
            }).collect_view()}
        </section>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <FrontPageLists page/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn FrontPageLists(page: FrontPageData) -> impl IntoView {
    let FrontPageData { kb, workshops } = page;
    view! {
        <div class="grid front-lists">
            <section class="card" aria-labelledby="popular-heading">
                <h2 id="popular-heading">"Popular articles"</h2>
                {if kb.popular.is_empty() {
                    view! { <p class="muted">"No articles are published yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {kb.popular.into_iter().map(|a| view! {
                                <li>
                                    <a href=format!("/kb/{}", a.slug)>{a.title}</a>
                                    <span class="muted small">" · " {a.kind.label()}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section class="card" aria-labelledby="categories-heading">
                <h2 id="categories-heading">"Browse by category"</h2>
                {if kb.categories.is_empty() {
                    view! { <p class="muted">"There are no articles yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {kb.categories.into_iter().map(|c| view! {
                                <li>
                                    <a href=format!("/kb/categories/{}", c.slug)>{c.name}</a>
                                    <span class="muted small">" · " {article_count(c.article_count)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <p><a href="/kb">"Browse the knowledge base"</a></p>
            </section>
            <section class="card" aria-labelledby="workshops-heading">
                <h2 id="workshops-heading">"Upcoming workshops"</h2>
                {if workshops.is_empty() {
                    view! { <p class="muted">"No workshops are planned right now."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {workshops.into_iter().map(|s| view! {
                                <li>
                                    <a href=format!("/kb/{}#sessions", s.workshop_slug)>{s.workshop_title.clone()}</a>
                                    <br/>
                                    <span class="small"><SessionTime session=s.clone()/></span>
                                    <span class="muted small">" · " {places_text(&s)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <p><a href="/workshops">"All workshops"</a></p>
            </section>
        </div>
    }
}
