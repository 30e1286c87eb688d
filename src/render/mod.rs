//! Rendering: every rich fragment of a bank's questions → sanitized HTML,
//! once. Emitters read the result and never parse Markdown again.
//!
//! Questions render in parallel (rayon); math and code go through the
//! bank's [`DiskCache`], and KaTeX results validation already
//! produced come from the [`math::KatexMemo`]; images are resolved against
//! the bank's folder and collected as content-hashed media files
//! ([`media`]).

pub mod callout;
pub mod highlight;
pub mod markdown;
pub mod math;
pub mod media;
pub mod outputs;
pub mod wiki;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::cache::DiskCache;
use crate::config::Config;
use crate::katex::KatexMemo;
use crate::model::{Bank, Kind, Question, Rich};
use crate::vault::{Vault, VaultNote};
use markdown::render_markdown;
use media::MediaResolver;

/// How formulas come out: KaTeX HTML (the default), or TeX in `\(...\)` /
/// `\[...\]` for Anki's built-in MathJax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MathOutput {
    Katex,
    Mathjax,
}

/// Everything a fragment needs to render.
pub struct RenderContext<'a> {
    pub math: MathOutput,
    pub cache: &'a DiskCache,
    pub media: &'a MediaResolver,
    pub katex: &'a KatexMemo,
    pub bank_dir: &'a Path,
    pub macros: &'a BTreeMap<String, String>,
    /// The macros as one string, part of every math cache key.
    pub macros_key: String,
    /// The bank as a note of the vault it is in: only there are `[[…]]`
    /// and `![[…]]` wiki links and embeds ([`wiki`]).
    pub vault_note: Option<&'a VaultNote<'a>>,
}

impl<'a> RenderContext<'a> {
    pub fn new(
        cache: &'a DiskCache,
        media: &'a MediaResolver,
        katex: &'a KatexMemo,
        bank_dir: &'a Path,
        macros: &'a BTreeMap<String, String>,
    ) -> Self {
        let macros_key = serde_json::to_string(macros).unwrap_or_default();
        RenderContext { math: MathOutput::Katex, cache, media, katex, bank_dir, macros, macros_key, vault_note: None }
    }

    fn html(&self, rich: &Rich) -> String {
        if rich.is_empty() {
            String::new()
        } else {
            render_markdown(&rich.markdown, &rich.code, self)
        }
    }
}

/// One bank's HTML, questions in the bank's order.
pub struct RenderedBank {
    pub intro: String,
    pub questions: Vec<RenderedQuestion>,
    /// The images the HTML refers to: (source file, name under `media/`).
    pub media: Vec<(PathBuf, String)>,
}

pub struct RenderedQuestion {
    pub prompt: String,
    pub context: String,
    pub choices: Vec<String>,
    pub answer: String,
    pub details: String,
}

/// Where a bank's files are: the content folder, and the vault around it.
pub struct Folders<'a> {
    pub content_dir: &'a Path,
    pub vault: Option<&'a Vault>,
}

/// Renders one bank, its questions in parallel. Images are resolved
/// against the bank's folder and must stay inside the content folder;
/// embeds are found in the vault and must stay inside it.
pub fn render_bank(
    bank: &Bank,
    config: &Config,
    folders: &Folders,
    cache: &DiskCache,
    katex: &KatexMemo,
    math: MathOutput,
) -> RenderedBank {
    // The folder validation checked the bank's images against.
    let media = MediaResolver::new(&crate::load::content_root_of(&bank.source_path, folders.content_dir));
    let bank_dir = bank.source_path.parent().unwrap_or(Path::new(""));
    let vault_note = folders.vault.map(|vault| vault.note(&bank.source_path));
    let mut ctx = RenderContext::new(cache, &media, katex, bank_dir, &config.math.macros);
    ctx.math = math;
    ctx.vault_note = vault_note.as_ref();
    let questions: Vec<&Question> = bank.questions().collect();
    let intro = ctx.html(&bank.intro);
    let questions = questions.par_iter().map(|q| render_question(q, &ctx)).collect();
    RenderedBank { intro, questions, media: media.files() }
}

fn render_question(question: &Question, ctx: &RenderContext) -> RenderedQuestion {
    let choices = match &question.kind {
        Kind::MultipleChoice { choices, .. } => choices.iter().map(|c| ctx.html(c)).collect(),
        _ => Vec::new(),
    };
    RenderedQuestion {
        prompt: ctx.html(&question.prompt),
        context: ctx.html(&question.context),
        choices,
        answer: ctx.html(&question.answer),
        details: ctx.html(&question.details),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn context() -> (DiskCache, MediaResolver, KatexMemo) {
        (DiskCache::default(), MediaResolver::new(Path::new(".")), KatexMemo::default())
    }
}
