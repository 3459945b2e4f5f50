//! The reply form on the case page: a public reply, or for staff an internal
//! note, with the status the case takes when it is sent.

use super::cases::MARKDOWN_HINT;
use crate::api::cases::ReplyToCase;
use crate::components::form::{action_error, field_error, FormError, Select, TextArea};
use leptos::prelude::*;

#[component]
pub fn ReplyForm(
    reply: ServerAction<ReplyToCase>,
    number: String,
    version: i32,
    staff: bool,
) -> impl IntoView {
    let reply_error = action_error(reply);
    // After a reply is sent, empty the form (and untick "internal note") for the next one;
    // after a refused one, keep what was typed.
    let reply_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = reply.value().get() {
            if let Some(form) = reply_form.get() {
                form.reset();
            }
        }
    });
    view! {
        <section class="panel" aria-labelledby="reply-heading">
            <h2 id="reply-heading">{if staff { "Reply or add a note" } else { "Reply" }}</h2>
            <ActionForm action=reply node_ref=reply_form attr:class="form" attr:novalidate=true>
                <FormError error=reply_error/>
                <input type="hidden" name="number" value=number/>
                <input type="hidden" name="version" value=version/>
                <TextArea label="Message" name="body" rows=6 hint=MARKDOWN_HINT
                    error=field_error(reply_error, "body")/>
                {staff.then(|| view! {
                    <div class="field checkbox">
                        <input type="checkbox" id="field-internal" name="internal" value="on"/>
                        <label for="field-internal">"Internal note (only company staff see it)"</label>
                    </div>
                    <Select label="Status after sending" name="status"
                        options=vec![
                            ("".into(), "Keep as it is".into()),
                            ("open".into(), "Open".into()),
                            ("pending".into(), "Waiting for the customer".into()),
                            ("on_hold".into(), "On hold".into()),
                            ("solved".into(), "Solved".into()),
                        ]
                        error=field_error(reply_error, "status")/>
                })}
                <button type="submit" class="button">"Send"</button>
            </ActionForm>
        </section>
    }
}
