//! The timeline: every step of one scenario run, with checkpoints so that going to any
//! step, forward or back, replays at most a few hundred steps.
//!
//! Plain Rust, no DOM: tested natively. The run is computed once, eagerly, when the
//! scenario loads. The trace stays as the core keeps it — encoded, a few dozen bytes an
//! entry — in the finished run's world, and is decoded only where a view reads it
//! ([`Timeline::recent`], [`Timeline::entries`]). Checkpoints are
//! [`Runner::checkpoint`]s (worlds that hold no trace), at most [`MAX_CHECKPOINTS`]: the
//! spacing doubles as the run grows. Moving the cursor restores the nearest checkpoint at
//! or before the target and replays from there, which determinism makes exact. So what a
//! run costs is its encoded trace plus about 20 bytes a step, and no step of the cursor
//! costs time in proportion to the run's length.

use core::ops::Range;

use wsasim::script::{Failure, LineMap, RunOptions, Runner, ScriptError, StepReport};
use wsasim::trace::{Names, Trace, TraceEntry};
use wsasim::{Profile, Rule, Sim};

pub use crate::digest::{same_step, TraceDigest};

/// How many steps apart checkpoints start: the most steps a move replays in a short run.
pub const CHECKPOINT_EVERY: usize = 32;

/// The most checkpoints a run keeps: past it, every other one goes and the spacing
/// doubles (1,000,000 steps: one checkpoint every 1,024 steps).
pub const MAX_CHECKPOINTS: usize = 1024;

/// What the checkpoints may cost together, in bytes (each is counted as
/// [`Sim::footprint`]). Past it they are thinned like past [`MAX_CHECKPOINTS`]: a
/// scenario that keeps megabytes in its buffers or a million messages in a queue gets
/// fewer checkpoints and longer replays, never a tab out of memory.
pub const CHECKPOINT_BUDGET_BYTES: usize = 32 << 20;

/// The most steps a run may have in the playground.
pub const MAX_STEPS: usize = 1_000_000;

/// The most memory a run may keep in the playground, in bytes: its encoded trace, 20
/// bytes a step, its checkpoints and, while it runs, its world (a queue of messages
/// nobody takes grows with every step). A run that would keep more stops there, however few
/// its steps (a step can record thousands of changes: `network down` on a host with
/// thousands of sockets), so no scenario can take the tab's memory. It is checked after
/// each step: a run stops at the first step that takes it past the limit.
pub const MAX_RUN_BYTES: usize = 128 << 20;

/// Why a run stopped before its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// It reached [`MAX_STEPS`].
    Steps,
    /// It would keep more than [`MAX_RUN_BYTES`] (or the limit set with
    /// [`Timeline::set_memory_limit`]).
    Memory,
}

