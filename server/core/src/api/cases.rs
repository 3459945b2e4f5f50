//! API services: cases. (See the module above.)
//!
//! The case list and the thread page by keyset (the position after the last
//! item), with the reader's scope in the SQL; a case, opening one and
//! changing one go through the pages' services (`crate::cases`), which
//! authorize the concrete case and record the change feed.

use super::rfc3339;
use crate::case_mail::MailSite;
use crate::cases::{self, QueueFilter, QueueQuery};
use crate::db::cases::{self as db, ListFilter, ListSort};
use crate::policy::{self, case_scope, Action, Actor, CaseScope};
use crate::{Error, Reader};
use rapport_types::api::cases::{
    Case, CaseAssignee, CaseAttachment, CaseMessage, CasePerson, MessageAuthor, Named,
};
use rapport_types::{CaseNumber, Role};
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder};
use time::OffsetDateTime;

/// Where a page ends: the sort time in microseconds since 1970 and the id of
/// the last item. The next page starts after it.
pub type Position = (i64, i64);

fn micros(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000) as i64
}

fn from_micros(micros: i64) -> Result<OffsetDateTime, Error> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .map_err(|_| Error::invalid("cursor", "This cursor is not one Rapport gave out."))
}

/// The filters of the case list, as sent ("" is any). Staff filter as in
/// their queues (`queue`, `category`, `organization`, `tag`, `assignee`);
/// customers as on their case list (`status`, `priority`, `search`).
#[derive(Debug, Clone, Default)]
pub struct ListQuery<'a> {
    pub queue: &'a str,
    pub status: &'a str,
    pub priority: &'a str,
    pub category: &'a str,
    pub organization: &'a str,
    pub tag: &'a str,
    pub assignee: &'a str,
    pub search: &'a str,
}

/// A case list row: the case with its names and tags, one statement a page.
#[derive(Debug, FromRow)]
struct CaseItem {
    id: i64,
    number: i64,
    subject: String,
    status: String,
    priority: String,
    category_id: i64,
    category_name: String,
    channel: String,
    organization_id: i64,
    organization_name: String,
    requester_id: i64,
    requester_name: String,
    requester_email: String,
    assignee_id: Option<i64>,
    assignee_name: Option<String>,
    assignee_email: Option<String>,
    tags: Vec<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i32,
}

fn is_staff(actor: &Actor) -> bool {
    policy::allows(Some(actor), &Action::WorkCases)
}

/// Who handles a case, as the reader may know them: staff see who it is;
/// customers only the name, as their case page shows it.
fn assignee(
    staff: bool,
    id: Option<i64>,
    name: Option<String>,
    email: Option<String>,
) -> Option<CaseAssignee> {
    let name = name?;
    Some(if staff {
        CaseAssignee { id, name, email }
    } else {
        CaseAssignee {
            id: None,
            name,
            email: None,
        }
    })
}

fn attachment(number: &str, id: i64, file_name: String, size_bytes: i64) -> CaseAttachment {
    CaseAttachment {
        id,
        file_name,
        size_bytes,
        url: format!("/api/v1/cases/{number}/attachments/{id}"),
    }
}

impl CaseItem {
    fn into_case(self, staff: bool) -> Case {
        Case {
            number: CaseNumber(self.number).to_string(),
            subject: self.subject,
            status: self.status,
            priority: self.priority,
            category: Named {
                id: self.category_id,
                name: self.category_name,
            },
            channel: self.channel,
            organization: Named {
                id: self.organization_id,
                name: self.organization_name,
            },
            requester: CasePerson {
                id: self.requester_id,
                name: self.requester_name,
                email: self.requester_email,
            },
            assignee: assignee(
                staff,
                self.assignee_id,
                self.assignee_name,
                self.assignee_email,
            ),
            tags: staff.then_some(self.tags),
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            version: self.version,
            description: None,
            attachments: None,
        }
    }
}

