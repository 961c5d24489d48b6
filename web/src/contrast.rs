//! What the other profile does at each point of the run: the "Win ≠" badge on a message
//! and the Why panel's note are computed here, from running the scenario under both
//! profiles, never from the rule alone (a rule whose Windows behaviour differs in some
//! case may well post the same message as Windows in this one).
//!
//! **Definition.** The two runs are compared entry by entry, at the same index of the
//! trace (the per-entry comparison the compare view uses, [`same_step`]):
//!
//! - a message posted by entry `i` of this run is *marked* when the other run's entry `i`
//!   posts no equal message — one to the same window with the same `wMsg`, `wParam` and
//!   `lParam` (event and error) — or the other run has no entry `i`;
//! - entry `i` *differs* when the other run's entry `i` is missing or is not the
//!   [`same_step`]; the Why panel then says what the other profile does at that entry.
//!
//! The rule that posted a message is not part of the comparison: what the application
//! sees is the window message. Once one run has taken a different path, later entries are
//! still compared at the same index, so a mark says "at this point of the run the other
//! profile did something else", which stays true after the paths part.
//!
//! Cost: [`Contrast::new`] walks both traces once when the scenario (or the profile)
//! changes; a step then costs a map look-up per message shown.

use std::collections::BTreeMap;

use wsasim::trace::TraceEntry;
use wsasim::{Message, Profile};

use crate::playground::label;
use crate::timeline::{same_step, Timeline};

/// What the other profile's run does where this one posts a message or takes a step.
#[derive(Clone, Debug)]
pub struct Contrast {
    /// The other profile.
    other: Profile,
    /// The run under the other profile.
    theirs: Timeline,
    /// The marked messages of this run, by id: the index of the entry that posted each.
    marked: BTreeMap<u64, usize>,
}

/// The Why panel's note: what the other profile does instead, at this point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherNote {
    /// The other profile.
    pub profile: Profile,
    /// One line: `Under Windows: FD_CLOSE with WSAECONNABORTED [FD_CLOSE.4]`, or
    /// `Under Windows this step posts nothing`.
    pub headline: String,
    /// The other run's entry at this index, printed, if it has one.
    pub entry: Option<String>,
}

/// Two messages the application cannot tell apart (ids, times and rules aside).
pub fn same_message(a: &Message, b: &Message) -> bool {
    a.hwnd == b.hwnd && a.msg == b.msg && a.wparam == b.wparam && a.lparam == b.lparam
}

/// `FD_CLOSE with WSAECONNABORTED [FD_CLOSE.4]`, or `FD_READ [FD_READ.1]`.
fn describe(m: &Message) -> String {
    let event = m.lparam.event();
    match (m.lparam.error_code(), m.lparam.error()) {
        (0, _) => format!("{event} [{}]", m.rule.id()),
        (_, Some(e)) => format!("{event} with {} [{}]", e.name(), m.rule.id()),
        (n, None) => format!("{event} with error {n} [{}]", m.rule.id()),
    }
}

impl Contrast {
    /// Compares `mine` with `theirs`, the same scenario run under `other`.
    pub fn new(mine: &Timeline, theirs: Timeline, other: Profile) -> Contrast {
        let a = mine.full_trace();
        let b = theirs.full_trace();
        let mut marked = BTreeMap::new();
        for (i, e) in a.iter().enumerate() {
            let there = b.get(i);
            for m in e.posted() {
                let matched = there.is_some_and(|o| o.posted().any(|n| same_message(m, n)));
                if !matched {
                    marked.insert(m.id, i);
                }
            }
        }
        Contrast {
            other,
            theirs,
            marked,
        }
    }

    /// The other profile.
    pub fn other(&self) -> Profile {
        self.other
    }

    /// The run under the other profile (for the compare view).
    pub fn theirs(&self) -> &Timeline {
        &self.theirs
    }

    /// True if the other profile posts no equal message where this one posted `id`.
    pub fn is_marked(&self, id: u64) -> bool {
        self.marked.contains_key(&id)
    }

    /// How many messages of this run are marked.
    pub fn marked_count(&self) -> usize {
        self.marked.len()
    }

    /// The badge's words for message `id`, if it is marked.
    pub fn message_note(&self, id: u64) -> Option<String> {
        let i = *self.marked.get(&id)?;
        Some(self.headline(i))
    }

    /// The Why note for message `id`, if it is marked.
    pub fn for_message(&self, id: u64) -> Option<OtherNote> {
        let i = *self.marked.get(&id)?;
        Some(self.note(i))
    }

    /// The Why note for entry `i` of `mine`, if the other run's entry `i` differs.
    pub fn for_entry(&self, mine: &Timeline, i: usize) -> Option<OtherNote> {
        let e = mine.full_trace().get(i)?;
        match self.theirs.full_trace().get(i) {
            Some(o) if same_step(e, o) => None,
            _ => Some(self.note(i)),
        }
    }

    fn entry(&self, i: usize) -> Option<&TraceEntry> {
        self.theirs.full_trace().get(i)
    }

    fn headline(&self, i: usize) -> String {
        let who = label(self.other);
        let Some(o) = self.entry(i) else {
            return format!("Under {who} the run has ended before this point");
        };
        let posted: Vec<String> = o.posted().map(describe).collect();
        if posted.is_empty() {
            format!("Under {who} this step posts nothing")
        } else {
            format!("Under {who}: {}", posted.join("; "))
        }
    }

    fn note(&self, i: usize) -> OtherNote {
        OtherNote {
            profile: self.other,
            headline: self.headline(i),
            entry: self.entry(i).map(|o| self.theirs.show(o)),
        }
    }
}

#[cfg(test)]
mod tests;
