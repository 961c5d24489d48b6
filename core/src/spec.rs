//! The specification's rules: every posting decision carries a [`Rule`] whose
//! [`Rule::sentence`] is the sentence of `WSAAsyncSelect.txt` it implements.
//!
//! The ids follow the specification's own summary list: `FD_READ.2` is the second
//! bullet under FD_READ ("When data arrives, if FD_READ is not already posted").
//! Rules that come from elsewhere in the page carry a descriptive id instead.

use core::fmt;

macro_rules! rules {
    ($( $(#[$doc:meta])* $name:ident = ($id:literal, $sentence:literal, $windows:expr) ),* $(,)?) => {
        /// A rule of the specification that made the simulation post (or not post)
        /// a message, re-arm a latch or change a selection.
        ///
        /// ```
        /// use wsasim::Rule;
        /// assert_eq!(Rule::ReadOnArrival.id(), "FD_READ.2");
        /// assert!(Rule::ReadOnArrival.sentence().contains("When data arrives"));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub enum Rule {
            $( $(#[$doc])* $name, )*
        }

        impl Rule {
            /// Every rule, in the order of the specification.
            pub const ALL: &'static [Rule] = &[ $( Rule::$name, )* ];

            /// A short stable id such as `FD_CLOSE.4`, printed in traces.
            pub const fn id(self) -> &'static str {
                match self { $( Rule::$name => $id, )* }
            }

            /// The sentence of the specification this rule implements, verbatim.
            pub const fn sentence(self) -> &'static str {
                match self { $( Rule::$name => $sentence, )* }
            }

            /// Where Windows is known to behave differently from the page, how.
            pub const fn windows_differs(self) -> Option<&'static str> {
                match self { $( Rule::$name => $windows, )* }
            }
        }
    };
}

