//! Cutting the quoted history off a reply: what the sender wrote stays, what
//! their mail client copied below it (our own mail, earlier messages, a
//! signature) goes to the "show quoted text" part.
//!
//! In this order: our marker line (`REPLY_ABOVE_THIS_LINE`, at the top of
//! every case mail we send), then the common client patterns: "On ... wrote:"
//! in the usual languages, Outlook's `-----Original Message-----` and its
//! "From: ... Sent: ..." block, a block of `>` quotes that runs to the end, and
//! a signature after "-- ". Quotes answered in between (inline replies) stay.

use crate::reply_tokens::REPLY_ABOVE_THIS_LINE;

/// A message's text, split into what was written and what was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub text: String,
    pub quoted: String,
}

/// Split `body` at the start of its quoted history.
pub fn cut(body: &str) -> Cut {
    let body = body.replace("\r\n", "\n");
    let lines: Vec<&str> = body.lines().collect();
    let at = marker(&lines).or_else(|| client_patterns(&lines));
    match at {
        Some(at) => {
            let text = lines[..at].join("\n").trim_end().to_string();
            if text.trim().is_empty() {
                // Nothing above the quote: an answer below it (bottom-posting),
                // or else the whole message is what they sent.
                return bottom_posted(&lines, at).unwrap_or_else(|| whole(&body));
            }
            Cut {
                text,
                quoted: lines[at..].join("\n").trim().to_string(),
            }
        }
        None => whole(&body),
    }
}

/// A reply written below the quote it answers: the attribution and the `>`
/// block from `at` are the quote, and what follows them is the text.
fn bottom_posted(lines: &[&str], at: usize) -> Option<Cut> {
    let first_quote = (at..lines.len()).find(|&i| is_quote(lines[i]))?;
    let after =
        (first_quote..lines.len()).find(|&i| !is_quote(lines[i]) && !lines[i].trim().is_empty())?;
    let text = lines[after..].join("\n").trim().to_string();
    Some(Cut {
        text,
        quoted: lines[at..after].join("\n").trim().to_string(),
    })
}

fn whole(body: &str) -> Cut {
    Cut {
        text: body.trim_end().to_string(),
        quoted: String::new(),
    }
}

/// The line to cut at for our marker: the attribution line just above it
/// ("On ... wrote:") goes with it.
fn marker(lines: &[&str]) -> Option<usize> {
    let at = lines
        .iter()
        .position(|l| unquoted(l).contains(REPLY_ABOVE_THIS_LINE))?;
    Some(back_over_attribution(lines, at))
}

/// Step back from `at` over blank lines and an attribution (one or two lines
/// ending in "wrote:" or a header block), so they are cut too.
fn back_over_attribution(lines: &[&str], mut at: usize) -> usize {
    let mut probe = at;
    while probe > 0 && lines[probe - 1].trim().is_empty() {
        probe -= 1;
    }
    if probe > 0 {
        if let Some(start) = attribution_ending_at(lines, probe - 1) {
            return start;
        }
        if is_quote(lines[probe - 1]) {
            // Quotes right above the marker belong to the quoted mail.
            let mut start = probe - 1;
            while start > 0 && (is_quote(lines[start - 1]) || lines[start - 1].trim().is_empty()) {
                start -= 1;
            }
            at = attribution_ending_at(lines, start.saturating_sub(1))
                .filter(|_| start > 0)
                .unwrap_or(start);
            return at;
        }
    }
    at
}

fn unquoted(line: &str) -> &str {
    line.trim_start_matches(|c: char| c == '>' || c.is_whitespace())
}

