//! The timeline: every step of one scenario run, with checkpoints so that going to any
//! step, forward or back, replays at most [`CHECKPOINT_EVERY`] steps.
//!
//! Plain Rust, no DOM: tested natively. The run is computed once, eagerly, when the
//! scenario loads; after that, moving the cursor restores the nearest checkpoint at or
//! before the target and replays from there, which determinism makes exact. Checkpoints
//! hold no trace (the timeline keeps the one copy), so each is a small clone of the world.

use wsasim::script::{Failure, RunOptions, Runner, ScriptError, StepReport};
use wsasim::trace::{Names, TraceEntry};
use wsasim::{Profile, Rule, Sim};

pub use crate::digest::{same_step, TraceDigest};

/// How many steps apart checkpoints are: the most steps any move replays.
pub const CHECKPOINT_EVERY: usize = 32;

/// The most steps a run may have in the playground.
pub const MAX_STEPS: usize = 250_000;

/// One scenario's run, and a cursor into it.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// `checkpoints[i]`: the runner after `i * CHECKPOINT_EVERY` steps.
    checkpoints: Vec<Runner>,
    /// Every step of the run.
    steps: Vec<StepReport>,
    /// Every trace entry of the run, by index.
    trace: Vec<TraceEntry>,
    /// The script line of each trace entry, by index.
    lines: Vec<Option<u32>>,
    /// The names of the run's hosts and windows.
    names: Names,
    /// How the run ended, if it failed.
    failure: Option<Failure>,
    /// True if the run was cut at [`MAX_STEPS`].
    truncated: bool,
    /// The runner after `cursor` steps.
    current: Runner,
    cursor: usize,
}

impl Timeline {
    /// Parses, checks and runs `src` to its end (or first failure).
    pub fn new(src: &str) -> Result<Timeline, Vec<ScriptError>> {
        let start = Runner::new(src)?;
        Ok(Timeline::from_runner(start))
    }

    /// Like [`Timeline::new`], under these options (the profile switch sets
    /// `RunOptions::profile`).
    pub fn with_options(src: &str, options: RunOptions) -> Result<Timeline, Vec<ScriptError>> {
        let start = Runner::with_options(src, options)?;
        Ok(Timeline::from_runner(start))
    }

    /// Like [`Timeline::new`], under `profile` whatever the script's `profile` line says.
    pub fn with_profile(src: &str, profile: Profile) -> Result<Timeline, Vec<ScriptError>> {
        Timeline::with_options(
            src,
            RunOptions {
                profile: Some(profile),
                ..RunOptions::default()
            },
        )
    }

    /// Runs an already checked runner to its end and records everything.
    pub fn from_runner(start: Runner) -> Timeline {
        let mut r = start;
        r.drain_trace();
        let mut checkpoints = vec![r.clone()];
        let mut steps = Vec::new();
        let mut trace = Vec::new();
        let mut lines = Vec::new();
        let mut truncated = false;
        loop {
            if steps.len() >= MAX_STEPS {
                truncated = true;
                break;
            }
            let Some(report) = r.step() else { break };
            for (e, line, _) in r.drain_trace() {
                trace.push(e);
                lines.push(line);
            }
            steps.push(report);
            if steps.len() % CHECKPOINT_EVERY == 0 {
                checkpoints.push(r.clone());
            }
        }
        let failure = r.failure().cloned();
        let names = r.sim().trace().names().clone();
        let current = checkpoints[0].clone();
        Timeline {
            checkpoints,
            steps,
            trace,
            lines,
            names,
            failure,
            truncated,
            current,
            cursor: 0,
        }
    }

    /// The number of steps in the run.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// True for a scenario with no step at all.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// How many steps have been taken (0 = before the first).
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The world after `cursor` steps.
    pub fn sim(&self) -> &Sim {
        self.current.sim()
    }

    /// The runner after `cursor` steps (names of sockets, next line, …).
    pub fn runner(&self) -> &Runner {
        &self.current
    }

    /// Every step of the run.
    pub fn steps(&self) -> &[StepReport] {
        &self.steps
    }

    /// The step just taken, if any.
    pub fn current_step(&self) -> Option<&StepReport> {
        self.cursor.checked_sub(1).and_then(|i| self.steps.get(i))
    }

    /// The names of the run's hosts and windows, to print its entries.
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// The script line that caused trace entry `index`.
    pub fn line_of(&self, index: usize) -> Option<u32> {
        self.lines.get(index).copied().flatten()
    }

