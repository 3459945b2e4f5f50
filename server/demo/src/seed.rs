//! The demo: a few customer organizations and one person in every role, so a new
//! installation can be tried at once. Only ever written into an empty database.

use crate::data;
use crate::seed_orders::seed_orders;
use crate::seed_workshops::seed_workshops;
use rapport_core::db;
use rapport_core::sign_in::hash_password;
use rapport_types::{DisplayName, Email, OrganizationName, Password, Role};
use serde::Deserialize;
use sqlx::PgPool;
use std::sync::LazyLock;

/// The password of every demo account. Demo data only: `serve` never seeds.
pub const DEMO_PASSWORD: &str = "rapport-demo";

/// A demo account, as `data/accounts.toml` lists it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoAccount {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Customers' only: created where it first appears.
    pub organization: Option<String>,
}

/// The demo accounts, in the order they are created (`data/accounts.toml`).
pub static DEMO_ACCOUNTS: LazyLock<Vec<DemoAccount>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Accounts {
        account: Vec<DemoAccount>,
    }
    let file: Accounts = data::parse("accounts.toml", include_str!("../data/accounts.toml"));
    file.account
});

/// Seed the demo into an empty database. Returns false (and writes nothing)
/// when there are users already.
pub async fn seed_demo(pool: &PgPool) -> Result<bool, rapport_core::Error> {
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
    for account in DEMO_ACCOUNTS.iter() {
        let organization_id = match &account.organization {
            Some(name) => {
                let name = OrganizationName::parse("organization", name)?;
                Some(
                    match db::organizations::find_by_name(&mut *tx, &name).await? {
                        Some(id) => id,
                        None => {
                            let id = db::organizations::create(&mut *tx, &name).await?;
                            // Colleagues not yet in Rapport who write from the
                            // organization's domain get a case, as in a real team.
                            if let Some((_, domain)) = account.email.rsplit_once('@') {
                                db::mail_in::add_domain(&mut *tx, id, domain).await?;
                            }
                            id
                        }
                    },
                )
            }
            None => None,
        };
        db::users::create(
            &mut *tx,
            db::users::NewUser {
                email: &Email::parse("email", &account.email)?,
                display_name: &DisplayName::parse("name", &account.name)?,
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
    // The demo writes its cases' history directly (back in time): measure
    // them from it for the reports, as `rapport migrate` does for old cases.
    let cases: Vec<i64> = sqlx::query_scalar("SELECT id FROM cases")
        .fetch_all(&mut *tx)
        .await?;
    rapport_core::reports::metrics::record_many(&mut tx, &cases).await?;
    tx.commit().await?;
    Ok(true)
}

/// Sam, who works on most demo cases: he solved the ones nobody was assigned
/// to, and wrote the canned replies.
const AGENT: &str = "agent@rapport.example";

/// The server's default RAPPORT_AUTO_CLOSE_DAYS (see `config`): solved demo
/// cases are younger, so the close job finds nothing to do when the server
/// first starts, and closed ones were closed this long after they were solved.
const AUTO_CLOSE_DAYS: i32 = 7;

/// Where a demo case stands, and when it got there, counted back from now.
#[derive(Clone, Copy, Debug)]
enum Stage {
    /// Still being worked on: its status (new, open, pending or on_hold) and
    /// how many days ago it was opened.
    Active(&'static str, i32),
    /// Solved `days_ago` days ago (fewer than the auto-close days), `hours`
    /// after it was opened.
    Solved { days_ago: i32, hours: i32 },
    /// Closed by the auto-close job `days_ago` days ago, a week after it was
    /// solved, which was `hours` after it was opened.
    Closed { days_ago: i32, hours: i32 },
}

impl Stage {
    fn status(self) -> &'static str {
        match self {
            Stage::Active(status, _) => status,
            Stage::Solved { .. } => "solved",
            Stage::Closed { .. } => "closed",
        }
    }
}

/// A stage as `data/cases.toml` writes it, e.g. `{ status = "open",
/// opened_days_ago = 2 }` or `{ status = "solved", solved_days_ago = 2,
/// hours_to_solve = 5 }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StageEntry {
    status: String,
    opened_days_ago: Option<i32>,
    solved_days_ago: Option<i32>,
    closed_days_ago: Option<i32>,
    hours_to_solve: Option<i32>,
}

// By hand, not `#[serde(try_from)]`: the derive would want to borrow the
// `&'static str` from the file.
impl<'de> Deserialize<'de> for Stage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Stage, D::Error> {
        let entry = StageEntry::deserialize(deserializer)?;
        Stage::try_from(entry).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<StageEntry> for Stage {
    type Error = String;

    fn try_from(entry: StageEntry) -> Result<Stage, String> {
        const ACTIVE: [&str; 4] = ["new", "open", "pending", "on_hold"];
        let StageEntry {
            status,
            opened_days_ago,
            solved_days_ago,
            closed_days_ago,
            hours_to_solve,
        } = entry;
        match (
            opened_days_ago,
            solved_days_ago,
            closed_days_ago,
            hours_to_solve,
        ) {
            (Some(days), None, None, None) => {
                if let Some(status) = ACTIVE.into_iter().find(|s| *s == status) {
                    return Ok(Stage::Active(status, days));
                }
            }
            (None, Some(days_ago), None, Some(hours)) if status == "solved" => {
                return Ok(Stage::Solved { days_ago, hours });
            }
            (None, None, Some(days_ago), Some(hours)) if status == "closed" => {
                return Ok(Stage::Closed { days_ago, hours });
            }
            _ => {}
        }
        Err(format!(
            "a stage is {{ status = \"new\", \"open\", \"pending\" or \"on_hold\", \
             opened_days_ago = N }}, {{ status = \"solved\", solved_days_ago = N, \
             hours_to_solve = H }} or {{ status = \"closed\", closed_days_ago = N, \
             hours_to_solve = H }}, not status `{status}` with these days"
        ))
    }
}

/// One message of a demo case's thread.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Message {
    author: String,
    /// A note only staff see.
    #[serde(default)]
    internal: bool,
    body: String,
}

/// The requester's rating of a solved case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rating {
    /// 1 to 5.
    score: i16,
    comment: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoCase {
    subject: String,
    requester: String,
    category: String,
    priority: String,
    stage: Stage,
    assignee: Option<String>,
    description: String,
    /// In order. For solved and closed cases the last message is the answer
    /// that solved it.
    #[serde(rename = "message", default)]
    thread: Vec<Message>,
    #[serde(default)]
    tags: Vec<String>,
    rating: Option<Rating>,
}

/// The demo cases, C-1001 first (`data/cases.toml`): the ones the
/// end-to-end and HTTP tests look for, then the rest of a busy support desk.
static DEMO_CASES: LazyLock<Vec<DemoCase>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Cases {
        case: Vec<DemoCase>,
    }
    let file: Cases = data::parse("cases.toml", include_str!("../data/cases.toml"));
    file.case
});

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CannedReply {
    title: String,
    body: String,
}

