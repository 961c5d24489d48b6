//! The help overlay: every keyboard shortcut (from `keys::SHORTCUTS`) and every call a
//! scenario can make (from the core's one table of calls), closed by Esc.

use leptos::html;
use leptos::prelude::*;

use crate::keys::SHORTCUTS;
use crate::state::use_playground;

/// The help overlay, shown while `help_open` is true.
#[component]
pub fn HelpOverlay() -> impl IntoView {
    let pg = use_playground();
    let close = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if pg.help_open.get() {
            if let Some(b) = close.get() {
                let _ = b.focus();
            }
        }
    });
    let rows = SHORTCUTS
        .iter()
        .map(|(k, what)| view! { <tr><th scope="row"><kbd>{*k}</kbd></th><td>{*what}</td></tr> })
        .collect_view();
    let calls = wsasim::script::calls()
        .map(|(_, usage)| view! { <li><code>{usage}</code></li> })
        .collect_view();
    view! {
        <div
            class="overlay"
            hidden=move || !pg.help_open.get()
            on:click=move |_| pg.help_open.set(false)
        >
            <div
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="help-title"
                on:click=|ev| ev.stop_propagation()
            >
                <div class="panel-head">
                    <h2 id="help-title">"Keyboard shortcuts"</h2>
                    <button
                        class="tool"
                        node_ref=close
                        on:click=move |_| pg.help_open.set(false)
                        aria-label="Close the help (Esc)"
                    >
                        "✕"
                    </button>
                </div>
                <table class="shortcuts">
                    <tbody>{rows}</tbody>
                </table>
                <p class="muted">
                    "Shortcuts do nothing while you type in the editor or a field; press Esc to leave it. "
                    "Every button can also be reached with Tab."
                </p>
                <h3>"Calls a scenario can make"</h3>
                <ul class="calls">{calls}</ul>
            </div>
        </div>
    }
}
