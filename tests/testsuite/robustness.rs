//! No input makes studymark panic: each hostile file gets diagnostics or a
//! clear error naming the file. A property test throws random
//! Markdown-shaped text at the parser, the validator and the renderer,
//! which must see the same code blocks.

use std::path::PathBuf;

use proptest::prelude::*;
use studymark::cache::DiskCache;
use studymark::diagnostic::Code;
use studymark::katex::KatexMemo;
use studymark::load::Project;
use studymark::model::{Bank, Kind};
use studymark::render::{render_bank, Folders, MathOutput, RenderedBank};

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
fn a_question_prefix_alone_in_a_list_item() {
    // The prefix's spaces once ran over the line end into the next block.
    let compiled = compile_bytes("qa.md", b"$x^2$- ?\n- Q: \n\n    ## Topic\n");
    assert_eq!(codes(&compiled), ["empty-prompt"]);
    let compiled = compile_bytes("qa.md", b"# N\n\nQ:\nWhat is X?\nA: A thing.\n");
    let prompts: Vec<_> = compiled.banks[0].questions().map(|q| q.prompt.plain.clone()).collect();
    assert_eq!(prompts, ["What is X?"]);
}

#[test]
fn the_largest_question_numbers_do_not_overflow() {
    let text =
        "## 4294967295. Why?\n\nBecause.\n\n### 4294967295. Sub\n\n  ## Key points\n\nQ4294967295. What?\n\nX.\n";
    let compiled = compile_bytes("numbers.md", text.as_bytes());
    assert_eq!(compiled.banks[0].questions().count(), 1);
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
    // Far over the length KaTeX is given: reported, never parsed.
    let math: Vec<_> = compiled.diagnostics.iter().filter(|d| d.code == Code::MathTooLong).collect();
    assert_eq!(math.len(), 1);
    assert!(math[0].message.contains("not rendered"), "{}", math[0].message);
    let nested = format!("? Deep?\n\n${}x{}$\n", "{".repeat(2_000), "}".repeat(2_000));
    let compiled = compile_bytes("braces.md", nested.as_bytes());
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

    /// Each case is a project of one bank, checked as `check` does
    /// (`compile`: load, parse, validate) and rendered as a build does;
    /// every question is rendered, also those a build would leave out for
    /// an error, so rendering must cope with whatever parsing let through.
    #[test]
    fn parse_validate_and_render_never_panic_and_spans_stay_in_the_file(
        parts in prop::collection::vec(fragment(), 0..40),
        mathjax in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/prop.md"), parts.concat()).unwrap();
        let project = Project::load(dir.path()).unwrap();
        let compiled = studymark::pipeline::check(&project, &[], &Default::default()).unwrap();
        prop_assert_eq!(compiled.banks.len(), 1);
        let bank = &compiled.banks[0];
        // Spans index the text as loaded, which is what diagnostics quote.
        let file = compiled.sources.iter().find(|s| s.path == bank.source_path).expect("the bank's source");
        let len = file.text.len();
        for q in bank.questions() {
            prop_assert!(q.span.end <= len);
            for rich in q.fragments() {
                for math in &rich.math {
                    prop_assert!(math.span.end <= len);
                }
            }
        }
        for d in &compiled.diagnostics {
            prop_assert!(d.span.is_none_or(|s| s.end <= len && s.line >= 1));
        }

        let math = if mathjax { MathOutput::Mathjax } else { MathOutput::Katex };
        let (cache, katex) = (DiskCache::default(), KatexMemo::default());
        let content_dir = project.content_dir();
        let folders = Folders { content_dir: &content_dir, vault: project.vault.as_ref() };
        let render = || render_bank(bank, &project.config, &folders, &cache, &katex, math);
        let rendered = render();
        check_rendered(bank, &rendered)?;
        // The second time every formula and code block comes from the
        // cache and the memo: they must give back what rendering gave.
        let again = render();
        prop_assert_eq!(html_of(&again), html_of(&rendered));
    }
}

