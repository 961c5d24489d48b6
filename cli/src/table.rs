//! The readable trace table: one row per trace entry (step, entry, time, host, action →
//! result; a step is one runner step counted from 1 as the playground counts it, an entry
//! the trace entry's index from 0, see `wsasim::script::LineMap`) and,
//! under it, one row per message the step posted (window, wMsg, wParam, lParam, event,
//! error, rule).

use std::fmt::Write;

use wsasim::script::{Runner, StmtKind};
use wsasim::trace::Outcome;
use wsasim::{Message, TraceEntry};

/// The table's columns: the host column fits the script's longest host name, the time
/// column fits times up to 9999.999s (longer ones push the row), so rows can be
/// written as the run goes, never holding the whole trace.
pub struct Table {
    host_w: usize,
    time_w: usize,
}

impl Table {
    /// Columns for the hosts `runner`'s script declares.
    pub fn new(runner: &Runner) -> Table {
        let host_w = runner
            .script()
            .stmts
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Host { name, .. } => Some(name.name.chars().count()),
                _ => None,
            })
            .chain([4])
            .max()
            .unwrap_or(4);
        Table { host_w, time_w: 9 }
    }

    /// The header row.
    pub fn header(&self, out: &mut String) {
        let (time_w, host_w) = (self.time_w, self.host_w);
        let _ = writeln!(
            out,
            "{:>5}  {:>5}  {:>time_w$}  {:<host_w$}  action → result",
            "step", "entry", "time", "host"
        );
    }

    /// The rows of one trace entry made by runner step `step`: the entry, then one row per
    /// message it posted.
    pub fn rows(&self, runner: &Runner, e: &TraceEntry, step: Option<usize>, out: &mut String) {
        let (time_w, host_w) = (self.time_w, self.host_w);
        let host = e.host().and_then(|h| runner.host_name(h)).unwrap_or("-");
        let mut action = e.cause.display(runner.sim().trace().names()).to_string();
        if e.outcome != Outcome::None {
            let _ = write!(action, " → {}", e.outcome);
        }
        let _ = writeln!(
            out,
            "{:>5}  {:>5}  {:>time_w$}  {:<host_w$}  {action}",
            step.map_or_else(|| "-".to_string(), |s| s.to_string()),
            e.index,
            e.at.to_string(),
            host
        );
        for m in e.posted() {
            let _ = writeln!(
                out,
                "{:>5}  {:>5}  {:>time_w$}  {:<host_w$}    ↳ {}",
                "",
                "",
                "",
                "",
                message_row(runner, m)
            );
        }
    }
}

/// `post main WM_USER+1 wParam=A lParam=0x00000001 FD_READ 0 [FD_READ.2]`.
fn message_row(runner: &Runner, m: &Message) -> String {
    let window = runner
        .sim()
        .window(m.hwnd)
        .map_or_else(|| m.hwnd.to_string(), |w| w.name.clone());
    let socket = runner
        .socket_name(m.wparam)
        .map_or_else(|| m.wparam.0.to_string(), str::to_string);
    let error = m.lparam.error().map_or_else(
        || m.lparam.error_code().to_string(),
        |e| e.name().to_string(),
    );
    format!(
        "post {window} {} wParam={socket} lParam={:#010x} {} {error} [{}]",
        m.msg,
        m.lparam.raw(),
        m.lparam.event(),
        m.rule.id()
    )
}
