//! The wsasim playground: a client-side Leptos front end for the `wsasim` core.
//!
//! The crate is split so its plain-Rust parts are testable natively:
//!
//! - `app`: the [`App`] root component, which lays the panels out.
//! - `components`: one module per panel (header, scenario editor, message queue,
//!   lParam decoder). Components stay thin: every Winsock fact comes from `wsasim`.
//!
//! `web` is the only crate that knows the DOM; `main.rs` only mounts [`App`].

pub mod app;
pub mod components;
pub mod state;
pub mod timeline;
pub mod view;

pub use app::App;

/// The README's Rust examples, compiled and run as doctests of this crate so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
