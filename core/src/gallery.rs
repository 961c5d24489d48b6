//! The gallery: the scenarios shipped with wsasim (`core/scenarios/*.wsa`), for the
//! playground's presets, the command-line tool and the golden-trace tests.

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
    "fd-read-level-triggered",
}

/// The scenario with this id.
pub fn get(id: &str) -> Option<&'static Scenario> {
    ALL.iter().find(|s| s.id == id)
}
