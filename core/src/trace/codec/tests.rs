//! Round trips of the trace's encoding: one of every variant, edge values, and every
//! entry of every gallery scenario under both profiles.

use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::gallery;
use crate::profile::Profile;
use crate::script::{RunOptions, Runner};
use crate::trace::Trace;

fn ip(d: u8) -> Ipv4 {
    Ipv4([10, 0, 0, d])
}

fn addr(d: u8, port: u16) -> SockAddr {
    SockAddr::new(ip(d), port)
}

const S: SocketHandle = SocketHandle(104);

fn tcp(src: SockAddr, dst: SockAddr, seq: u32, ack: u32, len: u32) -> SegmentHeader {
    SegmentHeader {
        src,
        dst,
        kind: SegmentKind::Tcp {
            flags: TcpFlags {
                ack: true,
                ..TcpFlags::default()
            },
            seq,
            ack,
            wnd: 8192,
            urp: 0,
            len,
        },
    }
}

fn snippet(len: u32, bytes: Option<&[u8]>) -> Snippet {
    Snippet::from_parts(len, bytes)
}

fn message(id: u64, at: u64, rule: Rule) -> Message {
    Message {
        id,
        hwnd: Hwnd(0x0001_0012),
        msg: WindowMessage::user(1),
        wparam: S,
        lparam: LParam::new(NetworkEvent::FD_CLOSE, Some(WsaError::WSAECONNRESET)),
        posted_at: Instant::from_micros(at),
        rule,
    }
}

