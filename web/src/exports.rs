//! Exports of one scenario run, as files: the trace and the posted messages as JSON lines
//! (the CLI's `--json` format) and CSV, the sequence diagram as Mermaid text and as SVG,
//! and the scenario itself as a `.wsa` file.
//!
//! Plain Rust, no DOM: tested natively. Every export runs the scenario afresh to its end
//! with the core's [`Runner`] (an export is a one-off action, and the fresh run holds the
//! whole trace and the hosts' addresses), so nothing here re-implements the core: the
//! JSON lines are [`Runner::trace_json`], the text of an entry its `Display`.

use wsasim::net::SegmentHeader;
use wsasim::queue::Message;
use wsasim::script::{RunOptions, Runner, ScriptError};
use wsasim::trace::{write_json_string, Change, TraceEntry};
use wsasim::Profile;

use crate::view::segment_label;

/// What the page can export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// Every trace entry, one JSON object a line (the CLI's `--json`).
    TraceJson,
    /// Every trace entry as a CSV row.
    TraceCsv,
    /// Every posted message, one JSON object a line.
    MessagesJson,
    /// Every posted message as a CSV row.
    MessagesCsv,
    /// The wire and the posted messages as a Mermaid sequence diagram.
    Mermaid,
    /// The same diagram drawn as SVG.
    Svg,
}

impl Export {
    /// Every export, in menu order.
    pub const ALL: [Export; 6] = [
        Export::TraceJson,
        Export::TraceCsv,
        Export::MessagesJson,
        Export::MessagesCsv,
        Export::Mermaid,
        Export::Svg,
    ];

    /// A stable id (the button's `data-export`).
    pub fn id(self) -> &'static str {
        match self {
            Export::TraceJson => "trace-jsonl",
            Export::TraceCsv => "trace-csv",
            Export::MessagesJson => "messages-jsonl",
            Export::MessagesCsv => "messages-csv",
            Export::Mermaid => "diagram-mermaid",
            Export::Svg => "diagram-svg",
        }
    }

    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            Export::TraceJson => "Trace (JSON lines)",
            Export::TraceCsv => "Trace (CSV)",
            Export::MessagesJson => "Messages (JSON lines)",
            Export::MessagesCsv => "Messages (CSV)",
            Export::Mermaid => "Diagram (Mermaid)",
            Export::Svg => "Diagram (SVG)",
        }
    }

    /// The downloaded file's name, after the scenario's `stem`, and its MIME type.
    pub fn file(self, stem: &str) -> (String, &'static str) {
        let (suffix, mime) = match self {
            Export::TraceJson => ("trace.jsonl", "application/jsonl"),
            Export::TraceCsv => ("trace.csv", "text/csv"),
            Export::MessagesJson => ("messages.jsonl", "application/jsonl"),
            Export::MessagesCsv => ("messages.csv", "text/csv"),
            Export::Mermaid => ("sequence.mmd", "text/plain"),
            Export::Svg => ("sequence.svg", "image/svg+xml"),
        };
        (format!("{stem}.{suffix}"), mime)
    }
}

/// Runs `src` under `profile` to its end and writes `what`.
pub fn export(src: &str, profile: Profile, what: Export) -> Result<String, Vec<ScriptError>> {
    let mut r = Runner::with_options(
        src,
        RunOptions {
            profile: Some(profile),
            ..RunOptions::default()
        },
    )?;
    r.run_to_end();
    Ok(match what {
        Export::TraceJson => r.trace_json(),
        Export::TraceCsv => trace_csv(&r),
        Export::MessagesJson => messages_json(&r),
        Export::MessagesCsv => messages_csv(&r),
        Export::Mermaid => mermaid(&r),
        Export::Svg => svg(&r),
    })
}

/// A file name for the scenario: its title (or `scenario`) in lower-case kebab form.
pub fn file_stem(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "scenario".to_string()
    } else {
        out
    }
}

/// One CSV field, quoted when it must be (RFC 4180).
fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn csv_row(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, f);
    }
    out.push_str("\r\n");
}

fn entries(r: &Runner) -> impl Iterator<Item = TraceEntry> + '_ {
    r.sim().trace().iter()
}

/// The runner step (from 1, as the counter and `&step=` count) that made `e`.
fn step_text(r: &Runner, e: &TraceEntry) -> String {
    r.lines()
        .step_of(e.index)
        .map_or(String::new(), |s| s.to_string())
}

fn line_text(r: &Runner, e: &TraceEntry) -> String {
    r.lines()
        .line_of(e.index)
        .map_or(String::new(), |l| l.to_string())
}

