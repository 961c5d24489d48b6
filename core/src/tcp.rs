//! TCP: the connection states ([`TcpState`], with RFC 793 names), the control block
//! ([`Tcb`]) and the segment engine: handshake, data with a receive window, urgent data,
//! FIN half-close, RST, retransmission and the connect time-out.
//!
//! Modelling decisions:
//! - Every TCB starts with ISS 0, so traces show small, readable sequence numbers.
//! - Every data segment is acknowledged at once (no delayed ACK, no Nagle).
//! - Retransmission is go-back-N from `snd_una` with a doubling time-out starting at 3 s;
//!   a SYN is retransmitted twice (connect fails with `WSAETIMEDOUT` after 21 s, as on
//!   Windows), data five times (then FD_CLOSE with `WSAECONNABORTED`).
//! - A zero window is probed with empty segments (at most eight), and the receiver sends a
//!   window update when a recv opens a window it had closed.
//! - A listener whose backlog is full answers SYN with RST (Windows' behaviour), so the
//!   client sees `WSAECONNREFUSED`.
//! - Closing a socket with unread received data, or with SO_LINGER on and 0 s, sends RST.
//! - TIME_WAIT lasts 2 MSL = 240 s (Windows' default `TcpTimedWaitDelay`).

use core::fmt;

use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::{Payload, Segment, TcpFlags};
use crate::sim::{Pending, Sim};
use crate::socket::{CloseKind, SocketHandle};
use crate::spec::Rule;
use crate::time::{Duration, Instant};
use crate::trace::{Change, Note, Suppression};

/// Maximum segment size.
pub const MSS: usize = 1460;
/// Initial retransmission time-out.
pub const INITIAL_RTO: Duration = Duration::from_secs(3);
/// Retransmissions of a SYN before connect fails with `WSAETIMEDOUT`.
pub const SYN_RETRIES: u32 = 2;
/// Retransmissions of data before the connection is aborted.
pub const DATA_RETRIES: u32 = 5;
/// Zero-window probes before the sender waits for a window update alone.
pub const PERSIST_PROBES: u32 = 8;
/// How long a connection stays in TIME_WAIT.
pub const TIME_WAIT: Duration = Duration::from_secs(240);

/// A TCP connection state, named as in RFC 793.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TcpState {
    /// No connection.
    Closed,
    /// Waiting for connection requests.
    Listen,
    /// SYN sent, waiting for SYN-ACK.
    SynSent,
    /// SYN received and answered, waiting for the ACK.
    SynRcvd,
    /// Open: data flows both ways.
    Established,
    /// We sent FIN, waiting for its ACK.
    FinWait1,
    /// Our FIN is acknowledged, waiting for the peer's FIN.
    FinWait2,
    /// The peer sent FIN; we may still send.
    CloseWait,
    /// Both sent FIN at once; waiting for the ACK of ours.
    Closing,
    /// We sent FIN after the peer's; waiting for its ACK.
    LastAck,
    /// Both FINs acknowledged; waiting 2 MSL.
    TimeWait,
}

impl TcpState {
    /// Every state.
    pub const ALL: [TcpState; 11] = [
        TcpState::Closed,
        TcpState::Listen,
        TcpState::SynSent,
        TcpState::SynRcvd,
        TcpState::Established,
        TcpState::FinWait1,
        TcpState::FinWait2,
        TcpState::CloseWait,
        TcpState::Closing,
        TcpState::LastAck,
        TcpState::TimeWait,
    ];

    /// The RFC name, e.g. `ESTABLISHED`, `TIME_WAIT`.
    pub const fn name(self) -> &'static str {
        match self {
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRcvd => "SYN_RCVD",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN_WAIT_1",
            TcpState::FinWait2 => "FIN_WAIT_2",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST_ACK",
            TcpState::TimeWait => "TIME_WAIT",
        }
    }

    /// The state with this name (`ESTABLISHED`, also `FIN_WAIT1`/`FIN_WAIT` spellings).
    pub fn from_name(s: &str) -> Option<TcpState> {
        match s {
            "FIN_WAIT1" | "FIN_WAIT" => Some(TcpState::FinWait1),
            "FIN_WAIT2" => Some(TcpState::FinWait2),
            "SYN_RECEIVED" => Some(TcpState::SynRcvd),
            _ => Self::ALL.into_iter().find(|t| t.name() == s),
        }
    }

    /// True once the handshake is complete (ESTABLISHED and every closing state).
    pub const fn is_synchronized(self) -> bool {
        !matches!(
            self,
            TcpState::Closed | TcpState::Listen | TcpState::SynSent | TcpState::SynRcvd
        )
    }
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which TCP timer is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TimerKind {
    /// Retransmission time-out.
    Retransmit,
    /// Zero-window probe.
    Persist,
    /// End of TIME_WAIT.
    TimeWait,
    /// Not a TCP timer: a nonblocking connect learns that no route reaches its destination.
    Route,
}

