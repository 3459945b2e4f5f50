//! `cargo xtask bench search`: knowledge search in the engine against
//! PostgreSQL full-text search on the same generated articles (10k and 100k).
//!
//! Builds the release demo program, starts a private PostgreSQL, and runs the
//! `rapport-demo bench-search` command against it, which generates and
//! loads the corpus and prints the tables (see server/demo/src/bench_search.rs).
//! Figures only; it never fails on a time.

use crate::postgres::Cluster;
use crate::{build, repo_root, run_command, step, Result};
use std::process::Command;

const DATABASE: &str = "rapport_bench_search";

/// PostgreSQL gets the memory a production server would give it, so its
/// side of the comparison is not starved (the defaults are 128 MB / 64 MB).
/// Autovacuum is off: the benchmark vacuums and analyses after each load
/// itself, and a vacuum starting in the middle of the timings would skew them.
const POSTGRES_OPTIONS: &str =
    "-c shared_buffers=512MB -c maintenance_work_mem=512MB -c work_mem=16MB -c autovacuum=off";

/// `extra` is passed on to `rapport-demo bench-search` (e.g. `--sizes 10000`).
pub fn bench(extra: &[String]) -> Result {
    let root = repo_root();
    let binary = build::build_binaries(&root, true)?.demo;
    let base = root.join("target/rapport/bench-search");
    let cluster = Cluster::start_with(&base.join("postgres"), true, POSTGRES_OPTIONS)?;
    let outcome = (|| {
        cluster.create_database(DATABASE)?;
        step(&format!(
            "Knowledge search: tantivy in the engine against PostgreSQL FTS ({POSTGRES_OPTIONS})"
        ));
        run_command(
            Command::new(&binary)
                .arg("bench-search")
                .arg("--index-dir")
                .arg(base.join("index"))
                .arg("--content-dir")
                .arg(root.join("content"))
                .args(extra)
                .env("DATABASE_URL", cluster.url(DATABASE))
                .env("RAPPORT_LOG", "warn,sqlx=error"),
        )
    })();
    cluster.stop();
    outcome
}
