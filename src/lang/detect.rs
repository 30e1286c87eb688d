//! Language detection for unlabeled fences: [`detect_language`] and the
//! line scorers behind it.

use super::first_too_deep;
use super::scores::{
    c_points, cpp_points, go_points, is_hash_comment, is_ident_char, is_typescript_marker, java_points,
    javascript_points, python_points, rust_points, shell_points, sql_points,
};

/// Guesses the language of an unlabeled block; `None` when unsure.
///
/// Rules, in order (the first that decides wins):
///
/// 1. Blank block: `None`.
/// 2. Shebang line `#!`: `python*` -> python, `sh`/`bash`/`zsh`/`ksh`/`dash`
///    -> shell, `node` -> javascript (through `/usr/bin/env` too).
/// 3. Starts with `{` or `[` and parses as JSON -> json.
/// 4. Has a `[section]` line and a `key = value` line and parses as TOML ->
///    toml.
/// 5. Scoring: each non-blank line adds points to the languages it looks
///    like; `#` comment lines only add 1 to python and 1 to shell, and `//`,
///    `/*`, `*` comment lines add nothing. The best language wins if it has at
///    least 2 points and strictly more than the runner-up.
///    - python: a line starting with `if`/`elif`/`else`/`for`/`while`/`with`/
///      `try`/`except`/`finally`/`def`/`class`/`async` and ending in `:`
///      (opens an indented block) 3; `import x`/`import x.y as z`/`from x
///      import y` 3; `def f(` 2; `self.` on a line without `;` 2; `print(` 2;
///      `__init__`/`__name__`/`__main__` 2; `None`/`True`/`False` used as
///      values (`= None`, `is None`, `(True`, ...) 1; a statement without a
///      trailing `;` (assignment `x = ...`, call `a.b(...)`, `return ...`) 1.
///    - rust: `fn name(` 3; `let mut ` 3; `impl `/`trait ` 3; `::<` 3; a macro
///      call `name!(`/`name![` (`println!`, `vec!`) 3; `use a::b` 3; `#[attr]`
///      3; `&mut `/`&self`/`&str` 2; `match x {` 2; `Vec<`/`Option<`/
///      `Result<`/`Some(`/`Ok(` 1; `let ` 1; trailing `;` 1.
///    - javascript: `function` 3; `console.`/`require(`/`document.`/
///      `window.`/`===`/`!==`/`module.exports` 3; `import x from '...'`/
///      `export default|const|function|class` 3; `const `/`var ` 2; `let ` 1;
///      `=>` 1; trailing `;` 1. A javascript winner with type annotations
///      (`: string`, `: number`, `interface X`) becomes typescript.
///    - c and cpp: `#include` 3; `int main(` 3; `#define`/`#ifndef`/`#pragma`
///      2; trailing `;` 1; then c: `#include <x.h>` 1, `printf(`/`malloc(`/...
///      1; cpp: `#include <iostream>` (no `.h`) 2, `std::cout`/`cout <<`/
///      `template<`/`namespace `/`nullptr`/`public:` 2.
///    - java: `public class `/`public static void `/`System.out.print`/
///      `@Override`/`import java.` 3; trailing `;` 1.
///    - go: `package x` (no `;`) 3; `func ` 3; `fmt.` 3; `err != nil` 3; `:=` 2.
///    - sql (upper-case keywords): `SELECT` 2 (4 with `FROM` on the same line);
///      a `FROM` line 1; `INSERT INTO`/`CREATE TABLE`/`DELETE FROM`/
///      `ALTER TABLE`/`DROP TABLE`/`UPDATE .. SET` 4 (lower-case too when the
///      line ends in `;`); `WHERE`/`GROUP BY`/`ORDER BY`/`JOIN` lines 1.
///    - shell: a `$ ` prompt 3; `if [`/`; then`/`; do` 3; `export NAME=` 3; a
///      line starting with a common command used as one (`sudo`, `apt-get`,
///      `pip install`, `cd`, `ls`, `git`, `curl`, `python train.py`, ...) 2;
///      `fi`/`done`/`esac`/`then`/`do` 2; `NAME=value` 1.
/// 6. No winner, but at least two lines, and 80% of the non-comment lines, are
///    `key: value`/`key:`/`- item` shaped (one-word or quoted keys, at least
///    one key), and it parses as YAML whose documents include a mapping or a
///    sequence -> yaml.
/// 7. Otherwise `None` (prose, tables, comment-only blocks, ties).
///
/// Each step is linear in the size of the block, and no step slices a line
/// at a computed byte index: prefixes are compared with `get`/`strip_prefix`
/// and offsets come from `find`/`match_indices`, so multi-byte characters
/// (curly quotes, emoji) anywhere cannot panic.
pub fn detect_language(source: &str) -> Option<&'static str> {
    let text = source.trim();
    if text.is_empty() {
        return None;
    }
    if let Some(language) = shebang_language(text) {
        return Some(language);
    }
    if text.starts_with(['{', '[']) && serde_json::from_str::<serde_json::Value>(text).is_ok() {
        return Some("json");
    }
    if looks_like_toml(text) {
        return Some("toml");
    }
    if let Some(language) = scored_winner(text) {
        return Some(language);
    }
    if looks_like_yaml(text) {
        return Some("yaml");
    }
    None
}

