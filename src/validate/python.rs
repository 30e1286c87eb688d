//! Python syntax check for code blocks that answers like CPython 3.11's
//! `compile(source, "<block>", "exec")`: the same blocks are rejected, at the
//! same line (`SyntaxError.lineno`), with a message close to CPython's.
//!
//! When a block has several problems, CPython reports the first one met by
//! the first stage that fails, so the checks run in CPython's order:
//!
//! 1. **NUL bytes**: CPython refuses such a string before tokenizing.
//! 2. **Tokenizer** (`Lexer`), a port of the error paths of
//!    `Parser/tokenizer.c`: unterminated strings, invalid characters and
//!    number literals, unbalanced brackets, indentation errors, and the hard
//!    limits of 200 nested brackets and 100 indentation levels. An error that
//!    the tokenizer raises itself wins even over an earlier grammar error,
//!    because CPython tokenizes the rest of the input after a syntax error.
//!    The tokenizer also bounds how deep the syntax tree can get, so that deep
//!    input never reaches recursive code on a small stack.
//! 3. **Grammar**: rustpython-parser parses the tokens that come before the
//!    first tokenizer error. Its error is moved to where CPython's PEG parser
//!    reports it (`parser_error`): the end of the last line for errors at
//!    the end of input, the block header's line in "expected an indented
//!    block", the start of the previous item in "Perhaps you forgot a comma?".
//! 4. **Tree checks** (`Walker`), an iterative walk over the parsed tree for
//!    what CPython finds after the grammar, pass by pass: invalid assignment
//!    and deletion targets and 3.12-only syntax (parser actions), misplaced
//!    `from __future__` imports, nesting deeper than CPython's recursion
//!    limit, the symbol table (`nonlocal` at module level or without a
//!    binding, `global` after use, `yield` in a comprehension, `import *` in a
//!    function) and the code generator (`return`, `yield`, `await`, `break`,
//!    `continue`, `async` statements and comprehensions out of place, misused
//!    starred expressions, unreachable `except:` and `case` clauses).

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use rustpython_parser::ast::{self, Constant, Expr, ExprContext, Pattern, Ranged, Stmt};
use rustpython_parser::lexer::LexicalErrorType;
use rustpython_parser::{parse, FStringErrorType, Mode, ParseError, ParseErrorType, Tok};

use super::CodeError;

/// Checks Python source the way CPython 3.11's `compile(source, name, "exec")` does.
pub fn check_python(source: &str) -> Option<CodeError> {
    if let Some(at) = source.find('\0') {
        // CPython gives no line for this one; the NUL's own line is the useful one.
        let line = source[..at].matches('\n').count() + 1;
        let column = source[..at].rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let message = "source code string cannot contain null bytes".to_owned();
        return Some(CodeError { line, column, message });
    }
    let src = Source::new(source);
    let lexed = Lexer::new(&src).run();
    if lexed.depth_bound <= INLINE_DEPTH {
        return analyse(&src, &lexed);
    }
    analyse_on_big_stack(&src, &lexed)
}

// ---------------------------------------------------------------------------
// Source text and positions

/// The block as CPython's tokenizer sees it, indexed by character so that
/// positions come out as lines and character columns.
struct Source {
    /// Newlines normalised to `\n` (as `compile()` does for a `str`), and a
    /// final newline added.
    chars: Vec<char>,
    /// Byte offset of each char in the normalised text, then its length.
    byte_at: Vec<usize>,
    /// Char index where each line starts; the last entry is the end of input.
    line_starts: Vec<usize>,
}

impl Source {
    fn new(block: &str) -> Self {
        let mut text = block.replace("\r\n", "\n").replace('\r', "\n");
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let mut chars = Vec::with_capacity(text.len());
        let mut byte_at = Vec::with_capacity(text.len() + 1);
        let mut line_starts = vec![0];
        for (i, (byte, c)) in text.char_indices().enumerate() {
            chars.push(c);
            byte_at.push(byte);
            if c == '\n' {
                line_starts.push(i + 1);
            }
        }
        byte_at.push(text.len());
        Source { chars, byte_at, line_starts }
    }

    fn len(&self) -> usize {
        self.chars.len()
    }

    fn at(&self, idx: usize) -> Option<char> {
        self.chars.get(idx).copied()
    }

    fn char_index(&self, byte: usize) -> usize {
        self.byte_at.partition_point(|&b| b < byte)
    }

    fn byte_index(&self, idx: usize) -> usize {
        self.byte_at[idx.min(self.len())]
    }

    /// 1-based line and 0-based column of a char index. The end of input is
    /// where CPython puts its end marker: the end of the last line.
    fn line_col(&self, idx: usize) -> (usize, usize) {
        let idx = idx.min(self.len().saturating_sub(1));
        let line = self.line_starts.partition_point(|&s| s <= idx);
        (line, idx - self.line_starts[line - 1])
    }

    fn line_of(&self, idx: usize) -> usize {
        self.line_col(idx).0
    }

    /// Char index of the start of the line holding `idx`.
    fn line_start(&self, idx: usize) -> usize {
        self.line_starts[self.line_of(idx) - 1]
    }

    /// An error whose column is the char at `idx` (CPython's `col_offset + 1`).
    fn error_at(&self, idx: usize, message: impl Into<String>) -> CodeError {
        let (line, col) = self.line_col(idx);
        CodeError { line, column: col + 1, message: message.into() }
    }

    /// An error raised by the tokenizer with its cursor at `cursor`: CPython's
    /// offset is the number of chars before the cursor on its line.
    fn error_before(&self, cursor: usize, message: impl Into<String>) -> CodeError {
        let (line, col) = self.line_col(cursor);
        CodeError { line, column: col.max(1), message: message.into() }
    }

    fn error_at_byte(&self, byte: usize, message: impl Into<String>) -> CodeError {
        self.error_at(self.char_index(byte), message)
    }
}

// ---------------------------------------------------------------------------
// Tokenizer: the error paths of CPython's Parser/tokenizer.c

/// CPython's `MAXLEVEL`: brackets nested deeper are a syntax error.
const MAX_BRACKETS: usize = 200;
/// CPython's `MAXINDENT`: the indentation stack, base level included.
const MAX_INDENTS: usize = 100;
const TABSIZE: usize = 8;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Name,
    Number,
    Str,
    Op,
    Newline,
    Indent,
    Dedent,
    End,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    /// Char indices; indents, dedents and the end marker are empty.
    start: usize,
    end: usize,
}

/// How CPython surfaces a tokenizer error, which decides whether an earlier
/// grammar error hides it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Surfacing {
    /// Raised by the tokenizer itself (`syntaxerror()`). It replaces even an
    /// earlier grammar error: after a syntax error CPython tokenizes the rest
    /// of the input (`_PyPegen_tokenize_full_source_to_check_for_errors`).
    Raised,
    /// A status code that the parser turns into an error when it asks for the
    /// token (`tokenizer_error()`), so an earlier grammar error wins.
    Deferred,
}

#[derive(Clone, Debug)]
struct TokError {
    error: CodeError,
    surfacing: Surfacing,
    /// The grammar only sees the input before this char index.
    cut: usize,
    /// Innermost bracket still open when the error happened.
    open_bracket: Option<usize>,
}

struct Lexed {
    tokens: Vec<Token>,
    error: Option<TokError>,
    /// Upper bound on the depth of the syntax tree (see `DepthBound`).
    depth_bound: usize,
    /// Backslashes that continue a line inside its indentation.
    indent_continuations: Vec<usize>,
}

struct Lexer<'s> {
    src: &'s Source,
    pos: usize,
    at_line_start: bool,
    blank_line: bool,
    /// Indentation stack: columns with tabs to 8 and with tabs to 1.
    indents: Vec<(usize, usize)>,
    /// Char indices of the open brackets.
    brackets: Vec<usize>,
    /// Where the token being read starts: the grammar stops there on error.
    token_start: usize,
    tokens: Vec<Token>,
    depth: DepthBound,
    indent_continuations: Vec<usize>,
}

type LexResult<T = ()> = Result<T, Box<TokError>>;

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || !c.is_ascii()
}

fn is_ident_char(c: char) -> bool {
    is_ident_start(c) || c.is_ascii_digit()
}

fn is_digit(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit())
}

impl<'s> Lexer<'s> {
    fn new(src: &'s Source) -> Self {
        Lexer {
            src,
            pos: 0,
            at_line_start: true,
            blank_line: false,
            indents: vec![(0, 0)],
            brackets: Vec::new(),
            token_start: 0,
            tokens: Vec::new(),
            indent_continuations: Vec::new(),
            depth: DepthBound::default(),
        }
    }

    fn run(mut self) -> Lexed {
        let error = loop {
            match self.step() {
                Ok(true) => {}
                Ok(false) => break None,
                Err(error) => break Some(*error),
            }
        };
        let indent_continuations = self.indent_continuations;
        Lexed { tokens: self.tokens, error, depth_bound: self.depth.max, indent_continuations }
    }

    fn peek(&self) -> Option<char> {
        self.src.at(self.pos)
    }

    /// `tok_nextc`: consumes a char; the end of input reads as `None` forever.
    fn nextc(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// `tok_backup`: un-reads `c` (a no-op for the end of input).
    fn backup(&mut self, c: Option<char>) {
        if c.is_some() {
            self.pos -= 1;
        }
    }

    fn push(&mut self, kind: Kind, start: usize) {
        let token = Token { kind, start, end: self.pos };
        self.depth.token(self.src, &token, self.indents.len());
        self.tokens.push(token);
    }

    fn raised(&self, error: CodeError) -> Box<TokError> {
        let open_bracket = self.brackets.last().copied();
        let cut = self.token_start;
        Box::new(TokError { error, surfacing: Surfacing::Raised, cut, open_bracket })
    }

    fn raised_before(&self, cursor: usize, message: impl Into<String>) -> Box<TokError> {
        self.raised(self.src.error_before(cursor, message))
    }

    fn deferred(&self, error: CodeError, cut: usize) -> Box<TokError> {
        let open_bracket = self.brackets.last().copied();
        Box::new(TokError { error, surfacing: Surfacing::Deferred, cut, open_bracket })
    }

    /// Input ended inside brackets or right after a line continuation.
    fn eof_error(&self) -> Box<TokError> {
        let error = match self.brackets.last() {
            Some(&open) => {
                let bracket = self.src.chars[open];
                self.src.error_at(open, format!("'{bracket}' was never closed"))
            }
            None => self.src.error_at(self.src.len(), "unexpected EOF while parsing"),
        };
        self.deferred(error, self.src.len())
    }

    /// Reads one token (or one line's indentation). `Ok(false)` at the end.
    fn step(&mut self) -> LexResult<bool> {
        if self.at_line_start {
            self.at_line_start = false;
            self.indentation()?;
        }
        self.skip_blanks();
        let start = self.pos;
        self.token_start = start;
        let Some(c) = self.peek() else {
            if !self.brackets.is_empty() {
                return Err(self.eof_error());
            }
            self.push(Kind::End, start);
            return Ok(false);
        };
        match c {
            '\n' => self.newline(),
            '\\' => {
                self.pos += 1;
                self.line_continuation(start)?;
            }
            '.' if is_digit(self.src.at(start + 1)) => self.number()?,
            '0'..='9' => self.number()?,
            '"' | '\'' => self.string(start, false)?,
            c if is_ident_start(c) => self.name_or_string()?,
            _ => self.operator()?,
        }
        Ok(true)
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\x0c')) {
            self.pos += 1;
        }
        if self.peek() == Some('#') {
            while !matches!(self.peek(), None | Some('\n')) {
                self.pos += 1;
            }
        }
    }

    fn newline(&mut self) {
        let start = self.pos;
        self.pos += 1;
        self.at_line_start = true;
        if !self.blank_line && self.brackets.is_empty() {
            self.push(Kind::Newline, start);
        }
    }

    /// `tok_continuation_line`, after a backslash at `backslash`.
    fn line_continuation(&mut self, backslash: usize) -> LexResult {
        if self.peek() != Some('\n') {
            let message = "unexpected character after line continuation character";
            return Err(self.deferred(self.src.error_at(backslash, message), backslash));
        }
        self.pos += 1;
        if self.peek().is_none() {
            return Err(self.eof_error());
        }
        Ok(())
    }

    /// Measures a line's indentation and emits INDENT/DEDENT tokens, like the
    /// `atbol` part of `tok_get`. Blank and comment-only lines are ignored.
    fn indentation(&mut self) -> LexResult {
        let line_start = self.pos;
        let (mut col, mut alt, mut cont_col) = (0, 0, 0);
        loop {
            match self.peek() {
                Some(' ') => (col, alt) = (col + 1, alt + 1),
                Some('\t') => (col, alt) = ((col / TABSIZE + 1) * TABSIZE, alt + 1),
                Some('\x0c') => (col, alt) = (0, 0),
                Some('\\') => {
                    // Only the first backslash's column counts (CPython quirk).
                    cont_col = if cont_col == 0 { col } else { cont_col };
                    let backslash = self.pos;
                    self.indent_continuations.push(backslash);
                    self.pos += 1;
                    self.line_continuation(backslash)?;
                    continue;
                }
                _ => break,
            }
            self.pos += 1;
        }
        self.blank_line = matches!(self.peek(), Some('#' | '\n'));
        if self.blank_line || !self.brackets.is_empty() {
            return Ok(());
        }
        if cont_col != 0 {
            (col, alt) = (cont_col, cont_col);
        }
        self.apply_indentation(line_start, col, alt)
    }

    fn apply_indentation(&mut self, line_start: usize, col: usize, alt: usize) -> LexResult {
        let tab_error = |lexer: &Self| {
            let message = "inconsistent use of tabs and spaces in indentation";
            lexer.deferred(lexer.src.error_at(line_start, message), line_start)
        };
        let (top, alt_top) = self.indents.last().copied().unwrap_or((0, 0));
        if col > top {
            if self.indents.len() >= MAX_INDENTS {
                let error = self.src.error_at(line_start, "too many levels of indentation");
                return Err(self.deferred(error, line_start));
            }
            if alt <= alt_top {
                return Err(tab_error(self));
            }
            self.indents.push((col, alt));
            self.push(Kind::Indent, self.pos);
            return Ok(());
        }
        while self.indents.len() > 1 && col < self.indents.last().map_or(0, |i| i.0) {
            self.indents.pop();
            self.push(Kind::Dedent, self.pos);
        }
        let (top, alt_top) = self.indents.last().copied().unwrap_or((0, 0));
        if col != top {
            // CPython's column here is the end of the line.
            let line_end = self.src.line_starts[self.src.line_of(line_start)] - 1;
            let message = "unindent does not match any outer indentation level";
            return Err(self.deferred(self.src.error_at(line_end, message), line_start));
        }
        if alt != alt_top {
            return Err(tab_error(self));
        }
        Ok(())
    }

