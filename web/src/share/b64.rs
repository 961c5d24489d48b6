//! Base64url without padding (RFC 4648 §5), as share links write it: the few lines the
//! links need instead of a general base64 crate (which weighed 6 KB of the module).
//!
//! Decoding is strict, like the `base64` crate's `URL_SAFE_NO_PAD` that links were read
//! with before (the native tests check both agree): no padding, no other characters, no
//! length of 1 modulo 4, and the unused low bits of the last character are zero.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `bytes` in base64url, without padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// The bytes `text` encodes, or `None` if it is not strict base64url without padding.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.chunks(4) {
        let mut n: u32 = 0;
        for &c in chunk {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'-' => 62,
                b'_' => 63,
                _ => return None,
            };
            n = n << 6 | u32::from(v);
        }
        // A short last chunk: 2 characters hold 1 byte, 3 hold 2; their spare bits are 0.
        let bytes = chunk.len() - 1;
        let spare = 6 * chunk.len() - 8 * bytes;
        if n & ((1 << spare) - 1) != 0 {
            return None;
        }
        let n = n >> spare;
        for i in (0..bytes).rev() {
            out.push((n >> (8 * i)) as u8);
        }
    }
    Some(out)
}
