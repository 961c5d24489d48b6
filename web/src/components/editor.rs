//! The scenario editor: a text area holding the scenario the playground will run.

use leptos::prelude::*;

/// The scenario shown on first load. It is example text only: the scenario language
/// and its runner arrive with the core crate's `script` module.
pub const EXAMPLE_SCENARIO: &str = "\
# The peer resets a connection.
s = socket(AF_INET, SOCK_STREAM)
WSAAsyncSelect(s, hwnd, WM_SOCKET,
               FD_CONNECT|FD_READ|FD_CLOSE)
connect(s, server:80)   # WSAEWOULDBLOCK
server: accept
server: send \"hello\"    # FD_READ
recv(s, 512)
server: reset           # FD_CLOSE, WSAECONNRESET
";

/// The number of lines in `text`, as shown under the editor (an empty text has one line).
pub fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// The scenario editor panel.
#[component]
pub fn Editor() -> impl IntoView {
    let text = RwSignal::new(EXAMPLE_SCENARIO.to_string());
    let lines = move || {
        let n = text.with(|t| line_count(t.trim_end_matches('\n')));
        if n == 1 {
            "1 line".to_string()
        } else {
            format!("{n} lines")
        }
    };
    view! {
        <section class="panel editor" aria-labelledby="editor-title">
            <div class="panel-head">
                <h2 id="editor-title">"Scenario"</h2>
                <span class="badge">"preview"</span>
            </div>
            <label class="field-label" for="scenario-editor">
                "Scenario script (one Winsock call or network event per line)"
            </label>
            <textarea
                id="scenario-editor"
                class="code-input"
                spellcheck="false"
                autocomplete="off"
                rows="12"
                wrap="off"
                bind:value=text
            ></textarea>
            <p class="panel-foot">
                <span>{lines}</span>
                <span class="muted">"Running scenarios arrives with the simulator core."</span>
            </p>
        </section>
    }
}
