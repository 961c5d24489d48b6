//! The playground's panels, one module per panel.
//!
//! Components are thin: they hold view state (what the user typed) and ask `wsasim`
//! every Winsock question.

pub mod editor;
pub mod header;
pub mod latches;
pub mod lparam;
pub mod queue;
pub mod sockets;
pub mod trace_log;
pub mod why;
pub mod wire;

pub use editor::Editor;
pub use header::Header;
pub use latches::Latches;
pub use lparam::LParamDecoder;
pub use queue::MessageQueue;
pub use sockets::Sockets;
pub use trace_log::TraceLog;
pub use why::Why;
pub use wire::Wire;
