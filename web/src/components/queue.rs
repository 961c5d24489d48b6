//! The message queue: the window messages `WSAAsyncSelect` has posted, oldest first.

use leptos::prelude::*;

/// The message-queue panel. Until the simulator runs scenarios it shows the table's
/// columns and an empty state.
#[component]
pub fn MessageQueue() -> impl IntoView {
    view! {
        <section class="panel queue" aria-labelledby="queue-title">
            <div class="panel-head">
                <h2 id="queue-title">"Message queue"</h2>
                <span class="badge">"0 messages"</span>
            </div>
            <table class="messages">
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">"time"</th>
                        <th scope="col">"hWnd"</th>
                        <th scope="col">"wParam (socket)"</th>
                        <th scope="col">"lParam"</th>
                    </tr>
                </thead>
                <tbody>
                    <tr class="empty-row">
                        <td colspan="5">
                            "No messages yet. Run a scenario to see what Winsock posts."
                        </td>
                    </tr>
                </tbody>
            </table>
        </section>
    }
}
