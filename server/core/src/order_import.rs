//! `rapport import-orders`: products, orders, invoices and deliveries from the
//! company's order system, in one CSV or JSON file (the formats are in the
//! README, section "Importing orders, invoices and deliveries").
//!
//! The import runs in three steps, so that a file is taken whole or not at all:
//!
//! 1. Read: every row (CSV) or record (JSON) is checked on its own and turned
//!    into the records the writers in `db::order_records` take. Each mistake is
//!    kept with its line and field.
//! 2. Check references, inside the transaction: the organizations, accounts,
//!    products and orders the records name must exist in Rapport or in the file.
//!    The writers check this too, but only one thing per record and without the
//!    row; checking here first names the row and field of every one.
//! 3. Write, in dependency order (products, orders, invoices, deliveries), in the
//!    same transaction. Any problem rolls it all back; so does `--dry-run`.
//!
//! Records are keyed by their number (a product by its SKU) and the writers
//! keep a hash of each, so importing the same file again changes nothing.

mod csv;
mod fields;
mod json;
mod references;

use crate::db::order_records::{
    write_delivery, write_invoice, write_order, write_product, DeliveryRecord, InvoiceRecord,
    OrderRecord, Outcome, ProductRecord, RecordProblem,
};
use sqlx::PgPool;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

/// Larger files are refused: the whole file is held in memory and written in
/// one transaction.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;
/// At most this many problems are shown; the rest are counted.
pub const MAX_REPORTED_PROBLEMS: usize = 200;
/// At most this many problems are kept while reading, so a file that is wrong
/// on every one of millions of rows does not fill the memory with messages.
const MAX_KEPT_PROBLEMS: usize = 10_000;

/// One mistake in a file, said for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    /// The column (CSV) or path (JSON, e.g. `orders[3].lines[1].quantity`), or
    /// the record (`order SO-1001`) when the problem is with all of it.
    pub field: Option<String>,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}: {field}: {}", self.line, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// The problems found so far.
#[derive(Debug, Clone, Default)]
struct Problems {
    kept: Vec<Problem>,
    not_kept: usize,
}

impl Problems {
    fn add(&mut self, line: u64, field: Option<String>, reason: impl Into<String>) {
        if self.kept.len() < MAX_KEPT_PROBLEMS {
            self.kept.push(Problem {
                line,
                field,
                reason: reason.into(),
            });
        } else {
            self.not_kept += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.not_kept == 0
    }

    /// In line order (problems of one line in the order they were found),
    /// the first `MAX_REPORTED_PROBLEMS` of them.
    fn into_error(mut self) -> ImportError {
        self.kept.sort_by_key(|p| p.line);
        let more = self.kept.len().saturating_sub(MAX_REPORTED_PROBLEMS) + self.not_kept;
        self.kept.truncate(MAX_REPORTED_PROBLEMS);
        ImportError::Invalid {
            problems: self.kept,
            more,
        }
    }
}

/// Why nothing was imported.
#[derive(Debug)]
pub enum ImportError {
    /// The file cannot be imported at all: it is missing, too large, or not a
    /// .csv or .json file.
    File(String),
    /// Mistakes in the file, in line order; `more` counts those not listed.
    Invalid { problems: Vec<Problem>, more: usize },
    /// PostgreSQL failed or refused a write; `during` says what was being done.
    Database { during: String, error: sqlx::Error },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::File(message) => f.write_str(message),
            ImportError::Invalid { problems, more } => {
                let total = problems.len() + more;
                let noun = if total == 1 { "problem" } else { "problems" };
                write!(f, "nothing was imported: {total} {noun} to fix first")?;
                for problem in problems {
                    write!(f, "\n{problem}")?;
                }
                if *more > 0 {
                    write!(f, "\nand {more} more")?;
                }
                Ok(())
            }
            ImportError::Database { during, error } => {
                write!(
                    f,
                    "nothing was imported: the database failed {during}: {error}"
                )
            }
        }
    }
}

impl std::error::Error for ImportError {}

impl ImportError {
    fn database(during: impl Into<String>) -> impl FnOnce(sqlx::Error) -> ImportError {
        let during = during.into();
        move |error| ImportError::Database { during, error }
    }
}

