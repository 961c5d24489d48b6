//! The trace recorder: the step being recorded and the trace it joins when it ends.
//! Every part of the model records through it (`Sim::begin`, `Sim::change`, `Sim::end`).
//!
//! The step's entry is built typed, in memory, and encoded into the trace when the step
//! ends. The recorder keeps that entry afterwards: it is what `Sim::step` returns without
//! decoding, and its `changes` vector is reused by the next step.

use alloc::vec::Vec;

use super::{Cause, Change, Outcome, Trace, TraceEntry};
use crate::time::Instant;

/// The trace, and the entry of the step under way or of the last step.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Recorder {
    pub(crate) trace: Trace,
    /// The open step's entry, or the last step's once it has ended.
    entry: Option<TraceEntry>,
    /// True between `begin` and `end`.
    open: bool,
}

impl Recorder {
    /// A copy whose trace holds no entries (see [`Trace::clone_empty`]).
    pub(crate) fn checkpoint(&self) -> Recorder {
        Recorder {
            trace: self.trace.clone_empty(),
            entry: self.entry.clone(),
            open: self.open,
        }
    }

    /// Opens the entry of a step.
    pub(crate) fn begin(&mut self, at: Instant, cause: Cause) {
        debug_assert!(!self.open, "invariant: one step at a time");
        self.open = true;
        match &mut self.entry {
            Some(e) => {
                e.index = 0;
                e.at = at;
                e.cause = cause;
                e.outcome = Outcome::None;
                e.changes.clear();
            }
            None => {
                self.entry = Some(TraceEntry {
                    index: 0,
                    at,
                    cause,
                    outcome: Outcome::None,
                    changes: Vec::new(),
                });
            }
        }
    }

    /// Records a change in the open entry (or, between steps, in the last one if the trace
    /// still holds it).
    pub(crate) fn change(&mut self, c: Change) {
        let Some(e) = self.entry.as_mut() else {
            return;
        };
        if self.open {
            e.changes.push(c);
        } else if self.trace.holds_last() {
            e.changes.push(c);
            self.trace.replace_last(e);
        }
    }

    /// Closes the open entry with its outcome; returns its index.
    pub(crate) fn end(&mut self, outcome: Outcome) -> usize {
        debug_assert!(self.open, "invariant: a step is open");
        self.open = false;
        let e = self.entry.as_mut().expect("invariant: a step is open");
        e.outcome = outcome;
        e.index = self.trace.len();
        self.trace.push(e)
    }

    /// The last step's entry, if it has ended and the trace still holds it.
    pub(crate) fn last(&self) -> Option<&TraceEntry> {
        self.entry
            .as_ref()
            .filter(|_| !self.open && self.trace.holds_last())
    }
}
