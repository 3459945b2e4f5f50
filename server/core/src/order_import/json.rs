//! JSON files: one object `{"products": [...], "orders": [...], "invoices":
//! [...], "deliveries": [...]}` (each key optional), with the lines of orders,
//! invoices and deliveries nested in them.
//!
//! Each record is read on its own from the text it takes up in the file (a
//! borrowed `RawValue`, so its address is inside the file's text: a boxed one
//! would be a copy). Its byte offset gives the line it starts on, and a mistake
//! is reported there with its path, e.g. `orders[3].lines[1].quantity`.

use super::fields::{self, Check, Values};
use super::{Located, OrderFile, OrderReferences, Problems, Spot};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

/// What a field's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Text,
    /// Text, so it is exact: "1299.00".
    Amount,
    /// Text: "8.1".
    Rate,
    /// A number without quotes: 2.
    Whole,
    /// A list: the lines of an order, the taxes of an invoice line.
    List,
}

use Shape::{Amount, List, Rate, Text, Whole};

const PRODUCT: &[(&str, Shape)] = &[
    ("sku", Text),
    ("name", Text),
    ("description", Text),
    ("unit_price", Amount),
    ("currency", Text),
    ("vendor", Text),
];
const ORDER: &[(&str, Shape)] = &[
    ("order", Text),
    ("organization", Text),
    ("placed_by", Text),
    ("status", Text),
    ("ordered_on", Text),
    ("currency", Text),
    ("lines", List),
];
const ORDER_LINE: &[(&str, Shape)] = &[("sku", Text), ("quantity", Whole), ("unit_price", Amount)];
const INVOICE: &[(&str, Shape)] = &[
    ("invoice", Text),
    ("order", Text),
    ("issued_on", Text),
    ("due_on", Text),
    ("status", Text),
    ("paid_on", Text),
    ("currency", Text),
    ("lines", List),
];
const INVOICE_LINE: &[(&str, Shape)] = &[
    ("description", Text),
    ("quantity", Whole),
    ("unit_price", Amount),
    ("taxes", List),
];
const TAX: &[(&str, Shape)] = &[("jurisdiction", Text), ("rate", Rate)];
const DELIVERY: &[(&str, Shape)] = &[
    ("delivery", Text),
    ("order", Text),
    ("carrier", Text),
    ("tracking_number", Text),
    ("status", Text),
    ("shipped_on", Text),
    ("delivered_on", Text),
    ("lines", List),
];
const DELIVERY_LINE: &[(&str, Shape)] = &[("sku", Text), ("quantity", Whole)];

const SECTIONS: [&str; 4] = ["products", "orders", "invoices", "deliveries"];

/// The fields of a JSON object as written, each value still as its text.
/// (A map type would silently keep only the last of a field given twice.)
struct Fields<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor<'a>(PhantomData<&'a ()>);

        impl<'de: 'a, 'a> Visitor<'de> for FieldsVisitor<'a> {
            type Value = Fields<'a>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Fields<'a>, M::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'a RawValue>()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }

        deserializer.deserialize_map(FieldsVisitor(PhantomData))
    }
}

/// The line a part of the file starts on, from its byte offset.
struct LineIndex<'t> {
    text: &'t str,
    /// The byte offset of the start of each line.
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    fn new(text: &'t str) -> LineIndex<'t> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The line (from 1) where `raw`, a part of the text, starts.
    fn line_of(&self, raw: &RawValue) -> u64 {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        self.starts.partition_point(|start| *start <= offset) as u64
    }
}

/// An object's plain values, and its lists still as text.
struct Object<'a> {
    values: Values,
    lists: Vec<(&'static str, Vec<&'a RawValue>)>,
}

impl<'a> Object<'a> {
    fn list(&self, name: &str) -> &[&'a RawValue] {
        self.lists
            .iter()
            .find(|(field, _)| *field == name)
            .map_or(&[], |(_, items)| items.as_slice())
    }
}

