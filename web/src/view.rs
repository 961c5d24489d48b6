//! View models: what each data panel shows, computed in plain Rust from a [`Timeline`].
//!
//! Components only render these values, so everything a panel says is tested natively
//! (`view/tests.rs`). Every model derives `PartialEq`, so a `Memo` over it re-renders a
//! panel only when what it shows changed.
//!
//! Cost per step: the models read the world after the cursor (`Timeline::sim`) and the
//! entries the last step added (`Timeline::current_entries`). Two need history and look
//! back over a bounded window of the trace only: the queue's consumed messages and the
//! sequence diagram read at most [`HISTORY_WINDOW`] entries before the cursor, so a step
//! costs the same on entry 100 and on entry 100,000 of a run.

use wsasim::net::{SegmentHeader, SegmentKind, TcpFlags};
use wsasim::select::{is_level_triggered, reenabling_call, reenabling_calls, ReenablingCall};
use wsasim::socket::{Notify, Socket, SocketType};
use wsasim::trace::{Cause, Change, Outcome, TraceEntry};
use wsasim::{Ambiguity, HostId, Ipv4, Message, NetworkEvent, Profile, Rule, SocketHandle};

use crate::contrast::{Contrast, OtherNote};
use crate::state::Selection;
use crate::timeline::Timeline;

/// How many trace entries before the cursor the queue and the diagram look back at.
pub const HISTORY_WINDOW: usize = 2_000;

/// The most consumed messages a window's queue lists (older ones are counted).
pub const MAX_CONSUMED: usize = 40;

/// The most queued messages a window's list shows: the oldest, which `GetMessage` takes
/// next; the rest are counted (a queue nobody reads can hold millions).
pub const MAX_QUEUED_ROWS: usize = 200;

/// The most segments the sequence diagram draws (the newest).
pub const MAX_ARROWS: usize = 120;

/// The most trace entries the trace log lists (those just before the cursor).
pub const MAX_TRACE_ROWS: usize = 100;

/// The script's name for a socket (`A`), if it has one.
fn socket_name(t: &Timeline, s: SocketHandle) -> Option<String> {
    t.runner().socket_name(s).map(str::to_string)
}

/// A host's name, or its id when unknown.
fn host_name(t: &Timeline, h: HostId) -> String {
    t.sim()
        .host(h)
        .map_or_else(|| h.to_string(), |x| x.name.clone())
}

/// `A (108)` or `108`.
fn socket_label(t: &Timeline, s: SocketHandle) -> String {
    match socket_name(t, s) {
        Some(n) => format!("{n} ({s})"),
        None => s.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Message queues
// ---------------------------------------------------------------------------------------

/// One message in a window's queue panel.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MessageRow {
    /// `Message::id`, unique in the run. (The row's key in its keyed list is the whole
    /// row: a row is drawn once, so one that shows anything else, such as the badge that
    /// comes with the other profile's run or another run's message of the same id, is
    /// new.)
    pub id: u64,
    /// `hWnd`, `0x00010010`.
    pub hwnd: String,
    /// `wMsg`, `WM_USER+1`.
    pub wmsg: String,
    /// `wParam`: the socket handle.
    pub socket: u32,
    /// The script's variable for that socket, if any.
    pub socket_name: Option<String>,
    /// `lParam` in hex, `0x27460020`.
    pub lparam: String,
    /// `WSAGETSELECTEVENT(lParam)` by name.
    pub event: String,
    /// `WSAGETSELECTERROR(lParam)` by name, or `0`.
    pub error: String,
    /// The error word is not 0.
    pub has_error: bool,
    /// The rule that posted it.
    pub rule: &'static str,
    /// The badge, when the other profile's run posts no equal message at this point
    /// (see [`crate::contrast`]).
    pub badge: Option<OtherBadge>,
    /// When it was posted (virtual time).
    pub posted_at: String,
    /// Taken by GetMessage / PeekMessage (or an `expect`).
    pub consumed: bool,
    /// Posted by the step just taken.
    pub fresh: bool,
    /// Still queued although its socket's selection was cancelled after it was posted
    /// (WSAAsyncSelect with lEvent 0, or closesocket).
    pub after_cancel: bool,
}

/// The "Win ≠" badge of a message: the other profile does something else here.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OtherBadge {
    /// `Win ≠` (the other profile is Windows) or `Doc ≠`.
    pub short: &'static str,
    /// What the other profile does instead: `Under Windows: FD_CLOSE with … [FD_CLOSE.4]`.
    pub note: String,
}

fn badge(c: Option<&Contrast>, id: u64) -> Option<OtherBadge> {
    let c = c?;
    let note = c.message_note(id)?;
    let short = match c.other() {
        Profile::Windows => "Win ≠",
        Profile::Documented => "Doc ≠",
    };
    Some(OtherBadge { short, note })
}

impl MessageRow {
    fn new(t: &Timeline, m: &Message, c: Option<&Contrast>) -> MessageRow {
        let ev = m.lparam.event();
        let error = match (m.lparam.error_code(), m.lparam.error()) {
            (0, _) => "0".to_string(),
            (_, Some(e)) => e.name().to_string(),
            (n, None) => n.to_string(),
        };
        MessageRow {
            id: m.id,
            hwnd: m.hwnd.to_string(),
            wmsg: m.msg.to_string(),
            socket: m.wparam.0,
            socket_name: socket_name(t, m.wparam),
            lparam: format!("{:#010x}", m.lparam.raw()),
            event: ev.to_string(),
            error,
            has_error: m.lparam.error_code() != 0,
            rule: m.rule.id(),
            badge: badge(c, m.id),
            posted_at: m.posted_at.to_string(),
            consumed: false,
            fresh: false,
            after_cancel: false,
        }
    }

    /// `A (108)` or `108`.
    pub fn wparam_label(&self) -> String {
        match &self.socket_name {
            Some(n) => format!("{n} ({})", self.socket),
            None => self.socket.to_string(),
        }
    }
}

