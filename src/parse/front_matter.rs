//! Front matter: TOML between `+++` lines (Zola style) or YAML between
//! `---` lines (Obsidian style) at the very top of a bank.

use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Style;
use crate::source::SourceFile;

/// The keys a bank may set. Unknown keys are ignored: Obsidian and other
/// tools keep their own keys here.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct FrontMatter {
    /// Bank title. Default: the first `#` heading, else the file name.
    pub title: Option<String>,
    /// Anki deck name. Default: the title.
    pub deck: Option<String>,
    /// Tags added to every question. Default: none.
    pub tags: Tags,
    /// Language of unlabeled code blocks. Default: `[code] default_language`.
    pub language: Option<String>,
    /// Forces a question style. Default: detected.
    pub style: Option<String>,
    /// Bank id, used in question ids. Default: the file's path.
    pub id: Option<String>,
}

/// A list of tags, or one string of tags separated by commas or spaces.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(from = "TagsRepr")]
pub struct Tags(pub Vec<String>);

#[derive(Deserialize)]
#[serde(untagged)]
enum TagsRepr {
    List(Vec<String>),
    Text(String),
}

impl From<TagsRepr> for Tags {
    fn from(repr: TagsRepr) -> Self {
        let list = match repr {
            TagsRepr::List(list) => list,
            TagsRepr::Text(text) => text.split([',', ' ']).map(str::to_string).collect(),
        };
        Tags(list.iter().map(|t| t.trim().trim_start_matches('#').to_string()).filter(|t| !t.is_empty()).collect())
    }
}

/// The front matter and the byte offset where the Markdown body starts.
pub struct Split {
    pub front: FrontMatter,
    pub style: Option<Style>,
    pub body_start: usize,
}

/// Finds and parses front matter. Invalid front matter is an error
/// diagnostic; the body is still parsed, with defaults.
pub fn split_front_matter(file: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> Split {
    let text = &file.text;
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut split = Split { front: FrontMatter::default(), style: None, body_start: bom };
    let Some((delimiter, is_toml)) =
        ["+++", "---"].into_iter().zip([true, false]).find(|(d, _)| first_line(&text[bom..]) == *d)
    else {
        return split;
    };
    let inner_start = bom + text[bom..].find('\n').map_or(text.len() - bom, |i| i + 1);
    let Some((inner_end, body_start)) = closing_line(text, inner_start, delimiter) else {
        // A lone `---` at the top is a thematic break, not front matter.
        return split;
    };
    split.body_start = body_start;
    let inner = &text[inner_start..inner_end];
    let parsed: Result<FrontMatter, String> = if is_toml {
        toml::from_str(inner).map_err(|e| e.message().to_string())
    } else if inner.trim().is_empty() {
        Ok(FrontMatter::default())
    } else {
        serde_norway::from_str(inner).map_err(|e| e.to_string())
    };
    match parsed {
        Ok(front) => split.front = front,
        Err(message) => {
            let span = Some(file.span(inner_start..inner_end));
            diagnostics.push(Diagnostic::new(
                Code::FrontMatter,
                file,
                span,
                format!("invalid front matter: {message}"),
            ));
        }
    }
    if let Some(name) = &split.front.style {
        split.style = Style::from_name(name);
        if split.style.is_none() {
            let span = Some(file.span(inner_start..inner_end));
            diagnostics.push(Diagnostic::new(
                Code::FrontMatter,
                file,
                span,
                format!("unknown style `{name}`; expected marker, heading, bold, details or qa"),
            ));
        }
    }
    split
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim_end()
}

/// Finds the closing delimiter line; returns (end of the inner text, start
/// of the body).
fn closing_line(text: &str, from: usize, delimiter: &str) -> Option<(usize, usize)> {
    let mut offset = from;
    for line in text[from..].split_inclusive('\n') {
        if line.trim_end() == delimiter {
            return Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> (Split, Vec<Diagnostic>) {
        let file = SourceFile::new("a.md", text.to_string());
        let mut diagnostics = Vec::new();
        (split_front_matter(&file, &mut diagnostics), diagnostics)
    }

    fn body(text: &str) -> &str {
        &text[split(text).0.body_start..]
    }

    #[test]
    fn toml_front_matter() {
        let (s, d) = split("+++\ntitle = \"T\"\ntags = [\"a\", \"#b\"]\nstyle = \"qa\"\n+++\nBody");
        assert!(d.is_empty());
        assert_eq!(s.front.title.as_deref(), Some("T"));
        assert_eq!(s.front.tags.0, ["a", "b"]);
        assert_eq!(s.style, Some(Style::Qa));
        assert_eq!(body("+++\ntitle = \"T\"\n+++\nBody"), "Body");
    }

    #[test]
    fn yaml_front_matter_with_string_tags() {
        let (s, d) = split("---\ntitle: T\ntags: x, y\naliases: [z]\n---\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.front.tags.0, ["x", "y"]);
    }

    #[test]
    fn invalid_front_matter_is_reported_and_body_kept() {
        let (s, d) = split("+++\ntitle = \n+++\nBody");
        assert_eq!(d[0].code, Code::FrontMatter);
        assert_eq!(d[0].line(), 2);
        assert_eq!(&"+++\ntitle = \n+++\nBody"[s.body_start..], "Body");
    }

    #[test]
    fn no_front_matter() {
        let (s, d) = split("---\n\ntext");
        assert!(d.is_empty());
        assert_eq!(s.body_start, 0);
    }
}