/// One of every call, including both forms of those with an optional part.
fn calls() -> Vec<TracedCall> {
    let f = MsgFlags::OOB;
    vec![
        Call::WsaStartup,
        Call::WsaCleanup,
        Call::Socket {
            af: AddressFamily::Inet6,
            ty: SocketType::Dgram,
        },
        Call::Socket {
            af: AddressFamily::Inet,
            ty: SocketType::Stream,
        },
        Call::Bind {
            s: S,
            addr: addr(1, 0),
        },
        Call::Listen { s: S, backlog: 5 },
        Call::Connect {
            s: S,
            addr: addr(2, 7),
            namelen: 3,
        },
        Call::Accept { s: S },
        Call::Send {
            s: S,
            data: snippet(5, Some(b"hello")),
            flags: f,
        },
        Call::Send {
            s: S,
            data: snippet(100_000, None),
            flags: MsgFlags::NONE,
        },
        Call::Send {
            s: S,
            data: snippet(0, None),
            flags: MsgFlags::NONE,
        },
        Call::Recv {
            s: S,
            len: 4096,
            flags: MsgFlags::PEEK,
        },
        Call::SendTo {
            s: S,
            // A snippet whose bytes are not its length (only serde could make one).
            data: snippet(9, Some(b"abc")),
            to: addr(3, 53),
            flags: f,
        },
        Call::RecvFrom {
            s: S,
            len: 1,
            flags: MsgFlags {
                oob: true,
                peek: true,
            },
        },
        Call::Shutdown {
            s: S,
            how: Shutdown::Receive,
        },
        Call::Shutdown {
            s: S,
            how: Shutdown::Send,
        },
        Call::Shutdown {
            s: S,
            how: Shutdown::Both,
        },
        Call::ShutdownOther { s: S, how: 7 },
        Call::ShutdownOther {
            s: S,
            how: 0xdeadbeef_u32 as i32,
        },
        Call::ShutdownOther { s: S, how: -1 },
        Call::CloseSocket { s: S },
        Call::SetSockOpt {
            s: S,
            opt: SockOpt::OobInline(true),
        },
        Call::SetSockOpt {
            s: S,
            opt: SockOpt::Linger { on: true, secs: 0 },
        },
        Call::SetSockOpt {
            s: S,
            opt: SockOpt::Linger {
                on: false,
                secs: 65535,
            },
        },
        Call::SetSockOpt {
            s: S,
            opt: SockOpt::RcvBuf(u32::MAX),
        },
        Call::SetSockOpt {
            s: S,
            opt: SockOpt::SndBuf(0),
        },
        Call::GetSockOpt {
            s: S,
            name: SockOptName::OobInline,
        },
        Call::GetSockOpt {
            s: S,
            name: SockOptName::Linger,
        },
        Call::GetSockOpt {
            s: S,
            name: SockOptName::RcvBuf,
        },
        Call::GetSockOpt {
            s: S,
            name: SockOptName::SndBuf,
        },
        Call::IoctlSocket {
            s: S,
            cmd: Ioctl::Fionbio(false),
        },
        Call::IoctlSocket {
            s: S,
            cmd: Ioctl::Fionbio(true),
        },
        Call::IoctlSocket {
            s: S,
            cmd: Ioctl::Fionread,
        },
        Call::IoctlSocket {
            s: S,
            cmd: Ioctl::Siocatmark,
        },
        Call::WsaIoctl {
            s: S,
            cmd: WsaIoctl::GetQos,
        },
        Call::WsaIoctl {
            s: S,
            cmd: WsaIoctl::RoutingInterfaceChange(None),
        },
        Call::WsaIoctl {
            s: S,
            cmd: WsaIoctl::RoutingInterfaceChange(Some(addr(9, 9))),
        },
        Call::WsaIoctl {
            s: S,
            cmd: WsaIoctl::AddressListChange,
        },
        Call::WsaAsyncSelect {
            s: S,
            // Below the first handle and below WM_USER: written as wrapped distances.
            hwnd: Hwnd(3),
            msg: WindowMessage(0x12),
            events: NetworkEvent::FD_ALL_EVENTS,
        },
        Call::WsaCreateEvent,
        Call::WsaEventSelect {
            s: S,
            event: WsaEvent(1),
            events: NetworkEvent::from_bits(u32::MAX),
        },
        Call::WsaEnumNetworkEvents {
            s: S,
            event: Some(WsaEvent(2)),
        },
        Call::WsaEnumNetworkEvents { s: S, event: None },
        Call::GetMessage {
            hwnd: Hwnd(0x0001_0010),
        },
        Call::PeekMessage {
            hwnd: Hwnd(u32::MAX),
            remove: false,
        },
        Call::PeekMessage {
            hwnd: Hwnd(0x0001_0011),
            remove: true,
        },
        Call::WsaRecv {
            s: S,
            len: -1,
            flags: MsgFlags {
                oob: true,
                peek: true,
            },
        },
        Call::WsaRecvFrom {
            s: S,
            len: 70000,
            flags: MsgFlags::NONE,
        },
        Call::WsaSend {
            s: S,
            data: Snippet::of(b"hello"),
            flags: MsgFlags::NONE,
        },
        Call::WsaSendTo {
            s: S,
            data: Snippet::of(&[0; 100]),
            to: addr(3, 53),
            flags: MsgFlags::NONE,
        },
        Call::WsaConnect {
            s: S,
            addr: addr(2, 80),
        },
        Call::WsaAccept {
            s: S,
            condition: Condition::Accept,
        },
        Call::WsaAccept {
            s: S,
            condition: Condition::Reject,
        },
        Call::WsaAccept {
            s: S,
            condition: Condition::Defer,
        },
        Call::WsaJoinLeaf {
            s: S,
            addr: addr(9, 5000),
        },
        Call::WsaIoctl {
            s: S,
            cmd: WsaIoctl::Fionbio(false),
        },
        Call::WsaIoctl {
            s: S,
            cmd: WsaIoctl::Fionbio(true),
        },
        Call::WsaIoctl {
            s: S,
            cmd: WsaIoctl::GetGroupQos,
        },
        Call::WsaIoctl {
            s: S,
            cmd: WsaIoctl::SetQos(u32::MAX),
        },
    ]
}

fn world_actions() -> Vec<WorldAction> {
    let (a, b) = (HostId(0), HostId(u16::MAX));
    vec![
        WorldAction::AddHost {
            host: a,
            addr: ip(1),
        },
        WorldAction::CreateWindow {
            host: b,
            hwnd: Hwnd(0x0001_0010),
        },
        WorldAction::DestroyWindow(Hwnd(0x0001_0012)),
        WorldAction::Latency {
            a,
            b,
            latency: Duration::from_secs(3),
        },
        WorldAction::Partition(a, b),
        WorldAction::Heal(b, a),
        WorldAction::NetworkDown(a),
        WorldAction::NetworkUp(a),
        WorldAction::AddAddress(a, ip(7)),
        WorldAction::RemoveAddress(a, ip(8)),
        WorldAction::RouteChange(b),
        WorldAction::QosChange(S),
        WorldAction::Reset(S),
        WorldAction::RouteChangeTo(a, ip(9)),
    ]
}

