//! The trace: one [`TraceEntry`] per step, recording its cause, its outcome and every
//! change it made (messages posted with their [`Rule`], latches, TCP states, segments).
//!
//! The trace is append-only and deterministic: the same inputs give the same trace,
//! byte for byte, which is what golden tests and share links rely on.

mod codec;
mod json;
mod note;
mod recorder;

pub use crate::names::Names;
pub use json::write_json_string;
pub use note::{DropReason, Note};
pub(crate) use recorder::Recorder;

use codec::Context;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::ambiguity::Ambiguity;
use crate::call::{TracedCall, TracedReturn};
use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::{HostId, Ipv4, SegmentHeader};
use crate::queue::{Hwnd, Message};
use crate::socket::{SocketHandle, WsaEvent};
use crate::spec::Rule;
use crate::tcb::{TcpState, TimerKind};
use crate::time::{Duration, Instant};

/// A change to the world made by the user: a host, link, window or fault.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum WorldAction {
    /// `host NAME ADDRESS`.
    AddHost {
        /// The new host.
        host: HostId,
        /// Its address.
        addr: Ipv4,
    },
    /// `window HOST NAME`.
    CreateWindow {
        /// The owner.
        host: HostId,
        /// The new window.
        hwnd: Hwnd,
    },
    /// `DestroyWindow`.
    DestroyWindow(Hwnd),
    /// `link A B latency D`.
    Latency {
        /// One end.
        a: HostId,
        /// The other.
        b: HostId,
        /// The one-way latency.
        latency: Duration,
    },
    /// `partition A B`.
    Partition(HostId, HostId),
    /// `heal A B`.
    Heal(HostId, HostId),
    /// `network down HOST`.
    NetworkDown(HostId),
    /// `network up HOST`.
    NetworkUp(HostId),
    /// `address add HOST ADDRESS`.
    AddAddress(HostId, Ipv4),
    /// `address remove HOST ADDRESS`.
    RemoveAddress(HostId, Ipv4),
    /// `route change HOST`.
    RouteChange(HostId),
    /// `route change HOST DESTINATION`: only the route to this destination changes.
    RouteChangeTo(HostId, Ipv4),
    /// `qos change S`.
    QosChange(SocketHandle),
    /// `reset S`.
    Reset(SocketHandle),
}

impl WorldAction {
    /// The action in script words.
    pub fn display<'a>(&'a self, names: &'a Names) -> impl fmt::Display + 'a {
        Shown(move |f: &mut fmt::Formatter<'_>| {
            let h = |id: HostId| names.host_or_id(id);
            match self {
                WorldAction::AddHost { host, addr } => write!(f, "host {} {addr}", h(*host)),
                WorldAction::CreateWindow { host, hwnd } => write!(
                    f,
                    "window {} {}",
                    h(*host),
                    names.window(*hwnd).unwrap_or("?")
                ),
                WorldAction::DestroyWindow(w) => {
                    write!(f, "destroy window {}", names.window(*w).unwrap_or("?"))
                }
                WorldAction::Latency { a, b, latency } => {
                    write!(f, "link {} {} latency {latency}", h(*a), h(*b))
                }
                WorldAction::Partition(a, b) => write!(f, "partition {} {}", h(*a), h(*b)),
                WorldAction::Heal(a, b) => write!(f, "heal {} {}", h(*a), h(*b)),
                WorldAction::NetworkDown(x) => write!(f, "network down {}", h(*x)),
                WorldAction::NetworkUp(x) => write!(f, "network up {}", h(*x)),
                WorldAction::AddAddress(x, a) => write!(f, "address add {} {a}", h(*x)),
                WorldAction::RemoveAddress(x, a) => write!(f, "address remove {} {a}", h(*x)),
                WorldAction::RouteChange(x) => write!(f, "route change {}", h(*x)),
                WorldAction::RouteChangeTo(x, a) => write!(f, "route change {} {a}", h(*x)),
                WorldAction::QosChange(s) => write!(f, "qos change {s}"),
                WorldAction::Reset(s) => write!(f, "reset {s}"),
            }
        })
    }
}

