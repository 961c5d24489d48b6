//! No panic reaches the user silently: the hook logs it to the console (as
//! `console_error_panic_hook` does) and shows a banner in the page, since a panicking
//! WebAssembly module stops answering.

use std::panic::PanicHookInfo;

/// The banner's text.
pub const MESSAGE: &str = "Something went wrong inside wsasim and the playground stopped. \
Reload the page to start again (your scenario is kept). Details are in the browser's console.";

/// Installs the hook, once, before anything else runs.
pub fn install() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        console_error_panic_hook::hook(info);
        show_banner(&info.to_string());
    }));
}

fn show_banner(detail: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    let Ok(banner) = doc.create_element("div") else {
        return;
    };
    banner.set_id("panic-banner");
    let _ = banner.set_attribute("role", "alert");
    banner.set_text_content(Some(&format!("{MESSAGE}\n\n{detail}")));
    let _ = body.prepend_with_node_1(&banner);
}