/// One window's queue.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WindowQueue {
    /// `hWnd`.
    pub hwnd: String,
    /// The window's name in the script.
    pub name: String,
    /// The host whose application owns it.
    pub host: String,
    /// False after DestroyWindow.
    pub alive: bool,
    /// Messages taken whose rows are not listed (older than the listed ones).
    pub earlier_consumed: u64,
    /// Consumed messages (the latest [`MAX_CONSUMED`]), then the queued ones, oldest first.
    pub messages: Vec<MessageRow>,
    /// How many messages wait in the queue.
    pub queued: usize,
    /// Queued messages not listed (after the first [`MAX_QUEUED_ROWS`]).
    pub later_queued: usize,
}

/// Every window's queue, in window order; `c` (the other profile's run) marks the
/// messages it does not post.
pub fn queues(t: &Timeline, c: Option<&Contrast>) -> Vec<WindowQueue> {
    let sim = t.sim();
    // (Small sets and maps here are vectors: each `BTreeMap` type is code of its own in
    // the module, and these hold a step's messages, the windows, the sockets.)
    let fresh: Vec<u64> = t
        .current_entries()
        .iter()
        .flat_map(|e| e.posted())
        .map(|m| m.id)
        .collect();
    let recent = t.recent(HISTORY_WINDOW);
    // Where, in the recent trace, each message still queued was posted, and where each
    // socket's selection was last cancelled: a `Change::Selection` to no events, which
    // WSAAsyncSelect or WSAEventSelect with no events (SELECT.cancel) and closesocket
    // record. A place is (entry index, change index), so order within a step counts too.
    // Messages leave a queue only from its front (GetMessage, PeekMessage with
    // PM_REMOVE) or all at once (DestroyWindow), and ids grow: a window's messages still
    // queued are those from its oldest queued one on. (A queue nobody reads can hold
    // millions: nothing here walks it.)
    let first_queued: Vec<(wsasim::Hwnd, u64)> = sim
        .windows()
        .iter()
        .filter_map(|w| w.queue.front().map(|m| (w.hwnd, m.id)))
        .collect();
    let is_queued = |m: &Message| {
        first_queued
            .iter()
            .any(|&(w, first)| w == m.hwnd && m.id >= first)
    };
    // Posted in trace order, so by growing id: searched by halves.
    let mut posted_at: Vec<(u64, (usize, usize))> = Vec::new();
    // The last cancel of each socket.
    let mut cancelled_at: Vec<(SocketHandle, (usize, usize))> = Vec::new();
    for e in &recent {
        for (k, c) in e.changes.iter().enumerate() {
            match c {
                Change::Posted(m) if is_queued(m) => posted_at.push((m.id, (e.index, k))),
                Change::Selection { socket, events, .. } if events.is_empty() => {
                    match cancelled_at.iter_mut().find(|(s, _)| s == socket) {
                        Some((_, at)) => *at = (e.index, k),
                        None => cancelled_at.push((*socket, (e.index, k))),
                    }
                }
                _ => {}
            }
        }
    }
    let posted_at = |id: u64| {
        posted_at
            .binary_search_by_key(&id, |&(i, _)| i)
            .ok()
            .map(|k| posted_at[k].1)
    };
    let cancelled_after = |m: &Message| -> bool {
        // The socket has no selection now (or is gone): every message still queued for it
        // was posted before the cancel, since a message needs a selection to be posted.
        let now_unselected = match sim.socket_info(m.wparam) {
            None => true,
            Some(s) => !s.is_open() || s.notify().events().is_empty(),
        };
        // Else it was selected again since: the message is from before the last cancel
        // if it was posted before it, or before the recent trace began.
        now_unselected
            || cancelled_at
                .iter()
                .find(|(s, _)| *s == m.wparam)
                .is_some_and(|(_, cancel)| posted_at(m.id).is_none_or(|posted| posted < *cancel))
    };
    sim.windows()
        .iter()
        .map(|w| {
            let mut consumed: Vec<MessageRow> = recent
                .iter()
                .flat_map(|e| e.posted())
                .filter(|m| m.hwnd == w.hwnd && !is_queued(m))
                .map(|m| {
                    let mut row = MessageRow::new(t, m, c);
                    row.consumed = true;
                    row.fresh = fresh.contains(&m.id);
                    row
                })
                .collect();
            let skip = consumed.len().saturating_sub(MAX_CONSUMED);
            consumed.drain(..skip);
            let earlier_consumed = w.taken.saturating_sub(consumed.len() as u64);
            let mut messages = consumed;
            for m in w.queue.iter().take(MAX_QUEUED_ROWS) {
                let mut row = MessageRow::new(t, m, c);
                row.fresh = fresh.contains(&m.id);
                row.after_cancel = cancelled_after(m);
                messages.push(row);
            }
            WindowQueue {
                hwnd: w.hwnd.to_string(),
                name: w.name.clone(),
                host: host_name(t, w.host),
                alive: w.alive,
                earlier_consumed,
                messages,
                queued: w.queue.len(),
                later_queued: w.queue.len().saturating_sub(MAX_QUEUED_ROWS),
            }
        })
        .collect()
}

/// The message with this id, from the queues or the trace up to the cursor.
pub fn find_message(t: &Timeline, id: u64) -> Option<Message> {
    for w in t.sim().windows() {
        if let Some(m) = w.queue.iter().find(|m| m.id == id) {
            return Some(m.clone());
        }
    }
    t.entry_posting(id)?.posted().find(|m| m.id == id).cloned()
}

/// The index of the trace entry that posted message `id`, if posted by now.
pub fn find_entry_of_message(t: &Timeline, id: u64) -> Option<usize> {
    t.entry_posting(id).map(|e| e.index)
}

