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
fn the_example_scenario_runs_under_both_profiles() {
    assert!(EXAMPLE_SCENARIO.contains("WSAAsyncSelect("));
    assert!(
        !EXAMPLE_SCENARIO.contains('\t'),
        "the editor shows spaces only"
    );
    for p in [wsasim::Profile::Documented, wsasim::Profile::Windows] {
        let t = crate::timeline::Timeline::with_profile(EXAMPLE_SCENARIO, p).unwrap();
        assert!(t.failure().is_none(), "{p:?}: {:?}", t.failure());
        assert!(t.len() > 5);
    }
}

#[test]
fn the_gutter_numbers_every_line() {
    assert_eq!(gutter_text(1), "1");
    assert_eq!(gutter_text(3), "1\n2\n3");
    assert_eq!(gutter_text(1000).lines().count(), 1000);
}

#[test]
fn widest_line_counts_characters() {
    assert_eq!(widest_line(""), 0);
    assert_eq!(widest_line("ab\nabcd\né"), 4);
}

#[test]
fn offsets_find_a_line_and_column() {
    let t = "ab\ncdé\nf";
    assert_eq!(offset_of(t, 1, 1), 0);
    assert_eq!(offset_of(t, 2, 1), 3);
    assert_eq!(offset_of(t, 2, 3), 5);
    assert_eq!(offset_of(t, 2, 99), 6, "clamped to the line");
    assert_eq!(offset_of(t, 3, 1), 7);
    assert_eq!(offset_of(t, 9, 1), 8, "clamped to the text");
}