rules! {
    /// FD_READ when WSAAsyncSelect is called and data is already waiting.
    ReadOnSelect = ("FD_READ.1", "When WSAAsyncSelect is called, if there is data currently available to receive.", None),
    /// FD_READ when data arrives and no FD_READ is outstanding.
    ReadOnArrival = ("FD_READ.2", "When data arrives, if FD_READ is not already posted.", None),
    /// FD_READ re-posted after a recv while data remains (level-triggered).
    ReadAfterRecv = ("FD_READ.3", "After recv or recvfrom is called, with or without MSG_PEEK), if data is still available to receive.", None),
    /// FD_WRITE when WSAAsyncSelect is called on a socket that can send.
    ///
    /// A datagram socket can send before it is bound: sendto binds it implicitly, so an
    /// unbound UDP socket is writable when selected (bind is sufficient, FD_WRITE.4, not
    /// necessary).
    WriteOnSelect = ("FD_WRITE.1", "When WSAAsyncSelect called, if a send or sendto is possible.", Some("Windows, WSAEventSelect: selecting an unbound UDP socket records nothing until connect; WSAAsyncSelect posts FD_WRITE at once, as the page says (Wine test_connect_events).")),
    /// FD_WRITE once a connection made by connect or accept is established.
    WriteOnConnect = ("FD_WRITE.2", "After connect or accept called, when connection established.", Some("Windows posts a fresh FD_WRITE when connect() is called on a UDP socket, even after one was posted and no send re-enabled it, and no FD_CONNECT (WSAEventSelect records both); it accepts a UDP connect to port 0 (Wine test_connect_events).")),
    /// FD_WRITE when buffer space frees after a send failed with WSAEWOULDBLOCK.
    WriteAfterWouldBlock = ("FD_WRITE.3", "After send or sendto fail with WSAEWOULDBLOCK, when send or sendto are likely to succeed.", None),
    /// FD_WRITE after bind on a connectionless socket (implementation-dependent; wsasim
    /// posts it when the FD_WRITE latch is armed). Selecting an unbound socket already posts
    /// FD_WRITE (FD_WRITE.1), so bind's FD_WRITE shows only after a send re-enabled it.
    WriteAfterBind = ("FD_WRITE.4", "After bind on a connectionless socket. FD_WRITE may or may not occur at this time (implementation-dependent). In any case, a connectionless socket is always writable immediately after a bind operation.", None),
    /// FD_OOB when WSAAsyncSelect is called and OOB data is waiting.
    OobOnSelect = ("FD_OOB.1", "When WSAAsyncSelect called, if there is OOB data currently available to receive with the MSG_OOB flag.", None),
    /// FD_OOB when OOB data arrives and no FD_OOB is outstanding.
    OobOnArrival = ("FD_OOB.2", "When OOB data arrives, if FD_OOB not already posted.", None),
    /// FD_OOB re-posted after a recv while OOB data remains.
    OobAfterRecv = ("FD_OOB.3", "After recv or recvfrom called with or without MSG_OOB flag, if OOB data is still available to receive.", Some("Windows queues one urgent byte per MSG_OOB send and re-posts FD_OOB while another remains; with TCP's single urgent pointer a new urgent byte replaces one not yet read.")),
    /// With SO_OOBINLINE, urgent data is normal data and is reported by FD_READ.
    OobInline = ("OOB.inline", "If the socket is configured to receive OOB data inline, the OOB (expedited) data is treated as normal data and the application should register an interest in, and will receive, FD_READ events, not FD_OOB events.", None),
    /// FD_ACCEPT when WSAAsyncSelect is called and a connection is waiting.
    AcceptOnSelect = ("FD_ACCEPT.1", "When WSAAsyncSelect called, if there is currently a connection request available to accept.", None),
    /// FD_ACCEPT when a connection request arrives and no FD_ACCEPT is outstanding.
    AcceptOnArrival = ("FD_ACCEPT.2", "When a connection request arrives, if FD_ACCEPT not already posted.", None),
    /// FD_ACCEPT re-posted after accept while more connections wait.
    AcceptAfterAccept = ("FD_ACCEPT.3", "After accept called, if there is another connection request available to accept.", None),
    /// The accepted socket takes the listening socket's selection.
    AcceptInherits = ("ACCEPT.inherit", "The socket created by the accept function has the same properties as the listening socket used to accept it. Consequently, WSAAsyncSelect events set for the listening socket also apply to the accepted socket.", None),
    /// FD_CONNECT when WSAAsyncSelect is called on a connected socket.
    ConnectOnSelect = ("FD_CONNECT.1", "When WSAAsyncSelect called, if there is currently a connection established.", Some("Windows never posts FD_CONNECT on WSAAsyncSelect: selecting an already-connected socket gives FD_WRITE only. WSAEventSelect records it for a socket that called connect, never for one returned by accept (Wine test_connect_events).")),
    /// FD_CONNECT when the connection is established (also at once on a datagram socket).
    ConnectEstablished = ("FD_CONNECT.2", "After connect called, when connection is established, even when connect succeeds immediately, as is typical with a datagram socket.", Some("Windows: connect() on a UDP socket posts FD_WRITE (FD_WRITE.2), not FD_CONNECT; WSAEventSelect records FD_CONNECT and FD_WRITE (Wine test_connect_events).")),
    /// FD_CONNECT with the outcome of a nonblocking connect, success or failure.
    ///
    /// The outcome's error is one a network operation that "went ahead" can meet:
    /// WSAECONNREFUSED, WSAENETUNREACH, WSAETIMEDOUT (and WSAENETDOWN, rule `ERR.netdown`).
    /// The table's other FD_CONNECT errors cannot reach lParam here: WSAEFAULT (the name
    /// length), WSAEINVAL (a listening socket), WSAEISCONN (a connected one) and WSAENOBUFS
    /// (no free port) are checks of the call's arguments or of the socket's state, which
    /// connect makes before the SYN leaves, and returns at once; WSAEAFNOSUPPORT and
    /// WSAEMFILE come earlier still, from `socket`; WSAENOTCONN describes no connect. A real
    /// stack could meet WSAENOBUFS later (memory exhausted during the handshake), but the
    /// model has no fault that exhausts buffers. See `docs/ambiguities.md`,
    /// "FD_CONNECT errors that connect returns at once".
    ///
    /// Windows: the conformance tests are silent here; the Windows profile keeps this rule.
    ConnectOutcome = ("FD_CONNECT.4", "Whether the operation eventually succeeds or not, when the outcome has been determined, FD_CONNECT happens. The client should check the error code to determine whether the outcome was successful or failed.", None),
    /// FD_CLOSE when WSAAsyncSelect is called on a closed connection.
    CloseOnSelect = ("FD_CLOSE.1", "When WSAAsyncSelect called, if socket connection has been closed.", None),
    /// FD_CLOSE after the peer's graceful close, once no data is left to read.
    CloseGraceful = ("FD_CLOSE.2", "After remote system initiated graceful close, when no data currently available to receive (Be aware that, if data has been received and is waiting to be read when the remote system initiates a graceful close, the FD_CLOSE is not delivered until all pending data has been read).", Some("Windows posts FD_CLOSE as soon as the FIN arrives, right after the FD_READ for unread data, and not again once the data is drained.")),
    /// FD_CLOSE after our own shutdown when the peer's FIN arrives.
    CloseAfterShutdown = ("FD_CLOSE.3", "After local system initiates graceful close with shutdown and remote system has responded with \"End of Data\" notification (for example, TCP FIN), when no data currently available to receive.", None),
    /// FD_CLOSE with WSAECONNRESET when the peer resets the connection.
    CloseReset = ("FD_CLOSE.4", "When remote system terminates connection (for example, sent TCP RST), and lParam will contain WSAECONNRESET error value.", Some("Windows reports a reset as FD_CLOSE with WSAECONNABORTED; later recv and send fail with WSAECONNRESET, or with WSAECONNABORTED when the peer's FIN came before its reset (Wine test_shutdown).")),
    /// FD_CLOSE with WSAECONNABORTED when retransmissions time out.
    CloseAborted = ("FD_CLOSE.aborted", "WSAECONNABORTED The connection was terminated due to a time-out or other failure.", None),
    /// Events posted with WSAENETDOWN when the host's network fails.
    NetworkDown = ("ERR.netdown", "WSAENETDOWN The network subsystem failed.", None),
    /// FD_QOS when WSAAsyncSelect is called and the QoS has changed.
    ///
    /// Windows: the conformance tests are silent here; the Windows profile keeps this rule.
    QosOnSelect = ("FD_QOS.1", "When WSAAsyncSelect called, if the quality of service associated with the socket has been changed.", None),
    /// FD_QOS when the QoS changes (edge-triggered; SIO_GET_QOS re-enables).
    ///
    /// Windows: the conformance tests are silent here; the Windows profile keeps this rule.
    QosChanged = ("FD_QOS.2", "After WSAIoctl with SIO_GET_QOS called, when the quality of service is changed.", None),
    /// FD_ROUTING_INTERFACE_CHANGE after SIO_ROUTING_INTERFACE_CHANGE, when the route changes.
    ///
    /// Windows: the conformance tests are silent here; the Windows profile keeps this rule.
    RoutingInterfaceChange = ("FD_ROUTING_INTERFACE_CHANGE", "After WSAIoctl with SIO_ROUTING_INTERFACE_CHANGE called, when the local interface that should be used to reach the destination specified in the IOCTL changes.", None),
    /// FD_ADDRESS_LIST_CHANGE after SIO_ADDRESS_LIST_CHANGE, when the address list changes.
    ///
    /// Windows: the conformance tests are silent here; the Windows profile keeps this rule.
    AddressListChange = ("FD_ADDRESS_LIST_CHANGE", "After WSAIoctl with SIO_ADDRESS_LIST_CHANGE called, when the list of local addresses to which the application can bind changes.", None),
    /// The re-enabling call re-arms its events' latches, even when it fails.
    Reenable = ("REENABLE", "Any call to the reenabling routine, even one that fails, results in reenabling of message posting for the relevant event.", Some("Windows: a failing recv still re-enables FD_READ in message mode, but not in WSAEventSelect mode.")),
    /// No second message for an event until its re-enabling call.
    NoFlood = ("NOFLOOD", "Having successfully posted notification of a particular event to an application window, no further message(s) for that network event will be posted to the application window until the application makes the function call that implicitly reenables notification of that network event.", Some("Windows, WSAEventSelect: every arrival of data, of an urgent byte or of a connection records FD_READ, FD_OOB or FD_ACCEPT again before the re-enabling call (Wine test_read_events, test_oob_events, test_accept_events).")),
    /// A graceful FD_CLOSE waits while received data is unread.
    ///
    /// An urgent byte kept apart for recv(MSG_OOB) (SO_OOBINLINE off) is unread data too,
    /// so FD_CLOSE waits for it as well. The page reads both ways: the note under FD_READ
    /// ("When setsockopt SO_OOBINLINE is enabled, data includes both normal data and OOB
    /// data") implies that without SO_OOBINLINE FD_READ's "data" is normal data only. But
    /// that note speaks of FD_READ's instances ("in the instances noted above"); FD_CLOSE's
    /// own words are unqualified — "when no data currently available to receive" (FD_CLOSE.2),
    /// "after all data is read", "only when all the received data has been read" — and the
    /// urgent byte is, in FD_OOB.1's words, "OOB data currently available to receive with
    /// the MSG_OOB flag". The purpose the page gives ("to avoid any possibility of losing
    /// data") holds for that byte too. Windows posts FD_CLOSE at the FIN whatever is unread
    /// (the Windows profile, [`crate::Profile::close_waits_for_unread_data`]). See
    /// `docs/ambiguities.md`, "FD_CLOSE while an urgent byte is unread".
    CloseWaitsForData = ("FD_CLOSE.data", "FD_CLOSE should only be posted after all data is read from a socket, but an application should check for remaining data upon receipt of FD_CLOSE to avoid any possibility of losing data.", Some("Windows posts FD_CLOSE as soon as the FIN arrives, even with data unread.")),
    /// FD_CLOSE in a simultaneous close: the peer's FIN arrives while this side's own FIN is
    /// unacknowledged (FIN_WAIT_1 to CLOSING), the "close indication" before TIME_WAIT.
    ///
    /// FD_CLOSE.3 ("remote system has responded with \"End of Data\"") assumes the local
    /// side closed first; here both did. The model posts at the close indication, not at
    /// TIME_WAIT (see [`crate::Ambiguity::SimultaneousClose`]).
    CloseIndication = ("FD_CLOSE.indication", "The FD_CLOSE message is posted when a close indication is received for the virtual circuit corresponding to the socket.", None),
    /// A new WSAAsyncSelect (or WSAEventSelect) replaces the previous one.
    SelectReplaces = ("SELECT.replace", "Issuing a WSAAsyncSelect for a socket cancels any previous WSAAsyncSelect or WSAEventSelect for the same socket.", Some("Windows, WSAEventSelect: a new WSAEventSelect, even one of no events, keeps the record and latches of the one before, so selecting again records nothing already recorded; only an event new to the mask, such as FD_CONNECT on a connected socket, is recorded (Wine test_connect_events, test_accept_events, test_write_events, test_read_events).")),
    /// WSAAsyncSelect (or WSAEventSelect) refused with WSAEINVAL: a window that does not
    /// exist (with a nonzero lEvent), an event object that does not exist, or an lEvent bit
    /// that names no event (see [`crate::Ambiguity::UnknownEventBit`]).
    SelectInvalid = ("SELECT.invalid", "One of the specified parameters was invalid, such as the window handle not referring to an existing window, or the specified socket is in an invalid state.", None),
    /// lEvent = 0 cancels notification; queued messages stay queued.
    SelectCancel = ("SELECT.cancel", "Although WSAAsyncSelect immediately disables event message posting for the socket in this instance, it is possible that messages could be waiting in the application message queue.", None),
    /// WSAAsyncSelect makes the socket nonblocking.
    SelectNonblocking = ("SELECT.nonblocking", "The WSAAsyncSelect function automatically sets socket s to nonblocking mode, regardless of the value of lEvent.", None),
    /// FIONBIO back to blocking is refused while a selection is active.
    BlockingNeedsCancel = ("SELECT.blocking", "To set socket s back to blocking mode, it is first necessary to clear the event record associated with socket s via a call to WSAAsyncSelect with lEvent set to zero.", None),
    /// closesocket cancels notification; queued messages stay queued; no FD_CLOSE.
    ClosesocketCancels = ("CLOSESOCKET", "Closing a socket with closesocket also cancels WSAAsyncSelect message sending, but the same caveat about messages in the queue still applies.", None),
    /// FD_CLOSE is never posted after closesocket.
    NoCloseAfterClosesocket = ("FD_CLOSE.closesocket", "FD_CLOSE is not posted after closesocket is called.", None),
    /// FD_GROUP_QOS is reserved: accepted in lEvent, never posted.
    GroupQosReserved = ("FD_GROUP_QOS", "FD_GROUP_QOS Reserved.", None),
    /// FD_CONNECT when a multipoint join made by WSAJoinLeaf completes (at once on a
    /// datagram socket, as a datagram connect does).
    JoinLeafCompletes = ("FD_CONNECT.3", "After calling WSAJoinLeaf, when join operation completes.", None),
    /// WSAAccept whose condition function returned CF_DEFER does not re-enable FD_ACCEPT.
    AcceptDeferred = ("FD_ACCEPT.defer", "FD_ACCEPT accept or WSAAccept unless the error code is WSATRY_AGAIN indicating that the condition function returned CF_DEFER.", None),
    /// The application renegotiates its quality of service: FD_QOS is re-enabled.
    QosRenegotiated = ("FD_QOS.renegotiate", "Further messages will not be forthcoming until either the provider detects a further change in quality of service or the application renegotiates the quality of service for the socket.", None),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The text of the specification, shipped so a user interface can show a rule in context.
///
/// Its copy of the page had lost some headings; they are restored and marked `‡`, and a
/// note at the top of the text says which (the `Event: FD_…` heading of each error table,
/// and the `• FD_WRITE:`, `• FD_ACCEPT:`, `• FD_CONNECT:` … headings of the summary).
///
/// Compiled in with the `texts` feature (on by default); the playground turns it off and
/// fetches the same file (`core/spec/WSAAsyncSelect.txt`, copied into the site).
#[cfg(feature = "texts")]
pub const SPECIFICATION: &str = include_str!("../spec/WSAAsyncSelect.txt");

/// The page's error table that lists the error codes a message of `event` may carry
/// (from its restored `Event: …` heading to its last row), if the page has one.
///
/// ```
/// use wsasim::{spec, NetworkEvent};
/// let t = spec::error_table(NetworkEvent::FD_ACCEPT).unwrap();
/// assert!(t.starts_with("Event: FD_ACCEPT ‡"));
/// assert!(t.ends_with("WSAENETDOWN The network subsystem failed."));
/// ```
#[cfg(feature = "texts")]
pub fn error_table(event: crate::event::NetworkEvent) -> Option<&'static str> {
    error_table_in(SPECIFICATION, event)
}

