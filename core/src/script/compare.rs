//! Comparing a real run (the JSON lines of a program written by
//! [`export_c`](super::export_c)) with the model's run of the same scenario, statement by
//! statement: each call's result and error, and each window's messages in order.
//!
//! Decisions:
//! - Calls are lined up by script line. A call's value is compared where it means the
//!   same on both sides (0, counts, events, `SOCKET_ERROR` and its error); handles and
//!   ephemeral ports are not.
//! - A real message is placed at the first statement that waits for messages (`run`,
//!   `step`, `expect W: …`) at or after the one it arrived in: real time decides whether
//!   it arrives while its call returns or in the next pump, so only that much is stable.
//! - Messages are compared per window, in order of arrival (lined up by their longest
//!   common subsequence), not by the line they arrived
//!   at: real time is not virtual time, so a message the model posts during `run until
//!   idle` may arrive on loopback while the call before it returns.
//! - Bad input (not JSON, a missing field, a line for a statement that does not exist,
//!   another scenario's output, a run that stops early without the watchdog) is a
//!   [`CompareError`], never a panic.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use super::ast::StmtKind;
use super::runner::{RunOptions, Runner};
use crate::profile::Profile;
use crate::spec::Rule;
use crate::trace::{Cause, Outcome};
use crate::winsock::TracedReturn;

mod json;
pub mod profiles;
#[cfg(test)]
mod tests;

/// Why the input cannot be compared: the line of the real output (or 0 for the whole
/// input), and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareError {
    /// The line of the real output, from 1; 0 when no one line is at fault (the scenario
    /// is refused, or the real output ends before the scenario does).
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CompareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

/// What kind of difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffKind {
    /// A call returned another value, or succeeded on one side only.
    Result,
    /// A call failed with another error.
    Error,
    /// A message both sides have, but in another place in the window's order.
    Order,
    /// The model posts a message the real run never got.
    Missing,
    /// The real run got a message the model never posts.
    Extra,
    /// The real run ended at a blocking call the watchdog gave up on.
    Watchdog,
}

impl DiffKind {
    /// The kind in words, as `wsasim compare` and the known-differences list write it.
    pub fn name(self) -> &'static str {
        match self {
            DiffKind::Result => "result",
            DiffKind::Error => "error",
            DiffKind::Order => "order",
            DiffKind::Missing => "missing message",
            DiffKind::Extra => "extra message",
            DiffKind::Watchdog => "watchdog",
        }
    }
}

/// One difference between the real run and the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The scenario line of the statement (for messages: where the model posted it).
    pub line: u32,
    /// What differs.
    pub kind: DiffKind,
    /// What the real run did.
    pub real: String,
    /// What the model does.
    pub model: String,
    /// The rule behind the model's side, for messages.
    pub rule: Option<Rule>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = self.kind.name();
        write!(
            f,
            "{}: {what}: real {}, model {}",
            self.line, self.real, self.model
        )?;
        if let Some(r) = self.rule {
            write!(f, " [{}]", r.id())?;
        }
        Ok(())
    }
}

/// The outcome of [`compare`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Every difference, calls first in line order, then messages per window.
    pub differences: Vec<Difference>,
    /// Calls compared.
    pub calls: usize,
    /// Messages compared (the longer side, per window).
    pub messages: usize,
}

/// One message as both sides are reduced to: window, `MSG(SOCKET, EVENT, ERROR)`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Msg {
    window: String,
    text: String,
    line: u32,
    rule: Option<Rule>,
}

/// A call's result as both sides are reduced to: `Some(value)` where the value means the
/// same on both sides, `None` for a success whose value is a handle or address.
#[derive(Clone, Debug, PartialEq, Eq)]
enum CallResult {
    Ok(Option<String>),
    Failed(String),
}

impl fmt::Display for CallResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallResult::Ok(Some(v)) => f.write_str(v),
            CallResult::Ok(None) => f.write_str("success"),
            CallResult::Failed(e) => write!(f, "SOCKET_ERROR {e}"),
        }
    }
}

fn plain(text: &str) -> Option<String> {
    let first = text.split(' ').next().unwrap_or("");
    (first.chars().all(|c| c.is_ascii_digit()) || first.starts_with("FD_") || first == "0")
        .then(|| first.to_string())
}

