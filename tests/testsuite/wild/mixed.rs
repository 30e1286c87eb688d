//! The second pass over the winning reading: numbered questions written as
//! paragraphs, glued headings or continuation lines inside a heading bank.

use studymark::model::Style;

use super::notes::{codes, mcq, prompts, wild};

#[test]
fn numbered_paragraphs_inside_a_heading_bank_are_questions() {
    let (bank, diagnostics) = wild("mixed-numbered-paragraphs.md");
    assert_eq!(bank.style, Style::Heading);
    assert_eq!(
        prompts(&bank),
        [
            "Which command prints the working directory?",
            "Which signal cannot be caught?",
            "Which variable holds the exit status of the last command?",
            "What does `set -u` make the shell do?",
            "Which redirection sends standard error to standard output?",
            "What does `$#` hold?",
            "Which builtin reads a line from standard input?",
            "Which file does an interactive login shell read first?",
            "Which file does a non-login interactive shell read?",
        ]
    );
    let qs: Vec<_> = bank.questions().collect();
    assert_eq!(qs.iter().map(|q| q.number).collect::<Vec<_>>(), [1, 2, 3, 4, 6, 7, 8, 9, 10]);
    let keys: Vec<_> = qs[..7].iter().map(|q| mcq(q).1).collect();
    assert_eq!(keys, [vec![1], vec![1], vec![1], vec![0], vec![1], vec![0], vec![0]]);
    assert_eq!(mcq(qs[1]).0.len(), 2, "the mention of Q3 stays in answer 2");
    assert!(qs[1].answer.markdown.starts_with("Q3 and Q4 below"), "{}", qs[1].answer.markdown);
    assert!(qs[2].answer.markdown.starts_with("Explanation:"));
    assert_eq!(qs[3].answer.markdown, "[Reference](https://example.org/set)", "the link before Q6 stays with Q4");
    assert_eq!(mcq(qs[5]).0.len(), 3, "Q8's line leaves Q7's last option");
    assert_eq!(mcq(qs[5]).0[2], "The last argument.");
    // A number that jumps does not continue nine: the paragraph stays in the answer.
    assert!(qs[7].answer.markdown.contains("\n\nQ30. Why would"), "{}", qs[7].answer.markdown);
    // A collapsible whose summary is the next question.
    assert!(qs[8].answer.markdown.starts_with("`~/.bashrc`, which"), "{}", qs[8].answer.markdown);
    assert!(!qs[7].answer.markdown.contains("bashrc"));
    assert!(bank.reading.ends_with("second pass: 5 more in answers"), "{}", bank.reading);
    assert_eq!(codes(&diagnostics), []);
}
