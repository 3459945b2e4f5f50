//! CSV files: one kind of record per file, recognised by its header row.
//! Orders, invoices and deliveries take one row per line; the rows with the
//! same number make one record, in the order of the rows, wherever they are
//! in the file.

use super::fields::{self, Check, Values};
use super::{Located, OrderFile, OrderReferences, Problems, Spot};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Products,
    Orders,
    Invoices,
    Deliveries,
}

impl Kind {
    const ALL: [Kind; 4] = [
        Kind::Products,
        Kind::Orders,
        Kind::Invoices,
        Kind::Deliveries,
    ];

    fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Products => &[
                "sku",
                "name",
                "description",
                "unit_price",
                "currency",
                "vendor",
            ],
            Kind::Orders => &[
                "order",
                "organization",
                "placed_by",
                "status",
                "ordered_on",
                "currency",
                "sku",
                "quantity",
                "unit_price",
            ],
            Kind::Invoices => &[
                "invoice",
                "order",
                "issued_on",
                "due_on",
                "status",
                "paid_on",
                "currency",
                "description",
                "quantity",
                "unit_price",
                "taxes",
            ],
            Kind::Deliveries => &[
                "delivery",
                "order",
                "carrier",
                "tracking_number",
                "status",
                "shipped_on",
                "delivered_on",
                "sku",
                "quantity",
            ],
        }
    }

    /// The columns about the whole order, invoice or delivery, which each of
    /// its rows repeats. The first is its number.
    fn head_columns(self) -> &'static [&'static str] {
        let columns = self.columns();
        match self {
            Kind::Products => &[],
            Kind::Orders => &columns[..6],
            Kind::Invoices => &columns[..7],
            Kind::Deliveries => &columns[..7],
        }
    }

    fn file(self) -> &'static str {
        match self {
            Kind::Products => "a products file",
            Kind::Orders => "an orders file",
            Kind::Invoices => "an invoices file",
            Kind::Deliveries => "a deliveries file",
        }
    }
}

/// Read a CSV file (see the module comment).
pub(super) fn read(text: &str) -> OrderFile {
    let mut file = OrderFile::default();
    let mut reader = ::csv::ReaderBuilder::new()
        // Rows with too few or too many values are reported below, in words.
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(header) => header.clone(),
        Err(e) => {
            file.problems
                .add(1, None, format!("the file cannot be read as CSV: {e}"));
            return file;
        }
    };
    let header_line = header.position().map_or(1, |p| p.line());
    let Some((kind, columns)) = recognise(&header, header_line, &mut file.problems) else {
        return file;
    };
    let mut rows = Vec::new();
    let mut record = ::csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(header_line, |p| p.line());
                file.problems
                    .add(line, None, format!("the file cannot be read as CSV: {e}"));
                return file;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        // Spreadsheets save rows that only have separators (",,,,") after the data.
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        if record.len() != columns.len() {
            file.problems.add(
                line,
                None,
                format!(
                    "has {} values, but the header row has {} columns",
                    record.len(),
                    columns.len()
                ),
            );
            continue;
        }
        let mut values = Values::default();
        for (column, value) in columns.iter().zip(record.iter()) {
            values.set(column, value);
        }
        rows.push((line, values));
    }
    match kind {
        Kind::Products => products(rows, &mut file),
        Kind::Orders => orders(rows, &mut file),
        Kind::Invoices => invoices(rows, &mut file),
        Kind::Deliveries => deliveries(rows, &mut file),
    }
    file
}