fn returns() -> Vec<TracedReturn> {
    vec![
        TracedReturn::Zero,
        TracedReturn::Socket(S),
        TracedReturn::Accepted(SocketHandle(108), addr(2, 49152)),
        TracedReturn::Count(u64::MAX),
        TracedReturn::Received(snippet(3, Some(b"a\"b")), None),
        TracedReturn::Received(snippet(0, None), Some(addr(2, 5))),
        TracedReturn::Opt(SockOpt::Linger { on: true, secs: 10 }),
        TracedReturn::Qos(Qos {
            token_rate: 1000,
            generation: 2,
        }),
        TracedReturn::Event(WsaEvent(u32::MAX)),
        TracedReturn::NetworkEvents(NetworkEvent::FD_READ | NetworkEvent::FD_CLOSE),
        TracedReturn::Message {
            msg: WindowMessage::user(1),
            wparam: S,
            // An error code wsasim does not know: the raw number is kept.
            lparam: LParam::from_raw(0xffff_0001),
        },
        TracedReturn::NoMessage,
    ]
}

fn notes() -> Vec<Note> {
    vec![
        Note::WindowCreated {
            name: "main window é".into(),
            hwnd: Hwnd(0x0001_0010),
        },
        Note::MessagesDiscarded(3),
        Note::NotAnAddress(ip(4)),
        Note::ResetInjected,
        Note::BlockingCancelled,
        Note::ShutdownReceiveReset,
        Note::BlockingNeedsCancel,
        Note::NowNonblocking(S),
        Note::QueuedStay {
            socket: S,
            count: 2,
        },
        Note::ReselectRecordsNothing,
        Note::NoRoute(ip(200)),
        Note::AbortiveClose { linger: true },
        Note::AbortiveClose { linger: false },
        Note::NoReenableAfterFailure(NetworkEvent::FD_WRITE),
        Note::RstIgnored(addr(1, 1)),
        Note::NoSocket(addr(1, 2)),
        Note::ResetDuringHandshake(S),
        Note::DataAfterClose { shutdown: true },
        Note::WindowFull { dropped: 17 },
        Note::ResetBeforeAccept {
            socket: S,
            listener: SocketHandle(100),
        },
        Note::BacklogFull(S),
        Note::ZeroWindowProbe,
        Note::HandshakeTimedOut(S),
        Note::RetransmissionsExhausted(S),
        Note::AcceptDeferred,
        Note::AcceptRejected(S),
        Note::QosRenegotiated,
        Note::StepLimit,
    ]
}

/// One of every change (and every reason, state and rule), with edge values.
fn changes() -> Vec<Change> {
    let (c, s) = (addr(2, 49152), addr(1, 7));
    let mut v = vec![
        // The expected id at the expected time, then neither.
        Change::Posted(message(0, 1000, Rule::ReadOnArrival)),
        Change::Posted(message(7, 5, Rule::CloseGraceful)),
        Change::Posted(message(3, u64::MAX, Rule::ALL[Rule::ALL.len() - 1])),
        Change::Recorded {
            socket: S,
            event_object: WsaEvent(1),
            event: NetworkEvent::FD_CONNECT,
            error: Some(WsaError::WSAECONNREFUSED),
            rule: Rule::ALL[0],
        },
        Change::Recorded {
            socket: S,
            event_object: WsaEvent(1),
            event: NetworkEvent::FD_READ,
            error: None,
            rule: Rule::ReadOnArrival,
        },
        Change::Latch {
            socket: S,
            events: NetworkEvent::FD_READ,
            armed: true,
            rule: Rule::Reenable,
        },
        Change::Latch {
            socket: S,
            events: NetworkEvent::FD_WRITE,
            armed: false,
            rule: Rule::ReadOnArrival,
        },
        Change::Selection {
            socket: S,
            hwnd: Some(Hwnd(0x0001_0010)),
            events: NetworkEvent::FD_ALL_EVENTS,
            rule: Rule::SelectCancel,
        },
        Change::Selection {
            socket: S,
            hwnd: None,
            events: NetworkEvent::NONE,
            rule: Rule::SelectCancel,
        },
        // A reply to the cause's segment, then its continuation, then an unrelated one,
        // with numbers that wrap.
        Change::Sent(tcp(s, c, 1, 101, 0)),
        Change::Sent(tcp(s, c, u32::MAX, 0, 5)),
        Change::Sent(SegmentHeader {
            src: addr(5, 1),
            dst: addr(6, 2),
            kind: SegmentKind::Tcp {
                flags: TcpFlags {
                    syn: true,
                    ack: false,
                    fin: true,
                    rst: true,
                    urg: true,
                },
                seq: 0x8000_0000,
                ack: 7,
                wnd: 0,
                urp: 3,
                len: 0,
            },
        }),
        Change::Sent(SegmentHeader {
            src: c,
            dst: s,
            kind: SegmentKind::Udp { len: 0 },
        }),
        Change::Refused {
            socket: S,
            error: WsaError::WSAEINVAL,
            rule: Rule::SelectInvalid,
        },
        Change::Created(S),
        Change::Freed(SocketHandle(u32::MAX)),
    ];
    for (i, reason) in [
        Suppression::NotSelected,
        Suppression::AwaitingReenable,
        Suppression::DataUnread,
        Suppression::WindowDestroyed,
        Suppression::SocketClosed,
        Suppression::OncePerSelection,
    ]
    .into_iter()
    .enumerate()
    {
        v.push(Change::Suppressed {
            socket: S,
            event: NetworkEvent::ALL[i],
            reason,
            rule: Rule::ALL[i],
        });
    }
    for (i, why) in [
        DropReason::SenderDown,
        DropReason::NoSuchHost,
        DropReason::LinkCut,
        DropReason::CutInFlight,
        DropReason::ReceiverDown,
        DropReason::NoListener,
        DropReason::BufferFull,
    ]
    .into_iter()
    .enumerate()
    {
        // More addresses than an entry's table keeps: the later ones are written whole.
        v.push(Change::Dropped {
            segment: SegmentHeader {
                src: addr(100 + i as u8, 1),
                dst: addr(1, 7),
                kind: SegmentKind::Udp { len: 9 },
            },
            why,
        });
    }
    for from in TcpState::ALL {
        for to in TcpState::ALL {
            v.push(Change::State {
                socket: S,
                from,
                to,
            });
        }
    }
    for &rule in Rule::ALL {
        v.push(Change::Latch {
            socket: S,
            events: NetworkEvent::FD_READ,
            armed: false,
            rule,
        });
    }
    v.extend(notes().into_iter().map(Change::Note));
    v
}