    /// A name, or the prefix of a string literal (`rb"..."`, `f'...'`).
    fn name_or_string(&mut self) -> LexResult {
        let start = self.pos;
        let (mut b, mut r, mut u, mut f) = (false, false, false, false);
        while let Some(c) = self.peek() {
            match c.to_ascii_lowercase() {
                'b' if !(b || u || f) => b = true,
                'u' if !(b || u || r || f) => u = true,
                'r' if !(r || u) => r = true,
                'f' if !(f || b || u) => f = true,
                _ => break,
            }
            self.pos += 1;
            if matches!(self.peek(), Some('"' | '\'')) {
                return self.string(start, f);
            }
        }
        while self.peek().is_some_and(is_ident_char) {
            self.pos += 1;
        }
        if !self.src.chars[start..self.pos].iter().all(char::is_ascii) {
            self.verify_identifier(start)?;
        }
        self.push(Kind::Name, start);
        Ok(())
    }

    /// `verify_identifier`: every char must be XID_Start/XID_Continue.
    fn verify_identifier(&mut self, start: usize) -> LexResult {
        let chars = &self.src.chars[start..self.pos];
        let bad =
            chars.iter().enumerate().find(
                |&(i, &c)| {
                    if i == 0 {
                        !(c == '_' || is_xid_start(c))
                    } else {
                        !is_xid_continue(c)
                    }
                },
            );
        let Some((i, &c)) = bad else {
            return Ok(());
        };
        let message = if is_printable(c) {
            format!("invalid character '{c}' (U+{:04X})", c as u32)
        } else {
            format!("invalid non-printable character U+{:04X}", c as u32)
        };
        self.pos = start + i + 1;
        Err(self.raised(self.src.error_at(start + i, message)))
    }

    /// A string literal whose quote is at `self.pos`; `start` includes the prefix.
    fn string(&mut self, start: usize, is_f: bool) -> LexResult {
        let quote = self.nextc();
        let mut quote_size = 1;
        let mut end_quote_size = 0;
        let mut c = self.nextc();
        if c == quote {
            c = self.nextc();
            if c == quote {
                quote_size = 3;
            } else {
                end_quote_size = 1;
            }
        }
        if c != quote {
            self.backup(c);
        }
        while end_quote_size != quote_size {
            c = self.nextc();
            match c {
                None => return Err(self.unterminated(start, quote_size, self.src.len())),
                Some('\n') if quote_size == 1 => {
                    return Err(self.unterminated(start, quote_size, self.pos - 1));
                }
                _ if c == quote => end_quote_size += 1,
                Some(ch) => {
                    end_quote_size = 0;
                    if ch == '\\' {
                        self.nextc();
                    }
                }
            }
        }
        self.push(Kind::Str, start);
        if is_f {
            self.depth.f_string(&self.src.chars[start..self.pos]);
        }
        Ok(())
    }

    fn unterminated(&self, start: usize, quote_size: usize, detected: usize) -> Box<TokError> {
        let line = self.src.line_of(detected);
        let kind = if quote_size == 3 { "triple-quoted string" } else { "string" };
        let message = format!("unterminated {kind} literal (detected at line {line})");
        self.raised(self.src.error_at(start, message))
    }

    fn operator(&mut self) -> LexResult {
        let start = self.pos;
        let c = self.nextc().unwrap_or(' ');
        let c2 = self.peek().unwrap_or(' ');
        if is_two_char_op(c, c2) {
            self.pos += 1;
            if is_three_char_op(c, c2, self.peek().unwrap_or(' ')) {
                self.pos += 1;
            }
            self.push(Kind::Op, start);
            return Ok(());
        }
        if c == '.' && c2 == '.' && self.src.at(start + 2) == Some('.') {
            self.pos += 2;
        }
        match c {
            '(' | '[' | '{' => {
                if self.brackets.len() >= MAX_BRACKETS {
                    return Err(self.raised_before(self.pos, "too many nested parentheses"));
                }
                self.brackets.push(start);
            }
            ')' | ']' | '}' => self.close_bracket(c)?,
            _ if c != ' ' && !(' '..='~').contains(&c) => {
                let message = format!("invalid non-printable character U+{:04X}", c as u32);
                return Err(self.raised_before(self.pos, message));
            }
            _ => {}
        }
        self.push(Kind::Op, start);
        Ok(())
    }

    fn close_bracket(&mut self, c: char) -> LexResult {
        let Some(open) = self.brackets.pop() else {
            return Err(self.raised_before(self.pos, format!("unmatched '{c}'")));
        };
        let opening = self.src.chars[open];
        if matches!((opening, c), ('(', ')') | ('[', ']') | ('{', '}')) {
            return Ok(());
        }
        let open_line = self.src.line_of(open);
        let mut message = format!("closing parenthesis '{c}' does not match opening parenthesis '{opening}'");
        if open_line != self.src.line_of(self.pos - 1) {
            message.push_str(&format!(" on line {open_line}"));
        }
        self.brackets.push(open);
        Err(self.raised_before(self.pos, message))
    }
}

/// Number literals: a transcription of the number branch of CPython's
/// `tok_get`. Each step returns the char read past the literal, which the
/// caller un-reads.
impl Lexer<'_> {
    fn number(&mut self) -> LexResult {
        let start = self.pos;
        let first = self.nextc();
        let last = match first {
            Some('.') => {
                let c = self.nextc();
                self.fraction(c)?
            }
            Some('0') => self.after_zero(start)?,
            _ => {
                let c = self.decimal_tail()?;
                self.decimal_end(c)?
            }
        };
        self.backup(last);
        self.push(Kind::Number, start);
        Ok(())
    }

    fn after_zero(&mut self, start: usize) -> LexResult<Option<char>> {
        let c = self.nextc();
        match c {
            Some('x' | 'X') => self.radix(16, "hexadecimal"),
            Some('o' | 'O') => self.radix(8, "octal"),
            Some('b' | 'B') => self.radix(2, "binary"),
            _ => self.zero_decimal(start, c),
        }
    }

    fn radix(&mut self, base: u32, kind: &str) -> LexResult<Option<char>> {
        let in_base = |c: Option<char>| c.is_some_and(|c| c.is_digit(base));
        let bad_digit = |lexer: &Self, c: Option<char>| {
            let digit = c.unwrap_or('0');
            lexer.raised_before(lexer.pos, format!("invalid digit '{digit}' in {kind} literal"))
        };
        let mut c = self.nextc();
        loop {
            if c == Some('_') {
                c = self.nextc();
            }
            if !in_base(c) {
                if base != 16 && is_digit(c) {
                    return Err(bad_digit(self, c));
                }
                self.backup(c);
                return Err(self.raised_before(self.pos, format!("invalid {kind} literal")));
            }
            while in_base(c) {
                c = self.nextc();
            }
            if c != Some('_') {
                break;
            }
        }
        if base != 16 && is_digit(c) {
            return Err(bad_digit(self, c));
        }
        self.verify_end_of_number(c, kind)?;
        Ok(c)
    }

    /// `0`, `00`, `0_0`, `0.5`, `0e1`, `0j`, and the refused `0777`.
    fn zero_decimal(&mut self, start: usize, mut c: Option<char>) -> LexResult<Option<char>> {
        loop {
            if c == Some('_') {
                c = self.nextc();
                if !is_digit(c) {
                    self.backup(c);
                    return Err(self.raised_before(self.pos, "invalid decimal literal"));
                }
            }
            if c != Some('0') {
                break;
            }
            c = self.nextc();
        }
        let nonzero = is_digit(c);
        if nonzero {
            c = self.decimal_tail()?;
        }
        match c {
            Some('.' | 'e' | 'E' | 'j' | 'J') => self.decimal_end(c),
            _ if nonzero => {
                self.backup(c);
                let message = "leading zeros in decimal integer literals are not permitted; \
                               use an 0o prefix for octal integers";
                Err(self.raised(self.src.error_at(start, message)))
            }
            _ => {
                self.verify_end_of_number(c, "decimal")?;
                Ok(c)
            }
        }
    }

    /// Digits with single underscores between them (`tok_decimal_tail`).
    fn decimal_tail(&mut self) -> LexResult<Option<char>> {
        loop {
            let mut c = self.nextc();
            while is_digit(c) {
                c = self.nextc();
            }
            if c != Some('_') {
                return Ok(c);
            }
            c = self.nextc();
            if !is_digit(c) {
                self.backup(c);
                return Err(self.raised_before(self.pos, "invalid decimal literal"));
            }
        }
    }

    /// What may follow the integer part: a fraction, an exponent, `j`.
    fn decimal_end(&mut self, c: Option<char>) -> LexResult<Option<char>> {
        match c {
            Some('.') => {
                let c = self.nextc();
                self.fraction(c)
            }
            Some('e' | 'E') => self.exponent(c),
            Some('j' | 'J') => self.imaginary(),
            _ => {
                self.verify_end_of_number(c, "decimal")?;
                Ok(c)
            }
        }
    }

    fn fraction(&mut self, mut c: Option<char>) -> LexResult<Option<char>> {
        if is_digit(c) {
            c = self.decimal_tail()?;
        }
        match c {
            Some('e' | 'E') => self.exponent(c),
            Some('j' | 'J') => self.imaginary(),
            _ => {
                self.verify_end_of_number(c, "decimal")?;
                Ok(c)
            }
        }
    }

    fn exponent(&mut self, e: Option<char>) -> LexResult<Option<char>> {
        let mut c = self.nextc();
        if matches!(c, Some('+' | '-')) {
            c = self.nextc();
            if !is_digit(c) {
                self.backup(c);
                return Err(self.raised_before(self.pos, "invalid decimal literal"));
            }
        } else if !is_digit(c) {
            // `1else`: the number ends before the `e`.
            self.backup(c);
            self.verify_end_of_number(e, "decimal")?;
            return Ok(e);
        }
        c = self.decimal_tail()?;
        if matches!(c, Some('j' | 'J')) {
            return self.imaginary();
        }
        self.verify_end_of_number(c, "decimal")?;
        Ok(c)
    }

    fn imaginary(&mut self) -> LexResult<Option<char>> {
        let c = self.nextc();
        self.verify_end_of_number(c, "imaginary")?;
        Ok(c)
    }

    /// `verify_end_of_number`: a letter right after a number is an error,
    /// except the start of `and`, `else`, `for`, `if`, `in`, `is`, `not`,
    /// `or` (only a warning in 3.11).
    fn verify_end_of_number(&mut self, c: Option<char>, kind: &str) -> LexResult {
        let rest = &self.src.chars[self.pos..];
        let follows = |word: &str| word.chars().zip(rest).filter(|(a, b)| a == *b).count() == word.len();
        let keyword = match c {
            Some('a') => follows("nd"),
            Some('e') => follows("lse"),
            Some('f') => follows("or"),
            Some('i') => matches!(rest.first(), Some('f' | 'n' | 's')),
            Some('o') => follows("r"),
            Some('n') => follows("ot"),
            _ => false,
        };
        if !keyword && c.is_some_and(is_ident_char) {
            self.backup(c);
            return Err(self.raised_before(self.pos, format!("invalid {kind} literal")));
        }
        Ok(())
    }
}

fn is_two_char_op(c: char, c2: char) -> bool {
    matches!(
        (c, c2),
        ('!', '=')
            | ('%' | '&' | '*' | '+' | '-' | '/' | '@' | '^' | '|', '=')
            | ('*', '*')
            | ('-', '>')
            | ('/', '/')
            | (':', '=')
            | ('<', '<' | '=' | '>')
            | ('=', '=')
            | ('>', '=' | '>')
    )
}

fn is_three_char_op(c: char, c2: char, c3: char) -> bool {
    c3 == '=' && matches!((c, c2), ('*', '*') | ('/', '/') | ('<', '<') | ('>', '>'))
}

/// Python's `str.isprintable()` for one non-ASCII char: Rust's `escape_debug`
/// escapes exactly the chars of the non-printable Unicode categories.
fn is_printable(c: char) -> bool {
    c.escape_debug().next() != Some('\\')
}

/// Unicode XID_Start, asked of the rustpython lexer (Rust's std has no
/// identifier tables and the crate set is fixed).
fn is_xid_start(c: char) -> bool {
    lexes_as_one_name(&c.to_string())
}

fn is_xid_continue(c: char) -> bool {
    lexes_as_one_name(&format!("a{c}"))
}

fn lexes_as_one_name(text: &str) -> bool {
    let mut tokens = rustpython_parser::lexer::lex(text, Mode::Module);
    let first = tokens.next();
    let whole = |range: ast::text_size::TextRange| usize::from(range.end()) == text.len();
    matches!(first, Some(Ok((Tok::Name { .. }, range))) if whole(range))
}

// ---------------------------------------------------------------------------
// Nesting depth

/// Nesting deeper than this (statements plus expressions) makes CPython 3.11
/// fail with "RecursionError: maximum recursion depth exceeded during
/// compilation" (its limit is 3000 recursive visits, some spent before the
/// block's own nodes).
const CPYTHON_MAX_DEPTH: usize = 2994;
/// Trees up to this depth bound are parsed on the caller's stack. rustpython
/// drops trees recursively (under 100 bytes a level with the dependency
/// optimised): 4000 levels fit easily in a 2 MiB thread stack.
const INLINE_DEPTH: usize = 4000;
/// Stack reserved per level of depth bound when the bound is larger.
const STACK_PER_LEVEL: usize = 512;
/// Beyond this a block is refused unparsed (a bound that needs 1 GiB of stack).
const MAX_THREAD_STACK: usize = 1 << 30;

/// Upper bound on the depth of the syntax tree, from the tokens alone.
///
/// Within a bracket (or a statement), items separated by commas are siblings,
/// so the count restarts at the bracket's base; otherwise every token that can
/// nest one more node adds to the count. Low-precedence keywords (`lambda`,
/// `if`, `not`, `yield`, ...) add more, since below them `or`, `and` and
/// comparisons can nest a level each without a token of their own.
#[derive(Default)]
struct DepthBound {
    frames: Vec<Frame>,
    elifs: usize,
    max: usize,
}

#[derive(Clone, Copy)]
struct Frame {
    base: usize,
    cur: usize,
    /// `lambda`s whose `:` is still to come: their commas separate parameters.
    lambdas: usize,
    /// Inside a comprehension `if` is a filter, not a conditional expression.
    comprehension: bool,
}

const LOW_PRECEDENCE_WEIGHT: usize = 4;

impl DepthBound {
    fn token(&mut self, src: &Source, token: &Token, indents: usize) {
        if matches!(token.kind, Kind::Newline | Kind::Indent | Kind::Dedent | Kind::End) {
            self.frames.clear();
            return;
        }
        if self.frames.is_empty() {
            let base = 3 * indents + self.elifs + 8;
            self.frames.push(Frame { base, cur: base, lambdas: 0, comprehension: false });
        }
        let text = &src.chars[token.start..token.end];
        if matches!(token.kind, Kind::Name | Kind::Op) {
            self.word(text);
        }
        if let Some(frame) = self.frames.last() {
            self.max = self.max.max(frame.cur);
        }
    }

