//! Which case a message answers, by what it carries: a signed reply token
//! (in an address it was sent to, or in one of our Message-IDs it answers),
//! a Message-ID we stored, or a `[C-1042]` subject token. Whether the sender
//! may write there is `rules`' question.

use super::parse::Parsed;
use crate::db::mail_in as db;
use crate::reply_tokens::{token_in_address, token_in_message_id, ReplyClaims, ReplyKeys};
use rapport_types::CaseNumber;
use sqlx::PgPool;

/// The claims of the first token that verifies: in a To/Cc/Delivered-To
/// address at our domain, else in a Message-ID the message answers. A token
/// that does not verify counts as none.
pub fn token(parsed: &Parsed, keys: &ReplyKeys, our_domain: &str) -> Option<ReplyClaims> {
    let in_addresses = parsed
        .recipients
        .iter()
        .filter(|a| {
            a.rsplit_once('@')
                .is_some_and(|(_, d)| d.eq_ignore_ascii_case(our_domain))
        })
        .filter_map(|a| token_in_address(a));
    let in_ids = parsed
        .answers
        .iter()
        .filter_map(|id| token_in_message_id(id));
    in_addresses
        .chain(in_ids)
        .find_map(|token| keys.verify(token))
}

/// The cases of the Message-IDs the message answers that we stored or sent,
/// newest first (In-Reply-To, then References from the end).
pub async fn stored_cases(pool: &PgPool, parsed: &Parsed) -> sqlx::Result<Vec<i64>> {
    let mut cases = Vec::new();
    for id in parsed.answers.iter().take(50) {
        if let Some(case_id) = db::case_of_message_id(pool, id).await? {
            if !cases.contains(&case_id) {
                cases.push(case_id);
            }
        }
    }
    Ok(cases)
}

/// The case number in a `[C-1042]` subject token, if there is one.
pub fn subject_number(subject: &str) -> Option<CaseNumber> {
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find(']') {
            let inside = &rest[..close];
            if inside.len() > 2 && inside[..2].eq_ignore_ascii_case("c-") {
                if let Some(number) = CaseNumber::parse(inside) {
                    return Some(number);
                }
            }
        }
    }
    None
}

/// A subject without the "Re:", "AW:", "Fwd:" ... that clients put in front.
pub fn plain_subject(subject: &str) -> &str {
    const PREFIXES: &[&str] = &[
        "re", "aw", "sv", "vs", "antw", "ref", "fwd", "fw", "wg", "tr", "rv", "enc", "r",
    ];
    let mut rest = subject.trim();
    loop {
        let Some((head, tail)) = rest.split_once(':') else {
            return rest;
        };
        // "RE[2]" and "Re(3)" count too.
        let word = head
            .trim()
            .trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, '[' | ']' | '(' | ')'))
            .to_ascii_lowercase();
        if !PREFIXES.contains(&word.as_str()) {
            return rest;
        }
        rest = tail.trim_start();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_tokens() {
        assert_eq!(
            subject_number("Re: [C-1042] Printer"),
            Some(CaseNumber(1042))
        );
        assert_eq!(subject_number("AW: Printer [c-7]"), Some(CaseNumber(7)));
        assert_eq!(subject_number("[urgent] [C-12]"), Some(CaseNumber(12)));
        assert_eq!(subject_number("C-1042 without brackets"), None);
        assert_eq!(subject_number("[1042]"), None);
        assert_eq!(subject_number("[C-]"), None);
    }

    #[test]
    fn reply_prefixes_go() {
        for (subject, plain) in [
            ("Re: Printer", "Printer"),
            ("RE: AW: SV: VS: Printer", "Printer"),
            ("RE[2]: Printer", "Printer"),
            ("Fwd: FW: WG: Printer: jams", "Printer: jams"),
            ("Ticket: 12", "Ticket: 12"),
        ] {
            assert_eq!(plain_subject(subject), plain, "{subject}");
        }
    }
}
