//! Selection and the re-enable latches: the one place where a network event becomes a
//! window message (or a WSAEventSelect record).
//!
//! Read the specification first (`spec/WSAAsyncSelect.txt`, or [`crate::spec::SPECIFICATION`]).
//! Its model, as implemented here:
//! - A socket has at most one selection ([`Notify`]): a window and message, or an event
//!   object, and the set of events (`lEvent`). A new selection replaces the old one.
//! - Each event has a latch. Posting a message disarms it ("no further message(s) for that
//!   network event will be posted … until the application makes the function call that
//!   implicitly reenables notification"); the re-enabling call re-arms it even if the call
//!   fails. `Sim::post` is the only function that posts.
//! - FD_READ, FD_OOB and FD_ACCEPT are level-triggered: re-arming re-checks the condition
//!   and posts again while it holds (`Sim::reenable`).
//! - A new selection posts every selected condition that already holds (`Sim::persist`).
//! - Several events found at once are posted in bit order: FD_READ, FD_WRITE, FD_OOB,
//!   FD_ACCEPT, FD_CONNECT, FD_CLOSE, FD_QOS, then the two change events.

use crate::error::WsaError;
use crate::event::{LParam, NetworkEvent};
use crate::profile::Profile;
use crate::queue::Message;
use crate::sim::Sim;
use crate::socket::{CloseKind, Notify, SocketHandle, SocketType};
use crate::spec::Rule;
use crate::tcp::TcpState;
use crate::trace::{Change, Note, Suppression};

/// A call that re-enables an event: a row of the page's table of "re-enabling functions".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ReenablingCall {
    /// `recv`.
    Recv,
    /// `recvfrom`.
    RecvFrom,
    /// `WSARecv`.
    WsaRecv,
    /// `WSARecvFrom`.
    WsaRecvFrom,
    /// `send`.
    Send,
    /// `sendto`.
    SendTo,
    /// `WSASend`.
    WsaSend,
    /// `WSASendTo`.
    WsaSendTo,
    /// `accept`.
    Accept,
    /// `WSAAccept`.
    WsaAccept,
    /// `WSAIoctl` with `SIO_GET_QOS`.
    GetQos,
    /// `WSAIoctl` with `SIO_GET_GROUP_QOS`.
    GetGroupQos,
    /// `WSAIoctl` with `SIO_ROUTING_INTERFACE_CHANGE`.
    RoutingInterfaceChange,
    /// `WSAIoctl` with `SIO_ADDRESS_LIST_CHANGE`.
    AddressListChange,
}

impl ReenablingCall {
    /// The call as the page writes it: `recv`, `WSAIoctl(SIO_GET_QOS)`.
    pub fn name(self) -> &'static str {
        match self {
            ReenablingCall::Recv => "recv",
            ReenablingCall::RecvFrom => "recvfrom",
            ReenablingCall::WsaRecv => "WSARecv",
            ReenablingCall::WsaRecvFrom => "WSARecvFrom",
            ReenablingCall::Send => "send",
            ReenablingCall::SendTo => "sendto",
            ReenablingCall::WsaSend => "WSASend",
            ReenablingCall::WsaSendTo => "WSASendTo",
            ReenablingCall::Accept => "accept",
            ReenablingCall::WsaAccept => "WSAAccept",
            ReenablingCall::GetQos => "WSAIoctl(SIO_GET_QOS)",
            ReenablingCall::GetGroupQos => "WSAIoctl(SIO_GET_GROUP_QOS)",
            ReenablingCall::RoutingInterfaceChange => "WSAIoctl(SIO_ROUTING_INTERFACE_CHANGE)",
            ReenablingCall::AddressListChange => "WSAIoctl(SIO_ADDRESS_LIST_CHANGE)",
        }
    }
}