    /// A trace entry as text, with the run's names.
    pub fn show(&self, e: &TraceEntry) -> String {
        e.display(&self.names).to_string()
    }

    /// The whole run's trace.
    pub fn full_trace(&self) -> &[TraceEntry] {
        &self.trace
    }

    /// The trace up to the cursor.
    pub fn trace(&self) -> &[TraceEntry] {
        let end = self.current_step().map_or(0, |s| s.entries.end);
        &self.trace[..end.min(self.trace.len())]
    }

    /// The trace entries the step just taken added.
    pub fn current_entries(&self) -> &[TraceEntry] {
        match self.current_step() {
            Some(s) => {
                &self.trace
                    [s.entries.start.min(self.trace.len())..s.entries.end.min(self.trace.len())]
            }
            None => &[],
        }
    }

    /// How the whole run ended, if it failed.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// True if the run was cut at [`MAX_STEPS`].
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Moves the cursor to `target` (clamped to the run), replaying at most
    /// [`CHECKPOINT_EVERY`] steps.
    pub fn seek(&mut self, target: usize) {
        let target = target.min(self.len());
        if target == self.cursor {
            return;
        }
        let from_here = target > self.cursor && target - self.cursor <= CHECKPOINT_EVERY;
        if !from_here {
            let k = target / CHECKPOINT_EVERY;
            self.current = self.checkpoints[k.min(self.checkpoints.len() - 1)].clone();
            self.cursor = k * CHECKPOINT_EVERY;
        }
        while self.cursor < target {
            if self.current.step().is_none() {
                break;
            }
            self.current.drain_trace();
            self.cursor += 1;
        }
    }

    /// One step forward.
    pub fn forward(&mut self) {
        self.seek(self.cursor + 1);
    }

    /// One step back.
    pub fn back(&mut self) {
        self.seek(self.cursor.saturating_sub(1));
    }

    /// Back to the start.
    pub fn reset(&mut self) {
        self.seek(0);
    }

    /// To the end of the run.
    pub fn to_end(&mut self) {
        self.seek(self.len());
    }

    /// The cursor at which trace entry `index` first shows: the number of the step that
    /// added it (steps count from 1). Past the end of the trace, the last step.
    pub fn step_of_entry(&self, index: usize) -> usize {
        let i = self.steps.partition_point(|s| s.entries.end <= index);
        (i + 1).min(self.len())
    }

    /// A digest of the run's trace: a 64-bit FNV-1a hash of what every entry means (its
    /// typed fields, not its text; see [`crate::digest`]), and one byte per entry (up to
    /// `max_bytes`) so a different trace can be located.
    pub fn digest(&self, max_bytes: usize) -> TraceDigest {
        TraceDigest::of(&self.trace, max_bytes)
    }
}

/// The first index at which two traces mean different steps ([`same_step`]: their typed
/// fields differ, posting counters aside); a trace that is a prefix of the other differs
/// where the shorter one ends. `None` if they are the same.
pub fn first_divergence(a: &[TraceEntry], b: &[TraceEntry]) -> Option<usize> {
    let n = a.len().min(b.len());
    (0..n)
        .find(|&i| !same_step(&a[i], &b[i]))
        .or((a.len() != b.len()).then_some(n))
}

