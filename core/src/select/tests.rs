//! Tests of the posting rules: every fact's mapping, and the re-enabling calls.

use super::facts::rule_for;
use super::*;
use crate::profile::Profile;
use crate::spec::Rule;
use crate::WsaError;
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
                simultaneous: false,
            },
            D,
            E::FD_CLOSE,
            None,
            Rule::CloseGraceful,
        ),
        (
            Fact::FinArrived {
                after_shutdown: true,
                simultaneous: false,
            },
            D,
            E::FD_CLOSE,
            None,
            Rule::CloseAfterShutdown,
        ),
        (
            Fact::FinArrived {
                after_shutdown: true,
                simultaneous: true,
            },
            D,
            E::FD_CLOSE,
            None,
            Rule::CloseIndication,
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
