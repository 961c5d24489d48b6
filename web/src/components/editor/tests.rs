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
fn the_gutter_numbers_the_lines_around_the_view() {
    // A short script: every line.
    assert_eq!(gutter_window(1, 0), (1, 1));
    assert_eq!(gutter_window(30, 0), (1, 30));
    // A long one at its top: the lines from the first, in whole blocks.
    let (first, last) = gutter_window(20_000, 0);
    assert_eq!(first, 1);
    assert!(
        last > GUTTER_BELOW && last % GUTTER_BLOCK == 0 && last < 300,
        "{last}"
    );
    // Deep in it: the lines around the view are covered, and only a few hundred numbered.
    let top = line_at(PAD_TOP + 9_999.0 * LINE_HEIGHT);
    assert_eq!(top, 9_999, "line 10,000 at the top of the view");
    let (first, last) = gutter_window(20_000, top);
    assert!(
        first + GUTTER_ABOVE <= 10_000 && last >= 9_999 + GUTTER_BELOW,
        "{first}..{last}"
    );
    assert!(last - first < 400, "{first}..{last}");
    assert_eq!((first - 1) % GUTTER_BLOCK, 0);
    // At its end: clamped to the last line.
    assert_eq!(gutter_window(20_000, 19_990).1, 20_000);
}

#[test]
fn the_gutter_keeps_its_lines_while_the_view_moves_within_a_block() {
    // Scrolling by a few lines, or typing a line, leaves the numbered lines as they were,
    // so the gutter is not redrawn.
    let w = gutter_window(20_000, 1_030);
    assert_eq!(gutter_window(20_000, 1_040), w);
    assert_eq!(gutter_window(20_001, 1_030), w);
}
