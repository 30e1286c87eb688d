//! Shapes seen in other people's banks, one fixture per class under
//! `tests/fixtures/wild/` (our own writing in the same shape): the
//! expected outline of each, asserted question by question.

use std::path::PathBuf;

use studymark::diagnostic::{Code, Diagnostic};
use studymark::model::{Bank, Difficulty, Kind, Question};

use crate::{compile_paths, fixtures};

/// The bank of one fixture and its diagnostics.
fn wild(name: &str) -> (Bank, Vec<Diagnostic>) {
    let path: PathBuf = fixtures().join("wild").join(name);
    let compiled = compile_paths(&[path]);
    (compiled.banks.into_iter().next().expect("one bank"), compiled.diagnostics)
}

fn prompts(bank: &Bank) -> Vec<&str> {
    bank.questions().map(|q| q.prompt.markdown.as_str()).collect()
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<Code> {
    diagnostics.iter().map(|d| d.code).collect()
}

fn has_answer(q: &Question) -> bool {
    !q.answer.markdown.trim().is_empty()
}

/// Options as their Markdown and the 0-based key.
fn mcq(q: &Question) -> (Vec<&str>, Vec<usize>) {
    match &q.kind {
        Kind::MultipleChoice { choices, correct } => {
            (choices.iter().map(|c| c.markdown.as_str()).collect(), correct.clone())
        }
        other => panic!("{:?} is {other:?}, not multiple choice", q.prompt.markdown),
    }
}

// --- bold paragraphs with difficulty marks ---------------------------------

#[test]
fn bold_marks_inside_or_outside_with_joiners() {
    let (bank, diagnostics) = wild("bold-marks.md");
    assert_eq!(
        prompts(&bank),
        [
            "Why is merge sort stable?",
            "When does quicksort degrade to quadratic time?",
            "What does heapsort trade away for its worst case?",
            "How does interpolation search pick its probe?",
            "What is binary search on the answer?",
        ]
    );
    let difficulty: Vec<_> = bank.questions().map(|q| q.difficulty).collect();
    use Difficulty::*;
    assert_eq!(difficulty, [Some(Easy), Some(Medium), Some(Medium), Some(Hard), Some(Medium)]);
    assert!(bank.questions().all(has_answer));
    assert!(bank.questions().all(|q| matches!(q.kind, Kind::Open)));
    let topics: Vec<_> = bank.topics.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(topics, ["Sorting", "Searching"]);
    assert!(bank.questions().last().unwrap().answer.markdown.contains("**Note:**"), "a label stays in its answer");
    assert_eq!(codes(&diagnostics), []);
}