/// Which kind of file the header row makes, and the column of each position.
fn recognise(
    header: &::csv::StringRecord,
    line: u64,
    problems: &mut Problems,
) -> Option<(Kind, Vec<&'static str>)> {
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    if names.iter().all(|name| name.is_empty()) {
        problems.add(
            line,
            None,
            "the file is empty; it needs a header row naming its columns",
        );
        return None;
    }
    // The kind whose columns the header names most of; a tie is no answer.
    let matching = |kind: Kind| {
        kind.columns()
            .iter()
            .filter(|column| names.contains(column))
            .count()
    };
    let best = Kind::ALL.into_iter().map(matching).max().unwrap_or(0);
    let candidates: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|kind| matching(*kind) == best)
        .collect();
    let [kind] = candidates[..] else {
        problems.add(
            line,
            None,
            format!(
                "the header row ({}) is not that of products, orders, invoices or deliveries; \
                 \"Importing orders, invoices and deliveries\" in the README lists their columns",
                names.join(",")
            ),
        );
        return None;
    };
    let all = kind.columns().join(",");
    let mut recognised = true;
    let missing: Vec<&str> = kind
        .columns()
        .iter()
        .copied()
        .filter(|column| !names.contains(column))
        .collect();
    if !missing.is_empty() {
        problems.add(
            line,
            None,
            format!(
                "the header row lacks the column(s) {}; {} has the columns {all}",
                missing.join(", "),
                kind.file()
            ),
        );
        recognised = false;
    }
    let unknown: Vec<String> = names
        .iter()
        .filter(|name| !kind.columns().contains(name))
        .map(|name| {
            if name.is_empty() {
                "(a column without a name)".to_string()
            } else {
                name.to_string()
            }
        })
        .collect();
    if !unknown.is_empty() {
        problems.add(
            line,
            None,
            format!(
                "unknown column(s) {}; {} has the columns {all}",
                unknown.join(", "),
                kind.file()
            ),
        );
        recognised = false;
    }
    for (index, name) in names.iter().enumerate() {
        if !name.is_empty() && names[..index].contains(name) {
            problems.add(line, None, format!("the column {name} is there twice"));
            recognised = false;
        }
    }
    if !recognised {
        return None;
    }
    let columns = names
        .iter()
        .filter_map(|name| kind.columns().iter().copied().find(|c| c == name))
        .collect();
    Some((kind, columns))
}

fn products(rows: Vec<(u64, Values)>, file: &mut OrderFile) {
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for (line, values) in rows {
        let at = Spot::csv(line);
        let mut check = Check::new(&mut file.problems, at.clone());
        let product = fields::product(&mut check, &values);
        if let Some(sku) = values.get("sku") {
            if let Some(first) = first_line.get(sku) {
                check.problem(
                    "sku",
                    format!("{sku} is also on line {first}; give each product once"),
                );
                continue;
            }
            first_line.insert(sku.to_string(), line);
            file.declared_skus.insert(sku.to_string());
        }
        if let Some(record) = product {
            file.products.push(Located {
                label: format!("product {}", record.sku),
                record,
                at,
                lines: Vec::new(),
            });
        }
    }
}

/// The rows of one order, invoice or delivery.
struct Group<Head, Line> {
    number: String,
    first_line: u64,
    /// The values of the head columns on the first row, which every later row must repeat.
    head_values: Vec<Option<String>>,
    head: Option<Head>,
    lines: Vec<Line>,
    spots: Vec<Spot>,
    /// The SKU of each row that names a right one (also rows with other
    /// mistakes), and where it is: what the reference check looks up.
    skus: Vec<(String, Spot)>,
    /// One of its rows has a mistake (already reported): it is not imported.
    broken: bool,
}

