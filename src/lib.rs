//! studymark compiles Markdown question banks into study artifacts.
//!
//! The pipeline, one module per stage:
//! 1. [`load`]: configuration and bank discovery;
//! 2. [`parse`]: each file → [`model::Bank`];
//! 3. [`validate`]: math, code and structure → diagnostics;
//! 4. [`render`]: every fragment → sanitized HTML (KaTeX, syntect);
//! 5. [`emit`]: one module per output (site, anki, print);
//! 6. [`write`]: a new generation of the outputs made current in one step.
//!
//! [`fingerprint`] decides which banks a build can skip: unchanged banks
//! are neither validated, rendered nor emitted again.
//! [`compile`] runs stages 1–3 (`check`); [`pipeline::build`] runs them all;
//! [`serve`] reruns the build on every change and serves the site;
//! [`cli`] exposes them.

pub mod cache;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod fingerprint;
pub mod hash;
pub mod init;
pub mod katex;
pub mod lang;
pub mod load;
pub mod lock;
pub mod media;
pub mod model;
pub mod outline;
pub mod parse;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod report;
pub mod serve;
pub mod source;
pub mod theme;
pub mod validate;
pub mod vault;
pub mod write;

use std::path::PathBuf;

use anyhow::Result;
use rayon::prelude::*;

use serde::{Deserialize, Serialize};

use cache::DiskCache;
use diagnostic::{sort_diagnostics, Diagnostic, Severity};
use katex::KatexMemo;
use load::{Loaded, LoadedBank, Project};
use model::Bank;
use progress::Progress;
use source::SourceFile;
use validate::CodeStats;

/// The result of loading, parsing and validating a set of banks.
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
    /// configuration's, and `found` while loading: skipped links, bank
    /// ids used twice).
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

/// Loads, parses and validates the banks under `paths` (the project's
/// content folder when empty). Files are processed in parallel; the
/// result is in path order.
pub fn compile(project: &Project, paths: &[PathBuf]) -> Result<Compiled> {
    compile_cached(project, paths, &DiskCache::default())
}

/// [`compile`] with a cache of check results (formulas KaTeX accepted or
/// rejected before), so unchanged content is not checked again.
pub fn compile_cached(project: &Project, paths: &[PathBuf], checks: &DiskCache) -> Result<Compiled> {
    let output = project.root.join(&project.config.output_dir);
    let loaded = load::load_banks(&project.bank_roots(paths), project.vault.as_ref(), Some(&output))?;
    Ok(compile_loaded(project, loaded, checks, &KatexMemo::default(), &Progress::hidden(), |_| None))
}

/// Parses every loaded bank and validates those `known` has no result for
/// (a bank `known` answers for is only parsed; its diagnostics are
/// `known`'s). KaTeX's HTML for the formulas checked is left in `katex`.
/// A bank whose id another bank took already is left out (see
/// [`drop_duplicate_banks`]).
pub fn compile_loaded(
    project: &Project,
    loaded: Loaded,
    checks: &DiskCache,
    katex: &KatexMemo,
    progress: &Progress,
    known: impl Fn(&LoadedBank) -> Option<Checked> + Sync,
) -> Compiled {
    let content_dir = project.content_dir();
    let Loaded { banks: loaded, skipped } = loaded;
    progress.stage("checking", loaded.len());
    let per_file: Vec<CompiledFile> = loaded
        .par_iter()
        .map(|loaded| {
            let file = &loaded.file;
            let id = load::default_bank_id(&file.path, &content_dir);
            let (bank, mut diagnostics) = parse::parse_bank(file, &id, &project.config, project.vault.as_ref());
            progress.advance();
            if let Some(checked) = known(loaded) {
                return (bank, checked, loaded.hash.clone());
            }
            diagnostics.extend(loaded.utf8_problem.clone());
            let root = load::content_root_of(&file.path, &content_dir);
            let vault = project.vault.as_ref();
            let (found, stats) = validate::validate_bank(file, &bank, &project.config, &root, vault, checks, katex);
            diagnostics.extend(found);
            sort_diagnostics(&mut diagnostics);
            let questions = bank.questions().count();
            (bank, Checked { questions, diagnostics, stats }, loaded.hash.clone())
        })
        .collect();
    let (kept, mut found) = drop_duplicate_banks(per_file);
    found.extend(skipped);
    let (mut banks, mut checked, mut hashes) = (Vec::new(), Vec::new(), Vec::new());
    for (bank, result, hash) in kept {
        banks.push(bank);
        checked.push(result);
        hashes.push(hash);
    }
    let mut compiled = Compiled::new(project, loaded.into_iter().map(|l| l.file).collect(), banks, checked, found);
    compiled.hashes = hashes;
    compiled
}

/// One bank file compiled: the bank, what checking it found, the file's hash.
type CompiledFile = (Bank, Checked, String);

/// Two files with one bank id (`x-a.md`, `x_a.md`, `x/a.md`, `X-A.md`)
/// would overwrite each other's outputs and merge their Anki notes. The
/// first in path order keeps the id; each later one is left out with a
/// `duplicate-bank` error naming both files, and its own diagnostics are
/// kept. Ids are compared without case: on a case-insensitive disk
/// `X-A.html` is `x-a.html`.
fn drop_duplicate_banks(files: Vec<CompiledFile>) -> (Vec<CompiledFile>, Vec<Diagnostic>) {
    let mut owners: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    let mut kept = Vec::new();
    let mut found = Vec::new();
    for (bank, checked, hash) in files {
        match owners.get(&bank.id.to_lowercase()) {
            Some(owner) => {
                let message = format!(
                    "bank id `{}` is already the id of {}; this file is left out of the outputs (set a different `id` in its front matter)",
                    bank.id,
                    owner.display()
                );
                found.push(Diagnostic::about_file(diagnostic::Code::DuplicateBank, &bank.source_path, message));
                found.extend(checked.diagnostics);
            }
            None => {
                owners.insert(bank.id.to_lowercase(), bank.source_path.clone());
                kept.push((bank, checked, hash));
            }
        }
    }
    (kept, found)
}