impl Cut {
    /// What the playground says about it.
    pub fn message(self, steps: usize) -> String {
        let why = match self {
            Cut::Steps => format!(
                "the playground keeps at most {} steps",
                thousands(MAX_STEPS)
            ),
            Cut::Memory => format!(
                "the playground keeps at most {} MB of a run, and this one records a lot a step",
                MAX_RUN_BYTES >> 20
            ),
        };
        format!(
            "The run stops after step {}: {why}. The command line (`wsasim run`) runs it whole.",
            thousands(steps)
        )
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One step of the run, as the timeline keeps it (a [`StepReport`] in 20 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Step {
    stmt: u32,
    line: u32,
    start: u32,
    end: u32,
    finished: bool,
}

impl Step {
    fn new(r: &StepReport) -> Step {
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        Step {
            stmt: n(r.stmt),
            line: r.line,
            start: n(r.entries.start),
            end: n(r.entries.end),
            finished: r.finished_statement,
        }
    }

    fn report(self) -> StepReport {
        StepReport {
            stmt: self.stmt as usize,
            line: self.line,
            entries: self.start as usize..self.end as usize,
            finished_statement: self.finished,
        }
    }
}

/// One scenario's run, and a cursor into it.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// `checkpoints[i]`: the runner after `i * every` steps.
    checkpoints: Vec<Runner>,
    /// Steps between two checkpoints.
    every: usize,
    /// What the checkpoints cost together (see [`CHECKPOINT_BUDGET_BYTES`]).
    checkpoint_bytes: usize,
    /// Every step of the run.
    steps: Vec<Step>,
    /// The runner computing the run, while it is not complete: its world's trace holds
    /// every entry so far (encoded), its line map their lines. Once complete, the trace
    /// and lines move to `record` and this becomes a world with nothing in it, so the
    /// finished world's buffers are not kept twice.
    end: Runner,
    /// The finished run's trace and lines (see `end`).
    record: Option<(Trace, LineMap)>,
    /// How the run ended, if it failed.
    failure: Option<Failure>,
    /// Why the run stopped before its end, if it did.
    cut: Option<Cut>,
    /// The most memory the run may keep (see [`MAX_RUN_BYTES`]).
    max_bytes: usize,
    /// What the running world takes ([`Sim::footprint`]), as last measured, and the
    /// number of the world's steps at which to measure it again.
    world_bytes: usize,
    world_check: u64,
    /// True once the run has reached its end (see [`Timeline::extend`]).
    complete: bool,
    /// What each checkpoint costs (see [`CHECKPOINT_BUDGET_BYTES`]).
    costs: Vec<usize>,
    /// The runner after `cursor` steps.
    current: Runner,
    cursor: usize,
    /// The script's `title` and `about`, found once: [`wsasim::script::Script::title`]
    /// reads every statement, and the panels ask at each step.
    title: Option<String>,
    about: Option<String>,
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
        let mut t = Timeline::start(start);
        t.finish();
        t
    }

    /// A timeline of `start` that has taken no step yet: [`Timeline::extend`] runs it,
    /// a piece at a time if the caller wants to show the first steps before the last
    /// ones are computed.
    pub fn start(start: Runner) -> Timeline {
        let mut end = start;
        end.forget_trace();
        let first = end.checkpoint();
        let cost = end.sim().footprint();
        let current = first.checkpoint();
        let script = end.script();
        let (title, about) = (
            script.title().map(str::to_string),
            script.about().map(str::to_string),
        );
        Timeline {
            checkpoints: vec![first],
            every: CHECKPOINT_EVERY,
            checkpoint_bytes: cost,
            steps: Vec::new(),
            end,
            record: None,
            failure: None,
            cut: None,
            max_bytes: MAX_RUN_BYTES,
            world_bytes: 0,
            world_check: 0,
            complete: false,
            costs: vec![cost],
            current,
            cursor: 0,
            title,
            about,
        }
    }

    /// The script's `title` line's text, if it has one.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The script's `about` line's text, if it has one.
    pub fn about(&self) -> Option<&str> {
        self.about.as_deref()
    }

    /// Runs more of the run, keeping checkpoints, until `work` is spent: each step
    /// costs one, and each trace entry it records one more (a `repeat` line is one step
    /// of up to 100,000 calls). Returns true once the run has reached its end (its last
    /// step, its first failure, or a [`Cut`]). The cursor stays where it is.
    pub fn extend(&mut self, work: usize) -> bool {
        let entries_before = self.end.sim().steps();
        let mut taken = 0usize;
        let spent = |t: &Timeline, taken: usize| {
            taken.saturating_add((t.end.sim().steps() - entries_before) as usize)
        };
        while !self.complete && spent(self, taken) < work {
            if self.steps.len() >= MAX_STEPS {
                self.cut = Some(Cut::Steps);
                self.complete = true;
                break;
            }
            // The world itself can grow a step at a time (a queue nobody reads): measured
            // every 4,096 of its steps, as that walks its sockets and events.
            if self.end.sim().steps() >= self.world_check {
                self.world_bytes = self.end.sim().footprint();
                self.world_check = self.end.sim().steps() + 4096;
            }
            // One step can add many entries (`repeat` makes up to 100,000 calls).
            if self.kept_bytes() + self.world_bytes > self.max_bytes {
                self.cut = Some(Cut::Memory);
                self.complete = true;
                break;
            }
            let Some(report) = self.end.step() else {
                self.complete = true;
                break;
            };
            taken += 1;
            self.steps.push(Step::new(&report));
            self.maybe_checkpoint();
        }
        if self.complete && self.record.is_none() {
            self.failure = self.end.failure().cloned();
            self.record = Some(self.end.take_trace());
            self.end = self.checkpoints[0].checkpoint();
        }
        self.complete
    }

    /// Lets the run keep at most `bytes` of memory instead of [`MAX_RUN_BYTES`] (an
    /// embedder with less to spare, or a test).
    pub fn set_memory_limit(&mut self, bytes: usize) {
        self.max_bytes = bytes;
    }

    /// Runs the rest of the run.
    pub fn finish(&mut self) {
        self.extend(usize::MAX);
    }

    /// True once the run has reached its end; until then [`Timeline::len`] is the steps
    /// computed so far.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// Keeps a checkpoint of the runner if this step is the next checkpoint's place,
    /// thinning the checkpoints first if there are too many or they cost too much.
    fn maybe_checkpoint(&mut self) {
        let n = self.steps.len();
        // `checkpoints[i]` is the runner after `i * every` steps: is this the next place?
        if n != self.checkpoints.len() * self.every {
            return;
        }
        let c = self.end.sim().footprint();
        while self.checkpoints.len() > 1
            && (self.checkpoints.len() >= MAX_CHECKPOINTS
                || self.checkpoint_bytes + c > CHECKPOINT_BUDGET_BYTES)
        {
            // Keep checkpoints 0, 2, 4, …: they are `2 * every` apart.
            thin(&mut self.checkpoints);
            thin(&mut self.costs);
            self.checkpoint_bytes = self.costs.iter().sum();
            self.every *= 2;
        }
        if n != self.checkpoints.len() * self.every {
            return; // Thinned: the next place is further on.
        }
        if self.checkpoint_bytes + c > CHECKPOINT_BUDGET_BYTES {
            // Too big beside checkpoint 0 alone: none here, and the next place is further.
            self.every *= 2;
            return;
        }
        self.checkpoints.push(self.end.checkpoint());
        self.costs.push(c);
        self.checkpoint_bytes += c;
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

    /// Step `i` of the run (from 0: the step the cursor `i + 1` has just taken).
    pub fn step(&self, i: usize) -> Option<StepReport> {
        self.steps.get(i).map(|s| s.report())
    }

    /// Every step of the run, in order.
    pub fn steps(&self) -> impl DoubleEndedIterator<Item = StepReport> + ExactSizeIterator + '_ {
        self.steps.iter().map(|s| s.report())
    }

    /// The step just taken, if any.
    pub fn current_step(&self) -> Option<StepReport> {
        self.cursor.checked_sub(1).and_then(|i| self.step(i))
    }

    /// The names of the run's hosts and windows, to print its entries.
    pub fn names(&self) -> &Names {
        self.trace().names()
    }

    /// The script line that caused trace entry `index`.
    pub fn line_of(&self, index: usize) -> Option<u32> {
        self.lines().line_of(index)
    }

    /// A trace entry as text, with the run's names.
    pub fn show(&self, e: &TraceEntry) -> String {
        e.display(self.names()).to_string()
    }

    /// The run's trace (so far, while it is not complete).
    fn trace(&self) -> &Trace {
        match &self.record {
            Some((t, _)) => t,
            None => self.end.sim().trace(),
        }
    }

    /// The script lines of the run's entries.
    fn lines(&self) -> &LineMap {
        match &self.record {
            Some((_, l)) => l,
            None => self.end.lines(),
        }
    }

    /// The number of entries in the whole run's trace.
    pub fn total_entries(&self) -> usize {
        self.trace().len()
    }

    /// Entry `index` of the whole run's trace (decoded).
    pub fn entry(&self, index: usize) -> Option<TraceEntry> {
        self.trace().get(index)
    }

    /// The whole run's entries with indexes in `range` (decoded).
    pub fn entries(&self, range: Range<usize>) -> Vec<TraceEntry> {
        self.trace().range(range).collect()
    }

    /// Every entry of the whole run, decoded one by one.
    pub fn all_entries(&self) -> impl Iterator<Item = TraceEntry> + '_ {
        self.trace().iter()
    }

