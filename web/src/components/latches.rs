//! The re-enable latches: sockets × FD_ events, selected / armed / waiting for the re-enabling call.

use leptos::prelude::*;

/// The re-enable latches: sockets × FD_ events, selected / armed / waiting for the re-enabling call.
#[component]
pub fn Latches() -> impl IntoView {
    view! { <section class="panel latches" aria-label="Latches"></section> }
}
