//! Network events (`FD_*`) and the `lParam` of a WSAAsyncSelect message.
//!
//! [`NetworkEvent`] is the `lEvent` bitmask with Winsock's real values;
//! [`LParam`] is `WSAMAKESELECTREPLY(event, error)` and decodes with
//! [`LParam::event`] (`WSAGETSELECTEVENT`) and [`LParam::error`] (`WSAGETSELECTERROR`).

use core::fmt;
use core::ops::{BitAnd, BitOr, BitOrAssign, Not};

pub use crate::error::UnknownName;
use crate::error::WsaError;

/// A set of `FD_*` network events: the `lEvent` argument of `WSAAsyncSelect`, or the
/// low word of an `lParam`, which names exactly one event.
///
/// The constants carry Winsock's real values, so `NetworkEvent::FD_CLOSE.bits() == 0x20`.
/// `Display` prints the Winsock names joined by `|`, e.g. `FD_READ|FD_WRITE`.
///
/// ```
/// use wsasim::NetworkEvent;
/// let interest = NetworkEvent::FD_READ | NetworkEvent::FD_CLOSE;
/// assert!(interest.contains(NetworkEvent::FD_CLOSE));
/// assert_eq!(interest.to_string(), "FD_READ|FD_CLOSE");
/// assert_eq!("FD_READ|FD_CLOSE".parse::<NetworkEvent>(), Ok(interest));
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NetworkEvent(u32);

impl NetworkEvent {
    /// No event; `WSAAsyncSelect(s, hWnd, 0, 0)` cancels all notification.
    pub const NONE: NetworkEvent = NetworkEvent(0);
    /// Socket ready for reading.
    pub const FD_READ: NetworkEvent = NetworkEvent(0x01);
    /// Socket ready for writing.
    pub const FD_WRITE: NetworkEvent = NetworkEvent(0x02);
    /// OOB data ready for reading.
    pub const FD_OOB: NetworkEvent = NetworkEvent(0x04);
    /// Socket ready for accepting a new incoming connection.
    pub const FD_ACCEPT: NetworkEvent = NetworkEvent(0x08);
    /// Connection (or multipoint join) operation completed.
    pub const FD_CONNECT: NetworkEvent = NetworkEvent(0x10);
    /// Connection has been closed.
    pub const FD_CLOSE: NetworkEvent = NetworkEvent(0x20);
    /// Quality of Service of the socket has changed.
    pub const FD_QOS: NetworkEvent = NetworkEvent(0x40);
    /// Reserved: Quality of Service of the socket group has changed. Accepted, never posted.
    pub const FD_GROUP_QOS: NetworkEvent = NetworkEvent(0x80);
    /// Local interface that should be used to reach a destination has changed.
    pub const FD_ROUTING_INTERFACE_CHANGE: NetworkEvent = NetworkEvent(0x100);
    /// The list of local addresses the socket's family can bind to has changed.
    pub const FD_ADDRESS_LIST_CHANGE: NetworkEvent = NetworkEvent(0x200);
    /// All ten events (`FD_ALL_EVENTS`).
    pub const FD_ALL_EVENTS: NetworkEvent = NetworkEvent(0x3ff);

    /// The ten single events in bit order, which is also the order in which wsasim
    /// posts several events found true at the same moment.
    pub const ALL: [NetworkEvent; 10] = [
        Self::FD_READ,
        Self::FD_WRITE,
        Self::FD_OOB,
        Self::FD_ACCEPT,
        Self::FD_CONNECT,
        Self::FD_CLOSE,
        Self::FD_QOS,
        Self::FD_GROUP_QOS,
        Self::FD_ROUTING_INTERFACE_CHANGE,
        Self::FD_ADDRESS_LIST_CHANGE,
    ];

    /// The set with these raw bits, including bits that name no event
    /// (`WSAAsyncSelect` rejects those with `WSAEINVAL`).
    pub const fn from_bits(bits: u32) -> NetworkEvent {
        NetworkEvent(bits)
    }

    /// The raw bits, as passed in `lEvent`.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// True if no bit is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True if every event of `other` is in `self`.
    pub const fn contains(self, other: NetworkEvent) -> bool {
        self.0 & other.0 == other.0
    }

    /// True if `self` and `other` share an event.
    pub const fn intersects(self, other: NetworkEvent) -> bool {
        self.0 & other.0 != 0
    }

    /// True if some bit names no `FD_*` event.
    pub const fn has_unknown_bits(self) -> bool {
        self.0 & !Self::FD_ALL_EVENTS.0 != 0
    }

