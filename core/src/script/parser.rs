//! The parser: one statement per line, recovering at the end of every bad line.
//!
//! Each line is lexed and parsed on its own, so an error never spreads to the next
//! line and every bad line contributes exactly one [`ScriptError`]. The grammar is
//! LL(2): a line starting with `NAME ':'` is a host call, any other line starts with
//! a keyword.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::Ipv4Addr;

use super::ast::*;
use super::lexer::{lex_line, quote_found, LexBuffers, Tok, Token};
use super::{Parsed, ScriptError, MAX_ERRORS, MAX_LINES, MAX_SOURCE_BYTES};
use crate::profile::Profile;
use crate::time::Duration;

/// Every statement keyword, for "did you mean" suggestions.
const KEYWORDS: &[&str] = &[
    "if",
    "title",
    "about",
    "profile",
    "host",
    "window",
    "link",
    "destroy",
    "run",
    "step",
    "expect",
    "partition",
    "heal",
    "reset",
    "network",
    "address",
    "route",
    "qos",
];

const EXPECTED_MESSAGE: &str = "a message such as WM_USER+1(A, FD_READ, 0), or 'empty'";
const EXPECTED_RESULT: &str = "a result such as 0, SOCKET_ERROR WSAEWOULDBLOCK, or none";

/// Parses a whole source text.
pub(crate) fn parse_source(src: &str) -> Parsed {
    let mut parsed = Parsed::default();
    if src.len() > MAX_SOURCE_BYTES {
        parsed.errors.push(ScriptError {
            line: 1,
            col: 1,
            expected: format!("a script of at most 1 MiB ({MAX_SOURCE_BYTES} bytes)"),
            found: format!("{} bytes", src.len()),
        });
        return parsed;
    }
    // An editor may save a byte-order mark; it is invisible, so columns start after it.
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let body = src.strip_suffix('\n').unwrap_or(src);
    let line_count = if src.is_empty() {
        0
    } else {
        body.split('\n').count()
    };
    if line_count > MAX_LINES {
        parsed.errors.push(ScriptError {
            line: to_u32(MAX_LINES + 1),
            col: 1,
            expected: format!("a script of at most {MAX_LINES} lines"),
            found: format!("{line_count} lines"),
        });
        return parsed;
    }
    // At most a statement a line: one allocation instead of the doublings (each copies
    // every statement so far), and what blank and comment lines leave is given back.
    parsed.script.stmts.reserve_exact(line_count);
    let mut buf = LexBuffers::default();
    for (index, raw) in body.split('\n').enumerate() {
        let line = to_u32(index + 1);
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        match parse_line(text, line, &mut buf) {
            Ok(Some(stmt)) => parsed.script.stmts.push(stmt),
            Ok(None) => {}
            Err(error) => {
                if parsed.errors.len() == MAX_ERRORS {
                    parsed.errors.push(ScriptError {
                        line,
                        col: 1,
                        expected: format!("at most {MAX_ERRORS} errors (parsing stopped here)"),
                        found: "more".to_string(),
                    });
                    break;
                }
                parsed.errors.push(error);
            }
        }
    }
    parsed.script.stmts.shrink_to_fit();
    parsed
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Parses one line: `Ok(None)` for a blank or comment-only line. `buf` is the lexer's,
/// kept from line to line.
fn parse_line<'a>(
    text: &'a str,
    line: u32,
    buf: &mut LexBuffers<'a>,
) -> Result<Option<Stmt>, ScriptError> {
    lex_line(text, buf).map_err(|e| ScriptError {
        line,
        col: e.col,
        expected: e.expected,
        found: e.found,
    })?;
    let tokens = &buf.tokens;
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return Ok(None);
    };
    let span = Span::new(line, first.col, first.len).to(Span::new(line, last.col, last.len));
    let mut p = LineParser {
        toks: tokens,
        pos: 0,
        line,
    };
    let kind = p.statement()?;
    if p.peek().is_some() {
        return Err(p.error("end of line"));
    }
    Ok(Some(Stmt { span, kind }))
}

/// The parser for the tokens of one line.
struct LineParser<'t, 'a> {
    toks: &'t [Token<'a>],
    pos: usize,
    line: u32,
}

