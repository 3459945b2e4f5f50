//! Paging through a list: the page asked for in the address, the links that
//! keep the other filters, and the "Previous · Page 2 of 7 · Next" line.

use leptos::prelude::*;
use rapport_types::urlencode;

/// The `page` query parameter: 1 when absent or not a positive number.
pub fn page_number(query: &Memo<leptos_router::params::ParamsMap>) -> i64 {
    query
        .read()
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1i64)
        .max(1)
}

/// The address's query parameters, to keep them in paging links.
pub fn current_params(query: &Memo<leptos_router::params::ParamsMap>) -> Vec<(String, String)> {
    query
        .get()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// "Previous · Page 2 of 7 · Next" under a list. `more`: there are pages past
/// the counted ones (the count stopped at its limit).
#[component]
pub fn Pager(page: i64, pages: i64, more: bool, link_to: impl Fn(i64) -> String) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="Pages">
            {(page > 1).then(|| view! { <a href=link_to(page - 1)>"Previous"</a> })}
            <span>{format!("Page {} of {}{}", page, pages.max(page), if more { "+" } else { "" })}</span>
            {(page < pages || more).then(|| view! { <a href=link_to(page + 1)>"Next"</a> })}
        </nav>
    }
}

/// `base` with the current filters in `params` and `page` instead of their page.
pub fn page_address(base: &str, params: &[(String, String)], page: i64) -> String {
    let mut pairs: Vec<String> = params
        .iter()
        .filter(|(k, _)| k != "page")
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    pairs.push(format!("page={page}"));
    format!("{base}?{}", pairs.join("&"))
}
