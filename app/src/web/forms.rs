//! Plain HTML forms without JavaScript.
//!
//! When a form posted without JavaScript fails, leptos sends the browser back to
//! the form with the error in the address, but what was typed is lost. For the
//! forms people type most into, `back_to_form` sends them back with the error
//! *and* the non-secret values, which the page puts back into the fields.
use crate::error::AppError;
use leptos::prelude::use_context;
use leptos::server_fn::error::ServerFnUrlError;

/// Was this request a plain form post (no JavaScript)? Browsers then ask for HTML.
pub fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// The address of `form_path` with `kept` values and the error of the server
/// function at `server_fn_path`, in the form the page's action reads back.
pub fn form_address(
    form_path: &str,
    kept: &[(&str, &str)],
    server_fn_path: &str,
    error: &AppError,
) -> Option<String> {
    let mut base = url_base(form_path)?;
    {
        let mut query = base.query_pairs_mut();
        for (name, value) in kept.iter().filter(|(_, v)| !v.is_empty()) {
            query.append_pair(name, value);
        }
    }
    let url = ServerFnUrlError::new(server_fn_path, error.clone())
        .to_url(base.as_str())
        .ok()?;
    Some(match url.query() {
        Some(query) => format!("{}?{}", url.path(), query),
        None => url.path().to_string(),
    })
}

fn url_base(path: &str) -> Option<url::Url> {
    url::Url::parse("http://form.invalid").ok()?.join(path).ok()
}

/// For a plain form post that failed, redirect back to the form keeping what was typed.
pub fn back_to_form(
    form_path: &str,
    kept: &[(&str, &str)],
    server_fn_path: &str,
    error: &AppError,
) {
    if !is_plain_form_post() {
        return;
    }
    if let Some(address) = form_address(form_path, kept, server_fn_path, error) {
        leptos_axum::redirect(&address);
    }
}

/// Where a form goes back to after a change: `back` (the page it was sent from,
/// with its search and page) when it is an address under `page`, else `page`
/// itself; never an address elsewhere. `done` is added to say what was done, for
/// the page to word (with or without JavaScript).
pub fn return_address(back: &str, page: &str, done: &[(&str, &str)]) -> String {
    let on_page = back == page || back.starts_with(&format!("{page}?"));
    let back = if on_page { back } else { page };
    let mut said = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in done {
        said.append_pair(name, value);
    }
    let said = said.finish();
    match (said.is_empty(), back.contains('?')) {
        (true, _) => back.to_string(),
        (false, true) => format!("{back}&{said}"),
        (false, false) => format!("{back}?{said}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_return_address_stays_on_its_page() {
        assert_eq!(
            return_address("/queue?queue=mine", "/queue", &[("changed", "C-1,C-2")]),
            "/queue?queue=mine&changed=C-1%2CC-2"
        );
        assert_eq!(
            return_address("/queue", "/queue", &[("set", "open")]),
            "/queue?set=open"
        );
        for elsewhere in [
            "//evil.example/queue",
            "https://evil.example",
            "/queues",
            "/admin",
        ] {
            assert_eq!(
                return_address(elsewhere, "/queue", &[]),
                "/queue",
                "{elsewhere}"
            );
        }
    }

    #[test]
    fn the_address_keeps_values_and_carries_the_error() {
        let error = AppError::invalid("password", "Wrong.");
        let address = form_address(
            "/sign-in",
            &[("email", "a+b@example.com"), ("next", "")],
            "/api/sign_in",
            &error,
        )
        .unwrap();
        assert!(
            address
                .starts_with("/sign-in?email=a%2Bb%40example.com&__path=%2Fapi%2Fsign_in&__err="),
            "{address}"
        );
        assert!(!address.contains("next="), "empty values are left out");
    }
}
