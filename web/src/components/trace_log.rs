//! The trace: every step so far, with its cause, result and changes.

use leptos::prelude::*;

/// The trace: every step so far, with its cause, result and changes.
#[component]
pub fn TraceLog() -> impl IntoView {
    view! { <section class="panel trace_log" aria-label="TraceLog"></section> }
}
