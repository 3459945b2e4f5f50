//! Errors carried through a redirect. A form posted without JavaScript that
//! fails is sent back to its page with the error in the address (`__err`,
//! beside `__path`, the server function's): leptos does so itself, and
//! `forms::back_to_form` too. A page shows such an error as an official one,
//! so anybody could otherwise send a link that shows any words they like
//! (phishing). Here every address we redirect to with an `__err` is signed
//! (`__sig`: the time, and an HMAC-SHA256 of it, the path and the error under
//! a key every server process shares), and a page request whose `__err` is
//! not signed by us, or signed more than ten minutes ago, is sent to the same
//! address without it.
use super::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use http::{header, HeaderValue, Method, StatusCode};
use sha2::Sha256;
use std::sync::Arc;

const KEY_NAME: &str = "redirect_errors";
/// How long a signed error may be shown after the redirect (a slow page load,
/// a reload); an old link shows nothing.
const VALID_SECONDS: i64 = 600;
const ERR: &str = "__err";
const PATH: &str = "__path";
const SIG: &str = "__sig";

/// The signing key, read from (or made once in) the database on first use.
#[derive(Clone, Default)]
pub struct RedirectKey(Arc<tokio::sync::OnceCell<Vec<u8>>>);

impl RedirectKey {
    async fn get(&self, state: &AppState) -> Option<&[u8]> {
        let made = self
            .0
            .get_or_try_init(|| async {
                let fresh: [u8; 32] = rand::random();
                rapport_core::db::site_keys::get_or_create(&state.pool, KEY_NAME, &fresh).await
            })
            .await;
        match made {
            Ok(key) => Some(key.as_slice()),
            Err(err) => {
                tracing::warn!(error = %err, "the key for redirect errors could not be read");
                None
            }
        }
    }
}

fn mac(key: &[u8], at: i64, path: &str, err: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    for part in [at.to_string().as_str(), path, err] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    mac
}

/// `__sig` for the error `err` of the server function `path`, made at `at`.
fn sign(key: &[u8], at: i64, path: &str, err: &str) -> String {
    let tag = mac(key, at, path, err).finalize().into_bytes();
    format!("{at}.{}", hex::encode(tag))
}

/// Did we sign this, no more than `VALID_SECONDS` before `now`?
fn verify(key: &[u8], now: i64, path: &str, err: &str, sig: &str) -> bool {
    let Some((at, tag)) = sig.split_once('.') else {
        return false;
    };
    let (Ok(at), Ok(tag)) = (at.parse::<i64>(), hex::decode(tag)) else {
        return false;
    };
    let fresh = at <= now + 60 && now - at <= VALID_SECONDS;
    fresh && mac(key, at, path, err).verify_slice(&tag).is_ok()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The query's pairs, decoded.
fn pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The last value of `name`: a form's page sent back to it after a second
/// failure has the first error too, before the one appended now.
fn value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Each of the error's parameters at most once (else the page might show
/// another one than the one checked).
fn unambiguous(pairs: &[(String, String)]) -> bool {
    [ERR, PATH, SIG]
        .iter()
        .all(|name| pairs.iter().filter(|(k, _)| k == name).count() <= 1)
}

/// `query` without the error and its signature (None when nothing is left).
fn without_error(pairs: &[(String, String)]) -> Option<String> {
    let mut kept = url::form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (k, v) in pairs
        .iter()
        .filter(|(k, _)| ![ERR, PATH, SIG].contains(&k.as_str()))
    {
        kept.append_pair(k, v);
        any = true;
    }
    any.then(|| kept.finish())
}

/// The address `location` with its error signed (or, without a key, removed).
fn signed_location(location: &str, key: Option<&[u8]>) -> Option<String> {
    let base = url::Url::parse("http://redirect.invalid").ok()?;
    let absolute = url::Url::parse(location).is_ok();
    let mut url = base.join(location).ok()?;
    let pairs = pairs(url.query().unwrap_or_default());
    let err = value(&pairs, ERR)?.to_string();
    let path = value(&pairs, PATH).unwrap_or_default().to_string();
    let mut query = without_error(&pairs).unwrap_or_default();
    if let Some(key) = key {
        let mut signed = url::form_urlencoded::Serializer::new(String::new());
        signed
            .append_pair(PATH, &path)
            .append_pair(ERR, &err)
            .append_pair(SIG, &sign(key, now(), &path, &err));
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&signed.finish());
    }
    url.set_query(Some(&query).filter(|q| !q.is_empty()).map(String::as_str));
    Some(if absolute {
        url.to_string()
    } else {
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    })
}

