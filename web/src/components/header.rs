//! The page header: the playground's name, and the tools that act on the whole
//! scenario (presets, profile, compare, share, export, help).

use leptos::prelude::*;
use wsasim::Profile;

use crate::components::{
    ExportButton, ExportMenu, MyScenarios, Presets, QuizButton, QuizPanel, ShareButton,
};
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
                <span class="profile-source muted" data-testid="profile-source">
                    {move || profile_source(pg.profile_choice.get(), pg.script_profile.get())}
                </span>
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
                <ExportButton />
                <ExportMenu />
                <QuizButton />
                <button
                    class="tool"
                    aria-label="Keyboard shortcuts (?)"
                    on:click=move |_| pg.help_open.set(true)
                >
                    "?"
                </button>
            </nav>
        </header>
        <QuizPanel />
    }
}

/// Where the profile in use comes from, when the script has a say: its own `profile` line,
/// or the switch overriding that line.
fn profile_source(choice: Option<Profile>, script: Option<Profile>) -> &'static str {
    match (choice, script) {
        (Some(_), _) => "overrides the script",
        (None, Some(_)) => "from the script",
        (None, None) => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_says_whether_it_overrides_the_script() {
        assert_eq!(profile_source(None, None), "");
        assert_eq!(
            profile_source(None, Some(Profile::Windows)),
            "from the script"
        );
        assert_eq!(
            profile_source(Some(Profile::Documented), Some(Profile::Windows)),
            "overrides the script"
        );
    }
}
