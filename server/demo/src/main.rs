//! `rapport-demo`: fill an empty database with the demo, or run the search
//! benchmark. `cargo xtask run` and `cargo xtask bench search` call it.

use anyhow::Context;
use clap::{Parser, Subcommand};
use rapport_core::db::MIGRATOR;

#[derive(Parser)]
#[command(
    name = "rapport-demo",
    about = "Rapport's demo data and search benchmark (not part of the shipped server)"
)]
struct Cli {
    /// The PostgreSQL database to use.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add the demo (accounts, organizations, cases, orders, workshops) to a
    /// database without users; a database with users is left as it is. Import
    /// content/ first: the demo's searches and votes refer to its articles.
    Seed,
    /// Knowledge search against PostgreSQL full-text search on generated
    /// articles; run by `cargo xtask bench search` on a private database.
    BenchSearch(rapport_demo::bench_search::BenchArgs),
    /// Add customer organizations whose leaving depends on known signals
    /// (overdue invoices, SLA breaches, low ratings), so the churn model on
    /// /reports/churn can be checked. The same seed gives the same ones.
    Churn {
        /// How many organizations to add.
        #[arg(long, default_value_t = 240)]
        organizations: usize,
        /// The random seed.
        #[arg(long, default_value_t = 16)]
        seed: u64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RAPPORT_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let pool = sqlx::PgPool::connect(&cli.database_url)
        .await
        .context("could not connect to PostgreSQL at DATABASE_URL")?;
    MIGRATOR
        .run(&pool)
        .await
        .context("migrating the database")?;
    match cli.command {
        Command::Seed => seed(&pool).await,
        Command::BenchSearch(args) => rapport_demo::bench_search::run(&pool, args).await,
        Command::Churn {
            organizations,
            seed,
        } => {
            let made = rapport_demo::churn::generate(
                &pool,
                organizations,
                seed,
                time::OffsetDateTime::now_utc(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("generating organizations failed: {}", e.chain()))?;
            println!(
                "Added {} organizations, {} of which left. Train the model on /reports/churn or wait for the daily job.",
                made.organizations, made.left
            );
            Ok(())
        }
    }
}

async fn seed(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    // The real cause, whole: this is a command line, not a page.
    let created = rapport_demo::seed_demo(pool)
        .await
        .map_err(|e| anyhow::anyhow!("adding the demo failed: {}", e.chain()))?;
    if !created {
        println!("The database already has users; the demo was not added.");
        return Ok(());
    }
    println!(
        "Demo data created. Every demo account's password is: {}",
        rapport_demo::DEMO_PASSWORD
    );
    for account in rapport_demo::DEMO_ACCOUNTS.iter() {
        println!(
            "  {:<16} {:<28} {}",
            account.role.label(),
            account.email,
            account.organization.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
