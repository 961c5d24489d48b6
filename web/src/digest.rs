//! What a trace entry means, as bytes: the encoding behind share-link digests
//! ([`TraceDigest`]) and the compare view's [`same_step`].
//!
//! The encoding is written out here by hand, field by field, from the typed trace (never
//! from `Display` or `Debug`), so rewording a note, a rule's sentence or a segment's
//! summary changes no digest and no old link.
//!
//! # Encoding, version 2 (share links' `d2=`)
//!
//! Integers are fixed-width little-endian; `bool` is one byte 0/1; `Option<T>` is 0, or 1
//! then `T`; a string or byte string is its length (`u32`) then its bytes; a list is its
//! length (`u32`) then its items. Every enum starts with a one-byte tag assigned in this
//! file (tags are never reused); a variant this file does not know yet (the core's enums
//! are `#[non_exhaustive]`) is the tag [`UNKNOWN`] and is counted, so a test can insist
//! that there are none.
//!
//! An entry is: its time (`u64` µs), its cause, its outcome, then its changes as a list.
//!
//! - Handles and ids are their numbers: socket `u32`, event object `u32`, `hWnd` `u32`,
//!   `wMsg` `u32`, host `u16`; an IPv4 address is 4 bytes; a socket address is the address
//!   then the port (`u16`); a duration is `u64` µs.
//! - Network events are their `FD_*` bits (`u32`), an `lParam` its raw `u32`, a
//!   `WsaError` its code (`u16`), a rule its id (`FD_READ.3`, as a string), a TCP state
//!   its RFC name as a tag.
//! - A call is its Winsock name (`recv`) as a string, then its arguments in declaration
//!   order; the bytes `send` sends are a snippet: length (`u32`) then the bytes kept, if any.
//! - A segment header is source, destination, then `Tcp` (flags as a bitset SYN 1, ACK 2,
//!   FIN 4, RST 8, URG 16; seq, ack, wnd, urp, len as `u32`) or `Udp` (len).
//! - A posted message is its `hWnd`, `wMsg`, `wParam`, `lParam` and rule. Its `id` (a
//!   world-wide posting counter) and its `posted_at` (the entry's time) are left out: they
//!   are not shown per message, and one extra post early in a run shifts every later id,
//!   which would make two runs that differ at one step seem to differ at every step after.
//! - The entry's `index` is left out: its place in the trace says it.
//!
//! The digest hashes these bytes with 64-bit FNV-1a; see [`TraceDigest`].

use wsasim::net::{SegmentHeader, SegmentKind};
use wsasim::socket::{
    AddressFamily, Ioctl, MsgFlags, Qos, Shutdown, SockOpt, SockOptName, WsaIoctl,
};
use wsasim::socket::{SocketType, WsaEvent};
use wsasim::tcp::TimerKind;
use wsasim::trace::TraceEntry;
use wsasim::trace::{Cause, Change, DropReason, Note, Outcome, Suppression, WorldAction};
use wsasim::winsock::{Condition, Snippet, TracedCall, TracedReturn};
use wsasim::{
    Call, Duration, HostId, Hwnd, Instant, Ipv4, LParam, Message, NetworkEvent, Rule, SockAddr,
    SocketHandle, TcpState, WindowMessage, WsaError,
};

#[cfg(test)]
mod tests;

/// The tag of an enum variant this file does not encode yet.
pub const UNKNOWN: u8 = 0xff;

/// An entry's semantic bytes, and how many variants in it were [`UNKNOWN`].
#[derive(Clone, Debug, Default)]
pub struct Encoder {
    buf: Vec<u8>,
    unknown: usize,
}

impl Encoder {
    /// An empty encoder.
    pub fn new() -> Encoder {
        Encoder::default()
    }

    /// The bytes so far.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// How many variants were encoded as [`UNKNOWN`] so far.
    pub fn unknown(&self) -> usize {
        self.unknown
    }

    /// Forgets the bytes (keeping the buffer and the unknown count).
    pub fn clear(&mut self) {
        self.buf.clear();
    }

    fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn usize(&mut self, v: usize) {
        self.u64(v as u64);
    }

    fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }

    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }

    fn bytes_field(&mut self, b: &[u8]) {
        self.len(b.len());
        self.buf.extend_from_slice(b);
    }

    fn str(&mut self, s: &str) {
        self.bytes_field(s.as_bytes());
    }

    fn option<T>(&mut self, v: Option<T>, f: impl FnOnce(&mut Self, T)) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                f(self, v);
            }
        }
    }

    fn unknown_variant(&mut self) {
        self.u8(UNKNOWN);
        self.unknown += 1;
    }

    fn instant(&mut self, t: Instant) {
        self.u64(t.total_micros());
    }

    fn duration(&mut self, d: Duration) {
        self.u64(d.total_micros());
    }

    fn host(&mut self, h: HostId) {
        self.u16(h.0);
    }

    fn socket(&mut self, s: SocketHandle) {
        self.u32(s.0);
    }

    fn event_object(&mut self, e: WsaEvent) {
        self.u32(e.0);
    }

    fn hwnd(&mut self, h: Hwnd) {
        self.u32(h.0);
    }

    fn wmsg(&mut self, m: WindowMessage) {
        self.u32(m.0);
    }

    fn ip(&mut self, ip: Ipv4) {
        self.buf.extend_from_slice(&ip.0);
    }

    fn addr(&mut self, a: SockAddr) {
        self.ip(a.ip);
        self.u16(a.port);
    }

    fn events(&mut self, e: NetworkEvent) {
        self.u32(e.bits());
    }

    fn lparam(&mut self, l: LParam) {
        self.u32(l.raw());
    }

    fn error(&mut self, e: WsaError) {
        self.u16(e as u16);
    }

    fn rule(&mut self, r: Rule) {
        self.str(r.id());
    }

    fn tcp_state(&mut self, s: TcpState) {
        self.u8(match s {
            TcpState::Closed => 1,
            TcpState::Listen => 2,
            TcpState::SynSent => 3,
            TcpState::SynRcvd => 4,
            TcpState::Established => 5,
            TcpState::FinWait1 => 6,
            TcpState::FinWait2 => 7,
            TcpState::CloseWait => 8,
            TcpState::Closing => 9,
            TcpState::LastAck => 10,
            TcpState::TimeWait => 11,
        });
    }

    fn timer(&mut self, k: TimerKind) {
        self.u8(match k {
            TimerKind::Retransmit => 1,
            TimerKind::Persist => 2,
            TimerKind::TimeWait => 3,
            TimerKind::Route => 4,
        });
    }

    fn segment(&mut self, s: &SegmentHeader) {
        self.addr(s.src);
        self.addr(s.dst);
        match s.kind {
            SegmentKind::Tcp {
                flags,
                seq,
                ack,
                wnd,
                urp,
                len,
            } => {
                self.u8(1);
                self.u8(u8::from(flags.syn)
                    | u8::from(flags.ack) << 1
                    | u8::from(flags.fin) << 2
                    | u8::from(flags.rst) << 3
                    | u8::from(flags.urg) << 4);
                for v in [seq, ack, wnd, urp, len] {
                    self.u32(v);
                }
            }
            SegmentKind::Udp { len } => {
                self.u8(2);
                self.u32(len);
            }
        }
    }

    fn snippet(&mut self, s: &Snippet) {
        self.len(s.len());
        // `bytes()` is `Some(&[])` for an empty buffer, which the length already says.
        self.option(s.bytes().filter(|b| !b.is_empty()), Self::bytes_field);
    }

    fn msg_flags(&mut self, f: MsgFlags) {
        self.bool(f.oob);
        self.bool(f.peek);
    }

    fn sock_opt(&mut self, o: SockOpt) {
        match o {
            SockOpt::OobInline(on) => {
                self.u8(1);
                self.bool(on);
            }
            SockOpt::Linger { on, secs } => {
                self.u8(2);
                self.bool(on);
                self.u16(secs);
            }
            SockOpt::RcvBuf(n) => {
                self.u8(3);
                self.u32(n);
            }
            SockOpt::SndBuf(n) => {
                self.u8(4);
                self.u32(n);
            }
        }
    }

    fn sock_opt_name(&mut self, n: SockOptName) {
        self.u8(match n {
            SockOptName::OobInline => 1,
            SockOptName::Linger => 2,
            SockOptName::RcvBuf => 3,
            SockOptName::SndBuf => 4,
        });
    }

    fn qos(&mut self, q: Qos) {
        self.u32(q.token_rate);
        self.u32(q.generation);
    }

    fn message(&mut self, m: &Message) {
        // Not `id` nor `posted_at`: see the module doc.
        self.hwnd(m.hwnd);
        self.wmsg(m.msg);
        self.socket(m.wparam);
        self.lparam(m.lparam);
        self.rule(m.rule);
    }

    fn call(&mut self, c: &TracedCall) {
        self.str(c.name());
        match c {
            Call::WsaStartup | Call::WsaCleanup | Call::WsaCreateEvent => {}
            Call::Socket { af, ty } => {
                self.u8(match af {
                    AddressFamily::Inet => 1,
                    AddressFamily::Inet6 => 2,
                });
                self.u8(match ty {
                    SocketType::Stream => 1,
                    SocketType::Dgram => 2,
                });
            }
            Call::Bind { s, addr } => {
                self.socket(*s);
                self.addr(*addr);
            }
            Call::Listen { s, backlog } => {
                self.socket(*s);
                self.u32(*backlog);
            }
            Call::Connect { s, addr, namelen } => {
                self.socket(*s);
                self.addr(*addr);
                self.u32(*namelen);
            }
            Call::Accept { s } | Call::CloseSocket { s } => self.socket(*s),
            Call::Send { s, data, flags } => {
                self.socket(*s);
                self.snippet(data);
                self.msg_flags(*flags);
            }
            Call::Recv { s, len, flags } | Call::RecvFrom { s, len, flags } => {
                self.socket(*s);
                self.usize(*len as u32 as usize);
                self.msg_flags(*flags);
            }
            Call::SendTo { s, data, to, flags } => {
                self.socket(*s);
                self.snippet(data);
                self.addr(*to);
                self.msg_flags(*flags);
            }
            Call::Shutdown { s, how } => {
                self.socket(*s);
                self.u8(match how {
                    Shutdown::Receive => 1,
                    Shutdown::Send => 2,
                    Shutdown::Both => 3,
                });
            }
            Call::ShutdownOther { s, how } => {
                // After the three known directions (1..=3): 4, then Winsock's `int`.
                self.socket(*s);
                self.u8(4);
                self.u32(*how as u32);
            }
            Call::SetSockOpt { s, opt } => {
                self.socket(*s);
                self.sock_opt(*opt);
            }
            Call::GetSockOpt { s, name } => {
                self.socket(*s);
                self.sock_opt_name(*name);
            }
            Call::IoctlSocket { s, cmd } => {
                self.socket(*s);
                match cmd {
                    Ioctl::Fionbio(on) => {
                        self.u8(1);
                        self.bool(*on);
                    }
                    Ioctl::Fionread => self.u8(2),
                    Ioctl::Siocatmark => self.u8(3),
                }
            }
            Call::WsaIoctl { s, cmd } => {
                self.socket(*s);
                match cmd {
                    WsaIoctl::GetQos => self.u8(1),
                    WsaIoctl::RoutingInterfaceChange(a) => {
                        self.u8(2);
                        self.option(*a, Self::addr);
                    }
                    WsaIoctl::AddressListChange => self.u8(3),
                    WsaIoctl::Fionbio(on) => {
                        self.u8(4);
                        self.bool(*on);
                    }
                    WsaIoctl::GetGroupQos => self.u8(5),
                    WsaIoctl::SetQos(rate) => {
                        self.u8(6);
                        self.u32(*rate);
                    }
                }
            }
            Call::WsaAsyncSelect {
                s,
                hwnd,
                msg,
                events,
            } => {
                self.socket(*s);
                self.hwnd(*hwnd);
                self.wmsg(*msg);
                self.events(*events);
            }
            Call::WsaEventSelect { s, event, events } => {
                self.socket(*s);
                self.event_object(*event);
                self.events(*events);
            }
            Call::WsaEnumNetworkEvents { s, event } => {
                self.socket(*s);
                self.option(*event, Self::event_object);
            }
            Call::GetMessage { hwnd } => self.hwnd(*hwnd),
            // PM_NOREMOVE hashes as it did when it was the only PeekMessage; PM_REMOVE
            // (once traced as GetMessage) adds a mark.
            Call::PeekMessage { hwnd, remove } => {
                self.hwnd(*hwnd);
                if *remove {
                    self.u8(1);
                }
            }
            // The name tells the WSA forms from the Berkeley ones.
            Call::WsaRecv { s, len, flags } | Call::WsaRecvFrom { s, len, flags } => {
                self.socket(*s);
                self.usize(*len as u32 as usize);
                self.msg_flags(*flags);
            }
            Call::WsaSend { s, data, flags } => {
                self.socket(*s);
                self.snippet(data);
                self.msg_flags(*flags);
            }
            Call::WsaSendTo { s, data, to, flags } => {
                self.socket(*s);
                self.snippet(data);
                self.addr(*to);
                self.msg_flags(*flags);
            }
            Call::WsaConnect { s, addr } | Call::WsaJoinLeaf { s, addr } => {
                self.socket(*s);
                self.addr(*addr);
            }
            Call::WsaAccept { s, condition } => {
                self.socket(*s);
                self.u8(match condition {
                    Condition::Accept => 1,
                    Condition::Reject => 2,
                    Condition::Defer => 3,
                });
            }
            _ => self.unknown_variant(),
        }
    }

    fn world(&mut self, a: &WorldAction) {
        match a {
            WorldAction::AddHost { host, addr } => {
                self.u8(1);
                self.host(*host);
                self.ip(*addr);
            }
            WorldAction::CreateWindow { host, hwnd } => {
                self.u8(2);
                self.host(*host);
                self.hwnd(*hwnd);
            }
            WorldAction::DestroyWindow(w) => {
                self.u8(3);
                self.hwnd(*w);
            }
            WorldAction::Latency { a, b, latency } => {
                self.u8(4);
                self.host(*a);
                self.host(*b);
                self.duration(*latency);
            }
            WorldAction::Partition(a, b) => {
                self.u8(5);
                self.host(*a);
                self.host(*b);
            }
            WorldAction::Heal(a, b) => {
                self.u8(6);
                self.host(*a);
                self.host(*b);
            }
            WorldAction::NetworkDown(h) => {
                self.u8(7);
                self.host(*h);
            }
            WorldAction::NetworkUp(h) => {
                self.u8(8);
                self.host(*h);
            }
            WorldAction::AddAddress(h, ip) => {
                self.u8(9);
                self.host(*h);
                self.ip(*ip);
            }
            WorldAction::RemoveAddress(h, ip) => {
                self.u8(10);
                self.host(*h);
                self.ip(*ip);
            }
            WorldAction::RouteChange(h) => {
                self.u8(11);
                self.host(*h);
            }
            WorldAction::QosChange(s) => {
                self.u8(12);
                self.socket(*s);
            }
            WorldAction::Reset(s) => {
                self.u8(13);
                self.socket(*s);
            }
            WorldAction::RouteChangeTo(h, ip) => {
                self.u8(14);
                self.host(*h);
                self.ip(*ip);
            }
            _ => self.unknown_variant(),
        }
    }

    fn cause(&mut self, c: &Cause) {
        match c {
            Cause::Call { host, call } => {
                self.u8(1);
                self.host(*host);
                self.call(call);
            }
            Cause::Completion { host, call } => {
                self.u8(2);
                self.host(*host);
                self.call(call);
            }
            Cause::Deliver { host, segment } => {
                self.u8(3);
                self.host(*host);
                self.segment(segment);
            }
            Cause::Timer { host, socket, kind } => {
                self.u8(4);
                self.host(*host);
                self.socket(*socket);
                self.timer(*kind);
            }
            Cause::World(a) => {
                self.u8(5);
                self.world(a);
            }
            _ => self.unknown_variant(),
        }
    }

    fn returned(&mut self, r: &TracedReturn) {
        match r {
            TracedReturn::Zero => self.u8(1),
            TracedReturn::Socket(s) => {
                self.u8(2);
                self.socket(*s);
            }
            TracedReturn::Accepted(s, a) => {
                self.u8(3);
                self.socket(*s);
                self.addr(*a);
            }
            TracedReturn::Count(n) => {
                self.u8(4);
                self.u64(*n);
            }
            TracedReturn::Received(d, from) => {
                self.u8(5);
                self.snippet(d);
                self.option(*from, Self::addr);
            }
            TracedReturn::Opt(o) => {
                self.u8(6);
                self.sock_opt(*o);
            }
            TracedReturn::Qos(q) => {
                self.u8(7);
                self.qos(*q);
            }
            TracedReturn::Event(e) => {
                self.u8(8);
                self.event_object(*e);
            }
            TracedReturn::NetworkEvents(e) => {
                self.u8(9);
                self.events(*e);
            }
            TracedReturn::Message {
                msg,
                wparam,
                lparam,
            } => {
                self.u8(10);
                self.wmsg(*msg);
                self.socket(*wparam);
                self.lparam(*lparam);
            }
            TracedReturn::NoMessage => self.u8(11),
            _ => self.unknown_variant(),
        }
    }

    fn outcome(&mut self, o: &Outcome) {
        match o {
            Outcome::None => self.u8(1),
            Outcome::Ok(r) => {
                self.u8(2);
                self.returned(r);
            }
            Outcome::Err(e) => {
                self.u8(3);
                self.error(*e);
            }
            Outcome::Blocked => self.u8(4),
            _ => self.unknown_variant(),
        }
    }

    fn suppression(&mut self, s: Suppression) {
        self.u8(match s {
            Suppression::NotSelected => 1,
            Suppression::AwaitingReenable => 2,
            Suppression::DataUnread => 3,
            Suppression::WindowDestroyed => 4,
            Suppression::SocketClosed => 5,
            Suppression::OncePerSelection => 6,
        });
    }

    fn drop_reason(&mut self, d: DropReason) {
        match d {
            DropReason::SenderDown => self.u8(1),
            DropReason::NoSuchHost => self.u8(2),
            DropReason::LinkCut => self.u8(3),
            DropReason::CutInFlight => self.u8(4),
            DropReason::ReceiverDown => self.u8(5),
            DropReason::NoListener => self.u8(6),
            DropReason::BufferFull => self.u8(7),
            _ => self.unknown_variant(),
        }
    }

    fn note(&mut self, n: &Note) {
        match n {
            Note::WindowCreated { name, hwnd } => {
                self.u8(1);
                self.str(name);
                self.hwnd(*hwnd);
            }
            Note::MessagesDiscarded(n) => {
                self.u8(2);
                self.usize(*n);
            }
            Note::NotAnAddress(ip) => {
                self.u8(3);
                self.ip(*ip);
            }
            Note::ResetInjected => self.u8(4),
            Note::BlockingCancelled => self.u8(5),
            Note::ShutdownReceiveReset => self.u8(6),
            Note::BlockingNeedsCancel => self.u8(7),
            Note::NowNonblocking(s) => {
                self.u8(8);
                self.socket(*s);
            }
            Note::QueuedStay { socket, count } => {
                self.u8(9);
                self.socket(*socket);
                self.usize(*count);
            }
            Note::ReselectRecordsNothing => self.u8(10),
            Note::NoRoute(ip) => {
                self.u8(11);
                self.ip(*ip);
            }
            Note::AbortiveClose { linger } => {
                self.u8(12);
                self.bool(*linger);
            }
            Note::NoReenableAfterFailure(e) => {
                self.u8(13);
                self.events(*e);
            }
            Note::RstIgnored(a) => {
                self.u8(14);
                self.addr(*a);
            }
            Note::NoSocket(a) => {
                self.u8(15);
                self.addr(*a);
            }
            Note::ResetDuringHandshake(s) => {
                self.u8(16);
                self.socket(*s);
            }
            Note::DataAfterClose { shutdown } => {
                self.u8(17);
                self.bool(*shutdown);
            }
            Note::WindowFull { dropped } => {
                self.u8(18);
                self.usize(*dropped);
            }
            Note::ResetBeforeAccept { socket, listener } => {
                self.u8(19);
                self.socket(*socket);
                self.socket(*listener);
            }
            Note::BacklogFull(s) => {
                self.u8(20);
                self.socket(*s);
            }
            Note::ZeroWindowProbe => self.u8(21),
            Note::HandshakeTimedOut(s) => {
                self.u8(22);
                self.socket(*s);
            }
            Note::RetransmissionsExhausted(s) => {
                self.u8(23);
                self.socket(*s);
            }
            Note::AcceptDeferred => self.u8(24),
            Note::AcceptRejected(s) => {
                self.u8(25);
                self.socket(*s);
            }
            Note::QosRenegotiated => self.u8(26),
            Note::StepLimit => self.u8(27),
            _ => self.unknown_variant(),
        }
    }

    /// Appends one change.
    pub fn change(&mut self, c: &Change) {
        match c {
            Change::Posted(m) => {
                self.u8(1);
                self.message(m);
            }
            Change::Recorded {
                socket,
                event_object,
                event,
                error,
                rule,
            } => {
                self.u8(2);
                self.socket(*socket);
                self.event_object(*event_object);
                self.events(*event);
                self.option(*error, Self::error);
                self.rule(*rule);
            }
            Change::Suppressed {
                socket,
                event,
                reason,
                rule,
            } => {
                self.u8(3);
                self.socket(*socket);
                self.events(*event);
                self.suppression(*reason);
                self.rule(*rule);
            }
            Change::Latch {
                socket,
                events,
                armed,
                rule,
            } => {
                self.u8(4);
                self.socket(*socket);
                self.events(*events);
                self.bool(*armed);
                self.rule(*rule);
            }
            Change::Selection {
                socket,
                hwnd,
                events,
                rule,
            } => {
                self.u8(5);
                self.socket(*socket);
                self.option(*hwnd, Self::hwnd);
                self.events(*events);
                self.rule(*rule);
            }
            Change::State { socket, from, to } => {
                self.u8(6);
                self.socket(*socket);
                self.tcp_state(*from);
                self.tcp_state(*to);
            }
            Change::Sent(s) => {
                self.u8(7);
                self.segment(s);
            }
            Change::Dropped { segment, why } => {
                self.u8(8);
                self.segment(segment);
                self.drop_reason(*why);
            }
            Change::Created(s) => {
                self.u8(9);
                self.socket(*s);
            }
            Change::Freed(s) => {
                self.u8(10);
                self.socket(*s);
            }
            Change::Note(n) => {
                self.u8(11);
                self.note(n);
            }
            Change::Refused {
                socket,
                error,
                rule,
            } => {
                self.u8(12);
                self.socket(*socket);
                self.error(*error);
                self.rule(*rule);
            }
            _ => self.unknown_variant(),
        }
    }

    /// Appends one entry: its time, cause, outcome and changes (not its index).
    pub fn entry(&mut self, e: &TraceEntry) {
        self.instant(e.at);
        self.cause(&e.cause);
        self.outcome(&e.outcome);
        self.len(e.changes.len());
        for c in &e.changes {
            self.change(c);
        }
    }
}

