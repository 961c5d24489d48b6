//! Tests for the keyboard shortcuts.

use super::*;

#[test]
fn arrows_step_and_space_plays() {
    assert_eq!(
        action("ArrowRight", false, false, "BODY"),
        Some(Action::Forward)
    );
    assert_eq!(
        action("ArrowLeft", false, false, "BODY"),
        Some(Action::Back)
    );
    assert_eq!(
        action("ArrowRight", true, false, "BODY"),
        Some(Action::ForwardMany)
    );
    assert_eq!(action("Home", false, false, "DIV"), Some(Action::Reset));
    assert_eq!(action("End", false, false, "DIV"), Some(Action::End));
    assert_eq!(action(" ", false, false, "BODY"), Some(Action::PlayPause));
    assert_eq!(action("?", true, false, "BODY"), Some(Action::Help));
    assert_eq!(action("Escape", false, false, "BODY"), Some(Action::Close));
}

#[test]
fn nothing_fires_while_typing() {
    for tag in ["TEXTAREA", "INPUT", "SELECT"] {
        for key in ["ArrowRight", "ArrowLeft", " ", "Home", "?", "h", "p"] {
            assert_eq!(action(key, false, false, tag), None, "{key} in {tag}");
        }
    }
}

#[test]
fn buttons_keep_space_and_enter_but_not_arrows() {
    assert_eq!(action(" ", false, false, "BUTTON"), None);
    assert_eq!(action("Enter", false, false, "BUTTON"), None);
    assert_eq!(
        action("ArrowRight", false, false, "BUTTON"),
        Some(Action::Forward)
    );
}

#[test]
fn browser_shortcuts_are_left_alone() {
    assert_eq!(action("ArrowLeft", false, true, "BODY"), None);
    assert_eq!(action("l", false, true, "BODY"), None);
    assert_eq!(action("z", false, false, "BODY"), None);
    assert_eq!(action("x", false, false, "BODY"), Some(Action::ExportC));
}

#[test]
fn the_help_lists_every_action_key() {
    let listed: String = SHORTCUTS.iter().map(|(k, _)| *k).collect();
    for key in [
        "→", "←", "Home", "End", "Space", "?", "Esc", "p", "c", "x", "e",
    ] {
        assert!(listed.contains(key), "{key} missing from the help");
    }
}

#[test]
fn space_on_a_focused_row_selects_it_and_does_not_play() {
    assert_eq!(action(" ", false, false, "ROW"), None);
    assert_eq!(action("Enter", false, false, "ROW"), None);
    assert_eq!(
        action("ArrowRight", false, false, "ROW"),
        Some(Action::Forward)
    );
}
