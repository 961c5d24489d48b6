//! The playground's behaviour: running the editor's text, moving the cursor, the profile
//! switch, the compare run, and opening share links. Components call these; they do not
//! touch the run themselves.

use leptos::prelude::*;
use wsasim::script::{RunOptions, Runner};
use wsasim::Profile;

use crate::components::editor::EXAMPLE_SCENARIO;
use crate::contrast::Contrast;
use crate::share::{self, Link};
use crate::state::{Divergence, DivergenceSide, Notice, PlaygroundCtx, Selection, Undo};
use crate::storage;
use crate::timeline::{first_divergence, rules_of, Timeline};

/// The other profile.
pub fn other(p: Profile) -> Profile {
    match p {
        Profile::Documented => Profile::Windows,
        Profile::Windows => Profile::Documented,
    }
}

/// The profile's name for people.
pub fn label(p: Profile) -> &'static str {
    match p {
        Profile::Documented => "Documented",
        Profile::Windows => "Windows",
    }
}

/// Where `a` (under `pa`) and `b` (under `pb`) first differ, with both sides.
pub fn divergence(a: &Timeline, pa: Profile, b: &Timeline, pb: Profile) -> Option<Divergence> {
    let index = first_divergence(a, b)?;
    let side = |t: &Timeline, p: Profile| {
        let entry = t.entry(index);
        DivergenceSide {
            profile: p,
            step: t.step_of_entry(index),
            entry: entry.as_ref().map(|e| t.show(e)),
            rules: entry.as_ref().map(rules_of).unwrap_or_default(),
        }
    };
    let (sa, sb) = (side(a, pa), side(b, pb));
    let sides = if pa == Profile::Documented {
        [sa, sb]
    } else {
        [sb, sa]
    };
    Some(Divergence {
        index,
        step: a.step_of_entry(index),
        sides,
    })
}

/// How long after a run shows the comparison with the other profile starts, in ms.
pub const CONTRAST_DELAY_MS: u32 = 30;

/// How much of a run is computed in each task after the first piece, in
/// [`Timeline::extend`]'s units (a step and each entry it records count one): about
/// 20,000 steps of most runs. A long run shows its first steps at once and the rest as
/// it comes.
pub const RUN_PIECE: usize = 40_000;

/// How much of a run is computed before the page shows it: about 4,000 steps, a few
/// milliseconds, more than a screen shows; any longer and an edit of a long script
/// waits for it (the rest follows in pieces of [`RUN_PIECE`]). After an edit with the
/// view further on, the new run is shown once it reaches the view's step instead.
pub const FIRST_PIECE: usize = 8_000;

/// Runs longer than this are not run again under the other profile for the badges and
/// the Why panel's note: that second run would double the memory the tab needs (the
/// compare view still compares them when asked).
pub const MAX_COMPARED_STEPS: usize = 250_000;

/// True if the run is run again under the other profile once complete: not past
/// [`MAX_COMPARED_STEPS`], and not a run cut for the memory it keeps.
pub fn is_compared(t: &Timeline) -> bool {
    t.len() <= MAX_COMPARED_STEPS && t.cut() != Some(crate::timeline::Cut::Memory)
}

/// Calls `piece` (which computes a piece of a run and says whether the run is complete)
/// in tasks of their own, letting the page draw and take input between two pieces,
/// until the run is complete (true) or `current` says a newer run replaced it (false).
async fn in_pieces(mut piece: impl FnMut() -> bool, current: impl Fn() -> bool) -> bool {
    loop {
        gloo_timers::future::TimeoutFuture::new(0).await;
        if !current() {
            return false;
        }
        if piece() {
            return true;
        }
    }
}

/// Drops `value` in a task of its own a moment later: a long run's timeline takes tens of
/// milliseconds to free (at 100,000 steps, 25 ms for the run and its comparison), which
/// would otherwise delay the new run on screen. (Boxed, so one instance of the task
/// serves every type: each generic instance weighed about 0.1 KB of the module.)
fn drop_later(value: Box<dyn std::any::Any>) {
    leptos::task::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(DROP_AFTER_MS).await;
        drop(value);
    });
}

/// How long [`drop_later`] waits: past the frame that shows the new run.
const DROP_AFTER_MS: u32 = 50;

