//! The gallery: the scenarios shipped with wsasim (`core/scenarios/*.wsa`), for the
//! playground's presets, the command-line tool and the golden-trace tests.
//!
//! Each scenario has a `title`, an `about` sentence and expectations that pin its
//! behaviour; all of them pass, and `core/tests/golden.rs` compares each one's trace with
//! `core/tests/golden/<id>.jsonl`. The list is in teaching order: the specification's
//! numbered sequences first, then accepting, closing, data, connecting, the host's
//! network, and other socket kinds. Ids are the file names without `.wsa`, in kebab
//! case, and never change once published (links use them).

/// A scenario of the gallery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The file name without `.wsa`, e.g. `fd-read-level-triggered`; stable, used in links.
    pub id: &'static str,
    /// The scenario's source text.
    pub source: &'static str,
}

impl Scenario {
    /// The `title "…"` of the scenario.
    pub fn title(&self) -> Option<alloc::string::String> {
        crate::script::parse(self.source)
            .ok()
            .and_then(|s| s.title().map(Into::into))
    }

    /// The `about "…"` of the scenario.
    pub fn about(&self) -> Option<alloc::string::String> {
        crate::script::parse(self.source)
            .ok()
            .and_then(|s| s.about().map(Into::into))
    }
}

macro_rules! gallery {
    ($($id:literal),* $(,)?) => {
        /// Every scenario of the gallery, in the order the playground lists them.
        pub const ALL: &[Scenario] = &[
            $( Scenario { id: $id, source: include_str!(concat!("../scenarios/", $id, ".wsa")) }, )*
        ];
    };
}

gallery! {
    // The numbered sequences and examples of the specification, in its order.
    "wouldblock-race",
    "fd-read-level-triggered",
    "fd-accept-persistence",
    "second-select-replaces-first",
    "cancel-with-messages-queued",
    // Accepting connections.
    "accept-level-triggered",
    "accept-inherits-events",
    "fionbio-while-selected",
    // Closing: graceful, abortive, and what closesocket does to the queue.
    "graceful-close",
    "close-waits-for-unread-data",
    "local-shutdown-close",
    "abortive-close",
    "injected-reset",
    "closesocket-leaves-queued-messages",
    // Data: out-of-band, flow control.
    "oob-separate",
    "oob-inline",
    "fd-write-after-full-buffer",
    // Connecting, and the ways it fails.
    "connect-refused",
    "connect-unreachable",
    "connect-timed-out",
    "retransmission-timeout",
    // The host's network: failures and edge-triggered notifications.
    "network-down",
    "address-list-change",
    "routing-interface-change",
    "qos-change",
    // Other socket kinds and models.
    "udp-datagrams",
    "event-select-cancels-async-select",
    "blocking-recv",
    "windows-profile-differences",
}

/// The scenario with this id.
pub fn get(id: &str) -> Option<&'static Scenario> {
    ALL.iter().find(|s| s.id == id)
}
