//! `cargo xtask lint` checks that the top-level modules of each crate import
//! each other one way only: a circle (pages -> components -> pages) means two
//! modules cannot be understood, or moved, one without the other.
//!
//! It reads `crate::<module>` paths in the sources (a plain text scan: enough
//! for this codebase, where every import names its module that way). Unit
//! tests at the end of a file (`#[cfg(test)] mod tests`) are left out.

use crate::Result;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The source folders whose top-level modules must not import in a circle.
const CRATES: [&str; 6] = [
    "app/types/src",
    "app/src",
    "server/search/src",
    "server/core/src",
    "server/demo/src",
    "server/src",
];

pub fn check(root: &Path) -> Result {
    let mut circles = Vec::new();
    for source in CRATES {
        let graph = import_graph(&root.join(source))?;
        if let Some(circle) = find_circle(&graph) {
            circles.push(format!("{source}: {}", circle.join(" -> ")));
        }
    }
    if circles.is_empty() {
        println!("    top-level modules import one way in every crate");
        Ok(())
    } else {
        Err(format!(
            "modules import each other in a circle (move what both need into a module of its own):\n  {}",
            circles.join("\n  ")
        ))
    }
}

/// Module -> the other top-level modules its files import.
fn import_graph(source: &Path) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut files: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let entries =
        std::fs::read_dir(source).map_err(|e| format!("reading {}: {e}", source.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if path.is_dir() {
            rust_files(&path, files.entry(name).or_default());
        } else if path.extension().is_some_and(|e| e == "rs") && name != "lib" && name != "main" {
            files.entry(name).or_default().push(path);
        }
    }
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (module, paths) in &files {
        let mut imports = BTreeSet::new();
        for path in paths {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let code = text
                .split("#[cfg(test)]\nmod tests")
                .next()
                .unwrap_or_default();
            for (at, _) in code.match_indices("crate::") {
                let name: String = code[at + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if name != *module && modules.contains(&name) {
                    imports.insert(name);
                }
            }
        }
        graph.insert(module.clone(), imports);
    }
    Ok(graph)
}

fn rust_files(folder: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// A circle of imports, first module repeated at the end, if there is one.
fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == module) {
            let mut circle = path[start..].to_vec();
            circle.push(module.to_string());
            return Some(circle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_string());
        for next in graph.get(module).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(module.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|module| visit(module, graph, &mut Vec::new(), &mut done))
}
