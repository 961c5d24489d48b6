//! Why: the rule behind the selected message or step, with the specification's sentence.

use leptos::prelude::*;

/// Why: the rule behind the selected message or step, with the specification's sentence.
#[component]
pub fn Why() -> impl IntoView {
    view! { <section class="panel why" aria-label="Why"></section> }
}
