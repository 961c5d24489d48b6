//! Sockets and network: each socket's host, kind, TCP state, addresses, flags, buffers,
//! urgent data and selection; the hosts and the links that were configured or cut.
//!
//! The rows come from [`view::sockets`]; this module only renders them.

use leptos::prelude::*;

use crate::state::use_run;
use crate::view::{self, HostRow, LinkRow, SocketRow, SocketsView};

/// The sockets panel.
#[component]
pub fn Sockets() -> impl IntoView {
    let run = use_run();
    let model = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref().map(view::sockets).unwrap_or(SocketsView {
                sockets: Vec::new(),
                hosts: Vec::new(),
                links: Vec::new(),
            })
        })
    });
    view! {
        <section class="panel sockets" aria-labelledby="sockets-title">
            <div class="panel-head">
                <h2 id="sockets-title">"Sockets and network"</h2>
                <span class="badge">
                    {move || format!("{} sockets", model.with(|m| m.sockets.len()))}
                </span>
            </div>
            <ul class="hosts" aria-label="Hosts and links">
                {super::keyed(
                    move || model.with(|m| m.hosts.clone()),
                    |h: &HostRow| h.clone(),
                    |h: &HostRow| {
                        let h = h.clone();
                        view! {
                            <li class="host-chip" class:down=!h.net_up>
                                <strong>{h.name}</strong>
                                " "
                                <code>{h.addrs}</code>
                                {(!h.net_up).then(|| view! { <span class="down-tag">"network down"</span> })}
                            </li>
                        }
                            .into_any()
                    },
                )}
                {super::keyed(
                    move || model.with(|m| m.links.clone()),
                    |l: &LinkRow| l.clone(),
                    |l: &LinkRow| {
                        let l = l.clone();
                        view! {
                            <li class="link-chip" class:cut=!l.up>
                                {l.ends}
                                " · "
                                {l.latency}
                                {(!l.up).then(|| view! { <span class="down-tag">"cut"</span> })}
                            </li>
                        }
                            .into_any()
                    },
                )}
            </ul>
            <super::When
                when=move || model.with(|m| !m.sockets.is_empty())
                fallback=|| view! { <p class="panel-empty">"No sockets yet."</p> }
            >
                <div class="grid-scroll">
                    <table class="socket-table">
                        <thead>
                            <tr>
                                <th scope="col">"socket"</th>
                                <th scope="col">"type · state"</th>
                                <th scope="col">"local → remote"</th>
                                <th scope="col" title="bytes waiting in the receive buffer / SO_RCVBUF">"recv buf"</th>
                                <th scope="col" title="bytes sent, not yet acknowledged / SO_SNDBUF">"send buf"</th>
                                <th scope="col" title="urgent (OOB) bytes waiting for recv(MSG_OOB); OOB mark with SO_OOBINLINE">"urgent"</th>
                                <th scope="col">"options"</th>
                                <th scope="col">"selection"</th>
                            </tr>
                        </thead>
                        <tbody>
                            // Keyed by handle: a step that changes a socket updates its
                            // row's cells in place instead of drawing the row again.
                            {super::keyed(
                                move || model.with(|m| m.sockets.iter().map(|s| s.socket).collect::<Vec<_>>()),
                                |socket: &u32| *socket,
                                move |&socket: &u32| {
                                    view! {
                                        <SocketRowView
                                            socket
                                            row=Memo::new(move |_| {
                                                model.with(|m| m.sockets.iter().find(|s| s.socket == socket).cloned())
                                            })
                                        />
                                    }
                                        .into_any()
                                },
                            )}
                        </tbody>
                    </table>
                </div>
            </super::When>
        </section>
    }
}

/// One socket: its handle, and its row while it has one.
#[component]
fn SocketRowView(
    /// The handle.
    socket: u32,
    /// The socket's row of the model.
    row: Memo<Option<SocketRow>>,
) -> impl IntoView {
    let text = move |f: fn(&SocketRow) -> String| super::field(row, f);
    let flag = move |f: fn(&SocketRow) -> bool| super::field(row, f);
    view! {
        <tr class:changed=flag(|s| s.changed) class:closed=flag(|s| !s.open) data-socket=socket.to_string()>
            <th scope="row">
                <span class="sock-name">{text(|s| s.name.clone().unwrap_or_else(|| "—".into()))}</span>
                " "
                <code class="muted">{socket}</code>
                <span class="sock-host muted">{text(|s| s.host.clone())}</span>
            </th>
            <td>
                <span class="kind">{text(|s| s.kind.to_string())}</span>
                <span class="tcp-state" data-state=text(|s| s.state.clone())>{text(|s| s.state.clone())}</span>
                {move || {
                    row.with(|r| r.as_ref().filter(|s| !s.open).map(|s| s.status.clone()))
                        .map(|status| view! { <span class="status-tag">{status}</span> })
                }}
                {move || {
                    row.with(|r| r.as_ref().and_then(|s| s.error.clone()))
                        .map(|e| view! { <span class="err-tag">{e}</span> })
                }}
            </td>
            <td class="addrs"><code>{text(|s| s.local.clone())}</code> " → " <code>{text(|s| s.remote.clone())}</code></td>
            <td class="num">{text(|s| s.rx.to_string())} <span class="muted">"/ " {text(|s| s.rcvbuf.to_string())}</span></td>
            <td class="num">{text(|s| s.tx.to_string())} <span class="muted">"/ " {text(|s| s.sndbuf.to_string())}</span></td>
            <td>{text(urgent)}</td>
            <td>{text(options)}</td>
            <td class="selection">{text(|s| s.selection.clone())}</td>
        </tr>
    }
}

/// The urgent column: the OOB mark with SO_OOBINLINE, else the urgent bytes waiting.
fn urgent(s: &SocketRow) -> String {
    match s.oob_mark {
        Some(mark) => format!("mark at {mark}"),
        None if s.urgent > 0 => format!("{} byte(s)", s.urgent),
        None => "—".to_string(),
    }
}

/// The options column: FIONBIO and SO_OOBINLINE, or `blocking`.
fn options(s: &SocketRow) -> String {
    let mut options = Vec::new();
    if s.nonblocking {
        options.push("nonblocking");
    }
    if s.oob_inline {
        options.push("SO_OOBINLINE");
    }
    if options.is_empty() {
        "blocking".to_string()
    } else {
        options.join(" · ")
    }
}
