//! The playground's shared state, provided to components as newtyped contexts.
//!
//! `app.rs` creates the signals and provides them; panels read them with the `use_*`
//! helpers below. The run itself is a [`Timeline`] (plain Rust, see `timeline.rs`):
//! components never compute Winsock facts, they render what the timeline's `Sim` reports.

use leptos::prelude::*;
use wsasim::script::ScriptError;

use crate::timeline::Timeline;

/// The scenario's run, moved by the controls; `None` while the script has errors.
#[derive(Clone, Copy)]
pub struct RunCtx(pub RwSignal<Option<Timeline>>);

/// The errors of the script in the editor (empty when it runs).
#[derive(Clone, Copy)]
pub struct ErrorsCtx(pub RwSignal<Vec<ScriptError>>);

/// What the user selected, for the lParam decoder and the "why" panel.
#[derive(Clone, Copy)]
pub struct SelectionCtx(pub RwSignal<Selection>);

/// The run of the same scenario under the other profile, for the compare view.
#[derive(Clone, Copy)]
pub struct CompareCtx(pub RwSignal<Option<Timeline>>);

/// A selected thing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// Nothing selected: panels show the latest step.
    #[default]
    None,
    /// A posted message, by its `Message::id`.
    Message(u64),
    /// A trace entry, by index.
    Entry(usize),
}

/// The run signal.
pub fn use_run() -> RwSignal<Option<Timeline>> {
    expect_context::<RunCtx>().0
}

/// The script errors signal.
pub fn use_errors() -> RwSignal<Vec<ScriptError>> {
    expect_context::<ErrorsCtx>().0
}

/// The selection signal.
pub fn use_selection() -> RwSignal<Selection> {
    expect_context::<SelectionCtx>().0
}

/// The compare-run signal.
pub fn use_compare() -> RwSignal<Option<Timeline>> {
    expect_context::<CompareCtx>().0
}