/// What an import did (or, in a dry run, would do) to one kind of record.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub created: u64,
    pub changed: u64,
    pub unchanged: u64,
}

impl Counts {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.changed += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} new, {} changed, {} unchanged",
            self.created, self.changed, self.unchanged
        )
    }
}

/// What an import did, by kind of record.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub products: Counts,
    pub orders: Counts,
    pub invoices: Counts,
    pub deliveries: Counts,
    /// Nothing was written: the counts say what the import would have done.
    pub dry_run: bool,
}

impl fmt::Display for ImportSummary {
    /// One line per kind: `Products: 3 new, 0 changed, 12 unchanged`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Products: {}", self.products)?;
        writeln!(f, "Orders: {}", self.orders)?;
        writeln!(f, "Invoices: {}", self.invoices)?;
        write!(f, "Deliveries: {}", self.deliveries)
    }
}

/// Where something is in the file: its line, and its path in a JSON file
/// (`orders[3]`, `orders[3].lines[1]`; empty in a CSV file, where a column's
/// name says enough).
#[derive(Debug, Clone)]
struct Spot {
    line: u64,
    path: String,
}

impl Spot {
    fn csv(line: u64) -> Spot {
        Spot {
            line,
            path: String::new(),
        }
    }

    /// How a problem names a field here: `quantity` or `orders[3].lines[1].quantity`.
    fn field(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        }
    }
}

/// A record read from the file, with where it came from.
#[derive(Debug)]
struct Located<T> {
    record: T,
    /// Where the record starts (in CSV, its first row).
    at: Spot,
    /// How a problem with the whole record names it: `order SO-1001` in CSV,
    /// `orders[3]` in JSON.
    label: String,
    /// Where each of its lines is (order, invoice and delivery lines), in order.
    lines: Vec<Spot>,
}

/// What an order names, kept also for orders with other mistakes, so that one
/// run reports every unknown organization, account and product.
#[derive(Debug)]
struct OrderReferences {
    at: Spot,
    /// The organization, and the e-mail of who placed it, when the order's own
    /// fields were read.
    customer: Option<(String, Option<String>)>,
    /// The SKU of each line that was read, and where the line is.
    skus: Vec<(String, Spot)>,
}

/// A file read and checked row by row, ready to be imported.
#[derive(Debug, Default)]
pub struct OrderFile {
    products: Vec<Located<ProductRecord>>,
    orders: Vec<Located<OrderRecord>>,
    invoices: Vec<Located<InvoiceRecord>>,
    deliveries: Vec<Located<DeliveryRecord>>,
    /// The SKUs and order numbers the file defines, also in records with a
    /// mistake: a reference to them is not reported a second time.
    declared_skus: HashSet<String>,
    declared_orders: HashSet<String>,
    order_references: Vec<OrderReferences>,
    /// The mistakes found while reading.
    problems: Problems,
}

impl OrderFile {
    /// How many records the import writes: what a progress bar counts to.
    pub fn record_count(&self) -> u64 {
        (self.products.len() + self.orders.len() + self.invoices.len() + self.deliveries.len())
            as u64
    }
}

/// Read and check `path`, then import it (see the module comment). `progress`
/// hears how many records have been written so far.
pub async fn import_file(
    pool: &PgPool,
    path: &Path,
    dry_run: bool,
    progress: impl FnMut(u64),
) -> Result<ImportSummary, ImportError> {
    let file = read_file(path)?;
    import_records(pool, &file, dry_run, progress).await
}

