//! Database tests of the user and organization queries, each on a fresh database.

use app::domain::{DisplayName, Email, OrganizationName, Role};
use app::server::db::{self, organizations, users};
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
    let before = users::find_for_session(&pool, id).await.unwrap().unwrap();
    assert!(users::set_disabled(&pool, id, true).await.unwrap());
    let disabled = users::find_for_session(&pool, id).await.unwrap().unwrap();
    assert!(disabled.disabled);
    assert!(disabled.sessions_valid_after > before.sessions_valid_after);
    assert!(users::set_disabled(&pool, id, false).await.unwrap());
    let enabled = users::find_for_session(&pool, id).await.unwrap().unwrap();
    assert!(!enabled.disabled);
    assert_eq!(enabled.sessions_valid_after, disabled.sessions_valid_after);
    assert!(
        !users::set_disabled(&pool, 999_999, true).await.unwrap(),
        "no such user"
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_demo_seed_fills_an_empty_database_once(pool: PgPool) {
    assert!(app::server::seed::seed_demo(&pool).await.unwrap());
    assert!(!app::server::seed::seed_demo(&pool).await.unwrap());
    let counts = users::count_by_role(&pool).await.unwrap();
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    assert_eq!(total as usize, app::server::seed::DEMO_ACCOUNTS.len());
    assert_eq!(organizations::count(&pool).await.unwrap(), 3);
}
