//! A segment arrives: find its connection (or listener), then run RFC 793's segment
//! arrival processing in its order — the handshake states, RST, ACK, data (with urgent
//! data), FIN — and report what happened as facts.

use alloc::vec::Vec;

use crate::error::WsaError;
use crate::net::{HostId, Payload, Segment, SockAddr, TcpFlags};
use crate::select::Fact;
use crate::sim::Sim;
use crate::socket::{Holder, SocketHandle, SocketType};
use crate::tcb::{Tcb, TcpState, TimerKind, INITIAL_RTO, PERSIST_PROBES, TIME_WAIT};
use crate::trace::{Change, Note};

/// The header fields of an arriving TCP segment.
#[derive(Clone, Copy)]
struct Header {
    flags: TcpFlags,
    seq: u32,
    ack: u32,
    wnd: u32,
    urp: u32,
}

/// What the data of a segment brought.
#[derive(Default)]
struct Arrived {
    data: bool,
    oob: bool,
    urgent_inline: bool,
}

impl Sim {
    /// A segment arrived for a host: find its socket and run the state machine.
    pub(crate) fn tcp_input(&mut self, host: HostId, seg: Segment) {
        let Payload::Tcp {
            flags,
            seq,
            ack,
            wnd,
            urp,
            data,
        } = seg.payload
        else {
            return;
        };
        let h = Header {
            flags,
            seq,
            ack,
            wnd,
            urp,
        };
        let Some(s) = self.connection(host, seg.dst, seg.src) else {
            self.no_connection(host, seg.src, seg.dst, h, &data);
            return;
        };
        let state = self.sockets[&s].state();
        match state {
            TcpState::SynSent => return self.input_syn_sent(s, h),
            TcpState::SynRcvd if !self.input_syn_rcvd(s, h) => return,
            _ => {}
        }
        if h.flags.rst {
            self.tcp_reset(s);
            return;
        }
        if h.flags.syn {
            // A retransmitted SYN-ACK: our ACK was lost.
            self.tcp_ack_now(s);
            return;
        }
        if h.flags.ack && !self.input_ack(s, h) {
            return; // the connection is gone (the ACK of our last FIN)
        }
        let mut need_ack = !data.is_empty();
        let mut arrived = Arrived::default();
        if !data.is_empty() && h.seq == self.tcb(s).rcv_nxt {
            match self.input_data(s, h, &data) {
                Some(a) => arrived = a,
                None => return, // the connection was reset
            }
        }
        let fin_now = h.flags.fin
            && !self.tcb(s).fin_rcvd
            && h.seq.wrapping_add(data.len() as u32) == self.tcb(s).rcv_nxt;
        if fin_now {
            let tcb = self.tcb_mut(s);
            tcb.rcv_nxt = tcb.rcv_nxt.wrapping_add(1);
            tcb.fin_rcvd = true;
        }
        need_ack |= h.flags.fin;
        if !need_ack && data.is_empty() && h.seq != self.tcb(s).rcv_nxt {
            // An unacceptable segment (a zero-window probe): answer with our window.
            need_ack = true;
        }
        if need_ack {
            self.tcp_ack_now(s);
        }
        if arrived.oob {
            self.notice(s, Fact::UrgentArrived { inline: false });
        }
        if arrived.urgent_inline {
            self.notice(s, Fact::UrgentArrived { inline: true });
        } else if arrived.data {
            self.notice(s, Fact::DataArrived);
        }
        if fin_now {
            self.input_fin(s);
        }
        self.tcp_output(s);
    }

    /// The open connection of `host` from `local` to `remote`, found by its addresses.
    fn connection(&self, host: HostId, local: SockAddr, remote: SockAddr) -> Option<SocketHandle> {
        self.sockets
            .connection(local, remote)
            .filter(|x| {
                x.host == host
                    && x.tcb.is_some()
                    && !matches!(x.state(), TcpState::Closed | TcpState::Listen)
            })
            .map(|x| x.handle)
    }

    /// No connection takes the segment: a SYN for a listener opens one; a RST is ignored;
    /// anything else is answered with RST.
    fn no_connection(
        &mut self,
        host: HostId,
        src: SockAddr,
        dst: SockAddr,
        h: Header,
        data: &[u8],
    ) {
        let listener = self
            .sockets
            .on_port(host, SocketType::Stream, dst.port)
            .find(|x| {
                x.is_open()
                    && x.listen.is_some()
                    && x.local.is_some_and(|l| l.ip.is_any() || l.ip == dst.ip)
            })
            .map(|x| x.handle);
        match listener {
            Some(l) if h.flags.syn && !h.flags.ack && !h.flags.rst => {
                self.tcp_listen_syn(l, src, dst, h, data.len())
            }
            _ if h.flags.rst => self.change(Change::Note(Note::RstIgnored(dst))),
            _ => {
                self.change(Change::Note(Note::NoSocket(dst)));
                self.tcp_refuse(host, src, dst, h.flags, h.seq, h.ack, data.len());
            }
        }
    }