/// Where the cursor goes once a run is complete.
#[derive(Clone, Copy, Debug)]
struct AfterRun {
    keep_cursor: bool,
    cursor: usize,
}

impl PlaygroundCtx {
    /// Parses and runs the editor's text now. On errors the last good run stays, marked
    /// stale; on success the new run stays at the step it was at if `keep_cursor` (where
    /// the run still reaches it; else its last step), or starts at 0; a run that fails an
    /// expectation goes to the failing step (its last).
    pub fn run_now(&self, keep_cursor: bool) {
        let src = self.source.get_untracked();
        self.last_source.set_value(src.clone());
        let choice = self.profile_choice.get_untracked();
        let cursor = self
            .run
            .with_untracked(|r| r.as_ref().map_or(0, Timeline::cursor));
        let options = RunOptions {
            profile: choice,
            ..RunOptions::default()
        };
        let generation = self.run_generation.get_value() + 1;
        self.run_generation.set_value(generation);
        self.pending_run.set_value(None);
        match Runner::with_options(&src, options).map(Timeline::start) {
            Err(errors) => {
                self.errors.set(errors);
                self.stale.set(self.run.with_untracked(|r| r.is_some()));
                self.playing.set(false);
                self.refresh_contrast_soon();
            }
            Ok(mut t) => {
                let complete = t.extend(FIRST_PIECE);
                if !complete && keep_cursor && t.len() < cursor {
                    // The step kept lies further on: the page keeps the run before the
                    // edit until the new one reaches it, rather than show step 0 and jump.
                    self.pending_run.set_value(Some((t, cursor)));
                    self.errors.set(Vec::new());
                    self.run_pending_soon(generation);
                } else {
                    self.show_run(
                        t,
                        complete,
                        generation,
                        AfterRun {
                            keep_cursor,
                            cursor,
                        },
                    );
                }
            }
        }
        self.flush();
    }

    /// Shows a new run (computed up to its first piece at least), and then computes its
    /// rest in pieces unless it is `complete`.
    fn show_run(&self, t: Timeline, complete: bool, generation: u64, after: AfterRun) {
        self.script_profile.set(t.runner().script().profile());
        let effective = t.sim().profile();
        if self.profile.get_untracked() != effective {
            self.profile.set(effective);
        }
        drop_later(Box::new(self.run.try_update(|r| r.replace(t))));
        self.errors.set(Vec::new());
        self.stale.set(false);
        self.selection.set(Selection::None);
        if complete {
            self.run_complete(after);
        } else {
            self.run_rest_soon(generation, after);
        }
    }

    /// Computes the pending run in pieces until it reaches its step (or ends), then shows
    /// it there. A newer run, or [`finish_run`](Self::finish_run), stops it.
    fn run_pending_soon(&self, generation: u64) {
        let this = *self;
        leptos::task::spawn_local(async move {
            let piece = || {
                this.pending_run
                    .try_update_value(|p| {
                        p.as_mut()
                            .is_none_or(|(t, cursor)| t.extend(RUN_PIECE) || t.len() >= *cursor)
                    })
                    .unwrap_or(true)
            };
            let current = || this.run_generation.get_value() == generation;
            if in_pieces(piece, current).await {
                this.show_pending(generation);
            }
        });
    }

    /// Shows the pending run at its step; its rest, if any, follows in pieces.
    fn show_pending(&self, generation: u64) {
        let Some((mut t, cursor)) = self.pending_run.try_update_value(Option::take).flatten()
        else {
            return;
        };
        let complete = t.is_complete();
        if !complete {
            t.seek(cursor);
        }
        // Once shown at its step, the run's end does not move the cursor again (the user
        // may have stepped meanwhile).
        let keep_cursor = complete;
        self.show_run(
            t,
            complete,
            generation,
            AfterRun {
                keep_cursor,
                cursor,
            },
        );
    }

    /// Runs the rest of a long run a piece at a time, each in a task of its own, so the
    /// page shows (and can step through) the first steps meanwhile. A newer run stops it.
    fn run_rest_soon(&self, generation: u64, after: AfterRun) {
        let this = *self;
        leptos::task::spawn_local(async move {
            let piece = || {
                this.run
                    .try_update(|r| r.as_mut().is_none_or(|t| t.extend(RUN_PIECE)))
                    .unwrap_or(true)
            };
            let current = || this.run_generation.get_value() == generation;
            if in_pieces(piece, current).await {
                this.run_complete(after);
            }
        });
    }

