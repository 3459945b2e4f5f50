//! Articles suggested beside the new-case form while the customer types: if
//! one answers the question, "This solved my problem" ends the flow without a
//! case (a deflected case, counted for the trainers).
use crate::api::search::{case_suggestions, DeflectCase};
use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::search::SuggestedForCase;
use std::time::Duration;

/// Wait this long after the last key before looking for articles.
const TYPING_PAUSE: Duration = Duration::from_millis(400);

/// What the new-case form needs to drive the suggestions.
#[derive(Clone, Copy)]
pub struct Deflection {
    suggest: Action<(String, String), Result<SuggestedForCase, AppError>>,
    typed: StoredValue<u64>,
    /// The subject the shown suggestions were found for.
    subject: RwSignal<String>,
    /// Set once an article solved the problem: its title.
    pub solved: RwSignal<Option<String>>,
}

impl Default for Deflection {
    fn default() -> Self {
        Deflection::new()
    }
}

impl Deflection {
    pub fn new() -> Deflection {
        Deflection {
            suggest: Action::new(|(subject, description): &(String, String)| {
                case_suggestions(subject.clone(), description.clone())
            }),
            typed: StoredValue::new(0),
            subject: RwSignal::new(String::new()),
            solved: RwSignal::new(None),
        }
    }

    /// Call on every change of the form: looks again after a pause in typing.
    pub fn typed(self, subject: String, description: String) {
        self.typed.update_value(|n| *n += 1);
        let this = self.typed.get_value();
        set_timeout(
            move || {
                // The page may be gone by now (the case was sent): then the
                // pause ends in nothing rather than in a disposed value.
                let (Some(latest), Some(looked_for)) =
                    (self.typed.try_get_value(), self.subject.try_get_untracked())
                else {
                    return;
                };
                if latest == this && subject.trim() != looked_for {
                    self.subject.set(subject.trim().to_string());
                    self.suggest.dispatch((subject, description));
                }
            },
            TYPING_PAUSE,
        );
    }
}

/// The subject and description currently in `form`.
pub fn form_text(form: &web_sys::HtmlFormElement) -> (String, String) {
    let data = web_sys::FormData::new_with_form(form).ok();
    let field = |name: &str| {
        data.as_ref()
            .and_then(|d| d.get(name).as_string())
            .unwrap_or_default()
    };
    (field("subject"), field("description"))
}

#[component]
pub fn SuggestedArticles(deflection: Deflection) -> impl IntoView {
    let deflect = ServerAction::<DeflectCase>::new();
    let hits = move || {
        deflection
            .suggest
            .value()
            .get()
            .and_then(Result::ok)
            .map(|s| s.hits)
            .filter(|hits| !hits.is_empty())
    };
    // When the server has counted it, the page says so instead of showing the form.
    Effect::new(move |_| {
        if let Some(Ok(())) = deflect.value().get() {
            let title = deflect.input().get_untracked().map(|i| i.slug);
            deflection.solved.set(title.or(Some(String::new())));
        }
    });
    view! {
        <aside class="panel suggestions-panel" aria-live="polite" aria-labelledby="suggested-title">
            <h2 id="suggested-title">"Answers that may help"</h2>
            {move || match hits() {
                None => view! {
                    <p class="muted">"As you type the subject, articles that may answer your question appear here."</p>
                }.into_any(),
                Some(hits) => view! {
                    <ul class="suggested-articles">
                        {hits.into_iter().map(|hit| {
                            let subject = deflection.subject.get_untracked();
                            view! {
                                <li>
                                    <a class="article-link" href=format!("/kb/{}", hit.slug) target="_blank" rel="noopener">
                                        {hit.title} <span class="visually-hidden">" (opens in a new tab)"</span>
                                    </a>
                                    <p class="snippet small" inner_html=hit.snippet.as_str().to_string()></p>
                                    <ActionForm action=deflect attr:class="inline-form">
                                        <input type="hidden" name="slug" value=hit.slug.clone()/>
                                        <input type="hidden" name="query" value=subject/>
                                        <button type="submit" class="button-secondary">"This solved my problem"</button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </aside>
    }
}
