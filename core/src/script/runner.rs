//! The runner: executes a checked script's lowered program against a fresh simulation,
//! one atomic step at a time, checking every expectation.
//!
//! Checking happens first, in `lower`: the runner only resolves variable slots to the
//! handles bound so far and compares results with typed expectations (`expect`).
//!
//! Decisions (documented for users in `docs/scenario-language.md`):
//! - Every name is checked before the first statement runs ([`Runner::new`]): hosts,
//!   windows and variables must be declared before use, calls must exist with the right
//!   arguments, constants must be Winsock's. All such errors are reported at once with
//!   line and column, like syntax errors.
//! - Variables are global: a socket bound by one host can be named in another host's call
//!   (the simulation answers `WSAENOTSOCK`, as Winsock would for a foreign handle).
//! - `N bytes` is the deterministic pattern `abc…xyzabc…`, so traces are reproducible.
//! - `run until idle`, `run for` and `step N` advance one simulation step per
//!   [`Runner::step`], so a user interface can show each segment and timer.
//! - `GetMessage` on an empty queue runs the simulation until a message arrives; if
//!   nothing could ever post one, the scenario fails instead of hanging.
//! - Limits: at most [`RunOptions::max_steps_per_statement`] steps (trace entries) per
//!   statement and [`RunOptions::max_total_steps`] in all, counted by the world itself
//!   ([`Sim::set_step_limit`]), so the steps a blocking call lets the network take count
//!   too; exceeding one fails the scenario at that line with a clear message.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use super::ast::{Script, Span};
use super::expect::{show_message, Actual};
use super::lower::lower;
use super::program::{Action, HostStep, Program, Step, Vars};
use super::ScriptError;
use crate::net::HostId;
use crate::profile::Profile;
use crate::queue::Hwnd;
use crate::sim::Sim;
use crate::socket::SocketHandle;
use crate::tcb::TcpState;
use crate::trace::{Trace, TraceEntry};

mod host;

pub use super::args::MAX_PAYLOAD;
pub use super::program::pattern_bytes;

/// Limits that keep a scenario from running forever.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Steps one statement may take: `run until idle`, `run for`, `step N`, a
    /// `GetMessage` that waits, a blocking call and everything that runs while it
    /// blocks, a `repeat`. A step is one trace entry (see [`Sim::steps`]).
    pub max_steps_per_statement: usize,
    /// Steps the whole scenario may take, every statement's steps included.
    pub max_total_steps: usize,
    /// Runs under this profile instead of the script's `profile` line.
    pub profile: Option<Profile>,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            max_steps_per_statement: 100_000,
            max_total_steps: 10_000_000,
            profile: None,
        }
    }
}

/// Why a scenario stopped before its end: an expectation that did not hold, or a limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The line of the statement, from 1.
    pub line: u32,
    /// The column of the part that failed, from 1.
    pub col: u32,
    /// What the scenario expected, in script syntax.
    pub expected: String,
    /// What happened instead.
    pub actual: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: expected {} but got {}",
            self.line, self.col, self.expected, self.actual
        )
    }
}

/// A step in progress: a statement that takes several simulation steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Driving {
    UntilIdle,
    Until { end: crate::time::Instant },
    Steps { left: u64 },
}

/// What one [`Runner::step`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    /// The statement's index in the script.
    pub stmt: usize,
    /// Its line.
    pub line: u32,
    /// The trace entries this step added.
    pub entries: core::ops::Range<usize>,
    /// True if the statement is finished (false in the middle of `run until idle`).
    pub finished_statement: bool,
}

/// Runs a scenario against a fresh [`Sim`], one atomic step at a time.
///
/// ```
/// use wsasim::script::Runner;
/// let mut r = Runner::new(
///     "host a 10.0.0.1\nwindow a w\na: WSAStartup()\na: S = socket(AF_INET, SOCK_DGRAM)\n\
///      a: WSAAsyncSelect(S, w, WM_USER+1, FD_WRITE)\na: bind(S, 10.0.0.1:53)\nexpect w: WM_USER+1(S, FD_WRITE, 0)\n",
/// )
/// .unwrap();
/// r.run_to_end();
/// assert_eq!(r.failure(), None);
/// assert!(r.is_finished());
/// ```
#[derive(Clone, Debug)]
pub struct Runner {
    script: Arc<Script>,
    program: Arc<Program>,
    sim: Sim,
    pc: usize,
    driving: Option<Driving>,
    vars: Vars,
    hosts: Vec<HostId>,
    windows: Vec<Hwnd>,
    failure: Option<Failure>,
    options: RunOptions,
    /// [`Sim::steps`] when the statement being run began.
    stmt_start: u64,
    lines: LineMap,
    /// `HOST: hook CALL` statements waiting for their host's next blocking call.
    hooks: Vec<(Span, HostStep)>,
    /// `N bytes` for the largest N sent so far: every pattern payload is a prefix of
    /// it, so a send borrows its bytes instead of building them (shared by clones).
    pattern: Arc<Vec<u8>>,
}

