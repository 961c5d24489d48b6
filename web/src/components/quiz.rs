//! Learning mode's button and panel: the question before each step that posts a message
//! or delivers a segment, one button a choice (keys 1–9), the answer with the rule and
//! the page's sentence once chosen (the Why? panel explains the message too), the score,
//! and Next (Enter or n). `q` turns the mode on and off. The questions and the score are
//! `crate::quiz`'s; this file holds the session and the DOM.

use std::sync::Arc;

use leptos::prelude::*;

use crate::quiz::{answer_text, choices, is_right, questions, Choice, Question, Quiz};
use crate::state::{use_playground, PlaygroundCtx, Selection};

/// A learning-mode session over one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The run's questions, read once when the run is made.
    pub questions: Arc<Vec<Question>>,
    /// The answer buttons.
    pub choices: Vec<Choice>,
    /// Where the quiz is, and the score.
    pub quiz: Quiz,
}

impl Session {
    /// The question being asked, if any is left.
    pub fn current(&self) -> Option<&Question> {
        self.questions.get(self.quiz.index)
    }
}

impl PlaygroundCtx {
    /// Turns learning mode on over the run shown (from its first question, score 0).
    pub fn start_quiz(&self) {
        // The questions come from the whole run.
        self.finish_run();
        let qs = self
            .run
            .with_untracked(|r| r.as_ref().map(questions).unwrap_or_default());
        let session = Session {
            choices: choices(&qs),
            questions: Arc::new(qs),
            quiz: Quiz::default(),
        };
        self.playing.set(false);
        self.quiz.set(Some(session));
        self.quiz_goto_current();
    }

    /// Turns learning mode off; the run stays where it is.
    pub fn stop_quiz(&self) {
        self.quiz.set(None);
    }

    /// Stands the cursor before the current question's step, hiding what it does.
    fn quiz_goto_current(&self) {
        let at = self
            .quiz
            .with_untracked(|s| s.as_ref().and_then(|s| s.current().map(|q| q.step)));
        match at {
            Some(step) => {
                self.seek(step);
                self.selection.set(Selection::None);
            }
            None => self.move_cursor(|t| t.to_end()),
        }
    }

    /// Answers the current question with `choice`: takes the step (showing what it
    /// posted) and selects its first message, so the Why? panel explains it.
    pub fn quiz_answer(&self, choice: Choice) {
        let asked = self.quiz.try_update(|s| {
            let s = s.as_mut()?;
            if s.quiz.answered.is_some() {
                return None;
            }
            let q = s.current()?.clone();
            s.quiz.answer(&q, choice);
            Some(q)
        });
        if let Some(Some(q)) = asked {
            self.seek(q.step + 1);
            if let Some(p) = q.posted.first() {
                self.selection.set(Selection::Message(p.id));
            }
        }
    }

    /// Goes on to the next question, once this one is answered.
    pub fn quiz_next(&self) {
        let moved = self
            .quiz
            .try_update(|s| {
                let s = s.as_mut()?;
                let answered = s.quiz.answered.is_some();
                s.quiz.next();
                Some(answered)
            })
            .flatten()
            .unwrap_or(false);
        if moved {
            self.quiz_goto_current();
        }
    }
}

/// The Quiz button of the toolbar.
#[component]
pub fn QuizButton() -> impl IntoView {
    let pg = use_playground();
    view! {
        <button
            class="tool"
            data-action="quiz"
            aria-pressed=move || pg.quiz.with(Option::is_some).to_string()
            title="Learning mode: predict the next message before each step that posts one (q)"
            on:click=move |_| {
                if pg.quiz.with_untracked(Option::is_some) {
                    pg.stop_quiz()
                } else {
                    pg.start_quiz()
                }
            }
        >
            "Quiz"
        </button>
    }
}

