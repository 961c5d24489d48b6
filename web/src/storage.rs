//! Local storage: the user's own scenarios (a list, each with a name and the date it was
//! last saved), which one the editor holds, and the profile, all surviving a reload.
//!
//! Layout: [`LIBRARY_KEY`] holds the list, one line per scenario (`id`, saved-at in
//! milliseconds since 1970, name, tab-separated, the name escaped); each scenario's text
//! is under its own key ([`text_key`]), so saving one edit writes one text. The editor's
//! scenario id is under [`CURRENT_KEY`]. Before the list existed one text was kept under
//! [`SCENARIO_KEY`]; [`Library::load`] turns it into the list's first entry, and the
//! editor's text is still written there too, so an older page finds it.
//!
//! Everything is plain Rust over the [`Store`] trait (tested natively with a map); only
//! [`browser`] touches `window.localStorage`, and quietly does nothing where it is
//! unavailable (private windows, sandboxed iframes, native tests).

use std::collections::BTreeMap;

use wsasim::Profile;

#[cfg(test)]
mod tests;

/// The key of the editor's text as the first versions kept it (still written).
pub const SCENARIO_KEY: &str = "wsasim.scenario.v1";

/// The key of the selected profile.
pub const PROFILE_KEY: &str = "wsasim.profile-choice";

/// The key of the list of the user's scenarios.
pub const LIBRARY_KEY: &str = "wsasim.library.v1";

/// The key of the id of the scenario in the editor.
pub const CURRENT_KEY: &str = "wsasim.library.v1.current";

/// The most bytes of scenario text written to storage (browsers allow about 5 MB per
/// origin, in UTF-16); a longer text is simply not saved.
pub const MAX_SAVED_BYTES: usize = 1 << 20;

/// The key of one scenario's text.
pub fn text_key(id: u64) -> String {
    format!("{LIBRARY_KEY}.text.{id}")
}

/// Somewhere to keep strings by key: `localStorage`, or a map in tests.
pub trait Store {
    /// The value under `key`.
    fn get(&self, key: &str) -> Option<String>;
    /// Sets `key`; a full or blocked store is ignored.
    fn set(&mut self, key: &str, value: &str);
    /// Removes `key`.
    fn remove(&mut self, key: &str);
}

impl Store for BTreeMap<String, String> {
    fn get(&self, key: &str) -> Option<String> {
        BTreeMap::get(self, key).cloned()
    }
    fn set(&mut self, key: &str, value: &str) {
        self.insert(key.to_string(), value.to_string());
    }
    fn remove(&mut self, key: &str) {
        BTreeMap::remove(self, key);
    }
}

/// The profile named by a stored (or linked) value.
pub fn profile_from_name(name: &str) -> Option<Profile> {
    match name {
        "documented" => Some(Profile::Documented),
        "windows" => Some(Profile::Windows),
        _ => None,
    }
}

/// One of the user's scenarios (its text is stored apart, under [`text_key`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Unique in the list, never reused.
    pub id: u64,
    /// The name the user sees (and may change).
    pub name: String,
    /// When it was last saved, in milliseconds since 1970 (UTC).
    pub saved_at: u64,
}

/// The list of the user's scenarios, newest last, and the one in the editor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Library {
    /// The scenarios.
    pub entries: Vec<Entry>,
    /// The one the editor holds, if it holds one of them.
    pub current: Option<u64>,
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            },
            (c, false) => out.push(c),
        }
    }
    out
}

/// A name for a scenario with this title (from the script's `title` line).
pub fn name_for(title: Option<&str>) -> String {
    match title.map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => "Untitled scenario".to_string(),
    }
}

/// `2026-11-29 05:20` (UTC) for milliseconds since 1970.
pub fn format_date(ms: u64) -> String {
    let secs = (ms / 1000) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60
    )
}

impl Library {
    /// Encodes the list for [`LIBRARY_KEY`].
    pub fn encode(&self) -> String {
        let mut s = String::new();
        for e in &self.entries {
            s.push_str(&format!("{}\t{}\t{}\n", e.id, e.saved_at, escape(&e.name)));
        }
        s
    }

    /// Decodes [`Library::encode`]'s text; malformed lines are skipped.
    pub fn decode(text: &str) -> Vec<Entry> {
        text.lines()
            .filter_map(|l| {
                let mut parts = l.splitn(3, '\t');
                let id = parts.next()?.parse().ok()?;
                // (Whole milliseconds; a fraction, which no version wrote, is dropped.)
                let saved_at = parts.next()?.split('.').next()?.parse().ok()?;
                let name = unescape(parts.next()?);
                Some(Entry { id, name, saved_at })
            })
            .collect()
    }

    /// Reads the list, turning the text the first versions kept into its first entry.
    pub fn load(store: &mut impl Store, now: u64) -> Library {
        if let Some(text) = store.get(LIBRARY_KEY) {
            let entries = Library::decode(&text);
            let current = store
                .get(CURRENT_KEY)
                .and_then(|c| c.parse().ok())
                .filter(|c| entries.iter().any(|e| e.id == *c));
            return Library { entries, current };
        }
        let mut lib = Library::default();
        if let Some(old) = store.get(SCENARIO_KEY) {
            let title = wsasim::script::parse(&old)
                .ok()
                .and_then(|s| s.title().map(str::to_string));
            let id = lib.add(store, &name_for(title.as_deref()), &old, now);
            lib.current = Some(id);
            lib.write(store);
        }
        lib
    }

