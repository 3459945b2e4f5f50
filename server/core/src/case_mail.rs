//! The e-mails a case sends: to the requester on creation, on each public reply
//! from support and on each status change; to the assignee when the customer
//! writes or someone else changes the case. Internal notes never send mail.
//! Each mail is queued in the transaction of the change (see `mail::queue`).

use super::mail::{self, OutgoingMail};
use crate::site::SiteLinks;
use rapport_types::{CaseNumber, CaseStatus};

fn case_link(links: &SiteLinks, number: CaseNumber) -> String {
    links.page(&format!("/cases/{number}"))
}

/// A person a mail goes to.
pub struct Recipient<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

impl Recipient<'_> {
    /// `"Name" <address>` for the To header, or the bare address when the name
    /// has characters that would break it.
    pub fn address(&self) -> String {
        // Quotes and angle brackets in a display name would break the header: keep only the address then.
        if self
            .name
            .chars()
            .any(|c| matches!(c, '"' | '<' | '>' | '\\' | '\r' | '\n'))
        {
            self.email.to_string()
        } else {
            format!("\"{}\" <{}>", self.name, self.email)
        }
    }
}

/// What happened to a case, as far as mail is concerned.
pub enum CaseNews<'a> {
    Opened,
    Reply {
        from_support: bool,
        author: &'a str,
        body: &'a str,
    },
    Status(CaseStatus),
    MergedInto(CaseNumber),
}

fn compose(
    links: &SiteLinks,
    to: &Recipient<'_>,
    number: CaseNumber,
    subject: &str,
    news: &CaseNews<'_>,
) -> OutgoingMail {
    let (headline, text) = match news {
        CaseNews::Opened => (
            "We received your case".to_string(),
            format!("Hello {},\n\nthank you for contacting us. Your case {number} “{subject}” is registered; we will answer as soon as we can.", to.name),
        ),
        CaseNews::Reply { from_support, author, body } => (
            if *from_support { "New reply from support".to_string() } else { format!("{author} replied") },
            format!("{author} wrote on case {number} “{subject}”:\n\n{body}"),
        ),
        CaseNews::Status(status) => (
            format!("Status: {}", status.label()),
            format!("Case {number} “{subject}” is now {}.\n\n{}", status.label(), status.meaning()),
        ),
        CaseNews::MergedInto(target) => (
            format!("Merged into {target}"),
            format!("Case {number} “{subject}” was merged into {target}; its messages are there now. Please follow and answer {target}:\n{}", case_link(links, *target)),
        ),
    };
    OutgoingMail {
        to: to.address(),
        subject: format!("[{number}] {headline}: {subject}"),
        body: format!("{text}\n\nOpen the case: {}\n\n-- \nRapport support portal. Reply on the case page; answers to this e-mail are not read.\n", case_link(links, number)),
        calendar: None,
    }
}

/// Queue the mail about `news` for each recipient.
pub async fn send(
    links: &SiteLinks,
    tx: &mut sqlx::PgConnection,
    recipients: &[Recipient<'_>],
    number: CaseNumber,
    subject: &str,
    news: CaseNews<'_>,
) -> sqlx::Result<()> {
    for to in recipients {
        mail::queue(&mut *tx, &compose(links, to, number, subject, &news)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_mail_names_the_case_and_links_to_it() {
        let to = Recipient {
            name: "Nick Northwind",
            email: "nick@example.com",
        };
        let news = CaseNews::Reply {
            from_support: true,
            author: "Sam Agent",
            body: "Try **this**.",
        };
        let links = SiteLinks::new("http://127.0.0.1:3000");
        let mail = compose(&links, &to, CaseNumber(1042), "Scanner", &news);
        assert_eq!(mail.to, "\"Nick Northwind\" <nick@example.com>");
        assert_eq!(mail.subject, "[C-1042] New reply from support: Scanner");
        assert!(mail.body.contains("Sam Agent wrote on case C-1042"));
        assert!(mail.body.contains("Try **this**."));
        assert!(mail.body.contains("/cases/C-1042"));
    }

    #[test]
    fn a_hostile_display_name_is_left_out_of_the_header() {
        let to = Recipient {
            name: "Eve\" <evil@x>",
            email: "eve@example.com",
        };
        assert_eq!(to.address(), "eve@example.com");
    }
}
