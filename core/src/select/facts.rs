//! Facts: what happened on a socket, as TCP, UDP, the faults and the calls report it, and
//! the one table that turns each fact into its event, error and rule (`rule_for`), asking
//! the [`Profile`] where Windows differs.

use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::profile::Profile;
use crate::sim::Sim;
use crate::socket::{CloseKind, Notify, SocketHandle};
use crate::spec::Rule;
use crate::trace::{Change, Suppression};

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
    /// `WSAJoinLeaf` on a datagram socket joined its multipoint session.
    Joined,
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
        /// True if ours was not acknowledged yet (a simultaneous close: FIN_WAIT_1 to
        /// CLOSING).
        simultaneous: bool,
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
pub(super) fn rule_for(
    fact: Fact,
    profile: Profile,
) -> Option<(NetworkEvent, Option<WsaError>, Rule)> {
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
        // "After calling WSAJoinLeaf, when join operation completes." A datagram leaf's
        // join completes at once, as a datagram connect does (FD_CONNECT.2).
        Fact::Joined => (E::FD_CONNECT, None, Rule::JoinLeafCompletes),
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
        // graceful close with shutdown and remote system has responded …" / both at once:
        // "The FD_CLOSE message is posted when a close indication is received".
        Fact::FinArrived {
            after_shutdown,
            simultaneous,
        } => (
            E::FD_CLOSE,
            None,
            match (after_shutdown, simultaneous) {
                (true, true) => Rule::CloseIndication,
                (true, false) => Rule::CloseAfterShutdown,
                (false, _) => Rule::CloseGraceful,
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
impl Sim {
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
            Fact::DatagramConnected if self.profile.dgram_connect_posts_connect() => {
                // FD_CONNECT, then FD_WRITE: "An FD_WRITE message is posted when a socket
                // is first connected with connect … (after FD_CONNECT, if also
                // registered)". The FD_WRITE latch is kept: one already posted (the socket
                // was writable when selected) waits for send or sendto (NOFLOOD).
                self.post_fact(s, fact);
                self.post(s, NetworkEvent::FD_WRITE, None, Rule::WriteOnConnect);
            }
            Fact::DatagramConnected => {
                // Windows treats connect() on a datagram socket as a fresh FD_WRITE, and
                // WSAEventSelect records FD_CONNECT before it.
                let event_select = self
                    .sockets
                    .get(s)
                    .is_some_and(|k| matches!(k.notify, Notify::Event { .. }));
                if event_select && self.profile.event_select_dgram_connect_records_connect() {
                    self.post(s, NetworkEvent::FD_CONNECT, None, Rule::ConnectEstablished);
                }
                self.reenable(s, NetworkEvent::FD_WRITE);
                self.post_fact(s, fact);
            }
            Fact::FinArrived { .. } => self.graceful_close(s, fact),
            Fact::Drained => {
                if let Some(after_shutdown) = self.deferred_close(s) {
                    self.post_fact(
                        s,
                        Fact::FinArrived {
                            after_shutdown,
                            simultaneous: false,
                        },
                    );
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
        if selected && !sock.nothing_to_receive() && self.profile.close_waits_for_unread_data() {
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
            || !sock.nothing_to_receive()
            || !self.profile.close_waits_for_unread_data()
        {
            return None;
        }
        Some(sock.tcb.as_ref()?.fin_seq.is_some())
    }
}
