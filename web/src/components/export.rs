//! Export as C: downloads the editor's scenario as a C99 Win32 program (see
//! `realrun::export_file`), or shows why it cannot be exported. The editor is untouched.

use leptos::prelude::*;

use crate::realrun::export_file;
use crate::state::{use_playground, Notice, PlaygroundCtx};

/// Exports the editor's text under the profile in use: a download, or a notice with
/// every refusal.
pub fn export(pg: PlaygroundCtx) {
    let src = pg.source.get_untracked();
    let gallery = pg.data.gallery.get_untracked();
    match export_file(
        &src,
        pg.profile.get_untracked(),
        gallery.ready().map(|g| &**g),
    ) {
        Ok((name, text)) => {
            if matches!(pg.notice.get_untracked(), Some(Notice::ExportRefused(_))) {
                pg.notice.set(None);
            }
            download(&name, &text);
        }
        Err(errors) => pg.notice.set(Some(Notice::ExportRefused(errors))),
    }
}

/// Offers the C text as `name` (the Files menu's download, as a C source).
fn download(name: &str, text: &str) -> Option<()> {
    super::exports::download(name, "text/x-csrc", text)
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
