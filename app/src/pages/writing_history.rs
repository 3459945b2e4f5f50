//! `/write/:id/history`: an article's revisions, the difference between any
//! two of them (chosen with a plain GET form), and restoring an old one.

use super::writing_preview::article_id;
use crate::api::writing::{article_history, RestoreRevision};
use crate::components::form::{action_error, FormError};
use crate::components::panels::{title_text, ErrorPanel, TableScroll};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use rapport_types::views::writing::{Comparison, History, LineChange};

#[component]
pub fn WritingHistoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let number = move |name: &str| query.read().get(name).and_then(|n| n.parse::<i32>().ok());
    let restore = ServerAction::<RestoreRevision>::new();
    let history = Resource::new(
        move || {
            (
                article_id(&params),
                number("from"),
                number("to"),
                crate::context::browser_zone_changes(),
            )
        },
        |(id, from, to, _)| async move { article_history(id?, from, to).await },
    );
    let error = action_error(restore);
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(h) => view! { <HistoryBody h restore error/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn HistoryBody(
    h: History,
    restore: ServerAction<RestoreRevision>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let head = h.head.clone();
    let editor = format!("/write/{}", head.id);
    let (from, to) = h
        .comparison
        .as_ref()
        .map(|c| (c.from, c.to))
        .unwrap_or((head.latest_number, head.latest_number));
    let choices: Vec<(i32, String)> = h
        .revisions
        .iter()
        .map(|r| {
            (
                r.number,
                format!("Revision {} · {} · {}", r.number, r.saved, r.saved_by),
            )
        })
        .collect();
    let picker = |name: &'static str, label: &'static str, selected: i32| {
        let id = format!("compare-{name}");
        let choices = choices.clone();
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <select id=id name=name>
                    {choices.into_iter().map(|(n, text)| view! {
                        <option value=n selected=n == selected>{text}</option>
                    }).collect_view()}
                </select>
            </div>
        }
    };
    view! {
        <Title text=title_text(&format!("History: {}", head.title))/>
        <p class="breadcrumbs">
            <a href="/write">"Articles"</a> " › " <a href=editor.clone()>{head.title.clone()}</a> " › History"
        </p>
        <h1>{format!("History of “{}”", head.title)}</h1>
        <p class="article-status">
            <span class=format!("article-state article-state-{}", head.state.as_str()) class:article-live=head.live>
                {head.state_label()}
            </span>
            <a href=editor.clone()>"Back to the editor"</a>
        </p>
        <FormError error/>
        {(h.revisions.len() > 1).then(|| view! {
            <form method="get" action=format!("/write/{}/history", head.id) class="filters panel" aria-label="Choose two revisions">
                {picker("from", "Compare revision", from)}
                {picker("to", "with revision", to)}
                <button type="submit" class="button">"Compare"</button>
            </form>
        })}
        {h.comparison.clone().map(|c| view! { <DiffView c/> })}
        <section class="panel" aria-labelledby="revisions-heading">
            <h2 id="revisions-heading">"Revisions"</h2>
            {h.more.then(|| view! { <p class="muted">"The newest revisions are listed; older ones are kept too."</p> })}
            <TableScroll label="Revisions">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Revision"</th>
                            <th scope="col">"Saved"</th>
                            <th scope="col">"By"</th>
                            <th scope="col">"Note"</th>
                            <th scope="col">"Title"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {h.revisions.into_iter().map(|r| {
                            let latest = r.number == head.latest_number;
                            let published = head.live && head.published_number == Some(r.number);
                            view! {
                                <tr>
                                    <td class="nowrap">
                                        {r.number}
                                        {latest.then(|| view! { " " <span class="badge">"Latest"</span> })}
                                        {published.then(|| view! { " " <span class="badge badge-ok">"Published"</span> })}
                                    </td>
                                    <td>{r.saved}</td>
                                    <td>{r.saved_by}</td>
                                    <td>{r.note}</td>
                                    <td>{r.title}</td>
                                    <td>
                                        {(!latest).then(|| view! {
                                            <div class="row-actions">
                                                <a href=format!("/write/{}/history?from={}&to={}", head.id, r.number, head.latest_number)>
                                                    {format!("Compare with {}", head.latest_number)}
                                                </a>
                                                <ActionForm action=restore attr:class="inline-form">
                                                    <input type="hidden" name="id" value=head.id/>
                                                    <input type="hidden" name="number" value=r.number/>
                                                    <input type="hidden" name="based_on" value=head.latest_revision_id/>
                                                    <button type="submit" class="button button-secondary button-small">
                                                        "Restore this revision"
                                                        <span class="visually-hidden">{format!(" (revision {})", r.number)}</span>
                                                    </button>
                                                </ActionForm>
                                            </div>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </TableScroll>
            <p class="hint">"Restoring copies an old revision into a new one, as a draft; publish it from the editor when readers should see it."</p>
        </section>
    }
}

/// Two revisions compared, line by line: each changed line is marked with
/// + or − (and named for screen readers), colour only helps.
#[component]
fn DiffView(c: Comparison) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="diff-heading">
            <h2 id="diff-heading">{format!("Changes from revision {} to revision {}", c.from, c.to)}</h2>
            {if c.hunks.is_empty() {
                view! { <p class="muted">"These two revisions say the same."</p> }.into_any()
            } else {
                view! {
                    <p class="hint">"Lines starting with − are only in the older revision, lines starting with + only in the newer one."</p>
                    {c.hunks.into_iter().map(|hunk| view! {
                        <div class="diff-hunk">
                            <p class="diff-header">{hunk.header}</p>
                            <pre class="diff">
                                {hunk.lines.into_iter().map(|line| {
                                    let marker = line.change.marker();
                                    match line.change {
                                        LineChange::Added => view! {
                                            <ins class="diff-line diff-added"><span class="diff-marker" aria-hidden="true">{marker}</span><span class="visually-hidden">"Added: "</span>{line.text}</ins>
                                        }.into_any(),
                                        LineChange::Removed => view! {
                                            <del class="diff-line diff-removed"><span class="diff-marker" aria-hidden="true">{marker}</span><span class="visually-hidden">"Removed: "</span>{line.text}</del>
                                        }.into_any(),
                                        LineChange::Same => view! {
                                            <span class="diff-line"><span class="diff-marker" aria-hidden="true">{marker}</span>{line.text}</span>
                                        }.into_any(),
                                    }
                                }).collect_view()}
                            </pre>
                        </div>
                    }).collect_view()}
                }.into_any()
            }}
        </section>
    }
}
