//! Support cases: customers open and follow them; agents work them from queues.

// A server function takes the fields of its form one by one (that is what a
// plain HTML form posts), so the queue's filters make a long argument list.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use rapport_types::views::cases::{CaseFormOptions, CaseList, CaseView, QueuePage};
use rapport_types::SafeHtml;

#[server(endpoint = "case_options")]
pub async fn case_options() -> Result<CaseFormOptions, AppError> {
    use crate::web::AppState;
    use rapport_core::cases;
    let state = expect_context::<AppState>();
    Ok(cases::options(&crate::web::reader::current(), &state.pool).await?)
}

/// Render Markdown as it will look once sent (the same sanitising renderer).
#[server(endpoint = "preview_markdown")]
pub async fn preview_markdown(text: String) -> Result<SafeHtml, AppError> {
    use crate::web::auth;
    use rapport_core::{markdown, policy};
    policy::authorize(auth::actor().as_ref(), &policy::Action::PreviewMarkdown)?;
    if text.chars().count() > rapport_core::cases::MAX_TEXT {
        return Err(AppError::invalid(
            "description",
            "This text is too long to preview.",
        ));
    }
    Ok(markdown::render(&text))
}

/// Open a case: a multipart form (`subject`, `description`, `category_id`,
/// `priority`, and files in `attachments`), posted by the new-case page with or
/// without JavaScript.
#[server(endpoint = "create_case", input = MultipartFormData)]
pub async fn create_case(data: MultipartData) -> Result<(), AppError> {
    use crate::web::uploads::UploadForm;
    use crate::web::{auth, forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::cases;
    use rapport_core::policy::{self, Action};
    let state = expect_context::<AppState>();
    let actor = auth::require_actor()?;
    // Only customers open cases: anyone else is refused before their files are read.
    policy::authorize(Some(&actor), &Action::OpenCase)?;
    const FIELDS: [&str; 5] = ["subject", "description", "category_id", "priority", "about"];
    let mut form = UploadForm::read(data, &FIELDS).await?;
    let reader = crate::web::reader::current();
    let created = async {
        crate::web::limits::count(&state, &reader, rapport_core::limits::Limit::NewCase).await?;
        let attachments = form.attachments(&state)?;
        // Not a number: no such category, which `cases::create` says in its turn.
        let category_id = form.text("category_id").trim().parse().unwrap_or(0);
        let case = cases::NewCase::parse(cases::NewCaseForm {
            subject: form.text("subject"),
            description: form.text("description"),
            category_id,
            priority: form.text("priority"),
            about: form.text("about"),
        })?;
        Ok(cases::create(
            &reader,
            &rapport_core::case_mail::MailSite::of(&state.backend).await?,
            &state.pool,
            case,
            attachments,
        )
        .await?)
    }
    .await;
    match created {
        Ok(number) => {
            leptos_axum::redirect(&format!("/cases/{number}"));
            Ok(())
        }
        Err(e) => {
            forms::back_to_form("/cases/new", &form.kept(&FIELDS), CreateCase::PATH, &e);
            Err(e)
        }
    }
}

/// The customer's cases; `sort` is "updated" (the default) or "oldest".
#[server(endpoint = "my_cases")]
pub async fn my_cases(
    status: String,
    query: String,
    #[server(default)] sort: String,
    page: i64,
    #[server(default)] priority: String,
    #[server(default)] slice: rapport_types::views::reports::CaseSliceQuery,
) -> Result<CaseList, AppError> {
    use crate::web::AppState;
    use rapport_core::cases;
    let state = expect_context::<AppState>();
    let page = rapport_types::PageNumber::parse(page)?;
    let q = cases::CustomerListQuery {
        status: &status,
        search: &query,
        sort: &sort,
        page,
        priority: &priority,
        slice: &slice,
    };
    Ok(cases::customer_list(&crate::web::reader::current(), &state.pool, q).await?)
}

/// A case; `canned` (staff) fills the reply form with that canned reply.
#[server(endpoint = "case_detail")]
pub async fn case_detail(number: String, canned: Option<i64>) -> Result<CaseView, AppError> {
    use crate::web::AppState;
    use rapport_core::cases;
    let state = expect_context::<AppState>();
    Ok(cases::detail(&crate::web::reader::current(), &state.pool, &number, canned).await?)
}

/// A public reply (or, for staff, an internal note), with an optional new status from staff.
///
/// A multipart form (`number`, `body`, `version`, for staff `internal` and
/// `status`, and files in `attachments`), posted by the reply form with or
/// without JavaScript.
#[server(endpoint = "reply_to_case", input = MultipartFormData)]
pub async fn reply_to_case(data: MultipartData) -> Result<(), AppError> {
    use crate::web::uploads::UploadForm;
    use crate::web::{forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::cases;
    use rapport_types::CaseNumber;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    // Visitors are refused before their files are read.
    reader.signed_in()?;
    let mut form =
        UploadForm::read(data, &["number", "body", "version", "internal", "status"]).await?;
    let number = form.text("number").trim().to_string();
    let sent = async {
        crate::web::limits::count(&state, &reader, rapport_core::limits::Limit::Reply).await?;
        let attachments = form.attachments(&state)?;
        let version = form.text("version").trim().parse().map_err(|_| {
            AppError::BadRequest("the form has no case version; reload the page".into())
        })?;
        let internal = form.text("internal");
        let reply = cases::Reply::parse(cases::ReplyForm {
            body: form.text("body"),
            version,
            internal: !internal.is_empty() && internal != "false",
            status: Some(form.text("status")).filter(|s| !s.is_empty()),
        })?;
        Ok(cases::reply(
            &reader,
            &rapport_core::case_mail::MailSite::of(&state.backend).await?,
            &state.pool,
            &number,
            reply,
            attachments,
        )
        .await
        .map(|_| ())?)
    }
    .await;
    match sent {
        Ok(()) => {
            leptos_axum::redirect(&format!("/cases/{number}"));
            Ok(())
        }
        Err(e) => {
            // Back to the case page with the message typed (files must be chosen again).
            let page = CaseNumber::parse(&number)
                .map(|n| format!("/cases/{n}"))
                .unwrap_or_else(|| "/cases".into());
            forms::back_to_form(&page, &form.kept(&["body"]), ReplyToCase::PATH, &e);
            Err(e)
        }
    }
}

#[server(endpoint = "update_case")]
pub async fn update_case(
    number: String,
    version: i32,
    status: String,
    priority: String,
    category_id: i64,
    assignee_id: String,
    tags: Option<String>,
) -> Result<(), AppError> {
    use crate::web::AppState;
    use rapport_core::cases;
    let state = expect_context::<AppState>();
    let reader = crate::web::reader::current();
    let change = cases::CaseUpdate::parse(cases::Fields {
        status: &status,
        priority: &priority,
        category_id,
        assignee: &assignee_id,
        tags: tags.as_deref(),
    })?;
    cases::update(
        &reader,
        &rapport_core::case_mail::MailSite::of(&state.backend).await?,
        &state.pool,
        &number,
        version,
        change,
    )
    .await?;
    leptos_axum::redirect(&format!("/cases/{number}"));
    Ok(())
}

/// The customer closes their case, or reopens a solved one.
#[server(endpoint = "set_case_open")]
pub async fn set_case_open(number: String, open: bool) -> Result<(), AppError> {
    use crate::web::AppState;
    use rapport_core::cases;
    let state = expect_context::<AppState>();
    cases::customer_open_or_close(
        &crate::web::reader::current(),
        &rapport_core::case_mail::MailSite::of(&state.backend).await?,
        &state.pool,
        &number,
        open,
    )
    .await?;
    leptos_axum::redirect(&format!("/cases/{number}"));
    Ok(())
}

#[server(endpoint = "rate_case")]
pub async fn rate_case(number: String, score: i16, comment: String) -> Result<(), AppError> {
    use crate::web::AppState;
    use rapport_core::cases;
    let state = expect_context::<AppState>();
    cases::rate(
        &crate::web::reader::current(),
        &state.pool,
        &number,
        score,
        &comment,
    )
    .await?;
    leptos_axum::redirect(&format!("/cases/{number}"));
    Ok(())
}

/// An agent queue ("unassigned", "mine", "open", "breaching", "pending" or
/// "solved") with its filters; empty strings mean "any".
#[server(endpoint = "case_queue")]
pub async fn case_queue(
    queue: String,
    query: String,
    priority: String,
    #[server(default)] category: String,
    #[server(default)] organization: String,
    #[server(default)] tag: String,
    #[server(default)] assignee: String,
    #[server(default)] sort: String,
    page: i64,
    #[server(default)] slice: rapport_types::views::reports::CaseSliceQuery,
) -> Result<QueuePage, AppError> {
    use crate::web::AppState;
    use rapport_core::cases;
    let state = expect_context::<AppState>();
    let q = cases::QueueQuery {
        queue: &queue,
        search: &query,
        priority: &priority,
        category: &category,
        organization: &organization,
        tag: &tag,
        assignee: &assignee,
        sort: &sort,
        page: rapport_types::PageNumber::parse(page)?,
        slice: &slice,
    };
    Ok(cases::queue(&crate::web::reader::current(), &state.pool, q).await?)
}

/// Merge this case (at the version the agent saw) into the case numbered
/// `into`. It cannot be undone, so the form asks to tick `confirm` first.
#[server(endpoint = "merge_case")]
pub async fn merge_case(
    number: String,
    version: i32,
    into: String,
    confirm: Option<String>,
) -> Result<(), AppError> {
    use crate::web::{forms, AppState};
    use leptos::server_fn::ServerFn;
    use rapport_core::cases;
    let state = expect_context::<AppState>();
    let merged = async {
        if confirm.is_none() {
            return Err(AppError::invalid(
                "confirm",
                "Tick the box to confirm: merging closes this case for good.",
            ));
        }
        let reader = crate::web::reader::current();
        Ok(cases::merge(
            &reader,
            &rapport_core::case_mail::MailSite::of(&state.backend).await?,
            &state.pool,
            &number,
            version,
            &into,
        )
        .await?)
    }
    .await;
    match merged {
        Ok(target) => {
            leptos_axum::redirect(&format!("/cases/{target}"));
            Ok(())
        }
        Err(e) => {
            // Without JavaScript: back to the case, with the number typed.
            let page = format!("/cases/{}", rapport_types::urlencode(&number));
            forms::back_to_form(&page, &[("into", &into)], MergeCase::PATH, &e);
            Err(e)
        }
    }
}

/// Assign and/or set the status of the ticked cases of a queue. `assignee_id`:
/// "" keeps, "none" removes, "me" or an agent's id assigns. `back` is the queue
/// address to return to.
#[server(endpoint = "bulk_update_cases")]
pub async fn bulk_update_cases(
    numbers: Option<Vec<String>>,
    assignee_id: String,
    status: String,
    back: String,
) -> Result<usize, AppError> {
    use crate::web::{forms, AppState};
    use rapport_core::cases;
    let state = expect_context::<AppState>();
    let numbers = numbers.unwrap_or_default();
    let changed = cases::bulk_update(
        &crate::web::reader::current(),
        &rapport_core::case_mail::MailSite::of(&state.backend).await?,
        &state.pool,
        &numbers,
        &assignee_id,
        &status,
    )
    .await?;
    // Back to the queue as it was, saying what was done.
    let changed_numbers = numbers.join(",");
    let mut done = vec![("changed", changed_numbers.as_str())];
    if !assignee_id.is_empty() {
        done.push(("assigned", &assignee_id));
    }
    if !status.is_empty() {
        done.push(("set", &status));
    }
    leptos_axum::redirect(&forms::return_address(&back, "/queue", &done));
    Ok(changed)
}

/// Who else (staff) has this case open; also marks the caller as looking at it.
#[server(endpoint = "case_presence")]
pub async fn case_presence(number: String) -> Result<Vec<String>, AppError> {
    use crate::web::AppState;
    use rapport_core::cases;
    let state = expect_context::<AppState>();
    Ok(cases::presence(&crate::web::reader::current(), &state.pool, &number).await?)
}