    /// Applies one name or operator token to the innermost frame.
    fn word(&mut self, text: &[char]) {
        let word: String = text.iter().collect();
        if word == "elif" {
            self.elifs += 1;
        }
        let depth = self.frames.len();
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        match word.as_str() {
            "(" | "[" | "{" => {
                frame.cur += 1;
                let base = frame.cur + LOW_PRECEDENCE_WEIGHT;
                let inner = Frame { base, cur: base, lambdas: 0, comprehension: false };
                self.frames.push(inner);
            }
            ")" | "]" | "}" if depth > 1 => {
                self.frames.pop();
                if let Some(outer) = self.frames.last_mut() {
                    outer.cur += 1;
                }
            }
            ";" => frame.cur = frame.base,
            "," if frame.lambdas == 0 => frame.cur = frame.base,
            ":" if frame.lambdas > 0 => {
                frame.lambdas -= 1;
                frame.cur += 1;
            }
            // Sides of `=` and `:` (slices, dicts, annotations) are siblings,
            // except in a lambda's parameters (handled above for `:`).
            ":" => frame.cur = frame.base,
            "=" if depth == 1 && frame.lambdas == 0 => frame.cur = frame.base,
            "+=" | "-=" | "*=" | "/=" | "//=" | "%=" | "@=" | "&=" | "|=" | "^=" | ">>=" | "<<=" | "**=" => {
                frame.cur = frame.base
            }
            // A `for` loop's target and iterable, or a comprehension's clauses.
            "for" => {
                frame.comprehension = depth > 1;
                frame.cur = frame.base + LOW_PRECEDENCE_WEIGHT;
            }
            "if" if frame.comprehension => frame.cur = frame.base + LOW_PRECEDENCE_WEIGHT,
            "lambda" => {
                frame.lambdas += 1;
                frame.cur += LOW_PRECEDENCE_WEIGHT;
            }
            "if" | "else" | "not" | "yield" | "await" | ":=" => frame.cur += LOW_PRECEDENCE_WEIGHT,
            _ if text.first().is_some_and(|&c| is_ident_char(c)) => {}
            "<" | ">" | "==" | ">=" | "<=" | "!=" | "<>" => {}
            _ => frame.cur += 1,
        }
    }

    /// An f-string's replacement fields are parsed as expressions of their
    /// own; count every punctuation char in it as one nesting token.
    fn f_string(&mut self, text: &[char]) {
        let punctuation = text.iter().filter(|c| !c.is_alphanumeric() && **c != ' ').count();
        if let Some(frame) = self.frames.last_mut() {
            frame.cur += LOW_PRECEDENCE_WEIGHT * (punctuation + 2);
            self.max = self.max.max(frame.cur);
        }
    }
}

// ---------------------------------------------------------------------------
// Grammar: rustpython-parser, with errors moved to where CPython puts them

/// Runs the grammar and tree checks on a thread whose stack fits the depth bound.
fn analyse_on_big_stack(src: &Source, lexed: &Lexed) -> Option<CodeError> {
    let too_complex = || Some(src.error_at(0, "too many nested expressions to compile"));
    let stack = lexed.depth_bound.saturating_mul(STACK_PER_LEVEL).saturating_add(16 << 20);
    if stack > MAX_THREAD_STACK {
        return too_complex();
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new().stack_size(stack).spawn_scoped(scope, || analyse(src, lexed));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|_| too_complex()),
            Err(_) => too_complex(),
        }
    })
}

/// Grammar and tree checks, given the tokenizer's verdict.
fn analyse(src: &Source, lexed: &Lexed) -> Option<CodeError> {
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
    let earlier = earlier_target_error(src, lexed, token_at(&lexed.tokens, at));
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
    let k = token_at(&lexed.tokens, at);
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

/// Where and how CPython reports the grammar error that rustpython found.
fn parser_error(src: &Source, tokens: &[Token], error: &ParseError, cut: usize) -> CodeError {
    let at = src.char_index(usize::from(error.offset));
    // At the end of what rustpython saw, CPython sees the next token: after
    // trailing blank lines that is its end marker, on the last line.
    let k = token_at(tokens, at);
    let at_end = at >= cut;
    let Some(token) = tokens.get(k) else {
        return src.error_at(at, "invalid syntax");
    };
    match &error.error {
        ParseErrorType::UnrecognizedToken(Tok::Indent, _) => src.error_at(token.start, "unexpected indent"),
        ParseErrorType::UnrecognizedToken(_, Some(expected)) if expected == "Indent" => expected_block(src, tokens, k),
        ParseErrorType::Lexical(LexicalErrorType::IndentationError) if at_end => expected_block(src, tokens, k),
        ParseErrorType::UnrecognizedToken(_, Some(expected)) if expected == "\":\"" => {
            let line = logical_line(src, tokens, k);
            if let Some(error) = invalid_named_assignment(src, tokens, k, &line) {
                return error;
            }
            let previous = k.checked_sub(1).and_then(|p| tokens.get(p)).unwrap_or(token);
            src.error_at(previous.end, "expected ':'")
        }
        ParseErrorType::UnrecognizedToken(..)
        | ParseErrorType::ExtraToken(_)
        | ParseErrorType::Eof
        | ParseErrorType::InvalidToken => invalid_syntax(src, tokens, k),
        ParseErrorType::Lexical(lexical) => lexical_error(src, tokens, at, lexical),
    }
}

/// Errors that rustpython's lexer or parser actions report.
fn lexical_error(src: &Source, tokens: &[Token], at: usize, error: &LexicalErrorType) -> CodeError {
    match error {
        LexicalErrorType::FStringError(inner) => f_string_error(src, tokens, at, inner),
        // Characters such as `$` or `?`: CPython's tokenizer passes them on
        // and its grammar fails there.
        LexicalErrorType::UnrecognizedToken { tok } => {
            let k = token_at(tokens, at);
            let found = tokens[..=k.min(tokens.len() - 1)]
                .iter()
                .rev()
                .find(|t| t.kind == Kind::Op && src.chars[t.start] == *tok);
            src.error_at(found.map_or(at, |t| t.start), "invalid syntax")
        }
        LexicalErrorType::UnicodeError => escape_error(src, tokens, at),
        LexicalErrorType::PositionalArgumentError => {
            // CPython reports it at the call's closing bracket.
            let k = token_at(tokens, at);
            let close = bracket_before(src, tokens, k).and_then(|o| matching_bracket(src, tokens, o));
            let position = close.map_or(at, |c| tokens[c].start);
            src.error_at(position, error.to_string())
        }
        LexicalErrorType::DuplicateKeywordArgumentError(name) => {
            src.error_at(at, format!("keyword argument repeated: {name}"))
        }
        other => src.error_at(at, other.to_string()),
    }
}

/// An error in an f-string. CPython parses a replacement field's expression
/// on its own and reports its errors where they are; the other errors it
/// reports at the token after the string(s).
fn f_string_error(src: &Source, tokens: &[Token], at: usize, error: &FStringErrorType) -> CodeError {
    let token = tokens.get(token_at(tokens, at)).filter(|t| t.kind == Kind::Str);
    let forbidden = token.and_then(|t| forbidden_in_field(&src.chars[t.start..t.end]));
    let message = match (error, forbidden) {
        (FStringErrorType::InvalidExpression(_) | FStringErrorType::UnterminatedString, Some(c)) => {
            let what = if c == '#' { "'#'".to_owned() } else { "a backslash".to_owned() };
            format!("f-string expression part cannot include {what}")
        }
        (FStringErrorType::InvalidExpression(_), None) => {
            return src.error_at(at, "f-string: invalid syntax");
        }
        (FStringErrorType::InvalidConversionFlag, _) => {
            "f-string: invalid conversion character: expected 's', 'r', or 'a'".to_owned()
        }
        (FStringErrorType::UnopenedRbrace, _) => "f-string: single '}' is not allowed".to_owned(),
        (other, _) => format!("f-string: {other}"),
    };
    let mut k = token_at(tokens, at);
    while tokens.get(k).is_some_and(|t| t.kind == Kind::Str) {
        k += 1;
    }
    src.error_at(tokens.get(k).map_or(src.len(), |t| t.start), message)
}

/// A `#` or backslash inside a replacement field of an f-string literal,
/// which CPython 3.11 refuses before parsing the field.
fn forbidden_in_field(literal: &[char]) -> Option<char> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < literal.len() {
        match literal[i] {
            '{' if depth == 0 && literal.get(i + 1) == Some(&'{') => i += 1,
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c @ ('#' | '\\') if depth > 0 => return Some(c),
            _ => {}
        }
        i += 1;
    }
    None
}

/// A string literal with a bad escape. CPython decodes strings when the
/// grammar has read the whole run of adjacent strings, and reports the error
/// at the token after them.
fn escape_error(src: &Source, tokens: &[Token], at: usize) -> CodeError {
    let mut k = token_at(tokens, at);
    while k > 0 && tokens[k - 1].kind == Kind::Str && tokens.get(k).is_some_and(|t| t.kind != Kind::Str) {
        k -= 1;
    }
    let mut detail = None;
    while let Some(token) = tokens.get(k).filter(|t| t.kind == Kind::Str) {
        detail = detail.or_else(|| bad_escape(&src.chars[token.start..token.end]));
        k += 1;
    }
    let message = detail.unwrap_or_else(|| {
        "(unicode error) 'unicodeescape' codec can't decode bytes: unknown Unicode character name".to_owned()
    });
    src.error_at(tokens.get(k).map_or(src.len(), |t| t.start), message)
}

/// CPython's complaint about the first bad escape in a string literal.
fn bad_escape(literal: &[char]) -> Option<String> {
    let quote = literal.iter().position(|&c| c == '\'' || c == '"')?;
    let prefix: String = literal[..quote].iter().collect::<String>().to_ascii_lowercase();
    if prefix.contains('r') {
        return None;
    }
    let bytes = prefix.contains('b');
    let body = &literal[quote..];
    let mut i = 0;
    while i + 1 < body.len() {
        if body[i] != '\\' {
            i += 1;
            continue;
        }
        let (escape, width) = match body[i + 1] {
            'x' => ("\\xXX", 2),
            'u' if !bytes => ("\\uXXXX", 4),
            'U' if !bytes => ("\\UXXXXXXXX", 8),
            'N' if !bytes && body.get(i + 2) != Some(&'{') => {
                let message = "malformed \\N character escape";
                return Some(format!("(unicode error) 'unicodeescape' codec can't decode bytes: {message}"));
            }
            _ => ("", 0),
        };
        let digits = body[i + 2..].iter().take(width).take_while(|c| c.is_ascii_hexdigit()).count();
        if digits < width {
            return Some(if bytes {
                "(value error) invalid \\x escape".to_owned()
            } else {
                format!("(unicode error) 'unicodeescape' codec can't decode bytes: truncated {escape} escape")
            });
        }
        i += 2 + width;
    }
    None
}

fn text_of(src: &Source, token: &Token) -> String {
    src.chars[token.start..token.end].iter().collect()
}

/// "expected an indented block after ... on line N", at the token that
/// should have been an INDENT (the end of the last line at end of input).
fn expected_block(src: &Source, tokens: &[Token], k: usize) -> CodeError {
    let position = tokens.get(k).map_or(src.len(), |t| t.start);
    // The header is the logical line ending at the NEWLINE before token k.
    let newline = tokens[..k.min(tokens.len())].iter().rposition(|t| t.kind == Kind::Newline);
    let header_start = newline.map(|n| {
        let before = &tokens[..n];
        let stop = before.iter().rposition(|t| matches!(t.kind, Kind::Newline | Kind::Indent | Kind::Dedent));
        stop.map_or(0, |s| s + 1)
    });
    let header = header_start.and_then(|s| {
        let first = tokens.get(s)?;
        let first = if text_of(src, first) == "async" { tokens.get(s + 1)? } else { first };
        Some((text_of(src, first), src.line_of(first.start)))
    });
    let what = match header.as_ref().map(|(word, _)| word.as_str()) {
        Some("def") => "function definition".to_owned(),
        Some("class") => "class definition".to_owned(),
        Some(
            word
            @ ("if" | "elif" | "else" | "for" | "while" | "with" | "try" | "finally" | "match" | "case" | "except"),
        ) => format!("'{word}' statement"),
        _ => String::new(),
    };
    let message = match header {
        Some((_, line)) if !what.is_empty() => {
            format!("expected an indented block after {what} on line {line}")
        }
        _ => "expected an indented block".to_owned(),
    };
    src.error_at(position, message)
}

fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "False"
            | "None"
            | "True"
            | "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
    )
}

/// Can this token start an expression?
fn starts_expression(src: &Source, token: &Token) -> bool {
    let text = text_of(src, token);
    match token.kind {
        Kind::Number | Kind::Str => true,
        Kind::Name => !is_keyword(&text) || matches!(text.as_str(), "None" | "True" | "False"),
        Kind::Op => matches!(text.as_str(), "(" | "[" | "{" | "-" | "+" | "~" | "..."),
        _ => false,
    }
}

/// Can this token end an expression?
fn ends_expression(src: &Source, token: &Token) -> bool {
    let text = text_of(src, token);
    match token.kind {
        Kind::Number | Kind::Str => true,
        Kind::Name => !is_keyword(&text) || matches!(text.as_str(), "None" | "True" | "False"),
        Kind::Op => matches!(text.as_str(), ")" | "]" | "}" | "..."),
        _ => false,
    }
}

/// A generic "invalid syntax" at token k, or one of the more specific
/// messages whose location CPython moves (see `invalid_*` rules in its grammar).
fn invalid_syntax(src: &Source, tokens: &[Token], k: usize) -> CodeError {
    let token = tokens[k];
    if let Some(error) = missing_print_parens(src, tokens, k) {
        return error;
    }
    if let Some(error) = missing_comma(src, tokens, k) {
        return error;
    }
    if let Some(error) = invalid_keyword_argument(src, tokens, k) {
        return error;
    }
    if let Some(error) = missing_else(src, tokens, k) {
        return error;
    }
    let position = if token.kind == Kind::End { src.len() } else { token.start };
    let line = logical_line(src, tokens, k);
    let first_word = line.first().map(|&i| text_of(src, &tokens[i])).unwrap_or_default();
    let at_top = |word: &str| line.iter().any(|&i| text_of(src, &tokens[i]) == word);
    if let Some(error) = invalid_named_assignment(src, tokens, k, &line) {
        return error;
    }
    let message = match (text_of(src, &token).as_str(), first_word.as_str()) {
        (":", _)
            if at_top(",")
                && line.first().is_some_and(|&i| tokens[i].kind == Kind::Name)
                && !is_keyword(&first_word) =>
        {
            let message = "only single target (not tuple) can be annotated";
            return src.error_at(tokens[line[0]].start, message);
        }
        _ if token.kind == Kind::Newline && is_block_keyword(&first_word) && !at_top(":") => "expected ':'",
        _ => "invalid syntax",
    };
    src.error_at(position, message)
}

