//! The knowledge base for readers: its home with categories and popular
//! articles, category pages, and article pages.
use super::writing_preview::TableOfContents;
use crate::api::kb::{kb_article, kb_category, kb_home, VoteArticle};
use crate::components::form::{action_error, success_count, FormError};
use crate::components::panels::{title_text, ErrorPanel};
use crate::components::workshop_sessions::{WorkshopSessions, WorkshopSessionsPanel};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use rapport_types::views::kb::{ArticleSummary, ArticleView, CategoryLink, Crumb};
use rapport_types::ArticleKind;

/// The search box of the knowledge base: a plain GET form to the search page.
#[component]
pub fn KbSearchForm(#[prop(optional, into)] value: String) -> impl IntoView {
    view! {
        <form class="kb-search" method="get" action="/search" role="search" aria-label="Knowledge base search">
            <label for="kb-search-q">"Search the knowledge base"</label>
            <div class="kb-search-row">
                <input id="kb-search-q" name="q" type="search" value=value
                    placeholder="For example: reset password" autocomplete="off"/>
                <button type="submit">"Search"</button>
            </div>
        </form>
    }
}

#[component]
pub fn KbHomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| kb_home());
    view! {
        <Title text="Knowledge base"/>
        <h1>"Knowledge base"</h1>
        <p class="muted">"Answers, guides and training material from the support team."</p>
        <KbSearchForm/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let home = match home.await {
                    Ok(h) => h,
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                view! {
                    {home.can_write.then(|| view! {
                        <p><a class="button button-secondary" href="/write/new">"Write an article"</a></p>
                    })}
                    <section aria-labelledby="kb-categories">
                        <h2 id="kb-categories">"Categories"</h2>
                        {if home.categories.is_empty() {
                            view! { <p class="muted">"There are no articles yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="category-grid">
                                    {home.categories.into_iter().map(|c| view! { <CategoryCard category=c/> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                    {(!home.popular.is_empty()).then(|| view! {
                        <section aria-labelledby="kb-popular">
                            <h2 id="kb-popular">"Popular articles"</h2>
                            <ArticleList articles=home.popular/>
                        </section>
                    })}
                }.into_any()
            })}
        </Transition>
    }
}

#[component]
fn CategoryCard(category: CategoryLink) -> impl IntoView {
    let count = article_count(category.article_count);
    view! {
        <li class="category-card">
            <h3><a href=format!("/kb/categories/{}", category.slug)>{category.name}</a></h3>
            <p class="muted">{category.description}</p>
            <p class="count">{count}</p>
            {(!category.children.is_empty()).then(|| view! {
                <ul class="subcategories">
                    {category.children.into_iter().map(|c| view! {
                        <li><a href=format!("/kb/categories/{}", c.slug)>{c.name}</a>
                            " " <span class="muted">"(" {c.article_count} ")"</span></li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}

pub(crate) fn article_count(n: i64) -> String {
    match n {
        1 => "1 article".to_string(),
        n => format!("{n} articles"),
    }
}

/// A list of articles with their summaries.
#[component]
pub fn ArticleList(articles: Vec<ArticleSummary>) -> impl IntoView {
    view! {
        <ul class="article-list">
            {articles.into_iter().map(|a| view! {
                <li>
                    <a class="article-link" href=format!("/kb/{}", a.slug)>{a.title}</a>
                    <p class="muted small">{a.kind.label()} " · " {a.category}</p>
                    <p>{a.summary}</p>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn Breadcrumbs(crumbs: Vec<Crumb>) -> impl IntoView {
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <ol>
                <li><a href="/kb">"Knowledge base"</a></li>
                {crumbs.into_iter().map(|(slug, name)| view! {
                    <li><a href=format!("/kb/categories/{slug}")>{name}</a></li>
                }).collect_view()}
            </ol>
        </nav>
    }
}

#[component]
pub fn KbCategoryPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let page = Resource::new(slug, kb_category);
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let page = match page.await {
                    Ok(p) => p,
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                let mut crumbs = page.crumbs;
                crumbs.pop();
                view! {
                    <Title text=title_text(&page.category.name)/>
                    <Breadcrumbs crumbs/>
                    <h1>{page.category.name.clone()}</h1>
                    <p class="muted">{page.category.description.clone()}</p>
                    <KbSearchForm/>
                    {(!page.category.children.is_empty()).then(|| view! {
                        <section aria-labelledby="subcategories">
                            <h2 id="subcategories">"Sub-categories"</h2>
                            <ul class="category-grid">
                                {page.category.children.clone().into_iter().map(|c| view! { <CategoryCard category=c/> }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {(!page.articles.is_empty()).then(|| view! {
                        <section aria-labelledby="category-articles">
                            <h2 id="category-articles">"Articles"</h2>
                            <ArticleList articles=page.articles/>
                        </section>
                    })}
                }.into_any()
            })}
        </Transition>
    }
}

#[component]
pub fn ArticlePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    // `?s=ID`: the search this article was opened from (counted once).
    let from_search = move || query.read().get("s").and_then(|s| s.parse::<i64>().ok());
    let vote = ServerAction::<VoteArticle>::new();
    let voted = success_count(vote);
    let article = Resource::new(
        move || {
            (
                slug(),
                from_search(),
                voted.get(),
                crate::context::browser_zone_changes(),
            )
        },
        |(slug, from_search, _, _)| kb_article(slug, from_search),
    );
    // A workshop's sessions: loaded with the page once it is known to be one.
    let sessions = WorkshopSessions::new(slug, article);
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match article.await {
                    Ok(a) => view! { <ArticleBody a vote sessions/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ArticleBody(
    a: ArticleView,
    vote: ServerAction<VoteArticle>,
    sessions: WorkshopSessions,
) -> impl IntoView {
    let error = action_error(vote);
    let long = !a.toc.is_empty();
    view! {
        <Title text=title_text(&a.title)/>
        <article class=if long { "article with-toc" } else { "article" }>
            <header class="article-header">
                <Breadcrumbs crumbs=a.crumbs.clone()/>
                <h1>{a.title.clone()}</h1>
                <p class="muted small">
                    {a.kind.label()} " · Updated " {a.updated.clone()}
                    {a.audience_note.clone().map(|note| view! { " · " <span class="badge">{note}</span> })}
                    {a.edit_id.map(|id| view! { " · " <a href=format!("/write/{id}")>"Edit"</a> })}
                </p>
            </header>
            <TableOfContents toc=a.toc.clone() label="On this page" heading=true/>
            <div class="prose article-body" inner_html=a.html.as_str().to_string()></div>
            {(!a.tags.is_empty()).then(|| view! {
                <p class="tags" aria-label="Tags">
                    {a.tags.clone().into_iter().map(|t| view! {
                        <a class="tag" href=format!("/search?q={t}")>{t.clone()}</a> " "
                    }).collect_view()}
                </p>
            })}
            {(a.kind == ArticleKind::Workshop).then(|| view! {
                <section id="sessions" class="sessions" aria-labelledby="sessions-heading">
                    <h2 id="sessions-heading">"Sessions"</h2>
                    <WorkshopSessionsPanel sessions slug=a.slug.clone()/>
                </section>
            })}
            <section id="helpful" class="panel helpful" aria-labelledby="helpful-title">
                <h2 id="helpful-title">"Was this helpful?"</h2>
                <HelpfulVote a=a.clone() vote/>
                <FormError error/>
                <p class="muted small">
                    {format!("{} found this helpful, {} did not.", people(a.helpful_yes), people(a.helpful_no))}
                </p>
            </section>
            {(!a.related.is_empty()).then(|| view! {
                <section aria-labelledby="related-title">
                    <h2 id="related-title">"Related articles"</h2>
                    <ArticleList articles=a.related.clone()/>
                </section>
            })}
            {a.can_open_case.then(|| view! {
                <p class="muted">"Still stuck? " <a href="/cases/new">"Open a case"</a> " and the support team will help."</p>
            })}
        </article>
    }
}

fn people(n: i64) -> String {
    match n {
        1 => "1 person".to_string(),
        n => format!("{n} people"),
    }
}

#[component]
fn HelpfulVote(a: ArticleView, vote: ServerAction<VoteArticle>) -> impl IntoView {
    if a.voted {
        return view! { <p role="status">"Thank you for your feedback."</p> }.into_any();
    }
    if !a.signed_in {
        return view! {
            <p><a href=format!("/sign-in?next=/kb/{}", a.slug)>"Sign in"</a> " to tell us."</p>
        }
        .into_any();
    }
    let button = |slug: String, helpful: bool, label: &'static str| {
        view! {
            <ActionForm action=vote attr:class="inline-form">
                <input type="hidden" name="slug" value=slug/>
                <input type="hidden" name="revision_id" value=a.revision_id/>
                <input type="hidden" name="helpful" value=helpful.to_string()/>
                <button type="submit" class="button-secondary">{label}</button>
            </ActionForm>
        }
    };
    view! {
        <div class="vote-buttons">
            {button(a.slug.clone(), true, "Yes, it helped")}
            {button(a.slug.clone(), false, "No")}
        </div>
    }
    .into_any()
}