/// The selected message as a row, if a message is selected and posted by now.
pub fn selected_message(t: &Timeline, sel: Selection) -> Option<MessageRow> {
    match sel {
        Selection::Message(id) => find_message(t, id).map(|m| MessageRow::new(t, &m, None)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Re-enable latches
// ---------------------------------------------------------------------------------------

/// A latch's state, for one socket and one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LatchState {
    /// The event is not in the socket's `lEvent`.
    NotSelected,
    /// Selected and armed: the next occurrence is posted.
    Armed,
    /// Selected, posted, and waiting for its re-enabling call.
    Waiting,
}

impl LatchState {
    /// `not-selected`, `armed` or `waiting`: the cell's `data-state`.
    pub fn as_str(self) -> &'static str {
        match self {
            LatchState::NotSelected => "not-selected",
            LatchState::Armed => "armed",
            LatchState::Waiting => "waiting",
        }
    }
}

/// One cell of the latch grid.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LatchCell {
    /// `FD_READ`.
    pub event: &'static str,
    /// Selected, armed or waiting.
    pub state: LatchState,
    /// The condition behind the event holds now (`Sim::event_condition_holds`).
    pub holds: bool,
    /// FD_READ, FD_OOB, FD_ACCEPT: re-posted after the re-enabling call while the condition holds.
    pub level: bool,
    /// The calls that re-arm it, as the core words them (`wsasim::select::reenabling_call`),
    /// or "once per connection": the cell's title.
    pub reenable: &'static str,
    /// The same calls, typed (`wsasim::select::reenabling_calls`); empty for an event that
    /// happens once per connection.
    pub calls: &'static [ReenablingCall],
    /// The step just taken changed this latch or posted this event.
    pub changed: bool,
}

impl LatchCell {
    /// The text a screen reader (and a test) reads for the cell.
    pub fn describe(&self) -> String {
        let state = match self.state {
            LatchState::NotSelected => "not selected".to_string(),
            LatchState::Armed => "selected, armed".to_string(),
            LatchState::Waiting => format!("selected, waiting for {}", self.reenable),
        };
        let holds = if self.holds {
            "condition holds"
        } else {
            "condition does not hold"
        };
        let trig = if self.level {
            "level-triggered"
        } else {
            "edge-triggered"
        };
        format!("{}: {state}; {holds}; {trig}", self.event)
    }
}

/// One socket's row of latches.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LatchRow {
    /// The handle.
    pub socket: u32,
    /// `A (108)`.
    pub label: String,
    /// The owning host.
    pub host: String,
    /// `→ main (0x00010010) WM_USER+1`, `event object 1`, or `no selection`.
    pub selection: String,
    /// The step just taken changed the socket's selection.
    pub selection_changed: bool,
    /// One cell per event of [`NetworkEvent::ALL`].
    pub cells: Vec<LatchCell>,
}

fn selection_text(t: &Timeline, n: &Notify) -> String {
    match n {
        Notify::None => "no selection".to_string(),
        Notify::Window { hwnd, msg, events } => {
            let name = t
                .sim()
                .window(*hwnd)
                .map_or_else(String::new, |w| format!("{} ", w.name));
            format!("WSAAsyncSelect → {name}({hwnd}), {msg}, {events}")
        }
        Notify::Event { event, events } => format!("WSAEventSelect → {event}, {events}"),
    }
}

/// The socket an application can use: open and returned by accept (or never accepted).
fn visible_socket(s: &Socket) -> bool {
    s.is_open()
}

/// The latch grid: every open socket × the ten events.
pub fn latches(t: &Timeline) -> Vec<LatchRow> {
    let sim = t.sim();
    let mut changed: Vec<(SocketHandle, NetworkEvent)> = Vec::new();
    let mut sel_changed: Vec<SocketHandle> = Vec::new();
    for e in t.current_entries() {
        for c in &e.changes {
            match c {
                Change::Latch { socket, events, .. } => changed.push((*socket, *events)),
                Change::Posted(m) => changed.push((m.wparam, m.lparam.event())),
                Change::Recorded { socket, event, .. } => changed.push((*socket, *event)),
                Change::Selection { socket, .. } => {
                    sel_changed.push(*socket);
                    changed.push((*socket, NetworkEvent::FD_ALL_EVENTS));
                }
                _ => {}
            }
        }
    }
    sim.sockets()
        .filter(|s| visible_socket(s))
        .map(|s| {
            let selected = s.notify().events();
            let cells = NetworkEvent::ALL
                .iter()
                .map(|&ev| {
                    let state = if !selected.contains(ev) {
                        LatchState::NotSelected
                    } else if s.armed().contains(ev) {
                        LatchState::Armed
                    } else {
                        LatchState::Waiting
                    };
                    LatchCell {
                        event: ev.name().unwrap_or("?"),
                        state,
                        holds: sim.event_condition_holds(s.handle(), ev),
                        level: is_level_triggered(ev),
                        reenable: reenabling_call(ev).unwrap_or("once per connection"),
                        calls: reenabling_calls(ev),
                        changed: changed
                            .iter()
                            .any(|(h, evs)| *h == s.handle() && evs.contains(ev)),
                    }
                })
                .collect();
            LatchRow {
                socket: s.handle().0,
                label: socket_label(t, s.handle()),
                host: host_name(t, s.host()),
                selection: selection_text(t, &s.notify()),
                selection_changed: sel_changed.contains(&s.handle()),
                cells,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Sockets and network
// ---------------------------------------------------------------------------------------

/// One socket's row in the sockets table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SocketRow {
    /// The handle.
    pub socket: u32,
    /// The script's variable, if any.
    pub name: Option<String>,
    /// The owning host.
    pub host: String,
    /// `SOCK_STREAM` or `SOCK_DGRAM`.
    pub kind: &'static str,
    /// The TCP state (`ESTABLISHED`), `LISTEN`, or `—` for a datagram socket.
    pub state: String,
    /// Local address, once bound.
    pub local: String,
    /// Peer address, once connected.
    pub remote: String,
    /// FIONBIO.
    pub nonblocking: bool,
    /// SO_OOBINLINE.
    pub oob_inline: bool,
    /// Bytes (or datagram bytes) waiting to be read.
    pub rx: usize,
    /// SO_RCVBUF.
    pub rcvbuf: u32,
    /// Bytes sent and not yet acknowledged.
    pub tx: usize,
    /// SO_SNDBUF.
    pub sndbuf: u32,
    /// Urgent bytes waiting for recv(MSG_OOB).
    pub urgent: usize,
    /// With SO_OOBINLINE: bytes before the urgent byte (`SIOCATMARK` false until read).
    pub oob_mark: Option<usize>,
    /// Its selection.
    pub selection: String,
    /// `open`, `closed (closing)`, `waiting for accept`.
    pub status: String,
    /// Open and accepted (or never pending): `status` is `open`.
    pub open: bool,
    /// The error recv/send now fail with, after a reset or abort.
    pub error: Option<String>,
    /// The step just taken touched this socket.
    pub changed: bool,
}

/// A host, with its addresses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HostRow {
    /// Its name.
    pub name: String,
    /// Its addresses.
    pub addrs: String,
    /// False while its network is down.
    pub net_up: bool,
}

/// A link someone configured or cut.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LinkRow {
    /// `client ↔ server`.
    pub ends: String,
    /// One-way latency.
    pub latency: String,
    /// False while cut.
    pub up: bool,
}

/// The sockets panel: every socket, every host, every configured link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SocketsView {
    /// Sockets by handle.
    pub sockets: Vec<SocketRow>,
    /// Hosts in creation order.
    pub hosts: Vec<HostRow>,
    /// Configured links.
    pub links: Vec<LinkRow>,
}

