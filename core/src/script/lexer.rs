//! The lexer: turns one line of a scenario into tokens, or reports the first bad character.
//!
//! The language is line-oriented, so the lexer works a line at a time and the
//! parser recovers at the end of each line. A `#` outside a string starts a
//! comment that runs to the end of the line. Tokens must not run into each other
//! where that would be ambiguous: `5ms` is a duration, but `5xyz` is an error
//! rather than `5` followed by `xyz`.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::{Ipv4Addr, SocketAddrV4};

use crate::time::Duration;

/// A token's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A name; its text is [`Token::text`].
    Ident,
    /// `50` or `0x3ff`.
    Int { value: u64, hex: bool },
    /// `-1`: a negative decimal integer (its magnitude), as Winsock's `int` arguments
    /// may be given.
    NegInt(u64),
    /// `5ms`, `2s`, `100us`.
    Duration(Duration),
    /// `10.0.0.2`.
    Ipv4(Ipv4Addr),
    /// `10.0.0.2:80` (written without spaces).
    Addr(SocketAddrV4),
    /// `"…"`, escapes decoded.
    Str(Vec<u8>),
    /// `x"de ad"`.
    Hex(Vec<u8>),
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `:`
    Colon,
    /// `=`
    Eq,
    /// `=>`
    Arrow,
    /// `|`
    Pipe,
    /// `+`
    Plus,
}

/// A token: its value, its source text, and where it is on the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub kind: Tok,
    pub text: &'a str,
    /// 1-based column in characters.
    pub col: u32,
    /// Length in characters.
    pub len: u32,
}

/// A lexical error on a line: 1-based column, what was expected, what was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LexError {
    pub col: u32,
    pub expected: String,
    pub found: String,
}

/// Describes source text for the `found` part of an error: quoted and escaped like
/// a Rust string, shortened to 40 characters.
pub(crate) fn quote_found(text: &str) -> String {
    const MAX: usize = 40;
    let mut shown: String = text.chars().take(MAX).collect();
    if text.chars().nth(MAX).is_some() {
        shown.push('…');
    }
    let plain = !shown.chars().any(|c| c.is_control() || c == '`');
    if plain && shown.contains(['"', '\\']) {
        // Escaping quotes and backslashes would be hard to read: `"\xff"` beats "\"\\xff\"".
        format!("`{shown}`")
    } else {
        format!("{shown:?}")
    }
}

/// Describes one unexpected character: `"@"`, or `U+00A0` for invisible ones.
fn describe_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}') {
        format!("U+{:04X}", c as u32)
    } else {
        format!("\"{c}\"")
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The buffers [`lex_line`] fills, kept from one line to the next so a script's lines do
/// not each allocate their own.
#[derive(Default)]
pub(crate) struct LexBuffers<'a> {
    chars: Vec<(usize, char)>,
    /// The line's tokens, once [`lex_line`] has returned `Ok`.
    pub(crate) tokens: Vec<Token<'a>>,
}

/// Lexes one line (without its line terminator) into `buf.tokens`.
pub(crate) fn lex_line<'a>(line: &'a str, buf: &mut LexBuffers<'a>) -> Result<(), LexError> {
    buf.chars.clear();
    buf.chars.extend(line.char_indices());
    buf.tokens.clear();
    Lexer {
        line,
        chars: &buf.chars,
        pos: 0,
    }
    .run(&mut buf.tokens)
}

struct Lexer<'a, 'b> {
    line: &'a str,
    chars: &'b [(usize, char)],
    /// Index into `chars`.
    pos: usize,
}