    /// Runs the rest of the run now, if part of it is still to come: for what needs the
    /// whole run (a share link's digest, a step past the part computed, learning mode).
    pub fn finish_run(&self) {
        // The pieces still queued see a newer generation and stop.
        let generation = self.run_generation.get_value() + 1;
        if self.pending_run.with_value(Option::is_some) {
            self.run_generation.set_value(generation);
            self.pending_run.update_value(|p| {
                if let Some((t, _)) = p {
                    t.finish();
                }
            });
            self.show_pending(generation);
            return;
        }
        if self
            .run
            .with_untracked(|r| r.as_ref().is_none_or(Timeline::is_complete))
        {
            return;
        }
        self.run_generation.set_value(generation);
        let cursor = self
            .run
            .with_untracked(|r| r.as_ref().map_or(0, Timeline::cursor));
        self.run.update(|r| {
            if let Some(t) = r {
                t.finish();
            }
        });
        self.run_complete(AfterRun {
            keep_cursor: true,
            cursor,
        });
    }

    /// What follows a run's last step: a failed run shows its failing step, else the
    /// cursor goes back where it was (if asked); learning mode starts over on the new
    /// run; and the other profile's run is computed.
    fn run_complete(&self, after: AfterRun) {
        self.run.update(|r| {
            if let Some(t) = r {
                if t.failure().is_some() {
                    t.to_end();
                } else if after.keep_cursor {
                    t.seek(after.cursor);
                }
            }
        });
        if self.quiz.with_untracked(Option::is_some) {
            self.start_quiz();
        }
        self.refresh_contrast_soon();
    }

    /// Clears the comparison with the other profile and computes it again in a task of
    /// its own, once the page has shown the new run: it runs the scenario a second time,
    /// which on a long run costs as much as the first, and nothing on screen needs it
    /// before the badges and the Why panel's note.
    pub fn refresh_contrast_soon(&self) {
        let generation = self.contrast_generation.get_value() + 1;
        self.contrast_generation.set_value(generation);
        if self.contrast.with_untracked(Option::is_some) {
            drop_later(Box::new(self.contrast.try_update(Option::take)));
        }
        let this = *self;
        let run = self.run_generation.get_value();
        let current = move || {
            this.contrast_generation.get_value() == generation
                && this.run_generation.get_value() == run
        };
        leptos::task::spawn_local(async move {
            // Long enough for the browser to paint the run first.
            gloo_timers::future::TimeoutFuture::new(CONTRAST_DELAY_MS).await;
            if !current() || this.stale.get_untracked() {
                return;
            }
            if this
                .run
                .with_untracked(|r| r.as_ref().is_some_and(|t| !is_compared(t)))
            {
                this.set_contrast(None);
                return;
            }
            let options = RunOptions {
                profile: Some(other(this.profile.get_untracked())),
                ..RunOptions::default()
            };
            // The same parsed script, run again: no second parse, no second copy of it.
            let theirs = this.run.with_untracked(|r| {
                r.as_ref()
                    .map(|t| Timeline::start(t.runner().again(options)))
            });
            let Some(mut theirs) = theirs else {
                this.set_contrast(None);
                return;
            };
            // A piece at a time, like the run itself, so stepping stays quick meanwhile.
            if theirs.extend(RUN_PIECE) || in_pieces(|| theirs.extend(RUN_PIECE), current).await {
                this.set_contrast(Some(theirs));
            }
        });
    }

    /// Saves the editor's text into its entry of the user's scenarios (creating one for
    /// a text of the user's own), and the profile. Cheap when nothing changed.
    pub fn flush(&self) {
        if self.embed {
            return;
        }
        storage::save_profile(self.profile_choice.get_untracked());
        if let Some(step) = self
            .run
            .with_untracked(|r| r.as_ref().map(Timeline::cursor))
        {
            storage::save_step(step);
        }
        let text = self.source.get_untracked();
        if self.library.with_untracked(|l| l.current.is_none()) && text == EXAMPLE_SCENARIO {
            return; // The first-load example is nobody's work yet.
        }
        // Only a new entry is named (after the script's title), so a long script already
        // saved is not parsed again at each save.
        let name = || {
            let title = wsasim::script::parse(&text)
                .ok()
                .and_then(|s| s.title().map(str::to_string));
            storage::name_for(title.as_deref())
        };
        let mut local = storage::browser::local();
        let now = storage::browser::now();
        let changed = self
            .library
            .try_update_untracked(|l| l.save_current(&mut local, &text, name, now))
            .unwrap_or(false);
        if changed {
            self.library.notify();
        }
    }

