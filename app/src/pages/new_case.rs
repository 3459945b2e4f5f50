//! The new-case form, with a preview of the description and files to attach.
//!
//! A plain multipart form posting to `create_case`, so it works without
//! JavaScript (a refused form comes back with its error and what was typed);
//! once hydrated it sends the same form itself, shows the chosen files first,
//! and shows errors without leaving the page.
use super::cases::MARKDOWN_HINT;
use crate::api::cases::{case_options, create_case, preview_markdown, CreateCase};
use crate::api::orders::about_item;
use crate::components::attachments::{AttachmentInput, UploadAction};
use crate::components::business::LinkedItemCard;
use crate::components::deflection::{form_text, Deflection, SuggestedArticles};
use crate::components::form::{field_error, Field, FormError, Select, TextArea};
use crate::components::panels::ErrorPanel;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::attachments::{ChosenFile, FIELD};
use rapport_types::Priority;

#[component]
pub fn NewCasePage() -> impl IntoView {
    let create = UploadAction::new(CreateCase::PATH, |data| create_case(data.into()));
    let error = create.error();
    let chosen = RwSignal::new(Vec::<ChosenFile>::new());
    let options = Resource::new(|| (), |_| case_options());
    let description = NodeRef::<leptos::html::Textarea>::new();
    let preview = Action::new(|text: &String| preview_markdown(text.clone()));
    // Without JavaScript, a refused form comes back with what was typed in the address.
    let query = use_query_map();
    let kept = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    // Without JavaScript, Preview sends the form back here by GET (`?preview=1`):
    // the page comes back with what was typed and the preview rendered.
    let asked_for_preview = query.read_untracked().get("preview").is_some();
    let files_dropped = query
        .read_untracked()
        .get_all(FIELD)
        .is_some_and(|names| names.iter().any(|name| !name.is_empty()));
    let sent_preview = Resource::new(
        move || asked_for_preview.then(|| kept("description")),
        |text| async move {
            match text {
                Some(text) => preview_markdown(text).await.map(Some),
                None => Ok(None),
            }
        },
    );
    // Opened from an order, invoice or delivery ("Open a case about this"): the
    // address says which, and the form carries it along.
    let about = kept("about");
    let about_kind = rapport_types::ItemRef::parse(&about).map(|item| item.kind);
    let linked = Resource::new(
        move || about.clone(),
        |about| async move {
            if about.is_empty() {
                Ok(None)
            } else {
                about_item(about).await.map(Some)
            }
        },
    );
    // Articles that may answer the question appear beside the form as it is typed.
    let deflection = Deflection::new();
    let on_input = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        if let Some(form) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        {
            let (subject, description) = form_text(&form);
            deflection.typed(subject, description);
        }
    };
    view! {
        <Title text="Open a new case"/>
        <h1>"Open a new case"</h1>
        {move || deflection.solved.get().map(|_| view! {
            <section class="panel alert-success" role="status">
                <h2>"Glad that helped"</h2>
                <p>"No case was opened. If the problem comes back, you can open one at any time."</p>
                <p><a href="/kb">"Back to the knowledge base"</a> " · " <a href="/cases">"Your cases"</a></p>
            </section>
        })}
        <div class="new-case-layout" class:hidden=move || deflection.solved.get().is_some()>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let options = match options.await {
                    Ok(o) => o,
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                // A case about an invoice starts in the billing category, one about an
                // order or delivery in orders and delivery, unless the customer chose.
                let category = Some(kept("category_id")).filter(|c| !c.is_empty()).or_else(|| {
                    let wanted = about_kind?.case_category();
                    options.categories.iter().find(|(_, name)| name == wanted).map(|(id, _)| id.to_string())
                }).unwrap_or_default();
                // No category is chosen for the customer: they are asked (a wrong
                // guess sends the case to the wrong people).
                let categories: Vec<(String, String)> = std::iter::once((String::new(), "Choose a category".to_string()))
                    .chain(options.categories.into_iter().map(|(id, name)| (id.to_string(), name)))
                    .collect();
                // An item that is gone or not the reader's: the form still works, without it.
                let (linked, link_lost) = match linked.await {
                    Ok(item) => (item, false),
                    Err(_) => (None, true),
                };
                let priorities: Vec<(String, String)> = Priority::FOR_CUSTOMERS
                    .iter()
                    .map(|p| (p.as_str().to_string(), p.label().to_string()))
                    .collect();
                let priority = Some(kept("priority")).filter(|p| !p.is_empty()).unwrap_or_else(|| "normal".into());
                // The preview asked for without JavaScript, until one is asked for with it.
                let sent_preview = sent_preview.await.transpose();
                let shown_preview = move || preview.value().get().or_else(|| sent_preview.clone());
                view! {
                    <form method="post" action=CreateCase::PATH enctype="multipart/form-data"
                        class="form panel" novalidate=true
                        on:submit=move |ev| create.submit(&ev, &chosen.get_untracked())
                        on:input=on_input>
                        <FormError error/>
                        {link_lost.then(|| view! {
                            <p class="alert alert-warn" role="status">
                                "The order, invoice or delivery you came from was not found, so this case will not be linked to it. You can still describe it below."
                            </p>
                        })}
                        {move || field_error(error, "about").get().map(|message| view! {
                            <p class="alert alert-error" role="alert">{message}</p>
                        })}
                        {linked.map(|item| view! {
                            <input type="hidden" name="about" value=item.about.clone()/>
                            <LinkedItemCard item heading="Your case is about"/>
                        })}
                        <Field label="Subject" name="subject" autocomplete="off" value=kept("subject")
                            hint="One line that says what is wrong, e.g. “Invoice 2024-118 shows the wrong VAT”."
                            error=field_error(error, "subject")/>
                        <div class="two-columns">
                            <Select label="Category" name="category_id" options=categories selected=category
                                error=field_error(error, "category_id")/>
                            <Select label="Priority" name="priority" options=priorities selected=priority
                                error=field_error(error, "priority")/>
                        </div>
                        <TextArea label="Description" name="description" rows=10 hint=MARKDOWN_HINT
                            value=kept("description") node_ref=description error=field_error(error, "description")/>
                        // Right under the text it shows, not below the suggestions.
                        {move || shown_preview().map(|result| match result {
                            Ok(html) => view! {
                                <section class="preview" aria-label="Preview">
                                    <h2>"Preview"</h2>
                                    <div class="prose" inner_html=html.as_str().to_string()></div>
                                    {files_dropped.then(|| view! {
                                        <p class="hint">"Choose your files again: a preview does not keep them."</p>
                                    })}
                                </section>
                            }.into_any(),
                            Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                        })}
                        <AttachmentInput error=field_error(error, FIELD) chosen/>
                        <div class="actions">
                            <button type="submit" class="button" disabled=move || create.pending().get()>
                                "Open case"
                            </button>
                            // Without JavaScript: the form, by GET, back to this page.
                            <button type="submit" class="button button-secondary"
                                formaction="/cases/new" formmethod="get"
                                formenctype="application/x-www-form-urlencoded" formnovalidate=true
                                name="preview" value="1"
                                on:click=move |ev| {
                                    ev.prevent_default();
                                    // Read the box itself: text typed before the page finished loading counts too.
                                    if let Some(text) = description.get_untracked() {
                                        preview.dispatch(text.value());
                                    }
                                }>
                                "Preview"
                            </button>
                        </div>
                        {move || create.pending().get().then(|| view! {
                            <p class="hint" role="status">"Sending your case and its files…"</p>
                        })}
                    </form>
                }
                .into_any()
            })}
        </Transition>
        <SuggestedArticles deflection/>
        </div>
    }
}
