//! `studymark.toml`: project settings. Every key is optional; a missing file
//! means all defaults. Unknown keys are reported (`unknown-config-key`), not
//! fatal, so a config written for a newer studymark still loads.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceFile;

pub const CONFIG_FILE: &str = "studymark.toml";

/// The whole configuration. Defaults are given per field.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct Config {
    /// Site title. Default: `"studymark"`.
    pub title: Option<String>,
    /// URL the site is served under. Default: `"/"`.
    pub base_url: String,
    /// Where the banks are, relative to the project. Default: `"content"`.
    pub content_dir: PathBuf,
    /// Where builds go, relative to the project. Default: `"output"`.
    pub output_dir: PathBuf,
    /// A theme folder that overrides the embedded default file by file.
    /// Default: none.
    pub theme: Option<PathBuf>,
    pub code: CodeConfig,
    pub math: MathConfig,
    pub anki: AnkiConfig,
    pub print: PrintConfig,
    pub site: SiteConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: None,
            base_url: "/".into(),
            content_dir: "content".into(),
            output_dir: "output".into(),
            theme: None,
            code: CodeConfig::default(),
            math: MathConfig::default(),
            anki: AnkiConfig::default(),
            print: PrintConfig::default(),
            site: SiteConfig::default(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct CodeConfig {
    /// Language of unlabeled code blocks when the bank's front matter sets
    /// none. Default: none (a heuristic guesses).
    pub default_language: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct MathConfig {
    /// KaTeX macros, e.g. `"\\RR" = "\\mathbb{R}"`. Default: none.
    pub macros: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct AnkiConfig {
    /// The Anki deck of banks whose front matter names none. Default: each
    /// bank's title.
    pub deck: Option<String>,
    /// `"katex"` (rendered HTML) or `"mathjax"` (Anki's own). Default: `"katex"`.
    pub math: MathEngine,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MathEngine {
    #[default]
    Katex,
    Mathjax,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct PrintConfig {
    /// `"A4"` or `"Letter"`. Default: `"A4"`.
    pub paper: Paper,
    /// `"end"`, `"inline"` or `"none"`. Default: `"end"`.
    pub answers: AnswerPlacement,
    /// Ruled lines of answer space per worksheet question. Default: 4.
    pub answer_lines: u32,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig { paper: Paper::A4, answers: AnswerPlacement::End, answer_lines: 4 }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AnswerPlacement {
    #[default]
    End,
    Inline,
    None,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct SiteConfig {
    /// Client-side full-text search. Default: `true`.
    pub search: bool,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig { search: true }
    }
}

/// Keys each table accepts; anything else is an `unknown-config-key`.
const KNOWN_KEYS: &[(&str, &[&str])] = &[
    ("", &["title", "base_url", "content_dir", "output_dir", "theme", "code", "math", "anki", "print", "site"]),
    ("code", &["default_language"]),
    ("math", &["macros"]),
    ("anki", &["deck", "math"]),
    ("print", &["paper", "answers", "answer_lines"]),
    ("site", &["search"]),
];

/// Reads `studymark.toml` from `root` if it exists. Returns the config
/// (defaults where the file is missing or invalid), the loaded file (for
/// diagnostics' snippets) and the diagnostics.
pub fn load_config(root: &Path) -> std::io::Result<(Config, Option<SourceFile>, Vec<Diagnostic>)> {
    let path = root.join(CONFIG_FILE);
    if !path.is_file() {
        return Ok((Config::default(), None, Vec::new()));
    }
    let text = std::fs::read_to_string(&path)?;
    let file = SourceFile::new(path, text);
    let (config, diagnostics) = parse_config(&file);
    Ok((config, Some(file), diagnostics))
}

/// Parses the text of a config file.
pub fn parse_config(file: &SourceFile) -> (Config, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let table: toml::Table = match toml::from_str(&file.text) {
        Ok(table) => table,
        Err(err) => {
            let span = err.span().map(|r| file.span(r));
            diagnostics.push(Diagnostic::new(Code::InvalidConfig, file, span, err.message().to_string()));
            return (Config::default(), diagnostics);
        }
    };
    for (section, keys) in KNOWN_KEYS {
        let entries = if section.is_empty() { Some(&table) } else { table.get(*section).and_then(|v| v.as_table()) };
        for key in entries.into_iter().flat_map(|t| t.keys()) {
            if !keys.contains(&key.as_str()) {
                let name = if section.is_empty() { key.clone() } else { format!("{section}.{key}") };
                let span = find_key(&file.text, key).map(|r| file.span(r));
                diagnostics.push(Diagnostic::new(
                    Code::UnknownConfigKey,
                    file,
                    span,
                    format!("unknown key `{name}` in {CONFIG_FILE}; it is ignored"),
                ));
            }
        }
    }
    let config = match Config::deserialize(toml::Value::Table(table)) {
        Ok(config) => config,
        Err(err) => {
            diagnostics.push(Diagnostic::new(Code::InvalidConfig, file, None, err.to_string()));
            Config::default()
        }
    };
    (config, diagnostics)
}

/// The byte range of `key` where it starts a line (`key =`), for snippets.
fn find_key(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                let start = offset + (line.len() - trimmed.len());
                return Some(start..start + key.len());
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
        parse_config(&SourceFile::new("studymark.toml", text.to_string()))
    }

    #[test]
    fn empty_config_is_all_defaults() {
        assert_eq!(parse("").0, Config::default());
    }

    #[test]
    fn unknown_keys_are_warnings_that_name_the_key() {
        let (config, diagnostics) = parse("title = \"T\"\ncolour = 1\n[print]\npaper = \"Letter\"\nsize = 2\n");
        assert_eq!(config.title.as_deref(), Some("T"));
        assert_eq!(config.print.paper, Paper::Letter);
        let found: Vec<_> = diagnostics.iter().map(|d| (d.code, d.message.clone(), d.line())).collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, Code::UnknownConfigKey);
        assert!(found[0].1.contains("`colour`"));
        assert_eq!(found[0].2, 2);
        assert!(found[1].1.contains("`print.size`"));
        assert_eq!(found[1].2, 5);
    }

    #[test]
    fn wrong_types_are_invalid_config_not_a_crash() {
        let (config, diagnostics) = parse("[print]\npaper = \"A5\"\n");
        assert_eq!(config, Config::default());
        assert_eq!(diagnostics[0].code, Code::InvalidConfig);
    }
}