/// The Levenshtein distance between two short ASCII-ish strings.
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let delete = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let insert = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(substitute.min(delete).min(insert));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The keyword `word` is probably a misspelling of, if any.
fn suggest_keyword(word: &str) -> Option<&'static str> {
    if word.len() > 20 {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    KEYWORDS
        .iter()
        .map(|kw| (edit_distance(&lower, kw), *kw))
        .filter(|(d, kw)| *d <= 2 && *d < kw.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, kw)| kw)
}

impl<'t, 'a> LineParser<'t, 'a> {
    fn peek(&self) -> Option<&'t Token<'a>> {
        self.toks.get(self.pos)
    }

    fn peek_nth(&self, n: usize) -> Option<&'t Token<'a>> {
        self.toks.get(self.pos + n)
    }

    fn bump(&mut self) -> Option<&'t Token<'a>> {
        let tok = self.toks.get(self.pos);
        if tok.is_some() {
            self.pos += 1;
        }
        tok
    }

    fn span(&self, tok: &Token<'_>) -> Span {
        Span::new(self.line, tok.col, tok.len)
    }

    fn peek_is(&self, kind: &Tok) -> bool {
        self.peek().is_some_and(|t| &t.kind == kind)
    }

    fn peek_is_word(&self, word: &str) -> bool {
        self.peek()
            .is_some_and(|t| t.kind == Tok::Ident && t.text == word)
    }

    /// An error at token `index` (or at the end of the line if there is none).
    fn error_at(&self, index: usize, expected: impl Into<String>) -> ScriptError {
        let expected = expected.into();
        match self.toks.get(index) {
            Some(tok) => ScriptError {
                line: self.line,
                col: tok.col,
                expected,
                found: quote_found(tok.text),
            },
            None => ScriptError {
                line: self.line,
                col: self.toks.last().map_or(1, |t| t.col.saturating_add(t.len)),
                expected,
                found: "end of line".to_string(),
            },
        }
    }

    /// An error at the current token.
    fn error(&self, expected: impl Into<String>) -> ScriptError {
        self.error_at(self.pos, expected)
    }

    fn ident(&mut self, what: &str) -> Result<Ident, ScriptError> {
        match self.peek() {
            Some(tok) if tok.kind == Tok::Ident => {
                self.pos += 1;
                Ok(Ident {
                    name: tok.text.to_string(),
                    span: self.span(tok),
                })
            }
            _ => Err(self.error(what)),
        }
    }

