//! The page shell, the application root and its routes.

use crate::api::auth::{current_user, SignOut};
use crate::components::guard::Guarded;
use crate::components::nav::SiteHeader;
use crate::context::{Auth, BrowserZone};
use crate::pages::*;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::{path, SsrMode};
use rapport_types::views::auth::Capability;
use rapport_types::BROWSER_ZONE_COOKIE;

/// The HTML document around the application (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Our inline hydration script carries the nonce that the
    // Content-Security-Policy header of this response allows.
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<http::request::Parts>() {
        if let Some(nonce) = parts.extensions.get::<crate::web::security::CspNonce>() {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
        }
    }
    // The stylesheet's name carries a hash of its content (see web::assets);
    // it is linked here, in the server-rendered head, not from the App, so the
    // browser bundle never needs to know it.
    #[cfg(feature = "ssr")]
    let stylesheet = use_context::<crate::web::AppState>()
        .map(|state| state.assets.stylesheet_href())
        .unwrap_or_else(|| "/pkg/rapport.css".to_string());
    #[cfg(not(feature = "ssr"))]
    let stylesheet = "/pkg/rapport.css".to_string();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="data:,"/>
                <link rel="stylesheet" href=stylesheet/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Rapport".to_string() } else { format!("{page} · Rapport") }
        }/>
        <Router>
            <Site/>
        </Router>
    }
}

