//! `cargo xtask bench orders-api`: the order system's way in over HTTP
//! (issue 17). Batches of 100 and of 1000 records (products, orders,
//! invoices and deliveries, a quarter each) are sent one after the other to
//! `POST /api/v1/orders/batch` of the release server, then the same batches
//! again (every record unchanged); it prints records/s for each. Figures
//! only; it never fails on a time.

use crate::postgres::Cluster;
use crate::{build, repo_root, step, tools, Result};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const DATABASE: &str = "rapport_bench_orders";
/// A token of the demo's admin with `orders:write`, written straight into
/// `api_tokens` (its SHA-256, as the service stores it).
const SECRET: &str = "rpt_benchordersbenchordersbenchordersbenchor";
/// (records per batch, batches).
const RUNS: [(usize, usize); 2] = [(100, 30), (1000, 5)];

/// One batch of `records` records (a quarter of each kind), numbered apart
/// by `tag`, in the JSON format of `rapport import-orders`.
fn batch(tag: &str, records: usize) -> String {
    let n = records / 4;
    let (mut products, mut orders, mut invoices, mut deliveries) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let sku = format!("B-{tag}-{i}");
        let order = format!("BSO-{tag}-{i}");
        products.push(format!(
            r#"{{"sku":"{sku}","name":"Bench part {i}","description":"A part","unit_price":"12.50","currency":"CHF","vendor":"Bench AG"}}"#
        ));
        orders.push(format!(
            r#"{{"order":"{order}","organization":"Acme Robotics","placed_by":"carla@acme.example","status":"shipped","ordered_on":"2026-03-10","currency":"CHF","lines":[{{"sku":"{sku}","quantity":2,"unit_price":"12.50"}}]}}"#
        ));
        invoices.push(format!(
            r#"{{"invoice":"BINV-{tag}-{i}","order":"{order}","issued_on":"2026-03-11","due_on":"2026-04-10","status":"open","currency":"CHF","lines":[{{"description":"Bench part","quantity":2,"unit_price":"12.50","taxes":[{{"jurisdiction":"CH","rate":"8.1"}}]}}]}}"#
        ));
        deliveries.push(format!(
            r#"{{"delivery":"BDL-{tag}-{i}","order":"{order}","carrier":"DHL","tracking_number":"T{i}","status":"in_transit","shipped_on":"2026-03-12","lines":[{{"sku":"{sku}","quantity":2}}]}}"#
        ));
    }
    format!(
        r#"{{"products":[{}],"orders":[{}],"invoices":[{}],"deliveries":[{}]}}"#,
        products.join(","),
        orders.join(","),
        invoices.join(","),
        deliveries.join(",")
    )
}

/// POST the batch in `file`; the HTTP status.
fn post(base: &str, file: &Path) -> Result<String> {
    let output = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}"])
        .args(["-H", &format!("Authorization: Bearer {SECRET}")])
        .args(["-H", "Content-Type: application/json"])
        .arg("--data-binary")
        .arg(format!("@{}", file.display()))
        .arg(format!("{base}/api/v1/orders/batch"))
        .output()
        .map_err(|e| format!("curl: {e}"))?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Send every file once, in order; records/s.
fn send_all(base: &str, files: &[std::path::PathBuf], records: usize) -> Result<f64> {
    let started = Instant::now();
    for file in files {
        let status = post(base, file)?;
        if status != "200" {
            return Err(format!("{}: HTTP {status}", file.display()));
        }
    }
    Ok((files.len() * records) as f64 / started.elapsed().as_secs_f64())
}

pub fn bench() -> Result {
    let root = repo_root();
    tools::ensure_build_tools(&root)?;
    // The API needs no browser bundle: the server binary is enough.
    let binaries = build::build_binaries(&root, true)?;
    let work = root.join("target/rapport/bench-orders-api");
    let cluster = Cluster::start(&work.join("pg"), true)?;
    let outcome = (|| {
        cluster.create_database(DATABASE)?;
        let url = cluster.url(DATABASE);
        crate::seed_demo(&binaries, &url)?;
        cluster.psql_in(
            DATABASE,
            &format!(
                "INSERT INTO api_tokens (owner_id, name, prefix, secret_hash, scopes)
                 SELECT id, 'bench', '{}', encode(sha256('{SECRET}'::bytea), 'hex'),
                        ARRAY['orders:write']
                 FROM users WHERE email = 'admin@rapport.example'",
                &SECRET[..12]
            ),
        )?;
        let port = crate::free_port()?;
        let addr = format!("127.0.0.1:{port}");
        let base = format!("http://{addr}");
        let mut server = crate::server_command(&root, &binaries.server, &url, &addr, "warn")
            .env_remove("RAPPORT_SMTP_URL")
            .env("RAPPORT_MAIL_DIR", work.join("mail"))
            .env("RAPPORT_INDEX_DIR", work.join("index"))
            .env("RAPPORT_ATTACHMENTS_DIR", work.join("attachments"))
            .env("RAPPORT_LIMITS", "api_token=100000000/1m")
            .spawn()
            .map_err(|e| format!("could not start the server: {e}"))?;
        let result = (|| {
            crate::wait_until_listening(&addr, &mut server)?;
            step("Order upserts over HTTP (POST /api/v1/orders/batch, one client)");
            println!(
                "{:<22} {:>8} {:>9} {:>14} {:>16}",
                "batch", "batches", "records", "new records/s", "unchanged rec/s"
            );
            for (records, batches) in RUNS {
                let files: Vec<_> = (0..batches)
                    .map(|b| {
                        let file = work.join(format!("batch-{records}-{b}.json"));
                        std::fs::write(&file, batch(&format!("{records}x{b}"), records))
                            .map(|_| file)
                            .map_err(|e| e.to_string())
                    })
                    .collect::<Result<_>>()?;
                let created = send_all(&base, &files, records)?;
                let unchanged = send_all(&base, &files, records)?;
                println!(
                    "{:<22} {:>8} {:>9} {:>14.0} {:>16.0}",
                    format!("{records} records"),
                    batches,
                    records * batches,
                    created,
                    unchanged
                );
            }
            Ok(())
        })();
        let _ = server.kill();
        let _ = server.wait();
        result
    })();
    cluster.stop();
    outcome
}
