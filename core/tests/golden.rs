//! Golden traces: every gallery scenario passes under both profiles, and its traces (as
//! JSON lines) match `core/tests/golden/<id>.jsonl` (documented) and
//! `core/tests/golden/<id>.windows.jsonl` (Windows) byte for byte. Re-bless both with
//! `UPDATE_EXPECT=1 cargo test -p wsasim --test golden`. Each scenario also runs twice
//! under each profile to check determinism, and the scenarios of the section "Where
//! Windows differs from the page" must really differ between the profiles.

use std::path::PathBuf;

use wsasim::gallery::{Scenario, ALL};
use wsasim::script::RunOptions;
use wsasim::{Profile, Rule};

/// Both profiles, with the suffix of their golden files.
const PROFILES: [(Profile, &str); 2] = [(Profile::Documented, ""), (Profile::Windows, ".windows")];

/// The section with one scenario per point where Windows departs from the page.
const WINDOWS_SECTION: &str = "Where Windows differs from the page";

/// The points of issue 6 where Windows does what the page says: their scenarios show the
/// behaviour and give the same trace under both profiles.
const SAME_UNDER_BOTH: &[(&str, &str)] = &[
    (
        "windows-send-keeps-fd-write",
        "5: a successful send neither clears nor re-posts FD_WRITE",
    ),
    (
        "windows-shutdown-keeps-selection",
        "6: shutdown(SD_BOTH) keeps the selection; shutdown posts nothing",
    ),
    (
        "windows-failing-recv-reenables",
        "8: a failing recv re-enables FD_READ in message mode",
    ),
    (
        "windows-message-order",
        "9: the order of messages found at once",
    ),
];

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Runs a scenario's source (from the file `file`, for messages) under `profile` and
/// returns its trace as JSON lines, or why it did not pass.
fn run_source(file: &str, source: &str, profile: Profile) -> Result<String, String> {
    let options = RunOptions {
        profile: Some(profile),
        ..Default::default()
    };
    let mut runner = wsasim::script::Runner::with_options(source, options).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("{file}:{e}"))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    runner.run_to_end();
    match runner.failure() {
        Some(f) => Err(format!("{file}:{f} (profile {profile})")),
        None => Ok(runner.trace_json()),
    }
}

/// Runs a gallery scenario under `profile` (overriding its `profile` line).
fn trace_of(s: &Scenario, profile: Profile) -> Result<String, String> {
    run_source(&format!("core/scenarios/{}.wsa", s.id), s.source, profile)
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
fn sections_list_every_scenario_once_in_order() {
    let sections = wsasim::gallery::sections();
    let mut seen: Vec<&str> = Vec::new();
    for s in ALL {
        if seen.last() != Some(&s.section) {
            assert!(
                !seen.contains(&s.section),
                "{}: section {:?} is split in two",
                s.id,
                s.section
            );
            seen.push(s.section);
        }
    }
    assert_eq!(seen, sections, "sections() is not the order of ALL");
    for section in &sections {
        assert!(
            wsasim::gallery::in_section(section).next().is_some(),
            "section {section:?} is empty"
        );
    }
    assert_eq!(sections.first(), Some(&"The specification's sequences"));
    assert_eq!(sections.last(), Some(&WINDOWS_SECTION));
    assert_eq!(wsasim::gallery::in_section("no such section").count(), 0);
}

#[test]
fn titles_are_short() {
    for s in ALL {
        let title = s.title().unwrap_or_default();
        assert!(
            title.chars().count() <= 60,
            "{}: the title is {} characters long; keep it under 60 for the preset list",
            s.id,
            title.chars().count()
        );
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
        for (profile, suffix) in PROFILES {
            let actual = match trace_of(s, profile) {
                Ok(t) => t,
                Err(e) => {
                    problems.push(format!(
                        "{}: the scenario fails under profile {profile}:\n{e}",
                        s.id
                    ));
                    continue;
                }
            };
            let path = golden_dir().join(format!("{}{suffix}.jsonl", s.id));
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
                    "{}: the {profile} trace differs from {} ({}); if the change is intended, re-bless with `UPDATE_EXPECT=1 cargo test -p wsasim --test golden`",
                    s.id,
                    path.display(),
                    first_difference(&expected, &actual)
                )),
                Ok(_) => {}
            }
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
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".jsonl") else {
            continue;
        };
        let id = stem.strip_suffix(".windows").unwrap_or(stem);
        assert!(
            wsasim::gallery::get(id).is_some(),
            "{} has no scenario in the gallery: delete it",
            path.display()
        );
    }
}