impl fmt::Display for TimerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimerKind::Retransmit => "retransmit",
            TimerKind::Persist => "persist",
            TimerKind::TimeWait => "TIME_WAIT",
            TimerKind::Route => "route",
        })
    }
}

/// A TCP control block: the sequence space of one connection.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Tcb {
    /// Connection state. Changed only through the simulation's `set_state`.
    pub state: TcpState,
    /// Initial send sequence number.
    pub iss: u32,
    /// Oldest unacknowledged sequence number.
    pub snd_una: u32,
    /// Next sequence number to send.
    pub snd_nxt: u32,
    /// The peer's advertised receive window.
    pub snd_wnd: u32,
    /// Next sequence number expected from the peer.
    pub rcv_nxt: u32,
    /// The window we last advertised.
    pub rcv_wnd_adv: u32,
    /// Sequence number of our FIN, once sent.
    pub fin_seq: Option<u32>,
    /// Urgent pointer: the sequence number just after the last urgent byte sent.
    pub snd_up: Option<u32>,
    /// The FIN from the peer has arrived.
    pub fin_rcvd: bool,
    /// Current retransmission time-out.
    pub rto: Duration,
    /// Consecutive retransmissions.
    pub retries: u32,
    /// Zero-window probes sent.
    pub probes: u32,
    /// The running timer and its deadline.
    pub timer: Option<(Instant, TimerKind)>,
    /// Bumped whenever the timer changes, so stale timer events are ignored.
    pub timer_gen: u64,
}

impl Tcb {
    pub(crate) fn new() -> Tcb {
        Tcb {
            state: TcpState::Closed,
            iss: 0,
            snd_una: 0,
            snd_nxt: 0,
            snd_wnd: 0,
            rcv_nxt: 0,
            rcv_wnd_adv: 0,
            fin_seq: None,
            snd_up: None,
            fin_rcvd: false,
            rto: INITIAL_RTO,
            retries: 0,
            probes: 0,
            timer: None,
            timer_gen: 0,
        }
    }
}

fn flags(syn: bool, ack: bool, fin: bool, rst: bool) -> TcpFlags {
    TcpFlags {
        syn,
        ack,
        fin,
        rst,
        urg: false,
    }
}

impl Sim {
    fn tcb(&self, s: SocketHandle) -> &Tcb {
        self.sockets[&s]
            .tcb
            .as_ref()
            .expect("invariant: TCP socket has a TCB")
    }

    fn tcb_mut(&mut self, s: SocketHandle) -> &mut Tcb {
        self.sock_mut(s)
            .tcb
            .as_mut()
            .expect("invariant: TCP socket has a TCB")
    }

    /// The one place a connection changes state; records the change.
    pub(crate) fn set_state(&mut self, s: SocketHandle, to: TcpState) {
        let sock = self.sock_mut(s);
        let tcb = sock.tcb.get_or_insert_with(Tcb::new);
        let from = tcb.state;
        if from == to {
            return;
        }
        tcb.state = to;
        self.change(Change::State {
            socket: s,
            from,
            to,
        });
    }

    pub(crate) fn arm_timer(&mut self, s: SocketHandle, kind: TimerKind, after: Duration) {
        let at = self.now + after;
        let tcb = self.tcb_mut(s);
        tcb.timer_gen += 1;
        tcb.timer = Some((at, kind));
        let gen = tcb.timer_gen;
        self.schedule(at, Pending::Timer { socket: s, gen });
    }

    pub(crate) fn cancel_timer(&mut self, s: SocketHandle) {
        let tcb = self.tcb_mut(s);
        tcb.timer_gen += 1;
        tcb.timer = None;
    }

