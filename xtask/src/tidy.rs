//! Tidy checks over the workspace's sources, run by plain `cargo test` (rust-analyzer style).

use std::fs;
use std::path::{Path, PathBuf};

use crate::project_root;

/// Every `.rs` file under `dir`, recursively, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("invariant: a listed entry can be read").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The workspace's member folders, read from the root `Cargo.toml` (`members = [...]`).
fn members() -> Vec<String> {
    let manifest = fs::read_to_string(project_root().join("Cargo.toml")).unwrap();
    let line = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("members"))
        .expect("the root Cargo.toml lists its members on one line");
    let list = line
        .split_once('[')
        .and_then(|(_, rest)| rest.split_once(']'))
        .unwrap()
        .0;
    let members: Vec<String> = list
        .split(',')
        .map(|m| m.trim().trim_matches('"').to_string())
        .filter(|m| !m.is_empty())
        .collect();
    for required in ["core", "web", "xtask"] {
        assert!(
            members.iter().any(|m| m == required),
            "{required} is a workspace member"
        );
    }
    members
}

fn relative(path: &Path) -> String {
    path.strip_prefix(project_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let root = project_root();
    let mut missing = Vec::new();
    for member in members() {
        let dir = format!("{member}/src");
        let files = rust_files(&root.join(&dir));
        assert!(!files.is_empty(), "tidy found no .rs files in {dir}");
        for file in files {
            let text = fs::read_to_string(&file).unwrap();
            if !text.trim_start().starts_with("//!") {
                missing.push(relative(&file));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "these files must start with a `//!` line saying what they are for:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn no_should_panic_and_no_ignored_tests() {
    // Spelled in pieces so this file does not trip its own check.
    let banned = [concat!("#[should", "_panic"), concat!("#[ig", "nore")];
    let root = project_root();
    let mut found = Vec::new();
    for member in members() {
        for file in rust_files(&root.join(member)) {
            let text = fs::read_to_string(&file).unwrap();
            for (i, line) in text.lines().enumerate() {
                let squeezed: String = line.split_whitespace().collect();
                for b in banned {
                    if squeezed.contains(b) {
                        found.push(format!("{}:{}: {}", relative(&file), i + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "no `should_panic` or `ignore` tests: assert on a returned error instead, and gate \
         slow tests behind an env var run by `cargo xtask test`:\n  {}",
        found.join("\n  ")
    );
}