#[test]
fn every_scenario_is_deterministic() {
    for s in ALL {
        for (profile, _) in PROFILES {
            let first = trace_of(s, profile);
            let second = trace_of(s, profile);
            assert_eq!(
                first, second,
                "{}: two runs under profile {profile} gave different traces",
                s.id
            );
        }
    }
}

#[test]
fn the_windows_section_has_one_scenario_per_point() {
    let ids: Vec<_> = wsasim::gallery::in_section(WINDOWS_SECTION)
        .map(|s| s.id)
        .collect();
    assert_eq!(
        ids,
        [
            "windows-profile-differences",      // an overview of points 1 and 2
            "windows-reset-connaborted",        // 1
            "windows-close-at-fin",             // 2
            "windows-reselect-reposts",         // 3
            "windows-udp-fd-write",             // 4
            "windows-send-keeps-fd-write",      // 5
            "windows-shutdown-keeps-selection", // 6
            "windows-urgent-bytes",             // 7
            "windows-failing-recv-reenables",   // 8
            "windows-message-order",            // 9
            "windows-event-select",             // 10
        ]
    );
    for (id, _) in SAME_UNDER_BOTH {
        assert!(ids.contains(id), "{id} is not in the Windows section");
    }
}

#[test]
fn the_windows_sections_scenarios_differ_between_profiles() {
    for s in wsasim::gallery::in_section(WINDOWS_SECTION) {
        let documented = trace_of(s, Profile::Documented).unwrap();
        let windows = trace_of(s, Profile::Windows).unwrap();
        match SAME_UNDER_BOTH.iter().find(|(id, _)| *id == s.id) {
            Some((_, point)) => assert!(
                documented == windows,
                "{}: point {point} is the same under both profiles, but the traces differ ({})",
                s.id,
                first_difference(&documented, &windows)
            ),
            None => assert_ne!(
                documented, windows,
                "{}: the documented and Windows traces are the same",
                s.id
            ),
        }
    }
}

/// The `if PROFILE:` lines of a source: (line index, profile, the statement without `if`).
fn profile_lines(source: &str) -> Vec<(usize, Profile, &str)> {
    source
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let rest = line.trim_start().strip_prefix("if ")?;
            let (name, stmt) = rest.split_once(':')?;
            Some((i, name.trim().parse().ok()?, stmt.trim_start()))
        })
        .collect()
}

