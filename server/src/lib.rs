//! The web server around the Rapport application: the router with its
//! middleware, the database connection and migrations.

use app::app::{shell, App};
use app::web::{assets, live, nul_bytes, redirect_errors, security, uploads, AppState};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use rapport_core::jobs::Jobs;
use rapport_core::mail::Mailer;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::str::FromStr;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

pub use rapport_core::db::MIGRATOR;

/// Bring the database up to date: the SQL migrations, then what only Rust can
/// compute from the data they leave (the report figures of cases from before
/// migration 0016: their business hours need the support calendar's clock).
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    use anyhow::Context;
    MIGRATOR.run(pool).await.context("migrating the database")?;
    let measured = rapport_core::reports::metrics::fill_missing(pool)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "measuring the existing cases for the reports: {}",
                e.chain()
            )
        })?;
    if measured > 0 {
        tracing::info!(measured, "measured the existing cases for the reports");
    }
    Ok(())
}

/// Connect to PostgreSQL, failing with a clear message if it cannot be reached.
pub async fn connect(database_url: &str) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(database_url)
        .map_err(|e| anyhow::anyhow!("DATABASE_URL is not a valid PostgreSQL URL: {e}"))?;
    PgPoolOptions::new()
        .max_connections(20)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(|e| anyhow::anyhow!("could not connect to PostgreSQL at DATABASE_URL: {e}"))
}

/// The whole application: pages, server functions, static files, the REST
/// API, and the middleware that guards them.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let config = state.config.clone();
    let sessions = SessionManagerLayer::new(PostgresStore::new(state.pool.clone()))
        .with_name("rapport_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            config.session_idle.as_secs() as i64,
        )));
    let options = state.leptos_options.clone();
    // The bundle and stylesheet, with the brotli or gzip copy the browser
    // accepts when `cargo xtask build` wrote one.
    let static_files = ServeDir::new(config.site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    let stylesheet = state.assets.stylesheet_href();
    let site = Router::new()
        .leptos_routes_with_context(&state, routes, || {}, move || shell(options.clone()))
        .route(
            "/cases/{number}/attachments/{id}",
            axum::routing::get(uploads::download),
        )
        .route(
            "/admin/mail/{id}/raw",
            axum::routing::get(app::web::mail_download::download_raw),
        )
        .route(
            "/reports/cases.csv",
            axum::routing::get(app::web::report_csv::team_cases),
        )
        .route(
            "/organization/report.csv",
            axum::routing::get(app::web::report_csv::service_cases),
        )
        .route("/events/cases", axum::routing::get(live::case_events))
        .route(
            "/developers/api",
            axum::routing::get(rapport_rest::docs::reference_page),
        )
        .nest_service("/pkg", static_files)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Inside the gate: only callers who may use the upload functions get this far.
        .layer(from_fn_with_state(
            uploads::UploadEndpoints(app::api::UPLOAD_ENDPOINTS),
            uploads::limit_uploads,
        ))
        .layer(from_fn(security::guard_server_functions))
        .layer(from_fn_with_state(state.clone(), security::resolve_user))
        .layer(sessions)
        .layer(from_fn_with_state(
            state.clone(),
            nul_bytes::refuse_nul_bytes,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            redirect_errors::signed_redirect_errors,
        ))
        .layer(from_fn(security::refuse_cross_site));
    // The REST API sits beside the site, outside its session, cross-site and
    // server-function layers: a token says who calls (`rapport_rest::door`).
    Router::new()
        .nest(rapport_rest::BASE, rapport_rest::router(state.clone()))
        .merge(site)
        .layer(TraceLayer::new_for_http().make_span_with(|req: &http::Request<_>| {
            let id = req
                .headers()
                .get(app::web::error::REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        // Compresses what is made per request; precompressed files already
        // carry their Content-Encoding and pass through untouched.
        .layer(CompressionLayer::new())
        // A bug must never drop the connection or show a stack trace: answer with a plain 500.
        .layer(CatchPanicLayer::custom(move |_| {
            let err = app::web::error::internal("a request panicked");
            app::web::error::error_page(&err, &stylesheet)
        }))
        .layer(from_fn_with_state(state.assets.clone(), assets::cache_control))
        .layer(from_fn_with_state(state.clone(), security::security_headers))
        .layer(from_fn(security::own_request_id))
        .with_state(state)
}

/// Serve until `shutdown` completes, then finish the requests in flight.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Expired sessions are removed from PostgreSQL every hour.
    let store = PostgresStore::new(state.pool.clone());
    tokio::spawn(async move {
        if let Err(err) = store
            .continuously_delete_expired(Duration::from_secs(3600))
            .await
        {
            tracing::warn!(error = %err, "the expired-session clean-up stopped");
        }
    });
    // The mail sender and the closing of solved cases. A bad mail setting stops
    // the start here, before any request is taken, with the setting's name.
    let mailer = Mailer::from_config(&state.config).map_err(|e| {
        std::io::Error::other(match e.field() {
            Some(field) => format!("{field}: {e}"),
            None => e.chain(),
        })
    })?;
    let jobs = Jobs::start(state.pool.clone(), mailer, &state.config);
    // Published, edited and archived articles reach the search index by
    // PostgreSQL notifications, from this process or any other.
    let index_updater =
        rapport_core::search_sync::spawn_updater(state.pool.clone(), state.search.clone());
    // Case changes from this process or any other, for the pages open here.
    let case_listener = rapport_core::live::spawn_listener(state.pool.clone(), state.live.clone());
    // Mail in from the IMAP mailbox, when one is configured.
    let mailbox = state
        .config
        .imap
        .clone()
        .map(|settings| rapport_core::mail_in::imap::spawn(state.backend.clone(), settings));
    // Open event streams never end by themselves: end them when stopping,
    // or the graceful shutdown would wait for them for ever.
    let live = state.live.clone();
    let shutdown = async move {
        shutdown.await;
        live.close();
    };
    let header_timeout = state.config.header_timeout;
    let app = router(state);
    let served = serve_connections(listener, app, header_timeout, shutdown).await;
    jobs.stop().await;
    index_updater.abort();
    case_listener.abort();
    if let Some(mailbox) = mailbox {
        mailbox.abort();
    }
    served
}

/// Accept connections and serve each over HTTP/1.1 until `shutdown`, then
/// stop accepting and wait for the requests in flight. Unlike `axum::serve`,
/// a connection must send its request headers within `header_timeout`
/// (counted from its opening or the end of its previous response), so slow
/// senders and idle keep-alive connections cannot hold the server's sockets.
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
    header_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait, as axum::serve does.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // The client's address, as `into_make_service_with_connect_info` gave it.
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                app.clone().oneshot(req.map(axum::body::Body::new))
            });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                // Timeouts and clients that go away are routine.
                tracing::debug!(error = %err, client = %peer, "a connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
