//! My scenarios: the user's own saved scenarios (a disclosure menu in the header), each
//! with its name and the date it was last saved; open, rename, duplicate, delete. The
//! list and its storage are `storage::Library`; the actions are in `playground.rs`.

use leptos::html;
use leptos::prelude::*;

use crate::state::use_playground;
use crate::storage::{format_date, Entry};

/// The "My scenarios" menu.
#[component]
pub fn MyScenarios() -> impl IntoView {
    let pg = use_playground();
    let menu = NodeRef::<html::Details>::new();
    let renaming = RwSignal::new(None::<u64>);
    let entries = move || {
        pg.library
            .with(|l| l.entries.iter().rev().cloned().collect::<Vec<_>>())
    };
    let close = move || {
        if let Some(m) = menu.get() {
            m.set_open(false);
        }
    };
    view! {
        <details class="library" node_ref=menu>
            <summary class="tool">"My scenarios"</summary>
            <div class="preset-menu library-menu" role="group" aria-label="My scenarios">
                <p class="muted library-help">
                    "Your scenarios, saved in this browser as you type. Presets and links open as new ones."
                </p>
                <super::When when=move || pg.library.with(|l| l.entries.is_empty())>
                    <p class="panel-empty">"Nothing saved yet: edit the scenario to keep it here."</p>
                </super::When>
                <ul class="library-list">
                    {super::keyed(
                        entries,
                        |e: &Entry| (e.id, e.name.clone(), e.saved_at),
                        move |e: &Entry| view! { <EntryRow e=e.clone() renaming on_open=close /> }.into_any(),
                    )}
                </ul>
            </div>
        </details>
    }
}

/// One saved scenario.
#[component]
fn EntryRow(
    /// The entry.
    e: Entry,
    /// Which entry is being renamed.
    renaming: RwSignal<Option<u64>>,
    /// Closes the menu after opening.
    on_open: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let pg = use_playground();
    let id = e.id;
    let current = move || pg.library.with(|l| l.current == Some(id));
    let name = e.name.clone();
    let date = format!("{} UTC", format_date(e.saved_at));
    let input = NodeRef::<html::Input>::new();
    let commit = move || {
        if let Some(i) = input.get_untracked() {
            pg.rename_entry(id, &i.value());
        }
        renaming.set(None);
    };
    Effect::new(move |_| {
        if renaming.get() == Some(id) {
            if let Some(i) = input.get() {
                let _ = i.focus();
                i.select();
            }
        }
    });
    let label_open = format!("Open {name}, saved {date}");
    let label_rename = format!("Rename {name}");
    let label_dup = format!("Duplicate {name}");
    let label_del = format!("Delete {name}");
    let shown = name.clone();
    view! {
        <li
            class="library-entry"
            class:current=current
            data-id=id.to_string()
            aria-current=move || current().then_some("true")
        >
            <super::When
                when=move || renaming.get() == Some(id)
                fallback=move || {
                    let shown = shown.clone();
                    let date = date.clone();
                    let label_open = label_open.clone();
                    view! {
                        <button
                            class="entry-open"
                            data-action="open-entry"
                            aria-label=label_open
                            on:click=move |_| {
                                pg.open_entry(id);
                                on_open();
                            }
                        >
                            <span class="entry-name">{shown}</span>
                            <span class="entry-date muted">{date}</span>
                        </button>
                    }
                }
            >
                <input
                    class="rename-input"
                    node_ref=input
                    value=name.clone()
                    aria-label="New name"
                    on:keydown=move |ev| match ev.key().as_str() {
                        "Enter" => {
                            ev.prevent_default();
                            commit();
                        }
                        "Escape" => {
                            ev.prevent_default();
                            ev.stop_propagation();
                            renaming.set(None);
                        }
                        _ => {}
                    }
                    on:blur=move |_| {
                        if renaming.get_untracked() == Some(id) {
                            commit();
                        }
                    }
                />
            </super::When>
            <span class="entry-actions">
                <button
                    class="tool small"
                    data-action="rename-entry"
                    aria-label=label_rename
                    title="Rename"
                    on:click=move |_| renaming.set(Some(id))
                >
                    "Rename"
                </button>
                <button
                    class="tool small"
                    data-action="duplicate-entry"
                    aria-label=label_dup
                    title="Duplicate"
                    on:click=move |_| pg.duplicate_entry(id)
                >
                    "Duplicate"
                </button>
                <button
                    class="tool small"
                    data-action="delete-entry"
                    aria-label=label_del
                    title=move || if current() { "In the editor: open another one first" } else { "Delete" }
                    disabled=current
                    on:click=move |_| pg.delete_entry(id)
                >
                    "Delete"
                </button>
            </span>
        </li>
    }
}
