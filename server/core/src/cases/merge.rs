//! Merging a duplicate into another case of the same requester.

use super::*;

use crate::Reader;

/// Merge a duplicate case into another: its thread and files move to the
/// target, it is closed with a pointer to the target, and the customer is told
/// in both threads. Only cases of the same requester are merged, so nobody
/// loses sight of their own messages or sees someone else's.
pub async fn merge(
    reader: &Reader,
    site: &MailSite,
    pool: &PgPool,
    number: &str,
    version: i32,
    into: &str,
) -> Result<CaseNumber, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::WorkCases)?;
    let source = load(pool, actor, number, Action::ViewCase).await?;
    let target_number = CaseNumber::parse(into).ok_or_else(|| {
        Error::invalid(
            "into",
            "Write the number of the case to merge into, e.g. C-1042.",
        )
    })?;
    let target = db::find(pool, target_number.0, CaseScope::All)
        .await?
        .ok_or_else(|| Error::invalid("into", format!("There is no case {target_number}.")))?;
    if target.id == source.id {
        return Err(Error::invalid(
            "into",
            "A case cannot be merged into itself.",
        ));
    }
    if source.merged_into_number.is_some() || target.merged_into_number.is_some() {
        return Err(Error::invalid(
            "into",
            "One of these cases was merged already; merge into the case it was merged into.",
        ));
    }
    if target.requester_id != source.requester_id {
        return Err(Error::invalid(
            "into",
            format!(
                "{target_number} was asked by {}, this case by {}: only cases of the same requester can be merged.",
                target.requester_name, source.requester_name
            ),
        ));
    }
    if status_of(&target.status)? == CaseStatus::Closed {
        return Err(Error::invalid(
            "into",
            format!("{target_number} is closed; merge into an open case."),
        ));
    }
    let source_number = CaseNumber(source.number);
    let mut tx = pool.begin().await?;
    // Both cases change: the source against the version the agent saw, the
    // target as it is now (a concurrent change to it is refused as stale).
    // The notices below are not a reply: neither case gets a first response
    // or a new last speaker from a merge.
    apply(
        &mut tx,
        &source,
        actor,
        version,
        with_status(&source, CaseStatus::Closed, None),
    )
    .await?;
    let target_status = status_of(&target.status)?;
    apply(
        &mut tx,
        &target,
        actor,
        target.version,
        with_status(&target, target_status, None),
    )
    .await?;
    db::merge(&mut tx, source.id, target.id).await?;
    db::add_message(
        &mut *tx,
        target.id,
        actor.user_id,
        false,
        &format!(
            "Case {source_number} (“{}”) was merged into this case; its messages are now part of this conversation.",
            source.subject
        ),
    )
    .await?;
    db::add_message(
        &mut *tx,
        source.id,
        actor.user_id,
        false,
        &format!("This case was merged into {target_number}. Please follow and answer it there."),
    )
    .await?;
    let source_status = status_of(&source.status)?;
    record_status_change(&mut tx, &source, actor, source_status, CaseStatus::Closed).await?;
    let people = people_of(&mut tx, &source, None).await?;
    let event = Event::MergedInto(target_number);
    tell(site, &mut tx, &source, CaseStatus::Closed, event, &people).await?;
    db::record_event(
        &mut *tx,
        source.id,
        actor.user_id,
        "merged into",
        None,
        Some(&target_number.to_string()),
    )
    .await?;
    db::record_event(
        &mut *tx,
        target.id,
        actor.user_id,
        "merged in",
        None,
        Some(&source_number.to_string()),
    )
    .await?;
    // The target has the duplicate's thread now; the duplicate is closed.
    crate::reports::metrics::record_many(&mut tx, &[source.id, target.id]).await?;
    crate::changes::cases(
        &mut tx,
        crate::changes::event::CASE_UPDATED,
        &[source.id, target.id],
    )
    .await?;
    tx.commit().await?;
    Ok(target_number)
}
