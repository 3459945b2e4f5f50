//! The header's links for each role, from the real policy: the capabilities
//! the server computes (`policy::capabilities`) and the links the page builds
//! from them (`navigation_for`).

use app::components::nav::navigation_for;
use rapport_core::policy::Actor;
use rapport_core::sign_in::SignedIn;
use rapport_types::views::auth::UserSummary;
use rapport_types::Role;

fn labels_for(role: Role) -> Vec<&'static str> {
    let signed_in = SignedIn {
        actor: Actor {
            user_id: 1,
            role,
            organization_id: role.is_customer().then_some(7),
        },
        email: "a@example.com".into(),
        display_name: "A".into(),
        organization_name: None,
        time_zone: None,
    };
    let user = UserSummary::from(signed_in);
    navigation_for(Some(&user))
        .into_iter()
        .map(|(_, label)| label)
        .collect()
}

#[test]
fn navigation_follows_the_policy() {
    let table: [(Role, &[&str]); 5] = [
        (
            Role::Customer,
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
            Role::CustomerAdmin,
            &[
                "Dashboard",
                "Cases",
                "Orders",
                "Workshops",
                "Organization",
                "Service report",
                "Knowledge base",
                "Account",
            ],
        ),
        (
            Role::Agent,
            &[
                "Dashboard",
                "Queue",
                "Reports",
                "Orders",
                "Knowledge base",
                "Account",
            ],
        ),
        (
            Role::Trainer,
            &[
                "Dashboard",
                "Write",
                "Insights",
                "Knowledge base",
                "Account",
            ],
        ),
        (
            Role::Admin,
            &[
                "Dashboard",
                "Queue",
                "Reports",
                "Orders",
                "Users",
                "Organizations",
                "Incoming mail",
                "Service levels",
                "Write",
                "Insights",
                "Knowledge base",
                "Account",
            ],
        ),
    ];
    for (role, expected) in table {
        assert_eq!(labels_for(role), expected, "{role:?}");
    }
}