/// The semantic bytes of one entry (see the module doc).
pub fn encode(e: &TraceEntry) -> Vec<u8> {
    let mut enc = Encoder::new();
    enc.entry(e);
    enc.buf
}

/// True if two entries mean the same step: equal semantic encodings, so they may differ
/// only in their index and their messages' posting counters.
pub fn same_step(a: &TraceEntry, b: &TraceEntry) -> bool {
    a == b || encode(a) == encode(b)
}

/// A short fingerprint of a trace, carried in share links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceDigest {
    /// 64-bit FNV-1a over the semantic encoding of every entry, in order.
    pub whole: u64,
    /// One byte per entry, for the first entries: the low byte of the FNV-1a hash of
    /// that entry's encoding alone.
    pub per_entry: Vec<u8>,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl TraceDigest {
    /// The digest of these entries: [`TraceDigest::whole`] hashes their encodings one
    /// after the other (each is self-delimiting), and [`TraceDigest::per_entry`] has one
    /// byte for each of the first `max_bytes`.
    pub fn of<I>(trace: I, max_bytes: usize) -> TraceDigest
    where
        I: IntoIterator,
        I::Item: core::borrow::Borrow<TraceEntry>,
    {
        let mut whole = FNV_OFFSET;
        let mut per_entry = Vec::new();
        let mut enc = Encoder::new();
        for e in trace {
            enc.clear();
            enc.entry(core::borrow::Borrow::borrow(&e));
            whole = fnv1a(enc.bytes(), whole);
            if per_entry.len() < max_bytes {
                per_entry.push(fnv1a(enc.bytes(), FNV_OFFSET) as u8);
            }
        }
        TraceDigest { whole, per_entry }
    }

    /// The first trace index where `self` (the old run) and `other` (this version's run)
    /// differ, if the per-entry bytes can tell; `None` if they are equal as far as known.
    pub fn first_difference(&self, other: &TraceDigest) -> Option<usize> {
        if self.whole == other.whole {
            return None;
        }
        let n = self.per_entry.len().min(other.per_entry.len());
        (0..n)
            .find(|i| self.per_entry[*i] != other.per_entry[*i])
            .or(Some(n))
    }
}
