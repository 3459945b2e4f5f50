//! Building the server and the browser bundle (what cargo-leptos would do).
//!
//! Every cargo command here goes through [`cargo`], so that all of them build
//! with the same flags and share their work:
//! - `--cfg erase_components` (Leptos' type erasure) is added to whatever
//!   `RUSTFLAGS` the environment has, so it cannot be lost: the server and the
//!   browser must agree on it;
//! - the host's target triple is always named (`--target`), so build scripts
//!   and proc macros are built without those flags in every build and the
//!   wasm build, the server build and the test build reuse one copy of them.

use crate::{run_command, step, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where cargo puts its output: CARGO_TARGET_DIR, or target/ in the repository.
pub fn cargo_target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir().unwrap_or_default().join(dir)
            }
        }
        _ => root.join("target"),
    }
}

/// The triple of this machine, as rustc names it (`x86_64-unknown-linux-gnu`).
pub fn host_triple() -> Result<String> {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("could not run rustc: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| "rustc -vV did not name the host".to_string())
}

/// `cargo <subcommand>` in the repository with the flags every build shares.
/// Pass `target` (the host's triple, or wasm32) after the subcommand's own arguments.
pub fn cargo(root: &Path, subcommand: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    let rustflags = format!(
        "{} --cfg erase_components",
        std::env::var("RUSTFLAGS").unwrap_or_default()
    );
    cmd.current_dir(root)
        .arg(subcommand)
        .env("RUSTFLAGS", rustflags.trim())
        // Would take precedence over RUSTFLAGS and drop the flag above.
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    cmd
}

/// The two programs `cargo xtask` runs: the server and the demo loader.
pub struct Binaries {
    /// `rapport`: the server and its administration commands.
    pub server: PathBuf,
    /// `rapport-demo`: the demo data and the search benchmark.
    pub demo: PathBuf,
}

impl Binaries {
    /// Where a build for `profile` ("debug" or "release") put them.
    pub fn in_profile(root: &Path, profile: &str) -> Result<Binaries> {
        let dir = cargo_target_dir(root).join(host_triple()?).join(profile);
        Ok(Binaries {
            server: dir.join("rapport"),
            demo: dir.join("rapport-demo"),
        })
    }
}

/// Build the wasm bundle into target/site/pkg and the two programs.
pub fn build_all(root: &Path, release: bool) -> Result<Binaries> {
    build_site(root, release)?;
    build_binaries(root, release)
}

pub fn build_binaries(root: &Path, release: bool) -> Result<Binaries> {
    step("Building the server");
    let mut cmd = cargo(root, "build");
    cmd.args([
        "--package",
        "server",
        "--bin",
        "rapport",
        "--package",
        "rapport-demo",
        "--bin",
        "rapport-demo",
        "--target",
        &host_triple()?,
    ]);
    if release {
        cmd.arg("--release");
    }
    run_command(&mut cmd)?;
    Binaries::in_profile(root, if release { "release" } else { "debug" })
}

pub fn build_site(root: &Path, release: bool) -> Result {
    step("Building the browser bundle (wasm)");
    let profile = if release { "wasm-release" } else { "dev" };
    run_command(cargo(root, "rustc").args([
        "--package",
        "app",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--crate-type",
        "cdylib",
        "--features",
        "hydrate",
        "--profile",
        profile,
    ]))?;
    let out_dir = if release { "wasm-release" } else { "debug" };
    let wasm = cargo_target_dir(root)
        .join("wasm32-unknown-unknown")
        .join(out_dir)
        .join("app.wasm");
    let pkg = root.join("target/site/pkg");
    // Start empty: the names change with every build, and old ones must not pile up.
    if pkg.exists() {
        std::fs::remove_dir_all(&pkg).map_err(|e| format!("emptying {}: {e}", pkg.display()))?;
    }
    std::fs::create_dir_all(&pkg).map_err(|e| format!("creating {}: {e}", pkg.display()))?;
    run_command(
        Command::new("wasm-bindgen")
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--out-name",
                "rapport",
                "--out-dir",
            ])
            .arg(&pkg)
            .arg(&wasm),
    )?;
    if release {
        match crate::tools::wasm_opt(root) {
            Some(wasm_opt) => {
                step("Optimising the wasm bundle for size (wasm-opt -Oz)");
                let file = pkg.join("rapport_bg.wasm");
                run_command(
                    Command::new(wasm_opt)
                        .arg("-Oz")
                        .arg(&file)
                        .arg("-o")
                        .arg(&file),
                )?;
            }
            None => println!(
                "    wasm-opt is not available (npm missing); the bundle stays unoptimised"
            ),
        }
    }
    step("Naming the files after their content and compressing them (brotli, gzip)");
    let files = crate::assets::fingerprint(&pkg, "rapport", &root.join("style/main.css"), release)?;
    let kib = |path: &Path| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) / 1024;
    for file in files {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let compressed = |suffix: &str| {
            let mut path = file.clone().into_os_string();
            path.push(suffix);
            kib(Path::new(&path))
        };
        println!(
            "    {name}: {} KiB, {} KiB brotli, {} KiB gzip",
            kib(&file),
            compressed(".br"),
            compressed(".gz")
        );
    }
    Ok(())
}