    /// How many entries the trace has up to the cursor: the index of the next one.
    pub fn trace_len(&self) -> usize {
        self.current_step()
            .map_or(self.first_entry(), |s| s.entries.end)
            .min(self.total_entries())
    }

    /// The index of the run's first entry.
    fn first_entry(&self) -> usize {
        self.trace().first_index()
    }

    /// The last `n` entries up to the cursor, oldest first.
    pub fn recent(&self, n: usize) -> Vec<TraceEntry> {
        let end = self.trace_len();
        self.entries(end.saturating_sub(n)..end)
    }

    /// The newest entry up to the cursor.
    pub fn last_entry(&self) -> Option<TraceEntry> {
        self.trace_len().checked_sub(1).and_then(|i| self.entry(i))
    }

    /// The trace entries the step just taken added.
    pub fn current_entries(&self) -> Vec<TraceEntry> {
        self.current_step()
            .map(|s| self.entries(s.entries))
            .unwrap_or_default()
    }

    /// The entry that posted message `id`, if it is up to the cursor (a binary search,
    /// see [`wsasim::trace::Trace::entry_posting`]).
    pub fn entry_posting(&self, id: u64) -> Option<TraceEntry> {
        self.trace()
            .entry_posting(id)
            .filter(|e| e.index < self.trace_len())
    }

