//! The trace: one [`TraceEntry`] per step, recording its cause, its outcome and every
//! change it made (messages posted with their [`Rule`], latches, TCP states, segments).
//!
//! The trace is append-only and deterministic: the same inputs give the same trace,
//! byte for byte, which is what golden tests and share links rely on.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::{HostId, Segment};
use crate::queue::{Hwnd, Message};
use crate::socket::{SocketHandle, WsaEvent};
use crate::spec::Rule;
use crate::tcp::TcpState;
use crate::time::Instant;

/// What made a step happen.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Cause {
    /// A Winsock or window call made by a host's application, e.g. `recv(104, 50, 0)`.
    Call {
        /// The calling host.
        host: HostId,
        /// The call as Winsock source text.
        call: String,
    },
    /// A blocking call that had blocked now completes.
    Completion {
        /// The calling host.
        host: HostId,
        /// The call as Winsock source text.
        call: String,
    },
    /// A segment reached the host it was sent to.
    Deliver {
        /// The receiving host.
        host: HostId,
        /// The segment.
        segment: Segment,
    },
    /// A TCP timer fired on a socket.
    Timer {
        /// The host.
        host: HostId,
        /// The socket.
        socket: SocketHandle,
        /// Which timer: `retransmit`, `persist` or `TIME_WAIT`.
        kind: String,
    },
    /// A change to the world made by the user: a host, link, window or fault.
    World {
        /// What was done, in script words, e.g. `partition client server`.
        action: String,
    },
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Call { call, .. } => f.write_str(call),
            Cause::Completion { call, .. } => write!(f, "{call} completes"),
            Cause::Deliver { segment, .. } => write!(f, "deliver {segment}"),
            Cause::Timer { socket, kind, .. } => write!(f, "{kind} timer on socket {socket}"),
            Cause::World { action } => f.write_str(action),
        }
    }
}

/// What a call returned.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Outcome {
    /// Not a call: nothing is returned.
    None,
    /// The call succeeded and returned this value (as text, e.g. `50` or `socket 108`).
    Ok(String),
    /// The call returned `SOCKET_ERROR` (or `INVALID_SOCKET`) and set this error.
    Err(WsaError),
    /// The call blocks (a blocking socket): its completion is a later step.
    Blocked,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::None => Ok(()),
            Outcome::Ok(v) => f.write_str(v),
            Outcome::Err(e) => write!(f, "SOCKET_ERROR {e}"),
            Outcome::Blocked => f.write_str("blocks"),
        }
    }
}

/// Why an event whose condition arose was not posted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Suppression {
    /// The event is not in the socket's `lEvent`.
    NotSelected,
    /// A message for the event was posted and its re-enabling call has not been made.
    AwaitingReenable,
    /// The graceful close waits until the received data has been read.
    DataUnread,
    /// The window was destroyed, so the post failed.
    WindowDestroyed,
    /// The socket was closed with closesocket.
    SocketClosed,
}

impl fmt::Display for Suppression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Suppression::NotSelected => "not selected",
            Suppression::AwaitingReenable => "awaiting its re-enabling call",
            Suppression::DataUnread => "received data still unread",
            Suppression::WindowDestroyed => "window destroyed",
            Suppression::SocketClosed => "socket closed",
        })
    }
}

/// One change a step made to the world.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Change {
    /// A message was posted to a window.
    Posted(Message),
    /// A network event was recorded for WSAEnumNetworkEvents and the event object signalled.
    Recorded {
        /// The socket.
        socket: SocketHandle,
        /// The event object.
        event_object: WsaEvent,
        /// The event.
        event: NetworkEvent,
        /// Its error, if any.
        error: Option<WsaError>,
        /// The rule that recorded it.
        rule: Rule,
    },
    /// An event's condition arose but nothing was posted.
    Suppressed {
        /// The socket.
        socket: SocketHandle,
        /// The event.
        event: NetworkEvent,
        /// Why not.
        reason: Suppression,
        /// The rule that would have posted it.
        rule: Rule,
    },
    /// A latch changed: `armed` true means the event may be posted again.
    Latch {
        /// The socket.
        socket: SocketHandle,
        /// The events whose latch changed.
        events: NetworkEvent,
        /// True when re-armed (by the re-enabling call or a new selection), false when
        /// disarmed by a post.
        armed: bool,
        /// The rule behind the change.
        rule: Rule,
    },
    /// A socket's selection changed (WSAAsyncSelect, WSAEventSelect, inheritance, cancel).
    Selection {
        /// The socket.
        socket: SocketHandle,
        /// The window, or `None` for no selection or an event-object selection.
        hwnd: Option<Hwnd>,
        /// The selected events.
        events: NetworkEvent,
        /// The rule behind the change.
        rule: Rule,
    },
    /// A TCP connection changed state.
    State {
        /// The socket.
        socket: SocketHandle,
        /// Old state.
        from: TcpState,
        /// New state.
        to: TcpState,
    },
    /// A segment left a host.
    Sent(Segment),
    /// A segment was lost (cut link, network down, no listener for a datagram).
    Dropped {
        /// The segment.
        segment: Segment,
        /// Why.
        why: String,
    },
    /// A socket was created (by socket() or by an arriving connection).
    Created(SocketHandle),
    /// A socket's handle was closed or its connection freed.
    Freed(SocketHandle),
    /// A note for people, e.g. "blocking call cancelled".
    Note(String),
}

