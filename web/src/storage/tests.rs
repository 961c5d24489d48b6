//! Tests for the storage helpers (the browser part is covered by the e2e tests).

use super::*;
use std::collections::BTreeMap;

#[test]
fn saved_values_come_back() {
    let mut store = BTreeMap::new();
    for (k, v) in entries("host a 10.0.0.1\n", Profile::Windows) {
        store.insert(k.to_string(), v.unwrap());
    }
    let saved = decode(|k| store.get(k).cloned());
    assert_eq!(saved.source.as_deref(), Some("host a 10.0.0.1\n"));
    assert_eq!(saved.profile, Some(Profile::Windows));
}

#[test]
fn nothing_saved_is_nothing_restored() {
    assert_eq!(decode(|_| None), Saved::default());
    let odd = decode(|k| (k == PROFILE_KEY).then(|| "linux".to_string()));
    assert_eq!(odd.profile, None);
}

#[test]
fn too_long_texts_are_not_kept() {
    let long = "x".repeat(MAX_SAVED_BYTES + 1);
    let [(k, v), (_, p)] = entries(&long, Profile::Documented);
    assert_eq!(k, SCENARIO_KEY);
    assert_eq!(v, None);
    assert_eq!(p.as_deref(), Some("documented"));
}

#[test]
fn profile_names_match_the_core() {
    for p in [Profile::Documented, Profile::Windows] {
        assert_eq!(profile_from_name(p.name()), Some(p));
    }
}

#[test]
fn outside_a_browser_storage_is_empty_and_saving_is_harmless() {
    save("x", Profile::Windows);
    assert_eq!(load(), Saved::default());
}
