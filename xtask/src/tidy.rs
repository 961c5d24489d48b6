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

/// The module a file of `core/src` is (`trace::note` for `trace/note.rs`, `trace` for
/// `trace/mod.rs`), or `None` for the crate root.
fn module_of(src: &Path, file: &Path) -> Option<Vec<String>> {
    let rel = file.strip_prefix(src).ok()?.with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts == ["lib"] {
        return None;
    }
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    Some(parts)
}

/// The modules a file's code names: every `crate::a::b` and `super::a` path outside
/// comments and the trailing `#[cfg(test)]` module, resolved to the longest module that
/// exists.
fn imports_of(text: &str, me: &[String], modules: &[Vec<String>]) -> Vec<Vec<String>> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let parent = &me[..me.len().saturating_sub(1)];
    let mut found = Vec::new();
    for line in code.lines() {
        let t = line.trim_start();
        if t.starts_with("//") {
            continue;
        }
        for (start, base) in [("crate::", &[][..]), ("super::", parent)] {
            let mut rest = line;
            while let Some(i) = rest.find(start) {
                let boundary = rest[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                let after = &rest[i + start.len()..];
                rest = after;
                if !boundary {
                    continue;
                }
                let mut path: Vec<String> = base.to_vec();
                // Module names are lower case; a type, a `{` or the end of the path stops it.
                path.extend(after.split("::").map_while(|seg| {
                    let name: String = seg
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                        .collect();
                    (!name.is_empty()).then_some(name)
                }));
                let target = (0..=path.len())
                    .rev()
                    .map(|k| &path[..k])
                    .find(|p| modules.iter().any(|m| m == p));
                if let Some(t) = target {
                    if !t.is_empty() && t != me && !found.iter().any(|f: &Vec<String>| f == t) {
                        found.push(t.to_vec());
                    }
                }
            }
        }
    }
    found
}

#[test]
fn core_modules_import_each_other_without_a_cycle() {
    let src = project_root().join("core/src");
    let files = rust_files(&src);
    let named: Vec<(Vec<String>, PathBuf)> = files
        .iter()
        .filter_map(|f| module_of(&src, f).map(|m| (m, f.clone())))
        .collect();
    let modules: Vec<Vec<String>> = named.iter().map(|(m, _)| m.clone()).collect();
    // The graph of the crate's top-level modules (a folder is one module): a file's edges
    // are its module's. Test modules are left out: a test may use anything.
    let mut tops: Vec<String> = modules.iter().map(|m| m[0].clone()).collect();
    tops.sort();
    tops.dedup();
    let top = |m: &[String]| tops.iter().position(|t| *t == m[0]).unwrap();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); tops.len()];
    for (m, f) in &named {
        if m.last().is_some_and(|s| s == "tests") {
            continue;
        }
        let text = fs::read_to_string(f).unwrap();
        for t in imports_of(&text, m, &modules) {
            let (from, to) = (top(m), top(&t));
            if from != to && !edges[from].contains(&to) {
                edges[from].push(to);
            }
        }
    }
    assert!(
        edges.iter().map(Vec::len).sum::<usize>() > 40,
        "the import scan found too few imports to be working"
    );
    // Depth-first search with colours; a grey node reached again closes a cycle.
    fn visit(
        v: usize,
        edges: &[Vec<usize>],
        colour: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        colour[v] = 1;
        stack.push(v);
        for &w in &edges[v] {
            if colour[w] == 1 {
                let from = stack.iter().position(|&x| x == w).unwrap();
                let mut cycle = stack[from..].to_vec();
                cycle.push(w);
                return Some(cycle);
            }
            if colour[w] == 0 {
                if let Some(c) = visit(w, edges, colour, stack) {
                    return Some(c);
                }
            }
        }
        stack.pop();
        colour[v] = 2;
        None
    }
    let mut colour = vec![0u8; tops.len()];
    for v in 0..tops.len() {
        if colour[v] == 0 {
            if let Some(cycle) = visit(v, &edges, &mut colour, &mut Vec::new()) {
                let names: Vec<&str> = cycle.iter().map(|&i| tops[i].as_str()).collect();
                panic!(
                    "core's modules import each other in a cycle: {} (ARCHITECTURE.md: lower \
                     layers never import the ones above them)",
                    names.join(" -> ")
                );
            }
        }
    }
}

/// The code of a source file that ships: its lines before a trailing `#[cfg(test)]`
/// module, or none for a test file.
fn shipped_lines(file: &Path) -> Vec<(usize, String)> {
    let name = file.file_name().unwrap_or_default();
    if name == "tests.rs" || file.components().any(|c| c.as_os_str() == "tests") {
        return Vec::new();
    }
    fs::read_to_string(file)
        .unwrap()
        .lines()
        .take_while(|l| l.trim() != "#[cfg(test)]")
        .enumerate()
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect()
}

#[test]
fn the_playground_module_holds_each_generic_list_show_and_sort_once() {
    // Each `<For>` is its keyed diffing once more in the WebAssembly module, each `<Show>`
    // its memo and branch switching, and each slice sort its sorting code (README,
    // "Size": 15.8, 3.4 and 9.4 KB gzip came out).
    // Spelled in pieces so this file does not trip its own check.
    let for_list = concat!("<", "For");
    let show = concat!("<", "Show");
    let sorts = [
        concat!(".so", "rt("),
        concat!(".so", "rt_by"),
        concat!(".so", "rt_unstable"),
    ];
    let root = project_root();
    let mut found = Vec::new();
    for dir in ["core/src", "web/src"] {
        for file in rust_files(&root.join(dir)) {
            let keyed_home = file.ends_with("web/src/components/mod.rs");
            for (n, line) in shipped_lines(&file) {
                let code = line.split("//").next().unwrap_or("");
                let bad = (code.contains(for_list) && !keyed_home)
                    || code.contains(show)
                    || sorts.iter().any(|s| code.contains(s));
                if bad {
                    found.push(format!("{}:{n}: {}", relative(&file), line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "use `components::keyed` for a keyed list, `components::When` for `Show`, and for \
         order a map filled by `extend`, the heap's `into_sorted_vec` or an insertion sort \
         of a short list:\n  {}",
        found.join("\n  ")
    );
}
