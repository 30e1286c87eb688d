//! The Anki output: one `.apkg` per bank in `output/anki/`.
//!
//! In order: build the note type CSS (the card CSS, KaTeX's CSS with its
//! fonts renamed `_KaTeX_*.woff2` so Anki's media check keeps them, the
//! highlight CSS with a `.nightMode` variant); stage the fonts once as
//! media. Then per bank (banks in parallel): turn every question into a
//! note of the Basic, Multiple choice, Cloze or Basic (and reversed) type
//! ([`note_types`]) in the deck the author chose for it, else the bank's
//! deck or its topic's subdeck (`Bank::Topic`), with a GUID from the
//! question id and the modification time recorded in `studymark.lock`;
//! stage its images under content-hashed names; write the package
//! ([`package`], the only user of genanki-rs).

mod note_types;
mod package;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result};

use super::{EmitInput, Emitter};
use crate::config::MathEngine;
use crate::lock::IdLock;
use crate::model::{Bank, Kind, Question, Topic};
use crate::render::highlight::{anki_highlight_css, escape};
use crate::render::outputs::Output;
use crate::render::{RenderedBank, RenderedQuestion};
pub use note_types::{note_type_hashes, CLOZE_ID, MULTIPLE_CHOICE_ID};
use note_types::{BASIC, CLOZE, MULTIPLE_CHOICE, REVERSIBLE};
use package::{write_package, NoteSpec, NoteTypeSet, Template};

/// The stylesheet every note type carries after the card CSS: KaTeX's,
/// the highlight colours and the theme's callouts.
pub fn anki_css(input: &EmitInput) -> String {
    let file = |path| input.theme.file(path).map(|b| String::from_utf8_lossy(&b).into_owned());
    let katex = file("static/katex/katex.min.css").map(|css| katex_css_for_anki(&css)).unwrap_or_default();
    format!("{katex}\n{}\n{}", anki_highlight_css(), file("static/callout.css").unwrap_or_default())
}

/// The decks: the note types and KaTeX fonts are prepared once; each bank
/// is one package.
pub struct AnkiEmitter<'a> {
    input: &'a EmitInput<'a>,
    lock: &'a IdLock,
    note_types: NoteTypeSet,
    /// Written by [`Emitter::write_shared`], before any bank.
    template: OnceLock<Template>,
    /// Temporary files, inside the staging folder.
    scratch: PathBuf,
}

impl<'a> AnkiEmitter<'a> {
    pub fn new(input: &'a EmitInput<'a>, lock: &'a IdLock, scratch: &Path) -> AnkiEmitter<'a> {
        let css = anki_css(input);
        let mods = note_type_hashes(&css).iter().map(|(id, _)| (*id, lock.note_type_changed(*id))).collect();
        // genanki-rs gets the note types without their stylesheet, which
        // post-processing puts in (see `NoteTypeSet`).
        let note_types = NoteTypeSet {
            models: note_types::note_types(""),
            field_counts: note_types::field_counts(),
            css: note_types::stylesheet(&css),
            mods,
        };
        AnkiEmitter { input, lock, note_types, template: OnceLock::new(), scratch: scratch.to_path_buf() }
    }

    fn fonts_dir(&self) -> PathBuf {
        self.scratch.join("fonts")
    }
}

impl Emitter for AnkiEmitter<'_> {
    fn name(&self) -> &'static str {
        "anki"
    }

    fn output(&self) -> Output {
        Output::Anki
    }

    /// Every package carries the note types with their modification times.
    fn layout(&self) -> String {
        format!("{:?}", self.note_types.mods)
    }

    /// Has genanki-rs write the template collection and stages the KaTeX
    /// fonts every package carries (none for MathJax).
    fn write_shared(&self, out: &Path) -> Result<Vec<String>> {
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        let template = Template::new(&self.note_types, &self.scratch)?;
        let _ = self.template.set(template);
        if self.input.config.anki.math == MathEngine::Katex {
            stage_fonts(self.input, &self.fonts_dir())?;
        }
        Ok(Vec::new())
    }

    fn write_bank(&self, bank: &Bank, html: &RenderedBank, out: &Path) -> Result<Vec<String>> {
        let scratch = self.scratch.join(&bank.id);
        std::fs::create_dir_all(&scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
        let notes = bank_notes(bank, self.input.root, html, self.lock);
        let mut media = fonts_in(&self.fonts_dir())?;
        media.extend(stage_images(html, &scratch)?);
        let name = format!("{}.apkg", bank.id);
        let template = self.template.get().ok_or_else(|| anyhow::anyhow!("write_shared was not called"))?;
        write_package(&out.join(&name), template, &self.note_types, &notes, &media, &scratch)?;
        std::fs::remove_dir_all(&scratch).with_context(|| format!("cannot remove {}", scratch.display()))?;
        Ok(vec![name])
    }
}

