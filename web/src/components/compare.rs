//! The compare view: the scenario under both profiles, every message of each run side
//! by side and lined up (from `wsasim::script::compare::profiles`), each difference with
//! its rules, Windows note and a button to go there; the first step where the traces
//! differ (calls included); and a third source, a real
//! run's JSON lines (pasted or loaded), compared with the model by `wsasim::script::compare`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wsasim::script::compare::profiles::{ProfileComparison, ProfileRow, SideMessage};
use wsasim::{Profile, Rule};

use crate::playground::label;
use crate::realrun::{compare_real, RealDiff, RealReport};
use crate::state::{use_playground, DivergenceSide};

fn rule_list(rules: &[Rule]) -> impl IntoView {
    if rules.is_empty() {
        return view! { <p class="muted">"No rule: the step posted, latched and selected nothing."</p> }
            .into_any();
    }
    rules
        .iter()
        .map(|r| {
            let note = r
                .windows_differs()
                .map(|w| view! { <p class="windows-note">"Windows: " {w}</p> });
            view! {
                <div class="rule">
                    <code class="rule-id">{r.id()}</code>
                    <q class="rule-sentence">{r.sentence()}</q>
                    {note}
                </div>
            }
        })
        .collect_view()
        .into_any()
}

#[component]
fn Side(side: DivergenceSide, mine: bool, index: usize) -> impl IntoView {
    let pg = use_playground();
    let step = side.step;
    let jump = mine.then(|| {
        view! {
            <button class="tool" data-action="jump-divergence" on:click=move |_| pg.seek(step)>
                {format!("Go to step {step}")}
            </button>
        }
    });
    view! {
        <div class="side" class:mine=mine data-profile=side.profile.name()>
            <h3>{label(side.profile)} <span class="muted">{format!(" — step {step} · entry #{index}")}</span></h3>
            <pre class="entry">{side.entry.unwrap_or_else(|| "(the run has ended)".into())}</pre>
            {rule_list(&side.rules)}
            {jump}
        </div>
    }
}

/// One side of a row of the side-by-side view.
fn row_side(m: Option<&SideMessage>, at: usize) -> impl IntoView {
    match m {
        Some(m) => view! {
            <td class="msg-side">
                <span class="msg-step">{format!("step {} · #{} · line {}", m.step, m.entry, m.line)}</span>
                " "
                <code>{format!("{} {}", m.window, m.text)}</code>
                " "
                <code class="rule-id">{m.rule.id()}</code>
            </td>
        }
        .into_any(),
        None => view! {
            <td class="msg-side none">
                <span class="msg-step">{format!("after step {at}")}</span>
                " "
                <em>"posts nothing here"</em>
            </td>
        }
        .into_any(),
    }
}

/// The rules and Windows notes of a differing row, with "go to step".
fn row_detail(row: &ProfileRow, mine: Profile) -> impl IntoView {
    let pg = use_playground();
    let step = row.step(mine).max(1);
    let rules: Vec<Rule> = [row.documented.as_ref(), row.windows.as_ref()]
        .into_iter()
        .flatten()
        .map(|m| m.rule)
        .fold(Vec::new(), |mut v, r| {
            if !v.contains(&r) {
                v.push(r);
            }
            v
        });
    view! {
        <tr class="row-detail">
            <td></td>
            <td colspan="2">
                {rule_list(&rules)}
                <button class="tool" data-action="jump-row" on:click=move |_| pg.seek(step)>
                    {format!("Go to step {step}")}
                </button>
            </td>
        </tr>
    }
}

/// The most rows the side-by-side view shows in full.
const MAX_ROWS: usize = 400;

