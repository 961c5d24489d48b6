//! Export as C: downloads the editor's scenario as a C99 Win32 program (see
//! `realrun::export_file`), or shows why it cannot be exported. The editor is untouched.

use std::cell::Cell;

use leptos::prelude::*;

use crate::data::Load;
use crate::realrun::export_file;
use crate::state::{use_playground, Notice, PlaygroundCtx};

thread_local! {
    /// An export is waiting for the prelude to arrive (a second press meanwhile is one).
    static WAITING: Cell<bool> = const { Cell::new(false) };
}

/// Exports the editor's text under the profile in use: a download, or a notice with
/// every refusal. The C every program shares is fetched on first use (see `data`, which
/// asks again for one that failed to arrive); an export asked for before it arrives is
/// made once it does, by [`ExportButton`]'s effect.
pub fn export(pg: PlaygroundCtx) {
    pg.data.want_prelude();
    if !finish(pg) {
        WAITING.set(true);
    }
}

/// Makes the export if the prelude is there (or says why it cannot be); false while it
/// is on its way.
fn finish(pg: PlaygroundCtx) -> bool {
    let prelude = match pg.data.prelude.get_untracked() {
        Load::Ready(p) => p,
        Load::Failed(why) => {
            pg.notice.set(Some(Notice::ExportRefused(vec![why])));
            return true;
        }
        Load::Idle | Load::Loading => return false,
    };
    let src = pg.source.get_untracked();
    let gallery = pg.data.gallery.get_untracked();
    match export_file(
        &src,
        pg.profile.get_untracked(),
        gallery.ready().map(|g| &**g),
        &prelude,
    ) {
        Ok((name, text)) => {
            if matches!(pg.notice.get_untracked(), Some(Notice::ExportRefused(_))) {
                pg.notice.set(None);
            }
            download(&name, &text);
        }
        Err(errors) => pg.notice.set(Some(Notice::ExportRefused(errors))),
    }
    true
}

/// Offers the C text as `name` (the Files menu's download, as a C source).
fn download(name: &str, text: &str) -> Option<()> {
    super::exports::download(name, "text/x-csrc", text)
}

/// The Export as C button.
#[component]
pub fn ExportButton() -> impl IntoView {
    let pg = use_playground();
    // The export waiting for the prelude is made when it arrives (or fails to).
    Effect::new(move |_| {
        pg.data.prelude.track();
        if WAITING.get() && finish(pg) {
            WAITING.set(false);
        }
    });
    view! {
        <button
            class="tool"
            data-action="export-c"
            on:pointerenter=move |_| pg.data.want_prelude()
            on:focus=move |_| pg.data.want_prelude()
            on:click=move |_| export(pg)
            title="Download this scenario as a C program for Windows that prints what really happens (x)"
        >
            "Export as C"
        </button>
    }
}
