//! Delivery-status reports ("bounces"): the standard shape (RFC 3464,
//! `multipart/report; report-type=delivery-status`) and the common older ones
//! (a mailer daemon's "Undelivered Mail Returned to Sender" with the failed
//! address in `X-Failed-Recipients` or the text). They mark the address as
//! bouncing and never become a case.

use mail_parser::{Message, MimeHeaders, PartType};

/// A report that mail to `address` could not be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    /// The failed recipient, lower case; None when the report names none.
    pub address: Option<String>,
    /// The reason the report gives (its diagnostic or status), if any.
    pub reason: String,
}

/// The bounce `message` is, if it is one.
pub fn detect(message: &Message<'_>, our_domain: &str) -> Option<Bounce> {
    if let Some(bounce) = standard(message) {
        return Some(bounce);
    }
    older_shapes(message, our_domain)
}

/// `multipart/report; report-type=delivery-status` with a failed recipient.
fn standard(message: &Message<'_>) -> Option<Bounce> {
    let root = message.content_type()?;
    let is_report = root.ctype().eq_ignore_ascii_case("multipart")
        && root
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        && root
            .attribute("report-type")
            .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"));
    if !is_report {
        return None;
    }
    let status = message.parts.iter().find(|part| {
        part.content_type().is_some_and(|ct| {
            ct.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("delivery-status"))
        })
    });
    let text = status.map(|part| match &part.body {
        PartType::Text(text) => text.to_string(),
        PartType::Message(inner) => String::from_utf8_lossy(inner.raw_message()).into_owned(),
        _ => String::from_utf8_lossy(part.contents()).into_owned(),
    });
    let fields = text.as_deref().map(status_fields).unwrap_or_default();
    // Only a report of failure: "delayed" or "delivered" reports are not bounces.
    if fields
        .action
        .as_deref()
        .is_some_and(|a| !a.eq_ignore_ascii_case("failed"))
    {
        return Some(Bounce {
            address: None,
            reason: format!("a delivery report ({})", fields.action.unwrap_or_default()),
        });
    }
    Some(Bounce {
        address: fields.recipient,
        reason: fields.reason.unwrap_or_else(|| "delivery failed".into()),
    })
}

#[derive(Default)]
struct StatusFields {
    recipient: Option<String>,
    action: Option<String>,
    reason: Option<String>,
}

/// The per-recipient fields of a `message/delivery-status` body.
fn status_fields(text: &str) -> StatusFields {
    let mut fields = StatusFields::default();
    let mut status = None;
    for line in text.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "final-recipient" | "original-recipient" if fields.recipient.is_none() => {
                let address = value.rsplit(';').next().unwrap_or(value).trim();
                fields.recipient = clean_address(address);
            }
            "action" => fields.action = Some(value.to_string()),
            "diagnostic-code" => {
                fields.reason = Some(value.rsplit(';').next().unwrap_or(value).trim().to_string())
            }
            "status" => status = Some(format!("status {value}")),
            _ => {}
        }
    }
    if fields.reason.is_none() {
        fields.reason = status;
    }
    fields
}

/// Older reports: from a mailer daemon or postmaster, or with a subject that
/// says delivery failed.
fn older_shapes(message: &Message<'_>, our_domain: &str) -> Option<Bounce> {
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let subject = message.subject().unwrap_or_default().to_lowercase();
    let daemon = from.starts_with("mailer-daemon@") || from.starts_with("postmaster@");
    const SUBJECTS: &[&str] = &[
        "undeliverable",
        "undelivered mail",
        "delivery status notification (failure)",
        "mail delivery failed",
        "delivery failure",
        "failure notice",
        "returned mail",
        "unzustellbar",
        "non remis",
        "onbestelbaar",
    ];
    let failed_subject = SUBJECTS.iter().any(|s| subject.contains(s));
    let failed_header = message
        .headers_raw()
        .any(|(name, _)| name.eq_ignore_ascii_case("x-failed-recipients"));
    // The null sender (`Return-Path: <>`) is how reports are sent.
    let null_sender = message
        .headers_raw()
        .any(|(name, value)| name.eq_ignore_ascii_case("return-path") && value.trim() == "<>");
    // A customer's "Undeliverable parcel" is not a report: a report comes
    // from a daemon, from the null sender, or names the failed address.
    if !(daemon || null_sender || failed_header) {
        return None;
    }
    // A daemon's mail about something else (a delay, a warning) is not a bounce.
    if !(failed_subject
        || failed_header
        || subject.contains("fail")
        || subject.contains("undeliver"))
    {
        return None;
    }
    let header = message
        .headers_raw()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-failed-recipients"))
        .and_then(|(_, value)| value.split(',').next().and_then(clean_address));
    let body = message.body_text(0).unwrap_or_default();
    let address = header.or_else(|| {
        addresses_in(&body)
            .into_iter()
            .find(|a| !a.ends_with(&format!("@{our_domain}")) && *a != from)
    });
    let reason = body
        .lines()
        .map(str::trim)
        .find(|l| {
            let l = l.to_ascii_lowercase();
            l.starts_with("5") && l.len() > 4
                || l.contains("does not exist")
                || l.contains("unknown user")
        })
        .unwrap_or("delivery failed")
        .chars()
        .take(300)
        .collect();
    Some(Bounce { address, reason })
}