/// A `Display` made from a closure: how typed entries print with the trace's [`Names`].
struct Shown<F>(F);

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for Shown<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

/// What made a step happen.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Cause {
    /// A Winsock or window call made by a host's application, e.g. `recv(104, 50, 0)`.
    Call {
        /// The calling host.
        host: HostId,
        /// The call.
        call: TracedCall,
    },
    /// A blocking call that had blocked now completes.
    Completion {
        /// The calling host.
        host: HostId,
        /// The call.
        call: TracedCall,
    },
    /// A segment reached the host it was sent to.
    Deliver {
        /// The receiving host.
        host: HostId,
        /// The segment.
        segment: SegmentHeader,
    },
    /// A timer fired on a socket.
    Timer {
        /// The host.
        host: HostId,
        /// The socket.
        socket: SocketHandle,
        /// Which timer.
        kind: TimerKind,
    },
    /// A change to the world made by the user: a host, link, window or fault.
    World(WorldAction),
}

impl Cause {
    /// The cause as the trace prints it, e.g. `recv(104, 50, 0)` or `partition a b`.
    pub fn display<'a>(&'a self, names: &'a Names) -> impl fmt::Display + 'a {
        Shown(move |f: &mut fmt::Formatter<'_>| match self {
            Cause::Call { call, .. } => write!(f, "{}", call.display(names)),
            Cause::Completion { call, .. } => write!(f, "{} completes", call.display(names)),
            Cause::Deliver { segment, .. } => write!(f, "deliver {segment}"),
            Cause::Timer { socket, kind, .. } => write!(f, "{kind} timer on socket {socket}"),
            Cause::World(action) => write!(f, "{}", action.display(names)),
        })
    }

    /// The call, for a call or its completion.
    pub fn call(&self) -> Option<&TracedCall> {
        match self {
            Cause::Call { call, .. } | Cause::Completion { call, .. } => Some(call),
            _ => None,
        }
    }
}

/// What a call returned.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Outcome {
    /// Not a call: nothing is returned.
    None,
    /// The call succeeded and returned this value.
    Ok(TracedReturn),
    /// The call returned `SOCKET_ERROR` (or `INVALID_SOCKET`) and set this error.
    Err(WsaError),
    /// The call blocks (a blocking socket): its completion is a later step.
    Blocked,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::None => Ok(()),
            Outcome::Ok(v) => write!(f, "{v}"),
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
    /// A message for the event was posted and no call re-enables it (FD_CONNECT, FD_CLOSE:
    /// the page's table of re-enabling functions has no row for them), so it is posted
    /// once per selection.
    OncePerSelection,
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
            Suppression::OncePerSelection => "posted once per selection: no call re-enables it",
            Suppression::DataUnread => "received data still unread",
            Suppression::WindowDestroyed => "window destroyed",
            Suppression::SocketClosed => "socket closed",
        })
    }
}

/// One change a step made to the world.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
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
    /// A call was refused for a reason the page gives (a selection with an invalid
    /// parameter: `SELECT.invalid`).
    Refused {
        /// The socket.
        socket: SocketHandle,
        /// The error the call failed with.
        error: WsaError,
        /// The rule that refused it.
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
    Sent(SegmentHeader),
    /// A segment was lost (cut link, network down, no listener for a datagram).
    Dropped {
        /// The segment.
        segment: SegmentHeader,
        /// Why.
        why: DropReason,
    },
    /// A socket was created (by socket() or by an arriving connection).
    Created(SocketHandle),
    /// A socket's handle was closed or its connection freed.
    Freed(SocketHandle),
    /// A note for people, e.g. "blocking call cancelled".
    Note(Note),
}

impl Change {
    /// The page's ambiguities at which this change made the model's choice: its rule
    /// applied to its event (see [`Ambiguity::at`]).
    pub fn ambiguities(&self) -> Vec<Ambiguity> {
        let Some(rule) = self.rule() else {
            return Vec::new();
        };
        let event = match self {
            Change::Posted(m) => m.lparam.event(),
            Change::Recorded { event, .. } | Change::Suppressed { event, .. } => *event,
            Change::Latch { events, .. } | Change::Selection { events, .. } => *events,
            _ => NetworkEvent::NONE,
        };
        Ambiguity::at(rule, event)
    }

