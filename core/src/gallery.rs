//! The gallery: the scenarios shipped with wsasim (`core/scenarios/*.wsa`), for the
//! playground's presets, the command-line tool and the golden-trace tests.
//!
//! Each scenario has a `title`, an `about` sentence and expectations that pin its
//! behaviour. Every scenario passes under both profiles (assertions that differ are
//! written `if documented: …` / `if windows: …`), and `core/tests/golden.rs` compares each
//! one's traces with `core/tests/golden/<id>.jsonl` (documented) and
//! `core/tests/golden/<id>.windows.jsonl` (Windows).
//!
//! The list is in teaching order and grouped in [`sections`]: the specification's
//! numbered sequences first, then accepting, closing, data, connecting, the host's
//! network, other sockets, where the page itself reads two ways (`docs/ambiguities.md`),
//! and where Windows differs from the page (one scenario per point of divergence). Ids are the file names without `.wsa`, in kebab case, and never
//! change once published (links use them); section names may change.

/// A scenario of the gallery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The file name without `.wsa`, e.g. `fd-read-level-triggered`; stable, used in links.
    pub id: &'static str,
    /// The section of the gallery it is listed under, one of [`sections`].
    pub section: &'static str,
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
    ($( $section:literal: [ $($id:literal),* $(,)? ] )*) => {
        /// Every scenario of the gallery, in the order the playground lists them.
        pub const ALL: &[Scenario] = &[
            $( $( Scenario {
                id: $id,
                section: $section,
                source: include_str!(concat!("../scenarios/", $id, ".wsa")),
            }, )* )*
        ];

        /// The sections of the gallery, in order.
        const SECTIONS: &[&str] = &[ $( $section, )* ];
    };
}

gallery! {
    // The numbered sequences and examples of the specification, in its order.
    "The specification's sequences": [
        "wouldblock-race",
        "fd-read-level-triggered",
        "fd-accept-persistence",
        "second-select-replaces-first",
        "cancel-with-messages-queued",
    ]
    // Accepting connections.
    "Accepting": [
        "accept-level-triggered",
        "accept-inherits-events",
        "fionbio-while-selected",
    ]
    // Closing: graceful, abortive, and what closesocket does to the queue.
    "Closing": [
        "graceful-close",
        "close-waits-for-unread-data",
        "local-shutdown-close",
        "abortive-close",
        "injected-reset",
        "closesocket-leaves-queued-messages",
        "lparam-error-not-last-error",
    ]
    // Data: out-of-band, flow control.
    "Data": [
        "oob-separate",
        "oob-inline",
        "fd-write-after-full-buffer",
    ]
    // Connecting, and the ways it fails.
    "Connecting": [
        "connect-refused",
        "connect-unreachable",
        "connect-timed-out",
        "retransmission-timeout",
    ]
    // The host's network: failures and edge-triggered notifications.
    "The host's network": [
        "network-down",
        "address-list-change",
        "routing-interface-change",
        "qos-change",
    ]
    // Other socket kinds and models.
    "Other sockets": [
        "udp-datagrams",
        "event-select-cancels-async-select",
        "blocking-recv",
        "wsa-functions",
    ]
    // Where the page reads two ways: the model's reading, one scenario per theme of
    // docs/ambiguities.md (each entry names its scenario).
    "Where the page is ambiguous": [
        "ambiguous-datagram-write",
        "ambiguous-qos",
        "ambiguous-connect",
        "ambiguous-close",
        "ambiguous-selection",
    ]
    // Where Windows departs from the page: an overview, then one scenario per point of
    // issue 6, in its order. Each runs the same calls under both profiles.
    "Where Windows differs from the page": [
        "windows-profile-differences",
        "windows-reset-connaborted",
        "windows-close-at-fin",
        "windows-reselect-reposts",
        "windows-udp-fd-write",
        "windows-send-keeps-fd-write",
        "windows-shutdown-keeps-selection",
        "windows-urgent-bytes",
        "windows-failing-recv-reenables",
        "windows-message-order",
        "windows-event-select",
    ]
}

/// The scenario with this id.
pub fn get(id: &str) -> Option<&'static Scenario> {
    ALL.iter().find(|s| s.id == id)
}

/// The names of the gallery's sections, in the order the playground lists them.
pub fn sections() -> alloc::vec::Vec<&'static str> {
    SECTIONS.to_vec()
}

/// The scenarios of one section, in order (none for an unknown section).
pub fn in_section(section: &str) -> impl Iterator<Item = &'static Scenario> + '_ {
    ALL.iter().filter(move |s| s.section == section)
}
