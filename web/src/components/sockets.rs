//! Sockets and connections: host, kind, TCP state, flags, buffers, OOB mark.

use leptos::prelude::*;

/// Sockets and connections: host, kind, TCP state, flags, buffers, OOB mark.
#[component]
pub fn Sockets() -> impl IntoView {
    view! { <section class="panel sockets" aria-label="Sockets"></section> }
}
