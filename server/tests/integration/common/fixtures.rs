//! Small builders for the HTTP tests: only the organizations, people and cases
//! a test needs, instead of the whole demo (`TestApp::spawn_empty`).
//!
//! They write through the core's own queries (`rapport_core::db`), the ones the
//! demo seed and the server use, so a fixture row is shaped like a real one:
//! the same password hashing, the same case numbers and versions, the same SLA
//! clock as a case opened through the site.
//!
//! The people are the demo's (`person(pool, "nick@northwind.example")`), with
//! the demo's names, roles, organizations and password, so a test reads the
//! same whether it runs on the demo or on fixtures.

use rapport_core::db;
use rapport_core::db::cases as case_db;
use rapport_core::sign_in::hash_password;
use rapport_demo::seed::{DEMO_ACCOUNTS, DEMO_PASSWORD};
use rapport_types::{DisplayName, Email, OrganizationName, Password, Role};
use sqlx::PgPool;
use std::sync::OnceLock;
use time::OffsetDateTime;

/// Someone who can sign in (with `DEMO_PASSWORD`).
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// None for company staff.
    pub organization_id: Option<i64>,
}

/// A customer organization.
#[derive(Debug, Clone)]
pub struct Organization {
    pub id: i64,
    pub name: String,
}

/// The hash of `DEMO_PASSWORD`. Hashing is slow on purpose, so every account
/// of a test process shares one hash, as the demo's accounts do.
async fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(hash) = HASH.get() {
        return hash.clone();
    }
    let password = Password::parse("password", DEMO_PASSWORD).unwrap();
    let hash = hash_password(&password).await.expect("hashing a password");
    HASH.get_or_init(|| hash).clone()
}

/// The organization called `name`, created unless it exists.
pub async fn organization(pool: &PgPool, name: &str) -> Organization {
    let parsed = OrganizationName::parse("organization", name).unwrap();
    let id = match db::organizations::find_by_name(pool, &parsed)
        .await
        .unwrap()
    {
        Some(id) => id,
        None => db::organizations::create(pool, &parsed).await.unwrap(),
    };
    Organization {
        id,
        name: name.to_string(),
    }
}

impl Organization {
    /// A customer of this organization.
    pub async fn customer(&self, pool: &PgPool, email: &str, name: &str) -> Person {
        account(pool, email, name, Role::Customer, Some(self.id)).await
    }

    /// A customer admin of this organization (sees all its cases and orders).
    pub async fn customer_admin(&self, pool: &PgPool, email: &str, name: &str) -> Person {
        account(pool, email, name, Role::CustomerAdmin, Some(self.id)).await
    }
}

/// Company staff in `role` (agent, admin or trainer, who writes articles).
pub async fn staff(pool: &PgPool, role: Role, email: &str, name: &str) -> Person {
    assert!(
        !matches!(role, Role::Customer | Role::CustomerAdmin),
        "{email}: customers belong to an organization"
    );
    account(pool, email, name, role, None).await
}

async fn account(
    pool: &PgPool,
    email: &str,
    name: &str,
    role: Role,
    organization_id: Option<i64>,
) -> Person {
    let id = db::users::create(
        pool,
        db::users::NewUser {
            email: &Email::parse("email", email).unwrap(),
            display_name: &DisplayName::parse("name", name).unwrap(),
            role,
            organization_id,
            password_hash: &password_hash().await,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("creating {email}: {e}"));
    Person {
        id,
        email: email.to_string(),
        name: name.to_string(),
        organization_id,
    }
}

/// One of the demo's people (`rapport_demo::seed::DEMO_ACCOUNTS`), with their
/// organization, and nobody else.
pub async fn person(pool: &PgPool, email: &str) -> Person {
    let demo = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.email == email)
        .unwrap_or_else(|| panic!("{email} is not one of the demo's people"));
    match &demo.organization {
        Some(name) => {
            let organization = organization(pool, name).await;
            account(pool, email, &demo.name, demo.role, Some(organization.id)).await
        }
        None => staff(pool, demo.role, email, &demo.name).await,
    }
}

/// Several of the demo's people, in the order given.
pub async fn people(pool: &PgPool, emails: &[&str]) -> Vec<Person> {
    let mut people = Vec::with_capacity(emails.len());
    for email in emails {
        people.push(person(pool, email).await);
    }
    people
}

/// A case as the test needs it: `case("nick@northwind.example", "Subject")`,
/// then the builder's settings, then `insert`. People are named by e-mail, as
/// the tests sign in; they must exist by then (`person`, `people`).
pub fn case(requester: &str, subject: &str) -> CaseBuilder {
    CaseBuilder {
        subject: subject.to_string(),
        description: format!("{subject}: please help."),
        requester: requester.to_string(),
        category: "Technical problem".into(),
        priority: "normal".into(),
        status: "new".into(),
        assignee: None,
        thread: Vec::new(),
        tags: Vec::new(),
    }
}

pub struct CaseBuilder {
    subject: String,
    description: String,
    /// E-mail addresses, here and below.
    requester: String,
    category: String,
    priority: String,
    status: String,
    assignee: Option<String>,
    /// (author, internal note, body), in order.
    thread: Vec<(String, bool, String)>,
    tags: Vec<String>,
}