    /// Writes the list and the current id.
    pub fn write(&self, store: &mut impl Store) {
        store.set(LIBRARY_KEY, &self.encode());
        match self.current {
            Some(c) => store.set(CURRENT_KEY, &c.to_string()),
            None => store.remove(CURRENT_KEY),
        }
    }

    /// The entry with this id.
    pub fn get(&self, id: u64) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The stored text of entry `id`.
    pub fn text(&self, store: &impl Store, id: u64) -> Option<String> {
        self.get(id).and_then(|_| store.get(&text_key(id)))
    }

    /// Adds a scenario (not made current) and returns its id.
    pub fn add(&mut self, store: &mut impl Store, name: &str, text: &str, now: u64) -> u64 {
        let id = self.entries.iter().map(|e| e.id).max().unwrap_or(0) + 1;
        self.entries.push(Entry {
            id,
            name: name.to_string(),
            saved_at: now,
        });
        if text.len() <= MAX_SAVED_BYTES {
            store.set(&text_key(id), text);
        }
        self.write(store);
        id
    }

    /// Saves the editor's `text` into the current entry (creating one named `name()` if
    /// there is none: only then is the name asked for), unless it is already saved.
    /// Returns true if it wrote anything.
    pub fn save_current(
        &mut self,
        store: &mut impl Store,
        text: &str,
        name: impl FnOnce() -> String,
        now: u64,
    ) -> bool {
        if text.len() > MAX_SAVED_BYTES {
            return false;
        }
        let id = match self.current {
            Some(id) => id,
            None => {
                let id = self.add(store, &name(), text, now);
                self.current = Some(id);
                self.write(store);
                store.set(SCENARIO_KEY, text);
                return true;
            }
        };
        if store.get(&text_key(id)).as_deref() == Some(text) {
            return false;
        }
        store.set(&text_key(id), text);
        store.set(SCENARIO_KEY, text);
        if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
            e.saved_at = now;
        }
        self.write(store);
        true
    }

    /// Renames entry `id` (an empty name is ignored).
    pub fn rename(&mut self, store: &mut impl Store, id: u64, name: &str) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
            e.name = name.to_string();
        }
        self.write(store);
    }

    /// Copies entry `id` as a new entry named "… (copy)"; returns its id.
    pub fn duplicate(&mut self, store: &mut impl Store, id: u64, now: u64) -> Option<u64> {
        let name = format!("{} (copy)", self.get(id)?.name);
        let text = self.text(store, id).unwrap_or_default();
        Some(self.add(store, &name, &text, now))
    }

    /// Deletes entry `id` and its text (the editor's text stays where it is).
    pub fn delete(&mut self, store: &mut impl Store, id: u64) {
        self.entries.retain(|e| e.id != id);
        store.remove(&text_key(id));
        if self.current == Some(id) {
            self.current = None;
        }
        self.write(store);
    }
}

/// `window.localStorage` as a [`Store`], and the clock.
pub mod browser {
    use super::*;

    /// The page's local storage.
    pub struct Local(Option<web_sys::Storage>);

    impl Store for Local {
        fn get(&self, key: &str) -> Option<String> {
            self.0.as_ref()?.get_item(key).ok().flatten()
        }
        fn set(&mut self, key: &str, value: &str) {
            if let Some(s) = &self.0 {
                let _ = s.set_item(key, value);
            }
        }
        fn remove(&mut self, key: &str) {
            if let Some(s) = &self.0 {
                let _ = s.remove_item(key);
            }
        }
    }

    /// The page's local storage (a store that keeps nothing outside a browser).
    pub fn local() -> Local {
        if !cfg!(target_arch = "wasm32") {
            return Local(None);
        }
        Local(web_sys::window().and_then(|w| w.local_storage().ok().flatten()))
    }

    /// Milliseconds since 1970 (0 outside a browser).
    pub fn now() -> u64 {
        if cfg!(target_arch = "wasm32") {
            js_sys::Date::now() as u64
        } else {
            0
        }
    }
}

/// The profile the user chose with the switch, if any (none: follow the script's line).
pub fn load_profile() -> Option<Profile> {
    browser::local()
        .get(PROFILE_KEY)
        .as_deref()
        .and_then(profile_from_name)
}

/// Saves the profile the user chose, or that there is none.
pub fn save_profile(choice: Option<Profile>) {
    let mut local = browser::local();
    match choice {
        Some(p) => local.set(PROFILE_KEY, p.name()),
        None => local.remove(PROFILE_KEY),
    }
}

/// Where the step the editor's scenario was at is kept, so a reload comes back to it.
const STEP_KEY: &str = "wsasim.step";

/// The step saved for the scenario in the editor, if any.
pub fn load_step() -> Option<usize> {
    browser::local().get(STEP_KEY)?.parse().ok()
}

/// Saves the step the scenario is at.
pub fn save_step(step: usize) {
    browser::local().set(STEP_KEY, &step.to_string());
}

/// Where the editor column's width (dragged by the user) is kept.
const EDITOR_WIDTH_KEY: &str = "wsasim.editor-width";

/// The editor column's width the user chose, in whole CSS pixels, if any.
pub fn load_editor_width() -> Option<i32> {
    browser::local()
        .get(EDITOR_WIDTH_KEY)?
        .parse()
        .ok()
        .filter(|w: &i32| *w > 0)
}

/// Keeps the editor column's width for the next visit.
pub fn save_editor_width(width: i32) {
    browser::local().set(EDITOR_WIDTH_KEY, &width.to_string());
}