/// The middleware, around everything that may redirect with an error.
pub async fn signed_redirect_errors(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let reading = matches!(*req.method(), Method::GET | Method::HEAD);
    let query = req.uri().query().unwrap_or_default();
    if reading && query.contains(ERR) {
        let pairs = pairs(query);
        if let Some(err) = value(&pairs, ERR) {
            let path = value(&pairs, PATH).unwrap_or_default();
            let sig = value(&pairs, SIG).unwrap_or_default();
            let key = state.redirect_key.get(&state).await;
            let ours =
                unambiguous(&pairs) && key.is_some_and(|key| verify(key, now(), path, err, sig));
            if !ours {
                tracing::info!(path = %req.uri().path(), "dropped an error from the address that we did not sign");
                let clean = match without_error(&pairs) {
                    Some(q) => format!("{}?{q}", req.uri().path()),
                    None => req.uri().path().to_string(),
                };
                return (StatusCode::SEE_OTHER, [(header::LOCATION, clean)]).into_response();
            }
        }
    }
    let mut response = next.run(req).await;
    let carries_error = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|l| l.contains(ERR))
        .map(str::to_owned);
    if let Some(location) = carries_error {
        let key = state.redirect_key.get(&state).await;
        if let Some(signed) =
            signed_location(&location, key).and_then(|l| HeaderValue::from_str(&l).ok())
        {
            response.headers_mut().insert(header::LOCATION, signed);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn only_our_fresh_signatures_pass() {
        let sig = sign(KEY, 1_000, "/api/sign_in", "eyJ4Ijp9");
        assert!(verify(KEY, 1_000, "/api/sign_in", "eyJ4Ijp9", &sig));
        assert!(verify(
            KEY,
            1_000 + VALID_SECONDS,
            "/api/sign_in",
            "eyJ4Ijp9",
            &sig
        ));
        assert!(
            !verify(KEY, 1_001 + VALID_SECONDS, "/api/sign_in", "eyJ4Ijp9", &sig),
            "too old"
        );
        assert!(
            !verify(KEY, 1_000, "/api/sign_in", "other", &sig),
            "another error"
        );
        assert!(
            !verify(KEY, 1_000, "/api/register", "eyJ4Ijp9", &sig),
            "another function"
        );
        assert!(!verify(
            b"another key",
            1_000,
            "/api/sign_in",
            "eyJ4Ijp9",
            &sig
        ));
        for forged in [
            "",
            "1000",
            "1000.zz",
            "x.00",
            &sig.replace("1000.", "1001."),
        ] {
            assert!(
                !verify(KEY, 1_000, "/api/sign_in", "eyJ4Ijp9", forged),
                "{forged}"
            );
        }
    }

    #[test]
    fn a_location_keeps_its_values_and_gets_a_signature() {
        let signed = signed_location(
            "/sign-in?email=a%40b.example&__path=%2Fapi%2Fsign_in&__err=abc",
            Some(KEY),
        )
        .unwrap();
        assert!(
            signed.starts_with(
                "/sign-in?email=a%40b.example&__path=%2Fapi%2Fsign_in&__err=abc&__sig="
            ),
            "{signed}"
        );
        let absolute = signed_location("http://h.example/x?__path=p&__err=e", Some(KEY)).unwrap();
        assert!(
            absolute.starts_with("http://h.example/x?__path=p&__err=e&__sig="),
            "{absolute}"
        );
        // A second failure: the earlier error is replaced by the new one.
        let again = signed_location(
            "/x?__path=p&__err=old&__sig=1.00&__path=p&__err=new",
            Some(KEY),
        )
        .unwrap();
        assert!(again.starts_with("/x?__path=p&__err=new&__sig="), "{again}");
        assert!(unambiguous(&pairs(again.split_once('?').unwrap().1)));
        assert!(!unambiguous(&pairs("__err=a&__err=b")));
        // Without a key the error is left out rather than sent unsigned.
        assert_eq!(
            signed_location("/sign-in?email=x&__path=p&__err=e", None).unwrap(),
            "/sign-in?email=x"
        );
    }
}
