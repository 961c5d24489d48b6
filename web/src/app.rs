//! The root component: creates the playground's state, provides it as contexts, wires
//! the keyboard, local storage and the URL, and lays the panels out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wsasim::Profile;

use crate::components::editor::EXAMPLE_SCENARIO;
use crate::components::{
    CompareView, Controls, Editor, Header, HelpOverlay, LParamDecoder, Latches, MessageQueue,
    ShareBox, Sockets, TraceLog, Why, Wire,
};
use crate::keys::{self, Action};
use crate::share;
use crate::state::{
    ContrastCtx, ErrorsCtx, Notice, PlaygroundCtx, RunCtx, Selection, SelectionCtx,
};
use crate::storage::{self, Library};

/// How long the editor waits after the last key press before running the script.
pub const DEBOUNCE_MS: u32 = 250;

fn location_parts() -> (String, String) {
    let Some(loc) = web_sys::window().map(|w| w.location()) else {
        return (String::new(), String::new());
    };
    (
        loc.hash().unwrap_or_default(),
        loc.search().unwrap_or_default(),
    )
}

/// The focused element's tag, or `ROW` for a selectable row (`data-row`): Space and
/// Enter select it, and must not also play (see `keys::action`).
fn focused_tag() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .map(|e| {
            if e.has_attribute("data-row") {
                "ROW".to_string()
            } else if e.has_attribute("data-own-keys") {
                // The split's handle uses the arrow keys itself, as a text field would.
                "INPUT".to_string()
            } else {
                e.tag_name()
            }
        })
        .unwrap_or_default()
}

/// Creates every signal and provides the contexts; returns the playground bundle.
fn provide_state(embed: bool) -> PlaygroundCtx {
    let mut local = storage::browser::local();
    let library = if embed {
        Library::default()
    } else {
        Library::load(&mut local, storage::browser::now())
    };
    let text = library.current.and_then(|id| library.text(&local, id));
    let pg = PlaygroundCtx {
        source: RwSignal::new(text.unwrap_or_else(|| EXAMPLE_SCENARIO.to_string())),
        loaded: RwSignal::new(0),
        last_source: StoredValue::new(String::new()),
        profile: RwSignal::new(Profile::Documented),
        profile_choice: RwSignal::new(if embed { None } else { storage::load_profile() }),
        script_profile: RwSignal::new(None),
        stale: RwSignal::new(false),
        compare_on: RwSignal::new(false),
        divergence: RwSignal::new(None),
        profiles: RwSignal::new(None),
        notice: RwSignal::new(None),
        playing: RwSignal::new(false),
        speed: RwSignal::new(4),
        help_open: RwSignal::new(false),
        maximized: RwSignal::new(None),
        editor_width: RwSignal::new(if embed {
            None
        } else {
            storage::load_editor_width()
        }),
        share_url: RwSignal::new(None),
        share_copied: RwSignal::new(None),
        embed,
        run: RwSignal::new(None),
        errors: RwSignal::new(Vec::new()),
        contrast: RwSignal::new(None),
        contrast_generation: StoredValue::new(0),
        run_generation: StoredValue::new(0),
        pending_run: StoredValue::new(None),
        selection: RwSignal::new(Selection::None),
        library: RwSignal::new(library),
        undo: RwSignal::new(None),
        quiz: RwSignal::new(None),
        data: crate::data::provide(),
    };
    provide_context(RunCtx(pg.run));
    provide_context(ErrorsCtx(pg.errors));
    provide_context(SelectionCtx(pg.selection));
    provide_context(ContrastCtx(pg.contrast));
    provide_context(pg);
    pg
}