/// Read and check a JSON text in the import's format (`{"products": [...],
/// "orders": [...], ...}`), as a .json file would be: the REST API's batches.
pub fn read_json(text: &str) -> OrderFile {
    json::read(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Read a .csv or .json file and check every row. Mistakes in rows are kept
/// in the result (and reported by `import_records`); an error here means the
/// file cannot be read at all.
pub fn read_file(path: &Path) -> Result<OrderFile, ImportError> {
    let shown = path.display();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if extension != "csv" && extension != "json" {
        return Err(ImportError::File(format!(
            "{shown}: Rapport imports .csv and .json files; see \
             \"Importing orders, invoices and deliveries\" in the README"
        )));
    }
    let size = std::fs::metadata(path)
        .map_err(|e| ImportError::File(format!("{shown}: could not be read: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(ImportError::File(format!(
            "{shown}: the file is {} MB; Rapport imports at most {} MB at once. \
             Split it into smaller files (import products first, then orders, \
             invoices and deliveries).",
            size.div_ceil(1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| ImportError::File(format!("{shown}: could not be read: {e}")))?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64
                + 1;
            let mut problems = Problems::default();
            problems.add(
                line,
                None,
                "the file is not UTF-8 text; save it as UTF-8 (in a spreadsheet: \
                 \"CSV UTF-8\")",
            );
            return Err(problems.into_error());
        }
    };
    // Spreadsheets often start a UTF-8 file with a byte order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(if extension == "csv" {
        csv::read(text)
    } else {
        json::read(text)
    })
}

/// Import a file read by `read_file`: check its references, then write every
/// record in one transaction, committed only when nothing was wrong and this is
/// not a dry run. `progress` hears how many records have been written so far.
pub async fn import_records(
    pool: &PgPool,
    file: &OrderFile,
    dry_run: bool,
    mut progress: impl FnMut(u64),
) -> Result<ImportSummary, ImportError> {
    let mut problems = file.problems.clone();
    let mut tx = pool
        .begin()
        .await
        .map_err(ImportError::database("to start the import"))?;
    references::check(&mut tx, file, &mut problems)
        .await
        .map_err(ImportError::database("to look up what the file refers to"))?;
    if !problems.is_empty() {
        // Dropping the transaction rolls it back (nothing was written yet anyway).
        return Err(problems.into_error());
    }

    let mut summary = ImportSummary {
        dry_run,
        ..ImportSummary::default()
    };
    let mut written: u64 = 0;
    let mut changed = Written::default();
    for product in &file.products {
        let result = write_product(&mut tx, &product.record).await;
        note(&mut changed.products, &product.record.sku, &result);
        tally(result, &mut summary.products, product, &mut problems)?;
        written += 1;
        progress(written);
    }
    // An order that could not be written makes its invoices and deliveries
    // fail too; only the order's own problem is worth reporting.
    let mut failed_orders: HashSet<&str> = HashSet::new();
    for order in &file.orders {
        let result = write_order(&mut tx, &order.record).await;
        note(&mut changed.orders, &order.record.number, &result);
        if !tally(result, &mut summary.orders, order, &mut problems)? {
            failed_orders.insert(&order.record.number);
        }
        written += 1;
        progress(written);
    }
    for invoice in &file.invoices {
        if !failed_orders.contains(invoice.record.order.as_str()) {
            let result = write_invoice(&mut tx, &invoice.record).await;
            note(&mut changed.invoices, &invoice.record.number, &result);
            tally(result, &mut summary.invoices, invoice, &mut problems)?;
        }
        written += 1;
        progress(written);
    }
    for delivery in &file.deliveries {
        if !failed_orders.contains(delivery.record.order.as_str()) {
            let result = write_delivery(&mut tx, &delivery.record).await;
            note(&mut changed.deliveries, &delivery.record.number, &result);
            tally(result, &mut summary.deliveries, delivery, &mut problems)?;
        }
        written += 1;
        progress(written);
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    if !dry_run {
        record_changes(&mut tx, &changed)
            .await
            .map_err(ImportError::database("to record the changes"))?;
    }
    if dry_run {
        tx.rollback()
            .await
            .map_err(ImportError::database("to undo the dry run"))?;
    } else {
        tx.commit()
            .await
            .map_err(ImportError::database("to save the import"))?;
    }
    Ok(summary)
}

/// Record in the change sequence each record this import created or changed
/// (`order.upserted`, ...), for the incremental export and the webhooks; the
/// last statement before the commit. An unchanged record records nothing.
async fn record_changes(tx: &mut sqlx::PgConnection, written: &Written<'_>) -> sqlx::Result<()> {
    use crate::changes::event;
    use crate::db::changes::NewChange;
    // (table, key column, event, entity, the records written)
    let kinds: [ChangedKind<'_, '_>; 4] = [
        (
            "products",
            "sku",
            event::PRODUCT_UPSERTED,
            "product",
            &written.products,
        ),
        (
            "orders",
            "number",
            event::ORDER_UPSERTED,
            "order",
            &written.orders,
        ),
        (
            "invoices",
            "number",
            event::INVOICE_UPSERTED,
            "invoice",
            &written.invoices,
        ),
        (
            "deliveries",
            "number",
            event::DELIVERY_UPSERTED,
            "delivery",
            &written.deliveries,
        ),
    ];
    let mut changes = Vec::new();
    for (table, key, event, entity, records) in kinds {
        if records.is_empty() {
            continue;
        }
        let keys: Vec<&str> = records.iter().map(|(k, _)| *k).collect();
        // Products belong to no organization; the others to their customer's.
        let organization = if table == "products" {
            "NULL::bigint"
        } else {
            "organization_id"
        };
        let rows: Vec<(i64, Option<i64>, String)> = sqlx::query_as(&format!(
            "SELECT id, {organization}, {key} FROM {table} WHERE {key} = ANY($1)"
        ))
        .bind(&keys)
        .fetch_all(&mut *tx)
        .await?;
        let found: HashMap<&str, (i64, Option<i64>)> = rows
            .iter()
            .map(|(id, organization, key)| (key.as_str(), (*id, *organization)))
            .collect();
        // In the order of the file.
        for (number, created) in records {
            if let Some((id, organization_id)) = found.get(number) {
                changes.push(NewChange {
                    event,
                    entity,
                    entity_id: *id,
                    deleted: false,
                    organization_id: *organization_id,
                    staff_only: false,
                    case_id: None,
                    data: serde_json::json!({ "number": number, "created": created }),
                });
            }
        }
    }
    crate::db::changes::append(tx, &changes).await
}

/// One kind of record for `record_changes`: table, key column, event,
/// entity, and the keys written.
type ChangedKind<'w, 'f> = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'w [(&'f str, bool)],
);

