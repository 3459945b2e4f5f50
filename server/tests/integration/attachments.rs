//! HTTP tests of attachments: uploading with a new case and with replies,
//! refusals that save nothing, and downloads only for those who may see the case.

use crate::common;

use crate::common::{fixtures, TestApp};
use app::api::cases::CaseDetail;
use reqwest::header::{
    ACCEPT, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION,
    REFERER, X_CONTENT_TYPE_OPTIONS,
};
use reqwest::{Client, Response};
use serde_json::Value;
use sqlx::PgPool;
use std::time::Duration;

const MIB: usize = 1024 * 1024;

async fn category_id(app: &TestApp) -> String {
    let id: i64 = sqlx::query_scalar("SELECT min(id) FROM case_categories")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    id.to_string()
}

/// Post the new-case form with these files.
async fn post_case(
    app: &TestApp,
    client: &Client,
    subject: &str,
    files: &[(&str, &[u8])],
) -> Response {
    let category = category_id(app).await;
    // Raw: create_case takes multipart data (files), not typed arguments.
    app.call_multipart(
        client,
        "create_case",
        &[
            ("subject", subject),
            ("description", "Details are attached."),
            ("category_id", &category),
            ("priority", "normal"),
        ],
        files,
    )
    .await
}

/// Open a case with these files; returns its number.
async fn open_case(app: &TestApp, client: &Client, files: &[(&str, &[u8])]) -> String {
    let response = post_case(app, client, "Files attached", files).await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    let location = response.headers()[LOCATION].to_str().unwrap().to_string();
    location.trim_start_matches("/cases/").to_string()
}

