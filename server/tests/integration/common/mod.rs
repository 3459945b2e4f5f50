//! A real server on a free port, over a fresh database from `#[sqlx::test]`,
//! talked to with an HTTP client as a browser or a script would.
#![allow(dead_code)]

pub mod api;
pub mod dovecot;
pub mod fixtures;
pub mod smtp_sink;

use app::api::auth::{CurrentUser, SignIn};
use app::web::AppState;
use leptos::server_fn::serde::Serialize;
use leptos::server_fn::ServerFn;
use rapport_core::config::MailTransport;
use rapport_core::site::SiteLinks;
use rapport_core::{Backend, Config};
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION, REFERER};
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use sqlx::PgPool;

pub const DEMO_PASSWORD: &str = rapport_demo::seed::DEMO_PASSWORD;

/// A request that takes longer than this fails the test with a clear error
/// instead of waiting for ever.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

pub struct TestApp {
    pub base: String,
    /// The server's search index (to wait until it has caught up).
    pub search: rapport_search::SearchIndex,
    pub pool: PgPool,
    /// The folder the server's mail sender writes mail into (.eml files).
    pub mail_dir: tempfile::TempDir,
    /// The folder the server keeps attachment files in.
    pub attachments_dir: tempfile::TempDir,
    /// The folder of the server's search index.
    pub index_dir: tempfile::TempDir,
    /// Links to the server's pages, as its mails write them.
    pub links: SiteLinks,
}

impl TestApp {
    /// Start the router on port 0 against `pool`, with the whole demo seeded
    /// (people, cases, orders, workshops): for tests about the demo's content.
    pub async fn spawn(pool: PgPool) -> TestApp {
        TestApp::spawn_with(pool, |_| {}).await
    }

    /// `spawn`, with settings changed by `configure`.
    pub async fn spawn_with(pool: PgPool, configure: impl FnOnce(&mut Config)) -> TestApp {
        rapport_demo::seed::seed_demo(&pool)
            .await
            .expect("seeding the demo");
        TestApp::spawn_empty_with(pool, configure).await
    }

    /// Start the router on port 0 against `pool` as the migrations leave it:
    /// the test writes what it needs with `fixtures`.
    pub async fn spawn_empty(pool: PgPool) -> TestApp {
        TestApp::spawn_empty_with(pool, |_| {}).await
    }

    /// `spawn_empty`, with settings changed by `configure`.
    pub async fn spawn_empty_with(pool: PgPool, configure: impl FnOnce(&mut Config)) -> TestApp {
        TestApp::spawn_empty_until(pool, configure, std::future::pending())
            .await
            .0
    }

