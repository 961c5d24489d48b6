//! Tests for share links: round trips, the version prefix and every malformed case.

use super::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

fn sample() -> Link {
    Link {
        source: "host a 10.0.0.1\n# ünïcode too\nwindow a w\n".repeat(20),
        step: Some(17),
        profile: Some(Profile::Windows),
        digest: Some(TraceDigest {
            whole: 0x0123_4567_89ab_cdef,
            per_entry: (0..64).collect(),
        }),
        embed: false,
        quiz: false,
    }
}

#[test]
fn a_link_can_open_in_learning_mode() {
    let link = Link {
        quiz: true,
        ..Link::new("host a 10.0.0.1\n")
    };
    let f = encode(&link);
    assert!(f.ends_with("&quiz=1"), "{f}");
    assert!(decode(&f).unwrap().quiz);
    assert!(
        !decode(&encode(&Link::new("host a 10.0.0.1\n")))
            .unwrap()
            .quiz
    );
}

#[test]
fn a_link_round_trips() {
    let link = sample();
    let f = encode(&link);
    assert!(f.starts_with("v1."), "{f}");
    assert!(f.contains("&step=17&profile=windows&d2="), "{f}");
    assert!(
        f.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.&=".contains(c)),
        "no percent-encoding needed: {f}"
    );
    assert!(f.len() < link.source.len(), "compressed: {}", f.len());
    assert!(is_link(&f));
    assert_eq!(decode(&f), Ok(link.clone()));
    assert_eq!(decode(&format!("#{f}")), Ok(link));
}

#[test]
fn defaults_are_left_out_and_come_back() {
    let link = Link::new("title \"x\"\n");
    let f = encode(&link);
    assert!(!f.contains('&'), "{f}");
    assert_eq!(decode(&f), Ok(link));
    let empty = Link::new("");
    assert_eq!(decode(&encode(&empty)), Ok(empty));
}

#[test]
fn embed_is_a_flag_of_the_fragment_or_the_query() {
    let mut link = Link::new("x");
    link.embed = true;
    let f = encode(&link);
    assert!(f.ends_with("&embed=1"));
    assert!(decode(&f).unwrap().embed);
    assert!(wants_embed(&f));
    assert!(wants_embed("?embed=1"));
    assert!(wants_embed("#embed=1"));
    assert!(wants_embed("?lang=en&embed=1"));
    assert!(!wants_embed("?embed=0"));
    assert!(!wants_embed(""));
    // A fragment of flags only is not a link.
    assert!(!is_link("#embed=1"));
    assert!(!is_link(""));
    assert!(!is_link("#"));
}

#[test]
fn digests_round_trip_and_are_capped() {
    let d = TraceDigest {
        whole: u64::MAX,
        per_entry: vec![7; 200],
    };
    let back = decode_digest(&encode_digest(&d)).unwrap();
    assert_eq!(back.whole, u64::MAX);
    assert_eq!(back.per_entry, vec![7; DIGEST_ENTRIES]);
    assert_eq!(decode_digest("AAAA"), None, "shorter than the hash");
    assert_eq!(decode_digest("!!"), None);
}

#[test]
fn the_version_prefix_is_checked() {
    let f = encode(&Link::new("x"));
    let payload = f.strip_prefix("v1.").unwrap();
    assert_eq!(
        decode(&format!("v2.{payload}")),
        Err(ShareError::UnknownVersion("v2".into()))
    );
    assert_eq!(
        decode(payload),
        Err(ShareError::UnknownVersion(String::new()))
    );
    assert!(ShareError::UnknownVersion("v2".into())
        .to_string()
        .contains("v2"));
    assert!(ShareError::UnknownVersion(String::new())
        .to_string()
        .contains("#v1."));
}

#[test]
fn bad_base64_is_refused() {
    assert_eq!(decode("v1.not*base64!"), Err(ShareError::BadBase64));
    assert_eq!(
        decode("v1.A"),
        Err(ShareError::BadBase64),
        "1 char is never valid"
    );
}

#[test]
fn bad_deflate_is_refused() {
    // Valid base64 of bytes that are not a deflate stream.
    let junk = URL_SAFE_NO_PAD.encode([0xff, 0xff, 0xff, 0xff, 0x00, 0x12]);
    assert_eq!(decode(&format!("v1.{junk}")), Err(ShareError::BadDeflate));
    // A real stream cut short.
    let f = encode(&Link::new("host a 10.0.0.1\n".repeat(50)));
    let bytes = URL_SAFE_NO_PAD.decode(&f[3..]).unwrap();
    let cut = URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() / 2]);
    assert_eq!(decode(&format!("v1.{cut}")), Err(ShareError::BadDeflate));
}

#[test]
fn text_that_is_not_utf8_is_refused() {
    let packed = miniz_oxide::deflate::compress_to_vec(&[0xc3, 0x28, 0xff], 9);
    let f = format!("v1.{}", URL_SAFE_NO_PAD.encode(packed));
    assert_eq!(decode(&f), Err(ShareError::NotText));
}

