//! Export as C: downloads the editor's scenario as a C99 Win32 program (see
//! `realrun::export_file`), or shows why it cannot be exported. The editor is untouched.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::realrun::export_file;
use crate::state::{use_playground, Notice, PlaygroundCtx};

/// Exports the editor's text under the profile in use: a download, or a notice with
/// every refusal.
pub fn export(pg: PlaygroundCtx) {
    let src = pg.source.get_untracked();
    match export_file(&src, pg.profile.get_untracked()) {
        Ok((name, text)) => {
            if matches!(pg.notice.get_untracked(), Some(Notice::ExportRefused(_))) {
                pg.notice.set(None);
            }
            download(&name, &text);
        }
        Err(errors) => pg.notice.set(Some(Notice::ExportRefused(errors))),
    }
}

/// Offers `text` as a file named `name`: a Blob and a click on an `<a download>`.
fn download(name: &str, text: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/x-csrc");
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

/// The Export as C button.
#[component]
pub fn ExportButton() -> impl IntoView {
    let pg = use_playground();
    view! {
        <button
            class="tool"
            data-action="export-c"
            on:click=move |_| export(pg)
            title="Download this scenario as a C program for Windows that prints what really happens (x)"
        >
            "Export as C"
        </button>
    }
}