    /// SYN_SENT: a RST refuses the connect; a SYN-ACK of our SYN establishes it.
    fn input_syn_sent(&mut self, s: SocketHandle, h: Header) {
        let iss = self.tcb(s).iss;
        let ack_ok = h.flags.ack && h.ack == iss.wrapping_add(1);
        if h.flags.ack && !ack_ok {
            return;
        }
        if h.flags.rst {
            if ack_ok {
                self.connect_failed(s, WsaError::WSAECONNREFUSED);
            }
            return;
        }
        if h.flags.syn && ack_ok {
            let tcb = self.tcb_mut(s);
            tcb.rcv_nxt = h.seq.wrapping_add(1);
            tcb.snd_una = h.ack;
            tcb.snd_wnd = h.wnd;
            tcb.retries = 0;
            tcb.rto = INITIAL_RTO;
            self.cancel_timer(s);
            self.set_state(s, TcpState::Established);
            self.tcp_ack_now(s);
            self.connect_succeeded(s);
            self.tcp_output(s);
        }
    }

    /// SYN_RCVD: the ACK of our SYN-ACK establishes the connection and queues it on its
    /// listener. False when the segment is done with (a reset, or not that ACK).
    fn input_syn_rcvd(&mut self, s: SocketHandle, h: Header) -> bool {
        if h.flags.rst {
            self.change(Change::Note(Note::ResetDuringHandshake(s)));
            self.free(s);
            return false;
        }
        let iss = self.tcb(s).iss;
        if !(h.flags.ack && h.ack == iss.wrapping_add(1)) {
            return false;
        }
        let tcb = self.tcb_mut(s);
        tcb.snd_una = h.ack;
        tcb.snd_wnd = h.wnd;
        tcb.retries = 0;
        self.cancel_timer(s);
        self.set_state(s, TcpState::Established);
        if let Some(parent) = self.sockets[&s].listener() {
            if let Some(listen) = self.sock_mut(parent).listen.as_mut() {
                listen.half_open.retain(|c| *c != s);
                listen.ready.push_back(s);
            }
            self.notice(parent, Fact::ConnectionQueued);
        }
        true
    }

