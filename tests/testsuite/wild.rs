//! Shapes seen in other people's banks, one fixture per class under
//! `tests/fixtures/wild/` (our own writing in the same shape): the
//! expected outline of each, asserted question by question.

/// Heading questions, answer collapsibles, list-item headings.
mod headings {
    use std::path::PathBuf;

    use studymark::diagnostic::Code;
    use studymark::model::Style;

    use super::notes::{codes, has_answer, prompts, wild};
    use crate::compile_paths;

    #[test]
    fn heading_numbering_prefixes_levels_and_links() {
        let (bank, diagnostics) = wild("heading-numbering.md");
        let codes = codes(&diagnostics);
        assert_eq!(bank.style, Style::Heading);
        assert_eq!(
            prompts(&bank),
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
        assert!(bank.questions().map(has_answer).collect::<Vec<_>>().iter().all(|a| *a));
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
        let (bank, diagnostics) = wild("heading-answer-details.md");
        let codes = codes(&diagnostics);
        assert_eq!(bank.style, Style::Details);
        assert_eq!(
            prompts(&bank),
            [
                "What does `set -e` do?",
                "What does this print?",
                "What is the difference between `$*` and `$@`?",
                "What does `$?` hold?",
            ]
        );
        assert_eq!(bank.questions().map(has_answer).collect::<Vec<_>>(), [true, true, true, true]);
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
        let (bank, diagnostics) = wild("list-item-headings.md");
        let codes = codes(&diagnostics);
        assert_eq!(bank.style, Style::Heading);
        assert_eq!(
            prompts(&bank),
            ["What is a list comprehension", "What does the GIL do", "Why are default arguments evaluated once"]
        );
        assert_eq!(bank.questions().map(|q| q.number).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(bank.questions().map(has_answer).collect::<Vec<_>>(), [true, true, true]);
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
}

/// Bold marks, Q:/A: lines, multiple-choice forms, question lists.
mod notes {
    use std::path::PathBuf;

    use studymark::diagnostic::{Code, Diagnostic};
    use studymark::model::{Bank, Difficulty, Kind, Question};

    use crate::{compile_paths, fixtures};

    /// The bank of one fixture and its diagnostics.
    pub(super) fn wild(name: &str) -> (Bank, Vec<Diagnostic>) {
        let path: PathBuf = fixtures().join("wild").join(name);
        let compiled = compile_paths(&[path]);
        (compiled.banks.into_iter().next().expect("one bank"), compiled.diagnostics)
    }

    pub(super) fn prompts(bank: &Bank) -> Vec<&str> {
        bank.questions().map(|q| q.prompt.markdown.as_str()).collect()
    }

    pub(super) fn codes(diagnostics: &[Diagnostic]) -> Vec<Code> {
        diagnostics.iter().map(|d| d.code).collect()
    }

    pub(super) fn has_answer(q: &Question) -> bool {
        !q.answer.markdown.trim().is_empty()
    }

    /// Options as their Markdown and the 0-based key.
    pub(super) fn mcq(q: &Question) -> (Vec<&str>, Vec<usize>) {
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

    // --- Q:/A: on consecutive lines --------------------------------------------

    #[test]
    fn qa_lines_split_prompt_from_answer() {
        let (bank, diagnostics) = wild("qa-lines.md");
        assert_eq!(bank.style, studymark::model::Style::Qa);
        assert_eq!(
            prompts(&bank),
            [
                "What does TCP add on top of IP?",
                "Why does a TCP handshake take three messages?",
                "When is UDP the better choice?",
                "What is head-of-line blocking?",
                "What does a DNS resolver cache?",
                "What is a CNAME record?",
                "Which port does DNS use?",
            ]
        );
        let answers: Vec<_> = bank.questions().map(|q| q.answer.markdown.as_str()).collect();
        assert_eq!(answers[0], "Ordered, reliable delivery with flow and congestion control.");
        assert!(answers[1].starts_with("Each side must") && answers[1].ends_with("acknowledgement."));
        assert!(answers[2].starts_with("When late data"));
        assert_eq!(answers[3], "One lost packet stalls every stream behind it on the same connection.");
        assert_eq!(answers[4], "Answers, for as long as their TTL allows.");
        assert_eq!(answers[6], "53, over UDP and TCP.");
        assert!(bank.questions().all(|q| q.details.markdown.is_empty()), "`---` separators are not details");
        let topics: Vec<_> = bank.topics.iter().map(|t| (t.title.as_str(), t.questions.len())).collect();
        assert_eq!(topics, [("Transport", 4), ("Names", 3)]);
        assert_eq!(codes(&diagnostics), []);
    }

    // --- question-only banks ------------------------------------------------------

    #[test]
    fn question_list_keeps_every_question_with_one_bank_warning() {
        let (bank, diagnostics) = wild("question-list.md");
        assert_eq!(
            prompts(&bank),
            [
                "What is the probability of two heads in three fair coin tosses?",
                "State Bayes' rule.",
                "A test is 99% accurate and the disease affects 1 in 1,000\n       people. What is the chance that a positive result is right?",
                "Why does the sum of many independent variables tend to a normal distribution?",
                "What is the expected number of rolls of a die until a six?",
                "How many cards do you expect to draw until the first ace?",
                "Two fair dice are rolled.",
                "Which distribution models waiting times between events?",
            ]
        );
        use Difficulty::*;
        let difficulty: Vec<_> = bank.questions().map(|q| q.difficulty).collect();
        assert_eq!(
            difficulty,
            [Some(Easy), Some(Easy), Some(Medium), Some(Hard), Some(Medium), Some(Hard), Some(Medium), None]
        );
        let subjects: Vec<_> = bank.questions().map(|q| q.context.markdown.as_str()).collect();
        assert_eq!(
            subjects[..6],
            ["", "Conditional probability", "Conditional probability", "", "Expectation", "Expectation"]
        );
        assert_eq!(subjects[7], "");
        // A tagged question's untagged parts and its hint are the question's.
        let parts = subjects[6];
        assert!(parts.starts_with("1. What is the chance that both"), "{parts:?}");
        assert!(
            parts.contains("2. What is the chance that the sum") && parts.ends_with("count the 36 outcomes."),
            "{parts:?}"
        );
        assert!(bank.questions().all(|q| !has_answer(q) && q.details.markdown.is_empty()));
        let lines: Vec<_> = bank.questions().map(|q| (q.span.line, q.span.end_line)).collect();
        assert_eq!(lines[2], (8, 9), "a question running over two lines");
        assert_eq!(codes(&diagnostics), [Code::NoAnswers], "one bank-level warning, no empty-answer");
    }

    // --- multiple choice in every common form -------------------------------------

    #[test]
    fn choices_forms_options_and_keys() {
        let (bank, diagnostics) = wild("choices-forms.md");
        let qs: Vec<&Question> = bank.questions().collect();
        assert_eq!(qs.len(), 8, "a checklist under a plain title is not a question");
        assert_eq!(mcq(qs[0]), (vec!["`cd`", "`pwd`", "`ls`"], vec![1]), "- A: options, Answer: B");
        assert_eq!(mcq(qs[1]), (vec!["`SIGTERM`", "`SIGINT`", "`SIGKILL`"], vec![2]), "- A) options, > **Answer: C**");
        assert_eq!(mcq(qs[2]).1, vec![1], "A. lines, **Correct:** b");
        assert_eq!(mcq(qs[2]).0[1], "standard error to standard output");
        assert_eq!(
            mcq(qs[3]),
            (vec!["single quotes", "double quotes", "no quotes"], vec![0]),
            "(a) lines, ##### Answer: A"
        );
        assert!(qs[3].details.markdown.contains("Single quotes keep"));
        assert_eq!(mcq(qs[4]), (vec!["two", "four", "three"], vec![2]), "- 1: options, Answer: 3");
        assert_eq!(mcq(qs[5]).1, vec![0, 2], "several checked, several correct");
        assert_eq!(mcq(qs[6]), (vec!["1", "2", "nothing"], vec![0]));
        assert_eq!(qs[6].context.code.len(), 1, "the code before the task list is the prompt's");
        assert_eq!(mcq(qs[7]).1, vec![1], "the key after an explanation");
        assert_eq!(mcq(qs[7]).0.len(), 3, "the checklist after the last question adds no options");
        assert_eq!(mcq(qs[7]).1, vec![1]);
        assert_eq!(qs[5].span.end_line, 50, "the span runs over the options");
        assert_eq!(codes(&diagnostics), [], "keyed questions need no answer text");
    }

    #[test]
    fn choices_context_before_task_list_options() {
        let (bank, _) = wild("choices-context.md");
        let qs: Vec<&Question> = bank.questions().collect();
        assert_eq!(
            mcq(qs[0]),
            (vec!["It undoes the last commit and keeps its changes staged.", "It deletes the branch."], vec![0])
        );
        assert_eq!(qs[0].context.markdown, "`git reset --soft HEAD~1`");
        let (options, key) = mcq(qs[1]);
        assert_eq!(
            (options, key),
            (vec!["A and B", "B and C", "A and C"], vec![2]),
            "lettered statements, combinations as options"
        );
        assert!(qs[1].context.markdown.starts_with("A. `git add`"));
        assert_eq!(mcq(qs[2]).1, vec![1]);
        assert!(qs[2].context.markdown.starts_with("![history]"), "a screenshot before the options");
    }

    #[test]
    fn choices_code_blocks_blanks_and_fragments() {
        let (bank, diagnostics) = wild("choices-context.md");
        let qs: Vec<&Question> = bank.questions().collect();
        assert_eq!(qs.len(), 8);
        assert_eq!(
            mcq(qs[3]),
            (vec!["```sh\ngit add .\n```", "```sh\ngit add a.txt\n```"], vec![1]),
            "one code block per option"
        );
        assert_eq!(mcq(qs[4]).1, vec![0], "a blank to fill asks something");
        assert_eq!(mcq(qs[5]).1, vec![1], "a numbered fragment with a reference list before its options");
        assert!(qs[5].context.markdown.contains("Ref: the git-reflog"));
        assert_eq!(mcq(qs[6]).0.len(), 2, "`- [x] A` then a fence: the code is the option");
        assert!(mcq(qs[6]).0[0].contains("log -5") && mcq(qs[6]).1 == [0]);
        assert_eq!(mcq(qs[7]), (vec!["It deletes every stash.", "It applies the newest stash and drops it."], vec![1]));
        assert!(qs[7].answer.markdown.contains("followed by `git stash drop`"), "the explanation item is the answer");
        assert_eq!(codes(&diagnostics), []);
    }

    #[test]
    fn question_list_plain_bullets_with_parts() {
        let (bank, diagnostics) = wild("question-list-plain.md");
        assert_eq!(
            prompts(&bank),
            [
                "What does the `defer` attribute change when a script loads?",
                "Explain the following response headers:",
                "Describe how the browser builds the render tree.",
                "Have you used service workers, and for what?",
            ]
        );
        let parts = &bank.questions().nth(1).unwrap().context.markdown;
        assert!(
            parts.contains("Cache-Control") && parts.contains("ETag"),
            "nested items are the question's parts: {parts:?}"
        );
        assert!(bank.questions().all(|q| !has_answer(q)));
        assert_eq!(codes(&diagnostics), [Code::NoAnswers]);
    }

    #[test]
    fn qa_dot_paragraphs_with_lettered_options_and_quoted_key() {
        let (bank, diagnostics) = wild("qa-dot-options.md");
        assert_eq!(bank.style, studymark::model::Style::Qa);
        assert_eq!(
            prompts(&bank),
            ["Which selector matches only direct children?", "Which property makes an element a flex container?"]
        );
        let qs: Vec<&Question> = bank.questions().collect();
        assert_eq!(mcq(qs[0]), (vec!["`div p`", "`div > p`", "`div + p`"], vec![1]), "- A) options, > **Answer: B**");
        assert_eq!(mcq(qs[1]), (vec!["`display: flex`", "`flex: 1`"], vec![0]));
        assert!(qs[1].details.markdown.contains("only sizes an item"));
        assert_eq!(codes(&diagnostics), []);
    }
}

/// Numbered questions of another form inside a question's answer.
mod mixed;

/// Markup a person reads past: indented question headings, stray fences.
mod broken;

/// Code written by indentation; answers indented too little.
mod indented;

/// Question lists without tags, and the lists of an article.
mod lists;

/// Around the questions: banners, tables of contents, placeholders.
mod pages;
