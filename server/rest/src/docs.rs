//! The OpenAPI document (`/api/v1/openapi.json`) and a reference page made
//! from it on the server (`/developers/api`): no script or asset from
//! elsewhere, readable without JavaScript.

use app::web::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{OpenApi, RefOr};

/// The document, as served.
#[utoipa::path(get, path = "/openapi.json", tag = "Tokens",
    responses((status = 200, description = "This document (OpenAPI 3.1)")))]
pub async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::document_json(),
    )
        .into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The reference page: each endpoint with its scope, parameters, body and answers.
pub async fn reference_page(State(state): State<AppState>) -> Html<String> {
    Html(reference_html(
        &crate::document(),
        &state.assets.stylesheet_href(),
    ))
}

fn operations(doc: &OpenApi) -> Vec<(String, &'static str, &Operation)> {
    let mut all = Vec::new();
    for (path, item) in &doc.paths.paths {
        let methods: [(&'static str, &Option<Operation>); 5] = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in methods {
            if let Some(op) = op {
                all.push((path.clone(), method, op));
            }
        }
    }
    all
}

fn reference_html(doc: &OpenApi, stylesheet: &str) -> String {
    let mut body = String::new();
    let mut current_tag = String::new();
    for (path, method, op) in operations(doc) {
        let tag = op
            .tags
            .as_ref()
            .and_then(|t| t.first().cloned())
            .unwrap_or_default();
        if tag != current_tag {
            body.push_str(&format!("<h2>{}</h2>\n", escape(&tag)));
            current_tag = tag;
        }
        let scope = rapport_core::policy::api::endpoint_for(method, &path)
            .and_then(|e| e.scope)
            .map_or("any token".to_string(), |s| {
                format!("scope <code>{}</code>", s.as_str())
            });
        body.push_str(&format!(
            "<section class=\"api-endpoint\"><h3><code>{method} /api/v1{}</code></h3>\n<p class=\"muted\">{}</p>\n",
            escape(&path),
            if path == "/openapi.json" { "no token".to_string() } else { scope },
        ));
        if let Some(summary) = &op.summary {
            body.push_str(&format!("<p>{}</p>\n", escape(summary)));
        }
        if let Some(description) = &op.description {
            body.push_str(&format!("<p>{}</p>\n", escape(description)));
        }
        if let Some(params) = &op.parameters {
            body.push_str("<dl>\n");
            for p in params {
                let place = match p.parameter_in {
                    ParameterIn::Path => "in the path",
                    ParameterIn::Query => "in the query",
                    ParameterIn::Header => "a header",
                    ParameterIn::Cookie => "a cookie",
                };
                body.push_str(&format!(
                    "<dt><code>{}</code> ({place})</dt><dd>{}</dd>\n",
                    escape(&p.name),
                    escape(p.description.as_deref().unwrap_or(""))
                ));
            }
            body.push_str("</dl>\n");
        }
        if let Some(RefOr::T(request)) = op.request_body.as_ref().map(|b| RefOr::T(b.clone())) {
            for (media, content) in &request.content {
                let schema = match &content.schema {
                    Some(RefOr::Ref(r)) => {
                        r.ref_location.rsplit('/').next().unwrap_or("").to_string()
                    }
                    _ => String::new(),
                };
                body.push_str(&format!(
                    "<p>Body: <code>{}</code> {}</p>\n",
                    escape(media),
                    if schema.is_empty() {
                        String::new()
                    } else {
                        format!("(<a href=\"#schema-{0}\">{0}</a>)", escape(&schema))
                    }
                ));
            }
        }
        body.push_str("<ul>\n");
        for (status, response) in &op.responses.responses {
            let description = match response {
                RefOr::T(r) => r.description.clone(),
                RefOr::Ref(r) => r.ref_location.clone(),
            };
            body.push_str(&format!(
                "<li><code>{}</code> {}</li>\n",
                escape(status),
                escape(&description)
            ));
        }
        body.push_str("</ul></section>\n");
    }
    if let Some(components) = &doc.components {
        body.push_str("<h2>Types</h2>\n");
        let json = serde_json::to_value(&components.schemas).unwrap_or_default();
        if let Some(schemas) = json.as_object() {
            for (name, schema) in schemas {
                body.push_str(&format!(
                    "<section class=\"api-schema\" id=\"schema-{0}\"><h3>{0}</h3>\n<pre>{1}</pre></section>\n",
                    escape(name),
                    escape(&serde_json::to_string_pretty(schema).unwrap_or_default())
                ));
            }
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Rapport API reference</title><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"{stylesheet}\"></head>\
<body><main class=\"page api-reference\"><p><a href=\"/\">Rapport</a></p><h1>Rapport API reference</h1>\
<p>Version {version}. Every call but the document itself takes a token: \
<code>Authorization: Bearer rpt_…</code>. Make one under Account › API tokens. \
Errors come as <code>application/problem+json</code> naming the field; lists page with \
<code>next_cursor</code>; each token has a rate limit, told in the \
<code>RateLimit-*</code> headers. The machine-readable description is \
<a href=\"/api/v1/openapi.json\">openapi.json</a>.</p>\n{body}</main></body></html>",
        version = escape(&doc.info.version),
    )
}