/// `x = a if b` with no `else`: CPython reports "expected 'else' after 'if'
/// expression" at the start of `a`, unless `b` is followed by `else` or `:`.
/// When the error is inside a call or subscript of `b`, CPython backtracks to
/// the shorter `b` before it, which is then followed by a bracket.
fn missing_else(src: &Source, tokens: &[Token], k: usize) -> Option<CodeError> {
    let mut depth = 0usize;
    let mut in_trailer = false;
    for i in (0..k).rev() {
        match text_of(src, &tokens[i]).as_str() {
            ")" | "]" | "}" => depth += 1,
            "(" | "[" if depth == 0 && i > 0 && ends_expression(src, &tokens[i - 1]) => in_trailer = true,
            "(" | "[" | "{" if depth == 0 => return None,
            "(" | "[" | "{" => depth -= 1,
            "else" | "for" | "lambda" | ":" | "," | "=" if depth == 0 => return None,
            "if" if depth == 0 => {
                let next = text_of(src, &tokens[k]);
                let complete = !in_trailer && (next == "else" || next == ":");
                let filter = comprehension_before(src, tokens, i);
                if complete || filter || i == 0 || !ends_expression(src, &tokens[i - 1]) {
                    return None;
                }
                let (first, _) = expression_start(src, tokens, i - 1)
                    .or_else(|| Some((logical_line(src, tokens, i).first().copied()?, 0)))?;
                let message = "expected 'else' after 'if' expression";
                return Some(src.error_at(tokens[first].start, message));
            }
            _ if matches!(tokens[i].kind, Kind::Newline | Kind::Indent | Kind::Dedent) => return None,
            _ => {}
        }
    }
    None
}

/// `(x = 1)`, `if f() = 1:`: an `=` where a `named_expression` is parsed
/// (CPython's `invalid_named_expression`), reported at the target.
fn invalid_named_assignment(src: &Source, tokens: &[Token], k: usize, line: &[usize]) -> Option<CodeError> {
    if text_of(src, &tokens[k]) != "=" || k == 0 {
        return None;
    }
    let (first, stop) = argument_start(src, tokens, k - 1)
        .filter(|&(_, stop)| line.first().is_none_or(|&l| stop >= l))
        .or_else(|| {
            let keyword = text_of(src, &tokens[*line.first()?]);
            matches!(keyword.as_str(), "if" | "elif" | "while").then(|| (line[0] + 1, line[0]))
        })?;
    if stop != line.first().copied().unwrap_or(usize::MAX) {
        let opener = if text_of(src, &tokens[stop]) == "," { bracket_before(src, tokens, stop)? } else { stop };
        let is_call = text_of(src, &tokens[opener]) == "(" && opener > 0 && ends_expression(src, &tokens[opener - 1]);
        if is_call || in_parameters(src, tokens, opener + 1) {
            return None;
        }
    }
    let what = operand_name(src, &tokens[first..k])?;
    let message = match what {
        "name" => "invalid syntax. Maybe you meant '==' or ':=' instead of '='?".to_owned(),
        "True" | "False" | "None" | "list" | "tuple" => return None,
        what => format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?"),
    };
    Some(src.error_at(tokens[first].start, message))
}

/// CPython's name for the `bitwise_or` expression made of these tokens, or
/// `None` if they are not one (comparisons, `not`, ... at the top level).
fn operand_name(src: &Source, tokens: &[Token]) -> Option<&'static str> {
    let (first, last) = (tokens.first()?, tokens.last()?);
    let mut depth = 0usize;
    let mut binary = false;
    for (i, token) in tokens.iter().enumerate() {
        let text = text_of(src, token);
        match text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            "<" | ">" | "==" | ">=" | "<=" | "!=" | ":" | ":=" | "," => return None,
            "+" | "-" | "*" | "/" | "//" | "%" | "@" | "**" | "<<" | ">>" | "&" | "|" | "^" | "~" => binary = true,
            word if token.kind == Kind::Name
                && is_keyword(word)
                && !matches!(word, "True" | "False" | "None" | "await") =>
            {
                return None;
            }
            // Two operands side by side (adjacent strings concatenate).
            _ if i > 0
                && matches!(token.kind, Kind::Name | Kind::Number | Kind::Str)
                && ends_expression(src, &tokens[i - 1])
                && !(token.kind == Kind::Str && tokens[i - 1].kind == Kind::Str) =>
            {
                return None;
            }
            _ => {}
        }
    }
    let closing = text_of(src, last);
    Some(match (tokens.len(), first.kind, closing.as_str()) {
        _ if binary => "expression",
        (1, Kind::Name, word @ ("True" | "False" | "None")) => match word {
            "True" => "True",
            "False" => "False",
            _ => "None",
        },
        (1, Kind::Name, _) => "name",
        (1, Kind::Number | Kind::Str, _) => "literal",
        (1, _, "...") => "ellipsis",
        (_, Kind::Str, _) => "literal",
        (_, _, ")") if text_of(src, first) == "(" && matching_in(src, tokens) => "tuple",
        (_, _, "]") if text_of(src, first) == "[" && matching_in(src, tokens) => "list",
        (_, _, "}") if text_of(src, first) == "{" && matching_in(src, tokens) => "dict literal",
        (_, _, ")") => "function call",
        (_, _, "]") => "subscript",
        (_, Kind::Name, _) if tokens.len() >= 3 => "attribute",
        _ => return None,
    })
}

/// Do the first and last of these tokens match as brackets?
fn matching_in(src: &Source, tokens: &[Token]) -> bool {
    matching_bracket(src, tokens, 0) == Some(tokens.len() - 1)
}

fn is_block_keyword(word: &str) -> bool {
    matches!(
        word,
        "def" | "class" | "if" | "elif" | "else" | "for" | "while" | "with" | "try" | "except" | "finally" | "async"
    )
}

