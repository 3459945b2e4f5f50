//! The knowledge base: importing content/, revisions and what readers see.

use crate::common::{page_text, TestApp};
use app::api::kb::{KbHome, VoteArticle};
use app::api::search::{CaseSuggestions, DeflectCase, SearchArticles};
use rapport_core::content_import::{import_dir, ImportError};
use rapport_core::db::articles::{self as db, RevisionContent};
use rapport_types::{ArticleKind, ArticleState, Audience};
use sqlx::PgPool;
use std::path::{Path, PathBuf};

fn shipped_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

/// A copy of content/ that a test may change.
fn content_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&shipped_content(), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

async fn revisions_of(pool: &PgPool, slug: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM article_revisions r JOIN articles a ON a.id = r.article_id WHERE a.slug = $1",
    )
    .bind(slug)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn importing_content_is_idempotent_and_a_changed_file_is_a_new_revision(pool: PgPool) {
    let dir = content_copy();
    let first = import_dir(&pool, dir.path()).await.unwrap();
    assert!(first.created >= 25, "{first}");
    assert_eq!((first.updated, first.unchanged), (0, 0));
    let again = import_dir(&pool, dir.path()).await.unwrap();
    assert_eq!((again.created, again.updated), (0, 0), "{again}");
    assert_eq!(again.unchanged, first.created);

    let file = dir.path().join("knowledge/attach-files-to-a-case.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\nOne more paragraph.\n")).unwrap();
    let changed = import_dir(&pool, dir.path()).await.unwrap();
    assert_eq!((changed.created, changed.updated), (0, 1), "{changed}");
    assert_eq!(revisions_of(&pool, "attach-files-to-a-case").await, 2);
    // Readers now get the new revision.
    let body: String = sqlx::query_scalar(
        "SELECT r.body FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
          WHERE a.slug = 'attach-files-to-a-case'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(body.ends_with("One more paragraph."), "{body}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_bad_file_is_named_and_nothing_is_imported(pool: PgPool) {
    let dir = content_copy();
    std::fs::write(
        dir.path().join("knowledge/broken.md"),
        "+++\nkind = \"knowledge\"\ntitle = \"\"\ncategory = \"cases\"\naudience = \"everyone\"\n+++\nText\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("knowledge/Bad Name.md"), "no front matter").unwrap();
    let err = import_dir(&pool, dir.path()).await.unwrap_err();
    let ImportError::Invalid(problems) = &err else {
        panic!("{err}")
    };
    let text = err.to_string();
    assert!(problems.len() >= 2, "{text}");
    assert!(text.contains("broken.md: title"), "{text}");
    assert!(text.contains("Bad Name.md"), "{text}");
    let articles: i64 = sqlx::query_scalar("SELECT count(*) FROM articles")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(articles, 0, "nothing of the folder was imported");
}

async fn category_id(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT id FROM article_categories WHERE slug = 'cases'")
        .fetch_one(pool)
        .await
        .unwrap()
}

fn content(title: &str, body: &str, audience: Audience, category_id: i64) -> RevisionContent {
    RevisionContent {
        kind: ArticleKind::Knowledge,
        title: title.to_string(),
        summary: String::new(),
        body: body.to_string(),
        category_id,
        tags: vec![],
        audience,
    }
}

/// Create and publish an article straight in the database.
async fn publish(pool: &PgPool, slug: &str, content: &RevisionContent) -> i64 {
    let mut tx = pool.begin().await.unwrap();
    let (id, _) = db::create(&mut tx, slug, None, content, "").await.unwrap();
    db::set_state(&mut tx, id, ArticleState::Published, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn readers_see_only_their_audiences_everywhere(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    import_dir(&pool, &shipped_content()).await.unwrap();
    let visitor = app.bare();
    let customer = app.signed_in("nick@northwind.example").await;
    let agent = app.signed_in("agent@rapport.example").await;
    // From content/: one of each audience.
    let public = "/kb/case-statuses-explained";
    let customers = "/kb/invite-colleagues-to-your-organization";
    let internal = "/kb/escalation-policy";
    let visible = |page: &str| !page.contains("Not found") && page.contains("Was this helpful?");
    assert!(visible(&page_text(&visitor, &app.url(public)).await));
    assert!(!visible(&page_text(&visitor, &app.url(customers)).await));
    assert!(!visible(&page_text(&visitor, &app.url(internal)).await));
    assert!(visible(&page_text(&customer, &app.url(customers)).await));
    assert!(!visible(&page_text(&customer, &app.url(internal)).await));
    assert!(visible(&page_text(&agent, &app.url(internal)).await));
    let missing = visitor.get(app.url(internal)).send().await.unwrap();
    assert_eq!(
        missing.status(),
        404,
        "a hidden article looks like a missing one"
    );

    // Counts on the home page leak nothing either.
    let count = |body: serde_json::Value| -> i64 {
        body["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["article_count"].as_i64().unwrap())
            .sum()
    };
    let home = |client| {
        let app = &app;
        async move {
            let response = app.invoke(client, KbHome {}).await;
            assert_eq!(response.status(), 200);
            response.json::<serde_json::Value>().await.unwrap()
        }
    };
    let by_audience: Vec<(String, i64)> = sqlx::query_as(
        "SELECT r.audience, count(*) FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id GROUP BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let n = |aud: &str| {
        by_audience
            .iter()
            .find(|(a, _)| a == aud)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    assert_eq!(count(home(&visitor).await), n("public"));
    assert_eq!(count(home(&customer).await), n("public") + n("customers"));
    assert_eq!(
        count(home(&agent).await),
        n("public") + n("customers") + n("internal")
    );
    // A category with only internal articles is not shown to a customer.
    let page = page_text(&customer, &app.url("/kb/categories/for-agents")).await;
    assert!(page.contains("Not found"), "{page}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_edited_article_serves_its_published_revision_until_the_new_one_is_published(
    pool: PgPool,
) {
    let app = TestApp::spawn(pool.clone()).await;
    import_dir(&pool, &shipped_content()).await.unwrap();
    let category = category_id(&pool).await;
    let id = publish(
        &pool,
        "printer-offline",
        &content(
            "Printer offline",
            "Turn it off and on.",
            Audience::Public,
            category,
        ),
    )
    .await;
    let mut tx = pool.begin().await.unwrap();
    db::add_revision(
        &mut tx,
        id,
        None,
        &content(
            "Printer offline",
            "DRAFT: new advice",
            Audience::Public,
            category,
        ),
        "",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let visitor = app.bare();
    let page = page_text(&visitor, &app.url("/kb/printer-offline")).await;
    assert!(page.contains("Turn it off and on."), "{page}");
    assert!(!page.contains("DRAFT"), "{page}");

    let mut tx = pool.begin().await.unwrap();
    db::set_state(&mut tx, id, ArticleState::Published, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let page = page_text(&visitor, &app.url("/kb/printer-offline")).await;
    assert!(page.contains("DRAFT: new advice"), "{page}");

    // A draft that was never published is not there at all.
    let mut tx = pool.begin().await.unwrap();
    db::create(
        &mut tx,
        "unpublished",
        None,
        &content("Unpublished", "secret draft", Audience::Public, category),
        "",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let page = page_text(&visitor, &app.url("/kb/unpublished")).await;
    assert!(page.contains("Not found") && !page.contains("secret draft"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn readers_vote_once_per_revision_and_hostile_markdown_is_inert(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    import_dir(&pool, &shipped_content()).await.unwrap();
    let category = category_id(&pool).await;
    let id = publish(
        &pool,
        "hostile",
        &content(
            "Hostile <script>alert(1)</script>",
            "## Section\n\n<script>alert(2)</script><img src=x onerror=alert(3)>\n\n[x](javascript:alert(4))\n",
            Audience::Public,
            category,
        ),
    )
    .await;
    let customer = app.signed_in("nick@northwind.example").await;
    let page = page_text(&customer, &app.url("/kb/hostile")).await;
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("onerror") && !page.contains("javascript:alert"));
    assert!(page.contains("Hostile &lt;script&gt;"), "the title is text");

    let revision: i64 =
        sqlx::query_scalar("SELECT published_revision_id FROM articles WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    for _ in 0..2 {
        let response = app
            .invoke(
                &customer,
                VoteArticle {
                    slug: "hostile".into(),
                    revision_id: revision,
                    helpful: true,
                },
            )
            .await;
        assert!(response.status().is_success() || response.status().is_redirection());
    }
    let votes: i64 = sqlx::query_scalar("SELECT count(*) FROM article_votes WHERE article_id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(votes, 1, "one vote per person and revision");
    let page = page_text(&customer, &app.url("/kb/hostile")).await;
    assert!(page.contains("Thank you for your feedback."));
    assert!(page.contains("1 person found this helpful"), "{page}");
    // Visitors are asked to sign in; a vote on an internal article by a customer is refused.
    assert_eq!(
        app.invoke(
            &app.bare(),
            VoteArticle {
                slug: "hostile".into(),
                revision_id: revision,
                helpful: false,
            },
        )
        .await
        .status(),
        401
    );
    let internal_revision: i64 = sqlx::query_scalar(
        "SELECT published_revision_id FROM articles WHERE slug = 'escalation-policy'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let response = app
        .invoke(
            &customer,
            VoteArticle {
                slug: "escalation-policy".into(),
                revision_id: internal_revision,
                helpful: false,
            },
        )
        .await;
    assert_eq!(response.status(), 404);
}

/// Search as `client` through the server function, once the index has caught
/// up with `expect_at_least` articles for a staff reader (notifications are
/// applied within a second).
async fn search(app: &TestApp, client: &reqwest::Client, q: &str) -> serde_json::Value {
    let response = app
        .invoke(
            client,
            SearchArticles {
                q: q.to_string(),
                kind: None,
                category: None,
                page: None,
            },
        )
        .await;
    assert_eq!(response.status(), 200, "searching {q:?}");
    response.json().await.unwrap()
}

async fn wait_until_indexed(app: &TestApp, pool: &PgPool) {
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM articles WHERE published_revision_id IS NOT NULL AND state <> 'archived'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    for _ in 0..400 {
        if app.search_index_count() as i64 == live {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the index did not reach {live} articles within 20 s");
}

fn slugs(results: &serde_json::Value) -> Vec<String> {
    results["results"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["slug"].as_str().unwrap().to_string())
        .collect()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn search_finds_with_typos_and_shows_each_reader_only_their_articles(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    import_dir(&pool, &shipped_content()).await.unwrap();
    wait_until_indexed(&app, &pool).await;
    let visitor = app.bare();
    let customer = app.signed_in("nick@northwind.example").await;
    let agent = app.signed_in("agent@rapport.example").await;

    // A typo still finds the article, with the word highlighted in the snippet.
    let found = search(&app, &visitor, "priorty").await;
    let hits = found["results"]["hits"].as_array().unwrap();
    let hit = hits
        .iter()
        .find(|h| h["slug"] == "choose-the-right-priority")
        .unwrap_or_else(|| panic!("{found}"));
    let snippet = hit["snippet"].as_str().unwrap().to_lowercase();
    assert!(snippet.contains("<mark>priority</mark>"), "{hit}");

    // "escalation" is in internal articles: staff find them, others get no trace.
    let audience_of = |slug: &str| {
        let pool = pool.clone();
        let slug = slug.to_string();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT r.audience FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id WHERE a.slug = $1",
            )
            .bind(slug)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    for (client, allowed) in [
        (&visitor, vec!["public"]),
        (&customer, vec!["public", "customers"]),
    ] {
        for q in ["escalation", "queue", "internal note", "invite colleagues"] {
            let results = search(&app, client, q).await;
            for slug in slugs(&results) {
                let audience = audience_of(&slug).await;
                assert!(
                    allowed.contains(&audience.as_str()),
                    "{q:?} gave {slug} ({audience})"
                );
            }
            let counted: u64 = results["results"]["kinds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k[1].as_u64().unwrap())
                .sum();
            assert_eq!(counted, results["results"]["total"].as_u64().unwrap());
        }
    }
    let staff = search(&app, &agent, "escalation").await;
    assert!(
        slugs(&staff).contains(&"escalation-policy".to_string()),
        "{staff}"
    );
    let visitor_total = search(&app, &visitor, "escalation").await["results"]["total"]
        .as_u64()
        .unwrap();
    assert!(staff["results"]["total"].as_u64().unwrap() > visitor_total);

    // The search page works without JavaScript and escapes what was typed.
    let page = page_text(&visitor, &app.url("/search?q=%3Cscript%3Ecases")).await;
    assert!(
        !page.contains("<script>cases"),
        "the query is shown as text"
    );
    let page = page_text(&visitor, &app.url("/search?q=statuses")).await;
    assert!(page.contains("case-statuses-explained"), "{page}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn hostile_queries_answer_quickly_and_safely(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    import_dir(&pool, &shipped_content()).await.unwrap();
    wait_until_indexed(&app, &pool).await;
    let visitor = app.bare();
    let long = "case ".repeat(2_000);
    let ors = (0..1_000)
        .map(|i| format!("word{i}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    for q in [
        long.as_str(),
        ors.as_str(),
        "\"unbalanced quote",
        "*",
        "((((",
        "\u{1}\u{7f}",
        "é ü 漢字",
    ] {
        let started = std::time::Instant::now();
        let response = app
            .invoke(
                &visitor,
                SearchArticles {
                    q: q.to_string(),
                    kind: None,
                    category: None,
                    page: None,
                },
            )
            .await;
        assert_eq!(response.status(), 200, "{:.40}", q);
        // Not a benchmark: a guard against a stall (the figures are in `cargo xtask bench search`).
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{:.40} took {:?}",
            q,
            started.elapsed()
        );
    }
    // A NUL cannot be stored (the search log): refused at the edge, naming the field.
    let nul = app
        .invoke(
            &visitor,
            SearchArticles {
                q: "\u{0}\u{1}".to_string(),
                kind: None,
                category: None,
                page: None,
            },
        )
        .await;
    assert_eq!(nul.status(), 422);
    let refusal: serde_json::Value = nul.json().await.unwrap();
    assert_eq!(refusal["Invalid"]["field"], "q", "{refusal}");
    let shortened = search(&app, &visitor, &long).await;
    assert!(
        shortened["results"]["notice"]
            .as_str()
            .unwrap_or("")
            .contains("shortened"),
        "{shortened}"
    );
    let star = search(&app, &visitor, "*").await;
    assert!(star["results"]["notice"].as_str().is_some(), "{star}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn searches_are_logged_with_clicks_cases_and_deflections(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    import_dir(&pool, &shipped_content()).await.unwrap();
    wait_until_indexed(&app, &pool).await;
    let customer = app.signed_in("nick@northwind.example").await;
    let results = search(&app, &customer, "attach files").await;
    let log_id = results["log_id"].as_i64().unwrap();
    let first = slugs(&results)[0].clone();
    page_text(&customer, &app.url(&format!("/kb/{first}?s={log_id}"))).await;
    let nothing = search(&app, &customer, "zzqx flurble").await;
    assert_eq!(nothing["results"]["total"], 0);
    let (clicked, hits): (Option<i64>, i32) =
        sqlx::query_as("SELECT clicked_article_id, hits FROM search_log WHERE id = $1")
            .bind(log_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(clicked.is_some() && hits > 0);

    // Suggestions while typing a case, then "This solved my problem".
    let suggested = app
        .invoke(
            &customer,
            CaseSuggestions {
                subject: "how do I attach a file".into(),
                description: String::new(),
            },
        )
        .await;
    assert_eq!(suggested.status(), 200);
    let suggested: serde_json::Value = suggested.json().await.unwrap();
    let slug = suggested["hits"][0]["slug"].as_str().unwrap().to_string();
    let response = app
        .invoke(
            &customer,
            DeflectCase {
                slug: slug.clone(),
                query: "how do I attach a file".into(),
            },
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    let deflections: i64 = sqlx::query_scalar("SELECT count(*) FROM deflections")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(deflections, 1);
    // An agent's article cannot be credited by a customer.
    let refused = app
        .invoke(
            &customer,
            DeflectCase {
                slug: "escalation-policy".into(),
                query: "x".into(),
            },
        )
        .await;
    assert_eq!(refused.status(), 404);

    // A case opened after searching marks those searches.
    let category: String = sqlx::query_scalar("SELECT id::text FROM case_categories LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    // Raw: create_case takes multipart data (files), not typed arguments.
    let created = app
        .call(
            &customer,
            "create_case",
            &[
                ("subject", "Still broken"),
                ("description", "The flurble is broken."),
                ("category_id", &category),
                ("priority", "normal"),
            ],
        )
        .await;
    assert!(
        created.status().is_success() || created.status().is_redirection(),
        "{}",
        created.status()
    );
    let followed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM search_log WHERE case_id IS NOT NULL AND source = 'search'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(followed >= 2, "both searches are followed by the case");
}
