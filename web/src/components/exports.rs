//! The Export menu (the trace, the messages, the sequence diagram, the scenario as a
//! `.wsa` file) and opening a `.wsa` file, by the menu or by dropping it on the page.
//! What each file holds is `crate::exports`'s work; this is the DOM around it.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::exports::{export, file_stem, Export};
use crate::state::{use_playground, Notice, PlaygroundCtx};

/// The scenario's file-name stem: its title, or `scenario`.
fn stem(pg: PlaygroundCtx) -> String {
    let title = pg
        .run
        .with_untracked(|r| r.as_ref().and_then(|t| t.title().map(str::to_string)));
    file_stem(title.as_deref().unwrap_or(""))
}

/// Offers `text` as a file named `name` of type `mime`: a Blob and a click on an
/// `<a download>`.
pub fn download(name: &str, mime: &str, text: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoke later: the browser reads the URL after this click handler returns.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Some(())
}

fn run_export(pg: PlaygroundCtx, what: Export) {
    pg.flush();
    let src = pg.source.get_untracked();
    match export(&src, pg.profile.get_untracked(), what) {
        Ok(text) => {
            let (name, mime) = what.file(&stem(pg));
            download(&name, mime, &text);
        }
        Err(errors) => pg.errors.set(errors),
    }
}

fn save_wsa(pg: PlaygroundCtx) {
    pg.flush();
    let name = format!("{}.wsa", stem(pg));
    download(&name, "text/plain", &pg.source.get_untracked());
}

/// Reads `file` and opens it as a new scenario named after the file. Its bytes are
/// decoded by the core (`wsasim::script::decode`: UTF-8, or UTF-16 with a byte-order
/// mark); anything else is refused with the position of the first bad byte, and the
/// editor keeps its text.
pub fn open_file(pg: PlaygroundCtx, file: web_sys::File) {
    let name = file.name();
    let title = name.strip_suffix(".wsa").unwrap_or(&name).to_string();
    leptos::task::spawn_local(async move {
        let Ok(buf) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await else {
            return;
        };
        let bytes = js_sys::Uint8Array::new(&buf).to_vec();
        match wsasim::script::decode(&bytes) {
            Ok(text) => {
                if matches!(
                    pg.notice.get_untracked(),
                    Some(Notice::ExportRefused(_) | Notice::BadFile(_))
                ) {
                    pg.notice.set(None);
                }
                pg.open_new(&text, Some(&title));
            }
            Err(e) => pg.notice.set(Some(Notice::BadFile(format!("{name}:{e}")))),
        }
    });
}

/// Opens the first file a drop carries.
fn on_drop(pg: PlaygroundCtx, ev: web_sys::DragEvent) {
    let Some(files) = ev.data_transfer().and_then(|d| d.files()) else {
        return;
    };
    if let Some(file) = files.get(0) {
        ev.prevent_default();
        open_file(pg, file);
    }
}

/// The Export menu, the Open button, and the page-wide drop target for `.wsa` files.
#[component]
pub fn ExportMenu() -> impl IntoView {
    let pg = use_playground();
    // Dropping a file anywhere on the page opens it.
    let over = window_event_listener(leptos::ev::dragover, |ev| ev.prevent_default());
    let drop = window_event_listener(leptos::ev::drop, move |ev| on_drop(pg, ev));
    on_cleanup(move || {
        over.remove();
        drop.remove();
    });
    let input = NodeRef::<leptos::html::Input>::new();
    let items = Export::ALL
        .into_iter()
        .map(|what| {
            view! {
                <button
                    class="tool"
                    data-export=what.id()
                    on:click=move |_| run_export(pg, what)
                >
                    {what.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <details class="exports">
            <summary class="tool" title="Download the run or the scenario as files">"Files"</summary>
            <div class="exports-menu" role="group" aria-label="Export and open">
                {items}
                <button class="tool" data-export="scenario-wsa" on:click=move |_| save_wsa(pg)>
                    "Scenario (.wsa)"
                </button>
                <button
                    class="tool"
                    data-action="open-wsa"
                    title="Open a .wsa file (or drop one on the page)"
                    on:click=move |_| {
                        if let Some(i) = input.get() {
                            i.click();
                        }
                    }
                >
                    "Open .wsa…"
                </button>
                <input
                    type="file"
                    accept=".wsa,text/plain"
                    hidden
                    data-testid="open-wsa"
                    node_ref=input
                    on:change=move |ev| {
                        let el: web_sys::HtmlInputElement = event_target(&ev);
                        if let Some(f) = el.files().and_then(|f| f.get(0)) {
                            open_file(pg, f);
                        }
                        el.set_value("");
                    }
                />
            </div>
        </details>
    }
}
