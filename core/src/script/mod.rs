//! The scenario language: a text script of Winsock calls, network faults and expectations.
//!
//! [`parse`] turns source text into a [`Script`] syntax tree (see [`ast`]); lowering
//! checks its names and turns it into a typed program; the [`Runner`] executes that
//! program against the simulation. The language itself is described for users in
//! `docs/scenario-language.md`.
//!
//! Files: `lexer` and `parser` (text to [`ast`]); `args` (one atom to one typed value,
//! and the declared names), `calls` (the one table of calls: name, usage, arity,
//! lowering), `lower` (statements and expectations), together the check; `program` (the
//! lowered IR: actions, Winsock [`Call`](crate::winsock::Call)s over variable slots),
//! `expect` (typed expectations and the one function that matches a result), and
//! [`runner`] (the runner, its limits and reports).
//!
//! ```
//! use wsasim::script::{parse, StmtKind};
//!
//! let script = parse("host client 10.0.0.1\nclient: C = socket(AF_INET, SOCK_STREAM)\n").unwrap();
//! assert_eq!(script.stmts.len(), 2);
//! assert!(matches!(script.stmts[1].kind, StmtKind::Call(_)));
//! assert_eq!(script.to_string(), "host client 10.0.0.1\nclient: C = socket(AF_INET, SOCK_STREAM)\n");
//!
//! let errors = parse("run until idle\nrun until\n").unwrap_err();
//! assert_eq!(errors[0].to_string(), "2:10: expected 'idle' but found end of line");
//! ```
//!
//! Modelling decisions:
//! - The parser knows the language's keywords; lowering knows Winsock. So the
//!   parser checks `run until idle` and `profile documented`, but leaves call names,
//!   arities and constants such as `FD_READ` or `ESTABLISHED` as [`Ident`]s.
//! - One statement per line, so error recovery is simply "skip to the next line":
//!   every bad line gives exactly one error, and all of them are reported.
//! - Parsing never panics and is linear in the input; inputs over [`MAX_SOURCE_BYTES`]
//!   or [`MAX_LINES`] are refused with one error, and at most [`MAX_ERRORS`] errors
//!   are collected.

mod args;
pub mod ast;
mod calls;
pub mod compare;
mod expect;
pub mod export_c;
mod lexer;
mod lower;
mod parser;
mod program;
pub mod runner;
mod source;

#[cfg(test)]
mod tests;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

pub use ast::{
    Call, Expr, ExprKind, HostCall, Ident, MsgPattern, Outcome, Script, Span, Spanned, Stmt,
    StmtKind,
};
pub use runner::{
    pattern_bytes, run, Failure, LineMap, Report, RunOptions, Runner, StepReport, MAX_PAYLOAD,
};
pub use source::decode;

/// The largest script accepted, in bytes (1 MiB).
pub const MAX_SOURCE_BYTES: usize = 1 << 20;

/// The most lines a script may have.
pub const MAX_LINES: usize = 200_000;

/// The most errors collected; after that one final error says that parsing stopped.
pub const MAX_ERRORS: usize = 1000;

/// A syntax error: where it is, what the parser expected there and what it found.
///
/// `Display` prints `3:14: expected a socket variable or ')' but found "foo"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ScriptError {
    /// The line, starting at 1.
    pub line: u32,
    /// The column, starting at 1, counted in characters.
    pub col: u32,
    /// What would have been valid here, e.g. `"',' or ')'"`.
    pub expected: String,
    /// What is there instead: quoted source text such as `"\"foo\""`, or `"end of line"`.
    pub found: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: expected {} but found {}",
            self.line, self.col, self.expected, self.found
        )
    }
}

impl core::error::Error for ScriptError {}

/// Everything the parser made of a script, including the statements of the lines
/// that did parse when others did not (useful to an editor).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The statements of every line that parsed.
    pub script: Script,
    /// One error per line that did not parse, in line order.
    pub errors: Vec<ScriptError>,
}

/// Every call a scenario can make, as `(name, usage)`, from the language's one table of
/// calls: `("WSAAccept", "WSAAccept(s, CF_ACCEPT, CF_REJECT or CF_DEFER)")`.
///
/// ```
/// assert!(wsasim::script::calls().any(|(name, _)| name == "WSARecv"));
/// ```
pub fn calls() -> impl Iterator<Item = (&'static str, &'static str)> {
    calls::CALLS.iter().map(|c| (c.name, c.usage))
}

/// Parses a scenario. Returns the script, or every syntax error found (one per bad line).
///
/// Never panics, whatever the input.
pub fn parse(src: &str) -> Result<Script, Vec<ScriptError>> {
    let parsed = parse_recovering(src);
    if parsed.errors.is_empty() {
        Ok(parsed.script)
    } else {
        Err(parsed.errors)
    }
}

/// Parses a scenario and keeps both the statements that parsed and the errors.
///
/// Never panics, whatever the input.
pub fn parse_recovering(src: &str) -> Parsed {
    parser::parse_source(src)
}
