//! The re-enabling calls: which Winsock calls re-enable which event (the page's table of
//! "re-enabling functions"), typed and as a phrase for people.

use crate::event::NetworkEvent;

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