/// Indices of the tokens of the logical line holding token k, up to k,
/// outside brackets.
fn logical_line(src: &Source, tokens: &[Token], k: usize) -> Vec<usize> {
    let start = tokens[..k]
        .iter()
        .rposition(|t| matches!(t.kind, Kind::Newline | Kind::Indent | Kind::Dedent))
        .map_or(0, |i| i + 1);
    let mut depth = 0usize;
    let mut line = Vec::new();
    for (i, token) in tokens.iter().enumerate().take(k).skip(start) {
        let text = text_of(src, token);
        if depth == 0 {
            line.push(i);
        }
        match text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    line
}

/// `print "x"`: CPython's `invalid_legacy_expression`.
fn missing_print_parens(src: &Source, tokens: &[Token], k: usize) -> Option<CodeError> {
    let previous = tokens.get(k.checked_sub(1)?)?;
    let word = text_of(src, previous);
    if previous.kind != Kind::Name || !(word == "print" || word == "exec") {
        return None;
    }
    if !starts_expression(src, &tokens[k]) || text_of(src, &tokens[k]) == "(" {
        return None;
    }
    let message = format!("Missing parentheses in call to '{word}'. Did you mean {word}(...)?");
    Some(src.error_at(previous.start, message))
}

/// Two expressions side by side inside brackets: CPython's
/// `invalid_expression` reports "Perhaps you forgot a comma?" at the start of
/// the first one, which may be lines before the token that failed.
fn missing_comma(src: &Source, tokens: &[Token], k: usize) -> Option<CodeError> {
    // `a not b`: rustpython fails after the `not` (wanting `not in`), but
    // `not b` is the second expression.
    let k = if k >= 2 && text_of(src, &tokens[k - 1]) == "not" { k - 1 } else { k };
    if !side_by_side(src, tokens, k) {
        return None;
    }
    let (first, stop) = expression_start(src, tokens, k - 1)?;
    if !inside_brackets(src, tokens, stop) || !in_expression_brackets(src, tokens, first, stop) {
        return None;
    }
    // A comprehension's iterable and filters are not `expression`s.
    // A comprehension's iterable and filters, and the condition of `a if b
    // else c`, are not `expression`s.
    let stop_word = text_of(src, &tokens[stop]);
    if stop_word == "if" || stop_word == "in" && comprehension_before(src, tokens, stop) {
        return None;
    }
    let starts_with = |i: usize| tokens.get(i).map(|t| (t.kind, text_of(src, t)));
    // Not for `name "string"` nor soft keywords (CPython's negative lookahead).
    if let (Some((Kind::Name, word)), Some((next_kind, _))) = (starts_with(first), starts_with(first + 1)) {
        if next_kind == Kind::Str || matches!(word.as_str(), "match" | "case" | "_" | "print" | "exec") {
            return None;
        }
    }
    let message = "invalid syntax. Perhaps you forgot a comma?";
    Some(src.error_at(tokens[first].start, message))
}

/// Does token k start an expression right after one ended, where CPython's
/// `invalid_expression` rule looks (not after a `def` or `class` header's
/// name or parameters, nor in imports and declarations)?
fn side_by_side(src: &Source, tokens: &[Token], k: usize) -> bool {
    let Some(previous) = k.checked_sub(1).map(|p| &tokens[p]) else {
        return false;
    };
    let next = &tokens[k];
    if !(starts_expression(src, next) || text_of(src, next) == "not") || !ends_expression(src, previous) {
        return false;
    }
    // The word before the previous expression, skipping a bracket pair.
    let mut before = k - 1;
    if matches!(text_of(src, previous).as_str(), ")" | "]" | "}") {
        match bracket_before(src, tokens, k - 1) {
            Some(open) => before = open,
            None => return true,
        }
    }
    let word = before.checked_sub(1).map(|b| text_of(src, &tokens[b]));
    let header = before.checked_sub(2).map(|b| text_of(src, &tokens[b]));
    let declares = |w: &str| matches!(w, "class" | "def" | "import" | "from" | "as" | "global" | "nonlocal");
    !(word.as_deref().is_some_and(declares) || header.as_deref().is_some_and(|w| w == "def" || w == "class"))
}

/// Walks back from token `last` over one expression; returns the index of
/// its first token and of the separator or bracket before it (`None` at the
/// start of the logical line).
fn expression_start(src: &Source, tokens: &[Token], last: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut i = last;
    loop {
        let text = text_of(src, &tokens[i]);
        match text.as_str() {
            ")" | "]" | "}" => depth += 1,
            "(" | "[" | "{" if depth == 0 => return Some((i + 1, i)),
            "(" | "[" | "{" => depth -= 1,
            "," | ":" | "=" | ":=" | "lambda" | "if" | "else" | "for" | "in" | "yield" | "return" if depth == 0 => {
                return Some((i + 1, i));
            }
            _ if !matches!(tokens[i].kind, Kind::Name | Kind::Number | Kind::Str | Kind::Op) => {
                return None;
            }
            _ => {}
        }
        i = i.checked_sub(1)?;
    }
}

/// Is there a `for` between the bracket enclosing token `stop` and `stop`?
fn comprehension_before(src: &Source, tokens: &[Token], stop: usize) -> bool {
    let mut depth = 0usize;
    for token in tokens[..stop].iter().rev() {
        match text_of(src, token).as_str() {
            ")" | "]" | "}" => depth += 1,
            "(" | "[" | "{" if depth == 0 => return false,
            "(" | "[" | "{" => depth -= 1,
            "for" if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

/// Does the expression starting at token k run into the tokenizer error
/// (our tokens stop there)? CPython's "forgot a comma" rule parses it whole,
/// unless it ends first or holds two expressions side by side itself.
fn runs_to_tokenizer_error(src: &Source, tokens: &[Token], k: usize) -> bool {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(k) {
        let text = text_of(src, token);
        let after_operand = i > k && ends_expression(src, &tokens[i - 1]);
        let operand = matches!(token.kind, Kind::Number | Kind::Str) || token.kind == Kind::Name && !is_keyword(&text);
        let strings = token.kind == Kind::Str && tokens[i - 1].kind == Kind::Str;
        match text.as_str() {
            "{" if depth == 0 && after_operand => return false,
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" if depth == 0 => return false,
            ")" | "]" | "}" => depth -= 1,
            "," | ":" | "=" if depth == 0 => return false,
            _ if matches!(token.kind, Kind::Newline | Kind::End) => return false,
            _ if after_operand && operand && !strings => return false,
            _ => {}
        }
    }
    true
}

/// `f(a.b=1)`, `f(True=1)`: CPython's `invalid_kwarg`, at the argument start.
fn invalid_keyword_argument(src: &Source, tokens: &[Token], k: usize) -> Option<CodeError> {
    if text_of(src, &tokens[k]) != "=" || !ends_expression(src, tokens.get(k.checked_sub(1)?)?) {
        return None;
    }
    let (first, stop) = argument_start(src, tokens, k - 1)?;
    let opener = if text_of(src, &tokens[stop]) == "(" { stop } else { bracket_before(src, tokens, stop)? };
    let is_call = opener > 0 && ends_expression(src, &tokens[opener - 1]);
    if !is_call || opener.checked_sub(2).is_some_and(|d| text_of(src, &tokens[d]) == "def") {
        return None;
    }
    let word = text_of(src, &tokens[first]);
    let message = match (k - first, word.as_str()) {
        (1, "True" | "False" | "None") => format!("cannot assign to {word}"),
        (1, _) => return None,
        _ => "expression cannot contain assignment, perhaps you meant \"==\"?".to_owned(),
    };
    Some(src.error_at(tokens[first].start, message))
}

/// Start of the call argument ending at token `last`, and the `,` or `(` before it.
fn argument_start(src: &Source, tokens: &[Token], last: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for i in (0..=last).rev() {
        match text_of(src, &tokens[i]).as_str() {
            ")" | "]" | "}" => depth += 1,
            "(" | "[" | "{" if depth == 0 => return Some((i + 1, i)),
            "(" | "[" | "{" => depth -= 1,
            "," if depth == 0 => return Some((i + 1, i)),
            _ if !matches!(tokens[i].kind, Kind::Name | Kind::Number | Kind::Str | Kind::Op) => {
                return None;
            }
            _ => {}
        }
    }
    None
}

/// The unclosed opening bracket before token `i`.
fn bracket_before(src: &Source, tokens: &[Token], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    for j in (0..i).rev() {
        match text_of(src, &tokens[j]).as_str() {
            ")" | "]" | "}" => depth += 1,
            "(" | "[" | "{" if depth == 0 => return Some(j),
            "(" | "[" | "{" => depth -= 1,
            _ if matches!(tokens[j].kind, Kind::Newline | Kind::Indent | Kind::Dedent) => return None,
            _ => {}
        }
    }
    None
}

/// The bracket closing the one opened at token `open`.
fn matching_bracket(src: &Source, tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, token) in tokens.iter().enumerate().skip(open) {
        match text_of(src, token).as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" if depth == 1 => return Some(j),
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Grammar errors that rustpython accepts, visible in the tokens: `**` with
/// no name and a bare `*` with no keyword-only parameter after it.
fn bare_star_error(src: &Source, tokens: &[Token]) -> Option<CodeError> {
    let text = |j: usize| tokens.get(j).map(|t| text_of(src, t)).unwrap_or_default();
    for i in 0..tokens.len() {
        let star = text(i);
        if star != "*" && star != "**" || !in_parameters(src, tokens, i) {
            continue;
        }
        let next = text(i + 1);
        if star == "**" && matches!(next.as_str(), ")" | "," | ":") {
            return Some(src.error_at(tokens[i + 1].start, "invalid syntax"));
        }
        if star == "*" && next == "," && matches!(text(i + 2).as_str(), "**" | ")" | ":") {
            return Some(src.error_at(tokens[i].start, "named arguments must follow bare *"));
        }
    }
    None
}

/// Is token `i` in the parameters of a `def` or a `lambda`?
fn in_parameters(src: &Source, tokens: &[Token], i: usize) -> bool {
    let mut depth = 0usize;
    for j in (0..i).rev() {
        match text_of(src, &tokens[j]).as_str() {
            ")" | "]" | "}" => depth += 1,
            "(" | "[" | "{" if depth == 0 => {
                return j >= 2 && text_of(src, &tokens[j - 2]) == "def";
            }
            "(" | "[" | "{" => depth -= 1,
            "lambda" if depth == 0 => return true,
            ":" if depth == 0 => return false,
            _ if matches!(tokens[j].kind, Kind::Newline | Kind::Indent | Kind::Dedent) => return false,
            _ => {}
        }
    }
    false
}

/// Is token `first` (which follows `stop`, its opening bracket or a
/// separator) the start of an expression? In parameter lists only defaults
/// and annotations are, in import lists nothing is.
fn in_expression_brackets(src: &Source, tokens: &[Token], first: usize, stop: usize) -> bool {
    let mut depth = 0usize;
    for i in (0..first).rev() {
        match text_of(src, &tokens[i]).as_str() {
            ")" | "]" | "}" => depth += 1,
            "(" | "[" | "{" if depth > 0 => depth -= 1,
            "(" => {
                let word = |back: usize| i.checked_sub(back).map(|j| text_of(src, &tokens[j]));
                if word(2).as_deref() == Some("def") {
                    return matches!(text_of(src, &tokens[stop]).as_str(), "=" | ":");
                }
                return word(1).as_deref() != Some("import");
            }
            "[" | "{" => return true,
            _ => {}
        }
    }
    false
}

/// Is token `i` inside brackets? Counts brackets back to the logical line start.
fn inside_brackets(src: &Source, tokens: &[Token], i: usize) -> bool {
    let mut open = 0isize;
    for token in tokens[..=i].iter().rev() {
        if matches!(token.kind, Kind::Newline | Kind::Indent | Kind::Dedent) {
            break;
        }
        match text_of(src, token).as_str() {
            "(" | "[" | "{" => open += 1,
            ")" | "]" | "}" => open -= 1,
            _ => {}
        }
        if open > 0 {
            return true;
        }
    }
    false
}

// ---------------------------------------------------------------------------
// Tree checks: what CPython finds after the grammar

/// CPython's passes after the grammar, in order: an error in an earlier pass
/// wins over any error in a later one.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Pass {
    /// Checks made by the parser's actions (targets, 3.12-only syntax).
    Parser,
    /// `from __future__` placement and names (`future.c`).
    Future,
    /// The AST optimiser's recursion limit.
    Depth,
    /// Symbol table construction (`symtable.c`, first pass).
    Symtable,
    /// Symbol table analysis: free variables are resolved once all is seen.
    Analysis,
    /// Code generation (`compile.c`).
    Compiler,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ScopeKind {
    Module,
    Class,
    Function { is_async: bool },
    Lambda,
    Comprehension(CompKind),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum CompKind {
    List,
    Set,
    Dict,
    Generator,
}

impl CompKind {
    fn name(self) -> &'static str {
        match self {
            CompKind::List => "list comprehension",
            CompKind::Set => "set comprehension",
            CompKind::Dict => "dict comprehension",
            CompKind::Generator => "generator expression",
        }
    }
}

struct Scope {
    kind: ScopeKind,
    parent: Option<usize>,
    /// Contains `yield` (a generator) / is an async comprehension.
    is_generator: bool,
    is_coroutine: bool,
    /// Names bound here; names read here; parameters; `global` names.
    bound: HashSet<String>,
    used: HashSet<String>,
    params: HashSet<String>,
    globals: HashSet<String>,
}

/// Checks that can only be decided once the whole tree has been seen.
enum Pending {
    /// `return value` in an async function: an error if it is a generator.
    AsyncGeneratorReturn { scope: usize },
    /// A comprehension: an error if it turns out asynchronous.
    Comprehension { scope: usize },
    /// `nonlocal name`: an error unless an enclosing function binds it.
    Nonlocal { scope: usize, name: String },
}

/// Context of a node in the walk.
#[derive(Clone, Copy)]
struct Ctx {
    scope: usize,
    in_loop: bool,
    depth: usize,
}

/// What an expression is to its parent, for starred-expression rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Value,
    /// Element of a display or call arguments: `*x` is allowed.
    Element,
    /// An assignment target as a whole.
    Target,
}

enum Work {
    Stmt(Stmt, Ctx),
    Expr(Expr, Ctx, Role),
    Pattern(Pattern, Ctx),
}

/// Walks the tree iteratively, consuming it: every child is moved out of its
/// parent before the parent is dropped, so no drop recurses either.
struct Walker<'s> {
    src: &'s Source,
    tokens: &'s [Token],
    stack: Vec<Work>,
    scopes: Vec<Scope>,
    pending: Vec<(usize, usize, Pending)>,
    /// Visit number of the node being handled: errors are ranked by it.
    seq: usize,
    best: Option<(Pass, usize, CodeError)>,
    deepest: (usize, usize),
    /// Errors of later passes are not looked for.
    last_pass: Pass,
}

impl<'s> Walker<'s> {
    fn new(src: &'s Source, tokens: &'s [Token], last_pass: Pass) -> Self {
        let mut walker = Walker {
            src,
            tokens,
            stack: Vec::new(),
            scopes: Vec::new(),
            pending: Vec::new(),
            seq: 0,
            best: None,
            deepest: (0, 0),
            last_pass,
        };
        walker.new_scope(ScopeKind::Module, None);
        walker
    }

    fn run(mut self, body: Vec<Stmt>) -> Option<(Pass, CodeError)> {
        self.check_future_imports(&body);
        let ctx = Ctx { scope: 0, in_loop: false, depth: 0 };
        self.push_all(statements(body, ctx));
        while let Some(work) = self.stack.pop() {
            self.seq += 1;
            match work {
                Work::Stmt(stmt, ctx) => self.stmt(stmt, ctx),
                Work::Expr(expr, ctx, role) => self.expr(expr, ctx, role),
                Work::Pattern(pattern, ctx) => self.pattern(pattern, ctx),
            }
        }
        self.finish()
    }

    fn new_scope(&mut self, kind: ScopeKind, parent: Option<usize>) -> usize {
        self.scopes.push(Scope {
            kind,
            parent,
            is_generator: false,
            is_coroutine: false,
            bound: HashSet::new(),
            used: HashSet::new(),
            params: HashSet::new(),
            globals: HashSet::new(),
        });
        self.scopes.len() - 1
    }

    fn report(&mut self, pass: Pass, at: usize, message: impl Into<String>) {
        let key = (pass, self.seq);
        if pass > self.last_pass {
            return;
        }
        if self.best.as_ref().is_some_and(|(p, s, _)| (*p, *s) <= key) {
            return;
        }
        self.best = Some((pass, self.seq, self.src.error_at_byte(at, message)));
    }

    fn defer(&mut self, at: usize, pending: Pending) {
        self.pending.push((self.seq, at, pending));
    }

    /// Queues work so that it is visited in the given order.
    fn push_all(&mut self, work: Vec<Work>) {
        self.stack.extend(work.into_iter().rev());
    }

    fn deeper(&mut self, ctx: Ctx, at: usize) -> Ctx {
        let depth = ctx.depth + 1;
        if depth > self.deepest.0 {
            self.deepest = (depth, at);
        }
        Ctx { depth, ..ctx }
    }

    /// The scope that a name bound by `:=` or a definition belongs to.
    fn binding_scope(&self, scope: usize) -> usize {
        let mut s = scope;
        while let ScopeKind::Comprehension(_) = self.scopes[s].kind {
            match self.scopes[s].parent {
                Some(parent) => s = parent,
                None => break,
            }
        }
        s
    }

    fn bind(&mut self, scope: usize, name: &str) {
        self.scopes[scope].bound.insert(name.to_owned());
    }

    /// Resolves the pending checks, then returns the error of the earliest pass.
    fn finish(mut self) -> Option<(Pass, CodeError)> {
        if self.deepest.0 > CPYTHON_MAX_DEPTH {
            self.seq = 0;
            let message = "too many nested expressions (maximum recursion depth exceeded during compilation)";
            self.report(Pass::Depth, self.deepest.1, message);
        }
        // An async list/set/dict comprehension makes the enclosing one async
        // too; children come after parents, so go backwards.
        for s in (1..self.scopes.len()).rev() {
            let scope = &self.scopes[s];
            let ScopeKind::Comprehension(kind) = scope.kind else {
                continue;
            };
            if scope.is_coroutine && kind != CompKind::Generator {
                if let Some(parent) = scope.parent {
                    self.scopes[parent].is_coroutine = true;
                }
            }
        }
        for (seq, at, pending) in std::mem::take(&mut self.pending) {
            self.seq = seq;
            self.resolve(at, pending);
        }
        self.best.map(|(pass, _, error)| (pass, error))
    }

    fn resolve(&mut self, at: usize, pending: Pending) {
        match pending {
            Pending::AsyncGeneratorReturn { scope } => {
                if self.scopes[scope].is_generator {
                    self.report(Pass::Compiler, at, "'return' with value in async generator");
                }
            }
            Pending::Comprehension { scope } => {
                let comp = &self.scopes[scope];
                let outer = comp.parent.map(|p| self.scopes[p].kind);
                let allowed =
                    matches!(outer, Some(ScopeKind::Function { is_async: true } | ScopeKind::Comprehension(_)));
                let is_generator = comp.kind == ScopeKind::Comprehension(CompKind::Generator);
                if comp.is_coroutine && !is_generator && !allowed {
                    let message = "asynchronous comprehension outside of an asynchronous function";
                    self.report(Pass::Compiler, at, message);
                }
            }
            Pending::Nonlocal { scope, name } => {
                if !self.enclosing_function_binds(scope, &name) {
                    self.report(Pass::Analysis, at, format!("no binding for nonlocal '{name}' found"));
                }
            }
        }
    }

    fn enclosing_function_binds(&self, scope: usize, name: &str) -> bool {
        let mut s = self.scopes[scope].parent;
        while let Some(i) = s {
            let scope = &self.scopes[i];
            match scope.kind {
                ScopeKind::Module => return false,
                ScopeKind::Class => {}
                _ if scope.globals.contains(name) => return false,
                _ if scope.bound.contains(name) || scope.params.contains(name) => return true,
                _ => {}
            }
            s = scope.parent;
        }
        false
    }

    /// `future.c`: `from __future__` only at the top of the module, and only
    /// for features that exist.
    fn check_future_imports(&mut self, body: &[Stmt]) {
        let mut done = false;
        for (i, stmt) in body.iter().enumerate() {
            match stmt {
                Stmt::ImportFrom(import) if import.module.as_ref().is_some_and(|m| m.as_str() == "__future__") => {
                    let at = stmt.start().into();
                    if done {
                        let message = "from __future__ imports must occur at the beginning of the file";
                        self.report(Pass::Future, at, message);
                        return;
                    }
                    for alias in &import.names {
                        if let Some(message) = unknown_future_feature(alias.name.as_str()) {
                            self.report(Pass::Future, at, message);
                            return;
                        }
                    }
                }
                Stmt::Expr(e) if i == 0 && is_string(&e.value) => {}
                _ => done = true,
            }
        }
    }
}

fn unknown_future_feature(name: &str) -> Option<String> {
    const FEATURES: [&str; 10] = [
        "nested_scopes",
        "generators",
        "division",
        "absolute_import",
        "with_statement",
        "print_function",
        "unicode_literals",
        "barry_as_FLUFL",
        "generator_stop",
        "annotations",
    ];
    if FEATURES.contains(&name) {
        None
    } else if name == "braces" {
        Some("not a chance".to_owned())
    } else {
        Some(format!("future feature {name} is not defined"))
    }
}

fn is_string(expr: &Expr) -> bool {
    matches!(expr, Expr::Constant(c) if matches!(c.value, Constant::Str(_)))
}

// Statements ------------------------------------------------------------------

/// A function definition, async or not.
struct Function {
    is_async: bool,
    name: ast::Identifier,
    args: Box<ast::Arguments>,
    body: Vec<Stmt>,
    decorators: Vec<Expr>,
    returns: Option<Box<Expr>>,
    type_params: Vec<ast::TypeParam>,
}

impl From<ast::StmtFunctionDef> for Function {
    fn from(f: ast::StmtFunctionDef) -> Self {
        let (args, body, decorators, returns) = (f.args, f.body, f.decorator_list, f.returns);
        Function { is_async: false, name: f.name, args, body, decorators, returns, type_params: f.type_params }
    }
}

impl From<ast::StmtAsyncFunctionDef> for Function {
    fn from(f: ast::StmtAsyncFunctionDef) -> Self {
        let (args, body, decorators, returns) = (f.args, f.body, f.decorator_list, f.returns);
        Function { is_async: true, name: f.name, args, body, decorators, returns, type_params: f.type_params }
    }
}

/// A `for` loop, async or not.
struct ForLoop {
    is_async: bool,
    target: Expr,
    iter: Expr,
    body: Vec<Stmt>,
    orelse: Vec<Stmt>,
}

impl From<ast::StmtFor> for ForLoop {
    fn from(f: ast::StmtFor) -> Self {
        ForLoop { is_async: false, target: *f.target, iter: *f.iter, body: f.body, orelse: f.orelse }
    }
}

impl From<ast::StmtAsyncFor> for ForLoop {
    fn from(f: ast::StmtAsyncFor) -> Self {
        ForLoop { is_async: true, target: *f.target, iter: *f.iter, body: f.body, orelse: f.orelse }
    }
}

/// An `if` or `while`: the test, the body, then the `else` clause.
fn block(test: Expr, body: (Vec<Stmt>, Ctx), orelse: (Vec<Stmt>, Ctx)) -> Vec<Work> {
    let mut work = values([test], body.1);
    work.extend(statements(body.0, body.1));
    work.extend(statements(orelse.0, orelse.1));
    work
}

/// Visits of statements, in order.
fn statements(stmts: Vec<Stmt>, ctx: Ctx) -> Vec<Work> {
    stmts.into_iter().map(|s| Work::Stmt(s, ctx)).collect()
}

impl Walker<'_> {
    fn stmt(&mut self, stmt: Stmt, ctx: Ctx) {
        let at: usize = stmt.start().into();
        let ctx = self.deeper(ctx, at);
        let in_loop = Ctx { in_loop: true, ..ctx };
        let work = match stmt {
            Stmt::FunctionDef(f) => self.function(f.into(), ctx, at),
            Stmt::AsyncFunctionDef(f) => self.function(f.into(), ctx, at),
            Stmt::ClassDef(c) => self.class(c, ctx, at),
            Stmt::Return(r) => self.return_stmt(r.value, ctx, at),
            Stmt::Delete(d) => self.targets(d.targets, TargetUse::Delete, ctx),
            Stmt::Assign(a) => {
                let single = a.targets.len() == 1;
                self.assignment(a.targets, TargetUse::Assign { single }, [Some(*a.value)], ctx)
            }
            Stmt::TypeAlias(_) => self.fail(Pass::Parser, at, "invalid syntax"),
            Stmt::AugAssign(a) => self.assignment(vec![*a.target], TargetUse::Augmented, [Some(*a.value)], ctx),
            Stmt::AnnAssign(a) => {
                let rest = [Some(*a.annotation), a.value.map(|v| *v)];
                self.assignment(vec![*a.target], TargetUse::Annotated, rest, ctx)
            }
            Stmt::For(f) => self.for_stmt(f.into(), ctx, at),
            Stmt::AsyncFor(f) => self.for_stmt(f.into(), ctx, at),
            Stmt::While(w) => block(*w.test, (w.body, in_loop), (w.orelse, ctx)),
            Stmt::If(i) => block(*i.test, (i.body, ctx), (i.orelse, ctx)),
            Stmt::With(w) => self.with_stmt(w.items, w.body, false, ctx, at),
            Stmt::AsyncWith(w) => self.with_stmt(w.items, w.body, true, ctx, at),
            Stmt::Match(m) => self.match_stmt(m, ctx),
            Stmt::Raise(r) => values(r.exc.into_iter().chain(r.cause).map(|x| *x), ctx),
            Stmt::Try(t) => self.try_stmt((t.body, t.handlers, t.orelse, t.finalbody), ctx),
            Stmt::TryStar(t) => self.try_stmt((t.body, t.handlers, t.orelse, t.finalbody), ctx),
            Stmt::Assert(a) => values(std::iter::once(*a.test).chain(a.msg.map(|m| *m)), ctx),
            Stmt::Import(i) => self.import(i, ctx),
            Stmt::ImportFrom(i) => self.import_from(i, ctx, at),
            Stmt::Global(g) => self.declare(g.names, ctx, at, "global"),
            Stmt::Nonlocal(n) => self.declare(n.names, ctx, at, "nonlocal"),
            Stmt::Expr(x) => values([*x.value], ctx),
            Stmt::Pass(_) => Vec::new(),
            Stmt::Break(_) if !ctx.in_loop => self.fail(Pass::Compiler, at, "'break' outside loop"),
            Stmt::Continue(_) if !ctx.in_loop => self.fail(Pass::Compiler, at, "'continue' not properly in loop"),
            Stmt::Break(_) | Stmt::Continue(_) => Vec::new(),
        };
        self.push_all(work);
    }

    /// Targets first, then the values, as CPython's symbol table visits them.
    fn assignment<const N: usize>(
        &mut self,
        targets: Vec<Expr>,
        use_: TargetUse,
        rest: [Option<Expr>; N],
        ctx: Ctx,
    ) -> Vec<Work> {
        let mut work = self.targets(targets, use_, ctx);
        work.extend(values(rest.into_iter().flatten(), ctx));
        work
    }

    /// Reports an error at a node that has nothing more to visit.
    fn fail(&mut self, pass: Pass, at: usize, message: &str) -> Vec<Work> {
        self.report(pass, at, message);
        Vec::new()
    }

    /// Checks assignment (or deletion) targets and returns their visits.
    fn targets(&mut self, targets: Vec<Expr>, use_: TargetUse, ctx: Ctx) -> Vec<Work> {
        for target in &targets {
            self.check_target(target, use_);
        }
        let role = if use_ == TargetUse::Delete { Role::Value } else { Role::Target };
        targets.into_iter().map(|t| Work::Expr(t, ctx, role)).collect()
    }

    fn import(&mut self, import: ast::StmtImport, ctx: Ctx) -> Vec<Work> {
        let scope = self.binding_scope(ctx.scope);
        for alias in import.names {
            let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
            let first = name.split('.').next().unwrap_or(name).to_owned();
            self.bind(scope, &first);
        }
        Vec::new()
    }

    fn import_from(&mut self, import: ast::StmtImportFrom, ctx: Ctx, at: usize) -> Vec<Work> {
        let is_future = import.module.as_ref().is_some_and(|m| m.as_str() == "__future__");
        if is_future && ctx.scope != 0 {
            let message = "from __future__ imports must occur at the beginning of the file";
            self.report(Pass::Compiler, at, message);
        }
        for alias in import.names {
            if alias.name.as_str() != "*" {
                let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str().to_owned();
                self.bind(ctx.scope, &name);
            } else if self.scopes[ctx.scope].kind != ScopeKind::Module {
                self.report(Pass::Symtable, at, "import * only allowed at module level");
            }
        }
        Vec::new()
    }

    /// `global` / `nonlocal`: CPython's symtable refuses a name already used,
    /// assigned or a parameter in this scope, and `nonlocal` at module level.
    fn declare(&mut self, names: Vec<ast::Identifier>, ctx: Ctx, at: usize, what: &str) -> Vec<Work> {
        let scope = ctx.scope;
        if what == "nonlocal" && self.scopes[scope].kind == ScopeKind::Module {
            return self.fail(Pass::Symtable, at, "nonlocal declaration not allowed at module level");
        }
        for name in names {
            let name = name.as_str().to_owned();
            let current = &self.scopes[scope];
            let problem = if current.params.contains(&name) {
                format!("name '{name}' is parameter and {what}")
            } else if current.bound.contains(&name) {
                format!("name '{name}' is assigned to before {what} declaration")
            } else if current.used.contains(&name) {
                format!("name '{name}' is used prior to {what} declaration")
            } else if what == "global" {
                self.scopes[scope].globals.insert(name);
                continue;
            } else {
                self.defer(at, Pending::Nonlocal { scope, name });
                continue;
            };
            return self.fail(Pass::Symtable, at, &problem);
        }
        Vec::new()
    }

    fn return_stmt(&mut self, value: Option<Box<Expr>>, ctx: Ctx, at: usize) -> Vec<Work> {
        match self.scopes[ctx.scope].kind {
            ScopeKind::Function { is_async: true } if value.is_some() => {
                self.defer(at, Pending::AsyncGeneratorReturn { scope: ctx.scope });
            }
            ScopeKind::Function { .. } => {}
            _ => self.report(Pass::Compiler, at, "'return' outside function"),
        }
        values(value.map(|v| *v), ctx)
    }

    fn in_async_function(&self, ctx: Ctx) -> bool {
        self.scopes[ctx.scope].kind == ScopeKind::Function { is_async: true }
    }

    /// The loop body is in the loop; its `else` clause is not.
    fn for_stmt(&mut self, f: ForLoop, ctx: Ctx, at: usize) -> Vec<Work> {
        if f.is_async && !self.in_async_function(ctx) {
            self.report(Pass::Compiler, at, "'async for' outside async function");
        }
        let mut work = self.targets(vec![f.target], TargetUse::For, ctx);
        work.extend(values([f.iter], ctx));
        work.extend(statements(f.body, Ctx { in_loop: true, ..ctx }));
        work.extend(statements(f.orelse, ctx));
        work
    }

    fn with_stmt(
        &mut self,
        items: Vec<ast::WithItem>,
        body: Vec<Stmt>,
        is_async: bool,
        ctx: Ctx,
        at: usize,
    ) -> Vec<Work> {
        if is_async && !self.in_async_function(ctx) {
            self.report(Pass::Compiler, at, "'async with' outside async function");
        }
        let mut work = Vec::new();
        for item in items {
            work.extend(values([item.context_expr], ctx));
            if let Some(vars) = item.optional_vars {
                work.extend(self.targets(vec![*vars], TargetUse::For, ctx));
            }
        }
        work.extend(statements(body, ctx));
        work
    }

    fn try_stmt(&mut self, parts: (Vec<Stmt>, Vec<ast::ExceptHandler>, Vec<Stmt>, Vec<Stmt>), ctx: Ctx) -> Vec<Work> {
        let (body, handlers, orelse, finalbody) = parts;
        let mut work = statements(body, ctx);
        let count = handlers.len();
        for (i, ast::ExceptHandler::ExceptHandler(handler)) in handlers.into_iter().enumerate() {
            if handler.type_.is_none() && i + 1 < count {
                let at = handler.range.start().into();
                self.report(Pass::Compiler, at, "default 'except:' must be last");
            }
            if let Some(name) = &handler.name {
                let scope = self.binding_scope(ctx.scope);
                self.bind(scope, name.as_str());
            }
            work.extend(values(handler.type_.map(|t| *t), ctx));
            work.extend(statements(handler.body, ctx));
        }
        work.extend(statements(orelse, ctx));
        work.extend(statements(finalbody, ctx));
        work
    }

    fn match_stmt(&mut self, m: ast::StmtMatch, ctx: Ctx) -> Vec<Work> {
        let count = m.cases.len();
        let mut work = values([*m.subject], ctx);
        for (i, case) in m.cases.into_iter().enumerate() {
            // Irrefutable patterns must be guarded or last (compile.c).
            if case.guard.is_none() && i + 1 < count {
                self.check_irrefutable(&case.pattern);
            }
            work.push(Work::Pattern(case.pattern, ctx));
            work.extend(values(case.guard.map(|g| *g), ctx));
            work.extend(statements(case.body, ctx));
        }
        work
    }

    fn check_irrefutable(&mut self, pattern: &Pattern) {
        let Pattern::MatchAs(p) = pattern else { return };
        if p.pattern.is_some() {
            return;
        }
        let message = match &p.name {
            Some(name) => format!("name capture '{name}' makes remaining patterns unreachable"),
            None => "wildcard makes remaining patterns unreachable".to_owned(),
        };
        self.report(Pass::Compiler, p.range.start().into(), message);
    }

    fn pattern(&mut self, pattern: Pattern, ctx: Ctx) {
        let scope = self.binding_scope(ctx.scope);
        let sub = |p: Vec<Pattern>| p.into_iter().map(|p| Work::Pattern(p, ctx)).collect::<Vec<_>>();
        let mut bound = None;
        let work: Vec<Work> = match pattern {
            Pattern::MatchValue(p) => values([*p.value], ctx),
            Pattern::MatchSingleton(_) => Vec::new(),
            Pattern::MatchSequence(p) => sub(p.patterns),
            Pattern::MatchMapping(p) => {
                bound = p.rest;
                values(p.keys, ctx).into_iter().chain(sub(p.patterns)).collect()
            }
            Pattern::MatchClass(p) => {
                let patterns = p.patterns.into_iter().chain(p.kwd_patterns).collect();
                values([*p.cls], ctx).into_iter().chain(sub(patterns)).collect()
            }
            Pattern::MatchStar(p) => {
                bound = p.name;
                Vec::new()
            }
            Pattern::MatchAs(p) => {
                bound = p.name;
                sub(p.pattern.map(|p| *p).into_iter().collect())
            }
            Pattern::MatchOr(p) => sub(p.patterns),
        };
        if let Some(name) = bound {
            self.bind(scope, name.as_str());
        }
        self.push_all(work);
    }
}

// Definitions and scopes ---------------------------------------------------------

impl Walker<'_> {
    fn function(&mut self, f: Function, ctx: Ctx, at: usize) -> Vec<Work> {
        if !f.type_params.is_empty() {
            self.report_type_params(at, "expected '('");
        }
        let outer = self.binding_scope(ctx.scope);
        self.bind(outer, f.name.as_str());
        let kind = ScopeKind::Function { is_async: f.is_async };
        let scope = self.new_scope(kind, Some(ctx.scope));
        // Decorators, defaults and annotations belong to the enclosing scope.
        let mut work = values(f.decorators, ctx);
        work.extend(self.arguments(*f.args, scope, ctx, true));
        work.extend(values(f.returns.map(|r| *r), ctx));
        work.extend(statements(f.body, Ctx { scope, in_loop: false, depth: ctx.depth }));
        work
    }

    /// 3.12's `def f[T]()` / `class C[T]`: CPython 3.11 stops at the `[`.
    fn report_type_params(&mut self, at: usize, message: &str) {
        let start = self.src.char_index(at);
        let offset = self.src.chars[start..].iter().position(|&c| c == '[');
        let bracket = start + offset.unwrap_or(0);
        self.report(Pass::Parser, self.src.byte_index(bracket), message);
    }

    /// Binds the parameters in `scope` and returns the defaults (and, for
    /// functions, the annotations) to visit in the enclosing context.
    fn arguments(&mut self, args: ast::Arguments, scope: usize, outer: Ctx, annotations: bool) -> Vec<Work> {
        let with_defaults = args.posonlyargs.into_iter().chain(args.args).chain(args.kwonlyargs);
        let mut work = Vec::new();
        let mut plain: Vec<ast::Arg> = Vec::new();
        for arg in with_defaults {
            work.extend(values(arg.default.map(|d| *d), outer));
            plain.push(arg.def);
        }
        plain.extend(args.vararg.map(|a| *a));
        plain.extend(args.kwarg.map(|a| *a));
        for arg in plain {
            self.scopes[scope].params.insert(arg.arg.as_str().to_owned());
            if annotations {
                work.extend(values(arg.annotation.map(|a| *a), outer));
            }
        }
        work
    }

    fn class(&mut self, c: ast::StmtClassDef, ctx: Ctx, at: usize) -> Vec<Work> {
        if !c.type_params.is_empty() {
            self.report_type_params(at, "invalid syntax");
        }
        let outer = self.binding_scope(ctx.scope);
        self.bind(outer, c.name.as_str());
        let scope = self.new_scope(ScopeKind::Class, Some(ctx.scope));
        let mut work = values(c.decorator_list, ctx);
        work.extend(elements(c.bases, ctx));
        work.extend(values(c.keywords.into_iter().map(|k| k.value), ctx));
        work.extend(statements(c.body, Ctx { scope, in_loop: false, depth: ctx.depth }));
        work
    }

    fn lambda(&mut self, lambda: ast::ExprLambda, ctx: Ctx) -> Vec<Work> {
        let scope = self.new_scope(ScopeKind::Lambda, Some(ctx.scope));
        let mut work = self.arguments(*lambda.args, scope, ctx, false);
        let inner = Ctx { scope, in_loop: false, depth: ctx.depth };
        work.extend(values([*lambda.body], inner));
        work
    }

    /// A comprehension: the first iterable is evaluated in the enclosing
    /// scope, the rest in the comprehension's own.
    fn comp(
        &mut self,
        kind: CompKind,
        elts: Vec<Expr>,
        generators: Vec<ast::Comprehension>,
        ctx: Ctx,
        at: usize,
    ) -> Vec<Work> {
        let scope = self.new_scope(ScopeKind::Comprehension(kind), Some(ctx.scope));
        let inner = Ctx { scope, in_loop: false, depth: ctx.depth };
        self.defer(at, Pending::Comprehension { scope });
        let mut work = Vec::new();
        for (i, generator) in generators.into_iter().enumerate() {
            if generator.is_async {
                self.scopes[scope].is_coroutine = true;
            }
            work.extend(values([generator.iter], if i == 0 { ctx } else { inner }));
            work.extend(self.targets(vec![generator.target], TargetUse::For, inner));
            work.extend(values(generator.ifs, inner));
        }
        work.extend(values(elts, inner));
        work
    }
}

// Expressions -----------------------------------------------------------------

impl Walker<'_> {
    fn expr(&mut self, expr: Expr, ctx: Ctx, role: Role) {
        let at: usize = expr.start().into();
        let ctx = self.deeper(ctx, at);
        let work = match expr {
            Expr::BoolOp(x) => values(x.values, ctx),
            Expr::NamedExpr(x) => self.named_expr(x, ctx),
            Expr::BinOp(x) => values([*x.left, *x.right], ctx),
            Expr::UnaryOp(x) => values([*x.operand], ctx),
            Expr::Lambda(x) => self.lambda(x, ctx),
            Expr::IfExp(x) => values([*x.test, *x.body, *x.orelse], ctx),
            Expr::Dict(x) => values(x.keys.into_iter().flatten().chain(x.values), ctx),
            Expr::Set(x) => elements(x.elts, ctx),
            Expr::ListComp(x) => self.comp(CompKind::List, vec![*x.elt], x.generators, ctx, at),
            Expr::SetComp(x) => self.comp(CompKind::Set, vec![*x.elt], x.generators, ctx, at),
            Expr::DictComp(x) => self.comp(CompKind::Dict, vec![*x.key, *x.value], x.generators, ctx, at),
            Expr::GeneratorExp(x) => self.comp(CompKind::Generator, vec![*x.elt], x.generators, ctx, at),
            Expr::Await(x) => self.await_expr(*x.value, ctx, at),
            Expr::Yield(x) => self.yield_expr(x.value.map(|v| *v), false, ctx, at),
            Expr::YieldFrom(x) => self.yield_expr(Some(*x.value), true, ctx, at),
            Expr::Compare(x) => values(std::iter::once(*x.left).chain(x.comparators), ctx),
            Expr::Call(x) => self.call(x, ctx),
            Expr::FormattedValue(x) => values(std::iter::once(*x.value).chain(x.format_spec.map(|f| *f)), ctx),
            Expr::JoinedStr(x) => values(x.values, ctx),
            Expr::Constant(_) => Vec::new(),
            Expr::Attribute(x) => values([*x.value], ctx),
            Expr::Subscript(x) => vec![Work::Expr(*x.value, ctx, Role::Value), element(*x.slice, ctx)],
            Expr::Starred(x) => self.starred(*x.value, role, ctx, at),
            Expr::Name(x) => self.name(&x, ctx),
            Expr::List(x) => self.sequence(x.elts, x.ctx, ctx, at),
            Expr::Tuple(x) => self.sequence(x.elts, x.ctx, ctx, at),
            Expr::Slice(x) => values([x.lower, x.upper, x.step].into_iter().flatten().map(|e| *e), ctx),
        };
        self.push_all(work);
    }

    fn named_expr(&mut self, named: ast::ExprNamedExpr, ctx: Ctx) -> Vec<Work> {
        if let Expr::Name(name) = named.target.as_ref() {
            let scope = self.binding_scope(ctx.scope);
            self.bind(scope, name.id.as_str());
        }
        values([*named.value], ctx)
    }

    fn call(&mut self, call: ast::ExprCall, ctx: Ctx) -> Vec<Work> {
        if call.args.len() + call.keywords.len() > 1 {
            self.check_bare_generators(&call.args);
        }
        let mut work = values([*call.func], ctx);
        work.extend(elements(call.args, ctx));
        work.extend(values(call.keywords.into_iter().map(|k| k.value), ctx));
        work
    }

    /// A generator expression must be in its own brackets unless it is the
    /// only argument.
    fn check_bare_generators(&mut self, args: &[Expr]) {
        for arg in args {
            let Expr::GeneratorExp(generator) = arg else {
                continue;
            };
            let start = self.src.char_index(generator.range.start().into());
            let end = self.src.char_index(generator.range.end().into());
            let open = self.tokens.partition_point(|t| t.start < start);
            let close = matching_bracket(self.src, self.tokens, open);
            let parenthesized = self.tokens.get(open).is_some_and(|t| self.src.chars[t.start] == '(')
                && close.is_some_and(|c| self.tokens[c].end == end);
            if !parenthesized {
                let message = "Generator expression must be parenthesized";
                self.report(Pass::Parser, generator.range.start().into(), message);
            }
        }
    }

    fn sequence(&mut self, elts: Vec<Expr>, context: ExprContext, ctx: Ctx, at: usize) -> Vec<Work> {
        let starred = elts.iter().filter(|e| matches!(e, Expr::Starred(_))).count();
        if context == ExprContext::Store && starred > 1 {
            self.report(Pass::Compiler, at, "multiple starred expressions in assignment");
        }
        let role = if context == ExprContext::Store { Role::Target } else { Role::Element };
        let inner = if context == ExprContext::Store { Role::Element } else { role };
        elts.into_iter().map(|x| Work::Expr(x, ctx, inner)).collect()
    }

    fn name(&mut self, name: &ast::ExprName, ctx: Ctx) -> Vec<Work> {
        let id = name.id.as_str().to_owned();
        if id == "__debug__" && name.ctx != ExprContext::Load {
            let verb = if name.ctx == ExprContext::Del { "delete" } else { "assign to" };
            let message = format!("cannot {verb} __debug__");
            self.report(Pass::Compiler, name.range.start().into(), message);
        }
        let scope = &mut self.scopes[ctx.scope];
        match name.ctx {
            ExprContext::Load => scope.used.insert(id),
            ExprContext::Store | ExprContext::Del => scope.bound.insert(id),
        };
        Vec::new()
    }

    fn starred(&mut self, value: Expr, role: Role, ctx: Ctx, at: usize) -> Vec<Work> {
        let message = match role {
            Role::Element => None,
            Role::Target => Some("starred assignment target must be in a list or tuple"),
            Role::Value => Some("can't use starred expression here"),
        };
        if let Some(message) = message {
            self.report(Pass::Compiler, at, message);
        }
        values([value], ctx)
    }

    fn await_expr(&mut self, value: Expr, ctx: Ctx, at: usize) -> Vec<Work> {
        match self.scopes[ctx.scope].kind {
            ScopeKind::Module | ScopeKind::Class => self.report(Pass::Compiler, at, "'await' outside function"),
            ScopeKind::Function { is_async: false } | ScopeKind::Lambda => {
                self.report(Pass::Compiler, at, "'await' outside async function")
            }
            ScopeKind::Function { is_async: true } => {}
            // Makes the comprehension asynchronous (checked in `finish`).
            ScopeKind::Comprehension(_) => self.scopes[ctx.scope].is_coroutine = true,
        }
        values([value], ctx)
    }

    fn yield_expr(&mut self, value: Option<Expr>, from: bool, ctx: Ctx, at: usize) -> Vec<Work> {
        match self.scopes[ctx.scope].kind {
            ScopeKind::Module | ScopeKind::Class => self.report(Pass::Compiler, at, "'yield' outside function"),
            ScopeKind::Comprehension(kind) => {
                let message = format!("'yield' inside {}", kind.name());
                self.report(Pass::Symtable, at, message)
            }
            ScopeKind::Function { is_async } => {
                self.scopes[ctx.scope].is_generator = true;
                if is_async && from {
                    self.report(Pass::Compiler, at, "'yield from' inside async function");
                }
            }
            ScopeKind::Lambda => self.scopes[ctx.scope].is_generator = true,
        }
        values(value, ctx)
    }
}

