//! Calling the REST API as another system would: a token and JSON.

use super::TestApp;
use rapport_core::policy::Actor;
use rapport_core::time_zones::ReaderZone;
use rapport_core::Reader;
use rapport_types::views::api_tokens::NewApiToken;
use rapport_types::Role;
use reqwest::{Method, Response};
use serde_json::Value;

/// A token of the person with `email`, with `scopes` ("cases:read", ...),
/// made through the same service as the account page.
pub async fn token(app: &TestApp, email: &str, scopes: &[&str]) -> String {
    let (id, role, organization_id): (i64, String, Option<i64>) =
        sqlx::query_as("SELECT id, role, organization_id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&app.pool)
            .await
            .unwrap_or_else(|e| panic!("no user {email}: {e}"));
    let reader = Reader::new(
        Some(Actor {
            user_id: id,
            role: Role::parse(&role).unwrap(),
            organization_id,
        }),
        ReaderZone::utc(),
    );
    let form = NewApiToken {
        name: format!("test token of {email}"),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        expires_on: String::new(),
    };
    rapport_core::api_tokens::create(&reader, &app.pool, &form)
        .await
        .unwrap_or_else(|e| panic!("a token for {email} with {scopes:?}: {e}"))
        .secret
}

/// A client of `/api/v1` with one token (or none).
pub struct Api {
    base: String,
    token: Option<String>,
    client: reqwest::Client,
}

impl Api {
    pub fn new(app: &TestApp, token: Option<&str>) -> Api {
        Api {
            base: app.url("/api/v1"),
            token: token.map(str::to_string),
            client: app.bare(),
        }
    }

    /// A request to `path` (below `/api/v1`) with the token, and a JSON body if given.
    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Response {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("the API answers")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.send(Method::DELETE, path, None).await
    }

    /// GET `path`, which must answer 200, as JSON.
    pub async fn json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap()
    }
}

/// The status and problem document of a refused call, checking its media type.
pub async fn problem(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert_eq!(content_type, "application/problem+json", "status {status}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    (status, body)
}
