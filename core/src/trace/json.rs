//! The trace as JSON lines: one object per step, with stable field names (documented in
//! `docs/scenario-language.md`). Written by hand so the core needs no serde for it.

use alloc::format;
use alloc::string::String;

use super::{Cause, Names, Outcome, TraceEntry};

/// Appends `s` to `out` as a JSON string: quoted, with `"`, `\\` and control
/// characters escaped. The one JSON string writer of the trace's and the playground's
/// JSON output.
///
/// ```
/// let mut out = String::new();
/// wsasim::trace::write_json_string(&mut out, "a \"b\"\n\u{1}");
/// assert_eq!(out, r#""a \"b\"\n\u0001""#);
/// ```
pub fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_opt(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => write_json_string(out, s),
        None => out.push_str("null"),
    }
}

impl TraceEntry {
    /// One line of JSON with stable field names:
    /// `step`, `entry`, `time_us`, `time`, `line`, `host`, `kind`, `action`, `result`, `error`,
    /// `messages` (each with `hwnd`, `window`, `msg`, `wparam`, `lparam`, `event`, `error`,
    /// `rule`) and `changes` (human-readable lines).
    ///
    /// `names` gives the names people use for hosts and windows, `line` the script line
    /// that caused the entry and `step` the runner step that made it (counted from 1, as
    /// the playground's step counter counts), if a script did; `entry` is the entry's
    /// index in the trace (from 0).
    pub fn to_json(&self, names: &Names, line: Option<u32>, step: Option<usize>) -> String {
        let mut o = String::new();
        match step {
            Some(s) => o.push_str(&format!("{{\"step\":{s}")),
            None => o.push_str("{\"step\":null"),
        }
        o.push_str(&format!(
            ",\"entry\":{},\"time_us\":{},\"time\":",
            self.index,
            self.at.total_micros()
        ));
        write_json_string(&mut o, &format!("{}", self.at));
        o.push_str(",\"line\":");
        match line {
            Some(l) => o.push_str(&format!("{l}")),
            None => o.push_str("null"),
        }
        o.push_str(",\"host\":");
        json_opt(&mut o, self.host().map(|h| names.host_or_id(h)).as_deref());
        let kind = match self.cause {
            Cause::Call { .. } => "call",
            Cause::Completion { .. } => "completion",
            Cause::Deliver { .. } => "deliver",
            Cause::Timer { .. } => "timer",
            Cause::World(_) => "world",
        };
        o.push_str(",\"kind\":");
        write_json_string(&mut o, kind);
        o.push_str(",\"action\":");
        write_json_string(&mut o, &format!("{}", self.cause.display(names)));
        let (result, error) = match &self.outcome {
            Outcome::None => (None, None),
            Outcome::Ok(v) => (Some(format!("{v}")), None),
            Outcome::Err(e) => (Some("SOCKET_ERROR".into()), Some(e.name())),
            Outcome::Blocked => (Some("blocks".into()), None),
        };
        o.push_str(",\"result\":");
        json_opt(&mut o, result.as_deref());
        o.push_str(",\"error\":");
        json_opt(&mut o, error);
        o.push_str(",\"messages\":[");
        for (i, m) in self.posted().enumerate() {
            if i > 0 {
                o.push(',');
            }
            o.push_str("{\"hwnd\":");
            write_json_string(&mut o, &format!("{}", m.hwnd));
            o.push_str(",\"window\":");
            json_opt(&mut o, names.window(m.hwnd));
            o.push_str(",\"msg\":");
            write_json_string(&mut o, &format!("{}", m.msg));
            o.push_str(&format!(",\"wparam\":{},\"lparam\":", m.wparam.0));
            write_json_string(&mut o, &format!("{:#010x}", m.lparam.raw()));
            o.push_str(",\"event\":");
            write_json_string(&mut o, &format!("{}", m.lparam.event()));
            o.push_str(",\"error\":");
            json_opt(&mut o, m.lparam.error().map(|e| e.name()));
            o.push_str(",\"rule\":");
            write_json_string(&mut o, m.rule.id());
            o.push('}');
        }
        o.push_str("],\"changes\":[");
        for (i, c) in self.changes.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            write_json_string(&mut o, &format!("{c}"));
        }
        o.push_str("]}");
        o
    }
}