    /// Opens a preset or a link's text as a new entry of the user's scenarios, named
    /// `title`, keeping what the editor held, and offers to undo it.
    pub fn open_new(&self, text: &str, title: Option<&str>) {
        self.flush();
        let name = storage::name_for(title);
        let mut local = storage::browser::local();
        let previous_text = self.source.get_untracked();
        let (previous, created) = if self.embed {
            (None, None)
        } else {
            self.library
                .try_update(|l| {
                    let previous = l.current;
                    let id = l.add(&mut local, &name, text, storage::browser::now());
                    l.current = Some(id);
                    l.write(&mut local);
                    (previous, Some(id))
                })
                .unwrap_or((None, None))
        };
        self.undo.set(created.map(|created| Undo {
            name,
            created,
            previous,
            previous_text,
        }));
        self.load(text);
    }

    /// Takes back the last [`PlaygroundCtx::open_new`]: its entry goes, the previous
    /// text comes back.
    pub fn undo_open(&self) {
        let Some(u) = self.undo.get_untracked() else {
            return;
        };
        self.undo.set(None);
        let mut local = storage::browser::local();
        self.library.update(|l| {
            l.delete(&mut local, u.created);
            l.current = u.previous.filter(|p| l.get(*p).is_some());
            l.write(&mut local);
        });
        self.load(&u.previous_text);
    }

    /// Opens the user's saved scenario `id` in the editor.
    pub fn open_entry(&self, id: u64) {
        self.flush();
        let local = storage::browser::local();
        let Some(text) = self.library.with_untracked(|l| l.text(&local, id)) else {
            return;
        };
        let mut local = local;
        self.library.update(|l| {
            l.current = Some(id);
            l.write(&mut local);
        });
        self.undo.set(None);
        self.load(&text);
    }

    /// Renames saved scenario `id`.
    pub fn rename_entry(&self, id: u64, name: &str) {
        let mut local = storage::browser::local();
        self.library.update(|l| l.rename(&mut local, id, name));
    }

    /// Copies saved scenario `id` as a new entry.
    pub fn duplicate_entry(&self, id: u64) {
        self.flush();
        let mut local = storage::browser::local();
        self.library.update(|l| {
            l.duplicate(&mut local, id, storage::browser::now());
        });
    }

    /// Deletes saved scenario `id` (not the one in the editor).
    pub fn delete_entry(&self, id: u64) {
        if self.library.with_untracked(|l| l.current == Some(id)) {
            return;
        }
        let mut local = storage::browser::local();
        self.library.update(|l| l.delete(&mut local, id));
        if self
            .undo
            .with_untracked(|u| u.as_ref().is_some_and(|u| u.previous == Some(id)))
        {
            self.undo.set(None);
        }
    }

    /// Compares the run with `theirs`, the other profile's run of the same text.
    fn set_contrast(&self, theirs: Option<Timeline>) {
        let profile = self.profile.get_untracked();
        let (contrast, div) = self.run.with_untracked(|r| match (r, theirs) {
            (Some(mine), Some(t)) => {
                let div = divergence(mine, profile, &t, other(profile));
                (Some(Contrast::new(mine, t, other(profile))), div)
            }
            _ => (None, None),
        });
        self.divergence.set(div);
        self.contrast.set(contrast);
        self.refresh_profiles();
    }

    /// Lines up both profiles' messages for the compare view, while it is on.
    pub fn refresh_profiles(&self) {
        if !self.compare_on.get_untracked() || self.stale.get_untracked() {
            return;
        }
        let rows = self
            .last_source
            .with_value(|s| wsasim::script::compare::profiles::compare_profiles(s).ok());
        self.profiles.set(rows);
    }

