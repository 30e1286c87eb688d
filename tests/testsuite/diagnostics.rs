//! One fixture per diagnostic code: `tests/fixtures/diagnostics/NAME.md`
//! and `NAME.expect`, which lists every diagnostic the file must produce
//! as `code line:column`, nothing more and nothing less.

use std::collections::BTreeSet;

use crate::{compile_paths, fixtures};

fn expected(name: &str) -> Vec<String> {
    let path = fixtures().join("diagnostics").join(format!("{name}.expect"));
    std::fs::read_to_string(path).unwrap().lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
}

fn check_fixture(name: &str) {
    let path = fixtures().join("diagnostics").join(format!("{name}.md"));
    let compiled = compile_paths(&[path]);
    let mut found: Vec<String> =
        compiled.diagnostics.iter().map(|d| format!("{} {}:{}", d.code.as_str(), d.line(), d.column())).collect();
    found.sort();
    let mut want = expected(name);
    want.sort();
    assert_eq!(found, want, "diagnostics of {name}.md");
}

#[test]
fn every_fixture_matches_its_expectation() {
    let dir = fixtures().join("diagnostics");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 14, "{names:?}");
    for name in names {
        check_fixture(&name);
    }
}

/// Every code that a content file can produce has a fixture that
/// produces it (config codes are covered in the cli module).
#[test]
fn every_content_code_has_a_fixture() {
    let dir = fixtures().join("diagnostics");
    let mut covered = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "expect") {
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                covered.insert(line.split(' ').next().unwrap().to_string());
            }
        }
    }
    let codes = [
        "math-parse",
        "math-too-long",
        "code-syntax",
        "mcq-key",
        "mcq-no-key",
        "empty-answer",
        "empty-prompt",
        "duplicate-question",
        "missing-image",
        "unsupported-image",
        "broken-link",
        "unsafe-link",
        "inferred-question",
        "unterminated-fence",
        "split-fence",
        "front-matter",
        "front-matter-value",
        "unknown-front-matter-key",
        "invalid-utf8",
        "no-questions",
        "nesting-too-deep",
        "math-unclosed",
        "no-answers",
    ];
    for code in codes {
        assert!(covered.contains(code), "no fixture produces {code}");
    }
}
