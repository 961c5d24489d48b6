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
                <For each=move || model.with(|m| m.hosts.clone()) key=|h: &HostRow| h.clone() let(h)>
                    <li class="host-chip" class:down=!h.net_up>
                        <strong>{h.name}</strong>
                        " "
                        <code>{h.addrs}</code>
                        {(!h.net_up).then(|| view! { <span class="down-tag">"network down"</span> })}
                    </li>
                </For>
                <For each=move || model.with(|m| m.links.clone()) key=|l: &LinkRow| l.clone() let(l)>
                    <li class="link-chip" class:cut=!l.up>
                        {l.ends}
                        " · "
                        {l.latency}
                        {(!l.up).then(|| view! { <span class="down-tag">"cut"</span> })}
                    </li>
                </For>
            </ul>
            <Show
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
                            <For each=move || model.with(|m| m.sockets.clone()) key=|s: &SocketRow| s.clone() let(s)>
                                <SocketRowView s />
                            </For>
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}

/// One socket.
#[component]
fn SocketRowView(
    /// The socket.
    s: SocketRow,
) -> impl IntoView {
    let closed = !s.open;
    let urgent = match s.oob_mark {
        Some(mark) => format!("mark at {mark}"),
        None if s.urgent > 0 => format!("{} byte(s)", s.urgent),
        None => "—".to_string(),
    };
    let mut options = Vec::new();
    if s.nonblocking {
        options.push("nonblocking");
    }
    if s.oob_inline {
        options.push("SO_OOBINLINE");
    }
    let options = if options.is_empty() {
        "blocking".to_string()
    } else {
        options.join(" · ")
    };
    let status = (!s.open).then(|| view! { <span class="status-tag">{s.status.clone()}</span> });
    let error = s
        .error
        .clone()
        .map(|e| view! { <span class="err-tag">{e}</span> });
    view! {
        <tr class:changed=s.changed class:closed=closed data-socket=s.socket.to_string()>
            <th scope="row">
                <span class="sock-name">{s.name.clone().unwrap_or_else(|| "—".into())}</span>
                " "
                <code class="muted">{s.socket}</code>
                <span class="sock-host muted">{s.host.clone()}</span>
            </th>
            <td>
                <span class="kind">{s.kind}</span>
                <span class="tcp-state" data-state=s.state.clone()>{s.state.clone()}</span>
                {status}
                {error}
            </td>
            <td class="addrs"><code>{s.local.clone()}</code> " → " <code>{s.remote.clone()}</code></td>
            <td class="num">{s.rx} <span class="muted">"/ " {s.rcvbuf}</span></td>
            <td class="num">{s.tx} <span class="muted">"/ " {s.sndbuf}</span></td>
            <td>{urgent}</td>
            <td>{options}</td>
            <td class="selection">{s.selection.clone()}</td>
        </tr>
    }
}