/// Which script line and which runner step caused which trace entries: the runner's own
/// record, kept beside the world's trace instead of inside it.
///
/// Two numberings, everywhere (the playground, the CLI table, the JSON): a **step** is
/// one [`Runner::step`] (one statement, or one simulation step of a statement that drives
/// the network), counted from 1; an **entry** is one [`TraceEntry`], by its index from 0.
/// A step adds zero entries (an `expect`) or more.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineMap {
    /// `(first entry index, line, step)` for each runner step that added entries, in
    /// order: 12 bytes a step (the step limit keeps both numbers far below `u32::MAX`).
    starts: Vec<(u32, u32, u32)>,
    /// Runner steps taken so far.
    steps: usize,
}

impl LineMap {
    /// Notes the entries a runner step added, from its report.
    fn record(&mut self, step: &StepReport) {
        self.steps += 1;
        if !step.entries.is_empty() {
            let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
            self.starts
                .push((n(step.entries.start), step.line, n(self.steps)));
        }
    }

    /// A map with no lines that goes on counting steps from where this one is: what a
    /// runner keeps once its trace has been taken or drained.
    fn emptied(&self) -> LineMap {
        LineMap {
            starts: Vec::new(),
            steps: self.steps,
        }
    }

    /// How many steps that added entries it records.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True before any step added an entry.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    fn find(&self, index: usize) -> Option<&(u32, u32, u32)> {
        let i = self
            .starts
            .partition_point(|(first, _, _)| *first as usize <= index);
        i.checked_sub(1).map(|i| &self.starts[i])
    }

    /// The line of the statement that made trace entry `index`, if a statement did.
    pub fn line_of(&self, index: usize) -> Option<u32> {
        self.find(index).map(|s| s.1)
    }

    /// The runner step (from 1) that made trace entry `index`, if a statement did.
    pub fn step_of(&self, index: usize) -> Option<usize> {
        self.find(index).map(|s| s.2 as usize)
    }

    /// The held entries of `trace` as JSON lines with their lines and steps.
    pub fn json(&self, trace: &Trace) -> String {
        let mut out = String::new();
        for e in trace.iter() {
            out.push_str(&trace.json(&e, self.line_of(e.index), self.step_of(e.index)));
            out.push('\n');
        }
        out
    }
}

/// The result of running a whole scenario: see [`run`].
#[derive(Clone, Debug)]
pub struct Report {
    /// The world at the end (its trace has every step).
    pub sim: Sim,
    /// The failed expectation or limit, if the scenario stopped early.
    pub failure: Option<Failure>,
    /// How many statements ran.
    pub statements: usize,
    /// The script line of every trace entry.
    pub lines: LineMap,
}

impl Report {
    /// The whole trace as JSON lines, with script lines.
    pub fn trace_json(&self) -> String {
        self.lines.json(self.sim.trace())
    }
}

/// Parses, checks and runs a scenario to its end (or its first failure).
pub fn run(src: &str) -> Result<Report, Vec<ScriptError>> {
    let mut r = Runner::new(src)?;
    r.run_to_end();
    Ok(Report {
        statements: r.pc,
        failure: r.failure.clone(),
        sim: r.sim,
        lines: r.lines,
    })
}

impl Runner {
    /// Parses and checks `src`. Every syntax and name error is returned at once.
    pub fn new(src: &str) -> Result<Runner, Vec<ScriptError>> {
        Runner::with_options(src, RunOptions::default())
    }

    /// Like [`Runner::new`], with limits.
    pub fn with_options(src: &str, options: RunOptions) -> Result<Runner, Vec<ScriptError>> {
        let script = super::parse(src)?;
        Runner::from_script(script, options)
    }