/// Visits of expressions in the value role, in order.
fn values(exprs: impl IntoIterator<Item = Expr>, ctx: Ctx) -> Vec<Work> {
    exprs.into_iter().map(|e| Work::Expr(e, ctx, Role::Value)).collect()
}

/// Visits of display elements and call arguments, where `*x` is allowed.
fn elements(exprs: Vec<Expr>, ctx: Ctx) -> Vec<Work> {
    exprs.into_iter().map(|e| element(e, ctx)).collect()
}

fn element(expr: Expr, ctx: Ctx) -> Work {
    Work::Expr(expr, ctx, Role::Element)
}

// Assignment targets ------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum TargetUse {
    Assign {
        single: bool,
    },
    Augmented,
    Annotated,
    Delete,
    /// `for` targets, `with ... as` targets and comprehension targets.
    For,
}

/// CPython's name for an expression in target errors (`_PyPegen_get_expr_name`).
fn expr_name(expr: &Expr) -> &'static str {
    match expr {
        Expr::Attribute(_) => "attribute",
        Expr::Subscript(_) => "subscript",
        Expr::Starred(_) => "starred",
        Expr::Name(_) => "name",
        Expr::List(_) => "list",
        Expr::Tuple(_) => "tuple",
        Expr::Lambda(_) => "lambda",
        Expr::Call(_) => "function call",
        Expr::BoolOp(_) | Expr::BinOp(_) | Expr::UnaryOp(_) => "expression",
        Expr::GeneratorExp(_) => "generator expression",
        Expr::Yield(_) | Expr::YieldFrom(_) => "yield expression",
        Expr::Await(_) => "await expression",
        Expr::ListComp(_) => "list comprehension",
        Expr::SetComp(_) => "set comprehension",
        Expr::DictComp(_) => "dict comprehension",
        Expr::Dict(_) => "dict literal",
        Expr::Set(_) => "set display",
        Expr::JoinedStr(_) | Expr::FormattedValue(_) => "f-string expression",
        Expr::Constant(c) => match c.value {
            Constant::None => "None",
            Constant::Bool(true) => "True",
            Constant::Bool(false) => "False",
            Constant::Ellipsis => "ellipsis",
            _ => "literal",
        },
        Expr::Compare(_) => "comparison",
        Expr::IfExp(_) => "conditional expression",
        Expr::NamedExpr(_) => "named expression",
        Expr::Slice(_) => "slice",
    }
}

