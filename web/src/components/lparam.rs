//! The lParam decoder: the selected message's `lParam` split into its two words, and a
//! field where any `lParam` can be typed and decoded.
//!
//! All Winsock knowledge comes from [`wsasim::LParam`]; [`decode`] only turns its
//! answers into the strings the panel shows, so it is tested natively.

use leptos::prelude::*;
use wsasim::LParam;

use crate::state::{use_run, use_selection};
use crate::view::{self, MessageRow};

#[cfg(test)]
mod tests;

/// Example lParams offered as one-click buttons: a plain `FD_READ`, a refused
/// connect and a reset connection.
pub const EXAMPLES: [&str; 3] = ["0x00000001", "0x274d0010", "0x27460020"];

/// `FD_CLOSE` with `WSAECONNRESET`, the example in the invalid-input message.
const EXAMPLE_RESET: u32 = 0x2746_0020;

/// What the decoder shows for one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decoding {
    /// Nothing typed yet.
    Empty,
    /// The input (trimmed) is not a 32-bit number.
    Invalid(String),
    /// The input decoded.
    Decoded(Decoded),
}

/// An lParam split into its words, each with a name and a short explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The lParam itself, `0x27460020`.
    pub hex: String,
    /// The low word in hex, `0x0020`.
    pub event_word: String,
    /// `WSAGETSELECTEVENT(lParam)` by name: `FD_CLOSE` (or `0`, or several names).
    pub event: String,
    /// A note on the low word.
    pub event_note: String,
    /// The high word in hex, `0x2746`.
    pub error_word: String,
    /// `WSAGETSELECTERROR(lParam)` by name: `WSAECONNRESET`, `0`, or the bare number.
    pub error: String,
    /// The error's description, or a note on the high word.
    pub error_note: String,
    /// The error code in decimal, `10054`.
    pub error_code: u16,
}

/// Decodes what the user typed: `0x27460020`, `0X27460020` or a decimal number.
pub fn decode(input: &str) -> Decoding {
    let input = input.trim();
    if input.is_empty() {
        return Decoding::Empty;
    }
    let Some(lparam) = LParam::parse(input) else {
        return Decoding::Invalid(input.to_string());
    };
    let event = lparam.event();
    let event_note = if event.is_empty() {
        "No event bit is set: Winsock never posts such a message."
    } else if event.has_unknown_bits() {
        "Some bits name no FD_* event."
    } else if event.name().is_none() {
        "Several events: a real message names exactly one."
    } else {
        "The network event that occurred."
    };
    let (error, error_note) = match (lparam.error_code(), lparam.error()) {
        (0, _) => ("0".to_string(), "No error."),
        (_, Some(e)) => (e.name().to_string(), e.description()),
        (n, None) => (n.to_string(), "Not a Winsock error code wsasim knows."),
    };
    Decoding::Decoded(Decoded {
        hex: format!("{:#010x}", lparam.raw()),
        event_word: format!("{:#06x}", lparam.raw() & 0xffff),
        event: event.to_string(),
        event_note: event_note.to_string(),
        error_word: format!("{:#06x}", lparam.error_code()),
        error,
        error_note: error_note.to_string(),
        error_code: lparam.error_code(),
    })
}