fn host_text(r: &Runner, e: &TraceEntry) -> String {
    e.host()
        .and_then(|h| r.sim().trace().names().host(h).map(str::to_string))
        .unwrap_or_default()
}

/// `step,entry,time,line,host,action,messages`: the entry as the trace log prints it,
/// with its runner step and its index (the JSON's `step` and `entry`).
fn trace_csv(r: &Runner) -> String {
    let names = r.sim().trace().names();
    let mut out = String::new();
    csv_row(
        &mut out,
        &[
            "step", "entry", "time", "line", "host", "action", "messages",
        ],
    );
    for e in entries(r) {
        let posted: Vec<String> = e.posted().map(|m| m.to_string()).collect();
        csv_row(
            &mut out,
            &[
                &step_text(r, &e),
                &e.index.to_string(),
                &e.at.to_string(),
                &line_text(r, &e),
                &host_text(r, &e),
                &e.display(names).to_string(),
                &posted.join("; "),
            ],
        );
    }
    out
}

/// The columns of a message: step, entry, time, line, window, wMsg, wParam, lParam,
/// event, error, rule.
fn message_fields(r: &Runner, e: &TraceEntry, m: &Message) -> [String; 11] {
    let names = r.sim().trace().names();
    [
        step_text(r, e),
        e.index.to_string(),
        m.posted_at.to_string(),
        line_text(r, e),
        names
            .window(m.hwnd)
            .map_or_else(|| m.hwnd.to_string(), str::to_string),
        m.msg.to_string(),
        m.wparam.to_string(),
        m.lparam.to_string(),
        m.lparam.event().to_string(),
        m.lparam.error().map_or(String::new(), |e| e.to_string()),
        m.rule.to_string(),
    ]
}

const MESSAGE_COLUMNS: [&str; 11] = [
    "step", "entry", "time", "line", "window", "msg", "wparam", "lparam", "event", "error", "rule",
];

fn messages_csv(r: &Runner) -> String {
    let mut out = String::new();
    csv_row(&mut out, &MESSAGE_COLUMNS);
    for e in entries(r) {
        for m in e.posted() {
            let f = message_fields(r, &e, m);
            let refs: Vec<&str> = f.iter().map(String::as_str).collect();
            csv_row(&mut out, &refs);
        }
    }
    out
}

/// One object a message, with the CSV's columns as fields (`entry` a number, `step` and
/// `line` a number or null, `error` a string or null).
fn messages_json(r: &Runner) -> String {
    let mut out = String::new();
    for e in entries(r) {
        for m in e.posted() {
            let f = message_fields(r, &e, m);
            out.push('{');
            for (i, (k, v)) in MESSAGE_COLUMNS.iter().zip(f.iter()).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(&mut out, k);
                out.push(':');
                match *k {
                    "entry" => out.push_str(v),
                    "step" | "line" | "error" if v.is_empty() => out.push_str("null"),
                    "step" => out.push_str(v),
                    "line" => out.push_str(v),
                    _ => write_json_string(&mut out, v),
                }
            }
            out.push_str("}\n");
        }
    }
    out
}

/// One event of the sequence diagram, in trace order.
enum Event {
    /// A segment sent from one host (column) to another.
    Segment {
        from: usize,
        to: usize,
        label: String,
    },
    /// A segment lost, at a host's column.
    Dropped { at: usize, label: String },
    /// A message posted to a window.
    Posted { window: String, label: String },
}

/// The hosts, the windows and the events of the whole run.
fn sequence(r: &Runner) -> (Vec<String>, Vec<String>, Vec<(String, Event)>) {
    let sim = r.sim();
    let names = sim.trace().names();
    let hosts: Vec<String> = sim.hosts().iter().map(|h| h.name.clone()).collect();
    let col = |s: &SegmentHeader, src: bool| {
        let ip = if src { s.src.ip } else { s.dst.ip };
        sim.hosts()
            .iter()
            .position(|h| h.addrs.contains(&ip))
            .unwrap_or(0)
    };
    let mut windows: Vec<String> = Vec::new();
    let mut events = Vec::new();
    for e in entries(r) {
        let at = e.at.to_string();
        for c in &e.changes {
            match c {
                Change::Sent(s) => events.push((
                    at.clone(),
                    Event::Segment {
                        from: col(s, true),
                        to: col(s, false),
                        label: segment_label(s),
                    },
                )),
                Change::Dropped { segment, why } => events.push((
                    at.clone(),
                    Event::Dropped {
                        at: col(segment, false),
                        label: format!("{} lost: {why}", segment_label(segment)),
                    },
                )),
                Change::Posted(m) => {
                    let window = names
                        .window(m.hwnd)
                        .map_or_else(|| m.hwnd.to_string(), str::to_string);
                    if !windows.contains(&window) {
                        windows.push(window.clone());
                    }
                    let mut label = format!("{} {}", m.wparam, m.lparam.event());
                    if let Some(err) = m.lparam.error() {
                        label.push_str(&format!(" {err}"));
                    }
                    events.push((at.clone(), Event::Posted { window, label }));
                }
                _ => {}
            }
        }
    }
    (hosts, windows, events)
}

