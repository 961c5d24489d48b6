//! The scenario editor: a plain text area over a gutter of line numbers, with the line of
//! the current step highlighted and every parse, name and expectation error marked at its
//! line and column, and listed under the editor.
//!
//! It stays fast on long scripts: the gutter numbers only the lines near the view (one
//! small text node, redrawn when the view crosses a block of [`GUTTER_BLOCK`] lines, never
//! per key), markers are a handful of absolutely positioned boxes, and the text area is
//! only written when a preset or a link replaces the text (typing never re-renders it).
//! What remains per key on a very long script is the browser's own text-area editing
//! (the figures test prints it).

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::use_playground;

#[cfg(test)]
mod tests;

/// The scenario shown on first load (when neither a link nor local storage gives one),
/// written in the scenario language (`docs/scenario-language.md`).
pub const EXAMPLE_SCENARIO: &str = "\
# The peer resets: FD_CLOSE carries WSAECONNRESET.
title \"Connection reset\"
about \"The client connects, the server resets the connection, and FD_CLOSE carries the error.\"
host client 10.0.0.1
host server 10.0.0.2
link client server latency 5ms
window client main

server: WSAStartup()
server: L = socket(AF_INET, SOCK_STREAM)
server: bind(L, 10.0.0.2:80)
server: listen(L, 5)
client: WSAStartup()
client: C = socket(AF_INET, SOCK_STREAM)
client: WSAAsyncSelect(C, main, WM_USER+1, FD_CONNECT|FD_CLOSE)
client: connect(C, 10.0.0.2:80)  => SOCKET_ERROR WSAEWOULDBLOCK
run until idle
expect main: WM_USER+1(C, FD_CONNECT, 0)
reset C
run until idle
if documented: expect main: WM_USER+1(C, FD_CLOSE, WSAECONNRESET)
if windows: expect main: WM_USER+1(C, FD_CLOSE, WSAECONNABORTED)
";

/// The height of one line of the editor, in CSS pixels (`static/style.css` agrees).
pub const LINE_HEIGHT: f64 = 20.0;

/// The text area's top padding, in CSS pixels.
pub const PAD_TOP: f64 = 8.0;

/// The number of lines in `text`, as shown under the editor (an empty text has one line).
pub fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// The gutter numbers lines in blocks of this many, so scrolling redraws it only when the
/// view reaches another block.
pub const GUTTER_BLOCK: usize = 64;

/// The gutter numbers this many lines above the view's top line, and this many from it
/// down: enough for any screen (192 lines are 3,840 CSS pixels), so the view's height
/// need not be watched.
pub const GUTTER_ABOVE: usize = 64;
/// See [`GUTTER_ABOVE`].
pub const GUTTER_BELOW: usize = 192;

/// The line (from 0) at the top of the editor's view when it is scrolled to `scroll_top`
/// pixels.
pub fn line_at(scroll_top: f64) -> usize {
    ((scroll_top - PAD_TOP).max(0.0) / LINE_HEIGHT) as usize
}

/// The lines the gutter numbers, `first..=last` (from 1), for a script of `lines` lines
/// whose line `top` (from 0) is at the top of the view: [`GUTTER_ABOVE`] lines above it
/// and [`GUTTER_BELOW`] from it, widened to whole blocks of [`GUTTER_BLOCK`] lines.
pub fn gutter_window(lines: usize, top: usize) -> (usize, usize) {
    let lines = lines.max(1);
    let first_block = top.saturating_sub(GUTTER_ABOVE) / GUTTER_BLOCK;
    let last_block = (top + GUTTER_BELOW) / GUTTER_BLOCK;
    let first = (first_block * GUTTER_BLOCK + 1).min(lines);
    let last = ((last_block + 1) * GUTTER_BLOCK).min(lines);
    (first, last)
}

/// The gutter's text for lines `first..=last`: `first\n…\nlast`.
pub fn gutter_text(first: usize, last: usize) -> String {
    let mut s = String::with_capacity((last + 1 - first.min(last)) * 6);
    for i in first..=last {
        if i > first {
            s.push('\n');
        }
        s.push_str(&i.to_string());
    }
    s
}

/// The length of the longest line, in characters.
pub fn widest_line(text: &str) -> usize {
    text.split('\n')
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
}

/// The character offset in `text` of line `line`, column `col` (both from 1), for
/// placing the caret at an error; clamped to the text.
pub fn offset_of(text: &str, line: u32, col: u32) -> usize {
    let mut offset = 0;
    for (i, l) in text.split('\n').enumerate() {
        let len = l.chars().count();
        if i + 1 == line as usize {
            return offset + (col.max(1) as usize - 1).min(len);
        }
        offset += len + 1;
    }
    text.chars().count()
}