/// Runs the editor's text a moment after the last edit (unless it already ran).
fn debounce_runs(pg: PlaygroundCtx) {
    let generation = StoredValue::new(0u64);
    Effect::new(move |first: Option<()>| {
        pg.source.track();
        if first.is_none() {
            // The first run is started by `App` itself.
            return;
        }
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(DEBOUNCE_MS).await;
            if generation.get_value() != mine {
                return;
            }
            let unchanged = pg
                .source
                .with_untracked(|s| pg.last_source.with_value(|l| l == s));
            if !unchanged {
                // An edit keeps the step, where the new run still reaches it.
                pg.run_now(true);
            }
        });
    });
}

/// One keyboard shortcut.
fn perform(pg: PlaygroundCtx, action: Action) {
    match action {
        Action::Forward => {
            pg.forward();
        }
        Action::Back => pg.step_by(-1),
        Action::ForwardMany => pg.step_by(10),
        Action::BackMany => pg.step_by(-10),
        Action::Reset => pg.seek(0),
        Action::End => pg.seek(usize::MAX),
        Action::PlayPause => pg.toggle_play(),
        Action::ToggleProfile => {
            pg.set_profile(crate::playground::other(pg.profile.get_untracked()))
        }
        Action::ToggleCompare => pg.set_compare(!pg.compare_on.get_untracked()),
        Action::ExportC => crate::components::export::export(pg),
        Action::FocusEditor => {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("scenario-editor"))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        }
        Action::Help => pg.help_open.set(!pg.help_open.get_untracked()),
        Action::Close => {
            pg.help_open.set(false);
            pg.share_url.set(None);
            pg.maximized.set(None);
            for menu in ["details.presets[open]", "details.library[open]"] {
                if let Some(open) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.query_selector(menu).ok().flatten())
                {
                    let _ = open.remove_attribute("open");
                }
            }
        }
    }
}

fn listen_to_keys(pg: PlaygroundCtx) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let modifier = ev.ctrl_key() || ev.alt_key() || ev.meta_key();
        let tag = focused_tag();
        let Some(action) = keys::action(&ev.key(), ev.shift_key(), modifier, &tag) else {
            return;
        };
        // While the help is open, only closing it (or toggling it) does anything.
        if pg.help_open.get_untracked() && !matches!(action, Action::Close | Action::Help) {
            return;
        }
        ev.prevent_default();
        perform(pg, action);
    });
    // The page lives as long as the App: the listener is never removed.
    std::mem::forget(handle);
}

/// Saves the editor's text when the page is hidden or left, so a reload or a closed tab
/// loses no keystroke typed since the last run.
fn flush_when_hidden(pg: PlaygroundCtx) {
    for event in ["visibilitychange", "pagehide"] {
        let handle = window_event_listener_untyped(event, move |_| pg.flush());
        std::mem::forget(handle);
    }
}

/// A click outside an open menu (Presets, My scenarios) closes it.
fn close_menus_on_outside_click() {
    let handle = window_event_listener(leptos::ev::pointerdown, move |ev| {
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        for selector in ["details.presets[open]", "details.library[open]"] {
            let Some(menu) = doc.query_selector(selector).ok().flatten() else {
                continue;
            };
            let inside = target.as_ref().is_some_and(|t| menu.contains(Some(t)));
            if !inside {
                let _ = menu.remove_attribute("open");
            }
        }
    });
    std::mem::forget(handle);
}

fn listen_to_links(pg: PlaygroundCtx) {
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        let (hash, _) = location_parts();
        pg.open_fragment(&hash);
    });
    std::mem::forget(handle);
}