/// The calls that re-enable `event`, in the page's order; empty when no call does
/// (FD_CONNECT, FD_CLOSE: the event happens once per connection).
///
/// ```
/// use wsasim::select::{reenabling_calls, ReenablingCall};
/// use wsasim::NetworkEvent;
/// assert_eq!(reenabling_calls(NetworkEvent::FD_ACCEPT), [ReenablingCall::Accept, ReenablingCall::WsaAccept]);
/// assert!(reenabling_calls(NetworkEvent::FD_CLOSE).is_empty());
/// ```
pub fn reenabling_calls(event: NetworkEvent) -> &'static [ReenablingCall] {
    use ReenablingCall as C;
    match event {
        NetworkEvent::FD_READ | NetworkEvent::FD_OOB => {
            &[C::Recv, C::RecvFrom, C::WsaRecv, C::WsaRecvFrom]
        }
        NetworkEvent::FD_WRITE => &[C::Send, C::SendTo, C::WsaSend, C::WsaSendTo],
        NetworkEvent::FD_ACCEPT => &[C::Accept, C::WsaAccept],
        NetworkEvent::FD_QOS => &[C::GetQos],
        NetworkEvent::FD_GROUP_QOS => &[C::GetGroupQos],
        NetworkEvent::FD_ROUTING_INTERFACE_CHANGE => &[C::RoutingInterfaceChange],
        NetworkEvent::FD_ADDRESS_LIST_CHANGE => &[C::AddressListChange],
        _ => &[],
    }
}

/// The Winsock calls that re-enable an event, as one phrase for people (`"recv, recvfrom,
/// WSARecv or WSARecvFrom"`), or `None` when no call does (see [`reenabling_calls`]).
pub fn reenabling_call(event: NetworkEvent) -> Option<&'static str> {
    Some(match event {
        NetworkEvent::FD_READ | NetworkEvent::FD_OOB => "recv, recvfrom, WSARecv or WSARecvFrom",
        NetworkEvent::FD_WRITE => "send, sendto, WSASend or WSASendTo",
        NetworkEvent::FD_ACCEPT => "accept or WSAAccept",
        NetworkEvent::FD_QOS => "WSAIoctl(SIO_GET_QOS)",
        NetworkEvent::FD_GROUP_QOS => "WSAIoctl(SIO_GET_GROUP_QOS)",
        NetworkEvent::FD_ROUTING_INTERFACE_CHANGE => "WSAIoctl(SIO_ROUTING_INTERFACE_CHANGE)",
        NetworkEvent::FD_ADDRESS_LIST_CHANGE => "WSAIoctl(SIO_ADDRESS_LIST_CHANGE)",
        _ => return None,
    })
}

/// What happened on a socket, as the transport and the faults report it. Lower layers
/// report facts; [`Sim::notice`] alone decides which event, error and rule follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fact {
    /// The handshake of a stream socket's connect completed.
    Connected,
    /// A connect failed with this error (refused, timed out, unreachable).
    ConnectFailed(WsaError),
    /// `connect` on a datagram socket set its default peer.
    DatagramConnected,
    /// A datagram socket was bound.
    DatagramBound,
    /// Normal data (or a datagram) arrived.
    DataArrived,
    /// An urgent byte arrived: `inline` with SO_OOBINLINE, else out of band.
    UrgentArrived {
        /// True with SO_OOBINLINE.
        inline: bool,
    },
    /// A connection completed its handshake and waits in this listener's queue.
    ConnectionQueued,
    /// Send-buffer space freed after a send failed with `WSAEWOULDBLOCK`.
    SendSpace,
    /// The peer's FIN arrived: `after_shutdown` if ours had been sent first.
    FinArrived {
        /// True if the local side had already sent its FIN.
        after_shutdown: bool,
    },
    /// A recv took the last received byte (a graceful FD_CLOSE may have waited for it).
    Drained,
    /// The peer reset the connection.
    Reset,
    /// Retransmissions timed out: the connection is aborted.
    Aborted,
    /// The host's network failed while the socket was doing this.
    NetworkDown(Activity),
    /// The provider changed the socket's quality of service.
    QosChanged,
    /// The route to a watched destination changed (with an error if it is now unreachable).
    RouteChanged(Option<WsaError>),
    /// The host's address list changed.
    AddressListChanged,
}

