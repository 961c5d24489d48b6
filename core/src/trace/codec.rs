//! The trace's compact encoding: how a [`TraceEntry`] is kept as bytes, and read back.
//!
//! A long run records millions of entries, and the typed entry is large (an enum of
//! causes, a `Vec` of changes, each change as big as its largest variant). The trace
//! therefore keeps each entry as a few bytes and decodes it when read; the types in
//! [`super`] are the decoded view. The encoding is hand-written and deterministic (the
//! same entry after the same entries always gives the same bytes), so two traces compare
//! by their bytes.
//!
//! Modelling decisions:
//! - Integers are LEB128 varints; signed deltas are zigzagged first.
//! - An entry is a header byte (the cause's kind, the outcome's kind, "same time as the
//!   entry before", "has changes"), then the time as a delta from the entry before, the
//!   cause, the outcome and the changes, each change a tag byte whose high bits hold its
//!   flags.
//! - What is implied is not stored: a posted message's id when it is the next one
//!   (ids are given in posting order), its `posted_at` when it is the entry's time, an
//!   entry's index (its position). The entry before is the [`Context`]: the trace keeps
//!   it at each of its index marks, so any entry decodes from the mark before it.
//! - Within an entry, a socket address already written is written again as its position
//!   in the entry's small table of addresses, and a segment's sequence and acknowledgment
//!   numbers are deltas from what the segment before it in the entry predicts (its
//!   reply, or its continuation).
//! - A [`Snippet`]'s bytes are kept as they are.
//!
//! Malformed bytes are a bug in this file, never an input: decoding panics on them.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Cause, Change, DropReason, Note, Outcome, Suppression, TraceEntry, WorldAction};
use crate::call::{Call, Condition, Snippet, TracedCall, TracedReturn};
use crate::error::WsaError;
use crate::event::{LParam, NetworkEvent};
use crate::net::{HostId, Ipv4, SegmentHeader, SegmentKind, SockAddr, TcpFlags};
use crate::queue::{Hwnd, Message, WindowMessage};
use crate::socket::{
    AddressFamily, Ioctl, MsgFlags, Qos, Shutdown, SockOpt, SockOptName, SocketHandle, SocketType,
    WsaEvent, WsaIoctl,
};
use crate::spec::Rule;
use crate::tcb::{TcpState, TimerKind};
use crate::time::{Duration, Instant};

/// What an entry's encoding is relative to: the entry before it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Context {
    /// The time of the entry before.
    at: Instant,
    /// The id the next posted message is expected to have.
    pub(super) next_message: u64,
}

/// The first window handle (`Names::window` makes the same guess): handles are written
/// as their distance from it.
const FIRST_HWND: u32 = 0x0001_0010;
/// Errors are written as their distance from this code (all are just above it).
const ERROR_BASE: u16 = 10_000;
/// How many distinct socket addresses an entry's table keeps.
const ADDRS: usize = 8;

/// Appends the encoding of `e` to `out`, relative to `cx`, which then describes `e`.
pub(crate) fn encode(e: &TraceEntry, cx: &mut Context, out: &mut Vec<u8>) {
    let mut w = Writer {
        out,
        addrs: Addrs::default(),
        prev: None,
    };
    let (cause, outcome) = (cause_kind(&e.cause), outcome_kind(&e.outcome));
    let same_time = e.at == cx.at;
    let header = cause
        | (outcome << 3)
        | (u8::from(same_time) << 5)
        | (u8::from(!e.changes.is_empty()) << 6);
    w.byte(header);
    if !same_time {
        w.i(e.at.total_micros().wrapping_sub(cx.at.total_micros()) as i64);
    }
    w.cause(&e.cause);
    w.outcome(&e.outcome);
    if !e.changes.is_empty() {
        w.u(e.changes.len() as u64);
        for c in &e.changes {
            w.change(c, e.at, &mut cx.next_message);
        }
    }
    cx.at = e.at;
}

/// Decodes the entry at `*pos` of `bytes`, relative to `cx`; moves `*pos` past it and
/// `cx` to it. `index` is the entry's position in the trace.
pub(crate) fn decode(bytes: &[u8], pos: &mut usize, index: usize, cx: &mut Context) -> TraceEntry {
    let mut r = Reader {
        b: bytes,
        pos: *pos,
        addrs: Addrs::default(),
        prev: None,
    };
    let header = r.byte();
    let at = if header & (1 << 5) != 0 {
        cx.at
    } else {
        Instant::from_micros(cx.at.total_micros().wrapping_add(r.i() as u64))
    };
    let cause = r.cause(header & 7);
    let outcome = r.outcome((header >> 3) & 3);
    let changes = if header & (1 << 6) != 0 {
        let n = r.usize();
        let mut changes = Vec::with_capacity(n);
        for _ in 0..n {
            changes.push(r.change(at, &mut cx.next_message));
        }
        changes
    } else {
        Vec::new()
    };
    cx.at = at;
    *pos = r.pos;
    TraceEntry {
        index,
        at,
        cause,
        outcome,
        changes,
    }
}

fn cause_kind(c: &Cause) -> u8 {
    match c {
        Cause::Call { .. } => 0,
        Cause::Completion { .. } => 1,
        Cause::Deliver { .. } => 2,
        Cause::Timer { .. } => 3,
        Cause::World(_) => 4,
    }
}

