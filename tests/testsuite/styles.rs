//! Every question style, on the tour banks in `content/tour/` and the
//! fixtures in `tests/fixtures/styles/`: targeted assertions, then a JSON
//! snapshot of the whole model so any change to parsing shows in review.

use std::path::PathBuf;

use studymark::model::{Bank, Difficulty, Kind, Style};

use crate::compile_paths;

/// Relative paths keep the snapshots machine-independent (tests run in
/// the package root).
fn bank(path: &str) -> Bank {
    let compiled = compile_paths(&[PathBuf::from(path)]);
    let errors: Vec<_> =
        compiled.diagnostics.iter().filter(|d| d.severity == studymark::diagnostic::Severity::Error).collect();
    assert!(errors.is_empty(), "{path}: {errors:?}");
    compiled.banks.into_iter().next().unwrap()
}

fn kinds(bank: &Bank) -> Vec<&'static str> {
    bank.questions().map(|q| q.kind.as_str()).collect()
}

fn topics(bank: &Bank) -> Vec<&str> {
    bank.topics.iter().map(|t| t.title.as_str()).collect()
}

fn snapshot(name: &str, bank: &Bank) {
    insta::assert_json_snapshot!(name, bank);
}

#[test]
fn marker_tour() {
    let bank = bank("content/tour/marker.md");
    assert_eq!(bank.style, Style::Marker);
    assert_eq!(topics(&bank), ["Python", "Machine learning", "Algorithms"]);
    assert_eq!(kinds(&bank), ["open", "open", "cloze", "open", "open", "open", "multiple_choice", "cloze"]);
    let first = bank.questions().next().unwrap();
    assert_eq!(first.prompt.markdown, "What does this code print?");
    assert_eq!(first.context.code.len(), 1);
    assert_eq!(first.context.code[0].language.as_deref(), Some("python"));
    snapshot("tour-marker", &bank);
}

#[test]
fn heading_tour() {
    let bank = bank("content/tour/heading.md");
    assert_eq!(bank.style, Style::Heading);
    assert_eq!(topics(&bank), ["Rust", "Web and data", "Linear algebra"]);
    assert_eq!(bank.questions().map(|q| q.number).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
    let mcq = bank.questions().nth(2).unwrap();
    assert!(matches!(&mcq.kind, Kind::MultipleChoice { choices, correct } if choices.len() == 4 && correct == &[1]));
    assert!(bank.questions().all(|q| !q.prompt.markdown.starts_with(['1', 'Q', '#'])));
    snapshot("tour-heading", &bank);
}

#[test]
fn bold_tour() {
    let bank = bank("content/tour/bold.md");
    assert_eq!(bank.style, Style::Bold);
    assert_eq!(topics(&bank), ["Ensemble methods", "Databases", "Distributed systems"]);
    assert!(bank.questions().all(|q| q.difficulty.is_some()), "every bold question carries a mark");
    assert!(bank.questions().all(|q| !q.prompt.markdown.contains("**")));
    snapshot("tour-bold", &bank);
}

#[test]
fn details_tour() {
    let bank = bank("content/tour/details.md");
    assert_eq!(bank.style, Style::Details);
    assert_eq!(topics(&bank), ["JavaScript", "Configuration", "Probability"]);
    let qs: Vec<_> = bank.questions().collect();
    assert_eq!(qs.len(), 6);
    assert_eq!(qs[1].prompt.markdown, "In which order does this event-loop example log its letters?");
    assert!(!qs[1].answer.markdown.contains("<br>"));
    assert!(qs[2].answer.markdown.starts_with("No"), "compact form: {:?}", qs[2].answer.markdown);
    snapshot("tour-details", &bank);
}

#[test]
fn qa_tour() {
    let bank = bank("content/tour/qa.md");
    assert_eq!(bank.style, Style::Qa);
    assert_eq!(kinds(&bank), ["open", "cloze", "multiple_choice", "open", "open", "open", "open"]);
    let qs: Vec<_> = bank.questions().collect();
    assert_eq!(qs[0].context.code.len(), 1, "code between Q: and A: is prompt code");
    assert!(qs[0].answer.markdown.starts_with("It prints"));
    assert!(matches!(&qs[2].kind, Kind::MultipleChoice { correct, .. } if correct == &[1, 2]));
    snapshot("tour-qa", &bank);
}

#[test]
fn explicit_ids_numbering_and_tags() {
    let bank = bank("tests/fixtures/styles/explicit-ids.md");
    let qs: Vec<_> = bank.questions().collect();
    assert_eq!(qs.iter().map(|q| q.id.as_str()).take(2).collect::<Vec<_>>(), ["router", "switch-role"]);
    assert_eq!(qs[0].details.markdown, "#### Details\n\nIt reads the destination address of each packet.");
    assert_eq!(qs[1].tags, ["networking", "layer-2", "networks"]);
    assert!(!qs[1].answer.markdown.contains("Tags:"));
    assert!(matches!(&qs[2].kind, Kind::MultipleChoice { correct, .. } if correct == &[1]));
    snapshot("style-explicit-ids", &bank);
}

#[test]
fn keys_by_letters_and_by_text() {
    let bank = bank("tests/fixtures/styles/multiple-keys.md");
    let keys: Vec<_> = bank
        .questions()
        .map(|q| match &q.kind {
            Kind::MultipleChoice { correct, .. } => correct.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(keys, [vec![0, 2], vec![0]]);
}

#[test]
fn bold_numbering_difficulty_and_labels() {
    let bank = bank("tests/fixtures/styles/bold-numbered.md");
    let qs: Vec<_> = bank.questions().collect();
    assert_eq!(qs.len(), 2);
    assert_eq!((qs[0].number, qs[0].prompt.markdown.as_str()), (1, "What is a closure?"));
    assert_eq!(qs[0].difficulty, Some(Difficulty::Easy));
    assert_eq!(qs[1].difficulty, Some(Difficulty::Hard));
    assert!(qs[1].answer.markdown.ends_with("**Note:** this label is not a question."));
    assert_eq!(qs[0].tags, ["quiz", "basics"]);
}

#[test]
fn ids_survive_answer_edits_and_differ_across_banks() {
    let text = "? Why?\n\nBecause.\n";
    let edited = "? Why?\n\nBecause of reasons.\n";
    let config = studymark::config::Config::default();
    let parse = |t: &str, id: &str| {
        let file = studymark::source::SourceFile::new("x.md", t.to_string());
        studymark::parse::parse_bank(&file, id, &config, None).0.questions().next().unwrap().id.clone()
    };
    assert_eq!(parse(text, "a"), parse(edited, "a"));
    assert_ne!(parse(text, "a"), parse(text, "b"));
}
