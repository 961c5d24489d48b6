//! Tests for the export file and the real-run comparison.

use super::*;
use wsasim::gallery;
use wsasim::script::export_c::PRELUDE;

const WINE_RUN: &str =
    include_str!("../../../cli/tests/fixtures/fd-read-level-triggered.wine.jsonl");

fn shipped() -> Gallery {
    Gallery::parse(&gallery::bundle()).unwrap()
}

fn preset(id: &str) -> &'static str {
    gallery::get(id)
        .expect("invariant: the preset exists")
        .source
}

#[test]
fn a_preset_exports_under_its_id_and_a_title_as_a_slug() {
    let read = preset("fd-read-level-triggered");
    let (name, text) = export_file(read, Profile::Windows, Some(&shipped()), PRELUDE).unwrap();
    assert_eq!(name, "fd-read-level-triggered.c");
    // Before the gallery has arrived, a preset is named by its title.
    let (early, _) = export_file(read, Profile::Windows, None, PRELUDE).unwrap();
    assert_eq!(early, "fd-read-is-level-triggered.c");
    assert!(text.starts_with("/*"), "{}", &text[..80]);
    assert_eq!(
        file_stem("title \"My  first: test!\"\n", Some(&shipped())),
        "my-first-test"
    );
    assert_eq!(file_stem("host a 10.0.0.1\n", None), "scenario");
}

#[test]
fn a_partition_is_refused_with_its_line() {
    let errors = export_file(
        "host a 10.0.0.1\nhost b 10.0.0.2\npartition a b\n",
        Profile::Documented,
        None,
        PRELUDE,
    )
    .unwrap_err();
    assert!(
        errors[0].starts_with("3:1: cannot export partition:"),
        "{errors:?}"
    );
}

#[test]
fn the_wine_run_agrees_and_a_changed_result_is_found_with_its_step() {
    let src = preset("fd-read-level-triggered");
    let t = Timeline::with_profile(src, Profile::Windows).unwrap();
    let same = compare_real(WINE_RUN, src, Profile::Windows, Some(&t)).unwrap();
    assert!(same.differences.is_empty(), "{same:?}");
    assert_eq!((same.calls, same.messages), (13, 3));

    let changed = WINE_RUN.replace("\"result\":\"50\"", "\"result\":\"49\"");
    let diff = compare_real(&changed, src, Profile::Windows, Some(&t)).unwrap();
    let first = &diff.differences[0];
    assert_eq!((first.line, first.kind), (22, "result"));
    assert_eq!((first.real.as_str(), first.model.as_str()), ("49", "50"));
    let step = first.step.expect("the model side has a step");
    assert_eq!(t.step(step - 1).unwrap().line, 22);
}

#[test]
fn bad_input_is_the_cores_line_error() {
    let src = preset("fd-read-level-triggered");
    let e = compare_real("{not json\n", src, Profile::Windows, None).unwrap_err();
    assert!(e.starts_with("1: not a JSON line"), "{e}");
}

#[test]
fn the_prelude_given_is_the_one_in_the_program() {
    let (_, text) = export_file(
        preset("fd-read-level-triggered"),
        Profile::Windows,
        None,
        "/* PRELUDE */",
    )
    .unwrap();
    assert!(text.contains("/* PRELUDE */\nint main(void) {"), "{text}");
    assert!(!text.contains(PRELUDE), "only the prelude given");
}

/// The site's `prelude.c` is the core's `export_c::PRELUDE` (Trunk copies the core's
/// file; this keeps the path in `index.html` and the constant together).
#[test]
fn the_site_copies_the_cores_prelude() {
    let index = include_str!("../../../index.html");
    assert!(index.contains(r#"rel="copy-file" href="core/src/script/export_c/prelude.c""#));
    assert_eq!(
        include_str!("../../../core/src/script/export_c/prelude.c"),
        PRELUDE
    );
    assert_eq!(crate::data::PRELUDE_FILE, "prelude.c");
}