/// The kind of each variant, by an exhaustive match, so a new variant fails to compile
/// here until it is added to the lists above.
fn kinds(e: &TraceEntry) -> Vec<(&'static str, usize)> {
    let mut k = vec![(
        "cause",
        match &e.cause {
            Cause::Call { .. } => 0,
            Cause::Completion { .. } => 1,
            Cause::Deliver { .. } => 2,
            Cause::Timer { .. } => 3,
            Cause::World(_) => 4,
        },
    )];
    if let Cause::World(w) = &e.cause {
        k.push(("world", k_world(w)));
    }
    if let Some(c) = e.cause.call() {
        k.push(("call", k_call(c)));
    }
    let outcome = match &e.outcome {
        Outcome::None => 0,
        Outcome::Ok(r) => {
            k.push(("return", k_return(r)));
            1
        }
        Outcome::Err(_) => 2,
        Outcome::Blocked => 3,
    };
    k.push(("outcome", outcome));
    for c in &e.changes {
        k.push(("change", k_change(c)));
        if let Change::Note(n) = c {
            k.push(("note", k_note(n)));
        }
    }
    k
}

fn k_world(w: &WorldAction) -> usize {
    match w {
        WorldAction::AddHost { .. } => 0,
        WorldAction::CreateWindow { .. } => 1,
        WorldAction::DestroyWindow(_) => 2,
        WorldAction::Latency { .. } => 3,
        WorldAction::Partition(..) => 4,
        WorldAction::Heal(..) => 5,
        WorldAction::NetworkDown(_) => 6,
        WorldAction::NetworkUp(_) => 7,
        WorldAction::AddAddress(..) => 8,
        WorldAction::RemoveAddress(..) => 9,
        WorldAction::RouteChange(_) => 10,
        WorldAction::QosChange(_) => 11,
        WorldAction::Reset(_) => 12,
        WorldAction::RouteChangeTo(..) => 13,
    }
}

