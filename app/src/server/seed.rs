//! The demo: a few customer organizations and one person in every role, so a new
//! installation can be tried at once. Only ever written into an empty database.

use super::auth::hash_password;
use super::db;
use crate::domain::{AppError, DisplayName, Email, OrganizationName, Password, Role};
use sqlx::PgPool;

/// The password of every demo account. Demo data only: `serve` never seeds.
pub const DEMO_PASSWORD: &str = "rapport-demo";

pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub organization: Option<&'static str>,
}

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "admin@rapport.example",
        name: "Ada Admin",
        role: Role::Admin,
        organization: None,
    },
    DemoAccount {
        email: "agent@rapport.example",
        name: "Sam Agent",
        role: Role::Agent,
        organization: None,
    },
    DemoAccount {
        email: "trainer@rapport.example",
        name: "Tess Trainer",
        role: Role::Trainer,
        organization: None,
    },
    DemoAccount {
        email: "olivia@northwind.example",
        name: "Olivia Northwind",
        role: Role::CustomerAdmin,
        organization: Some("Northwind Traders"),
    },
    DemoAccount {
        email: "nick@northwind.example",
        name: "Nick Northwind",
        role: Role::Customer,
        organization: Some("Northwind Traders"),
    },
    DemoAccount {
        email: "carla@acme.example",
        name: "Carla Acme",
        role: Role::CustomerAdmin,
        organization: Some("Acme Robotics"),
    },
    DemoAccount {
        email: "ahmed@acme.example",
        name: "Ahmed Acme",
        role: Role::Customer,
        organization: Some("Acme Robotics"),
    },
    DemoAccount {
        email: "greta@globex.example",
        name: "Greta Globex",
        role: Role::CustomerAdmin,
        organization: Some("Globex Logistics"),
    },
];

/// Seed the demo into an empty database. Returns false (and writes nothing)
/// when there are users already.
pub async fn seed_demo(pool: &PgPool) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    // Serialise concurrent seeders; then check emptiness inside the transaction.
    sqlx::query("LOCK TABLE users IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    if users > 0 {
        return Ok(false);
    }
    let password = Password::parse("password", DEMO_PASSWORD)?;
    let hash = hash_password(&password).await?;
    for account in DEMO_ACCOUNTS {
        let organization_id = match account.organization {
            Some(name) => {
                let name = OrganizationName::parse("organization", name)?;
                Some(
                    match db::organizations::find_by_name(&mut *tx, &name).await? {
                        Some(id) => id,
                        None => db::organizations::create(&mut *tx, &name).await?,
                    },
                )
            }
            None => None,
        };
        db::users::create(
            &mut *tx,
            db::users::NewUser {
                email: &Email::parse("email", account.email)?,
                display_name: &DisplayName::parse("name", account.name)?,
                role: account.role,
                organization_id,
                password_hash: &hash,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}