/// A Mermaid identifier for a participant: letters, digits and `_` only.
fn mermaid_id(prefix: &str, name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{prefix}_{clean}")
}

/// Mermaid text has no escapes: keep labels to one line without `;` or `#`.
fn mermaid_text(s: &str) -> String {
    s.replace([';', '#', '\n'], " ")
}

/// The sequence diagram as Mermaid `sequenceDiagram` text: one participant a host, one a
/// window, an arrow a segment (at its sending time), a dashed arrow a posted message.
fn mermaid(r: &Runner) -> String {
    let (hosts, windows, events) = sequence(r);
    let mut out = String::from("sequenceDiagram\n");
    for h in &hosts {
        out.push_str(&format!("    participant {} as {h}\n", mermaid_id("h", h)));
    }
    for w in &windows {
        out.push_str(&format!(
            "    participant {} as window {w}\n",
            mermaid_id("w", w)
        ));
    }
    let host = |i: usize| mermaid_id("h", hosts.get(i).map_or("?", String::as_str));
    for (at, ev) in &events {
        match ev {
            Event::Segment { from, to, label } => out.push_str(&format!(
                "    {}->>{}: {at} {}\n",
                host(*from),
                host(*to),
                mermaid_text(label)
            )),
            Event::Dropped { at: h, label } => out.push_str(&format!(
                "    Note over {}: {at} {}\n",
                host(*h),
                mermaid_text(label)
            )),
            Event::Posted { window, label } => out.push_str(&format!(
                "    Note over {}: {at} posted {}\n",
                mermaid_id("w", window),
                mermaid_text(label)
            )),
        }
    }
    out
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The same diagram as a standalone SVG: lifelines for hosts and windows, one row an event.
fn svg(r: &Runner) -> String {
    const COL: usize = 200;
    const ROW: usize = 28;
    const TOP: usize = 50;
    let (hosts, windows, events) = sequence(r);
    let lanes: Vec<String> = hosts
        .iter()
        .cloned()
        .chain(windows.iter().map(|w| format!("window {w}")))
        .collect();
    let x = |i: usize| 100 + i * COL;
    let width = 100 + lanes.len().max(1) * COL;
    let height = TOP + (events.len() + 1) * ROW;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"monospace\" font-size=\"12\">\n\
         <defs><marker id=\"head\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" \
         orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>\n"
    );
    for (i, lane) in lanes.iter().enumerate() {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\n\
             <line x1=\"{0}\" y1=\"30\" x2=\"{0}\" y2=\"{height}\" stroke=\"#999\"/>\n",
            x(i),
            xml(lane)
        ));
    }
    for (k, (at, ev)) in events.iter().enumerate() {
        let y = TOP + k * ROW;
        out.push_str(&format!(
            "<text x=\"4\" y=\"{}\" fill=\"#666\">{}</text>\n",
            y + 4,
            xml(at)
        ));
        match ev {
            Event::Segment { from, to, label } => out.push_str(&format!(
                "<g class=\"segment\"><line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" \
                 stroke=\"#000\" marker-end=\"url(#head)\"/>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>\n",
                x(*from),
                x(*to),
                (x(*from) + x(*to)) / 2,
                y - 4,
                xml(label)
            )),
            Event::Dropped { at: h, label } => out.push_str(&format!(
                "<text class=\"dropped\" x=\"{}\" y=\"{}\" fill=\"#b00\">✕ {}</text>\n",
                x(*h) + 6,
                y + 4,
                xml(label)
            )),
            Event::Posted { window, label } => {
                let i = hosts.len() + windows.iter().position(|w| w == window).unwrap_or(0);
                out.push_str(&format!(
                    "<text class=\"posted\" x=\"{}\" y=\"{}\" fill=\"#05a\">● {}</text>\n",
                    x(i) + 6,
                    y + 4,
                    xml(label)
                ));
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests;