/// Both profiles' messages side by side, every difference marked.
fn profile_table(c: &ProfileComparison, mine: Profile) -> impl IntoView {
    let n = c.differences().count();
    let summary = if n == 0 {
        format!(
            "Both profiles post the same {} message(s), in the same order.",
            c.rows.len()
        )
    } else {
        format!(
            "{n} message(s) differ, out of {} lined up; each is marked ≠ with its rules and a way to go there.",
            c.rows.len()
        )
    };
    // A long run shows its differences with two rows around each, not every row.
    let long = c.rows.len() > MAX_ROWS;
    let near = |i: usize| {
        let lo = i.saturating_sub(2);
        let hi = (i + 3).min(c.rows.len());
        c.rows[lo..hi].iter().any(ProfileRow::differs)
    };
    let hidden = if long {
        c.rows.len() - (0..c.rows.len()).filter(|&i| near(i)).count()
    } else {
        0
    };
    let hidden_note = (hidden > 0).then(|| {
        view! { <p class="muted">{format!("{hidden} rows both profiles post alike are not shown (the run is long); the rows around each difference are.")}</p> }
    });
    let rows = c
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| !long || near(*i))
        .map(|(i, r)| {
            let differs = r.differs();
            let detail = differs.then(|| row_detail(r, mine));
            view! {
                <tr class="msg-row" class:differs=differs data-differs=differs.to_string()>
                    <td class="mark" title=if differs { "Only one profile posts this message" } else { "Both profiles post it" }>
                        {if differs { "≠" } else { "=" }}
                        <span class="visually-hidden">{format!(" row {}", i + 1)}</span>
                    </td>
                    {row_side(r.documented.as_ref(), r.at[0])}
                    {row_side(r.windows.as_ref(), r.at[1])}
                </tr>
                {detail}
            }
        })
        .collect_view();
    view! {
        <p class="compare-summary" class:same=n == 0 data-testid="compare-summary">{summary}</p>
        {hidden_note}
        <div class="scroll-x" tabindex="0" role="region" aria-label="Both profiles' messages">
            <table class="profile-rows" data-testid="profile-rows">
                <thead>
                    <tr>
                        <th scope="col"><span class="visually-hidden">"Differs"</span></th>
                        <th scope="col" class:mine=mine == Profile::Documented>"Documented"</th>
                        <th scope="col" class:mine=mine == Profile::Windows>"Windows"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The compare view, shown while `compare_on` is true.
#[component]
pub fn CompareView() -> impl IntoView {
    let pg = use_playground();
    // The real run's text outlives the view, so hiding and showing it keeps the paste.
    let real = RwSignal::new(String::new());
    let messages = move || {
        let mine = pg.profile.get();
        if pg.stale.get() {
            return None;
        }
        pg.profiles
            .with(|p| p.as_ref().map(|c| profile_table(c, mine).into_any()))
    };
    let body = move || {
        let mine = pg.profile.get();
        match pg.divergence.get() {
            _ if pg.stale.get() => {
                view! { <p class="muted">"Fix the script's errors to compare the profiles."</p> }
                    .into_any()
            }
            None => view! {
                <p class="same">"Both profiles give the same trace for this scenario."</p>
            }
            .into_any(),
            Some(d) => {
                let [a, b] = d.sides;
                view! {
                    <h3 class="compare-sub">"The first step where the traces differ (calls included)"</h3>
                    <p class="diverge-at">
                        {format!("The traces first differ at step {} (trace entry #{}).", d.step, d.index)}
                    </p>
                    <div class="sides">
                        <Side mine=a.profile == mine side=a index=d.index />
                        <Side mine=b.profile == mine side=b index=d.index />
                    </div>
                }
                .into_any()
            }
        }
    };
    let section = NodeRef::<leptos::html::Section>::new();
    // Opening the view brings it on screen and moves focus to it, so the user sees it
    // open even when it is below the fold (a phone, a small window).
    Effect::new(move |_| {
        if let Some(el) = section.get() {
            let scroll = web_sys::ScrollIntoViewOptions::new();
            scroll.set_block(web_sys::ScrollLogicalPosition::Nearest);
            el.scroll_into_view_with_scroll_into_view_options(&scroll);
            let focus = web_sys::FocusOptions::new();
            focus.set_prevent_scroll(true);
            let _ = el.focus_with_options(&focus);
        }
    });
    move || {
        pg.compare_on.get().then(|| {
            view! {
                <section class="panel compare" aria-labelledby="compare-title" tabindex="-1" node_ref=section>
                    <div class="panel-head">
                        <h2 id="compare-title">"Compare: Documented vs Windows"</h2>
                        <button class="tool" on:click=move |_| pg.set_compare(false) aria-label="Close the compare view">
                            "✕"
                        </button>
                    </div>
                    <h3 class="compare-sub">"Every message, side by side"</h3>
                    {move || messages()}
                    {move || body()}
                    <RealRun text=real />
                </section>
            }
        })
    }
}

/// The third source: a real run's JSON lines, and what `compare` says about them.
#[component]
fn RealRun(
    /// The real run's JSON lines, as pasted or loaded.
    text: RwSignal<String>,
) -> impl IntoView {
    let pg = use_playground();
    let report = Memo::new(move |_| {
        let real = text.get();
        if real.trim().is_empty() {
            return None;
        }
        let src = pg.source.get();
        let profile = pg.profile.get();
        Some(
            pg.run
                .with(|r| compare_real(&real, &src, profile, r.as_ref())),
        )
    });
    let load = move |ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        let promise = file.text();
        spawn_local(async move {
            match JsFuture::from(promise)
                .await
                .ok()
                .and_then(|v| v.as_string())
            {
                Some(s) => text.set(s),
                None => text.set(String::new()),
            }
        });
    };
    let result = move || {
        report.get().map(|r| match r {
            Err(e) => view! { <p class="real-error" role="alert" data-testid="real-error">{e}</p> }
                .into_any(),
            Ok(r) => real_report(r, label(pg.profile.get_untracked())).into_any(),
        })
    };
    view! {
        <div class="real-run" data-testid="real-run">
            <h3>"A real run"</h3>
            <p class="muted">
                "Paste the JSON lines the exported C program printed (Export as C), or load them from a file; they are compared with the model under the profile in use."
            </p>
            <label class="visually-hidden" for="real-run-text">"The real run's JSON lines"</label>
            <textarea
                id="real-run-text"
                class="code-input real-run-text"
                rows="4"
                spellcheck="false"
                placeholder="{\"line\":7,\"kind\":\"call\",…}"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <label class="real-run-file">
                "Load a file: " <input type="file" accept=".jsonl,.json,.txt,text/plain" on:change=load />
            </label>
            {move || result()}
        </div>
    }
}