fn is_quote(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// The first line where a client's quoted history starts.
fn client_patterns(lines: &[&str]) -> Option<usize> {
    for (i, line) in lines.iter().enumerate() {
        if let Some(start) = attribution_starting_at(lines, i) {
            return Some(start);
        }
        if is_original_message(line) || is_outlook_block(lines, i) {
            // Outlook draws a line of underscores above its block.
            let above = i.checked_sub(1).filter(|&j| {
                lines[j].trim().chars().all(|c| c == '_') && !lines[j].trim().is_empty()
            });
            return Some(above.unwrap_or(i));
        }
        if is_quote(line) && quotes_to_the_end(&lines[i..]) {
            return Some(i);
        }
        if is_signature(line) {
            return Some(i);
        }
    }
    None
}

/// "-- " (or "--") alone: the usual start of a signature.
fn is_signature(line: &str) -> bool {
    line == "-- " || line == "--"
}

/// From here on only quotes, blank lines and perhaps a signature.
fn quotes_to_the_end(rest: &[&str]) -> bool {
    let mut lines = rest.iter();
    for line in lines.by_ref() {
        if is_signature(line) {
            return true;
        }
        if !(is_quote(line) || line.trim().is_empty()) {
            return false;
        }
    }
    true
}

/// How an attribution line starts and ends, per language: "On ... wrote:",
/// "Am ... schrieb ...:", "Le ... a écrit :", ...
const ATTRIBUTIONS: &[(&str, &str)] = &[
    ("on ", "wrote:"),
    ("am ", "schrieb"),
    ("le ", "a écrit"),
    ("el ", "escribió"),
    ("op ", "schreef"),
    ("il ", "ha scritto"),
    ("em ", "escreveu"),
    ("den ", "skrev"),
    ("på ", "skrev"),
    ("dne ", "napsal"),
    ("w dniu ", "napisał"),
];

fn is_attribution_text(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    let ends = lower.trim_end_matches([':', ' ', '\u{a0}']);
    ATTRIBUTIONS.iter().any(|(start, end)| {
        let end = end.trim_end_matches(':');
        lower.starts_with(start) && (ends.ends_with(end) || ends.contains(&format!(" {end} ")))
    }) || (ends.ends_with("kirjoitti") && lower.contains('@'))
        || (lower.starts_with("-----") && lower.contains("wrote"))
}

/// An attribution of one or two lines starting at `i`: its first line.
fn attribution_starting_at(lines: &[&str], i: usize) -> Option<usize> {
    let line = lines[i];
    if is_quote(line) {
        return None;
    }
    if is_attribution_text(line) {
        return Some(i);
    }
    // Clients wrap long attributions: "On Mon, ..., Sam Agent <" / "sam@x> wrote:".
    let next = lines.get(i + 1)?;
    let joined = format!("{} {}", line.trim(), next.trim());
    (is_attribution_text(&joined)
        && ATTRIBUTIONS
            .iter()
            .any(|(start, _)| line.trim().to_lowercase().starts_with(start)))
    .then_some(i)
}

/// An attribution whose last line is `i`: its first line.
fn attribution_ending_at(lines: &[&str], i: usize) -> Option<usize> {
    if is_attribution_text(lines[i]) {
        return Some(i);
    }
    let previous = i.checked_sub(1)?;
    attribution_starting_at(lines, previous).filter(|&start| start == previous)
}

fn is_original_message(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    lower.starts_with("-----")
        && [
            "original message",
            "ursprüngliche nachricht",
            "message d'origine",
            "mensaje original",
            "oorspronkelijk bericht",
            "originalmeddelande",
            "messaggio originale",
            "mensagem original",
        ]
        .iter()
        .any(|name| lower.contains(name))
}

/// Outlook's header block: a "From:" line followed within a few lines by
/// "Sent:" (or "Date:") and "To:" or "Subject:", in the usual languages.
fn is_outlook_block(lines: &[&str], i: usize) -> bool {
    const FROM: &[&str] = &[
        "from:", "von:", "de:", "van:", "från:", "fra:", "da:", "od:",
    ];
    const SENT: &[&str] = &[
        "sent:",
        "date:",
        "gesendet:",
        "datum:",
        "envoyé:",
        "enviado:",
        "fecha:",
        "verzonden:",
        "skickat:",
        "sendt:",
        "inviato:",
        "data:",
    ];
    const SUBJECT: &[&str] = &[
        "to:",
        "subject:",
        "an:",
        "betreff:",
        "à:",
        "objet:",
        "para:",
        "asunto:",
        "aan:",
        "onderwerp:",
        "till:",
        "ämne:",
        "til:",
        "emne:",
        "a:",
        "oggetto:",
        "assunto:",
    ];
    let starts = |line: &str, names: &[&str]| {
        let lower = unquoted(line).trim_start_matches('*').to_lowercase();
        names.iter().any(|name| lower.starts_with(name))
    };
    if !starts(lines[i], FROM) {
        return false;
    }
    let next: Vec<&str> = lines[i + 1..].iter().take(5).copied().collect();
    next.iter().any(|l| starts(l, SENT)) && next.iter().any(|l| starts(l, SUBJECT))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str, text: &str, quoted_starts: &str) {
        let cut = cut(body);
        assert_eq!(cut.text, text, "{body}");
        assert!(
            cut.quoted.starts_with(quoted_starts),
            "{body}\n---\n{}",
            cut.quoted
        );
    }

    #[test]
    fn our_marker_cuts_with_its_attribution() {
        check(
            "Thanks, that works.\n\nOn Mon, 1 Dec 2026 at 10:00, Rapport <support@rapport.example> wrote:\n> -- Reply above this line --\n> Sam replied",
            "Thanks, that works.",
            "On Mon, 1 Dec",
        );
        check(
            "Fixed now\n-- Reply above this line --\nSam replied on C-1001",
            "Fixed now",
            "-- Reply above this line --",
        );
        // Wrapped attribution.
        check(
            "Yes.\n\nOn Mon, 1 Dec 2026 at 10:00, Rapport Support <\nsupport+abc@rapport.example> wrote:\n\n> -- Reply above this line --\n> old",
            "Yes.",
            "On Mon, 1 Dec",
        );
    }

    #[test]
    fn client_attributions_in_several_languages() {
        for attribution in [
            "On Tue, Dec 1, 2026 at 9:12 AM Sam Agent <sam@rapport.example> wrote:",
            "Am 01.12.2026 um 09:12 schrieb Sam Agent <sam@rapport.example>:",
            "Le mar. 1 déc. 2026 à 09:12, Sam Agent <sam@rapport.example> a écrit :",
            "El mar, 1 dic 2026 a las 9:12, Sam Agent (<sam@rapport.example>) escribió:",
            "Op di 1 dec. 2026 om 09:12 schreef Sam Agent <sam@rapport.example>:",
            "Il giorno mar 1 dic 2026 alle ore 09:12 Sam ha scritto:",
            "Den tis 1 dec. 2026 kl 09:12 skrev Sam Agent <sam@rapport.example>:",
            "Em ter., 1 de dez. de 2026 às 09:12, Sam <sam@rapport.example> escreveu:",
        ] {
            check(
                &format!("My answer\n\n{attribution}\n> earlier text"),
                "My answer",
                attribution,
            );
        }
    }

    #[test]
    fn outlook_blocks_and_original_message() {
        check(
            "See attached.\n\n________________________________\nFrom: Rapport <support@rapport.example>\nSent: Tuesday, December 1, 2026 9:12 AM\nTo: Nick <nick@northwind.example>\nSubject: Re: Printer\n\nold text",
            "See attached.",
            "________",
        );
        check(
            "Danke\n\nVon: Sam Agent <sam@rapport.example>\nGesendet: Dienstag, 1. Dezember 2026 09:12\nAn: Nick\nBetreff: AW: Drucker",
            "Danke",
            "Von:",
        );
        check(
            "ok\n-----Original Message-----\nFrom: Sam\nbody",
            "ok",
            "-----Original Message-----",
        );
        // "From:" in the text without a header block stays.
        let plain = "From: our warehouse, the parcel left on Monday.\nThanks";
        assert_eq!(cut(plain).text, plain);
    }

    #[test]
    fn trailing_quotes_go_and_inline_answers_stay() {
        check(
            "Thanks!\n\n> old line\n> another\n",
            "Thanks!",
            "> old line",
        );
        let inline = "> Which printer?\nThe HP in room 4.\n> Since when?\nMonday.";
        assert_eq!(cut(inline).text, inline);
        assert_eq!(cut(inline).quoted, "");
    }

    #[test]
    fn signatures_are_cut() {
        check(
            "It jams again.\n\n-- \nNick Northwind\nNorthwind Traders",
            "It jams again.",
            "-- \nNick",
        );
    }

    #[test]
    fn a_message_that_is_only_a_quote_is_kept_whole() {
        let body = "> just a quote\n> nothing else";
        assert_eq!(cut(body).text, body);
        assert_eq!(cut("no quotes at all").quoted, "");
    }

    #[test]
    fn an_answer_below_the_quote_is_the_text() {
        let cut = cut("On 03/12/2026 10:12, Support wrote:\n> -- Reply above this line --\n>\n> Could you send a photo?\n\nHere it is: firmware 1.2.\n");
        assert_eq!(cut.text, "Here it is: firmware 1.2.");
        assert!(cut.quoted.contains("Could you send a photo?"));
        assert!(cut.quoted.starts_with("On 03/12/2026"));
    }
}