    /// A fresh runner of the same script under `options` (another profile, other
    /// limits), before its first step: it shares this one's parsed and checked script
    /// instead of parsing the text again.
    ///
    /// ```
    /// use wsasim::script::{RunOptions, Runner};
    /// use wsasim::Profile;
    /// let src = "host a 10.0.0.1\na: WSAStartup()\n";
    /// let mut r = Runner::new(src).unwrap();
    /// r.run_to_end();
    /// let options = RunOptions { profile: Some(Profile::Windows), ..RunOptions::default() };
    /// let mut w = r.again(options);
    /// assert_eq!((w.sim().profile(), w.sim().trace().len()), (Profile::Windows, 0));
    /// w.run_to_end();
    /// assert_eq!(w.sim().trace().len(), r.sim().trace().len());
    /// ```
    pub fn again(&self, options: RunOptions) -> Runner {
        Runner::fresh(self.script.clone(), self.program.clone(), options)
    }

    /// A runner of `script`, lowered to `program`, before its first step.
    fn fresh(script: Arc<Script>, program: Arc<Program>, options: RunOptions) -> Runner {
        let profile = options.profile.or(script.profile()).unwrap_or_default();
        Runner {
            vars: Vars::new(program.slots.len()),
            script,
            program,
            sim: Sim::with_profile(profile),
            pc: 0,
            driving: None,
            hosts: Vec::new(),
            windows: Vec::new(),
            failure: None,
            options,
            stmt_start: 0,
            pattern: Arc::new(Vec::new()),
            lines: LineMap::default(),
            hooks: Vec::new(),
        }
    }

    /// Checks an already parsed script.
    pub fn from_script(script: Script, options: RunOptions) -> Result<Runner, Vec<ScriptError>> {
        let program = lower(&script)?;
        Ok(Runner::fresh(Arc::new(script), Arc::new(program), options))
    }

    /// The parsed script.
    pub fn script(&self) -> &Script {
        &self.script
    }

    /// The simulated world as it is now.
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The failed expectation, if the scenario stopped at one.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// True when every statement ran, or the scenario failed.
    pub fn is_finished(&self) -> bool {
        self.failure.is_some() || self.pc >= self.program.steps.len()
    }

    /// Index of the statement that runs next (or is running).
    pub fn next_statement(&self) -> usize {
        self.pc
    }

    /// The line of the statement that runs next, if any.
    pub fn next_line(&self) -> Option<u32> {
        self.program.steps.get(self.pc).map(|l| l.span.line)
    }

    /// The script's name for a socket (`A` for `A = accept(L)`), if it has one.
    pub fn socket_name(&self, s: SocketHandle) -> Option<&str> {
        self.vars.socket_name(&self.program.slots, s)
    }

    /// The script's name for a host.
    pub fn host_name(&self, h: HostId) -> Option<&str> {
        self.sim.host(h).map(|x| x.name.as_str())
    }

    /// The script line of every trace entry the world still holds.
    pub fn lines(&self) -> &LineMap {
        &self.lines
    }

    /// A copy of the runner whose world holds no trace entries and whose [`LineMap`]
    /// holds no lines (both keep their counts): going on from it takes the same steps as
    /// going on from `self`, and it costs what the world's state costs, not what its trace
    /// does. The playground's timeline keeps one every few steps.
    ///
    /// ```
    /// use wsasim::script::Runner;
    /// let mut r = Runner::new("host a 10.0.0.1\na: WSAStartup()\na: S = socket(AF_INET, SOCK_DGRAM)\n").unwrap();
    /// r.step();
    /// let mut copy = r.checkpoint();
    /// r.run_to_end();
    /// copy.run_to_end();
    /// assert_eq!(copy.sim().trace().last(), r.sim().trace().last());
    /// ```
    pub fn checkpoint(&self) -> Runner {
        Runner {
            script: self.script.clone(),
            program: self.program.clone(),
            sim: self.sim.checkpoint(),
            pc: self.pc,
            driving: self.driving,
            vars: self.vars.clone(),
            hosts: self.hosts.clone(),
            windows: self.windows.clone(),
            failure: self.failure.clone(),
            options: self.options,
            stmt_start: self.stmt_start,
            lines: self.lines.emptied(),
            hooks: self.hooks.clone(),
            pattern: self.pattern.clone(),
        }
    }

    /// Takes the world's trace and the script lines of its entries, without copying
    /// them: the runner keeps going as a [`Runner::checkpoint`] would (its trace and line
    /// map hold nothing, their counts kept). A reader that keeps a finished run's trace
    /// can then let the runner, and the world's buffers, go.
    pub fn take_trace(&mut self) -> (Trace, LineMap) {
        let lines = self.lines.emptied();
        (
            self.sim.take_trace(),
            core::mem::replace(&mut self.lines, lines),
        )
    }

    /// Lets go of the trace entries the world holds, and their lines, without decoding
    /// them: [`Runner::drain_trace`] for a reader who does not want them.
    pub fn forget_trace(&mut self) {
        self.sim.forget_trace();
        self.lines.starts.clear();
    }