/// What a socket was doing when its host's network failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Activity {
    /// A nonblocking connect was under way.
    Connecting,
    /// A stream connection was open.
    Connected,
    /// It was listening.
    Listening,
    /// A bound datagram socket waited for datagrams.
    Receiving,
    /// A send had failed with `WSAEWOULDBLOCK`.
    BlockedSend,
    /// SIO_ROUTING_INTERFACE_CHANGE was pending.
    RouteWatch,
    /// SIO_ADDRESS_LIST_CHANGE was pending.
    AddressWatch,
}

/// The event, error and rule that follow a fact (none when the page posts nothing).
fn rule_for(fact: Fact, profile: Profile) -> Option<(NetworkEvent, Option<WsaError>, Rule)> {
    use NetworkEvent as E;
    Some(match fact {
        // "After connect called, when connection is established."
        Fact::Connected => (E::FD_CONNECT, None, Rule::ConnectEstablished),
        // "Whether the operation eventually succeeds or not, when the outcome has been
        // determined, FD_CONNECT happens."
        Fact::ConnectFailed(e) => (E::FD_CONNECT, Some(e), Rule::ConnectOutcome),
        // "… even when connect succeeds immediately, as is typical with a datagram socket."
        // Windows differs: connect() on a datagram socket is a fresh FD_WRITE.
        Fact::DatagramConnected if profile.dgram_connect_posts_connect() => {
            (E::FD_CONNECT, None, Rule::ConnectEstablished)
        }
        Fact::DatagramConnected => (E::FD_WRITE, None, Rule::WriteOnConnect),
        // "After bind on a connectionless socket."
        Fact::DatagramBound => (E::FD_WRITE, None, Rule::WriteAfterBind),
        // "When data arrives, if FD_READ not already posted."
        Fact::DataArrived => (E::FD_READ, None, Rule::ReadOnArrival),
        // "… the OOB (expedited) data is treated as normal data … FD_READ events."
        Fact::UrgentArrived { inline: true } => (E::FD_READ, None, Rule::OobInline),
        // "When OOB data arrives, if FD_OOB not already posted."
        Fact::UrgentArrived { inline: false } => (E::FD_OOB, None, Rule::OobOnArrival),
        // "When a connection request arrives, if FD_ACCEPT not already posted."
        Fact::ConnectionQueued => (E::FD_ACCEPT, None, Rule::AcceptOnArrival),
        // "After send or sendto fail with WSAEWOULDBLOCK, when send or sendto are likely to
        // succeed."
        Fact::SendSpace => (E::FD_WRITE, None, Rule::WriteAfterWouldBlock),
        // "After remote system initiated graceful close …" / "After local system initiates
        // graceful close with shutdown and remote system has responded …"
        Fact::FinArrived { after_shutdown } => (
            E::FD_CLOSE,
            None,
            if after_shutdown {
                Rule::CloseAfterShutdown
            } else {
                Rule::CloseGraceful
            },
        ),
        Fact::Drained => return None,
        // "When remote system terminates connection … WSAECONNRESET". Windows differs:
        // WSAECONNABORTED.
        Fact::Reset => (
            E::FD_CLOSE,
            Some(profile.reset_close_error()),
            Rule::CloseReset,
        ),
        // "WSAECONNABORTED The connection was terminated due to a time-out or other failure."
        Fact::Aborted => (
            E::FD_CLOSE,
            Some(WsaError::WSAECONNABORTED),
            Rule::CloseAborted,
        ),
        // "WSAENETDOWN The network subsystem failed": the event of what the socket was doing.
        Fact::NetworkDown(what) => {
            let event = match what {
                Activity::Connecting => E::FD_CONNECT,
                Activity::Connected => E::FD_CLOSE,
                Activity::Listening => E::FD_ACCEPT,
                Activity::Receiving => E::FD_READ,
                Activity::BlockedSend => E::FD_WRITE,
                Activity::RouteWatch => E::FD_ROUTING_INTERFACE_CHANGE,
                Activity::AddressWatch => E::FD_ADDRESS_LIST_CHANGE,
            };
            (event, Some(WsaError::WSAENETDOWN), Rule::NetworkDown)
        }
        // "After WSAIoctl with SIO_GET_QOS called, when the quality of service is changed."
        Fact::QosChanged => (E::FD_QOS, None, Rule::QosChanged),
        // "… when the local interface that should be used to reach the destination … changes."
        Fact::RouteChanged(e) => (
            E::FD_ROUTING_INTERFACE_CHANGE,
            e,
            Rule::RoutingInterfaceChange,
        ),
        // "… when the list of local addresses to which the application can bind changes."
        Fact::AddressListChanged => (E::FD_ADDRESS_LIST_CHANGE, None, Rule::AddressListChange),
    })
}

