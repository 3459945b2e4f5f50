use crate::context::use_auth;
use leptos::prelude::*;
use rapport_types::views::auth::{Capability, UserSummary};

/// The links a person sees in the header: what their capabilities (computed
/// by the server's policy) lead to.
pub fn navigation_for(user: Option<&UserSummary>) -> Vec<(&'static str, &'static str)> {
    let Some(user) = user else {
        return vec![
            ("/", "Home"),
            ("/kb", "Knowledge base"),
            ("/workshops", "Workshops"),
            ("/sign-in", "Sign in"),
            ("/register", "Register"),
        ];
    };
    let can = |capability| user.can.has(capability);
    let links = [
        (true, "/dashboard", "Dashboard"),
        (can(Capability::OpenCases), "/cases", "Cases"),
        (can(Capability::WorkCases), "/queue", "Queue"),
        (can(Capability::SeeTeamReports), "/reports", "Reports"),
        (can(Capability::SeeOrders), "/orders", "Orders"),
        (
            can(Capability::RegisterForWorkshops),
            "/workshops",
            "Workshops",
        ),
        (
            can(Capability::ManageOrganization),
            "/organization",
            "Organization",
        ),
        (
            can(Capability::SeeServiceReport),
            "/organization/report",
            "Service report",
        ),
        (can(Capability::ManageUsers), "/admin/users", "Users"),
        (
            can(Capability::ManageUsers),
            "/admin/organizations",
            "Organizations",
        ),
        (can(Capability::ManageUsers), "/admin/mail", "Incoming mail"),
        (
            can(Capability::ManageServiceLevels),
            "/admin/sla",
            "Service levels",
        ),
        (can(Capability::WriteArticles), "/write", "Write"),
        (
            can(Capability::WriteArticles),
            "/write/insights",
            "Insights",
        ),
        (true, "/kb", "Knowledge base"),
        (true, "/account", "Account"),
    ];
    links
        .into_iter()
        .filter(|(shown, _, _)| *shown)
        .map(|(_, href, label)| (href, label))
        .collect()
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"R"</span>
                "Rapport"
            </a>
            <crate::components::search_box::HeaderSearch/>
            <Transition fallback=|| view! { <nav aria-label="Main" class="main-nav"></nav> }>
                {move || Suspend::new(async move {
                    let user = auth.user.await.ok().flatten();
                    let links = navigation_for(user.as_ref())
                        .into_iter()
                        .map(|(href, label)| view! { <li><a href=href>{label}</a></li> })
                        .collect_view();
                    let who = user.map(|u| {
                        view! {
                            <div class="who">
                                <span class="who-name">{u.display_name}</span>
                                <span class="badge">{u.role.label()}</span>
                                <ActionForm action=auth.sign_out attr:class="inline-form">
                                    <button type="submit" class="link-button">"Sign out"</button>
                                </ActionForm>
                            </div>
                        }
                    });
                    view! {
                        <nav aria-label="Main" class="main-nav">
                            <ul>{links}</ul>
                        </nav>
                        {who}
                    }
                })}
            </Transition>
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_types::views::auth::Capabilities;
    use rapport_types::Role;

    fn labels(user: Option<&UserSummary>) -> Vec<&'static str> {
        navigation_for(user).into_iter().map(|(_, l)| l).collect()
    }

    fn user(can: Capabilities) -> UserSummary {
        UserSummary {
            id: 1,
            email: "a@example.com".into(),
            display_name: "A".into(),
            role: Role::Customer,
            organization_name: None,
            time_zone: None,
            can,
        }
    }

    // Which role gets which links is tested with the real policy in the
    // integration tests (`navigation_follows_the_policy`).
    #[test]
    fn links_follow_capabilities_not_roles() {
        assert_eq!(
            labels(None),
            ["Home", "Knowledge base", "Workshops", "Sign in", "Register"]
        );
        assert_eq!(
            labels(Some(&user(Capabilities::default()))),
            ["Dashboard", "Knowledge base", "Account"]
        );
        let writer = Capabilities::default().with(Capability::WriteArticles, true);
        assert_eq!(
            labels(Some(&user(writer))),
            [
                "Dashboard",
                "Write",
                "Insights",
                "Knowledge base",
                "Account"
            ]
        );
    }
}