fn k_call(c: &TracedCall) -> usize {
    match c {
        Call::WsaStartup => 0,
        Call::WsaCleanup => 1,
        Call::Socket { .. } => 2,
        Call::Bind { .. } => 3,
        Call::Listen { .. } => 4,
        Call::Connect { .. } => 5,
        Call::Accept { .. } => 6,
        Call::Send { .. } => 7,
        Call::Recv { .. } => 8,
        Call::SendTo { .. } => 9,
        Call::RecvFrom { .. } => 10,
        Call::Shutdown { .. } => 11,
        Call::CloseSocket { .. } => 12,
        Call::SetSockOpt { .. } => 13,
        Call::GetSockOpt { .. } => 14,
        Call::IoctlSocket { .. } => 15,
        Call::WsaIoctl { .. } => 16,
        Call::WsaAsyncSelect { .. } => 17,
        Call::WsaCreateEvent => 18,
        Call::WsaEventSelect { .. } => 19,
        Call::WsaEnumNetworkEvents { .. } => 20,
        Call::GetMessage { .. } => 21,
        Call::ShutdownOther { .. } => 22,
        Call::PeekMessage { .. } => 23,
        Call::WsaRecv { .. } => 24,
        Call::WsaRecvFrom { .. } => 25,
        Call::WsaSend { .. } => 26,
        Call::WsaSendTo { .. } => 27,
        Call::WsaConnect { .. } => 28,
        Call::WsaAccept { .. } => 29,
        Call::WsaJoinLeaf { .. } => 30,
    }
}

fn k_return(r: &TracedReturn) -> usize {
    match r {
        TracedReturn::Zero => 0,
        TracedReturn::Socket(_) => 1,
        TracedReturn::Accepted(..) => 2,
        TracedReturn::Count(_) => 3,
        TracedReturn::Received(..) => 4,
        TracedReturn::Opt(_) => 5,
        TracedReturn::Qos(_) => 6,
        TracedReturn::Event(_) => 7,
        TracedReturn::NetworkEvents(_) => 8,
        TracedReturn::Message { .. } => 9,
        TracedReturn::NoMessage => 10,
    }
}

fn k_change(c: &Change) -> usize {
    match c {
        Change::Posted(_) => 0,
        Change::Recorded { .. } => 1,
        Change::Suppressed { .. } => 2,
        Change::Latch { .. } => 3,
        Change::Selection { .. } => 4,
        Change::State { .. } => 5,
        Change::Sent(_) => 6,
        Change::Dropped { .. } => 7,
        Change::Created(_) => 8,
        Change::Freed(_) => 9,
        Change::Note(_) => 10,
        Change::Refused { .. } => 11,
    }
}

fn k_note(n: &Note) -> usize {
    match n {
        Note::WindowCreated { .. } => 0,
        Note::MessagesDiscarded(_) => 1,
        Note::NotAnAddress(_) => 2,
        Note::ResetInjected => 3,
        Note::BlockingCancelled => 4,
        Note::ShutdownReceiveReset => 5,
        Note::BlockingNeedsCancel => 6,
        Note::NowNonblocking(_) => 7,
        Note::QueuedStay { .. } => 8,
        Note::ReselectRecordsNothing => 9,
        Note::NoRoute(_) => 10,
        Note::AbortiveClose { .. } => 11,
        Note::NoReenableAfterFailure(_) => 12,
        Note::RstIgnored(_) => 13,
        Note::NoSocket(_) => 14,
        Note::ResetDuringHandshake(_) => 15,
        Note::DataAfterClose { .. } => 16,
        Note::WindowFull { .. } => 17,
        Note::ResetBeforeAccept { .. } => 18,
        Note::BacklogFull(_) => 19,
        Note::ZeroWindowProbe => 20,
        Note::HandshakeTimedOut(_) => 21,
        Note::RetransmissionsExhausted(_) => 22,
        Note::AcceptDeferred => 23,
        Note::AcceptRejected(_) => 24,
        Note::QosRenegotiated => 25,
        Note::StepLimit => 26,
    }
}

/// Entries with one of every cause, outcome and change; times that stay, move on and go
/// back.
fn every_variant() -> Vec<TraceEntry> {
    let (c, s) = (addr(2, 49152), addr(1, 7));
    let mut causes: Vec<Cause> = calls()
        .into_iter()
        .enumerate()
        .map(|(i, call)| {
            if i % 2 == 0 {
                Cause::Call {
                    host: HostId(i as u16),
                    call,
                }
            } else {
                Cause::Completion {
                    host: HostId(1),
                    call,
                }
            }
        })
        .collect();
    causes.push(Cause::Deliver {
        host: HostId(0),
        segment: tcp(c, s, 1, 1, 100),
    });
    for kind in [
        TimerKind::Retransmit,
        TimerKind::Persist,
        TimerKind::TimeWait,
        TimerKind::Route,
    ] {
        causes.push(Cause::Timer {
            host: HostId(1),
            socket: S,
            kind,
        });
    }
    causes.extend(world_actions().into_iter().map(Cause::World));
    let mut outcomes = vec![
        Outcome::None,
        Outcome::Blocked,
        Outcome::Err(WsaError::WSAEWOULDBLOCK),
    ];
    outcomes.extend(WsaError::ALL.iter().map(|e| Outcome::Err(*e)));
    outcomes.extend(returns().into_iter().map(Outcome::Ok));
    let times = [0, 0, 1000, 1000, 20, u64::MAX, 0, 7];
    let n = causes.len().max(outcomes.len()) + 1;
    let mut entries: Vec<TraceEntry> = (0..n)
        .map(|i| TraceEntry {
            index: i,
            at: Instant::from_micros(times[i % times.len()]),
            cause: causes[i % causes.len()].clone(),
            outcome: outcomes[i % outcomes.len()].clone(),
            changes: Vec::new(),
        })
        .collect();
    entries[2].changes = changes();
    entries[3].changes = vec![Change::Posted(message(2, 1000, Rule::ReadOnArrival))];
    entries
}