/// Reply "See the file." at `version` (what a customer sends does not matter),
/// with `extra` fields (staff: `internal`, `status`).
async fn reply(
    app: &TestApp,
    client: &Client,
    number: &str,
    version: &str,
    extra: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Response {
    let mut form = vec![
        ("number", number),
        ("body", "See the file."),
        ("version", version),
    ];
    form.extend_from_slice(extra);
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    app.call_multipart(client, "reply_to_case", &form, files)
        .await
}

/// (id, file name) of the files of a case, in upload order.
async fn attachments_of(app: &TestApp, number: &str) -> Vec<(i64, String)> {
    sqlx::query_as(
        "SELECT a.id, a.file_name FROM case_attachments a JOIN cases c ON c.id = a.case_id
         WHERE 'C-' || c.number = $1 ORDER BY a.id",
    )
    .bind(number)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn download(app: &TestApp, client: &Client, number: &str, id: impl ToString) -> Response {
    client
        .get(app.url(&format!("/cases/{number}/attachments/{}", id.to_string())))
        .send()
        .await
        .unwrap()
}

/// The error a refused call answered with: (field, message).
async fn field_error(response: Response) -> (String, String) {
    let body: Value = response.json().await.unwrap();
    let field = body["Invalid"]["field"].as_str().unwrap_or_default();
    let message = body["Invalid"]["message"].as_str().unwrap_or_default();
    (field.to_string(), message.to_string())
}

/// Files of a failed change are removed right after the answer: wait for it.
async fn wait_for_files(app: &TestApp, expected: usize) {
    for _ in 0..50 {
        if app.stored_files().len() == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "expected {expected} stored files, found {:?}",
        app.stored_files()
    );
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n not really a picture";
const LOG: &[u8] = b"12:00:01 printer on fire\n12:00:02 still on fire\n";

/// Files to upload: (name, bytes).
type Files<'a> = Vec<(&'a str, &'a [u8])>;
#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_customer_opens_a_case_with_two_files_and_downloads_them(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "nick@northwind.example",
            "olivia@northwind.example",
            "agent@rapport.example",
        ],
    )
    .await;
    let nick = app.signed_in("nick@northwind.example").await;
    let number = open_case(
        &app,
        &nick,
        &[("screenshot.PNG", PNG), ("Grüße – printer.log", LOG)],
    )
    .await;
    let files = attachments_of(&app, &number).await;
    let names: Vec<&str> = files.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["screenshot.PNG", "Grüße – printer.log"]);
    assert_eq!(app.stored_files().len(), 2);
    let (content_type, size, message_id): (String, i64, Option<i64>) = sqlx::query_as(
        "SELECT content_type, size_bytes, message_id FROM case_attachments WHERE id = $1",
    )
    .bind(files[0].0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        content_type, "image/png",
        "from the extension, not the browser"
    );
    assert_eq!(size, PNG.len() as i64);
    assert_eq!(message_id, None, "files of the description have no message");

    let response = download(&app, &nick, &number, files[1].0).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers[CONTENT_TYPE], "text/plain; charset=utf-8");
    assert_eq!(
        headers[CONTENT_DISPOSITION],
        "attachment; filename=\"Gr__e _ printer.log\"; \
         filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%E2%80%93%20printer.log"
    );
    assert_eq!(headers[X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[CACHE_CONTROL], "private, no-store");
    // Opened in the browser, an uploaded file runs no script on our origin:
    // the site's own policy (which allows our scripts) is not sent with it.
    let policy = headers[CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(policy.split(';').any(|d| d.trim() == "sandbox"), "{policy}");
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(!policy.contains("script-src"), "{policy}");
    assert_eq!(response.bytes().await.unwrap().as_ref(), LOG);

    // The organization's customer admin and the agents may have it too.
    for who in ["olivia@northwind.example", "agent@rapport.example"] {
        let client = app.signed_in(who).await;
        let response = download(&app, &client, &number, files[0].0).await;
        assert_eq!(response.status(), 200, "{who}");
        assert_eq!(response.bytes().await.unwrap().as_ref(), PNG, "{who}");
    }
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn refused_files_name_the_file_and_nothing_is_saved(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let cases_before = count(&app, "cases").await;
    let oversized = vec![b'x'; 10 * MIB + 1];
    let eleven: Vec<(String, &[u8])> = (1..=11)
        .map(|i| (format!("part{i}.txt"), b"x".as_slice()))
        .collect();
    let eleven: Vec<(&str, &[u8])> = eleven.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let attempts: Vec<(Files, &str)> = vec![
        (
            vec![("ok.png", PNG), ("setup.exe", b"MZ")],
            "“setup.exe” is a type of file we do not accept",
        ),
        (
            vec![("../../etc/passwd", b"root:x:0:0")],
            "“passwd” is a type of file",
        ),
        (
            vec![("page.html", b"<script>alert(1)</script>")],
            "“page.html”",
        ),
        (
            vec![("ok.png", PNG), ("huge.pdf", &oversized)],
            "“huge.pdf” is too large",
        ),
        (eleven, "“part11.txt” is one too many"),
    ];
    for (files, expected) in attempts {
        let response = post_case(&app, &nick, "Refused", &files).await;
        assert_eq!(response.status(), 422, "{expected}");
        let (field, message) = field_error(response).await;
        assert_eq!(field, "attachments");
        assert!(
            message.contains(expected),
            "{message:?} should say {expected:?}"
        );
    }
    // Good files, but the case itself is refused: the files go too.
    // Raw: create_case takes multipart data (files), not typed arguments.
    let response = app
        .call_multipart(
            &nick,
            "create_case",
            &[
                ("subject", "   "),
                ("description", "x"),
                ("category_id", "1"),
                ("priority", "normal"),
            ],
            &[("ok.png", PNG)],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(field_error(response).await.0, "subject");

    assert_eq!(
        count(&app, "cases").await,
        cases_before,
        "no case was opened"
    );
    assert_eq!(count(&app, "case_attachments").await, 0);
    wait_for_files(&app, 0).await;
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_refused_reply_keeps_none_of_its_files(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &["nick@northwind.example", "agent@rapport.example"],
    )
    .await;
    let nick = app.signed_in("nick@northwind.example").await;
    let number = open_case(&app, &nick, &[]).await;
    let agent = app.signed_in("agent@rapport.example").await;
    // A status chosen on a stale version: the reply is refused after its
    // files were stored.
    let first = reply(&app, &agent, &number, "1", &[], &[]).await;
    assert_eq!(first.status(), 200);
    let messages = count(&app, "case_messages").await;
    // Raw: reply_to_case takes multipart data (files), not typed arguments.
    let stale = app
        .call_multipart(
            &agent,
            "reply_to_case",
            &[
                ("number", &number),
                ("body", "Late"),
                ("version", "1"),
                ("status", "solved"),
            ],
            &[("late.pdf", b"%PDF-1.4")],
        )
        .await;
    assert_eq!(stale.status(), 409);
    assert_eq!(count(&app, "case_messages").await, messages);
    assert_eq!(count(&app, "case_attachments").await, 0);
    wait_for_files(&app, 0).await;
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_case_holds_at_most_25_mb(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let nine = vec![b'x'; 9 * MIB];
    let number = open_case(&app, &nick, &[("a.pdf", &nine), ("b.pdf", &nine)]).await;
    let eight = vec![b'y'; 8 * MIB];
    let messages = count(&app, "case_messages").await;
    let refused = reply(&app, &nick, &number, "0", &[], &[("c.pdf", &eight)]).await;
    assert_eq!(refused.status(), 422);
    let (field, message) = field_error(refused).await;
    assert_eq!(field, "attachments");
    assert!(
        message.contains("“c.pdf” would take this case over 25.0 MB")
            && message.contains("18.0 MB"),
        "{message}"
    );
    assert_eq!(
        count(&app, "case_messages").await,
        messages,
        "the reply was not saved"
    );
    wait_for_files(&app, 2).await;
    // A smaller one still fits.
    let small = vec![b'z'; 6 * MIB];
    let accepted = reply(&app, &nick, &number, "0", &[], &[("d.pdf", &small)]).await;
    assert_eq!(accepted.status(), 200, "{:?}", accepted.text().await);
    assert_eq!(attachments_of(&app, &number).await.len(), 3);

    // A body bigger than a case can ever hold is refused before it is read.
    let too_big = post_case(
        &app,
        &nick,
        "Too big",
        &[("a.pdf", &nine), ("b.pdf", &nine), ("c.pdf", &nine)],
    )
    .await;
    assert_eq!(too_big.status(), 413);
    assert_eq!(field_error(too_big).await.0, "attachments");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn replies_carry_files_and_those_of_internal_notes_are_for_staff(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "nick@northwind.example",
            "agent@rapport.example",
            "olivia@northwind.example",
        ],
    )
    .await;
    let nick = app.signed_in("nick@northwind.example").await;
    let number = open_case(&app, &nick, &[]).await;
    let agent = app.signed_in("agent@rapport.example").await;
    let note = reply(
        &app,
        &agent,
        &number,
        "1",
        &[("internal", "on")],
        &[("internal-analysis.txt", b"customer is on the old plan")],
    )
    .await;
    assert_eq!(note.status(), 200, "{:?}", note.text().await);
    let answered = reply(
        &app,
        &nick,
        &number,
        "0",
        &[],
        &[("photo.jpg", b"\xff\xd8\xff")],
    )
    .await;
    assert_eq!(answered.status(), 200, "{:?}", answered.text().await);

    // Each file belongs to the message it came with.
    let rows: Vec<(String, bool, String)> = sqlx::query_as(
        "SELECT a.file_name, m.internal, m.body FROM case_attachments a
         JOIN case_messages m ON m.id = a.message_id ORDER BY a.id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [
            (
                "internal-analysis.txt".to_string(),
                true,
                "See the file.".to_string()
            ),
            ("photo.jpg".to_string(), false, "See the file.".to_string()),
        ]
    );
    let files = attachments_of(&app, &number).await;
    let (note_file, photo) = (files[0].0, files[1].0);
    assert_eq!(
        download(&app, &nick, &number, note_file).await.status(),
        404
    );
    let olivia = app.signed_in("olivia@northwind.example").await;
    assert_eq!(
        download(&app, &olivia, &number, note_file).await.status(),
        404
    );
    assert_eq!(
        download(&app, &agent, &number, note_file).await.status(),
        200
    );
    assert_eq!(download(&app, &nick, &number, photo).await.status(), 200);

    // The case page lists each file under its message, files of notes for staff only.
    let files_seen = |client: reqwest::Client| {
        let (app, number) = (&app, number.clone());
        async move {
            let case: serde_json::Value = app
                .invoke(
                    &client,
                    CaseDetail {
                        number: number.clone(),
                        canned: None,
                    },
                )
                .await
                .json()
                .await
                .unwrap();
            let mut names = Vec::new();
            for entry in case["thread"].as_array().unwrap() {
                for file in entry["files"].as_array().unwrap() {
                    names.push(file["file_name"].as_str().unwrap().to_string());
                    assert!(file["href"]
                        .as_str()
                        .unwrap()
                        .starts_with(&format!("/cases/{number}/attachments/")));
                }
            }
            names
        }
    };
    assert_eq!(files_seen(nick.clone()).await, ["photo.jpg"]);
    assert_eq!(
        files_seen(agent.clone()).await,
        ["internal-analysis.txt", "photo.jpg"]
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn other_organizations_and_visitors_cannot_download(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(
        &app.pool,
        &[
            "olivia@northwind.example",
            "carla@acme.example",
            "nick@northwind.example",
        ],
    )
    .await;
    let olivia = app.signed_in("olivia@northwind.example").await;
    let number = open_case(&app, &olivia, &[("northwind-secret.pdf", b"%PDF secret")]).await;
    let id = attachments_of(&app, &number).await[0].0;

    let carla = app.signed_in("carla@acme.example").await;
    let response = download(&app, &carla, &number, id).await;
    assert_eq!(response.status(), 404);
    let page = response.text().await.unwrap();
    assert!(!page.contains("northwind-secret"), "{page}");
    // Her own case's number with the other file's id: still nothing.
    let own = open_case(&app, &carla, &[]).await;
    assert_eq!(download(&app, &carla, &own, id).await.status(), 404);
    // Within Northwind, a customer sees only the cases they asked.
    let nick = app.signed_in("nick@northwind.example").await;
    assert_eq!(download(&app, &nick, &number, id).await.status(), 404);
    // Addresses that are not ours.
    for (n, i) in [
        (number.as_str(), "x"),
        ("C-0", "1"),
        ("nonsense", "1"),
        (number.as_str(), "999999"),
    ] {
        assert_eq!(download(&app, &olivia, n, i).await.status(), 404, "{n} {i}");
    }

    // A visitor is asked to sign in, and comes back here afterwards.
    let visitor = app.bare();
    let response = download(&app, &visitor, &number, id).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()[LOCATION],
        format!("/sign-in?next=%2Fcases%2F{number}%2Fattachments%2F{id}").as_str()
    );
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_plain_form_post_comes_back_with_the_error_and_the_text(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let category = category_id(&app).await;
    let response = nick
        .post(app.url("/api/create_case"))
        .header(ACCEPT, "text/html")
        .header(REFERER, app.url("/cases/new"))
        .multipart(common::multipart(
            &[
                ("subject", "Scanner & printer"),
                ("description", "Both <stopped> at 9.</textarea><b>x</b>"),
                ("category_id", &category),
                ("priority", "high"),
            ],
            &[("setup.exe", b"MZ")],
        ))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/cases/new?subject=Scanner"),
        "{location}"
    );
    assert!(location.contains("__err="), "{location}");
    let page = common::page_text(&nick, &app.url(&location)).await;
    assert!(
        page.contains("value=\"Scanner &amp; printer\""),
        "the subject is kept"
    );
    // Kept, and still only text: it cannot end the text box early.
    let at = page.find("<textarea").unwrap_or(0);
    assert!(
        page.contains("Both &lt;stopped> at 9.&lt;/textarea>&lt;b>x&lt;/b></textarea>"),
        "the description is kept: {}",
        &page[at..(at + 300).min(page.len())]
    );
    assert!(!page.contains("<b>x</b>"));
    assert!(page.contains("“setup.exe” is a type of file we do not accept"));
    assert!(page.contains("Attach files (optional)"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_upload_function_refuses_a_form_that_is_not_multipart(pool: PgPool) {
    let app = TestApp::spawn_empty(pool).await;
    fixtures::people(&app.pool, &["nick@northwind.example"]).await;
    let nick = app.signed_in("nick@northwind.example").await;
    let response = nick
        .post(app.url("/api/create_case"))
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("subject=a&description=b&category_id=1&priority=normal")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["BadRequest"].as_str().unwrap().contains("multipart"),
        "{body}"
    );
}
