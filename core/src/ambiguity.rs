//! The page's ambiguities: where `WSAAsyncSelect.txt` can be read two ways, the reading
//! the model takes, the other one, and the rules at which it shows.
//!
//! Every [`Ambiguity`] has an entry of the same id in `docs/ambiguities.md` (the sentences
//! in conflict, both readings, the model's choice and why, and what Windows does where the
//! Windows record says). It is reachable from the [`Rule`] that applies
//! ([`Rule::ambiguities`]) and from a change of the trace ([`Ambiguity::at`]), so a user
//! interface can say "the page is ambiguous here" beside the rule it explains.

use crate::event::NetworkEvent;
use crate::spec::Rule;

/// Where a rule applies to an event: the [`Rule`], and the event it must concern (`None`:
/// any event, or none, as for a selection).
type Site = (Rule, Option<NetworkEvent>);

macro_rules! ambiguities {
    ($( $(#[$doc:meta])* $name:ident {
        id: $id:literal,
        title: $title:literal,
        choice: $choice:literal,
        other: $other:literal,
        at: [ $( ($rule:ident, $event:expr) ),* $(,)? ],
    } )*) => {
        /// A place where the page can be read two ways. The model takes one reading
        /// ([`Ambiguity::choice`]); [`Ambiguity::other_reading`] is the one it did not take.
        ///
        /// ```
        /// use wsasim::{Ambiguity, NetworkEvent, Rule};
        /// let a = Ambiguity::at(Rule::NoFlood, NetworkEvent::FD_CONNECT);
        /// assert_eq!(a, [Ambiguity::ConnectOutcomeAfterRefused]);
        /// assert_eq!(a[0].id(), "connect-outcome-after-refused");
        /// assert!(Rule::CloseWaitsForData.ambiguities().any(|a| a == Ambiguity::CloseWithUrgentByteUnread));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub enum Ambiguity {
            $( $(#[$doc])* $name, )*
        }

        impl Ambiguity {
            /// Every ambiguity, in the order of `docs/ambiguities.md`.
            pub const ALL: &'static [Ambiguity] = &[ $( Ambiguity::$name, )* ];

            /// A stable id in kebab case, the anchor of its entry in `docs/ambiguities.md`.
            pub const fn id(self) -> &'static str {
                match self { $( Ambiguity::$name => $id, )* }
            }

            /// A short title: what is ambiguous.
            pub const fn title(self) -> &'static str {
                match self { $( Ambiguity::$name => $title, )* }
            }

            /// The reading the model takes, and why.
            pub const fn choice(self) -> &'static str {
                match self { $( Ambiguity::$name => $choice, )* }
            }

            /// The reading the model does not take.
            pub const fn other_reading(self) -> &'static str {
                match self { $( Ambiguity::$name => $other, )* }
            }

            /// Where it shows: the rules (and events) at which the model made its choice.
            pub const fn sites(self) -> &'static [Site] {
                match self { $( Ambiguity::$name => &[ $( (Rule::$rule, $event), )* ], )* }
            }
        }
    };
}

const ANY: Option<NetworkEvent> = None;
const CLOSE: Option<NetworkEvent> = Some(NetworkEvent::FD_CLOSE);
const CONNECT: Option<NetworkEvent> = Some(NetworkEvent::FD_CONNECT);
const QOS: Option<NetworkEvent> = Some(NetworkEvent::FD_QOS);
const WRITE: Option<NetworkEvent> = Some(NetworkEvent::FD_WRITE);