/// The filter of a list for `actor`, checked as their own list checks it.
async fn list_filter(
    pool: &PgPool,
    actor: &Actor,
    q: &ListQuery<'_>,
) -> Result<(CaseScope, ListFilterOwned), Error> {
    let status = q.status.trim();
    if is_staff(actor) {
        // The same filters, checked the same way, as the agent's queues.
        // Without a queue: every case.
        let queue = QueueQuery {
            queue: match q.queue.trim() {
                "" => "all",
                queue => queue,
            },
            search: q.search,
            priority: q.priority.trim(),
            category: q.category,
            organization: q.organization,
            tag: q.tag,
            assignee: q.assignee,
            sort: "",
            page: rapport_types::PageNumber::FIRST,
            slice: &Default::default(),
        };
        let choices = QueueFilter::choices_named(actor, pool, &queue).await?;
        let filter = QueueFilter::parse(actor, &queue, &choices)?;
        let statuses = match (filter.statuses(), status) {
            (queued, "") => queued.to_vec(),
            (&[], status) => cases::customer_statuses(status)?,
            (_, _) => {
                return Err(Error::invalid(
                    "status",
                    "A queue chooses the statuses already: leave out either queue or status.",
                ))
            }
        };
        return Ok((CaseScope::All, ListFilterOwned::Staff(filter, statuses)));
    }
    // Customers: their own list, as the portal gives it to them.
    policy::authorize(Some(actor), &Action::ListOwnCases)?;
    let scope = case_scope(actor).ok_or(Error::Forbidden)?;
    for (field, value) in [
        ("queue", q.queue),
        ("category", q.category),
        ("organization", q.organization),
        ("tag", q.tag),
        ("assignee", q.assignee),
    ] {
        if !value.trim().is_empty() {
            return Err(Error::invalid(
                field,
                "This filter is for the support team; filter by status, priority or search.",
            ));
        }
    }
    let statuses = cases::customer_statuses(status)?;
    let priority = cases::customer_priority(q.priority)?;
    let search: String = q.search.chars().take(200).collect();
    Ok((
        scope,
        ListFilterOwned::Customer {
            statuses,
            priority: priority.map(rapport_types::Priority::as_str),
            search,
        },
    ))
}

/// A checked list filter that owns its parts.
enum ListFilterOwned {
    Staff(QueueFilter, Vec<&'static str>),
    Customer {
        statuses: Vec<&'static str>,
        priority: Option<&'static str>,
        search: String,
    },
}

impl ListFilterOwned {
    fn filter(&self) -> ListFilter<'_> {
        match self {
            ListFilterOwned::Staff(filter, statuses) => {
                filter.list_filter(statuses, None, ListSort::Updated)
            }
            ListFilterOwned::Customer {
                statuses,
                priority,
                search,
            } => ListFilter {
                statuses,
                priority: *priority,
                search,
                ..ListFilter::default()
            },
        }
    }
}

const CASE_COLUMNS: &str = "c.id, c.number, c.subject, c.status, c.priority, c.category_id,
        k.name AS category_name, c.channel, c.organization_id, o.name AS organization_name,
        c.requester_id, r.display_name AS requester_name, r.email AS requester_email,
        c.assignee_id, a.display_name AS assignee_name, a.email AS assignee_email,
        array(SELECT t.tag FROM case_tags t WHERE t.case_id = c.id ORDER BY t.tag) AS tags,
        c.created_at, c.updated_at, c.version";

const CASE_JOINS: &str = " JOIN case_categories k ON k.id = c.category_id
         JOIN users r ON r.id = c.requester_id
         JOIN organizations o ON o.id = c.organization_id
         LEFT JOIN users a ON a.id = c.assignee_id";

/// A page of the cases the reader may see, latest activity first
/// (`updated_at`, then id, both descending), after `after`; and the position
/// to continue from when there are more. One statement: the page is chosen
/// from `cases` alone (scope and filters in its `WHERE`), then only its rows
/// are joined to their names and tags.
pub async fn list(
    reader: &Reader,
    pool: &PgPool,
    q: &ListQuery<'_>,
    after: Option<Position>,
    limit: i64,
) -> Result<(Vec<Case>, Option<Position>), Error> {
    let actor = reader.signed_in()?;
    let (scope, owned) = list_filter(pool, actor, q).await?;
    let filter = owned.filter();
    let after = match after {
        Some((at, id)) => Some((from_micros(at)?, id)),
        None => None,
    };
    let mut sql: QueryBuilder<'_, Postgres> = QueryBuilder::new(format!(
        "SELECT {CASE_COLUMNS} FROM (SELECT c.* FROM cases c"
    ));
    db::push_filter(&mut sql, scope, &filter);
    if let Some((at, id)) = after {
        sql.push(" AND (c.updated_at, c.id) < (")
            .push_bind(at)
            .push(", ")
            .push_bind(id)
            .push(")");
    }
    sql.push(" ORDER BY c.updated_at DESC, c.id DESC LIMIT ")
        .push_bind(limit + 1)
        .push(format!(
            ") c {CASE_JOINS} ORDER BY c.updated_at DESC, c.id DESC"
        ));
    let rows: Vec<CaseItem> = sql.build_query_as().fetch_all(pool).await?;
    let (rows, more) = super::one_page(rows, limit);
    let next = more
        .then(|| rows.last().map(|r| (micros(r.updated_at), r.id)))
        .flatten();
    let staff = is_staff(actor);
    Ok((rows.into_iter().map(|r| r.into_case(staff)).collect(), next))
}