impl<'a> Lexer<'a, '_> {
    fn peek_at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    fn byte_at(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.line.len(), |&(b, _)| b)
    }

    /// The source text of characters `start..end`.
    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.line
            .get(self.byte_at(start)..self.byte_at(end))
            .unwrap_or("")
    }

    fn col(i: usize) -> u32 {
        u32::try_from(i).map_or(u32::MAX, |i| i.saturating_add(1))
    }

    /// The end of the "word" starting at `start`: used to show what was found.
    fn word_end(&self, start: usize) -> usize {
        let mut i = start;
        while let Some(c) = self.peek_at(i) {
            if c == ' ' || c == '\t' || "(),|+=#\"".contains(c) {
                break;
            }
            i += 1;
        }
        i.max(start + 1).min(self.chars.len().max(start))
    }

    fn error_word(&self, start: usize, expected: &str) -> LexError {
        let end = self.word_end(start);
        LexError {
            col: Self::col(start),
            expected: expected.to_string(),
            found: quote_found(self.slice(start, end)),
        }
    }

    fn token(&self, kind: Tok, start: usize, end: usize) -> Token<'a> {
        let len = u32::try_from(end.saturating_sub(start)).unwrap_or(u32::MAX);
        Token {
            kind,
            text: self.slice(start, end),
            col: Self::col(start),
            len,
        }
    }

    fn run(mut self, tokens: &mut Vec<Token<'a>>) -> Result<(), LexError> {
        while let Some(c) = self.peek_at(self.pos) {
            let start = self.pos;
            let punct = match c {
                ' ' | '\t' => {
                    self.pos += 1;
                    continue;
                }
                '#' => break,
                '(' => Some(Tok::LParen),
                ')' => Some(Tok::RParen),
                ',' => Some(Tok::Comma),
                ':' => Some(Tok::Colon),
                '|' => Some(Tok::Pipe),
                '+' => Some(Tok::Plus),
                '=' if self.peek_at(start + 1) == Some('>') => {
                    self.pos += 2;
                    tokens.push(self.token(Tok::Arrow, start, self.pos));
                    continue;
                }
                '=' => Some(Tok::Eq),
                _ => None,
            };
            if let Some(kind) = punct {
                self.pos += 1;
                tokens.push(self.token(kind, start, self.pos));
                continue;
            }
            let kind = if c == '"' {
                self.string()?
            } else if c == 'x' && self.peek_at(start + 1) == Some('"') {
                self.hex_payload()?
            } else if is_ident_start(c) {
                while self.peek_at(self.pos).is_some_and(is_ident_continue) {
                    self.pos += 1;
                }
                Tok::Ident
            } else if c.is_ascii_digit() {
                self.number()?
            } else if c == '-' && self.peek_at(start + 1).is_some_and(|d| d.is_ascii_digit()) {
                self.pos += 1;
                match self.number()? {
                    Tok::Int { value, hex: false } => Tok::NegInt(value),
                    _ => {
                        return Err(self.error_word(start, "a negative decimal integer such as -1"))
                    }
                }
            } else {
                let expected = if c == '-' {
                    "a name or a number (a negative number is written -1, without a space)"
                } else {
                    "a name, a number, a string, or one of ( ) , : = => | +"
                };
                return Err(LexError {
                    col: Self::col(start),
                    expected: expected.to_string(),
                    found: describe_char(c),
                });
            };
            tokens.push(self.token(kind, start, self.pos));
        }
        Ok(())
    }

    /// A `"…"` string starting at `self.pos`.
    fn string(&mut self) -> Result<Tok, LexError> {
        let open = self.pos;
        self.pos += 1;
        let mut bytes = Vec::new();
        loop {
            let Some(c) = self.peek_at(self.pos) else {
                return Err(LexError {
                    col: Self::col(open),
                    expected: "a closing '\"' for the string that starts here".to_string(),
                    found: "end of line".to_string(),
                });
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(Tok::Str(bytes));
                }
                '\\' => {
                    let esc = self.pos;
                    let byte = match self.peek_at(esc + 1) {
                        Some('n') => Some(b'\n'),
                        Some('r') => Some(b'\r'),
                        Some('t') => Some(b'\t'),
                        Some('0') => Some(b'\0'),
                        Some('\\') => Some(b'\\'),
                        Some('"') => Some(b'"'),
                        Some('x') => {
                            let hi = self.peek_at(esc + 2).and_then(|c| c.to_digit(16));
                            let lo = self.peek_at(esc + 3).and_then(|c| c.to_digit(16));
                            match (hi, lo) {
                                (Some(hi), Some(lo)) => {
                                    bytes.push((hi * 16 + lo) as u8);
                                    self.pos = esc + 4;
                                    continue;
                                }
                                _ => None,
                            }
                        }
                        _ => None,
                    };
                    let Some(byte) = byte else {
                        let shown = if self.peek_at(esc + 1) == Some('x') {
                            4
                        } else {
                            2
                        };
                        let end = (esc + shown).min(self.chars.len());
                        return Err(LexError {
                            col: Self::col(esc),
                            expected: "an escape: \\n, \\r, \\t, \\0, \\\\, \\\" or \\x followed by two hex digits"
                                .to_string(),
                            found: quote_found(self.slice(esc, end)),
                        });
                    };
                    bytes.push(byte);
                    self.pos = esc + 2;
                }
                c => {
                    let mut buf = [0u8; 4];
                    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    self.pos += 1;
                }
            }
        }
    }

    /// A `x"de ad be ef"` payload starting at `self.pos` (on the `x`).
    fn hex_payload(&mut self) -> Result<Tok, LexError> {
        let open = self.pos;
        self.pos += 2;
        let mut bytes = Vec::new();
        loop {
            let Some(c) = self.peek_at(self.pos) else {
                return Err(LexError {
                    col: Self::col(open),
                    expected: "a closing '\"' for the hex payload that starts here".to_string(),
                    found: "end of line".to_string(),
                });
            };
            if c == '"' {
                self.pos += 1;
                return Ok(Tok::Hex(bytes));
            }
            if c == ' ' || c == '\t' {
                self.pos += 1;
                continue;
            }
            let hi = c.to_digit(16);
            let lo = self.peek_at(self.pos + 1).and_then(|c| c.to_digit(16));
            match (hi, lo) {
                (Some(hi), Some(lo)) => {
                    bytes.push((hi * 16 + lo) as u8);
                    self.pos += 2;
                }
                (Some(_), None) => {
                    return Err(LexError {
                        col: Self::col(self.pos),
                        expected: "hex digits in pairs, such as x\"de ad be ef\"".to_string(),
                        found: match self.peek_at(self.pos + 1) {
                            Some(next) if next != '"' && next != ' ' && next != '\t' => {
                                quote_found(self.slice(self.pos, self.pos + 2))
                            }
                            _ => format!(
                                "a lone hex digit {}",
                                quote_found(self.slice(self.pos, self.pos + 1))
                            ),
                        },
                    })
                }
                (None, _) => {
                    return Err(LexError {
                        col: Self::col(self.pos),
                        expected: "hex digits in pairs, such as x\"de ad be ef\"".to_string(),
                        found: describe_char(c),
                    })
                }
            }
        }
    }

    /// Consumes ASCII digits of `radix` from `self.pos`; returns the value, or `None`
    /// on overflow (the digits are consumed either way), and how many digits there were.
    fn digits(&mut self, radix: u32) -> (Option<u64>, usize) {
        let mut value: Option<u64> = Some(0);
        let mut count = 0;
        while let Some(d) = self.peek_at(self.pos).and_then(|c| c.to_digit(radix)) {
            value = value
                .and_then(|v| v.checked_mul(u64::from(radix)))
                .and_then(|v| v.checked_add(u64::from(d)));
            self.pos += 1;
            count += 1;
        }
        (value, count)
    }

    fn overflow(&self, start: usize, limit: &str) -> LexError {
        let end = self.word_end(start);
        LexError {
            col: Self::col(start),
            expected: format!("a number no larger than {limit}"),
            found: quote_found(self.slice(start, end)),
        }
    }

    /// A number, duration, IPv4 address or address with port, starting at a digit.
    fn number(&mut self) -> Result<Tok, LexError> {
        let start = self.pos;
        let is_hex =
            self.peek_at(start) == Some('0') && matches!(self.peek_at(start + 1), Some('x' | 'X'));
        if is_hex {
            self.pos += 2;
            let (value, count) = self.digits(16);
            if count == 0 || self.peek_at(self.pos).is_some_and(is_ident_continue) {
                return Err(self.error_word(start, "a hexadecimal number such as 0x3ff"));
            }
            let value = value.ok_or_else(|| self.overflow(start, "0xffffffffffffffff"))?;
            return Ok(Tok::Int { value, hex: true });
        }
        let (value, _) = self.digits(10);
        if self.peek_at(self.pos) == Some('.') {
            self.pos = start;
            return self.ipv4();
        }
        if self.peek_at(self.pos).is_some_and(is_ident_start) {
            let digits_end = self.pos;
            while self.peek_at(self.pos).is_some_and(is_ident_continue) {
                self.pos += 1;
            }
            let micros_per_unit = match self.slice(digits_end, self.pos) {
                "us" => 1,
                "ms" => 1_000,
                "s" => 1_000_000,
                _ => {
                    return Err(self.error_word(
                        start,
                        "a number, or a duration with a unit us, ms or s (such as 5ms)",
                    ))
                }
            };
            let micros = value.and_then(|v| v.checked_mul(micros_per_unit));
            return match micros {
                Some(m) => Ok(Tok::Duration(Duration::from_micros(m))),
                None => {
                    Err(self.error_word(start, "a duration no longer than 18446744073709551615us"))
                }
            };
        }
        let value = value.ok_or_else(|| self.overflow(start, "18446744073709551615"))?;
        Ok(Tok::Int { value, hex: false })
    }

    /// `A.B.C.D` or `A.B.C.D:PORT` starting at `self.pos`.
    fn ipv4(&mut self) -> Result<Tok, LexError> {
        let start = self.pos;
        let bad = |lexer: &Self| lexer.error_word(start, "an IPv4 address such as 10.0.0.2");
        let mut octets = [0u8; 4];
        for (i, octet) in octets.iter_mut().enumerate() {
            if i > 0 {
                if self.peek_at(self.pos) != Some('.') {
                    return Err(bad(self));
                }
                self.pos += 1;
            }
            let octet_start = self.pos;
            let (value, count) = self.digits(10);
            if count == 0 {
                return Err(bad(self));
            }
            if count > 1 && self.peek_at(octet_start) == Some('0') {
                return Err(self.error_word(
                    start,
                    "an IPv4 address without leading zeros (inet_addr would read 010 as octal)",
                ));
            }
            *octet = match value.and_then(|v| u8::try_from(v).ok()) {
                Some(v) => v,
                None => {
                    return Err(self.error_word(start, "an IPv4 address with parts from 0 to 255"))
                }
            };
        }
        if self
            .peek_at(self.pos)
            .is_some_and(|c| c == '.' || is_ident_continue(c))
        {
            return Err(bad(self));
        }
        let ip = Ipv4Addr::from(octets);
        if self.peek_at(self.pos) == Some(':')
            && self
                .peek_at(self.pos + 1)
                .is_some_and(|c| c.is_ascii_digit())
        {
            self.pos += 1;
            let (value, _) = self.digits(10);
            if self
                .peek_at(self.pos)
                .is_some_and(|c| c == '.' || is_ident_continue(c))
            {
                return Err(self.error_word(start, "an address such as 10.0.0.2:80"));
            }
            return match value.and_then(|v| u16::try_from(v).ok()) {
                Some(port) => Ok(Tok::Addr(SocketAddrV4::new(ip, port))),
                None => Err(self.error_word(start, "a port from 0 to 65535")),
            };
        }
        Ok(Tok::Ipv4(ip))
    }
}
