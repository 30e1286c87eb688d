//! Code written by indentation, and answers indented under a list-item
//! heading by less than the item's content column: CommonMark reads both
//! as code; a person reads the first as code and the second as the answer.
//! The site must show what the model says, block for block.

use studymark::cache::DiskCache;
use studymark::katex::KatexMemo;
use studymark::load::Project;
use studymark::render::{render_bank, Folders, MathOutput};

use super::notes::{codes, mcq, prompts, wild};

#[test]
fn indented_code_is_code_and_underindented_answers_are_answers() {
    let (bank, diagnostics) = wild("indented-code.md");
    assert_eq!(
        prompts(&bank),
        [
            "What does this script print?",
            "Which command lists hidden files too?",
            "What is throttling?",
            "What is debouncing?"
        ]
    );
    let qs: Vec<_> = bank.questions().collect();
    assert_eq!(qs[0].context.code.len(), 1);
    assert_eq!(qs[0].context.code[0].source, "#!/bin/bash\nNAME=world\necho \"hello $NAME\"\n");
    assert_eq!(qs[0].context.code[0].line, 5, "the code's first line in the file");
    assert_eq!(mcq(qs[0]), (vec!["`hello world`", "`hello $NAME`"], vec![0]));
    // Lines indented four spaces under `120. ###` (content column 5).
    assert_eq!(qs[2].context.markdown, "");
    assert!(qs[2].answer.markdown.starts_with("Throttling runs a function at most once"), "{}", qs[2].answer.markdown);
    assert_eq!(qs[2].details.code.len(), 1);
    assert_eq!(qs[2].details.code[0].language.as_deref(), Some("javascript"));
    assert_eq!(qs[2].details.code[0].line, 23);
    assert!(!qs[2].details.markdown.contains("Back to Top"));
    assert!(qs[3].answer.markdown.starts_with("Debouncing waits"));
    assert_eq!(qs[3].code_count(), 0);
    assert_eq!(codes(&diagnostics), []);
}

#[test]
fn the_site_shows_the_code_blocks_the_model_lists() {
    let project = Project::load(&crate::fixtures()).unwrap();
    let (bank, _) = wild("indented-code.md");
    let content_dir = project.content_dir();
    let folders = Folders { content_dir: &content_dir, vault: None };
    let (cache, katex) = (DiskCache::default(), KatexMemo::default());
    let rendered = render_bank(&bank, &project.config, &folders, &cache, &katex, MathOutput::Katex);
    let qs: Vec<_> = bank.questions().collect();
    let (script, throttle) = (&rendered.questions[0].context, &rendered.questions[2]);
    assert!(script.starts_with("<pre class=\"code\" data-lang=\"shell\">"), "{script}");
    assert!(!script.contains("<p>#!/bin/bash"), "{script}");
    assert!(throttle.context.is_empty());
    assert!(throttle.answer.starts_with("<p>Throttling runs"), "{}", throttle.answer);
    assert!(throttle.details.contains("<pre class=\"code\" data-lang=\"javascript\">"), "{}", throttle.details);
    for (question, html) in qs.iter().zip(&rendered.questions) {
        let shown = [&html.prompt, &html.context, &html.answer, &html.details]
            .map(|h| h.matches("<pre class=\"code\"").count());
        let listed = [&question.prompt, &question.context, &question.answer, &question.details].map(|r| r.code.len());
        assert_eq!(shown, listed, "{}", question.prompt.markdown);
    }
}
