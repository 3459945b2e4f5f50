//! SQL, one module per area. Functions take a pool or a transaction
//! (`impl PgExecutor`) and return plain rows; policy decisions live elsewhere.
//! Organization scoping is always part of the SQL.

pub mod account_sessions;
pub mod api_tokens;
pub mod article_admin;
pub mod articles;
pub mod attachments;
pub mod audit;
pub mod backlog;
pub mod canned;
pub mod case_mail;
pub mod case_metrics;
pub mod case_sidebar;
pub mod cases;
pub mod changes;
pub mod contacts;
pub mod email_links;
pub mod health;
pub mod inbound_mails;
pub mod invitations;
pub mod listen;
pub mod mail;
pub mod mail_in;
pub mod order_records;
pub mod orders;
pub mod organizations;
pub mod rate_limits;
pub mod reports;
pub mod search_docs;
pub mod search_log;
pub mod search_reports;
pub mod site_keys;
pub mod sla;
pub mod two_factor;
pub mod users;
pub mod webhooks;
pub mod workshops;

/// The migrations in `migrations/`, compiled in: the server runs them at
/// start, the command line and the demo before they write.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// True when `err` is a unique-constraint violation on the named constraint or index.
pub fn is_unique_violation(err: &sqlx::Error, constraint: &str) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("23505") && db.constraint() == Some(constraint)
        }
        _ => false,
    }
}

/// True when `err` says the database cannot be reached just now (stopped,
/// restarting, the network down, every connection busy): a failure to try
/// again later (503), not a bug (500).
pub fn is_unreachable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => true,
        // Class 08: connection exceptions; 57P01-03: shut down, crashed, starting.
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// The same, for a failure that reached us only as text: the session store
/// (tower-sessions) passes on a database error as its message.
pub fn is_unreachable_message(message: &str) -> bool {
    let io = sqlx::Error::Io(std::io::Error::other("")).to_string();
    [
        sqlx::Error::PoolTimedOut.to_string(),
        sqlx::Error::PoolClosed.to_string(),
        io.trim_end_matches([':', ' ']).to_string(),
    ]
    .iter()
    .any(|known| message.contains(known.as_str()))
}

/// Escape `%`, `_` and `\` so a search for them matches them literally.
pub fn escape_like(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape_like, is_unreachable, is_unreachable_message};

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(escape_like("plain"), "plain");
    }

    #[test]
    fn an_unreachable_database_is_told_from_a_bug() {
        assert!(is_unreachable(&sqlx::Error::PoolTimedOut));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(is_unreachable(&sqlx::Error::Io(refused)));
        assert!(!is_unreachable(&sqlx::Error::RowNotFound));
        // As the session store passes them on: only their text.
        for lost in [
            sqlx::Error::PoolTimedOut,
            sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::UnexpectedEof)),
        ] {
            let text = format!("Store error: Backend error: {lost}");
            assert!(is_unreachable_message(&text), "{text}");
        }
        assert!(!is_unreachable_message(
            "Store error: Backend error: error returned from database: duplicate key"
        ));
    }
}
