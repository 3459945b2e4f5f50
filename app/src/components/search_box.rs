//! The header's search box: a plain GET form to the search page, with article
//! titles suggested as you type once JavaScript is running.
use crate::api::search::search_suggestions;
use leptos::prelude::*;
use std::time::Duration;

/// Wait this long after the last key before asking for suggestions.
const TYPING_PAUSE: Duration = Duration::from_millis(250);

#[component]
pub fn HeaderSearch() -> impl IntoView {
    let suggest = Action::new(|text: &String| search_suggestions(text.clone()));
    let open = RwSignal::new(false);
    // Only the last keystroke's timer may ask: earlier ones see a newer number.
    let typed = StoredValue::new(0u64);
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        typed.update_value(|n| *n += 1);
        let this = typed.get_value();
        if text.trim().chars().count() < 2 {
            open.set(false);
            return;
        }
        set_timeout(
            move || {
                if typed.get_value() == this {
                    open.set(true);
                    suggest.dispatch(text);
                }
            },
            TYPING_PAUSE,
        );
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    };
    let suggestions = move || {
        suggest
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|list| open.get() && !list.is_empty())
    };
    view! {
        <form class="header-search" method="get" action="/search" role="search" aria-label="Search the site" on:keydown=on_keydown>
            <label for="header-search-q" class="visually-hidden">"Search help articles"</label>
            <input id="header-search-q" name="q" type="search" placeholder="Search help articles"
                autocomplete="off" on:input=on_input aria-controls="header-suggestions"/>
            <button type="submit" class="button-secondary">"Search"</button>
            <div id="header-suggestions" class="suggestions" aria-live="polite">
                {move || suggestions().map(|list| view! {
                    <ul aria-label="Suggested articles">
                        {list.into_iter().map(|s| view! {
                            <li>
                                <a href=format!("/kb/{}", s.slug)>{s.title}</a>
                                <span class="muted small">" · " {s.kind.label()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            </div>
        </form>
    }
}
