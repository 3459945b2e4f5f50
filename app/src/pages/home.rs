use crate::context::use_auth;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>"Support that answers, and customers who stay"</h1>
            <p class="lead">
                "Rapport is your self-service support portal: open and follow support cases, "
                "find answers in the knowledge base and training material, register for "
                "workshops, and see your orders, invoices and deliveries in one place."
            </p>
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
        <section class="cards" aria-label="What you can do">
            <article class="card">
                <h2>"Cases"</h2>
                <p>"Tell us what is wrong and follow every reply until it is solved."</p>
            </article>
            <article class="card">
                <h2>"Knowledge base"</h2>
                <p>"Answers and guides written by our support team and trainers."</p>
            </article>
            <article class="card">
                <h2>"Workshops"</h2>
                <p>"Learn with our trainers, online or on site."</p>
            </article>
            <article class="card">
                <h2>"Orders and invoices"</h2>
                <p>"Your organization's orders, invoices and deliveries beside your cases."</p>
            </article>
        </section>
    }
}