/// The decoder panel: the selected message decoded, then an input, example buttons,
/// and the decoded words of what was typed.
#[component]
pub fn LParamDecoder() -> impl IntoView {
    let run = use_run();
    let selection = use_selection();
    let selected = Memo::new(move |_| {
        let sel = selection.get();
        run.with(|r| r.as_ref().and_then(|t| view::selected_message(t, sel)))
    });
    let input = RwSignal::new(EXAMPLES[0].to_string());
    let decoding = Memo::new(move |_| input.with(|s| decode(s)));
    let examples = EXAMPLES
        .iter()
        .map(|example| {
            view! {
                <button type="button" class="chip" on:click=move |_| input.set(example.to_string())>
                    {*example}
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="panel decoder" aria-labelledby="decoder-title">
            <div class="panel-head">
                <h2 id="decoder-title">"lParam decoder"</h2>
            </div>
            <div id="lparam-selected" class="selected-message" aria-live="polite">
                {move || match selected.get() {
                    Some(m) => view! { <SelectedView m /> }.into_any(),
                    None => {
                        view! {
                            <p class="message">
                                "Click a message in a queue to decode its lParam here."
                            </p>
                        }
                            .into_any()
                    }
                }}
            </div>
            <label class="field-label" for="lparam-input">
                "lParam of a WSAAsyncSelect message (hex or decimal)"
            </label>
            <input
                id="lparam-input"
                class="code-input"
                type="text"
                spellcheck="false"
                autocomplete="off"
                placeholder="0x27460020"
                bind:value=input
            />
            <div class="examples">
                <span class="muted">"Try"</span>
                {examples}
            </div>
            <div id="lparam-output" class="decoded" role="status" aria-live="polite">
                {move || match decoding.get() {
                    Decoding::Empty => {
                        view! {
                            <p class="message">"Type an lParam above, for example 0x27460020."</p>
                        }
                            .into_any()
                    }
                    Decoding::Invalid(text) => {
                        view! {
                            <p class="message invalid">
                                "“" {text}
                                {format!(
                                    "” is not an lParam: type a 32-bit number in hex ({:#x}) or decimal ({}).",
                                    EXAMPLE_RESET,
                                    EXAMPLE_RESET,
                                )}
                            </p>
                        }
                            .into_any()
                    }
                    Decoding::Decoded(d) => view! { <DecodedView d /> }.into_any(),
                }}
            </div>
        </section>
    }
}

/// The selected message: what it is, then its lParam's two words.
#[component]
fn SelectedView(
    /// The selected message.
    m: MessageRow,
) -> impl IntoView {
    let head = format!(
        "Message #{}: {} to {}, wParam = {}",
        m.id,
        m.wmsg,
        m.hwnd,
        m.wparam_label()
    );
    let decoded = match decode(&m.lparam) {
        Decoding::Decoded(d) => Some(view! { <DecodedView d /> }),
        _ => None,
    };
    view! {
        <p class="selected-head">
            <span class="field-label">"Selected message"</span>
            <span class="selected-what">{head}</span>
        </p>
        {decoded}
    }
}

/// The two words of a decoded lParam, high word (error) first as in the number.
#[component]
fn DecodedView(
    /// The decoded lParam.
    d: Decoded,
) -> impl IntoView {
    let high = d.error_word.trim_start_matches("0x").to_string();
    let low = d.event_word.trim_start_matches("0x").to_string();
    let no_error = d.error_code == 0;
    view! {
        <p class="raw" aria-label=format!("lParam {}", d.hex)>
            <code>
                <span class="raw-prefix">"0x"</span>
                <span class="raw-high" title="high word: the error">{high}</span>
                <span class="raw-low" title="low word: the event">{low}</span>
            </code>
        </p>
        <div class="words">
            <div class="word error-word" class:no-error=no_error>
                <div class="word-head">
                    <span class="word-label">"High word"</span>
                    <code class="word-bits">{d.error_word} " = " {d.error_code}</code>
                </div>
                <code class="word-macro">"WSAGETSELECTERROR(lParam)"</code>
                <strong class="word-name" data-testid="error-name">{d.error}</strong>
                <p class="word-note">{d.error_note}</p>
            </div>
            <div class="word event-word">
                <div class="word-head">
                    <span class="word-label">"Low word"</span>
                    <code class="word-bits">{d.event_word}</code>
                </div>
                <code class="word-macro">"WSAGETSELECTEVENT(lParam)"</code>
                <strong class="word-name" data-testid="event-name">{d.event}</strong>
                <p class="word-note">{d.event_note}</p>
            </div>
        </div>
    }
}