/// [`error_table`] in `specification`, a copy of [`SPECIFICATION`] read at run time.
pub fn error_table_in(specification: &str, event: crate::event::NetworkEvent) -> Option<&str> {
    let heading = alloc::format!("Event: {} ‡", event.name()?);
    specification
        .split("\n\n")
        .map(str::trim)
        .find(|p| p.contains("Error code Meaning") && p.lines().any(|l| l == heading))
}

/// Why the host's network failing is reported to a socket as `event` with WSAENETDOWN
/// ([`Rule::NetworkDown`]): what the socket was doing, and where the page lists that
/// error for that event.
pub fn network_down_reason(event: crate::event::NetworkEvent) -> Option<&'static str> {
    use crate::event::NetworkEvent as E;
    Some(match event {
        E::FD_ACCEPT => "The socket was listening. A listening socket selects FD_ACCEPT, and the page lists WSAENETDOWN as the one error an FD_ACCEPT message can carry (the table for FD_ACCEPT, FD_WRITE, FD_READ and FD_OOB): so the failure reaches it as FD_ACCEPT with WSAENETDOWN, and no connection request will come.",
        E::FD_CLOSE => "The connection was open. It is lost, and a lost connection ends with FD_CLOSE; the page lists WSAENETDOWN first among the errors FD_CLOSE can carry, before WSAECONNRESET and WSAECONNABORTED.",
        E::FD_CONNECT => "A nonblocking connect was under way. Its outcome, success or failure, is reported by FD_CONNECT (FD_CONNECT.4); here it failed because the network is down. The page's FD_CONNECT table does not name WSAENETDOWN; wsasim uses it as the outcome's error.",
        E::FD_READ => "A bound datagram socket was waiting for data, which FD_READ would announce; the page lists WSAENETDOWN as the error an FD_READ message can carry.",
        E::FD_WRITE => "A send had failed with WSAEWOULDBLOCK and the socket was waiting for FD_WRITE; the page lists WSAENETDOWN as the error an FD_WRITE message can carry.",
        E::FD_ROUTING_INTERFACE_CHANGE => "A SIO_ROUTING_INTERFACE_CHANGE request was pending; the page lists WSAENETDOWN among the errors of FD_ROUTING_INTERFACE_CHANGE.",
        E::FD_ADDRESS_LIST_CHANGE => "A SIO_ADDRESS_LIST_CHANGE request was pending, and is answered with the failure. The page gives no error table for FD_ADDRESS_LIST_CHANGE; wsasim uses WSAENETDOWN as for the routing-interface event.",
        _ => return None,
    })
}

