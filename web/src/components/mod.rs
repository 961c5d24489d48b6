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