impl Walker<'_> {
    /// The parser's `invalid_*` target rules, for trees rustpython accepts.
    fn check_target(&mut self, target: &Expr, use_: TargetUse) {
        let at: usize = target.start().into();
        match (use_, target) {
            (_, Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_)) => {}
            (TargetUse::Augmented, other) => {
                let message = format!("'{}' is an illegal expression for augmented assignment", expr_name(other));
                self.report(Pass::Parser, at, message);
            }
            (TargetUse::Annotated, Expr::Tuple(_) | Expr::List(_)) => {
                let message = format!("only single target (not {}) can be annotated", expr_name(target));
                self.report(Pass::Parser, at, message);
            }
            (TargetUse::Annotated, _) => self.report(Pass::Parser, at, "illegal target for annotation"),
            _ => {
                if let Some(bad) = first_invalid_target(target, use_ == TargetUse::Delete) {
                    let message = target_message(target, bad, use_);
                    self.report(Pass::Parser, bad.start().into(), message);
                }
            }
        }
    }
}

fn target_message(target: &Expr, bad: &Expr, use_: TargetUse) -> String {
    let what = expr_name(bad);
    // CPython's `invalid_named_expression` adds a hint when the whole single
    // target is an operand-level expression (`f() = 1`, `x + 1 = 2`).
    let operand =
        !matches!(bad, Expr::BoolOp(_) | Expr::Compare(_) | Expr::IfExp(_) | Expr::Lambda(_) | Expr::GeneratorExp(_))
            && !matches!(bad, Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not)
            && !matches!(bad, Expr::Constant(c) if matches!(c.value, Constant::None | Constant::Bool(_)));
    let whole = std::ptr::eq(target, bad);
    match use_ {
        TargetUse::Delete => format!("cannot delete {what}"),
        _ if matches!(bad, Expr::Yield(_) | Expr::YieldFrom(_)) => {
            "assignment to yield expression not possible".to_owned()
        }
        TargetUse::Assign { single: true } if whole && operand => {
            format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?")
        }
        _ => format!("cannot assign to {what}"),
    }
}

