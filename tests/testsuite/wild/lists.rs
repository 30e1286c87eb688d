//! Question lists without tags: numbered tasks, lists split by code
//! blocks, a list per section; and the lists of an article, which are not
//! questions.

use studymark::diagnostic::Code;
use studymark::model::Style;

use super::notes::{codes, has_answer, prompts, wild};

#[test]
fn numbered_tasks_are_questions() {
    let (bank, diagnostics) = wild("question-list-tasks.md");
    assert_eq!(bank.style, Style::Marker);
    let qs: Vec<_> = bank.questions().collect();
    assert_eq!(qs.len(), 6);
    assert_eq!(qs[0].prompt.markdown, "Implement breadth-first search over an adjacency list.");
    assert!(qs[4].prompt.markdown.starts_with("There are $$n$$ courses"), "one item in three that asks less plainly");
    assert_eq!(qs[3].prompt.math.len(), 1);
    assert!(qs.iter().all(|q| !has_answer(q)));
    assert!(bank.intro.markdown.contains("warm-up exercises"));
    assert_eq!(codes(&diagnostics), [Code::NoAnswers]);
}

#[test]
fn lists_split_by_code_blocks_keep_the_code_with_their_question() {
    let (bank, diagnostics) = wild("question-list-code.md");
    assert_eq!(
        prompts(&bank),
        [
            "What is the difference between a list and a tuple?",
            "Explain how a generator differs from a list comprehension.",
            "Why are default arguments evaluated only once?",
            "Make this print `[1, 2, 3]`:",
            "Create a function that counts the vowels in a string.",
            "What does each line print?",
            "Write a decorator that times a function.",
        ]
    );
    let code: Vec<_> = bank.questions().map(|q| q.context.code.len()).collect();
    assert_eq!(code, [0, 0, 0, 1, 0, 1, 0]);
    let topics: Vec<_> = bank.topics.iter().map(|t| (t.title.as_str(), t.questions.len())).collect();
    assert_eq!(topics, [("General", 3), ("Coding", 4)]);
    assert_eq!(codes(&diagnostics), [Code::NoAnswers]);
}

#[test]
fn a_list_per_section_needs_less_evidence_once_the_file_asks() {
    let (bank, diagnostics) = wild("question-list-sections.md");
    let topics: Vec<_> = bank.topics.iter().map(|t| (t.title.as_str(), t.questions.len())).collect();
    assert_eq!(topics, [("General", 3), ("Acme", 3), ("Globex", 3)]);
    let globex: Vec<_> = bank.topics[2].questions.iter().map(|q| q.prompt.markdown.as_str()).collect();
    assert_eq!(globex[0], "Talk about the project you are proudest of.");
    assert_eq!(codes(&diagnostics), [Code::NoAnswers]);
}

#[test]
fn an_article_with_numbered_sections_and_term_lists_has_no_questions() {
    let (bank, diagnostics) = wild("article-page.md");
    assert_eq!(prompts(&bank), Vec::<&str>::new());
    assert_eq!(codes(&diagnostics), [Code::NoQuestions]);
}