    /// Takes the trace entries the world holds, each with the script line that caused it
    /// and the runner step (from 1) that made it (see [`Sim::drain_trace`]).
    pub fn drain_trace(&mut self) -> Vec<(TraceEntry, Option<u32>, Option<usize>)> {
        let emptied = self.lines.emptied();
        let lines = core::mem::replace(&mut self.lines, emptied);
        self.sim
            .drain_trace()
            .map(|e| {
                let (line, step) = (lines.line_of(e.index), lines.step_of(e.index));
                (e, line, step)
            })
            .collect()
    }

    /// The trace entries held as JSON lines, with their script lines.
    pub fn trace_json(&self) -> String {
        self.lines.json(self.sim.trace())
    }

    /// Runs until the end or the first failure.
    pub fn run_to_end(&mut self) {
        while self.step().is_some() {}
    }

    fn fail(&mut self, span: Span, expected: impl Into<String>, actual: impl Into<String>) {
        self.failure = Some(Failure {
            line: span.line,
            col: span.col,
            expected: expected.into(),
            actual: actual.into(),
        });
    }

    /// Runs one atomic step: one statement, or one simulation step of a statement that
    /// drives the network. `None` when the scenario is finished.
    pub fn step(&mut self) -> Option<StepReport> {
        if self.is_finished() {
            return None;
        }
        let stmt = self.pc;
        let program = Arc::clone(&self.program);
        let Step { span, action } = &program.steps[stmt];
        let from = self.sim.trace().len();
        if self.driving.is_none() {
            self.stmt_start = self.sim.steps();
            if self.stmt_start >= self.options.max_total_steps as u64 {
                // Calls take steps too: none begins once the scenario's budget is spent.
                self.limit_failure(*span, "the scenario");
                let report = StepReport {
                    stmt,
                    line: span.line,
                    entries: from..from,
                    finished_statement: true,
                };
                return Some(report);
            }
        }
        self.sim.set_step_limit(Some(self.step_limit()));
        let mut finished = self.exec(*span, action);
        if self.failure.is_none() && self.sim.limit_reached() {
            self.limit_failure(*span, "the statement");
            finished = true;
        }
        if finished {
            self.pc += 1;
        }
        let report = StepReport {
            stmt,
            line: span.line,
            entries: from..self.sim.trace().len(),
            finished_statement: finished || self.failure.is_some(),
        };
        self.lines.record(&report);
        Some(report)
    }

    /// The step (of [`Sim::steps`]) the statement being run may not go past: its own
    /// limit or the scenario's, whichever comes first.
    fn step_limit(&self) -> u64 {
        let per = self.options.max_steps_per_statement as u64;
        let total = self.options.max_total_steps as u64;
        self.stmt_start.saturating_add(per).min(total)
    }

    /// Fails the scenario at `span`: `what` did not finish within the limit.
    fn limit_failure(&mut self, span: Span, what: &str) {
        let per = self.options.max_steps_per_statement as u64;
        let (limit, whose) =
            if self.stmt_start.saturating_add(per) <= self.options.max_total_steps as u64 {
                (per, "of one statement")
            } else {
                (self.options.max_total_steps as u64, "of the scenario")
            };
        self.fail(
            span,
            format!("{what} to finish within {limit} steps (the limit {whose})"),
            "more steps: the network was still busy (a timer, a retransmission or a long transfer keeps it going)",
        );
    }

    /// One simulation step, counted against the limits (the caller has checked that
    /// one is scheduled). False (and a failure) past a limit.
    fn sim_step(&mut self, span: Span, what: &str) -> bool {
        if self.sim.step().is_none() && self.sim.limit_reached() {
            self.limit_failure(span, what);
            return false;
        }
        true
    }