/// The rules behind an entry's changes (posts, records, latches, selections,
/// suppressions), in order, without repeats.
pub fn rules_of(entry: &TraceEntry) -> Vec<Rule> {
    let mut rules = Vec::new();
    for r in entry.changes.iter().filter_map(|c| c.rule()) {
        if !rules.contains(&r) {
            rules.push(r);
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> String {
        wsasim::gallery::get("fd-read-level-triggered")
            .expect("in the gallery")
            .source
            .to_string()
    }

    #[test]
    fn seeking_back_gives_exactly_the_state_of_stepping_forward() {
        let mut t = Timeline::new(&example()).unwrap();
        assert!(t.len() > 10);
        assert!(t.failure().is_none());
        // Walk forward and record the world's state at every step.
        let mut states = Vec::new();
        for _ in 0..=t.len() {
            states.push(format!(
                "{:?}{:?}",
                t.sim().sockets().collect::<Vec<_>>(),
                t.sim().windows()
            ));
            t.forward();
        }
        // Jump around, backwards included: each position shows the same state.
        for target in [t.len(), 3, 0, t.len() / 2, 1, t.len() - 1, 2] {
            t.seek(target);
            assert_eq!(t.cursor(), target);
            let s = format!(
                "{:?}{:?}",
                t.sim().sockets().collect::<Vec<_>>(),
                t.sim().windows()
            );
            assert_eq!(s, states[target], "state at step {target}");
        }
    }

    #[test]
    fn trace_up_to_the_cursor_grows_with_it() {
        let mut t = Timeline::new(&example()).unwrap();
        assert!(t.trace().is_empty());
        t.seek(5);
        let n = t.trace().len();
        t.forward();
        assert!(t.trace().len() >= n);
        t.to_end();
        assert_eq!(t.trace().len(), t.full_trace().len());
        for (i, e) in t.full_trace().iter().enumerate() {
            assert_eq!(e.index, i);
        }
    }

    #[test]
    fn digests_locate_the_first_difference() {
        let t = Timeline::new(&example()).unwrap();
        let d = t.digest(256);
        assert_eq!(d.first_difference(&t.digest(256)), None);
        let changed = example().replace("send(C, 100 bytes)", "send(C, 99 bytes)");
        assert_ne!(changed, example());
        let other = Timeline::new(&changed).unwrap();
        let e = other.digest(256);
        let at = d.first_difference(&e).expect("traces differ");
        assert!(at > 10, "the start of both runs is the same: {at}");
    }

    #[test]
    fn the_profile_switch_overrides_the_script() {
        let src = wsasim::gallery::get("windows-reset-connaborted")
            .expect("in the gallery")
            .source;
        let d = Timeline::with_profile(src, Profile::Documented).unwrap();
        let w = Timeline::with_profile(src, Profile::Windows).unwrap();
        assert_eq!(d.sim().profile(), Profile::Documented);
        assert_eq!(w.sim().profile(), Profile::Windows);
        assert!(d.failure().is_none() && w.failure().is_none());
        let at = first_divergence(d.full_trace(), w.full_trace()).expect("they differ");
        assert_ne!(d.show(&d.full_trace()[at]), w.show(&w.full_trace()[at]));
        assert!(!same_step(&d.full_trace()[at], &w.full_trace()[at]));
        for i in 0..at {
            assert!(same_step(&d.full_trace()[i], &w.full_trace()[i]));
            assert_eq!(d.show(&d.full_trace()[i]), w.show(&w.full_trace()[i]));
        }
        let rules: Vec<Rule> = rules_of(&d.full_trace()[at])
            .into_iter()
            .chain(rules_of(&w.full_trace()[at]))
            .collect();
        assert!(!rules.is_empty(), "the diverging entries name their rules");
        assert_eq!(first_divergence(d.full_trace(), d.full_trace()), None);
        let short = &d.full_trace()[..3];
        assert_eq!(first_divergence(short, d.full_trace()), Some(3));
    }

    #[test]
    fn entries_map_to_the_steps_that_show_them() {
        let mut t = Timeline::new(&example()).unwrap();
        for i in 0..t.full_trace().len() {
            let step = t.step_of_entry(i);
            t.seek(step);
            assert!(t.trace().len() > i, "entry {i} shows at step {step}");
            t.seek(step - 1);
            assert!(
                t.trace().len() <= i,
                "entry {i} not yet at step {}",
                step - 1
            );
        }
        assert_eq!(t.step_of_entry(usize::MAX), t.len());
    }

    #[test]
    fn long_runs_keep_small_checkpoints() {
        let mut src = String::from("host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\nb: WSAStartup()\nb: L = socket(AF_INET, SOCK_STREAM)\nb: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\na: C = socket(AF_INET, SOCK_STREAM)\na: connect(C, 10.0.0.2:80)\nb: A = accept(L)\nb: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\n");
        for _ in 0..300 {
            src.push_str("a: send(C, \"ping\")\nrun until idle\nexpect w: WM_USER+1(A, FD_READ, 0)\nb: recv(A, 10) => \"ping\"\n");
        }
        let mut t = Timeline::new(&src).unwrap();
        assert!(t.failure().is_none(), "{:?}", t.failure());
        assert!(t.len() > 1000);
        t.seek(t.len() - 5);
        t.back();
        assert_eq!(t.cursor(), t.len() - 6);
        let held = t.sim().trace().len() - t.sim().trace().first_index();
        assert!(held <= CHECKPOINT_EVERY * 8);
    }
}