/// True for the events the specification calls level-triggered.
pub fn is_level_triggered(event: NetworkEvent) -> bool {
    matches!(
        event,
        NetworkEvent::FD_READ | NetworkEvent::FD_OOB | NetworkEvent::FD_ACCEPT
    )
}

impl Sim {
    /// Posts `event` with `error` for socket `s` if it is selected and its latch is armed;
    /// otherwise records why not. Returns true if a message was posted (or recorded).
    ///
    /// This is the only function that posts a WSAAsyncSelect message.
    fn post(
        &mut self,
        s: SocketHandle,
        event: NetworkEvent,
        error: Option<WsaError>,
        rule: Rule,
    ) -> bool {
        debug_assert!(
            event.bit_index().is_some(),
            "invariant: one event at a time"
        );
        let Some(sock) = self.sockets.get(s) else {
            return false;
        };
        if sock.listener().is_some() {
            return false; // not yet returned by accept(): it has no selection of its own
        }
        if !sock.is_open() {
            if event == NetworkEvent::FD_CLOSE {
                self.change(Change::Suppressed {
                    socket: s,
                    event,
                    reason: Suppression::SocketClosed,
                    rule: Rule::NoCloseAfterClosesocket,
                });
            }
            return false;
        }
        if event == NetworkEvent::FD_GROUP_QOS {
            return false; // reserved: never posted
        }
        let notify = sock.notify;
        if !notify.events().contains(event) {
            if notify != Notify::None {
                self.change(Change::Suppressed {
                    socket: s,
                    event,
                    reason: Suppression::NotSelected,
                    rule,
                });
            }
            return false;
        }
        let records_anyway = matches!(notify, Notify::Event { .. })
            && self.profile.event_select_records_every_arrival()
            && matches!(
                rule,
                Rule::ReadOnArrival | Rule::OobOnArrival | Rule::AcceptOnArrival
            );
        if !sock.armed.contains(event) && !records_anyway {
            self.change(Change::Suppressed {
                socket: s,
                event,
                reason: Suppression::AwaitingReenable,
                rule: Rule::NoFlood,
            });
            return false;
        }
        match notify {
            Notify::None => false,
            Notify::Window { hwnd, msg, .. } => {
                let id = self.next_message_id();
                let now = self.now;
                let Some(window) = self.window_mut(hwnd).filter(|w| w.alive) else {
                    self.change(Change::Suppressed {
                        socket: s,
                        event,
                        reason: Suppression::WindowDestroyed,
                        rule,
                    });
                    return false;
                };
                let m = Message {
                    id,
                    hwnd,
                    msg,
                    wparam: s,
                    lparam: LParam::new(event, error),
                    posted_at: now,
                    rule,
                };
                window.queue.push_back(m.clone());
                self.change(Change::Posted(m));
                self.disarm(s, event, rule);
                true
            }
            Notify::Event { event: object, .. } => {
                let sock = self.sock_mut(s);
                sock.recorded |= event;
                if let Some(i) = event.bit_index() {
                    sock.recorded_errors[i] = error;
                }
                if let Some(o) = self.event_objects.iter_mut().find(|o| o.handle == object) {
                    o.signaled = true;
                }
                self.change(Change::Recorded {
                    socket: s,
                    event_object: object,
                    event,
                    error,
                    rule,
                });
                self.disarm(s, event, rule);
                true
            }
        }
    }

