//! API services: the order system's batches, and the overdue invoices
//! announced in the change sequence.
//!
//! A batch is read and written by `order_import`, exactly as a JSON file of
//! `rapport import-orders`: the same checks, the same writers, one
//! transaction, nothing written when anything is wrong, nothing changed when
//! the same batch comes again.

use crate::changes::{self, event};
use crate::db::changes::NewChange;
use crate::order_import::{self, Counts, ImportError};
use crate::policy::{self, Action};
use crate::{Error, Reader};
use rapport_types::api::orders::{BatchCounts, BatchResult};
use rapport_types::api::FieldProblem;
use sqlx::PgPool;

/// At most this many records in one batch: it is one transaction.
pub const MAX_BATCH_RECORDS: u64 = 10_000;

/// Why a batch was not written.
#[derive(Debug)]
pub enum BatchError {
    /// Mistakes in records, each named by its path (`orders[3].total`).
    Invalid(Vec<FieldProblem>),
    Failed(Error),
}

impl From<Error> for BatchError {
    fn from(error: Error) -> BatchError {
        BatchError::Failed(error)
    }
}

/// Upsert the batch in `json` (the import's JSON format) as `reader`.
pub async fn upsert_batch(
    reader: &Reader,
    pool: &PgPool,
    json: &str,
) -> Result<BatchResult, BatchError> {
    policy::authorize(reader.actor(), &Action::UpsertOrders)?;
    let file = order_import::read_json(json);
    if file.record_count() > MAX_BATCH_RECORDS {
        return Err(BatchError::Invalid(vec![FieldProblem {
            field: "body".into(),
            detail: format!(
                "A batch holds at most {MAX_BATCH_RECORDS} records; this one has {}. Send it in parts (products first).",
                file.record_count()
            ),
        }]));
    }
    match order_import::import_records(pool, &file, false, |_| {}).await {
        Ok(summary) => Ok(BatchResult {
            products: counts(summary.products),
            orders: counts(summary.orders),
            invoices: counts(summary.invoices),
            deliveries: counts(summary.deliveries),
        }),
        Err(ImportError::Invalid { problems, more }) => {
            let mut list: Vec<FieldProblem> = problems
                .into_iter()
                .map(|p| FieldProblem {
                    field: p.field.unwrap_or_else(|| "body".into()),
                    detail: format!("{} (line {})", p.reason, p.line),
                })
                .collect();
            if more > 0 {
                list.push(FieldProblem {
                    field: "body".into(),
                    detail: format!("and {more} more problems"),
                });
            }
            Err(BatchError::Invalid(list))
        }
        Err(ImportError::Database { error, .. }) => Err(Error::Database(error).into()),
        Err(ImportError::File(message)) => Err(Error::BadRequest(message).into()),
    }
}

fn counts(c: Counts) -> BatchCounts {
    BatchCounts {
        created: c.created,
        updated: c.changed,
        unchanged: c.unchanged,
    }
}

/// Record `invoice.overdue` once for each open invoice past its due date
/// that has not been announced yet (for this due date). Safe in several
/// servers at once: the marks' key lets only one of them insert a mark.
/// Returns how many were recorded.
pub async fn record_overdue_invoices(pool: &PgPool) -> Result<u64, Error> {
    let mut tx = pool.begin().await?;
    let overdue: Vec<(i64, i64, String, time::Date, i64, String)> = sqlx::query_as(
        "WITH marked AS (
             INSERT INTO invoice_overdue_marks (invoice_id, due_on)
             SELECT id, due_on FROM invoices
             WHERE status = 'open' AND due_on < current_date
             ON CONFLICT DO NOTHING
             RETURNING invoice_id
         )
         SELECT i.id, i.organization_id, i.number, i.due_on, i.total_minor, i.currency
         FROM invoices i JOIN marked m ON m.invoice_id = i.id
         ORDER BY i.due_on, i.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let recorded: Vec<NewChange> = overdue
        .iter()
        .map(
            |(id, organization_id, number, due_on, total, currency)| NewChange {
                event: event::INVOICE_OVERDUE,
                entity: "invoice",
                entity_id: *id,
                deleted: false,
                organization_id: Some(*organization_id),
                staff_only: false,
                case_id: None,
                data: serde_json::json!({
                    "number": number,
                    "due_on": due_on.to_string(),
                    "total_minor": total,
                    "currency": currency,
                }),
            },
        )
        .collect();
    changes::record(&mut tx, &recorded).await?;
    tx.commit().await?;
    Ok(recorded.len() as u64)
}
