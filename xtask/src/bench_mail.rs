//! `cargo xtask bench mail`: the mail figures of issue 15 (corpus threading
//! and spoofs, loops with auto-responders, IDLE latency to the case page,
//! ingest throughput). They are ignored tests of the server crate
//! (`server/tests/integration/mail_bench.rs` and the corpus test), run here
//! with nextest against a private PostgreSQL and a throwaway dovecot, their
//! output shown. Figures only; it never fails on a time.

use crate::postgres::Cluster;
use crate::{build, repo_root, run_command, step, tools, Result};
use std::path::Path;

/// The benchmark tests and the corpus test, which prints the corpus figure.
const FILTER: &str = "test(/^mail_bench::/) | test(every_corpus_message_does_what_it_states)";

pub fn bench() -> Result {
    let root = repo_root();
    tools::ensure_build_tools(&root)?;
    tools::ensure_nextest()?;
    tools::ensure_dovecot()?;
    let cluster = Cluster::start(&root.join("target/rapport/bench-mail"), true)?;
    step("Mail: corpus, loops, IDLE latency, ingest throughput");
    let outcome = run_ignored_tests(&root, &cluster, FILTER);
    cluster.stop();
    outcome
}

/// Run the server crate's ignored tests that match `filter` (nextest's
/// expression), as `cargo xtask test` builds the crate (features, target,
/// nextest config), against `cluster`, their output shown: the benchmarks
/// that are tests of the server crate.
pub fn run_ignored_tests(root: &Path, cluster: &Cluster, filter: &str) -> Result {
    run_command(
        build::cargo(root, "nextest")
            .args([
                "run",
                "--package",
                "server",
                "--features",
                "app/ssr",
                "--config-file",
                ".cargo/nextest.toml",
                "--target",
                &build::host_triple()?,
                "--run-ignored",
                "all",
                "--no-capture",
                "-E",
                filter,
            ])
            .env("DATABASE_URL", cluster.url("postgres")),
    )
}
