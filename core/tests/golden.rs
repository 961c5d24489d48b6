//! Golden traces: every gallery scenario passes, and its trace (as JSON lines) matches
//! `core/tests/golden/<id>.jsonl` byte for byte. Re-bless with `UPDATE_EXPECT=1 cargo test
//! -p wsasim --test golden`. Each scenario also runs twice to check determinism.

use std::path::PathBuf;

use wsasim::gallery::{Scenario, ALL};

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Runs a scenario and returns its trace as JSON lines, or why it did not pass.
fn trace_of(s: &Scenario) -> Result<String, String> {
    match wsasim::script::run(s.source) {
        Err(errors) => Err(errors
            .iter()
            .map(|e| format!("core/scenarios/{}.wsa:{e}", s.id))
            .collect::<Vec<_>>()
            .join("\n")),
        Ok(report) => match report.failure {
            Some(f) => Err(format!("core/scenarios/{}.wsa:{f}", s.id)),
            None => Ok(report.sim.trace_json()),
        },
    }
}

/// The first line where two texts differ, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            return format!(
                "first difference at line {}:\n  expected: {}\n  actual:   {}",
                i + 1,
                x.unwrap_or(&"(end of file)"),
                y.unwrap_or(&"(end of trace)")
            );
        }
    }
    "no line differs (line endings?)".into()
}

#[test]
fn gallery_is_not_empty_and_ids_are_unique() {
    assert!(
        ALL.len() >= 20,
        "the gallery should have at least 20 scenarios"
    );
    let mut ids: Vec<_> = ALL.iter().map(|s| s.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), ALL.len(), "duplicate gallery ids");
    for s in ALL {
        assert!(s.title().is_some(), "{}: no title", s.id);
        assert!(s.about().is_some(), "{}: no about", s.id);
    }
}

#[test]
fn every_scenario_file_is_in_the_gallery() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for entry in std::fs::read_dir(dir).expect("core/scenarios exists") {
        let path = entry.expect("readable directory").path();
        if path.extension().is_some_and(|e| e == "wsa") {
            let id = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(
                wsasim::gallery::get(&id).is_some(),
                "core/scenarios/{id}.wsa is not listed in core/src/gallery.rs"
            );
        }
    }
}

#[test]
fn golden_traces() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v != "0");
    let mut problems = Vec::new();
    for s in ALL {
        let actual = match trace_of(s) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{}: the scenario fails:\n{e}", s.id));
                continue;
            }
        };
        let path = golden_dir().join(format!("{}.jsonl", s.id));
        if update {
            std::fs::create_dir_all(golden_dir()).expect("create core/tests/golden");
            std::fs::write(&path, &actual).expect("write golden file");
            continue;
        }
        match std::fs::read_to_string(&path) {
            Err(_) => problems.push(format!(
                "{}: no golden file {}; bless it with `UPDATE_EXPECT=1 cargo test -p wsasim --test golden`",
                s.id,
                path.display()
            )),
            Ok(expected) if expected != actual => problems.push(format!(
                "{}: the trace differs from {} ({}); if the change is intended, re-bless with `UPDATE_EXPECT=1 cargo test -p wsasim --test golden`",
                s.id,
                path.display(),
                first_difference(&expected, &actual)
            )),
            Ok(_) => {}
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n\n"));
}

#[test]
fn golden_files_have_a_scenario() {
    let Ok(dir) = std::fs::read_dir(golden_dir()) else {
        return;
    };
    for entry in dir {
        let path = entry.expect("readable directory").path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let id = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(
                wsasim::gallery::get(&id).is_some(),
                "{} has no scenario in the gallery: delete it",
                path.display()
            );
        }
    }
}

#[test]
fn every_scenario_is_deterministic() {
    for s in ALL {
        let first = trace_of(s);
        let second = trace_of(s);
        assert_eq!(first, second, "{}: two runs gave different traces", s.id);
    }
}
