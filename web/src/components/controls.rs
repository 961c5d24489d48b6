//! The controls: reset, step back, step, run to end, play/pause with a speed, a timeline
//! slider over every step, the step counter and the virtual time.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use crate::playground::is_compared;
use crate::state::use_playground;

/// Playing speeds offered, in steps per second.
pub const SPEEDS: [u32; 6] = [1, 2, 4, 8, 16, 60];

/// Calls `f` every `millis` while `active` is true (a `use_interval` hook on
/// gloo-timers): the interval is dropped, and so cancelled, when `active` turns false
/// or `millis` changes.
pub fn use_interval(active: Signal<bool>, millis: Signal<u32>, f: impl Fn() + Clone + 'static) {
    Effect::new(move |prev: Option<Option<Interval>>| {
        drop(prev.flatten());
        let ms = millis.get();
        active.get().then(|| Interval::new(ms, f.clone()))
    });
}

/// The "Step 3 / 20" text for screen readers and the slider.
pub fn position_text(cursor: usize, len: usize, time: &str) -> String {
    format!("step {cursor} of {len}, virtual time {time}")
}

/// The controls bar.
#[component]
pub fn Controls() -> impl IntoView {
    let pg = use_playground();
    let pos = Memo::new(move |_| {
        pg.run.with(|r| {
            r.as_ref()
                .map_or((0, 0, String::from("0.000s"), None), |t| {
                    (
                        t.cursor(),
                        t.len(),
                        t.sim().now().to_string(),
                        t.trace_len().checked_sub(1),
                    )
                })
        })
    });
    let cursor = move || pos.with(|p| p.0);
    let len = move || pos.with(|p| p.1);
    let no_run = move || pg.run.with(Option::is_none);
    // A complete run that is not run again under the other profile (see `is_compared`).
    let skipped = Memo::new(move |_| {
        pg.run.with(|r| {
            r.as_ref()
                .is_some_and(|t| t.is_complete() && !is_compared(t))
        })
    });

    use_interval(
        Signal::derive(move || pg.playing.get()),
        Signal::derive(move || 1000 / pg.speed.get().max(1)),
        move || {
            if !pg.forward() {
                pg.playing.set(false);
            }
        },
    );

    let speeds = SPEEDS
        .iter()
        .map(|s| {
            let s = *s;
            view! { <option value=s.to_string() selected=move || pg.speed.get() == s>{format!("{s}/s")}</option> }
        })
        .collect_view();

    view! {
        <div class="controls" role="toolbar" aria-label="Step through the scenario">
            <div class="buttons">
                <button
                    class="ctl"
                    data-action="reset"
                    aria-label="Reset to step 0 (Home)"
                    title="Reset (Home)"
                    disabled=move || { no_run() || cursor() == 0 }
                    on:click=move |_| pg.seek(0)
                >
                    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                        <path d="M1 2h2v12H1zM9 2v12L3 8zM15 2v12L9 8z" fill="currentColor"></path>
                    </svg>
                </button>
                <button
                    class="ctl"
                    data-action="back"
                    aria-label="Step back (←)"
                    title="Step back (←)"
                    disabled=move || { no_run() || cursor() == 0 }
                    on:click=move |_| pg.step_by(-1)
                >
                    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                        <path d="M3 2h2v12H3zM13 2v12L5 8z" fill="currentColor"></path>
                    </svg>
                </button>
                <button
                    class="ctl primary"
                    data-action="play"
                    aria-label=move || if pg.playing.get() { "Pause (Space)" } else { "Play (Space)" }
                    aria-pressed=move || pg.playing.get().to_string()
                    title="Play / pause (Space)"
                    disabled=no_run
                    on:click=move |_| pg.toggle_play()
                >
                    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                        <path
                            d=move || if pg.playing.get() { "M4 2h3v12H4zM9 2h3v12H9z" } else { "M4 2v12l10-6z" }
                            fill="currentColor"
                        ></path>
                    </svg>
                </button>
                <button
                    class="ctl"
                    data-action="forward"
                    aria-label="Step forward (→)"
                    title="Step forward (→)"
                    disabled=move || { no_run() || cursor() >= len() }
                    on:click=move |_| {
                        pg.forward();
                    }
                >
                    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                        <path d="M3 2v12l8-6zM11 2h2v12h-2z" fill="currentColor"></path>
                    </svg>
                </button>
                <button
                    class="ctl"
                    data-action="end"
                    aria-label="Run to the end (End)"
                    title="Run to the end (End)"
                    disabled=move || { no_run() || cursor() >= len() }
                    on:click=move |_| pg.seek(usize::MAX)
                >
                    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                        <path d="M1 2v12l6-6zM7 2v12l6-6zM13 2h2v12h-2z" fill="currentColor"></path>
                    </svg>
                </button>
            </div>
            <label class="speed">
                <span class="visually-hidden">"Playing speed"</span>
                <select
                    aria-label="Playing speed, steps per second"
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                            pg.speed.set(v);
                        }
                    }
                >
                    {speeds}
                </select>
            </label>
            <input
                id="timeline"
                class="timeline"
                type="range"
                min="0"
                step="1"
                aria-label="Timeline: go to any step"
                max=move || len().to_string()
                prop:value=move || cursor().to_string()
                aria-valuetext=move || pos.with(|p| position_text(p.0, p.1, &p.2))
                disabled=no_run
                on:input=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                        pg.seek(n);
                    }
                }
            />
            <output
                class="counter"
                data-testid="step-counter"
                aria-live="off"
                data-compared=move || {
                    if pg.contrast.with(Option::is_some) {
                        "true"
                    } else if skipped.get() {
                        "skipped"
                    } else {
                        "false"
                    }
                }
            >
                "Step "
                <strong>{move || cursor()}</strong>
                " / "
                {move || len()}
                {move || {
                    skipped
                        .get()
                        .then(|| {
                            view! {
                                <span
                                    class="not-compared"
                                    title="Runs over 250,000 steps, or cut for their memory, are not run again under the other profile for the Win≠ badges (it would double the memory); the compare view still compares them"
                                >
                                    " (not compared)"
                                </span>
                            }
                        })
                }}
                {move || {
                    pg.run
                        .with(|r| r.as_ref().is_some_and(|t| !t.is_complete()))
                        .then(|| {
                            view! {
                                <span class="running" title="The rest of the run is being computed">
                                    " (running…)"
                                </span>
                            }
                        })
                }}
                <span class="entry-no" title="The newest trace entry shown (the CLI's and JSON's entry)">
                    {move || pos.with(|p| p.3.map_or_else(|| " · no entry yet".to_string(), |i| format!(" · entry #{i}")))}
                </span>
            </output>
            <output class="clock" data-testid="virtual-time" title="Virtual time">
                {move || pos.with(|p| p.2.clone())}
            </output>
            {move || {
                pg.run
                    .with(|r| r.as_ref().and_then(|t| t.cut().map(|c| c.message(t.len()))))
                    .map(|m| view! { <p class="run-cut" data-testid="run-cut" role="status">{m}</p> })
            }}
        </div>
    }
}