/// Read `raw` as `what` (e.g. "an order") with the fields of `spec`. An
/// unknown field, a field given twice or a value of the wrong kind is a problem.
fn object<'a>(
    raw: &'a RawValue,
    what: &str,
    spec: &[(&'static str, Shape)],
    check: &mut Check,
) -> Option<Object<'a>> {
    let Ok(fields) = serde_json::from_str::<Fields<'a>>(raw.get()) else {
        check.record_problem(format!("must be {what}: an object in braces {{ }}"));
        return None;
    };
    let mut object = Object {
        values: Values::default(),
        lists: Vec::new(),
    };
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in fields.0 {
        let Some(&(field, shape)) = spec.iter().find(|(field, _)| *field == name) else {
            let known: Vec<&str> = spec.iter().map(|(field, _)| *field).collect();
            check.problem(
                &name,
                format!(
                    "is not a field of {what}; the fields are: {}",
                    known.join(", ")
                ),
            );
            continue;
        };
        if seen.contains(&field) {
            check.problem(field, "is given twice");
            continue;
        }
        seen.push(field);
        if shape == List {
            match serde_json::from_str::<Option<Vec<&'a RawValue>>>(value.get()) {
                Ok(items) => object.lists.push((field, items.unwrap_or_default())),
                Err(_) => check.problem(field, "must be a list in square brackets [ ]"),
            }
            continue;
        }
        match scalar(value, shape) {
            Ok(Some(text)) => object.values.set(field, &text),
            Ok(None) => {}
            Err(reason) => {
                check.problem(field, reason);
                object.values.set_reported(field);
            }
        }
    }
    Some(object)
}

/// A plain value as text, when it is of the kind `shape` asks for; None for null.
fn scalar(raw: &RawValue, shape: Shape) -> Result<Option<String>, String> {
    use serde_json::Value;
    let written = raw.get().trim();
    let value: Value =
        serde_json::from_str(written).map_err(|_| format!("“{written}” cannot be read"))?;
    match (shape, value) {
        (_, Value::Null) => Ok(None),
        (Text | Amount | Rate, Value::String(text)) => Ok(Some(text)),
        // Exactly as written, so 2.0 or 1e3 are reported as they are.
        (Whole, Value::Number(_)) => Ok(Some(written.to_string())),
        (Amount, Value::Number(_)) => Err(format!(
            "write amounts as strings, e.g. \"12.50\" (not {written}), so they are read exactly"
        )),
        (Rate, Value::Number(_)) => Err(format!(
            "write tax rates as strings, e.g. \"8.1\" (not {written})"
        )),
        (Whole, Value::String(text)) => Err(format!(
            "“{text}”: write the quantity as a number without quotes, e.g. 2"
        )),
        (Text, Value::Number(_) | Value::Bool(_)) => {
            Err(format!("write it as text in quotes, e.g. \"{written}\""))
        }
        (Whole, _) => Err("must be a number, e.g. 2".to_string()),
        (_, _) => Err("must be text in quotes".to_string()),
    }
}

/// Read a JSON file (see the module comment).
pub(super) fn read(text: &str) -> OrderFile {
    let mut file = OrderFile::default();
    let index = LineIndex::new(text);
    let top = match serde_json::from_str::<Fields>(text) {
        Ok(top) => top,
        Err(e) => {
            file.problems
                .add(e.line().max(1) as u64, None, syntax_problem(&e));
            return file;
        }
    };
    let mut sections: HashMap<&str, Vec<&RawValue>> = HashMap::new();
    for (key, raw) in top.0 {
        let line = index.line_of(raw);
        let Some(section) = SECTIONS.iter().copied().find(|s| *s == key) else {
            file.problems.add(
                line,
                Some(key),
                "is not something Rapport imports; the file may have products, orders, invoices and deliveries",
            );
            continue;
        };
        if sections.contains_key(section) {
            file.problems.add(line, Some(key), "is given twice");
            continue;
        }
        match serde_json::from_str::<Option<Vec<&RawValue>>>(raw.get()) {
            Ok(items) => {
                sections.insert(section, items.unwrap_or_default());
            }
            Err(_) => file
                .problems
                .add(line, Some(key), "must be a list in square brackets [ ]"),
        }
    }
    let section = |name: &str| sections.get(name).map_or(&[][..], |items| items.as_slice());
    // Products and orders first, so later records can tell what the file defines.
    products(section("products"), &index, &mut file);
    orders(section("orders"), &index, &mut file);
    invoices(section("invoices"), &index, &mut file);
    deliveries(section("deliveries"), &index, &mut file);
    file
}