    /// `spawn_empty_with`, serving until `shutdown` completes; the handle
    /// ends when the server has stopped.
    pub async fn spawn_empty_until(
        pool: PgPool,
        configure: impl FnOnce(&mut Config),
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> (TestApp, tokio::task::JoinHandle<std::io::Result<()>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // Mail goes into a temporary folder, never into the source tree, and is
        // sent promptly so a test can look for it.
        let mail_dir = tempfile::tempdir().expect("a temporary mail folder");
        let attachments_dir = tempfile::tempdir().expect("a temporary attachments folder");
        let index_dir = tempfile::tempdir().expect("a temporary search index folder");
        let mut config = Config {
            addr,
            attachments_dir: attachments_dir.path().to_path_buf(),
            mail_transport: MailTransport::Folder(mail_dir.path().to_path_buf()),
            mail_poll_interval: std::time::Duration::from_millis(200),
            index_dir: index_dir.path().to_path_buf(),
            ..Config::default()
        };
        configure(&mut config);
        let search = rapport_core::search_sync::open_and_refresh(&pool, &config.index_dir)
            .await
            .expect("opening the search index");
        let state = AppState::new(Backend::new(config, pool.clone(), search.clone()));
        let links = state.links.clone();
        let served = tokio::spawn(server::serve(state, listener, shutdown));
        let app = TestApp {
            base: format!("http://{addr}"),
            search,
            pool,
            mail_dir,
            attachments_dir,
            index_dir,
            links,
        };
        (app, served)
    }

    /// How many articles the server's search index holds now.
    pub fn search_index_count(&self) -> u64 {
        self.search.doc_count()
    }

    /// A client that keeps cookies, like a browser, and does not follow redirects.
    pub fn browser(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .unwrap()
    }

    /// A client without a cookie jar: cookies only go where a test puts them.
    pub fn bare(&self) -> Client {
        Client::builder()
            .redirect(Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Call a server function the way the hydrated app does, with its typed
    /// arguments (`app::api::cases::CaseDetail { .. }`): a renamed or retyped
    /// argument breaks the test at compile time, not at run time.
    pub async fn invoke<F>(&self, client: &Client, args: F) -> Response
    where
        F: ServerFn + Serialize,
    {
        // What server_fn's `PostUrl` encoding sends and reads back.
        let body = serde_qs::to_string(&args).expect("server function arguments encode");
        client
            .post(self.url(F::PATH))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Call a server function by name with a form of strings: for the tests
    /// that send what the typed arguments cannot (missing, extra or malformed
    /// fields), and for the functions that take files. Those get the form as
    /// multipart data, as the app sends it.
    pub async fn call(&self, client: &Client, name: &str, form: &[(&str, &str)]) -> Response {
        if MULTIPART_FUNCTIONS.contains(&name) {
            return self.call_multipart(client, name, form, &[]).await;
        }
        client
            .post(self.url(&format!("/api/{name}")))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(encode(form))
            .send()
            .await
            .unwrap()
    }

    /// Call a server function that takes multipart form data (text fields and
    /// files, each file as (file name, bytes)), the way the hydrated app does.
    pub async fn call_multipart(
        &self,
        client: &Client,
        name: &str,
        form: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> Response {
        client
            .post(self.url(&format!("/api/{name}")))
            .header(ACCEPT, "application/json")
            .multipart(multipart(form, files))
            .send()
            .await
            .unwrap()
    }

    /// Files in the attachment folder (none are left behind by a refused upload).
    pub fn stored_files(&self) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(self.attachments_dir.path())
            .map(|dir| dir.map(|entry| entry.unwrap().path()).collect())
            .unwrap_or_default()
    }

    pub async fn sign_in(&self, client: &Client, email: &str, password: &str) -> Response {
        self.invoke(
            client,
            SignIn {
                email: email.to_string(),
                password: password.to_string(),
                next: None,
            },
        )
        .await
    }

    /// A browser signed in as `email` with the demo password.
    pub async fn signed_in(&self, email: &str) -> Client {
        let client = self.browser();
        let response = self.sign_in(&client, email, DEMO_PASSWORD).await;
        assert_eq!(response.status(), 200, "signing in as {email}");
        client
    }

    /// The signed-in user's e-mail as the server sees it, or None.
    pub async fn whoami(&self, client: &Client) -> Option<String> {
        let response = self.invoke(client, CurrentUser {}).await;
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        body.get("email")
            .and_then(|e| e.as_str())
            .map(str::to_owned)
    }
}

/// The server functions that take multipart form data (forms with files).
pub const MULTIPART_FUNCTIONS: [&str; 2] = ["create_case", "reply_to_case"];

/// A multipart form: text fields, then files in the `attachments` input. The
/// browser's content type is deliberately odd: the server decides by extension.
pub fn multipart(form: &[(&str, &str)], files: &[(&str, &[u8])]) -> reqwest::multipart::Form {
    // File names go as UTF-8, as browsers send them.
    let mut multipart = reqwest::multipart::Form::new().percent_encode_noop();
    for (name, value) in form {
        multipart = multipart.text(name.to_string(), value.to_string());
    }
    for (file_name, bytes) in files {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec())
            .file_name(file_name.to_string())
            .mime_str("application/x-anything")
            .unwrap();
        multipart = multipart.part("attachments", part);
    }
    multipart
}

/// A server function's typed arguments posted as a plain HTML form (no
/// JavaScript) from the page `from`: the answer is a redirect.
pub async fn plain_form_post<F>(app: &TestApp, client: &Client, args: F, from: &str) -> Response
where
    F: ServerFn + Serialize,
{
    client
        .post(app.url(F::PATH))
        .header(ACCEPT, "text/html")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(REFERER, app.url(from))
        .body(serde_qs::to_string(&args).unwrap())
        .send()
        .await
        .unwrap()
}

/// Where a redirect sends the browser.
pub fn location(response: &Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_string()
}

/// The body of a page, fetched with GET as `client`.
pub async fn page_text(client: &Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

pub fn encode(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the session cookie a response sets, if any.
pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("rapport_session="))
        .map(str::to_owned)
}

pub fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

impl TestApp {
    /// The mails queued for `address` so far, oldest first: (subject, body).
    pub async fn mails_to(&self, address: &str) -> Vec<(String, String)> {
        sqlx::query_as(
            "SELECT subject, body FROM outbound_mails
             WHERE lower(to_address) = lower($1) ORDER BY id",
        )
        .bind(address)
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }
}

/// The token of the link to `path` in a mail's body (`…/path?token=…`).
pub fn link_token(body: &str, path: &str) -> String {
    let marker = format!("{path}?token=");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no link to {path} in {body}"))
        + marker.len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}
