//! Grammar: rustpython-parser parses the input before the first tokenizer
//! error, and its verdict is weighed against the tokenizer's as CPython does.
//! Where CPython's PEG parser reports a grammar error is worked out in
//! [`errors`], with the help of its `invalid_*` rules ([`rules`]).

mod errors;
mod rules;

use std::panic::{catch_unwind, AssertUnwindSafe};

use rustpython_parser::ast::{self, Stmt};
use rustpython_parser::lexer::LexicalErrorType;
use rustpython_parser::{parse, Mode, ParseError, ParseErrorType, Tok};

use super::source::Source;
use super::tokenizer::{Kind, Lexed, Surfacing, Token};
use super::tokens::logical_line;
use super::walk::{Pass, Walker};
use crate::validate::CodeError;
use errors::parser_error;
use rules::{bare_star_error, runs_to_tokenizer_error, side_by_side};

/// Grammar and tree checks, given the tokenizer's verdict.
pub(super) fn analyse(src: &Source, lexed: &Lexed) -> Option<CodeError> {
    let cut = lexed.error.as_ref().map_or(src.len(), |e| e.cut);
    let cut = trim_blank_end(&lexed.tokens, cut);
    let (parsed, late) = parse_grammar(src, lexed, cut, "");
    let body = match parsed {
        Parsed::Panicked => return Some(src.error_at(0, "invalid syntax")),
        Parsed::Error(error) => return Some(grammar_error(src, lexed, &error, cut)),
        Parsed::Module(body) => body,
    };
    match &lexed.error {
        None => {
            let found = tree_errors(src, &lexed.tokens, body, Pass::Compiler);
            // The earliest pass wins; within a pass, the first in the source.
            let key = |(pass, e): &(Pass, CodeError)| (*pass, e.line, e.column);
            found.into_iter().chain(late).min_by_key(key).map(|(_, error)| error)
        }
        // CPython's grammar stops at an invalid target before it asks for
        // the token that the tokenizer fails on.
        Some(error) if error.surfacing == Surfacing::Deferred => {
            let found = tree_errors(src, &lexed.tokens, body, Pass::Parser);
            Some(found.map_or_else(|| error.error.clone(), |(_, e)| e))
        }
        Some(error) => Some(error.error.clone()),
    }
}

/// Moves `cut` back over trailing blank and comment-only lines, which
/// rustpython misreads as a dedent at the end of input.
fn trim_blank_end(tokens: &[Token], cut: usize) -> usize {
    let before = &tokens[..tokens.partition_point(|t| t.end <= cut)];
    let last = before.iter().rev().find(|t| !matches!(t.kind, Kind::Indent | Kind::Dedent | Kind::End));
    match last {
        Some(token) if token.kind == Kind::Newline => token.end,
        _ => cut,
    }
}

enum Parsed {
    Module(Vec<Stmt>),
    Error(ParseError),
    Panicked,
}

/// Parses the input before char index `cut` with rustpython.
///
/// rustpython reports repeated parameter and keyword names while parsing,
/// but CPython finds them in later passes, after any real syntax error. So
/// each such name is renamed and the parse retried; the errors come back as
/// "late" errors, to weigh against the tree checks.
fn parse_grammar(src: &Source, lexed: &Lexed, cut: usize, suffix: &str) -> (Parsed, Vec<(Pass, CodeError)>) {
    let tokens = &lexed.tokens;
    let mut renames = Vec::new();
    let mut late = Vec::new();
    loop {
        let text = grammar_text(src, lexed, cut, &renames) + suffix;
        let parsed = match catch_unwind(AssertUnwindSafe(|| parse(&text, Mode::Module, "<block>"))) {
            Ok(Ok(ast::Mod::Module(module))) => Parsed::Module(module.body),
            Ok(Ok(_)) => Parsed::Module(Vec::new()),
            Ok(Err(error)) => Parsed::Error(error),
            Err(_) => Parsed::Panicked,
        };
        let Parsed::Error(error) = &parsed else {
            return (parsed, late);
        };
        let (pass, message) = match &error.error {
            ParseErrorType::Lexical(LexicalErrorType::DuplicateArgumentError(name)) => {
                (Pass::Symtable, format!("duplicate argument '{name}' in function definition"))
            }
            ParseErrorType::Lexical(LexicalErrorType::DuplicateKeywordArgumentError(name)) => {
                (Pass::Compiler, format!("keyword argument repeated: {name}"))
            }
            _ => return (parsed, late),
        };
        let at = src.char_index(usize::from(error.offset));
        let name = tokens.get(token_at(tokens, at)).filter(|t| t.kind == Kind::Name);
        match name {
            Some(name) if renames.len() < 16 => {
                late.push((pass, src.error_at(name.start, message)));
                renames.push((name.start, name.end));
            }
            _ => return (parsed, late),
        }
    }
}