/// Encodes `entries` one after the other, then decodes them and compares.
fn round_trip(entries: &[TraceEntry]) {
    let mut cx = Context::default();
    let mut bytes = Vec::new();
    for e in entries {
        encode(e, &mut cx, &mut bytes);
    }
    let (mut pos, mut cx) = (0, Context::default());
    for e in entries {
        assert_eq!(&decode(&bytes, &mut pos, e.index, &mut cx), e);
    }
    assert_eq!(pos, bytes.len());
}

#[test]
fn every_variant_round_trips() {
    let entries = every_variant();
    let mut seen: Vec<(&str, usize)> = entries.iter().flat_map(kinds).collect();
    seen.sort_unstable();
    seen.dedup();
    for (what, n) in [
        ("cause", 5),
        ("world", 14),
        ("call", 31),
        ("outcome", 4),
        ("return", 11),
        ("change", 12),
        ("note", 27),
    ] {
        let got = seen.iter().filter(|(w, _)| *w == what).count();
        assert_eq!(got, n, "every {what} variant is in the test");
    }
    round_trip(&entries);
}

#[test]
fn rules_and_states_are_written_as_their_position() {
    for (i, r) in Rule::ALL.iter().enumerate() {
        assert_eq!(*r as usize, i);
    }
    for (i, s) in TcpState::ALL.iter().enumerate() {
        assert_eq!(*s as usize, i);
    }
}

/// Every entry of `trace`, encoded again from scratch, gives the trace's own bytes, and
/// decodes to itself; `get` and `last` agree with `iter`.
fn check_trace(trace: &Trace) {
    let entries: Vec<TraceEntry> = trace.iter().collect();
    assert_eq!(entries.len(), trace.len() - trace.first_index());
    let mut copy = Trace::default();
    for e in &entries {
        copy.push(e);
    }
    assert_eq!(
        copy.chunks, trace.chunks,
        "re-encoding gives the same bytes"
    );
    round_trip(&entries);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(trace.get(i).as_ref(), Some(e));
    }
    assert_eq!(trace.get(entries.len()), None);
    assert_eq!(trace.last().as_ref(), entries.last());
}

#[test]
fn every_gallery_scenario_round_trips() {
    for scenario in gallery::ALL {
        for profile in [Profile::Documented, Profile::Windows] {
            let options = RunOptions {
                profile: Some(profile),
                ..Default::default()
            };
            let mut runner = Runner::with_options(scenario.source, options)
                .unwrap_or_else(|e| panic!("{}: {e:?}", scenario.id));
            runner.run_to_end();
            check_trace(runner.sim().trace());
        }
    }
}

#[test]
fn draining_keeps_indexes_and_the_context() {
    let entries = every_variant();
    let mut trace = Trace::default();
    let split = 37;
    for e in &entries[..split] {
        trace.push(e);
    }
    let drained: Vec<TraceEntry> = trace.drain().collect();
    assert_eq!(drained, entries[..split]);
    assert_eq!((trace.len(), trace.first_index()), (split, split));
    assert_eq!(trace.get(0), None);
    for e in &entries[split..] {
        trace.push(e);
    }
    assert_eq!(trace.iter().collect::<Vec<_>>(), entries[split..]);
    for e in &entries[split..] {
        assert_eq!(trace.get(e.index).as_ref(), Some(e));
    }
    // The newest entry can be replaced (a change recorded between steps).
    let mut last = entries[entries.len() - 1].clone();
    last.changes.push(Change::Created(S));
    trace.replace_last(&last);
    assert_eq!(trace.last(), Some(last));
}