/// The learning-mode panel, shown while the mode is on.
#[component]
pub fn QuizPanel() -> impl IntoView {
    let pg = use_playground();
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let tag = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|e| e.tag_name())
            .unwrap_or_default();
        if matches!(tag.as_str(), "TEXTAREA" | "INPUT" | "SELECT")
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.alt_key()
        {
            return;
        }
        let key = ev.key();
        let on = pg.quiz.with_untracked(Option::is_some);
        match key.as_str() {
            "q" => {
                ev.prevent_default();
                if on {
                    pg.stop_quiz()
                } else {
                    pg.start_quiz()
                }
            }
            "Enter" | "n" if on && tag != "BUTTON" => {
                ev.prevent_default();
                pg.quiz_next();
            }
            k if on && k.len() == 1 && ('1'..='9').contains(&k.chars().next().unwrap_or(' ')) => {
                let n = k.parse::<usize>().unwrap_or(0);
                let choice = pg
                    .quiz
                    .with_untracked(|s| s.as_ref().and_then(|s| s.choices.get(n - 1).copied()));
                if let Some(c) = choice {
                    ev.prevent_default();
                    pg.quiz_answer(c);
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    move || {
        pg.quiz.with(|s| {
            let s = s.as_ref()?;
            let score = format!("Score: {} / {}", s.quiz.right, s.quiz.asked);
            let total = s.questions.len();
            let body = match s.current() {
                None if total == 0 => view! {
                    <p class="quiz-prompt">"No step of this run posts a message or delivers a segment: nothing to ask."</p>
                }
                .into_any(),
                None => view! {
                    <p class="quiz-prompt quiz-done">
                        {format!("Done: {} right out of {}.", s.quiz.right, s.quiz.asked)}
                    </p>
                }
                .into_any(),
                Some(q) => {
                    let answered = s.quiz.answered;
                    let buttons = s
                        .choices
                        .iter()
                        .enumerate()
                        .map(|(i, &c)| {
                            let verdict = answered.map(|a| {
                                if is_right(q, c) {
                                    "right"
                                } else if a == c {
                                    "wrong"
                                } else {
                                    ""
                                }
                            });
                            view! {
                                <button
                                    class=format!("tool quiz-choice {}", verdict.unwrap_or(""))
                                    data-choice=c.id()
                                    aria-keyshortcuts=(i < 9).then(|| (i + 1).to_string())
                                    disabled=answered.is_some()
                                    on:click=move |_| pg.quiz_answer(c)
                                >
                                    {if i < 9 { format!("{} {}", i + 1, c.label()) } else { c.label() }}
                                </button>
                            }
                        })
                        .collect_view();
                    let reveal = answered.map(|a| {
                        let right = is_right(q, a);
                        let rules = q
                            .posted
                            .iter()
                            .map(|p| {
                                view! {
                                    <li>
                                        <code class="rule-id">{p.rule.id()}</code>
                                        " "
                                        <q class="sentence">{p.rule.sentence()}</q>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! {
                            <div class="quiz-answer" data-testid="quiz-answer" role="status">
                                <p class=if right { "quiz-verdict right" } else { "quiz-verdict wrong" }>
                                    {if right { "Right." } else { "Not this time." }}
                                    " The step posts: "
                                    <strong data-testid="quiz-solution">{answer_text(q)}</strong>
                                </p>
                                <ul class="quiz-rules">{rules}</ul>
                                <p class="muted">"The Why? panel explains it. Next: Enter or n."</p>
                                <button class="tool" data-action="quiz-next" on:click=move |_| pg.quiz_next()>
                                    "Next question"
                                </button>
                            </div>
                        }
                    });
                    view! {
                        <p class="quiz-prompt" data-testid="quiz-prompt">
                            {format!("Question {} of {total}. Step {} is ", s.quiz.index + 1, q.step + 1)}
                            <code>{q.what.clone()}</code>
                            ". Which message does it post?"
                        </p>
                        <div class="quiz-choices" role="group" aria-label="Your answer (keys 1–9)">
                            {buttons}
                        </div>
                        {reveal}
                    }
                    .into_any()
                }
            };
            Some(view! {
                <section class="quiz" aria-label="Learning mode: predict the next message" data-testid="quiz">
                    <div class="quiz-head">
                        <strong>"Predict the next message"</strong>
                        <span class="quiz-score" data-testid="quiz-score">{score}</span>
                    </div>
                    {body}
                </section>
            })
        })
    }
}
