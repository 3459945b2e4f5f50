//! The demo's workshop sessions: seeded over the shipped content/, with held
//! sessions, a full one with a waitlist, a cancelled one and a clean clinic;
//! and nothing at all (and no error) when the content was not imported.

use rapport_core::content_import::import_dir;
use sqlx::PgPool;
use std::path::Path;

const CLINIC: &str = "writing-good-support-cases-clinic";

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Sessions with their live registrations counted.
const SESSIONS: &str = "
    SELECT s.*, a.slug,
           (SELECT count(*) FROM workshop_registrations g WHERE g.session_id = s.id AND g.status = 'registered') AS registered,
           (SELECT count(*) FROM workshop_registrations g WHERE g.session_id = s.id AND g.status = 'waitlisted') AS waitlisted
      FROM workshop_sessions s JOIN articles a ON a.id = s.article_id";

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_demo_has_held_full_cancelled_and_open_workshop_sessions(pool: PgPool) {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    import_dir(&pool, &content).await.unwrap();
    assert!(rapport_demo::seed::seed_demo(&pool).await.unwrap());

    let workshops = count(
        &pool,
        "SELECT count(*) FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
          WHERE r.kind = 'workshop' AND a.state = 'published'",
    )
    .await;
    assert_eq!(workshops, 4);
    // Every workshop has 2 to 4 sessions, given by the demo trainer.
    let per_workshop: Vec<i64> = sqlx::query_scalar(
        "SELECT count(s.id) FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
           LEFT JOIN workshop_sessions s ON s.article_id = a.id
          WHERE r.kind = 'workshop' GROUP BY a.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        per_workshop.iter().all(|n| (2..=4).contains(n)),
        "{per_workshop:?}"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM workshop_sessions s JOIN users u ON u.id = s.trainer_id
              WHERE u.email <> 'trainer@rapport.example'"
        )
        .await,
        0
    );

    // Held sessions lie 1 to 8 weeks back, are done, and have attendance marked
    // for everyone registered (some came, some did not).
    let past = format!("{SESSIONS} WHERE s.starts_at < now()");
    assert_eq!(
        count(&pool, &format!("SELECT count(*) FROM ({past}) p WHERE status <> 'done' OR starts_at > now() - interval '7 days' OR starts_at < now() - interval '8 weeks'")).await,
        0
    );
    assert!(
        count(
            &pool,
            &format!("SELECT count(*) FROM ({past}) p WHERE registered > 0")
        )
        .await
            >= 4
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM workshop_registrations g JOIN workshop_sessions s ON s.id = g.session_id
              WHERE s.status = 'done' AND g.status = 'registered' AND g.attended IS NULL"
        )
        .await,
        0
    );
    for attended in ["true", "false"] {
        assert!(
            count(
                &pool,
                &format!("SELECT count(*) FROM workshop_registrations WHERE attended = {attended}")
            )
            .await
                > 0,
            "nobody with attended = {attended}"
        );
    }

    // Coming sessions: 1 to 6 weeks ahead, scheduled or cancelled, never over capacity.
    let upcoming = format!("{SESSIONS} WHERE s.starts_at > now()");
    assert_eq!(
        count(&pool, &format!("SELECT count(*) FROM ({upcoming}) u WHERE status = 'done' OR starts_at < now() + interval '6 days' OR starts_at > now() + interval '7 weeks'")).await,
        0
    );
    assert_eq!(
        count(
            &pool,
            &format!("SELECT count(*) FROM ({upcoming}) u WHERE registered > capacity")
        )
        .await,
        0
    );
    // A waitlist only where the session is full.
    assert_eq!(
        count(&pool, &format!("SELECT count(*) FROM ({upcoming}) u WHERE waitlisted > 0 AND registered < capacity")).await,
        0
    );
    assert!(
        count(&pool, &format!("SELECT count(*) FROM ({upcoming}) u WHERE status = 'scheduled' AND registered = capacity AND waitlisted BETWEEN 1 AND 2")).await
            >= 1,
        "no full session with a waitlist"
    );
    assert!(
        count(
            &pool,
            &format!("SELECT count(*) FROM ({upcoming}) u WHERE status = 'cancelled'")
        )
        .await
            >= 1
    );

    // In Basel and online; all at whole hours where they are planned.
    assert!(count(&pool, "SELECT count(*) FROM workshop_sessions WHERE place LIKE 'Basel%' AND time_zone = 'Europe/Zurich'").await > 0);
    assert!(count(&pool, "SELECT count(*) FROM workshop_sessions WHERE online_url LIKE 'https://meet.example.com/%'").await > 0);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM workshop_sessions
              WHERE date_trunc('hour', starts_at AT TIME ZONE time_zone) <> starts_at AT TIME ZONE time_zone"
        )
        .await,
        0
    );

    // The clinic starts clean: a coming session with room and nobody in it, and
    // neither Ahmed nor Nick registered for any of its coming sessions.
    let clean: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM ({upcoming}) u
          WHERE slug = $1 AND status = 'scheduled' AND registered = 0 AND waitlisted = 0 AND capacity >= 10"
    ))
    .bind(CLINIC)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(clean >= 1, "the clinic has no clean coming session");
    let theirs: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM workshop_registrations g
           JOIN workshop_sessions s ON s.id = g.session_id
           JOIN articles a ON a.id = s.article_id
           JOIN users u ON u.id = g.user_id
          WHERE a.slug = $1 AND s.starts_at > now() AND g.status <> 'cancelled'
            AND u.email IN ('ahmed@acme.example', 'nick@northwind.example')",
    )
    .bind(CLINIC)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(theirs, 0);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn without_the_content_the_demo_has_no_workshop_sessions(pool: PgPool) {
    assert!(rapport_demo::seed::seed_demo(&pool).await.unwrap());
    assert_eq!(
        count(&pool, "SELECT count(*) FROM workshop_sessions").await,
        0
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM workshop_registrations").await,
        0
    );
}
