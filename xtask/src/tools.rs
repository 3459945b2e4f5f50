//! Installing what the build and the tests need, when it is missing.

use crate::{run_command, step, Result};
use std::path::Path;
use std::process::Command;

fn output_of(cmd: &mut Command) -> Option<String> {
    cmd.output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

pub fn is_root() -> bool {
    output_of(Command::new("id").arg("-u")).is_some_and(|id| id.trim() == "0")
}

/// The version of a package as pinned in Cargo.lock.
fn locked_version(root: &Path, package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| format!("could not read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(version.trim_matches('"').to_string());
            }
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}

/// The wasm32 target and the wasm-bindgen CLI that matches Cargo.lock.
pub fn ensure_build_tools(root: &Path) -> Result {
    let targets = output_of(Command::new("rustup").args(["target", "list", "--installed"]));
    match targets {
        Some(list) if list.lines().any(|t| t.trim() == "wasm32-unknown-unknown") => {}
        Some(_) => {
            step("Installing the Rust wasm32 target");
            run_command(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
        }
        None => {
            return Err(
                "rustup was not found; install Rust with rustup (https://rustup.rs), \
                 then run `rustup target add wasm32-unknown-unknown`"
                    .into(),
            )
        }
    }
    let wanted = locked_version(root, "wasm-bindgen")?;
    let installed = output_of(Command::new("wasm-bindgen").arg("--version"));
    if installed.as_deref().map(str::trim) != Some(&format!("wasm-bindgen {wanted}")) {
        step(&format!(
            "Installing wasm-bindgen-cli {wanted} (once per machine, a few minutes)"
        ));
        // Not --locked: its lock file names crate versions the registry may not have.
        run_command(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wanted,
            "--force",
        ]))?;
    }
    Ok(())
}

/// cargo-nextest runs the Rust tests: each test in its own process, with a
/// time limit per test (see .cargo/nextest.toml), so one stuck test fails
/// alone instead of holding up the whole run.
pub fn ensure_nextest() -> Result {
    if output_of(Command::new("cargo").args(["nextest", "--version"])).is_some() {
        return Ok(());
    }
    step("Installing cargo-nextest (once per machine, a few minutes)");
    run_command(Command::new("cargo").args(["install", "cargo-nextest", "--locked"]))
}

pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Install a program from Debian's packages when it is missing and we are root.
/// Returns false when it is missing and cannot be installed here.
pub fn install_with_apt(program: &str, package: &str) -> Result<bool> {
    let on_path = |p: &str| {
        Path::new(p).is_absolute() && Path::new(p).exists()
            || output_of(Command::new("sh").arg("-c").arg(format!("command -v {p}"))).is_some()
    };
    if on_path(program) {
        return Ok(true);
    }
    if !(is_root() && Path::new("/usr/bin/apt-get").exists()) {
        return Ok(false);
    }
    step(&format!("Installing {package} from Debian's packages"));
    run_command(Command::new("apt-get").args(["update", "-qq"]))?;
    run_command(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", package])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    Ok(on_path(program))
}

/// A program the benchmark needs, installed with apt when possible.
pub fn ensure_apt_program(program: &str, package: &str) -> Result {
    if install_with_apt(program, package)? {
        Ok(())
    } else {
        Err(format!(
            "{program} is needed: install it with `sudo apt-get install {package}`"
        ))
    }
}

/// Where Debian's `python3-aiosmtpd` puts the SMTP server the outgoing-mail
/// tests start (`server/tests/integration/common/smtp_sink.rs`).
const AIOSMTPD: &str = "/usr/lib/python3/dist-packages/aiosmtpd";

/// The SMTP sink of the mail tests, installed with apt when possible.
pub fn ensure_smtp_sink() -> Result {
    ensure_apt_program(AIOSMTPD, "python3-aiosmtpd")
}

/// The IMAP server the mail-in tests start (server/tests/integration/common/dovecot.rs):
/// `dovecot-imapd` brings it, and `dovecot-core` with it.
pub fn ensure_dovecot() -> Result {
    ensure_apt_program("/usr/lib/dovecot/imap", "dovecot-imapd")
}

/// Debian's Chromium and the Playwright test runner (which never downloads a browser).
pub fn ensure_browser_tools(root: &Path) -> Result {
    if !install_with_apt(CHROMIUM, "chromium")? {
        return Err(format!(
            "the browser tests need Chromium at {CHROMIUM}: install it with \
             `sudo apt-get install chromium`, or run `cargo xtask test --no-browser`"
        ));
    }
    if output_of(Command::new("npm").arg("--version")).is_none() {
        return Err("the browser tests need Node.js and npm: install them with \
             `sudo apt-get install nodejs npm`, or run `cargo xtask test --no-browser`"
            .into());
    }
    let e2e = root.join("end2end");
    let installed = e2e.join("node_modules/@playwright/test/package.json");
    let lock = e2e.join("package-lock.json");
    let stale = match (std::fs::metadata(&installed), std::fs::metadata(&lock)) {
        (Ok(i), Ok(l)) => i.modified().ok() < l.modified().ok(),
        _ => true,
    };
    if stale {
        step("Installing Playwright (the test runner only; the browser is Debian's)");
        run_command(
            Command::new("npm")
                .current_dir(&e2e)
                .args(["ci", "--no-audit", "--no-fund"])
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
        )?;
    }
    Ok(())
}

/// wasm-opt from the npm package `binaryen` (Debian's is too old for what current
/// Rust emits), kept in target/tools. None when npm is missing: the bundle is then
/// left unoptimised, which works but is larger.
pub fn wasm_opt(root: &Path) -> Option<std::path::PathBuf> {
    let tools = root.join("target/tools");
    let binary = tools.join("node_modules/.bin/wasm-opt");
    if !binary.exists() {
        output_of(Command::new("npm").arg("--version"))?;
        step("Installing wasm-opt (npm package binaryen@132) into target/tools");
        std::fs::create_dir_all(&tools).ok()?;
        run_command(Command::new("npm").current_dir(&tools).args([
            "install",
            "--no-audit",
            "--no-fund",
            "--no-save",
            "binaryen@132",
        ]))
        .ok()?;
    }
    binary.exists().then_some(binary)
}
