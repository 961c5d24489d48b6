//! The texts the playground fetches instead of compiling in: the gallery's scenarios,
//! the specification's page and the C every exported program shares. Together they were
//! a fifth of the WebAssembly module's data.
//!
//! They are static files beside `index.html`, copied there by Trunk (see `index.html`):
//! [`GALLERY_FILE`], the core's `gallery::bundle()` written to `static/gallery.txt` (a test
//! checks it is the core's, byte for byte; `UPDATE_EXPECT=1` rewrites it),
//! [`SPEC_FILE`], the core's own `core/spec/WSAAsyncSelect.txt`, and [`PRELUDE_FILE`], the
//! core's `export_c::PRELUDE` (`core/src/script/export_c/prelude.c`). They are fetched by
//! relative URL, so the site works under any sub-path and under `trunk serve`; the
//! Content-Security-Policy allows it with `connect-src 'self'` (`xtask/src/csp.rs`).
//!
//! Each is fetched once, when first wanted, so a visit that needs neither loads neither:
//! the gallery when the pointer or the focus reaches the Presets button, the
//! specification when the Why panel first has a rule to explain, the prelude when the
//! pointer or the focus reaches Export as C (or it is used). The gallery and the prelude,
//! which a person asks for, are asked for again after a failed request. Until a file
//! arrives, what needs it waits: the presets menu says it is loading (so no preset can
//! be picked, and the editor keeps the user's text), and the Why panel shows the rule and
//! its sentence without the page's excerpt. Share links, the user's scenarios and every run
//! need neither file.

use std::sync::Arc;

use leptos::prelude::*;
use wsasim::gallery::{self, Entry};

/// The gallery's file on the site, relative to the page.
pub const GALLERY_FILE: &str = "gallery.txt";
/// The specification's file on the site, relative to the page.
pub const SPEC_FILE: &str = "WSAAsyncSelect.txt";
/// The exported programs' shared C on the site, relative to the page.
pub const PRELUDE_FILE: &str = "prelude.c";

/// A fetched file: not wanted yet, on its way, arrived, or failed (with why, for a person).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Load<T> {
    /// Nothing has asked for the file yet.
    Idle,
    /// The request has not answered yet.
    Loading,
    /// The file, read.
    Ready(T),
    /// The request or the reading failed.
    Failed(String),
}

impl<T> Load<T> {
    /// The file, once it has arrived.
    pub fn ready(&self) -> Option<&T> {
        match self {
            Load::Ready(t) => Some(t),
            _ => None,
        }
    }
}

/// The gallery's scenarios, in order, as read from [`GALLERY_FILE`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gallery(pub Vec<Entry>);

impl Gallery {
    /// Reads the file's text (the core's `gallery::bundle()`).
    pub fn parse(text: &str) -> Result<Gallery, String> {
        gallery::parse_bundle(text)
            .map(Gallery)
            .map_err(|e| e.to_string())
    }

    /// The sections, in order, each with its scenarios.
    pub fn sections(&self) -> Vec<(&str, Vec<&Entry>)> {
        let mut out: Vec<(&str, Vec<&Entry>)> = Vec::new();
        for e in &self.0 {
            match out.last_mut() {
                Some((s, items)) if *s == e.section => items.push(e),
                _ => out.push((&e.section, vec![e])),
            }
        }
        out
    }

    /// The scenario whose text is exactly `source`, if one is.
    pub fn find_source(&self, source: &str) -> Option<&Entry> {
        self.0.iter().find(|e| e.source == source)
    }
}

/// The fetched files, provided as a context by `App`.
#[derive(Clone, Copy)]
pub struct DataCtx {
    /// The gallery.
    pub gallery: RwSignal<Load<Arc<Gallery>>>,
    /// The specification's text.
    pub spec: RwSignal<Load<Arc<str>>>,
    /// The C every exported program shares (the core's `export_c::PRELUDE`).
    pub prelude: RwSignal<Load<Arc<str>>>,
}

impl DataCtx {
    /// Fetches the gallery, unless it is there or on its way (a person asks for it: a
    /// failed request is made again).
    pub fn want_gallery(self) {
        fetch_once(self.gallery, GALLERY_FILE, true, |t| {
            Gallery::parse(&t)
                .map(Arc::new)
                .map_err(|e| format!("{GALLERY_FILE}: {e}"))
        });
    }

    /// Fetches the specification, unless it has been asked for already (every step asks:
    /// a failed request is not made again).
    pub fn want_spec(self) {
        fetch_once(self.spec, SPEC_FILE, false, |t| Ok(t.into()));
    }

    /// Fetches the exported programs' shared C, unless it is there or on its way (a failed
    /// request is made again).
    pub fn want_prelude(self) {
        fetch_once(self.prelude, PRELUDE_FILE, true, |t| Ok(t.into()));
    }
}

/// Fetches `url` into `slot` unless it has been asked for already (or, with `retry`, unless
/// it is there or on its way: a failed request is made again): `slot` is loading
/// meanwhile, then holds what `read` makes of the text, or why there is nothing.
fn fetch_once<T: Send + Sync + 'static>(
    slot: RwSignal<Load<T>>,
    url: &'static str,
    retry: bool,
    read: impl FnOnce(String) -> Result<T, String> + 'static,
) {
    if slot.with_untracked(|s| !(matches!(s, Load::Idle) || retry && matches!(s, Load::Failed(_))))
    {
        return;
    }
    slot.set(Load::Loading);
    leptos::task::spawn_local(async move {
        slot.set(match fetch_text(url).await.and_then(read) {
            Ok(t) => Load::Ready(t),
            Err(e) => Load::Failed(e),
        });
    });
}

/// Provides [`DataCtx`], with neither file asked for yet.
pub fn provide() -> DataCtx {
    let data = DataCtx {
        gallery: RwSignal::new(Load::Idle),
        spec: RwSignal::new(Load::Idle),
        prelude: RwSignal::new(Load::Idle),
    };
    provide_context(data);
    data
}

/// The text of the file at `url` (relative to the page).
async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let why = |e: wasm_bindgen::JsValue| {
        let text = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "the request failed".to_string());
        format!("{url}: {text}")
    };
    let window = web_sys::window().ok_or_else(|| format!("{url}: no window"))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(why)?
        .dyn_into()
        .map_err(why)?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    JsFuture::from(response.text().map_err(why)?)
        .await
        .map_err(why)?
        .as_string()
        .ok_or_else(|| format!("{url}: not text"))
}

#[cfg(test)]
mod tests;