    /// Executes (part of) a statement; true when it is finished.
    fn exec(&mut self, span: Span, action: &Action) -> bool {
        match action {
            Action::Nothing => true,
            Action::Only(p, inner) => {
                if *p == self.sim.profile() {
                    self.exec(span, inner)
                } else {
                    self.driving = None;
                    true
                }
            }
            Action::Host(name, ip) => {
                match self.sim.add_host(name, *ip) {
                    Ok(h) => self.hosts.push(h),
                    Err(e) => self.fail(span, "a new host", e.to_string()),
                }
                true
            }
            Action::Window(h, name) => {
                let hwnd = self.sim.create_window(self.hosts[*h], name);
                self.windows.push(hwnd);
                true
            }
            Action::Link(a, b, d) => {
                self.sim.set_latency(self.hosts[*a], self.hosts[*b], *d);
                true
            }
            Action::DestroyWindow(w) => {
                self.sim.destroy_window(self.windows[*w]);
                true
            }
            Action::Partition(a, b) => {
                self.sim.partition(self.hosts[*a], self.hosts[*b]);
                true
            }
            Action::Heal(a, b) => {
                self.sim.heal(self.hosts[*a], self.hosts[*b]);
                true
            }
            Action::NetDown(h) => {
                self.sim.network_down(self.hosts[*h]);
                true
            }
            Action::NetUp(h) => {
                self.sim.network_up(self.hosts[*h]);
                true
            }
            Action::AddrAdd(h, ip) => {
                if let Err(e) = self.sim.add_address(self.hosts[*h], *ip) {
                    self.fail(span, "an address no host has", e.to_string());
                }
                true
            }
            Action::AddrRemove(h, ip) => {
                self.sim.remove_address(self.hosts[*h], *ip);
                true
            }
            Action::RouteChange(h, dest) => {
                match dest {
                    Some(ip) => self.sim.route_change_to(self.hosts[*h], *ip),
                    None => self.sim.route_change(self.hosts[*h]),
                }
                true
            }
            Action::QosChange(s) => {
                let s = self.vars.socket(*s);
                if !self.sim.change_qos(s) {
                    self.fail(
                        span,
                        "an existing socket",
                        format!("socket {s} does not exist"),
                    );
                }
                true
            }
            Action::Reset(s) => {
                let s = self.vars.socket(*s);
                if !self.sim.inject_reset(s) {
                    self.fail(
                        span,
                        "a socket with a connection to reset",
                        format!("socket {s} has none"),
                    );
                }
                true
            }
            Action::RunUntilIdle => {
                if self.sim.next_event_at().is_none() {
                    self.driving = None;
                    return true;
                }
                if !self.sim_step(span, "'run until idle'") {
                    self.driving = None;
                    return true;
                }
                self.driving = Some(Driving::UntilIdle);
                false
            }
            Action::RunFor(d) => {
                let end = match self.driving {
                    Some(Driving::Until { end }) => end,
                    _ => self.sim.now() + *d,
                };
                if self.sim.next_event_at().is_some_and(|t| t <= end) {
                    if !self.sim_step(span, "'run for'") {
                        self.driving = None;
                        return true;
                    }
                    self.driving = Some(Driving::Until { end });
                    return false;
                }
                let _ = self.sim.run_for(end - self.sim.now(), 0);
                self.driving = None;
                true
            }
            Action::Step(n) => {
                let left = match self.driving {
                    Some(Driving::Steps { left }) => left,
                    _ => *n,
                };
                if self.sim.next_event_at().is_none() {
                    self.driving = None;
                    self.fail(
                        span,
                        format!("{left} more scheduled event(s) to step through"),
                        "nothing scheduled",
                    );
                    return true;
                }
                if !self.sim_step(span, "'step'") {
                    self.driving = None;
                    return true;
                }
                if left <= 1 {
                    self.driving = None;
                    true
                } else {
                    self.driving = Some(Driving::Steps { left: left - 1 });
                    false
                }
            }
            Action::ExpectEmpty(w) => {
                let hwnd = self.windows[*w];
                let q = self.sim.window(hwnd).map(|w| w.queue.len()).unwrap_or(0);
                if q > 0 {
                    let first = self
                        .sim
                        .window(hwnd)
                        .and_then(|w| w.queue.front())
                        .map(|m| show_message(m, |s| self.socket_name(s)))
                        .unwrap_or_default();
                    self.fail(
                        span,
                        "an empty queue",
                        format!("{q} message(s), the first {first}"),
                    );
                }
                true
            }
            Action::ExpectState(s, st) => {
                let h = self.vars.socket(*s);
                let actual = self
                    .sim
                    .socket_info(h)
                    .map_or(TcpState::Closed, |x| x.state());
                if actual != *st {
                    self.fail(span, st.name(), actual.name());
                }
                true
            }
            Action::ExpectMessage { window, check } => {
                let hwnd = self.windows[*window];
                let host = self.sim.window(hwnd).map_or(HostId(0), |w| w.host);
                match self.sim.on(host).get_message(hwnd) {
                    None => self.fail(check.span, &*check.text, "an empty queue"),
                    Some(m) => self.check(check, &Actual::Message(Some(m))),
                }
                true
            }
            Action::Call(step) => {
                self.host_call(span, step);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests;