/// Canned replies every agent starts with (`data/canned_replies.toml`).
static DEMO_CANNED: LazyLock<Vec<CannedReply>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Replies {
        reply: Vec<CannedReply>,
    }
    let file: Replies = data::parse(
        "canned_replies.toml",
        include_str!("../data/canned_replies.toml"),
    );
    file.reply
});

async fn user_by_email(
    tx: &mut sqlx::PgConnection,
    email: &str,
) -> Result<(i64, Option<i64>), rapport_core::Error> {
    db::users::id_by_email(tx, email)
        .await?
        .ok_or_else(|| rapport_core::Error::internal(format!("demo user {email} is missing")))
}

async fn seed_demo_cases(tx: &mut sqlx::PgConnection) -> Result<(), rapport_core::Error> {
    use rapport_core::db::cases as case_db;
    let categories = case_db::categories(&mut *tx).await?;
    for (index, case) in DEMO_CASES.iter().enumerate() {
        let status = case.stage.status();
        let (requester_id, organization_id) = user_by_email(&mut *tx, &case.requester).await?;
        let category_id = categories
            .iter()
            .find(|(_, name)| *name == case.category)
            .map(|(id, _)| *id)
            .ok_or_else(|| {
                rapport_core::Error::internal(format!("demo category {} is missing", case.category))
            })?;
        let (case_id, _) = case_db::create(
            &mut *tx,
            case_db::NewCase {
                subject: &case.subject,
                description: &case.description,
                category_id,
                priority: &case.priority,
                requester_id,
                organization_id: organization_id.unwrap_or_default(),
                channel: "portal",
            },
        )
        .await?;
        // Who wrote each message: staff have no organization.
        let mut staff = Vec::with_capacity(case.thread.len());
        for message in &case.thread {
            let (author_id, organization) = user_by_email(&mut *tx, &message.author).await?;
            case_db::add_message(
                &mut *tx,
                case_id,
                author_id,
                message.internal,
                &message.body,
            )
            .await?;
            staff.push(organization.is_none());
        }
        let last_speaker = case
            .thread
            .iter()
            .zip(&staff)
            .rfind(|(message, _)| !message.internal)
            .map(|(_, staff)| if *staff { "agent" } else { "customer" });
        let assignee_id = match &case.assignee {
            Some(email) => Some(user_by_email(&mut *tx, email).await?.0),
            None => None,
        };
        let change = case_db::CaseChange {
            status,
            priority: &case.priority,
            category_id,
            assignee_id,
            public_speaker: last_speaker,
        };
        case_db::update(&mut *tx, case_id, 1, change).await?;
        if let Some(rating) = &case.rating {
            case_db::rate(&mut *tx, case_id, rating.score, &rating.comment).await?;
        }
        if !case.tags.is_empty() {
            case_db::set_tags(&mut *tx, case_id, &case.tags).await?;
        }
        // A different time of day for each case, up to seven hours.
        let jitter = ((index * 97 + 41) % 420) as i32;
        let times = Timeline::of(case.stage, case.thread.len(), jitter);
        // The clock pauses when support asks the customer something.
        let paused = (status == "pending")
            .then(|| {
                case.thread
                    .iter()
                    .zip(&staff)
                    .zip(&times.messages)
                    .rfind(|((message, staff), _)| **staff && !message.internal)
                    .map(|(_, at)| *at)
            })
            .flatten();
        // The solving answer, and the job closing it, as the history shows them.
        let solver_id = match assignee_id {
            Some(id) => id,
            None => user_by_email(&mut *tx, AGENT).await?.0,
        };
        let mut events = Vec::new();
        if let Some(solved) = times.solved {
            events.push((Some(solver_id), "open", "solved", solved));
        }
        if let Some(closed) = times.closed {
            // Like `db::cases::close_solved`: by no person, Rapport closed it.
            events.push((None, "solved", "closed", closed));
        }
        finish_demo_case(&mut *tx, case_id, &case.priority, &times, paused, &events).await?;
    }
    let (agent_id, _) = user_by_email(&mut *tx, AGENT).await?;
    for reply in DEMO_CANNED.iter() {
        db::canned::save(&mut *tx, None, &reply.title, &reply.body, agent_id).await?;
    }
    Ok(())
}