#[cfg(all(test, feature = "texts"))]
mod tests {
    use super::*;

    #[test]
    fn error_tables_are_found_by_their_restored_headings() {
        use crate::event::NetworkEvent as E;
        for e in [E::FD_ACCEPT, E::FD_WRITE, E::FD_READ, E::FD_OOB] {
            let t = error_table(e).expect("a table");
            assert_eq!(t.matches("Error code Meaning").count(), 1, "one table: {t}");
            assert!(t.contains("WSAENETDOWN"));
            assert!(network_down_reason(e).is_some() || e == E::FD_OOB);
        }
        assert!(error_table(E::FD_CLOSE).unwrap().contains("WSAECONNRESET"));
        assert!(error_table(E::FD_CONNECT)
            .unwrap()
            .contains("WSAECONNREFUSED"));
        assert!(error_table(E::FD_QOS).is_none());
        assert!(network_down_reason(E::FD_ACCEPT)
            .unwrap()
            .contains("listening"));
    }

    #[test]
    fn every_sentence_is_verbatim_in_the_specification() {
        let flat: alloc::string::String = SPECIFICATION
            .split_whitespace()
            .collect::<alloc::vec::Vec<_>>()
            .join(" ");
        for rule in Rule::ALL {
            let s: alloc::string::String = rule
                .sentence()
                .split_whitespace()
                .collect::<alloc::vec::Vec<_>>()
                .join(" ");
            assert!(
                flat.contains(&s),
                "{} is not in the specification: {s}",
                rule.id()
            );
        }
    }

    #[test]
    fn ids_are_unique() {
        for (i, a) in Rule::ALL.iter().enumerate() {
            for b in &Rule::ALL[i + 1..] {
                assert_ne!(a.id(), b.id());
            }
        }
    }
}