impl Change {
    /// The rule of the specification behind this change, if it has one (posts, records,
    /// suppressions, latches and selections do).
    pub fn rule(&self) -> Option<Rule> {
        match self {
            Change::Posted(m) => Some(m.rule),
            Change::Recorded { rule, .. }
            | Change::Suppressed { rule, .. }
            | Change::Latch { rule, .. }
            | Change::Selection { rule, .. } => Some(*rule),
            _ => None,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Posted(m) => write!(f, "post {} to {}", m, m.hwnd),
            Change::Recorded {
                socket,
                event_object,
                event,
                error,
                rule,
            } => {
                write!(f, "record {event}")?;
                if let Some(e) = error {
                    write!(f, " ({e})")?;
                }
                write!(f, " on socket {socket}, signal {event_object} [{rule}]")
            }
            Change::Suppressed {
                socket,
                event,
                reason,
                rule,
            } => {
                write!(f, "no {event} on socket {socket}: {reason} [{rule}]")
            }
            Change::Latch {
                socket,
                events,
                armed,
                rule,
            } => {
                let verb = if *armed { "re-enable" } else { "disable" };
                write!(f, "{verb} {events} on socket {socket} [{rule}]")
            }
            Change::Selection {
                socket,
                hwnd,
                events,
                rule,
            } => match hwnd {
                Some(h) => write!(f, "select {events} on socket {socket} for {h} [{rule}]"),
                None => write!(f, "selection of socket {socket} is now {events} [{rule}]"),
            },
            Change::State { socket, from, to } => write!(f, "socket {socket}: {from} -> {to}"),
            Change::Sent(s) => write!(f, "send {s}"),
            Change::Dropped { segment, why } => write!(f, "drop {segment}: {why}"),
            Change::Created(s) => write!(f, "create socket {s}"),
            Change::Freed(s) => write!(f, "free socket {s}"),
            Change::Note(n) => f.write_str(n),
        }
    }
}

/// One step of the simulation: one call, one segment delivery, one timer or one world change.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TraceEntry {
    /// Position in the trace, from 0.
    pub index: usize,
    /// Virtual time of the step.
    pub at: Instant,
    /// What made it happen.
    pub cause: Cause,
    /// What a call returned.
    pub outcome: Outcome,
    /// Every change it made, in order.
    pub changes: Vec<Change>,
    /// The script line that caused it, set by the script runner.
    pub line: Option<u32>,
}

impl TraceEntry {
    /// The messages this step posted.
    pub fn posted(&self) -> impl Iterator<Item = &Message> {
        self.changes.iter().filter_map(|c| match c {
            Change::Posted(m) => Some(m),
            _ => None,
        })
    }

    /// The host involved, if any.
    pub fn host(&self) -> Option<HostId> {
        match &self.cause {
            Cause::Call { host, .. } | Cause::Completion { host, .. } => Some(*host),
            Cause::Deliver { host, .. } | Cause::Timer { host, .. } => Some(*host),
            Cause::World { .. } => None,
        }
    }
}

impl fmt::Display for TraceEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {} {}", self.index, self.at, self.cause)?;
        if self.outcome != Outcome::None {
            write!(f, " => {}", self.outcome)?;
        }
        for c in &self.changes {
            write!(f, "\n    {c}")?;
        }
        Ok(())
    }
}

/// The append-only record of every step.
///
/// A trace can [`forget`](Trace::forget) the entries it holds (a checkpoint of a long run
/// keeps none) while still counting them, so indexes stay the same: entry `i` is always
/// the `i`-th step of the run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Trace {
    base: usize,
    entries: Vec<TraceEntry>,
}

impl Trace {
    /// The entries still held, oldest first (all of them unless [`Trace::forget`] was called).
    pub fn entries(&self) -> &[TraceEntry] {
        &self.entries
    }

    /// The number of steps recorded, including forgotten ones.
    pub fn len(&self) -> usize {
        self.base + self.entries.len()
    }