#[test]
fn every_profile_condition_is_needed() {
    // Each `if P: STATEMENT` made unconditional must make the scenario fail under the other
    // profile, either as it is or with the other profile's own `if` lines left out (they
    // often consume the same message or event record first): an `if` that fails neither
    // way hides nothing.
    let mut problems = Vec::new();
    for s in ALL {
        let conditional = profile_lines(s.source);
        for &(index, profile, stmt) in &conditional {
            let other = match profile {
                Profile::Documented => Profile::Windows,
                Profile::Windows => Profile::Documented,
            };
            let needed = [false, true].into_iter().any(|leave_out_other| {
                let changed: String = s
                    .source
                    .lines()
                    .enumerate()
                    .filter(|(i, _)| {
                        !leave_out_other || !conditional.iter().any(|c| c.0 == *i && c.1 == other)
                    })
                    .map(|(i, line)| if i == index { stmt } else { line })
                    .flat_map(|line| [line, "\n"])
                    .collect();
                run_source(s.id, &changed, other).is_err()
            });
            if !needed {
                problems.push(format!(
                    "core/scenarios/{}.wsa:{}: `if {profile}:` is not needed: the statement also holds under {other}",
                    s.id,
                    index + 1
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn the_windows_section_shows_every_rule_with_a_windows_note() {
    let traces: Vec<String> = wsasim::gallery::in_section(WINDOWS_SECTION)
        .flat_map(|s| PROFILES.map(|(p, _)| trace_of(s, p).unwrap()))
        .collect();
    for rule in Rule::ALL {
        if rule.windows_differs().is_none() {
            continue;
        }
        let quoted = format!("\"{}\"", rule.id());
        let bracketed = format!("[{}]", rule.id());
        assert!(
            traces
                .iter()
                .any(|t| t.contains(&quoted) || t.contains(&bracketed)),
            "no scenario of {WINDOWS_SECTION:?} shows rule {} ({})",
            rule.id(),
            rule.windows_differs().unwrap_or_default()
        );
    }
}

/// The fenced blocks of `docs/scenario-language.md` with this info string.
fn doc_blocks(info: &str) -> Vec<String> {
    let doc = include_str!("../../docs/scenario-language.md");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match current.as_mut() {
            Some(_) if line == "```" => blocks.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None if line.strip_prefix("```") == Some(info) => current = Some(String::new()),
            None => {}
        }
    }
    blocks
}

#[test]
fn the_documents_windows_examples_pass() {
    let blocks = doc_blocks("wsa-windows");
    assert_eq!(
        blocks.len(),
        1,
        "one ```wsa-windows example in the document"
    );
    for block in &blocks {
        run_source("docs/scenario-language.md", block, Profile::Windows).unwrap();
    }
}

#[test]
fn the_documents_two_profile_example_passes_under_both() {
    let blocks = doc_blocks("wsa-both");
    assert_eq!(blocks.len(), 1, "one ```wsa-both example in the document");
    for block in &blocks {
        let documented =
            run_source("docs/scenario-language.md", block, Profile::Documented).unwrap();
        let windows = run_source("docs/scenario-language.md", block, Profile::Windows).unwrap();
        assert_ne!(documented, windows, "the example should show a difference");
        assert!(!profile_lines(block).is_empty());
    }
}

const AMBIGUOUS_SECTION: &str = "Where the page is ambiguous";

#[test]
fn the_ambiguous_section_shows_every_ambiguity_and_the_doc_names_its_scenario() {
    let doc = include_str!("../../docs/ambiguities.md");
    let mut shown: Vec<(wsasim::Ambiguity, &str)> = Vec::new();
    for s in wsasim::gallery::in_section(AMBIGUOUS_SECTION) {
        let mut runner = wsasim::script::Runner::new(s.source).expect("parses");
        runner.run_to_end();
        assert_eq!(runner.failure(), None, "{}", s.id);
        for e in runner.sim().trace().iter() {
            for c in &e.changes {
                shown.extend(c.ambiguities().into_iter().map(|a| (a, s.id)));
            }
        }
    }
    for a in wsasim::Ambiguity::ALL {
        let ids: Vec<&str> = shown
            .iter()
            .filter(|(b, _)| b == a)
            .map(|(_, id)| *id)
            .collect();
        assert!(
            !ids.is_empty(),
            "no scenario of {AMBIGUOUS_SECTION:?} shows {a}"
        );
        let row = doc
            .lines()
            .find(|l| l.contains(&format!("(#{})", a.id())))
            .unwrap_or_else(|| panic!("docs/ambiguities.md's table has no row for {a}"));
        assert!(
            ids.iter().any(|id| row.contains(&format!("`{id}`"))),
            "docs/ambiguities.md names the wrong scenario for {a}: {row} (shown by {ids:?})"
        );
    }
}