ambiguities! {
    /// FD_WRITE.4 leaves FD_WRITE after bind to the implementation.
    WriteAfterBind {
        id: "write-after-bind",
        title: "FD_WRITE after bind on a datagram socket",
        choice: "FD_WRITE is posted at bind when its latch is armed, as for any other occasion of FD_WRITE; a socket selected before bind already had its FD_WRITE (FD_WRITE.1: sendto is possible, it binds implicitly), so bind posts a second one only after a send re-enabled it.",
        other: "The page allows an implementation to post nothing at bind (\"FD_WRITE may or may not occur at this time\").",
        at: [(WriteAfterBind, WRITE)],
    }
    /// FD_WRITE.2 on a datagram socket's connect, once FD_WRITE was posted and not re-enabled.
    DatagramConnectWriteAgain {
        id: "datagram-connect-write-again",
        title: "FD_WRITE at a datagram connect, after FD_WRITE was already posted",
        choice: "No second FD_WRITE until send or sendto: NOFLOOD and the re-enabling table name no other call, and \"posted when a socket is first connected\" names an occasion, not a re-enabling call.",
        other: "connect posts FD_WRITE whatever the latch says (\"An FD_WRITE message is posted when a socket is first connected with connect\"); Windows does (Wine test_connect_events, UDP part).",
        at: [(NoFlood, WRITE)],
    }
    /// A second QoS change before SIO_GET_QOS.
    QosChangeBeforeGetQos {
        id: "qos-change-before-get-qos",
        title: "A further QoS change before SIO_GET_QOS",
        choice: "No message until WSAIoctl(SIO_GET_QOS): the re-enabling table, NOFLOOD and FD_QOS.2 (\"After WSAIoctl with SIO_GET_QOS called, when the quality of service is changed\") agree; the FD_QOS paragraph is read as saying when a new message may come at all.",
        other: "Every further change posts FD_QOS (\"Further messages will not be forthcoming until either the provider detects a further change in quality of service or the application renegotiates\").",
        at: [(NoFlood, QOS), (QosChanged, QOS)],
    }
    /// Re-selecting FD_QOS before SIO_GET_QOS.
    QosReselectBeforeGetQos {
        id: "qos-reselect-before-get-qos",
        title: "Selecting FD_QOS again before SIO_GET_QOS",
        choice: "The QoS \"has been changed\" (FD_QOS.1) until the application reads it with SIO_GET_QOS, so a new selection posts FD_QOS again, as unread data posts FD_READ again.",
        other: "A change already reported is no longer news: a new selection posts FD_QOS only for a change since the last FD_QOS.",
        at: [(QosOnSelect, QOS)],
    }
    /// A second connect's outcome after WSAECONNREFUSED.
    ConnectOutcomeAfterRefused {
        id: "connect-outcome-after-refused",
        title: "A second connect outcome after WSAECONNREFUSED",
        choice: "FD_CONNECT is posted once per selection: the table of re-enabling functions has no row for FD_CONNECT, so after the refused connect's FD_CONNECT, NOFLOOD holds until the next WSAAsyncSelect.",
        other: "Every connect's outcome is posted (FD_CONNECT.4: \"Whether the operation eventually succeeds or not, when the outcome has been determined, FD_CONNECT happens\"): a new connect re-enables FD_CONNECT.",
        at: [(NoFlood, CONNECT), (ConnectOutcome, CONNECT)],
    }
    /// Errors FD_CONNECT's table lists that the model returns only from connect.
    ConnectErrorsOnlyAtOnce {
        id: "connect-errors-only-at-once",
        title: "FD_CONNECT errors that connect returns at once",
        choice: "WSAEAFNOSUPPORT, WSAEFAULT, WSAEINVAL, WSAEISCONN, WSAEMFILE, WSAENOBUFS and WSAENOTCONN are checks of the call's arguments or the socket's state, made before the network operation goes ahead; FD_CONNECT.4 reports only an operation that \"went ahead\", so the model returns them at once (from connect, or from socket) and FD_CONNECT carries WSAECONNREFUSED, WSAENETUNREACH, WSAETIMEDOUT (or WSAENETDOWN).",
        other: "Each error of the table can come in FD_CONNECT's lParam, so a stack may find any of them after connect returned WSAEWOULDBLOCK.",
        at: [(ConnectOutcome, CONNECT)],
    }
    /// FD_CONNECT with WSAENETDOWN.
    ConnectNetworkDown {
        id: "connect-network-down",
        title: "FD_CONNECT with WSAENETDOWN",
        choice: "A connect under way when the network fails gets FD_CONNECT with WSAENETDOWN: \"The error code be any error as defined in Winsock2.h\", and FD_CONNECT.4 promises an outcome.",
        other: "FD_CONNECT's table does not list WSAENETDOWN, so the outcome would be reported with one of its errors (WSAENETUNREACH, WSAETIMEDOUT) or not at all.",
        at: [(NetworkDown, CONNECT)],
    }
    /// Simultaneous close: a close indication before TIME_WAIT.
    SimultaneousClose {
        id: "simultaneous-close",
        title: "Simultaneous close",
        choice: "FD_CLOSE is posted when the peer's FIN arrives (FIN_WAIT_1 to CLOSING): \"posted when a close indication is received\".",
        other: "\"In TCP terms, this means that the FD_CLOSE is posted when the connection goes into the TIME WAIT or CLOSE WAIT states\": after CLOSING, once the peer acknowledges this side's FIN.",
        at: [(CloseIndication, CLOSE)],
    }
    /// FD_CLOSE deferred past entering CLOSE_WAIT.
    CloseDeferredPastCloseWait {
        id: "close-deferred-past-close-wait",
        title: "FD_CLOSE deferred past CLOSE_WAIT",
        choice: "With data unread, FD_CLOSE waits until it is read, though the connection entered CLOSE_WAIT when the FIN arrived: FD_CLOSE.2 and \"FD_CLOSE should only be posted after all data is read\" say so twice, and are about this very case.",
        other: "FD_CLOSE is posted when the connection goes into CLOSE_WAIT, with data still unread; Windows does (Wine test_close_events).",
        at: [(CloseWaitsForData, CLOSE)],
    }
    /// FD_CLOSE while an urgent byte is unread.
    CloseWithUrgentByteUnread {
        id: "close-with-urgent-byte-unread",
        title: "FD_CLOSE while an urgent byte is unread",
        choice: "The urgent byte kept for recv(MSG_OOB) is \"OOB data currently available to receive\" (FD_OOB.1), so FD_CLOSE.2's \"when no data currently available to receive\" waits for it too.",
        other: "Without SO_OOBINLINE, \"data\" means normal data only (the note under FD_READ), so FD_CLOSE does not wait for the urgent byte.",
        at: [(CloseWaitsForData, CLOSE)],
    }
    /// Cancelling with a destroyed window.
    CancelWithDestroyedWindow {
        id: "cancel-with-destroyed-window",
        title: "Cancelling with a destroyed window",
        choice: "WSAAsyncSelect(s, hWnd, 0, 0) cancels whatever hWnd is: with lEvent zero no message will be sent, so the window is not used.",
        other: "WSAEINVAL (\"such as the window handle not referring to an existing window\"), and the selection stays.",
        at: [(SelectCancel, ANY), (SelectInvalid, ANY)],
    }
    /// An lEvent bit that names no event.
    UnknownEventBit {
        id: "unknown-event-bit",
        title: "An lEvent bit that names no event",
        choice: "WSAEINVAL: lEvent is \"constructed by using the bitwise OR operator with any value listed in the following table\", and a bit that is not listed is an invalid parameter.",
        other: "Bits that name no event are ignored and the listed ones selected.",
        at: [(SelectInvalid, ANY)],
    }
}