    /// True before the first step.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index of the oldest entry still held.
    pub fn first_index(&self) -> usize {
        self.base
    }

    /// The entry with this index, if it is held.
    pub fn get(&self, index: usize) -> Option<&TraceEntry> {
        index
            .checked_sub(self.base)
            .and_then(|i| self.entries.get(i))
    }

    /// The newest entry.
    pub fn last(&self) -> Option<&TraceEntry> {
        self.entries.last()
    }

    /// Every message posted in the entries held, in order.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.entries.iter().flat_map(|e| e.posted())
    }

    /// Drops the entries held, keeping their count.
    pub fn forget(&mut self) {
        self.base += self.entries.len();
        self.entries.clear();
    }

    pub(crate) fn push(&mut self, mut entry: TraceEntry) -> usize {
        entry.index = self.len();
        self.entries.push(entry);
        self.len() - 1
    }

    pub(crate) fn tag_line(&mut self, from: usize, line: u32) {
        for e in self.entries.iter_mut().skip(from.saturating_sub(self.base)) {
            e.line.get_or_insert(line);
        }
    }

    pub(crate) fn last_mut(&mut self) -> Option<&mut TraceEntry> {
        self.entries.last_mut()
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.entries {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Writes `s` as a JSON string literal.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&alloc::format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_opt(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => json_str(out, s),
        None => out.push_str("null"),
    }
}

impl TraceEntry {
    /// One line of JSON with stable field names (documented in `docs/scenario-language.md`):
    /// `step`, `time_us`, `time`, `line`, `host`, `kind`, `action`, `result`, `error`,
    /// `messages` (each with `hwnd`, `window`, `msg`, `wparam`, `lparam`, `event`, `error`,
    /// `rule`) and `changes` (human-readable lines).
    ///
    /// `host_name` and `window_name` give the names people use for hosts and windows.
    pub fn to_json(
        &self,
        host_name: &dyn Fn(HostId) -> String,
        window_name: &dyn Fn(Hwnd) -> Option<String>,
    ) -> String {
        let mut o = String::new();
        o.push_str(&alloc::format!(
            "{{\"step\":{},\"time_us\":{},\"time\":",
            self.index,
            self.at.total_micros()
        ));
        json_str(&mut o, &alloc::format!("{}", self.at));
        o.push_str(",\"line\":");
        match self.line {
            Some(l) => o.push_str(&alloc::format!("{l}")),
            None => o.push_str("null"),
        }
        o.push_str(",\"host\":");
        json_opt(&mut o, self.host().map(host_name).as_deref());
        let kind = match self.cause {
            Cause::Call { .. } => "call",
            Cause::Completion { .. } => "completion",
            Cause::Deliver { .. } => "deliver",
            Cause::Timer { .. } => "timer",
            Cause::World { .. } => "world",
        };
        o.push_str(",\"kind\":");
        json_str(&mut o, kind);
        o.push_str(",\"action\":");
        json_str(&mut o, &alloc::format!("{}", self.cause));
        let (result, error) = match &self.outcome {
            Outcome::None => (None, None),
            Outcome::Ok(v) => (Some(v.clone()), None),
            Outcome::Err(e) => (Some("SOCKET_ERROR".into()), Some(e.name())),
            Outcome::Blocked => (Some("blocks".into()), None),
        };
        o.push_str(",\"result\":");
        json_opt(&mut o, result.as_deref());
        o.push_str(",\"error\":");
        json_opt(&mut o, error);
        o.push_str(",\"messages\":[");
        for (i, m) in self.posted().enumerate() {
            if i > 0 {
                o.push(',');
            }
            o.push_str("{\"hwnd\":");
            json_str(&mut o, &alloc::format!("{}", m.hwnd));
            o.push_str(",\"window\":");
            json_opt(&mut o, window_name(m.hwnd).as_deref());
            o.push_str(",\"msg\":");
            json_str(&mut o, &alloc::format!("{}", m.msg));
            o.push_str(&alloc::format!(",\"wparam\":{},\"lparam\":", m.wparam.0));
            json_str(&mut o, &alloc::format!("{:#010x}", m.lparam.raw()));
            o.push_str(",\"event\":");
            json_str(&mut o, &alloc::format!("{}", m.lparam.event()));
            o.push_str(",\"error\":");
            json_opt(&mut o, m.lparam.error().map(|e| e.name()));
            o.push_str(",\"rule\":");
            json_str(&mut o, m.rule.id());
            o.push('}');
        }
        o.push_str("],\"changes\":[");
        for (i, c) in self.changes.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            json_str(&mut o, &alloc::format!("{c}"));
        }
        o.push_str("]}");
        o
    }
}