/// An address from a report field (`<a@b>`, `a@b`), lower case, if it looks like one.
fn clean_address(raw: &str) -> Option<String> {
    let address = raw
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_ascii_lowercase();
    let (local, domain) = address.split_once('@')?;
    (!local.is_empty() && domain.contains('.') && !address.contains(char::is_whitespace))
        .then_some(address)
}

/// Every address-looking word in `text`, in order.
fn addresses_in(text: &str) -> Vec<String> {
    text.split(|c: char| {
        c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | '"' | ',' | ';' | ':' | '\'')
    })
    .filter(|w| w.contains('@'))
    .filter_map(|w| clean_address(w.trim_end_matches('.')))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::MessageParser;

    fn bounce(raw: &str) -> Option<Bounce> {
        let message = MessageParser::default().parse(raw.as_bytes()).unwrap();
        detect(&message, "rapport.example")
    }

    #[test]
    fn a_standard_report_names_the_failed_recipient() {
        let raw = "From: Mail Delivery System <MAILER-DAEMON@mx.northwind.example>\r\n\
To: support@rapport.example\r\n\
Subject: Undelivered Mail Returned to Sender\r\n\
Auto-Submitted: auto-replied\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/plain\r\n\
\r\n\
I'm sorry to have to inform you that your message could not be delivered.\r\n\
--b1\r\n\
Content-Type: message/delivery-status\r\n\
\r\n\
Reporting-MTA: dns; mx.northwind.example\r\n\
\r\n\
Final-Recipient: rfc822; Nick@Northwind.example\r\n\
Action: failed\r\n\
Status: 5.1.1\r\n\
Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\
--b1--\r\n";
        assert_eq!(
            bounce(raw),
            Some(Bounce {
                address: Some("nick@northwind.example".into()),
                reason: "550 5.1.1 User unknown".into()
            })
        );
    }

    #[test]
    fn older_shapes_are_bounces_too() {
        let exim = "From: Mail Delivery System <Mailer-Daemon@mx.contoso.example>\r\n\
To: support@rapport.example\r\n\
Subject: Mail delivery failed: returning message to sender\r\n\
X-Failed-Recipients: carla@contoso.example\r\n\
\r\n\
This message was created automatically by mail delivery software.\r\n\
  carla@contoso.example\r\n\
    mailbox is full\r\n";
        assert_eq!(
            bounce(exim).unwrap().address.as_deref(),
            Some("carla@contoso.example")
        );
        let qmail = "From: MAILER-DAEMON@mx.contoso.example\r\n\
To: support@rapport.example\r\n\
Subject: failure notice\r\n\
\r\n\
Hi. This is the qmail-send program at mx.contoso.example.\r\n\
I'm afraid I wasn't able to deliver your message to the following addresses.\r\n\
\r\n\
<carla@contoso.example>:\r\n\
Sorry, no mailbox here by that name.\r\n";
        assert_eq!(
            bounce(qmail).unwrap().address.as_deref(),
            Some("carla@contoso.example")
        );
    }

    #[test]
    fn ordinary_mail_is_no_bounce() {
        let raw = "From: Nick <nick@northwind.example>\r\nTo: support@rapport.example\r\n\
Subject: My delivery failed to arrive\r\n\r\nWhere is my parcel?\r\n";
        assert_eq!(bounce(raw), None);
    }
}
