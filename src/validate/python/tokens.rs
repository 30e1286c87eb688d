//! Reading the token list: token text, keywords, logical lines, and bracket
//! and expression boundaries, for the grammar error rules and the tree checks.

use super::source::Source;
use super::tokenizer::{Kind, Token};

pub(super) fn text_of(src: &Source, token: &Token) -> String {
    src.chars[token.start..token.end].iter().collect()
}

pub(super) fn is_keyword(word: &str) -> bool {
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
pub(super) fn starts_expression(src: &Source, token: &Token) -> bool {
    is_operand(src, token, &["(", "[", "{", "-", "+", "~", "..."])
}

/// Can this token end an expression?
pub(super) fn ends_expression(src: &Source, token: &Token) -> bool {
    is_operand(src, token, &[")", "]", "}", "..."])
}

/// A number, a string, a name that is not a keyword (`None`, `True` and
/// `False` are values), or one of the given operators.
fn is_operand(src: &Source, token: &Token, operators: &[&str]) -> bool {
    let text = text_of(src, token);
    match token.kind {
        Kind::Number | Kind::Str => true,
        Kind::Name => !is_keyword(&text) || matches!(text.as_str(), "None" | "True" | "False"),
        Kind::Op => operators.contains(&text.as_str()),
        _ => false,
    }
}

pub(super) fn is_block_keyword(word: &str) -> bool {
    matches!(
        word,
        "def" | "class" | "if" | "elif" | "else" | "for" | "while" | "with" | "try" | "except" | "finally" | "async"
    )
}

/// Indices of the tokens of the logical line holding token k, up to k,
/// outside brackets.
pub(super) fn logical_line(src: &Source, tokens: &[Token], k: usize) -> Vec<usize> {
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

/// Walks back from token `last` over one expression; returns the index of
/// its first token and of the separator or bracket before it (`None` at the
/// start of the logical line).
pub(super) fn expression_start(src: &Source, tokens: &[Token], last: usize) -> Option<(usize, usize)> {
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
pub(super) fn comprehension_before(src: &Source, tokens: &[Token], stop: usize) -> bool {
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

/// Start of the call argument ending at token `last`, and the `,` or `(` before it.
pub(super) fn argument_start(src: &Source, tokens: &[Token], last: usize) -> Option<(usize, usize)> {
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
pub(super) fn bracket_before(src: &Source, tokens: &[Token], i: usize) -> Option<usize> {
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
pub(super) fn matching_bracket(src: &Source, tokens: &[Token], open: usize) -> Option<usize> {
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

/// Do the first and last of these tokens match as brackets?
pub(super) fn matching_in(src: &Source, tokens: &[Token]) -> bool {
    matching_bracket(src, tokens, 0) == Some(tokens.len() - 1)
}

/// Is token `i` in the parameters of a `def` or a `lambda`?
pub(super) fn in_parameters(src: &Source, tokens: &[Token], i: usize) -> bool {
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
pub(super) fn in_expression_brackets(src: &Source, tokens: &[Token], first: usize, stop: usize) -> bool {
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
pub(super) fn inside_brackets(src: &Source, tokens: &[Token], i: usize) -> bool {
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
