//! The page header: the playground's name, and the tools that act on the whole
//! scenario (presets, profile, compare, share, help).

use leptos::prelude::*;
use wsasim::Profile;

use crate::components::{MyScenarios, Presets, ShareButton};
use crate::playground::label;
use crate::state::use_playground;

/// The banner at the top of the page.
#[component]
pub fn Header() -> impl IntoView {
    let pg = use_playground();
    let profile_button = move |p: Profile| {
        view! {
            <button
                class="seg"
                data-profile=p.name()
                aria-pressed=move || (pg.profile.get() == p).to_string()
                on:click=move |_| pg.set_profile(p)
            >
                {label(p)}
            </button>
        }
    };
    view! {
        <header class="masthead">
            <h1>
                <span class="brand">"wsasim"</span>
                <span class="dash">" — "</span>
                <span class="tagline">"the WSAAsyncSelect playground"</span>
            </h1>
            <nav class="tools" aria-label="Scenario tools">
                <Presets />
                <MyScenarios />
                <div class="segmented" role="group" aria-label="Profile (p)">
                    {profile_button(Profile::Documented)}
                    {profile_button(Profile::Windows)}
                </div>
                <button
                    class="tool"
                    data-action="compare"
                    aria-pressed=move || pg.compare_on.get().to_string()
                    on:click=move |_| pg.set_compare(!pg.compare_on.get_untracked())
                    title="Run under both profiles and show where they differ (c)"
                >
                    "Compare"
                </button>
                <ShareButton />
                <button
                    class="tool"
                    aria-label="Keyboard shortcuts (?)"
                    on:click=move |_| pg.help_open.set(true)
                >
                    "?"
                </button>
            </nav>
        </header>
    }
}