/// When things happened to a demo case, in minutes before now.
struct Timeline {
    opened: i32,
    /// One for each message of the thread, in order.
    messages: Vec<i32>,
    solved: Option<i32>,
    closed: Option<i32>,
    /// The last change.
    updated: i32,
    /// When the requester rated it (if they did).
    rated: Option<i32>,
}

impl Timeline {
    fn of(stage: Stage, messages: usize, jitter: i32) -> Timeline {
        const DAY: i32 = 24 * 60;
        // The thread runs from the opening to `end`: the answer that solved
        // the case, or the latest activity of one still being worked on.
        let (opened, end, solved, closed) = match stage {
            Stage::Active(_, days) => {
                let opened = days * DAY + jitter + 10;
                (opened, opened / 4 + 5, None, None)
            }
            Stage::Solved { days_ago, hours } => {
                let solved = days_ago * DAY + jitter;
                (solved + hours * 60, solved + 1, Some(solved), None)
            }
            Stage::Closed { days_ago, hours } => {
                let closed = days_ago * DAY + jitter;
                // The job runs every few minutes: a little after the days are up.
                let solved = closed + AUTO_CLOSE_DAYS * DAY + 20;
                (solved + hours * 60, solved + 1, Some(solved), Some(closed))
            }
        };
        let span = opened - end;
        let count = messages as i32;
        // The first answer comes within a couple of hours (unless it is the
        // only one, and solved the case); the rest spread out until `end`.
        let first = if count == 1 && solved.is_some() {
            end
        } else {
            opened - (span / (count + 1)).clamp(10, 150).min(span)
        };
        let messages: Vec<i32> = (0..count)
            .map(|i| {
                if i == 0 {
                    first
                } else {
                    first - (first - end) * i / (count - 1)
                }
            })
            .collect();
        let updated = closed
            .or(solved)
            .or(messages.last().copied())
            .unwrap_or(opened);
        let rated = solved.map(|solved| solved - (90 + jitter / 3).min(solved / 2));
        Timeline {
            opened,
            messages,
            solved,
            closed,
            updated,
            rated,
        }
    }
}

