//! HTTP tests of writing articles: the editor's saves and their revisions,
//! the workflow (review, publish, archive), stale saves, restore and diffs,
//! the writers' list, the insights, and the people who must not write.

use crate::common::{fixtures, page_text, TestApp};
use app::api::writing::{
    ArticleEditor, ArticleHistory, ChangeArticleState, DraftPreview, PreviewArticle,
    RestoreRevision, SaveArticle, WriterArticles, WritingInsights,
};
use reqwest::Client;
use serde_json::Value;
use sqlx::PgPool;

const TRAINER: &str = "trainer@rapport.example";
const ADMIN: &str = "admin@rapport.example";
const AGENT: &str = "agent@rapport.example";
const CUSTOMER: &str = "nick@northwind.example";

/// A category to file articles under (the demo seed has none).
async fn category(app: &TestApp, slug: &str, name: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO article_categories (slug, name) VALUES ($1, $2)
         ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name RETURNING id",
    )
    .bind(slug)
    .bind(name)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The editor's form for a new article with good values.
fn form(category: &str) -> SaveArticle {
    SaveArticle {
        id: String::new(),
        based_on: String::new(),
        kind: "knowledge".into(),
        title: "Reset your password".into(),
        summary: "How to get back in when you forgot it.".into(),
        category: category.into(),
        tags: "account, password".into(),
        audience: "public".into(),
        body: "## Steps\n\nClick *Forgot password* on the sign-in page.\n".into(),
        note: String::new(),
        intent: "draft".into(),
    }
}