    /// Replaces the editor's text (a preset or a link) and runs it at once.
    pub fn load(&self, text: &str) {
        self.playing.set(false);
        self.source.set(text.to_string());
        self.loaded.update(|n| *n += 1);
        self.run_now(false);
    }

    /// Moves the cursor with `f`.
    pub fn move_cursor(&self, f: impl FnOnce(&mut Timeline)) {
        self.run.update(|r| {
            if let Some(t) = r {
                f(t);
            }
        });
    }

    /// Moves to step `n`.
    pub fn seek(&self, n: usize) {
        self.move_cursor(|t| t.seek(n));
    }

    /// One step forward; `false` if already at the end.
    pub fn forward(&self) -> bool {
        let at_end = self
            .run
            .with_untracked(|r| r.as_ref().is_none_or(|t| t.cursor() >= t.len()));
        if !at_end {
            self.move_cursor(Timeline::forward);
        }
        !at_end
    }

    /// `n` steps forward (negative: back).
    pub fn step_by(&self, n: isize) {
        self.move_cursor(|t| t.seek(t.cursor().saturating_add_signed(n)));
    }

    /// Play or pause; playing from the end starts again from step 0.
    pub fn toggle_play(&self) {
        if self.playing.get_untracked() {
            self.playing.set(false);
            return;
        }
        let at_end = self
            .run
            .with_untracked(|r| r.as_ref().is_none_or(|t| t.cursor() >= t.len()));
        if at_end {
            self.move_cursor(Timeline::reset);
        }
        self.playing.set(true);
    }

    /// Switches the profile and runs again, keeping the cursor. Choosing the profile the
    /// script's own `profile` line names goes back to following the script.
    pub fn set_profile(&self, p: Profile) {
        let script = self.script_profile.get_untracked().unwrap_or_default();
        let choice = (p != script).then_some(p);
        if self.profile_choice.get_untracked() != choice || self.profile.get_untracked() != p {
            self.profile_choice.set(choice);
            self.run_now(true);
            if !self.embed {
                storage::save_profile(choice);
            }
        }
    }

    /// Shows or hides the compare view.
    pub fn set_compare(&self, on: bool) {
        self.compare_on.set(on);
        self.refresh_profiles();
    }

    /// The share link for the scenario as it is now (its fragment is
    /// [`share::encode_packed`] of it, once its text is compressed).
    pub fn share_link(&self) -> Link {
        self.finish_run();
        let mut link = Link::new(self.source.get_untracked());
        link.profile = self.profile_choice.get_untracked();
        link.quiz = self.quiz.with_untracked(Option::is_some);
        if !self.stale.get_untracked() && self.errors.with_untracked(Vec::is_empty) {
            self.run.with_untracked(|r| {
                if let Some(t) = r {
                    link.step = (t.cursor() > 0).then_some(t.cursor());
                    link.digest = Some(t.digest(share::DIGEST_ENTRIES));
                }
            });
        }
        link
    }

    /// Opens a share link's fragment: loads its scenario, profile and step, and checks
    /// its digest. A bad link leaves the editor as it is and says why. Returns true if the
    /// link loaded.
    pub fn open_fragment(&self, fragment: &str) -> bool {
        if !share::is_link(fragment) {
            return false;
        }
        match share::decode(fragment) {
            Err(e) => {
                self.notice.set(Some(Notice::BadLink(format!(
                    "This link could not be opened: {e}."
                ))));
                false
            }
            Ok(link) => {
                self.notice.set(None);
                self.profile_choice.set(link.profile);
                let title = wsasim::script::parse(&link.source)
                    .ok()
                    .and_then(|s| s.title().map(str::to_string));
                self.open_new(&link.source, title.as_deref());
                if link.quiz || link.step.is_some() || link.digest.is_some() {
                    self.finish_run();
                }
                if link.quiz {
                    self.start_quiz();
                } else if let Some(step) = link.step {
                    self.seek(step);
                }
                if let Some(old) = &link.digest {
                    let differs = self.run.with_untracked(|r| {
                        r.as_ref().and_then(|t| {
                            old.first_difference(&t.digest(share::DIGEST_ENTRIES))
                                .map(|i| t.step_of_entry(i).max(1))
                        })
                    });
                    if let Some(step) = differs {
                        self.notice.set(Some(Notice::TraceDiffers { step }));
                    }
                }
                true
            }
        }
    }
}