fn bank_notes(bank: &Bank, root: &Path, html: &RenderedBank, lock: &IdLock) -> Vec<NoteSpec> {
    let source_label = relative_path(&bank.source_path, root);
    let changes = lock.changes(&bank.id);
    let mut rendered = html.questions.iter();
    let mut notes = Vec::new();
    for topic in &bank.topics {
        for (question, html) in topic.questions.iter().zip(rendered.by_ref()) {
            let modified = changes.get(question.id.as_str()).copied().unwrap_or(0);
            notes.push(note(bank, &source_label, topic, question, html, modified));
        }
    }
    notes
}

fn note(
    bank: &Bank,
    source_label: &str,
    topic: &Topic,
    question: &Question,
    html: &RenderedQuestion,
    modified: i64,
) -> NoteSpec {
    let front = format!("{}{}", html.prompt, html.context);
    let back = format!("{}{}", html.answer, html.details);
    let source = escape(&format!("{} · {}:{}", bank.title, source_label, question.span.line));
    let (note_type, fields) = match &question.kind {
        Kind::Open | Kind::Reversible => {
            let note_type = if question.kind == Kind::Reversible { REVERSIBLE } else { BASIC };
            (note_type, vec![front, html.answer.clone(), html.details.clone(), source])
        }
        Kind::MultipleChoice { correct, .. } => {
            let choices: String = html
                .choices
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let class = if correct.contains(&i) { " class=\"correct\"" } else { "" };
                    format!("<li{class}>{c}</li>")
                })
                .collect();
            let key = question.kind.key_label();
            (MULTIPLE_CHOICE, vec![front, format!("<ol class=\"mc-choices\">{choices}</ol>"), key, back, source])
        }
        Kind::Cloze => (CLOZE, vec![front, back, source]),
    };
    let deck = match (&question.deck, topic.line) {
        (Some(deck), _) => deck.clone(),
        (None, Some(_)) => format!("{}::{}", bank.deck_name, topic.title),
        (None, None) => bank.deck_name.clone(),
    };
    NoteSpec {
        guid: format!("studymark-{}-{}", bank.id, question.id),
        note_type,
        fields,
        tags: tags(question, topic),
        deck,
        modified,
    }
}

/// The question's tags (spaces become `-`, Anki splits tags on spaces) and
/// hierarchical ones for topic and difficulty.
fn tags(question: &Question, topic: &Topic) -> Vec<String> {
    let mut tags: Vec<String> = question.tags.iter().map(|t| t.replace(char::is_whitespace, "-")).collect();
    tags.push(format!("studymark::topic::{}", topic.slug));
    if let Some(difficulty) = question.difficulty {
        tags.push(format!("studymark::difficulty::{difficulty:?}").to_lowercase());
    }
    tags
}

/// The bank's path relative to the project (`content/x.md`), so decks do
/// not depend on where the project is checked out.
fn relative_path(path: &Path, root: &Path) -> String {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let path = canonical(path);
    let relative = path.strip_prefix(canonical(root)).ok().map(Path::to_path_buf);
    relative.or_else(|| path.file_name().map(PathBuf::from)).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Points KaTeX's font URLs at `_KaTeX_*.woff2` media files and drops the
/// woff/ttf fallbacks (every Anki client reads woff2).
fn katex_css_for_anki(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find(",url(fonts/") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find(')').map_or(after.len(), |i| i + 1);
        let format_end = after[end..]
            .find(')')
            .map(|i| end + i + 1)
            .filter(|_| after[end..].starts_with(" format(") || after[end..].starts_with("format("));
        rest = &after[format_end.unwrap_or(end)..];
    }
    out.push_str(rest);
    out.replace("url(fonts/", "url(_")
}

fn stage_fonts(input: &EmitInput, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (path, bytes) in input.theme.files_under("static/katex/fonts") {
        let name = path.rsplit('/').next().unwrap_or_default();
        if name.ends_with(".woff2") {
            super::write(&dir.join(format!("_{name}")), &bytes)?;
        }
    }
    Ok(())
}

/// The staged fonts, in name order (none when the folder is absent).
fn fonts_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(Vec::new()) };
    let mut fonts: Vec<PathBuf> = entries.map(|e| e.map(|e| e.path())).collect::<std::io::Result<_>>()?;
    fonts.sort();
    Ok(fonts)
}

/// Copies the images the bank's notes show under their content-hashed
/// names (Anki's media folder is flat).
fn stage_images(html: &RenderedBank, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut images = Vec::new();
    for (source, name) in &html.media {
        let target = dir.join(name);
        std::fs::copy(source, &target).with_context(|| format!("cannot copy {}", source.display()))?;
        images.push(target);
    }
    Ok(images)
}

#[cfg(test)]
mod tests;