    /// Sends one segment from `s` with the current ACK and window.
    fn tcp_emit(
        &mut self,
        s: SocketHandle,
        fl: TcpFlags,
        seq: u32,
        data: alloc::vec::Vec<u8>,
        urp: u32,
    ) {
        let sock = &self.sockets[&s];
        let (Some(src), Some(dst)) = (sock.local, sock.remote) else {
            return;
        };
        let wnd = sock.recv_space() as u32;
        let host = sock.host;
        let tcb = self.tcb_mut(s);
        let ack = if fl.ack { tcb.rcv_nxt } else { 0 };
        tcb.rcv_wnd_adv = wnd;
        let seg = Segment {
            src,
            dst,
            payload: Payload::Tcp {
                flags: fl,
                seq,
                ack,
                wnd,
                urp,
                data,
            },
        };
        self.transmit(host, seg);
    }

    fn tcp_ack_now(&mut self, s: SocketHandle) {
        let seq = self.tcb(s).snd_nxt;
        self.tcp_emit(
            s,
            flags(false, true, false, false),
            seq,
            alloc::vec::Vec::new(),
            0,
        );
    }

    /// Starts an active open: SYN_SENT and a SYN.
    pub(crate) fn tcp_connect(&mut self, s: SocketHandle) {
        self.sock_mut(s).tcb = Some(Tcb::new());
        self.set_state(s, TcpState::SynSent);
        let tcb = self.tcb_mut(s);
        tcb.snd_nxt = tcb.iss.wrapping_add(1);
        let iss = tcb.iss;
        self.tcp_emit(
            s,
            flags(true, false, false, false),
            iss,
            alloc::vec::Vec::new(),
            0,
        );
        let rto = self.tcb(s).rto;
        self.arm_timer(s, TimerKind::Retransmit, rto);
    }

    /// Sends what the window allows, then FIN if the application shut the send side.
    pub(crate) fn tcp_output(&mut self, s: SocketHandle) {
        let Some(state) = self
            .sockets
            .get(&s)
            .and_then(|x| x.tcb.as_ref())
            .map(|t| t.state)
        else {
            return;
        };
        if !matches!(
            state,
            TcpState::Established
                | TcpState::CloseWait
                | TcpState::FinWait1
                | TcpState::Closing
                | TcpState::LastAck
        ) {
            return;
        }
        loop {
            let sock = &self.sockets[&s];
            let tcb = self.tcb(s);
            if tcb.fin_seq.is_some() {
                break;
            }
            let in_flight = tcb.snd_nxt.wrapping_sub(tcb.snd_una);
            let offset = in_flight as usize;
            let unsent = sock.tx.len().saturating_sub(offset);
            let window = tcb.snd_wnd.saturating_sub(in_flight) as usize;
            let n = unsent.min(window).min(MSS);
            if n == 0 {
                break;
            }
            let data: alloc::vec::Vec<u8> = sock.tx.iter().skip(offset).take(n).copied().collect();
            let seq = tcb.snd_nxt;
            let mut fl = flags(false, true, false, false);
            let mut urp = 0;
            if let Some(up) = tcb.snd_up {
                let urgent_byte = up.wrapping_sub(1);
                if urgent_byte >= seq && urgent_byte < seq.wrapping_add(n as u32) {
                    fl.urg = true;
                    urp = up;
                }
            }
            self.tcb_mut(s).snd_nxt = seq.wrapping_add(n as u32);
            self.tcp_emit(s, fl, seq, data, urp);
        }
        let sock = &self.sockets[&s];
        let tcb = self.tcb(s);
        let all_sent = tcb.snd_nxt.wrapping_sub(tcb.snd_una) as usize >= sock.tx.len();
        if sock.shut_wr && tcb.fin_seq.is_none() && all_sent {
            let seq = tcb.snd_nxt;
            let tcb = self.tcb_mut(s);
            tcb.fin_seq = Some(seq);
            tcb.snd_nxt = seq.wrapping_add(1);
            self.tcp_emit(
                s,
                flags(false, true, true, false),
                seq,
                alloc::vec::Vec::new(),
                0,
            );
            match state {
                TcpState::Established => self.set_state(s, TcpState::FinWait1),
                TcpState::CloseWait => self.set_state(s, TcpState::LastAck),
                _ => {}
            }
        }
        let sock = &self.sockets[&s];
        let tcb = self.tcb(s);
        let in_flight = tcb.snd_nxt.wrapping_sub(tcb.snd_una);
        let unsent = sock.tx.len().saturating_sub(in_flight as usize);
        let running = tcb.timer.map(|t| t.1);
        if in_flight > 0 {
            if running != Some(TimerKind::Retransmit) {
                let rto = tcb.rto;
                self.arm_timer(s, TimerKind::Retransmit, rto);
            }
        } else if unsent > 0 && tcb.snd_wnd == 0 && running.is_none() && tcb.probes < PERSIST_PROBES
        {
            let rto = tcb.rto;
            self.arm_timer(s, TimerKind::Persist, rto);
        }
    }

