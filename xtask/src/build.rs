//! Building the server and the browser bundle (what cargo-leptos would do).

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

/// Build the wasm bundle into target/site/pkg and the server binary; returns the binary.
pub fn build_all(root: &Path, release: bool) -> Result<PathBuf> {
    build_site(root, release)?;
    build_server(root, release)
}

pub fn build_server(root: &Path, release: bool) -> Result<PathBuf> {
    step("Building the server");
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(root)
        .args(["build", "--package", "server", "--bin", "rapport"]);
    if release {
        cmd.arg("--release");
    }
    run_command(&mut cmd)?;
    let profile = if release { "release" } else { "debug" };
    Ok(cargo_target_dir(root).join(profile).join("rapport"))
}

pub fn build_site(root: &Path, release: bool) -> Result {
    step("Building the browser bundle (wasm)");
    let profile = if release { "wasm-release" } else { "dev" };
    // Leptos' type erasure for views: a smaller bundle and a faster build, same HTML.
    let rustflags = format!(
        "{} --cfg erase_components",
        std::env::var("RUSTFLAGS").unwrap_or_default()
    );
    run_command(
        Command::new(env!("CARGO"))
            .current_dir(root)
            .env("RUSTFLAGS", rustflags.trim())
            .args([
                "rustc",
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
            ]),
    )?;
    let out_dir = if release { "wasm-release" } else { "debug" };
    let wasm = cargo_target_dir(root)
        .join("wasm32-unknown-unknown")
        .join(out_dir)
        .join("app.wasm");
    let pkg = root.join("target/site/pkg");
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
    std::fs::copy(root.join("style/main.css"), pkg.join("rapport.css"))
        .map_err(|e| format!("copying style/main.css: {e}"))?;
    let size = std::fs::metadata(pkg.join("rapport_bg.wasm"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!("    wasm bundle: {} KiB", size / 1024);
    Ok(())
}