fn touched(c: &Change) -> Option<SocketHandle> {
    match c {
        Change::Posted(m) => Some(m.wparam),
        Change::Recorded { socket, .. }
        | Change::Suppressed { socket, .. }
        | Change::Latch { socket, .. }
        | Change::Selection { socket, .. }
        | Change::Refused { socket, .. }
        | Change::State { socket, .. } => Some(*socket),
        Change::Created(s) | Change::Freed(s) => Some(*s),
        _ => None,
    }
}

/// The sockets panel's model.
pub fn sockets(t: &Timeline) -> SocketsView {
    let sim = t.sim();
    // (A vector, not a set: see `queues`.)
    let changed: Vec<SocketHandle> = t
        .current_entries()
        .iter()
        .flat_map(|e| e.changes.iter().filter_map(touched))
        .collect();
    let sockets = sim
        .sockets()
        .map(|s| {
            let rx = match s.ty() {
                SocketType::Stream => s.unread(),
                SocketType::Dgram => s.datagrams().map(|d| d.1.len()).sum(),
            };
            let open = s.is_open();
            let status = if s.listener().is_some() {
                "waiting for accept".to_string()
            } else if !s.is_open() {
                "closed (closesocket), finishing".to_string()
            } else {
                "open".to_string()
            };
            SocketRow {
                socket: s.handle().0,
                name: socket_name(t, s.handle()),
                host: host_name(t, s.host()),
                kind: match s.ty() {
                    SocketType::Stream => "SOCK_STREAM",
                    SocketType::Dgram => "SOCK_DGRAM",
                },
                state: match s.ty() {
                    SocketType::Stream => s.state().to_string(),
                    SocketType::Dgram => "—".to_string(),
                },
                local: s.local().map_or_else(|| "—".into(), |a| a.to_string()),
                remote: s.remote().map_or_else(|| "—".into(), |a| a.to_string()),
                nonblocking: s.nonblocking(),
                oob_inline: s.oob_inline(),
                rx,
                rcvbuf: s.rcvbuf(),
                tx: s.unacknowledged(),
                sndbuf: s.sndbuf(),
                urgent: s.urgent_unread(),
                oob_mark: s.oob_mark(),
                selection: selection_text(t, &s.notify()),
                status,
                open,
                error: s.error().map(|e| e.name().to_string()),
                changed: changed.contains(&s.handle()),
            }
        })
        .collect();
    let hosts = sim
        .hosts()
        .iter()
        .map(|h| HostRow {
            name: h.name.clone(),
            addrs: h
                .addrs
                .iter()
                .map(Ipv4::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            net_up: h.net_up,
        })
        .collect();
    let links = sim
        .links()
        .iter()
        .map(|l| LinkRow {
            ends: format!("{} ↔ {}", host_name(t, l.a), host_name(t, l.b)),
            latency: l.latency.to_string(),
            up: l.up,
        })
        .collect();
    SocketsView {
        sockets,
        hosts,
        links,
    }
}

// ---------------------------------------------------------------------------------------
// Sequence diagram
// ---------------------------------------------------------------------------------------

/// What became of a segment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ArrowFate {
    /// It arrived.
    Delivered,
    /// Still on the wire at the cursor: it arrives later.
    InFlight,
    /// Lost, and why; `at_receiver` if it reached the other host first.
    Dropped {
        /// Why it was lost.
        why: String,
        /// True if lost on arrival (no socket, full buffer), false if lost on the way.
        at_receiver: bool,
    },
}

/// One segment in the sequence diagram.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Arrow {
    /// The trace index of the entry that sent it, then its position in it: a stable key.
    pub key: (usize, usize),
    /// Sending host, as a column of [`Diagram::hosts`].
    pub from: usize,
    /// Receiving host's column.
    pub to: usize,
    /// The row (of [`Diagram::times`]) when it was sent.
    pub sent_row: usize,
    /// The row when it arrived, is due, or was dropped.
    pub end_row: usize,
    /// `SYN`, `ACK`, `len=5`, `URG|ACK len=1`, `FIN|ACK`, `RST`, `UDP len=5`.
    pub label: String,
    /// The whole segment, for a tooltip.
    pub detail: String,
    /// Its fate.
    pub fate: ArrowFate,
    /// Sent or delivered by the step just taken.
    pub fresh: bool,
}

