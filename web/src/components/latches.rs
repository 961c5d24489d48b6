//! The re-enable latches: sockets × FD_ events, selected / armed / waiting for the
//! re-enabling call, whether the event's condition holds now, and what the last step changed.
//!
//! The grid comes from [`view::latches`]; this module only renders it.

use leptos::prelude::*;
use wsasim::NetworkEvent;

use crate::state::use_run;
use crate::view::{self, LatchCell, LatchRow, LatchState};

/// A short column heading for an event (at most five letters, so all ten columns fit;
/// the heading's title has the full name): `READ`, `ROUTE`.
fn short(event: NetworkEvent) -> &'static str {
    match event {
        NetworkEvent::FD_READ => "READ",
        NetworkEvent::FD_WRITE => "WRITE",
        NetworkEvent::FD_OOB => "OOB",
        NetworkEvent::FD_ACCEPT => "ACPT",
        NetworkEvent::FD_CONNECT => "CONN",
        NetworkEvent::FD_CLOSE => "CLOSE",
        NetworkEvent::FD_QOS => "QOS",
        NetworkEvent::FD_GROUP_QOS => "GQOS",
        NetworkEvent::FD_ROUTING_INTERFACE_CHANGE => "ROUTE",
        NetworkEvent::FD_ADDRESS_LIST_CHANGE => "ADDR",
        _ => "?",
    }
}

/// The latch grid panel.
#[component]
pub fn Latches() -> impl IntoView {
    let run = use_run();
    let rows = Memo::new(move |_| run.with(|r| r.as_ref().map(view::latches).unwrap_or_default()));
    // A function, not a view: the headings are built each time the grid shows.
    let heads = || {
        NetworkEvent::ALL
            .iter()
            .map(|e| {
                let name = e.name().unwrap_or("?");
                let level = wsasim::select::is_level_triggered(*e);
                let trig = if level {
                    "level-triggered"
                } else {
                    "edge-triggered"
                };
                view! {
                    <th scope="col" title=format!("{name} ({trig})") data-event=name>
                        <abbr title=name>{short(*e)}</abbr>
                        <span class="trig">{if level { "L" } else { "E" }}</span>
                    </th>
                }
            })
            .collect_view()
    };
    view! {
        <section class="panel latches" aria-labelledby="latches-title">
            <div class="panel-head">
                <h2 id="latches-title">"Re-enable latches"</h2>
                <span class="badge">{move || format!("{} sockets", rows.with(Vec::len))}</span>
            </div>
            <super::When
                when=move || rows.with(|r| !r.is_empty())
                fallback=|| {
                    view! {
                        <p class="panel-empty">
                            "No open socket yet. Each socket gets a row once socket() returns."
                        </p>
                    }
                }
            >
                <div class="grid-scroll">
                    <table class="latch-grid">
                        <thead>
                            <tr>
                                <th scope="col" class="sock-col">"socket"</th>
                                {heads()}
                            </tr>
                        </thead>
                        <tbody>
                            // Keyed by handle: a step that changes a latch draws that cell
                            // again, not the socket's whole row.
                            {super::keyed(
                                move || rows.with(|rs| rs.iter().map(|r| r.socket).collect::<Vec<_>>()),
                                |socket: &u32| *socket,
                                move |&socket: &u32| {
                                    view! {
                                        <LatchRowView
                                            socket
                                            row=Memo::new(move |_| rows.with(|rs| rs.iter().find(|r| r.socket == socket).cloned()))
                                        />
                                    }
                                        .into_any()
                                },
                            )}
                        </tbody>
                    </table>
                </div>
            </super::When>
            <p class="panel-foot legend">
                <span class="legend-item">
                    <span class="cell-sample armed">"armed"</span>
                    "next occurrence is posted"
                </span>
                <span class="legend-item">
                    <span class="cell-sample waiting">"waiting"</span>
                    "for the re-enabling call"
                </span>
                <span class="legend-item">
                    <span class="cell-sample holds-sample">"●"</span>
                    "condition holds now"
                </span>
                <span class="legend-item">"L / E: level- / edge-triggered"</span>
            </p>
        </section>
    }
}

/// One socket's row: its handle, and its row of the model while it has one.
#[component]
fn LatchRowView(
    /// The handle.
    socket: u32,
    /// The socket's row.
    row: Memo<Option<LatchRow>>,
) -> impl IntoView {
    let text = move |f: fn(&LatchRow) -> String| super::field(row, f);
    let cells = (0..NetworkEvent::ALL.len())
        .map(|i| {
            // A memo per cell: a step redraws only the cells it changed.
            let cell =
                Memo::new(move |_| row.with(|r| r.as_ref().and_then(|r| r.cells.get(i).cloned())));
            move || cell.get().map(|c| view! { <LatchCellView c socket /> })
        })
        .collect_view();
    view! {
        <tr data-socket=socket.to_string()>
            <th
                scope="row"
                class="sock-col"
                class:changed=super::field(row, |r| r.selection_changed)
                title=text(|r| r.selection.clone())
            >
                <span class="sock-name">{text(|r| r.label.clone())}</span>
                <span class="sock-host muted">{text(|r| r.host.clone())}</span>
            </th>
            {cells}
        </tr>
    }
}

/// One latch.
#[component]
fn LatchCellView(
    /// The cell.
    c: LatchCell,
    /// The socket's handle.
    socket: u32,
) -> impl IntoView {
    let text = match c.state {
        LatchState::NotSelected => "·",
        LatchState::Armed => "armed",
        LatchState::Waiting => "waiting",
    };
    // A waiting cell names the first re-enabling call (the whole list is in its title).
    let call = (c.state == LatchState::Waiting).then(|| first_call(c.calls));
    let describe = c.describe();
    view! {
        <td
            class=format!("latch {}", c.state.as_str())
            class:holds=c.holds
            class:changed=c.changed
            class:level=c.level
            data-socket=socket.to_string()
            data-event=c.event
            data-state=c.state.as_str()
            data-holds=c.holds.to_string()
            title=describe.clone()
            aria-label=describe
        >
            <span class="latch-state">{text}</span>
            {call.map(|call| view! { <span class="latch-call">{call}</span> })}
            {c.holds.then(|| view! { <span class="latch-holds" aria-hidden="true">"●"</span> })}
        </td>
    }
}

/// `recv()…` for the first of several calls, the call alone if it is the only one, or
/// "once / conn." when no call re-enables the event.
fn first_call(calls: &[wsasim::select::ReenablingCall]) -> String {
    match calls {
        [] => "once / conn.".to_string(),
        [only] => only.name().to_string(),
        [first, ..] => format!("{}()…", first.name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsasim::select::reenabling_calls;

    #[test]
    fn waiting_cells_name_the_first_call() {
        assert_eq!(
            first_call(reenabling_calls(NetworkEvent::FD_READ)),
            "recv()…"
        );
        assert_eq!(
            first_call(reenabling_calls(NetworkEvent::FD_CLOSE)),
            "once / conn."
        );
        assert_eq!(
            first_call(reenabling_calls(NetworkEvent::FD_QOS)),
            "WSAIoctl(SIO_GET_QOS)"
        );
    }

    #[test]
    fn column_headings_are_short() {
        assert_eq!(short(NetworkEvent::FD_READ), "READ");
        assert_eq!(short(NetworkEvent::FD_ADDRESS_LIST_CHANGE), "ADDR");
        for e in NetworkEvent::ALL {
            assert!(short(e).len() <= 5, "{}", short(e));
        }
    }
}
