//! The demo: a few customer organizations and one person in every role, so a new
//! installation can be tried at once. Only ever written into an empty database.

use super::auth::hash_password;
use super::db;
use crate::domain::{AppError, DisplayName, Email, OrganizationName, Password, Role};
use sqlx::PgPool;

/// The password of every demo account. Demo data only: `serve` never seeds.
pub const DEMO_PASSWORD: &str = "rapport-demo";

pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub organization: Option<&'static str>,
}

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "admin@rapport.example",
        name: "Ada Admin",
        role: Role::Admin,
        organization: None,
    },
    DemoAccount {
        email: "agent@rapport.example",
        name: "Sam Agent",
        role: Role::Agent,
        organization: None,
    },
    DemoAccount {
        email: "trainer@rapport.example",
        name: "Tess Trainer",
        role: Role::Trainer,
        organization: None,
    },
    DemoAccount {
        email: "olivia@northwind.example",
        name: "Olivia Northwind",
        role: Role::CustomerAdmin,
        organization: Some("Northwind Traders"),
    },
    DemoAccount {
        email: "nick@northwind.example",
        name: "Nick Northwind",
        role: Role::Customer,
        organization: Some("Northwind Traders"),
    },
    DemoAccount {
        email: "carla@acme.example",
        name: "Carla Acme",
        role: Role::CustomerAdmin,
        organization: Some("Acme Robotics"),
    },
    DemoAccount {
        email: "ahmed@acme.example",
        name: "Ahmed Acme",
        role: Role::Customer,
        organization: Some("Acme Robotics"),
    },
    DemoAccount {
        email: "greta@globex.example",
        name: "Greta Globex",
        role: Role::CustomerAdmin,
        organization: Some("Globex Logistics"),
    },
];

/// Seed the demo into an empty database. Returns false (and writes nothing)
/// when there are users already.
pub async fn seed_demo(pool: &PgPool) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    // Serialise concurrent seeders; then check emptiness inside the transaction.
    sqlx::query("LOCK TABLE users IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    if users > 0 {
        return Ok(false);
    }
    let password = Password::parse("password", DEMO_PASSWORD)?;
    let hash = hash_password(&password).await?;
    for account in DEMO_ACCOUNTS {
        let organization_id = match account.organization {
            Some(name) => {
                let name = OrganizationName::parse("organization", name)?;
                Some(
                    match db::organizations::find_by_name(&mut *tx, &name).await? {
                        Some(id) => id,
                        None => db::organizations::create(&mut *tx, &name).await?,
                    },
                )
            }
            None => None,
        };
        db::users::create(
            &mut *tx,
            db::users::NewUser {
                email: &Email::parse("email", account.email)?,
                display_name: &DisplayName::parse("name", account.name)?,
                role: account.role,
                organization_id,
                password_hash: &hash,
            },
        )
        .await?;
    }
    seed_demo_cases(&mut tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// (subject, requester, category, priority, status, assignee, days ago, description, thread)
/// where the thread is (author, internal, body) in order.
type DemoCase = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    i32,
    &'static str,
    &'static [(&'static str, bool, &'static str)],
);

const AGENT: &str = "agent@rapport.example";

