//! The seed (`content/deep-learning.md`, a verbatim copy of the real,
//! messy bank) as a golden test: exact questions, kinds, prompt code and
//! diagnostics.

use std::path::Path;

use studymark::diagnostic::Code;
use studymark::model::{Bank, Difficulty, Kind, Question};
use studymark::Compiled;

use crate::compile_paths;

const PROMPTS: [&str; 13] = [
    "Why is weight initialization important in neural networks?",
    "In backpropagation, why do we compute gradients with respect to weights instead of directly adjusting outputs?",
    "Explain the role of padding in convolutional neural networks. What happens to the feature map size if we use \"valid\" vs. \"same\" padding?",
    "Why are $1 \\times 1$ convolutions used in CNN architectures (e.g., GoogleNet)? Mention two benefits.",
    "BatchNorm introduces two learnable parameters ( $\\gamma, \\beta$ ). What is their purpose?",
    "Explain how dropout acts as a form of ensemble learning.",
    "Give one example of a real-world problem where an RNN is preferred over a feed-forward network, and explain why.",
    "What is the function of the input gate in an LSTM? How does it differ from the forget gate?",
    "Why is training GANs unstable? Mention two challenges faced during optimization.",
    "What potential issue might occur with the gradients during training?",
    "During inference, for a particular input, calling sample(start_token, max_len=20), produces the output sentence: It is raining cats and dogs today. What will be the output if you call sample(start_token)?",
    "The model below doesn't train well. Highlight the potential issue with respect to gradients and suggest potential fixes.",
    "What makes a GAN \"conditional,\" and how are labels injected? Write a code snippet for the same.",
];

fn seed() -> Compiled {
    compile_paths(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("content/deep-learning.md")])
}

/// Prompt text modulo Markdown markup: no emphasis, escapes or extra spaces.
fn plain(markdown: &str) -> String {
    markdown.replace(['*', '\\'], "").replace("\\_", "_").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn questions(bank: &Bank) -> Vec<&Question> {
    bank.questions().collect()
}

#[test]
fn seed_has_exactly_the_thirteen_questions_in_order() {
    let compiled = seed();
    let found: Vec<String> = questions(&compiled.banks[0]).iter().map(|q| plain(&q.prompt.markdown)).collect();
    let want: Vec<String> = PROMPTS.iter().map(|p| plain(p)).collect();
    assert_eq!(found, want);
    assert_eq!(compiled.banks[0].title, "Practice questions");
}

#[test]
fn question_two_is_inferred_with_a_warning_on_line_62() {
    let compiled = seed();
    let q = questions(&compiled.banks[0])[1];
    assert!(q.inferred);
    assert_eq!(q.span.line, 62);
    let inferred: Vec<_> = compiled.diagnostics.iter().filter(|d| d.code == Code::InferredQuestion).collect();
    assert_eq!(inferred.len(), 1);
    assert_eq!((inferred[0].line(), inferred[0].column()), (62, 1));
}

#[test]
fn question_ten_is_multiple_choice_with_key_c_and_three_prompt_blocks() {
    let compiled = seed();
    let q = questions(&compiled.banks[0])[9];
    let Kind::MultipleChoice { choices, correct } = &q.kind else { panic!("{:?}", q.kind) };
    assert_eq!(choices.len(), 4);
    assert_eq!(choices[2].markdown, "The code will work fine with no gradient issues");
    assert_eq!(correct, &[2]);
    assert_eq!(q.context.code.len(), 3);
    assert_eq!(q.context.code.iter().map(|c| c.line).collect::<Vec<_>>(), [118, 125, 135]);
    assert!(q.answer.markdown.starts_with("(c) Code will work fine"));
}

#[test]
fn prompt_code_belongs_to_the_right_questions() {
    let compiled = seed();
    let qs = questions(&compiled.banks[0]);
    assert!(qs[10].context.markdown.contains("#Consider the following inference code"));
    assert_eq!(qs[10].context.code.len(), 2);
    assert_eq!(qs[11].context.code.len(), 1);
    assert_eq!(qs[12].context.code.len(), 0);
    assert_eq!(qs[12].details.code.len(), 6, "question 13's code belongs to its answer");
    for (i, q) in qs.iter().enumerate().filter(|(i, _)| ![9, 10, 11].contains(i)) {
        assert!(q.context.code.is_empty(), "question {} has no prompt code", i + 1);
    }
}

#[test]
fn question_one_keeps_its_headings_and_difficulty() {
    let compiled = seed();
    let q = questions(&compiled.banks[0])[0];
    assert!(q.answer.markdown.starts_with("Weight initialization is important because it breaks symmetry"));
    for heading in ["## Interview POV", "# Benefits of Proper Initialization", "# Common Initialization Schemes"] {
        assert!(q.details.markdown.contains(heading), "details lack {heading}");
    }
    assert_eq!(q.difficulty, Some(Difficulty::Medium));
    assert_eq!(compiled.banks[0].topics.len(), 1, "headings inside answers are not topics");
}

#[test]
fn code_syntax_errors_are_exactly_the_blocks_cpython_rejects() {
    let compiled = seed();
    let lines: Vec<usize> =
        compiled.diagnostics.iter().filter(|d| d.code == Code::CodeSyntax).map(|d| d.line()).collect();
    assert_eq!(lines, [131, 139, 172, 178, 282]);
}

#[test]
fn seed_has_no_math_errors_and_every_formula_is_found() {
    let compiled = seed();
    assert!(compiled.diagnostics.iter().all(|d| d.code != Code::MathParse));
    let formulas: usize = questions(&compiled.banks[0]).iter().map(|q| q.math_count()).sum();
    assert_eq!(formulas, 9);
}

#[test]
fn seed_split_fences_are_reported_and_nothing_else() {
    let compiled = seed();
    for d in &compiled.diagnostics {
        assert!(
            [Code::InferredQuestion, Code::CodeSyntax, Code::SplitFence].contains(&d.code),
            "unexpected {} at line {}",
            d.code.as_str(),
            d.line()
        );
    }
    let split: Vec<usize> =
        compiled.diagnostics.iter().filter(|d| d.code == Code::SplitFence).map(|d| d.line()).collect();
    assert_eq!(split, [124, 134, 176, 241, 271, 279, 286, 293]);
}

#[test]
fn seed_model_snapshot() {
    let compiled = compile_paths(&[std::path::PathBuf::from("content/deep-learning.md")]);
    insta::assert_json_snapshot!("seed-model", compiled.banks[0]);
}
