//! Why: the rule behind the selected message or step, its sentence, where the page reads
//! two ways at that rule (the model's reading, the other one, and its entry in
//! `docs/ambiguities.md`), what the other profile does instead where it does something
//! else (`crate::contrast`), and the sentence in its paragraph of the shipped
//! specification.
//!
//! The explanation comes from [`view::why`]; this module only renders it.

use leptos::prelude::*;

use crate::state::{use_contrast, use_playground, use_run, use_selection, Selection};
use crate::view::{self, SpecContext, SpecItem, WhyView};

/// The Why panel.
#[component]
pub fn Why() -> impl IntoView {
    let run = use_run();
    let selection = use_selection();
    let contrast = use_contrast();
    // The page's excerpt appears once the specification has arrived (`crate::data`).
    let spec = use_playground().data.spec;
    let model = Memo::new(move |_| {
        let sel = selection.get();
        spec.with(|spec| {
            let spec = spec.ready().map(|s| &**s);
            contrast.with(|c| {
                run.with(|r| r.as_ref().and_then(|t| view::why(t, sel, c.as_ref(), spec)))
            })
        })
    });
    // The first explanation asks for the page's text; it shows once it has arrived.
    let data = use_playground().data;
    Effect::new(move |_| {
        if model.with(Option::is_some) {
            data.want_spec();
        }
    });
    let source = move || match selection.get() {
        Selection::None => "the step just taken",
        Selection::Message(_) => "the selected message",
        Selection::Entry(_) => "the selected step",
    };
    view! {
        <section class="panel why" aria-labelledby="why-title">
            <div class="panel-head">
                <h2 id="why-title">"Why?"</h2>
                <span class="badge">{move || source()}</span>
            </div>
            <div id="why-body" aria-live="polite">
                {move || match model.get() {
                    Some(w) => view! { <WhyBody w /> }.into_any(),
                    None => {
                        let text = if selection.get() == Selection::None
                            && run.with(|r| r.as_ref().is_some_and(|t| t.cursor() > 0))
                        {
                            "The step just taken applied no rule of the specification (it posted nothing and changed no latch or selection). Select a message or a step of the trace to see the rule behind it."
                        } else {
                            "Select a message or a step of the trace: the rule of the specification behind it appears here."
                        };
                        view! { <p class="panel-empty">{text}</p> }.into_any()
                    }
                }}
            </div>
        </section>
    }
}

/// The explanation.
#[component]
fn WhyBody(
    /// What to show.
    w: WhyView,
) -> impl IntoView {
    let rule_note = w.rule_note;
    let note = w.other.map(|o| {
        let short = match o.profile {
            wsasim::Profile::Windows => "Win ≠",
            wsasim::Profile::Documented => "Doc ≠",
        };
        let entry = o
            .entry
            .map(|e| view! { <pre class="why-other-entry">{e}</pre> });
        let about = rule_note.map(|n| {
            view! { <p class="why-rule-note muted">"About this rule under Windows: " {n}</p> }
        });
        view! {
            <div class="why-windows" role="note" data-testid="why-other">
                <p>
                    <span class="win-badge" aria-hidden="true">{short}</span>
                    " "
                    <strong>{o.headline}</strong>
                </p>
                {entry}
                {about}
            </div>
        }
    });
    let ambiguous = (!w.ambiguities.is_empty()).then(|| {
        let items = w
            .ambiguities
            .iter()
            .map(|a| {
                view! {
                    <li data-ambiguity=a.id>
                        <p><strong>{a.title}</strong></p>
                        <p><span class="field-label">"The model: "</span>{a.choice}</p>
                        <p><span class="field-label">"The other reading: "</span>{a.other}</p>
                        <p>
                            <a href=a.href.clone() target="_blank" rel="noopener">{a.doc.clone()}</a>
                        </p>
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="why-ambiguous" role="note" data-testid="why-ambiguous">
                <p><strong>"The page is ambiguous here."</strong></p>
                <ul>{items}</ul>
            </div>
        }
    });
    let context = w.context.clone().map(spec_excerpt);
    let also = (!w.also.is_empty()).then(|| {
        let items = w
            .also
            .iter()
            .map(|(id, text)| view! { <li><code class="rule">{id.clone()}</code> " " {text.clone()}</li> })
            .collect_view();
        view! {
            <details class="why-also">
                <summary>{format!("Also in this step ({})", w.also.len())}</summary>
                <ul>{items}</ul>
            </details>
        }
    });
    view! {
        <p class="why-subject">{w.subject}</p>
        <p class="why-rule">
            <span class="field-label">"Rule"</span>
            <code class="rule" data-testid="why-rule">{w.rule}</code>
        </p>
        <blockquote class="why-sentence">{w.sentence}</blockquote>
        {ambiguous}
        {note}
        {context}
        {also}
    }
}

/// The sentence in its place in the page: under its heading, as a list where the page
/// has one (a restored heading says so), else in its paragraph.
fn spec_excerpt(c: SpecContext) -> impl IntoView {
    let restored = c
        .restored
        .then(|| view! { <span class="muted" title="This heading was lost from wsasim's copy of the page and restored (marked ‡ in the shipped text)">" (heading restored)"</span> });
    let heading = c
        .heading
        .map(|h| view! { <p class="spec-heading"><strong>{h}</strong>{restored}</p> });
    let item = |i: SpecItem| {
        let mark = i.sentence.map(|s| view! { <mark>{s}</mark> });
        view! { <li value=i.number.map(|n| n.to_string())>{i.before}{mark}{i.after}</li> }
    };
    let body = if c.items.is_empty() {
        view! { <p>{c.before} <mark>{c.sentence}</mark> {c.after}</p> }.into_any()
    } else if c.numbered {
        view! { <ol class="spec-list">{c.items.into_iter().map(item).collect_view()}</ol> }
            .into_any()
    } else {
        view! { <ul class="spec-list">{c.items.into_iter().map(item).collect_view()}</ul> }
            .into_any()
    };
    let note = c
        .note
        .map(|n| view! { <p class="spec-note" data-testid="why-reason">{n}</p> });
    view! {
        <details class="why-context" open>
            <summary>"In the specification"</summary>
            {heading}
            {body}
            {note}
        </details>
    }
}