/// An identifier of `bytes` bytes for the n-th renamed name.
fn stand_in_name(bytes: usize, n: usize) -> String {
    let mut name = if bytes == 1 { ["Q", "Z", "J", "X", "V"][n % 5].to_owned() } else { format!("Q{n}") };
    while name.len() < bytes {
        name.push('_');
    }
    name.truncate(bytes);
    name
}

/// The text given to rustpython: the input before `cut`, with comments and
/// tabs outside tokens turned into spaces of the same byte length, so byte
/// offsets still match. rustpython's lexer disagrees with CPython about the
/// indentation of comment-only lines and refuses some tab/space mixes that
/// CPython accepts. Our tokenizer has already applied CPython's consistency
/// check, which guarantees that counting each indentation char as one column
/// gives the same blocks.
fn grammar_text(src: &Source, lexed: &Lexed, cut: usize, renames: &[(usize, usize)]) -> String {
    let tokens = &lexed.tokens;
    let mut text = String::with_capacity(src.byte_index(cut));
    let mut next = 0;
    let mut in_comment = false;
    for (i, &c) in src.chars[..cut.min(src.len())].iter().enumerate() {
        if let Some(n) = renames.iter().position(|&(start, _)| start == i) {
            let (start, end) = renames[n];
            text.push_str(&stand_in_name(src.byte_index(end) - src.byte_index(start), n));
        }
        if renames.iter().any(|&(start, end)| start <= i && i < end) {
            continue;
        }
        while tokens.get(next).is_some_and(|t| t.end <= i) {
            next += 1;
        }
        let inside = tokens
            .get(next)
            .is_some_and(|t| t.start <= i && matches!(t.kind, Kind::Name | Kind::Number | Kind::Str | Kind::Op));
        if c == '\n' {
            in_comment = false;
        } else if c == '#' && !inside {
            in_comment = true;
        }
        // A backslash continuing the indentation: CPython measures the
        // indentation after it, so the line before can just be blank.
        let continuation = c == '\\' && lexed.indent_continuations.binary_search(&i).is_ok();
        if !inside && (in_comment || c == '\t' || continuation) {
            text.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            text.push(c);
        }
    }
    text
}

