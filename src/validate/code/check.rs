//! Per-language syntax checkers behind [`check_code`](super::check_code):
//! JSON, TOML and YAML through their serde parsers, Rust through syn.

use super::{byte_at, end_position, error_at, position_at_byte, strip_positions, CodeError};

// ---------------------------------------------------------------------------
// Data formats

pub(super) fn check_json(source: &str) -> Option<CodeError> {
    let error = serde_json::from_str::<serde_json::Value>(source).err()?;
    // serde_json counts columns in bytes, 1-based, and says 0 before any byte.
    let byte = byte_at(source, error.line(), error.column().saturating_sub(1));
    let message = strip_positions(&error.to_string());
    Some(error_at(position_at_byte(source, byte), message))
}

pub(super) fn check_toml(source: &str) -> Option<CodeError> {
    let error = toml::from_str::<toml::Table>(source).err()?;
    let position = error.span().map_or((1, 1), |span| position_at_byte(source, span.start));
    // toml_edit spreads "invalid x\nexpected y" over lines; keep it on one.
    let message = error.message().lines().map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join(": ");
    Some(error_at(position, message))
}

/// Checks every document of a (possibly multi-document) YAML stream.
pub(super) fn check_yaml(source: &str) -> Option<CodeError> {
    use serde::Deserialize as _;
    for document in serde_norway::Deserializer::from_str(source) {
        // A failed stream yields its error forever: stop at the first one.
        if let Err(error) = serde_norway::Value::deserialize(document) {
            // libyaml counts lines and columns in characters, 1-based.
            let position = error.location().map_or((1, 1), |at| (at.line(), at.column()));
            return Some(error_at(position, strip_positions(&error.to_string())));
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Rust

/// Accepts a Rust block that parses as a file, as the statements of a block
/// (notes often show a few `let`s) or as one expression. When all fail, the
/// file error is reported unless the statement reading got further into the
/// block: "expected an item" at line 1 says little about a statement snippet
/// whose real mistake is on line 5.
pub(super) fn check_rust(source: &str) -> Option<CodeError> {
    let file_error = syn::parse_file(source).err()?;
    if is_lex_error(&file_error) {
        // Lexing is the same for every reading; report it plainly.
        return Some(lex_error(source, &file_error));
    }
    let block_error = syn::parse_str::<syn::Block>(&format!("{{\n{source}\n}}")).err()?;
    if syn::parse_str::<syn::Expr>(source).is_ok() {
        return None;
    }
    let file = rust_error(source, &file_error, 0);
    let block = rust_error(source, &block_error, 1);
    if (block.line, block.column) > (file.line, file.column) {
        Some(block)
    } else {
        Some(file)
    }
}

/// Converts a syn error whose source had `shift` wrapper lines before
/// `source` into a position inside `source`.
fn rust_error(source: &str, error: &syn::Error, shift: usize) -> CodeError {
    let message = error.to_string();
    let start = error.span().start();
    let line_count = source.split('\n').count();
    // Errors at the end of input carry the call-site span (line 1, column 0)
    // or the wrapper's closing brace: both mean "after the last token".
    let at_end =
        message.starts_with("unexpected end of input") || start.line <= shift || start.line - shift > line_count;
    let position = if at_end { end_position(source) } else { (start.line - shift, start.column + 1) };
    error_at(position, message)
}

fn is_lex_error(error: &syn::Error) -> bool {
    error.to_string() == "cannot parse string into token stream"
}

/// syn only says "cannot parse string into token stream"; the character at
/// the reported position tells which kind of lexing problem it was.
fn lex_error(source: &str, error: &syn::Error) -> CodeError {
    let start = error.span().start();
    let position = (start.line.max(1), start.column + 1);
    let found = source.split('\n').nth(position.0 - 1).and_then(|line| line.chars().nth(start.column));
    let message = match found {
        Some(c @ ('(' | '[' | '{')) => format!("unclosed delimiter `{c}`"),
        Some(c @ (')' | ']' | '}')) => format!("unexpected closing delimiter `{c}`"),
        Some('"') => "unterminated string literal".to_owned(),
        Some('\'') => "unterminated character literal".to_owned(),
        Some('/') => "unterminated block comment".to_owned(),
        _ => "invalid token".to_owned(),
    };
    error_at(position, message)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{at, error};

    #[test]
    fn accepts_rust_files_statements_and_expressions() {
        let file = "use std::io;\n\nfn main() {\n    println!(\"hi\");\n}\n";
        let statements = "let v = vec![1, 2];\nfor x in &v {\n    println!(\"{x}\")\n}";
        let expression = "v.iter().map(|a| a + 1).sum::<i32>()";
        for source in [file, statements, expression, "", "\n\n"] {
            assert_eq!(error("rust", source), None, "{source}");
        }
    }

    #[test]
    fn positions_rust_errors() {
        // Statement snippets: the error from the block reading, shifted back.
        assert_eq!(error("rust", "let x = 5;\nlet y = ;"), at(2, 9, "expected an expression"));
        assert_eq!(error("rust", "let x = 1\nlet y = 2;"), at(2, 1, "expected `;`"));
        // Columns count characters, not bytes.
        assert_eq!(error("rust", "let é = \"ü\";\nlet ü = é é;"), at(2, 11, "expected `;`"));
        assert_eq!(error("rust", "fn main() {"), at(1, 11, "unclosed delimiter `{`"));
        assert_eq!(error("rust", "x)"), at(1, 2, "unexpected closing delimiter `)`"));
        assert_eq!(error("rust", "let s = \"abc"), at(1, 9, "unterminated string literal"));
        // End-of-input errors point just past the last token.
        assert_eq!(error("rust", "a + \n\n"), at(1, 4, "unexpected end of input, expected an expression"));
        let (line, column, message) = error("rust", "struct S").unwrap();
        assert_eq!((line, column), (1, 9));
        assert!(message.starts_with("unexpected end of input"), "{message}");
    }

    #[test]
    fn positions_json_errors() {
        assert_eq!(error("json", "{\"a\": [1, 2]}"), None);
        assert_eq!(error("json", "{\"a\": 1,\n \"b\": x}"), at(2, 7, "expected value"));
        // serde_json counts bytes; we report characters.
        assert_eq!(error("json", "{\"é\": 1,\n \"ü\": é}"), at(2, 7, "expected value"));
        assert_eq!(error("json", ""), at(1, 1, "EOF while parsing a value"));
        assert_eq!(error("json", "{\"a\": 1"), at(1, 7, "EOF while parsing an object"));
    }

    #[test]
    fn positions_toml_errors() {
        assert_eq!(error("toml", "[package]\nname = \"x\"\n"), None);
        assert_eq!(error("toml", "[a]\nb = \nc = 1"), at(2, 5, "invalid string: expected `\"`, `'`"));
        assert_eq!(error("toml", "a = 1\na = 2"), at(2, 1, "duplicate key `a` in document root"));
        assert_eq!(error("toml", "[a\nb=1"), at(1, 3, "invalid table header: expected `.`, `]`"));
        // toml reports a byte span; we report characters (bytes would say 10).
        assert_eq!(error("toml", "[x]\nk = \"é\" é"), at(2, 9, "expected newline, `#`"));
    }

    #[test]
    fn positions_yaml_errors_in_any_document() {
        assert_eq!(error("yaml", "a: 1\n---\nb: [1, 2]\n"), None);
        assert_eq!(
            error("yaml", "a: 1\nb: [1, 2\nc: 3"),
            at(3, 2, "did not find expected ',' or ']', while parsing a flow sequence")
        );
        assert_eq!(error("yaml", "a: 1\n---\nb: : :\n"), at(3, 4, "mapping values are not allowed in this context"));
        assert_eq!(
            // libyaml counts characters: bytes would say column 9.
            error("yaml", "a: 1\nüü: é: x"),
            at(2, 6, "mapping values are not allowed in this context")
        );
    }
}