/// A message for a file that is not JSON, or not one object.
fn syntax_problem(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let message = e.to_string();
    // serde_json ends its message with " at line L column C"; the line is shown apart.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(text, _)| text);
    match e.classify() {
        Category::Eof => {
            format!("the file ends too early ({message}): is a closing bracket or brace missing?")
        }
        Category::Data => {
            "the file must be one JSON object: {\"products\": [...], \"orders\": [...], \
             \"invoices\": [...], \"deliveries\": [...]}"
                .to_string()
        }
        Category::Syntax | Category::Io => format!(
            "the file is not valid JSON at column {}: {message}",
            e.column()
        ),
    }
}

/// Where the `position`th item of `section` is.
fn spot(index: &LineIndex, raw: &RawValue, section: &str, position: usize) -> Spot {
    Spot {
        line: index.line_of(raw),
        path: format!("{section}[{position}]"),
    }
}

/// Warn about a number (SKU, order number...) given before, at `first`; remember it otherwise.
fn once(
    check: &mut Check,
    seen: &mut HashMap<String, u64>,
    line: u64,
    field: &str,
    key: &str,
) -> bool {
    if let Some(first) = seen.get(key) {
        check.problem(
            field,
            format!("{key} is also on line {first}; give each one once"),
        );
        return false;
    }
    seen.insert(key.to_string(), line);
    true
}

fn products(items: &[&RawValue], index: &LineIndex, file: &mut OrderFile) {
    let mut seen = HashMap::new();
    for (position, raw) in items.iter().enumerate() {
        let at = spot(index, raw, "products", position);
        let mut check = Check::new(&mut file.problems, at.clone());
        let Some(object) = object(raw, "a product", PRODUCT, &mut check) else {
            continue;
        };
        let product = fields::product(&mut check, &object.values);
        if let Some(sku) = object.values.get("sku") {
            if !once(&mut check, &mut seen, at.line, "sku", sku) {
                continue;
            }
            file.declared_skus.insert(sku.to_string());
        }
        if let Some(record) = product {
            file.products.push(Located {
                label: at.path.clone(),
                record,
                at,
                lines: Vec::new(),
            });
        }
    }
}

/// The lines of a record that were read, where each is, and whether all were
/// (and there was at least one).
struct NestedLines<Line> {
    lines: Vec<Line>,
    spots: Vec<Spot>,
    complete: bool,
    /// The SKU of each line that names a right one (also lines with other
    /// mistakes), and where it is: what the reference check looks up.
    skus: Vec<(String, Spot)>,
}

impl<Line> NestedLines<Line> {
    fn if_complete(self) -> Option<(Vec<Line>, Vec<Spot>)> {
        self.complete.then_some((self.lines, self.spots))
    }
}

