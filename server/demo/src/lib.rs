//! Rapport's demo: the data `cargo xtask run` puts into an empty database (a
//! support desk with customers, cases, orders and workshops that read like a
//! real one), and the knowledge search benchmark. Neither is part of the
//! shipped `rapport` binary: `rapport-demo` runs them.

pub mod bench_search;
pub mod churn;
mod data;
pub mod seed;
mod seed_orders;
mod seed_workshops;

pub use seed::{seed_demo, DemoAccount, DEMO_ACCOUNTS, DEMO_PASSWORD};
