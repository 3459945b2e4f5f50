//! Database tests of the user and organization queries, each on a fresh database.

use rapport_core::db::{self, organizations, users};
use rapport_types::{DisplayName, Email, OrganizationName, Role};
use sqlx::PgPool;

fn email(s: &str) -> Email {
    Email::parse("email", s).unwrap()
}

async fn new_org(pool: &PgPool, name: &str) -> i64 {
    organizations::create(
        pool,
        &OrganizationName::parse("organization", name).unwrap(),
    )
    .await
    .unwrap()
}

async fn new_user(
    pool: &PgPool,
    address: &str,
    role: Role,
    organization_id: Option<i64>,
) -> sqlx::Result<i64> {
    users::create(
        pool,
        users::NewUser {
            email: &email(address),
            display_name: &DisplayName::parse("name", "Test Person").unwrap(),
            role,
            organization_id,
            password_hash: "not-a-real-hash",
        },
    )
    .await
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn emails_are_unique_regardless_of_case(pool: PgPool) {
    let org = new_org(&pool, "Case Co").await;
    new_user(&pool, "case@example.com", Role::Customer, Some(org))
        .await
        .unwrap();
    // Insert a differently-cased copy directly: the index refuses it.
    let err = sqlx::query(
        "INSERT INTO users (email, display_name, role, organization_id, password_hash)
         VALUES ('CASE@example.com', 'X', 'customer', $1, 'h')",
    )
    .bind(org)
    .execute(&pool)
    .await
    .unwrap_err();
    assert!(db::is_unique_violation(&err, users::EMAIL_UNIQUE_INDEX));
    let found = users::find_credentials(&pool, &email("Case@Example.com"))
        .await
        .unwrap();
    assert!(found.is_some());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn customers_need_an_organization_and_staff_have_none(pool: PgPool) {
    let org = new_org(&pool, "Rules Inc").await;
    assert!(new_user(&pool, "c@example.com", Role::Customer, None)
        .await
        .is_err());
    assert!(new_user(&pool, "s@example.com", Role::Agent, Some(org))
        .await
        .is_err());
    assert!(new_user(&pool, "c@example.com", Role::Customer, Some(org))
        .await
        .is_ok());
    assert!(new_user(&pool, "s@example.com", Role::Agent, None)
        .await
        .is_ok());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn members_are_scoped_to_their_organization(pool: PgPool) {
    let a = new_org(&pool, "Alpha").await;
    let b = new_org(&pool, "Beta").await;
    new_user(&pool, "a1@alpha.example", Role::CustomerAdmin, Some(a))
        .await
        .unwrap();
    new_user(&pool, "a2@alpha.example", Role::Customer, Some(a))
        .await
        .unwrap();
    new_user(&pool, "b1@beta.example", Role::Customer, Some(b))
        .await
        .unwrap();
    let alpha: Vec<String> = users::members_of(&pool, a)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.email)
        .collect();
    assert_eq!(alpha.len(), 2);
    assert!(alpha.iter().all(|e| e.ends_with("@alpha.example")));
    let list = organizations::list(&pool).await.unwrap();
    let counts: Vec<(String, i64, i64)> = list
        .into_iter()
        .map(|o| (o.name, o.members, o.admins))
        .collect();
    assert_eq!(
        counts,
        [("Alpha".to_string(), 2, 1), ("Beta".to_string(), 1, 0)]
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn user_search_matches_name_email_and_organization_and_escapes_wildcards(pool: PgPool) {
    let a = new_org(&pool, "Searchable Widgets").await;
    new_user(&pool, "finder@example.com", Role::Customer, Some(a))
        .await
        .unwrap();
    new_user(&pool, "staff@example.com", Role::Agent, None)
        .await
        .unwrap();
    let by_org = users::search(&pool, "widgets", 50, 0).await.unwrap();
    assert_eq!(by_org.len(), 1);
    assert_eq!(by_org[0].total, 1);
    assert_eq!(users::search(&pool, "", 50, 0).await.unwrap().len(), 2);
    // A lone % is a literal character, not "everything".
    assert_eq!(users::search(&pool, "%", 50, 0).await.unwrap().len(), 0);
    // Paging keeps the total.
    let page = users::search(&pool, "", 1, 1).await.unwrap();
    assert_eq!((page.len(), page[0].total), (1, 2));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn disabling_moves_the_session_cut_off_and_enabling_keeps_it(pool: PgPool) {
    let id = new_user(&pool, "d@example.com", Role::Trainer, None)
        .await
        .unwrap();
    // The user of a session is found while its row is there.
    let mut db = pool.acquire().await.unwrap();
    let day = std::time::Duration::from_secs(86_400);
    let row = rapport_core::db::account_sessions::NewSession {
        key: "session-key",
        user_id: id,
        user_agent: "",
        ip: "",
        signed_in_at: time::OffsetDateTime::now_utc(),
    };
    rapport_core::db::account_sessions::start(&mut db, row, day, day)
        .await
        .unwrap();
    drop(db);
    let before = users::find_for_session(&pool, id, "session-key")
        .await
        .unwrap()
        .unwrap();
    assert!(users::find_for_session(&pool, id, "another-key")
        .await
        .unwrap()
        .is_none());
    assert!(users::set_disabled(&pool, id, true).await.unwrap());
    let disabled = users::find_for_session(&pool, id, "session-key")
        .await
        .unwrap()
        .unwrap();
    assert!(disabled.disabled);
    assert!(disabled.sessions_valid_after > before.sessions_valid_after);
    assert!(users::set_disabled(&pool, id, false).await.unwrap());
    let enabled = users::find_for_session(&pool, id, "session-key")
        .await
        .unwrap()
        .unwrap();
    assert!(!enabled.disabled);
    assert_eq!(enabled.sessions_valid_after, disabled.sessions_valid_after);
    assert!(
        !users::set_disabled(&pool, 999_999, true).await.unwrap(),
        "no such user"
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_demo_seed_fills_an_empty_database_once(pool: PgPool) {
    assert!(rapport_demo::seed::seed_demo(&pool).await.unwrap());
    assert!(!rapport_demo::seed::seed_demo(&pool).await.unwrap());
    let counts = users::count_by_role(&pool).await.unwrap();
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    assert_eq!(total as usize, rapport_demo::seed::DEMO_ACCOUNTS.len());
    assert_eq!(organizations::count(&pool).await.unwrap(), 3);
}

/// The demo looks like a desk in use: every agent queue has cases, nothing is
/// left for the auto-close job on the first start, closed cases were closed
/// in the past, and customers have rated some answers.
#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_demo_cases_fill_every_queue_and_are_settled_in_time(pool: PgPool) {
    assert!(rapport_demo::seed::seed_demo(&pool).await.unwrap());
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        }
    };
    let queues = [
        (
            "unassigned",
            "SELECT count(*) FROM cases WHERE status IN ('new', 'open', 'on_hold') AND assignee_id IS NULL",
        ),
        (
            "mine (agent@rapport.example)",
            "SELECT count(*) FROM cases c JOIN users u ON u.id = c.assignee_id
             WHERE u.email = 'agent@rapport.example' AND c.status IN ('new', 'open', 'pending', 'on_hold')",
        ),
        (
            "all open",
            "SELECT count(*) FROM cases WHERE status IN ('new', 'open', 'on_hold')",
        ),
        (
            "breaching SLA",
            "SELECT count(*) FROM cases WHERE status IN ('new', 'open', 'on_hold')
               AND (resolution_due_at < now() OR (first_response_at IS NULL AND first_response_due_at < now()))",
        ),
        (
            "waiting for the customer",
            "SELECT count(*) FROM cases WHERE status = 'pending'",
        ),
        (
            "solved this week",
            "SELECT count(*) FROM cases WHERE status = 'solved' AND solved_at > now() - interval '7 days'",
        ),
    ];
    for (queue, sql) in queues {
        assert!(count(sql).await > 0, "the {queue} queue is empty");
    }
    // The same, as the agents' queue page counts them.
    let agent: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'agent@rapport.example'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let sizes = db::cases::queue_counts(&pool, agent).await.unwrap();
    assert!(
        [
            sizes.unassigned,
            sizes.mine,
            sizes.open,
            sizes.pending,
            sizes.solved_recently,
            sizes.breaching
        ]
        .iter()
        .all(|n| *n > 0),
        "{sizes:?}"
    );
    // Every status, priority and organization shows up.
    assert_eq!(count("SELECT count(DISTINCT status) FROM cases").await, 6);
    assert_eq!(count("SELECT count(DISTINCT priority) FROM cases").await, 4);
    assert_eq!(
        count("SELECT count(DISTINCT organization_id) FROM cases").await,
        3
    );

    // Solved cases are recent: the close job has nothing to close at first start.
    assert_eq!(
        count(
            "SELECT count(*) FROM cases WHERE status = 'solved'
               AND (solved_at IS NULL OR solved_at <= now() - interval '7 days')"
        )
        .await,
        0,
        "solved cases older than the auto-close days"
    );
    // Closed ones were closed in the past, after they were opened and solved,
    // with the close in their history as the job writes it.
    assert!(count("SELECT count(*) FROM cases WHERE status = 'closed'").await > 0);
    assert_eq!(
        count(
            "SELECT count(*) FROM cases WHERE status = 'closed'
               AND (closed_at IS NULL OR closed_at > now() OR closed_at < created_at
                    OR solved_at IS NULL OR solved_at > closed_at)"
        )
        .await,
        0,
        "closed cases with a closed_at out of place"
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM cases c WHERE status = 'closed' AND NOT EXISTS (
               SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.field = 'status'
                 AND e.new_value = 'closed' AND e.at = c.closed_at)"
        )
        .await,
        0,
        "closed cases without their closing event"
    );
    // Nothing happened in the future, or before its case was opened.
    assert_eq!(
        count(
            "SELECT count(*) FROM cases WHERE updated_at > now() OR updated_at < created_at
               OR solved_at > now() OR solved_at < created_at
               OR first_response_at < created_at"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM case_messages m JOIN cases c ON c.id = m.case_id
             WHERE m.created_at > now() OR m.created_at < c.created_at OR m.created_at > c.updated_at"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id
             WHERE e.at > now() OR e.at < c.created_at"
        )
        .await,
        0
    );

    // Ratings: on solved and closed cases only, with scores spread out.
    assert_eq!(
        count(
            "SELECT count(*) FROM case_ratings r JOIN cases c ON c.id = r.case_id
             WHERE c.status NOT IN ('solved', 'closed') OR r.rated_at > now() OR r.rated_at < c.solved_at"
        )
        .await,
        0
    );
    assert!(count("SELECT count(DISTINCT score) FROM case_ratings").await >= 3);
    assert!(count("SELECT count(*) FROM case_ratings WHERE comment <> ''").await > 0);

    // Real variety: many subjects, internal notes, tags.
    assert!(
        count("SELECT count(DISTINCT subject) FROM cases").await >= 38,
        "the subjects vary"
    );
    assert!(count("SELECT count(*) FROM case_messages WHERE internal").await >= 3);
    assert!(count("SELECT count(DISTINCT case_id) FROM case_tags").await >= 5);
}