    /// A segment arrived for a host: find its socket and run the state machine.
    pub(crate) fn tcp_input(&mut self, host: crate::net::HostId, seg: Segment) {
        let Payload::Tcp {
            flags: fl,
            seq,
            ack,
            wnd,
            urp,
            ref data,
        } = seg.payload
        else {
            return;
        };
        let data = data.clone();
        let is_conn = |x: &crate::socket::Socket| {
            x.host == host
                && x.tcb.as_ref().is_some_and(|t| t.state != TcpState::Closed)
                && x.listen.is_none()
                && x.local == Some(seg.dst)
                && x.remote == Some(seg.src)
        };
        let key = (seg.dst, seg.src);
        let hinted = self
            .conn_index
            .get(&key)
            .copied()
            .filter(|h| self.sockets.get(h).is_some_and(is_conn));
        let conn = hinted.or_else(|| self.sockets.values().find(|x| is_conn(x)).map(|x| x.handle));
        match conn {
            Some(h) if hinted.is_none() => {
                self.conn_index.insert(key, h);
            }
            None => {
                self.conn_index.remove(&key);
            }
            _ => {}
        }
        let Some(s) = conn else {
            let listener = self
                .sockets
                .values()
                .find(|x| {
                    x.host == host
                        && x.open
                        && x.listen.is_some()
                        && x.local.is_some_and(|l| {
                            l.port == seg.dst.port && (l.ip.is_any() || l.ip == seg.dst.ip)
                        })
                })
                .map(|x| x.handle);
            match listener {
                Some(l) if fl.syn && !fl.ack && !fl.rst => self.tcp_listen_syn(l, &seg, seq, wnd),
                _ if fl.rst => self.change(Change::Note(Note::RstIgnored(seg.dst))),
                _ => {
                    self.change(Change::Note(Note::NoSocket(seg.dst)));
                    self.tcp_refuse(host, &seg);
                }
            }
            return;
        };

        let state = self.tcb(s).state;
        match state {
            TcpState::SynSent => {
                let iss = self.tcb(s).iss;
                let ack_ok = fl.ack && ack == iss.wrapping_add(1);
                if fl.ack && !ack_ok {
                    return;
                }
                if fl.rst {
                    if ack_ok {
                        self.connect_failed(s, WsaError::WSAECONNREFUSED);
                    }
                    return;
                }
                if fl.syn && ack_ok {
                    let tcb = self.tcb_mut(s);
                    tcb.rcv_nxt = seq.wrapping_add(1);
                    tcb.snd_una = ack;
                    tcb.snd_wnd = wnd;
                    tcb.retries = 0;
                    tcb.rto = INITIAL_RTO;
                    self.cancel_timer(s);
                    self.set_state(s, TcpState::Established);
                    self.tcp_ack_now(s);
                    self.connect_succeeded(s);
                    self.tcp_output(s);
                }
                return;
            }
            TcpState::SynRcvd => {
                if fl.rst {
                    self.change(Change::Note(Note::ResetDuringHandshake(s)));
                    self.free(s);
                    return;
                }
                let iss = self.tcb(s).iss;
                if !(fl.ack && ack == iss.wrapping_add(1)) {
                    return;
                }
                let tcb = self.tcb_mut(s);
                tcb.snd_una = ack;
                tcb.snd_wnd = wnd;
                tcb.retries = 0;
                self.cancel_timer(s);
                self.set_state(s, TcpState::Established);
                if let Some(parent) = self.sockets[&s].parent {
                    if let Some(listen) = self.sock_mut(parent).listen.as_mut() {
                        listen.half_open.retain(|c| *c != s);
                        listen.ready.push_back(s);
                    }
                    self.post(parent, NetworkEvent::FD_ACCEPT, None, Rule::AcceptOnArrival);
                }
            }
            _ => {}
        }

        if fl.rst {
            self.tcp_reset(s);
            return;
        }
        if fl.syn {
            // A retransmitted SYN-ACK: our ACK was lost.
            self.tcp_ack_now(s);
            return;
        }

        // ACK processing.
        if fl.ack {
            let tcb = self.tcb(s);
            let (una, nxt) = (tcb.snd_una, tcb.snd_nxt);
            if ack.wrapping_sub(una) > 0 && ack.wrapping_sub(una) <= nxt.wrapping_sub(una) {
                let mut acked = ack.wrapping_sub(una);
                let fin_acked = tcb.fin_seq.is_some_and(|f| ack.wrapping_sub(f) as i32 > 0);
                if fin_acked {
                    acked -= 1;
                }
                let sock = self.sock_mut(s);
                let n = (acked as usize).min(sock.tx.len());
                sock.tx.drain(..n);
                let tcb = self.tcb_mut(s);
                tcb.snd_una = ack;
                tcb.retries = 0;
                tcb.rto = INITIAL_RTO;
                if tcb.snd_nxt != tcb.snd_una {
                    let rto = tcb.rto;
                    self.arm_timer(s, TimerKind::Retransmit, rto);
                } else if self
                    .tcb(s)
                    .timer
                    .is_some_and(|t| t.1 == TimerKind::Retransmit)
                {
                    self.cancel_timer(s);
                }
                let sock = &self.sockets[&s];
                if n > 0 && sock.send_blocked && sock.send_space() > 0 {
                    self.sock_mut(s).send_blocked = false;
                    self.post(s, NetworkEvent::FD_WRITE, None, Rule::WriteAfterWouldBlock);
                }
                if fin_acked {
                    match self.tcb(s).state {
                        TcpState::FinWait1 => self.set_state(s, TcpState::FinWait2),
                        TcpState::Closing => {
                            self.set_state(s, TcpState::TimeWait);
                            self.arm_timer(s, TimerKind::TimeWait, TIME_WAIT);
                        }
                        TcpState::LastAck => {
                            self.cancel_timer(s);
                            self.set_state(s, TcpState::Closed);
                            if self.sockets[&s].is_orphan() {
                                self.free(s);
                            }
                            return;
                        }
                        _ => {}
                    }
                }
            }
            let tcb = self.tcb_mut(s);
            tcb.snd_wnd = wnd;
            if wnd > 0 {
                tcb.probes = 0;
                if tcb.timer.is_some_and(|t| t.1 == TimerKind::Persist) {
                    self.cancel_timer(s);
                }
            }
        }

        // Data.
        let mut need_ack = false;
        let (mut got_data, mut got_oob, mut urgent_inline) = (false, false, false);
        let rcv_nxt = self.tcb(s).rcv_nxt;
        if !data.is_empty() {
            need_ack = true;
            let sock = &self.sockets[&s];
            if seq == rcv_nxt {
                if sock.is_orphan() || sock.shut_rd {
                    let shutdown = sock.shut_rd;
                    self.change(Change::Note(Note::DataAfterClose { shutdown }));
                    let seq = self.tcb(s).snd_nxt;
                    self.tcp_emit(
                        s,
                        flags(false, true, false, true),
                        seq,
                        alloc::vec::Vec::new(),
                        0,
                    );
                    self.tcp_abort_local(s, WsaError::WSAECONNRESET);
                    return;
                }
                let n = data.len().min(sock.recv_space());
                let urgent_at =
                    (fl.urg && urp.wrapping_sub(seq) >= 1 && (urp.wrapping_sub(seq) as usize) <= n)
                        .then(|| urp.wrapping_sub(seq) as usize - 1);
                let queue_urgent = self.profile.urgent_bytes_queue();
                let sock = self.sock_mut(s);
                for (i, b) in data[..n].iter().enumerate() {
                    if Some(i) == urgent_at {
                        if sock.oob_inline {
                            sock.oob_mark = Some(sock.rx.len());
                            sock.rx.push_back(*b);
                            urgent_inline = true;
                        } else {
                            if !queue_urgent {
                                sock.oob.clear();
                            }
                            sock.oob.push_back(*b);
                            got_oob = true;
                        }
                    } else {
                        sock.rx.push_back(*b);
                        got_data = true;
                    }
                }
                self.tcb_mut(s).rcv_nxt = rcv_nxt.wrapping_add(n as u32);
                if n < data.len() {
                    self.change(Change::Note(Note::WindowFull {
                        dropped: data.len() - n,
                    }));
                }
            }
        }

        // FIN.
        let mut fin_now = false;
        if fl.fin
            && !self.tcb(s).fin_rcvd
            && seq.wrapping_add(data.len() as u32) == self.tcb(s).rcv_nxt
        {
            let tcb = self.tcb_mut(s);
            tcb.rcv_nxt = tcb.rcv_nxt.wrapping_add(1);
            tcb.fin_rcvd = true;
            need_ack = true;
            fin_now = true;
        } else if fl.fin {
            need_ack = true;
        }
        if !need_ack && data.is_empty() && seq != self.tcb(s).rcv_nxt {
            // An unacceptable segment (a zero-window probe): answer with our window.
            need_ack = true;
        }
        if need_ack {
            self.tcp_ack_now(s);
        }

        if got_oob {
            self.post(s, NetworkEvent::FD_OOB, None, Rule::OobOnArrival);
        }
        if urgent_inline {
            self.post(s, NetworkEvent::FD_READ, None, Rule::OobInline);
        } else if got_data {
            self.post(s, NetworkEvent::FD_READ, None, Rule::ReadOnArrival);
        }

        if fin_now {
            let was = self.tcb(s).state;
            let rule = match was {
                TcpState::Established | TcpState::SynRcvd => {
                    self.set_state(s, TcpState::CloseWait);
                    Rule::CloseGraceful
                }
                TcpState::FinWait1 => {
                    self.set_state(s, TcpState::Closing);
                    Rule::CloseAfterShutdown
                }
                TcpState::FinWait2 => {
                    self.set_state(s, TcpState::TimeWait);
                    self.arm_timer(s, TimerKind::TimeWait, TIME_WAIT);
                    Rule::CloseAfterShutdown
                }
                _ => Rule::CloseGraceful,
            };
            self.sock_mut(s).closed.get_or_insert(CloseKind::Graceful);
            self.graceful_close_arrived(s, rule);
        }
        self.tcp_output(s);
    }