    /// The ACK: frees acknowledged bytes, runs the retransmission timer, moves the closing
    /// states on, takes the peer's window. False if the connection is gone.
    fn input_ack(&mut self, s: SocketHandle, h: Header) -> bool {
        let tcb = self.tcb(s);
        let (una, nxt) = (tcb.snd_una, tcb.snd_nxt);
        if h.ack.wrapping_sub(una) > 0 && h.ack.wrapping_sub(una) <= nxt.wrapping_sub(una) {
            let mut acked = h.ack.wrapping_sub(una);
            let fin_acked = tcb
                .fin_seq
                .is_some_and(|f| h.ack.wrapping_sub(f) as i32 > 0);
            if fin_acked {
                acked -= 1;
            }
            let sock = self.sock_mut(s);
            let n = (acked as usize).min(sock.tx.len());
            sock.tx.drain(..n);
            let tcb = self.tcb_mut(s);
            tcb.snd_una = h.ack;
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
                self.notice(s, Fact::SendSpace);
            }
            if fin_acked {
                match self.sockets[&s].state() {
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
                        return false;
                    }
                    _ => {}
                }
            }
        }
        let tcb = self.tcb_mut(s);
        tcb.snd_wnd = h.wnd;
        tcb.unanswered = 0;
        let probing = tcb.timer.is_some_and(|t| t.1 == TimerKind::Persist);
        if h.wnd > 0 {
            tcb.probes = 0;
        }
        if probing && (h.wnd > 0 || tcb.probes >= PERSIST_PROBES) {
            self.cancel_timer(s);
        }
        true
    }

    /// In-order data: what fits in the receive buffer is queued, the urgent byte inline or
    /// apart. `None` if the connection can no longer take data and was reset.
    fn input_data(&mut self, s: SocketHandle, h: Header, data: &[u8]) -> Option<Arrived> {
        let sock = &self.sockets[&s];
        if sock.is_orphan() || sock.shut_rd {
            let shutdown = sock.shut_rd;
            self.change(Change::Note(Note::DataAfterClose { shutdown }));
            let seq = self.tcb(s).snd_nxt;
            self.tcp_emit(s, TcpFlags::RST_ACK, seq, Vec::new(), 0);
            self.tcp_abort_local(s, WsaError::WSAECONNRESET);
            return None;
        }
        let n = data.len().min(sock.recv_space());
        let offset = h.urp.wrapping_sub(h.seq);
        let urgent_at =
            (h.flags.urg && offset >= 1 && offset as usize <= n).then(|| offset as usize - 1);
        let queue_urgent = self.profile.urgent_bytes_queue();
        let mut arrived = Arrived::default();
        let sock = self.sock_mut(s);
        // The bytes before the urgent byte, the urgent byte, the bytes after it.
        let (before, rest) = data[..n].split_at(urgent_at.unwrap_or(n));
        sock.rx.extend(before);
        arrived.data |= !before.is_empty();
        if let Some((&b, after)) = rest.split_first() {
            if sock.oob_inline {
                sock.oob_mark = Some(sock.rx.len());
                sock.rx.push_back(b);
                arrived.urgent_inline = true;
            } else {
                if !queue_urgent {
                    sock.oob.clear();
                }
                sock.oob.push_back(b);
                arrived.oob = true;
            }
            sock.rx.extend(after);
            arrived.data |= !after.is_empty();
        }
        let tcb = self.tcb_mut(s);
        tcb.rcv_nxt = h.seq.wrapping_add(n as u32);
        if n < data.len() {
            self.change(Change::Note(Note::WindowFull {
                dropped: data.len() - n,
            }));
        }
        Some(arrived)
    }

    /// The peer's FIN, in order: CLOSE_WAIT, CLOSING or TIME_WAIT, and a graceful close.
    fn input_fin(&mut self, s: SocketHandle) {
        let (after_shutdown, simultaneous) = match self.sockets[&s].state() {
            TcpState::Established | TcpState::SynRcvd => {
                self.set_state(s, TcpState::CloseWait);
                (false, false)
            }
            TcpState::FinWait1 => {
                self.set_state(s, TcpState::Closing);
                (true, true)
            }
            TcpState::FinWait2 => {
                self.set_state(s, TcpState::TimeWait);
                self.arm_timer(s, TimerKind::TimeWait, TIME_WAIT);
                (true, false)
            }
            _ => (false, false),
        };
        self.sock_mut(s).fin_arrived();
        self.notice(
            s,
            Fact::FinArrived {
                after_shutdown,
                simultaneous,
            },
        );
    }

    /// A passive open: a SYN reached a listening socket.
    fn tcp_listen_syn(
        &mut self,
        l: SocketHandle,
        src: SockAddr,
        dst: SockAddr,
        h: Header,
        data_len: usize,
    ) {
        let (seq, wnd) = (h.seq, h.wnd);
        let lsock = &self.sockets[&l];
        let listen = lsock
            .listen
            .as_ref()
            .expect("invariant: listener has a queue");
        let host = lsock.host;
        if listen.ready.len() + listen.half_open.len() >= listen.backlog as usize {
            self.change(Change::Note(Note::BacklogFull(l)));
            self.tcp_refuse(host, src, dst, h.flags, h.seq, h.ack, data_len);
            return;
        }
        let (rcvbuf, sndbuf, inline, linger) =
            (lsock.rcvbuf, lsock.sndbuf, lsock.oob_inline, lsock.linger);
        let child = self.new_socket(host, SocketType::Stream);
        let c = self.sock_mut(child);
        c.holder = Holder::Listener(l);
        c.accepted = true;
        c.oob_inline = inline;
        c.linger = linger;
        c.tcb = Some(Tcb::new());
        self.sockets.grant_buffers(child, rcvbuf, sndbuf);
        self.sockets.set_local(child, dst);
        self.sockets.set_remote(child, src);
        self.set_state(child, TcpState::SynRcvd);
        let tcb = self.tcb_mut(child);
        tcb.rcv_nxt = seq.wrapping_add(1);
        tcb.snd_wnd = wnd;
        tcb.snd_nxt = tcb.iss.wrapping_add(1);
        let iss = tcb.iss;
        if let Some(listen) = self.sock_mut(l).listen.as_mut() {
            listen.half_open.push(child);
        }
        self.tcp_emit(child, TcpFlags::SYN_ACK, iss, Vec::new(), 0);
        self.arm_timer(child, TimerKind::Retransmit, INITIAL_RTO);
    }
}
