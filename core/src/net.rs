//! The simulated network: IPv4 addresses, hosts' links, and the [`Segment`]s that travel on them.
//!
//! Modelling decisions:
//! - Every pair of hosts is joined by a link with a latency (1 ms unless set) that delivers
//!   in order; a link can be cut (`partition`) and healed. A cut link drops segments both
//!   when they are sent and when they would arrive.
//! - An address that no host owns is either on one of the sender's /24 networks (nobody
//!   answers: the connect times out) or outside them (no route: `WSAENETUNREACH`).
//! - There is no loss, reordering or congestion except what a user injects.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::time::Duration;

/// An IPv4 address. `Display` and `FromStr` use dotted-quad notation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ipv4(pub [u8; 4]);

impl Ipv4 {
    /// `0.0.0.0` (`INADDR_ANY`).
    pub const ANY: Ipv4 = Ipv4([0, 0, 0, 0]);

    /// True for `INADDR_ANY`.
    pub fn is_any(self) -> bool {
        self == Self::ANY
    }

    /// True if both addresses are on the same /24 network.
    pub fn same_subnet(self, other: Ipv4) -> bool {
        self.0[..3] == other.0[..3]
    }
}

impl fmt::Display for Ipv4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.0;
        write!(f, "{a}.{b}.{c}.{d}")
    }
}

/// The error from parsing an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddrParseError;

impl fmt::Display for AddrParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected an IPv4 address such as 10.0.0.1 or 10.0.0.1:80")
    }
}

impl core::str::FromStr for Ipv4 {
    type Err = AddrParseError;
    fn from_str(s: &str) -> Result<Ipv4, AddrParseError> {
        let mut out = [0u8; 4];
        let mut parts = s.split('.');
        for slot in &mut out {
            let p = parts.next().ok_or(AddrParseError)?;
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(AddrParseError);
            }
            *slot = p.parse().map_err(|_| AddrParseError)?;
        }
        if parts.next().is_some() {
            return Err(AddrParseError);
        }
        Ok(Ipv4(out))
    }
}

/// An IPv4 socket address (`sockaddr_in`): address and port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SockAddr {
    /// The address.
    pub ip: Ipv4,
    /// The port.
    pub port: u16,
}

impl SockAddr {
    /// The address `ip:port`.
    pub const fn new(ip: Ipv4, port: u16) -> SockAddr {
        SockAddr { ip, port }
    }
}

impl fmt::Display for SockAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.ip, self.port)
    }
}

impl core::str::FromStr for SockAddr {
    type Err = AddrParseError;
    fn from_str(s: &str) -> Result<SockAddr, AddrParseError> {
        let (ip, port) = s.rsplit_once(':').ok_or(AddrParseError)?;
        Ok(SockAddr {
            ip: ip.parse()?,
            port: port.parse().map_err(|_| AddrParseError)?,
        })
    }
}

/// Identifies a host of the simulated world (its index, in order of creation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HostId(pub u16);

impl fmt::Display for HostId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "host#{}", self.0)
    }
}

/// TCP header flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TcpFlags {
    /// Synchronize sequence numbers (opens a connection).
    pub syn: bool,
    /// The acknowledgment field is significant.
    pub ack: bool,
    /// No more data from the sender (graceful close).
    pub fin: bool,
    /// Reset the connection (abortive close or refusal).
    pub rst: bool,
    /// The urgent pointer is significant (OOB data).
    pub urg: bool,
}

impl TcpFlags {
    const fn of(syn: bool, ack: bool, fin: bool, rst: bool) -> TcpFlags {
        TcpFlags {
            syn,
            ack,
            fin,
            rst,
            urg: false,
        }
    }

    /// `SYN`: the first segment of an active open.
    pub const SYN: TcpFlags = TcpFlags::of(true, false, false, false);
    /// `SYN|ACK`: the answer of a passive open.
    pub const SYN_ACK: TcpFlags = TcpFlags::of(true, true, false, false);
    /// `ACK`: data or a bare acknowledgment.
    pub const ACK: TcpFlags = TcpFlags::of(false, true, false, false);
    /// `FIN|ACK`: the end of the sender's data.
    pub const FIN_ACK: TcpFlags = TcpFlags::of(false, true, true, false);
    /// `RST`: a reset answering a segment that carried an ACK.
    pub const RST: TcpFlags = TcpFlags::of(false, false, false, true);
    /// `RST|ACK`: a reset with an acknowledgment.
    pub const RST_ACK: TcpFlags = TcpFlags::of(false, true, false, true);
}