    /// FD_CLOSE for a graceful close: now, or once the received data is read.
    fn graceful_close_arrived(&mut self, s: SocketHandle, rule: Rule) {
        let sock = &self.sockets[&s];
        if sock.parent.is_some() {
            return; // not accepted yet: accept() reports it
        }
        let selected = sock.notify.events().contains(NetworkEvent::FD_CLOSE);
        if selected && !sock.rx.is_empty() && self.profile.close_waits_for_unread_data() {
            self.change(Change::Suppressed {
                socket: s,
                event: NetworkEvent::FD_CLOSE,
                reason: Suppression::DataUnread,
                rule: Rule::CloseWaitsForData,
            });
            return;
        }
        self.post(s, NetworkEvent::FD_CLOSE, None, rule);
    }

    /// The rule that posts a deferred graceful FD_CLOSE, if one is due now that data was read.
    pub(crate) fn deferred_close_rule(&self, s: SocketHandle) -> Option<Rule> {
        let sock = self.sockets.get(&s)?;
        if sock.closed != Some(CloseKind::Graceful)
            || !sock.rx.is_empty()
            || !self.profile.close_waits_for_unread_data()
        {
            return None;
        }
        let tcb = sock.tcb.as_ref()?;
        Some(if tcb.fin_seq.is_some() {
            Rule::CloseAfterShutdown
        } else {
            Rule::CloseGraceful
        })
    }

