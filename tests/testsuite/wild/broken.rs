//! Markup that a person reads past and CommonMark does not: a question
//! heading indented into the last option, a fence "closed" by a line with
//! a word after it.

use studymark::diagnostic::Code;

use super::notes::{codes, mcq, prompts, wild};

#[test]
fn a_heading_indented_into_the_last_option_is_the_next_question() {
    let (bank, diagnostics) = wild("heading-in-list-item.md");
    assert_eq!(
        prompts(&bank),
        [
            "Which colour model mixes light?",
            "Which colour model suits printing?",
            "What does the alpha channel hold?",
            "Which value is pure white in 8-bit RGB?",
        ]
    );
    let qs: Vec<_> = bank.questions().collect();
    let options: Vec<_> = qs.iter().map(|q| mcq(q)).collect();
    assert_eq!(options[0], (vec!["RGB", "CMYK"], vec![0]));
    assert_eq!(options[1], (vec!["RGB", "CMYK"], vec![1]));
    assert_eq!(options[2].1, vec![1]);
    assert!(options[2].0[1].starts_with("Opacity"));
    assert_eq!(options[3], (vec!["`255, 255, 255`", "`0, 0, 0`"], vec![0]));
    assert_eq!(qs[3].answer.markdown, "[Reference](https://example.org/white)");
    assert_eq!(codes(&diagnostics), []);
}

#[test]
fn a_fence_closed_by_a_line_with_a_word_ends_there() {
    let (bank, diagnostics) = wild("fence-stray-info.md");
    assert_eq!(
        prompts(&bank),
        [
            "What is the total width of this box?",
            "Which property stacks flex items vertically?",
            "What does this rule hide?",
        ]
    );
    let qs: Vec<_> = bank.questions().collect();
    assert_eq!(qs[0].context.code[0].source, ".box {\n  width: 100px;\n  padding: 10px;\n}\n");
    assert_eq!(mcq(qs[0]), (vec!["120px", "100px"], vec![0]));
    assert_eq!(mcq(qs[1]).1, vec![0]);
    assert_eq!(qs[2].context.code.len(), 1);
    assert_eq!(mcq(qs[2]).1, vec![0]);
    // The broken fence is reported where it opens.
    assert_eq!(codes(&diagnostics), [Code::UnterminatedFence]);
    assert_eq!(diagnostics[0].span.map(|s| s.line), Some(5));
}