/// A case written by `CaseBuilder::insert`.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: i64,
    /// As the site shows it: "C-1001".
    pub number: String,
}

impl CaseBuilder {
    pub fn description(mut self, text: &str) -> Self {
        self.description = text.to_string();
        self
    }

    /// One of the categories the migrations create, by name.
    pub fn category(mut self, name: &str) -> Self {
        self.category = name.to_string();
        self
    }

    pub fn priority(mut self, priority: &str) -> Self {
        self.priority = priority.to_string();
        self
    }

    /// new, open, pending, on_hold, solved or closed.
    pub fn status(mut self, status: &str) -> Self {
        self.status = status.to_string();
        self
    }

    pub fn assignee(mut self, agent: &str) -> Self {
        self.assignee = Some(agent.to_string());
        self
    }

    /// A public message of the thread.
    pub fn message(mut self, author: &str, body: &str) -> Self {
        self.thread
            .push((author.to_string(), false, body.to_string()));
        self
    }

    /// An internal note of the thread (staff only).
    pub fn note(mut self, author: &str, body: &str) -> Self {
        self.thread
            .push((author.to_string(), true, body.to_string()));
        self
    }

    pub fn tags(mut self, tags: &[&str]) -> Self {
        self.tags = tags.iter().map(|t| t.to_string()).collect();
        self
    }

    /// Write the case, its thread, status, assignee and tags, and start its
    /// SLA clock as opening a case does (paused while it is pending).
    pub async fn insert(self, pool: &PgPool) -> Case {
        let mut tx = pool.begin().await.unwrap();
        let (requester_id, organization_id) = user(&mut tx, &self.requester).await;
        let organization_id = organization_id.expect("a case is requested by a customer");
        let category_id = case_db::categories(&mut *tx)
            .await
            .unwrap()
            .into_iter()
            .find(|(_, name)| *name == self.category)
            .unwrap_or_else(|| panic!("no category {:?}", self.category))
            .0;
        let (id, number) = case_db::create(
            &mut *tx,
            case_db::NewCase {
                subject: &self.subject,
                description: &self.description,
                category_id,
                priority: &self.priority,
                requester_id,
                organization_id,
                channel: "portal",
            },
        )
        .await
        .unwrap();
        // Who spoke last in public: the case remembers whose turn it is.
        let mut last_speaker = None;
        for (author, internal, body) in &self.thread {
            let (author_id, organization) = user(&mut tx, author).await;
            case_db::add_message(&mut *tx, id, author_id, *internal, body)
                .await
                .unwrap();
            if !internal {
                last_speaker = Some(match organization {
                    None => "agent",
                    Some(_) => "customer",
                });
            }
        }
        let assignee_id = match &self.assignee {
            Some(email) => Some(user(&mut tx, email).await.0),
            None => None,
        };
        let change = case_db::CaseChange {
            status: &self.status,
            priority: &self.priority,
            category_id,
            assignee_id,
            public_speaker: last_speaker,
        };
        case_db::update(&mut *tx, id, 1, change)
            .await
            .unwrap()
            .expect("a new case is at version 1");
        if !self.tags.is_empty() {
            case_db::set_tags(&mut tx, id, &self.tags).await.unwrap();
        }
        case_db::first_response_from_thread(&mut *tx, id)
            .await
            .unwrap();
        let created_at: OffsetDateTime =
            sqlx::query_scalar("SELECT created_at FROM cases WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        let due = rapport_core::sla::due_times(&mut *tx, &self.priority, created_at)
            .await
            .unwrap();
        let clock = case_db::SlaClock {
            first_response_due_at: Some(due.first_response_due_at),
            resolution_due_at: Some(due.resolution_due_at),
            paused_at: (self.status == "pending").then(OffsetDateTime::now_utc),
            waited_seconds: 0,
        };
        case_db::set_sla(&mut *tx, id, clock).await.unwrap();
        // Measured for the reports, as every change to a case is.
        rapport_core::reports::metrics::record(&mut tx, id)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        Case {
            id,
            number: format!("C-{number}"),
        }
    }
}

/// Move a case's clock as if time had passed: its next SLA deadline
/// `due_in_minutes` from now (negative: past; None: no deadline), first
/// response given, and its last activity `active_minutes_ago`.
pub async fn set_clock(
    pool: &PgPool,
    number: &str,
    due_in_minutes: Option<i64>,
    active_minutes_ago: i64,
) {
    sqlx::query(
        "UPDATE cases SET first_response_at = now() - interval '1 day',
                          resolution_due_at = now() + make_interval(mins => $2::int),
                          updated_at = now() - make_interval(mins => $3::int)
         WHERE number = $1",
    )
    .bind(number.trim_start_matches("C-").parse::<i64>().unwrap())
    .bind(due_in_minutes.map(|m| m as i32))
    .bind(active_minutes_ago as i32)
    .execute(pool)
    .await
    .unwrap();
}

/// The id and organization of the person with this e-mail address.
async fn user(db: &mut sqlx::PgConnection, email: &str) -> (i64, Option<i64>) {
    db::users::id_by_email(db, email)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{email} does not exist: add them with fixtures::person"))
}
