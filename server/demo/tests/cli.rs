//! `rapport-demo` as a person meets it first: its help names what it does.
//! (Building this test also builds the binary that `cargo xtask test` then
//! uses for the browser tests, with the same features as every other test.)

use std::process::Command;

#[test]
fn the_help_names_both_commands() {
    let output = Command::new(env!("CARGO_BIN_EXE_rapport-demo"))
        .arg("--help")
        .env_remove("DATABASE_URL")
        .output()
        .expect("rapport-demo runs");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{help}");
    assert!(help.contains("seed"), "{help}");
    assert!(help.contains("bench-search"), "{help}");
    assert!(help.contains("DATABASE_URL"), "{help}");
}
