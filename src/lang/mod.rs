//! Code languages: the canonical name of a fence label
//! ([`normalize_language`]) and a guess for unlabeled blocks
//! ([`detect_language`]). Parsing resolves every block's language with
//! them once; validation and rendering read the result.

mod detect;
mod scores;

pub use detect::detect_language;

/// Deepest bracket nesting handed to a parser (the syntax checks, and the
/// JSON, TOML and YAML parsers language detection tries). Real code stays
/// far below it; CPython itself refuses more than 200 nested parentheses.
pub const MAX_NESTING: usize = 256;

/// Canonical language name for a fence's info string, or `None` when empty.
///
/// Lowercases, takes the first word (`python title=x` -> `python`, and the
/// rustdoc form `rust,ignore` -> `rust`), strips pandoc braces and dots
/// (`{.python}`, `{python}`), then maps aliases: `py`/`python3`/`py3` ->
/// `python`, `rs` -> `rust`, `js`/`node`/`jsx` -> `javascript`, `ts`/`tsx` ->
/// `typescript`, `yml` -> `yaml`, `sh`/`bash`/`shell`/`zsh`/`console` ->
/// `shell`, `c++`/`cc`/`cxx` -> `cpp`, `golang` -> `go`, ... Unknown labels
/// come back lowercased as they are. `jsonc` and `json5` are kept apart from
/// `json` on purpose: they allow comments, so a strict JSON check would flag
/// valid blocks.
pub fn normalize_language(info: &str) -> Option<String> {
    let info = info.trim();
    let info = info.strip_prefix('{').unwrap_or(info).trim_start();
    let word = info.split(|c: char| c.is_whitespace() || matches!(c, ',' | '{' | '}')).next().unwrap_or("");
    let word = word.trim_start_matches('.').to_lowercase();
    let word = word.strip_prefix("language-").unwrap_or(&word);
    if word.is_empty() {
        return None;
    }
    Some(canonical_alias(word).to_owned())
}

/// The alias table behind [`normalize_language`]; `label` is lowercase.
fn canonical_alias(label: &str) -> &str {
    match label {
        "py" | "py3" | "python3" | "python2" | "ipython" | "ipython3" => "python",
        "rs" => "rust",
        "js" | "node" | "nodejs" | "jsx" | "mjs" | "cjs" => "javascript",
        "ts" | "tsx" | "mts" | "cts" => "typescript",
        "yml" => "yaml",
        "sh" | "bash" | "shell" | "zsh" | "ksh" | "console" | "shell-session" | "shellsession" | "terminal" => "shell",
        "c++" | "cc" | "cxx" | "hpp" | "hxx" | "h++" => "cpp",
        "h" => "c",
        "golang" => "go",
        "cs" | "c#" => "csharp",
        "kt" | "kts" => "kotlin",
        "rb" => "ruby",
        "md" => "markdown",
        "htm" | "xhtml" => "html",
        "tex" | "latex" => "latex",
        "postgres" | "postgresql" | "pgsql" | "plpgsql" | "mysql" | "sqlite" | "plsql" => "sql",
        "txt" | "plain" | "plaintext" => "text",
        other => other,
    }
}

/// Byte offset of the first bracket nested deeper than [`MAX_NESTING`].
/// Strings are not skipped: brackets inside them only make the count
/// larger, which errs on the safe side.
pub fn first_too_deep(source: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in source.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => continue,
        }
        if depth > MAX_NESTING {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_fence_labels() {
        let cases = [
            ("Python", "python"),
            ("py3", "python"),
            ("python title=x", "python"),
            ("{.python}", "python"),
            ("{python}", "python"),
            ("{ .python .numberLines }", "python"),
            ("rust,ignore", "rust"),
            ("rs", "rust"),
            ("JS", "javascript"),
            ("jsx", "javascript"),
            ("ts", "typescript"),
            ("yml", "yaml"),
            ("console", "shell"),
            ("zsh", "shell"),
            ("c++", "cpp"),
            ("cc", "cpp"),
            ("language-go", "go"),
            ("jsonc", "jsonc"),
            ("Haskell", "haskell"),
        ];
        for (info, expected) in cases {
            assert_eq!(normalize_language(info).as_deref(), Some(expected), "{info}");
        }
        for empty in ["", "   ", "{}", "{ }"] {
            assert_eq!(normalize_language(empty), None, "{empty:?}");
        }
    }
}