    /// The peer reset the connection.
    pub(crate) fn tcp_reset(&mut self, s: SocketHandle) {
        if let Some(parent) = self.sockets[&s].parent {
            self.change(Change::Note(Note::ResetBeforeAccept {
                socket: s,
                listener: parent,
            }));
        }
        if self.tcp_kill(s, WsaError::WSAECONNRESET, Some(CloseKind::Reset)) {
            let err = self.profile.reset_close_error();
            self.post(s, NetworkEvent::FD_CLOSE, Some(err), Rule::CloseReset);
        }
    }

    /// The connection dies locally (shutdown(SD_RECEIVE) then data, or closesocket orphan).
    fn tcp_abort_local(&mut self, s: SocketHandle, err: WsaError) {
        self.tcp_kill(s, err, None);
    }

    /// Ends a connection at once: CLOSED, buffers dropped, later calls fail with `err`.
    /// A socket no application holds (closed, or not yet accepted) is freed; returns true
    /// if the socket lives on, so FD_CLOSE may be posted for it.
    fn tcp_kill(&mut self, s: SocketHandle, err: WsaError, closed: Option<CloseKind>) -> bool {
        self.cancel_timer(s);
        self.set_state(s, TcpState::Closed);
        let sock = &self.sockets[&s];
        if sock.is_orphan() || sock.parent.is_some() {
            self.free(s);
            return false;
        }
        let sock = self.sock_mut(s);
        sock.rx.clear();
        sock.oob.clear();
        sock.oob_mark = None;
        sock.tx.clear();
        sock.conn_error = Some(err);
        if closed.is_some() {
            sock.closed = closed;
        }
        true
    }