/// The sequence diagram: hosts as lifelines, virtual time downwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagram {
    /// Lifelines, in host order.
    pub hosts: Vec<String>,
    /// The distinct instants drawn, in order, as `0.005s`: one row each.
    pub times: Vec<String>,
    /// The row of the current virtual time.
    pub now_row: Option<usize>,
    /// The segments, oldest first.
    pub arrows: Vec<Arrow>,
    /// Segments sent before the first one drawn (outside the bounded window).
    pub earlier: usize,
}

/// A short label: the flags without ACK on data, the data length.
pub fn segment_label(s: &SegmentHeader) -> String {
    match s.kind {
        SegmentKind::Tcp { flags, len, .. } => {
            let mut f = flags.to_string();
            if len > 0 {
                let only_ack = flags
                    == TcpFlags {
                        ack: true,
                        ..TcpFlags::default()
                    };
                if only_ack {
                    f.clear();
                } else {
                    f.push(' ');
                }
                f.push_str(&format!("len={len}"));
            }
            f
        }
        SegmentKind::Udp { len } => format!("UDP len={len}"),
    }
}

fn host_col(t: &Timeline, ip: Ipv4, fallback: Option<HostId>) -> usize {
    t.sim()
        .hosts()
        .iter()
        .position(|h| h.addrs.contains(&ip))
        .or_else(|| fallback.map(|h| h.0 as usize))
        .unwrap_or(0)
}

/// The sequence diagram of the last segments (between half of [`MAX_ARROWS`] and all of
/// it) sent within at most the last [`HISTORY_WINDOW`] trace entries before the cursor.
pub fn diagram(t: &Timeline) -> Diagram {
    use wsasim::Instant;
    struct Raw {
        key: (usize, usize),
        from: usize,
        to: usize,
        seg: SegmentHeader,
        sent: Instant,
        end: Option<Instant>,
        fate: ArrowFate,
        fresh: bool,
    }
    let len = t.trace_len();
    // The window moves in chunks (of half its size), and old arrows are dropped in chunks
    // too, so between two chunk boundaries a step only adds arrows at the bottom: the
    // rows of the others stay put and their (keyed) SVG nodes are kept.
    let chunk = HISTORY_WINDOW / 2;
    let start = (len.saturating_sub(chunk) / chunk) * chunk;
    let recent = t.entries(start..len);
    let current_first = t.current_entries().first().map_or(usize::MAX, |e| e.index);
    let mut raw: Vec<Raw> = Vec::new();
    // Indexes into `raw` of the segments not yet delivered or dropped, oldest first.
    let mut open: Vec<usize> = Vec::new();
    let mut total = 0usize;
    for e in &recent {
        let fresh = e.index >= current_first;
        let mut delivered_here: Option<usize> = None;
        if let Cause::Deliver { segment, .. } = &e.cause {
            if let Some(k) = open.iter().position(|&i| raw[i].seg == *segment) {
                let i = open.remove(k);
                raw[i].end = Some(e.at);
                raw[i].fate = ArrowFate::Delivered;
                raw[i].fresh |= fresh;
                delivered_here = Some(i);
            }
        }
        for (k, c) in e.changes.iter().enumerate() {
            match c {
                Change::Sent(seg) => {
                    total += 1;
                    open.push(raw.len());
                    raw.push(Raw {
                        key: (e.index, k),
                        from: host_col(t, seg.src.ip, e.host()),
                        to: host_col(t, seg.dst.ip, None),
                        seg: *seg,
                        sent: e.at,
                        end: None,
                        fate: ArrowFate::InFlight,
                        fresh,
                    });
                }
                Change::Dropped { segment, why } => {
                    let arrived =
                        matches!(&e.cause, Cause::Deliver { segment: s, .. } if s == segment);
                    let target = if arrived {
                        delivered_here
                    } else {
                        open.iter()
                            .rposition(|&i| raw[i].seg == *segment)
                            .map(|k| open.remove(k))
                    };
                    if let Some(i) = target {
                        raw[i].end = Some(e.at);
                        raw[i].fate = ArrowFate::Dropped {
                            why: why.to_string(),
                            at_receiver: arrived,
                        };
                        raw[i].fresh |= fresh;
                    }
                }
                _ => {}
            }
        }
    }
    // Segments still on the wire: when they arrive.
    let in_flight = t.sim().in_flight();
    let mut used = vec![false; in_flight.len()];
    for r in raw.iter_mut().filter(|r| r.end.is_none()) {
        if let Some(i) =
            (0..in_flight.len()).find(|&i| !used[i] && in_flight[i].segment.header() == r.seg)
        {
            used[i] = true;
            r.end = Some(in_flight[i].arrives);
        }
    }
    let half = MAX_ARROWS / 2;
    let skip = if raw.len() > MAX_ARROWS {
        (raw.len() - half) / half * half
    } else {
        0
    };
    raw.drain(..skip);
    let earlier = total - raw.len();
    let now = t.sim().now();
    let mut instants: Vec<Instant> = raw
        .iter()
        .flat_map(|r| [Some(r.sent), r.end])
        .flatten()
        .collect();
    instants.push(now);
    sort_short(&mut instants);
    instants.dedup();
    let row = |at: Instant| instants.binary_search(&at).unwrap_or(0);
    let arrows = raw
        .into_iter()
        .map(|r| Arrow {
            key: r.key,
            from: r.from,
            to: r.to,
            sent_row: row(r.sent),
            end_row: r.end.map_or(row(r.sent), row),
            label: segment_label(&r.seg),
            detail: r.seg.to_string(),
            fate: r.fate,
            fresh: r.fresh,
        })
        .collect::<Vec<_>>();
    Diagram {
        hosts: t.sim().hosts().iter().map(|h| h.name.clone()).collect(),
        times: instants.iter().map(|i| i.to_string()).collect(),
        now_row: Some(row(now)),
        arrows,
        earlier,
    }
}

