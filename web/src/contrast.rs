//! What the other profile does at each point of the run: the "Win ≠" badge on a message
//! and the Why panel's note are computed here, from running the scenario under both
//! profiles, never from the rule alone (a rule whose Windows behaviour differs in some
//! case may well post the same message as Windows in this one).
//!
//! **Definition.** Messages are compared as the compare view compares them: both runs'
//! messages are lined up by the core's `wsasim::script::compare::profiles::line_up`
//! (window, `wMsg`, `wParam`, `lParam`; a longest common subsequence), and
//!
//! - a message of this run is *marked* when its row differs: the other run posts no
//!   such message there, or posts it during another script line;
//! - its note says what the other run posts instead: the other side of the same block
//!   of differing rows (or the same message, and where);
//! - entry `i` *differs* when the other run's entry `i` is missing or is not the
//!   [`same_step`]; the Why panel then says what the other profile does at that entry.
//!
//! The rule that posted a message is not part of the comparison: what the application
//! sees is the window message. Sockets are keyed by handle here (the compare view prints
//! script names): the same script opens the same sockets in the same order under both
//! profiles.
//!
//! Cost: [`Contrast::new`] walks both traces once and lines them up (the common head and
//! tail without a table) when the scenario (or the profile) changes; a step then costs a
//! map look-up per message shown.

use std::collections::BTreeMap;

use wsasim::script::compare::profiles::{line_up, ProfileRow, SideMessage};
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
    /// Both runs' messages, lined up.
    rows: Vec<ProfileRow>,
    /// The marked messages of this run, by id: the row of each.
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
    pub fn new(mine: &Timeline, mut theirs: Timeline, other: Profile) -> Contrast {
        // Its entries are read, its cursor never moves: the checkpoints can go.
        theirs.forget_checkpoints();
        let (a, b) = (side_messages(mine), side_messages(&theirs));
        let rows = match other {
            Profile::Windows => line_up(&a, &b),
            Profile::Documented => line_up(&b, &a),
        };
        let me = crate::playground::other(other);
        // (`extend`, which inserts, not `collect`, which sorts: a sort is code of its own.)
        let mut marked = BTreeMap::new();
        marked.extend(
            rows.iter()
                .enumerate()
                .filter(|(_, r)| r.differs())
                .filter_map(|(k, r)| r.side(me).map(|m| (m.id, k))),
        );
        Contrast {
            other,
            theirs,
            rows,
            marked,
        }
    }

    /// What the other run posts instead of the marked message on row `k`: the other side
    /// of its row if the message only moved, else the other side of its block of
    /// differing rows.
    fn counterparts(&self, k: usize) -> Vec<&SideMessage> {
        let row = &self.rows[k];
        if row.moved() {
            return row.side(self.other).into_iter().collect();
        }
        let differs = |i: usize| self.rows[i].differs() && !self.rows[i].moved();
        let lo = (0..k).rev().take_while(|&i| differs(i)).last().unwrap_or(k);
        let hi = (k + 1..self.rows.len())
            .take_while(|&i| differs(i))
            .last()
            .unwrap_or(k);
        self.rows[lo..=hi]
            .iter()
            .filter_map(|r| r.side(self.other))
            .collect()
    }

    /// The other run's message for `s`.
    fn their_message(&self, s: &SideMessage) -> Option<Message> {
        self.theirs
            .entry(s.entry)?
            .posted()
            .find(|m| m.id == s.id)
            .cloned()
    }

    fn message_headline(&self, k: usize) -> String {
        let who = label(self.other);
        let row = &self.rows[k];
        let theirs = self.counterparts(k);
        let posted: Vec<String> = theirs
            .iter()
            .filter_map(|s| self.their_message(s).map(|m| describe(&m)))
            .collect();
        match (row.moved(), theirs.first()) {
            (true, Some(s)) => format!(
                "Under {who}: {} at line {} (step {}), not here",
                posted.join("; "),
                s.line,
                s.step
            ),
            _ if posted.is_empty() => format!("Under {who} this message is not posted here"),
            _ => format!("Under {who}: {}", posted.join("; ")),
        }
    }

    fn message_note_at(&self, k: usize) -> OtherNote {
        let entry = self
            .counterparts(k)
            .first()
            .and_then(|s| self.theirs.entry(s.entry))
            .map(|o| self.theirs.show(&o));
        OtherNote {
            profile: self.other,
            headline: self.message_headline(k),
            entry,
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
        let k = *self.marked.get(&id)?;
        Some(self.message_headline(k))
    }

    /// The Why note for message `id`, if it is marked.
    pub fn for_message(&self, id: u64) -> Option<OtherNote> {
        let k = *self.marked.get(&id)?;
        Some(self.message_note_at(k))
    }

    /// The Why note for entry `i` of `mine`, if the other run's entry `i` differs.
    pub fn for_entry(&self, mine: &Timeline, i: usize) -> Option<OtherNote> {
        let e = mine.entry(i)?;
        match self.theirs.entry(i) {
            Some(o) if same_step(&e, &o) => None,
            _ => Some(self.note(i)),
        }
    }

    fn entry(&self, i: usize) -> Option<TraceEntry> {
        self.theirs.entry(i)
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
            entry: self.entry(i).map(|o| self.theirs.show(&o)),
        }
    }
}

/// Every message `t` posts, for [`line_up`]: sockets by handle, windows by handle.
fn side_messages(t: &Timeline) -> Vec<SideMessage> {
    let mut out = Vec::new();
    // One pass over the trace: each step's entries follow the step before's.
    let mut trace = t.all_entries().peekable();
    for (n, step) in t.steps().enumerate() {
        while trace.next_if(|e| e.index < step.entries.start).is_some() {}
        while let Some(e) = trace.next_if(|e| e.index < step.entries.end) {
            for m in e.posted() {
                out.push(SideMessage {
                    id: m.id,
                    step: n + 1,
                    entry: e.index,
                    line: step.line,
                    window: m.hwnd.to_string(),
                    text: format!("{}({}, {})", m.msg, m.wparam.0, m.lparam.raw()),
                    rule: m.rule,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
