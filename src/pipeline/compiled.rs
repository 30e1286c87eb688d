//! What the first stages hand on: [`Parsed`] (the banks, after parsing
//! and id resolution) and [`Compiled`] (after validation: the banks with
//! every diagnostic and the code statistics).

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{sort_diagnostics, Code, Diagnostic, Severity};
use crate::load::{LoadedBank, Project};
use crate::model::Bank;
use crate::source::SourceFile;
use crate::validate::CodeStats;

/// One bank file after parsing.
pub struct ParsedFile {
    pub loaded: LoadedBank,
    pub bank: Bank,
    /// Parsing's diagnostics (the file's `invalid-utf8` among them).
    pub diagnostics: Vec<Diagnostic>,
}

/// Every bank file after parsing, in path order.
pub struct Parsed {
    pub files: Vec<ParsedFile>,
    /// Files left out because another file has their bank id; their own
    /// diagnostics are kept.
    pub left_out: Vec<ParsedFile>,
    /// Found while loading and parsing, about no one bank: skipped links,
    /// bank ids used twice.
    pub found: Vec<Diagnostic>,
}

impl Parsed {
    /// Splits off the files whose bank id an earlier file has (see
    /// [`left_out_duplicates`]).
    pub fn new(files: Vec<ParsedFile>, mut found: Vec<Diagnostic>) -> Parsed {
        let (files, left_out, duplicates) = left_out_duplicates(files);
        found.extend(duplicates);
        Parsed { files, left_out, found }
    }

    pub fn banks(&self) -> impl Iterator<Item = &Bank> {
        self.files.iter().map(|f| &f.bank)
    }

    pub fn banks_mut(&mut self) -> Vec<&mut Bank> {
        self.files.iter_mut().map(|f| &mut f.bank).collect()
    }
}

/// Two files with one bank id (`x-a.md`, `x_a.md`, `x/a.md`, `X-A.md`)
/// would overwrite each other's outputs and merge their Anki notes. The
/// first in path order keeps the id; each later one is left out with a
/// `duplicate-bank` error naming both files. Ids are compared without case:
/// on a case-insensitive disk `X-A.html` is `x-a.html`.
fn left_out_duplicates(files: Vec<ParsedFile>) -> (Vec<ParsedFile>, Vec<ParsedFile>, Vec<Diagnostic>) {
    let mut owners: HashMap<String, PathBuf> = HashMap::new();
    let (mut kept, mut left_out, mut found) = (Vec::new(), Vec::new(), Vec::new());
    for file in files {
        let id = file.bank.id.to_lowercase();
        match owners.get(&id) {
            Some(owner) => {
                let message = format!(
                    "bank id `{}` is already the id of {}; this file is left out of the outputs (set a different `id` in its front matter)",
                    file.bank.id,
                    owner.display()
                );
                found.push(Diagnostic::about_file(Code::DuplicateBank, &file.bank.source_path, message));
                left_out.push(file);
            }
            None => {
                owners.insert(id, file.bank.source_path.clone());
                kept.push(file);
            }
        }
    }
    (kept, left_out, found)
}

/// The result of loading, parsing, resolving ids and validating.
pub struct Compiled {
    pub sources: Vec<SourceFile>,
    /// The parsed banks; empty when a build found nothing to do and parsed
    /// nothing (`checked` still describes every bank).
    pub banks: Vec<Bank>,
    /// What checking each bank found, in bank order.
    pub checked: Vec<Checked>,
    /// The hash of each bank's file, in bank order.
    pub hashes: Vec<String>,
    /// Every diagnostic (the configuration's and each bank's), sorted.
    pub diagnostics: Vec<Diagnostic>,
    pub stats: CodeStats,
    /// The content is a vault: its notes without cards are no problem,
    /// only counted ([`Compiled::notes_without_cards`]).
    pub in_vault: bool,
}

/// What parsing and validating one bank found. Builds keep it with the
/// bank's fingerprint, so an unchanged bank is not checked again.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Checked {
    pub questions: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: CodeStats,
}

impl Compiled {
    /// Gathers per-bank results with the project's own diagnostics (the
    /// configuration's, and `found`: skipped links, bank ids used twice).
    pub fn new(
        project: &Project,
        sources: Vec<SourceFile>,
        banks: Vec<Bank>,
        checked: Vec<Checked>,
        found: Vec<Diagnostic>,
    ) -> Compiled {
        let mut diagnostics = project.diagnostics.clone();
        diagnostics.extend(found);
        let mut stats = CodeStats::default();
        for bank in &checked {
            diagnostics.extend(bank.diagnostics.iter().cloned());
            stats.merge(bank.stats.clone());
        }
        sort_diagnostics(&mut diagnostics);
        let sources = project.config_file.iter().cloned().chain(sources).collect();
        let in_vault = project.vault.is_some();
        Compiled { sources, banks, checked, hashes: Vec::new(), diagnostics, stats, in_vault }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    pub fn question_count(&self) -> usize {
        self.checked.iter().map(|c| c.questions).sum()
    }

    /// In a vault, the notes that hold no card (left out of the outputs).
    pub fn notes_without_cards(&self) -> usize {
        if self.in_vault {
            self.checked.iter().filter(|c| c.questions == 0).count()
        } else {
            0
        }
    }
}
