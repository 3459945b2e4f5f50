//! The demo: a few customer organizations and one person in every role, so a new
//! installation can be tried at once. Only ever written into an empty database.

use super::auth::hash_password;
use super::db;
use super::seed_orders::seed_orders;
use super::seed_workshops::seed_workshops;
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
    seed_orders(&mut tx).await?;
    seed_workshops(&mut tx).await?;
    seed_knowledge_activity(&mut tx).await?;
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

/// Tags of the demo cases, by subject.
const DEMO_TAGS: &[(&str, &[&str])] = &[
    (
        "Cannot export the monthly report to CSV",
        &["export", "reports"],
    ),
    ("Invoice shows the wrong VAT rate", &["billing", "vat"]),
    (
        "Password reset e-mail never arrives",
        &["e-mail", "sign-in"],
    ),
    ("Uploads over 10 MB fail", &["uploads"]),
    ("Delivery of our last order is late", &["delivery"]),
];

/// More cases, generated: every queue and filter has something to show, and
/// the case lists have more than one page.
const MORE_SUBJECTS: &[(&str, &str)] = &[
    (
        "Scanner stops after the firmware update",
        "Technical problem",
    ),
    ("Two-factor codes are rejected", "Account and access"),
    ("Credit note for returned goods", "Invoices and payment"),
    (
        "Parcel delivered to the wrong address",
        "Orders and delivery",
    ),
    ("How do I change our billing address?", "Getting started"),
    ("Dashboard loads slowly in the morning", "Technical problem"),
    ("Payment reminder although we paid", "Invoices and payment"),
    ("A colleague left: remove her access", "Account and access"),
    ("Missing item in the last delivery", "Orders and delivery"),
    ("Can we get invoices as PDF by e-mail?", "Other"),
];

/// Canned replies every agent starts with.
const DEMO_CANNED: &[(&str, &str)] = &[
    ("Ask for details", "Hello {{customer_first_name}},\n\nthank you for contacting us about {{case_number}}. Could you tell us the steps that lead to the problem, and send a screenshot if you can?\n\nBest regards,\n{{agent_name}}"),
    ("Solved, please confirm", "Hello {{customer_first_name}},\n\nwe believe {{case_number}} is solved now. If anything is still wrong, just reply and the case opens again.\n\nBest regards,\n{{agent_name}}"),
    ("Passed to engineering", "Hello {{customer_first_name}},\n\nwe have passed \u{201c}{{case_subject}}\u{201d} to our engineers and will come back to you as soon as we hear from them.\n\n{{agent_name}}"),
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
        if let Some((_, tags)) = DEMO_TAGS.iter().find(|(s, _)| s == subject) {
            let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
            case_db::set_tags(&mut *tx, case_id, &tags).await?;
        }
        finish_demo_case(&mut *tx, case_id, priority, status, *days).await?;
    }
    let customers: Vec<&str> = DEMO_ACCOUNTS
        .iter()
        .filter(|a| a.role.is_customer())
        .map(|a| a.email)
        .collect();
    const STATUSES: [&str; 6] = ["new", "open", "pending", "on_hold", "solved", "closed"];
    for n in 0..40usize {
        let (subject, category) = MORE_SUBJECTS[n % MORE_SUBJECTS.len()];
        let requester = customers[n % customers.len()];
        let priority = ["normal", "low", "high", "normal", "urgent"][n % 5];
        let days = ((n * 13) % 90) as i32;
        // Old cases are mostly settled; recent ones are in every state.
        let status = if days > 21 && n % 4 != 0 {
            ["closed", "solved", "closed"][n % 3]
        } else {
            STATUSES[(n * 7 / 3) % STATUSES.len()]
        };
        let (requester_id, organization_id) = user_by_email(&mut *tx, requester).await?;
        let category_id = categories
            .iter()
            .find(|(_, name)| name == category)
            .map(|(id, _)| *id)
            .ok_or_else(|| super::internal(format!("demo category {category} is missing")))?;
        let description = format!(
            "{subject}.\n\nThis started {days} days ago; it affects our team every day. Please have a look."
        );
        let (case_id, _) = case_db::create(
            &mut *tx,
            case_db::NewCase {
                subject,
                description: &description,
                category_id,
                priority,
                requester_id,
                organization_id: organization_id.unwrap_or_default(),
            },
        )
        .await?;
        let answered = status != "new";
        let (agent_id, _) = user_by_email(&mut *tx, AGENT).await?;
        if answered {
            case_db::add_message(
                &mut *tx,
                case_id,
                agent_id,
                false,
                "Thank you, we are looking into it and will come back to you shortly.",
            )
            .await?;
        }
        let change = case_db::CaseChange {
            status,
            priority,
            category_id,
            assignee_id: (answered && n % 3 != 0).then_some(agent_id),
            public_speaker: answered.then_some("agent"),
        };
        case_db::update(&mut *tx, case_id, 1, change).await?;
        finish_demo_case(&mut *tx, case_id, priority, status, days).await?;
    }
    let (agent_id, _) = user_by_email(&mut *tx, AGENT).await?;
    for (title, body) in DEMO_CANNED {
        db::canned::save(&mut *tx, None, title, body, agent_id).await?;
    }
    Ok(())
}