impl fmt::Display for TcpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = Vec::new();
        for (on, name) in [
            (self.syn, "SYN"),
            (self.fin, "FIN"),
            (self.rst, "RST"),
            (self.urg, "URG"),
            (self.ack, "ACK"),
        ] {
            if on {
                names.push(name);
            }
        }
        f.write_str(&names.join("|"))
    }
}

/// What a [`Segment`] carries.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Payload {
    /// A TCP segment.
    Tcp {
        /// Header flags.
        flags: TcpFlags,
        /// Sequence number of the first byte (or of SYN/FIN).
        seq: u32,
        /// Next sequence number expected by the sender of this segment.
        ack: u32,
        /// Receive window the sender advertises.
        wnd: u32,
        /// With URG: the sequence number just after the urgent byte.
        urp: u32,
        /// Data bytes.
        data: Vec<u8>,
    },
    /// A UDP datagram.
    Udp {
        /// The datagram's bytes.
        data: Vec<u8>,
    },
}

/// A packet on the wire between two hosts.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Segment {
    /// Sending socket's address.
    pub src: SockAddr,
    /// Receiving socket's address.
    pub dst: SockAddr,
    /// The TCP or UDP contents.
    pub payload: Payload,
}

impl Segment {
    /// What the trace keeps of it: addresses, header and the data's length.
    pub fn header(&self) -> SegmentHeader {
        let kind = match &self.payload {
            Payload::Tcp {
                flags,
                seq,
                ack,
                wnd,
                urp,
                data,
            } => SegmentKind::Tcp {
                flags: *flags,
                seq: *seq,
                ack: *ack,
                wnd: *wnd,
                urp: *urp,
                len: data.len() as u32,
            },
            Payload::Udp { data } => SegmentKind::Udp {
                len: data.len() as u32,
            },
        };
        SegmentHeader {
            src: self.src,
            dst: self.dst,
            kind,
        }
    }

    /// A one-line summary such as `SYN seq=0 ack=0 win=8192` or `UDP 5 bytes`.
    pub fn summary(&self) -> String {
        self.header().summary()
    }

    /// The TCP flags, or `None` for a datagram.
    pub fn tcp_flags(&self) -> Option<TcpFlags> {
        match &self.payload {
            Payload::Tcp { flags, .. } => Some(*flags),
            Payload::Udp { .. } => None,
        }
    }
}

/// A segment as the trace keeps it: addresses and header, and only the length of its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentHeader {
    /// Sending socket's address.
    pub src: SockAddr,
    /// Receiving socket's address.
    pub dst: SockAddr,
    /// The TCP header or the datagram's length.
    pub kind: SegmentKind,
}

/// The protocol part of a [`SegmentHeader`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SegmentKind {
    /// A TCP segment's header and data length.
    Tcp {
        /// Header flags.
        flags: TcpFlags,
        /// Sequence number.
        seq: u32,
        /// Acknowledgment number.
        ack: u32,
        /// Advertised window.
        wnd: u32,
        /// Urgent pointer.
        urp: u32,
        /// Data bytes carried.
        len: u32,
    },
    /// A UDP datagram's length.
    Udp {
        /// Data bytes carried.
        len: u32,
    },
}

impl SegmentHeader {
    /// A one-line summary such as `SYN seq=0 ack=0 win=8192` or `UDP len=5`.
    pub fn summary(&self) -> String {
        match self.kind {
            SegmentKind::Tcp {
                flags,
                seq,
                ack,
                wnd,
                urp,
                len,
            } => {
                let mut s = alloc::format!("{flags} seq={seq}");
                if flags.ack {
                    s.push_str(&alloc::format!(" ack={ack}"));
                }
                s.push_str(&alloc::format!(" win={wnd}"));
                if flags.urg {
                    s.push_str(&alloc::format!(" urp={urp}"));
                }
                if len > 0 {
                    s.push_str(&alloc::format!(" len={len}"));
                }
                s
            }
            SegmentKind::Udp { len } => alloc::format!("UDP len={len}"),
        }
    }

