//! `/write/:id/preview`: the latest revision of an article rendered exactly
//! as the published page renders it (the same `render_article`), so a writer
//! without JavaScript can check a draft before publishing it.

use crate::api::writing::draft_preview;
use crate::components::panels::{title_text, ErrorPanel};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use rapport_types::views::writing::{ArticlePreview, DraftView};
use rapport_types::TocEntry;

/// The `:id` of a writing page's address; "not found" when it is not a number.
pub fn article_id(params: &Memo<leptos_router::params::ParamsMap>) -> Result<i64, AppError> {
    params
        .read()
        .get("id")
        .and_then(|id| id.parse().ok())
        .ok_or(AppError::NotFound)
}

/// An article's table of contents; nothing for an article without sections.
/// On the preview page its title is a heading, as on the published page;
/// inside the editor's preview it is not (the preview has its own heading).
#[component]
pub fn TableOfContents(
    toc: Vec<TocEntry>,
    label: &'static str,
    #[prop(default = false)] heading: bool,
) -> impl IntoView {
    (!toc.is_empty()).then(|| {
        view! {
            <nav class="toc" aria-label=label>
                {if heading {
                    view! { <h2>{label}</h2> }.into_any()
                } else {
                    view! { <p class="toc-title">{label}</p> }.into_any()
                }}
                <ol>
                    {toc.into_iter().map(|entry| view! {
                        <li class=format!("toc-level-{}", entry.level)>
                            <a href=format!("#{}", entry.anchor)>{entry.text}</a>
                        </li>
                    }).collect_view()}
                </ol>
            </nav>
        }
    })
}

/// Rendered article text with its table of contents (the editor's preview).
#[component]
pub fn RenderedArticle(rendered: ArticlePreview, toc_label: &'static str) -> impl IntoView {
    view! {
        <TableOfContents toc=rendered.toc label=toc_label/>
        <div class="prose article-body" inner_html=rendered.html.as_str().to_string()></div>
    }
}

#[component]
pub fn WritingPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let preview = Resource::new(
        move || article_id(&params),
        |id| async move { draft_preview(id?).await },
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok(p) => view! { <PreviewBody p/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PreviewBody(p: DraftView) -> impl IntoView {
    let head = p.head.clone();
    let readers = match (head.live, head.published_number) {
        (true, Some(n)) if n == head.latest_number => "Readers see this revision.".to_string(),
        (true, Some(n)) => format!("Readers still see revision {n} until this one is published."),
        _ => "Readers do not see this article.".to_string(),
    };
    let editor = format!("/write/{}", head.id);
    let long = !p.rendered.toc.is_empty();
    view! {
        <Title text=title_text(&format!("Preview: {}", head.title))/>
        <p class="breadcrumbs">
            <a href="/write">"Articles"</a> " › " <a href=editor.clone()>{head.title.clone()}</a> " › Preview"
        </p>
        <p class="alert alert-info" role="status">
            <strong>{format!("Preview of revision {} ({}).", head.latest_number, head.state_label())}</strong>
            " " {readers}
        </p>
        // The published page's markup (pages/kb.rs), so the preview looks the same.
        <article class=if long { "article with-toc" } else { "article" }>
            <header class="article-header">
                <h1>{head.title.clone()}</h1>
                <p class="muted small">
                    {p.kind.label()} " · " {p.category.clone()} " · " {p.audience.label()}
                </p>
                {(!p.summary.is_empty()).then(|| view! { <p class="lead">{p.summary.clone()}</p> })}
            </header>
            <TableOfContents toc=p.rendered.toc.clone() label="On this page" heading=true/>
            <div class="prose article-body" inner_html=p.rendered.html.as_str().to_string()></div>
            {(!p.tags.is_empty()).then(|| view! {
                <p class="tags" aria-label="Tags">
                    {p.tags.iter().map(|t| view! { <span class="tag">{t.clone()}</span> " " }).collect_view()}
                </p>
            })}
        </article>
        <p class="actions">
            <a class="button" href=editor>"Back to the editor"</a>
            <a class="button button-secondary" href=format!("/write/{}/history", head.id)>"History"</a>
        </p>
    }
}
