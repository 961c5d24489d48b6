//! Tests of the per-message comparison of the two profiles' runs.

use super::*;
use wsasim::gallery;

fn both(id: &str) -> (Timeline, Contrast) {
    let src = gallery::get(id).expect("in the gallery").source;
    let mine = Timeline::with_profile(src, Profile::Documented).unwrap();
    let theirs = Timeline::with_profile(src, Profile::Windows).unwrap();
    let c = Contrast::new(&mine, theirs, Profile::Windows);
    (mine, c)
}

fn posted(t: &Timeline) -> Vec<(usize, Message)> {
    t.all_entries()
        .enumerate()
        .flat_map(|(i, e)| e.posted().map(|m| (i, m.clone())).collect::<Vec<_>>())
        .collect()
}

fn every_scenario() -> Vec<&'static gallery::Scenario> {
    gallery::sections()
        .into_iter()
        .flat_map(gallery::in_section)
        .collect()
}

#[test]
fn where_both_profiles_agree_nothing_is_marked() {
    // Compare says both profiles give the same trace for "Graceful close", although
    // FD_CLOSE.2 (the rule of its FD_CLOSE) has a Windows note.
    let (mine, c) = both("graceful-close");
    assert!(crate::timeline::first_divergence(&mine, c.theirs()).is_none());
    let close = posted(&mine)
        .into_iter()
        .find(|(_, m)| m.rule.id() == "FD_CLOSE.2")
        .expect("graceful close posts FD_CLOSE by FD_CLOSE.2");
    assert!(
        close.1.rule.windows_differs().is_some(),
        "the rule has a note"
    );
    assert!(!c.is_marked(close.1.id));
    assert_eq!(c.marked_count(), 0);
    for i in 0..mine.total_entries() {
        assert_eq!(c.for_entry(&mine, i), None, "entry {i}");
    }
}

#[test]
fn a_reset_reported_differently_is_marked_with_what_windows_posts() {
    let (mine, c) = both("windows-reset-connaborted");
    let (i, reset) = posted(&mine)
        .into_iter()
        .find(|(_, m)| {
            m.lparam
                .error()
                .is_some_and(|e| e.name() == "WSAECONNRESET")
        })
        .expect("the documented run reports WSAECONNRESET");
    assert!(c.is_marked(reset.id));
    let note = c.for_message(reset.id).unwrap();
    assert_eq!(note.profile, Profile::Windows);
    assert!(
        note.headline
            .starts_with("Under Windows: FD_CLOSE with WSAECONNABORTED ["),
        "{}",
        note.headline
    );
    assert!(note.entry.is_some());
    assert!(c.for_entry(&mine, i).is_some(), "the entry differs too");
    // Messages both runs post the same way are not marked.
    let same = posted(&mine)
        .into_iter()
        .filter(|(_, m)| !c.is_marked(m.id))
        .count();
    assert!(same > 0);
}

#[test]
fn the_marks_are_the_compare_views_differences() {
    use wsasim::script::compare::profiles::compare_profiles;
    for s in every_scenario() {
        let (mine, c) = both(s.id);
        let rows = compare_profiles(s.source).unwrap();
        let differing: std::collections::BTreeSet<u64> = rows
            .differences()
            .filter_map(|r| r.documented.as_ref().map(|d| d.id))
            .collect();
        for (_, m) in posted(&mine) {
            let marked = differing.contains(&m.id);
            assert_eq!(c.is_marked(m.id), marked, "{} message {}", s.id, m.id);
            assert_eq!(c.message_note(m.id).is_some(), marked);
        }
    }
}

#[test]
fn a_message_posted_at_another_line_says_where() {
    // Windows posts FD_CLOSE when the FIN arrives; the page once the data is read.
    let (mine, c) = both("close-waits-for-unread-data");
    let (_, close) = posted(&mine)
        .into_iter()
        .find(|(_, m)| c.is_marked(m.id) && m.lparam.event() == wsasim::NetworkEvent::FD_CLOSE)
        .expect("the documented FD_CLOSE is marked");
    let note = c.for_message(close.id).unwrap();
    assert!(note.headline.contains(" at line "), "{}", note.headline);
}

#[test]
fn a_step_that_posts_nothing_under_windows_says_so() {
    // Find, across the gallery, an entry whose Windows counterpart posts nothing.
    let mut seen = false;
    for s in every_scenario() {
        let (mine, c) = both(s.id);
        for (i, _) in posted(&mine) {
            if let Some(note) = c.for_entry(&mine, i) {
                if note.headline == "Under Windows this step posts nothing" {
                    seen = true;
                }
            }
        }
    }
    assert!(seen);
}