/// Group the rows by number (the first head column), in the order each number
/// first appears; each group's head is read from its first row.
fn group_rows<Head, Line>(
    rows: Vec<(u64, Values)>,
    kind: Kind,
    problems: &mut Problems,
    read_head: impl Fn(&mut Check, &Values) -> Option<Head>,
    read_line: impl Fn(&mut Check, &Values) -> Option<Line>,
) -> Vec<Group<Head, Line>> {
    let head_columns = kind.head_columns();
    let key = head_columns[0];
    let mut groups: Vec<Group<Head, Line>> = Vec::new();
    let mut by_number: HashMap<String, usize> = HashMap::new();
    for (line, values) in rows {
        let at = Spot::csv(line);
        let mut check = Check::new(problems, at.clone());
        let Some(number) = check.key(&values, key) else {
            // Still check the rest of the row, to report all of its mistakes.
            read_line(&mut check, &values);
            continue;
        };
        let index = match by_number.get(&number) {
            Some(&index) => {
                let group = &mut groups[index];
                for (column, first) in head_columns.iter().zip(&group.head_values) {
                    let value = values.get(column);
                    if value != first.as_deref() {
                        check.problem(
                            column,
                            format!(
                                "is {} here but {} on line {}; the rows of {key} {number} must agree on {}",
                                shown(value),
                                shown(first.as_deref()),
                                group.first_line,
                                head_columns[1..].join(", ")
                            ),
                        );
                        group.broken = true;
                    }
                }
                index
            }
            None => {
                let head = read_head(&mut check, &values);
                groups.push(Group {
                    number: number.clone(),
                    first_line: line,
                    head_values: head_columns
                        .iter()
                        .map(|column| values.get(column).map(str::to_string))
                        .collect(),
                    broken: head.is_none(),
                    head,
                    lines: Vec::new(),
                    spots: Vec::new(),
                    skus: Vec::new(),
                });
                by_number.insert(number, groups.len() - 1);
                groups.len() - 1
            }
        };
        let group = &mut groups[index];
        if let Some(sku) = fields::readable_key(&values, "sku") {
            group.skus.push((sku, at.clone()));
        }
        match read_line(&mut check, &values) {
            Some(record_line) => {
                group.lines.push(record_line);
                group.spots.push(at);
            }
            None => group.broken = true,
        }
    }
    groups
}

/// A value as a message shows it.
fn shown(value: Option<&str>) -> String {
    match value {
        Some(value) => format!("“{value}”"),
        None => "empty".to_string(),
    }
}

fn orders(rows: Vec<(u64, Values)>, file: &mut OrderFile) {
    let groups = group_rows(
        rows,
        Kind::Orders,
        &mut file.problems,
        fields::order_head,
        fields::order_line,
    );
    for group in groups {
        file.declared_orders.insert(group.number);
        file.order_references.push(OrderReferences {
            at: Spot::csv(group.first_line),
            customer: group.head.as_ref().map(|head| head.customer()),
            skus: group.skus,
        });
        if let (Some(head), false) = (group.head, group.broken) {
            let record = head.with_lines(group.lines);
            file.orders.push(Located {
                label: format!("order {}", record.number),
                record,
                at: Spot::csv(group.first_line),
                lines: group.spots,
            });
        }
    }
}

fn invoices(rows: Vec<(u64, Values)>, file: &mut OrderFile) {
    let groups = group_rows(
        rows,
        Kind::Invoices,
        &mut file.problems,
        fields::invoice_head,
        |check, values| {
            let taxes = fields::tax_column(check, values);
            fields::invoice_line(check, values, taxes)
        },
    );
    for group in groups {
        if let (Some(head), false) = (group.head, group.broken) {
            let record = head.with_lines(group.lines);
            file.invoices.push(Located {
                label: format!("invoice {}", record.number),
                record,
                at: Spot::csv(group.first_line),
                lines: group.spots,
            });
        }
    }
}

