//! Orders, invoices and deliveries: their statuses in words, and the reference
//! a case carries when it is opened about one of them.

use super::urlencode;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! status_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal, $label:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stored form (also the import's).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            pub fn parse(value: &str) -> Option<$name> {
                let value = value.trim();
                Self::ALL.iter().copied().find(|s| s.as_str().eq_ignore_ascii_case(value))
            }

            /// For people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }
        }
    };
}

status_enum! {
    /// Where an order stands in the order system.
    OrderStatus {
        Placed => "placed", "Placed";
        Processing => "processing", "Processing";
        Shipped => "shipped", "Shipped";
        Completed => "completed", "Completed";
        Cancelled => "cancelled", "Cancelled";
    }
}

status_enum! {
    /// An invoice as people see it. `Overdue` is never stored: it is an open
    /// invoice past its due date, worked out when read.
    InvoiceStatus {
        Open => "open", "Open";
        Overdue => "overdue", "Overdue";
        Paid => "paid", "Paid";
        Void => "void", "Void";
    }
}

impl InvoiceStatus {
    /// The status to show: open and past due is overdue.
    pub fn derive(stored: &str, past_due: bool) -> Option<InvoiceStatus> {
        match InvoiceStatus::parse(stored)? {
            InvoiceStatus::Open if past_due => Some(InvoiceStatus::Overdue),
            status => Some(status),
        }
    }

    /// Still to be paid (open or overdue).
    pub fn is_due(self) -> bool {
        matches!(self, InvoiceStatus::Open | InvoiceStatus::Overdue)
    }
}

status_enum! {
    /// Where a delivery is.
    DeliveryStatus {
        Preparing => "preparing", "Being prepared";
        InTransit => "in_transit", "In transit";
        OutForDelivery => "out_for_delivery", "Out for delivery";
        Delivered => "delivered", "Delivered";
        Exception => "exception", "Problem in transit";
        Returned => "returned", "Returned to sender";
    }
}

impl DeliveryStatus {
    /// On its way: shown to agents beside a case.
    pub fn is_moving(self) -> bool {
        matches!(
            self,
            DeliveryStatus::InTransit | DeliveryStatus::OutForDelivery | DeliveryStatus::Exception
        )
    }
}

/// The carrier's public tracking page for a tracking number, for the carriers
/// Rapport knows; None for others (the number is shown as text).
pub fn tracking_url(carrier: &str, tracking_number: &str) -> Option<String> {
    let number = urlencode(tracking_number.trim());
    if number.is_empty() {
        return None;
    }
    let carrier = carrier.to_lowercase();
    let template = if carrier.contains("dhl") {
        "https://www.dhl.com/en/express/tracking.html?AWB="
    } else if carrier.contains("ups") {
        "https://www.ups.com/track?tracknum="
    } else if carrier.contains("swiss post") || carrier == "post" {
        "https://service.post.ch/ekp-web/ui/entry/search/"
    } else if carrier.contains("schenker") {
        "https://www.dbschenker.com/app/tracking-public/?refNumber="
    } else {
        return None;
    };
    Some(format!("{template}{number}"))
}

/// What a case can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemKind {
    Order,
    OrderLine,
    Invoice,
    Delivery,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Order => "order",
            ItemKind::OrderLine => "order_line",
            ItemKind::Invoice => "invoice",
            ItemKind::Delivery => "delivery",
        }
    }

    pub fn parse(value: &str) -> Option<ItemKind> {
        [
            ItemKind::Order,
            ItemKind::OrderLine,
            ItemKind::Invoice,
            ItemKind::Delivery,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Order => "Order",
            ItemKind::OrderLine => "Order line",
            ItemKind::Invoice => "Invoice",
            ItemKind::Delivery => "Delivery",
        }
    }

    /// The case category a case about this kind of item starts in.
    pub fn case_category(self) -> &'static str {
        match self {
            ItemKind::Invoice => "Invoices and payment",
            _ => "Orders and delivery",
        }
    }
}

/// A reference to one order, order line, invoice or delivery, as it travels in
/// addresses and forms: `invoice:INV-2026-0042`, `order_line:SO-1001:2`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ItemRef {
    pub kind: ItemKind,
    /// The number of the order, invoice or delivery.
    pub number: String,
    /// Order lines: the line's position on the order.
    pub line: Option<i32>,
}