    /// How the whole run ended, if it failed.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// True if the run stopped before its end (see [`Timeline::cut`]).
    pub fn truncated(&self) -> bool {
        self.cut.is_some()
    }

    /// Why the run stopped before its end, if it did.
    pub fn cut(&self) -> Option<Cut> {
        self.cut
    }

    /// The memory the run keeps, about: its encoded trace, its steps and its
    /// checkpoints (see [`MAX_RUN_BYTES`]).
    pub fn kept_bytes(&self) -> usize {
        self.trace().encoded_bytes()
            + self.steps.capacity() * core::mem::size_of::<Step>()
            + self.lines().len() * 12
            + self.checkpoint_bytes
    }

    /// Steps between two checkpoints: the most a move replays.
    pub fn checkpoint_spacing(&self) -> usize {
        self.every
    }

    /// How many checkpoints the run keeps, and what they cost together in bytes (as
    /// [`CHECKPOINT_BUDGET_BYTES`] counts them).
    pub fn checkpoints(&self) -> (usize, usize) {
        (self.checkpoints.len(), self.checkpoint_bytes)
    }

    /// Keeps only the first checkpoint: for a run whose entries are read but whose cursor
    /// stays put (the other profile's run beside this one). Moves still work, replaying
    /// from the start.
    pub fn forget_checkpoints(&mut self) {
        self.checkpoints.truncate(1);
        self.costs.truncate(1);
        self.checkpoint_bytes = self.costs[0];
        self.every = self.len().max(1);
        self.current = self.checkpoints[0].checkpoint();
        self.cursor = 0;
    }