// ---------------------------------------------------------------------------------------
// Why
// ---------------------------------------------------------------------------------------

/// A rule's sentence in its place in the specification: in its paragraph, or, for the
/// page's summary of events and its error tables, under its heading as a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecContext {
    /// The heading the sentence sits under (`• FD_ACCEPT:`, `Event: FD_ACCEPT`), if any.
    pub heading: Option<String>,
    /// True when that heading is one wsasim restored (marked `‡` in the shipped text).
    pub restored: bool,
    /// The paragraph's text before the sentence (empty in the list form).
    pub before: String,
    /// The sentence as the page writes it.
    pub sentence: String,
    /// The paragraph's text after it (empty in the list form).
    pub after: String,
    /// The list under the heading, one entry per item, the sentence's item marked.
    pub items: Vec<SpecItem>,
    /// True when the items are numbered (`1.`, `2.`, …) in the page.
    pub numbered: bool,
    /// Why this message carries its error, where the core says (network down).
    pub note: Option<&'static str>,
}

/// One item of a list of the specification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecItem {
    /// The item's number in the page, for a numbered list.
    pub number: Option<u32>,
    /// The item's text before the sentence, or all of it when it is not the sentence's.
    pub before: String,
    /// The sentence, in the sentence's item only.
    pub sentence: Option<String>,
    /// The item's text after the sentence.
    pub after: String,
}

/// The summary list item the sentence is in: the heading above it and every item under
/// that heading (a note line joins the item before it).
fn summary_list(spec: &str, needle: &str) -> Option<SpecContext> {
    let lines: Vec<&str> = spec.lines().collect();
    let is_heading = |l: &str| l.starts_with("  • ") && !l.starts_with("    ");
    let is_item = |l: &str| l.starts_with("    ") && !l.starts_with("      ");
    let hit = lines
        .iter()
        .position(|l| is_item(l) && words(l).contains(needle))?;
    let start = (0..hit).rev().find(|&i| is_heading(lines[i]))?;
    let heading = lines[start].trim().trim_end_matches('‡').trim_end();
    let restored = lines[start].trim_end().ends_with('‡');
    let mut items: Vec<(Option<u32>, String)> = Vec::new();
    for l in lines.iter().skip(start + 1) {
        if is_heading(l) || l.trim().is_empty() {
            break;
        }
        if is_item(l) {
            let t = l.trim().trim_start_matches("• ");
            match t.split_once(". ") {
                Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
                    items.push((n.parse().ok(), words(rest)))
                }
                _ => items.push((None, words(t))),
            }
        } else if let Some(last) = items.last_mut() {
            last.1 = format!("{} {}", last.1, words(l));
        }
    }
    let numbered = items.iter().all(|(n, _)| n.is_some());
    let items = items
        .into_iter()
        .map(|(number, text)| match text.find(needle) {
            Some(at) => SpecItem {
                number,
                before: text[..at].to_string(),
                sentence: Some(needle.to_string()),
                after: text[at + needle.len()..].to_string(),
            },
            None => SpecItem {
                number,
                before: text,
                sentence: None,
                after: String::new(),
            },
        })
        .collect();
    Some(SpecContext {
        heading: Some(heading.to_string()),
        restored,
        before: String::new(),
        sentence: needle.to_string(),
        after: String::new(),
        items,
        numbered,
        note: None,
    })
}

/// The error table of `event` (a network-down message): its `Event:` headings, its rows
/// with the sentence's row marked, and the core's reason.
fn error_table_context(spec: &str, needle: &str, event: NetworkEvent) -> Option<SpecContext> {
    let table = wsasim::spec::error_table_in(spec, event)?;
    let mut headings = Vec::new();
    let mut items = Vec::new();
    for l in table.lines() {
        let l = l.trim();
        if let Some(h) = l.strip_prefix("Event: ") {
            headings.push(h.trim_end_matches('‡').trim().to_string());
        } else if l == "Error code Meaning" || l.is_empty() {
        } else {
            let marked = words(l) == needle;
            items.push(SpecItem {
                number: None,
                before: if marked { String::new() } else { l.to_string() },
                sentence: marked.then(|| l.to_string()),
                after: String::new(),
            });
        }
    }
    Some(SpecContext {
        heading: Some(format!("Error codes for {}", headings.join(", "))),
        restored: table.contains('‡'),
        before: String::new(),
        sentence: needle.to_string(),
        after: String::new(),
        items,
        numbered: false,
        note: wsasim::spec::network_down_reason(event),
    })
}

/// Where the page says `rule`'s sentence, for a message of `event` if there is one: the
/// network-down rule under `event`'s error table, a summary item under its heading, else
/// the sentence's paragraph. `spec` is the specification's text (the site fetches it,
/// see [`crate::data`]).
pub fn rule_context(spec: &str, rule: Rule, event: Option<NetworkEvent>) -> Option<SpecContext> {
    let needle = words(rule.sentence());
    if rule == Rule::NetworkDown {
        if let Some(c) = event.and_then(|e| error_table_context(spec, &needle, e)) {
            return Some(c);
        }
    }
    summary_list(spec, &needle).or_else(|| spec_context(spec, rule.sentence()))
}

/// A place where the page reads two ways, at the rule the Why panel explains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmbiguityNote {
    /// Its id, the anchor of its entry: `connect-outcome-after-refused`.
    pub id: &'static str,
    /// What is ambiguous.
    pub title: &'static str,
    /// The reading the model takes, and why.
    pub choice: &'static str,
    /// The reading it does not take.
    pub other: &'static str,
    /// Its entry in the documentation: `docs/ambiguities.md#…`.
    pub doc: String,
    /// The same entry on the site (`ambiguities.md`, copied there by Trunk).
    pub href: String,
}