/// Compares the real run's JSON lines with the model's run of `src` under `profile`.
pub fn compare(real: &str, src: &str, profile: Profile) -> Result<Comparison, CompareError> {
    let script = super::parse(src).map_err(|e| CompareError {
        line: 0,
        message: format!("the scenario has errors: {}", e[0]),
    })?;
    let statements: Vec<(u32, String, bool)> = script
        .stmts
        .iter()
        .map(|s| (s.span.line, s.to_string(), is_call(&s.kind, profile)))
        .collect();
    // Where a real message is placed: the first statement that waits for messages (`run`,
    // `step`, `expect W: …`) at or after the one it arrived in, else that one: on loopback a
    // message may arrive while the call that caused it returns, or only in the next pump.
    let drivers: Vec<u32> = script
        .stmts
        .iter()
        .filter(|s| is_driving(&s.kind, profile))
        .map(|s| s.span.line)
        .collect();
    let settle = |line: u32| drivers.iter().copied().find(|d| *d >= line).unwrap_or(line);
    let mut runner = Runner::from_script(
        script,
        RunOptions {
            profile: Some(profile),
            ..RunOptions::default()
        },
    )
    .map_err(|e| CompareError {
        line: 0,
        message: format!("the scenario has errors: {}", e[0]),
    })?;

    // The model's side.
    let mut model_calls: Vec<(u32, CallResult)> = Vec::new();
    let mut model_msgs: Vec<Msg> = Vec::new();
    while let Some(report) = runner.step() {
        let entries: Vec<_> = runner
            .sim()
            .trace()
            .iter()
            .skip(report.entries.start)
            .take(report.entries.len())
            .collect();
        for e in entries {
            if matches!(e.cause, Cause::Call { .. } | Cause::Completion { .. }) {
                let r = match &e.outcome {
                    Outcome::Blocked | Outcome::None => continue,
                    Outcome::Err(err) => CallResult::Failed(err.name().to_string()),
                    Outcome::Ok(v) => CallResult::Ok(match v {
                        TracedReturn::Message {
                            msg,
                            wparam,
                            lparam,
                        } => Some(format!(
                            "{msg}({}, {}, {})",
                            runner
                                .socket_name(*wparam)
                                .map_or_else(|| format!("#{}", wparam.0), str::to_string),
                            lparam.event(),
                            lparam
                                .error()
                                .map_or("0".to_string(), |e| e.name().to_string())
                        )),
                        TracedReturn::NoMessage => Some("no message".into()),
                        v => plain(&v.to_string()),
                    }),
                };
                model_calls.retain(|(l, _)| *l != report.line);
                model_calls.push((report.line, r));
            }
            for m in e.posted() {
                let window = runner
                    .sim()
                    .window(m.hwnd)
                    .map_or_else(String::new, |w| w.name.clone());
                let sock = runner
                    .socket_name(m.wparam)
                    .map_or_else(|| "#".to_string(), str::to_string);
                let err = m
                    .lparam
                    .error()
                    .map_or("0".to_string(), |e| e.name().to_string());
                model_msgs.push(Msg {
                    window,
                    text: format!("{}({sock}, {}, {err})", m.msg, m.lparam.event()),
                    line: report.line,
                    rule: Some(m.rule),
                });
            }
        }
    }

    // The real side.
    let mut real_calls: Vec<(u32, CallResult)> = Vec::new();
    let mut real_msgs: Vec<Msg> = Vec::new();
    let mut watchdog = None;
    let mut last_line = 0;
    for (i, text) in real.lines().enumerate() {
        let n = i as u32 + 1;
        let bad = |message: String| CompareError { line: n, message };
        if text.trim().is_empty() {
            continue;
        }
        let v = json::parse(text).map_err(|e| bad(format!("not a JSON line ({e})")))?;
        let line = v
            .num("line")
            .ok_or_else(|| bad("no \"line\" number".into()))? as u32;
        let kind = v
            .str("kind")
            .ok_or_else(|| bad("no \"kind\" string".into()))?;
        if kind == "watchdog" {
            watchdog = Some(line);
            continue;
        }
        let Some((_, stmt, _)) = statements.iter().find(|(l, _, _)| *l == line) else {
            return Err(bad(format!(
                "line {line} is not a statement of this scenario"
            )));
        };
        let action = v
            .str("action")
            .ok_or_else(|| bad("no \"action\" string".into()))?;
        if action != stmt {
            return Err(bad(format!(
                "this is another scenario's output: its line {line} is `{action}`, this scenario's is `{stmt}`"
            )));
        }
        last_line = line;
        if kind == "call" {
            let r = match (v.str("result"), v.str("error")) {
                (Some("SOCKET_ERROR"), Some(e)) => CallResult::Failed(e.to_string()),
                (Some(r), _) if r.contains('(') || r == "no message" => {
                    CallResult::Ok(Some(r.to_string()))
                }
                (Some(r), _) => CallResult::Ok(plain(r)),
                (None, _) => return Err(bad("a call without a \"result\"".into())),
            };
            real_calls.push((line, r));
        }
        let msgs = v
            .array("messages")
            .ok_or_else(|| bad("no \"messages\" array".into()))?;
        for m in msgs {
            let field = |k: &str| {
                m.str(k)
                    .ok_or_else(|| bad(format!("a message without \"{k}\"")))
            };
            real_msgs.push(Msg {
                window: field("window")?.to_string(),
                text: format!(
                    "{}({}, {}, {})",
                    field("msg")?,
                    field("wparam")?,
                    field("event")?,
                    m.str("error").unwrap_or("0")
                ),
                line: settle(line),
                rule: None,
            });
        }
    }
    if watchdog.is_none() {
        if let Some((l, s, _)) = statements
            .iter()
            .rev()
            .find(|(l, _, call)| *call && *l > last_line)
        {
            let _ = l;
            return Err(CompareError {
                line: real.lines().count() as u32,
                message: format!("the real run stops early: no line for `{s}` (truncated output?)"),
            });
        }
    }

    let mut out = Comparison::default();
    for (line, model) in &model_calls {
        if watchdog.is_some_and(|w| *line >= w) {
            continue;
        }
        let Some((_, real)) = real_calls.iter().find(|(l, _)| l == line) else {
            continue;
        };
        out.calls += 1;
        let kind = match (real, model) {
            (a, b) if a == b => continue,
            (CallResult::Ok(None), CallResult::Ok(_))
            | (CallResult::Ok(_), CallResult::Ok(None)) => continue,
            (CallResult::Failed(_), CallResult::Failed(_)) => DiffKind::Error,
            _ => DiffKind::Result,
        };
        out.differences.push(Difference {
            line: *line,
            kind,
            real: real.to_string(),
            model: model.to_string(),
            rule: None,
        });
    }
    if let Some(w) = watchdog {
        out.differences.push(Difference {
            line: w,
            kind: DiffKind::Watchdog,
            real: "blocked until the watchdog ended the run".into(),
            model: "returns".into(),
            rule: None,
        });
    }
    // The windows in name order, once each: an insertion into a short list (the standard
    // sorts and sets are code of their own in the playground's module).
    let mut windows: Vec<&str> = Vec::new();
    for w in model_msgs
        .iter()
        .chain(&real_msgs)
        .map(|m| m.window.as_str())
    {
        if let Err(at) = windows.binary_search(&w) {
            windows.insert(at, w);
        }
    }
    for w in windows {
        let model: Vec<&Msg> = model_msgs
            .iter()
            .filter(|m| m.window == w && watchdog.is_none_or(|l| m.line < l))
            .collect();
        let real: Vec<&Msg> = real_msgs.iter().filter(|m| m.window == w).collect();
        out.messages += model.len().max(real.len());
        out.differences.extend(align(w, &real, &model));
    }
    Ok(out)
}

