//! Behaviour profiles: where Windows does not do what the page says, a [`Profile`]
//! chooses. Each point of divergence is one method here, named and cited; the rest of
//! the model asks the profile and never tests `Profile::Windows` itself.
//!
//! Where the conformance tests run on Windows are silent — FD_QOS, FD_ROUTING_INTERFACE_CHANGE
//! and FD_ADDRESS_LIST_CHANGE as messages, and refused connects in message mode — the
//! Windows profile keeps the documented behaviour (rules `FD_QOS.*`,
//! `FD_ROUTING_INTERFACE_CHANGE`, `FD_ADDRESS_LIST_CHANGE` and `FD_CONNECT.4` say so).

use crate::error::WsaError;

/// Whose behaviour the simulation reproduces where the two differ.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Profile {
    /// What `WSAAsyncSelect.txt` says (the default).
    #[default]
    Documented,
    /// What Windows does where conformance tests run on Windows show it departing from the page.
    Windows,
}

impl Profile {
    /// The name used in scripts: `documented` or `windows`.
    pub const fn name(self) -> &'static str {
        match self {
            Profile::Documented => "documented",
            Profile::Windows => "windows",
        }
    }

    /// The error in FD_CLOSE when the peer resets the connection.
    ///
    /// Documented (FD_CLOSE.4): "lParam will contain WSAECONNRESET error value."
    /// Windows: WSAECONNABORTED.
    pub const fn reset_close_error(self) -> WsaError {
        match self {
            Profile::Documented => WsaError::WSAECONNRESET,
            Profile::Windows => WsaError::WSAECONNABORTED,
        }
    }

    /// The error later calls (recv, send) fail with when the peer resets a connection whose
    /// end of stream, its FIN, had already arrived (CLOSE_WAIT: the peer shut down sending,
    /// closed, and answered this socket's data with a reset).
    ///
    /// Documented: WSAECONNRESET, as for any reset ("The virtual circuit was reset by the
    /// remote side"). Windows (Wine's test_shutdown, "Send data to a peer which is closed":
    /// `shutdown(client, SD_SEND); closesocket(client); send(server, …)` succeeds, then
    /// `recv(server, …)` fails with `WSAECONNABORTED`, a todo on Wine only):
    /// WSAECONNABORTED.
    pub const fn reset_after_fin_error(self) -> WsaError {
        match self {
            Profile::Documented => WsaError::WSAECONNRESET,
            Profile::Windows => WsaError::WSAECONNABORTED,
        }
    }

    /// Whether a graceful FD_CLOSE waits until all received data has been read.
    ///
    /// Documented (FD_CLOSE.2): "the FD_CLOSE is not delivered until all pending data has been read".
    /// Windows: FD_CLOSE is posted as soon as the FIN arrives.
    pub const fn close_waits_for_unread_data(self) -> bool {
        matches!(self, Profile::Documented)
    }

    /// Whether a new selection of a connected socket reports FD_CONNECT; `event_select`
    /// tells WSAEventSelect from WSAAsyncSelect, `accepted` a connection `accept` returned
    /// from one the socket's own `connect` made.
    ///
    /// Documented (FD_CONNECT.1): "When WSAAsyncSelect called, if there is currently a
    /// connection established", whoever made it. Windows (Wine's test_connect_events,
    /// "Connect and then select" and `select_events(ctx, server, … FD_CONNECT …);
    /// check_events(ctx, FD_WRITE, 0, 200)` on the accepted socket): never for
    /// WSAAsyncSelect (it posts FD_WRITE only); WSAEventSelect records FD_CONNECT for a
    /// socket that called connect, but not for an accepted one.
    pub const fn select_posts_connect(self, event_select: bool, accepted: bool) -> bool {
        match self {
            Profile::Documented => true,
            Profile::Windows => event_select && !accepted,
        }
    }

    /// Whether connect() on a datagram socket posts FD_CONNECT then FD_WRITE (Documented:
    /// FD_CONNECT.2 "even when connect succeeds immediately, as is typical with a datagram
    /// socket", and "An FD_WRITE message is posted when a socket is first connected with
    /// connect … (after FD_CONNECT, if also registered)"), or a fresh FD_WRITE alone
    /// (Windows, Wine's test_connect_events, UDP part: `check_events(ctx, FD_WRITE, 0, 200)`
    /// in message mode).
    pub const fn dgram_connect_posts_connect(self) -> bool {
        matches!(self, Profile::Documented)
    }

    /// WSAEventSelect mode, where connect() on a datagram socket posts FD_WRITE (see
    /// [`Profile::dgram_connect_posts_connect`]): whether it records FD_CONNECT as well.
    ///
    /// Documented: the question does not arise (FD_CONNECT.2 posts FD_CONNECT). Windows
    /// (Wine's test_connect_events, UDP part: `check_events_todo(ctx, FD_CONNECT, FD_WRITE,
    /// 200)` in event mode, `FD_WRITE` alone in message mode): yes.
    pub const fn event_select_dgram_connect_records_connect(self) -> bool {
        matches!(self, Profile::Windows)
    }

    /// Whether connect() on a datagram socket accepts port 0 (a default peer that no
    /// datagram can reach).
    ///
    /// Documented: no, `WSAEADDRNOTAVAIL` ("The remote address is not a valid address (such
    /// as INADDR_ANY or in6addr_any)", as for a stream socket). Windows (Wine's
    /// test_connect_events, UDP part: `connect(client, &addr)` with port 0,
    /// `ok(!ret)`): yes.
    pub const fn dgram_connect_accepts_port_zero(self) -> bool {
        matches!(self, Profile::Windows)
    }

    /// Whether an unbound datagram socket counts as writable when selected for FD_WRITE;
    /// `event_select` tells WSAEventSelect from WSAAsyncSelect.
    ///
    /// Documented (FD_WRITE.1): "When WSAAsyncSelect called, if a send or sendto is
    /// possible", and sendto on an unbound datagram socket is possible: it binds the socket
    /// implicitly. FD_WRITE.4 ("a connectionless socket is always writable immediately after
    /// a bind operation") makes bind sufficient, not necessary. Windows (Wine's
    /// test_connect_events, UDP part): selecting an unbound UDP socket posts FD_WRITE at
    /// once with WSAAsyncSelect, but WSAEventSelect records nothing
    /// (`check_events_todo_event(ctx, 0, 0, 0)`).
    pub const fn dgram_writable_unbound(self, event_select: bool) -> bool {
        match self {
            Profile::Documented => true,
            Profile::Windows => !event_select,
        }
    }

    /// WSAEventSelect mode: whether a re-enabling call that fails still re-enables.
    ///
    /// Documented (REENABLE): "Any call to the reenabling routine, even one that fails,
    /// results in reenabling". Windows: only in message mode; a failing recv does not
    /// re-enable FD_READ for WSAEventSelect.
    pub const fn failed_call_reenables_event_select(self) -> bool {
        matches!(self, Profile::Documented)
    }

    /// WSAEventSelect mode: whether new data, a new urgent byte or a new connection records
    /// FD_READ, FD_OOB or FD_ACCEPT again before the re-enabling call.
    ///
    /// Documented (NOFLOOD): no further event until the re-enabling call. Windows: every
    /// arrival is recorded and signals the event object (Wine's test_read_events,
    /// test_oob_events and test_accept_events: a second send, MSG_OOB send or connect before
    /// recv or accept, then `if (!ctx->is_message) check_events_todo*(ctx, FD_X, 0, 200)`).
    pub const fn event_select_records_every_arrival(self) -> bool {
        matches!(self, Profile::Windows)
    }

    /// WSAEventSelect mode: whether a new WSAEventSelect (or one of no events) keeps the
    /// latches and the recorded events of the selection before it, so that it records
    /// only conditions not recorded yet.
    ///
    /// Documented ("If any event has occurred when the application calls WSAAsyncSelect
    /// … a message is posted"): no, every condition that holds is recorded again.
    /// Windows (Wine's test_connect_events, test_accept_events, test_write_events,
    /// test_read_events: `select_events(ctx, s, 0); select_events(ctx, s, …);
    /// check_events(ctx, 0, 0, 0)` in event mode, while an event first added to the mask,
    /// such as FD_CONNECT on a connected socket, is recorded): yes.
    pub const fn event_select_keeps_latches(self) -> bool {
        matches!(self, Profile::Windows)
    }

    /// Whether each MSG_OOB send's urgent byte is kept until read (a queue), or a new
    /// urgent byte replaces one not yet read (one urgent byte, as TCP's single urgent
    /// pointer and BSD sockets have it).
    ///
    /// The page does not say; FD_OOB.3 ("if OOB data is still available") is read here with
    /// TCP's one urgent pointer. Windows queues one urgent byte per MSG_OOB send and
    /// re-posts FD_OOB while another remains.
    pub const fn urgent_bytes_queue(self) -> bool {
        matches!(self, Profile::Windows)
    }
}

impl core::fmt::Display for Profile {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for Profile {
    type Err = crate::error::UnknownName;
    fn from_str(s: &str) -> Result<Profile, Self::Err> {
        match s {
            "documented" => Ok(Profile::Documented),
            "windows" => Ok(Profile::Windows),
            _ => Err(crate::error::UnknownName),
        }
    }
}