/// Put a demo case, its thread, history and rating at their times, and start
/// its SLA clock from when it was opened.
///
/// `events` are status changes: (actor, None for Rapport itself, from, to, minutes ago).
async fn finish_demo_case(
    tx: &mut sqlx::PgConnection,
    case_id: i64,
    priority: &str,
    times: &Timeline,
    paused: Option<i32>,
    events: &[(Option<i64>, &str, &str, i32)],
) -> Result<(), rapport_core::Error> {
    use rapport_core::db::cases as case_db;
    let created_at: time::OffsetDateTime = sqlx::query_scalar(
        "UPDATE cases SET created_at = now() - make_interval(mins => $2),
                          updated_at = now() - make_interval(mins => $3),
                          solved_at = now() - make_interval(mins => $4),
                          closed_at = now() - make_interval(mins => $5)
         WHERE id = $1 RETURNING created_at",
    )
    .bind(case_id)
    .bind(times.opened)
    .bind(times.updated)
    .bind(times.solved)
    .bind(times.closed)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE case_messages m SET created_at = now() - make_interval(mins => t.ago)
         FROM unnest($2::int4[]) WITH ORDINALITY AS t(ago, n),
              (SELECT id, row_number() OVER (ORDER BY id) AS n
               FROM case_messages WHERE case_id = $1) o
         WHERE o.n = t.n AND m.id = o.id",
    )
    .bind(case_id)
    .bind(&times.messages)
    .execute(&mut *tx)
    .await?;
    for (actor_id, from, to, ago) in events {
        sqlx::query(
            "INSERT INTO case_events (case_id, actor_id, field, old_value, new_value, at)
             VALUES ($1, $2, 'status', $3, $4, now() - make_interval(mins => $5))",
        )
        .bind(case_id)
        .bind(actor_id)
        .bind(from)
        .bind(to)
        .bind(ago)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE case_ratings SET rated_at = now() - make_interval(mins => $2) WHERE case_id = $1",
    )
    .bind(case_id)
    .bind(times.rated)
    .execute(&mut *tx)
    .await?;
    case_db::first_response_from_thread(&mut *tx, case_id).await?;
    let due = rapport_core::sla::due_times(&mut *tx, priority, created_at).await?;
    let paused =
        paused.map(|ago| created_at + time::Duration::minutes((times.opened - ago).into()));
    let clock = case_db::SlaClock {
        first_response_due_at: Some(due.first_response_due_at),
        resolution_due_at: Some(due.resolution_due_at),
        paused_at: paused,
        waited_seconds: 0,
    };
    case_db::set_sla(&mut *tx, case_id, clock).await?;
    Ok(())
}

/// Searches of the last weeks (with and without results, some followed by a
/// case), clicks, votes and deflected cases, so the trainers' Insights page
/// has something to show. Only when the knowledge base was imported first.
async fn seed_knowledge_activity(tx: &mut sqlx::PgConnection) -> Result<(), rapport_core::Error> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_accounts_are_valid_accounts() {
        assert!(!DEMO_ACCOUNTS.is_empty());
        for (i, account) in DEMO_ACCOUNTS.iter().enumerate() {
            Email::parse("email", &account.email).expect("an e-mail address");
            DisplayName::parse("name", &account.name).expect("a name");
            if let Some(name) = &account.organization {
                OrganizationName::parse("organization", name).expect("an organization name");
            }
            assert_eq!(
                account.organization.is_some(),
                account.role.is_customer(),
                "{}: customers belong to an organization, staff to none",
                account.email
            );
            assert!(
                DEMO_ACCOUNTS[..i].iter().all(|a| a.email != account.email),
                "{} is listed twice",
                account.email
            );
        }
    }

    #[test]
    fn the_demo_cases_are_between_demo_people() {
        let account = |email: &str| {
            DEMO_ACCOUNTS
                .iter()
                .find(|a| a.email == email)
                .unwrap_or_else(|| panic!("{email} is not a demo account"))
        };
        // The end-to-end tests open C-1001 by its subject.
        assert_eq!(
            DEMO_CASES[0].subject,
            "Cannot export the monthly report to CSV"
        );
        for case in DEMO_CASES.iter() {
            let subject = &case.subject;
            assert!(account(&case.requester).role.is_customer(), "{subject}");
            if let Some(assignee) = &case.assignee {
                assert!(account(assignee).role.is_staff(), "{subject}");
            }
            for message in &case.thread {
                let author = account(&message.author);
                assert!(
                    author.role.is_staff() || author.email == case.requester,
                    "{subject}: only staff and the requester write in a case"
                );
                assert!(!message.internal || author.role.is_staff(), "{subject}");
            }
            assert!(
                ["low", "normal", "high", "urgent"].contains(&case.priority.as_str()),
                "{subject}: priority {}",
                case.priority
            );
            if let Some(rating) = &case.rating {
                assert!((1..=5).contains(&rating.score), "{subject}");
            }
            if let Stage::Solved { days_ago, .. } = case.stage {
                assert!(
                    days_ago < AUTO_CLOSE_DAYS,
                    "{subject}: the close job would close it"
                );
            }
        }
    }

    #[test]
    fn the_canned_replies_use_known_placeholders() {
        assert!(!DEMO_CANNED.is_empty());
        for reply in DEMO_CANNED.iter() {
            let mut rest = reply.body.as_str();
            while let Some(start) = rest.find("{{") {
                let end = rest[start..]
                    .find("}}")
                    .map_or(rest.len(), |e| start + e + 2);
                let placeholder = &rest[start..end];
                assert!(
                    rapport_core::canned::PLACEHOLDERS
                        .iter()
                        .any(|(p, _)| *p == placeholder),
                    "{}: unknown placeholder {placeholder}",
                    reply.title
                );
                rest = &rest[end..];
            }
        }
    }
}
