//! Tokenizer: the error paths of CPython's `Parser/tokenizer.c`. It produces
//! the tokens the later stages look at, the first tokenizer error and how
//! CPython surfaces it, and a bound on the depth of the syntax tree.
//!
//! This file drives the tokenizer (lines, indentation, operators and
//! brackets); names, strings and numbers are read in [`literals`].

mod literals;

use super::depth::DepthBound;
use super::source::Source;
use crate::validate::CodeError;

/// CPython's `MAXLEVEL`: brackets nested deeper are a syntax error.
const MAX_BRACKETS: usize = 200;
/// CPython's `MAXINDENT`: the indentation stack, base level included.
const MAX_INDENTS: usize = 100;
const TABSIZE: usize = 8;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
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
pub(super) struct Token {
    pub(super) kind: Kind,
    /// Char indices; indents, dedents and the end marker are empty.
    pub(super) start: usize,
    pub(super) end: usize,
}

/// How CPython surfaces a tokenizer error, which decides whether an earlier
/// grammar error hides it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Surfacing {
    /// Raised by the tokenizer itself (`syntaxerror()`). It replaces even an
    /// earlier grammar error: after a syntax error CPython tokenizes the rest
    /// of the input (`_PyPegen_tokenize_full_source_to_check_for_errors`).
    Raised,
    /// A status code that the parser turns into an error when it asks for the
    /// token (`tokenizer_error()`), so an earlier grammar error wins.
    Deferred,
}

#[derive(Clone, Debug)]
pub(super) struct TokError {
    pub(super) error: CodeError,
    pub(super) surfacing: Surfacing,
    /// The grammar only sees the input before this char index.
    pub(super) cut: usize,
    /// Innermost bracket still open when the error happened.
    pub(super) open_bracket: Option<usize>,
}

pub(super) struct Lexed {
    pub(super) tokens: Vec<Token>,
    pub(super) error: Option<TokError>,
    /// Upper bound on the depth of the syntax tree (see `DepthBound`).
    pub(super) depth_bound: usize,
    /// Backslashes that continue a line inside its indentation.
    pub(super) indent_continuations: Vec<usize>,
}

pub(super) struct Lexer<'s> {
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

pub(super) fn is_ident_char(c: char) -> bool {
    is_ident_start(c) || c.is_ascii_digit()
}

fn is_digit(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit())
}

impl<'s> Lexer<'s> {
    pub(super) fn new(src: &'s Source) -> Self {
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

    pub(super) fn run(mut self) -> Lexed {
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
