//! One change to many ticked cases at once, all or nothing.

use super::*;

use crate::Reader;

/// The most cases one bulk action changes.
pub const MAX_BULK: usize = 100;

/// Assign and/or set the status of several cases at once, from a queue. Each
/// case changes as it is now (there is no version from a list), with its own
/// history entries; all or nothing.
pub async fn bulk_update(
    reader: &Reader,
    site: &MailSite,
    pool: &PgPool,
    numbers: &[String],
    assignee: &str,
    status: &str,
) -> Result<usize, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::WorkCases)?;
    if numbers.is_empty() {
        return Err(Error::invalid("numbers", "Tick the cases to change first."));
    }
    if numbers.len() > MAX_BULK {
        return Err(Error::invalid(
            "numbers",
            format!("Change at most {MAX_BULK} cases at once."),
        ));
    }
    let options = options(reader, pool).await?;
    // "" keeps the assignee, "none" removes it, "me" or an id assigns.
    let new_assignee: Option<Option<(i64, String)>> = match assignee.trim() {
        "" => None,
        "none" => Some(None),
        "me" => Some(Some(
            options
                .agents
                .iter()
                .find(|(id, _)| *id == actor.user_id)
                .cloned()
                .ok_or(Error::Forbidden)?,
        )),
        id => Some(Some(
            id.parse::<i64>()
                .ok()
                .and_then(|id| options.agents.iter().find(|(a, _)| *a == id).cloned())
                .ok_or_else(|| Error::invalid("assignee_id", "Choose one of the listed agents."))?,
        )),
    };
    let new_status = match status.trim() {
        "" => None,
        s => Some(
            CaseStatus::parse(s)
                .ok_or_else(|| Error::invalid("status", "Choose one of the listed statuses."))?,
        ),
    };
    if new_assignee.is_none() && new_status.is_none() {
        return Err(Error::invalid(
            "status",
            "Choose an assignee or a status to apply to the ticked cases.",
        ));
    }
    let mut wanted = numbers
        .iter()
        .map(|number| {
            CaseNumber::parse(number).map(|n| n.0).ok_or_else(|| {
                Error::invalid("numbers", format!("“{number}” is not a case number."))
            })
        })
        .collect::<Result<Vec<i64>, Error>>()?;
    wanted.sort_unstable();
    wanted.dedup();
    // One query for all of them; a number that does not exist fails the whole action.
    let rows = db::find_many(pool, &wanted, CaseScope::All).await?;
    if let Some(missing) = wanted
        .iter()
        .find(|n| !rows.iter().any(|r| r.number == **n))
    {
        return Err(Error::invalid(
            "numbers",
            format!(
                "There is no case {}. Nothing was changed; reload the queue and tick the cases again.",
                CaseNumber(*missing)
            ),
        ));
    }
    let mut tx = pool.begin().await?;
    let by = person(&mut tx, actor).await?;
    for row in &rows {
        let from = status_of(&row.status)?;
        let to = new_status.unwrap_or(from);
        let assignee = match &new_assignee {
            Some(a) => a.clone(),
            None => row.assignee_id.zip(row.assignee_name.clone()),
        };
        let change = CaseChange {
            status: to.as_str(),
            priority: &row.priority,
            category_id: row.category_id,
            assignee_id: assignee.as_ref().map(|a| a.0),
            public_speaker: None,
        };
        apply(&mut tx, row, actor, row.version, change).await?;
        if to != from {
            record_status_change(&mut tx, row, actor, from, to).await?;
            update_sla(&mut tx, row, from, to, &row.priority).await?;
        }
        let new_assignee = assignee.as_ref().map(|a| a.0);
        let people = people_of(&mut tx, row, new_assignee).await?;
        let event = Event::Changed {
            actor: Some(&by),
            by_customer: false,
            status: StatusChange::between(from, to),
            newly_assigned: new_assignee.is_some() && new_assignee != row.assignee_id,
        };
        tell(site, &mut tx, row, to, event, &people).await?;
        let new_name = assignee.map(|a| a.1);
        if new_name != row.assignee_name {
            db::record_event(
                &mut *tx,
                row.id,
                actor.user_id,
                "assignee",
                row.assignee_name.as_deref(),
                new_name.as_deref(),
            )
            .await?;
        }
    }
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    crate::reports::metrics::record_many(&mut tx, &ids).await?;
    let event = match new_status {
        Some(CaseStatus::Solved) => crate::changes::event::CASE_SOLVED,
        _ => crate::changes::event::CASE_UPDATED,
    };
    crate::changes::cases(&mut tx, event, &ids).await?;
    tx.commit().await?;
    Ok(rows.len())
}