/// Decides between a grammar error and a tokenizer error, as CPython's
/// `_PyPegen_set_syntax_error` does.
fn grammar_error(src: &Source, lexed: &Lexed, error: &ParseError, cut: usize) -> CodeError {
    let at = src.char_index(usize::from(error.offset));
    let k = token_at(&lexed.tokens, at);
    let earlier = earlier_target_error(src, lexed, k);
    let reached_end = earlier.is_none() && (at >= cut || is_eof_error(&error.error));
    if let (true, Some(tok_error)) = (reached_end, &lexed.error) {
        return tok_error.error.clone();
    }
    // "unexpected indent" is the one grammar error after which CPython does
    // not read on; after any other, a raised tokenizer error replaces it.
    let unexpected_indent =
        earlier.is_none() && matches!(error.error, ParseErrorType::UnrecognizedToken(Tok::Indent, _));
    let from_earlier = earlier.is_some();
    let found = earlier.unwrap_or_else(|| parser_error(src, &lexed.tokens, error, cut));
    let Some(tok_error) = &lexed.error else {
        return found;
    };
    // Two expressions side by side: CPython's second pass parses the
    // second one whole (`invalid_expression`), and may meet the error so.
    let side_by_side = side_by_side(src, &lexed.tokens, k);
    if !from_earlier && side_by_side && runs_to_tokenizer_error(src, &lexed.tokens, k) {
        return tok_error.error.clone();
    }
    if tok_error.surfacing == Surfacing::Raised && !unexpected_indent {
        return tok_error.error.clone();
    }
    // CPython then reads on; stopping inside brackets opened on an earlier
    // line than the last token it had read, it blames the bracket.
    let last_read = match lexed.tokens.get(k) {
        Some(token) if !from_earlier => src.line_of(token.start),
        _ => found.line,
    };
    match tok_error.open_bracket {
        Some(open) if src.line_of(open) < last_read => {
            let bracket = src.chars[open];
            src.error_at(open, format!("'{bracket}' was never closed"))
        }
        _ => found,
    }
}

/// CPython's grammar is stricter than rustpython's about targets (`1 = x`,
/// `a + 1: int`). When rustpython fails at token k, such an error in an
/// earlier statement is where CPython's parser really stopped.
///
/// The statements before the failing line may end in an empty block (the
/// failing line being its first statement); then the statements before the
/// enclosing top-level statement are checked instead.
fn earlier_target_error(src: &Source, lexed: &Lexed, k: usize) -> Option<CodeError> {
    let tokens = &lexed.tokens;
    let before = &tokens[..k.min(tokens.len())];
    let newline = before.iter().rposition(|t| t.kind == Kind::Newline)?;
    let top_level = before.iter().enumerate().rev().find_map(|(n, t)| {
        let next = tokens[n + 1..].iter().find(|t| !matches!(t.kind, Kind::Indent | Kind::Dedent))?;
        (t.kind == Kind::Newline && src.line_col(next.start).1 == 0).then_some(n)
    });
    for n in std::iter::once(newline).chain(top_level.filter(|&t| t != newline)) {
        let cut = trim_blank_end(tokens, tokens[n].end);
        // A block header whose body is the failing line gets a stand-in body.
        let header = logical_line(src, tokens, n).first().map_or(0, |&f| tokens[f].start);
        let indent = header - src.line_start(header);
        let stand_in = format!("{}pass\n", " ".repeat(indent + 1));
        for suffix in ["", stand_in.as_str()] {
            if let Parsed::Module(body) = parse_grammar(src, lexed, cut, suffix).0 {
                return tree_errors(src, &tokens[..n], body, Pass::Parser).map(|(_, e)| e);
            }
        }
    }
    None
}

/// The tree checks up to `last_pass`, plus the grammar errors that
/// rustpython lets through and that only the tokens show.
fn tree_errors(src: &Source, tokens: &[Token], body: Vec<Stmt>, last_pass: Pass) -> Option<(Pass, CodeError)> {
    let found = Walker::new(src, tokens, last_pass).run(body);
    let Some(star) = bare_star_error(src, tokens) else {
        return found;
    };
    match found {
        Some((Pass::Parser, error)) if (error.line, error.column) < (star.line, star.column) => {
            Some((Pass::Parser, error))
        }
        _ => Some((Pass::Parser, star)),
    }
}

fn is_eof_error(error: &ParseErrorType) -> bool {
    matches!(error, ParseErrorType::Eof | ParseErrorType::Lexical(LexicalErrorType::Eof))
}

/// Index of the token at or after char index `at` (the end marker if none).
fn token_at(tokens: &[Token], at: usize) -> usize {
    let k = tokens.partition_point(|t| t.end <= at && t.kind != Kind::End);
    k.min(tokens.len().saturating_sub(1))
}