/// One rendered question per question, one rendered option per option,
/// and no script: the sanitizer runs on every fragment.
fn check_rendered(bank: &Bank, rendered: &RenderedBank) -> Result<(), TestCaseError> {
    prop_assert_eq!(rendered.questions.len(), bank.questions().count());
    let mut pairs = vec![(&bank.intro, &rendered.intro)];
    for (question, html) in bank.questions().zip(&rendered.questions) {
        if let Kind::MultipleChoice { choices, .. } = &question.kind {
            prop_assert_eq!(html.choices.len(), choices.len());
            pairs.extend(choices.iter().zip(&html.choices));
        }
        pairs.extend([
            (&question.prompt, &html.prompt),
            (&question.context, &html.context),
            (&question.answer, &html.answer),
            (&question.details, &html.details),
        ]);
    }
    // The renderer takes each code block's language from the model by
    // position, so both must see the same blocks.
    for (fragment, html) in pairs {
        prop_assert_eq!(html.matches("<pre class=\"code\"").count(), fragment.code.len(), "{:?}", fragment.markdown);
    }
    for fragment in html_of(rendered) {
        prop_assert!(!fragment.to_ascii_lowercase().contains("<script"), "{}", fragment);
    }
    Ok(())
}

fn html_of(rendered: &RenderedBank) -> Vec<&str> {
    let mut html = vec![rendered.intro.as_str()];
    for q in &rendered.questions {
        html.extend([&q.prompt, &q.context, &q.answer, &q.details].map(String::as_str));
        html.extend(q.choices.iter().map(String::as_str));
    }
    html
}

#[test]
fn multibyte_text_in_unlabeled_code_blocks() {
    let dir = crate::fixtures().join("robustness");
    let compiled = compile_paths(&[dir.join("curly-quotes-sql.md"), dir.join("emoji-rust.md")]);
    let languages: Vec<_> =
        compiled.banks.iter().flat_map(|b| b.questions()).map(|q| q.context.code[0].language.clone()).collect();
    assert_eq!(languages, [Some("sql".to_string()), Some("rust".to_string())]);
    assert!(compiled.diagnostics.is_empty(), "{:?}", codes(&compiled));
}

#[test]
fn a_fifty_thousand_character_word_builds() {
    let word = "QUJD".repeat(12_500);
    let bank = format!("? What is this image?\n\nA pasted image: {word}\n\n<https://example.com/{word}>\n");
    let dir = crate::build::project(&[("a.md", &bank)], "");
    let (code, stderr) = crate::build::studymark(&["build"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let page = crate::build::read(dir.path().join("output/site/a.html"));
    assert!(page.contains(&word), "the word is on the page");
    let index = crate::build::read(dir.path().join("output/site/search/a.js"));
    assert!(index.len() < 10_000, "the word is not in the search index ({} bytes)", index.len());
}

/// `- ` repeated 32,000 times and `> ` 100,000 times: one warning each, at
/// the first level too deep, and the page is built with the text.
#[test]
fn deep_nesting_is_rendered_flat_with_a_warning() {
    let lists = format!("? Nested?\n\n{}deepest\n", "- ".repeat(32_000));
    let quotes = format!("? Quoted?\n\n{}deepest\n", "> ".repeat(100_000));
    let dir = crate::build::project(&[("lists.md", &lists), ("quotes.md", &quotes)], "");
    let (code, stderr) = crate::build::studymark(&["check"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.matches("warning[nesting-too-deep]").count(), 2, "{stderr}");
    // 50 list levels (list + item) or 100 quotes fit in 100 elements.
    assert!(stderr.contains("content/lists.md:3:101"), "{stderr}");
    assert!(stderr.contains("content/quotes.md:3:201"), "{stderr}");
    let (code, stderr) = crate::build::studymark(&["build"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    for page in ["lists.html", "quotes.html"] {
        let html = crate::build::read(dir.path().join("output/site").join(page));
        assert!(html.contains("deepest"), "{page}");
        assert!(html.matches("<ul>").count() + html.matches("<blockquote>").count() <= 100, "{page}");
    }
}

/// `$x` over 1.25 MB on one line: 312,500 formulas, each with the column
/// of its own character (columns used to be counted from the line start,
/// once per span).
#[test]
fn a_megabyte_line_of_formulas_has_exact_columns() {
    let text = format!("? Math?\n\n{}\n", "$x".repeat(625_000));
    let compiled = compile_bytes("math.md", text.as_bytes());
    let math: Vec<_> = compiled.banks[0].questions().flat_map(|q| &q.answer.math).collect();
    assert_eq!(math.len(), 312_500);
    let last = math.last().unwrap().span;
    assert_eq!((last.line, last.column), (3, 1_249_998));
    assert!(compiled.diagnostics.is_empty(), "{:?}", codes(&compiled));
}
