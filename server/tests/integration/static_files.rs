//! The bundle and stylesheet as a browser gets them: under their fingerprinted
//! names, precompressed, cached for a year; the pages that name them, never.

use crate::common::TestApp;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING};
use sqlx::PgPool;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A site as `cargo xtask build` leaves it, with made-up content: each file,
/// its `.br` and `.gz` copies (told apart by their bytes), and the list.
fn built_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for file in [
        "rapport.0123456789abcdef.js",
        "rapport.0123456789abcdef_bg.wasm",
        "rapport.fedcba9876543210.css",
    ] {
        std::fs::write(pkg.join(file), format!("plain {file}")).unwrap();
        std::fs::write(pkg.join(format!("{file}.br")), format!("brotli {file}")).unwrap();
        std::fs::write(pkg.join(format!("{file}.gz")), format!("gzip {file}")).unwrap();
    }
    std::fs::write(
        pkg.join("assets.txt"),
        "bundle: rapport.0123456789abcdef\nstylesheet: rapport.fedcba9876543210.css\n",
    )
    .unwrap();
    site
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn pages_link_the_fingerprinted_files_and_are_never_cached(pool: PgPool) {
    let site = built_site();
    let root = site.path().to_path_buf();
    let app = TestApp::spawn_empty_with(pool, |config| config.site_root = root).await;
    let page = app.bare().get(app.url("/")).send().await.unwrap();
    assert_eq!(page.headers()[CACHE_CONTROL], "no-store");
    let html = page.text().await.unwrap();
    for linked in [
        "href=\"/pkg/rapport.fedcba9876543210.css\"",
        "href=\"/pkg/rapport.0123456789abcdef.js\"",
        "href=\"/pkg/rapport.0123456789abcdef_bg.wasm\"",
    ] {
        assert!(html.contains(linked), "the page links {linked}");
    }
    assert!(!html.contains("/pkg/rapport.css"), "no plain name is left");

    // A refusal or a missing page is HTML too, and is not cached either.
    let missing = app
        .bare()
        .get(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()[CACHE_CONTROL], "no-store");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn files_come_precompressed_as_the_browser_accepts_and_are_kept_for_a_year(pool: PgPool) {
    let site = built_site();
    let root = site.path().to_path_buf();
    let app = TestApp::spawn_empty_with(pool, |config| config.site_root = root).await;
    let wasm = "rapport.0123456789abcdef_bg.wasm";
    for (accepts, encoding, body) in [
        ("br, gzip", Some("br"), format!("brotli {wasm}")),
        ("gzip", Some("gzip"), format!("gzip {wasm}")),
        ("identity", None, format!("plain {wasm}")),
    ] {
        let response = app
            .bare()
            .get(app.url(&format!("/pkg/{wasm}")))
            .header(ACCEPT_ENCODING, accepts)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{accepts}");
        assert_eq!(response.headers()[CACHE_CONTROL], IMMUTABLE, "{accepts}");
        assert_eq!(response.headers()["vary"], "accept-encoding", "{accepts}");
        assert_eq!(
            response
                .headers()
                .get(CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accepts}"
        );
        assert_eq!(response.headers()["content-type"], "application/wasm");
        assert_eq!(response.text().await.unwrap(), body, "{accepts}");
    }

    // A name that is not there is a 404, and nothing to keep.
    let missing = app
        .bare()
        .get(app.url("/pkg/rapport.0000000000000000.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()[CACHE_CONTROL], "no-cache");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_bundle_built_by_hand_keeps_its_plain_names_and_is_revalidated(pool: PgPool) {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/rapport.css"), "body {}").unwrap();
    let root = site.path().to_path_buf();
    let app = TestApp::spawn_empty_with(pool, |config| config.site_root = root).await;
    let html = app
        .bare()
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("href=\"/pkg/rapport.css\""));
    assert!(html.contains("href=\"/pkg/rapport_bg.wasm\""));
    let css = app
        .bare()
        .get(app.url("/pkg/rapport.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()[CACHE_CONTROL], "no-cache");
}
