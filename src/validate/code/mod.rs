//! Syntax checks and language detection for fenced code blocks.
//!
//! A question bank quotes code in many languages ([`crate::lang`] names
//! them); this module checks the syntax of the few we can parse without a
//! toolchain ([`is_checked`], [`check_code`]): Python, Rust, JSON, TOML and
//! YAML. Every error is positioned inside the block (1-based line, 1-based
//! character column). Nothing here panics or recurses without bound on any
//! input: the recursive parsers are fenced by a nesting pre-check and run on a
//! thread whose stack is sized for the block.

mod check;

use super::{python::check_python, CodeError};
use crate::lang::{first_too_deep, normalize_language};
use check::{check_json, check_rust, check_toml, check_yaml};

/// Stack for a checker thread: a base plus an allowance per non-whitespace
/// character, because the parsers recurse once per prefix operator, generic
/// argument or group. syn uses up to ~13 KiB per such character in an
/// unoptimized build (about 2.6 KiB optimized); rustpython about 0.2 KiB. The
/// stack is only reserved, not touched, so the size costs address space, not
/// memory.
const BASE_STACK: usize = 8 << 20;
const RUST_STACK_PER_CHAR: usize = 16 << 10;
/// Blocks that would need more than this (about 65,000 non-blank characters
/// of Rust, a million of Python) are refused rather than risk an overflow.
const MAX_STACK: usize = 1 << 30;

/// Languages whose syntax [`check_code`] checks: python, rust, json, toml, yaml.
pub fn is_checked(language: &str) -> bool {
    matches!(normalize_language(language).as_deref(), Some("python" | "rust" | "json" | "toml" | "yaml"))
}