fn outcome_kind(o: &Outcome) -> u8 {
    match o {
        Outcome::None => 0,
        Outcome::Ok(_) => 1,
        Outcome::Err(_) => 2,
        Outcome::Blocked => 3,
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

/// The socket addresses an entry has written so far, in order.
#[derive(Default)]
struct Addrs {
    seen: [SockAddr; ADDRS],
    len: usize,
}

impl Addrs {
    fn find(&self, a: SockAddr) -> Option<usize> {
        self.seen[..self.len].iter().position(|x| *x == a)
    }

    fn add(&mut self, a: SockAddr) {
        if self.len < ADDRS {
            self.seen[self.len] = a;
            self.len += 1;
        }
    }
}

/// The sequence and acknowledgment numbers a segment is expected to carry, after `prev`
/// in the same entry: the reply's (`seq` = its `ack`, `ack` = its end), or the
/// continuation's in the same direction. Zero for an unrelated segment or the first one.
fn predict(prev: Option<&SegmentHeader>, src: SockAddr, dst: SockAddr) -> (u32, u32) {
    let Some(p) = prev else { return (0, 0) };
    let SegmentKind::Tcp {
        flags,
        seq,
        ack,
        len,
        ..
    } = p.kind
    else {
        return (0, 0);
    };
    let end = seq
        .wrapping_add(len)
        .wrapping_add(u32::from(flags.syn) + u32::from(flags.fin));
    if src == p.dst && dst == p.src {
        (ack, end)
    } else if src == p.src && dst == p.dst {
        (end, ack)
    } else {
        (0, 0)
    }
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
    addrs: Addrs,
    prev: Option<SegmentHeader>,
}

impl Writer<'_> {
    fn byte(&mut self, b: u8) {
        self.out.push(b);
    }

    fn u(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    fn i(&mut self, v: i64) {
        self.u(zigzag(v));
    }

    fn bool(&mut self, b: bool) {
        self.byte(u8::from(b));
    }

    fn socket(&mut self, s: SocketHandle) {
        self.u(u64::from(s.0));
    }

    fn host(&mut self, h: HostId) {
        self.u(u64::from(h.0));
    }

    fn hwnd(&mut self, h: Hwnd) {
        self.u(u64::from(h.0.wrapping_sub(FIRST_HWND)));
    }

    fn event_object(&mut self, e: WsaEvent) {
        self.u(u64::from(e.0));
    }

    fn events(&mut self, e: NetworkEvent) {
        self.u(u64::from(e.bits()));
    }

    fn wmsg(&mut self, m: WindowMessage) {
        self.u(u64::from(m.0.wrapping_sub(WindowMessage::WM_USER)));
    }

    fn error(&mut self, e: WsaError) {
        self.u(u64::from(e.code().wrapping_sub(ERROR_BASE)));
    }

    fn error_opt(&mut self, e: Option<WsaError>) {
        match e {
            None => self.u(0),
            Some(e) => self.u(1 + u64::from(e.code().wrapping_sub(ERROR_BASE))),
        }
    }

    fn lparam(&mut self, l: LParam) {
        let (lo, hi) = (l.raw() & 0xffff, l.error_code());
        self.u((u64::from(lo) << 1) | u64::from(hi != 0));
        if hi != 0 {
            self.u(u64::from(hi));
        }
    }

    fn rule(&mut self, r: Rule) {
        self.u(r as u64);
    }

    fn ip(&mut self, ip: Ipv4) {
        self.out.extend_from_slice(&ip.0);
    }

    fn addr(&mut self, a: SockAddr) {
        match self.addrs.find(a) {
            Some(i) => self.u(i as u64),
            None => {
                self.u(self.addrs.len as u64 + u64::from(a.port));
                self.ip(a.ip);
                self.addrs.add(a);
            }
        }
    }

    fn duration(&mut self, d: Duration) {
        self.u(d.total_micros());
    }

    fn snippet(&mut self, s: &Snippet) {
        // The low two bits: 0 no bytes, 1 the `len` bytes, 2 bytes of another length.
        let len = s.len_u32();
        match s.kept() {
            None => self.u(u64::from(len) << 2),
            Some(b) if b.len() == len as usize => {
                self.u((u64::from(len) << 2) | 1);
                self.out.extend_from_slice(b);
            }
            Some(b) => {
                self.u((u64::from(len) << 2) | 2);
                self.u(b.len() as u64);
                self.out.extend_from_slice(b);
            }
        }
    }

    fn segment(&mut self, s: &SegmentHeader) {
        match s.kind {
            SegmentKind::Tcp {
                flags,
                seq,
                ack,
                wnd,
                urp,
                len,
            } => {
                let bits = u8::from(flags.syn)
                    | u8::from(flags.ack) << 1
                    | u8::from(flags.fin) << 2
                    | u8::from(flags.rst) << 3
                    | u8::from(flags.urg) << 4
                    | u8::from(len != 0) << 6
                    | u8::from(urp != 0) << 7;
                self.byte(bits);
                self.addr(s.src);
                self.addr(s.dst);
                let (pseq, pack) = predict(self.prev.as_ref(), s.src, s.dst);
                self.i(i64::from(seq.wrapping_sub(pseq) as i32));
                self.i(i64::from(ack.wrapping_sub(pack) as i32));
                self.u(u64::from(wnd));
                if urp != 0 {
                    self.u(u64::from(urp));
                }
                if len != 0 {
                    self.u(u64::from(len));
                }
            }
            SegmentKind::Udp { len } => {
                self.byte(1 << 5 | u8::from(len != 0) << 6);
                self.addr(s.src);
                self.addr(s.dst);
                if len != 0 {
                    self.u(u64::from(len));
                }
            }
        }
        self.prev = Some(*s);
    }

    fn cause(&mut self, c: &Cause) {
        match c {
            Cause::Call { host, call } | Cause::Completion { host, call } => {
                self.host(*host);
                self.call(call);
            }
            Cause::Deliver { host, segment } => {
                self.host(*host);
                self.segment(segment);
            }
            Cause::Timer { host, socket, kind } => {
                self.host(*host);
                self.socket(*socket);
                self.byte(match kind {
                    TimerKind::Retransmit => 0,
                    TimerKind::Persist => 1,
                    TimerKind::TimeWait => 2,
                    TimerKind::Route => 3,
                });
            }
            Cause::World(a) => self.world(a),
        }
    }

    fn world(&mut self, a: &WorldAction) {
        match a {
            WorldAction::AddHost { host, addr } => {
                self.byte(0);
                self.host(*host);
                self.ip(*addr);
            }
            WorldAction::CreateWindow { host, hwnd } => {
                self.byte(1);
                self.host(*host);
                self.hwnd(*hwnd);
            }
            WorldAction::DestroyWindow(h) => {
                self.byte(2);
                self.hwnd(*h);
            }
            WorldAction::Latency { a, b, latency } => {
                self.byte(3);
                self.host(*a);
                self.host(*b);
                self.duration(*latency);
            }
            WorldAction::Partition(a, b) => {
                self.byte(4);
                self.host(*a);
                self.host(*b);
            }
            WorldAction::Heal(a, b) => {
                self.byte(5);
                self.host(*a);
                self.host(*b);
            }
            WorldAction::NetworkDown(h) => {
                self.byte(6);
                self.host(*h);
            }
            WorldAction::NetworkUp(h) => {
                self.byte(7);
                self.host(*h);
            }
            WorldAction::AddAddress(h, ip) => {
                self.byte(8);
                self.host(*h);
                self.ip(*ip);
            }
            WorldAction::RemoveAddress(h, ip) => {
                self.byte(9);
                self.host(*h);
                self.ip(*ip);
            }
            WorldAction::RouteChange(h) => {
                self.byte(10);
                self.host(*h);
            }
            WorldAction::RouteChangeTo(h, ip) => {
                self.byte(13);
                self.host(*h);
                self.ip(*ip);
            }
            WorldAction::QosChange(s) => {
                self.byte(11);
                self.socket(*s);
            }
            WorldAction::Reset(s) => {
                self.byte(12);
                self.socket(*s);
            }
        }
    }

    fn flags(&mut self, f: MsgFlags) {
        self.byte(u8::from(f.oob) | u8::from(f.peek) << 1);
    }

    fn sockopt(&mut self, o: SockOpt) {
        match o {
            SockOpt::OobInline(on) => self.byte(u8::from(on)),
            SockOpt::Linger { on, secs } => {
                self.byte(2 + u8::from(on));
                self.u(u64::from(secs));
            }
            SockOpt::RcvBuf(n) => {
                self.byte(4);
                self.u(u64::from(n));
            }
            SockOpt::SndBuf(n) => {
                self.byte(5);
                self.u(u64::from(n));
            }
        }
    }

    fn call(&mut self, c: &TracedCall) {
        match c {
            Call::WsaStartup => self.byte(0),
            Call::WsaCleanup => self.byte(1),
            Call::Socket { af, ty } => {
                self.byte(2);
                let af = match af {
                    AddressFamily::Inet => 0,
                    AddressFamily::Inet6 => 1,
                };
                let ty = match ty {
                    SocketType::Stream => 0,
                    SocketType::Dgram => 2,
                };
                self.byte(af | ty);
            }
            Call::Bind { s, addr } => {
                self.byte(3);
                self.socket(*s);
                self.addr(*addr);
            }
            Call::Listen { s, backlog } => {
                self.byte(4);
                self.socket(*s);
                self.u(u64::from(*backlog));
            }
            Call::Connect { s, addr, namelen } => {
                self.byte(5);
                self.socket(*s);
                self.addr(*addr);
                self.u(u64::from(*namelen));
            }
            Call::Accept { s } => {
                self.byte(6);
                self.socket(*s);
            }
            Call::Send { s, data, flags } => {
                self.byte(7);
                self.socket(*s);
                self.snippet(data);
                self.flags(*flags);
            }
            Call::Recv { s, len, flags } => {
                self.byte(8);
                self.socket(*s);
                self.u(u64::from(*len as u32));
                self.flags(*flags);
            }
            Call::SendTo { s, data, to, flags } => {
                self.byte(9);
                self.socket(*s);
                self.snippet(data);
                self.addr(*to);
                self.flags(*flags);
            }
            Call::RecvFrom { s, len, flags } => {
                self.byte(10);
                self.socket(*s);
                self.u(u64::from(*len as u32));
                self.flags(*flags);
            }
            Call::Shutdown { s, how } => {
                self.byte(11);
                self.socket(*s);
                self.byte(match how {
                    Shutdown::Receive => 0,
                    Shutdown::Send => 1,
                    Shutdown::Both => 2,
                });
            }
            Call::ShutdownOther { s, how } => {
                self.byte(24);
                self.socket(*s);
                self.u(u64::from(*how as u32));
            }
            Call::CloseSocket { s } => {
                self.byte(12);
                self.socket(*s);
            }
            Call::SetSockOpt { s, opt } => {
                self.byte(13);
                self.socket(*s);
                self.sockopt(*opt);
            }
            Call::GetSockOpt { s, name } => {
                self.byte(14);
                self.socket(*s);
                self.byte(match name {
                    SockOptName::OobInline => 0,
                    SockOptName::Linger => 1,
                    SockOptName::RcvBuf => 2,
                    SockOptName::SndBuf => 3,
                });
            }
            Call::IoctlSocket { s, cmd } => {
                self.byte(15);
                self.socket(*s);
                self.byte(match cmd {
                    Ioctl::Fionbio(on) => u8::from(*on),
                    Ioctl::Fionread => 2,
                    Ioctl::Siocatmark => 3,
                });
            }
            Call::WsaIoctl { s, cmd } => {
                self.byte(16);
                self.socket(*s);
                match cmd {
                    WsaIoctl::GetQos => self.byte(0),
                    WsaIoctl::RoutingInterfaceChange(None) => self.byte(1),
                    WsaIoctl::RoutingInterfaceChange(Some(a)) => {
                        self.byte(2);
                        self.addr(*a);
                    }
                    WsaIoctl::AddressListChange => self.byte(3),
                    WsaIoctl::Fionbio(on) => self.byte(4 + u8::from(*on)),
                    WsaIoctl::GetGroupQos => self.byte(6),
                    WsaIoctl::SetQos(rate) => {
                        self.byte(7);
                        self.u(u64::from(*rate));
                    }
                }
            }
            Call::WsaAsyncSelect {
                s,
                hwnd,
                msg,
                events,
            } => {
                self.byte(17);
                self.socket(*s);
                self.hwnd(*hwnd);
                self.wmsg(*msg);
                self.events(*events);
            }
            Call::WsaCreateEvent => self.byte(18),
            Call::WsaEventSelect { s, event, events } => {
                self.byte(19);
                self.socket(*s);
                self.event_object(*event);
                self.events(*events);
            }
            Call::WsaEnumNetworkEvents { s, event } => {
                self.byte(if event.is_some() { 21 } else { 20 });
                self.socket(*s);
                if let Some(e) = event {
                    self.event_object(*e);
                }
            }
            Call::GetMessage { hwnd } => {
                self.byte(22);
                self.hwnd(*hwnd);
            }
            // 23 was PeekMessage(PM_NOREMOVE) before PM_REMOVE had its own tag.
            Call::PeekMessage { hwnd, remove } => {
                self.byte(if *remove { 25 } else { 23 });
                self.hwnd(*hwnd);
            }
            Call::WsaRecv { s, len, flags } | Call::WsaRecvFrom { s, len, flags } => {
                self.byte(if matches!(c, Call::WsaRecv { .. }) {
                    26
                } else {
                    27
                });
                self.socket(*s);
                self.u(u64::from(*len as u32));
                self.flags(*flags);
            }
            Call::WsaSend { s, data, flags } => {
                self.byte(28);
                self.socket(*s);
                self.snippet(data);
                self.flags(*flags);
            }
            Call::WsaSendTo { s, data, to, flags } => {
                self.byte(29);
                self.socket(*s);
                self.snippet(data);
                self.addr(*to);
                self.flags(*flags);
            }
            Call::WsaConnect { s, addr } | Call::WsaJoinLeaf { s, addr } => {
                self.byte(if matches!(c, Call::WsaConnect { .. }) {
                    30
                } else {
                    32
                });
                self.socket(*s);
                self.addr(*addr);
            }
            Call::WsaAccept { s, condition } => {
                self.byte(31);
                self.socket(*s);
                self.byte(match condition {
                    Condition::Accept => 0,
                    Condition::Reject => 1,
                    Condition::Defer => 2,
                });
            }
        }
    }

    fn outcome(&mut self, o: &Outcome) {
        match o {
            Outcome::None | Outcome::Blocked => {}
            Outcome::Err(e) => self.error(*e),
            Outcome::Ok(r) => self.returned(r),
        }
    }

    fn returned(&mut self, r: &TracedReturn) {
        match r {
            TracedReturn::Zero => self.byte(0),
            TracedReturn::Socket(s) => {
                self.byte(1);
                self.socket(*s);
            }
            TracedReturn::Accepted(s, a) => {
                self.byte(2);
                self.socket(*s);
                self.addr(*a);
            }
            TracedReturn::Count(n) => {
                self.byte(3);
                self.u(*n);
            }
            TracedReturn::Received(d, from) => {
                self.byte(if from.is_some() { 5 } else { 4 });
                self.snippet(d);
                if let Some(a) = from {
                    self.addr(*a);
                }
            }
            TracedReturn::Opt(o) => {
                self.byte(6);
                self.sockopt(*o);
            }
            TracedReturn::Qos(q) => {
                self.byte(7);
                self.u(u64::from(q.token_rate));
                self.u(u64::from(q.generation));
            }
            TracedReturn::Event(e) => {
                self.byte(8);
                self.event_object(*e);
            }
            TracedReturn::NetworkEvents(e) => {
                self.byte(9);
                self.events(*e);
            }
            TracedReturn::Message {
                msg,
                wparam,
                lparam,
            } => {
                self.byte(10);
                self.wmsg(*msg);
                self.socket(*wparam);
                self.lparam(*lparam);
            }
            TracedReturn::NoMessage => self.byte(11),
        }
    }

    fn change(&mut self, c: &Change, at: Instant, next_message: &mut u64) {
        match c {
            Change::Posted(m) => {
                let (next, now) = (m.id == *next_message, m.posted_at == at);
                self.byte(u8::from(next) << 4 | u8::from(now) << 5);
                if !next {
                    self.i(m.id.wrapping_sub(*next_message) as i64);
                }
                self.hwnd(m.hwnd);
                self.wmsg(m.msg);
                self.socket(m.wparam);
                self.lparam(m.lparam);
                if !now {
                    self.i(m.posted_at.total_micros().wrapping_sub(at.total_micros()) as i64);
                }
                self.rule(m.rule);
                *next_message = m.id.wrapping_add(1);
            }
            Change::Recorded {
                socket,
                event_object,
                event,
                error,
                rule,
            } => {
                self.byte(1);
                self.socket(*socket);
                self.event_object(*event_object);
                self.events(*event);
                self.error_opt(*error);
                self.rule(*rule);
            }
            Change::Suppressed {
                socket,
                event,
                reason,
                rule,
            } => {
                let reason = match reason {
                    Suppression::NotSelected => 0,
                    Suppression::AwaitingReenable => 1,
                    Suppression::DataUnread => 2,
                    Suppression::WindowDestroyed => 3,
                    Suppression::SocketClosed => 4,
                    Suppression::OncePerSelection => 5,
                };
                self.byte(2 | reason << 4);
                self.socket(*socket);
                self.events(*event);
                self.rule(*rule);
            }
            Change::Latch {
                socket,
                events,
                armed,
                rule,
            } => {
                self.byte(3 | u8::from(*armed) << 4);
                self.socket(*socket);
                self.events(*events);
                self.rule(*rule);
            }
            Change::Selection {
                socket,
                hwnd,
                events,
                rule,
            } => {
                self.byte(4 | u8::from(hwnd.is_some()) << 4);
                self.socket(*socket);
                if let Some(h) = hwnd {
                    self.hwnd(*h);
                }
                self.events(*events);
                self.rule(*rule);
            }
            Change::State { socket, from, to } => {
                self.byte(5);
                self.socket(*socket);
                self.byte((*from as u8) << 4 | *to as u8);
            }
            Change::Sent(s) => {
                self.byte(6);
                self.segment(s);
            }
            Change::Dropped { segment, why } => {
                let why = match why {
                    DropReason::SenderDown => 0,
                    DropReason::NoSuchHost => 1,
                    DropReason::LinkCut => 2,
                    DropReason::CutInFlight => 3,
                    DropReason::ReceiverDown => 4,
                    DropReason::NoListener => 5,
                    DropReason::BufferFull => 6,
                };
                self.byte(7 | why << 4);
                self.segment(segment);
            }
            Change::Created(s) => {
                self.byte(8);
                self.socket(*s);
            }
            Change::Freed(s) => {
                self.byte(9);
                self.socket(*s);
            }
            Change::Note(n) => {
                self.byte(10);
                self.note(n);
            }
            Change::Refused {
                socket,
                error,
                rule,
            } => {
                self.byte(11);
                self.socket(*socket);
                self.error(*error);
                self.rule(*rule);
            }
        }
    }

    fn note(&mut self, n: &Note) {
        match n {
            Note::WindowCreated { name, hwnd } => {
                self.byte(0);
                self.u(name.len() as u64);
                self.out.extend_from_slice(name.as_bytes());
                self.hwnd(*hwnd);
            }
            Note::MessagesDiscarded(k) => {
                self.byte(1);
                self.u(*k as u64);
            }
            Note::NotAnAddress(ip) => {
                self.byte(2);
                self.ip(*ip);
            }
            Note::ResetInjected => self.byte(3),
            Note::BlockingCancelled => self.byte(4),
            Note::ShutdownReceiveReset => self.byte(5),
            Note::BlockingNeedsCancel => self.byte(6),
            Note::NowNonblocking(s) => {
                self.byte(7);
                self.socket(*s);
            }
            Note::QueuedStay { socket, count } => {
                self.byte(8);
                self.socket(*socket);
                self.u(*count as u64);
            }
            Note::ReselectRecordsNothing => self.byte(9),
            Note::NoRoute(ip) => {
                self.byte(10);
                self.ip(*ip);
            }
            Note::AbortiveClose { linger } => {
                self.byte(11);
                self.bool(*linger);
            }
            Note::NoReenableAfterFailure(e) => {
                self.byte(12);
                self.events(*e);
            }
            Note::RstIgnored(a) => {
                self.byte(13);
                self.addr(*a);
            }
            Note::NoSocket(a) => {
                self.byte(14);
                self.addr(*a);
            }
            Note::ResetDuringHandshake(s) => {
                self.byte(15);
                self.socket(*s);
            }
            Note::DataAfterClose { shutdown } => {
                self.byte(16);
                self.bool(*shutdown);
            }
            Note::WindowFull { dropped } => {
                self.byte(17);
                self.u(*dropped as u64);
            }
            Note::ResetBeforeAccept { socket, listener } => {
                self.byte(18);
                self.socket(*socket);
                self.socket(*listener);
            }
            Note::BacklogFull(s) => {
                self.byte(19);
                self.socket(*s);
            }
            Note::ZeroWindowProbe => self.byte(20),
            Note::HandshakeTimedOut(s) => {
                self.byte(21);
                self.socket(*s);
            }
            Note::RetransmissionsExhausted(s) => {
                self.byte(22);
                self.socket(*s);
            }
            Note::AcceptDeferred => self.byte(23),
            Note::AcceptRejected(s) => {
                self.byte(24);
                self.socket(*s);
            }
            Note::QosRenegotiated => self.byte(25),
            Note::StepLimit => self.byte(26),
        }
    }
}

/// The message of every panic below: the bytes are the trace's own.
const OWN: &str = "invariant: the trace decodes only what it encoded";

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
    addrs: Addrs,
    prev: Option<SegmentHeader>,
}

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        let b = *self.b.get(self.pos).expect(OWN);
        self.pos += 1;
        b
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let s = self.b.get(self.pos..self.pos + n).expect(OWN);
        self.pos += n;
        s
    }

    fn u(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte();
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return v;
            }
            shift += 7;
        }
    }

    fn i(&mut self) -> i64 {
        unzigzag(self.u())
    }

    fn u32(&mut self) -> u32 {
        u32::try_from(self.u()).expect(OWN)
    }

    fn u16(&mut self) -> u16 {
        u16::try_from(self.u()).expect(OWN)
    }

    fn usize(&mut self) -> usize {
        usize::try_from(self.u()).expect(OWN)
    }

    fn bool(&mut self) -> bool {
        self.byte() != 0
    }

    fn socket(&mut self) -> SocketHandle {
        SocketHandle(self.u32())
    }

    fn host(&mut self) -> HostId {
        HostId(self.u16())
    }

    fn hwnd(&mut self) -> Hwnd {
        Hwnd(self.u32().wrapping_add(FIRST_HWND))
    }

    fn event_object(&mut self) -> WsaEvent {
        WsaEvent(self.u32())
    }

    fn events(&mut self) -> NetworkEvent {
        NetworkEvent::from_bits(self.u32())
    }

    fn wmsg(&mut self) -> WindowMessage {
        WindowMessage(self.u32().wrapping_add(WindowMessage::WM_USER))
    }

    fn code(&mut self, v: u64) -> WsaError {
        let code = u16::try_from(v).expect(OWN).wrapping_add(ERROR_BASE);
        WsaError::from_code(code).expect(OWN)
    }

    fn error(&mut self) -> WsaError {
        let v = self.u();
        self.code(v)
    }

    fn error_opt(&mut self) -> Option<WsaError> {
        match self.u() {
            0 => None,
            v => Some(self.code(v - 1)),
        }
    }

    fn lparam(&mut self) -> LParam {
        let v = self.u();
        let lo = u32::try_from(v >> 1).expect(OWN);
        let hi = if v & 1 != 0 { self.u32() } else { 0 };
        LParam::from_raw(hi << 16 | lo)
    }

    fn rule(&mut self) -> Rule {
        *Rule::ALL.get(self.usize()).expect(OWN)
    }

    fn ip(&mut self) -> Ipv4 {
        let b = self.take(4);
        Ipv4([b[0], b[1], b[2], b[3]])
    }

    fn addr(&mut self) -> SockAddr {
        let v = self.usize();
        if v < self.addrs.len {
            return self.addrs.seen[v];
        }
        let port = u16::try_from(v - self.addrs.len).expect(OWN);
        let a = SockAddr::new(self.ip(), port);
        self.addrs.add(a);
        a
    }

    fn duration(&mut self) -> Duration {
        Duration::from_micros(self.u())
    }

    fn bytes(&mut self, n: usize) -> Box<[u8]> {
        self.take(n).into()
    }

    fn snippet(&mut self) -> Snippet {
        let v = self.u();
        let len = u32::try_from(v >> 2).expect(OWN);
        let bytes = match v & 3 {
            0 => None,
            1 => Some(self.bytes(len as usize)),
            2 => {
                let n = self.usize();
                Some(self.bytes(n))
            }
            _ => panic!("{OWN}"),
        };
        Snippet::from_parts(len, bytes.as_deref())
    }

    fn segment(&mut self) -> SegmentHeader {
        let bits = self.byte();
        let src = self.addr();
        let dst = self.addr();
        let kind = if bits & 1 << 5 != 0 {
            let len = if bits & 1 << 6 != 0 { self.u32() } else { 0 };
            SegmentKind::Udp { len }
        } else {
            let (pseq, pack) = predict(self.prev.as_ref(), src, dst);
            let seq = pseq.wrapping_add(self.i() as i32 as u32);
            let ack = pack.wrapping_add(self.i() as i32 as u32);
            let wnd = self.u32();
            let urp = if bits & 1 << 7 != 0 { self.u32() } else { 0 };
            let len = if bits & 1 << 6 != 0 { self.u32() } else { 0 };
            let flags = TcpFlags {
                syn: bits & 1 != 0,
                ack: bits & 2 != 0,
                fin: bits & 4 != 0,
                rst: bits & 8 != 0,
                urg: bits & 16 != 0,
            };
            SegmentKind::Tcp {
                flags,
                seq,
                ack,
                wnd,
                urp,
                len,
            }
        };
        let s = SegmentHeader { src, dst, kind };
        self.prev = Some(s);
        s
    }

    fn cause(&mut self, kind: u8) -> Cause {
        match kind {
            0 => Cause::Call {
                host: self.host(),
                call: self.call(),
            },
            1 => Cause::Completion {
                host: self.host(),
                call: self.call(),
            },
            2 => Cause::Deliver {
                host: self.host(),
                segment: self.segment(),
            },
            3 => Cause::Timer {
                host: self.host(),
                socket: self.socket(),
                kind: match self.byte() {
                    0 => TimerKind::Retransmit,
                    1 => TimerKind::Persist,
                    2 => TimerKind::TimeWait,
                    3 => TimerKind::Route,
                    _ => panic!("{OWN}"),
                },
            },
            4 => Cause::World(self.world()),
            _ => panic!("{OWN}"),
        }
    }

    fn world(&mut self) -> WorldAction {
        match self.byte() {
            0 => WorldAction::AddHost {
                host: self.host(),
                addr: self.ip(),
            },
            1 => WorldAction::CreateWindow {
                host: self.host(),
                hwnd: self.hwnd(),
            },
            2 => WorldAction::DestroyWindow(self.hwnd()),
            3 => WorldAction::Latency {
                a: self.host(),
                b: self.host(),
                latency: self.duration(),
            },
            4 => WorldAction::Partition(self.host(), self.host()),
            5 => WorldAction::Heal(self.host(), self.host()),
            6 => WorldAction::NetworkDown(self.host()),
            7 => WorldAction::NetworkUp(self.host()),
            8 => WorldAction::AddAddress(self.host(), self.ip()),
            9 => WorldAction::RemoveAddress(self.host(), self.ip()),
            10 => WorldAction::RouteChange(self.host()),
            11 => WorldAction::QosChange(self.socket()),
            12 => WorldAction::Reset(self.socket()),
            13 => WorldAction::RouteChangeTo(self.host(), self.ip()),
            _ => panic!("{OWN}"),
        }
    }

    fn flags(&mut self) -> MsgFlags {
        let b = self.byte();
        MsgFlags {
            oob: b & 1 != 0,
            peek: b & 2 != 0,
        }
    }

    fn sockopt(&mut self) -> SockOpt {
        match self.byte() {
            t @ (0 | 1) => SockOpt::OobInline(t == 1),
            t @ (2 | 3) => SockOpt::Linger {
                on: t == 3,
                secs: self.u16(),
            },
            4 => SockOpt::RcvBuf(self.u32()),
            5 => SockOpt::SndBuf(self.u32()),
            _ => panic!("{OWN}"),
        }
    }

    fn call(&mut self) -> TracedCall {
        match self.byte() {
            0 => Call::WsaStartup,
            1 => Call::WsaCleanup,
            2 => {
                let b = self.byte();
                Call::Socket {
                    af: if b & 1 != 0 {
                        AddressFamily::Inet6
                    } else {
                        AddressFamily::Inet
                    },
                    ty: if b & 2 != 0 {
                        SocketType::Dgram
                    } else {
                        SocketType::Stream
                    },
                }
            }
            3 => Call::Bind {
                s: self.socket(),
                addr: self.addr(),
            },
            4 => Call::Listen {
                s: self.socket(),
                backlog: self.u32(),
            },
            5 => Call::Connect {
                s: self.socket(),
                addr: self.addr(),
                namelen: self.u32(),
            },
            6 => Call::Accept { s: self.socket() },
            7 => Call::Send {
                s: self.socket(),
                data: self.snippet(),
                flags: self.flags(),
            },
            8 => Call::Recv {
                s: self.socket(),
                len: self.usize() as u32 as i32,
                flags: self.flags(),
            },
            9 => Call::SendTo {
                s: self.socket(),
                data: self.snippet(),
                to: self.addr(),
                flags: self.flags(),
            },
            10 => Call::RecvFrom {
                s: self.socket(),
                len: self.usize() as u32 as i32,
                flags: self.flags(),
            },
            11 => Call::Shutdown {
                s: self.socket(),
                how: match self.byte() {
                    0 => Shutdown::Receive,
                    1 => Shutdown::Send,
                    2 => Shutdown::Both,
                    _ => panic!("{OWN}"),
                },
            },
            24 => Call::ShutdownOther {
                s: self.socket(),
                how: self.u() as u32 as i32,
            },
            12 => Call::CloseSocket { s: self.socket() },
            13 => Call::SetSockOpt {
                s: self.socket(),
                opt: self.sockopt(),
            },
            14 => Call::GetSockOpt {
                s: self.socket(),
                name: match self.byte() {
                    0 => SockOptName::OobInline,
                    1 => SockOptName::Linger,
                    2 => SockOptName::RcvBuf,
                    3 => SockOptName::SndBuf,
                    _ => panic!("{OWN}"),
                },
            },
            15 => Call::IoctlSocket {
                s: self.socket(),
                cmd: match self.byte() {
                    t @ (0 | 1) => Ioctl::Fionbio(t == 1),
                    2 => Ioctl::Fionread,
                    3 => Ioctl::Siocatmark,
                    _ => panic!("{OWN}"),
                },
            },
            16 => Call::WsaIoctl {
                s: self.socket(),
                cmd: match self.byte() {
                    0 => WsaIoctl::GetQos,
                    1 => WsaIoctl::RoutingInterfaceChange(None),
                    2 => WsaIoctl::RoutingInterfaceChange(Some(self.addr())),
                    3 => WsaIoctl::AddressListChange,
                    t @ (4 | 5) => WsaIoctl::Fionbio(t == 5),
                    6 => WsaIoctl::GetGroupQos,
                    7 => WsaIoctl::SetQos(self.u32()),
                    _ => panic!("{OWN}"),
                },
            },
            17 => Call::WsaAsyncSelect {
                s: self.socket(),
                hwnd: self.hwnd(),
                msg: self.wmsg(),
                events: self.events(),
            },
            18 => Call::WsaCreateEvent,
            19 => Call::WsaEventSelect {
                s: self.socket(),
                event: self.event_object(),
                events: self.events(),
            },
            20 => Call::WsaEnumNetworkEvents {
                s: self.socket(),
                event: None,
            },
            21 => Call::WsaEnumNetworkEvents {
                s: self.socket(),
                event: Some(self.event_object()),
            },
            22 => Call::GetMessage { hwnd: self.hwnd() },
            t @ (23 | 25) => Call::PeekMessage {
                hwnd: self.hwnd(),
                remove: t == 25,
            },
            26 => Call::WsaRecv {
                s: self.socket(),
                len: self.usize() as u32 as i32,
                flags: self.flags(),
            },
            27 => Call::WsaRecvFrom {
                s: self.socket(),
                len: self.usize() as u32 as i32,
                flags: self.flags(),
            },
            28 => Call::WsaSend {
                s: self.socket(),
                data: self.snippet(),
                flags: self.flags(),
            },
            29 => Call::WsaSendTo {
                s: self.socket(),
                data: self.snippet(),
                to: self.addr(),
                flags: self.flags(),
            },
            30 => Call::WsaConnect {
                s: self.socket(),
                addr: self.addr(),
            },
            31 => Call::WsaAccept {
                s: self.socket(),
                condition: match self.byte() {
                    0 => Condition::Accept,
                    1 => Condition::Reject,
                    2 => Condition::Defer,
                    _ => panic!("{OWN}"),
                },
            },
            32 => Call::WsaJoinLeaf {
                s: self.socket(),
                addr: self.addr(),
            },
            _ => panic!("{OWN}"),
        }
    }

    fn outcome(&mut self, kind: u8) -> Outcome {
        match kind {
            0 => Outcome::None,
            1 => Outcome::Ok(self.returned()),
            2 => Outcome::Err(self.error()),
            _ => Outcome::Blocked,
        }
    }

    fn returned(&mut self) -> TracedReturn {
        match self.byte() {
            0 => TracedReturn::Zero,
            1 => TracedReturn::Socket(self.socket()),
            2 => TracedReturn::Accepted(self.socket(), self.addr()),
            3 => TracedReturn::Count(self.u()),
            4 => TracedReturn::Received(self.snippet(), None),
            5 => TracedReturn::Received(self.snippet(), Some(self.addr())),
            6 => TracedReturn::Opt(self.sockopt()),
            7 => TracedReturn::Qos(Qos {
                token_rate: self.u32(),
                generation: self.u32(),
            }),
            8 => TracedReturn::Event(self.event_object()),
            9 => TracedReturn::NetworkEvents(self.events()),
            10 => TracedReturn::Message {
                msg: self.wmsg(),
                wparam: self.socket(),
                lparam: self.lparam(),
            },
            11 => TracedReturn::NoMessage,
            _ => panic!("{OWN}"),
        }
    }

    fn state(nibble: u8) -> TcpState {
        *TcpState::ALL.get(usize::from(nibble)).expect(OWN)
    }

    fn change(&mut self, at: Instant, next_message: &mut u64) -> Change {
        let tag = self.byte();
        let extra = tag >> 4;
        match tag & 0xf {
            0 => {
                let id = if extra & 1 != 0 {
                    *next_message
                } else {
                    next_message.wrapping_add(self.i() as u64)
                };
                let hwnd = self.hwnd();
                let msg = self.wmsg();
                let wparam = self.socket();
                let lparam = self.lparam();
                let posted_at = if extra & 2 != 0 {
                    at
                } else {
                    Instant::from_micros(at.total_micros().wrapping_add(self.i() as u64))
                };
                let rule = self.rule();
                *next_message = id.wrapping_add(1);
                Change::Posted(Message {
                    id,
                    hwnd,
                    msg,
                    wparam,
                    lparam,
                    posted_at,
                    rule,
                })
            }
            1 => Change::Recorded {
                socket: self.socket(),
                event_object: self.event_object(),
                event: self.events(),
                error: self.error_opt(),
                rule: self.rule(),
            },
            2 => Change::Suppressed {
                socket: self.socket(),
                event: self.events(),
                reason: match extra {
                    0 => Suppression::NotSelected,
                    1 => Suppression::AwaitingReenable,
                    2 => Suppression::DataUnread,
                    3 => Suppression::WindowDestroyed,
                    4 => Suppression::SocketClosed,
                    5 => Suppression::OncePerSelection,
                    _ => panic!("{OWN}"),
                },
                rule: self.rule(),
            },
            3 => Change::Latch {
                socket: self.socket(),
                events: self.events(),
                armed: extra & 1 != 0,
                rule: self.rule(),
            },
            4 => Change::Selection {
                socket: self.socket(),
                hwnd: if extra & 1 != 0 {
                    Some(self.hwnd())
                } else {
                    None
                },
                events: self.events(),
                rule: self.rule(),
            },
            5 => {
                let socket = self.socket();
                let b = self.byte();
                Change::State {
                    socket,
                    from: Self::state(b >> 4),
                    to: Self::state(b & 0xf),
                }
            }
            6 => Change::Sent(self.segment()),
            7 => Change::Dropped {
                segment: self.segment(),
                why: match extra {
                    0 => DropReason::SenderDown,
                    1 => DropReason::NoSuchHost,
                    2 => DropReason::LinkCut,
                    3 => DropReason::CutInFlight,
                    4 => DropReason::ReceiverDown,
                    5 => DropReason::NoListener,
                    6 => DropReason::BufferFull,
                    _ => panic!("{OWN}"),
                },
            },
            8 => Change::Created(self.socket()),
            9 => Change::Freed(self.socket()),
            10 => Change::Note(self.note()),
            11 => Change::Refused {
                socket: self.socket(),
                error: self.error(),
                rule: self.rule(),
            },
            _ => panic!("{OWN}"),
        }
    }

    fn note(&mut self) -> Note {
        match self.byte() {
            0 => {
                let n = self.usize();
                let name = String::from_utf8(self.take(n).into()).expect(OWN);
                Note::WindowCreated {
                    name: name.into_boxed_str(),
                    hwnd: self.hwnd(),
                }
            }
            1 => Note::MessagesDiscarded(self.usize()),
            2 => Note::NotAnAddress(self.ip()),
            3 => Note::ResetInjected,
            4 => Note::BlockingCancelled,
            5 => Note::ShutdownReceiveReset,
            6 => Note::BlockingNeedsCancel,
            7 => Note::NowNonblocking(self.socket()),
            8 => Note::QueuedStay {
                socket: self.socket(),
                count: self.usize(),
            },
            9 => Note::ReselectRecordsNothing,
            10 => Note::NoRoute(self.ip()),
            11 => Note::AbortiveClose {
                linger: self.bool(),
            },
            12 => Note::NoReenableAfterFailure(self.events()),
            13 => Note::RstIgnored(self.addr()),
            14 => Note::NoSocket(self.addr()),
            15 => Note::ResetDuringHandshake(self.socket()),
            16 => Note::DataAfterClose {
                shutdown: self.bool(),
            },
            17 => Note::WindowFull {
                dropped: self.usize(),
            },
            18 => Note::ResetBeforeAccept {
                socket: self.socket(),
                listener: self.socket(),
            },
            19 => Note::BacklogFull(self.socket()),
            20 => Note::ZeroWindowProbe,
            21 => Note::HandshakeTimedOut(self.socket()),
            22 => Note::RetransmissionsExhausted(self.socket()),
            23 => Note::AcceptDeferred,
            24 => Note::AcceptRejected(self.socket()),
            25 => Note::QosRenegotiated,
            26 => Note::StepLimit,
            _ => panic!("{OWN}"),
        }
    }
}

#[cfg(test)]
mod tests;
