//! Rapport: a self-service customer support portal.
//!
//! The Leptos application, one crate for both sides: compiled with `ssr` for
//! the server (pages rendered there, server functions run there, and `web/`,
//! the glue to axum and the core's services), and with `hydrate` to wasm for
//! the browser. The types both sides exchange are `rapport_types`; the
//! services behind the server functions are `rapport_core` (server only).
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod context;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod web;

/// The browser entry point: hydrate the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // A marker for tests (and curious people): from here on, the page is interactive.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}
