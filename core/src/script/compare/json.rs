//! A small JSON reader for the real run's lines: objects, arrays, strings, numbers,
//! `true`/`false`/`null`. Errors are messages; nesting is limited, so it never overflows.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value {
    Null,
    Bool(bool),
    /// A number: its value when it is a whole number below [`MAX_WHOLE`] (the only numbers
    /// a real run's lines hold), else `None`. Read exactly, without floating point.
    Num(Option<u64>),
    Str(String),
    Arr(Vec<Value>),
    Obj(Vec<(String, Value)>),
}

impl Value {
    fn get(&self, k: &str) -> Option<&Value> {
        match self {
            Value::Obj(fields) => fields.iter().find(|(n, _)| n == k).map(|(_, v)| v),
            _ => None,
        }
    }
    /// A string field.
    pub fn str(&self, k: &str) -> Option<&str> {
        match self.get(k)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    /// A non-negative whole number field.
    pub fn num(&self, k: &str) -> Option<u64> {
        match self.get(k)? {
            Value::Num(n) => *n,
            _ => None,
        }
    }
    /// An array field.
    pub fn array(&self, k: &str) -> Option<&[Value]> {
        match self.get(k)? {
            Value::Arr(a) => Some(a),
            _ => None,
        }
    }
}

/// Parses one line holding one JSON object.
pub(super) fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if !matches!(v, Value::Obj(_)) {
        return Err("not an object".into());
    }
    if p.i != p.s.len() {
        return Err(format!("unexpected text at column {}", p.i + 1));
    }
    Ok(v)
}

/// Numbers at or above this are not read as whole numbers (every number a real run's line
/// holds is a handle, a result, an lParam or a line: all below 2^32).
const MAX_WHOLE: u64 = 4_000_000_000;

