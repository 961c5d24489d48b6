//! The network: a sequence diagram of segments between hosts over virtual time.
//!
//! One lifeline per host, virtual time downwards (one row per distinct instant, so long
//! idle gaps such as TIME_WAIT take no room). Each segment is an arrow from its send to
//! its delivery; a lost one ends in a cross; one still on the wire is dashed, ending at
//! the time it is due. The arrows come from [`view::diagram`] (bounded to the newest
//! [`view::MAX_ARROWS`]); this module only draws them.

use leptos::prelude::*;

use crate::state::use_run;
use crate::view::{self, Arrow, ArrowFate, Diagram};

// Coordinates are whole pixels (every one below is): the page formats no floating-point
// number, whose code is 6 KB of the module.

/// Width of one host's column.
const COL_W: i32 = 180;
/// Room for the time labels on the left.
const LEFT: i32 = 74;
/// Height of one instant's row.
const ROW_H: i32 = 24;
/// Space above the first row.
const TOP: i32 = 6;
/// The SVG's height grows in steps of this many rows (see [`Wire`]).
const ROWS_CHUNK: usize = 32;

fn x(col: usize) -> i32 {
    LEFT + COL_W * col as i32 + COL_W / 2
}

fn y(row: usize) -> i32 {
    TOP + ROW_H * row as i32 + ROW_H / 2
}

/// The diagram's width for `hosts` lifelines.
fn width(hosts: usize) -> i32 {
    LEFT + COL_W * hosts.max(1) as i32 + 8
}

/// The sequence-diagram panel.
#[component]
pub fn Wire() -> impl IntoView {
    let run = use_run();
    let model = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref().map(view::diagram).unwrap_or(Diagram {
                hosts: Vec::new(),
                times: Vec::new(),
                now_row: None,
                arrows: Vec::new(),
                earlier: 0,
            })
        })
    });
    let scroller = NodeRef::<leptos::html::Div>::new();
    // Keep the newest segments in view.
    Effect::new(move |_| {
        model.track();
        if let Some(el) = scroller.get() {
            request_animation_frame(move || el.set_scroll_top(el.scroll_height()));
        }
    });
    let w = move || model.with(|m| width(m.hosts.len()));
    let rows = move || model.with(|m| m.times.len().max(1));
    let h = move || TOP * 2 + ROW_H * rows() as i32;
    // Chromium lays out every arrow again whenever the SVG's size changes (measured: each
    // step that adds or removes an instant re-laid out all of them). So the SVG grows in
    // chunks of rows, and a clipping box of the exact height shows the rows in use.
    let svg_h = move || TOP * 2 + ROW_H * (rows().div_ceil(ROWS_CHUNK).max(1) * ROWS_CHUNK) as i32;
    let px = |v: i32| format!("{v}px");
    let summary = move || {
        model.with(|m| {
            let lost = m
                .arrows
                .iter()
                .filter(|a| matches!(a.fate, ArrowFate::Dropped { .. }))
                .count();
            let flying = m
                .arrows
                .iter()
                .filter(|a| a.fate == ArrowFate::InFlight)
                .count();
            let mut s = format!("{} segments", m.arrows.len() + m.earlier);
            if flying > 0 {
                s.push_str(&format!(", {flying} in flight"));
            }
            if lost > 0 {
                s.push_str(&format!(", {lost} lost"));
            }
            s
        })
    };
    view! {
        <section class="panel wire" aria-labelledby="wire-title">
            <div class="panel-head">
                <h2 id="wire-title">"Segments on the wire"</h2>
                <span class="badge">{move || summary()}</span>
            </div>
            <super::When
                when=move || model.with(|m| !m.arrows.is_empty())
                fallback=|| {
                    view! {
                        <p class="panel-empty">
                            "No segment sent yet. connect(), send() and closes draw arrows between the hosts here."
                        </p>
                    }
                }
            >
                <super::When when=move || model.with(|m| m.earlier > 0)>
                    <p class="earlier muted">
                        {move || model.with(|m| format!("… {} earlier segment(s) not drawn", m.earlier))}
                    </p>
                </super::When>
                <div class="wire-lifelines" style:width=move || format!("{}px", w())>
                    {super::keyed(
                        move || model.with(|m| m.hosts.iter().cloned().enumerate().collect::<Vec<_>>()),
                        |h: &(usize, String)| h.clone(),
                        |(i, name): &(usize, String)| {
                            view! {
                                <span class="lifeline-name" style:left=format!("{}px", x(*i) - COL_W / 2) style:width=format!("{COL_W}px")>
                                    {name.clone()}
                                </span>
                            }
                                .into_any()
                        },
                    )}
                </div>
                <div class="wire-scroll" node_ref=scroller>
                    <div class="wire-clip" style:width=move || px(w()) style:height=move || px(h())>
                        <svg
                            class="wire-svg"
                            role="img"
                            aria-label="Sequence diagram of the segments between the hosts"
                            style:width=move || px(w())
                            style:height=move || px(svg_h())
                        >
                            // No viewBox: user units are pixels anyway, and with one every
                            // change of its height (a step adds a row) re-laid out every arrow.
                            <defs>
                                <marker id="wire-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                                    <path d="M 0 0 L 10 5 L 0 10 z" class="wire-head"></path>
                                </marker>
                            </defs>
                            {super::keyed(
                                move || model.with(|m| m.times.iter().cloned().enumerate().collect::<Vec<_>>()),
                                |t: &(usize, String)| t.clone(),
                                |(row, at): &(usize, String)| {
                                    view! {
                                        <text class="wire-time" x=(LEFT - 8).to_string() y=(y(*row) + 4).to_string() text-anchor="end">{at.clone()}</text>
                                    }
                                        .into_any()
                                },
                            )}
                            {super::keyed(
                                move || model.with(|m| (0..m.hosts.len()).collect::<Vec<_>>()),
                                |i: &usize| *i,
                                move |&i: &usize| {
                                    view! {
                                        <line class="lifeline" x1=x(i).to_string() x2=x(i).to_string() y1="0" y2=move || svg_h().to_string()></line>
                                    }
                                        .into_any()
                                },
                            )}
                            {move || model.with(|m| m.now_row).map(|row| view! {
                                <line class="wire-now" x1=(LEFT - 4).to_string() x2=w().to_string() y1=y(row).to_string() y2=y(row).to_string()>
                                    <title>"now"</title>
                                </line>
                            })}
                            {super::keyed(
                                move || model.get().arrows,
                                |a: &Arrow| a.clone(),
                                |a: &Arrow| view! { <ArrowView a=a.clone() /> }.into_any(),
                            )}
                        </svg>
                    </div>
                </div>
                <p class="panel-foot legend">
                    <span class="wire-key delivered"></span>"delivered"
                    <span class="wire-key in-flight"></span>"in flight"
                    <span class="wire-key dropped">"✕"</span>"lost"
                    <span class="muted">"one row per instant; the dashed line is now"</span>
                </p>
            </super::When>
        </section>
    }
}

