//! The pipeline every command runs: one [`Pipeline`] with a method per
//! stage, each timed, in order:
//! 1. [`Pipeline::load`]: the bank files, found and read ([`crate::load`]);
//! 2. [`Pipeline::parse`]: each file → a [`crate::model::Bank`]
//!    ([`crate::parse`]), in parallel; a bank id two files share leaves the
//!    later file out;
//! 3. [`Pipeline::resolve_ids`]: reworded questions keep the ids
//!    `studymark.lock` knows them by ([`crate::lock`]);
//! 4. [`Pipeline::validate`]: math, code, structure ([`crate::validate`]);
//!    a build validates only the banks that changed;
//! 5. [`Pipeline::render`]: each bank to emit → the HTML of each output
//!    ([`crate::render`]);
//! 6. [`Pipeline::emit`]: each output's files into a new generation
//!    ([`crate::emit`]), made current with the lock in one step
//!    ([`crate::write`]).
//!
//! `studymark model` runs stages 1–3 ([`model`]), `check` 1–4 ([`check`]),
//! `build` and `serve` all six ([`build()`], which also skips the banks the
//! last build's fingerprints show unchanged). Ids come from stage 3 alone,
//! so the model, the diagnostics, the site, Anki and the handouts agree.

mod build;
mod compiled;
mod emit_job;
mod leave_out;
mod outcome;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use rayon::prelude::*;

use crate::cache::DiskCache;
use crate::diagnostic::{sort_diagnostics, Diagnostic};
use crate::katex::KatexMemo;
use crate::load::{self, Loaded, LoadedBank, Project};
use crate::lock::{self, IdLock, LOCK_FILE};
use crate::progress::Progress;
use crate::validate;

pub use build::build;
pub use compiled::{Checked, Compiled, Parsed, ParsedFile};
pub use outcome::{BuildOptions, BuildReport};

/// The stages, run in order by the commands; each records its time.
pub struct Pipeline<'p> {
    project: &'p Project,
    progress: &'p Progress,
    timings: Vec<(&'static str, Duration)>,
}

impl<'p> Pipeline<'p> {
    pub fn new(project: &'p Project, progress: &'p Progress) -> Self {
        Pipeline { project, progress, timings: Vec::new() }
    }

    /// The time each stage run so far took, in order.
    pub fn timings(&self) -> &[(&'static str, Duration)] {
        &self.timings
    }

    fn timed<T>(&mut self, stage: &'static str, run: impl FnOnce(&Self) -> T) -> T {
        let started = Instant::now();
        let value = run(self);
        self.timings.push((stage, started.elapsed()));
        value
    }

    /// Stage 1: the bank files under `paths` (the content folder when
    /// empty), read and hashed. `output` is never read, even inside the
    /// content.
    pub fn load(&mut self, paths: &[PathBuf], output: Option<&Path>) -> Result<Loaded> {
        let project = self.project;
        self.timed("load", |_| load::load_banks(&project.bank_roots(paths), project.vault.as_ref(), output))
    }

    /// Stage 2: every file parsed into a bank, in parallel.
    pub fn parse(&mut self, loaded: Loaded) -> Parsed {
        let project = self.project;
        self.timed("parse", |_| {
            let content_dir = project.content_dir();
            let Loaded { banks, skipped } = loaded;
            let files = banks
                .into_par_iter()
                .map(|loaded| {
                    let id = load::default_bank_id(&loaded.file.path, &content_dir);
                    let vault = project.vault.as_ref();
                    let (bank, mut diagnostics) = crate::parse::parse_bank(&loaded.file, &id, &project.config, vault);
                    diagnostics.extend(loaded.utf8_problem.clone());
                    ParsedFile { loaded, bank, diagnostics }
                })
                .collect();
            Parsed::new(files, skipped)
        })
    }

    /// Stage 3: reworded questions take the ids `lock` knows them by;
    /// each inheritance is an `id-inherited` note.
    pub fn resolve_ids(&mut self, parsed: &mut Parsed, lock: Option<&IdLock>) {
        self.timed("resolve ids", |_| {
            let inherited = lock::resolve_ids(lock, parsed.banks_mut());
            parsed.found.extend(inherited);
        })
    }

    /// Stage 4: validates every bank `known` has no result for (a bank
    /// it answers for keeps the result of the build that checked it).
    /// KaTeX's HTML for the formulas checked is left in `katex` for
    /// rendering.
    pub fn validate(
        &mut self,
        parsed: Parsed,
        checks: &DiskCache,
        katex: &KatexMemo,
        known: impl Fn(&LoadedBank) -> Option<Checked> + Sync,
    ) -> Compiled {
        let project = self.project;
        let progress = self.progress;
        self.timed("validate", |_| {
            progress.stage("checking", parsed.files.len());
            let Parsed { files, left_out, mut found } = parsed;
            for file in left_out {
                found.extend(file.diagnostics);
            }
            let checked: Vec<Checked> = files
                .par_iter()
                .map(|file| {
                    let checked = known(&file.loaded).unwrap_or_else(|| check_bank(project, file, checks, katex));
                    progress.advance();
                    checked
                })
                .collect();
            let hashes = files.iter().map(|f| f.loaded.hash.clone()).collect();
            let (sources, banks): (Vec<_>, Vec<_>) = files.into_iter().map(|f| (f.loaded.file, f.bank)).unzip();
            let mut compiled = Compiled::new(project, sources, banks, checked, found);
            compiled.hashes = hashes;
            compiled
        })
    }
}

/// Validates one bank: its parse diagnostics with what validation finds.
fn check_bank(project: &Project, file: &ParsedFile, checks: &DiskCache, katex: &KatexMemo) -> Checked {
    let content_dir = project.content_dir();
    let source = &file.loaded.file;
    let root = load::content_root_of(&source.path, &content_dir);
    let vault = project.vault.as_ref();
    let (found, stats) = validate::validate_bank(source, &file.bank, &project.config, &root, vault, checks, katex);
    let mut diagnostics: Vec<Diagnostic> = file.diagnostics.iter().cloned().chain(found).collect();
    sort_diagnostics(&mut diagnostics);
    Checked { questions: file.bank.questions().count(), diagnostics, stats }
}

/// The lock as it is on disk (`None` before the first build).
pub fn read_lock(project: &Project) -> Result<Option<IdLock>> {
    Ok(IdLock::read(&project.root.join(LOCK_FILE))?)
}

/// Stages 1–3, as `model` and `check` run them: the lock is only read.
fn through_ids(pipeline: &mut Pipeline, paths: &[PathBuf]) -> Result<Parsed> {
    let project = pipeline.project;
    let output = project.root.join(&project.config.output_dir);
    let loaded = pipeline.load(paths, Some(&output))?;
    let mut parsed = pipeline.parse(loaded);
    pipeline.resolve_ids(&mut parsed, read_lock(project)?.as_ref());
    Ok(parsed)
}

/// `studymark model`: stages 1–3; the banks with the ids the outputs use.
pub fn model(project: &Project, paths: &[PathBuf]) -> Result<Parsed> {
    through_ids(&mut Pipeline::new(project, &Progress::hidden()), paths)
}

/// `studymark check`: stages 1–4. `checks` holds KaTeX's verdicts of an
/// earlier build, so unchanged formulas are not checked again.
pub fn check(project: &Project, paths: &[PathBuf], checks: &DiskCache) -> Result<Compiled> {
    let progress = Progress::hidden();
    let mut pipeline = Pipeline::new(project, &progress);
    let parsed = through_ids(&mut pipeline, paths)?;
    Ok(pipeline.validate(parsed, checks, &KatexMemo::default(), |_| None))
}
