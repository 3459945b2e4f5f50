//! Form fields with labels and error messages, and reading errors from actions.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// The error of an action's last run, if it failed.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|result| result.err()))
}

/// A property value (`prop:value`, `prop:checked`) that hydration leaves as
/// the page has it; drawn or redrawn in the browser, it is set as usual.
///
/// Hydration sets properties (they are not in the server's HTML), so a plain
/// `prop:value=move || signal.get()` puts the signal's value back over what
/// the reader chose or typed while the page was still loading: a status
/// picked then was silently sent as "Keep as it is". The HTML attribute
/// gives such a field its first value; later changes of the signal (Back,
/// Forward, a redraw) still set it:
/// `prop:value=move || NotSetAtHydration(selected.get())`.
#[derive(Debug, Clone)]
pub struct NotSetAtHydration<T>(pub T);

impl<T> leptos::tachys::html::property::IntoProperty for NotSetAtHydration<T>
where
    T: leptos::tachys::html::property::IntoProperty<
            State = (
                leptos::tachys::renderer::types::Element,
                wasm_bindgen::JsValue,
            ),
        > + Into<wasm_bindgen::JsValue>
        + Clone
        + 'static,
{
    type State = T::State;
    type Cloneable = Self;
    type CloneableOwned = Self;

    fn hydrate<const FROM_SERVER: bool>(
        self,
        el: &leptos::tachys::renderer::types::Element,
        _key: &str,
    ) -> Self::State {
        (el.clone(), self.0.into())
    }

    fn build(self, el: &leptos::tachys::renderer::types::Element, key: &str) -> Self::State {
        self.0.build(el, key)
    }

    fn rebuild(self, state: &mut Self::State, key: &str) {
        self.0.rebuild(state, key);
    }

    fn into_cloneable(self) -> Self {
        self
    }

    fn into_cloneable_owned(self) -> Self {
        self
    }
}

/// The message for one field from an action's error.
pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.message_for(field)))
}

/// The element ids of one form field: the control, its hint and its error message.
struct FieldIds {
    id: String,
    hint_id: String,
    error_id: String,
}

impl FieldIds {
    fn new(name: &str) -> FieldIds {
        let id = format!("field-{name}");
        FieldIds {
            hint_id: format!("{id}-hint"),
            error_id: format!("{id}-error"),
            id,
        }
    }
}

/// `aria-describedby` for a control: its hint, and its error while there is one.
fn described_by(
    hint_id: &str,
    error_id: &str,
    has_hint: bool,
    error: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    let (hint_id, error_id) = (hint_id.to_string(), error_id.to_string());
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(hint_id.clone());
        }
        if error.get().is_some() {
            ids.push(error_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A labelled input with its error message below it.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = true)] required: bool,
    /// The id of a `<datalist>` of suggestions.
    #[prop(optional)]
    list: Option<String>,
    /// Shown and sent, but not editable (an address an invitation is for).
    #[prop(optional)]
    readonly: bool,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let FieldIds {
        id,
        hint_id,
        error_id,
    } = FieldIds::new(name);
    let (error, edited) = until_edited(error);
    let described_by = described_by(&hint_id, &error_id, hint.is_some(), error);
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                on:input=move |_| edited.set(true)
                id=id
                name=name
                type=kind
                value=value
                required=required
                autocomplete=autocomplete
                list=list
                readonly=readonly
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            {move || {
                error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })
            }}
        </div>
    }
}

/// An error that is not about one field (rate limit, server trouble), announced to screen readers.
/// A field's error as shown: it goes once the person changes the field (the
/// message was about what was there before), and comes back with the next
/// answer that names the field. Returns the shown error and the "edited" flag
/// for the field's input handler.
fn until_edited(error: Signal<Option<String>>) -> (Signal<Option<String>>, RwSignal<bool>) {
    let edited = RwSignal::new(false);
    Effect::new(move |_| {
        error.track();
        edited.set(false);
    });
    let shown = Signal::derive(move || error.get().filter(|_| !edited.get()));
    (shown, edited)
}

#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| e.field().is_none())
            .map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })
    }
}

/// The starting text of a `<textarea>`. Leptos writes a textarea's children
/// into the server's HTML unescaped, so a value containing "</textarea>" would
/// end the element and put the rest into the page: escape it there. In the
/// browser the text becomes a text node as it is, so nothing is escaped.
fn textarea_text(value: String) -> String {
    if cfg!(feature = "ssr") {
        value.replace('&', "&amp;").replace('<', "&lt;")
    } else {
        value
    }
}