async fn save(app: &TestApp, client: &Client, form: SaveArticle) -> (u16, Value) {
    let response = app.invoke(client, form).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// (state, latest revision id, published revision id, latest revision number).
async fn article_row(app: &TestApp, id: i64) -> (String, i64, Option<i64>, i32) {
    sqlx::query_as(
        "SELECT a.state, a.latest_revision_id, a.published_revision_id, r.number
           FROM articles a JOIN article_revisions r ON r.id = a.latest_revision_id
          WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn revision_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM article_revisions")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Create an article as `client`, the form changed by `change`; returns its id.
async fn create(app: &TestApp, client: &Client, change: impl FnOnce(&mut SaveArticle)) -> i64 {
    let category = category(app, "accounts", "Accounts").await.to_string();
    let mut form = form(&category);
    change(&mut form);
    let (status, outcome) = save(app, client, form).await;
    assert_eq!(status, 200, "{outcome}");
    outcome["id"].as_i64().unwrap()
}

/// Save the form changed by `change` over article `id` as `client`, based on
/// its latest revision.
async fn edit(
    app: &TestApp,
    client: &Client,
    id: i64,
    change: impl FnOnce(&mut SaveArticle),
) -> (u16, Value) {
    let category = category(app, "accounts", "Accounts").await.to_string();
    let (_, latest, _, _) = article_row(app, id).await;
    let mut form = SaveArticle {
        id: id.to_string(),
        based_on: latest.to_string(),
        ..form(&category)
    };
    change(&mut form);
    save(app, client, form).await
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_new_article_is_a_draft_readers_do_not_see_until_it_is_published(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER]).await;
    let trainer = app.signed_in(TRAINER).await;
    let category = category(&app, "accounts", "Accounts").await.to_string();
    let first_go = SaveArticle {
        note: "First go".into(),
        ..form(&category)
    };
    let (status, outcome) = save(&app, &trainer, first_go).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["done"], "created");
    assert_eq!(outcome["revision_number"], 1);
    let id = outcome["id"].as_i64().unwrap();
    let (state, latest, published, number) = article_row(&app, id).await;
    assert_eq!((state.as_str(), published, number), ("draft", None, 1));
    let (slug, author): (String, Option<i64>) =
        sqlx::query_as("SELECT slug, author_id FROM articles WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(slug, "reset-your-password");
    assert_eq!(author, Some(user_id(&app, TRAINER).await));
    let (tags, note): (Vec<String>, String) =
        sqlx::query_as("SELECT tags, note FROM article_revisions WHERE id = $1")
            .bind(latest)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(tags, vec!["account", "password"]);
    assert_eq!(note, "First go");

    // Publishing makes the latest revision the one readers see, with the
    // publishing trainer as its reviewer; nothing changed, so no new revision.
    let (status, outcome) = edit(&app, &trainer, id, |f| f.intent = "publish".into()).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["done"], "published");
    let (state, latest_now, published, _) = article_row(&app, id).await;
    assert_eq!(state, "published");
    assert_eq!(latest_now, latest);
    assert_eq!(published, Some(latest));
    let reviewer: Option<i64> =
        sqlx::query_scalar("SELECT reviewer_id FROM articles WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(reviewer, Some(user_id(&app, TRAINER).await));
    assert_eq!(revision_count(&app).await, 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn editing_a_published_article_keeps_readers_on_the_published_revision(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER]).await;
    let trainer = app.signed_in(TRAINER).await;
    let id = create(&app, &trainer, |f| f.intent = "publish".into()).await;
    let (state, first, published, _) = article_row(&app, id).await;
    assert_eq!((state.as_str(), published), ("published", Some(first)));

    let (status, outcome) = edit(&app, &trainer, id, |f| {
        f.body = "## Steps\n\nA better text.\n".into();
        f.note = "Clearer".into();
    })
    .await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["done"], "saved");
    assert_eq!(outcome["revision_number"], 2);
    let (state, latest, published, number) = article_row(&app, id).await;
    assert_eq!(state, "draft");
    assert_ne!(latest, first);
    assert_eq!(number, 2);
    assert_eq!(
        published,
        Some(first),
        "readers keep the published revision"
    );

    // Submitted for review, still not what readers see; the list says so.
    let (_, outcome) = edit(&app, &trainer, id, |f| {
        f.body = "## Steps\n\nA better text.\n".into();
        f.intent = "review".into();
    })
    .await;
    assert_eq!(outcome["done"], "submitted");
    let (state, _, published, _) = article_row(&app, id).await;
    assert_eq!((state.as_str(), published), ("in_review", Some(first)));
    let list = app
        .invoke(
            &trainer,
            WriterArticles {
                state: "changes".into(),
                kind: String::new(),
                q: String::new(),
                page: None,
            },
        )
        .await;
    let list: Value = list.json().await.unwrap();
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["rows"][0]["live"], true);
    assert_eq!(list["rows"][0]["state"], "in_review");

    // Publishing from review moves readers on.
    let (_, outcome) = edit(&app, &trainer, id, |f| {
        f.body = "## Steps\n\nA better text.\n".into();
        f.intent = "publish".into();
    })
    .await;
    assert_eq!(outcome["done"], "published");
    let (state, latest, published, _) = article_row(&app, id).await;
    assert_eq!((state.as_str(), published), ("published", Some(latest)));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_save_based_on_an_older_revision_is_refused_and_writes_nothing(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER, ADMIN]).await;
    let trainer = app.signed_in(TRAINER).await;
    let admin = app.signed_in(ADMIN).await;
    let id = create(&app, &trainer, |_| {}).await;
    let (_, first, _, _) = article_row(&app, id).await;
    // Both open revision 1; the trainer saves first.
    let (status, _) = edit(&app, &trainer, id, |f| {
        f.body = "The trainer's text.\n".into();
        f.note = "Shorter".into();
    })
    .await;
    assert_eq!(status, 200);
    let count = revision_count(&app).await;

    let category = category(&app, "accounts", "Accounts").await.to_string();
    for intent in ["draft", "publish"] {
        let stale = SaveArticle {
            id: id.to_string(),
            based_on: first.to_string(),
            body: "The admin's text.\n".into(),
            intent: intent.into(),
            ..form(&category)
        };
        let (status, body) = save(&app, &admin, stale).await;
        assert_eq!(status, 409, "{body}");
        let message = body["Conflict"].as_str().unwrap();
        assert!(
            message.contains("Tess Trainer saved revision 2"),
            "{message}"
        );
        assert!(message.contains("“Shorter”"), "{message}");
        assert!(message.contains("Nothing of yours was saved"), "{message}");
    }
    assert_eq!(revision_count(&app).await, count);
    let (state, _, published, number) = article_row(&app, id).await;
    assert_eq!((state.as_str(), published, number), ("draft", None, 2));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn saving_unchanged_content_creates_no_revision(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER]).await;
    let trainer = app.signed_in(TRAINER).await;
    let id = create(&app, &trainer, |_| {}).await;
    // The same text, typed again with spaces around it and tags in another spelling.
    let (status, outcome) = edit(&app, &trainer, id, |f| {
        f.title = "  Reset your password ".into();
        f.tags = "Account,password,".into();
        f.note = "no change".into();
    })
    .await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["done"], "unchanged");
    assert_eq!(outcome["revision_number"], 1);
    assert_eq!(revision_count(&app).await, 1);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn bad_input_names_the_field_and_saves_nothing(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER]).await;
    let trainer = app.signed_in(TRAINER).await;
    let category = category(&app, "accounts", "Accounts").await.to_string();
    let long_note = "n".repeat(301);
    // (argument, its value, the field named, how the value goes into the form)
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        fn(&mut SaveArticle, &str),
    );
    let cases: [Case; 8] = [
        ("title", "  ", "title", |f, v| f.title = v.into()),
        ("title", "!!!", "title", |f, v| f.title = v.into()),
        ("body", " \n", "body", |f, v| f.body = v.into()),
        ("kind", "blog", "kind", |f, v| f.kind = v.into()),
        ("audience", "everyone", "audience", |f, v| {
            f.audience = v.into()
        }),
        ("category", "", "category", |f, v| f.category = v.into()),
        ("category", "999999", "category", |f, v| {
            f.category = v.into()
        }),
        ("tags", "fine, not/fine", "tags", |f, v| f.tags = v.into()),
    ];
    for (name, value, field, set) in cases {
        let mut bad = form(&category);
        set(&mut bad, value);
        let (status, body) = save(&app, &trainer, bad).await;
        assert_eq!(status, 422, "{name}={value:?}: {body}");
        assert_eq!(body["Invalid"]["field"], field, "{name}={value:?}: {body}");
    }
    let long = SaveArticle {
        note: long_note,
        ..form(&category)
    };
    let (status, body) = save(&app, &trainer, long).await;
    assert_eq!(
        (status, body["Invalid"]["field"].as_str()),
        (422, Some("note"))
    );
    let untitled = SaveArticle {
        title: " ".into(),
        ..form(&category)
    };
    let (status, body) = save(&app, &trainer, untitled).await;
    assert_eq!(body["Invalid"]["message"], "Write a title.", "{status}");
    let articles: i64 = sqlx::query_scalar("SELECT count(*) FROM articles")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((articles, revision_count(&app).await), (0, 0));

    // A refused edit leaves the article as it was.
    let id = create(&app, &trainer, |_| {}).await;
    let (status, _) = edit(&app, &trainer, id, |f| {
        f.title = String::new();
        f.intent = "publish".into();
    })
    .await;
    assert_eq!(status, 422);
    let (state, _, published, number) = article_row(&app, id).await;
    assert_eq!((state.as_str(), published, number), ("draft", None, 1));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_plain_form_post_that_fails_comes_back_with_what_was_typed(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER]).await;
    let trainer = app.signed_in(TRAINER).await;
    let category = category(&app, "accounts", "Accounts").await.to_string();
    let body = "Text with <angle> & ampersand.";
    let response = trainer
        .post(app.url("/api/save_article"))
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("referer", app.url("/write/new"))
        .body(
            serde_qs::to_string(&SaveArticle {
                title: String::new(),
                body: body.into(),
                ..form(&category)
            })
            .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/write/new?"), "{location}");
    assert!(location.contains("__err="), "{location}");
    let page = page_text(&trainer, &app.url(&location)).await;
    assert!(page.contains("Write a title."), "the error names the title");
    assert!(
        page.contains("Text with &lt;angle> &amp; ampersand."),
        "the text is kept: {page}"
    );
    assert!(
        page.contains("How to get back in when you forgot it."),
        "the summary is kept"
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn restoring_an_old_revision_makes_a_new_draft_revision(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER]).await;
    let trainer = app.signed_in(TRAINER).await;
    let id = create(&app, &trainer, |f| {
        f.body = "First text.\n".into();
        f.intent = "publish".into();
    })
    .await;
    let (_, first, _, _) = article_row(&app, id).await;
    edit(&app, &trainer, id, |f| f.body = "Second text.\n".into()).await;
    let (_, second, _, _) = article_row(&app, id).await;

    // Against an older revision: refused.
    let stale = app
        .invoke(
            &trainer,
            RestoreRevision {
                id,
                number: 1,
                based_on: first,
            },
        )
        .await;
    assert_eq!(stale.status(), 409);

    let response = app
        .invoke(
            &trainer,
            RestoreRevision {
                id,
                number: 1,
                based_on: second,
            },
        )
        .await;
    assert_eq!(response.status(), 200);
    let outcome: Value = response.json().await.unwrap();
    assert_eq!(
        (
            outcome["done"].as_str(),
            outcome["revision_number"].as_i64()
        ),
        (Some("restored"), Some(3))
    );
    let (state, latest, published, number) = article_row(&app, id).await;
    assert_eq!((state.as_str(), number), ("draft", 3));
    assert_eq!(published, Some(first), "restoring does not publish");
    let (body, note): (String, String) =
        sqlx::query_as("SELECT body, note FROM article_revisions WHERE id = $1")
            .bind(latest)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (body.as_str(), note.as_str()),
        ("First text.", "Restored revision 1")
    );

    // Restoring what the latest revision already says changes nothing.
    let again = app
        .invoke(
            &trainer,
            RestoreRevision {
                id,
                number: 1,
                based_on: latest,
            },
        )
        .await;
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["done"], "unchanged");
    assert_eq!(revision_count(&app).await, 3);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_history_lists_revisions_and_shows_the_changed_lines(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER]).await;
    let trainer = app.signed_in(TRAINER).await;
    let id = create(&app, &trainer, |f| {
        f.body = "Line one.\nLine two.\nLine three.\n".into()
    })
    .await;
    category(&app, "billing", "Billing").await;
    let billing = category(&app, "billing", "Billing").await.to_string();
    edit(&app, &trainer, id, |f| {
        f.body = "Line one.\nLine 2.\nLine three.\n".into();
        f.category = billing.clone();
        f.note = "Numbers".into();
    })
    .await;
    let response = app
        .invoke(
            &trainer,
            ArticleHistory {
                id,
                from: None,
                to: None,
            },
        )
        .await;
    assert_eq!(response.status(), 200);
    let history: Value = response.json().await.unwrap();
    assert_eq!(history["revisions"][0]["number"], 2);
    assert_eq!(history["revisions"][0]["note"], "Numbers");
    assert_eq!(history["revisions"][0]["saved_by"], "Tess Trainer");
    assert_eq!(history["comparison"]["from"], 1);
    assert_eq!(history["comparison"]["to"], 2);
    let lines: Vec<(String, String)> = history["comparison"]["hunks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| h["lines"].as_array().unwrap().clone())
        .map(|l| {
            (
                l["change"].as_str().unwrap().to_string(),
                l["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let changed: Vec<(&str, &str)> = lines
        .iter()
        .filter(|(c, _)| c != "Same")
        .map(|(c, t)| (c.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        changed,
        vec![
            ("Removed", "Category: Accounts"),
            ("Added", "Category: Billing"),
            ("Removed", "Line two."),
            ("Added", "Line 2."),
        ]
    );

    // Any two revisions; the same one twice says the same.
    let response = app
        .invoke(
            &trainer,
            ArticleHistory {
                id,
                from: Some(2),
                to: Some(2),
            },
        )
        .await;
    let same: Value = response.json().await.unwrap();
    assert_eq!(same["comparison"]["hunks"], serde_json::json!([]));

    // The page shows the diff with its markers, and the restore button.
    let page = page_text(&trainer, &app.url(&format!("/write/{id}/history"))).await;
    assert!(
        page.contains("Changes from revision 1 to revision 2"),
        "{page}"
    );
    assert!(page.contains("Line 2."));
    assert!(page.contains("Restore this revision"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn archiving_takes_an_article_away_and_unarchiving_makes_it_a_draft(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER]).await;
    let trainer = app.signed_in(TRAINER).await;
    let id = create(&app, &trainer, |f| f.intent = "publish".into()).await;
    let (_, latest, _, _) = article_row(&app, id).await;
    let change = |to: &'static str| {
        let (app, trainer) = (&app, &trainer);
        async move {
            let response = app
                .invoke(
                    trainer,
                    ChangeArticleState {
                        id,
                        based_on: latest,
                        to: to.into(),
                    },
                )
                .await;
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, outcome) = change("archived").await;
    assert_eq!((status, outcome["done"].as_str()), (200, Some("archived")));
    assert_eq!(article_row(&app, id).await.0, "archived");
    // An archived article cannot be published until it is unarchived.
    let (status, body) = edit(&app, &trainer, id, |f| f.intent = "publish".into()).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(article_row(&app, id).await.0, "archived");

    let (status, outcome) = change("draft").await;
    assert_eq!(
        (status, outcome["done"].as_str()),
        (200, Some("unarchived"))
    );
    let (state, _, published, _) = article_row(&app, id).await;
    assert_eq!(
        (state.as_str(), published),
        ("draft", None),
        "readers see it only once published again"
    );
    let (status, _) = change("published").await;
    assert_eq!(status, 400, "publishing goes through the editor");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn articles_with_the_same_title_get_numbered_slugs(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER]).await;
    let trainer = app.signed_in(TRAINER).await;
    let mut slugs = Vec::new();
    for _ in 0..3 {
        let id = create(&app, &trainer, |f| f.title = "Café: déjà vu?".into()).await;
        let slug: String = sqlx::query_scalar("SELECT slug FROM articles WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        slugs.push(slug);
    }
    assert_eq!(slugs, ["cafe-deja-vu", "cafe-deja-vu-2", "cafe-deja-vu-3"]);
    // The slug stays when the title changes.
    let first: i64 = sqlx::query_scalar("SELECT id FROM articles WHERE slug = 'cafe-deja-vu'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    edit(&app, &trainer, first, |f| f.title = "Something else".into()).await;
    let slug: String = sqlx::query_scalar("SELECT slug FROM articles WHERE id = $1")
        .bind(first)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(slug, "cafe-deja-vu");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_writers_list_filters_by_state_kind_and_title(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER]).await;
    let trainer = app.signed_in(TRAINER).await;
    create(&app, &trainer, |f| f.title = "Reset your password".into()).await;
    create(&app, &trainer, |f| {
        f.title = "Invoices explained".into();
        f.intent = "publish".into();
    })
    .await;
    create(&app, &trainer, |f| {
        f.title = "Onboarding day one".into();
        f.kind = "training".into();
        f.intent = "review".into();
    })
    .await;
    // Every article, first page: what the filters below change.
    let all = || WriterArticles {
        state: String::new(),
        kind: String::new(),
        q: String::new(),
        page: None,
    };
    let list = |filters: WriterArticles| {
        let (app, trainer) = (&app, &trainer);
        async move {
            let response = app.invoke(trainer, filters).await;
            assert_eq!(response.status(), 200);
            let body: Value = response.json().await.unwrap();
            let titles: Vec<String> = body["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["title"].as_str().unwrap().to_string())
                .collect();
            (body["total"].as_i64().unwrap(), titles)
        }
    };
    let (total, titles) = list(all()).await;
    assert_eq!(total, 3);
    assert_eq!(titles[0], "Onboarding day one", "newest save first");
    assert_eq!(
        list(WriterArticles {
            state: "draft".into(),
            ..all()
        })
        .await
        .1,
        ["Reset your password"]
    );
    assert_eq!(
        list(WriterArticles {
            state: "live".into(),
            ..all()
        })
        .await
        .1,
        ["Invoices explained"]
    );
    assert_eq!(
        list(WriterArticles {
            state: "in_review".into(),
            ..all()
        })
        .await
        .1,
        ["Onboarding day one"]
    );
    assert_eq!(
        list(WriterArticles {
            kind: "training".into(),
            ..all()
        })
        .await
        .1,
        ["Onboarding day one"]
    );
    assert_eq!(
        list(WriterArticles {
            q: "INVOICE".into(),
            ..all()
        })
        .await
        .1,
        ["Invoices explained"]
    );
    assert_eq!(
        list(WriterArticles {
            q: "100%".into(),
            ..all()
        })
        .await
        .0,
        0
    );
    let bad = app
        .invoke(
            &trainer,
            WriterArticles {
                state: "deleted".into(),
                ..all()
            },
        )
        .await;
    assert_eq!(bad.status(), 422);
    // The page shows the words of each state.
    let page = page_text(&trainer, &app.url("/write")).await;
    assert!(page.contains("In review") && page.contains("Published") && page.contains("Draft"));
    assert!(page.contains("New article"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn previews_render_as_the_published_page_does(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER]).await;
    let trainer = app.signed_in(TRAINER).await;
    let response = app
        .invoke(
            &trainer,
            PreviewArticle {
                body: "## First steps\n\nHello <script>alert(1)</script>\n".into(),
            },
        )
        .await;
    assert_eq!(response.status(), 200);
    let preview: Value = response.json().await.unwrap();
    let html = preview["html"].as_str().unwrap();
    assert!(html.contains("<h2 id=\"h-first-steps\">"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert_eq!(preview["toc"][0]["anchor"], "h-first-steps");

    let id = create(&app, &trainer, |_| {}).await;
    let page = page_text(&trainer, &app.url(&format!("/write/{id}/preview"))).await;
    assert!(page.contains("Preview of revision 1 (Draft)."), "{page}");
    assert!(page.contains("<h2 id=\"h-steps\">"), "{page}");
    assert!(page.contains("Readers do not see this article."));
    let editor = page_text(&trainer, &app.url(&format!("/write/{id}?done=created"))).await;
    assert!(editor.contains("Draft saved (revision 1)."), "{editor}");
    assert!(editor.contains("/kb/reset-your-password"));
    assert!(
        editor.contains("<h2 id=\"h-steps\">"),
        "the saved text is rendered beside the form"
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn people_who_do_not_write_cannot_save_or_see_drafts(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER, AGENT, CUSTOMER]).await;
    let trainer = app.signed_in(TRAINER).await;
    let id = create(&app, &trainer, |_| {}).await;
    let (_, latest, _, _) = article_row(&app, id).await;
    let category = category(&app, "accounts", "Accounts").await.to_string();
    let agent = app.signed_in(AGENT).await;
    let customer = app.signed_in(CUSTOMER).await;
    for (client, who) in [(&agent, "agent"), (&customer, "customer")] {
        let (status, _) = save(&app, client, form(&category)).await;
        assert_eq!(status, 403, "a new article by a {who}");
        let publish = SaveArticle {
            id: id.to_string(),
            based_on: latest.to_string(),
            intent: "publish".into(),
            ..form(&category)
        };
        let (status, _) = save(&app, client, publish).await;
        assert_eq!(status, 403, "publishing by a {who}");
        let status = app
            .invoke(
                client,
                ChangeArticleState {
                    id,
                    based_on: latest,
                    to: "archived".into(),
                },
            )
            .await
            .status();
        assert_eq!(status, 403, "archiving by a {who}");
        let status = app
            .invoke(client, ArticleEditor { id: Some(id) })
            .await
            .status();
        assert_eq!(status, 403, "a draft read by a {who}");
    }
    assert_eq!(article_row(&app, id).await.0, "draft");
    assert_eq!(revision_count(&app).await, 1);

    // Signed out, the trainer's pages give nothing away.
    let visitor = app.browser();
    let answers = [
        (
            "writer_articles",
            app.invoke(
                &visitor,
                WriterArticles {
                    state: String::new(),
                    kind: String::new(),
                    q: String::new(),
                    page: None,
                },
            )
            .await,
        ),
        (
            "article_editor",
            app.invoke(&visitor, ArticleEditor { id: Some(id) }).await,
        ),
        (
            "draft_preview",
            app.invoke(&visitor, DraftPreview { id }).await,
        ),
        (
            "article_history",
            app.invoke(
                &visitor,
                ArticleHistory {
                    id,
                    from: None,
                    to: None,
                },
            )
            .await,
        ),
        (
            "writing_insights",
            app.invoke(&visitor, WritingInsights {}).await,
        ),
        (
            "preview_article",
            app.invoke(
                &visitor,
                PreviewArticle {
                    body: "# Hi".into(),
                },
            )
            .await,
        ),
    ];
    for (name, response) in answers {
        assert_eq!(response.status(), 401, "{name}");
    }
    for path in [
        "/write".to_string(),
        format!("/write/{id}"),
        format!("/write/{id}/history"),
        "/write/insights".to_string(),
    ] {
        let page = page_text(&visitor, &app.url(&path)).await;
        assert!(page.contains("Please sign in"), "{path}");
        assert!(!page.contains("Click *Forgot password*"), "{path}");
        let page = page_text(&agent, &app.url(&path)).await;
        assert!(page.contains("Not available"), "{path} for an agent");
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn insights_count_searches_votes_and_deflections_of_the_last_30_days(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &[TRAINER, CUSTOMER, AGENT]).await;
    // A case that the search for "vat refund" led to.
    fixtures::case(CUSTOMER, "VAT refund")
        .insert(&app.pool)
        .await;
    let trainer = app.signed_in(TRAINER).await;
    let helpful = create(&app, &trainer, |f| {
        f.title = "Helpful one".into();
        f.intent = "publish".into();
    })
    .await;
    let unhelpful = create(&app, &trainer, |f| {
        f.title = "Unhelpful one".into();
        f.intent = "publish".into();
    })
    .await;
    let nick = user_id(&app, CUSTOMER).await;
    let case_id: i64 = sqlx::query_scalar("SELECT id FROM cases ORDER BY id LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO search_log (query, normalized, hits, source, user_id, case_id, created_at) VALUES
           ('Reset password', 'reset password', 3, 'search', $1, NULL, now()),
           ('reset  PASSWORD', 'reset password', 1, 'search', $1, NULL, now()),
           ('vat refund', 'vat refund', 0, 'search', $1, NULL, now()),
           ('vat refund', 'vat refund', 0, 'new_case', $1, $2, now()),
           ('old search', 'old search', 0, 'search', $1, NULL, now() - interval '31 days')",
    )
    .bind(nick)
    .bind(case_id)
    .execute(&app.pool)
    .await
    .unwrap();
    let voters: Vec<i64> = sqlx::query_scalar("SELECT id FROM users ORDER BY id LIMIT 3")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    for (article, helpful_vote) in [(helpful, true), (unhelpful, false)] {
        for voter in &voters {
            sqlx::query(
                "INSERT INTO article_votes (revision_id, user_id, article_id, helpful)
                 SELECT published_revision_id, $2, id, $3 FROM articles WHERE id = $1",
            )
            .bind(article)
            .bind(voter)
            .bind(helpful_vote)
            .execute(&app.pool)
            .await
            .unwrap();
        }
    }
    sqlx::query("INSERT INTO deflections (article_id, user_id, query) VALUES ($1, $2, 'reset'), ($1, $2, 'reset')")
        .bind(helpful)
        .bind(nick)
        .execute(&app.pool)
        .await
        .unwrap();

    let response = app.invoke(&trainer, WritingInsights {}).await;
    assert_eq!(response.status(), 200);
    let i: Value = response.json().await.unwrap();
    assert_eq!(i["days"], 30);
    assert_eq!(i["top_searches"][0]["query"], "reset password");
    assert_eq!(i["top_searches"][0]["searches"], 2);
    assert_eq!(i["top_searches"][0]["average_hits"], "2.0");
    assert_eq!(
        i["top_searches"].as_array().unwrap().len(),
        2,
        "older than 30 days is left out"
    );
    assert_eq!(i["no_results"][0]["query"], "vat refund");
    assert_eq!(i["no_results"][0]["searches"], 2);
    assert_eq!(i["led_to_cases"].as_array().unwrap().len(), 1);
    assert_eq!(i["led_to_cases"][0]["query"], "vat refund");
    assert_eq!(i["least_helpful"][0]["title"], "Unhelpful one");
    assert_eq!(i["least_helpful"][0]["no"], 3);
    assert_eq!(i["least_helpful"][0]["helpful_percent"], 0);
    assert_eq!(i["least_helpful"][1]["helpful_percent"], 100);
    assert_eq!(i["deflections"][0]["title"], "Helpful one");
    assert_eq!(i["deflections"][0]["deflections"], 2);

    let page = page_text(&trainer, &app.url("/write/insights")).await;
    assert!(page.contains("Searches that found nothing"));
    assert!(page.contains("/write/new?title=vat%20refund"), "{page}");
}
