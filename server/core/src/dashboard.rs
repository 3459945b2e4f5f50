//! The dashboard: where each person starts after signing in. Customers find
//! their cases and what waits for them (a case pending on them, an overdue
//! invoice, a workshop they go to); agents their queues and the deadlines at
//! risk; admins also the latest security events. Each part comes from its
//! feature's service, which decides through `policy` what the reader may see,
//! in one or two queries each, however long the lists.

use super::db::audit;
use super::policy::{self, Action};
use super::sign_in::SignedIn;
use super::{cases, orders, workshops};
use crate::Error;
use crate::Reader;
use rapport_types::views::dashboard::{CustomerDesk, DashboardData, SecurityEvent};
use sqlx::PgPool;

/// How many overdue invoices and upcoming workshop sessions a customer's dashboard lists.
const DESK_INVOICES: i64 = 5;
const DESK_WORKSHOPS: i64 = 5;

/// The dashboard of the signed-in `user` (the reader, as the session has them).
pub async fn dashboard(
    reader: &Reader,
    pool: &PgPool,
    user: SignedIn,
) -> Result<DashboardData, Error> {
    let actor = reader.signed_in()?;
    policy::authorize(Some(actor), &Action::ViewDashboard)?;
    let may = |action: &Action| policy::allows(Some(actor), action);
    let customer = if may(&Action::ListOwnCases) {
        let (open_cases, open_total) = cases::customer_desk(reader, pool).await?;
        let (overdue_invoices, overdue_total) =
            orders::overdue_invoices(reader, pool, DESK_INVOICES).await?;
        let workshops = workshops::my_next_sessions(reader, pool, DESK_WORKSHOPS).await?;
        Some(CustomerDesk {
            open_cases,
            open_total,
            overdue_invoices,
            overdue_total,
            workshops,
        })
    } else {
        None
    };
    let agent = if may(&Action::WorkCases) {
        Some(cases::agent_desk(reader, pool).await?)
    } else {
        None
    };
    let security_events = if may(&Action::ManageUsers) {
        audit::recent(pool, 10)
            .await?
            .into_iter()
            .map(|e| SecurityEvent {
                at: reader.zone().date_time(e.at),
                kind: e.kind,
                email: e.email,
                ip: e.ip,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(DashboardData {
        user: user.into(),
        customer,
        agent,
        security_events,
    })
}
