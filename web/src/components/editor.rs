//! The scenario editor: a text area holding the scenario the playground will run.

use leptos::prelude::*;

#[cfg(test)]
mod tests;

/// The scenario shown on first load, written in the scenario language
/// (`docs/scenario-language.md`). The playground does not run it yet.
pub const EXAMPLE_SCENARIO: &str = "\
# The peer resets: FD_CLOSE carries WSAECONNRESET.
title \"Connection reset\"
host client 10.0.0.1
host server 10.0.0.2
link client server latency 5ms
window client main

server: WSAStartup()
server: L = socket(AF_INET, SOCK_STREAM)
server: bind(L, 10.0.0.2:80)
server: listen(L, 5)
client: WSAStartup()
client: C = socket(AF_INET, SOCK_STREAM)
client: WSAAsyncSelect(C, main, WM_USER+1, FD_CONNECT|FD_CLOSE)
client: connect(C, 10.0.0.2:80)  => SOCKET_ERROR WSAEWOULDBLOCK
run until idle
expect main: WM_USER+1(C, FD_CONNECT, 0)
reset C
run until idle
expect main: WM_USER+1(C, FD_CLOSE, WSAECONNRESET)
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
                "Scenario script (one Winsock call, network event or expectation per line)"
            </label>
            <textarea
                id="scenario-editor"
                class="code-input"
                spellcheck="false"
                autocomplete="off"
                rows="20"
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
