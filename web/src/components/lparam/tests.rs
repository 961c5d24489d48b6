//! Tests for the lParam decoder's view model.

use super::*;

fn decoded(input: &str) -> Decoded {
    match decode(input) {
        Decoding::Decoded(d) => d,
        other => panic!("{input:?} did not decode: {other:?}"),
    }
}

#[test]
fn reset_connection_names_both_words() {
    let d = decoded("0x27460020");
    assert_eq!(d.hex, "0x27460020");
    assert_eq!(d.event_word, "0x0020");
    assert_eq!(d.event, "FD_CLOSE");
    assert_eq!(d.error_word, "0x2746");
    assert_eq!(d.error_code, 10054);
    assert_eq!(d.error, "WSAECONNRESET");
    assert_eq!(d.error_note, wsasim::WsaError::WSAECONNRESET.description());
}

#[test]
fn decimal_and_padding_and_case() {
    assert_eq!(decoded(&0x2746_0020u32.to_string()), decoded("0x27460020"));
    assert_eq!(decoded("658898976").hex, "0x27460020");
    assert_eq!(decoded("  0X27460020 "), decoded("0x27460020"));
    let d = decoded("1");
    assert_eq!(
        (d.hex.as_str(), d.event.as_str(), d.error.as_str()),
        ("0x00000001", "FD_READ", "0")
    );
    assert_eq!(d.error_note, "No error.");
}

#[test]
fn every_example_decodes_to_one_event() {
    for example in EXAMPLES {
        let d = decoded(example);
        assert!(
            d.event.starts_with("FD_") && !d.event.contains('|'),
            "{example}: {d:?}"
        );
    }
}

#[test]
fn unusual_low_and_high_words_are_explained() {
    let none = decoded("0x00000000");
    assert_eq!(none.event, "0");
    assert!(none.event_note.contains("never posts"));
    let several = decoded("0x00000003");
    assert_eq!(several.event, "FD_READ|FD_WRITE");
    assert!(several.event_note.contains("exactly one"));
    let unknown = decoded("0x00010400");
    assert_eq!(unknown.error, "1");
    assert!(unknown.error_note.contains("Not a Winsock error"));
    assert!(unknown.event_note.contains("no FD_* event"));
}

#[test]
fn bad_input_is_reported_not_panicked() {
    assert_eq!(decode(""), Decoding::Empty);
    assert_eq!(decode("   "), Decoding::Empty);
    for bad in [
        "zz",
        "0x",
        "0x1_0000_0000",
        "4294967296",
        "-1",
        "FD_CLOSE",
        "0x27460020 1",
    ] {
        assert_eq!(
            decode(bad),
            Decoding::Invalid(bad.trim().to_string()),
            "{bad}"
        );
    }
}