fn shebang_language(text: &str) -> Option<&'static str> {
    let line = text.lines().next()?.strip_prefix("#!")?;
    let mut words = line.split_whitespace();
    let mut program = words.next()?.rsplit('/').next()?;
    if program == "env" {
        // `#!/usr/bin/env -S python3 -u`: skip env's own flags.
        program = words.find(|word| !word.starts_with('-'))?;
    }
    match program {
        p if p.starts_with("python") => Some("python"),
        "sh" | "bash" | "zsh" | "ksh" | "dash" => Some("shell"),
        "node" | "nodejs" => Some("javascript"),
        _ => None,
    }
}

type Scorer = fn(&str) -> u32;

/// The languages the line scorer knows, with their scoring functions.
const SCORERS: [(&str, Scorer); 9] = [
    ("python", python_points),
    ("rust", rust_points),
    ("javascript", javascript_points),
    ("c", c_points),
    ("cpp", cpp_points),
    ("java", java_points),
    ("go", go_points),
    ("sql", sql_points),
    ("shell", shell_points),
];

/// Indexes into [`SCORERS`] of the two languages that share `#` comments.
const PYTHON: usize = 0;
const SHELL: usize = 8;

/// Fewer points than this is a guess we do not make.
const MIN_SCORE: u32 = 2;

/// Rule 5 of [`detect_language`]: the clearly best-scoring language.
fn scored_winner(text: &str) -> Option<&'static str> {
    let mut totals = [0u32; SCORERS.len()];
    let mut typescript = false;
    for line in text.lines().map(str::trim) {
        if is_hash_comment(line) {
            totals[PYTHON] = totals[PYTHON].saturating_add(1);
            totals[SHELL] = totals[SHELL].saturating_add(1);
            continue;
        }
        if line.is_empty() || ["//", "/*", "* ", "*/"].iter().any(|p| line.starts_with(p)) {
            continue;
        }
        for (total, (_, points)) in totals.iter_mut().zip(SCORERS) {
            *total = total.saturating_add(points(line));
        }
        typescript |= is_typescript_marker(line);
    }
    let mut best = 0;
    for i in 1..totals.len() {
        if totals[i] > totals[best] {
            best = i;
        }
    }
    let tied = (0..totals.len()).any(|i| i != best && totals[i] == totals[best]);
    if totals[best] < MIN_SCORE || tied {
        return None;
    }
    match SCORERS[best].0 {
        "javascript" if typescript => Some("typescript"),
        name => Some(name),
    }
}

/// Rule 4 of [`detect_language`].
fn looks_like_toml(text: &str) -> bool {
    let lines = || text.lines().map(str::trim);
    lines().any(is_toml_header)
        && lines().any(is_toml_pair)
        && first_too_deep(text).is_none()
        && toml::from_str::<toml::Table>(text).is_ok()
}

/// `[section]`, `[[array.of.tables]]`, `[a."quoted key"]`.
fn is_toml_header(line: &str) -> bool {
    let name = line.trim_start_matches('[').trim_end_matches(']');
    line.starts_with('[')
        && line.ends_with(']')
        && !name.trim().is_empty()
        && name.chars().all(|c| is_ident_char(c) || matches!(c, '.' | '-' | '"' | ' '))
}

fn is_toml_pair(line: &str) -> bool {
    line.split_once('=').is_some_and(|(key, value)| {
        let key = key.trim();
        !key.is_empty()
            && key.chars().all(|c| is_ident_char(c) || matches!(c, '.' | '-' | '"'))
            && !value.trim().is_empty()
            && !value.starts_with('=')
    })
}

/// Rule 6 of [`detect_language`].
fn looks_like_yaml(text: &str) -> bool {
    let (mut content, mut shaped, mut keys) = (0usize, 0usize, 0usize);
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        content += 1;
        let item = line.strip_prefix("- ").unwrap_or(line);
        if is_yaml_key_line(item) {
            keys += 1;
            shaped += 1;
        } else if line.starts_with("- ") || line == "-" || line == "---" {
            shaped += 1;
        }
    }
    keys > 0 && shaped >= 2 && shaped * 5 >= content * 4 && first_too_deep(text).is_none() && yaml_has_collection(text)
}

