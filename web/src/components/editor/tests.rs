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
fn the_gutter_text_numbers_its_lines() {
    assert_eq!(gutter_text(1, 1), "1");
    assert_eq!(gutter_text(1, 3), "1\n2\n3");
    assert_eq!(gutter_text(65, 128).lines().count(), 64);
    assert!(gutter_text(65, 128).starts_with("65\n66\n"));
}

#[test]
fn the_gutter_numbers_the_lines_in_view_and_a_view_either_side() {
    // A short script: every line.
    assert_eq!(gutter_window(1, 0.0, 900.0), (1, 1));
    assert_eq!(gutter_window(30, 0.0, 900.0), (1, 30));
    // A long one at its top: the first view and the next, in whole blocks.
    let (first, last) = gutter_window(20_000, 0.0, 900.0);
    assert_eq!(first, 1);
    assert!(
        last >= 2 * 46 && last % GUTTER_BLOCK == 0 && last < 300,
        "{last}"
    );
    // Deep in it: the lines in view are covered, and only a few hundred are numbered.
    let top = PAD_TOP + 9_999.0 * LINE_HEIGHT; // line 10,000 at the top of the view
    let (first, last) = gutter_window(20_000, top, 900.0);
    assert!(
        first <= 10_000 - 46 && last >= 10_000 + 2 * 46,
        "{first}..{last}"
    );
    assert!(last - first < 400, "{first}..{last}");
    assert_eq!((first - 1) % GUTTER_BLOCK, 0);
    // At its end: clamped to the last line.
    let end = PAD_TOP + 19_990.0 * LINE_HEIGHT;
    assert_eq!(gutter_window(20_000, end, 900.0).1, 20_000);
}

#[test]
fn the_gutter_keeps_its_lines_while_the_view_moves_within_a_block() {
    // Scrolling by a few lines, or typing a line, leaves the numbered lines as they were,
    // so the gutter is not redrawn.
    let at = |line: f64| PAD_TOP + line * LINE_HEIGHT;
    let w = gutter_window(20_000, at(1_030.0), 900.0);
    assert_eq!(gutter_window(20_000, at(1_040.0), 900.0), w);
    assert_eq!(gutter_window(20_001, at(1_030.0), 900.0), w);
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