/// Move a demo case into the past and start its SLA clock from when it was opened.
async fn finish_demo_case(
    tx: &mut sqlx::PgConnection,
    case_id: i64,
    priority: &str,
    status: &str,
    days: i32,
) -> Result<(), AppError> {
    use super::db::cases as case_db;
    case_db::first_response_from_thread(&mut *tx, case_id).await?;
    let created_at = case_db::backdate(&mut *tx, case_id, days).await?;
    let due = super::sla::due_times(&mut *tx, priority, created_at).await?;
    let paused = (status == "pending").then(time::OffsetDateTime::now_utc);
    case_db::set_sla(
        &mut *tx,
        case_id,
        Some(due.first_response_due_at),
        Some(due.resolution_due_at),
        paused,
    )
    .await?;
    Ok(())
}

/// Searches of the last weeks (with and without results, some followed by a
/// case), clicks, votes and deflected cases, so the trainers' Insights page
/// has something to show. Only when the knowledge base was imported first.
async fn seed_knowledge_activity(tx: &mut sqlx::PgConnection) -> Result<(), AppError> {
    let articles: i64 = sqlx::query_scalar("SELECT count(*) FROM articles")
        .fetch_one(&mut *tx)
        .await?;
    if articles == 0 {
        return Ok(());
    }
    // (query, hits, times searched, article opened from it, followed by a case)
    const SEARCHES: &[(&str, i32, i32, Option<&str>, bool)] = &[
        ("attach file", 4, 9, Some("attach-files-to-a-case"), false),
        ("case status", 6, 7, Some("case-statuses-explained"), false),
        (
            "reset password",
            2,
            6,
            Some("your-name-password-and-sign-in"),
            true,
        ),
        (
            "invite colleague",
            3,
            5,
            Some("invite-colleagues-to-your-organization"),
            false,
        ),
        ("priority", 6, 4, Some("choose-the-right-priority"), false),
        ("export cases to excel", 0, 5, None, true),
        ("two factor authentication", 0, 4, None, true),
        ("change my e-mail address", 0, 3, None, true),
        ("api token", 0, 2, None, false),
        (
            "reopen closed case",
            2,
            3,
            Some("close-reopen-and-rate-a-case"),
            true,
        ),
    ];
    let customers: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, organization_id FROM users WHERE organization_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await?;
    if customers.is_empty() {
        return Ok(());
    }
    let mut n = 0usize;
    for (query, hits, times, opened, case_after) in SEARCHES {
        for i in 0..*times {
            n += 1;
            let (user_id, _) = customers[n % customers.len()];
            let clicked = if i % 2 == 0 { *opened } else { None };
            // A case of the same person, for searches that did not help.
            let case_id: Option<i64> = if *case_after && i % 2 == 1 {
                sqlx::query_scalar(
                    "SELECT id FROM cases WHERE requester_id = $1 ORDER BY id LIMIT 1",
                )
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?
            } else {
                None
            };
            sqlx::query(
                "INSERT INTO search_log (query, normalized, hits, source, user_id, clicked_article_id, case_id, created_at)
                 VALUES ($1, $1, $2, $3, $4, (SELECT id FROM articles WHERE slug = $5), $6,
                         now() - make_interval(days => $7, hours => $8))",
            )
            .bind(query)
            .bind(hits)
            .bind(if i % 3 == 0 { "new_case" } else { "search" })
            .bind(user_id)
            .bind(clicked)
            .bind(case_id)
            .bind((n * 7 % 25) as i32)
            .bind((n * 5 % 24) as i32)
            .execute(&mut *tx)
            .await?;
        }
    }
    // Votes on the published revisions: most helpful, some not.
    const VOTES: &[(&str, &[bool])] = &[
        ("attach-files-to-a-case", &[true, true, true, false]),
        ("case-statuses-explained", &[true, true, true]),
        ("your-name-password-and-sign-in", &[false, false, true]),
        ("orders-invoices-and-deliveries", &[false, false]),
    ];
    for (slug, votes) in VOTES {
        for (i, helpful) in votes.iter().enumerate() {
            let (user_id, _) = customers[i % customers.len()];
            sqlx::query(
                "INSERT INTO article_votes (revision_id, user_id, article_id, helpful)
                 SELECT published_revision_id, $2, id, $3 FROM articles
                  WHERE slug = $1 AND published_revision_id IS NOT NULL
                 ON CONFLICT DO NOTHING",
            )
            .bind(slug)
            .bind(user_id)
            .bind(helpful)
            .execute(&mut *tx)
            .await?;
        }
    }
    for (i, slug) in [
        "attach-files-to-a-case",
        "case-statuses-explained",
        "attach-files-to-a-case",
    ]
    .iter()
    .enumerate()
    {
        let (user_id, _) = customers[i % customers.len()];
        sqlx::query(
            "INSERT INTO deflections (article_id, user_id, query, created_at)
             SELECT id, $2, $3, now() - make_interval(days => $4) FROM articles WHERE slug = $1",
        )
        .bind(slug)
        .bind(user_id)
        .bind("how do I send a screenshot")
        .bind(i as i32 * 3)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
