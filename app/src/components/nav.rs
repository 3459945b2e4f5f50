use crate::app::use_auth;
use leptos::prelude::*;
use rapport_types::views::auth::UserSummary;
use rapport_types::Role;

/// The links a person sees in the header, by role.
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
    let mut links = vec![("/dashboard", "Dashboard")];
    match user.role {
        Role::Customer => {
            links.push(("/cases", "Cases"));
            links.push(("/orders", "Orders"));
            links.push(("/workshops", "Workshops"));
        }
        Role::CustomerAdmin => {
            links.push(("/cases", "Cases"));
            links.push(("/orders", "Orders"));
            links.push(("/workshops", "Workshops"));
            links.push(("/organization", "Organization"));
        }
        Role::Agent => {
            links.push(("/queue", "Queue"));
            links.push(("/orders", "Orders"));
        }
        Role::Trainer => {}
        Role::Admin => {
            links.push(("/queue", "Queue"));
            links.push(("/orders", "Orders"));
            links.push(("/admin/users", "Users"));
            links.push(("/admin/organizations", "Organizations"));
            links.push(("/admin/sla", "Service levels"));
        }
    }
    // The people who write articles: trainers, and admins.
    if matches!(user.role, Role::Trainer | Role::Admin) {
        links.push(("/write", "Write"));
        links.push(("/write/insights", "Insights"));
    }
    links.push(("/kb", "Knowledge base"));
    links.push(("/account", "Account"));
    links
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

    fn user(role: Role) -> UserSummary {
        UserSummary {
            id: 1,
            email: "a@example.com".into(),
            display_name: "A".into(),
            role,
            organization_name: None,
            time_zone: None,
        }
    }

    fn labels(user: Option<&UserSummary>) -> Vec<&'static str> {
        navigation_for(user).into_iter().map(|(_, l)| l).collect()
    }

    #[test]
    fn each_role_gets_its_navigation() {
        let table: [(Option<Role>, &[&str]); 6] = [
            (
                None,
                &["Home", "Knowledge base", "Workshops", "Sign in", "Register"],
            ),
            (
                Some(Role::Customer),
                &[
                    "Dashboard",
                    "Cases",
                    "Orders",
                    "Workshops",
                    "Knowledge base",
                    "Account",
                ],
            ),
            (
                Some(Role::CustomerAdmin),
                &[
                    "Dashboard",
                    "Cases",
                    "Orders",
                    "Workshops",
                    "Organization",
                    "Knowledge base",
                    "Account",
                ],
            ),
            (
                Some(Role::Agent),
                &["Dashboard", "Queue", "Orders", "Knowledge base", "Account"],
            ),
            (
                Some(Role::Trainer),
                &[
                    "Dashboard",
                    "Write",
                    "Insights",
                    "Knowledge base",
                    "Account",
                ],
            ),
            (
                Some(Role::Admin),
                &[
                    "Dashboard",
                    "Queue",
                    "Orders",
                    "Users",
                    "Organizations",
                    "Service levels",
                    "Write",
                    "Insights",
                    "Knowledge base",
                    "Account",
                ],
            ),
        ];
        for (role, expected) in table {
            let user = role.map(user);
            assert_eq!(labels(user.as_ref()), expected, "{role:?}");
        }
    }
}