    /// The single events in this set, in bit order.
    pub fn iter(self) -> impl Iterator<Item = NetworkEvent> {
        Self::ALL.into_iter().filter(move |e| self.contains(*e))
    }

    /// The position of a single event in `WSANETWORKEVENTS.iErrorCode`
    /// (`FD_READ_BIT` = 0 … `FD_ADDRESS_LIST_CHANGE_BIT` = 9), or `None` for a set.
    pub fn bit_index(self) -> Option<usize> {
        Self::ALL.iter().position(|e| *e == self)
    }

    /// The Winsock name of a single event (`"FD_READ"`), or `None` if `self` is not one event.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::FD_READ => "FD_READ",
            Self::FD_WRITE => "FD_WRITE",
            Self::FD_OOB => "FD_OOB",
            Self::FD_ACCEPT => "FD_ACCEPT",
            Self::FD_CONNECT => "FD_CONNECT",
            Self::FD_CLOSE => "FD_CLOSE",
            Self::FD_QOS => "FD_QOS",
            Self::FD_GROUP_QOS => "FD_GROUP_QOS",
            Self::FD_ROUTING_INTERFACE_CHANGE => "FD_ROUTING_INTERFACE_CHANGE",
            Self::FD_ADDRESS_LIST_CHANGE => "FD_ADDRESS_LIST_CHANGE",
            _ => return None,
        })
    }

    /// The single event with this Winsock name (`"FD_CLOSE"`), or `FD_ALL_EVENTS`.
    pub fn from_name(name: &str) -> Option<NetworkEvent> {
        if name == "FD_ALL_EVENTS" {
            return Some(Self::FD_ALL_EVENTS);
        }
        Self::ALL.into_iter().find(|e| e.name() == Some(name))
    }
}

impl BitOr for NetworkEvent {
    type Output = NetworkEvent;
    fn bitor(self, rhs: NetworkEvent) -> NetworkEvent {
        NetworkEvent(self.0 | rhs.0)
    }
}

impl BitOrAssign for NetworkEvent {
    fn bitor_assign(&mut self, rhs: NetworkEvent) {
        self.0 |= rhs.0;
    }
}

impl BitAnd for NetworkEvent {
    type Output = NetworkEvent;
    fn bitand(self, rhs: NetworkEvent) -> NetworkEvent {
        NetworkEvent(self.0 & rhs.0)
    }
}

impl Not for NetworkEvent {
    type Output = NetworkEvent;
    fn not(self) -> NetworkEvent {
        NetworkEvent(!self.0 & Self::FD_ALL_EVENTS.0)
    }
}

impl fmt::Display for NetworkEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0");
        }
        let mut first = true;
        for e in self.iter() {
            if !first {
                f.write_str("|")?;
            }
            first = false;
            f.write_str(e.name().unwrap_or("?"))?;
        }
        let unknown = self.0 & !Self::FD_ALL_EVENTS.0;
        if unknown != 0 {
            if !first {
                f.write_str("|")?;
            }
            write!(f, "{unknown:#x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for NetworkEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NetworkEvent({self})")
    }
}

impl core::str::FromStr for NetworkEvent {
    type Err = UnknownName;
    /// Parses `FD_READ|FD_CLOSE`, `0`, or a number such as `0x21`.
    fn from_str(s: &str) -> Result<NetworkEvent, UnknownName> {
        let mut set = NetworkEvent::NONE;
        for part in s.split('|') {
            let part = part.trim();
            if let Some(e) = NetworkEvent::from_name(part) {
                set |= e;
            } else if let Some(n) = parse_number(part) {
                set |= NetworkEvent(n);
            } else {
                return Err(UnknownName);
            }
        }
        Ok(set)
    }
}

/// Parses a decimal or `0x` hexadecimal `u32`.
pub(crate) fn parse_number(s: &str) -> Option<u32> {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u32::from_str_radix(hex, 16).ok()
    } else {
        s.parse().ok()
    }
}