/// Unless the browser already told us, store its time zone (an IANA name such as
/// "Europe/Zurich") in a cookie for a year, so times are shown in it from the
/// next request on. The account's chosen zone, if any, still comes first.
/// Returns true when the cookie was set now, for a zone other than UTC (the
/// zone the page was drawn in without it).
fn remember_browser_zone() -> bool {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    else {
        return false;
    };
    let prefix = format!("{BROWSER_ZONE_COOKIE}=");
    let cookies = document.cookie().unwrap_or_default();
    if cookies
        .split(';')
        .any(|c| c.trim_start().starts_with(&prefix))
    {
        return false;
    }
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    let zone = js_sys::Reflect::get(&options, &wasm_bindgen::JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .filter(|z| !z.is_empty());
    if let Some(zone) = zone {
        let cookie = format!(
            "{prefix}{}; path=/; max-age=31536000; samesite=lax",
            rapport_types::urlencode(&zone)
        );
        // A browser in UTC read the first page in its own zone already:
        // nothing needs fetching again (and nothing typed meanwhile is redrawn).
        let differs = !matches!(zone.as_str(), "UTC" | "Etc/UTC");
        return document.set_cookie(&cookie).is_ok() && differs;
    }
    false
}

/// Everything inside the router.
///
/// Form actions are created by the pages themselves: without JavaScript a failed
/// form comes back with its error in the address, and an action only picks that
/// up when it is created inside the routes.
#[component]
fn Site() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let location = use_location();
    // Signing in, registering or renaming ends in a navigation, so asking again
    // on every navigation keeps the header right.
    let user = Resource::new(
        move || {
            (
                location.pathname.get(),
                location.search.get(),
                sign_out.version().get(),
            )
        },
        |_| current_user(),
    );
    provide_context(Auth { user, sign_out });
    // Effects run only in the browser: tell the server its time zone once.
    let zone = BrowserZone(RwSignal::new(0));
    provide_context(zone);
    Effect::new(move |_| {
        if remember_browser_zone() {
            zone.0.update(|n| *n += 1);
        }
    });

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <SiteHeader/>
        <main id="main" class="page">
            // Async: pages are sent complete, so they work without JavaScript
            // and can still set a status code or a redirect.
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/sign-in/two-factor") view=TwoFactorPage ssr=SsrMode::Async/>
                <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async/>
                <Route path=path!("/register/sent") view=RegistrationSentPage/>
                <Route path=path!("/register/confirm") view=ConfirmRegistrationPage ssr=SsrMode::Async/>
                <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/account/confirm-address") view=ConfirmAddressPage ssr=SsrMode::Async/>
                <Route path=path!("/dashboard") view=DashboardPage ssr=SsrMode::Async/>
                <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/account/api-tokens") view=|| view! { <Guarded need=Capability::UseApiTokens><ApiTokensPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/organization") view=|| view! { <Guarded need=Capability::ManageOrganization><OrganizationPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/cases") view=CasesPage ssr=SsrMode::Async/>
                <Route path=path!("/cases/new") view=|| view! { <Guarded need=Capability::OpenCases><NewCasePage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/cases/:number") view=CasePage ssr=SsrMode::Async/>
                <Route path=path!("/reports") view=|| view! { <Guarded need=Capability::SeeTeamReports><TeamReportsPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/organization/report") view=|| view! { <Guarded need=Capability::SeeServiceReport><ServiceReportPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/queue") view=|| view! { <Guarded need=Capability::WorkCases><AgentQueuePage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/queue/new-case") view=|| view! { <Guarded need=Capability::WorkCases><CustomerCasePage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/orders") view=OrdersPage ssr=SsrMode::Async/>
                <Route path=path!("/orders/:number") view=OrderPage ssr=SsrMode::Async/>
                <Route path=path!("/invoices") view=InvoicesPage ssr=SsrMode::Async/>
                <Route path=path!("/invoices/:number") view=InvoicePage ssr=SsrMode::Async/>
                <Route path=path!("/deliveries") view=DeliveriesPage ssr=SsrMode::Async/>
                <Route path=path!("/deliveries/:number") view=DeliveryPage ssr=SsrMode::Async/>
                <Route path=path!("/canned-replies") view=|| view! { <Guarded need=Capability::WorkCases><CannedRepliesPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
                <Route path=path!("/kb") view=KbHomePage ssr=SsrMode::Async/>
                <Route path=path!("/kb/categories/:slug") view=KbCategoryPage ssr=SsrMode::Async/>
                <Route path=path!("/kb/:slug") view=ArticlePage ssr=SsrMode::Async/>
                <Route path=path!("/workshops") view=WorkshopsPage ssr=SsrMode::Async/>
                <Route path=path!("/my-workshops") view=MyWorkshopsPage ssr=SsrMode::Async/>
                // Writing (trainers and admins). The fixed addresses come before `:id`.
                <Route path=path!("/write") view=|| view! { <Guarded need=Capability::WriteArticles><WritingListPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/write/new") view=|| view! { <Guarded need=Capability::WriteArticles><WritingEditorPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/write/insights") view=|| view! { <Guarded need=Capability::WriteArticles><InsightsPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/write/:id") view=|| view! { <Guarded need=Capability::WriteArticles><WritingEditorPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/write/:id/preview") view=|| view! { <Guarded need=Capability::WriteArticles><WritingPreviewPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/write/:id/history") view=|| view! { <Guarded need=Capability::WriteArticles><WritingHistoryPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/write/:id/sessions") view=|| view! { <Guarded need=Capability::WriteArticles><WorkshopSessionsAdminPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/reports/health") view=|| view! { <Guarded need=Capability::SeeAccountHealth><HealthPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/reports/health/:id") view=|| view! { <Guarded need=Capability::SeeAccountHealth><OrganizationHealthPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/reports/churn") view=|| view! { <Guarded need=Capability::SeeAccountHealth><ChurnPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/admin/users") view=|| view! { <Guarded need=Capability::ManageUsers><AdminUsersPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/admin/sla") view=|| view! { <Guarded need=Capability::ManageServiceLevels><AdminSlaPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/admin/organizations") view=|| view! { <Guarded need=Capability::ManageUsers><AdminOrganizationsPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/admin/webhooks") view=|| view! { <Guarded need=Capability::ManageWebhooks><AdminWebhooksPage/></Guarded> } ssr=SsrMode::Async/>
                <Route path=path!("/admin/mail") view=|| view! { <Guarded need=Capability::ManageUsers><AdminIncomingMailPage/></Guarded> } ssr=SsrMode::Async/>
            </Routes>
        </main>
        <footer class="site-footer">
            <p>"Rapport: self-service support, knowledge and training in one place."</p>
        </footer>
    }
}