impl ItemRef {
    pub fn parse(text: &str) -> Option<ItemRef> {
        let (kind, rest) = text.trim().split_once(':')?;
        let kind = ItemKind::parse(kind)?;
        let (number, line) = match kind {
            ItemKind::OrderLine => {
                let (number, line) = rest.rsplit_once(':')?;
                (number, Some(line.parse::<i32>().ok().filter(|l| *l >= 1)?))
            }
            _ => (rest, None),
        };
        let number = number.trim();
        (!number.is_empty() && number.len() <= 64).then(|| ItemRef {
            kind,
            number: number.to_string(),
            line,
        })
    }

    /// The page that shows the item (an order line: its order).
    pub fn href(&self) -> String {
        let number = urlencode(&self.number);
        match self.kind {
            ItemKind::Order | ItemKind::OrderLine => format!("/orders/{number}"),
            ItemKind::Invoice => format!("/invoices/{number}"),
            ItemKind::Delivery => format!("/deliveries/{number}"),
        }
    }

    /// "Invoice INV-2026-0042", "Order SO-1001, line 2".
    pub fn title(&self) -> String {
        match self.line {
            Some(line) => format!("Order {}, line {line}", self.number),
            None => format!("{} {}", self.kind.label(), self.number),
        }
    }

    /// The new-case form, opened about this item.
    pub fn new_case_href(&self, subject: &str) -> String {
        format!(
            "/cases/new?about={}&subject={}",
            urlencode(&self.to_string()),
            urlencode(subject)
        )
    }
}

impl fmt::Display for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}:{line}", self.kind.as_str(), self.number),
            None => write!(f, "{}:{}", self.kind.as_str(), self.number),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_their_stored_form() {
        assert_eq!(OrderStatus::parse("Shipped"), Some(OrderStatus::Shipped));
        assert_eq!(OrderStatus::parse("lost"), None);
        assert_eq!(
            DeliveryStatus::parse("in_transit"),
            Some(DeliveryStatus::InTransit)
        );
        assert_eq!(DeliveryStatus::InTransit.label(), "In transit");
    }

    #[test]
    fn overdue_is_an_open_invoice_past_its_due_date() {
        assert_eq!(
            InvoiceStatus::derive("open", true),
            Some(InvoiceStatus::Overdue)
        );
        assert_eq!(
            InvoiceStatus::derive("open", false),
            Some(InvoiceStatus::Open)
        );
        assert_eq!(
            InvoiceStatus::derive("paid", true),
            Some(InvoiceStatus::Paid)
        );
        assert_eq!(
            InvoiceStatus::derive("void", true),
            Some(InvoiceStatus::Void)
        );
        assert!(InvoiceStatus::Overdue.is_due());
        assert!(!InvoiceStatus::Paid.is_due());
    }

    #[test]
    fn known_carriers_have_tracking_pages() {
        assert_eq!(
            tracking_url("UPS", "1Z 999").as_deref(),
            Some("https://www.ups.com/track?tracknum=1Z%20999")
        );
        assert_eq!(tracking_url("Local courier", "77"), None);
        assert_eq!(tracking_url("DHL Express", " "), None);
    }

    #[test]
    fn item_references_round_trip() {
        for text in [
            "invoice:INV-2026-0042",
            "order:SO-1001",
            "delivery:DL-77",
            "order_line:SO-1001:2",
        ] {
            assert_eq!(ItemRef::parse(text).unwrap().to_string(), text);
        }
        let line = ItemRef::parse("order_line:SO-1:3").unwrap();
        assert_eq!(line.line, Some(3));
        assert_eq!(line.href(), "/orders/SO-1");
        assert_eq!(line.title(), "Order SO-1, line 3");
        assert_eq!(
            ItemRef::parse("invoice:INV 1").unwrap().href(),
            "/invoices/INV%201"
        );
        for bad in [
            "",
            "invoice",
            "invoice:",
            "case:C-1",
            "order_line:SO-1",
            "order_line:SO-1:0",
            "order_line:SO-1:x",
        ] {
            assert_eq!(ItemRef::parse(bad), None, "{bad}");
        }
    }
}
