//! Tests for the storage helpers (the browser part is covered by the e2e tests).

use super::*;

type Map = BTreeMap<String, String>;

#[test]
fn the_single_saved_text_of_earlier_versions_becomes_the_first_entry() {
    let mut store = Map::new();
    store.set(SCENARIO_KEY, "title \"Mine\"\nhost a 10.0.0.1\n");
    let lib = Library::load(&mut store, 1_000);
    assert_eq!(lib.entries.len(), 1);
    assert_eq!(lib.entries[0].name, "Mine");
    assert_eq!(lib.current, Some(lib.entries[0].id));
    assert_eq!(
        lib.text(&store, lib.entries[0].id).as_deref(),
        Some("title \"Mine\"\nhost a 10.0.0.1\n")
    );
    // Loading again reads the list; nothing is migrated twice.
    assert_eq!(Library::load(&mut store, 2_000), lib);
    // Nothing saved: an empty list.
    assert_eq!(Library::load(&mut Map::new(), 0), Library::default());
}

#[test]
fn save_open_rename_duplicate_delete() {
    let mut store = Map::new();
    let mut lib = Library::load(&mut store, 0);
    assert!(lib.save_current(&mut store, "one", || "First\tname\\".into(), 5));
    let first = lib.current.unwrap();
    assert!(
        !lib.save_current(&mut store, "one", || unreachable!("named already"), 6),
        "already saved"
    );
    assert!(lib.save_current(&mut store, "one more", || unreachable!("named already"), 7));
    assert_eq!(lib.get(first).unwrap().saved_at, 7);
    assert_eq!(
        Store::get(&store, SCENARIO_KEY).as_deref(),
        Some("one more")
    );
    let second = lib.add(&mut store, "Second", "two", 8);
    assert_ne!(first, second);
    lib.rename(&mut store, second, "  Renamed\n ");
    lib.rename(&mut store, second, "   ");
    let copy = lib.duplicate(&mut store, second, 9).unwrap();
    assert_eq!(lib.get(copy).unwrap().name, "Renamed (copy)");
    assert_eq!(lib.text(&store, copy).as_deref(), Some("two"));
    let back = Library::load(&mut store, 10);
    assert_eq!(
        back, lib,
        "names with tabs, newlines and backslashes survive"
    );
    assert_eq!(back.get(first).unwrap().name, "First\tname\\");
    lib.delete(&mut store, first);
    assert_eq!(lib.current, None);
    assert_eq!(Store::get(&store, &text_key(first)), None);
    assert_eq!(Library::load(&mut store, 0).entries.len(), 2);
}

#[test]
fn too_long_texts_are_not_kept() {
    let mut store = Map::new();
    let mut lib = Library::default();
    let long = "x".repeat(MAX_SAVED_BYTES + 1);
    assert!(!lib.save_current(&mut store, &long, || "Long".into(), 0));
    assert!(lib.entries.is_empty());
}

#[test]
fn dates_are_printed_in_utc() {
    assert_eq!(format_date(0), "1970-01-01 00:00");
    assert_eq!(format_date(1_795_929_648_000), "2026-11-29 05:20");
    assert_eq!(format_date(951_782_400_000), "2000-02-29 00:00");
}

#[test]
fn profile_names_match_the_core() {
    for p in [Profile::Documented, Profile::Windows] {
        assert_eq!(profile_from_name(p.name()), Some(p));
    }
    assert_eq!(name_for(None), "Untitled scenario");
    assert_eq!(name_for(Some(" x ")), "x");
}

#[test]
fn outside_a_browser_storage_is_empty_and_saving_is_harmless() {
    save_profile(Some(Profile::Windows));
    assert_eq!(load_profile(), None);
    let mut local = browser::local();
    assert_eq!(Library::load(&mut local, 0), Library::default());
}

#[test]
fn saved_times_are_whole_milliseconds_and_a_fraction_keeps_its_entry() {
    let text = "1\t1795929648000\tOne\n2\t1795929648000.75\tTwo\n3\tsoon\tBad\n";
    let entries = Library::decode(text);
    let got: Vec<(u64, u64, &str)> = entries
        .iter()
        .map(|e| (e.id, e.saved_at, e.name.as_str()))
        .collect();
    assert_eq!(
        got,
        [(1, 1_795_929_648_000, "One"), (2, 1_795_929_648_000, "Two")]
    );
    let lib = Library {
        entries,
        current: None,
    };
    assert!(lib
        .encode()
        .starts_with("1\t1795929648000\tOne\n2\t1795929648000\tTwo\n"));
}