/// Reads a JSON number (`-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`): `None` when `t`
/// is not one, `Some(None)` when it is one but not a whole number in `0..MAX_WHOLE`.
fn number(t: &[u8]) -> Option<Option<u64>> {
    let digits = |t: &[u8]| t.iter().take_while(|c| c.is_ascii_digit()).count();
    let (neg, t) = match t.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, t),
    };
    let n = digits(t);
    if n == 0 || (t[0] == b'0' && n > 1) {
        return None;
    }
    let (int, mut t) = t.split_at(n);
    let mut frac: &[u8] = &[];
    if let Some((b'.', rest)) = t.split_first() {
        let n = digits(rest);
        if n == 0 {
            return None;
        }
        (frac, t) = rest.split_at(n);
    }
    // The exponent, saturated: anything past ±10^6 says the same.
    let mut exp: i64 = 0;
    if let Some((b'e' | b'E', rest)) = t.split_first() {
        let (sign, rest) = match rest.split_first() {
            Some((b'-', r)) => (-1, r),
            Some((b'+', r)) => (1, r),
            _ => (1, rest),
        };
        let n = digits(rest);
        if n == 0 {
            return None;
        }
        for c in &rest[..n] {
            exp = (exp * 10 + i64::from(c - b'0')).min(1_000_000);
        }
        exp *= sign;
        t = &rest[n..];
    }
    if !t.is_empty() {
        return None;
    }
    // The value is the digits of `int` and `frac` times 10^shift.
    let mut all: Vec<u8> = int.iter().chain(frac).copied().collect();
    let mut shift = exp - frac.len() as i64;
    while shift < 0 && all.last() == Some(&b'0') {
        all.pop();
        shift += 1;
    }
    let first = all.iter().position(|&c| c != b'0');
    let Some(first) = first else {
        return Some(Some(0)); // zero, whichever its sign or exponent
    };
    let all = &all[first..];
    if neg || shift < 0 || all.len() as i64 + shift > 10 {
        return Some(None);
    }
    let mut v: u64 = 0;
    for c in all {
        v = v * 10 + u64::from(c - b'0');
    }
    for _ in 0..shift {
        v *= 10;
    }
    Some((v < MAX_WHOLE).then_some(v))
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) -> Result<(), String> {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("expected '{}' at column {}", c as char, self.i + 1))
        }
    }
    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > 16 {
            return Err("nested too deeply".into());
        }
        self.ws();
        let rest = &self.s[self.i..];
        match rest.first() {
            None => Err("the line ends too early".into()),
            Some(b'{') => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Value::Obj(fields));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.eat(b':')?;
                    fields.push((k, self.value(depth + 1)?));
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Value::Obj(fields));
                        }
                        _ => return Err(format!("expected ',' or '}}' at column {}", self.i + 1)),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Value::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Value::Arr(items));
                        }
                        _ => return Err(format!("expected ',' or ']' at column {}", self.i + 1)),
                    }
                }
            }
            Some(b'"') => self.string().map(Value::Str),
            _ if rest.starts_with(b"null") => {
                self.i += 4;
                Ok(Value::Null)
            }
            _ if rest.starts_with(b"true") => {
                self.i += 4;
                Ok(Value::Bool(true))
            }
            _ if rest.starts_with(b"false") => {
                self.i += 5;
                Ok(Value::Bool(false))
            }
            Some(c) if *c == b'-' || c.is_ascii_digit() => {
                let start = self.i;
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|c| b"+-.eE".contains(c) || c.is_ascii_digit())
                {
                    self.i += 1;
                }
                let t = &self.s[start..self.i];
                number(t)
                    .map(Value::Num)
                    .ok_or_else(|| format!("bad number {}", String::from_utf8_lossy(t)))
            }
            Some(_) => Err(format!("unexpected character at column {}", self.i + 1)),
        }
    }
    fn string(&mut self) -> Result<String, String> {
        if self.s.get(self.i) != Some(&b'"') {
            return Err(format!("expected a string at column {}", self.i + 1));
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.s.get(self.i) {
                None => return Err("a string is not closed".into()),
                Some(b'"') => {
                    self.i += 1;
                    return String::from_utf8(out).map_err(|_| "a string is not UTF-8".into());
                }
                Some(b'\\') => {
                    let c = *self.s.get(self.i + 1).ok_or("a string is not closed")?;
                    self.i += 2;
                    match c {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'u' => {
                            let h = self.s.get(self.i..self.i + 4).ok_or("a short \\u escape")?;
                            let h = core::str::from_utf8(h).map_err(|_| "a bad \\u escape")?;
                            let c = u32::from_str_radix(h, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .unwrap_or('\u{fffd}');
                            let mut b = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                            self.i += 4;
                        }
                        c => out.push(c),
                    }
                }
                Some(c) => {
                    out.push(*c);
                    self.i += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{number, parse, Value, MAX_WHOLE};

    #[test]
    fn whole_numbers_are_read_exactly() {
        for (t, v) in [
            ("0", 0),
            ("7", 7),
            ("1.0", 1),
            ("100e-2", 1),
            ("1E3", 1000),
            ("1.5e1", 15),
            ("-0", 0),
            ("-0.0e5", 0),
            ("0.000e-9", 0),
            ("3999999999", 3_999_999_999),
            ("2147483648", 2_147_483_648),
        ] {
            assert_eq!(number(t.as_bytes()), Some(Some(v)), "{t}");
        }
    }

    #[test]
    fn other_numbers_are_numbers_but_not_whole() {
        for t in [
            "-1",
            "0.5",
            "1e-1",
            "1.25",
            "4000000000",
            "4e9",
            "1e999999999999",
            "12345678901",
            "-3.5E2",
        ] {
            assert_eq!(number(t.as_bytes()), Some(None), "{t}");
        }
        assert_eq!(MAX_WHOLE, 4_000_000_000);
    }

    #[test]
    fn what_json_does_not_call_a_number_is_refused() {
        for t in [
            "", "-", "01", "+1", "1.", ".5", "1e", "1e+", "1-2", "1.2.3", "--1", "0x10",
        ] {
            assert_eq!(number(t.as_bytes()), None, "{t}");
        }
        assert_eq!(parse(r#"{"a": 01}"#), Err("bad number 01".into()));
    }

    #[test]
    fn a_line_reads_its_numbers() {
        let v = parse(r#"{"line": 12, "lparam": 2.0e0, "x": -1.5}"#).unwrap();
        assert_eq!(
            (v.num("line"), v.num("lparam"), v.num("x")),
            (Some(12), Some(2), None)
        );
        assert!(matches!(v, Value::Obj(_)));
    }
}
