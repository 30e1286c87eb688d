//! Question ids: what tells questions with one prompt apart
//! ([`distinguisher`]) and the ids of one bank's questions, unique in the
//! bank ([`Identities`]), given once the whole bank is read.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::blocks::Block;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Question;
use crate::source::{SourceFile, Span};

/// What tells questions with one prompt apart: the prompt code and lead-in
/// (whitespace collapsed, operators kept: `1+2` is not `1-2`) and the
/// options.
pub(super) fn distinguisher(context: &[Block], choices: &[Block], text: &str) -> String {
    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut apart = String::new();
    for block in context {
        apart.push('\u{2}');
        apart.push_str(&collapse(&text[block.range.clone()]));
    }
    for choice in choices {
        apart.push('\u{1}');
        apart.push_str(&collapse(&text[choice.range.clone()]));
    }
    apart
}

/// What one question contributes to its id.
pub(super) struct Identity {
    /// The normalized prompt.
    pub(super) prompt: String,
    /// See [`distinguisher`].
    pub(super) apart: String,
    /// The author's `<!-- id: ... -->` and where it is.
    pub(super) explicit: Option<(String, Span)>,
    pub(super) line: usize,
}

/// The ids of one bank's questions, unique in the bank. In order:
/// 1. explicit ids, in file order; the second of two identical ones is a
///    `duplicate-id` error and the question gets a derived id instead, so
///    no card is lost;
/// 2. derived ids, in file order: a hash of the prompt when no other
///    question of the bank has that prompt (so ids of ordinary questions
///    never depend on the others), else of the prompt and what tells it
///    apart ([`distinguisher`]); true duplicates (same prompt, code and
///    options) take their position among them: `-2`, `-3`.
#[derive(Default)]
pub(super) struct Identities {
    questions: Vec<Identity>,
}

impl Identities {
    pub(super) fn push(&mut self, identity: Identity) {
        self.questions.push(identity);
    }

    pub(super) fn assign<'q>(
        self,
        bank_id: &str,
        file: &SourceFile,
        questions: impl Iterator<Item = &'q mut Question>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let mut prompt_counts: HashMap<&str, usize> = HashMap::new();
        for identity in &self.questions {
            *prompt_counts.entry(identity.prompt.as_str()).or_default() += 1;
        }
        // Explicit ids first, so a derived id never takes one.
        let mut taken: HashMap<String, usize> = HashMap::new();
        let mut explicit: Vec<Option<String>> = Vec::with_capacity(self.questions.len());
        for identity in &self.questions {
            let Some((id, span)) = &identity.explicit else {
                explicit.push(None);
                continue;
            };
            if let Some(first_line) = taken.get(id) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateId,
                        file,
                        Some(*span),
                        format!("id `{id}` is already the id of another question in this bank"),
                    )
                    .with_note(format!(
                        "first given on line {first_line}; this question gets a derived id until the ids differ"
                    )),
                );
                explicit.push(None);
            } else {
                taken.insert(id.clone(), span.line);
                explicit.push(Some(id.clone()));
            }
        }
        for ((identity, question), explicit) in self.questions.iter().zip(questions).zip(explicit) {
            if let Some(id) = explicit {
                question.id = id;
                question.explicit_id = true;
                continue;
            }
            let base = match prompt_counts.get(identity.prompt.as_str()) {
                Some(1) => question_id(bank_id, &identity.prompt),
                _ => question_id(bank_id, &format!("{}\u{0}{}", identity.prompt, identity.apart)),
            };
            let mut id = base.clone();
            let mut n = 2;
            while taken.contains_key(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            taken.insert(id.clone(), identity.line);
            question.id = id;
        }
    }
}

/// Stable id from the bank id and the normalized prompt (with what tells
/// it apart from other questions with that prompt): editing the answer
/// keeps it.
fn question_id(bank_id: &str, identity: &str) -> String {
    let digest = Sha256::digest(format!("{bank_id}\u{0}{identity}").as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::text::normalize_prompt;

    #[test]
    fn ids_ignore_markup_and_depend_on_the_bank() {
        let a = question_id("bank", &normalize_prompt("Why *is* X?"));
        assert_eq!(a, question_id("bank", &normalize_prompt("why is   x?")));
        assert_ne!(a, question_id("other", &normalize_prompt("why is x?")));
        assert_eq!(a.len(), 12);
    }
}