    /// Answers a segment no connection takes with RST (RFC 793's reset generation): a
    /// closed port, or a listener whose backlog is full.
    fn tcp_refuse(&mut self, host: crate::net::HostId, seg: &Segment) {
        let Payload::Tcp {
            flags: fl,
            seq,
            ack,
            ref data,
            ..
        } = seg.payload
        else {
            return;
        };
        let (rseq, rack, rfl) = if fl.ack {
            (ack, 0, flags(false, false, false, true))
        } else {
            let len = data.len() as u32 + u32::from(fl.syn) + u32::from(fl.fin);
            (0, seq.wrapping_add(len), flags(false, true, false, true))
        };
        let rst = Segment {
            src: seg.dst,
            dst: seg.src,
            payload: Payload::Tcp {
                flags: rfl,
                seq: rseq,
                ack: rack,
                wnd: 0,
                urp: 0,
                data: alloc::vec::Vec::new(),
            },
        };
        self.transmit(host, rst);
    }

    /// A passive open: a SYN reached a listening socket.
    fn tcp_listen_syn(&mut self, l: SocketHandle, seg: &Segment, seq: u32, wnd: u32) {
        let lsock = &self.sockets[&l];
        let listen = lsock
            .listen
            .as_ref()
            .expect("invariant: listener has a queue");
        let host = lsock.host;
        if listen.ready.len() + listen.half_open.len() >= listen.backlog as usize {
            self.change(Change::Note(Note::BacklogFull(l)));
            self.tcp_refuse(host, seg);
            return;
        }
        let (rcvbuf, sndbuf, inline, linger) =
            (lsock.rcvbuf, lsock.sndbuf, lsock.oob_inline, lsock.linger);
        let child = self.new_socket(host, crate::socket::SocketType::Stream);
        let c = self.sock_mut(child);
        c.open = false;
        c.parent = Some(l);
        c.local = Some(seg.dst);
        c.remote = Some(seg.src);
        c.rcvbuf = rcvbuf;
        c.sndbuf = sndbuf;
        c.oob_inline = inline;
        c.linger = linger;
        c.tcb = Some(Tcb::new());
        self.set_state(child, TcpState::SynRcvd);
        let tcb = self.tcb_mut(child);
        tcb.rcv_nxt = seq.wrapping_add(1);
        tcb.snd_wnd = wnd;
        tcb.snd_nxt = tcb.iss.wrapping_add(1);
        let iss = tcb.iss;
        if let Some(listen) = self.sock_mut(l).listen.as_mut() {
            listen.half_open.push(child);
        }
        self.tcp_emit(
            child,
            flags(true, true, false, false),
            iss,
            alloc::vec::Vec::new(),
            0,
        );
        self.arm_timer(child, TimerKind::Retransmit, INITIAL_RTO);
    }

