//! The presets: the gallery's scenarios by section, each with its title and its one
//! sentence; picking one loads it into the editor. The gallery is fetched when the
//! pointer or the focus first reaches the menu's button (`crate::data`); the menu says it
//! is loading until it has arrived, and why it failed if it did (the next visit to the
//! button asks again).

use leptos::html;
use leptos::prelude::*;
use wsasim::gallery::Entry;

use crate::data::Load;
use crate::state::{use_playground, PlaygroundCtx};

/// The presets menu (a disclosure button in the header).
#[component]
pub fn Presets() -> impl IntoView {
    let pg = use_playground();
    let menu = NodeRef::<html::Details>::new();
    let summary = NodeRef::<html::Summary>::new();
    let gallery = pg.data.gallery;
    // The menu's items, once the gallery has arrived (see `crate::data`): until then no
    // preset can be picked, so the editor keeps the user's text.
    let sections = move || {
        match gallery.get() {
        Load::Idle | Load::Loading => view! { <p class="preset-status" role="status">"Loading the presets…"</p> }.into_any(),
        Load::Failed(why) => view! {
            <p class="preset-status" role="alert">{format!("The presets could not be loaded ({why}). Point at or open the menu again to try again.")}</p>
        }.into_any(),
        Load::Ready(g) => g
            .sections()
            .into_iter()
            .map(|(section, items)| {
                let items = items
                    .into_iter()
                    .map(|s| preset_item(pg, s, menu, summary))
                    .collect_view();
                view! {
                    <section class="preset-section">
                        <h3>{section.to_string()}</h3>
                        <ul>{items}</ul>
                    </section>
                }
            })
            .collect_view()
            .into_any(),
    }
    };
    view! {
        <details class="presets" node_ref=menu>
            // The gallery is fetched when the menu is about to be wanted.
            <summary
                class="tool"
                node_ref=summary
                on:pointerenter=move |_| pg.data.want_gallery()
                on:focus=move |_| pg.data.want_gallery()
                on:click=move |_| pg.data.want_gallery()
            >
                "Presets"
            </summary>
            <div class="preset-menu" role="group" aria-label="Preset scenarios">
                {move || sections()}
            </div>
        </details>
    }
}

/// One preset of the menu: picking it opens its text as a new scenario.
fn preset_item(
    pg: PlaygroundCtx,
    s: &Entry,
    menu: NodeRef<html::Details>,
    summary: NodeRef<html::Summary>,
) -> impl IntoView {
    let title = s.title().unwrap_or_else(|| s.id.clone());
    let about = s.about().unwrap_or_default();
    let source = s.source.clone();
    let name = title.clone();
    let about_id = format!("preset-about-{}", s.id);
    let (label, described) = (title.clone(), about_id.clone());
    view! {
        <li>
            <button
                class="preset"
                data-id=s.id.clone()
                aria-label=label
                aria-describedby=described
                on:click=move |_| {
                    pg.notice.set(None);
                    // A preset runs under its own `profile` line.
                    pg.profile_choice.set(None);
                    pg.open_new(&source, Some(&name));
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
}
