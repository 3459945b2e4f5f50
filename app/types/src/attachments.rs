//! Files attached to cases, as both sides see them: the limits and the allowed
//! types (the server enforces them; the browser checks the same rules before
//! sending, so nobody waits for a 30 MB upload to be refused), and the link a
//! page shows for a stored file.

use serde::{Deserialize, Serialize};

/// The name of the file input, and the field that refusals are about.
pub const FIELD: &str = "attachments";
/// At most this much per file.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// At most this much for all the files of one case together.
pub const MAX_CASE_BYTES: u64 = 25 * 1024 * 1024;
/// At most this many files with one message (or with the new case).
pub const MAX_FILES_PER_MESSAGE: usize = 10;

/// The file types we accept, by extension, with the content type we serve each
/// with. The browser's own idea of the type is never used: it is whatever the
/// sender says, and a "text/html" upload must never be served as a page.
pub const ALLOWED_TYPES: &[(&str, &str)] = &[
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("pdf", "application/pdf"),
    ("txt", "text/plain; charset=utf-8"),
    ("log", "text/plain; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
    ("json", "application/json"),
    ("zip", "application/zip"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
];

/// The note next to every file input.
pub const LIMITS_NOTE: &str = "Up to 10 files, at most 10 MB each and 25 MB per case: \
     images (PNG, JPG, GIF, WebP), PDF, text, log, CSV, JSON, ZIP and office documents \
     (DOCX, XLSX, PPTX, ODT, ODS).";

/// The content type we serve a file with, from its extension; None when the
/// type is not allowed.
pub fn content_type_for(file_name: &str) -> Option<&'static str> {
    let (_, extension) = file_name.rsplit_once('.')?;
    let extension = extension.to_ascii_lowercase();
    ALLOWED_TYPES
        .iter()
        .find(|(allowed, _)| *allowed == extension)
        .map(|(_, content_type)| *content_type)
}

/// A size as people read it: "820 bytes", "14.2 KB", "1.2 MB" (1 KB = 1024 bytes,
/// as the limits are counted).
pub fn format_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / (KB * KB))
    }
}

/// The refusals, worded the same whichever side notices first.
pub fn type_not_allowed(file_name: &str) -> String {
    let allowed: Vec<&str> = ALLOWED_TYPES.iter().map(|(ext, _)| *ext).collect();
    format!(
        "“{file_name}” is a type of file we do not accept. Allowed are: {}.",
        allowed.join(", ")
    )
}

pub fn file_too_large(file_name: &str) -> String {
    format!(
        "“{file_name}” is too large: a file can be at most {}.",
        format_size(MAX_FILE_BYTES)
    )
}

pub fn too_many_files(file_name: &str) -> String {
    format!(
        "Attach at most {MAX_FILES_PER_MESSAGE} files at a time; “{file_name}” is one too many."
    )
}

pub fn case_too_large(file_name: &str, already: u64) -> String {
    let held = if already == 0 {
        String::new()
    } else {
        format!(" (it holds {} already)", format_size(already))
    };
    format!(
        "“{file_name}” would take this case over {} of attachments{held}. \
         Leave some files out, or make them smaller.",
        format_size(MAX_CASE_BYTES)
    )
}

/// A file chosen in the browser, before it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ChosenFile {
    pub name: String,
    pub size: u64,
}

/// The first reason to refuse these files before sending them, if any. The
/// server checks again (and also counts what the case holds already).
pub fn check_chosen(files: &[ChosenFile]) -> Option<String> {
    let mut total = 0;
    for (index, file) in files.iter().enumerate() {
        total += file.size;
        if index == MAX_FILES_PER_MESSAGE {
            return Some(too_many_files(&file.name));
        }
        if content_type_for(&file.name).is_none() {
            return Some(type_not_allowed(&file.name));
        }
        if file.size > MAX_FILE_BYTES {
            return Some(file_too_large(&file.name));
        }
        if total > MAX_CASE_BYTES {
            return Some(case_too_large(&file.name, 0));
        }
    }
    None
}

/// A stored file as a page shows it: a download link with the size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentLink {
    pub id: i64,
    pub file_name: String,
    /// For people: "1.2 MB".
    pub size: String,
    /// `/cases/C-…/attachments/{id}`.
    pub href: String,
}

impl AttachmentLink {
    pub fn new(case_number: &str, id: i64, file_name: String, size_bytes: i64) -> AttachmentLink {
        AttachmentLink {
            id,
            file_name,
            size: format_size(size_bytes.max(0) as u64),
            href: format!("/cases/{case_number}/attachments/{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_extension_only() {
        assert_eq!(content_type_for("photo.PNG"), Some("image/png"));
        assert_eq!(content_type_for("a.b.jpeg"), Some("image/jpeg"));
        assert_eq!(
            content_type_for("server.log"),
            Some("text/plain; charset=utf-8")
        );
        for refused in [
            "page.html",
            "run.exe",
            "passwd",
            "archive.tar.gz",
            "x.svg",
            ".png.",
        ] {
            assert_eq!(content_type_for(refused), None, "{refused}");
        }
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(format_size(0), "0 bytes");
        assert_eq!(format_size(1023), "1023 bytes");
        assert_eq!(format_size(1536), "1.5 KB");
        assert_eq!(format_size(1_258_291), "1.2 MB");
        assert_eq!(format_size(MAX_FILE_BYTES), "10.0 MB");
    }

    #[test]
    fn the_note_matches_the_limits() {
        assert!(LIMITS_NOTE.contains(&format!("Up to {MAX_FILES_PER_MESSAGE} files")));
        assert!(LIMITS_NOTE.contains(&format!("{} MB each", MAX_FILE_BYTES >> 20)));
        assert!(LIMITS_NOTE.contains(&format!("{} MB per case", MAX_CASE_BYTES >> 20)));
    }

    #[test]
    fn chosen_files_are_checked_before_sending() {
        let file = |name: &str, size: u64| ChosenFile {
            name: name.into(),
            size,
        };
        assert_eq!(check_chosen(&[file("a.png", 10), file("b.pdf", 20)]), None);
        let problem = check_chosen(&[file("a.png", 10), file("virus.exe", 1)]).unwrap();
        assert!(problem.contains("“virus.exe”"), "{problem}");
        let problem = check_chosen(&[file("big.pdf", MAX_FILE_BYTES + 1)]).unwrap();
        assert!(problem.contains("too large"), "{problem}");
        let three = [
            file("a.pdf", 9 << 20),
            file("b.pdf", 9 << 20),
            file("c.pdf", 9 << 20),
        ];
        assert!(check_chosen(&three).unwrap().contains("“c.pdf”"));
        let eleven: Vec<_> = (0..11).map(|i| file(&format!("{i}.txt"), 1)).collect();
        assert!(check_chosen(&eleven).unwrap().contains("“10.txt”"));
    }
}
