//! Share: puts the scenario (with its step, profile and trace digest) into the URL's
//! fragment, copies the link and shows it, with an iframe snippet for embedding.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::share;
use crate::state::use_playground;

#[wasm_bindgen]
extern "C" {
    /// The browser's `CompressionStream` (web-sys has it only among its unstable APIs).
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
}

/// `bytes` compressed as raw deflate by the browser (`CompressionStream("deflate-raw")`),
/// or in stored blocks where it cannot ([`share::deflate_stored`]): either is a valid
/// stream for [`share::decode`].
async fn deflate_raw(bytes: &[u8]) -> Vec<u8> {
    let compressed = async {
        let stream = CompressionStream::new("deflate-raw").ok()?;
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
        // A `CompressionStream` is a readable and writable pair.
        let out = blob
            .stream()
            .pipe_through(stream.unchecked_ref::<web_sys::ReadableWritablePair>());
        let response = web_sys::Response::new_with_opt_readable_stream(Some(&out)).ok()?;
        let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
        Some(js_sys::Uint8Array::new(&buffer).to_vec())
    };
    match compressed.await {
        Some(packed) => packed,
        None => share::deflate_stored(bytes),
    }
}

/// Makes the link for the scenario as it is now, puts it in the address bar (without
/// reloading) and returns it.
fn make_link(fragment: &str) -> Option<String> {
    let window = web_sys::window()?;
    let history = window.history().ok()?;
    history
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{fragment}")),
        )
        .ok()?;
    window.location().href().ok()
}

/// The Share button.
#[component]
pub fn ShareButton() -> impl IntoView {
    let pg = use_playground();
    let copied = pg.share_copied;
    let share = move |_| {
        let link = pg.share_link();
        spawn_local(async move {
            let packed = deflate_raw(link.source.as_bytes()).await;
            let Some(url) = make_link(&share::encode_packed(&link, &packed)) else {
                return;
            };
            pg.share_url.set(Some(url.clone()));
            copied.set(None);
            if let Some(w) = web_sys::window() {
                let written = JsFuture::from(w.navigator().clipboard().write_text(&url)).await;
                copied.set(Some(written.is_ok()));
            }
        });
    };
    view! {
        <button class="tool" on:click=share title="Put this scenario in a link and copy it">
            "Share"
        </button>
    }
}

/// The link just made, under the toolbar.
#[component]
pub fn ShareBox() -> impl IntoView {
    let pg = use_playground();
    let copied = pg.share_copied;
    move || {
        pg.share_url.get().map(|url| {
            let embed_url = match url.split_once('#') {
                Some((page, frag)) => format!("{page}#{frag}&embed=1"),
                None => url.clone(),
            };
            // The sandbox lets the playground run (scripts) and keep its saved scenarios
            // (its own origin's storage), and nothing else: no top navigation, no
            // pop-ups, no forms. README's "Security" section explains it.
            let snippet = format!(
                "<iframe src=\"{embed_url}\" width=\"720\" height=\"480\" title=\"wsasim\" \
                 sandbox=\"allow-scripts allow-same-origin\" referrerpolicy=\"no-referrer\"></iframe>"
            );
            let state = move || match copied.get() {
                Some(true) => "Link copied to the clipboard.",
                Some(false) => "Copy the link below (the clipboard is not available here).",
                None => "The link below opens this scenario at this step.",
            };
            view! {
                <div class="share-box" role="status" aria-live="polite">
                    <span class="share-state">{move || state()}</span>
                    <label class="visually-hidden" for="share-url">"Share link"</label>
                    <input id="share-url" class="code-input" readonly prop:value=url.clone() />
                    <details class="embed-snippet">
                        <summary>"Embed"</summary>
                        <label class="visually-hidden" for="embed-code">"iframe code"</label>
                        <input id="embed-code" class="code-input" readonly prop:value=snippet />
                    </details>
                    <button class="tool" on:click=move |_| pg.share_url.set(None) aria-label="Close the share link">
                        "✕"
                    </button>
                </div>
            }
        })
    }
}