/// A labelled multi-line text box with its error message below it.
#[component]
pub fn TextArea(
    label: &'static str,
    name: &'static str,
    #[prop(default = 8)] rows: u32,
    #[prop(default = 50_000)] max_chars: u32,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(into)] error: Signal<Option<String>>,
    /// Lets the page read the text as typed (for a preview).
    #[prop(optional)]
    node_ref: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let FieldIds {
        id,
        hint_id,
        error_id,
    } = FieldIds::new(name);
    let (error, edited) = until_edited(error);
    let described_by = described_by(&hint_id, &error_id, hint.is_some(), error);
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <textarea
                on:input=move |_| edited.set(true)
                id=id
                name=name
                rows=rows
                maxlength=max_chars
                required=true
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                node_ref=node_ref
            >
                {textarea_text(value.unwrap_or_default())}
            </textarea>
            {move || {
                error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })
            }}
        </div>
    }
}

/// A labelled box for a time zone name that suggests every IANA zone as one
/// types (a `<datalist>`: the browser filters it, with or without JavaScript;
/// "zurich" finds Europe/Zurich). The server checks the name and names the
/// field when it does not know it.
#[component]
pub fn TimeZoneField(
    label: &'static str,
    name: &'static str,
    /// The zones to suggest (`api::account::time_zone_names`).
    zones: Vec<String>,
    hint: &'static str,
    /// What the box starts with: the saved zone, or what was typed.
    value: String,
    #[prop(default = true)] required: bool,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let list_id = format!("field-{name}-zones");
    view! {
        <Field label name hint value required autocomplete="off" list=list_id.clone() error/>
        <datalist id=list_id>
            {zones.into_iter().map(|zone| view! { <option value=zone></option> }).collect_view()}
        </datalist>
    }
}

/// A labelled drop-down list. `options` are (value, label) pairs.
#[component]
pub fn Select(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    /// The chosen value; a signal keeps the box in step with the address
    /// (Back, Forward) after the page has loaded.
    #[prop(optional, into)]
    selected: Signal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    /// The element id, when two forms on one page have a field of this name
    /// (else `field-<name>`, and the second label would name the first box).
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let id = id.map_or_else(|| format!("field-{name}"), str::to_string);
    let error_id = format!("{id}-error");
    let (error, edited) = until_edited(error);
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            // No browser restoring an old choice on Back: the box shows the
            // address or the saved value, and what differs from that when
            // the page becomes interactive was chosen by the reader (see
            // `NotSetAtHydration`).
            <select id=id name=name autocomplete="off" on:change=move |_| edited.set(true)
                prop:value=move || NotSetAtHydration(selected.get())
                aria-invalid=move || error.get().is_some().then_some("true")>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let is_selected = value == selected.get_untracked();
                        view! { <option value=value selected=is_selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            {move || {
                error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })
            }}
        </div>
    }
}

/// How many times `action` has succeeded. Pages reload their data on this
/// rather than on every attempt, so a refused form keeps what was typed.
pub fn success_count<S>(action: ServerAction<S>) -> ReadSignal<usize>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let (count, set_count) = signal(0usize);
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            set_count.update(|n| *n += 1);
        }
    });
    count
}

/// The user a row's action was last sent for: with JavaScript the one just
/// sent; without, the one the address names after a refusal (`user`).
pub fn sent_for<S>(action: ServerAction<S>, user_of: fn(&S) -> i64) -> Signal<Option<i64>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let query = use_query_map();
    // The action forgets its input once answered: keep the user it was for.
    let sent = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(input) = action.input().get() {
            sent.set(Some(user_of(&input)));
        }
    });
    Signal::derive(move || {
        sent.get()
            .or_else(|| query.read().get("user").and_then(|id| id.parse().ok()))
    })
}

/// An action's error when it was sent for `user_id`.
pub fn row_error(
    error: Signal<Option<AppError>>,
    sent_for: Signal<Option<i64>>,
    user_id: i64,
) -> Signal<Option<AppError>> {
    Signal::derive(move || error.get().filter(|_| sent_for.get() == Some(user_id)))
}

/// The box to tick before an action that cannot be taken back lightly, as on
/// the case merge form; its error is shown beside it.
#[component]
pub fn ConfirmBox(
    id: String,
    /// What the box says, e.g. "Yes, disable".
    label: &'static str,
    /// Said to screen readers after the label: whom it is about.
    whom: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = field_error(error, "confirm");
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <span class="checkbox" class:has-error=move || message.get().is_some()>
            <input type="checkbox" id=id.clone() name="confirm" value="on"
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=move || message.get().is_some().then(|| described.clone())/>
            <label for=id>{label} <span class="visually-hidden">{format!(" {whom}")}</span></label>
        </span>
        {move || message.get().map(|m| view! { <p class="field-error" id=error_id.clone() role="alert">{m}</p> })}
    }
}
