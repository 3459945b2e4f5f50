//! The new-case form, with a preview of the description.

use super::cases::MARKDOWN_HINT;
use crate::api::cases::{case_options, preview_markdown, CreateCase};
use crate::components::form::{action_error, field_error, Field, FormError, Select, TextArea};
use crate::components::panels::ErrorPanel;
use crate::domain::Priority;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewCasePage() -> impl IntoView {
    let create = ServerAction::<CreateCase>::new();
    let error = action_error(create);
    let options = Resource::new(|| (), |_| case_options());
    let description = NodeRef::<leptos::html::Textarea>::new();
    let preview = Action::new(|text: &String| preview_markdown(text.clone()));
    view! {
        <Title text="Open a new case"/>
        <h1>"Open a new case"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let options = match options.await {
                    Ok(o) => o,
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                let categories: Vec<(String, String)> =
                    options.categories.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
                let priorities: Vec<(String, String)> = Priority::FOR_CUSTOMERS
                    .iter()
                    .map(|p| (p.as_str().to_string(), p.label().to_string()))
                    .collect();
                view! {
                    <ActionForm action=create attr:class="form panel" attr:novalidate=true>
                        <FormError error/>
                        <Field label="Subject" name="subject" autocomplete="off"
                            hint="One line that says what is wrong, e.g. “Invoice 2024-118 shows the wrong VAT”."
                            error=field_error(error, "subject")/>
                        <div class="two-columns">
                            <Select label="Category" name="category_id" options=categories
                                error=field_error(error, "category_id")/>
                            <Select label="Priority" name="priority" options=priorities selected="normal".to_string()
                                error=field_error(error, "priority")/>
                        </div>
                        <TextArea label="Description" name="description" rows=10 hint=MARKDOWN_HINT
                            node_ref=description error=field_error(error, "description")/>
                        <div class="actions">
                            <button type="submit" class="button">"Open case"</button>
                            <button type="button" class="button button-secondary"
                                on:click=move |_| {
                                    // Read the box itself: text typed before the page finished loading counts too.
                                    if let Some(text) = description.get_untracked() {
                                        preview.dispatch(text.value());
                                    }
                                }>
                                "Preview"
                            </button>
                        </div>
                    </ActionForm>
                }
                .into_any()
            })}
        </Transition>
        {move || preview.value().get().map(|result| match result {
            Ok(html) => view! {
                <section class="panel preview" aria-label="Preview">
                    <h2>"Preview"</h2>
                    <div class="prose" inner_html=html.as_str().to_string()></div>
                </section>
            }.into_any(),
            Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
        })}
    }
}
