//! The article editor (`/write/new`, `/write/:id`).
//!
//! A plain form posting to `save_article`, so it works without JavaScript: a
//! refused form comes back with its error and everything typed (in the
//! address), and the saved text is shown rendered beside it. Once hydrated,
//! the preview follows the typing (rendered by the server, 400 ms after the
//! last key). The form carries the revision it was loaded from, so a save
//! made after someone else's is refused instead of overwriting it.

use super::writing_preview::RenderedArticle;
use crate::api::writing::{article_editor, preview_article, ChangeArticleState, SaveArticle};
use crate::components::form::{
    action_error, field_error, success_count, Field, FormError, Select, TextArea,
};
use crate::components::panels::{title_text, ErrorPanel};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use rapport_types::views::writing::{ArticleHead, ArticlePreview, Done, EditorData};
use rapport_types::{ArticleKind, ArticleState, Audience};
use std::time::Duration;

/// How long after the last key press the preview is rendered again.
const PREVIEW_DELAY: Duration = Duration::from_millis(400);

/// The editor's fields, in the order the form has them.
const FIELDS: [&str; 8] = [
    "kind", "title", "summary", "category", "tags", "audience", "body", "note",
];

#[component]
pub fn WritingEditorPage() -> impl IntoView {
    let params = use_params_map();
    // None: /write/new. Some(Err): an address that names no article.
    let id = move || {
        params
            .read()
            .get("id")
            .map(|id| id.parse::<i64>().map_err(|_| AppError::NotFound))
    };
    let save = ServerAction::<SaveArticle>::new();
    let change = ServerAction::<ChangeArticleState>::new();
    let (saved, changed) = (success_count(save), success_count(change));
    // Reloaded after a success only: a refused form keeps what was typed.
    let data = Resource::new(
        move || (id(), saved.get(), changed.get()),
        |(id, _, _)| async move {
            match id {
                None => article_editor(None).await,
                Some(id) => article_editor(Some(id?)).await,
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Editor d save change/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What the form starts with: the saved content, or, when a form posted
/// without JavaScript was refused, what was typed (carried in the address).
/// A new article may be started from the address too (`?title=` from the
/// insights page).
fn starting_values(d: &EditorData, query: &leptos_router::params::ParamsMap) -> Vec<String> {
    let came_back = query.get("__path").as_deref() == Some(SaveArticle::PATH);
    let saved = &d.content;
    FIELDS
        .iter()
        .map(|name| {
            let typed = query.get(name);
            if came_back {
                return typed.unwrap_or_default();
            }
            let stored = match *name {
                "kind" => saved.kind.clone(),
                "title" => saved.title.clone(),
                "summary" => saved.summary.clone(),
                "category" => saved.category.clone(),
                "tags" => saved.tags.clone(),
                "audience" => saved.audience.clone(),
                "body" => saved.body.clone(),
                _ => String::new(),
            };
            match typed {
                Some(typed) if d.article.is_none() => typed,
                _ => stored,
            }
        })
        .collect()
}

#[component]
fn Editor(
    d: EditorData,
    save: ServerAction<SaveArticle>,
    change: ServerAction<ChangeArticleState>,
) -> impl IntoView {
    let query = use_query_map();
    let error = action_error(save);
    let change_error = action_error(change);
    let values = starting_values(&d, &query.read_untracked());
    let [kind, title, summary, category, tags, audience, body, note]: [String; 8] =
        values.try_into().unwrap_or_default();
    // The kept `based_on` of a refused form is the one it was loaded with.
    let came_back = query.read_untracked().get("__path").as_deref() == Some(SaveArticle::PATH);
    let based_on = match (&d.article, came_back) {
        (_, true) => query.read_untracked().get("based_on").unwrap_or_default(),
        (Some(head), false) => head.latest_revision_id.to_string(),
        (None, false) => String::new(),
    };
    let head = d.article.clone();
    let heading = head
        .as_ref()
        .map(|h| h.title.clone())
        .unwrap_or_else(|| "New article".into());
    let done = {
        let head = head.clone();
        move || {
            // A later refusal replaces the message of the earlier success.
            if error.get().is_some() || change_error.get().is_some() {
                return None;
            }
            let done = query.read().get("done").and_then(|d| Done::parse(&d))?;
            head.as_ref().map(|h| done.message(h))
        }
    };
    let kinds: Vec<(String, String)> = ArticleKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label().to_string()))
        .collect();
    let audiences: Vec<(String, String)> = Audience::ALL
        .iter()
        .map(|a| (a.as_str().to_string(), a.label().to_string()))
        .collect();
    let mut categories: Vec<(String, String)> = vec![(String::new(), "Choose a category".into())];
    categories.extend(
        d.categories
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone())),
    );
    let state = head
        .as_ref()
        .map(|h| h.state)
        .unwrap_or(ArticleState::Draft);
    let article_id = head.as_ref().map(|h| h.id);
    let id_value = article_id.map(|id| id.to_string()).unwrap_or_default();
    let saved_preview = d.preview.clone();
    // With JavaScript a refused save does not reload the page, and the
    // message may be far above the buttons: bring the first problem into view.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if error.get().is_some() {
            request_animation_frame(move || show_first_problem(form_ref));
        }
    });
    // The saved kind: a workshop has sessions (planned on their own page).
    let workshop = head.is_some() && d.content.kind == ArticleKind::Workshop.as_str();
    let slug_line = match &head {
        Some(h) => view! {
            "Address: " <code>{format!("/kb/{}", h.slug)}</code> " (it stays the same when the title changes)"
        }
        .into_any(),
        None => view! { "The address is made from the title when you first save." }.into_any(),
    };
    view! {
        <Title text=title_text(&heading)/>
        <p class="breadcrumbs"><a href="/write">"Articles"</a> " › " {heading.clone()}</p>
        <h1>{heading}</h1>
        {head.clone().map(|h| view! { <ArticleStatus h workshop/> })}
        {move || done().map(|message| view! { <p class="alert alert-success" role="status">{message}</p> })}
        <ActionForm action=save node_ref=form_ref attr:class="form panel editor-form" attr:novalidate=true attr:aria-label="Article">
            <FormError error/>
            <ConflictHelp error id=article_id/>
            <input type="hidden" name="id" value=id_value/>
            <input type="hidden" name="based_on" value=based_on/>
            <div class="two-columns">
                <Select label="Kind" name="kind" options=kinds selected=kind error=field_error(error, "kind")/>
                <Select label="Who may read it" name="audience" options=audiences selected=audience
                    error=field_error(error, "audience")/>
            </div>
            <Field label="Title" name="title" value=title autocomplete="off"
                hint="What the reader wants to do or know, e.g. “Reset your password”."
                error=field_error(error, "title")/>
            <p class="hint slug-line">{slug_line}</p>
            <Field label="Summary" name="summary" value=summary required=false autocomplete="off"
                hint="One or two sentences, shown in search results (up to 300 characters)."
                error=field_error(error, "summary")/>
            <div class="two-columns">
                <Select label="Category" name="category" options=categories selected=category
                    error=field_error(error, "category")/>
                <Field label="Tags" name="tags" value=tags required=false autocomplete="off"
                    hint="Comma separated, e.g. password, sign-in"
                    error=field_error(error, "tags")/>
            </div>
            <BodyWithPreview body saved_preview error/>
            <Field label="What changed (optional)" name="note" value=note required=false autocomplete="off"
                hint="A note for the history, e.g. “Added the steps for phones”."
                error=field_error(error, "note")/>
            <EditorButtons state pending=save.pending()/>
        </ActionForm>
        {head.map(|h| view! { <ArchivePanel h change error=change_error/> })}
    }
}