/// Agreement, or the first difference beside the model and the list of all of them.
fn real_report(r: RealReport, profile: &'static str) -> impl IntoView {
    let counts = format!("{} call(s) and {} message(s) compared", r.calls, r.messages);
    let Some(first) = r.differences.first().cloned() else {
        return view! {
            <p class="same" data-testid="real-agrees">
                {format!("The real run agrees with the model ({profile}): {counts}.")}
            </p>
        }
        .into_any();
    };
    let n = r.differences.len();
    let all = r.differences.into_iter().map(diff_item).collect_view();
    view! {
        <p class="diverge-at" data-testid="real-differs">
            {format!("{n} difference(s) ({counts}). The first is at line {}:", first.line)}
        </p>
        <div class="sides">
            <div class="side" data-side="real">
                <h3>"Real run " <span class="muted">{format!(" — line {}, {}", first.line, first.kind)}</span></h3>
                <pre class="entry">{first.real.clone()}</pre>
            </div>
            <div class="side mine" data-side="model">
                <h3>{format!("Model ({profile})")}</h3>
                <pre class="entry">{first.model.clone()}</pre>
                {diff_rule(&first)}
                {jump(first.step)}
            </div>
        </div>
        <ol class="real-diffs" data-testid="real-diffs">{all}</ol>
    }
    .into_any()
}

fn diff_rule(d: &RealDiff) -> impl IntoView {
    let note = d
        .windows_note
        .map(|w| view! { <p class="windows-note">"Windows: " {w}</p> });
    d.rule.map(|(id, sentence)| {
        view! {
            <div class="rule">
                <code class="rule-id">{id}</code>
                <q class="rule-sentence">{sentence}</q>
                {note}
            </div>
        }
    })
}

fn jump(step: Option<usize>) -> impl IntoView {
    let pg = use_playground();
    step.map(|step| {
        view! {
            <button class="tool" data-action="jump-real" on:click=move |_| pg.seek(step)>
                {format!("Go to step {step}")}
            </button>
        }
    })
}

fn diff_item(d: RealDiff) -> impl IntoView {
    let rule = d
        .rule
        .map(|(id, _)| view! { " " <code class="rule-id">{id}</code> });
    view! {
        <li>
            <code>{format!("{}: {}", d.line, d.kind)}</code>
            {format!(": real {}, model {}", d.real, d.model)}
            {rule}
            " "
            {jump(d.step)}
        </li>
    }
}
