//! The page header: the playground's name and what it is for.

use leptos::prelude::*;

/// The banner at the top of the page.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="masthead">
            <div class="masthead-inner">
                <h1>
                    <span class="brand">"wsasim"</span>
                    <span class="dash">" — "</span>
                    <span class="tagline">"the WSAAsyncSelect playground"</span>
                </h1>
                <p class="lede">
                    "Script a few sockets, then watch which "
                    <code>"FD_*"</code>
                    " messages Windows Sockets posts to your window, and why."
                </p>
            </div>
        </header>
    }
}
