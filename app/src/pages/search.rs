//! The search page: a GET form (works without JavaScript), results with
//! highlighted snippets, facets by kind and category, and pages.
use super::kb::KbSearchForm;
use crate::api::search::search_articles;
use crate::components::panels::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::urlencode;
use rapport_types::views::search::SearchPage as SearchPageData;
use rapport_types::ArticleKind;

/// The address of a search with these filters.
fn search_href(
    query: &str,
    kind: Option<ArticleKind>,
    category: Option<&str>,
    page: u32,
) -> String {
    let mut url = format!("/search?q={}", urlencode(query));
    if let Some(kind) = kind {
        url.push_str(&format!("&kind={}", kind.as_str()));
    }
    if let Some(category) = category {
        url.push_str(&format!("&category={}", urlencode(category)));
    }
    if page > 1 {
        url.push_str(&format!("&page={page}"));
    }
    url
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        (
            q.get("q").unwrap_or_default(),
            q.get("kind").filter(|k| !k.is_empty()),
            q.get("category").filter(|c| !c.is_empty()),
            q.get("page").and_then(|p| p.parse::<i64>().ok()),
        )
    };
    let results = Resource::new(
        move || (params(), crate::context::browser_zone_changes()),
        |((q, kind, category, page), _)| search_articles(q, kind, category, page),
    );
    view! {
        <Title text="Search"/>
        <h1>"Search"</h1>
        <Transition fallback=|| view! { <p>"Searching…"</p> }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(page) => view! { <Results page/> }.into_any(),
                    Err(e) => view! { <KbSearchForm/> <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Results(page: SearchPageData) -> impl IntoView {
    let SearchPageData {
        query,
        kind,
        category,
        page: number,
        per_page,
        results,
        log_id,
        category_names,
        can_open_case,
        upcoming_sessions,
    } = page;
    let name_of = |slug: &str| {
        category_names
            .iter()
            .find(|(s, _)| s == slug)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| slug.to_string())
    };
    let searched = !query.trim().is_empty();
    let first = (number - 1) * per_page + 1;
    let last = first + results.hits.len() as u32 - 1;
    let has_next = (last as u64) < results.total;
    let summary = match results.total {
        0 => String::new(),
        1 => "1 article".to_string(),
        n if results.hits.len() as u64 == n => format!("{n} articles"),
        n => format!("{first}–{last} of {n} articles"),
    };
    let kind_links = {
        let query = query.clone();
        let category = category.clone();
        let all = results.kinds.iter().map(|(_, n)| n).sum::<u64>();
        let mut links = vec![(None, "All".to_string(), all)];
        links.extend(
            results
                .kinds
                .iter()
                .map(|(k, n)| (Some(*k), k.label().to_string(), *n)),
        );
        links
            .into_iter()
            .map(|(k, label, n)| {
                let current = k == kind;
                view! {
                    <li>
                        <a href=search_href(&query, k, category.as_deref(), 1)
                            aria-current=current.then_some("true")>
                            {label} " (" {n} ")"
                        </a>
                    </li>
                }
            })
            .collect_view()
    };
    let category_links = results
        .categories
        .iter()
        .map(|(slug, n)| {
            let current = category.as_deref() == Some(slug.as_str());
            view! {
                <li>
                    <a href=search_href(&query, kind, Some(slug), 1) aria-current=current.then_some("true")>
                        {name_of(slug)} " (" {*n} ")"
                    </a>
                </li>
            }
        })
        .collect_view();
    let filtered = kind.is_some() || category.is_some();
    let hits = results
        .hits
        .into_iter()
        .map(|hit| {
            let href = match log_id {
                Some(id) => format!("/kb/{}?s={id}", hit.slug),
                None => format!("/kb/{}", hit.slug),
            };
            // A workshop shows when it is held next.
            let sessions: Vec<String> = upcoming_sessions
                .iter()
                .filter(|(id, _)| *id == hit.article_id)
                .map(|(_, line)| line.clone())
                .collect();
            let is_workshop = hit.kind == ArticleKind::Workshop;
            let sessions_href = format!("/kb/{}#sessions", hit.slug);
            view! {
                <li class="search-hit">
                    <a class="article-link" href=href>{hit.title}</a>
                    <p class="muted small">{hit.kind.label()} " · " {name_of(&hit.category_slug)}</p>
                    <p class="snippet" inner_html=hit.snippet.as_str().to_string()></p>
                    {is_workshop.then(|| if sessions.is_empty() {
                        view! { <p class="muted small">"No upcoming sessions."</p> }.into_any()
                    } else {
                        view! {
                            <div class="hit-sessions">
                                <p class="small"><strong>"Next sessions"</strong></p>
                                <ul class="plain-list small">
                                    {sessions.into_iter().map(|line| view! { <li><a href=sessions_href.clone()>{line}</a></li> }).collect_view()}
                                </ul>
                            </div>
                        }.into_any()
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <KbSearchForm value=query.clone()/>
        {results.notice.map(|notice| view! { <p class="alert alert-info" role="status">{notice}</p> })}
        {if !searched {
            view! { <p class="muted">"Type what you are looking for, for example “reset password” or “attach a file”."</p> }.into_any()
        } else if results.total == 0 {
            view! {
                <section class="panel" aria-live="polite">
                    <h2>"No articles found"</h2>
                    <p>"Try fewer or other words, or check the spelling."</p>
                    {filtered.then(|| view! {
                        <p><a href=search_href(&query, None, None, 1)>"Search without filters"</a></p>
                    })}
                    {can_open_case.then(|| view! {
                        <p>"Still stuck? " <a href="/cases/new">"Open a case"</a> " and the support team will help."</p>
                    })}
                </section>
            }.into_any()
        } else {
            view! {
                <div class="search-layout">
                    <aside class="facets" aria-label="Filters">
                        <h2>"Kind"</h2>
                        <ul>{kind_links}</ul>
                        <h2>"Category"</h2>
                        <ul>{category_links}</ul>
                        {filtered.then(|| view! {
                            <p><a href=search_href(&query, None, None, 1)>"Clear filters"</a></p>
                        })}
                    </aside>
                    <section aria-labelledby="results-title">
                        <h2 id="results-title" aria-live="polite">{summary}</h2>
                        <ol class="search-hits">{hits}</ol>
                        <nav class="pager" aria-label="Result pages">
                            {(number > 1).then(|| view! {
                                <a href=search_href(&query, kind, category.as_deref(), number - 1) rel="prev">"Previous"</a>
                            })}
                            {has_next.then(|| view! {
                                <a href=search_href(&query, kind, category.as_deref(), number + 1) rel="next">"Next"</a>
                            })}
                        </nav>
                        {can_open_case.then(|| view! {
                            <p class="muted">"Didn't find it? " <a href="/cases/new">"Open a case"</a></p>
                        })}
                    </section>
                </div>
            }.into_any()
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_addresses_carry_the_filters() {
        assert_eq!(
            search_href("reset pw&x", None, None, 1),
            "/search?q=reset%20pw%26x"
        );
        assert_eq!(
            search_href("a", Some(ArticleKind::Training), Some("cases"), 3),
            "/search?q=a&kind=training&category=cases&page=3"
        );
    }
}