/// Checks one block; `None` when it parses or the language is not checked.
///
/// `language` may be a canonical name or any fence label (it is normalized).
pub fn check_code(language: &str, source: &str) -> Option<CodeError> {
    let language = normalize_language(language)?;
    match language.as_str() {
        // serde_json stops at 128 levels by itself.
        "json" => check_json(source),
        "toml" => nesting_error(source).or_else(|| check_toml(source)),
        "yaml" => nesting_error(source).or_else(|| check_yaml(source)),
        // These parsers recurse per level: they also get a sized stack.
        // check_python enforces CPython's own nesting limits and sizes its own stack.
        "python" => check_python(source),
        "rust" => nesting_error(source).or_else(|| on_sized_stack(source, check_rust, RUST_STACK_PER_CHAR)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Positions

/// 1-based line and character column of a byte offset (clamped to `source`).
fn position_at_byte(source: &str, byte: usize) -> (usize, usize) {
    let mut byte = byte.min(source.len());
    while !source.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = source.get(..byte).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_text = before.rsplit('\n').next().unwrap_or("");
    (line, line_text.chars().count() + 1)
}

/// Byte offset of a 1-based line and 0-based byte column (clamped to the
/// line, and to the last line when `line` is past the end). The result may
/// fall inside a character: [`position_at_byte`] rounds it down.
fn byte_at(source: &str, line: usize, byte_column: usize) -> usize {
    let mut lines = source.split('\n');
    let (mut start, mut current) = (0, lines.next().unwrap_or(""));
    for _ in 1..line {
        let Some(next) = lines.next() else { break };
        start += current.len() + 1;
        current = next;
    }
    start + byte_column.min(current.len())
}

/// Position just after the last non-whitespace character: where "unexpected
/// end of input" belongs.
fn end_position(source: &str) -> (usize, usize) {
    position_at_byte(source, source.trim_end().len())
}

fn error_at(position: (usize, usize), message: impl Into<String>) -> CodeError {
    CodeError { line: position.0, column: position.1, message: message.into() }
}

/// Removes the " at line N column M" parts that serde_json and libyaml append
/// to their messages: the position is reported separately.
fn strip_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some((before, tail)) = rest.split_once(" at line ") {
        out.push_str(before);
        let tail = tail.trim_start_matches(|c: char| c.is_ascii_digit());
        let tail = tail.strip_prefix(" column ").unwrap_or(tail);
        rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

/// Refuses blocks whose bracket nesting exceeds [`crate::lang::MAX_NESTING`], pointing at
/// the first bracket too deep. Strings are not skipped: brackets inside them
/// only make the count larger, which errs on the safe side.
fn nesting_error(source: &str) -> Option<CodeError> {
    first_too_deep(source).map(|at| error_at(position_at_byte(source, at), "nesting too deep to check"))
}

/// Runs `check` on a fresh thread with a stack sized for `source`.
///
/// Besides the stack, a fresh thread also drops proc-macro2's per-thread map
/// of parsed sources, which would otherwise grow with every block, and it
/// turns a panic inside a parser into an error instead of a crash.
fn on_sized_stack(source: &str, check: fn(&str) -> Option<CodeError>, per_char: usize) -> Option<CodeError> {
    let significant = source.chars().filter(|c| !c.is_whitespace()).count();
    let stack = significant
        .checked_mul(per_char)
        .and_then(|bytes| bytes.checked_add(BASE_STACK))
        .filter(|&bytes| bytes <= MAX_STACK);
    let Some(stack) = stack else {
        return Some(error_at((1, 1), "block too large to check"));
    };
    let owned = source.to_owned();
    let spawned =
        std::thread::Builder::new().name("studymark-code-check".into()).stack_size(stack).spawn(move || check(&owned));
    match spawned {
        Ok(handle) => {
            handle.join().unwrap_or_else(|_| Some(error_at((1, 1), "the syntax checker crashed on this block")))
        }
        Err(_) => Some(error_at((1, 1), "could not start the syntax checker")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, column, message) of a check, for compact assertions.
    pub(super) fn error(language: &str, source: &str) -> Option<(usize, usize, String)> {
        check_code(language, source).map(|e| (e.line, e.column, e.message))
    }

    pub(super) fn at(line: usize, column: usize, message: &str) -> Option<(usize, usize, String)> {
        Some((line, column, message.to_owned()))
    }

    #[test]
    fn knows_which_languages_are_checked() {
        for checked in ["python", "py", "rust", "json", "toml", "yml"] {
            assert!(is_checked(checked), "{checked}");
        }
        for unchecked in ["shell", "jsonc", "text", "javascript", ""] {
            assert!(!is_checked(unchecked), "{unchecked}");
        }
        assert_eq!(error("shell", "fi ((( }"), None);
        assert_eq!(error("", "{"), None);
    }

    #[test]
    fn refuses_deep_nesting_without_overflowing() {
        let deep = "(".repeat(300);
        for language in ["rust", "toml", "yaml"] {
            assert_eq!(error(language, &deep), at(1, 257, "nesting too deep to check"), "{language}");
        }
        // Python reports CPython's own limit.
        assert_eq!(error("python", &deep), at(1, 201, "too many nested parentheses"));
        assert_eq!(error("yaml", &"[\n".repeat(300)), at(257, 1, "nesting too deep to check"));
        assert_eq!(error("json", &"[".repeat(100_000)), at(1, 128, "recursion limit exceeded"));
        // Deep recursion without brackets runs on a stack sized for it.
        let prefix = format!("fn f() {{ {}1 }}", "-".repeat(20_000));
        assert_eq!(error("rust", &prefix), None);
        let generics = format!("type T = {}u8{};", "Vec<".repeat(3_000), ">".repeat(3_000));
        assert_eq!(error("rust", &generics), None);
        assert_eq!(error("rust", &"-".repeat(100_000)), at(1, 1, "block too large to check"));
    }

    #[test]
    fn never_panics_on_garbage() {
        let garbage = [
            String::new(),
            "\u{0}\u{1}\u{ffff}".to_owned(),
            "\r".to_owned(),
            "}}}]])))".to_owned(),
            "\"\"\"".to_owned(),
            "'".to_owned(),
            "é".repeat(1000),
            "{".repeat(100_000),
            "a: &a [x]\nb: [*a, *a, *a]\nc: *b".to_owned(),
            "#!".to_owned(),
            "#".to_owned(),
        ];
        for source in &garbage {
            for language in ["rust", "python", "json", "toml", "yaml", "shell"] {
                if let Some(e) = check_code(language, source) {
                    assert!(e.line >= 1 && e.column >= 1, "{language} {e:?}");
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn checkers_never_panic_on_multibyte_text(source in "[a-z(){}\\[\\]\"'’“”😀é:;=. \n]{0,120}") {
            for language in ["rust", "python", "json", "toml", "yaml"] {
                let _ = check_code(language, &source);
            }
        }
    }
}
