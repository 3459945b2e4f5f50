//! The demo's data files, `server/demo/data/*.toml`: who the demo people are,
//! what their cases say, what the shop sells. The code that turns them into
//! rows (the order generator, the timelines, the writers) stays in Rust.
//!
//! The files are compiled in with `include_str!`, so `rapport-demo` needs
//! nothing beside it, and every file is read by a unit test (`cargo test -p
//! rapport-demo`): a misspelt key or a wrong value fails the tests, never a
//! customer's first run.

use serde::de::DeserializeOwned;

/// Read the data file `name` (its text from `include_str!`). A mistake in it
/// panics, naming the file, line and column; the unit tests read every file,
/// so a build that passed them never does.
pub(crate) fn parse<T: DeserializeOwned>(name: &str, text: &str) -> T {
    toml::from_str(text).unwrap_or_else(|e| panic!("server/demo/data/{name}: {e}"))
}
