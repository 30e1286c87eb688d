//! Emitters: each output is one module that reads the parsed and rendered
//! model and writes into a folder it is given (a staging folder; see
//! [`crate::write`]).

pub mod anki;
pub mod print;
pub mod site;

use std::path::Path;

use anyhow::Context;

use crate::config::Config;
use crate::model::Bank;
use crate::render::media::MediaResolver;
use crate::theme::Theme;

/// What every emitter reads.
pub struct EmitInput<'a> {
    pub config: &'a Config,
    /// The project folder; outputs name files relative to it.
    pub root: &'a std::path::Path,
    pub banks: &'a [Bank],
    pub media: &'a MediaResolver,
    pub theme: &'a Theme,
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
