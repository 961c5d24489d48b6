//! Keyboard shortcuts: which key does what, as data, so the help overlay and the
//! handler cannot disagree.
//!
//! Shortcuts never fire while the user types in a text field (the editor, the lParam
//! input): [`action`] is given the focused element's tag and returns `None` there.
//! Press Esc in the editor to leave it; the shortcuts work again.

#[cfg(test)]
mod tests;

/// What a shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// One step forward.
    Forward,
    /// One step back.
    Back,
    /// Back to step 0.
    Reset,
    /// To the last step.
    End,
    /// Play or pause.
    PlayPause,
    /// Ten steps forward.
    ForwardMany,
    /// Ten steps back.
    BackMany,
    /// Switch between the documented and the Windows profile.
    ToggleProfile,
    /// Show or hide the compare view.
    ToggleCompare,
    /// Download the scenario as a C program.
    ExportC,
    /// Put the cursor in the editor.
    FocusEditor,
    /// Show the help overlay.
    Help,
    /// Close the help overlay (or any open popup).
    Close,
}

/// Every shortcut, as the help overlay lists it: keys, then what they do.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("→  or  l", "step forward"),
    ("←  or  h", "step back"),
    ("Shift+→  /  Shift+←", "ten steps forward / back"),
    ("Home  or  0", "reset to step 0"),
    ("End  or  $", "run to the end"),
    ("Space  or  k", "play / pause"),
    ("p", "switch profile (Documented / Windows)"),
    ("c", "show / hide the compare view"),
    ("x", "export the scenario as a C program"),
    ("e", "edit the scenario (Esc leaves the editor)"),
    ("q", "learning mode: predict the next message (on / off)"),
    (
        "1 … 9  then  Enter or n",
        "in learning mode: answer, then the next question",
    ),
    ("?", "this help"),
    ("Esc", "close this help"),
];

/// The action for a key press, or `None` to let the browser handle it.
///
/// `key` is `KeyboardEvent.key`; `target_tag` is the focused element's tag name
/// (upper case, as the DOM gives it, or `ROW` for a selectable row); `modifier` is true if Ctrl, Alt or Meta is held.
pub fn action(key: &str, shift: bool, modifier: bool, target_tag: &str) -> Option<Action> {
    if modifier {
        return None;
    }
    let typing = matches!(target_tag, "TEXTAREA" | "INPUT" | "SELECT");
    if typing {
        return None;
    }
    // On a focused button or link, Space and Enter press it; on a focused row of a list
    // (a message, a trace entry: `ROW`, see `app.rs`) they select it. Leave them alone.
    if matches!(target_tag, "BUTTON" | "A" | "SUMMARY" | "ROW") && matches!(key, " " | "Enter") {
        return None;
    }
    Some(match key {
        "ArrowRight" if shift => Action::ForwardMany,
        "ArrowLeft" if shift => Action::BackMany,
        "ArrowRight" | "l" => Action::Forward,
        "ArrowLeft" | "h" => Action::Back,
        "L" => Action::ForwardMany,
        "H" => Action::BackMany,
        "Home" | "0" => Action::Reset,
        "End" | "$" => Action::End,
        " " | "k" => Action::PlayPause,
        "p" => Action::ToggleProfile,
        "c" => Action::ToggleCompare,
        "x" => Action::ExportC,
        "e" => Action::FocusEditor,
        "?" => Action::Help,
        "Escape" => Action::Close,
        _ => return None,
    })
}
