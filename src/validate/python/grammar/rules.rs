//! CPython's `invalid_*` grammar rules, read off the tokens: the specific
//! messages CPython gives instead of "invalid syntax", and where it puts them.

use crate::validate::python::source::Source;
use crate::validate::python::tokenizer::{Kind, Token};
use crate::validate::python::tokens::{
    argument_start, bracket_before, comprehension_before, ends_expression, expression_start, in_expression_brackets,
    in_parameters, inside_brackets, is_block_keyword, is_keyword, logical_line, matching_in, starts_expression,
    text_of,
};
use crate::validate::CodeError;

/// A generic "invalid syntax" at token k, or one of the more specific
/// messages whose location CPython moves (see `invalid_*` rules in its grammar).
pub(super) fn invalid_syntax(src: &Source, tokens: &[Token], k: usize) -> CodeError {
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
pub(super) fn invalid_named_assignment(src: &Source, tokens: &[Token], k: usize, line: &[usize]) -> Option<CodeError> {
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
pub(super) fn side_by_side(src: &Source, tokens: &[Token], k: usize) -> bool {
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

/// Does the expression starting at token k run into the tokenizer error
/// (our tokens stop there)? CPython's "forgot a comma" rule parses it whole,
/// unless it ends first or holds two expressions side by side itself.
pub(super) fn runs_to_tokenizer_error(src: &Source, tokens: &[Token], k: usize) -> bool {
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

/// Grammar errors that rustpython accepts, visible in the tokens: `**` with
/// no name and a bare `*` with no keyword-only parameter after it.
pub(super) fn bare_star_error(src: &Source, tokens: &[Token]) -> Option<CodeError> {
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
