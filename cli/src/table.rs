//! The readable trace table: one row per trace entry (step, entry, time, host, action →
//! result; a step is one runner step counted from 1 as the playground counts it, an entry
//! the trace entry's index from 0, see `wsasim::script::LineMap`) and,
//! under it, one row per message the step posted (window, wMsg, wParam, lParam, event,
//! error, rule).

use std::fmt::Write;

use wsasim::script::Runner;
use wsasim::trace::Outcome;
use wsasim::Message;

/// Renders the trace of `runner`'s world as a table, using the script's names.
pub fn render(runner: &Runner) -> String {
    let sim = runner.sim();
    let entries: Vec<wsasim::TraceEntry> = sim.trace().iter().collect();
    let host_of = |e: &wsasim::TraceEntry| {
        e.host()
            .and_then(|h| runner.host_name(h))
            .unwrap_or("-")
            .to_string()
    };
    let host_w = entries
        .iter()
        .map(|e| host_of(e).chars().count())
        .chain([4])
        .max()
        .unwrap_or(4);
    let time_w = entries
        .iter()
        .map(|e| e.at.to_string().len())
        .chain([4])
        .max()
        .unwrap_or(4);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>5}  {:>5}  {:>time_w$}  {:<host_w$}  action → result",
        "step", "entry", "time", "host"
    );
    for e in &entries {
        let mut action = e.cause.display(sim.trace().names()).to_string();
        if e.outcome != Outcome::None {
            let _ = write!(action, " → {}", e.outcome);
        }
        let _ = writeln!(
            out,
            "{:>5}  {:>5}  {:>time_w$}  {:<host_w$}  {action}",
            runner
                .lines()
                .step_of(e.index)
                .map_or_else(|| "-".to_string(), |s| s.to_string()),
            e.index,
            e.at.to_string(),
            host_of(e)
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
    out
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
