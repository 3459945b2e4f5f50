//! Storing a message into a case: a new case or a reply, made by the same
//! services the portal uses (`cases::create`, `cases::reply`) with the sender
//! as the actor, its files through the same store and limits as an upload.

use super::parse::{MailFile, Parsed};
use super::threading::plain_subject;
use crate::attachments::{
    sanitize_file_name, Attachments, NewFile, FIELD, MAX_FILES_PER_MESSAGE, MAX_FILE_BYTES,
};
use crate::cases::{self, NewCase, Reply, MAX_TEXT};
use crate::limits::{self, Limit};
use crate::mail_origin::MailOrigin;
use crate::policy::Actor;
use crate::time_zones::ReaderZone;
use crate::{Backend, Error, Reader};
use rapport_types::attachments::content_type_for;
use rapport_types::CaseNumber;

/// The longest subject a case takes, in characters.
const MAX_SUBJECT: usize = 200;

/// Where the message goes.
pub enum Target {
    /// A new case; `answered` is the closed case it was a reply to, if any.
    NewCase { answered: Option<CaseNumber> },
    /// A reply; `internal` keeps it among staff (an agent answering the mail
    /// about an internal note, such as an @mention).
    Reply { number: CaseNumber, internal: bool },
}

/// Make the case or reply. The message's row is marked processed in the same
/// transaction (see `MailOrigin`).
pub async fn deliver(
    backend: &Backend,
    inbound_id: i64,
    parsed: &Parsed,
    actor: Actor,
    target: Target,
    followers: Vec<i64>,
) -> Result<(), Error> {
    let limit = match target {
        Target::NewCase { .. } => Limit::NewCase,
        Target::Reply { .. } => Limit::Reply,
    };
    // The same budget as on the portal: one person, whichever way they write.
    limits::hit(
        &backend.pool,
        &backend.config.limits,
        limit,
        &format!("user:{}", actor.user_id),
    )
    .await?;
    let (files, left_out) = files(&parsed.files);
    let origin = MailOrigin::new(
        inbound_id,
        parsed.message_id.clone(),
        &parsed.quoted,
        followers,
        actor.user_id,
    );
    let reader = Reader::new(Some(actor), ReaderZone::utc());
    let site = crate::case_mail::MailSite::of(backend).await?;
    let mut text = body(parsed, !files.is_empty());
    if let Target::NewCase {
        answered: Some(old),
    } = &target
    {
        text.push_str(&format!(
            "\n\n(Sent as a reply to {old}, which is closed: it became this new case.)"
        ));
    }
    let attempt = |files: Vec<NewFile>, note: String| {
        let store = backend.attachments.clone();
        let origin = origin.clone().with_note(note);
        let reader = &reader;
        let site = &site;
        let text = text.clone();
        let target = &target;
        async move {
            let attachments = if files.is_empty() {
                Attachments::none()
            } else {
                Attachments::new(files, store)
            };
            match target {
                Target::NewCase { .. } => {
                    let category_id = default_category(backend).await?;
                    let case = NewCase::from_mail(subject(parsed), text, category_id, origin);
                    cases::create(reader, site, &backend.pool, case, attachments)
                        .await
                        .map(|_| ())
                }
                Target::Reply { number, internal } => cases::reply(
                    reader,
                    site,
                    &backend.pool,
                    &number.to_string(),
                    Reply::from_mail(text, origin, *internal),
                    attachments,
                )
                .await
                .map(|_| ()),
            }
        }
    };
    match attempt(files.clone(), left_out.clone()).await {
        // Files over what the case may hold: the message goes in without them.
        Err(Error::Invalid(e)) if e.field == FIELD && !files.is_empty() => {
            let note = format!("files left out: {}", e.message);
            attempt(Vec::new(), note).await
        }
        other => other,
    }
}

/// The subject of a new case: without "Re:"/"Fwd:", at most `MAX_SUBJECT` characters.
fn subject(parsed: &Parsed) -> String {
    let plain = plain_subject(&parsed.subject);
    let plain: String = plain
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_SUBJECT)
        .collect();
    if plain.trim().is_empty() {
        "(no subject)".to_string()
    } else {
        plain.trim().to_string()
    }
}

/// The text of the message, within the limit of a description or reply.
fn body(parsed: &Parsed, has_files: bool) -> String {
    let text = parsed.text.trim();
    if text.is_empty() {
        return if has_files {
            "(The message had only attachments.)".into()
        } else {
            "(The message had no text.)".into()
        };
    }
    const NOTE: &str = "\n\n(The message was longer; the rest is in the mail as received.)";
    if text.chars().count() <= MAX_TEXT {
        return text.to_string();
    }
    let kept: String = text.chars().take(MAX_TEXT - NOTE.chars().count()).collect();
    format!("{kept}{NOTE}")
}

/// The files a case takes, and a note on those left out: the portal's type
/// allow-list and per-file limits.
fn files(mail_files: &[MailFile]) -> (Vec<NewFile>, String) {
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    for file in mail_files {
        let name = sanitize_file_name(&file.name);
        match content_type_for(&name) {
            None => left_out.push(format!("{name} (type not allowed)")),
            Some(_) if file.bytes.len() as u64 > MAX_FILE_BYTES => {
                left_out.push(format!("{name} (too large)"))
            }
            Some(_) if kept.len() == MAX_FILES_PER_MESSAGE => {
                left_out.push(format!("{name} (too many files)"))
            }
            Some(content_type) => kept.push(NewFile {
                file_name: name,
                content_type,
                bytes: file.bytes.clone().into(),
            }),
        }
    }
    let note = if left_out.is_empty() {
        String::new()
    } else {
        format!("files left out: {}", left_out.join(", "))
    };
    (kept, note)
}

/// The category of cases opened by mail: the first one (agents recategorise).
async fn default_category(backend: &Backend) -> Result<i64, Error> {
    crate::db::cases::categories(&backend.pool)
        .await?
        .first()
        .map(|(id, _)| *id)
        .ok_or_else(|| Error::internal("there is no case category to file the mail in"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_follow_the_portal_rules() {
        let file = |name: &str, size: usize| MailFile {
            name: name.into(),
            bytes: vec![0; size],
        };
        let (kept, note) = files(&[
            file("scan.pdf", 10),
            file("image.png", 10),
            file("run.exe", 10),
            file("huge.zip", MAX_FILE_BYTES as usize + 1),
            file("../../etc/report.txt", 3),
        ]);
        let names: Vec<_> = kept.iter().map(|f| f.file_name.as_str()).collect();
        assert_eq!(names, ["scan.pdf", "image.png", "report.txt"]);
        assert_eq!(
            note,
            "files left out: run.exe (type not allowed), huge.zip (too large)"
        );
    }
}
