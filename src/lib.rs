//! studymark compiles Markdown question banks into study artifacts.
//!
//! The pipeline, one module per stage:
//! 1. [`load`]: configuration and bank discovery;
//! 2. [`parse`]: each file → [`model::Bank`];
//! 3. [`validate`]: math, code and structure → diagnostics;
//! 4. [`render`]: every fragment → sanitized HTML (KaTeX, syntect);
//! 5. [`emit`]: one module per output (site, anki);
//! 6. [`write`]: staging folder swapped into `output/`.
//!
//! [`compile`] runs stages 1–3 (`check`); [`build::build`] runs them all;
//! [`serve`] reruns the build on every change and serves the site;
//! [`cli`] exposes them.

pub mod build;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod init;
pub mod load;
pub mod lock;
pub mod model;
pub mod outline;
pub mod parse;
pub mod render;
pub mod serve;
pub mod source;
pub mod theme;
pub mod validate;
pub mod write;

use std::path::PathBuf;

use anyhow::Result;
use rayon::prelude::*;

use diagnostic::{sort_diagnostics, Diagnostic, Severity};
use load::Project;
use model::Bank;
use source::SourceFile;
use validate::CodeStats;

/// The result of loading, parsing and validating a set of banks.
pub struct Compiled {
    pub sources: Vec<SourceFile>,
    pub banks: Vec<Bank>,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: CodeStats,
}

impl Compiled {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

/// Loads, parses and validates the banks under `paths` (the project's
/// content folder when empty). Files are processed in parallel; the
/// result is in path order.
pub fn compile(project: &Project, paths: &[PathBuf]) -> Result<Compiled> {
    compile_cached(project, paths, &render::cache::RenderCache::default())
}

/// [`compile`] with a cache of check results (formulas KaTeX accepted or
/// rejected before), so unchanged content is not checked again.
pub fn compile_cached(project: &Project, paths: &[PathBuf], checks: &render::cache::RenderCache) -> Result<Compiled> {
    let content_dir = project.content_dir();
    let roots = if paths.is_empty() { vec![content_dir.clone()] } else { paths.to_vec() };
    let files = load::discover_banks(&roots)?;
    let per_file: Vec<(SourceFile, Bank, Vec<Diagnostic>, CodeStats)> = files
        .par_iter()
        .map(|path| {
            let (file, utf8_problem) = load::read_bank(path)?;
            let id = load::default_bank_id(path, &content_dir);
            let (bank, mut diagnostics) = parse::parse_bank(&file, &id, &project.config);
            diagnostics.extend(utf8_problem);
            let root = load::content_root_of(path, &content_dir);
            let (found, stats) = validate::validate_bank(&file, &bank, &project.config, &root, checks);
            diagnostics.extend(found);
            Ok((file, bank, diagnostics, stats))
        })
        .collect::<Result<_>>()?;
    let mut compiled = Compiled {
        sources: project.config_file.iter().cloned().collect(),
        banks: Vec::new(),
        diagnostics: project.diagnostics.clone(),
        stats: CodeStats::default(),
    };
    for (file, bank, diagnostics, stats) in per_file {
        compiled.sources.push(file);
        compiled.banks.push(bank);
        compiled.diagnostics.extend(diagnostics);
        compiled.stats.merge(stats);
    }
    sort_diagnostics(&mut compiled.diagnostics);
    Ok(compiled)
}