/// The notice about the link the page was opened with.
#[component]
fn LinkNotice() -> impl IntoView {
    let pg = crate::state::use_playground();
    move || {
        pg.notice.get().map(|n| match n {
            Notice::BadLink(text) => view! {
                <div class="notice bad" role="alert" data-testid="link-notice">
                    <span>{text} " The editor kept its previous scenario."</span>
                    <button class="tool" on:click=move |_| pg.notice.set(None) aria-label="Dismiss">"✕"</button>
                </div>
            }
            .into_any(),
            Notice::TraceDiffers { step } => view! {
                <div class="notice warn" role="alert" data-testid="link-notice">
                    <span>
                        {format!(
                            "This link was made with an earlier version of wsasim; its trace differs from step {step}."
                        )}
                    </span>
                    <button class="tool" data-action="jump-notice" on:click=move |_| pg.seek(step)>
                        {format!("Go to step {step}")}
                    </button>
                    <button class="tool" on:click=move |_| pg.notice.set(None) aria-label="Dismiss">"✕"</button>
                </div>
            }
            .into_any(),
            Notice::BadFile(text) => view! {
                <div class="notice bad" role="alert" data-testid="file-notice">
                    <span>{text} " The editor kept its scenario."</span>
                    <button class="tool" on:click=move |_| pg.notice.set(None) aria-label="Dismiss">"✕"</button>
                </div>
            }
            .into_any(),
            Notice::ExportRefused(errors) => view! {
                <div class="notice bad" role="alert" data-testid="export-notice">
                    <span>"This scenario cannot be exported as C:"</span>
                    <ul class="export-errors">
                        {errors.into_iter().map(|e| view! { <li><code>{e}</code></li> }).collect_view()}
                    </ul>
                    <button class="tool" on:click=move |_| pg.notice.set(None) aria-label="Dismiss">"✕"</button>
                </div>
            }
            .into_any(),
        })
    }
}

/// The offer to take back the preset or link just opened.
#[component]
fn UndoNotice() -> impl IntoView {
    let pg = crate::state::use_playground();
    move || {
        pg.undo.get().map(|u| {
            view! {
                <div class="notice info" role="status" data-testid="undo-notice">
                    <span>
                        {format!(
                            "Opened “{}” as a new scenario; your previous text is kept in My scenarios.",
                            u.name
                        )}
                    </span>
                    <button class="tool" data-action="undo" on:click=move |_| pg.undo_open()>
                        "Undo"
                    </button>
                    <button class="tool" on:click=move |_| pg.undo.set(None) aria-label="Dismiss">"✕"</button>
                </div>
            }
        })
    }
}

/// One cell of the panel grid, with a button that shows its panel alone (maximised)
/// and back.
#[component]
fn Cell(
    /// The cell's name: its grid area and the `maximized` value.
    name: &'static str,
    /// The panel's name for the button's label.
    label: &'static str,
    children: Children,
) -> impl IntoView {
    let pg = crate::state::use_playground();
    let on = move || pg.maximized.get() == Some(name);
    view! {
        <div class=format!("cell cell-{name}") class:maximized=on data-cell=name>
            <button
                class="tool max-btn"
                data-action="maximize"
                aria-pressed=move || on().to_string()
                aria-label=move || if on() { format!("Restore {label} to its place") } else { format!("Maximise {label}") }
                title=move || if on() { "Restore (Esc)" } else { "Maximise" }
                on:click=move |_| pg.maximized.set(if on() { None } else { Some(name) })
            >
                {move || if on() { "⤡" } else { "⤢" }}
            </button>
            {children()}
        </div>
    }
}

