//! The playground's panels, one module per panel.
//!
//! Components are thin: they hold view state (what the user typed) and ask `wsasim`
//! every Winsock question. The shell (header, editor, controls, presets, share, help,
//! compare) acts through `playground.rs`; the data panels read the contexts of `state.rs`.

pub mod compare;
pub mod controls;
pub mod editor;
pub mod export;
pub mod exports;
pub mod header;
pub mod help;
pub mod latches;
pub mod library;
pub mod lparam;
pub mod presets;
pub mod queue;
pub mod quiz;
pub mod share;
pub mod sockets;
pub mod trace_log;
pub mod why;
pub mod wire;

pub use compare::CompareView;
pub use controls::Controls;
pub use editor::Editor;
pub use export::ExportButton;
pub use exports::ExportMenu;
pub use header::Header;
pub use help::HelpOverlay;
pub use latches::Latches;
pub use library::MyScenarios;
pub use lparam::LParamDecoder;
pub use presets::Presets;
pub use queue::MessageQueue;
pub use quiz::{QuizButton, QuizPanel};
pub use share::{ShareBox, ShareButton};
pub use sockets::Sockets;
pub use trace_log::TraceLog;
pub use why::Why;
pub use wire::Wire;

use leptos::prelude::*;

/// A cell of a row kept across steps (the sockets table, the latch grid): what `f` reads
/// from the row's memo, or the default once the row is gone. The cell updates in place
/// when the row changes.
fn field<R, T>(row: Memo<Option<R>>, f: fn(&R) -> T) -> impl Fn() -> T + Copy
where
    R: Send + Sync + 'static,
    T: Default,
{
    move || row.with(|r| r.as_ref().map(f).unwrap_or_default())
}
