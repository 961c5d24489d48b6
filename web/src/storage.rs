//! Local storage: the editor's text and the profile survive a reload.
//!
//! The keys and the encoding of values are plain Rust (tested natively); [`load`] and
//! [`save`] touch `window.localStorage` and quietly do nothing where it is unavailable
//! (private windows, sandboxed iframes, native tests).

use wsasim::Profile;

#[cfg(test)]
mod tests;

/// The key of the editor's text.
pub const SCENARIO_KEY: &str = "wsasim.scenario.v1";

/// The key of the selected profile.
pub const PROFILE_KEY: &str = "wsasim.profile";

/// The most bytes of scenario text written to storage (browsers allow about 5 MB per
/// origin, in UTF-16); a longer text is simply not saved.
pub const MAX_SAVED_BYTES: usize = 1 << 20;

/// What a reload restores.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Saved {
    /// The editor's text, if one was saved.
    pub source: Option<String>,
    /// The profile, if one was saved.
    pub profile: Option<Profile>,
}

/// The profile named by a stored (or linked) value.
pub fn profile_from_name(name: &str) -> Option<Profile> {
    match name {
        "documented" => Some(Profile::Documented),
        "windows" => Some(Profile::Windows),
        _ => None,
    }
}

/// The values to store for `source` and `profile`: `None` for a text too long to keep.
pub fn entries(source: &str, profile: Profile) -> [(&'static str, Option<String>); 2] {
    let text = (source.len() <= MAX_SAVED_BYTES).then(|| source.to_string());
    [
        (SCENARIO_KEY, text),
        (PROFILE_KEY, Some(profile.name().to_string())),
    ]
}

/// What `get(key)` gives back, decoded.
pub fn decode(get: impl Fn(&str) -> Option<String>) -> Saved {
    Saved {
        source: get(SCENARIO_KEY),
        profile: get(PROFILE_KEY).as_deref().and_then(profile_from_name),
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads what was saved (nothing outside a browser or when storage is blocked).
pub fn load() -> Saved {
    match local_storage() {
        Some(s) => decode(|k| s.get_item(k).ok().flatten()),
        None => Saved::default(),
    }
}

/// Saves the editor's text and the profile; a full or blocked storage is ignored.
pub fn save(source: &str, profile: Profile) {
    let Some(s) = local_storage() else { return };
    for (key, value) in entries(source, profile) {
        let _ = match value {
            Some(v) => s.set_item(key, &v),
            None => s.remove_item(key),
        };
    }
}
