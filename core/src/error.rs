//! Winsock error codes ([`WsaError`]) with their real numbers and names.
//!
//! A Winsock error is data, not a failure of the simulation: every call returns
//! `Result<T, WsaError>` exactly where Winsock returns `SOCKET_ERROR` and sets
//! `WSAGetLastError`, and the error is also recorded in the trace.

use core::fmt;

macro_rules! wsa_errors {
    ($( $(#[$doc:meta])* $name:ident = $code:literal ),* $(,)?) => {
        /// A Windows Sockets error code. `Display` prints the Winsock name
        /// (`WSAECONNRESET`), [`WsaError::code`] the number (10054).
        ///
        /// ```
        /// use wsasim::WsaError;
        /// assert_eq!(WsaError::WSAEWOULDBLOCK.code(), 10035);
        /// assert_eq!(WsaError::from_code(10054), Some(WsaError::WSAECONNRESET));
        /// assert_eq!(WsaError::WSAECONNRESET.to_string(), "WSAECONNRESET");
        /// assert_eq!("WSAENETDOWN".parse(), Ok(WsaError::WSAENETDOWN));
        /// ```
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[repr(u16)]
        pub enum WsaError {
            $( $(#[$doc])* $name = $code, )*
        }

        impl WsaError {
            /// Every error wsasim knows, in numeric order.
            pub const ALL: &'static [WsaError] = &[ $( WsaError::$name, )* ];

            /// The Winsock name, e.g. `"WSAEWOULDBLOCK"`.
            pub const fn name(self) -> &'static str {
                match self { $( WsaError::$name => stringify!($name), )* }
            }

            /// The error with this number, if wsasim knows it.
            pub const fn from_code(code: u16) -> Option<WsaError> {
                match code { $( $code => Some(WsaError::$name), )* _ => None }
            }
        }
    };
}

wsa_errors! {
    /// A blocking operation was interrupted by a call to `WSACancelBlockingCall`.
    WSAEINTR = 10004,
    /// Permission denied.
    WSAEACCES = 10013,
    /// A pointer or length argument is invalid (for example `namelen`).
    WSAEFAULT = 10014,
    /// An invalid argument was supplied, or the socket is in an invalid state for the call.
    WSAEINVAL = 10022,
    /// No more socket descriptors are available.
    WSAEMFILE = 10024,
    /// A non-blocking socket operation could not be completed immediately.
    WSAEWOULDBLOCK = 10035,
    /// A blocking Windows Sockets 1.1 call is in progress.
    WSAEINPROGRESS = 10036,
    /// An operation is already in progress on this non-blocking socket.
    WSAEALREADY = 10037,
    /// The descriptor is not a socket.
    WSAENOTSOCK = 10038,
    /// A destination address is required.
    WSAEDESTADDRREQ = 10039,
    /// A datagram was larger than the buffer and was truncated.
    WSAEMSGSIZE = 10040,
    /// The option is unknown or unsupported for this socket.
    WSAENOPROTOOPT = 10042,
    /// The socket type is not supported in this address family.
    WSAESOCKTNOSUPPORT = 10044,
    /// The operation is not supported for this kind of socket.
    WSAEOPNOTSUPP = 10045,
    /// Addresses in the specified family cannot be used with this socket.
    WSAEAFNOSUPPORT = 10047,
    /// The address is already in use.
    WSAEADDRINUSE = 10048,
    /// The address is not valid on this host.
    WSAEADDRNOTAVAIL = 10049,
    /// The network subsystem failed.
    WSAENETDOWN = 10050,
    /// The network cannot be reached from this host at this time.
    WSAENETUNREACH = 10051,
    /// The connection was terminated due to a time-out or other failure.
    WSAECONNABORTED = 10053,
    /// The connection was reset by the remote side.
    WSAECONNRESET = 10054,
    /// No buffer space is available.
    WSAENOBUFS = 10055,
    /// The socket is already connected.
    WSAEISCONN = 10056,
    /// The socket is not connected.
    WSAENOTCONN = 10057,
    /// The socket has been shut down in that direction.
    WSAESHUTDOWN = 10058,
    /// An attempt to connect timed out without establishing a connection.
    WSAETIMEDOUT = 10060,
    /// The attempt to connect was rejected.
    WSAECONNREFUSED = 10061,
    /// The remote host cannot be reached.
    WSAEHOSTUNREACH = 10065,
    /// A successful `WSAStartup` call must occur before using this function.
    WSANOTINITIALISED = 10093,
    /// A non-authoritative answer, or (`WSAAccept`) the condition function returned
    /// `CF_DEFER`: try again later.
    WSATRY_AGAIN = 11002,
}

impl WsaError {
    /// The number returned by `WSAGetLastError`.
    pub const fn code(self) -> u16 {
        self as u16
    }

    /// Winsock's one-line description of the error.
    pub fn description(self) -> &'static str {
        use WsaError::*;
        match self {
            WSAEINTR => "A blocking operation was interrupted by WSACancelBlockingCall.",
            WSAEACCES => "Permission denied.",
            WSAEFAULT => "The namelen parameter (or another pointer or length) is invalid.",
            WSAEINVAL => "An invalid argument was supplied, or the socket is in an invalid state.",
            WSAEMFILE => "No more file descriptors are available.",
            WSAEWOULDBLOCK => "A non-blocking socket operation could not be completed immediately.",
            WSAEINPROGRESS => "A blocking Windows Sockets 1.1 call is in progress.",
            WSAEALREADY => "An operation is already in progress on this non-blocking socket.",
            WSAENOTSOCK => "The descriptor is not a socket.",
            WSAEDESTADDRREQ => "A destination address is required.",
            WSAEMSGSIZE => "The datagram was too large for the buffer and was truncated.",
            WSAENOPROTOOPT => "The option is unknown or unsupported.",
            WSAESOCKTNOSUPPORT => "The socket type is not supported in this address family.",
            WSAEOPNOTSUPP => "The operation is not supported for this type of socket.",
            WSAEAFNOSUPPORT => "Addresses in the specified family cannot be used with this socket.",
            WSAEADDRINUSE => "The address is already in use.",
            WSAEADDRNOTAVAIL => "The address is not valid on this host.",
            WSAENETDOWN => "The network subsystem failed.",
            WSAENETUNREACH => "The network cannot be reached from this host at this time.",
            WSAECONNABORTED => "The connection was terminated due to a time-out or other failure.",
            WSAECONNRESET => "The connection was reset by the remote side.",
            WSAENOBUFS => "No buffer space is available.",
            WSAEISCONN => "The socket is already connected.",
            WSAENOTCONN => "The socket is not connected.",
            WSAESHUTDOWN => "The socket has been shut down.",
            WSAETIMEDOUT => "Attempt to connect timed out without establishing a connection.",
            WSAECONNREFUSED => "The attempt to connect was rejected.",
            WSAEHOSTUNREACH => "The remote host cannot be reached.",
            WSANOTINITIALISED => {
                "A successful WSAStartup call must occur before using this function."
            }
            WSATRY_AGAIN => "The condition function returned CF_DEFER: the connection request stays queued; try again later.",
        }
    }
}

impl fmt::Display for WsaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl core::error::Error for WsaError {}

impl core::str::FromStr for WsaError {
    type Err = UnknownName;
    /// Parses a Winsock name (`WSAECONNRESET`) or a number (`10054`).
    fn from_str(s: &str) -> Result<WsaError, UnknownName> {
        let s = s.trim();
        if let Some(e) = WsaError::ALL.iter().find(|e| e.name() == s) {
            return Ok(*e);
        }
        s.parse::<u16>()
            .ok()
            .and_then(WsaError::from_code)
            .ok_or(UnknownName)
    }
}

/// The error from parsing a `NetworkEvent` or [`WsaError`] name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName;

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown Winsock name")
    }
}

impl core::error::Error for UnknownName {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_round_trip() {
        for e in WsaError::ALL {
            assert_eq!(WsaError::from_code(e.code()), Some(*e));
            assert_eq!(e.name().parse::<WsaError>(), Ok(*e));
            assert!(e.name().starts_with("WSA"));
        }
        assert_eq!(WsaError::WSAECONNRESET.code(), 0x2746);
        assert_eq!(WsaError::from_code(0), None);
    }
}