impl AmbiguityNote {
    fn new(a: Ambiguity) -> AmbiguityNote {
        AmbiguityNote {
            id: a.id(),
            title: a.title(),
            choice: a.choice(),
            other: a.other_reading(),
            doc: a.doc_path(),
            href: format!("./ambiguities.md#{}", a.id()),
        }
    }
}

/// The "why" panel: which rule, its sentence, and where the page says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhyView {
    /// What is explained: `message #3: WM_USER+1(A, FD_READ, 0)` or `step #12: recv(…)`.
    pub subject: String,
    /// The rule's id, `FD_READ.3`.
    pub rule: &'static str,
    /// Its sentence.
    pub sentence: &'static str,
    /// What the other profile does instead at this point, only where it does something
    /// else (see [`crate::contrast`]).
    pub other: Option<OtherNote>,
    /// The rule's general note on Windows, shown beside `other` (never alone: a rule's
    /// note need not apply to this step).
    pub rule_note: Option<&'static str>,
    /// The sentence in its paragraph of the specification.
    pub context: Option<SpecContext>,
    /// The other rules the same step applied (id and change text).
    pub also: Vec<(String, String)>,
    /// Where the page reads two ways at this rule (and event): the model's choice and the
    /// other reading (see [`Ambiguity`]).
    pub ambiguities: Vec<AmbiguityNote>,
}

/// Sorts a short, nearly sorted list (at most a few hundred items) in place: an insertion
/// sort, a few dozen bytes of WebAssembly where each use of the standard library's `sort`
/// adds about 4 KB (README, "Size").
pub fn sort_short<T: Ord>(v: &mut [T]) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] > v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The paragraph of the specification's text `spec` that holds `sentence`, split around it.
pub fn spec_context(spec: &str, sentence: &str) -> Option<SpecContext> {
    let needle = words(sentence);
    let paragraphs = spec.split("\n\n");
    let mut prev: Option<String> = None;
    for p in paragraphs {
        let flat = words(p);
        if let Some(at) = flat.find(&needle) {
            let mut before = flat[..at].to_string();
            // A bare heading line ("FD_READ:") reads better with what precedes it.
            if before.is_empty() {
                if let Some(prev) = prev.filter(|p| p.len() < 300) {
                    before = format!("{prev} ");
                }
            }
            return Some(SpecContext {
                heading: None,
                restored: false,
                before: trim_before(&before),
                sentence: flat[at..at + needle.len()].to_string(),
                after: trim_after(&flat[at + needle.len()..]),
                items: Vec::new(),
                numbered: false,
                note: None,
            });
        }
        if !flat.is_empty() {
            prev = Some(flat);
        }
    }
    None
}

/// How much of the paragraph is kept on each side of the sentence.
const CONTEXT_CHARS: usize = 240;

/// The end of `text`: about [`CONTEXT_CHARS`], starting at a sentence or bullet.
fn trim_before(text: &str) -> String {
    if text.len() <= CONTEXT_CHARS {
        return text.to_string();
    }
    let mut from = text.len() - CONTEXT_CHARS;
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let tail = &text[from..];
    let start = [". ", "• ", ": "]
        .iter()
        .filter_map(|b| tail.find(b).map(|i| i + b.len()))
        .min()
        .filter(|&i| i < tail.len())
        .unwrap_or(0);
    format!("… {}", &tail[start..])
}

/// The start of `text`: about [`CONTEXT_CHARS`], ending at a sentence.
fn trim_after(text: &str) -> String {
    if text.len() <= CONTEXT_CHARS {
        return text.to_string();
    }
    let mut to = CONTEXT_CHARS;
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let head = &text[..to];
    match head.rfind(". ") {
        Some(i) if i > 0 => format!("{} …", &head[..=i]),
        _ => format!("{head} …"),
    }
}

fn explain(
    spec: Option<&str>,
    subject: String,
    rule: Rule,
    ambiguities: Vec<Ambiguity>,
    event: Option<NetworkEvent>,
    also: Vec<(String, String)>,
    other: Option<OtherNote>,
) -> WhyView {
    WhyView {
        ambiguities: ambiguities.into_iter().map(AmbiguityNote::new).collect(),
        subject,
        rule: rule.id(),
        sentence: rule.sentence(),
        rule_note: other.as_ref().and_then(|_| rule.windows_differs()),
        other,
        context: spec.and_then(|spec| rule_context(spec, rule, event)),
        also,
    }
}

fn explain_entry(
    spec: Option<&str>,
    t: &Timeline,
    e: &TraceEntry,
    c: Option<&Contrast>,
) -> Option<WhyView> {
    let names = t.names();
    let mut ruled = e.changes.iter().filter_map(|c| c.rule().map(|r| (c, r)));
    let first = ruled
        .clone()
        .find(|(c, _)| matches!(c, Change::Posted(_) | Change::Recorded { .. }))
        .or_else(|| ruled.next())?;
    let also = e
        .changes
        .iter()
        .filter(|c| !std::ptr::eq(*c, first.0))
        .filter_map(|c| c.rule().map(|r| (r.id().to_string(), c.to_string())))
        .collect();
    let subject = format!(
        "step {} · entry #{} at {}: {}",
        t.step_of_entry(e.index),
        e.index,
        e.at,
        e.cause.display(names)
    );
    let other = c.and_then(|c| c.for_entry(t, e.index));
    // The ambiguities of the rule explained first, then those of the step's other changes.
    let mut ambiguities = first.0.ambiguities();
    for a in e.changes.iter().flat_map(Change::ambiguities) {
        if !ambiguities.contains(&a) {
            ambiguities.push(a);
        }
    }
    let event = match first.0 {
        Change::Posted(m) => Some(m.lparam.event()),
        _ => None,
    };
    Some(explain(
        spec,
        subject,
        first.1,
        ambiguities,
        event,
        also,
        other,
    ))
}