/// `key:` or `key: value` with a one-word or quoted key.
fn is_yaml_key_line(line: &str) -> bool {
    let Some((key, value)) = line.split_once(':') else {
        return false;
    };
    let quoted = key.len() >= 2
        && ((key.starts_with('"') && key.ends_with('"')) || (key.starts_with('\'') && key.ends_with('\'')));
    let plain = !key.is_empty() && key.chars().all(|c| is_ident_char(c) || matches!(c, '.' | '-' | '/'));
    (quoted || plain) && (value.is_empty() || value.starts_with(' '))
}

/// Every document parses, and at least one is a mapping or a sequence (a
/// bare scalar is just text).
fn yaml_has_collection(text: &str) -> bool {
    use serde::Deserialize as _;
    let mut collection = false;
    for document in serde_norway::Deserializer::from_str(text) {
        match serde_norway::Value::deserialize(document) {
            Ok(serde_norway::Value::Mapping(_) | serde_norway::Value::Sequence(_)) => {
                collection = true;
            }
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    collection
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::lang::scores::{has_call, has_macro_call, is_call_statement, starts_with_ignore_ascii_case};

    #[test]
    fn detects_the_deep_learning_bank_blocks_as_python() {
        let python = [
            "inputs = self.embed(predicted.unsqueeze(0)).unsqueeze(1)\nreturn sampled_ids",
            "# Training loop\nfor each training step:\n",
            "class Generator(nn.Module):\n    def __init__(self):\n        super().__init__()\n",
            "import torch\nimport torch.nn as nn",
            "D_loss = -[log(D(real_images, labels)) + log(1 - D(fake_images, labels))]\n\
             D.zero_grad()",
            "for i in range(10):\n    print(i)",
            "loss.backward()\noptimizer.step()",
            "#!/usr/bin/env python3\nmain()",
        ];
        for source in python {
            assert_eq!(detect_language(source), Some("python"), "{source}");
        }
        // Comments only: python or nothing.
        let comments = detect_language("\n# -----\n# 1. Train Discriminator\n");
        assert!(matches!(comments, None | Some("python")), "{comments:?}");
    }

    #[test]
    fn detects_other_languages() {
        let cases = [
            ("fn main() {\n    let mut v = Vec::new();\n}", "rust"),
            ("use std::collections::HashMap;\nlet m = HashMap::new();", "rust"),
            ("const add = (a, b) => a + b;\nconsole.log(add(1, 2));", "javascript"),
            ("function f(x: number): string {\n  return String(x);\n}", "typescript"),
            ("#include <stdio.h>\nint main(void) {\n    printf(\"hi\");\n}", "c"),
            ("#include <iostream>\nint main() {\n    std::cout << 1;\n}", "cpp"),
            ("SELECT name, age\nFROM users\nWHERE age > 30;", "sql"),
            ("$ pip install torch\n$ python train.py --epochs 10", "shell"),
            ("sudo apt-get update\ncd project\nls -la", "shell"),
            ("#!/bin/bash\nrun_all", "shell"),
            ("[package]\nname = \"demo\"\nversion = \"0.1.0\"", "toml"),
            ("model: resnet50\noptimizer:\n  lr: 0.001", "yaml"),
            ("{\"a\": [1, 2, 3]}", "json"),
            ("package main\n\nfunc main() {\n\tfmt.Println(1)\n}", "go"),
            ("public class Main {\n    @Override\n}", "java"),
        ];
        for (source, expected) in cases {
            assert_eq!(detect_language(source), Some(expected), "{source}");
        }
    }

    #[test]
    fn curly_quotes_in_sql_do_not_panic() {
        // `’` spans bytes 6..9: the `SELECT ` prefix check used to cut it at 7.
        let sql = "SELECT name FROM users\nWHERE ’x’ = name;\nWHERE “y” = name;";
        assert_eq!(detect_language(sql), Some("sql"));
        assert!(!starts_with_ignore_ascii_case("WHERE ’x’;", "SELECT "));
        assert!(starts_with_ignore_ascii_case("select ’x’;", "SELECT "));
    }

    #[test]
    fn emoji_in_rust_strings_do_not_panic() {
        // `🦀` spans bytes 9..13: the `INSERT INTO ` check used to cut it at 12.
        let rust = "let s = \"🦀\";\nprintln!(\"{s}\");\nlet t = \"👍🏽✨\";";
        assert_eq!(detect_language(rust), Some("rust"));
    }

    #[test]
    fn shell_words_and_exports_with_multibyte_text() {
        assert_eq!(shell_points("cd ’dir’"), 2);
        assert_eq!(shell_points("export “x”=1"), 0);
        assert_eq!(shell_points("export NAMÉ=x"), 3);
        assert_eq!(shell_points("é"), 0);
        assert!(has_macro_call("é!(x)") && !has_macro_call("“!(x)"));
        assert!(has_call("x = print(’a’)", "print(") && !has_call("éprint(", "print("));
        assert!(is_call_statement("é.f(’)") && !is_call_statement("’(x)"));
    }

    /// Line starts that make each language's scorer look further into a
    /// line, and the formats of rules 2–4 and 6.
    const LANGUAGE_LINES: [(&str, &[&str]); 13] = [
        ("python", &["def ", "import ", "from ", "print(", "self.", "if ", "return ", "x = "]),
        ("rust", &["fn ", "let mut ", "let ", "impl ", "use a::", "#[", "match ", "pub fn "]),
        ("javascript", &["function ", "const ", "var ", "console.", "import x from '", "export default "]),
        ("typescript", &["interface ", "function f(x: string", "export interface "]),
        ("c", &["#include <", "int main(", "#define ", "printf("]),
        ("cpp", &["#include <", "std::cout << ", "template<", "namespace "]),
        ("java", &["public class ", "public static void ", "System.out.println(", "@Override"]),
        ("go", &["package ", "func ", "fmt.", "x := "]),
        ("sql", &["SELECT ", "FROM ", "WHERE ", "INSERT INTO ", "UPDATE ", "select ", "CREATE TABLE "]),
        ("shell", &["$ ", "sudo ", "cd ", "export ", "if [ ", "NAME=", "#!/bin/"]),
        ("json", &["{", "[", "\""]),
        ("toml", &["[", "key = ", "[[", "\"q\" = "]),
        ("yaml", &["- ", "key: ", "---", "\"q\": "]),
    ];

    /// Text full of characters wider than one byte: curly quotes, emoji
    /// (with modifiers and joiners), accents, CJK, and any other char.
    fn noise() -> impl Strategy<Value = String> {
        let special = prop::sample::select(vec![
            '’', '‘', '“', '”', '«', '»', '🦀', '👍', '🏽', '\u{200d}', '✨', 'é', 'ü', 'ß', '中', '文', '\u{301}',
            '\u{feff}', ';', ':', '=', '(', ')', '{', '}', '[', ']', '!', '#', '$', '"', '\'', ' ', '\t', '\n', '\r',
        ]);
        let ch = prop_oneof![3 => special, 1 => proptest::arbitrary::any::<char>(), 1 => prop::char::range('a', 'z')];
        prop::collection::vec(ch, 0..24).prop_map(|chars| chars.into_iter().collect())
    }

    /// A block of one language: lines made of an indent, one of its line
    /// starts, noise and a typical line end.
    fn block() -> impl Strategy<Value = (&'static str, String)> {
        prop::sample::select(LANGUAGE_LINES.to_vec()).prop_flat_map(|(language, starts)| {
            let line = (
                prop::sample::select(vec!["", "  ", "\t", "’", "🦀"]),
                prop::sample::select(starts.to_vec()),
                noise(),
                prop::sample::select(vec!["", ";", ":", " {", ")", "’;", "🦀;", "”"]),
            )
                .prop_map(|(indent, start, noise, end)| format!("{indent}{start}{noise}{end}"));
            prop::collection::vec(line, 1..8).prop_map(move |lines| (language, lines.join("\n")))
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        #[test]
        fn never_panics_on_multibyte_text((_language, source) in block()) {
            let _ = detect_language(&source);
        }

        #[test]
        fn never_panics_on_any_text(source in "\\PC{0,200}") {
            let _ = detect_language(&source);
        }
    }

    #[test]
    fn comment_indexes_name_their_languages() {
        assert_eq!(SCORERS[PYTHON].0, "python");
        assert_eq!(SCORERS[SHELL].0, "shell");
    }

    #[test]
    fn stays_silent_when_unsure() {
        let unsure = [
            "",
            "   \n",
            "This is just a sentence about neural networks.\nIt has two lines.",
            "| Layer | Output shape |\n|-------|--------------|\n| conv1 | 32x32x16 |",
            "Step 1: compute gradients\nStep 2: update weights",
            "- apples\n- pears",
            "let x = 5;",
            "E = mc^2",
            "FROM python:3.11\nRUN pip install torch",
        ];
        for source in unsure {
            assert_eq!(detect_language(source), None, "{source}");
        }
    }
}
