//! Reports: what Rapport measures about cases, and the figures the team and
//! customers read from it.
//!
//! - `metrics`: each case's first response, resolutions, reopens, replies and
//!   durations (calendar and business time), recorded in the transaction of
//!   every change to the case.
//! - `backlog`: the daily snapshot of the waiting cases, written by a job and
//!   filled backwards from the history.
//! - `filter`, `team`, `service`, `csv_export`, `weekly`: the team reports,
//!   the customers' service report, their CSV downloads and the weekly
//!   summary mail.

pub mod backlog;
pub mod csv_export;
pub mod filter;
pub mod metrics;
pub mod service;
pub mod team;
pub mod weekly;