/// One segment.
#[component]
fn ArrowView(
    /// The segment.
    a: Arrow,
) -> impl IntoView {
    let (x1, y1) = (x(a.from), y(a.sent_row));
    let (mut x2, y2) = (x(a.to), y(a.end_row));
    let loopback = a.from == a.to;
    let (fate, title) = match &a.fate {
        ArrowFate::Delivered => ("delivered", format!("{} — delivered", a.detail)),
        ArrowFate::InFlight => ("in-flight", format!("{} — in flight", a.detail)),
        ArrowFate::Dropped { why, .. } => ("dropped", format!("{} — lost: {why}", a.detail)),
    };
    let dropped_on_way = matches!(
        a.fate,
        ArrowFate::Dropped {
            at_receiver: false,
            ..
        }
    );
    if dropped_on_way && !loopback {
        // Lost on the way: the arrow stops halfway.
        x2 = (x1 + x2) / 2;
    }
    let y2 = if dropped_on_way {
        y1.max(y2 - ROW_H / 2).max(y1 + 8)
    } else {
        y2
    };
    let path = if loopback {
        format!(
            "M {x1} {y1} C {} {y1}, {} {y2}, {x1} {y2}",
            x1 + 60,
            x1 + 60
        )
    } else {
        format!("M {x1} {y1} L {x2} {y2}")
    };
    let (lx, ly) = if loopback {
        (x1 + 48, (y1 + y2) / 2)
    } else {
        ((x1 + x2) / 2, (y1 + y2) / 2 - 4)
    };
    let cross = matches!(a.fate, ArrowFate::Dropped { .. }).then(|| {
        let d = 5;
        view! {
            <path class="wire-cross" d=format!("M {} {} L {} {} M {} {} L {} {}", x2 - d, y2 - d, x2 + d, y2 + d, x2 - d, y2 + d, x2 + d, y2 - d)></path>
        }
    });
    let marker = (!matches!(a.fate, ArrowFate::Dropped { .. })).then_some("url(#wire-head)");
    view! {
        <g class=format!("wire-arrow {fate}") class:fresh=a.fresh data-fate=fate data-label=a.label.clone()>
            <title>{title}</title>
            <path class="wire-line" d=path marker-end=marker></path>
            {cross}
            <text class="wire-label" x=lx.to_string() y=ly.to_string() text-anchor="middle">{a.label.clone()}</text>
        </g>
    }
}
