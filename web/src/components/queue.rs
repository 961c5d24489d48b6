//! The message queues: per window, the messages `WSAAsyncSelect` posted, oldest first,
//! with the ones already taken by GetMessage shown as consumed.
//!
//! The rows come from [`view::queues`]; this module only renders them.

use leptos::prelude::*;

use crate::state::{use_contrast, use_run, use_selection, Selection};
use crate::view::{self, MessageRow, WindowQueue};

/// The message-queue panel: one queue per window.
#[component]
pub fn MessageQueue() -> impl IntoView {
    let run = use_run();
    let contrast = use_contrast();
    let queues = Memo::new(move |_| {
        contrast.with(|c| {
            run.with(|r| {
                r.as_ref()
                    .map(|t| view::queues(t, c.as_ref()))
                    .unwrap_or_default()
            })
        })
    });
    let other = move || {
        contrast.with(|c| {
            c.as_ref()
                .map_or(("Win ≠", "Windows"), |c| match c.other() {
                    wsasim::Profile::Windows => ("Win ≠", "Windows"),
                    wsasim::Profile::Documented => ("Doc ≠", "Documented"),
                })
        })
    };
    let count = move || {
        let n: usize = queues.with(|q| q.iter().map(|w| w.queued).sum());
        match n {
            1 => "1 queued".to_string(),
            n => format!("{n} queued"),
        }
    };
    view! {
        <section class="panel queue" aria-labelledby="queue-title">
            <div class="panel-head">
                <h2 id="queue-title">"Message queues"</h2>
                <span class="badge">{move || count()}</span>
            </div>
            <super::When
                when=move || queues.with(|q| !q.is_empty())
                fallback=|| {
                    view! {
                        <p class="panel-empty">
                            "No messages yet. Run a scenario to see what Winsock posts."
                        </p>
                    }
                }
            >
                {super::keyed(
                    move || queues.get(),
                    |w: &WindowQueue| (w.hwnd.clone(), w.name.clone(), w.host.clone()),
                    move |w: &WindowQueue| {
                        view! {
                            <WindowQueueView hwnd=w.hwnd.clone() name=w.name.clone() host=w.host.clone() queues />
                        }
                            .into_any()
                    },
                )}
            </super::When>
            <p class="panel-foot legend">
                <span class="swatch fresh"></span>"posted this step"
                <span class="swatch consumed"></span>"taken (GetMessage)"
                <span class="swatch after-cancel"></span>"queued before the cancel"
                <span class="win-badge" aria-hidden="true">{move || other().0}</span>
                {move || format!("{} posts something else here", other().1)}
            </p>
        </section>
    }
}

/// One window's queue, reading its rows from the panel's memo.
#[component]
fn WindowQueueView(
    /// The window's handle, its key.
    hwnd: String,
    /// Its name in the script.
    name: String,
    /// The host that owns it.
    host: String,
    /// Every window's queue.
    queues: Memo<Vec<WindowQueue>>,
) -> impl IntoView {
    let key = hwnd.clone();
    let mine = Memo::new(move |_| queues.with(|q| q.iter().find(|w| w.hwnd == key).cloned()));
    let messages =
        move || mine.with(|w| w.as_ref().map(|w| w.messages.clone()).unwrap_or_default());
    let earlier = move || mine.with(|w| w.as_ref().map_or(0, |w| w.earlier_consumed));
    let later = move || mine.with(|w| w.as_ref().map_or(0, |w| w.later_queued));
    let status = move || {
        mine.with(|w| match w {
            Some(w) if !w.alive => "destroyed".to_string(),
            Some(w) => format!("{} queued", w.queued),
            None => String::new(),
        })
    };
    let title_id = format!("queue-{}", hwnd.trim_start_matches("0x"));
    let labelled_by = title_id.clone();
    view! {
        <div class="window-queue" data-hwnd=hwnd.clone() role="group" aria-labelledby=labelled_by>
            <div class="window-head" id=title_id>
                <span class="window-name">{name}</span>
                <code class="window-hwnd">{hwnd.clone()}</code>
                <span class="muted">"on " {host}</span>
                <span class="window-count muted">{move || status()}</span>
            </div>
            <super::When when=move || earlier() != 0>
                <p class="earlier muted">
                    {move || format!("… {} earlier message(s) taken", earlier())}
                </p>
            </super::When>
            <super::When
                when=move || mine.with(|w| w.as_ref().is_some_and(|w| !w.messages.is_empty()))
                fallback=|| {
                    view! {
                        <p class="panel-empty">
                            "No messages yet. Step the scenario to see what Winsock posts."
                        </p>
                    }
                }
            >
                <div class="queue-scroll">
                <table class="messages">
                    <thead>
                        <tr>
                            <th scope="col">"#"</th>
                            <th scope="col">"hWnd"</th>
                            <th scope="col">"wMsg"</th>
                            <th scope="col">"wParam"</th>
                            <th scope="col">"lParam"</th>
                            <th scope="col">"rule"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {super::keyed(
                            messages,
                            |m: &MessageRow| m.clone(),
                            |m: &MessageRow| view! { <MessageRowView m=m.clone() /> }.into_any(),
                        )}
                    </tbody>
                </table>
                </div>
                <super::When when=move || later() != 0>
                    <p class="later muted" data-testid="later-queued">
                        {move || format!("… and {} more queued", later())}
                    </p>
                </super::When>
            </super::When>
        </div>
    }
}

