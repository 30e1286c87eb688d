//! Names, string literals and number literals, with the checks CPython's
//! tokenizer makes on them.

use rustpython_parser::{ast, Mode, Tok};

use super::{is_digit, is_ident_char, Kind, LexResult, Lexer, TokError};

/// Names and strings.
impl Lexer<'_> {
    /// A name, or the prefix of a string literal (`rb"..."`, `f'...'`).
    pub(super) fn name_or_string(&mut self) -> LexResult {
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
    pub(super) fn string(&mut self, start: usize, is_f: bool) -> LexResult {
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
}

/// Number literals: a transcription of the number branch of CPython's
/// `tok_get`. Each step returns the char read past the literal, which the
/// caller un-reads.
impl Lexer<'_> {
    pub(super) fn number(&mut self) -> LexResult {
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
