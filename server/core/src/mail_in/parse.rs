//! One raw message as the pipeline needs it, read by `mail-parser` (charsets,
//! encodings and MIME are its job): the sender, the addresses a reply token
//! may be in, the Message-IDs it answers, what it says (quoted history cut
//! off, HTML turned into text) and its files. Nothing here touches the database.

use super::bounces::{self, Bounce};
use super::{html_text, noise, quotes};
use mail_parser::{HeaderValue, Message, MessageParser, MimeHeaders, PartType};

/// A person named in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Lower case.
    pub address: String,
    pub name: Option<String>,
}

/// A file that came with the message (attached or inline).
#[derive(Debug, Clone)]
pub struct MailFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Parsed {
    /// With angle brackets, as stored in `mail_message_ids`.
    pub message_id: Option<String>,
    pub from: Option<Person>,
    pub subject: String,
    /// To, Cc, Delivered-To and X-Original-To, lower case: where a reply token may be.
    pub recipients: Vec<String>,
    pub cc: Vec<Person>,
    /// In-Reply-To first, then References newest first, with angle brackets.
    pub answers: Vec<String>,
    /// `Authentication-Results` shows a `fail` for spf, dkim or dmarc.
    pub authentication_failed: bool,
    /// Why no person wrote it (an auto-reply, a list ...), if so.
    pub noise: Option<String>,
    /// `X-Auto-Response-Suppress`: never answer it automatically.
    pub no_auto_reply: bool,
    pub bounce: Option<Bounce>,
    /// What the sender wrote, quoted history cut off.
    pub text: String,
    /// The quoted history.
    pub quoted: String,
    pub files: Vec<MailFile>,
}

/// `raw` read, or why it cannot be.
pub fn parse(raw: &[u8], our_domain: &str) -> Result<Parsed, String> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or("the message could not be read as RFC 5322 mail")?;
    // Mail has at least one of these; bytes without any are not a message.
    let mail_like = message.from().is_some()
        || message.to().is_some()
        || message.subject().is_some()
        || message.message_id().is_some()
        || message.date().is_some();
    if !mail_like {
        return Err(
            "the message has no mail headers (From, To, Subject, Date or Message-ID)".into(),
        );
    }
    let headers: Vec<(&str, &str)> = message.headers_raw().collect();
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| person(a.name(), a.address()));
    let mut recipients: Vec<String> = Vec::new();
    for address in message.to().into_iter().chain(message.cc()) {
        recipients.extend(
            address
                .iter()
                .filter_map(|a| a.address())
                .map(str::to_ascii_lowercase),
        );
    }
    for (name, value) in &headers {
        if ["delivered-to", "x-original-to", "envelope-to"]
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h))
        {
            let address = value
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_ascii_lowercase();
            recipients.push(address);
        }
    }
    let cc = message
        .cc()
        .map(|a| {
            a.iter()
                .filter_map(|a| person(a.name(), a.address()))
                .collect()
        })
        .unwrap_or_default();
    let mut answers = ids(message.in_reply_to());
    let mut references = ids(message.references());
    references.reverse();
    for id in references {
        if !answers.contains(&id) {
            answers.push(id);
        }
    }
    let (text, quoted) = body(&message);
    Ok(Parsed {
        message_id: message
            .message_id()
            .map(|id| format!("<{}>", id.trim()))
            .filter(|id| id.len() > 2),
        from,
        subject: message.subject().unwrap_or_default().trim().to_string(),
        recipients,
        cc,
        answers,
        authentication_failed: authentication_failed(&headers),
        noise: noise::noise(headers.iter().copied()),
        no_auto_reply: noise::suppresses_auto_reply(headers.iter().copied()),
        bounce: bounces::detect(&message, our_domain),
        text,
        quoted,
        files: files(&message),
    })
}

fn person(name: Option<&str>, address: Option<&str>) -> Option<Person> {
    let address = address?.trim().to_ascii_lowercase();
    address.contains('@').then(|| Person {
        address,
        name: name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
    })
}

/// Message-IDs of In-Reply-To or References, with angle brackets.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let list: Vec<&str> = match value {
        HeaderValue::Text(id) => vec![id.as_ref()],
        HeaderValue::TextList(ids) => ids.iter().map(|id| id.as_ref()).collect(),
        _ => Vec::new(),
    };
    list.into_iter()
        .map(|id| {
            format!(
                "<{}>",
                id.trim().trim_start_matches('<').trim_end_matches('>')
            )
        })
        .filter(|id| id.len() > 2)
        .collect()
}