    /// A fact about socket `s`: posts what the page says follows it. This is how every
    /// part of the model outside `select` asks for a message.
    pub(crate) fn notice(&mut self, s: SocketHandle, fact: Fact) {
        match fact {
            Fact::Connected => {
                // FD_CONNECT only for a nonblocking connect; then FD_WRITE: "An FD_WRITE
                // network event is recorded when a socket is first connected with connect
                // (after FD_CONNECT, if also registered)".
                let Some(sock) = self.sockets.get_mut(s) else {
                    return;
                };
                let was_nonblocking = core::mem::take(&mut sock.connecting);
                if was_nonblocking {
                    self.post(s, NetworkEvent::FD_CONNECT, None, Rule::ConnectEstablished);
                }
                self.post(s, NetworkEvent::FD_WRITE, None, Rule::WriteOnConnect);
            }
            Fact::ConnectFailed(_) => {
                let Some(sock) = self.sockets.get_mut(s) else {
                    return;
                };
                // A blocking connect reports its failure as its return value instead.
                if core::mem::take(&mut sock.connecting) {
                    self.post_fact(s, fact);
                }
            }
            Fact::DatagramConnected => {
                // Windows treats connect() on a datagram socket as a fresh FD_WRITE, and
                // WSAEventSelect records FD_CONNECT before it.
                if !self.profile.dgram_connect_posts_connect() {
                    let event_select = self
                        .sockets
                        .get(s)
                        .is_some_and(|k| matches!(k.notify, Notify::Event { .. }));
                    if event_select && self.profile.event_select_dgram_connect_records_connect() {
                        self.post(s, NetworkEvent::FD_CONNECT, None, Rule::ConnectEstablished);
                    }
                    self.reenable(s, NetworkEvent::FD_WRITE);
                }
                self.post_fact(s, fact);
            }
            Fact::FinArrived { .. } => self.graceful_close(s, fact),
            Fact::Drained => {
                if let Some(after_shutdown) = self.deferred_close(s) {
                    self.post_fact(s, Fact::FinArrived { after_shutdown });
                }
            }
            _ => self.post_fact(s, fact),
        }
    }

    fn post_fact(&mut self, s: SocketHandle, fact: Fact) {
        if let Some((event, error, rule)) = rule_for(fact, self.profile) {
            self.post(s, event, error, rule);
        }
    }