    /// A TCP timer fired.
    pub(crate) fn tcp_timer(&mut self, s: SocketHandle, kind: TimerKind) {
        self.tcb_mut(s).timer = None;
        match kind {
            TimerKind::Route => debug_assert!(false, "invariant: not a TCP timer"),
            TimerKind::TimeWait => {
                self.set_state(s, TcpState::Closed);
                if self.sockets[&s].is_orphan() {
                    self.free(s);
                }
            }
            TimerKind::Persist => {
                let tcb = self.tcb_mut(s);
                tcb.probes += 1;
                tcb.rto = Duration::from_micros(tcb.rto.total_micros().saturating_mul(2))
                    .min(Duration::from_secs(60));
                let seq = tcb.snd_nxt.wrapping_sub(1);
                self.change(Change::Note(Note::ZeroWindowProbe));
                self.tcp_emit(
                    s,
                    flags(false, true, false, false),
                    seq,
                    alloc::vec::Vec::new(),
                    0,
                );
                if self.tcb(s).probes < PERSIST_PROBES {
                    let rto = self.tcb(s).rto;
                    self.arm_timer(s, TimerKind::Persist, rto);
                }
            }
            TimerKind::Retransmit => {
                let state = self.tcb(s).state;
                let tcb = self.tcb_mut(s);
                tcb.retries += 1;
                let max = if matches!(state, TcpState::SynSent | TcpState::SynRcvd) {
                    SYN_RETRIES
                } else {
                    DATA_RETRIES
                };
                if tcb.retries > max {
                    self.tcp_timed_out(s, state);
                    return;
                }
                tcb.rto = Duration::from_micros(tcb.rto.total_micros().saturating_mul(2));
                let rto = tcb.rto;
                match state {
                    TcpState::SynSent => {
                        let iss = tcb.iss;
                        self.tcp_emit(
                            s,
                            flags(true, false, false, false),
                            iss,
                            alloc::vec::Vec::new(),
                            0,
                        );
                    }
                    TcpState::SynRcvd => {
                        let iss = tcb.iss;
                        self.tcp_emit(
                            s,
                            flags(true, true, false, false),
                            iss,
                            alloc::vec::Vec::new(),
                            0,
                        );
                    }
                    _ => {
                        tcb.snd_nxt = tcb.snd_una;
                        tcb.fin_seq = None;
                        self.tcp_output(s);
                    }
                }
                self.arm_timer(s, TimerKind::Retransmit, rto);
            }
        }
    }

    fn tcp_timed_out(&mut self, s: SocketHandle, state: TcpState) {
        match state {
            TcpState::SynSent => self.connect_failed(s, WsaError::WSAETIMEDOUT),
            TcpState::SynRcvd => {
                self.change(Change::Note(Note::HandshakeTimedOut(s)));
                self.free(s);
            }
            _ => {
                self.change(Change::Note(Note::RetransmissionsExhausted(s)));
                if !self.tcp_kill(s, WsaError::WSAECONNABORTED, Some(CloseKind::Aborted)) {
                    return;
                }
                self.post(
                    s,
                    NetworkEvent::FD_CLOSE,
                    Some(WsaError::WSAECONNABORTED),
                    Rule::CloseAborted,
                );
            }
        }
    }

    /// Sends RST to the peer and forgets the connection (abortive close).
    pub(crate) fn tcp_send_reset(&mut self, s: SocketHandle) {
        if self.sockets[&s]
            .tcb
            .as_ref()
            .is_some_and(|t| t.state.is_synchronized() || t.state == TcpState::SynRcvd)
        {
            let seq = self.tcb(s).snd_nxt;
            self.tcp_emit(
                s,
                flags(false, true, false, true),
                seq,
                alloc::vec::Vec::new(),
                0,
            );
        }
        if self.sockets[&s].tcb.is_some() {
            self.cancel_timer(s);
            self.set_state(s, TcpState::Closed);
        }
    }

    /// After a recv freed space: tell the peer if its window had closed.
    pub(crate) fn tcp_window_update(&mut self, s: SocketHandle) {
        let sock = &self.sockets[&s];
        let Some(tcb) = sock.tcb.as_ref() else { return };
        if !tcb.state.is_synchronized() || tcb.fin_rcvd {
            return;
        }
        let space = sock.recv_space() as u32;
        if (tcb.rcv_wnd_adv as usize) < MSS
            && space > tcb.rcv_wnd_adv
            && (space as usize >= MSS || sock.rx.is_empty())
        {
            self.tcp_ack_now(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_round_trip() {
        for s in TcpState::ALL {
            assert_eq!(TcpState::from_name(s.name()), Some(s));
        }
        assert_eq!(TcpState::from_name("FIN_WAIT"), Some(TcpState::FinWait1));
        assert!(TcpState::TimeWait.is_synchronized());
        assert!(!TcpState::SynSent.is_synchronized());
    }
}