/// Read the nested lines of the record at `at` with `read_line` (which gets
/// the line, where it is, and the problems); the lines get the record's
/// currency.
fn nested_lines<Line>(
    object: &Object,
    at: &Spot,
    what: &str,
    spec: &[(&'static str, Shape)],
    index: &LineIndex,
    problems: &mut Problems,
    mut read_line: impl FnMut(&Object, &Spot, &mut Problems) -> Option<Line>,
) -> NestedLines<Line> {
    let items = object.list("lines");
    if items.is_empty() {
        Check::new(problems, at.clone()).problem("lines", "needs at least one line");
    }
    let mut lines = Vec::new();
    let mut spots = Vec::new();
    let mut complete = !items.is_empty();
    let mut skus = Vec::new();
    for (position, raw) in items.iter().enumerate() {
        let line_at = Spot {
            line: index.line_of(raw),
            path: format!("{}.lines[{position}]", at.path),
        };
        let line_object = self::object(raw, what, spec, &mut Check::new(problems, line_at.clone()));
        let Some(mut line_object) = line_object else {
            complete = false;
            continue;
        };
        if let Some(currency) = object.values.get("currency") {
            line_object.values.set("currency", currency);
        }
        if let Some(sku) = fields::readable_key(&line_object.values, "sku") {
            skus.push((sku, line_at.clone()));
        }
        match read_line(&line_object, &line_at, problems) {
            Some(line) => {
                lines.push(line);
                spots.push(line_at);
            }
            None => complete = false,
        }
    }
    NestedLines {
        lines,
        spots,
        complete,
        skus,
    }
}

fn orders(items: &[&RawValue], index: &LineIndex, file: &mut OrderFile) {
    let mut seen = HashMap::new();
    for (position, raw) in items.iter().enumerate() {
        let at = spot(index, raw, "orders", position);
        let mut check = Check::new(&mut file.problems, at.clone());
        let Some(object) = object(raw, "an order", ORDER, &mut check) else {
            continue;
        };
        let head = fields::order_head(&mut check, &object.values);
        if let Some(number) = object.values.get("order") {
            if !once(&mut check, &mut seen, at.line, "order", number) {
                continue;
            }
            file.declared_orders.insert(number.to_string());
        }
        let lines = nested_lines(
            &object,
            &at,
            "an order line",
            ORDER_LINE,
            index,
            &mut file.problems,
            |line, line_at, problems| {
                fields::order_line(&mut Check::new(problems, line_at.clone()), &line.values)
            },
        );
        file.order_references.push(OrderReferences {
            at: at.clone(),
            customer: head.as_ref().map(|head| head.customer()),
            skus: lines.skus.clone(),
        });
        if let (Some(head), Some((lines, spots))) = (head, lines.if_complete()) {
            file.orders.push(Located {
                label: at.path.clone(),
                record: head.with_lines(lines),
                at,
                lines: spots,
            });
        }
    }
}

fn invoices(items: &[&RawValue], index: &LineIndex, file: &mut OrderFile) {
    let mut seen = HashMap::new();
    for (position, raw) in items.iter().enumerate() {
        let at = spot(index, raw, "invoices", position);
        let mut check = Check::new(&mut file.problems, at.clone());
        let Some(object) = object(raw, "an invoice", INVOICE, &mut check) else {
            continue;
        };
        let head = fields::invoice_head(&mut check, &object.values);
        if let Some(number) = object.values.get("invoice") {
            if !once(&mut check, &mut seen, at.line, "invoice", number) {
                continue;
            }
        }
        let lines = nested_lines(
            &object,
            &at,
            "an invoice line",
            INVOICE_LINE,
            index,
            &mut file.problems,
            |line, line_at, problems| {
                let taxes = taxes(line, line_at, index, problems);
                let mut check = Check::new(problems, line_at.clone());
                if let Some(Err(reason)) = taxes.as_deref().map(fields::distinct_taxes) {
                    check.problem("taxes", reason);
                    return None;
                }
                fields::invoice_line(&mut check, &line.values, taxes)
            },
        );
        if let (Some(head), Some((lines, spots))) = (head, lines.if_complete()) {
            file.invoices.push(Located {
                label: at.path.clone(),
                record: head.with_lines(lines),
                at,
                lines: spots,
            });
        }
    }
}

/// The taxes of an invoice line: `[{"jurisdiction": "CH", "rate": "8.1"}]`.
fn taxes(
    line: &Object,
    line_at: &Spot,
    index: &LineIndex,
    problems: &mut Problems,
) -> Option<Vec<rapport_types::Tax>> {
    let mut taxes = Vec::new();
    let mut complete = true;
    for (position, raw) in line.list("taxes").iter().enumerate() {
        let at = Spot {
            line: index.line_of(raw),
            path: format!("{}.taxes[{position}]", line_at.path),
        };
        let mut check = Check::new(problems, at);
        match object(raw, "a tax", TAX, &mut check)
            .and_then(|tax| fields::tax(&mut check, &tax.values))
        {
            Some(tax) => taxes.push(tax),
            None => complete = false,
        }
    }
    complete.then_some(taxes)
}

fn deliveries(items: &[&RawValue], index: &LineIndex, file: &mut OrderFile) {
    let mut seen = HashMap::new();
    for (position, raw) in items.iter().enumerate() {
        let at = spot(index, raw, "deliveries", position);
        let mut check = Check::new(&mut file.problems, at.clone());
        let Some(object) = object(raw, "a delivery", DELIVERY, &mut check) else {
            continue;
        };
        let head = fields::delivery_head(&mut check, &object.values);
        if let Some(number) = object.values.get("delivery") {
            if !once(&mut check, &mut seen, at.line, "delivery", number) {
                continue;
            }
        }
        let lines = nested_lines(
            &object,
            &at,
            "a delivery line",
            DELIVERY_LINE,
            index,
            &mut file.problems,
            |line, line_at, problems| {
                fields::delivery_line(&mut Check::new(problems, line_at.clone()), &line.values)
            },
        );
        let Some((lines, spots)) = lines.if_complete() else {
            continue;
        };
        if !fields::distinct_skus(&mut file.problems, &lines, &spots) {
            continue;
        }
        if let Some(head) = head {
            file.deliveries.push(Located {
                label: at.path.clone(),
                record: head.with_lines(lines),
                at,
                lines: spots,
            });
        }
    }
}
