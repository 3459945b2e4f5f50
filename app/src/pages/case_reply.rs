//! The reply form on the case page: a public reply, or for staff an internal
//! note, with the status the case takes when it is sent, and files to attach.
//!
//! A plain multipart form posting to `reply_to_case`, so it works without
//! JavaScript; once hydrated it sends the same form itself (see `UploadAction`).
use super::cases::MARKDOWN_HINT;
use crate::api::cases::{reply_to_case, ReplyToCase};
use crate::components::attachments::{AttachmentInput, UploadAction};
use crate::components::form::{field_error, FormError, Select, TextArea};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use rapport_types::attachments::{ChosenFile, FIELD};

/// The action behind the reply form. The case page makes it (so it outlives
/// the page's reloads) and reloads the case on `succeeded()`.
pub fn reply_action() -> UploadAction {
    UploadAction::new(ReplyToCase::PATH, |data| reply_to_case(data.into()))
}

#[component]
pub fn ReplyForm(
    reply: UploadAction,
    number: String,
    /// The version of the case the reply answers; it follows live refreshes,
    /// since the thread shown above the form does too.
    #[prop(into)]
    version: Signal<i32>,
    staff: bool,
    /// The text the message box starts with (a canned reply, say).
    #[prop(optional, into)]
    initial_body: String,
    /// The message box, for the page to insert text into (a canned reply, say).
    #[prop(optional)]
    body_ref: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let reply_error = reply.error();
    let chosen = RwSignal::new(Vec::<ChosenFile>::new());
    // Without JavaScript, a refused reply comes back with its text in the address.
    let query = use_query_map();
    let body = query
        .read_untracked()
        .get("body")
        .filter(|b| !b.is_empty())
        .unwrap_or(initial_body);
    // After a reply is sent, empty the form (and untick "internal note") for the next one;
    // after a refused one, keep what was typed (and the chosen files).
    let reply_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if reply.sent().get() {
            if let Some(form) = reply_form.get() {
                form.reset();
            }
            chosen.set(Vec::new());
        }
    });
    view! {
        <section class="panel" aria-labelledby="reply-heading">
            <h2 id="reply-heading">{if staff { "Reply or add a note" } else { "Reply" }}</h2>
            <form method="post" action=ReplyToCase::PATH enctype="multipart/form-data"
                class="form" novalidate=true node_ref=reply_form
                on:submit=move |ev| reply.submit(&ev, &chosen.get_untracked())>
                <FormError error=reply_error/>
                <input type="hidden" name="number" value=number/>
                <input type="hidden" name="version" value=move || version.get()/>
                <TextArea label="Message" name="body" rows=6 hint=MARKDOWN_HINT value=body
                    error=field_error(reply_error, "body") node_ref=body_ref/>
                {staff.then(|| view! {
                    <div class="field checkbox">
                        <input type="checkbox" id="field-internal" name="internal" value="on"/>
                        <label for="field-internal">"Internal note (only company staff see it)"</label>
                    </div>
                    <Select label="Status after sending" name="status" id="reply-status"
                        options=vec![
                            ("".into(), "Keep as it is".into()),
                            ("open".into(), "Open".into()),
                            ("pending".into(), "Waiting for the customer".into()),
                            ("on_hold".into(), "On hold".into()),
                            ("solved".into(), "Solved".into()),
                        ]
                        error=field_error(reply_error, "status")/>
                })}
                <AttachmentInput error=field_error(reply_error, FIELD) chosen/>
                <button type="submit" class="button" disabled=move || reply.pending().get()>"Send"</button>
                {move || reply.pending().get().then(|| view! {
                    <p class="hint" role="status">"Sending…"</p>
                })}
            </form>
        </section>
    }
}