/// The `lParam` of a WSAAsyncSelect message: the low word is the event
/// (`WSAGETSELECTEVENT`), the high word the error (`WSAGETSELECTERROR`).
///
/// > When one of the nominated network events occurs on the specified socket s, the
/// > application window hWnd receives message wMsg. The wParam parameter identifies the
/// > socket on which a network event has occurred. The low word of lParam specifies the
/// > network event that has occurred. The high word of lParam contains any error code.
///
/// ```
/// use wsasim::{LParam, NetworkEvent, WsaError};
/// let lparam = LParam::from_raw(0x2746_0020);
/// assert_eq!(lparam.event(), NetworkEvent::FD_CLOSE);            // WSAGETSELECTEVENT
/// assert_eq!(lparam.error(), Some(WsaError::WSAECONNRESET));     // WSAGETSELECTERROR
/// assert_eq!(lparam, LParam::new(NetworkEvent::FD_CLOSE, Some(WsaError::WSAECONNRESET)));
/// assert_eq!(lparam.to_string(), "0x27460020 (FD_CLOSE, WSAECONNRESET)");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LParam(u32);

impl LParam {
    /// `WSAMAKESELECTREPLY(event, error)`: event in the low word, error (or 0) in the high word.
    pub fn new(event: NetworkEvent, error: Option<WsaError>) -> LParam {
        let hi = error.map_or(0, |e| e.code() as u32);
        LParam((hi << 16) | (event.bits() & 0xffff))
    }

    /// An lParam with these 32 bits, as typed by a user.
    pub const fn from_raw(raw: u32) -> LParam {
        LParam(raw)
    }

    /// The 32 bits.
    pub const fn raw(self) -> u32 {
        self.0
    }

    /// `WSAGETSELECTEVENT(lParam)`: the low word, as an event set.
    pub const fn event(self) -> NetworkEvent {
        NetworkEvent::from_bits(self.0 & 0xffff)
    }

    /// `WSAGETSELECTERROR(lParam)`: the high word as a raw number.
    pub const fn error_code(self) -> u16 {
        (self.0 >> 16) as u16
    }

    /// `WSAGETSELECTERROR(lParam)` as a known Winsock error; `None` for 0 (no error)
    /// and for a number that is not a Winsock error (see [`LParam::error_code`]).
    pub fn error(self) -> Option<WsaError> {
        WsaError::from_code(self.error_code())
    }

    /// Parses `0x27460020` or a decimal number.
    pub fn parse(s: &str) -> Option<LParam> {
        parse_number(s).map(LParam)
    }
}

impl fmt::Display for LParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#010x} ({}, ", self.0, self.event())?;
        match (self.error_code(), self.error()) {
            (0, _) => f.write_str("0)"),
            (_, Some(e)) => write!(f, "{e})"),
            (n, None) => write!(f, "{n})"),
        }
    }
}

impl fmt::Debug for LParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LParam({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn values_are_winsocks() {
        let bits: [u32; 10] = [1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200];
        for (e, b) in NetworkEvent::ALL.iter().zip(bits) {
            assert_eq!(e.bits(), b, "{e}");
        }
        assert_eq!(NetworkEvent::FD_ADDRESS_LIST_CHANGE.bit_index(), Some(9));
        assert_eq!(
            (NetworkEvent::FD_READ | NetworkEvent::FD_OOB).bit_index(),
            None
        );
    }

    #[test]
    fn lparam_round_trips_every_event_and_error() {
        for e in NetworkEvent::ALL {
            for err in [
                None,
                Some(WsaError::WSAECONNRESET),
                Some(WsaError::WSAENETDOWN),
            ] {
                let l = LParam::new(e, err);
                assert_eq!(l.event(), e);
                assert_eq!(l.error(), err);
            }
        }
    }

    #[test]
    fn lparam_display_names_both_words() {
        assert_eq!(
            LParam::from_raw(0x0000_0001).to_string(),
            "0x00000001 (FD_READ, 0)"
        );
        assert_eq!(
            LParam::from_raw(0x1234_0001).to_string(),
            "0x12340001 (FD_READ, 4660)"
        );
        assert_eq!(
            LParam::parse("0x27460020").map(|l| l.raw()),
            Some(0x2746_0020)
        );
        assert_eq!(LParam::parse("zz"), None);
    }

    #[test]
    fn parse_and_display_sets() {
        let s: NetworkEvent = "FD_ACCEPT | FD_READ|0x400".parse().unwrap();
        assert_eq!(s.bits(), 0x409);
        assert!(s.has_unknown_bits());
        assert_eq!(s.to_string(), "FD_READ|FD_ACCEPT|0x400");
        assert_eq!("FD_NOPE".parse::<NetworkEvent>(), Err(UnknownName));
        assert_eq!(NetworkEvent::NONE.to_string(), "0");
        assert_eq!(!NetworkEvent::FD_READ, NetworkEvent::from_bits(0x3fe));
    }
}
