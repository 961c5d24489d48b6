//! The playground's shared state, provided to components as newtyped contexts.
//!
//! `app.rs` creates the signals and provides them; panels read them with the `use_*`
//! helpers below. The run itself is a [`Timeline`] (plain Rust, see `timeline.rs`):
//! components never compute Winsock facts, they render what the timeline's `Sim` reports.

use leptos::prelude::*;
use wsasim::script::compare::profiles::ProfileComparison;
use wsasim::script::ScriptError;
use wsasim::{Profile, Rule};

use crate::contrast::Contrast;
use crate::storage::Library;
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

/// The run of the same scenario under the other profile, compared with this one: the
/// queue's badges, the Why panel's note and the compare view.
#[derive(Clone, Copy)]
pub struct ContrastCtx(pub RwSignal<Option<Contrast>>);

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

/// The other profile's run, compared with this one.
pub fn use_contrast() -> RwSignal<Option<Contrast>> {
    expect_context::<ContrastCtx>().0
}

/// The playground's own state, beside the run: what the shell (editor, controls, share,
/// compare) needs. Its behaviour is in `playground.rs`.
#[derive(Clone, Copy)]
pub struct PlaygroundCtx {
    /// The editor's text: the scenario that runs (after a short pause in typing).
    pub source: RwSignal<String>,
    /// Bumped when the text is replaced from outside the editor (a preset, a link), so
    /// the text area takes the new value; typing does not bump it.
    pub loaded: RwSignal<u64>,
    /// The text of the last run (or attempt), so a pause in typing that changed nothing
    /// does not run again.
    pub last_source: StoredValue<String>,
    /// The profile the scenario runs under: the switch's choice if the user made one,
    /// else the script's `profile` line, else Documented.
    pub profile: RwSignal<Profile>,
    /// The profile the user chose with the switch (or a link's `&profile=`), which
    /// overrides the script's `profile` line; `None` follows the script.
    pub profile_choice: RwSignal<Option<Profile>>,
    /// The script's own `profile` line, if it has one.
    pub script_profile: RwSignal<Option<Profile>>,
    /// True while the editor's text has errors and the run shown is the last good one.
    pub stale: RwSignal<bool>,
    /// True while the compare view is shown (the scenario also runs under the other profile).
    pub compare_on: RwSignal<bool>,
    /// Where the two profiles' traces first differ, when the compare view is on.
    pub divergence: RwSignal<Option<Divergence>>,
    /// Both profiles' messages lined up (`wsasim::script::compare::profiles`), computed
    /// while the compare view is on.
    pub profiles: RwSignal<Option<ProfileComparison>>,
    /// A message about the link the page was opened with, if any.
    pub notice: RwSignal<Option<Notice>>,
    /// True while playing.
    pub playing: RwSignal<bool>,
    /// Playing speed, steps per second.
    pub speed: RwSignal<u32>,
    /// True while the help overlay is open.
    pub help_open: RwSignal<bool>,
    /// The panel shown alone, over the whole panel grid (`queue`, `why`, …), if any.
    pub maximized: RwSignal<Option<&'static str>>,
    /// The editor column's width in whole CSS pixels, once the user dragged the split.
    pub editor_width: RwSignal<Option<i32>>,
    /// The last share link made, shown under the toolbar.
    pub share_url: RwSignal<Option<String>>,
    /// Whether the last share link reached the clipboard (`None` while trying).
    pub share_copied: RwSignal<Option<bool>>,
    /// True in the compact layout for iframes.
    pub embed: bool,
    /// The run.
    pub run: RwSignal<Option<Timeline>>,
    /// The script's errors.
    pub errors: RwSignal<Vec<ScriptError>>,
    /// The run under the other profile, compared with this one (`None` while stale, and
    /// until it is computed, a moment after the run shows).
    pub contrast: RwSignal<Option<Contrast>>,
    /// Counts the comparisons asked for, so one computed for an older run is not shown.
    pub contrast_generation: StoredValue<u64>,
    /// Counts the runs, so the pieces of a long run still to compute stop when a newer
    /// run starts.
    pub run_generation: StoredValue<u64>,
    /// A new run of an edited script, with the step to show it at, while it is computed
    /// up to that step: until then the page keeps showing the run before the edit.
    pub pending_run: StoredValue<Option<(Timeline, usize)>>,
    /// The selection.
    pub selection: RwSignal<Selection>,
    /// The user's saved scenarios (the list; texts stay in local storage).
    pub library: RwSignal<Library>,
    /// How to take back the last preset or link opened, while it can be.
    pub undo: RwSignal<Option<Undo>>,
    /// The learning-mode session, while the mode is on.
    pub quiz: RwSignal<Option<crate::components::quiz::Session>>,
    /// The gallery and the specification, fetched at start (`crate::data`).
    pub data: crate::data::DataCtx,
}

/// A preset or a link opened as a new scenario, and what the editor held before.
#[derive(Clone, Debug, PartialEq)]
pub struct Undo {
    /// The new entry's name.
    pub name: String,
    /// The new entry.
    pub created: u64,
    /// The entry the editor held before, if any.
    pub previous: Option<u64>,
    /// The editor's text before.
    pub previous_text: String,
}

/// A message shown above the panels: about the link the page was opened with, or an
/// export refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The link could not be read; the editor kept its text.
    BadLink(String),
    /// The link's trace digest differs from this version's run, from this step on.
    TraceDiffers {
        /// The first step whose trace differs.
        step: usize,
    },
    /// The scenario cannot be exported as C: every `LINE:COL: cannot export …: why`.
    ExportRefused(Vec<String>),
    /// A file could not be opened as a scenario (`NAME:LINE:COL: expected … but found …`);
    /// the editor kept its text.
    BadFile(String),
}

/// The first difference between the run under each profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// The trace index where they first differ.
    pub index: usize,
    /// The step of the current profile's run that shows that entry.
    pub step: usize,
    /// One side per profile: documented first, then Windows.
    pub sides: [DivergenceSide; 2],
}

/// One profile's side of a [`Divergence`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DivergenceSide {
    /// The profile.
    pub profile: Profile,
    /// The step of that profile's run that shows the entry.
    pub step: usize,
    /// The entry's text, or `None` if the run had ended.
    pub entry: Option<String>,
    /// The rules behind the entry's changes: id, sentence, Windows note.
    pub rules: Vec<Rule>,
}

/// The playground signal bundle.
pub fn use_playground() -> PlaygroundCtx {
    expect_context::<PlaygroundCtx>()
}
