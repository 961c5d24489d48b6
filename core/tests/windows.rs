//! Runs every scenario of `core/tests/windows/` under the Windows profile: each line
//! encodes an assertion of Wine's conformance tests (`dlls/ws2_32/tests/sock.c`) that
//! holds on Windows, so every one must pass.

use std::path::PathBuf;

use wsasim::script::{RunOptions, Runner};
use wsasim::Profile;

#[test]
fn every_windows_conformance_scenario_passes_under_the_windows_profile() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/windows");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("core/tests/windows exists")
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wsa"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenario in core/tests/windows");
    let mut failures = Vec::new();
    for path in &files {
        let source = std::fs::read_to_string(path).expect("readable scenario");
        let name = path.file_name().unwrap().to_string_lossy();
        let options = RunOptions {
            profile: Some(Profile::Windows),
            ..Default::default()
        };
        match Runner::with_options(&source, options) {
            Err(errors) => failures.extend(errors.iter().map(|e| format!("{name}:{e}"))),
            Ok(mut runner) => {
                runner.run_to_end();
                if let Some(f) = runner.failure() {
                    failures.push(format!("{name}:{f}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
