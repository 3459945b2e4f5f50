//! Staff changes to a case (status, priority, assignment, tags, category),
//! and the customer's own: closing, reopening and rating.

use super::*;

use crate::Reader;

/// The agent's form, as typed.
pub struct Fields<'a> {
    pub status: &'a str,
    pub priority: &'a str,
    pub category_id: i64,
    /// An agent's id, or "" for nobody.
    pub assignee: &'a str,
    /// Comma-separated tags; None leaves the tags as they are.
    pub tags: Option<&'a str>,
}

/// An agent's change, parsed from its form at the edge.
pub struct CaseUpdate {
    status: CaseStatus,
    priority: Priority,
    category_id: i64,
    assignee_id: Option<i64>,
    /// None leaves the tags as they are.
    tags: Option<Vec<String>>,
}

impl CaseUpdate {
    /// The form's fields as a change, or an error naming the field.
    pub fn parse(fields: Fields<'_>) -> Result<CaseUpdate, Error> {
        let status = CaseStatus::parse(fields.status)
            .ok_or_else(|| Error::invalid("status", "Choose one of the listed statuses."))?;
        let priority = Priority::parse(fields.priority)
            .ok_or_else(|| Error::invalid("priority", "Choose one of the listed priorities."))?;
        let not_an_agent = || Error::invalid("assignee_id", "Choose one of the listed agents.");
        let assignee_id = match fields.assignee.trim() {
            "" => None,
            id => Some(id.parse::<i64>().map_err(|_| not_an_agent())?),
        };
        let tags = fields.tags.map(parse_tags).transpose()?;
        Ok(CaseUpdate {
            status,
            priority,
            category_id: fields.category_id,
            assignee_id,
            tags,
        })
    }
}

/// An agent changes status, priority, category or assignee, against the version they saw.
pub async fn update(
    reader: &Reader,
    site: &MailSite,
    pool: &PgPool,
    number: &str,
    version: i32,
    change: CaseUpdate,
) -> Result<(), Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::WorkCases)?;
    let row = load(pool, actor, number, Action::ViewCase).await?;
    let CaseUpdate {
        status,
        priority,
        category_id,
        assignee_id,
        tags,
    } = change;
    let options = options(reader, pool).await?;
    let category = options
        .categories
        .iter()
        .find(|(id, _)| *id == category_id)
        .ok_or_else(|| Error::invalid("category_id", "Choose one of the listed categories."))?;
    let assignee = match assignee_id {
        None => None,
        Some(id) => Some(
            options
                .agents
                .iter()
                .find(|(a, _)| *a == id)
                .ok_or_else(|| Error::invalid("assignee_id", "Choose one of the listed agents."))?,
        ),
    };
    let mut tx = pool.begin().await?;
    let change = CaseChange {
        status: status.as_str(),
        priority: priority.as_str(),
        category_id: category.0,
        assignee_id: assignee.map(|a| a.0),
        public_speaker: None,
    };
    apply(&mut tx, &row, actor, version, change).await?;
    update_sla(
        &mut tx,
        &row,
        status_of(&row.status)?,
        status,
        priority.as_str(),
    )
    .await?;
    if let Some(tags) = tags.filter(|t| *t != row.tags) {
        db::set_tags(&mut tx, row.id, &tags).await?;
        db::record_event(
            &mut *tx,
            row.id,
            actor.user_id,
            "tags",
            Some(&row.tags.join(", ")),
            Some(&tags.join(", ")),
        )
        .await?;
    }
    let old_assignee = row.assignee_name.clone();
    let changes = [
        (
            "status",
            Some(row.status.clone()),
            Some(status.as_str().to_string()),
        ),
        (
            "priority",
            Some(row.priority.clone()),
            Some(priority.as_str().to_string()),
        ),
        (
            "category",
            Some(row.category_name.clone()),
            Some(category.1.clone()),
        ),
        ("assignee", old_assignee, assignee.map(|a| a.1.clone())),
    ];
    for (field, old, new) in changes {
        if old != new {
            db::record_event(
                &mut *tx,
                row.id,
                actor.user_id,
                field,
                old.as_deref(),
                new.as_deref(),
            )
            .await?;
        }
    }
    let by = person(&mut tx, actor).await?;
    let new_assignee = assignee.map(|a| a.0);
    let people = people_of(&mut tx, &row, new_assignee).await?;
    let event = Event::Changed {
        actor: Some(&by),
        by_customer: false,
        status: StatusChange::between(status_of(&row.status)?, status),
        newly_assigned: new_assignee.is_some() && new_assignee != row.assignee_id,
    };
    tell(site, &mut tx, &row, status, event, &people).await?;
    crate::reports::metrics::record(&mut tx, row.id).await?;
    let solved_now = status == CaseStatus::Solved && status_of(&row.status)? != CaseStatus::Solved;
    crate::changes::case_updated(&mut tx, row.id, solved_now).await?;
    tx.commit().await?;
    Ok(())
}

/// The customer closes their case, or reopens a solved one.
pub async fn customer_open_or_close(
    reader: &Reader,
    site: &MailSite,
    pool: &PgPool,
    number: &str,
    open: bool,
) -> Result<(), Error> {
    let actor = reader.signed_in()?;
    let row = load(pool, actor, number, Action::CloseOrReopenCase).await?;
    let current = status_of(&row.status)?;
    let new_status = match (open, current) {
        (false, CaseStatus::Closed) => return Ok(()),
        (false, _) => CaseStatus::Closed,
        (true, CaseStatus::Solved) => CaseStatus::Open,
        (true, CaseStatus::Closed) => {
            return Err(Error::Conflict(
                "This case is closed for good. Open a new case, and mention this one.".into(),
            ))
        }
        (true, _) => return Ok(()),
    };
    let mut tx = pool.begin().await?;
    let change = with_status(&row, new_status, None);
    apply(&mut tx, &row, actor, row.version, change).await?;
    record_status_change(&mut tx, &row, actor, current, new_status).await?;
    let by = person(&mut tx, actor).await?;
    let people = people_of(&mut tx, &row, row.assignee_id).await?;
    let event = Event::Changed {
        actor: Some(&by),
        by_customer: !policy::allows(Some(actor), &Action::WorkCases),
        status: StatusChange::between(current, new_status),
        newly_assigned: false,
    };
    tell(site, &mut tx, &row, new_status, event, &people).await?;
    crate::reports::metrics::record(&mut tx, row.id).await?;
    crate::changes::case_updated(&mut tx, row.id, false).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn rate(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
    score: i16,
    comment: &str,
) -> Result<(), Error> {
    let actor = reader.signed_in()?;
    let row = load(pool, actor, number, Action::ViewCase).await?;
    policy::authorize(Some(actor), &Action::RateCase(case_ref(&row)))?;
    if !matches!(
        status_of(&row.status)?,
        CaseStatus::Solved | CaseStatus::Closed
    ) {
        return Err(Error::invalid(
            "score",
            "You can rate the answer once the case is solved.",
        ));
    }
    if !(1..=5).contains(&score) {
        return Err(Error::invalid(
            "score",
            "Choose from 1 (poor) to 5 (excellent).",
        ));
    }
    let comment = comment.trim();
    if comment.chars().count() > 2000 {
        return Err(Error::invalid(
            "comment",
            "Keep the comment under 2000 characters.",
        ));
    }
    if !db::rate(pool, row.id, score, comment).await? {
        return Err(Error::Conflict(
            "You have rated this case already. Thank you!".into(),
        ));
    }
    Ok(())
}
