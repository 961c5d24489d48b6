//! The fetched files are the core's texts, and the page ships them.

use super::*;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("web/ is inside the workspace")
        .to_path_buf()
}

#[test]
fn the_shipped_gallery_is_the_cores() {
    let path = root().join("static").join(GALLERY_FILE);
    let want = wsasim::gallery::bundle();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is not the core's gallery: run `UPDATE_EXPECT=1 cargo test -p wsasim-web data`",
        path.display()
    );
}

#[test]
fn the_page_copies_both_files_into_the_site() {
    let index = std::fs::read_to_string(root().join("index.html")).unwrap();
    for href in [
        format!("static/{GALLERY_FILE}"),
        format!("core/spec/{SPEC_FILE}"),
    ] {
        assert!(
            index.contains(&format!(
                r#"<link data-trunk rel="copy-file" href="{href}" />"#
            )),
            "index.html does not copy {href}"
        );
    }
    let spec = std::fs::read_to_string(root().join("core").join("spec").join(SPEC_FILE)).unwrap();
    assert_eq!(spec, wsasim::spec::SPECIFICATION);
}

#[test]
fn the_gallery_reads_back_in_sections_and_finds_a_preset_by_its_text() {
    let g = Gallery::parse(&wsasim::gallery::bundle()).unwrap();
    let sections: Vec<&str> = g.sections().iter().map(|(s, _)| *s).collect();
    assert_eq!(sections, wsasim::gallery::sections());
    for (s, items) in g.sections() {
        let ids: Vec<&str> = items.iter().map(|e| e.id.as_str()).collect();
        let want: Vec<&str> = wsasim::gallery::in_section(s).map(|x| x.id).collect();
        assert_eq!(ids, want);
    }
    let read = wsasim::gallery::get("fd-read-level-triggered").unwrap();
    assert_eq!(
        g.find_source(read.source).map(|e| e.id.as_str()),
        Some(read.id)
    );
    assert!(g.find_source("run until idle\n").is_none());
    assert!(Gallery::parse("<!doctype html>").is_err());
}
