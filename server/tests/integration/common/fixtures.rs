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

impl Person {
    fn is_staff(&self) -> bool {
        self.organization_id.is_none()
    }
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
    match demo.organization {
        Some(name) => {
            let organization = organization(pool, name).await;
            account(pool, email, demo.name, demo.role, Some(organization.id)).await
        }
        None => staff(pool, demo.role, email, demo.name).await,
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

/// A case as the test needs it: `case(&nick, "Subject")`, then the
/// builder's settings, then `insert`.
pub fn case(requester: &Person, subject: &str) -> CaseBuilder {
    CaseBuilder {
        subject: subject.to_string(),
        description: format!("{subject}: please help."),
        requester: requester.clone(),
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
    requester: Person,
    category: String,
    priority: String,
    status: String,
    assignee: Option<Person>,
    /// (author, internal note, body), in order.
    thread: Vec<(Person, bool, String)>,
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

    pub fn assignee(mut self, agent: &Person) -> Self {
        self.assignee = Some(agent.clone());
        self
    }

    /// A public message of the thread.
    pub fn message(mut self, author: &Person, body: &str) -> Self {
        self.thread.push((author.clone(), false, body.to_string()));
        self
    }

    /// An internal note of the thread (staff only).
    pub fn note(mut self, author: &Person, body: &str) -> Self {
        self.thread.push((author.clone(), true, body.to_string()));
        self
    }

    pub fn tags(mut self, tags: &[&str]) -> Self {
        self.tags = tags.iter().map(|t| t.to_string()).collect();
        self
    }

    /// Write the case, its thread, status, assignee and tags, and start its
    /// SLA clock as opening a case does (paused while it is pending).
    pub async fn insert(self, pool: &PgPool) -> Case {
        let organization_id = self
            .requester
            .organization_id
            .expect("a case is requested by a customer");
        let mut tx = pool.begin().await.unwrap();
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
                requester_id: self.requester.id,
                organization_id,
            },
        )
        .await
        .unwrap();
        for (author, internal, body) in &self.thread {
            case_db::add_message(&mut *tx, id, author.id, *internal, body)
                .await
                .unwrap();
        }
        // Who spoke last in public: the case remembers whose turn it is.
        let last_speaker =
            self.thread
                .iter()
                .rfind(|(_, internal, _)| !internal)
                .map(|(author, _, _)| {
                    if author.is_staff() {
                        "agent"
                    } else {
                        "customer"
                    }
                });
        let change = case_db::CaseChange {
            status: &self.status,
            priority: &self.priority,
            category_id,
            assignee_id: self.assignee.as_ref().map(|a| a.id),
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
        tx.commit().await.unwrap();
        Case {
            id,
            number: format!("C-{number}"),
        }
    }
}
