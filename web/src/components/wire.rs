//! The network: a sequence diagram of segments between hosts over virtual time.

use leptos::prelude::*;

/// The network: a sequence diagram of segments between hosts over virtual time.
#[component]
pub fn Wire() -> impl IntoView {
    view! { <section class="panel wire" aria-label="Wire"></section> }
}