/// What the Why panel explains: the selected message, else the selected entry, else the
/// step just taken (its first posted message, or its first change that carries a rule).
/// With `c`, the other profile's run, it says what that profile does instead where it
/// does something else. `spec` is the specification's text, once the site has fetched it
/// (see [`crate::data`]): without it the explanation has no [`WhyView::context`].
pub fn why(
    t: &Timeline,
    sel: Selection,
    c: Option<&Contrast>,
    spec: Option<&str>,
) -> Option<WhyView> {
    match sel {
        Selection::Message(id) => {
            let m = find_message(t, id)?;
            let place = find_entry_of_message(t, id)
                .map(|i| format!(" (step {} · entry #{i})", t.step_of_entry(i)))
                .unwrap_or_default();
            let subject = format!(
                "message #{}{place}: {}({}, {}) to {}",
                m.id,
                m.msg,
                socket_label(t, m.wparam),
                m.lparam,
                m.hwnd
            );
            let other = c.and_then(|c| c.for_message(id));
            let ambiguities = Ambiguity::at(m.rule, m.lparam.event());
            Some(explain(
                spec,
                subject,
                m.rule,
                ambiguities,
                Some(m.lparam.event()),
                Vec::new(),
                other,
            ))
        }
        Selection::Entry(i) => t
            .entry(i)
            .filter(|e| e.index < t.trace_len())
            .and_then(|e| explain_entry(spec, t, &e, c)),
        Selection::None => t
            .current_entries()
            .iter()
            .find_map(|e| explain_entry(spec, t, e, c)),
    }
}

// ---------------------------------------------------------------------------------------
// Trace log
// ---------------------------------------------------------------------------------------

/// One trace entry in the log.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TraceRow {
    /// The entry's index. (The row's key in its keyed list is the whole row but
    /// [`current`](Self::current), as for [`MessageRow`]: an edited script's entry of the
    /// same index is a new row.)
    pub index: usize,
    /// The step that added it (from 1, as the step counter counts).
    pub step: usize,
    /// Virtual time.
    pub at: String,
    /// The host involved, if any.
    pub host: Option<String>,
    /// The call, delivery, timer or world change.
    pub action: String,
    /// What a call returned (empty when nothing).
    pub result: String,
    /// The call failed.
    pub failed: bool,
    /// The script line.
    pub line: Option<u32>,
    /// Every change.
    pub changes: Vec<ChangeRow>,
    /// Added by the step just taken.
    pub current: bool,
}

/// What kind of change a row of an entry shows: [`Change`]'s variant, without its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// A message was posted to a window.
    Posted,
    /// A network event was recorded for WSAEnumNetworkEvents.
    Recorded,
    /// An event's condition arose but nothing was posted.
    Suppressed,
    /// A latch was re-armed or disarmed.
    Latch,
    /// A socket's selection changed.
    Selection,
    /// A TCP connection changed state.
    State,
    /// A segment left a host.
    Sent,
    /// A segment was lost.
    Dropped,
    /// A socket was created.
    Created,
    /// A socket was freed.
    Freed,
    /// A note for people.
    Note,
    /// A call was refused for a reason the page gives.
    Refused,
    /// A kind of change this version of the playground does not know.
    Other,
}

impl ChangeKind {
    /// The kind of `c`.
    pub fn of(c: &Change) -> ChangeKind {
        match c {
            Change::Posted(_) => ChangeKind::Posted,
            Change::Recorded { .. } => ChangeKind::Recorded,
            Change::Suppressed { .. } => ChangeKind::Suppressed,
            Change::Latch { .. } => ChangeKind::Latch,
            Change::Selection { .. } => ChangeKind::Selection,
            Change::State { .. } => ChangeKind::State,
            Change::Sent(_) => ChangeKind::Sent,
            Change::Dropped { .. } => ChangeKind::Dropped,
            Change::Created(_) => ChangeKind::Created,
            Change::Freed(_) => ChangeKind::Freed,
            Change::Note(_) => ChangeKind::Note,
            Change::Refused { .. } => ChangeKind::Refused,
            _ => ChangeKind::Other,
        }
    }
}

/// One change of an entry in the log.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChangeRow {
    /// What kind of change it is (posts are highlighted).
    pub kind: ChangeKind,
    /// The rule behind it, if it has one.
    pub rule: Option<Rule>,
    /// The change as the trace prints it.
    pub text: String,
}

impl ChangeRow {
    fn new(c: &Change) -> ChangeRow {
        ChangeRow {
            kind: ChangeKind::of(c),
            rule: c.rule(),
            text: c.to_string(),
        }
    }
}

/// The trace log: the last [`MAX_TRACE_ROWS`] entries up to the cursor, and how many
/// earlier ones are not listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceLogView {
    /// Entries not listed (before the first row).
    pub earlier: usize,
    /// The rows, oldest first.
    pub rows: Vec<TraceRow>,
}

/// The trace log's model.
pub fn trace_log(t: &Timeline) -> TraceLogView {
    let len = t.trace_len();
    let start = len.saturating_sub(MAX_TRACE_ROWS);
    let current_first = t.current_entries().first().map_or(usize::MAX, |e| e.index);
    let rows = t
        .entries(start..len)
        .iter()
        .map(|e| TraceRow {
            index: e.index,
            step: t.step_of_entry(e.index),
            at: e.at.to_string(),
            host: e.host().map(|h| host_name(t, h)),
            action: e.cause.display(t.names()).to_string(),
            result: e.outcome.to_string(),
            failed: matches!(e.outcome, Outcome::Err(_)),
            line: t.line_of(e.index),
            changes: e.changes.iter().map(ChangeRow::new).collect(),
            current: e.index >= current_first,
        })
        .collect();
    TraceLogView {
        earlier: start,
        rows,
    }
}

#[cfg(test)]
mod tests;