    /// The rule of the specification behind this change, if it has one (posts, records,
    /// suppressions, refusals, latches and selections do).
    pub fn rule(&self) -> Option<Rule> {
        match self {
            Change::Posted(m) => Some(m.rule),
            Change::Recorded { rule, .. }
            | Change::Suppressed { rule, .. }
            | Change::Refused { rule, .. }
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
            Change::Refused {
                socket,
                error,
                rule,
            } => write!(
                f,
                "refuse the selection of socket {socket}: {error} [{rule}]"
            ),
            Change::Note(n) => write!(f, "{n}"),
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
            Cause::World(_) => None,
        }
    }

    /// The entry as the trace prints it: `#index time cause => outcome`, then one indented
    /// line per change.
    pub fn display<'a>(&'a self, names: &'a Names) -> impl fmt::Display + 'a {
        Shown(move |f: &mut fmt::Formatter<'_>| {
            write!(
                f,
                "#{} {} {}",
                self.index,
                self.at,
                self.cause.display(names)
            )?;
            if self.outcome != Outcome::None {
                write!(f, " => {}", self.outcome)?;
            }
            for c in &self.changes {
                write!(f, "\n    {c}")?;
            }
            Ok(())
        })
    }
}

/// The append-only record of every step.
///
/// The trace keeps its entries encoded (a few dozen bytes each, see the `codec` module)
/// and decodes them when read: [`Trace::get`], [`Trace::iter`] and [`Trace::last`] give
/// owned [`TraceEntry`] values. Two traces are equal when their encodings are.
///
/// Entries can be taken out with [`Trace::drain`] (a long run's reader takes what is new;
/// a checkpoint of the world keeps none) while they still count, so indexes stay the same:
/// entry `i` is always the `i`-th step of the run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Trace {
    /// The index of the oldest entry held.
    base: usize,
    /// How many entries are held.
    held: usize,
    /// The held entries, encoded one after the other, in chunks of about [`CHUNK`]
    /// bytes (an entry never spans two): a long trace grows without copying itself.
    chunks: Vec<Vec<u8>>,
    /// Where held entry `k * MARK_EVERY` starts, and the context it is encoded in.
    marks: Vec<Mark>,
    /// Where the newest entry starts and the context it is encoded in (to re-encode it).
    last: Mark,
    /// The context after the newest entry: the next one is encoded in it.
    end: Context,
    names: Names,
}

/// Where an entry starts in [`Trace`]'s bytes, and what it is encoded relative to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Mark {
    /// The chunk it is in.
    chunk: usize,
    /// Where in the chunk it starts.
    offset: usize,
    cx: Context,
}

/// The size of the trace's chunks: a new chunk starts when the last one has less than
/// [`CHUNK_ROOM`] bytes left (a larger entry grows its chunk).
const CHUNK: usize = 1 << 20;

/// See [`CHUNK`]: more than nearly every entry takes.
const CHUNK_ROOM: usize = 4096;

/// One mark per this many entries: reading an entry decodes at most this many.
const MARK_EVERY: usize = 16;

impl Trace {
    /// The names of hosts and windows the entries refer to.
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// The number of steps recorded, including drained ones.
    pub fn len(&self) -> usize {
        self.base + self.held
    }

    /// True before the first step.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The memory the held entries take, in bytes: their encoding and the marks to find
    /// them by (capacity, not length: what the allocator gave).
    pub fn encoded_bytes(&self) -> usize {
        self.chunks.iter().map(Vec::capacity).sum::<usize>()
            + self.chunks.capacity() * core::mem::size_of::<Vec<u8>>()
            + self.marks.capacity() * core::mem::size_of::<Mark>()
    }

    /// The index of the oldest entry still held.
    pub fn first_index(&self) -> usize {
        self.base
    }