impl Ambiguity {
    /// The ambiguities at which `rule`, applied to `event`, made the model's choice.
    pub fn at(rule: Rule, event: NetworkEvent) -> alloc::vec::Vec<Ambiguity> {
        Ambiguity::ALL
            .iter()
            .copied()
            .filter(|a| {
                a.sites()
                    .iter()
                    .any(|(r, e)| *r == rule && e.is_none_or(|e| event.contains(e)))
            })
            .collect()
    }

    /// Its entry: `docs/ambiguities.md#` and the id.
    pub fn doc_path(self) -> alloc::string::String {
        alloc::format!("docs/ambiguities.md#{}", self.id())
    }
}

impl Rule {
    /// The ambiguities of the page at which this rule made the model's choice (for any
    /// event; [`Ambiguity::at`] narrows them to one).
    pub fn ambiguities(self) -> impl Iterator<Item = Ambiguity> {
        Ambiguity::ALL
            .iter()
            .copied()
            .filter(move |a| a.sites().iter().any(|(r, _)| *r == self))
    }
}

impl core::fmt::Display for Ambiguity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_ambiguity_shows_somewhere() {
        for (i, a) in Ambiguity::ALL.iter().enumerate() {
            assert!(!a.sites().is_empty(), "{a} shows nowhere");
            for b in &Ambiguity::ALL[i + 1..] {
                assert_ne!(a.id(), b.id());
            }
        }
    }

    #[test]
    fn every_ambiguity_has_its_entry_in_the_doc() {
        let doc = include_str!("../../docs/ambiguities.md");
        for a in Ambiguity::ALL {
            let anchor = alloc::format!("<a id=\"{}\"></a>", a.id());
            assert!(doc.contains(&anchor), "docs/ambiguities.md has no {anchor}");
        }
    }
}