/// One case as the reader may see it, with its description and files; a
/// case of another organization is "not found", like one that does not exist.
pub async fn get(reader: &Reader, pool: &PgPool, number: &str) -> Result<Case, Error> {
    let actor = reader.signed_in()?;
    let row = cases::load(pool, actor, number, Action::ViewCase).await?;
    let staff = is_staff(actor);
    let number = CaseNumber(row.number).to_string();
    let files = row
        .file_ids
        .iter()
        .zip(row.file_names)
        .zip(&row.file_sizes)
        .map(|((id, name), size)| attachment(&number, *id, name, *size))
        .collect();
    let item = CaseItem {
        id: row.id,
        number: row.number,
        subject: row.subject,
        status: row.status,
        priority: row.priority,
        category_id: row.category_id,
        category_name: row.category_name,
        channel: row.channel,
        organization_id: row.organization_id,
        organization_name: row.organization_name,
        requester_id: row.requester_id,
        requester_name: row.requester_name,
        requester_email: row.requester_email,
        assignee_id: row.assignee_id,
        assignee_name: row.assignee_name,
        assignee_email: row.assignee_email,
        tags: row.tags,
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
    };
    Ok(Case {
        description: Some(row.description),
        attachments: Some(files),
        ..item.into_case(staff)
    })
}

/// The case as it is now, for a change: its number, version and fields.
pub async fn current(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
) -> Result<crate::db::cases::CaseRow, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::WorkCases)?;
    cases::load(pool, actor, number, Action::ViewCase).await
}

#[derive(Debug, FromRow)]
struct MessageRow {
    id: i64,
    internal: bool,
    author_id: i64,
    author_name: String,
    author_role: String,
    body: String,
    created_at: OffsetDateTime,
    file_ids: Vec<i64>,
    file_names: Vec<String>,
    file_sizes: Vec<i64>,
}

/// A page of a case's messages, oldest first, after `after`: the replies,
/// and for staff also the internal notes (as on the case page). One
/// statement for the case and one for the page.
pub async fn messages(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
    after: Option<Position>,
    limit: i64,
) -> Result<(Vec<CaseMessage>, Option<Position>), Error> {
    thread_page(reader, pool, number, after, limit, None).await
}

/// One message of a case, if the reader may see it.
pub async fn message(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
    id: i64,
) -> Result<CaseMessage, Error> {
    let (mut items, _) = thread_page(reader, pool, number, None, 1, Some(id)).await?;
    items.pop().ok_or(Error::NotFound)
}