/// The height of the text area (and the gutter) for `lines` lines, in whole CSS pixels
/// (the page formats no floating-point number: that code is 6 KB of the module).
fn content_height(lines: usize) -> u64 {
    (lines as f64 * LINE_HEIGHT + 2.0 * PAD_TOP) as u64
}

/// `top:…px` for line `line` (from 1), in whole CSS pixels.
fn top_of(line: u32) -> String {
    format!(
        "top:{}px",
        (PAD_TOP + (f64::from(line.max(1)) - 1.0) * LINE_HEIGHT) as u64
    )
}

/// One marked place in the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Mark {
    line: u32,
    col: u32,
    kind: &'static str,
    text: String,
}

/// The scenario editor panel.
#[component]
pub fn Editor() -> impl IntoView {
    let pg = use_playground();
    let area = NodeRef::<html::Textarea>::new();
    let scroller = NodeRef::<html::Div>::new();

    let lines = Memo::new(move |_| pg.source.with(|t| line_count(t)));
    let width = Memo::new(move |_| pg.source.with(|t| widest_line(t)));
    // The line at the top of the editor's view, for the gutter's window of line numbers.
    let top_line = RwSignal::new(0_u32);
    let gutter = move || gutter_window(lines.get(), top_line.get() as usize);
    let gutter_lines = Memo::new(move |_| {
        let (first, last) = gutter();
        gutter_text(first, last)
    });
    let current_line = Memo::new(move |_| {
        pg.run
            .with(|r| r.as_ref().and_then(|t| t.current_step().map(|s| s.line)))
    });
    let marks = Memo::new(move |_| {
        let mut marks: Vec<Mark> = pg.errors.with(|errs| {
            errs.iter()
                .map(|e| Mark {
                    line: e.line,
                    col: e.col,
                    kind: "error",
                    text: format!("expected {}, found {}", e.expected, e.found),
                })
                .collect()
        });
        if !pg.stale.get() {
            pg.run.with(|r| {
                if let Some(f) = r.as_ref().and_then(|t| t.failure()) {
                    marks.push(Mark {
                        line: f.line,
                        col: f.col,
                        kind: "failure",
                        text: format!("expected {}, but got {}", f.expected, f.actual),
                    });
                }
            });
        }
        marks
    });
    let title = Memo::new(move |_| {
        pg.run
            .with(|r| r.as_ref().and_then(|t| t.title().map(str::to_string)))
    });
    let about = Memo::new(move |_| {
        pg.run
            .with(|r| r.as_ref().and_then(|t| t.about().map(str::to_string)))
    });

    // Keep the current step's line in view.
    Effect::new(move |_| {
        let Some(line) = current_line.get() else {
            return;
        };
        let Some(el) = scroller.get() else { return };
        // In the next animation frame, once the step's DOM changes are in: the layout this
        // read forces (rAF runs before the frame's own) is then the frame's only one.
        request_animation_frame(move || {
            let top = PAD_TOP + (f64::from(line) - 1.0) * LINE_HEIGHT;
            let view_top = f64::from(el.scroll_top());
            let height = f64::from(el.client_height());
            if top < view_top || top + LINE_HEIGHT > view_top + height {
                el.set_scroll_top((top - height / 3.0).max(0.0) as i32);
            }
        });
    });

    let on_input = move |ev: leptos::ev::Event| {
        let Some(t) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        else {
            return;
        };
        pg.source.set(t.value());
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            if let Some(a) = area.get() {
                let _ = a.blur();
            }
        }
    };
    let go_to = move |line: u32, col: u32| {
        let Some(a) = area.get() else { return };
        let at = pg.source.with_untracked(|t| offset_of(t, line, col)) as u32;
        let _ = a.focus();
        let _ = a.set_selection_range(at, at);
        if let Some(el) = scroller.get() {
            let top = PAD_TOP + (f64::from(line) - 1.0) * LINE_HEIGHT;
            el.set_scroll_top((top - f64::from(el.client_height()) / 3.0).max(0.0) as i32);
        }
    };

    let status = move || {
        let n = pg.errors.with(Vec::len);
        if n > 0 {
            let s = if n == 1 { "" } else { "s" };
            (format!("{n} error{s}"), "badge bad")
        } else if pg
            .run
            .with(|r| r.as_ref().is_some_and(|t| t.failure().is_some()))
        {
            ("expectation failed".to_string(), "badge bad")
        } else {
            ("runs".to_string(), "badge good")
        }
    };

    view! {
        <section class="panel editor" aria-labelledby="editor-title">
            <div class="panel-head">
                <h2 id="editor-title">
                    "Scenario"
                    <span class="scenario-title">
                        {move || title.get().map(|t| format!(": {t}"))}
                    </span>
                </h2>
                <span class=move || status().1 data-testid="editor-status">
                    {move || status().0}
                </span>
            </div>
            {move || {
                about
                    .get()
                    .map(|a| view! { <p class="scenario-about" data-testid="scenario-about">{a}</p> })
            }}
            <div
                class="code"
                node_ref=scroller
                on:scroll=move |_| {
                    if let Some(el) = scroller.get_untracked() {
                        let line = line_at(f64::from(el.scroll_top())) as u32;
                        if top_line.get_untracked() != line {
                            top_line.set(line);
                        }
                    }
                }
                style=move || {
                    format!(
                        "--digits:{};--cols:{}",
                        lines.get().to_string().len().max(2),
                        width.get(),
                    )
                }
            >
                <div class="marks" aria-hidden="true">
                    {move || {
                        current_line
                            .get()
                            .map(|line| {
                                view! {
                                    <div class="current-line" data-line=line style=top_of(line)></div>
                                }
                            })
                    }}
                    {move || {
                        marks
                            .get()
                            .into_iter()
                            .map(|m| {
                                let col = format!(
                                    "{};--col:{}",
                                    top_of(m.line),
                                    m.col.max(1) - 1,
                                );
                                view! {
                                    <div
                                        class=format!("mark-line {}", m.kind)
                                        data-line=m.line
                                        style=top_of(m.line)
                                        title=m.text.clone()
                                    ></div>
                                    <div class=format!("mark-col {}", m.kind) style=col></div>
                                }
                            })
                            .collect_view()
                    }}
                </div>
                <div
                    class="gutter"
                    aria-hidden="true"
                    style=move || format!("height:{}px", content_height(lines.get()))
                >
                    <pre
                        class="gutter-lines"
                        style=move || top_of(gutter().0 as u32)
                    >
                        {move || gutter_lines.get()}
                    </pre>
                </div>
                <label class="visually-hidden" for="scenario-editor">
                    "Scenario script: one Winsock call, network event or expectation per line"
                </label>
                <textarea
                    id="scenario-editor"
                    class="code-input"
                    node_ref=area
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    wrap="off"
                    aria-describedby="editor-diagnostics"
                    style=move || {
                        format!(
                            "height:{}px;min-width:calc({}ch + 2rem)",
                            content_height(lines.get()),
                            width.get(),
                        )
                    }
                    prop:value=move || {
                        pg.loaded.track();
                        pg.source.get_untracked()
                    }
                    on:input=on_input
                    on:keydown=on_keydown
                ></textarea>
            </div>
            <div id="editor-diagnostics" class="diagnostics" role="alert" aria-live="polite">
                {move || {
                    // Stale with no errors: the mended script's run is still catching up
                    // with the step kept (`PlaygroundCtx::pending_run`).
                    pg.stale
                        .get()
                        .then(|| {
                            let note = if pg.errors.with(Vec::is_empty) {
                                "The script runs again: the panels show its last run that worked until the new run reaches this step."
                            } else {
                                "The script has errors: the panels show its last run that worked."
                            };
                            view! { <p class="stale-note">{note}</p> }
                        })
                }}
                <ul>
                    {move || {
                        marks
                            .get()
                            .into_iter()
                            .map(|m| {
                                let (line, col) = (m.line, m.col);
                                let what = if m.kind == "error" {
                                    "Error"
                                } else {
                                    "Expectation failed"
                                };
                                view! {
                                    <li class=format!("diag {}", m.kind)>
                                        <button
                                            class="linkish"
                                            on:click=move |_| go_to(line, col)
                                            aria-label=format!("Go to line {line}, column {col}")
                                        >
                                            {format!("{line}:{col}")}
                                        </button>
                                        " " {what} ": " {m.text}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
            <p class="panel-foot muted">
                <span>
                    {move || {
                        let n = lines.get();
                        if n == 1 { "1 line".to_string() } else { format!("{n} lines") }
                    }}
                </span>
                <span>"Esc leaves the editor; ? lists the shortcuts"</span>
            </p>
        </section>
    }
}
