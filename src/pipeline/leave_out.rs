//! What a build does with content errors. An error that points into a
//! question (an empty prompt, a key naming no option, a formula KaTeX
//! rejects) leaves that question out of the outputs; the other questions
//! are built, so one unreadable question never hides a whole site. Front
//! matter that does not parse leaves its whole bank out: its id, deck and
//! style are unknown, and building it under the defaults would give its
//! Anki notes other ids until it is fixed. A `duplicate-id` error leaves
//! nothing out: the question already has a derived id of its own, and
//! leaving it out would lose its card. `--strict` writes nothing when
//! there is an error.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::Bank;
use crate::Compiled;

/// Removes from the banks what their errors point into; returns how many
/// questions were left out.
pub fn leave_out_failed_questions(compiled: &mut Compiled) -> usize {
    let mut left_out = 0;
    for (bank, checked) in compiled.banks.iter_mut().zip(&compiled.checked) {
        let errors: Vec<&Diagnostic> = checked.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        if errors.is_empty() {
            continue;
        }
        left_out += leave_out(bank, &errors);
    }
    left_out
}

fn leave_out(bank: &mut Bank, errors: &[&Diagnostic]) -> usize {
    let before = bank.questions().count();
    if errors.iter().any(|d| d.code == Code::FrontMatter) {
        bank.topics.iter_mut().for_each(|topic| topic.questions.clear());
        return before;
    }
    let offsets: Vec<usize> =
        errors.iter().filter(|d| d.code != Code::DuplicateId).filter_map(|d| d.span.map(|s| s.start)).collect();
    for topic in &mut bank.topics {
        topic.questions.retain(|q| !offsets.iter().any(|&at| q.span.range().contains(&at) || at == q.span.start));
    }
    before - bank.questions().count()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::config::Config;
    use crate::source::SourceFile;

    fn compiled(text: &str) -> Compiled {
        let file = SourceFile::new(PathBuf::from("bank.md"), text.to_string());
        let (bank, diagnostics) = crate::parse::parse_bank(&file, "bank", &Config::default(), None);
        let checked = crate::Checked { questions: bank.questions().count(), diagnostics, stats: Default::default() };
        let diagnostics = checked.diagnostics.clone();
        Compiled {
            sources: vec![file],
            banks: vec![bank],
            checked: vec![checked],
            hashes: vec![String::new()],
            diagnostics,
            stats: Default::default(),
            in_vault: false,
        }
    }

    fn prompts(compiled: &Compiled) -> Vec<String> {
        compiled.banks[0].questions().map(|q| q.prompt.markdown.trim().to_string()).collect()
    }

    #[test]
    fn only_the_question_an_error_points_into_is_left_out() {
        let mut compiled =
            compiled("? First?\n\nA.\n\n? Which is prime?  \n(a) 4  \n(b) 7\n\n(e) none\n\n? Third?\n\nC.\n");
        assert!(compiled.checked[0].diagnostics.iter().any(|d| d.code == Code::McqKey));
        assert_eq!(leave_out_failed_questions(&mut compiled), 1);
        assert_eq!(prompts(&compiled), ["First?", "Third?"]);
    }

    #[test]
    fn warnings_leave_everything_in() {
        let mut compiled = compiled("? First?\n\n? Second?\n\nB.\n");
        assert!(compiled.checked[0].diagnostics.iter().any(|d| d.code == Code::EmptyAnswer));
        assert_eq!(leave_out_failed_questions(&mut compiled), 0);
        assert_eq!(prompts(&compiled).len(), 2);
    }

    #[test]
    fn a_duplicate_id_leaves_nothing_out() {
        let mut compiled = compiled("? First?\n\n<!-- id: x -->\n\nA.\n\n? Second?\n\n<!-- id: x -->\n\nB.\n");
        assert!(compiled.checked[0].diagnostics.iter().any(|d| d.code == Code::DuplicateId));
        assert_eq!(leave_out_failed_questions(&mut compiled), 0);
        assert_eq!(prompts(&compiled), ["First?", "Second?"]);
    }

    #[test]
    fn front_matter_that_does_not_parse_leaves_the_bank_out() {
        let mut compiled = compiled("+++\nid = \n+++\n\n? First?\n\nA.\n");
        assert!(compiled.checked[0].diagnostics.iter().any(|d| d.code == Code::FrontMatter));
        assert_eq!(leave_out_failed_questions(&mut compiled), 1);
        assert!(prompts(&compiled).is_empty());
    }
}
