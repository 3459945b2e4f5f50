//! The writers' list (`/write`): every article in every state, filtered by
//! state and kind and searched by title, a page at a time.
use crate::api::writing::writer_articles;
use crate::components::pager::{current_params, page_address, page_number, Pager};
use crate::components::panels::{ErrorPanel, TableScroll};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::views::writing::{state_label, WriterList, ARTICLES_PER_PAGE, STATE_FILTERS};
use rapport_types::ArticleKind;

#[component]
pub fn WritingListPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |name: &str| query.read().get(name).unwrap_or_default();
    let articles = Resource::new(
        move || {
            (
                get("state"),
                get("kind"),
                get("q"),
                page_number(&query),
                crate::context::browser_zone_changes(),
            )
        },
        |(state, kind, q, page, _)| writer_articles(state, kind, q, Some(page)),
    );
    view! {
        <Title text="Articles"/>
        <div class="page-head">
            <h1>"Articles"</h1>
            <div class="actions">
                <a class="button button-secondary" href="/write/insights">"What to write next"</a>
                <a class="button" href="/write/new">"New article"</a>
            </div>
        </div>
        <form method="get" action="/write" class="filters" role="search" aria-label="Filter articles">
            <div class="field">
                <label for="write-state">"State"</label>
                <select id="write-state" name="state">
                    <option value="">"Any state"</option>
                    {move || {
                        let now = get("state");
                        STATE_FILTERS.iter().map(|(value, label)| view! {
                            <option value=*value selected=now == *value>{*label}</option>
                        }).collect_view()
                    }}
                </select>
            </div>
            <div class="field">
                <label for="write-kind">"Kind"</label>
                <select id="write-kind" name="kind">
                    <option value="">"Any kind"</option>
                    {move || {
                        let now = get("kind");
                        ArticleKind::ALL.iter().map(|kind| view! {
                            <option value=kind.as_str() selected=now == kind.as_str()>{kind.label()}</option>
                        }).collect_view()
                    }}
                </select>
            </div>
            <div class="field">
                <label for="write-search">"Title contains"</label>
                <input id="write-search" type="search" name="q" value=move || get("q")/>
            </div>
            <button type="submit" class="button">"Show"</button>
        </form>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                // Read before waiting: afterwards the request (and its signals) may be gone.
                let params = current_params(&query);
                Suspend::new(async move {
                    match articles.await {
                        Ok(list) => view! { <ArticleTable list params/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn ArticleTable(list: WriterList, params: Vec<(String, String)>) -> impl IntoView {
    if list.rows.is_empty() {
        return view! {
            <p class="panel muted">
                "No articles match. " <a href="/write">"Show all articles"</a> " or " <a href="/write/new">"write a new one"</a> "."
            </p>
        }
        .into_any();
    }
    let pages = ((list.total + ARTICLES_PER_PAGE - 1) / ARTICLES_PER_PAGE).max(1);
    let link_to = move |page: i64| page_address("/write", &params, page);
    view! {
        <p class="muted" role="status">{format!("{} article(s).", list.total)}</p>
        <TableScroll label="Articles">
            <table class="table writer-table">
                <thead>
                    <tr>
                        <th scope="col">"Title"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Audience"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Last saved"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.rows.into_iter().map(|row| {
                        let label = state_label(row.state, row.live);
                        let sessions_of = format!(" of {}", row.title);
                        view! {
                            <tr>
                                <td>
                                    <a href=format!("/write/{}", row.id)>{row.title}</a>
                                    <br/><span class="muted slug">{format!("/kb/{}", row.slug)}</span>
                                    {(row.kind == ArticleKind::Workshop).then(|| view! {
                                        <br/><a class="small" href=format!("/write/{}/sessions", row.id)>
                                            "Sessions"<span class="visually-hidden">{sessions_of}</span>
                                        </a>
                                    })}
                                </td>
                                <td>{row.kind.label()}</td>
                                <td>{row.category}</td>
                                <td>{row.audience.label()}</td>
                                <td>
                                    <span class=format!("article-state article-state-{}", row.state.as_str())
                                        class:article-live=row.live>{label}</span>
                                </td>
                                <td><span class="saved">{row.saved}</span><br/><span class="muted">{format!("by {}", row.saved_by)}</span></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
        <Pager page=list.page pages=pages more=false link_to/>
    }
    .into_any()
}