/// Focus the first field with a mistake, or scroll to the form's message.
fn show_first_problem(form: NodeRef<leptos::html::Form>) {
    use wasm_bindgen::JsCast;
    let Some(form) = form.get_untracked() else {
        return;
    };
    if let Ok(Some(field)) = form.query_selector("[aria-invalid=\"true\"]") {
        if let Ok(field) = field.dyn_into::<web_sys::HtmlElement>() {
            let _ = field.focus();
            return;
        }
    }
    if let Ok(Some(message)) = form.query_selector(".alert-error") {
        message.scroll_into_view();
    }
}

/// Where the article stands, with links to its preview, history and page
/// (and a workshop's sessions).
#[component]
fn ArticleStatus(h: ArticleHead, workshop: bool) -> impl IntoView {
    let readers = match (h.live, h.published_number) {
        (true, Some(n)) if n == h.latest_number => "Readers see the latest revision.".to_string(),
        (true, Some(n)) => format!("Readers see revision {n}."),
        _ => "Readers do not see it.".to_string(),
    };
    view! {
        <div class="article-status">
            <span class=format!("article-state article-state-{}", h.state.as_str()) class:article-live=h.live>
                {h.state_label()}
            </span>
            <span>{format!("Revision {} saved {} by {}. ", h.latest_number, h.saved, h.saved_by)} {readers}</span>
            <span class="article-links">
                <a href=format!("/write/{}/preview", h.id)>"Preview"</a>
                <a href=format!("/write/{}/history", h.id)>"History"</a>
                {h.live.then(|| view! { <a href=format!("/kb/{}", h.slug)>"Published page"</a> })}
                {workshop.then(|| view! { <a href=format!("/write/{}/sessions", h.id)>"Sessions and registrations"</a> })}
            </span>
        </div>
    }
}

/// After a save refused because someone else saved first: where to see what they changed.
#[component]
fn ConflictHelp(error: Signal<Option<AppError>>, id: Option<i64>) -> impl IntoView {
    move || {
        let id = id?;
        matches!(error.get(), Some(AppError::Conflict(_))).then(|| {
            view! {
                <p class="alert alert-warn">
                    <a href=format!("/write/{id}/history") target="_blank">"Open the history in a new tab"</a>
                    " to compare the latest revision with the one before it."
                </p>
            }
        })
    }
}

