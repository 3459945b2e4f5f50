//! `cargo xtask bench webhooks`: webhook delivery throughput and the time
//! from a change's commit to its delivery (p50/p95), against a receiver on
//! 127.0.0.1. The figures come from an ignored test of the server crate
//! (`server/tests/integration/webhooks.rs`, `bench_webhook_delivery`), run
//! here with nextest against a private PostgreSQL, its output shown.
//! `WEBHOOK_BENCH_CHANGES` sets the size of the burst (2,000).

use crate::postgres::Cluster;
use crate::{repo_root, step, tools, Result};

pub fn bench() -> Result {
    let root = repo_root();
    tools::ensure_build_tools(&root)?;
    tools::ensure_nextest()?;
    let cluster = Cluster::start(&root.join("target/rapport/bench-webhooks"), true)?;
    step("Webhooks: deliveries per second, commit to delivery");
    let outcome =
        crate::bench_mail::run_ignored_tests(&root, &cluster, "test(bench_webhook_delivery)");
    cluster.stop();
    outcome
}
