//! What a connection sends: data as the window allows, FIN, acknowledgments, window
//! updates, and RST.

use alloc::vec::Vec;

use crate::net::{HostId, Payload, Segment, SockAddr, TcpFlags};
use crate::sim::Sim;
use crate::socket::{copy_bytes, SocketHandle};
use crate::tcb::{TcpState, TimerKind};
use crate::tcb::{MSS, PERSIST_PROBES};

impl Sim {
    /// Sends one segment from `s` with the current ACK and window.
    pub(super) fn tcp_emit(
        &mut self,
        s: SocketHandle,
        fl: TcpFlags,
        seq: u32,
        data: Vec<u8>,
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

    pub(super) fn tcp_ack_now(&mut self, s: SocketHandle) {
        let seq = self.tcb(s).snd_nxt;
        self.tcp_emit(s, TcpFlags::ACK, seq, Vec::new(), 0);
    }

    /// Sends what the window allows, then FIN if the application shut the send side.
    pub(crate) fn tcp_output(&mut self, s: SocketHandle) {
        let Some(state) = self
            .sockets
            .get(s)
            .filter(|x| x.tcb.is_some())
            .map(|x| x.state())
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
            let data = copy_bytes(&sock.tx, offset, n);
            let seq = tcb.snd_nxt;
            let mut fl = TcpFlags::ACK;
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
            self.tcp_emit(s, TcpFlags::FIN_ACK, seq, Vec::new(), 0);
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

    /// Answers a segment no connection takes with RST (RFC 793's reset generation): a
    /// closed port, or a listener whose backlog is full.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn tcp_refuse(
        &mut self,
        host: HostId,
        src: SockAddr,
        dst: SockAddr,
        fl: TcpFlags,
        seq: u32,
        ack: u32,
        data_len: usize,
    ) {
        let (rseq, rack, rfl) = if fl.ack {
            (ack, 0, TcpFlags::RST)
        } else {
            let len = data_len as u32 + u32::from(fl.syn) + u32::from(fl.fin);
            (0, seq.wrapping_add(len), TcpFlags::RST_ACK)
        };
        let rst = Segment {
            src: dst,
            dst: src,
            payload: Payload::Tcp {
                flags: rfl,
                seq: rseq,
                ack: rack,
                wnd: 0,
                urp: 0,
                data: Vec::new(),
            },
        };
        self.transmit(host, rst);
    }

    /// Sends RST to the peer and forgets the connection (abortive close).
    pub(crate) fn tcp_send_reset(&mut self, s: SocketHandle) {
        let sock = &self.sockets[&s];
        let state = sock.state();
        if sock.tcb.is_some() && (state.is_synchronized() || state == TcpState::SynRcvd) {
            let seq = self.tcb(s).snd_nxt;
            self.tcp_emit(s, TcpFlags::RST_ACK, seq, Vec::new(), 0);
        }
        if self.sockets[&s].tcb.is_some() {
            self.cancel_timer(s);
            self.set_state(s, TcpState::Closed);
        }
    }

    /// After a recv freed space: tell the peer when a window it had (nearly) closed opens
    /// to a segment or is emptied, or when the window has grown by a full segment (or
    /// half the buffer, if smaller) since it was last advertised: RFC 1122's
    /// receiver-side silly window avoidance (4.2.3.3). The second case means an update
    /// lost on the way is followed by another when the reader reads on, which matters
    /// once the sender has stopped probing.
    pub(crate) fn tcp_window_update(&mut self, s: SocketHandle) {
        let sock = &self.sockets[&s];
        let Some(tcb) = sock.tcb.as_ref() else { return };
        if !sock.state().is_synchronized() || tcb.fin_rcvd {
            return;
        }
        let space = sock.recv_space() as u32;
        let step = (MSS as u32).min(sock.rcvbuf / 2).max(1);
        let adv = tcb.rcv_wnd_adv;
        let reopened = (adv as usize) < MSS && (space as usize >= MSS || sock.rx.is_empty());
        if space > adv && (reopened || space - adv >= step) {
            self.tcp_ack_now(s);
        }
    }
}