/// Any `Authentication-Results` saying spf, dkim or dmarc failed.
fn authentication_failed(headers: &[(&str, &str)]) -> bool {
    headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("authentication-results"))
        .any(|(_, value)| {
            let compact = value
                .to_ascii_lowercase()
                .replace(" =", "=")
                .replace("= ", "=");
            compact
                .split(|c: char| c == ';' || c.is_whitespace())
                .any(|word| matches!(word, "spf=fail" | "dkim=fail" | "dmarc=fail"))
        })
}

/// The text bodies as one text (HTML made text), split at the quoted history.
fn body(message: &Message<'_>) -> (String, String) {
    let mut full = String::new();
    for id in &message.text_body {
        let Some(part) = message.parts.get(*id as usize) else {
            continue;
        };
        let text = match &part.body {
            PartType::Text(text) => text.to_string(),
            PartType::Html(html) => html_text::to_text(html),
            _ => continue,
        };
        if !full.is_empty() {
            full.push('\n');
        }
        full.push_str(&text);
    }
    if full.trim().is_empty() {
        // Some clients put the only body in an HTML part that is not listed as text.
        if let Some(html) = message.body_html(0) {
            full = html_text::to_text(&html);
        }
    }
    let cut = quotes::cut(&full);
    (cut.text, cut.quoted)
}

/// Attached and inline files (not the text bodies, not attached mails).
fn files(message: &Message<'_>) -> Vec<MailFile> {
    message
        .attachments()
        .filter_map(|part| {
            let bytes = match &part.body {
                PartType::Binary(b) | PartType::InlineBinary(b) => b.to_vec(),
                PartType::Text(t) | PartType::Html(t) => t.as_bytes().to_vec(),
                _ => return None,
            };
            let name = match part.attachment_name() {
                Some(name) => name.to_string(),
                // Inline images often have no name: one from their type.
                None => {
                    let ct = part.content_type()?;
                    let subtype = ct.subtype().unwrap_or("bin").to_ascii_lowercase();
                    format!("{}.{subtype}", ct.ctype().to_ascii_lowercase())
                }
            };
            Some(MailFile { name, bytes })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_body_are_read() {
        let raw = "From: Nick Northwind <Nick@Northwind.example>\r\n\
To: Support <support+abc@rapport.example>\r\n\
Cc: Nora <nora@northwind.example>, x@contoso.example\r\n\
Delivered-To: support+def@rapport.example\r\n\
Subject: Re: Printer\r\n\
Message-ID: <m1@northwind.example>\r\n\
In-Reply-To: <b@rapport.example>\r\n\
References: <a@rapport.example> <b@rapport.example>\r\n\
Authentication-Results: mx.rapport.example; spf=pass smtp.mailfrom=northwind.example; dkim = fail\r\n\
\r\n\
Still jams.\r\n\
\r\n\
On Mon, Sam wrote:\r\n\
> Try again\r\n";
        let parsed = parse(raw.as_bytes(), "rapport.example").unwrap();
        assert_eq!(parsed.from.unwrap().address, "nick@northwind.example");
        assert_eq!(parsed.message_id.as_deref(), Some("<m1@northwind.example>"));
        assert_eq!(
            parsed.answers,
            vec!["<b@rapport.example>", "<a@rapport.example>"]
        );
        assert!(parsed
            .recipients
            .contains(&"support+def@rapport.example".to_string()));
        assert!(parsed
            .recipients
            .contains(&"support+abc@rapport.example".to_string()));
        assert_eq!(parsed.cc.len(), 2);
        assert!(parsed.authentication_failed);
        assert_eq!(parsed.text, "Still jams.");
        assert_eq!(parsed.quoted, "On Mon, Sam wrote:\n> Try again");
        assert_eq!(parsed.noise, None);
        assert!(parsed.bounce.is_none());
    }

    #[test]
    fn html_only_mail_becomes_text() {
        let raw = "From: carla@contoso.example\r\nTo: support@rapport.example\r\n\
Subject: Invoice\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<p>The invoice is <b>wrong</b>.</p><script>alert(1)</script>";
        let parsed = parse(raw.as_bytes(), "rapport.example").unwrap();
        assert_eq!(parsed.text, "The invoice is wrong.");
    }

    #[test]
    fn softfail_is_not_a_failure() {
        assert!(!authentication_failed(&[(
            "Authentication-Results",
            "mx; spf=softfail; dkim=pass; dmarc=none"
        )]));
        assert!(authentication_failed(&[(
            "Authentication-Results",
            "mx;\r\n dmarc=fail (p=reject)"
        )]));
    }
}
