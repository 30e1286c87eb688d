//! `studymark init [DIR]`: scaffolds a project with a `studymark.toml` that
//! lists every key with its default, and a small example bank. Existing
//! files are never overwritten.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

const CONFIG: &str = r#"# studymark project settings. Every key is optional; the values below are
# the defaults. See docs/configuration.md for what each one does.

# Site title.
# title = "studymark"
# URL the site is served under.
# base_url = "/"
# Where the question banks are.
# content_dir = "content"
# Where builds go (studymark writes nowhere else, except studymark.lock).
# output_dir = "output"
# A folder whose files replace the default theme's, one by one.
# theme = "mytheme"

[code]
# Language of unlabeled code blocks (default: guessed).
# default_language = "python"

[math]
# KaTeX macros.
# macros = { "\\RR" = "\\mathbb{R}" }

[anki]
# Deck name (default: each bank's title).
# deck = "My deck"
# "katex" (rendered) or "mathjax" (Anki's own).
# math = "katex"

[print]
# "A4" or "Letter".
# paper = "A4"
# "end" (worksheet + answer key), "inline" or "none".
# answers = "end"
# Ruled lines of answer space per worksheet question.
# answer_lines = 4

[site]
# Client-side search.
# search = true
"#;

const EXAMPLE: &str = r#"+++
title = "Example bank"
tags = ["example"]
+++

## Basics

? What does a marker `?` at the start of a paragraph do?

It starts a question; the next paragraph is its short answer.

Everything after that paragraph is the details: lists, code, math such as
$e^{i\pi} + 1 = 0$.

? Which of these is a prime number?  
(a) 4  
(b) 7  
(c) 9

(b) 7: its only divisors are 1 and itself.

**Difficulty:** Easy

Tags: #numbers
"#;

/// Writes the scaffold into `dir`; returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    let files = [(dir.join("studymark.toml"), CONFIG), (dir.join("content/example.md"), EXAMPLE)];
    if let Some((existing, _)) = files.iter().find(|(path, _)| path.exists()) {
        bail!("{} already exists; studymark init never overwrites files", existing.display());
    }
    for (path, text) in &files {
        std::fs::create_dir_all(path.parent().unwrap_or(dir))
            .with_context(|| format!("cannot create {}", dir.display()))?;
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse_config, Config};
    use crate::source::SourceFile;

    #[test]
    fn scaffold_builds_and_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let written = init(dir.path()).unwrap();
        assert_eq!(written.len(), 2);
        let (config, diagnostics) = parse_config(&SourceFile::new("studymark.toml", CONFIG.to_string()));
        assert_eq!(config, Config::default(), "the scaffold documents the defaults");
        assert!(diagnostics.is_empty());
        let bank = SourceFile::new("example.md", EXAMPLE.to_string());
        let (bank, diagnostics) = crate::parse::parse_bank(&bank, "example", &Config::default(), None);
        assert_eq!(bank.questions().count(), 2);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        std::fs::write(dir.path().join("studymark.toml"), "mine").unwrap();
        assert!(init(dir.path()).unwrap_err().to_string().contains("never overwrites"));
        assert_eq!(std::fs::read_to_string(dir.path().join("studymark.toml")).unwrap(), "mine");
    }
}