async fn thread_page(
    reader: &Reader,
    pool: &PgPool,
    number: &str,
    after: Option<Position>,
    limit: i64,
    only: Option<i64>,
) -> Result<(Vec<CaseMessage>, Option<Position>), Error> {
    let actor = reader.signed_in()?;
    let case = cases::load(pool, actor, number, Action::ViewCase).await?;
    let staff = is_staff(actor);
    let (after_at, after_id) = match after {
        Some((at, id)) => (Some(from_micros(at)?), id),
        None => (None, 0),
    };
    let rows: Vec<MessageRow> = sqlx::query_as(
        "SELECT m.id, m.internal, m.author_id, u.display_name AS author_name, m.author_role,
                m.body, m.created_at,
                array(SELECT f.id FROM case_attachments f WHERE f.message_id = m.id ORDER BY f.id) AS file_ids,
                array(SELECT f.file_name FROM case_attachments f WHERE f.message_id = m.id ORDER BY f.id) AS file_names,
                array(SELECT f.size_bytes FROM case_attachments f WHERE f.message_id = m.id ORDER BY f.id) AS file_sizes
         FROM case_messages m JOIN users u ON u.id = m.author_id
         WHERE m.case_id = $1 AND (NOT m.internal OR $2)
           AND ($3::timestamptz IS NULL OR (m.created_at, m.id) > ($3, $4))
           AND ($6::bigint IS NULL OR m.id = $6)
         ORDER BY m.created_at, m.id
         LIMIT $5",
    )
    .bind(case.id)
    .bind(staff)
    .bind(after_at)
    .bind(after_id)
    .bind(limit + 1)
    .bind(only)
    .fetch_all(pool)
    .await?;
    let (rows, more) = super::one_page(rows, limit);
    let next = more
        .then(|| rows.last().map(|r| (micros(r.created_at), r.id)))
        .flatten();
    let number = CaseNumber(case.number).to_string();
    let items = rows
        .into_iter()
        .map(|row| CaseMessage {
            id: row.id,
            internal: row.internal,
            author: MessageAuthor {
                id: staff.then_some(row.author_id),
                name: row.author_name,
                staff: Role::parse(&row.author_role).is_some_and(Role::is_staff),
            },
            body: row.body,
            created_at: rfc3339(row.created_at),
            attachments: row
                .file_ids
                .iter()
                .zip(row.file_names)
                .zip(&row.file_sizes)
                .map(|((id, name), size)| attachment(&number, *id, name, *size))
                .collect(),
        })
        .collect();
    Ok((items, next))
}

/// The customer a member of staff opens a case for, by e-mail address: the
/// customer who has it, else a new contact of `organization_id` named
/// `name` (as the "New case for a customer" page makes one). Errors name the
/// API's fields.
pub async fn requester_for(
    reader: &Reader,
    pool: &PgPool,
    email: &str,
    name: Option<&str>,
    organization_id: Option<i64>,
) -> Result<i64, Error> {
    policy::authorize(Some(reader.signed_in()?), &Action::OpenCaseForCustomer)?;
    let address = rapport_types::Email::parse("requester_email", email)?;
    match crate::db::contacts::by_email(pool, address.as_str()).await? {
        Some(person) if person.disabled => Err(Error::invalid(
            "requester_email",
            "This person's account is disabled.",
        )),
        Some(crate::db::contacts::Sender {
            id,
            organization_id: Some(_),
            ..
        }) => Ok(id),
        Some(_) => Err(Error::invalid(
            "requester_email",
            "This is a staff address: open cases for customers.",
        )),
        None => {
            let (Some(name), Some(organization_id)) = (name, organization_id) else {
                let field = if name.is_none() {
                    "requester_name"
                } else {
                    "organization_id"
                };
                return Err(Error::invalid(
                    field,
                    "Nobody has this address yet: give the new contact's name and organization.",
                ));
            };
            let contact = crate::contacts::create_contact(
                reader,
                pool,
                name,
                address.as_str(),
                organization_id,
            )
            .await
            .map_err(|e| match e {
                Error::Invalid(mut problem) => {
                    problem.field = match problem.field.as_str() {
                        "name" => "requester_name".into(),
                        "email" => "requester_email".into(),
                        other => other.to_string(),
                    };
                    Error::Invalid(problem)
                }
                other => other,
            })?;
            Ok(contact.id)
        }
    }
}

/// Is `category_id` one of the categories? (Checked before a contact is made
/// for a case that would be refused.)
pub async fn check_category(pool: &PgPool, category_id: i64) -> Result<(), Error> {
    if db::categories(pool)
        .await?
        .iter()
        .any(|(id, _)| *id == category_id)
    {
        Ok(())
    } else {
        Err(Error::invalid(
            "category_id",
            "Choose one of the listed categories.",
        ))
    }
}

/// Does the reader work cases (and so may write internal notes, see tags)?
pub fn works_cases(reader: &Reader) -> Result<bool, Error> {
    Ok(is_staff(reader.signed_in()?))
}

/// The mail settings for a change's mails.
pub async fn mail_site(backend: &crate::Backend) -> Result<MailSite, Error> {
    MailSite::of(backend).await
}
