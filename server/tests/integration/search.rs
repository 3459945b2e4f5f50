//! The search index kept current from PostgreSQL, each test on a fresh
//! database: publishing, editing and archiving reach search through change
//! notifications within a second; a rebuild from the database equals the
//! index built by notifications; missed notifications are found as drift.

use rapport_core::db::search_docs;
use rapport_core::search_sync as sync;
use rapport_search::{Opened, SearchIndex};
use rapport_types::ArticleScope;
use rapport_types::{Audience, SearchRequest};
use sqlx::PgPool;
use std::time::{Duration, Instant};

fn visitor() -> ArticleScope {
    ArticleScope {
        audiences: vec![Audience::Public],
        organization_id: None,
        staff: false,
    }
}

fn staff() -> ArticleScope {
    ArticleScope {
        audiences: Audience::ALL.to_vec(),
        organization_id: None,
        staff: true,
    }
}

async fn category(pool: &PgPool, slug: &str, parent: Option<i64>) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO article_categories (parent_id, slug, name) VALUES ($1, $2, $2) RETURNING id",
    )
    .bind(parent)
    .bind(slug)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A draft article with one revision.
async fn draft(pool: &PgPool, slug: &str, title: &str, body: &str, category_id: i64) -> i64 {
    let id: i64 = sqlx::query_scalar("INSERT INTO articles (slug) VALUES ($1) RETURNING id")
        .bind(slug)
        .fetch_one(pool)
        .await
        .unwrap();
    revise(pool, id, title, body, category_id, "public").await;
    id
}

/// A new latest revision of article `id`.
async fn revise(pool: &PgPool, id: i64, title: &str, body: &str, category_id: i64, audience: &str) {
    sqlx::query(
        "WITH r AS (
             INSERT INTO article_revisions (article_id, number, kind, title, summary, body, category_id, tags, audience)
             SELECT $1, coalesce(max(number), 0) + 1, 'knowledge', $2, 'A summary.', $3, $4, ARRAY['how-to'], $5
             FROM article_revisions WHERE article_id = $1
             RETURNING id)
         UPDATE articles SET latest_revision_id = (SELECT id FROM r), updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(title)
    .bind(body)
    .bind(category_id)
    .bind(audience)
    .execute(pool)
    .await
    .unwrap();
}

