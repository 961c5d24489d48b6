//! The compare view: the scenario under both profiles, the first step where their traces
//! differ, the rule on each side, and a button to jump there.

use leptos::prelude::*;
use wsasim::Rule;

use crate::playground::label;
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
fn Side(side: DivergenceSide, mine: bool) -> impl IntoView {
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
            <h3>{label(side.profile)} <span class="muted">{format!(" — step {step}")}</span></h3>
            <pre class="entry">{side.entry.unwrap_or_else(|| "(the run has ended)".into())}</pre>
            {rule_list(&side.rules)}
            {jump}
        </div>
    }
}

/// The compare view, shown while `compare_on` is true.
#[component]
pub fn CompareView() -> impl IntoView {
    let pg = use_playground();
    move || {
        if !pg.compare_on.get() {
            return None;
        }
        let mine = pg.profile.get();
        let body = match pg.divergence.get() {
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
                    <p class="diverge-at">
                        {format!("The traces first differ at trace entry #{}.", d.index)}
                    </p>
                    <div class="sides">
                        <Side mine=a.profile == mine side=a />
                        <Side mine=b.profile == mine side=b />
                    </div>
                }
                .into_any()
            }
        };
        Some(view! {
            <section class="panel compare" aria-labelledby="compare-title">
                <div class="panel-head">
                    <h2 id="compare-title">"Compare: Documented vs Windows"</h2>
                    <button class="tool" on:click=move |_| pg.set_compare(false) aria-label="Close the compare view">
                        "✕"
                    </button>
                </div>
                {body}
            </section>
        })
    }
}
