//! The site's search boxes: plain GET forms to the search page, with article
//! titles suggested as you type once JavaScript is running. The header has a
//! small one on every page; the front page a large one.
use crate::api::search::search_suggestions;
use leptos::prelude::*;
use std::time::Duration;

/// Wait this long after the last key before asking for suggestions.
const TYPING_PAUSE: Duration = Duration::from_millis(250);

/// The header's search box.
#[component]
pub fn HeaderSearch() -> impl IntoView {
    view! {
        <SearchBox id="header-search" class="header-search" landmark="Search the site"
            label="Search help articles" show_label=false placeholder="Search help articles"
            button_class="button-secondary"/>
    }
}

/// A search form with suggestions. `id` names its parts (the input is
/// `{id}-q`), so that two boxes can share a page.
#[component]
pub fn SearchBox(
    id: &'static str,
    class: &'static str,
    /// The name of the search landmark: each on a page needs its own.
    landmark: &'static str,
    label: &'static str,
    /// Shown above the box; else read by screen readers only.
    show_label: bool,
    placeholder: &'static str,
    #[prop(optional)] button_class: &'static str,
) -> impl IntoView {
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
                // The box may be gone by now (a suggestion or a link was
                // followed): then its values are too, and nothing is asked.
                if typed.try_get_value() == Some(this) {
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
    let input_id = format!("{id}-q");
    let list_id = format!("{id}-suggestions");
    view! {
        <form class=class method="get" action="/search" role="search" aria-label=landmark on:keydown=on_keydown>
            <label for=input_id.clone() class:visually-hidden=!show_label>{label}</label>
            <div class="search-row">
                <input id=input_id name="q" type="search" placeholder=placeholder
                    autocomplete="off" on:input=on_input aria-controls=list_id.clone()/>
                <button type="submit" class=button_class>"Search"</button>
                <div id=list_id class="suggestions" aria-live="polite">
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
            </div>
        </form>
    }
}
