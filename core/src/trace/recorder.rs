//! The trace recorder: the step being recorded and the trace it joins when it ends.
//! Every part of the model records through it (`Sim::begin`, `Sim::change`, `Sim::end`).

use alloc::vec::Vec;

use super::{Cause, Change, Outcome, Trace, TraceEntry};
use crate::time::Instant;

/// The trace and the entry of the step under way.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Recorder {
    pub(crate) trace: Trace,
    current: Option<TraceEntry>,
}

impl Recorder {
    /// Opens the entry of a step.
    pub(crate) fn begin(&mut self, at: Instant, cause: Cause) {
        debug_assert!(self.current.is_none(), "invariant: one step at a time");
        self.current = Some(TraceEntry {
            index: 0,
            at,
            cause,
            outcome: Outcome::None,
            changes: Vec::new(),
        });
    }

    /// Records a change in the open entry (or, between steps, in the last one).
    pub(crate) fn change(&mut self, c: Change) {
        match self.current.as_mut() {
            Some(e) => e.changes.push(c),
            None => {
                if let Some(e) = self.trace.last_mut() {
                    e.changes.push(c);
                }
            }
        }
    }

    /// Closes the open entry with its outcome; returns its index.
    pub(crate) fn end(&mut self, outcome: Outcome) -> usize {
        let mut e = self.current.take().expect("invariant: a step is open");
        e.outcome = outcome;
        self.trace.push(e)
    }
}