/// The records an import created (true) or changed (false), by key.
#[derive(Default)]
struct Written<'f> {
    products: Vec<(&'f str, bool)>,
    orders: Vec<(&'f str, bool)>,
    invoices: Vec<(&'f str, bool)>,
    deliveries: Vec<(&'f str, bool)>,
}

/// Keep `key` when writing it created or changed it.
fn note<'f>(
    list: &mut Vec<(&'f str, bool)>,
    key: &'f str,
    result: &Result<Outcome, RecordProblem>,
) {
    match result {
        Ok(Outcome::Created) => list.push((key, true)),
        Ok(Outcome::Updated) => list.push((key, false)),
        _ => {}
    }
}

/// Count what writing a record did, or keep its problem. True when it was written.
fn tally<T>(
    result: Result<Outcome, RecordProblem>,
    counts: &mut Counts,
    located: &Located<T>,
    problems: &mut Problems,
) -> Result<bool, ImportError> {
    match result {
        Ok(outcome) => {
            counts.count(outcome);
            Ok(true)
        }
        Err(RecordProblem::Invalid(reason)) => {
            problems.add(located.at.line, Some(located.label.clone()), reason);
            Ok(false)
        }
        Err(RecordProblem::Database(error)) => Err(ImportError::Database {
            during: format!("to write {} (line {})", located.label, located.at.line),
            error,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_reported_in_line_order_and_capped() {
        let mut problems = Problems::default();
        for line in (1..=250).rev() {
            problems.add(line, Some("quantity".into()), "is missing");
        }
        let ImportError::Invalid { problems, more } = problems.into_error() else {
            panic!("expected a list of problems");
        };
        assert_eq!(problems.len(), MAX_REPORTED_PROBLEMS);
        assert_eq!(more, 50);
        assert_eq!(problems[0].to_string(), "line 1: quantity: is missing");
        let shown = ImportError::Invalid {
            problems: problems[..1].to_vec(),
            more: 3,
        }
        .to_string();
        assert_eq!(
            shown,
            "nothing was imported: 4 problems to fix first\nline 1: quantity: is missing\nand 3 more"
        );
    }

    #[test]
    fn only_csv_and_json_files_are_read() {
        let err = read_file(Path::new("orders.xlsx")).unwrap_err();
        assert!(err.to_string().contains(".csv and .json"), "{err}");
        let err = read_file(Path::new("/no/such/file.CSV")).unwrap_err();
        assert!(err.to_string().contains("could not be read"), "{err}");
    }
}