/// The handle between the editor and the panels: drag it, or focus it and use the arrow
/// keys, to give the editor more or less room.
#[component]
fn Splitter(
    /// The workspace, whose left edge the width is measured from.
    workspace: NodeRef<leptos::html::Main>,
) -> impl IntoView {
    let pg = crate::state::use_playground();
    let dragging = StoredValue::new(false);
    let clamp = move |w: i32| {
        let total = workspace
            .get_untracked()
            .map_or(1600, |el| el.offset_width());
        w.clamp(240, (total - 360).max(240))
    };
    let current = move || {
        pg.editor_width.get_untracked().unwrap_or_else(|| {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(".workspace > .editor").ok().flatten())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                .map_or(400, |e| e.offset_width())
        })
    };
    view! {
        <div
            class="splitter"
            role="separator"
            aria-orientation="vertical"
            aria-label="Resize the editor and the panels (arrow keys)"
            aria-valuenow=move || pg.editor_width.get().map(|w| w.to_string())
            tabindex="0"
            data-own-keys=""
            on:pointerdown=move |ev| {
                dragging.set_value(true);
                if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                    let _ = t.set_pointer_capture(ev.pointer_id());
                }
                ev.prevent_default();
            }
            on:pointermove=move |ev| {
                if !dragging.get_value() {
                    return;
                }
                let left = workspace.get_untracked().map_or(0, |el| el.offset_left());
                pg.editor_width.set(Some(clamp(ev.client_x() - left)));
            }
            on:pointerup=move |_| {
                dragging.set_value(false);
                if let Some(w) = pg.editor_width.get_untracked() {
                    storage::save_editor_width(w);
                }
            }
            on:pointercancel=move |_| dragging.set_value(false)
            on:keydown=move |ev| {
                let delta = match ev.key().as_str() {
                    "ArrowLeft" => -32,
                    "ArrowRight" => 32,
                    _ => return,
                };
                ev.prevent_default();
                let w = clamp(current() + delta);
                pg.editor_width.set(Some(w));
                storage::save_editor_width(w);
            }
        ></div>
    }
}

/// The whole playground page.
#[component]
pub fn App() -> impl IntoView {
    let (hash, search) = location_parts();
    let embed = share::wants_embed(&search) || share::wants_embed(&hash);
    let pg = provide_state(embed);
    // A link in the URL wins over local storage; a bad one leaves the restored text.
    if !pg.open_fragment(&hash) {
        // A reload comes back to the step it was at, where the run still reaches it.
        let saved = (!embed).then(storage::load_step).flatten();
        pg.run_now(false);
        if let Some(step) = saved {
            pg.seek(step);
        }
    }
    debounce_runs(pg);
    listen_to_keys(pg);
    listen_to_links(pg);
    close_menus_on_outside_click();
    if !embed {
        flush_when_hidden(pg);
    }

    if embed {
        let title = move || {
            pg.run.with(|r| {
                r.as_ref()
                    .and_then(|t| t.title().map(str::to_string))
                    .unwrap_or_else(|| "wsasim scenario".into())
            })
        };
        let full = hash.replace("&embed=1", "");
        return view! {
            <div class="app embed">
                <div class="embed-head">
                    <h1 class="embed-title">{move || title()}</h1>
                    <a class="tool" href=format!("./{full}") target="_blank" rel="noopener">
                        "Open in wsasim ↗"
                    </a>
                </div>
                <LinkNotice />
                <Controls />
                <div class="embed-panels">
                    <div class="cell cell-queue"><MessageQueue /></div>
                    <div class="cell cell-lparam"><LParamDecoder /></div>
                </div>
            </div>
            <HelpOverlay />
        }
        .into_any();
    }

    let workspace = NodeRef::<leptos::html::Main>::new();
    view! {
        <div class="app">
            <Header />
            <LinkNotice />
            <UndoNotice />
            <ShareBox />
            <main
                class="workspace"
                node_ref=workspace
                style=move || pg.editor_width.get().map(|w| format!("--editor-w:{w}px"))
            >
                <Editor />
                <Splitter workspace />
                <div class="stage">
                    <Controls />
                    <CompareView />
                    <div class="panels" class:has-max=move || pg.maximized.get().is_some()>
                        <Cell name="queue" label="the message queues"><MessageQueue /></Cell>
                        <Cell name="lparam" label="the lParam decoder"><LParamDecoder /></Cell>
                        <Cell name="latches" label="the latch grid"><Latches /></Cell>
                        <Cell name="sockets" label="the sockets table"><Sockets /></Cell>
                        <Cell name="why" label="Why?"><Why /></Cell>
                        <Cell name="wire" label="the sequence diagram"><Wire /></Cell>
                        <Cell name="trace" label="the trace"><TraceLog /></Cell>
                    </div>
                </div>
            </main>
        </div>
        <HelpOverlay />
    }
    .into_any()
}