/// One message; clicking it (or Enter) selects it for the decoder and the Why panel.
#[component]
fn MessageRowView(
    /// The message.
    m: MessageRow,
) -> impl IntoView {
    let selection = use_selection();
    let id = m.id;
    let selected = move || selection.get() == Selection::Message(id);
    let select = move || selection.set(Selection::Message(id));
    let state = if m.consumed { "consumed" } else { "queued" };
    let mut label = format!(
        "message {}: {} wParam {} lParam {} ({}, {}), rule {}",
        m.id,
        m.wmsg,
        m.wparam_label(),
        m.lparam,
        m.event,
        m.error,
        m.rule
    );
    if m.consumed {
        label.push_str(", taken");
    }
    if m.after_cancel {
        label.push_str(", queued before the selection was cancelled");
    }
    if m.fresh {
        label.push_str(", posted this step");
    }
    let has_error = m.has_error;
    if let Some(b) = &m.badge {
        label.push_str(", ");
        label.push_str(&b.note);
    }
    let badge = m.badge.clone().map(|b| {
        view! {
            <span class="win-badge" title=b.note.clone() aria-label=b.note>
                {b.short}
            </span>
        }
    });
    let after_cancel = m.after_cancel.then(|| {
        view! { <span class="cancel-tag" title="The socket's selection was cancelled (lEvent 0 or closesocket) after this message was posted; it stays queued.">"queued before cancel"</span> }
    });
    view! {
        <tr
            class="msg"
            class:consumed=m.consumed
            class:fresh=m.fresh
            class:after-cancel=m.after_cancel
            class:selected=selected
            data-id=m.id.to_string()
            data-state=state
            data-event=m.event.clone()
            tabindex="0"
            data-row=""
            aria-label=label
            aria-selected=move || selected().to_string()
            on:click=move |_| select()
            on:keydown=move |ev| {
                if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    select();
                }
            }
        >
            <td class="num muted">
                {m.id}
                {m.consumed.then(|| view! { <span class="taken-tag">"taken"</span> })}
            </td>
            <td><code class="hwnd">{m.hwnd.clone()}</code></td>
            <td><code>{m.wmsg.clone()}</code></td>
            <td>
                <span class="sock-name">{m.socket_name.clone().unwrap_or_default()}</span>
                " "
                <code class="muted">{m.socket}</code>
            </td>
            <td class="lparam-cell">
                <code class="lparam-hex">{m.lparam.clone()}</code>
                <span class="lparam-decoded">
                    <span class="ev">{m.event.clone()}</span>
                    <span class="err" class:has-error=has_error>{m.error.clone()}</span>
                </span>
                {after_cancel}
            </td>
            <td class="rule-cell"><code class="rule">{m.rule}</code> {badge}</td>
        </tr>
    }
}
