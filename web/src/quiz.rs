//! Learning mode, "predict the next message": before each step that posts a message, and
//! before each step that delivers a segment (where "nothing" is often the answer), the
//! playground stops, hides what comes, and asks which message the step posts: an event,
//! an error, or nothing. One click answers; the step is then taken and shown, with the
//! rule that decided and the page's sentence, and the score goes on.
//!
//! Plain Rust, no DOM: tested natively. The questions are read once from the run's
//! steps (what each step posted is in the trace the core recorded), so a question costs
//! nothing per step and works for every scenario under either profile.

use wsasim::trace::{Cause, TraceEntry};
use wsasim::{NetworkEvent, Rule, WsaError};

use crate::timeline::Timeline;

/// One message a question's step posts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posted {
    /// Its id (to select it in the Why? panel).
    pub id: u64,
    /// The event in its `lParam`.
    pub event: NetworkEvent,
    /// The error in its `lParam`, if any.
    pub error: Option<WsaError>,
    /// The rule that posted it.
    pub rule: Rule,
}

/// A point of the run where the quiz asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The step asked about: the cursor stands at `step` (before it) while asking.
    pub step: usize,
    /// What the step does, for the prompt (`b: recv(A, 9)` or `deliver …`).
    pub what: String,
    /// The messages it posts (none for a delivery that posts nothing).
    pub posted: Vec<Posted>,
}

/// One answer button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// The step posts this event (without an error).
    Event(NetworkEvent),
    /// The step posts a message carrying an error.
    Error,
    /// The step posts nothing.
    Nothing,
}

impl Choice {
    /// A stable id, the button's `data-choice`: `FD_READ`, `error`, `nothing`.
    pub fn id(self) -> String {
        match self {
            Choice::Event(e) => e.to_string(),
            Choice::Error => "error".to_string(),
            Choice::Nothing => "nothing".to_string(),
        }
    }

    /// The button's label.
    pub fn label(self) -> String {
        match self {
            Choice::Event(e) => e.to_string(),
            Choice::Error => "an error".to_string(),
            Choice::Nothing => "nothing".to_string(),
        }
    }
}

/// The quiz's questions for a run: every step that posts a message or delivers a segment.
pub fn questions(t: &Timeline) -> Vec<Question> {
    let mut out = Vec::new();
    // One pass over the trace: each step's entries follow the step before's.
    let mut trace = t.all_entries().peekable();
    for (i, s) in t.steps().enumerate() {
        while trace.next_if(|e| e.index < s.entries.start).is_some() {}
        let mut entries: Vec<TraceEntry> = Vec::new();
        while let Some(e) = trace.next_if(|e| e.index < s.entries.end) {
            entries.push(e);
        }
        let posted: Vec<Posted> = entries
            .iter()
            .flat_map(|e| e.posted())
            .map(|m| Posted {
                id: m.id,
                event: m.lparam.event(),
                error: m.lparam.error(),
                rule: m.rule,
            })
            .collect();
        let delivers = entries
            .iter()
            .any(|e| matches!(e.cause, Cause::Deliver { .. }));
        if posted.is_empty() && !delivers {
            continue;
        }
        let what = entries
            .first()
            .map(|e| e.cause.display(t.names()).to_string())
            .unwrap_or_default();
        out.push(Question {
            step: i,
            what,
            posted,
        });
    }
    out
}

/// The answer buttons: the six events a TCP or UDP scenario usually posts, any other
/// event some question of `qs` posts, an error, and nothing.
pub fn choices(qs: &[Question]) -> Vec<Choice> {
    let mut events = vec![
        NetworkEvent::FD_READ,
        NetworkEvent::FD_WRITE,
        NetworkEvent::FD_OOB,
        NetworkEvent::FD_ACCEPT,
        NetworkEvent::FD_CONNECT,
        NetworkEvent::FD_CLOSE,
    ];
    for p in qs.iter().flat_map(|q| &q.posted) {
        for e in p.event.iter() {
            if !events.contains(&e) {
                events.push(e);
            }
        }
    }
    // In bit order (`NetworkEvent`'s order is its bits').
    crate::view::sort_short(&mut events);
    let mut out: Vec<Choice> = events.into_iter().map(Choice::Event).collect();
    out.push(Choice::Error);
    out.push(Choice::Nothing);
    out
}

/// True if `choice` is a right answer to `q`: nothing for a step that posts nothing; an
/// error if a message carries one; an event if a message carries it without an error.
pub fn is_right(q: &Question, choice: Choice) -> bool {
    match choice {
        Choice::Nothing => q.posted.is_empty(),
        Choice::Error => q.posted.iter().any(|p| p.error.is_some()),
        Choice::Event(e) => q
            .posted
            .iter()
            .any(|p| p.error.is_none() && p.event.contains(e)),
    }
}

/// The right answers to `q`, as the choices' labels (`FD_READ`, `FD_CLOSE with
/// WSAECONNRESET`, `nothing`).
pub fn answer_text(q: &Question) -> String {
    if q.posted.is_empty() {
        return "nothing: this step posts no message".to_string();
    }
    q.posted
        .iter()
        .map(|p| match p.error {
            Some(err) => format!("{} with {err}", p.event),
            None => p.event.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where the quiz is: which question, the answer given to it, and the score.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quiz {
    /// The question asked (an index into [`questions`]).
    pub index: usize,
    /// The answer given to it, once given.
    pub answered: Option<Choice>,
    /// Right answers so far.
    pub right: u32,
    /// Questions answered so far.
    pub asked: u32,
}

impl Quiz {
    /// Answers the current question `q` with `choice`; a second answer changes nothing.
    /// Returns true if it was right.
    pub fn answer(&mut self, q: &Question, choice: Choice) -> bool {
        if self.answered.is_some() {
            return false;
        }
        let right = is_right(q, choice);
        self.answered = Some(choice);
        self.asked += 1;
        if right {
            self.right += 1;
        }
        right
    }

    /// Goes on to the next question (if answered).
    pub fn next(&mut self) {
        if self.answered.is_some() {
            self.index += 1;
            self.answered = None;
        }
    }
}

#[cfg(test)]
mod tests;