    /// Moves the cursor to `target` (clamped to the run), replaying at most
    /// [`Timeline::checkpoint_spacing`] steps.
    pub fn seek(&mut self, target: usize) {
        let target = target.min(self.len());
        if target == self.cursor {
            return;
        }
        let from_here = target > self.cursor && target - self.cursor <= self.every;
        if !from_here {
            let k = (target / self.every).min(self.checkpoints.len() - 1);
            self.current = self.checkpoints[k].checkpoint();
            self.cursor = k * self.every;
        }
        while self.cursor < target {
            if self.current.step().is_none() {
                break;
            }
            self.current.forget_trace();
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
        let i = self.steps.partition_point(|s| s.end as usize <= index);
        (i + 1).min(self.len())
    }

    /// A digest of the run's trace: a 64-bit FNV-1a hash of what every entry means (its
    /// typed fields, not its text; see [`crate::digest`]), and one byte per entry (up to
    /// `max_bytes`) so a different trace can be located.
    pub fn digest(&self, max_bytes: usize) -> TraceDigest {
        TraceDigest::of(self.all_entries(), max_bytes)
    }
}

/// Keeps items 0, 2, 4, … of `v`.
fn thin<T>(v: &mut Vec<T>) {
    let mut k = 0;
    v.retain(|_| {
        k += 1;
        k % 2 == 1
    });
}

/// The first index at which two runs' traces mean different steps ([`same_step`]: their
/// typed fields differ, posting counters aside); a trace that is a prefix of the other
/// differs where the shorter one ends. `None` if they are the same.
pub fn first_divergence(a: &Timeline, b: &Timeline) -> Option<usize> {
    let (mut x, mut y) = (a.all_entries(), b.all_entries());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return None,
            (Some(e), Some(f)) if same_step(&e, &f) => {}
            (Some(e), _) => return Some(e.index),
            (None, Some(f)) => return Some(f.index),
        }
    }
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
    fn title_and_about_are_the_scripts_and_stay_through_the_run() {
        let src = example();
        let script = wsasim::script::parse(&src).unwrap();
        let mut t = Timeline::new(&src).unwrap();
        assert!(script.title().is_some() && script.about().is_some());
        assert_eq!(t.title(), script.title());
        assert_eq!(t.about(), script.about());
        t.to_end();
        assert_eq!(t.title(), script.title());
        let bare = Timeline::new("host a 10.0.0.1\n").unwrap();
        assert_eq!((bare.title(), bare.about()), (None, None));
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
        assert_eq!(t.trace_len(), 0);
        assert!(t.recent(10).is_empty());
        t.seek(5);
        let n = t.trace_len();
        assert_eq!(t.recent(usize::MAX).len(), n);
        t.forward();
        assert!(t.trace_len() >= n);
        assert_eq!(t.recent(usize::MAX)[n..], t.current_entries()[..]);
        t.to_end();
        assert_eq!(t.trace_len(), t.total_entries());
        for (i, e) in t.all_entries().enumerate() {
            assert_eq!(e.index, i);
            assert_eq!(t.entry(i).as_ref(), Some(&e));
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
        let at = first_divergence(&d, &w).expect("they differ");
        let (de, we) = (d.entry(at).unwrap(), w.entry(at).unwrap());
        assert_ne!(d.show(&de), w.show(&we));
        assert!(!same_step(&de, &we));
        for i in 0..at {
            let (de, we) = (d.entry(i).unwrap(), w.entry(i).unwrap());
            assert!(same_step(&de, &we));
            assert_eq!(d.show(&de), w.show(&we));
        }
        let rules: Vec<Rule> = rules_of(&de).into_iter().chain(rules_of(&we)).collect();
        assert!(!rules.is_empty(), "the diverging entries name their rules");
        assert_eq!(first_divergence(&d, &d), None);
        // A run that is a prefix of another differs where it ends.
        let lines: Vec<&str> = src.lines().collect();
        let prefix = lines[..lines.len() * 2 / 3].join("\n");
        let short = Timeline::with_profile(&prefix, Profile::Documented).unwrap();
        let n = short.total_entries();
        assert!(n > 0 && n < d.total_entries());
        assert_eq!(first_divergence(&short, &d), Some(n));
        assert_eq!(first_divergence(&d, &short), Some(n));
    }

    #[test]
    fn entries_map_to_the_steps_that_show_them() {
        let mut t = Timeline::new(&example()).unwrap();
        for i in 0..t.total_entries() {
            let step = t.step_of_entry(i);
            t.seek(step);
            assert!(t.trace_len() > i, "entry {i} shows at step {step}");
            t.seek(step - 1);
            assert!(t.trace_len() <= i, "entry {i} not yet at step {}", step - 1);
        }
        assert_eq!(t.step_of_entry(usize::MAX), t.len());
    }

    /// The state of the world as text, to compare two ways of reaching a step.
    fn state(t: &Timeline) -> String {
        format!(
            "{:?}{:?}{:?}",
            t.sim().sockets().collect::<Vec<_>>(),
            t.sim().windows(),
            t.sim().in_flight()
        )
    }

    /// Walks forward step by step, noting the state at `marks`, then seeks to each mark
    /// (last first, so every seek goes back) and checks the same state shows.
    fn seeks_agree_with_walking(t: &mut Timeline, marks: &[usize]) {
        let mut marks = marks.to_vec();
        marks.sort_unstable();
        t.reset();
        let mut seen = Vec::new();
        for &m in &marks {
            while t.cursor() < m {
                t.forward();
            }
            seen.push((m, state(t)));
        }
        for (m, s) in seen.iter().rev() {
            t.seek(*m);
            assert_eq!(t.cursor(), *m);
            assert_eq!(&state(t), s, "state at step {m}");
        }
    }

    #[test]
    fn a_run_computed_in_pieces_is_the_same_run() {
        for id in ["fd-read-level-triggered", "windows-reset-connaborted"] {
            let src = wsasim::gallery::get(id).unwrap().source;
            let whole = Timeline::new(src).unwrap();
            let mut t = Timeline::start(wsasim::script::Runner::new(src).unwrap());
            assert!(!t.is_complete() && t.is_empty());
            let mut pieces = 0;
            let mut before = (0, 0);
            while !t.extend(7) {
                pieces += 1;
                // A piece is 7 steps and entries together: a step and its entry count 2.
                let grew = (t.len() - before.0, t.total_entries() - before.1);
                assert!(
                    grew.0 >= 1 && grew.0 + grew.1 >= 7 && grew.0 < 7,
                    "{id}: {grew:?}"
                );
                before = (t.len(), t.total_entries());
                // The steps computed so far can be visited while the rest waits.
                t.seek(t.len());
                assert_eq!(t.cursor(), t.len());
                t.seek(1);
            }
            assert!(pieces > 1, "{id}: {pieces} pieces");
            assert!(t.is_complete());
            assert_eq!(t.len(), whole.len(), "{id}");
            assert_eq!(t.failure(), whole.failure(), "{id}");
            assert_eq!(t.checkpoints(), whole.checkpoints(), "{id}");
            assert!(t.all_entries().eq(whole.all_entries()), "{id}");
            assert!(t.steps().eq(whole.steps()), "{id}");
            let mut w = whole.clone();
            for target in [w.len(), 2, w.len() / 2] {
                t.seek(target);
                w.seek(target);
                assert_eq!(state(&t), state(&w), "{id} at step {target}");
            }
            assert!(t.extend(5), "nothing more to run");
            assert_eq!(t.len(), whole.len());
        }
    }

    #[test]
    fn a_run_without_checkpoints_still_moves() {
        let mut t = Timeline::new(&example()).unwrap();
        t.forget_checkpoints();
        assert_eq!(t.checkpoints().0, 1);
        let len = t.len();
        seeks_agree_with_walking(&mut t, &[1, 5, len / 2, len]);
        let mut u = Timeline::new(&example()).unwrap();
        for target in [len, 3, len / 2] {
            t.seek(target);
            u.seek(target);
            assert_eq!(state(&t), state(&u), "step {target}");
        }
    }

    #[test]
    fn checkpoints_thin_out_as_a_run_grows() {
        let src = format!(
            "{}{}",
            "host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\nb: WSAStartup()\n\
             b: L = socket(AF_INET, SOCK_STREAM)\nb: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\n\
             a: C = socket(AF_INET, SOCK_STREAM)\na: connect(C, 10.0.0.2:80)\nb: A = accept(L)\n\
             b: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\nrun until idle\n",
            "a:send(C,\"p\")\nstep 2\nb:GetMessage(w)\nb:recv(A,9)\n".repeat(7_000)
        );
        let mut t = Timeline::new(&src).unwrap();
        assert!(
            t.len() > CHECKPOINT_EVERY * MAX_CHECKPOINTS,
            "{} steps",
            t.len()
        );
        assert_eq!(t.checkpoint_spacing(), CHECKPOINT_EVERY * 2);
        let (n, _) = t.checkpoints();
        assert!(
            n <= MAX_CHECKPOINTS && n > MAX_CHECKPOINTS / 2,
            "{n} checkpoints"
        );
        let len = t.len();
        seeks_agree_with_walking(&mut t, &[1, 63, 64, 65, 20_000, len - 1, len]);
    }

    /// Two hosts, a connection whose ends have 4 MiB buffers, and a window for FD_READ.
    const BIG_BUFFERS: &str = "host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\n\
        b: WSAStartup()\nb: L = socket(AF_INET, SOCK_STREAM)\n\
        b: setsockopt(L, SOL_SOCKET, SO_RCVBUF, 4194304)\nb: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\n\
        a: C = socket(AF_INET, SOCK_STREAM)\na: setsockopt(C, SOL_SOCKET, SO_SNDBUF, 4194304)\n\
        a: connect(C, 10.0.0.2:80)\nb: A = accept(L)\nb: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\n";

    #[test]
    fn checkpoints_keep_within_their_budget() {
        // Every 1 MiB send leaves megabytes in the buffers for a thousand steps or so.
        let src = format!(
            "{}{}",
            BIG_BUFFERS,
            "a: send(C, 1048576 bytes)\nrun until idle\nb: recv(A, 1048576)\n".repeat(40)
        );
        let mut t = Timeline::new(&src).unwrap();
        assert!(t.failure().is_none(), "{:?}", t.failure());
        let (n, bytes) = t.checkpoints();
        assert!(
            bytes <= CHECKPOINT_BUDGET_BYTES,
            "{bytes} bytes in {n} checkpoints"
        );
        assert!(n >= 2, "cheap places still get checkpoints: {n}");
        assert!(
            t.checkpoint_spacing() > CHECKPOINT_EVERY,
            "thinned by the budget"
        );
        let len = t.len();
        seeks_agree_with_walking(&mut t, &[1, 700, 1_500, len / 2, len - 2, len]);
    }

    /// A connection, then `blocks` times: 90,000 bytes sent, then read a byte at a time
    /// by one `repeat` line: every recv re-enables FD_READ and, data remaining, posts it
    /// again, and nobody takes the messages. The worst this machine found for what a step
    /// leaves behind in the world: the queue grows by a message a call.
    fn flood(blocks: usize) -> String {
        format!(
            "{}{}",
            BIG_BUFFERS,
            "a: send(C, 90000 bytes)\nrun until idle\n\
             b: repeat recv(A, 1) until SOCKET_ERROR WSAEWOULDBLOCK => 90000\n"
                .repeat(blocks)
        )
    }

    #[test]
    fn a_queue_that_grows_every_step_keeps_the_checkpoints_in_budget() {
        let mut t = Timeline::new(&flood(2)).unwrap();
        assert!(t.failure().is_none(), "{:?}", t.failure());
        t.to_end();
        let queued = t.sim().windows()[0].queue.len();
        assert!(queued > 150_000, "{queued} messages queued");
        let (n, bytes) = t.checkpoints();
        assert!(
            bytes <= CHECKPOINT_BUDGET_BYTES,
            "{bytes} bytes in {n} checkpoints"
        );
        let len = t.len();
        seeks_agree_with_walking(&mut t, &[10, len / 3, len - 1, len]);
    }

    #[test]
    fn a_run_that_would_keep_too_much_stops_with_a_message() {
        let src = flood(6);
        let whole = Timeline::new(&src).unwrap();
        assert_eq!((whole.cut(), whole.failure()), (None, None));
        assert!(whole.kept_bytes() > 4 << 20, "{}", whole.kept_bytes());
        let mut t = Timeline::start(wsasim::script::Runner::new(&src).unwrap());
        t.set_memory_limit(2 << 20);
        t.finish();
        assert_eq!(t.cut(), Some(Cut::Memory));
        assert!(t.truncated() && t.is_complete() && t.failure().is_none());
        // Checked after each step: past the limit by at most one step (here a `repeat` of
        // 90,000 calls) and the trace's buffer doubling.
        assert!(
            t.kept_bytes() > 2 << 20 && t.kept_bytes() < 8 << 20,
            "{}",
            t.kept_bytes()
        );
        assert!(
            t.len() < whole.len(),
            "{} of {} steps",
            t.len(),
            whole.len()
        );
        let m = Cut::Memory.message(t.len());
        assert!(m.starts_with("The run stops after step "), "{m}");
        assert!(
            m.contains("at most 128 MB") && m.contains("wsasim run"),
            "{m}"
        );
        assert_eq!(
            Cut::Steps.message(1_000_000),
            "The run stops after step 1,000,000: the playground keeps at most 1,000,000 steps. \
             The command line (`wsasim run`) runs it whole."
        );
        // The part kept still steps.
        let len = t.len();
        seeks_agree_with_walking(&mut t, &[1, len / 2, len]);
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
