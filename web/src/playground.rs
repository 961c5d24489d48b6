//! The playground's behaviour: running the editor's text, moving the cursor, the profile
//! switch, the compare run, and opening share links. Components call these; they do not
//! touch the run themselves.

use leptos::prelude::*;
use wsasim::Profile;

use crate::contrast::Contrast;
use crate::share::{self, Link};
use crate::state::{Divergence, DivergenceSide, Notice, PlaygroundCtx, Selection};
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
    let index = first_divergence(a.full_trace(), b.full_trace())?;
    let side = |t: &Timeline, p: Profile| {
        let entry = t.full_trace().get(index);
        DivergenceSide {
            profile: p,
            step: t.step_of_entry(index),
            entry: entry.map(|e| t.show(e)),
            rules: entry.map(rules_of).unwrap_or_default(),
        }
    };
    let (sa, sb) = (side(a, pa), side(b, pb));
    let sides = if pa == Profile::Documented {
        [sa, sb]
    } else {
        [sb, sa]
    };
    Some(Divergence { index, sides })
}

impl PlaygroundCtx {
    /// Parses and runs the editor's text now. On errors the last good run stays, marked
    /// stale; on success the new run starts at `keep_cursor` (clamped), or 0.
    pub fn run_now(&self, keep_cursor: bool) {
        let src = self.source.get_untracked();
        self.last_source.set_value(src.clone());
        let profile = self.profile.get_untracked();
        let cursor = self
            .run
            .with_untracked(|r| r.as_ref().map_or(0, Timeline::cursor));
        match Timeline::with_profile(&src, profile) {
            Err(errors) => {
                self.errors.set(errors);
                self.stale.set(self.run.with_untracked(|r| r.is_some()));
                self.playing.set(false);
            }
            Ok(mut t) => {
                if keep_cursor {
                    t.seek(cursor);
                }
                self.run.set(Some(t));
                self.errors.set(Vec::new());
                self.stale.set(false);
                self.selection.set(Selection::None);
            }
        }
        self.refresh_contrast();
        if !self.embed {
            storage::save(&src, profile);
        }
    }

    /// Runs the scenario under the other profile (once per run: the queue's badges and
    /// the Why panel compare every message with it) and finds where the two differ.
    pub fn refresh_contrast(&self) {
        if self.stale.get_untracked() {
            // The panels show the last good run: its comparison still holds.
            return;
        }
        let profile = self.profile.get_untracked();
        let theirs = self
            .source
            .with_untracked(|s| Timeline::with_profile(s, other(profile)).ok());
        let (contrast, div) = self.run.with_untracked(|r| match (r, theirs) {
            (Some(mine), Some(t)) => {
                let div = divergence(mine, profile, &t, other(profile));
                (Some(Contrast::new(mine, t, other(profile))), div)
            }
            _ => (None, None),
        });
        self.divergence.set(div);
        self.contrast.set(contrast);
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

    /// Switches the profile and runs again, keeping the cursor.
    pub fn set_profile(&self, p: Profile) {
        if self.profile.get_untracked() != p {
            self.profile.set(p);
            self.run_now(true);
        }
    }

    /// Shows or hides the compare view.
    pub fn set_compare(&self, on: bool) {
        self.compare_on.set(on);
    }

    /// The share link's fragment (without `#`) for the scenario as it is now.
    pub fn share_fragment(&self) -> String {
        let mut link = Link::new(self.source.get_untracked());
        link.profile = self.profile.get_untracked();
        if !self.stale.get_untracked() && self.errors.with_untracked(Vec::is_empty) {
            self.run.with_untracked(|r| {
                if let Some(t) = r {
                    link.step = (t.cursor() > 0).then_some(t.cursor());
                    link.digest = Some(t.digest(share::DIGEST_ENTRIES));
                }
            });
        }
        share::encode(&link)
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
                self.profile.set(link.profile);
                self.load(&link.source);
                if let Some(step) = link.step {
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