    /// FD_CLOSE for a graceful close: now, or once the received data is read ("FD_CLOSE
    /// should only be posted after all data is read from a socket").
    fn graceful_close(&mut self, s: SocketHandle, fact: Fact) {
        let Some(sock) = self.sockets.get(s) else {
            return;
        };
        if sock.listener().is_some() {
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
        self.post_fact(s, fact);
    }

    /// Whether a deferred graceful FD_CLOSE is due now that the data was read, and if so
    /// whether the local side had shut down first.
    fn deferred_close(&self, s: SocketHandle) -> Option<bool> {
        let sock = self.sockets.get(s)?;
        if sock.close_kind() != Some(CloseKind::Graceful)
            || !sock.rx.is_empty()
            || !self.profile.close_waits_for_unread_data()
        {
            return None;
        }
        Some(sock.tcb.as_ref()?.fin_seq.is_some())
    }

    fn disarm(&mut self, s: SocketHandle, event: NetworkEvent, rule: Rule) {
        let sock = self.sock_mut(s);
        sock.armed = NetworkEvent::from_bits(sock.armed.bits() & !event.bits());
        self.change(Change::Latch {
            socket: s,
            events: event,
            armed: false,
            rule,
        });
    }

    /// The re-enabling call for `events` was made on `s` (successful or not): re-arm their
    /// latches, then post the level-triggered ones whose condition still holds.
    pub(crate) fn reenable(&mut self, s: SocketHandle, events: NetworkEvent) {
        self.reenable_after(s, events, false);
    }

    /// [`Sim::reenable`] after a re-enabling call that succeeded or (`failed`) did not.
    pub(crate) fn reenable_after(&mut self, s: SocketHandle, events: NetworkEvent, failed: bool) {
        let profile = self.profile;
        let Some(sock) = self.sockets.get_mut(s) else {
            return;
        };
        if failed
            && matches!(sock.notify, Notify::Event { .. })
            && !profile.failed_call_reenables_event_select()
        {
            self.change(Change::Note(Note::NoReenableAfterFailure(events)));
            return;
        }
        let was_disarmed = events & !sock.armed & sock.notify.events();
        sock.armed |= events;
        if !was_disarmed.is_empty() {
            self.change(Change::Latch {
                socket: s,
                events: was_disarmed,
                armed: true,
                rule: Rule::Reenable,
            });
        }
        for event in events.iter() {
            if !is_level_triggered(event) {
                continue;
            }
            let rule = match event {
                NetworkEvent::FD_READ => Rule::ReadAfterRecv,
                NetworkEvent::FD_OOB => Rule::OobAfterRecv,
                _ => Rule::AcceptAfterAccept,
            };
            if self.event_condition_holds(s, event)
                && self.sockets[&s].armed.contains(event)
                && self.sockets[&s].notify.events().contains(event)
            {
                self.post(s, event, None, rule);
            }
        }
    }

    /// True if the condition behind `event` holds on socket `s` now: what a new selection
    /// would post at once (data to read, a connection to accept, room to send, a closed
    /// connection, …). User interfaces show it beside each latch.
    pub fn event_condition_holds(&self, s: SocketHandle, event: NetworkEvent) -> bool {
        self.condition(s, event).is_some()
    }

    /// Whether `event`'s condition holds on `s` now, and with which error: what a new
    /// selection posts at once ("Due to the persistence of events").
    fn condition(&self, s: SocketHandle, event: NetworkEvent) -> Option<Option<WsaError>> {
        let sock = self.sockets.get(s)?;
        let stream = sock.ty == SocketType::Stream;
        let holds = match event {
            NetworkEvent::FD_READ => {
                sock.readable_bytes() > 0
                    || (sock.ty == SocketType::Dgram && !sock.dgrams.is_empty())
            }
            NetworkEvent::FD_OOB => stream && !sock.oob_inline && !sock.oob.is_empty(),
            NetworkEvent::FD_ACCEPT => sock.listen.as_ref().is_some_and(|l| !l.ready.is_empty()),
            NetworkEvent::FD_WRITE => match sock.ty {
                SocketType::Stream => {
                    matches!(sock.state(), TcpState::Established | TcpState::CloseWait)
                        && sock.error().is_none()
                        && !sock.shut_wr
                        && !sock.send_blocked
                        && sock.send_space() > 0
                }
                SocketType::Dgram => {
                    sock.local.is_some()
                        || self
                            .profile
                            .dgram_writable_unbound(matches!(sock.notify, Notify::Event { .. }))
                }
            },
            NetworkEvent::FD_CONNECT => {
                self.profile.select_posts_connect(
                    matches!(sock.notify, Notify::Event { .. }),
                    sock.accepted,
                ) && match sock.ty {
                    SocketType::Stream => sock.state().is_synchronized() && sock.error().is_none(),
                    SocketType::Dgram => sock.remote.is_some(),
                }
            }
            NetworkEvent::FD_CLOSE => {
                return match sock.close_kind() {
                    Some(CloseKind::Graceful) => (sock.rx.is_empty()
                        || !self.profile.close_waits_for_unread_data())
                    .then_some(None),
                    Some(CloseKind::Reset) => Some(Some(self.profile.reset_close_error())),
                    Some(CloseKind::Aborted) => Some(Some(WsaError::WSAECONNABORTED)),
                    Some(CloseKind::NetDown) => Some(Some(WsaError::WSAENETDOWN)),
                    None => None,
                };
            }
            NetworkEvent::FD_QOS => sock.qos_changed,
            _ => false,
        };
        holds.then_some(None)
    }

    /// Installs a new selection (or none) on `s` and posts what already holds.
    pub(crate) fn select(&mut self, s: SocketHandle, notify: Notify) {
        // Windows, WSAEventSelect (or a selection of no events) after another: the
        // latches and the record stay, so only what was not recorded yet is recorded.
        let window = |n: &Notify| matches!(n, Notify::Window { .. });
        let keep = !window(&notify)
            && !window(&self.sockets[&s].notify)
            && self.sockets[&s].event_selected
            && self.profile.event_select_keeps_latches();
        let reselect_event = keep && matches!(self.sockets[&s].notify, Notify::Event { .. });
        let sock = self.sock_mut(s);
        let was_blocking = !sock.nonblocking;
        sock.nonblocking = true;
        sock.notify = notify;
        sock.event_selected |= matches!(notify, Notify::Event { .. });
        if !keep {
            sock.armed = NetworkEvent::FD_ALL_EVENTS;
            sock.recorded = NetworkEvent::NONE;
            sock.recorded_errors = [None; 10];
        }
        if was_blocking {
            self.change(Change::Note(Note::NowNonblocking(s)));
        }
        let rule = match notify {
            Notify::None => Rule::SelectCancel,
            _ => Rule::SelectReplaces,
        };
        let hwnd = match notify {
            Notify::Window { hwnd, .. } => Some(hwnd),
            _ => None,
        };
        self.change(Change::Selection {
            socket: s,
            hwnd,
            events: notify.events(),
            rule,
        });
        if notify == Notify::None {
            let queued: usize = self
                .windows
                .iter()
                .map(|w| w.queue.iter().filter(|m| m.wparam == s).count())
                .sum();
            if queued > 0 {
                self.change(Change::Note(Note::QueuedStay {
                    socket: s,
                    count: queued,
                }));
            }
            return;
        }
        if reselect_event {
            self.change(Change::Note(Note::ReselectRecordsNothing));
        }
        self.persist(s, false);
    }

    /// `accept` returned `child`: "The socket created by the accept function has the same
    /// properties as the listening socket used to accept it", its selection included.
    pub(crate) fn inherit(&mut self, child: SocketHandle, notify: Notify) {
        let c = self.sock_mut(child);
        c.notify = notify;
        c.armed = NetworkEvent::FD_ALL_EVENTS;
        if notify == Notify::None {
            return;
        }
        let hwnd = match notify {
            Notify::Window { hwnd, .. } => Some(hwnd),
            _ => None,
        };
        self.change(Change::Selection {
            socket: child,
            hwnd,
            events: notify.events(),
            rule: Rule::AcceptInherits,
        });
        self.persist(child, true);
    }

    /// closesocket: "Closing a socket with closesocket also cancels WSAAsyncSelect message
    /// sending" (messages already queued stay queued).
    pub(crate) fn cancel_on_close(&mut self, s: SocketHandle) {
        let sock = self.sock_mut(s);
        let had = sock.notify != Notify::None;
        sock.notify = Notify::None;
        if had {
            self.change(Change::Selection {
                socket: s,
                hwnd: None,
                events: NetworkEvent::NONE,
                rule: Rule::ClosesocketCancels,
            });
        }
    }

    /// A new selection was made on `s`: post every selected event whose condition holds.
    fn persist(&mut self, s: SocketHandle, inherited: bool) {
        let selected = self.sockets[&s].notify.events();
        for event in selected.iter() {
            let Some(error) = self.condition(s, event) else {
                continue;
            };
            let rule = if inherited {
                match event {
                    NetworkEvent::FD_WRITE => Rule::WriteOnConnect,
                    NetworkEvent::FD_CONNECT => continue,
                    _ => Rule::AcceptInherits,
                }
            } else {
                match event {
                    NetworkEvent::FD_READ => Rule::ReadOnSelect,
                    NetworkEvent::FD_WRITE => Rule::WriteOnSelect,
                    NetworkEvent::FD_OOB => Rule::OobOnSelect,
                    NetworkEvent::FD_ACCEPT => Rule::AcceptOnSelect,
                    NetworkEvent::FD_CONNECT => Rule::ConnectOnSelect,
                    NetworkEvent::FD_CLOSE => Rule::CloseOnSelect,
                    NetworkEvent::FD_QOS => Rule::QosOnSelect,
                    _ => continue,
                }
            };
            self.post(s, event, error, rule);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;

    #[test]
    fn every_fact_follows_the_page_and_the_windows_profile_where_it_differs() {
        use NetworkEvent as E;
        use Profile::{Documented as D, Windows as W};
        let reset = WsaError::WSAECONNRESET;
        let cases = [
            (
                Fact::Connected,
                D,
                E::FD_CONNECT,
                None,
                Rule::ConnectEstablished,
            ),
            (Fact::DataArrived, D, E::FD_READ, None, Rule::ReadOnArrival),
            (
                Fact::UrgentArrived { inline: true },
                D,
                E::FD_READ,
                None,
                Rule::OobInline,
            ),
            (
                Fact::UrgentArrived { inline: false },
                D,
                E::FD_OOB,
                None,
                Rule::OobOnArrival,
            ),
            (
                Fact::ConnectionQueued,
                D,
                E::FD_ACCEPT,
                None,
                Rule::AcceptOnArrival,
            ),
            (
                Fact::SendSpace,
                D,
                E::FD_WRITE,
                None,
                Rule::WriteAfterWouldBlock,
            ),
            (
                Fact::DatagramBound,
                D,
                E::FD_WRITE,
                None,
                Rule::WriteAfterBind,
            ),
            (
                Fact::DatagramConnected,
                D,
                E::FD_CONNECT,
                None,
                Rule::ConnectEstablished,
            ),
            (
                Fact::DatagramConnected,
                W,
                E::FD_WRITE,
                None,
                Rule::WriteOnConnect,
            ),
            (
                Fact::FinArrived {
                    after_shutdown: false,
                },
                D,
                E::FD_CLOSE,
                None,
                Rule::CloseGraceful,
            ),
            (
                Fact::FinArrived {
                    after_shutdown: true,
                },
                D,
                E::FD_CLOSE,
                None,
                Rule::CloseAfterShutdown,
            ),
            (Fact::Reset, D, E::FD_CLOSE, Some(reset), Rule::CloseReset),
            (
                Fact::Reset,
                W,
                E::FD_CLOSE,
                Some(WsaError::WSAECONNABORTED),
                Rule::CloseReset,
            ),
            (
                Fact::Aborted,
                D,
                E::FD_CLOSE,
                Some(WsaError::WSAECONNABORTED),
                Rule::CloseAborted,
            ),
            (
                Fact::ConnectFailed(reset),
                D,
                E::FD_CONNECT,
                Some(reset),
                Rule::ConnectOutcome,
            ),
            (Fact::QosChanged, D, E::FD_QOS, None, Rule::QosChanged),
            (
                Fact::AddressListChanged,
                D,
                E::FD_ADDRESS_LIST_CHANGE,
                None,
                Rule::AddressListChange,
            ),
            (
                Fact::RouteChanged(Some(WsaError::WSAENETUNREACH)),
                D,
                E::FD_ROUTING_INTERFACE_CHANGE,
                Some(WsaError::WSAENETUNREACH),
                Rule::RoutingInterfaceChange,
            ),
        ];
        for (fact, profile, event, error, rule) in cases {
            assert_eq!(
                rule_for(fact, profile),
                Some((event, error, rule)),
                "{fact:?} under {profile:?}"
            );
        }
        assert_eq!(
            rule_for(Fact::Drained, D),
            None,
            "a drained buffer posts nothing itself"
        );
        let down = Some(WsaError::WSAENETDOWN);
        for (what, event) in [
            (Activity::Connecting, E::FD_CONNECT),
            (Activity::Connected, E::FD_CLOSE),
            (Activity::Listening, E::FD_ACCEPT),
            (Activity::Receiving, E::FD_READ),
            (Activity::BlockedSend, E::FD_WRITE),
            (Activity::RouteWatch, E::FD_ROUTING_INTERFACE_CHANGE),
            (Activity::AddressWatch, E::FD_ADDRESS_LIST_CHANGE),
        ] {
            assert_eq!(
                rule_for(Fact::NetworkDown(what), D),
                Some((event, down, Rule::NetworkDown))
            );
        }
    }

    #[test]
    fn the_phrase_lists_the_typed_calls() {
        for event in NetworkEvent::ALL {
            let calls = reenabling_calls(event);
            let names: Vec<&str> = calls.iter().map(|c| c.name()).collect();
            let phrase = match names.as_slice() {
                [] => None,
                [one] => Some(String::from(*one)),
                [init @ .., last] => Some(alloc::format!("{} or {last}", init.join(", "))),
            };
            assert_eq!(phrase.as_deref(), reenabling_call(event), "{event}");
        }
    }
}