fn deliveries(rows: Vec<(u64, Values)>, file: &mut OrderFile) {
    let groups = group_rows(
        rows,
        Kind::Deliveries,
        &mut file.problems,
        fields::delivery_head,
        fields::delivery_line,
    );
    for group in groups {
        let distinct = fields::distinct_skus(&mut file.problems, &group.lines, &group.spots);
        if let (Some(head), false, true) = (group.head, group.broken, distinct) {
            let record = head.with_lines(group.lines);
            file.deliveries.push(Located {
                label: format!("delivery {}", record.number),
                record,
                at: Spot::csv(group.first_line),
                lines: group.spots,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_of(file: &OrderFile) -> Vec<String> {
        file.problems.kept.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn rows_of_one_order_make_one_record_wherever_they_are() {
        let file = read(
            "order,organization,placed_by,status,ordered_on,currency,sku,quantity,unit_price\n\
             SO-1,Acme,,placed,2026-03-02,CHF,A,2,10.50\n\
             SO-2,Acme,,placed,2026-03-03,CHF,B,1,5\n\
             SO-1,Acme,,placed,2026-03-02,CHF,C,1,0.05\n",
        );
        assert!(file.problems.is_empty(), "{:?}", problems_of(&file));
        assert_eq!(file.orders.len(), 2);
        let first = &file.orders[0];
        assert_eq!(first.record.number, "SO-1");
        assert_eq!(first.at.line, 2);
        let lines: Vec<_> = first
            .record
            .lines
            .iter()
            .map(|l| (l.sku.as_str(), l.quantity, l.unit_price_minor))
            .collect();
        assert_eq!(lines, vec![("A", 2, 1050), ("C", 1, 5)]);
        assert_eq!(
            first.lines.iter().map(|s| s.line).collect::<Vec<_>>(),
            vec![2, 4]
        );
    }

    #[test]
    fn every_mistake_is_named_by_line_and_column() {
        let file = read(
            "sku,order,organization,placed_by,status,ordered_on,currency,quantity,unit_price\n\
             A,SO-1,Acme,someone,lost,2026-02-30,CHF,-2,1.005\n\
             B,SO-1,Acme,,placed,2026-02-30,CHF,1,1\n",
        );
        let problems = problems_of(&file);
        assert_eq!(
            problems,
            vec![
                "line 2: placed_by: “someone” is not an e-mail address like name@example.com",
                "line 2: status: “lost” is not an order status; use one of: placed, processing, shipped, completed, cancelled",
                "line 2: ordered_on: “2026-02-30” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-02",
                "line 2: quantity: “-2” must be a whole number of 1 or more",
                "line 2: unit_price: “1.005” has more than 2 decimal(s), the most CHF has",
                "line 3: placed_by: is empty here but “someone” on line 2; the rows of order SO-1 must agree on organization, placed_by, status, ordered_on, currency",
                "line 3: status: is “placed” here but “lost” on line 2; the rows of order SO-1 must agree on organization, placed_by, status, ordered_on, currency",
            ]
        );
        assert!(file.orders.is_empty());
        assert!(file.declared_orders.contains("SO-1"));
    }

    #[test]
    fn the_header_names_the_kind_and_nothing_else() {
        let file =
            read("sku,name,description,unit_price,currency,vendor,colour\nA,B,,1,CHF,,red\n");
        assert_eq!(
            problems_of(&file),
            vec!["line 1: unknown column(s) colour; a products file has the columns sku,name,description,unit_price,currency,vendor"]
        );
        let file = read("invoice,order,issued_on,due_on,status,currency,description,quantity,unit_price,taxes\n");
        assert!(problems_of(&file)[0].contains("lacks the column(s) paid_on"));
        let file = read("");
        assert!(problems_of(&file)[0].contains("the file is empty"));
        let file = read("what,ever\n1,2\n");
        assert!(problems_of(&file)[0].contains("is not that of products"));
    }

    #[test]
    fn invoice_taxes_and_overdue() {
        let file = read(
            "invoice,order,issued_on,due_on,status,paid_on,currency,description,quantity,unit_price,taxes\n\
             INV-1,SO-1,2026-03-02,2026-04-01,overdue,,USD,Robot arm,3,19.99,US-CA 6%; US-CA-LA 2.25%\n\
             INV-1,SO-1,2026-03-02,2026-04-01,overdue,,USD,Discount,1,-5.00,\n",
        );
        assert!(file.problems.is_empty(), "{:?}", problems_of(&file));
        let invoice = &file.invoices[0].record;
        assert_eq!(invoice.status, rapport_types::InvoiceStatus::Open);
        assert_eq!(invoice.lines[0].taxes.len(), 2);
        assert_eq!(invoice.lines[1].unit_price_minor, -500);
        assert!(invoice.lines[1].taxes.is_empty());
    }
}