    /// The entry with this index, if it is held (decoded from the mark before it).
    pub fn get(&self, index: usize) -> Option<TraceEntry> {
        let k = index.checked_sub(self.base).filter(|k| *k < self.held)?;
        let mark = self.marks[k / MARK_EVERY];
        let first = self.base + k - k % MARK_EVERY;
        Entries {
            trace: self,
            chunk: mark.chunk,
            pos: mark.offset,
            cx: mark.cx,
            next: first,
        }
        .nth(k % MARK_EVERY)
    }

    /// The newest entry, if it is held.
    pub fn last(&self) -> Option<TraceEntry> {
        (self.held > 0).then(|| {
            let mut pos = self.last.offset;
            let mut cx = self.last.cx;
            codec::decode(
                &self.chunks[self.last.chunk],
                &mut pos,
                self.len() - 1,
                &mut cx,
            )
        })
    }

    /// The entries held, oldest first (all of them unless [`Trace::drain`] was called).
    pub fn iter(&self) -> impl Iterator<Item = TraceEntry> + '_ {
        Entries {
            trace: self,
            chunk: 0,
            pos: 0,
            cx: self.marks.first().map_or(self.end, |m| m.cx),
            next: self.base,
        }
    }

    /// Every message posted in the entries held, in order.
    pub fn messages(&self) -> impl Iterator<Item = Message> + '_ {
        self.iter().flat_map(|e| {
            e.changes.into_iter().filter_map(|c| match c {
                Change::Posted(m) => Some(m),
                _ => None,
            })
        })
    }

    /// Takes the entries held, oldest first, keeping their count: the next entry's index
    /// goes on from where they ended.
    pub fn drain(&mut self) -> alloc::vec::IntoIter<TraceEntry> {
        let entries: Vec<TraceEntry> = self.iter().collect();
        self.forget();
        entries.into_iter()
    }

    /// The entries held with indexes in `range`, oldest first (decoding starts at the
    /// mark before `range.start`: at most 15 entries are decoded and skipped).
    ///
    /// ```
    /// use wsasim::script::Runner;
    /// let mut r = Runner::new("host a 10.0.0.1\na: WSAStartup()\na: S = socket(AF_INET, SOCK_DGRAM)\n").unwrap();
    /// r.run_to_end();
    /// let t = r.sim().trace();
    /// let two: Vec<_> = t.range(1..3).map(|e| e.index).collect();
    /// assert_eq!(two, [1, 2]);
    /// ```
    pub fn range(&self, range: core::ops::Range<usize>) -> impl Iterator<Item = TraceEntry> + '_ {
        let start = range.start.max(self.base);
        let end = range.end.min(self.len());
        let (chunk, pos, cx, first) = match start.checked_sub(self.base).filter(|k| *k < self.held)
        {
            Some(k) => {
                let mark = self.marks[k / MARK_EVERY];
                (
                    mark.chunk,
                    mark.offset,
                    mark.cx,
                    self.base + k - k % MARK_EVERY,
                )
            }
            // Nothing held in the range: an iterator that is already at the end.
            None => (0, 0, self.end, self.len()),
        };
        Entries {
            trace: self,
            chunk,
            pos,
            cx,
            next: first,
        }
        .skip(start.saturating_sub(first))
        .take(end.saturating_sub(start))
    }

    /// The held entry that posted the message with this id, if any. Message ids grow
    /// with the trace, so this is a binary search over the marks and then at most a few
    /// entries decoded: O(log n), for a reader who wants "where was this posted?".
    pub fn entry_posting(&self, id: u64) -> Option<TraceEntry> {
        // The last mark before which fewer than `id` messages had been posted.
        let m = self.marks.partition_point(|m| m.cx.next_message <= id);
        let k = m.checked_sub(1)?;
        let mark = self.marks[k];
        let entries = Entries {
            trace: self,
            chunk: mark.chunk,
            pos: mark.offset,
            cx: mark.cx,
            next: self.base + k * MARK_EVERY,
        };
        for e in entries {
            let first = e.posted().map(|p| p.id).find(|p| *p >= id);
            match first {
                Some(p) if p == id => return Some(e),
                Some(_) => return None,
                None => {}
            }
        }
        None
    }

    /// A copy holding none of the entries (their count and the encoding context kept), as
    /// [`Trace::drain`] leaves it: what a checkpoint of the world keeps, in O(1) of the
    /// trace's length.
    pub(crate) fn clone_empty(&self) -> Trace {
        Trace {
            base: self.len(),
            held: 0,
            chunks: Vec::new(),
            marks: Vec::new(),
            last: Mark::default(),
            end: self.end,
            names: self.names.clone(),
        }
    }

    /// Lets go of the entries held without decoding them (they still count), as
    /// [`Trace::drain`] does.
    pub(crate) fn forget(&mut self) {
        self.base += self.held;
        self.held = 0;
        self.chunks.clear();
        self.marks.clear();
        self.last = Mark::default();
    }

    /// An entry as text, with the names of this trace's hosts and windows.
    pub fn show<'a>(&'a self, entry: &'a TraceEntry) -> impl fmt::Display + 'a {
        entry.display(&self.names)
    }

    /// One entry as one line of JSON (see [`TraceEntry::to_json`]).
    pub fn json(&self, entry: &TraceEntry, line: Option<u32>, step: Option<usize>) -> String {
        entry.to_json(&self.names, line, step)
    }

    pub(crate) fn names_mut(&mut self) -> &mut Names {
        &mut self.names
    }

    /// Appends `entry` (whose `index` must be [`Trace::len`]); returns its index.
    pub(crate) fn push(&mut self, entry: &TraceEntry) -> usize {
        debug_assert_eq!(entry.index, self.len(), "invariant: entries in order");
        if self
            .chunks
            .last()
            .is_none_or(|c| c.len() + CHUNK_ROOM > CHUNK)
        {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        let chunk = self.chunks.len() - 1;
        self.last = Mark {
            chunk,
            offset: self.chunks[chunk].len(),
            cx: self.end,
        };
        if self.held.is_multiple_of(MARK_EVERY) {
            self.marks.push(self.last);
        }
        codec::encode(entry, &mut self.end, &mut self.chunks[chunk]);
        self.held += 1;
        debug_assert_eq!(
            self.last().as_ref(),
            Some(entry),
            "invariant: an entry decodes to itself"
        );
        self.len() - 1
    }

    /// Replaces the newest entry (held) with `entry`, which has its index.
    pub(crate) fn replace_last(&mut self, entry: &TraceEntry) {
        debug_assert!(self.held > 0, "invariant: the newest entry is held");
        let chunk = &mut self.chunks[self.last.chunk];
        chunk.truncate(self.last.offset);
        self.end = self.last.cx;
        codec::encode(entry, &mut self.end, chunk);
        debug_assert_eq!(
            self.last().as_ref(),
            Some(entry),
            "invariant: an entry decodes to itself"
        );
    }

    /// True when the newest entry recorded is still held.
    pub(crate) fn holds_last(&self) -> bool {
        self.held > 0
    }
}

/// The entries of a [`Trace`], decoded in order from a position.
struct Entries<'a> {
    trace: &'a Trace,
    chunk: usize,
    pos: usize,
    cx: Context,
    next: usize,
}

impl Iterator for Entries<'_> {
    type Item = TraceEntry;

    fn next(&mut self) -> Option<TraceEntry> {
        if self.next >= self.trace.len() {
            return None;
        }
        let chunks = &self.trace.chunks;
        if self.pos >= chunks[self.chunk].len() {
            // The chunk's entries are read: the next one starts the next chunk.
            self.chunk += 1;
            self.pos = 0;
        }
        let e = codec::decode(&chunks[self.chunk], &mut self.pos, self.next, &mut self.cx);
        self.next += 1;
        Some(e)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.trace.len().saturating_sub(self.next);
        (n, Some(n))
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in self.iter() {
            writeln!(f, "{}", e.display(&self.names))?;
        }
        Ok(())
    }
}