/// The first element that cannot be assigned (or deleted), searching tuples
/// and lists iteratively.
fn first_invalid_target(target: &Expr, delete: bool) -> Option<&Expr> {
    let mut stack = vec![target];
    while let Some(expr) = stack.pop() {
        match expr {
            Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => {}
            Expr::Tuple(t) => stack.extend(t.elts.iter().rev()),
            Expr::List(l) => stack.extend(l.elts.iter().rev()),
            Expr::Starred(s) if !delete => stack.push(&s.value),
            other => return Some(other),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line and message of the error found in `source`.
    fn error(source: &str) -> (usize, String) {
        match check_python(source) {
            Some(e) => (e.line, e.message),
            None => panic!("expected an error for {source:?}"),
        }
    }

    fn line(source: &str) -> usize {
        error(source).0
    }

    #[test]
    fn accepts_valid_code() {
        for source in [
            "",
            "\n\n",
            "# just a comment",
            "x = 1",
            "def f(a, /, b=2, *args, c, **kw) -> int:\n    return a\n",
            "class A(B, metaclass=M):\n    x: int = 1\n\n    def f(self):\n        yield from g()\n",
            "async def f():\n    async with a as b:\n        return [x async for x in b]\n",
            "match p:\n    case Point(x=0, y=0) | [1, *rest]:\n        pass\n    case _:\n        pass\n",
            "if (n := len(a)) > 10:\n    print(f'{n!r:>{width}} items')\n",
            "for i in x:\n    try:\n        continue\n    finally:\n        break\nelse:\n    pass\n",
            "π = 3.14\nnaïve_count = 0\n",
            "x = 1  \r\ny = 2\r\n",
            "x = (await y for y in z)\n",
        ] {
            assert_eq!(check_python(source), None, "{source:?}");
        }
    }

    #[test]
    fn def_without_body_at_end_is_reported_on_the_def_line() {
        let source = "class Net:\n    x = 1\n\n    def forward(self, x):\n";
        let message = "expected an indented block after function definition on line 4";
        assert_eq!(error(source), (4, message.to_owned()));
        // Trailing blank lines move CPython's end marker, and the error with it.
        assert_eq!(line("def f():\n\n\n"), 3);
        assert_eq!(line("if x:\n    pass\nelse:\n# only a comment\n"), 4);
    }

    #[test]
    fn misplaced_return_break_continue() {
        assert_eq!(error("x = f(x)\nreturn x\n"), (2, "'return' outside function".into()));
        let source = "for i in range(3):\n    pass\nif i > 1:\n    break\n";
        assert_eq!(error(source), (4, "'break' outside loop".into()));
        let source = "while x:\n    pass\nelse:\n    continue\n";
        assert_eq!(error(source), (4, "'continue' not properly in loop".into()));
        // A function body is outside the loop that contains the function.
        assert_eq!(line("for x in y:\n    def g():\n        break\n"), 3);
        // A class body resets the function context.
        assert_eq!(line("def f():\n    class A:\n        return 1\n"), 3);
    }

    #[test]
    fn yield_and_await_placement() {
        assert_eq!(error("yield 1\n"), (1, "'yield' outside function".into()));
        assert_eq!(error("await x\n"), (1, "'await' outside function".into()));
        let source = "def f():\n    await x\n";
        assert_eq!(error(source), (2, "'await' outside async function".into()));
        assert_eq!(check_python("x = lambda: (yield)\n"), None);
        assert_eq!(error("x = lambda: await y\n").1, "'await' outside async function");
        let message = "'yield' inside list comprehension";
        assert_eq!(error("def f():\n    [(yield) for x in y]\n"), (2, message.into()));
        let message = "asynchronous comprehension outside of an asynchronous function";
        assert_eq!(error("def f():\n    [x async for x in y]\n"), (2, message.into()));
        assert_eq!(error("x = [await y for y in z]\n"), (1, message.into()));
        let source = "async def f():\n    yield 1\n    return 2\n";
        assert_eq!(error(source), (3, "'return' with value in async generator".into()));
    }

    #[test]
    fn scope_declarations() {
        let message = "nonlocal declaration not allowed at module level";
        assert_eq!(error("nonlocal x\n"), (1, message.into()));
        let source = "def outer():\n    def inner():\n        nonlocal count\n";
        assert_eq!(error(source), (3, "no binding for nonlocal 'count' found".into()));
        let source = "def outer():\n    count = 0\n    def inner():\n        nonlocal count\n";
        assert_eq!(check_python(source), None);
        let source = "def f():\n    x = 1\n    global x\n";
        let message = "name 'x' is assigned to before global declaration";
        assert_eq!(error(source), (3, message.into()));
        let source = "def f():\n    from os import *\n";
        assert_eq!(error(source), (2, "import * only allowed at module level".into()));
    }

    #[test]
    fn grammar_errors_point_where_cpython_does() {
        let source = "# Training loop\nfor each training step:\n    update()\n";
        assert_eq!(error(source), (2, "invalid syntax".into()));
        assert_eq!(error("if x\n    pass\n"), (1, "expected ':'".into()));
        let message = "Missing parentheses in call to 'print'. Did you mean print(...)?";
        assert_eq!(error("print 'hello'\n"), (1, message.into()));
        let message = "invalid syntax. Perhaps you forgot a comma?";
        let source = "config = {\n    'lr': 0.01\n    'epochs': 10\n}\n";
        assert_eq!(error(source), (2, message.into()));
        let message = "invalid syntax. Maybe you meant '==' or ':=' instead of '='?";
        assert_eq!(error("if x = 1:\n    pass\n"), (1, message.into()));
        let message = "expected 'else' after 'if' expression";
        assert_eq!(error("x = (a\n     if b)\n"), (1, message.into()));
        let source = "def f[T](x: T) -> T:\n    return x\n";
        assert_eq!(error(source), (1, "expected '('".into()));
    }

    #[test]
    fn invalid_targets() {
        let message = "cannot assign to function call here. Maybe you meant '==' instead of '='?";
        assert_eq!(error("f() = 1\n"), (1, message.into()));
        assert_eq!(error("for 1 in x:\n    pass\n"), (1, "cannot assign to literal".into()));
        assert_eq!(error("del f()\n"), (1, "cannot delete function call".into()));
        let message = "'expression' is an illegal expression for augmented assignment";
        assert_eq!(error("x + 1 += 2\n"), (1, message.into()));
        let message = "multiple starred expressions in assignment";
        assert_eq!(error("a, *b, *c = d\n"), (1, message.into()));
        // CPython's parser stops at the invalid target, before a later error.
        assert_eq!(line("x = 1\n1 = y\nz = (\n"), 2);
    }

    #[test]
    fn tokenizer_errors() {
        let message = "unterminated string literal (detected at line 2)";
        assert_eq!(error("x = 1\ns = 'abc\n"), (2, message.into()));
        let message = "unterminated triple-quoted string literal (detected at line 3)";
        assert_eq!(error("s = '''abc\n\nmore\n"), (1, message.into()));
        assert_eq!(error("x = [\n  1,\n  2\n"), (1, "'[' was never closed".into()));
        assert_eq!(error("x = (1, 2))\n"), (1, "unmatched ')'".into()));
        let message = "closing parenthesis ']' does not match opening parenthesis '(' on line 1";
        assert_eq!(error("x = (1,\n 2]\n"), (2, message.into()));
        let message = "invalid character '“' (U+201C)";
        assert_eq!(error("x = “hi”\n"), (1, message.into()));
        let message = "invalid non-printable character U+00A0";
        assert_eq!(error("x\u{a0}= 1\n"), (1, message.into()));
        assert_eq!(error("x = 1abc\n"), (1, "invalid decimal literal".into()));
        assert!(error("x = 0777\n").1.starts_with("leading zeros"));
        assert_eq!(error("x = 1 \\\n"), (1, "unexpected EOF while parsing".into()));
    }

    #[test]
    fn indentation_errors() {
        assert_eq!(error("\n\n  x = 1\n"), (3, "unexpected indent".into()));
        let message = "unindent does not match any outer indentation level";
        assert_eq!(error("if x:\n    a\n  b\n"), (3, message.into()));
        let message = "inconsistent use of tabs and spaces in indentation";
        assert_eq!(error("if x:\n\tpass\n        pass\n"), (3, message.into()));
        let deep: String = (0..120).map(|i| format!("{}if x:\n", " ".repeat(i))).collect();
        assert_eq!(error(&deep), (101, "too many levels of indentation".into()));
    }

    #[test]
    fn which_error_wins() {
        // A tokenizer error raised later replaces a grammar error...
        assert_eq!(line("x = = 1\ny = 'abc\n"), 2);
        // ...but not "unexpected indent", after which CPython reads no further.
        assert_eq!(line("    x = 1\ny = 'abc\n"), 1);
        // A bracket left open before the grammar error is blamed instead.
        assert_eq!(error("x = (1 +\ny = =\n"), (1, "'(' was never closed".into()));
        // Grammar errors come before the compiler's checks.
        assert_eq!(line("return 1\nx = = 2\n"), 2);
        // A repeated keyword is a compiler error too.
        assert_eq!(line("f(a=1, a=2)\nx = = 2\n"), 2);
    }

    #[test]
    fn f_string_errors() {
        let message = "f-string: empty expression not allowed";
        assert_eq!(error("x = f'{}'\n"), (1, message.into()));
        assert_eq!(line("x = f'''\n{a\nb}'''\n"), 2);
        assert_eq!(line("x = (f'{}'\n     'a')\n"), 2);
    }

    #[test]
    fn columns_count_characters() {
        let e = check_python("é = “x”\n").expect("error");
        assert_eq!((e.line, e.column), (1, 5));
        let e = check_python("x = (1, 2))\n").expect("error");
        assert_eq!((e.line, e.column), (1, 11));
    }

    #[test]
    fn nul_bytes_and_garbage_do_not_panic() {
        let message = "source code string cannot contain null bytes";
        assert_eq!(error("x = 1\n\0\n"), (2, message.into()));
        let garbage: String = (1..5000u32).filter_map(|i| char::from_u32(i * 37 % 0xD7FF)).collect();
        assert!(check_python(&garbage).is_some());
    }

    #[test]
    fn deep_nesting_neither_panics_nor_overflows() {
        let parens = format!("x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(error(&parens), (1, "too many nested parentheses".into()));
        let indents: String = (0..10_000).map(|i| format!("{}if x:\n", " ".repeat(i))).collect();
        assert_eq!(error(&indents), (101, "too many levels of indentation".into()));
        // CPython refuses expressions nested deeper than its recursion limit...
        let deep = format!("x = {}1\n", "-".repeat(100_000));
        assert!(error(&deep).1.contains("maximum recursion depth"));
        let chain = format!("x = {}1 )\n", "1 + ".repeat(50_000));
        assert_eq!(error(&chain).1, "unmatched ')'");
        let chain = format!("y = {}1\n", "a.b + ".repeat(20_000));
        assert!(error(&chain).1.contains("maximum recursion depth"));
        // A grammar error after a deep left-nested chain makes rustpython drop
        // the deep tree recursively: inline just under the bound, on a big
        // stack above it.
        assert_eq!(error(&format!("x = {}1 1\n", "1 + ".repeat(3_900))).1, "invalid syntax");
        assert_eq!(error(&format!("x = {}1 1\n", "1 + ".repeat(50_000))).1, "invalid syntax");
        assert_eq!(error(&format!("x = a{} 1\n", ".b".repeat(50_000))).1, "invalid syntax");
        // Right-nested chains are refused too.
        let lambdas = format!("f = {}0{}\n", "lambda a=".repeat(30_000), ": 0".repeat(30_000));
        assert!(error(&lambdas).1.contains("maximum recursion depth"));
        let ternary = format!("for x in y: z = {}0\n", "a if b else ".repeat(30_000));
        assert!(error(&ternary).1.contains("maximum recursion depth"));
        // ... and accepts them up to that limit.
        assert_eq!(check_python(&format!("x = {}1\n", "-".repeat(2900))), None);
    }

    /// Snippets whose CPython 3.11 verdict the differential test compares
    /// with ours. The first four are real blocks from a question bank.
    const DIFFERENTIAL: &[&str] = &[
        "import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(10, 1)\n\n    def forward(self, x):\n",
        "x = f(x)\nreturn x\n",
        "x = 1\n\n\ny = = 2\n",
        "for step in range(10):\n    loss = step\nif loss < 0.1:\n    break\n",
        "# Training loop\nfor each training step:\n",
        "x = 1  \ny = 2  \nif x:  \n    y = 3  \n",
        "\n\n\nx = (1,\n",
        "yield x\n",
        "await asyncio.sleep(1)\n",
        "def f():\n    await g()\n",
        "def f():\n    [x async for x in aiter()]\n",
        "async def f():\n    return [await g(x) for x in xs]\n",
        "x = lambda: (yield)\n",
        "class A:\n    return 1\n",
        "while True:\n    def g():\n        continue\n",
        "for x in y:\n    pass\nelse:\n    break\n",
        "name = 'World'\nprint(f\"Hello, {name!r:>{10}}\")\n",
        "x = f'{}'\n",
        "msg = f'''\n{a b}'''\n",
        "match command.split():\n    case [action]:\n        pass\n    case [action, obj]:\n        pass\n",
        "match x:\n    case _:\n        pass\n    case 1:\n        pass\n",
        "if (n := len(a)) > 10:\n    pass\n",
        "x := 5\n",
        "@decorator\n@other(arg=1)\ndef f():\n    pass\n",
        "@decorator\n",
        "def f(items: list[int], /, *, key: str | None = None) -> dict[str, int]:\n    ...\n",
        "a, b: int\n",
        "total = 1 + \\\n    2\n",
        "total = 1 + \\",
        "s = 'unterminated\n",
        "doc = \"\"\"never closed\n\nx = 1\n",
        "if x:\n\tpass\n        pass\n",
        "def f():\n    x = 1\n  y = 2\n",
        "größe = 1\nπ = 3.14\n",
        "x = “quoted”\n",
        "params = {\n    'lr': 0.01\n    'epochs': 10\n}\n",
        "print 'hello'\n",
        "values = [1, 2, 3\nprint(values)\n",
        "def outer():\n    def inner():\n        nonlocal x\n",
        "def first[T](xs: list[T]) -> T:\n    return xs[0]\n",
        "f() = 1\n",
        "if x = 1:\n    pass\n",
        ">>> x = 1\n",
        "$ pip install torch\n",
        "",
    ];

    const ORACLE: &str = r#"
import sys, warnings
warnings.filterwarnings("ignore")
if sys.version_info[:2] != (3, 11):
    print("SKIP", sys.version.split()[0])
    sys.exit(0)
for source in sys.stdin.buffer.read().decode("utf-8").split("\x1e"):
    try:
        compile(source, "<block>", "exec")
        print("OK")
    except SyntaxError as e:
        print("ERR", e.lineno)
    except (RecursionError, MemoryError, ValueError):
        print("ERR None")
"#;

    /// CPython's verdict on each snippet: `None` if it compiles, else the
    /// error's line (`Some(None)` when CPython gives none). `None` overall
    /// when no CPython 3.11 can be run.
    fn cpython_verdicts(snippets: &[&str]) -> Option<Vec<Option<Option<usize>>>> {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let mut child =
            Command::new("python3").args(["-c", ORACLE]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().ok()?;
        let input = snippets.join("\u{1e}");
        child.stdin.take()?.write_all(input.as_bytes()).ok()?;
        let output = child.wait_with_output().ok()?;
        let text = String::from_utf8(output.stdout).ok()?;
        if text.starts_with("SKIP") {
            return None;
        }
        let verdicts = text.lines().map(|l| l.strip_prefix("ERR ").map(|rest| rest.parse().ok()));
        Some(verdicts.collect())
    }

    #[test]
    fn differential_against_cpython() {
        let Some(verdicts) = cpython_verdicts(DIFFERENTIAL) else {
            eprintln!("differential test skipped: no python3 3.11 on PATH");
            return;
        };
        assert_eq!(verdicts.len(), DIFFERENTIAL.len(), "python3 answered {verdicts:?}");
        let mut mismatches = Vec::new();
        for (source, expected) in DIFFERENTIAL.iter().zip(verdicts) {
            let ours = check_python(source);
            let agrees = match (&ours, expected) {
                (None, None) | (Some(_), Some(None)) => true,
                (Some(e), Some(Some(line))) => e.line == line,
                _ => false,
            };
            if !agrees {
                mismatches.push(format!("{source:?}: CPython {expected:?}, ours {ours:?}"));
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    }
}
