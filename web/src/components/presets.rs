//! The presets: the gallery's scenarios by section, each with its title and its one
//! sentence; picking one loads it into the editor.

use leptos::html;
use leptos::prelude::*;
use wsasim::gallery;

use crate::state::use_playground;

/// The presets menu (a disclosure button in the header).
#[component]
pub fn Presets() -> impl IntoView {
    let pg = use_playground();
    let menu = NodeRef::<html::Details>::new();
    let summary = NodeRef::<html::Summary>::new();
    let sections = gallery::sections()
        .into_iter()
        .map(|section| {
            let items = gallery::in_section(section)
                .map(|s| {
                    let title = s.title().unwrap_or_else(|| s.id.to_string());
                    let about = s.about().unwrap_or_default();
                    let source = s.source;
                    let name = title.clone();
                    let about_id = format!("preset-about-{}", s.id);
                    let (label, described) = (title.clone(), about_id.clone());
                    view! {
                        <li>
                            <button
                                class="preset"
                                data-id=s.id
                                aria-label=label
                                aria-describedby=described
                                on:click=move |_| {
                                    pg.notice.set(None);
                                    // A preset runs under its own `profile` line.
                                    pg.profile_choice.set(None);
                                    pg.open_new(source, Some(&name));
                                    if let Some(m) = menu.get() {
                                        m.set_open(false);
                                    }
                                    // Focus goes back to the menu's button, not to the page.
                                    if let Some(s) = summary.get() {
                                        let _ = s.focus();
                                    }
                                }
                            >
                                <span class="preset-title">{title}</span>
                                <span class="preset-about" id=about_id>{about}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="preset-section">
                    <h3>{section}</h3>
                    <ul>{items}</ul>
                </section>
            }
        })
        .collect_view();
    view! {
        <details class="presets" node_ref=menu>
            <summary class="tool" node_ref=summary>"Presets"</summary>
            <div class="preset-menu" role="group" aria-label="Preset scenarios">
                {sections}
            </div>
        </details>
    }
}
