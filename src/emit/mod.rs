//! Emitters: each output is one module that reads the parsed and rendered
//! model and writes into a folder it is given (a staging folder; see
//! [`crate::write`]). Every emitter is an [`Emitter`]: files that belong to
//! no bank are written once per build, each bank's own files separately
//! (in parallel, and only for banks that changed; see
//! [`crate::fingerprint`]).

pub mod anki;
pub mod print;
pub mod site;

use std::path::Path;

use anyhow::Context;

use crate::config::Config;
use crate::model::Bank;
use crate::render::outputs::Output;
use crate::render::RenderedBank;
use crate::theme::Theme;

/// What every emitter reads.
pub struct EmitInput<'a> {
    pub config: &'a Config,
    /// The project folder; outputs name files relative to it.
    pub root: &'a std::path::Path,
    /// Every bank of the build (also those not emitted again).
    pub banks: &'a [Bank],
    pub theme: &'a Theme,
}

/// One output folder (`site`, `anki`, `print`).
pub trait Emitter: Sync {
    /// The folder's name under `output/`.
    fn name(&self) -> &'static str;

    /// Whose HTML it places ([`crate::render::outputs`]).
    fn output(&self) -> Output;

    /// What every bank's files depend on besides the bank itself; when it
    /// changes, every bank is emitted again. Empty when nothing does.
    fn layout(&self) -> String {
        String::new()
    }

    /// Writes the files that belong to no bank (index, stylesheets, fonts)
    /// into `out`; returns their paths relative to `out`.
    fn write_shared(&self, out: &Path) -> anyhow::Result<Vec<String>>;

    /// Writes one bank's files into `out`; returns their paths relative to
    /// `out`. Called from several threads at once for different banks.
    fn write_bank(&self, bank: &Bank, html: &RenderedBank, out: &Path) -> anyhow::Result<Vec<String>>;
}

/// Copies a bank's images into `out/media/` under their content-hashed
/// names; returns their paths relative to `out`. Banks that share an image
/// may copy it at the same time: each copy goes to its own temporary file
/// and is renamed into place.
pub(crate) fn copy_media(bank: &Bank, html: &RenderedBank, out: &Path) -> anyhow::Result<Vec<String>> {
    let mut written = Vec::new();
    for (source, name) in &html.media {
        let target = out.join("media").join(name);
        if !target.is_file() {
            let temporary = out.join("media").join(format!(".{name}.{}", bank.id));
            std::fs::create_dir_all(out.join("media"))?;
            std::fs::copy(source, &temporary).with_context(|| format!("cannot copy {}", source.display()))?;
            std::fs::rename(&temporary, &target).with_context(|| format!("cannot write {}", target.display()))?;
        }
        written.push(format!("media/{name}"));
    }
    Ok(written)
}

/// Tera hides the cause of an error in its source chain.
pub(crate) fn tera_error(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    message
}

/// Writes a file, creating its folder.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// The theme's templates `templates/<folder>/<name>`, registered by name.
pub(crate) fn load_templates(theme: &Theme, folder: &str, names: &[&str]) -> anyhow::Result<tera::Tera> {
    let mut sources = Vec::new();
    for name in names {
        let path = format!("templates/{folder}/{name}");
        let bytes = theme.file(&path).with_context(|| format!("theme has no {path}"))?;
        sources.push((name.to_string(), String::from_utf8_lossy(&bytes).into_owned()));
    }
    let mut tera = tera::Tera::default();
    tera.add_raw_templates(sources).with_context(|| format!("invalid {folder} template"))?;
    Ok(tera)
}

/// Banks built by hand for emitter tests: the parser is not needed to
/// produce every kind of question the model has.
#[cfg(test)]
pub(crate) mod tests {
    use std::path::PathBuf;

    use crate::model::{Bank, Kind, Question, Rich, Style, Topic};
    use crate::render::{RenderedBank, RenderedQuestion};

    fn rich(markdown: &str) -> Rich {
        Rich { markdown: markdown.into(), plain: markdown.into(), ..Rich::default() }
    }

    /// A question whose fragments render to `<p>{text}</p>`.
    pub fn question(id: &str, kind: Kind, prompt: &str, answer: &str) -> (Question, RenderedQuestion) {
        let question = Question {
            id: id.into(),
            explicit_id: false,
            number: 1,
            slug: id.into(),
            prompt: rich(prompt),
            context: Rich::default(),
            kind,
            answer: rich(answer),
            details: Rich::default(),
            tags: Vec::new(),
            deck: None,
            difficulty: None,
            inferred: false,
            span: crate::source::Span::default(),
        };
        let html = RenderedQuestion {
            prompt: format!("<p>{prompt}</p>"),
            context: String::new(),
            choices: Vec::new(),
            answer: format!("<p>{answer}</p>"),
            details: String::new(),
        };
        (question, html)
    }

    /// A bank `cells` of `questions`, in one topic with a heading.
    pub fn bank(questions: Vec<(Question, RenderedQuestion)>) -> (Bank, RenderedBank) {
        let (questions, html): (Vec<Question>, Vec<RenderedQuestion>) = questions.into_iter().unzip();
        let topic = Topic { title: "Cells".into(), slug: "cells".into(), line: Some(1), questions };
        let bank = Bank {
            id: "cells".into(),
            title: "Cells".into(),
            source_path: PathBuf::from("cells.md"),
            deck_name: "Biology".into(),
            tags: Vec::new(),
            default_language: None,
            style: Style::Marker,
            reading: String::new(),
            intro: Rich::default(),
            topics: vec![topic],
        };
        (bank, RenderedBank { intro: String::new(), questions: html, media: Vec::new() })
    }
}