/// The body text box, with the preview beside it: the saved text rendered by
/// the server, then (with JavaScript) what is being typed.
#[component]
fn BodyWithPreview(
    body: String,
    saved_preview: ArticlePreview,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let body_box = NodeRef::<leptos::html::Textarea>::new();
    let (live, set_live) = signal(None::<Result<ArticlePreview, AppError>>);
    // Only the answer to the newest request is shown: answers can overtake each other.
    let latest_request = StoredValue::new(0u64);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    // A preview still waiting for a pause in typing is dropped with the editor.
    on_cleanup(move || {
        if let Some(Some(pending)) = timer.try_get_value() {
            pending.clear();
        }
    });
    let schedule = move || {
        if let Some(pending) = timer.get_value() {
            pending.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                // The editor may be gone by now (saved, published, left): then
                // the preview is simply not asked for, or not shown.
                let Some(text) = body_box.try_get_untracked().flatten().map(|b| b.value()) else {
                    return;
                };
                let Some(request) = latest_request.try_get_value().map(|n| n + 1) else {
                    return;
                };
                latest_request.set_value(request);
                leptos::task::spawn_local(async move {
                    let answer = preview_article(text).await;
                    if latest_request.try_get_value() == Some(request) {
                        set_live.try_set(Some(answer));
                    }
                });
            },
            PREVIEW_DELAY,
        );
        timer.set_value(handle.ok());
    };
    let has_saved_text = !saved_preview.html.as_str().is_empty();
    let shown = move || match live.get() {
        Some(Ok(preview)) => view! {
            <p class="hint">"Your text as typed (not saved yet)."</p>
            <RenderedArticle rendered=preview toc_label="Table of contents"/>
        }
        .into_any(),
        Some(Err(e)) => {
            view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any()
        }
        None if has_saved_text => view! {
            <p class="hint">"The text as last saved."</p>
            <RenderedArticle rendered=saved_preview.clone() toc_label="Table of contents"/>
        }
        .into_any(),
        None => view! { <p class="hint">"The preview shows here as you type."</p> }.into_any(),
    };
    view! {
        <div class="body-and-preview">
            <div on:input=move |_| schedule()>
                <TextArea label="Text" name="body" rows=22 max_chars=200_000 value=body node_ref=body_box
                    hint="Markdown: ## for a section (sections make the table of contents), **bold**, *italic*, lists, `code`, [links](https://example.com)."
                    error=field_error(error, "body")/>
            </div>
            // It scrolls on its own, so it takes the keyboard focus too.
            <section class="editor-preview" aria-labelledby="preview-heading" tabindex="0">
                <h2 id="preview-heading">"Preview"</h2>
                {shown}
            </section>
        </div>
    }
}

/// The editor's buttons for the state the article is in. Each sends the form
/// with its own `intent`; Enter in a field saves a draft (the first button).
#[component]
fn EditorButtons(state: ArticleState, pending: Memo<bool>) -> impl IntoView {
    let archived = state == ArticleState::Archived;
    view! {
        <div class="actions editor-actions">
            <button type="submit" name="intent" value="draft" class="button" disabled=move || pending.get()>
                {if archived { "Save" } else { "Save draft" }}
            </button>
            {(!archived && state != ArticleState::InReview).then(|| view! {
                <button type="submit" name="intent" value="review" class="button button-secondary"
                    disabled=move || pending.get()>"Submit for review"</button>
            })}
            {(!archived).then(|| view! {
                <button type="submit" name="intent" value="publish" class="button button-secondary"
                    disabled=move || pending.get()>"Publish"</button>
            })}
            {move || pending.get().then(|| view! { <span class="hint" role="status">"Saving…"</span> })}
        </div>
        {archived.then(|| view! {
            <p class="hint">"This article is archived: readers and search do not show it. Unarchive it to submit or publish it again."</p>
        })}
    }
}

/// Archive the article, or take it out of the archive.
#[component]
fn ArchivePanel(
    h: ArticleHead,
    change: ServerAction<ChangeArticleState>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let archived = h.state == ArticleState::Archived;
    view! {
        <section class="panel" aria-labelledby="archive-heading">
            <h2 id="archive-heading">{if archived { "Unarchive" } else { "Archive" }}</h2>
            <FormError error/>
            <p class="muted">
                {if archived {
                    "Unarchiving makes it a draft again; readers see it once it is published."
                } else {
                    "Archiving takes the article away from readers and search. Its history is kept, and it can be unarchived."
                }}
            </p>
            <ActionForm action=change attr:class="inline-form">
                <input type="hidden" name="id" value=h.id/>
                <input type="hidden" name="based_on" value=h.latest_revision_id/>
                <input type="hidden" name="to" value=if archived { "draft" } else { "archived" }/>
                <button type="submit" class="button button-secondary">
                    {if archived { "Unarchive" } else { "Archive" }}
                </button>
            </ActionForm>
        </section>
    }
}