#[test]
fn oversized_links_are_refused() {
    // A tiny link that inflates to more than 1 MiB (a deflate bomb, in miniature).
    let big = "a".repeat(MAX_SCENARIO_BYTES + 1);
    let f = encode(&Link::new(big));
    assert!(f.len() < 10_000, "compresses well: {}", f.len());
    assert_eq!(decode(&f), Err(ShareError::TooLarge));
    // Exactly the limit is fine.
    let ok = "a".repeat(MAX_SCENARIO_BYTES);
    assert_eq!(decode(&encode(&Link::new(ok.clone()))).unwrap().source, ok);
    // A fragment too long to even look at.
    let long = format!("v1.{}", "A".repeat(MAX_FRAGMENT_CHARS));
    assert_eq!(decode(&long), Err(ShareError::TooLarge));
}

#[test]
fn malformed_parameters_are_refused_and_unknown_ones_ignored() {
    let f = encode(&Link::new("x"));
    assert_eq!(
        decode(&format!("{f}&step=x")),
        Err(ShareError::BadParameter("step=x".into()))
    );
    assert_eq!(
        decode(&format!("{f}&profile=linux")),
        Err(ShareError::BadParameter("profile=linux".into()))
    );
    assert_eq!(
        decode(&format!("{f}&d=!!")),
        Err(ShareError::BadParameter("d=!!".into()))
    );
    assert_eq!(
        decode(&format!("{f}&d2=!!")),
        Err(ShareError::BadParameter("d2=!!".into()))
    );
    assert_eq!(
        decode(&format!("{f}&junk")),
        Err(ShareError::BadParameter("junk".into()))
    );
    assert_eq!(decode(&format!("{f}&later=1&")), Ok(Link::new("x")));
    // A link that names a profile chooses it over the script's `profile` line, even the
    // documented one; a link that names none follows the script.
    assert_eq!(
        decode(&format!("{f}&profile=documented")),
        Ok(Link {
            profile: Some(Profile::Documented),
            ..Link::new("x")
        })
    );
    assert_eq!(decode(&f).map(|l| l.profile), Ok(None));
}

#[test]
fn a_real_run_digest_survives_a_link() {
    let src = wsasim::gallery::get("fd-read-level-triggered")
        .unwrap()
        .source;
    let t = crate::timeline::Timeline::new(src).unwrap();
    let mut link = Link::new(src);
    link.digest = Some(t.digest(DIGEST_ENTRIES));
    let back = decode(&encode(&link)).unwrap();
    assert_eq!(
        back.digest
            .unwrap()
            .first_difference(&t.digest(DIGEST_ENTRIES)),
        None
    );
}

#[test]
fn an_old_text_digest_is_read_and_ignored() {
    // Links made before `d2=` carry `d=`, a digest of the trace's text: it cannot be
    // compared with a digest of typed fields, so it is dropped, not reported as a change.
    let mut old = sample();
    let d = old.digest.take().unwrap();
    let f = format!("{}&d={}", encode(&old), encode_digest(&d));
    assert_eq!(decode(&f), Ok(old));
}

/// `share::b64` agrees with the `base64` crate's `URL_SAFE_NO_PAD`, which links were
/// written and read with before: the same text for every byte string, and the same
/// answer (bytes or refusal) for every text, valid or not.
#[test]
fn b64_agrees_with_the_base64_crate() {
    // A small deterministic generator: every length up to 70, many contents each.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for len in 0..70 {
        for _ in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let text = super::b64::encode(&bytes);
            assert_eq!(text, URL_SAFE_NO_PAD.encode(&bytes));
            assert_eq!(super::b64::decode(&text), Some(bytes));
        }
    }
    // Texts of every length up to 9 over an alphabet with the edge cases: characters
    // outside base64url, padding, and last characters with spare bits set.
    let letters = ["A", "B", "Q", "g", "_", "-", "9", "=", "+", "/", " ", "é"];
    let mut texts = vec![String::new()];
    for _ in 0..2000 {
        let len = (next() % 10) as usize;
        texts.push(
            (0..len)
                .map(|_| letters[(next() % letters.len() as u64) as usize])
                .collect(),
        );
    }
    for t in [
        "AA", "AB", "AAA", "AAB", "AAE", "QQ", "QR", "____", "_w", "_x", "A", "AAAAA",
    ] {
        texts.push(t.to_string());
    }
    for t in &texts {
        assert_eq!(
            super::b64::decode(t),
            URL_SAFE_NO_PAD.decode(t).ok(),
            "{t:?}"
        );
    }
}

/// What a browser without `CompressionStream` puts in a link: stored deflate blocks,
/// which decode like compressed ones, at every size around a block's 65,535 bytes.
#[test]
fn stored_deflate_links_decode() {
    for n in [0usize, 1, 100, 65_534, 65_535, 65_536, 140_000] {
        let text: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        let packed = deflate_stored(text.as_bytes());
        let blocks = n.div_ceil(0xffff).max(1);
        assert_eq!(
            packed.len(),
            n + 5 * blocks,
            "{n}: 5 bytes of header a block"
        );
        let inflated = miniz_oxide::inflate::decompress_to_vec(&packed).expect("a valid stream");
        assert_eq!(inflated, text.as_bytes());
        let link = Link {
            step: Some(3),
            ..Link::new(text.clone())
        };
        assert_eq!(decode(&encode_packed(&link, &packed)), Ok(link));
    }
}
