//! Tests for the scenario editor's plain-Rust helpers.

use super::*;

#[test]
fn line_count_counts_lines_not_newlines() {
    assert_eq!(line_count(""), 1);
    assert_eq!(line_count("a"), 1);
    assert_eq!(line_count("a\nb"), 2);
    assert_eq!(line_count("a\n\nb"), 3);
}

#[test]
fn the_example_scenario_selects_and_expects_messages() {
    assert!(EXAMPLE_SCENARIO.contains("WSAAsyncSelect("));
    assert!(EXAMPLE_SCENARIO
        .lines()
        .any(|l| l.starts_with("expect main:")));
    assert!(
        !EXAMPLE_SCENARIO.contains('\t'),
        "the editor shows spaces only"
    );
}