/// The differences between two message sequences of window `w`: a longest common
/// subsequence lines them up; a message on one side only is missing or extra, and one
/// that is on both sides but out of that order is reported once, as a different order.
fn align(w: &str, real: &[&Msg], model: &[&Msg]) -> Vec<Difference> {
    let (n, m) = (real.len(), model.len());
    let mut lcs = alloc::vec![alloc::vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if real[i].text == model[j].text {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut extra, mut missing): (Vec<&Msg>, Vec<&Msg>) = (Vec::new(), Vec::new());
    while i < n || j < m {
        if i < n && j < m && real[i].text == model[j].text {
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            missing.push(model[j]);
            j += 1;
        } else {
            extra.push(real[i]);
            i += 1;
        }
    }
    let mut out = Vec::new();
    for mm in missing {
        if let Some(k) = extra.iter().position(|r| r.text == mm.text) {
            let r = extra.remove(k);
            out.push(Difference {
                line: mm.line,
                kind: DiffKind::Order,
                real: format!("{w} {} by line {}", r.text, r.line),
                model: format!("{w} {} at line {}", mm.text, mm.line),
                rule: mm.rule,
            });
        } else {
            out.push(Difference {
                line: mm.line,
                kind: DiffKind::Missing,
                real: "nothing".into(),
                model: format!("{w} {}", mm.text),
                rule: mm.rule,
            });
        }
    }
    for r in extra {
        out.push(Difference {
            line: r.line,
            kind: DiffKind::Extra,
            real: format!("{w} {}", r.text),
            model: "nothing".into(),
            rule: None,
        });
    }
    out
}

/// True for a statement that waits for messages (`run`, `step`, `expect W: …`) under
/// `profile`.
fn is_driving(kind: &StmtKind, profile: Profile) -> bool {
    match kind {
        StmtKind::RunUntilIdle
        | StmtKind::RunFor(_)
        | StmtKind::Step(_)
        | StmtKind::ExpectMessage { .. }
        | StmtKind::ExpectEmpty { .. } => true,
        StmtKind::Only { profile: p, stmt } => p.value == profile && is_driving(stmt, profile),
        _ => false,
    }
}

/// True for a host call the model runs under `profile`.
fn is_call(kind: &StmtKind, profile: Profile) -> bool {
    match kind {
        StmtKind::Call(c) => !c.call.name.name.starts_with("WSAGetLastError"),
        StmtKind::Only { profile: p, stmt } => p.value == profile && is_call(stmt, profile),
        _ => false,
    }
}
