//! The playground's panels, one module per panel.
//!
//! Components are thin: they hold view state (what the user typed) and ask `wsasim`
//! every Winsock question.

pub mod editor;
pub mod header;
pub mod lparam;
pub mod queue;

pub use editor::Editor;
pub use header::Header;
pub use lparam::LParamDecoder;
pub use queue::MessageQueue;
