//! The trace: every step up to the cursor (the newest [`view::MAX_TRACE_ROWS`] entries),
//! with its time, host, action and result and its changes indented; the step just taken
//! is highlighted and kept in view. Clicking an entry selects it for the Why panel.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::{use_run, use_selection, Selection};
use crate::view::{self, ChangeKind, TraceLogView, TraceRow};

/// The trace-log panel.
#[component]
pub fn TraceLog() -> impl IntoView {
    let run = use_run();
    let model = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref().map(view::trace_log).unwrap_or(TraceLogView {
                earlier: 0,
                rows: Vec::new(),
            })
        })
    });
    // The one entry that is a tab stop (roving tabindex): the selected entry if the log
    // shows it, else the newest.
    let selection = use_selection();
    let stop = Signal::derive(move || {
        let sel = match selection.get() {
            Selection::Entry(i) => Some(i),
            _ => None,
        };
        model.with(|m| {
            sel.filter(|i| m.rows.iter().any(|r| r.index == *i))
                .or_else(|| m.rows.last().map(|r| r.index))
                .unwrap_or(usize::MAX)
        })
    });
    // The first entry the step just taken added (the current ones are it and later).
    let current_first = Memo::new(move |_| {
        model.with(|m| {
            m.rows
                .iter()
                .find(|r| r.current)
                .map_or(usize::MAX, |r| r.index)
        })
    });
    let scroller = NodeRef::<leptos::html::Div>::new();
    // Keep the current step in view, scrolling the log only (never the page).
    Effect::new(move |_| {
        model.track();
        let Some(el) = scroller.get() else { return };
        // In the next animation frame, once the step's DOM changes are in: the layout these
        // reads force (rAF runs before the frame's own) is then the frame's only one.
        request_animation_frame(move || {
            let Ok(Some(cur)) = el.query_selector(".trace-entry.current") else {
                el.set_scroll_top(el.scroll_height());
                return;
            };
            let Ok(cur) = cur.dyn_into::<web_sys::HtmlElement>() else {
                return;
            };
            let top = cur.offset_top();
            let bottom = top + cur.offset_height();
            let view_top = el.scroll_top();
            let view_bottom = view_top + el.client_height();
            if top < view_top || bottom > view_bottom {
                el.set_scroll_top((bottom - el.client_height() + 8).max(top - 8).max(0));
            }
        });
    });
    view! {
        <section class="panel trace-log" aria-labelledby="trace-title">
            <div class="panel-head">
                <h2 id="trace-title">"Trace"</h2>
                <span class="badge">
                    {move || model.with(|m| format!("{} entries", m.earlier + m.rows.len()))}
                </span>
            </div>
            <div class="trace-scroll" node_ref=scroller>
                <super::When when=move || model.with(|m| m.earlier > 0)>
                    <p class="earlier muted">
                        {move || model.with(|m| format!("… {} earlier entries (move the slider back to see them)", m.earlier))}
                    </p>
                </super::When>
                <super::When
                    when=move || model.with(|m| !m.rows.is_empty())
                    fallback=|| view! { <p class="panel-empty">"Nothing has happened yet: step forward."</p> }
                >
                    <ol class="trace-list" aria-label="Trace entries: one tab stop, arrow keys move between entries">
                        // Keyed by all a row shows but `current`, which each row follows
                        // itself: a step redraws only the entries it adds or removes.
                        {super::keyed(
                            move || {
                                model.with(|m| {
                                    m.rows.iter().map(|r| TraceRow { current: false, ..r.clone() }).collect::<Vec<_>>()
                                })
                            },
                            |r: &TraceRow| r.clone(),
                            move |r: &TraceRow| view! { <TraceRowView r=r.clone() stop current_first /> }.into_any(),
                        )}
                    </ol>
                </super::When>
            </div>
        </section>
    }
}

/// One entry.
#[component]
fn TraceRowView(
    /// The entry.
    r: TraceRow,
    /// The index of the entry that is the log's one tab stop.
    stop: Signal<usize>,
    /// The first entry the step just taken added.
    current_first: Memo<usize>,
) -> impl IntoView {
    let selection = use_selection();
    let index = r.index;
    let current = move || index >= current_first.get();
    let selected = move || selection.get() == Selection::Entry(index);
    let select = move || selection.set(Selection::Entry(index));
    let changes = (!r.changes.is_empty()).then(|| {
        let items = r
            .changes
            .iter()
            .map(|c| {
                let posted = c.kind == ChangeKind::Posted;
                view! { <li class:posted=posted>{c.text.clone()}</li> }
            })
            .collect_view();
        view! { <ul class="trace-changes">{items}</ul> }
    });
    let result = (!r.result.is_empty()).then(|| {
        view! {
            <span class="trace-arrow" aria-hidden="true">" → "</span>
            <span class="trace-result" class:failed=r.failed>{r.result.clone()}</span>
        }
    });
    let label = format!(
        "step {} · entry #{} at {}: {}",
        r.step, r.index, r.at, r.action
    );
    view! {
        <li
            class="trace-entry"
            class:current=current
            class:selected=selected
            data-index=r.index.to_string()
            tabindex=move || if stop.get() == index { "0" } else { "-1" }
            data-row=""
            aria-label=label
            aria-current=move || current().then_some("step")
            on:click=move |_| select()
            on:keydown=move |ev| {
                match ev.key().as_str() {
                    "Enter" | " " => {
                        ev.prevent_default();
                        select();
                    }
                    "ArrowDown" | "ArrowUp" => {
                        ev.prevent_default();
                        let down = ev.key() == "ArrowDown";
                        move_to(&ev, down, selection);
                    }
                    _ => {}
                }
            }
        >
            <div class="trace-line">
                <span class="trace-step" title="Step (as the step counter counts)">{format!("step {}", r.step)}</span>
                <span class="trace-index" title="Trace entry">{format!("#{}", r.index)}</span>
                <span class="trace-time">{r.at.clone()}</span>
                <span class="trace-host">{r.host.clone().unwrap_or_else(|| "world".into())}</span>
                <code class="trace-action">{r.action.clone()}</code>
                {result}
                {r.line.map(|l| view! { <span class="trace-lineno muted">{format!("line {l}")}</span> })}
            </div>
            {changes}
        </li>
    }
}

/// Moves focus and the selection from the entry `ev` came from to the next (or previous)
/// entry of the log.
fn move_to(ev: &leptos::ev::KeyboardEvent, down: bool, selection: RwSignal<Selection>) {
    let Some(li) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let next = if down {
        li.next_element_sibling()
    } else {
        li.previous_element_sibling()
    };
    let Some(next) = next.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return;
    };
    if let Some(i) = next
        .get_attribute("data-index")
        .and_then(|i| i.parse::<usize>().ok())
    {
        selection.set(Selection::Entry(i));
    }
    let _ = next.focus();
}
