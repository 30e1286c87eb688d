//! Validation: checks every question's math, code and structure and returns
//! diagnostics. Nothing here writes files or panics on bad input.
//!
//! In order: structure (fences, images, links), code (per-language syntax
//! check), math (KaTeX), dollars the Markdown parser left as text
//! (`math-unclosed`), nesting (what rendering would flatten), and in a
//! vault its embedded images. Question-level problems found while parsing (keys,
//! empty answers, duplicates, inferred questions) are reported by the parser.

pub mod code;
pub mod embeds;
pub mod math;
pub mod nesting;
pub mod python;
pub mod structure;
pub mod unclosed_math;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::cache::DiskCache;
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::katex::KatexMemo;
use crate::model::{Bank, CodeBlock, LanguageSource, Math};
use crate::source::SourceFile;
use crate::vault::Vault;

/// A syntax error found in one code block, positioned inside the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeError {
    /// 1-based line within the code block.
    pub line: usize,
    /// 1-based column (in characters) within that line.
    pub column: usize,
    pub message: String,
}

/// Counts for the summary: what was checked and how languages were found.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
pub struct CodeStats {
    /// Blocks whose syntax was checked, per language.
    pub checked: BTreeMap<String, usize>,
    /// Blocks highlighted but not checked, per language (`unknown` when none
    /// could be found).
    pub unchecked: BTreeMap<String, usize>,
    /// Unlabeled blocks whose language was guessed, per guessed language.
    pub guessed: BTreeMap<String, usize>,
    pub formulas: usize,
}

impl CodeStats {
    pub fn merge(&mut self, other: CodeStats) {
        for (ours, theirs) in [
            (&mut self.checked, other.checked),
            (&mut self.unchecked, other.unchecked),
            (&mut self.guessed, other.guessed),
        ] {
            for (language, n) in theirs {
                *ours.entry(language).or_default() += n;
            }
        }
        self.formulas += other.formulas;
    }
}

/// Validates one parsed bank; `vault` is the vault it is a note of.
pub fn validate_bank(
    file: &SourceFile,
    bank: &Bank,
    config: &Config,
    content_root: &Path,
    vault: Option<&Vault>,
    cache: &DiskCache,
    katex: &KatexMemo,
) -> (Vec<Diagnostic>, CodeStats) {
    let fragments: Vec<&crate::model::Rich> =
        std::iter::once(&bank.intro).chain(bank.questions().flat_map(|q| q.fragments())).collect();
    let code: Vec<&CodeBlock> = fragments.iter().flat_map(|r| &r.code).collect();
    let formulas: Vec<&Math> = fragments.iter().flat_map(|r| &r.math).collect();
    let mut diagnostics = structure::check_structure(file, &code, &fragments, content_root);
    let mut stats = CodeStats { formulas: formulas.len(), ..CodeStats::default() };
    for block in &code {
        diagnostics.extend(check_block(file, block, &mut stats));
    }
    diagnostics.extend(math::check_math(file, &formulas, &config.math.macros, cache, katex));
    diagnostics.extend(unclosed_math::check_unclosed_math(file, &fragments));
    diagnostics.extend(nesting::check_nesting(file, &fragments));
    if let Some(vault) = vault {
        diagnostics.extend(embeds::check_embeds(file, &fragments, &vault.note(&file.path)));
    }
    (diagnostics, stats)
}

fn check_block(file: &SourceFile, block: &CodeBlock, stats: &mut CodeStats) -> Option<Diagnostic> {
    let language = block.language.clone().unwrap_or_else(|| "unknown".into());
    if block.language_source == LanguageSource::Guessed {
        *stats.guessed.entry(language.clone()).or_default() += 1;
    }
    if !code::is_checked(&language) {
        *stats.unchecked.entry(language).or_default() += 1;
        return None;
    }
    *stats.checked.entry(language.clone()).or_default() += 1;
    let error = code::check_code(&language, &block.source)?;
    // Code in a list item is indented like its fence; columns follow it.
    let indent = block.span.column.saturating_sub(1);
    let line = block.line + error.line.saturating_sub(1);
    let line_start = file.line_start(line);
    let line_text = file.text[line_start..].lines().next().unwrap_or_default();
    let column_byte =
        line_text.char_indices().nth(indent + error.column.saturating_sub(1)).map_or(line_text.len(), |(i, _)| i);
    let start = line_start + column_byte;
    let end = (line_start + line_text.len()).max(start);
    let guessed = if block.language_source == LanguageSource::Guessed { " (language guessed)" } else { "" };
    Some(Diagnostic::new(
        Code::CodeSyntax,
        file,
        Some(file.span(start..end)),
        format!("{language} syntax error{guessed}: {}", error.message),
    ))
}
