//! No input makes studymark panic: each hostile file gets diagnostics or a
//! clear error naming the file. A property test throws random
//! Markdown-shaped text at the parser and validator.

use std::path::PathBuf;

use proptest::prelude::*;
use studymark::config::Config;
use studymark::diagnostic::Code;
use studymark::source::SourceFile;

use crate::compile_paths;

fn compile_bytes(name: &str, bytes: &[u8]) -> studymark::Compiled {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    compile_paths(&[path])
}

fn codes(compiled: &studymark::Compiled) -> Vec<&'static str> {
    compiled.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn empty_file_is_a_warning() {
    let compiled = compile_bytes("empty.md", b"");
    assert_eq!(codes(&compiled), ["no-questions"]);
}

#[test]
fn binary_garbage_and_invalid_utf8() {
    let garbage: Vec<u8> = (0..=255u8).cycle().take(25_600).collect();
    let compiled = compile_bytes("garbage.md", &garbage);
    assert!(codes(&compiled).contains(&"invalid-utf8"));
    assert_eq!(compiled.diagnostics[0].file.file_name().unwrap(), "garbage.md");
}

#[test]
fn fifty_megabytes_compile() {
    let mut text = String::with_capacity(51_000_000);
    let mut n = 0;
    while text.len() < 50_000_000 {
        n += 1;
        text.push_str(&format!(
            "**?** Question {n}?\n\n{}with $x_{{{}}}$.\n\n- item\n\n",
            "Answer words ".repeat(150),
            n % 50
        ));
    }
    let compiled = compile_bytes("big.md", text.as_bytes());
    assert_eq!(compiled.banks[0].questions().count(), n);
    assert!(compiled.diagnostics.is_empty());
}

#[test]
fn ten_thousand_nested_list_levels() {
    let mut text = String::from("? Nested?\n\n");
    for depth in 0..10_000 {
        text.push_str(&"  ".repeat(depth));
        text.push_str("- item\n");
    }
    let compiled = compile_bytes("nested.md", text.as_bytes());
    assert_eq!(compiled.banks[0].questions().count(), 1);
}

#[test]
fn ten_thousand_nested_quotes() {
    let text = format!("? Quoted?\n\n{} deep\n", ">".repeat(10_000));
    let compiled = compile_bytes("quotes.md", text.as_bytes());
    assert_eq!(compiled.banks[0].questions().count(), 1);
}

#[test]
fn unclosed_fences_keep_the_questions_after_them() {
    let text = "? One?\n\n```python\nx = (\n\n? Two?\n\nAnswer two.\n\n~~~\nnever closed\n";
    let compiled = compile_bytes("fences.md", text.as_bytes());
    let prompts: Vec<_> = compiled.banks[0].questions().map(|q| q.prompt.markdown.clone()).collect();
    assert_eq!(prompts, ["One?", "Two?"]);
    let unterminated: Vec<_> =
        compiled.diagnostics.iter().filter(|d| d.code == Code::UnterminatedFence).map(|d| d.line()).collect();
    assert_eq!(unterminated, [3, 10]);
}

#[test]
fn formula_of_a_hundred_thousand_braces() {
    let text = format!("? Deep?\n\n${}x{}$\n", "{".repeat(100_000), "}".repeat(100_000));
    let compiled = compile_bytes("braces.md", text.as_bytes());
    let math: Vec<_> = compiled.diagnostics.iter().filter(|d| d.code == Code::MathParse).collect();
    assert_eq!(math.len(), 1);
    assert!(math[0].message.contains("too deeply"), "{}", math[0].message);
}

#[test]
fn deeply_nested_code_is_reported_not_crashed() {
    let text = format!(
        "? Code?\n\n```python\nx = {}1{}\n```\n\n```rust\nfn f() {{ {} }}\n```\n\nA.\n",
        "(".repeat(100_000),
        ")".repeat(100_000),
        "{".repeat(50_000)
    );
    let compiled = compile_bytes("code.md", text.as_bytes());
    let lines: Vec<_> = compiled.diagnostics.iter().filter(|d| d.code == Code::CodeSyntax).map(|d| d.line()).collect();
    assert_eq!(lines, [4, 8]);
}

/// Markdown-shaped fragments, so random input reaches the interesting paths.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("? ".to_string()),
        Just("**?** ".to_string()),
        Just("?** ".to_string()),
        Just("- ?\n- ".to_string()),
        Just("\n\n".to_string()),
        Just("\n".to_string()),
        Just("```\n".to_string()),
        Just("```python\n".to_string()),
        Just("$x^2$".to_string()),
        Just("$$\\frac{a}{".to_string()),
        Just("(a) ".to_string()),
        Just("Answer: b".to_string()),
        Just("- [x] ".to_string()),
        Just("## Topic\n".to_string()),
        Just("<details><summary>".to_string()),
        Just("</summary>".to_string()),
        Just("</details>".to_string()),
        Just("Q: ".to_string()),
        Just("A: ".to_string()),
        Just("+++\n".to_string()),
        Just("---\n".to_string()),
        Just("{{c1::x}}".to_string()),
        Just("![i](a.png)".to_string()),
        Just("    ".to_string()),
        Just("> ".to_string()),
        "[a-zA-Z ?:.()*_#`$\\\\{}\\[\\]<>!-]{0,12}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parser_never_panics_and_spans_stay_in_the_file(parts in prop::collection::vec(fragment(), 0..40)) {
        let text = parts.concat();
        let file = SourceFile::new("prop.md", text.clone());
        let (bank, diagnostics) = studymark::parse::parse_bank(&file, "prop", &Config::default());
        for q in bank.questions() {
            prop_assert!(q.span.end <= text.len());
            for rich in q.fragments() {
                for math in &rich.math {
                    prop_assert!(math.span.end <= text.len());
                }
            }
        }
        for d in diagnostics {
            prop_assert!(d.span.is_none_or(|s| s.end <= text.len() && s.line >= 1));
        }
    }
}