    fn keyword(&mut self, word: &str) -> Result<(), ScriptError> {
        if self.peek_is_word(word) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("'{word}'")))
        }
    }

    fn punct(&mut self, kind: Tok, expected: &str) -> Result<&'t Token<'a>, ScriptError> {
        match self.peek() {
            Some(tok) if tok.kind == kind => {
                self.pos += 1;
                Ok(tok)
            }
            _ => Err(self.error(expected)),
        }
    }

    fn ipv4(&mut self, what: &str) -> Result<Spanned<Ipv4Addr>, ScriptError> {
        match self.peek() {
            Some(
                tok @ Token {
                    kind: Tok::Ipv4(ip),
                    ..
                },
            ) => {
                self.pos += 1;
                Ok(Spanned {
                    value: *ip,
                    span: self.span(tok),
                })
            }
            Some(Token {
                kind: Tok::Addr(_), ..
            }) => Err(self.error("an IPv4 address without a port, such as 10.0.0.1")),
            _ => Err(self.error(what)),
        }
    }

    fn duration(&mut self) -> Result<Spanned<Duration>, ScriptError> {
        match self.peek() {
            Some(
                tok @ Token {
                    kind: Tok::Duration(d),
                    ..
                },
            ) => {
                self.pos += 1;
                Ok(Spanned {
                    value: *d,
                    span: self.span(tok),
                })
            }
            Some(Token {
                kind: Tok::Int { .. },
                ..
            }) => Err(self.error("a duration with a unit (us, ms or s), such as 5ms")),
            _ => Err(self.error("a duration such as 5ms, 2s or 100us")),
        }
    }

    // ---- statements ----------------------------------------------------------

    /// `documented` or `windows`, after `profile` or `if`.
    fn profile_name(&mut self) -> Result<Spanned<Profile>, ScriptError> {
        let expected = "a profile: 'documented' or 'windows'";
        let value = match self.peek().map(|t| (&t.kind, t.text)) {
            Some((Tok::Ident, "documented")) => Profile::Documented,
            Some((Tok::Ident, "windows")) => Profile::Windows,
            _ => return Err(self.error(expected)),
        };
        let tok = self.bump().ok_or_else(|| self.error(expected))?;
        Ok(Spanned {
            value,
            span: self.span(tok),
        })
    }

    fn statement(&mut self) -> Result<StmtKind, ScriptError> {
        let Some(first) = self.peek() else {
            return Err(self.error("a statement"));
        };
        if first.kind != Tok::Ident {
            return Err(self.error("a statement keyword such as 'run' or 'expect', or a host call such as server: WSAStartup()"));
        }
        if self.peek_nth(1).is_some_and(|t| t.kind == Tok::Colon) {
            return self.host_call().map(StmtKind::Call);
        }
        self.pos += 1;
        Ok(match first.text {
            "if" => {
                let profile = self.profile_name()?;
                self.punct(
                    Tok::Colon,
                    "':' and the statement that runs only under this profile",
                )?;
                if self.peek_is_word("if") {
                    return Err(self.error("a statement (an 'if' cannot hold another 'if')"));
                }
                StmtKind::Only {
                    profile,
                    stmt: alloc::boxed::Box::new(self.statement()?),
                }
            }
            "title" => StmtKind::Title(self.text()?),
            "about" => StmtKind::About(self.text()?),
            "profile" => StmtKind::Profile(self.profile_name()?),
            "host" => {
                let name = self.ident("a host name")?;
                let addr = self.ipv4("the host's IPv4 address, such as 10.0.0.1")?;
                StmtKind::Host { name, addr }
            }
            "window" => {
                let host = self.ident("the name of the host that owns the window")?;
                let name = self.ident("a window name")?;
                StmtKind::Window { host, name }
            }
            "link" => {
                let a = self.ident("a host name")?;
                let b = self.ident("a second host name")?;
                self.keyword("latency")?;
                let latency = self.duration()?;
                StmtKind::Link { a, b, latency }
            }
            "destroy" => {
                self.keyword("window")?;
                StmtKind::DestroyWindow {
                    window: self.ident("a window name")?,
                }
            }
            "run" => {
                if self.peek_is_word("until") {
                    self.pos += 1;
                    self.keyword("idle")?;
                    StmtKind::RunUntilIdle
                } else if self.peek_is_word("for") {
                    self.pos += 1;
                    StmtKind::RunFor(self.duration()?)
                } else {
                    return Err(self.error("'until idle', or 'for' and a duration"));
                }
            }
            "step" => match self.peek() {
                None => StmtKind::Step(None),
                Some(
                    tok @ Token {
                        kind: Tok::Int { value, .. },
                        ..
                    },
                ) => {
                    if *value == 0 {
                        return Err(self.error("a step count of at least 1"));
                    }
                    self.pos += 1;
                    StmtKind::Step(Some(Spanned {
                        value: *value,
                        span: self.span(tok),
                    }))
                }
                Some(_) => return Err(self.error("a step count such as 3, or end of line")),
            },
            "expect" => self.expect_stmt()?,
            "partition" | "heal" => {
                let a = self.ident("a host name")?;
                let b = self.ident("a second host name")?;
                if first.text == "partition" {
                    StmtKind::Partition { a, b }
                } else {
                    StmtKind::Heal { a, b }
                }
            }
            "reset" => StmtKind::Reset {
                socket: self.ident("a socket variable")?,
            },
            "network" => {
                let up = if self.peek_is_word("up") {
                    true
                } else if self.peek_is_word("down") {
                    false
                } else {
                    return Err(self.error("'up' or 'down'"));
                };
                self.pos += 1;
                let host = self.ident("a host name")?;
                if up {
                    StmtKind::NetworkUp { host }
                } else {
                    StmtKind::NetworkDown { host }
                }
            }
            "address" => {
                let add = if self.peek_is_word("add") {
                    true
                } else if self.peek_is_word("remove") {
                    false
                } else {
                    return Err(self.error("'add' or 'remove'"));
                };
                self.pos += 1;
                let host = self.ident("a host name")?;
                let addr = self.ipv4("an IPv4 address such as 10.0.0.3")?;
                if add {
                    StmtKind::AddressAdd { host, addr }
                } else {
                    StmtKind::AddressRemove { host, addr }
                }
            }
            "route" => {
                self.keyword("change")?;
                let host = self.ident("a host name")?;
                let dest = match self.peek() {
                    Some(Token {
                        kind: Tok::Ipv4(_), ..
                    }) => Some(self.ipv4("a destination such as 10.0.0.1")?),
                    _ => None,
                };
                StmtKind::RouteChange { host, dest }
            }
            "qos" => {
                self.keyword("change")?;
                StmtKind::QosChange {
                    socket: self.ident("a socket variable")?,
                }
            }
            other => return Err(self.unknown_statement(other)),
        })
    }

    /// The error for a line that starts with a name that is not a keyword and is not
    /// followed by ':'. The current token is the one after that name.
    fn unknown_statement(&self, word: &str) -> ScriptError {
        let start = self.pos.saturating_sub(1);
        if self.peek_is(&Tok::LParen) {
            return self.error_at(
                start,
                "a host name and ':' before the call, such as server: WSAStartup()",
            );
        }
        let call_follows = self.peek().is_some_and(|t| t.kind == Tok::Ident)
            && self
                .peek_nth(1)
                .is_some_and(|t| matches!(t.kind, Tok::LParen | Tok::Eq));
        if call_follows && suggest_keyword(word).is_none() {
            return self.error(format!("':' after the host name '{word}'"));
        }
        match suggest_keyword(word) {
            Some(kw) => self.error_at(start, format!("a statement keyword (did you mean '{kw}'?)")),
            None => self.error_at(
                start,
                "a statement keyword such as 'run' or 'expect', or a host call such as server: WSAStartup()",
            ),
        }
    }

    /// The quoted text of `title` and `about`.
    fn text(&mut self) -> Result<Spanned<String>, ScriptError> {
        match self.peek() {
            Some(
                tok @ Token {
                    kind: Tok::Str(bytes),
                    ..
                },
            ) => match String::from_utf8(bytes.clone()) {
                Ok(value) => {
                    self.pos += 1;
                    Ok(Spanned {
                        value,
                        span: self.span(tok),
                    })
                }
                Err(_) => Err(self.error(
                    "text that is valid UTF-8 (\\x escapes above \\x7f belong in payloads)",
                )),
            },
            _ => Err(self.error("a quoted string such as \"FD_READ is level-triggered\"")),
        }
    }

    fn expect_stmt(&mut self) -> Result<StmtKind, ScriptError> {
        let name = self.ident("a window name and ':', or a socket variable and 'state'")?;
        if self.peek_is(&Tok::Colon) {
            self.pos += 1;
            if self.peek_is_word("empty")
                && !self.peek_nth(1).is_some_and(|t| t.kind == Tok::LParen)
            {
                self.pos += 1;
                return Ok(StmtKind::ExpectEmpty { window: name });
            }
            let start = self.pos;
            let expr = self.term(true, EXPECTED_MESSAGE)?;
            return match expr.kind {
                ExprKind::Message(message) => Ok(StmtKind::ExpectMessage {
                    window: name,
                    message: *message,
                }),
                _ => Err(self.error_at(start, EXPECTED_MESSAGE)),
            };
        }
        if self.peek_is_word("state") {
            self.pos += 1;
            let state = self.ident("a TCP state such as ESTABLISHED")?;
            return Ok(StmtKind::ExpectState {
                socket: name,
                state,
            });
        }
        Err(self.error("':' and a message (for a window), or 'state' (for a socket)"))
    }

    fn host_call(&mut self) -> Result<HostCall, ScriptError> {
        let host = self.ident("a host name")?;
        self.punct(Tok::Colon, "':'")?;
        let repeat =
            self.peek_is_word("repeat") && self.peek_nth(1).is_some_and(|t| t.kind == Tok::Ident);
        if repeat {
            self.pos += 1;
        }
        let hook = !repeat
            && self.peek_is_word("hook")
            && self.peek_nth(1).is_some_and(|t| t.kind == Tok::Ident);
        if hook {
            self.pos += 1;
        }
        let first = self.ident("a call such as socket(AF_INET, SOCK_STREAM), or VAR = call")?;
        let (bind, name) = if repeat || hook {
            (None, first)
        } else if self.peek_is(&Tok::Eq) {
            self.pos += 1;
            (
                Some(first),
                self.ident("a call such as socket(AF_INET, SOCK_STREAM)")?,
            )
        } else if self.peek_is(&Tok::LParen) {
            (None, first)
        } else {
            return Err(self.error("'(' and the call's arguments, or '=' to name the result"));
        };
        let call = self.call(name)?;
        let until = if repeat {
            if !self.peek_is_word("until") {
                return Err(self.error("'until' and the result that ends the repetition"));
            }
            self.pos += 1;
            Some(self.outcome()?)
        } else {
            None
        };
        let expect = match self.peek() {
            None => None,
            Some(tok) if tok.kind == Tok::Arrow => {
                self.pos += 1;
                Some(self.outcome()?)
            }
            Some(_) => return Err(self.error("'=>' and the expected result, or end of line")),
        };
        Ok(HostCall {
            host,
            bind,
            call,
            expect,
            until,
            hook,
        })
    }

    fn call(&mut self, name: Ident) -> Result<Call, ScriptError> {
        self.punct(Tok::LParen, "'(' and the call's arguments")?;
        let mut args = Vec::new();
        let close = loop {
            if args.is_empty() {
                if let Some(tok) = self.peek().filter(|t| t.kind == Tok::RParen) {
                    self.pos += 1;
                    break tok;
                }
                args.push(self.expr(true, "an argument or ')'")?);
            } else {
                args.push(self.expr(true, "an argument after ','")?);
            }
            match self.peek() {
                Some(tok) if tok.kind == Tok::RParen => {
                    self.pos += 1;
                    break tok;
                }
                Some(tok) if tok.kind == Tok::Comma => self.pos += 1,
                _ => return Err(self.error("',' or ')'")),
            }
        };
        let span = name.span.to(self.span(close));
        Ok(Call { name, args, span })
    }

    /// `ATOM {ATOM} {'or' ATOM {ATOM}}`, up to the end of the line or a `=>`.
    fn outcome(&mut self) -> Result<Outcome, ScriptError> {
        let mut results: Vec<Vec<Expr>> = Vec::from([Vec::new()]);
        loop {
            let atoms = results.last_mut().expect("invariant: one result at least");
            let what = if atoms.is_empty() {
                EXPECTED_RESULT
            } else {
                "another result atom, 'or', or end of line"
            };
            atoms.push(self.expr(true, what)?);
            if self.peek_is_word("or") {
                self.pos += 1;
                results.push(Vec::new());
                continue;
            }
            if self.peek().is_none_or(|t| t.kind == Tok::Arrow) {
                break;
            }
        }
        let mut results = results.into_iter();
        let atoms = results.next().expect("invariant: one result at least");
        let span = match (atoms.first(), atoms.last()) {
            (Some(first), Some(last)) => first.span.to(last.span),
            _ => Span::new(self.line, 1, 0),
        };
        Ok(Outcome {
            atoms,
            span,
            others: results.collect(),
        })
    }

    // ---- values --------------------------------------------------------------

    /// `TERM {'|' TERM}`; with more than one term each must be a name or an integer.
    fn expr(&mut self, allow_msg: bool, what: &str) -> Result<Expr, ScriptError> {
        let start = self.pos;
        let first = self.term(allow_msg, what)?;
        if !self.peek_is(&Tok::Pipe) {
            return Ok(first);
        }
        let is_flag = |e: &Expr| {
            matches!(
                e.kind,
                ExprKind::Name(_) | ExprKind::Int { .. } | ExprKind::WithError { .. }
            )
        };
        if !is_flag(&first) {
            return Err(self.error_at(
                start,
                "a flag name such as FD_READ, or a number, before '|'",
            ));
        }
        let mut span = first.span;
        let mut parts = Vec::from([first]);
        while self.peek_is(&Tok::Pipe) {
            self.pos += 1;
            let at = self.pos;
            let what = "a flag name such as FD_READ, or a number, after '|'";
            let part = self.term(false, what)?;
            if !is_flag(&part) {
                return Err(self.error_at(at, what));
            }
            span = span.to(part.span);
            parts.push(part);
        }
        Ok(Expr {
            span,
            kind: ExprKind::Flags(parts),
        })
    }

    /// One value without `|`.
    fn term(&mut self, allow_msg: bool, what: &str) -> Result<Expr, ScriptError> {
        let Some(tok) = self.peek() else {
            return Err(self.error(what));
        };
        let span = self.span(tok);
        let leaf = |kind| Ok(Expr { span, kind });
        match &tok.kind {
            Tok::Ident => {
                self.pos += 1;
                let mut expr = Expr {
                    span,
                    kind: ExprKind::Name(tok.text.to_string()),
                };
                if self.peek_is(&Tok::Plus) {
                    self.pos += 1;
                    let offset = match self.peek() {
                        Some(
                            n @ Token {
                                kind: Tok::Int { value, .. },
                                ..
                            },
                        ) => {
                            self.pos += 1;
                            Spanned {
                                value: *value,
                                span: self.span(n),
                            }
                        }
                        _ => return Err(self.error(format!("a number after '{}+'", tok.text))),
                    };
                    let base = Ident {
                        name: tok.text.to_string(),
                        span,
                    };
                    expr = Expr {
                        span: span.to(offset.span),
                        kind: ExprKind::Offset { base, offset },
                    };
                }
                if self.peek_is(&Tok::LParen) {
                    let one_arg = self
                        .peek_nth(1)
                        .is_some_and(|t| matches!(t.kind, Tok::Ident | Tok::Int { .. }))
                        && self.peek_nth(2).is_some_and(|t| t.kind == Tok::RParen);
                    if let (true, ExprKind::Name(name)) = (one_arg, &expr.kind) {
                        // `FD_CONNECT(WSAECONNREFUSED)`: an event with its error.
                        self.pos += 1;
                        let error = self.term(false, "an error such as WSAECONNREFUSED, or 0")?;
                        let close = self.punct(Tok::RParen, "')'")?;
                        let event = Ident {
                            name: name.clone(),
                            span,
                        };
                        return Ok(Expr {
                            span: span.to(self.span(close)),
                            kind: ExprKind::WithError {
                                event,
                                error: alloc::boxed::Box::new(error),
                            },
                        });
                    }
                    return self.message(expr, allow_msg);
                }
                Ok(expr)
            }
            Tok::NegInt(value) => {
                self.pos += 1;
                leaf(ExprKind::NegInt(*value))
            }
            Tok::Int { value, hex } => {
                self.pos += 1;
                if self.peek_is_word("bytes") || self.peek_is_word("byte") {
                    let unit = self.bump().map_or(span, |t| self.span(t));
                    return Ok(Expr {
                        span: span.to(unit),
                        kind: ExprKind::Bytes(*value),
                    });
                }
                let expr = Expr {
                    span,
                    kind: ExprKind::Int {
                        value: *value,
                        hex: *hex,
                    },
                };
                if self.peek_is(&Tok::LParen) {
                    return self.message(expr, allow_msg);
                }
                Ok(expr)
            }
            Tok::Duration(d) => {
                self.pos += 1;
                leaf(ExprKind::Duration(*d))
            }
            Tok::Ipv4(ip) => {
                self.pos += 1;
                leaf(ExprKind::Ipv4(*ip))
            }
            Tok::Addr(addr) => {
                self.pos += 1;
                leaf(ExprKind::SockAddr(*addr))
            }
            Tok::Str(bytes) => {
                self.pos += 1;
                leaf(ExprKind::Str(bytes.clone()))
            }
            Tok::Hex(bytes) => {
                self.pos += 1;
                leaf(ExprKind::Hex(bytes.clone()))
            }
            _ => Err(self.error(what)),
        }
    }

    /// `MSG '(' SOCKET ',' EVENT ',' ERROR ')'`, with the current token on the `(`.
    fn message(&mut self, msg: Expr, allow_msg: bool) -> Result<Expr, ScriptError> {
        if !allow_msg {
            return Err(self
                .error("',' or ')' here (a message pattern cannot be nested or joined with '|')"));
        }
        self.pos += 1;
        let three = "a message pattern has three arguments, MSG(socket, event, error)";
        let socket = self.expr(false, "the message's socket (wParam), such as A")?;
        self.punct(Tok::Comma, &format!("',' and the event: {three}"))?;
        let event = self.expr(false, "the message's event, such as FD_READ")?;
        self.punct(Tok::Comma, &format!("',' and the error: {three}"))?;
        let error = self.expr(false, "the message's error, such as 0 or WSAECONNRESET")?;
        let close = self.punct(Tok::RParen, &format!("')': {three}"))?;
        let span = msg.span.to(self.span(close));
        Ok(Expr {
            span,
            kind: ExprKind::Message(Box::new(MsgPattern {
                msg,
                socket,
                event,
                error,
                span,
            })),
        })
    }
}
