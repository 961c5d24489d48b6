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
//!
//! The sources are compiled in with the `texts` feature (on by default). The playground
//! turns it off to keep its WebAssembly small and fetches the same scenarios as one
//! file, the [`bundle`] (`static/gallery.txt`, checked against [`bundle`] by a test of
//! `xtask`), which [`parse_bundle`] reads back.

use alloc::string::String;
use alloc::vec::Vec;

/// A scenario of the gallery.
#[cfg(feature = "texts")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The file name without `.wsa`, e.g. `fd-read-level-triggered`; stable, used in links.
    pub id: &'static str,
    /// The section of the gallery it is listed under, one of [`sections`].
    pub section: &'static str,
    /// The scenario's source text.
    pub source: &'static str,
}

#[cfg(feature = "texts")]
impl Scenario {
    /// The `title "…"` of the scenario.
    pub fn title(&self) -> Option<String> {
        title_of(self.source)
    }

    /// The `about "…"` of the scenario.
    pub fn about(&self) -> Option<String> {
        about_of(self.source)
    }
}

/// The `title "…"` of a scenario's source.
fn title_of(source: &str) -> Option<String> {
    crate::script::parse(source)
        .ok()
        .and_then(|s| s.title().map(Into::into))
}

/// The `about "…"` of a scenario's source.
fn about_of(source: &str) -> Option<String> {
    crate::script::parse(source)
        .ok()
        .and_then(|s| s.about().map(Into::into))
}

macro_rules! gallery {
    ($( $section:literal: [ $($id:literal),* $(,)? ] )*) => {
        /// Every scenario of the gallery, in the order the playground lists them.
        #[cfg(feature = "texts")]
        pub const ALL: &[Scenario] = &[
            $( $( Scenario {
                id: $id,
                section: $section,
                source: include_str!(concat!("../scenarios/", $id, ".wsa")),
            }, )* )*
        ];

        /// The sections of the gallery, in order.
        #[cfg(feature = "texts")]
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
#[cfg(feature = "texts")]
pub fn get(id: &str) -> Option<&'static Scenario> {
    ALL.iter().find(|s| s.id == id)
}

/// The names of the gallery's sections, in the order the playground lists them.
#[cfg(feature = "texts")]
pub fn sections() -> Vec<&'static str> {
    SECTIONS.to_vec()
}

/// The scenarios of one section, in order (none for an unknown section).
#[cfg(feature = "texts")]
pub fn in_section(section: &str) -> impl Iterator<Item = &'static Scenario> + '_ {
    ALL.iter().filter(move |s| s.section == section)
}

/// The first line of a [`bundle`], with the format's version.
pub const BUNDLE_HEADER: &str = "wsasim gallery 1";

/// Every scenario of the gallery as one text, in order, for a program that does not
/// compile the sources in (the playground fetches it): [`BUNDLE_HEADER`] on a line, then
/// for each scenario a line `<id> <length in bytes> <section>` followed by its source,
/// exactly that many bytes, and a newline. [`parse_bundle`] reads it back.
#[cfg(feature = "texts")]
pub fn bundle() -> String {
    let mut out = String::from(BUNDLE_HEADER);
    out.push('\n');
    for s in ALL {
        out.push_str(&alloc::format!(
            "{} {} {}\n",
            s.id,
            s.source.len(),
            s.section
        ));
        out.push_str(s.source);
        out.push('\n');
    }
    out
}

/// A scenario read from a [`bundle`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The scenario's id, as [`Scenario::id`].
    pub id: String,
    /// The section it is listed under.
    pub section: String,
    /// Its source text.
    pub source: String,
}

impl Entry {
    /// The `title "…"` of the scenario.
    pub fn title(&self) -> Option<String> {
        title_of(&self.source)
    }

    /// The `about "…"` of the scenario.
    pub fn about(&self) -> Option<String> {
        about_of(&self.source)
    }
}

/// Why a text is not a [`bundle`]: the byte offset where reading stopped, and what was
/// expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleError {
    /// The byte offset in the text.
    pub at: usize,
    /// What was expected there.
    pub expected: &'static str,
}

impl core::fmt::Display for BundleError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "not a gallery bundle: expected {} at byte {}",
            self.expected, self.at
        )
    }
}

impl core::error::Error for BundleError {}

/// The scenarios of a [`bundle`], in order.
///
/// ```
/// # #[cfg(feature = "texts")] {
/// let all = wsasim::gallery::parse_bundle(&wsasim::gallery::bundle()).unwrap();
/// assert_eq!(all.len(), wsasim::gallery::ALL.len());
/// assert_eq!(all[0].source, wsasim::gallery::ALL[0].source);
/// # }
/// ```
pub fn parse_bundle(text: &str) -> Result<Vec<Entry>, BundleError> {
    let fail = |at: usize, expected: &'static str| BundleError { at, expected };
    let mut rest = text
        .strip_prefix(BUNDLE_HEADER)
        .and_then(|r| r.strip_prefix('\n'))
        .ok_or(fail(0, "the header `wsasim gallery 1`"))?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let at = text.len() - rest.len();
        let (line, after) = rest.split_once('\n').ok_or(fail(at, "a scenario's line"))?;
        let mut fields = line.splitn(3, ' ');
        let (Some(id), Some(len), Some(section)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(fail(at, "`<id> <length> <section>`"));
        };
        let len: usize = len.parse().map_err(|_| fail(at, "a length in bytes"))?;
        let at = text.len() - after.len();
        let source = after.get(..len).ok_or(fail(at, "the scenario's source"))?;
        rest = after[len..]
            .strip_prefix('\n')
            .ok_or(fail(at + len, "a newline after the source"))?;
        out.push(Entry {
            id: id.into(),
            section: section.into(),
            source: source.into(),
        });
    }
    Ok(out)
}

#[cfg(all(test, feature = "texts"))]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_reads_back_as_the_gallery() {
        let all = parse_bundle(&bundle()).unwrap();
        assert_eq!(all.len(), ALL.len());
        for (e, s) in all.iter().zip(ALL) {
            assert_eq!(
                (e.id.as_str(), e.section.as_str(), e.source.as_str()),
                (s.id, s.section, s.source)
            );
            assert_eq!(e.title(), s.title());
        }
    }

    #[test]
    fn a_damaged_bundle_is_an_error_not_a_panic() {
        let b = bundle();
        assert_eq!(parse_bundle("").unwrap_err().at, 0);
        assert!(parse_bundle(BUNDLE_HEADER).is_err());
        assert_eq!(parse_bundle("wsasim gallery 1\n").unwrap(), Vec::new());
        for cut in [20, 40, 100, b.len() / 2, b.len() - 1] {
            let mut end = cut;
            while !b.is_char_boundary(end) {
                end -= 1;
            }
            assert!(parse_bundle(&b[..end]).is_err(), "cut at {end}");
        }
        assert!(parse_bundle("wsasim gallery 1\na x s\n").is_err());
        assert!(parse_bundle("wsasim gallery 1\na 99 s\nshort\n").is_err());
        assert!(parse_bundle("wsasim gallery 1\na 2 s\néé\n").is_err());
    }
}