const DEMO_CASES: &[DemoCase] = &[
    ("Cannot export the monthly report to CSV", "nick@northwind.example", "Technical problem", "high", "open", Some(AGENT), 2,
     "When I click **Export → CSV** on the monthly report nothing happens. It worked last month.\n\nBrowser: Firefox 128.",
     &[(AGENT, false, "Thanks Nick. Could you tell me roughly how many rows the report has? Very large exports run in the background."),
       ("nick@northwind.example", false, "About 40,000 rows."),
       (AGENT, true, "Reproduced with 40k rows: the export job times out. Raised with engineering.")]),
    ("Invoice shows the wrong VAT rate", "olivia@northwind.example", "Invoices and payment", "normal", "pending", Some(AGENT), 5,
     "Our last invoice charges 20% VAT, but we are VAT-registered in Ireland and should be reverse-charged.",
     &[(AGENT, false, "Hello Olivia, could you send us your VAT number so we can correct the invoice?")]),
    ("How do I invite a colleague?", "ahmed@acme.example", "Getting started", "low", "solved", Some(AGENT), 10,
     "I would like my colleague to see our cases too. How do I add them?",
     &[(AGENT, false, "Your organization's admin (Carla) can create an invitation link under **Organization → Invite a colleague**. The link works once, for 7 days.")]),
    ("Delivery of our last order is late", "carla@acme.example", "Orders and delivery", "high", "new", None, 0,
     "The order we placed two weeks ago has still not arrived. The tracking page has not changed for five days.",
     &[]),
    ("Password reset e-mail never arrives", "greta@globex.example", "Account and access", "urgent", "open", Some(AGENT), 1,
     "I asked for a password reset three times and no e-mail arrived, not even in the spam folder.",
     &[(AGENT, true, "Their mail server rejects our sender domain; checking SPF with the customer's IT."),
       (AGENT, false, "We are looking into it: your mail server seems to refuse our messages. Could your IT team check that mail from rapport.example is allowed?")]),
    ("Feature request: dark mode", "nick@northwind.example", "Other", "low", "closed", Some(AGENT), 30,
     "Would it be possible to have a dark theme? Our support desk works late.",
     &[(AGENT, false, "Thank you for the suggestion, we have passed it to the product team.")]),
    ("Uploads over 10 MB fail", "carla@acme.example", "Technical problem", "normal", "on_hold", Some(AGENT), 3,
     "Uploading our product catalogue (12 MB) ends with an error after a minute.",
     &[(AGENT, true, "Waiting for the storage team to raise the limit."),
       (AGENT, false, "We are waiting for a change on our side and will come back to you this week.")]),
    ("Where do I find the training calendar?", "greta@globex.example", "Getting started", "normal", "new", None, 0,
     "Our new team members would like to join a workshop. Where can we see the dates?",
     &[]),
];

async fn user_by_email(
    tx: &mut sqlx::PgConnection,
    email: &str,
) -> Result<(i64, Option<i64>), AppError> {
    db::users::id_by_email(tx, email)
        .await?
        .ok_or_else(|| super::internal(format!("demo user {email} is missing")))
}

async fn seed_demo_cases(tx: &mut sqlx::PgConnection) -> Result<(), AppError> {
    use super::db::cases as case_db;
    let categories = case_db::categories(&mut *tx).await?;
    for (subject, requester, category, priority, status, assignee, days, description, thread) in
        DEMO_CASES
    {
        let (requester_id, organization_id) = user_by_email(&mut *tx, requester).await?;
        let category_id = categories
            .iter()
            .find(|(_, name)| name == category)
            .map(|(id, _)| *id)
            .ok_or_else(|| super::internal(format!("demo category {category} is missing")))?;
        let (case_id, _) = case_db::create(
            &mut *tx,
            case_db::NewCase {
                subject,
                description,
                category_id,
                priority,
                requester_id,
                organization_id: organization_id.unwrap_or_default(),
            },
        )
        .await?;
        let mut last_speaker = None;
        for (author, internal, body) in thread.iter() {
            let (author_id, _) = user_by_email(&mut *tx, author).await?;
            case_db::add_message(&mut *tx, case_id, author_id, *internal, body).await?;
            if !internal {
                last_speaker = Some(if *author == AGENT {
                    "agent"
                } else {
                    "customer"
                });
            }
        }
        let assignee_id = match assignee {
            Some(email) => Some(user_by_email(&mut *tx, email).await?.0),
            None => None,
        };
        let change = case_db::CaseChange {
            status,
            priority,
            category_id,
            assignee_id,
            public_speaker: last_speaker,
        };
        case_db::update(&mut *tx, case_id, 1, change).await?;
        if *status == "solved" {
            case_db::rate(&mut *tx, case_id, 5, "Quick and clear, thank you!").await?;
        }
        case_db::backdate(&mut *tx, case_id, *days).await?;
    }
    Ok(())
}
