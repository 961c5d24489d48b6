//! A scenario file's bytes as text: UTF-8 (a byte-order mark is dropped), or UTF-16
//! with its byte-order mark, as Windows Notepad saves "Unicode" files. Anything else is
//! refused with the line and column of the first byte that is not UTF-8 and a hint of
//! what the file is.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::ScriptError;

/// Decodes a scenario file. Errors say where the text stops being UTF-8 and what the
/// file looks like instead.
///
/// ```
/// use wsasim::script::decode;
///
/// assert_eq!(decode(b"\xef\xbb\xbfhost a 10.0.0.1\n").unwrap(), "host a 10.0.0.1\n");
/// // Notepad's "Unicode": UTF-16 little-endian with a byte-order mark.
/// let utf16: Vec<u8> = [0xff, 0xfe].into_iter()
///     .chain("host a".encode_utf16().flat_map(u16::to_le_bytes))
///     .collect();
/// assert_eq!(decode(&utf16).unwrap(), "host a");
/// let e = decode(b"host a 10.0.0.1\n# caf\xe9\n").unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "2:6: expected UTF-8 text but found byte 0xE9, which is not UTF-8 here \
///      (the file looks like Latin-1 or Windows-1252: save it as UTF-8)"
/// );
/// ```
pub fn decode(bytes: &[u8]) -> Result<String, ScriptError> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return decode(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return utf16(rest, u16::from_le_bytes, "little");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return utf16(rest, u16::from_be_bytes, "big");
    }
    match core::str::from_utf8(bytes) {
        Ok(s) => Ok(s.into()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let col = core::str::from_utf8(&good[start..]).map_or(1, |s| s.chars().count() + 1);
            let bad = bytes[e.valid_up_to()];
            let zeros_at = |first: usize| {
                let mut units = bytes.iter().skip(first).step_by(2).take(64);
                units.all(|&b| b == 0)
            };
            let hint = if bytes.len() >= 2 && (zeros_at(0) || zeros_at(1)) {
                "the file looks like UTF-16 without a byte-order mark: save it as UTF-8"
            } else if bytes.contains(&0) {
                "the file has NUL bytes: it looks like a binary file, not a scenario"
            } else {
                "the file looks like Latin-1 or Windows-1252: save it as UTF-8"
            };
            Err(ScriptError {
                line: line as u32,
                col: col as u32,
                expected: "UTF-8 text".into(),
                found: format!("byte 0x{bad:02X}, which is not UTF-8 here ({hint})"),
            })
        }
    }
}

/// UTF-16 text after its byte-order mark.
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, endian: &str) -> Result<String, ScriptError> {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    let mut text = String::with_capacity(units.len());
    let (mut line, mut col) = (1u32, 1u32);
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => {
                text.push(c);
                if c == '\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
            }
            Err(e) => {
                return Err(ScriptError {
                    line,
                    col,
                    expected: format!("UTF-16 ({endian}-endian, as its byte-order mark says)"),
                    found: format!("the unpaired surrogate 0x{:04X}", e.unpaired_surrogate()),
                })
            }
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(ScriptError {
            line,
            col,
            expected: format!("UTF-16 ({endian}-endian, as its byte-order mark says)"),
            found: "an odd number of bytes".into(),
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_where_and_what() {
        let e = decode(b"h\xff\xfe").unwrap_err();
        assert_eq!((e.line, e.col), (1, 2));
        let utf16_no_bom: Vec<u8> = "host a".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut bad = utf16_no_bom.clone();
        bad.push(0xff);
        let e = decode(&bad).unwrap_err();
        assert!(e.found.contains("UTF-16 without a byte-order mark"), "{e}");
        // UTF-16 with no byte over 0x7f is valid UTF-8 full of NULs: the parser refuses it.
        assert!(decode(&utf16_no_bom).is_ok());
        let e = decode(b"\xfe\xff\xd8\x00").unwrap_err();
        assert_eq!(e.found, "the unpaired surrogate 0xD800");
        let e = decode(b"\xff\xfeh").unwrap_err();
        assert_eq!(e.found, "an odd number of bytes");
        assert_eq!(decode(b"\xfe\xff\x00h\x00\n\x00i").unwrap(), "h\ni");
    }
}
