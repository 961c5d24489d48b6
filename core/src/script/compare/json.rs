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
    Num(f64),
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
            Value::Num(n) if *n >= 0.0 && *n < 4e9 && (*n as u64) as f64 == *n => Some(*n as u64),
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
                let t = core::str::from_utf8(&self.s[start..self.i]).map_err(|_| "bad number")?;
                t.parse()
                    .map(Value::Num)
                    .map_err(|_| format!("bad number {t}"))
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
