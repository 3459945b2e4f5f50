//! SQL, one module per area. Functions take a pool or a transaction
//! (`impl PgExecutor`) and return plain rows; policy decisions live elsewhere.
//! Organization scoping is always part of the SQL.

pub mod account_sessions;
pub mod article_admin;
pub mod articles;
pub mod attachments;
pub mod audit;
pub mod canned;
pub mod case_sidebar;
pub mod cases;
pub mod email_links;
pub mod invitations;
pub mod listen;
pub mod mail;
pub mod order_records;
pub mod orders;
pub mod organizations;
pub mod rate_limits;
pub mod search_docs;
pub mod search_log;
pub mod search_reports;
pub mod sla;
pub mod two_factor;
pub mod users;
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
    use super::escape_like;

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(escape_like("plain"), "plain");
    }
}
