//! Opening a case: the form's choices, and a new case with its files, its
//! SLA clock and the mails it sends.

use super::*;

use crate::mail_origin::MailOrigin;
use crate::Reader;
use rapport_types::CaseChannel;

pub async fn options(reader: &Reader, pool: &PgPool) -> Result<CaseFormOptions, Error> {
    let actor = reader.signed_in()?;
    // Staff get the choices of their case tools; others only when they may open a case.
    let staff = policy::allows(Some(actor), &Action::WorkCases);
    if !staff {
        policy::authorize(Some(actor), &Action::OpenCase)?;
    }
    Ok(options_from(db::form_choices(pool, staff).await?))
}

/// The new-case form, as typed.
pub struct NewCaseForm<'a> {
    pub subject: &'a str,
    pub description: &'a str,
    pub category_id: i64,
    pub priority: &'a str,
    /// What the case is about (`invoice:INV-1`), or empty.
    pub about: &'a str,
}

/// A new case, parsed from its form at the edge.
pub struct NewCase {
    subject: String,
    description: String,
    category_id: i64,
    priority: Priority,
    /// What the case is about (`invoice:INV-1`), if anything.
    about: Option<String>,
    /// Filed by an agent for this customer, who reached us this way; None:
    /// the actor's own case, from the portal.
    for_customer: Option<(i64, CaseChannel)>,
    /// The mail it came from, when it came by mail.
    mail: Option<MailOrigin>,
}

impl NewCase {
    /// The form's fields as a new case, or an error naming the field.
    pub fn parse(form: NewCaseForm<'_>) -> Result<NewCase, Error> {
        // Subjects are plain text: kept as typed, escaped wherever shown.
        let subject = required_text("subject", form.subject, "a subject", MAX_SUBJECT)?;
        let description = required_text(
            "description",
            form.description,
            "a description of the problem",
            MAX_TEXT,
        )?;
        let priority = Priority::parse(form.priority)
            .filter(|p| Priority::FOR_CUSTOMERS.contains(p))
            .ok_or_else(|| Error::invalid("priority", "Choose low, normal or high."))?;
        let about = Some(form.about.trim().to_string()).filter(|a| !a.is_empty());
        Ok(NewCase {
            subject,
            description,
            category_id: form.category_id,
            priority,
            about,
            for_customer: None,
            mail: None,
        })
    }

    /// The same case, filed by an agent for the customer `requester_id`, who
    /// reached them by `channel` (phone, e-mail or another way).
    pub fn for_customer(self, requester_id: i64, channel: &str) -> Result<NewCase, Error> {
        let channel = CaseChannel::parse(channel)
            .filter(|c| *c != CaseChannel::Portal)
            .ok_or_else(|| {
                Error::invalid(
                    "channel",
                    "Choose how the customer reached you: phone, e-mail or another way.",
                )
            })?;
        Ok(NewCase {
            for_customer: Some((requester_id, channel)),
            ..self
        })
    }

    /// A case opened by a mail (`mail_in` made the text fit the limits).
    pub fn from_mail(
        subject: String,
        description: String,
        category_id: i64,
        mail: MailOrigin,
    ) -> NewCase {
        NewCase {
            subject,
            description,
            category_id,
            priority: Priority::Normal,
            about: None,
            for_customer: None,
            mail: Some(mail),
        }
    }
}

/// Open a case for the actor's organization, or, filed by an agent, for a
/// customer (see [`NewCase::for_customer`]); returns its number.
pub async fn create(
    reader: &Reader,
    site: &MailSite,
    pool: &PgPool,
    case: NewCase,
    attachments: Attachments,
) -> Result<CaseNumber, Error> {
    let actor = reader.signed_in()?;
    let NewCase {
        subject,
        description,
        category_id,
        priority,
        about,
        for_customer,
        mail,
    } = case;
    let (requester_id, organization_id, channel) = match for_customer {
        None => {
            policy::authorize(Some(actor), &Action::OpenCase)?;
            let organization_id = actor.organization_id.ok_or(Error::Forbidden)?;
            (actor.user_id, organization_id, CaseChannel::Portal)
        }
        Some((requester_id, channel)) => {
            policy::authorize(Some(actor), &Action::OpenCaseForCustomer)?;
            let customer = crate::db::contacts::customer(pool, requester_id)
                .await?
                .ok_or_else(|| {
                    Error::invalid("requester_id", "That customer was not found: choose again.")
                })?;
            (customer.id, customer.organization_id, channel)
        }
    };
    let categories = db::categories(pool).await?;
    if !categories.iter().any(|(id, _)| *id == category_id) {
        return Err(Error::invalid(
            "category_id",
            "Choose one of the listed categories.",
        ));
    }
    // What the case is about: an order, order line, invoice or delivery the
    // customer may see. Anything else is refused, never silently dropped.
    let linked = match about.as_deref() {
        None => None,
        Some(about) => Some(
            crate::orders::find_item(pool, actor, about)
                .await
                .map_err(|e| match e {
                    Error::NotFound => Error::invalid(
                        "about",
                        "The order, invoice or delivery this case is about was not found. Open the case from its page again.",
                    ),
                    other => other,
                })?,
        ),
    };
    // The case and its files are saved together: stored files are removed again
    // unless the transaction commits.
    let files = attachments.store().await?;
    let mut tx = pool.begin().await?;
    let (case_id, number) = db::create(
        &mut *tx,
        db::NewCase {
            subject: &subject,
            description: &description,
            category_id,
            priority: priority.as_str(),
            requester_id,
            organization_id,
            channel: channel.as_str(),
        },
    )
    .await?;
    files.record(&mut tx, case_id, actor.user_id).await?;
    if let Some(mail) = &mail {
        mail.record(&mut tx, case_id, None).await?;
    }
    if let Some((item, row)) = &linked {
        crate::db::orders::link_case(&mut *tx, case_id, item.kind.as_str(), row).await?;
    }
    let due = sla::due_times(&mut *tx, priority.as_str(), OffsetDateTime::now_utc()).await?;
    let clock = db::SlaClock {
        first_response_due_at: Some(due.first_response_due_at),
        resolution_due_at: Some(due.resolution_due_at),
        paused_at: None,
        waited_seconds: 0,
    };
    db::set_sla(&mut *tx, case_id, clock).await?;
    let row = db::find(&mut *tx, number, CaseScope::All)
        .await?
        .ok_or_else(|| Error::internal("the new case was not found"))?;
    let mut people = people_of(&mut tx, &row, None).await?;
    people.category_followers = crate::db::case_mail::category_followers(&mut *tx, category_id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let event = Event::Opened {
        description: &description,
    };
    tell(site, &mut tx, &row, CaseStatus::New, event, &people).await?;
    // The trainers' report of searches that did not help counts this case.
    crate::db::search_log::link_case(&mut *tx, actor.user_id, case_id).await?;
    crate::reports::metrics::record(&mut tx, case_id).await?;
    crate::changes::cases(&mut tx, crate::changes::event::CASE_CREATED, &[case_id]).await?;
    files.commit(tx).await?;
    Ok(CaseNumber(number))
}