    /// The TCP flags, or `None` for a datagram.
    pub fn tcp_flags(&self) -> Option<TcpFlags> {
        match self.kind {
            SegmentKind::Tcp { flags, .. } => Some(flags),
            SegmentKind::Udp { .. } => None,
        }
    }

    /// The data bytes carried.
    pub fn len(&self) -> usize {
        match self.kind {
            SegmentKind::Tcp { len, .. } | SegmentKind::Udp { len } => len as usize,
        }
    }

    /// True for a segment without data.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Display for SegmentHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} > {} {}", self.src, self.dst, self.summary())
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} > {} {}", self.src, self.dst, self.summary())
    }
}

/// A link between two hosts.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Link {
    /// One end (the smaller id).
    pub a: HostId,
    /// The other end.
    pub b: HostId,
    /// One-way delay.
    pub latency: Duration,
    /// False while the link is cut by a partition.
    pub up: bool,
}

/// The latency of a link nobody configured.
pub const DEFAULT_LATENCY: Duration = Duration::from_millis(1);

/// The latency of a host talking to itself.
pub const LOOPBACK_LATENCY: Duration = Duration::from_micros(10);

/// The links between hosts. A pair with no entry has a default, working link.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Links {
    links: Vec<Link>,
}

impl Links {
    fn key(a: HostId, b: HostId) -> (HostId, HostId) {
        if a <= b {
            (a, b)
        } else {
            (b, a)
        }
    }

    /// The link between `a` and `b`, creating the default one if needed.
    pub fn get_mut(&mut self, a: HostId, b: HostId) -> &mut Link {
        let (a, b) = Self::key(a, b);
        let pos = match self.links.iter().position(|l| l.a == a && l.b == b) {
            Some(pos) => pos,
            None => {
                self.links.push(Link {
                    a,
                    b,
                    latency: DEFAULT_LATENCY,
                    up: true,
                });
                self.links.len() - 1
            }
        };
        &mut self.links[pos]
    }

    /// The latency and state of the link between `a` and `b`.
    pub fn get(&self, a: HostId, b: HostId) -> Link {
        if a == b {
            return Link {
                a,
                b,
                latency: LOOPBACK_LATENCY,
                up: true,
            };
        }
        let (a, b) = Self::key(a, b);
        self.links
            .iter()
            .find(|l| l.a == a && l.b == b)
            .cloned()
            .unwrap_or(Link {
                a,
                b,
                latency: DEFAULT_LATENCY,
                up: true,
            })
    }

    /// Every link that differs from the default.
    pub fn iter(&self) -> impl Iterator<Item = &Link> {
        self.links.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn addresses_parse_and_print() {
        let a: SockAddr = "10.0.0.2:80".parse().unwrap();
        assert_eq!(a, SockAddr::new(Ipv4([10, 0, 0, 2]), 80));
        assert_eq!(a.to_string(), "10.0.0.2:80");
        assert!("10.0.0:80".parse::<SockAddr>().is_err());
        assert!("10.0.0.256".parse::<Ipv4>().is_err());
        assert!("10.0.0.1.1".parse::<Ipv4>().is_err());
        assert!(Ipv4([10, 0, 0, 1]).same_subnet(Ipv4([10, 0, 0, 9])));
        assert!(!Ipv4([10, 0, 0, 1]).same_subnet(Ipv4([10, 0, 1, 1])));
    }

    #[test]
    fn links_default_and_override() {
        let mut links = Links::default();
        assert_eq!(links.get(HostId(0), HostId(1)).latency, DEFAULT_LATENCY);
        links.get_mut(HostId(1), HostId(0)).up = false;
        assert!(!links.get(HostId(0), HostId(1)).up);
        assert_eq!(links.get(HostId(2), HostId(2)).latency, LOOPBACK_LATENCY);
    }
}
