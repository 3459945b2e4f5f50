//! One case as its reader sees it: the thread, and for staff the SLA
//! targets, the requester's other cases and the organization's business.

use super::*;
use crate::Reader;
use db::CaseRow;
use rapport_types::views::cases::StaffCaseView;
use rapport_types::views::orders::OrganizationBusiness;

/// A case as its reader may see it. `canned` (staff only) is a canned reply to
/// put into the reply form, with its placeholders filled in for this case.
pub async fn detail(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
    canned: Option<i64>,
) -> Result<CaseView, Error> {
    let (zone, actor) = (reader.zone(), reader.signed_in()?);
    let row = load(pool, actor, number, Action::ViewCase).await?;
    let staff_view = policy::allows(Some(actor), &Action::WorkCases);
    let number = CaseNumber(row.number).to_string();
    let reply_draft = match canned.filter(|_| staff_view) {
        Some(id) => canned::fill_for_case(pool, actor, id, &row).await?,
        None => String::new(),
    };
    let thread = db::thread(pool, row.id, staff_view)
        .await?
        .into_iter()
        .map(|item| {
            let kind = match item.kind.as_str() {
                "message" => EntryKind::Message,
                "note" => EntryKind::InternalNote,
                _ => EntryKind::Change,
            };
            let from_staff = Role::parse(&item.author_role).is_some_and(Role::is_staff);
            ThreadEntry {
                kind,
                author: item.author_name,
                from_staff,
                body: if kind == EntryKind::Change {
                    Default::default()
                } else {
                    markdown::render(&item.body)
                },
                change: if kind == EntryKind::Change {
                    describe_change(
                        item.field.as_deref().unwrap_or(""),
                        item.old_value.as_deref(),
                        item.new_value.as_deref(),
                    )
                } else {
                    String::new()
                },
                at: zone.date_time(item.at),
                anchor: if kind == EntryKind::Change {
                    String::new()
                } else {
                    format!("m-{}", item.seq)
                },
                files: links(&number, &item.file_ids, item.file_names, &item.file_sizes),
                quoted: item.quoted,
            }
        })
        .collect();
    let status = status_of(&row.status)?;
    let rating = row
        .rating_score
        .map(|score| (score, row.rating_comment.clone().unwrap_or_default()));
    let can_rate = rating.is_none()
        && matches!(status, CaseStatus::Solved | CaseStatus::Closed)
        && policy::allows(Some(actor), &Action::RateCase(case_ref(&row)));
    // Staff get their tools, what the case is about and the organization's
    // business in one statement; others only what the case is about.
    let (linked, staff) = if staff_view {
        let side = case_sidebar(pool, row.id, row.organization_id).await?;
        let linked = match side.link {
            Some(link) => crate::orders::case_link_item(actor, link.0)?,
            None => None,
        };
        let business = crate::orders::organization_business(
            actor,
            side.orders.0,
            side.invoices.0,
            side.deliveries.0,
        )?;
        let options = options_from(side.choices.0);
        let mut part = staff_part(&row, status, reply_draft, options, business)?;
        part.health = side
            .health_signals
            .map(|signals| crate::health::badge(&signals.0, &side.health_weights.0));
        part.requester_bouncing =
            crate::db::mail_in::is_bouncing(pool, &row.requester_email).await?;
        (linked, Some(part))
    } else {
        (crate::orders::case_link(pool, actor, row.id).await?, None)
    };
    let files = links(&number, &row.file_ids, row.file_names, &row.file_sizes);
    let description_quoted = crate::db::mail_in::description_quoted(pool, row.id).await?;
    Ok(CaseView {
        number,
        subject: row.subject,
        description: markdown::render(&row.description),
        status,
        priority: priority_of(&row.priority)?,
        category_id: row.category_id,
        category: row.category_name,
        requester: row.requester_name,
        channel: rapport_types::CaseChannel::parse(&row.channel)
            .ok_or_else(|| Error::internal(format!("unknown case channel {:?}", row.channel)))?,
        requester_email: row.requester_email,
        organization: row.organization_name,
        assignee_id: row.assignee_id,
        assignee: row.assignee_name,
        version: row.version,
        created: zone.date_time(row.created_at),
        updated: zone.date_time(row.updated_at),
        thread,
        rating,
        can_rate,
        tags: row.tags,
        merged_into: row.merged_into_number.map(|n| CaseNumber(n).to_string()),
        files,
        description_quoted,
        linked,
        staff,
    })
}

/// The staff-only part of a case: the SLA targets, the requester's other
/// cases, the reply to start with, the agent's choices and the business.
fn staff_part(
    row: &CaseRow,
    status: CaseStatus,
    reply_draft: String,
    options: CaseFormOptions,
    business: OrganizationBusiness,
) -> Result<StaffCaseView, Error> {
    let now = OffsetDateTime::now_utc();
    // SLA targets are the support team's internal promises. Each is shown as
    // time left while it runs, and as kept or missed once done. While the case
    // waits for the customer the resolution clock stands still: no deadline.
    let (first_response_due, first_response_missed) =
        match (row.first_response_due_at, row.first_response_at) {
            (Some(due), Some(done)) => (Some(sla::describe_outcome(due, done)), done > due),
            (Some(due), None) if status.is_active() => {
                (Some(sla::describe_due(due, now)), due < now)
            }
            _ => (None, false),
        };
    let settled = matches!(status, CaseStatus::Solved | CaseStatus::Closed);
    let (resolution_due, resolution_missed) = match (row.resolution_due_at, row.solved_at) {
        (Some(due), Some(done)) if settled => (Some(sla::describe_outcome(due, done)), done > due),
        (Some(due), _) if status.is_active() => (Some(sla::describe_due(due, now)), due < now),
        _ => (None, false),
    };
    let other_cases = row
        .other_numbers
        .iter()
        .zip(&row.other_subjects)
        .zip(&row.other_statuses)
        .map(|((number, subject), status)| {
            Ok(CaseLink {
                number: CaseNumber(*number).to_string(),
                subject: subject.clone(),
                status: status_of(status)?,
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(StaffCaseView {
        first_response_due,
        resolution_due,
        first_response_missed,
        resolution_missed,
        sla_breached: first_response_missed || resolution_missed,
        other_cases,
        requester_bouncing: false,
        reply_draft,
        options,
        business,
        health: None,
    })
}
