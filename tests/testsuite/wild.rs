//! Shapes seen in other people's banks, one fixture per class under
//! `tests/fixtures/wild/` (our own writing in the same shape): the
//! expected outline of each, asserted question by question.

// --- finder-a: headings, answer collapsibles, list-item headings ----------

use std::path::PathBuf;

use studymark::diagnostic::Code;
use studymark::model::{Bank, Style};

use crate::{compile_paths, fixtures};

/// The bank of one fixture and its diagnostic codes.
fn finder_bank(name: &str) -> (Bank, Vec<Code>) {
    let compiled = compile_paths(&[fixtures().join("wild").join(name)]);
    let codes = compiled.diagnostics.iter().map(|d| d.code).collect();
    (compiled.banks.into_iter().next().expect("one bank"), codes)
}

fn finder_prompts(bank: &Bank) -> Vec<&str> {
    bank.questions().map(|q| q.prompt.markdown.as_str()).collect()
}

fn finder_answered(bank: &Bank) -> Vec<bool> {
    bank.questions().map(|q| !q.answer.markdown.trim().is_empty()).collect()
}

#[test]
fn heading_numbering_prefixes_levels_and_links() {
    let (bank, codes) = finder_bank("heading-numbering.md");
    assert_eq!(bank.style, Style::Heading);
    assert_eq!(
        finder_prompts(&bank),
        [
            "What does a router forward?",
            "Why does TCP need a three-way handshake?",
            "Which layer does ARP belong to?",
            "How many addresses does a /30 hold?",
            "What is the loopback address in IPv4?",
            "What does a default route match?",
            "What is a routing loop?",
        ]
    );
    assert_eq!(bank.questions().map(|q| q.number).collect::<Vec<_>>(), [1, 2, 3, 1, 8, 1, 7]);
    assert!(finder_answered(&bank).iter().all(|a| *a));
    assert!(bank.questions().all(|q| q.kind.as_str() == "open"));
    let titles: Vec<&str> = bank.topics.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["Networking drills", "Practice rounds", "Addresses", "Routing"]);
    // Deeper headings stay in their answer; the source link goes to the details.
    let tcp = bank.questions().nth(1).unwrap();
    assert!(tcp.details.markdown.contains("#### Step 2"), "{}", tcp.details.markdown);
    assert!(tcp.details.markdown.ends_with("[[src](https://example.org/tcp)]"));
    let router = bank.questions().next().unwrap();
    assert!(router.details.markdown.contains("### Ref link:"));
    assert!(!codes.contains(&Code::EmptyAnswer) && !codes.contains(&Code::NoQuestions), "{codes:?}");
    assert!(bank.reading.starts_with("heading reading: 7 found, 7 answered"), "{}", bank.reading);
}

#[test]
fn heading_answer_collapsibles_are_answers_not_prompts() {
    let (bank, codes) = finder_bank("heading-answer-details.md");
    assert_eq!(bank.style, Style::Details);
    assert_eq!(
        finder_prompts(&bank),
        [
            "What does `set -e` do?",
            "What does this print?",
            "What is the difference between `$*` and `$@`?",
            "What does `$?` hold?",
        ]
    );
    assert_eq!(finder_answered(&bank), [true, true, true, true]);
    let qs: Vec<_> = bank.questions().collect();
    assert_eq!(qs[0].number, 1);
    assert_eq!(qs[0].answer.markdown, "The shell exits as soon as a command fails.");
    assert!(qs[0].details.markdown.contains("#### Answer: exits on error"));
    // The code between the question and its collapsible is prompt code.
    assert_eq!(qs[1].context.code.len(), 1);
    assert_eq!(qs[1].answer.markdown, "It prints 7.");
    assert!(qs[2].answer.markdown.starts_with("Quoted, `\"$@\"`"));
    assert!(!bank.questions().any(|q| q.prompt.markdown.contains("Translations")));
    assert!(!codes.contains(&Code::EmptyAnswer), "{codes:?}");
    assert!(bank.reading.contains("runner-up heading"), "{}", bank.reading);
}

#[test]
fn heading_list_items_open_into_questions() {
    let (bank, codes) = finder_bank("list-item-headings.md");
    assert_eq!(bank.style, Style::Heading);
    assert_eq!(
        finder_prompts(&bank),
        ["What is a list comprehension", "What does the GIL do", "Why are default arguments evaluated once"]
    );
    assert_eq!(bank.questions().map(|q| q.number).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(finder_answered(&bank), [true, true, true]);
    let qs: Vec<_> = bank.questions().collect();
    assert_eq!(qs[0].answer.markdown, "A compact way to build a list from an iterable.");
    // Nested code reads as it would on its own (no list indentation left).
    assert_eq!(qs[0].code_count(), 1);
    assert!(qs[0].details.markdown.starts_with("```python\nsquares"), "{}", qs[0].details.markdown);
    // The indented `## Key points` between items 2 and 3 is part of 2's answer.
    assert!(qs[1].details.markdown.contains("## Key points"));
    assert!(qs[1].details.markdown.contains("C extensions may release it."));
    // Back-to-top links are noise; the table of contents is no question.
    assert!(!bank.questions().any(|q| q.details.markdown.contains("Back to Top")));
    assert!(qs[2]
        .answer
        .markdown
        .starts_with("They are evaluated when the `def` runs, so a mutable default is shared\n"));
    assert!(!codes.contains(&Code::EmptyAnswer), "{codes:?}");
    let titles: Vec<&str> = bank.topics.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["Python interview notes"]);
}

#[test]
fn heading_reading_never_reports_no_questions_when_one_finds_some() {
    // Forced by nothing, a file whose only questions are headings.
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("bank.md");
    std::fs::write(&path, "# T\n\n## 1. Why?\n\nBecause.\n").unwrap();
    let compiled = compile_paths(&[path]);
    assert_eq!(compiled.banks[0].questions().count(), 1);
    assert!(!compiled.diagnostics.iter().any(|d| d.code == Code::NoQuestions));
}
