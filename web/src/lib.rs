//! The wsasim playground: a client-side Leptos front end for the `wsasim` core.
//!
//! The crate is split so its plain-Rust parts are testable natively:
//!
//! - `app`: the [`App`] root component: state, keyboard, URL, and the layout.
//! - `components`: one module per panel (header, scenario editor, controls, presets,
//!   share, help, compare, and the data panels). Components stay thin: every Winsock
//!   fact comes from `wsasim`.
//! - `playground`: what the controls do (run, seek, profile, compare, open a link).
//! - `state`: the newtyped contexts; `timeline`: the run with checkpoints; `digest`: what
//!   a trace entry means, as bytes, for share-link digests and the compare view.
//! - `data`: the gallery and the specification, fetched as static files at start.
//! - `share`, `storage`, `keys`: plain-Rust share links, local storage and shortcuts,
//!   tested natively; `panic`: the hook that shows a panic in the page.
//!
//! `web` is the only crate that knows the DOM; `main.rs` only mounts [`App`].

pub mod app;
pub mod components;
pub mod contrast;
pub mod data;
pub mod digest;
pub mod exports;
pub mod keys;
pub mod panic;
pub mod playground;
pub mod quiz;
pub mod realrun;
pub mod share;
pub mod state;
pub mod storage;
pub mod timeline;
pub mod view;

pub use app::App;

/// The README's Rust examples, compiled and run as doctests of this crate so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
