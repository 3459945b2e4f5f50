//! SQL, one module per area. Functions take a pool or a transaction
//! (`impl PgExecutor`) and return plain rows; policy decisions live elsewhere.
//! Organization scoping is always part of the SQL.

pub mod audit;
pub mod invitations;
pub mod organizations;
pub mod users;

/// True when `err` is a unique-constraint violation on the named constraint or index.
pub fn is_unique_violation(err: &sqlx::Error, constraint: &str) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("23505") && db.constraint() == Some(constraint)
        }
        _ => false,
    }
}
