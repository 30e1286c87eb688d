//! Where and how CPython reports the grammar error that rustpython found.

use rustpython_parser::lexer::LexicalErrorType;
use rustpython_parser::{FStringErrorType, ParseError, ParseErrorType, Tok};

use super::rules::{invalid_named_assignment, invalid_syntax};
use super::token_at;
use crate::validate::python::source::Source;
use crate::validate::python::tokenizer::{Kind, Token};
use crate::validate::python::tokens::{bracket_before, logical_line, matching_bracket, text_of};
use crate::validate::CodeError;

/// Where and how CPython reports the grammar error that rustpython found.
pub(super) fn parser_error(src: &Source, tokens: &[Token], error: &ParseError, cut: usize) -> CodeError {
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
            let what = if c == '#' { "'#'" } else { "a backslash" };
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
