//! The root component: lays the playground's panels out.

use leptos::prelude::*;

use crate::components::{Editor, Header, LParamDecoder, MessageQueue};

/// The whole playground page: a header, the scenario editor on the left, and the
/// message queue above the lParam decoder on the right.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Header />
        <main class="layout">
            <Editor />
            <div class="side">
                <MessageQueue />
                <LParamDecoder />
            </div>
        </main>
        <footer class="footer">
            <p>
                "wsasim simulates the Windows Sockets "
                <code>"WSAAsyncSelect"</code>
                " model in your browser. Nothing here touches a real network."
            </p>
        </footer>
    }
}