/// Run `sql` on article `$1` and notify the index, in one transaction.
async fn change_and_notify(pool: &PgPool, id: i64, sql: &str) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(sql).bind(id).execute(&mut *tx).await.unwrap();
    search_docs::notify_article_changed(&mut tx, id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

const PUBLISH: &str = "UPDATE articles SET published_revision_id = latest_revision_id,
    state = 'published', published_at = now(), updated_at = now() WHERE id = $1";
const ARCHIVE: &str = "UPDATE articles SET state = 'archived', updated_at = now() WHERE id = $1";

/// Wait until a search for `text` finds `id` (or, with `present` false, no
/// longer finds it); fails after `limit`.
async fn until(index: &SearchIndex, text: &str, id: i64, present: bool, limit: Duration) {
    let started = Instant::now();
    loop {
        if found_now(index, text, id) == present {
            return;
        }
        assert!(
            started.elapsed() < limit,
            "{text:?}: article {id} still {} after {limit:?}",
            if present { "missing" } else { "found" }
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn found_now(index: &SearchIndex, text: &str, id: i64) -> bool {
    let results = index.search(&SearchRequest::new(text), &staff()).unwrap();
    results.hits.iter().any(|h| h.article_id == id)
}

/// How long a change may take to reach the index before the test gives up.
/// Generous on purpose: a timing never fails a test on a busy machine; the
/// time itself (well under a second) is measured by `cargo xtask bench search`.
const SECOND: Duration = Duration::from_secs(10);

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn published_edited_and_archived_articles_reach_search_by_notification(pool: PgPool) {
    let index = SearchIndex::in_ram().unwrap();
    let updater = sync::spawn_updater(pool.clone(), index.clone());
    let root = category(&pool, "getting-started", None).await;
    let leaf = category(&pool, "cases", Some(root)).await;
    let id = draft(
        &pool,
        "file-a-case",
        "File a case",
        "Use the wombat form.",
        leaf,
    )
    .await;
    // Give the updater its connection, so the notification is heard live.
    tokio::time::sleep(Duration::from_millis(300)).await;

    change_and_notify(&pool, id, PUBLISH).await;
    until(&index, "wombat", id, true, SECOND).await;
    let hit = &index
        .search(&SearchRequest::new("wombat"), &visitor())
        .unwrap()
        .hits[0];
    assert_eq!(hit.slug, "file-a-case");
    assert_eq!(hit.category_slug, "cases");

    // A new revision is only seen once published.
    revise(
        &pool,
        id,
        "File a case",
        "Use the platypus form.",
        leaf,
        "public",
    )
    .await;
    change_and_notify(&pool, id, "SELECT $1").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(found_now(&index, "wombat", id), "the draft is not searched");
    change_and_notify(&pool, id, PUBLISH).await;
    until(&index, "platypus", id, true, SECOND).await;
    until(&index, "wombat", id, false, SECOND).await;

    // Made internal: gone for visitors, still there for staff.
    revise(
        &pool,
        id,
        "File a case",
        "Use the platypus form.",
        leaf,
        "internal",
    )
    .await;
    change_and_notify(&pool, id, PUBLISH).await;
    let started = Instant::now();
    while !index
        .search(&SearchRequest::new("platypus"), &visitor())
        .unwrap()
        .hits
        .is_empty()
    {
        assert!(started.elapsed() < SECOND, "still public");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(found_now(&index, "platypus", id), "staff still find it");

    change_and_notify(&pool, id, ARCHIVE).await;
    until(&index, "platypus", id, false, SECOND).await;
    assert_eq!(index.doc_count(), 0);
    updater.abort();
}

/// Articles in every state, some published with notifications as they go.
async fn library(pool: &PgPool) -> Vec<i64> {
    let root = category(pool, "billing", None).await;
    let leaf = category(pool, "invoices", Some(root)).await;
    let org: i64 =
        sqlx::query_scalar("INSERT INTO organizations (name) VALUES ('Acme') RETURNING id")
            .fetch_one(pool)
            .await
            .unwrap();
    let mut published = Vec::new();
    for i in 0..12 {
        let category_id = if i % 2 == 0 { root } else { leaf };
        let id = draft(
            pool,
            &format!("invoice-topic-{i}"),
            &format!("Invoice topic {i}"),
            &format!("How invoices work, part {i}. Payment terms and credit notes."),
            category_id,
        )
        .await;
        match i % 4 {
            // Stays a draft.
            0 => {}
            // Published, then archived.
            1 => {
                change_and_notify(pool, id, PUBLISH).await;
                change_and_notify(pool, id, ARCHIVE).await;
            }
            // Published for one organization only.
            2 => {
                sqlx::query("UPDATE articles SET organization_id = $2 WHERE id = $1")
                    .bind(id)
                    .bind(org)
                    .execute(pool)
                    .await
                    .unwrap();
                change_and_notify(pool, id, PUBLISH).await;
                published.push(id);
            }
            _ => {
                change_and_notify(pool, id, PUBLISH).await;
                published.push(id);
            }
        }
    }
    published
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_rebuild_from_the_database_equals_the_incremental_index(pool: PgPool) {
    let incremental = SearchIndex::in_ram().unwrap();
    let updater = sync::spawn_updater(pool.clone(), incremental.clone());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let published = library(&pool).await;
    let started = Instant::now();
    while incremental.article_ids() != published {
        assert!(
            started.elapsed() < SECOND,
            "{:?}",
            incremental.article_ids()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let rebuilt = SearchIndex::in_ram().unwrap();
    let mut reported = Vec::new();
    let count = sync::rebuild_from_db(&pool, &rebuilt, move |n| reported.push(n))
        .await
        .unwrap();
    assert_eq!(count, published.len() as u64);
    assert_eq!(rebuilt.article_ids(), incremental.article_ids());
    for text in [
        "invoice",
        "payment terms",
        "\"credit notes\"",
        "invoic*",
        "invocies",
    ] {
        for scope in [visitor(), staff()] {
            let a = rebuilt.search(&SearchRequest::new(text), &scope).unwrap();
            let b = incremental
                .search(&SearchRequest::new(text), &scope)
                .unwrap();
            assert_eq!(a.total, b.total, "{text}");
            assert_eq!(a.categories, b.categories, "{text}");
            let mut x: Vec<i64> = a.hits.iter().map(|h| h.article_id).collect();
            let mut y: Vec<i64> = b.hits.iter().map(|h| h.article_id).collect();
            x.sort();
            y.sort();
            assert_eq!(x, y, "{text}");
        }
    }
    // Organization articles are hidden from visitors: 6 published, 3 for Acme.
    let visible = rebuilt
        .search(&SearchRequest::new("invoice"), &visitor())
        .unwrap();
    assert_eq!(visible.total, 3);
    assert!(sync::check(&pool, &rebuilt).await.unwrap().is_clean());
    assert!(sync::check(&pool, &incremental).await.unwrap().is_clean());
    updater.abort();
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn missed_notifications_are_found_as_drift_and_repaired(pool: PgPool) {
    let root = category(&pool, "general", None).await;
    let kept = draft(&pool, "kept", "Kept article", "An aardvark.", root).await;
    let gone = draft(&pool, "gone", "Gone article", "An aardvark too.", root).await;
    for id in [kept, gone] {
        sqlx::query(PUBLISH).bind(id).execute(&pool).await.unwrap();
    }

    // Start-up: a new folder is filled from PostgreSQL; the next start keeps it.
    let dir = tempfile::tempdir().unwrap();
    let index = sync::open_and_refresh(&pool, dir.path()).await.unwrap();
    assert_eq!(index.article_ids(), vec![kept, gone]);
    drop(index);
    let (index, opened) = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(opened, Opened::Existing);
    assert_eq!(index.doc_count(), 2);

    // Changes without notifications (as if the updater was not running).
    sqlx::query(ARCHIVE)
        .bind(gone)
        .execute(&pool)
        .await
        .unwrap();
    let new = draft(&pool, "new", "New article", "An aardvark as well.", root).await;
    sqlx::query(PUBLISH).bind(new).execute(&pool).await.unwrap();
    let drift = sync::check(&pool, &index).await.unwrap();
    assert_eq!((drift.in_db, drift.in_index), (2, 2));
    assert_eq!(drift.missing, vec![new]);
    assert_eq!(drift.stale, vec![gone]);

    // The updater catches up when it starts listening.
    let updater = sync::spawn_updater(pool.clone(), index.clone());
    until(&index, "aardvark", new, true, SECOND).await;
    until(&index, "aardvark", gone, false, SECOND).await;
    assert!(sync::check(&pool, &index).await.unwrap().is_clean());
    updater.abort();
    let _ = updater.await;

    // A count that differs from PostgreSQL's is rebuilt on start.
    sqlx::query(ARCHIVE)
        .bind(kept)
        .execute(&pool)
        .await
        .unwrap();
    drop(index);
    // The aborted updater's last commit may still hold the writer's lock on
    // its blocking thread for a moment; a new process never meets that.
    let mut reopened = sync::open_and_refresh(&pool, dir.path()).await;
    for _ in 0..50 {
        if reopened.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        reopened = sync::open_and_refresh(&pool, dir.path()).await;
    }
    let index = reopened.unwrap();
    assert_eq!(index.article_ids(), vec![new]);
}
