//! Front matter: TOML between `+++` lines (Zola style) or YAML between
//! `---` lines (Obsidian style) at the very top of a bank.
//!
//! Real front matter is written for other tools too (Obsidian's
//! `aliases:`, `date:`, empty `tags:`), so it is read leniently:
//! 1. the text is parsed as a generic TOML/YAML mapping; only text that
//!    does not parse is an error (`front-matter`), and then the body is
//!    still compiled with defaults;
//! 2. each known key is taken from the mapping on its own: an empty or
//!    mistyped value is a warning (`front-matter-value`) and the default;
//! 3. unknown keys are ignored, with one note per file naming them
//!    (`unknown-front-matter-key`);
//! 4. the bank `id` must be a safe file name: outputs are named after it.
//!    An id that is not (`/abs/dir/v`, `../x`) is turned into one
//!    ([`safe_bank_id`]) with a `front-matter-value` warning.

use serde_json::{Map, Value};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Style;
use crate::source::{SourceFile, Span};

/// The keys a bank may set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// Bank title. Default: the first `#` heading, else the file name.
    pub title: Option<String>,
    /// Anki deck name. Default: the title.
    pub deck: Option<String>,
    /// Tags added to every question (a list, or one string of tags
    /// separated by commas or spaces; a leading `#` is dropped). Default: none.
    pub tags: Tags,
    /// Language of unlabeled code blocks. Default: `[code] default_language`.
    pub language: Option<String>,
    /// Forces a question style. Default: detected.
    pub style: Option<String>,
    /// Bank id, used in question ids and output file names. Default: the
    /// file's path under the content folder, slugified.
    pub id: Option<String>,
    /// flashcards-obsidian's deck key: the deck when `deck` is not set, and
    /// the sign that the note's `::` lines are cards. Default: none.
    pub cards_deck: Option<String>,
}

const KNOWN_KEYS: [&str; 7] = ["title", "deck", "tags", "language", "style", "id", "cards-deck"];

/// The longest bank id kept as written: file names have limits too.
const MAX_ID_LEN: usize = 100;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags(pub Vec<String>);

impl Tags {
    fn from_text<'a>(parts: impl Iterator<Item = &'a str>) -> Tags {
        let tags = parts.flat_map(|p| p.split([',', ' '])).map(|t| t.trim().trim_start_matches('#'));
        Tags(tags.filter(|t| !t.is_empty()).map(str::to_string).collect())
    }
}

/// The front matter and the byte offset where the Markdown body starts.
pub struct Split {
    pub front: FrontMatter,
    pub style: Option<Style>,
    pub body_start: usize,
}

/// Finds and reads front matter (see the module doc for what is an error,
/// a warning or a note). The body is always parsed.
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
    let inner = &text[inner_start..inner_end];
    let span = file.span(inner_start..inner_end);
    let mapping = match parse_mapping(inner, is_toml) {
        Ok(Some(mapping)) => mapping,
        // YAML that is not a mapping (`---`, a line of text, `---`) is a
        // thematic break and a setext heading, not front matter.
        Ok(None) => return split,
        Err(message) => {
            split.body_start = body_start;
            diagnostics.push(Diagnostic::new(
                Code::FrontMatter,
                file,
                Some(span),
                format!("invalid front matter: {message}"),
            ));
            return split;
        }
    };
    split.body_start = body_start;
    let mut reader = KeyReader { file, span, diagnostics };
    split.front = reader.read(&mapping);
    if let Some(name) = &split.front.style {
        split.style = Style::from_name(name);
        if split.style.is_none() {
            reader.warn(format!(
                "unknown style `{name}`; expected marker, heading, bold, details, qa or cards; detecting it"
            ));
        }
    }
    split
}

/// The front matter as a generic mapping; `Ok(None)` when it is YAML
/// but not a mapping.
fn parse_mapping(inner: &str, is_toml: bool) -> Result<Option<Map<String, Value>>, String> {
    if is_toml {
        let table: toml::Table = toml::from_str(inner).map_err(|e| e.message().to_string())?;
        let Value::Object(map) = toml_to_json(toml::Value::Table(table)) else { unreachable!("a table") };
        return Ok(Some(map));
    }
    if inner.trim().is_empty() {
        return Ok(Some(Map::new()));
    }
    match serde_norway::from_str::<Value>(inner).map_err(|e| e.to_string())? {
        Value::Object(map) => Ok(Some(map)),
        Value::Null => Ok(Some(Map::new())),
        _ => Ok(None),
    }
}

/// TOML values as JSON ones; dates become their text.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(table.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

/// Reads the known keys one by one, reporting what it cannot use.
struct KeyReader<'a> {
    file: &'a SourceFile,
    span: Span,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl KeyReader<'_> {
    fn read(&mut self, mapping: &Map<String, Value>) -> FrontMatter {
        let unknown: Vec<&str> = mapping.keys().map(String::as_str).filter(|k| !KNOWN_KEYS.contains(k)).collect();
        if !unknown.is_empty() {
            self.diagnostics.push(Diagnostic::new(
                Code::UnknownFrontMatterKey,
                self.file,
                Some(self.span),
                format!("front matter keys studymark does not use are ignored: {}", unknown.join(", ")),
            ));
        }
        let id = self.text(mapping, "id").map(|id| self.safe_id(id));
        FrontMatter {
            title: self.text(mapping, "title"),
            deck: self.text(mapping, "deck"),
            tags: self.tags(mapping),
            language: self.text(mapping, "language"),
            style: self.text(mapping, "style"),
            id,
            cards_deck: self.text(mapping, "cards-deck"),
        }
    }

    /// A key whose value is text (numbers and dates are taken as text).
    fn text(&mut self, mapping: &Map<String, Value>, key: &str) -> Option<String> {
        let text = match mapping.get(key)? {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
            other => {
                self.warn(format!("`{key}` should be text, not {}; using the default", kind_of(other)));
                return None;
            }
        };
        if text.is_empty() {
            self.warn(format!("`{key}` is empty; using the default"));
            return None;
        }
        Some(text)
    }

    fn tags(&mut self, mapping: &Map<String, Value>) -> Tags {
        match mapping.get("tags") {
            None => Tags::default(),
            Some(Value::Array(items)) => {
                let texts: Vec<String> = items
                    .iter()
                    .filter_map(|item| match item {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect();
                if texts.len() < items.len() {
                    self.warn("`tags` holds values that are not text; they are ignored".to_string());
                }
                Tags::from_text(texts.iter().map(String::as_str))
            }
            Some(Value::String(s)) => Tags::from_text(std::iter::once(s.as_str())),
            Some(Value::Null) => {
                self.warn("`tags` is empty; the bank has no tags of its own".to_string());
                Tags::default()
            }
            Some(other) => {
                self.warn(format!("`tags` should be a list or text, not {}; ignored", kind_of(other)));
                Tags::default()
            }
        }
    }

    fn safe_id(&mut self, id: String) -> String {
        let safe = safe_bank_id(&id);
        if safe != id {
            self.warn(format!("bank id `{id}` is not a safe file name (outputs are named after it); using `{safe}`"));
        }
        safe
    }

    fn warn(&mut self, message: String) {
        self.diagnostics.push(Diagnostic::new(Code::FrontMatterValue, self.file, Some(self.span), message));
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
        _ => "this value",
    }
}

/// `id` as a file name: kept when it is one already (ASCII letters,
/// digits, `-`, `_`, `.`, not starting with `.`, at most
/// [`MAX_ID_LEN`] bytes), else slugified and cut to that length.
pub fn safe_bank_id(id: &str) -> String {
    let is_safe = |id: &str| {
        !id.is_empty()
            && id.len() <= MAX_ID_LEN
            && !id.starts_with('.')
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    if is_safe(id) {
        return id.to_string();
    }
    let slug = crate::parse::slugify(id);
    let mut end = slug.len().min(MAX_ID_LEN);
    while !slug.is_char_boundary(end) {
        end -= 1;
    }
    slug[..end].trim_end_matches('-').to_string()
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
        let (s, d) = split("---\ntitle: T\ntags: x, y\n---\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.front.tags.0, ["x", "y"]);
    }

    fn codes(d: &[Diagnostic]) -> Vec<&str> {
        d.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn obsidian_front_matter_is_read_leniently() {
        let text =
            "---\ntitle: T\ntags:\naliases:\n  - a\n  - b\ndate: 2024-01-31\ncreated: 2024-01-31T10:00\n---\nBody";
        let (s, d) = split(text);
        assert_eq!(codes(&d), ["unknown-front-matter-key", "front-matter-value"], "{d:?}");
        assert!(d[0].message.contains("aliases, created, date"), "{}", d[0].message);
        assert_eq!(d[0].severity, crate::diagnostic::Severity::Info);
        assert!(d[1].message.contains("`tags` is empty"), "{}", d[1].message);
        assert_eq!(s.front.title.as_deref(), Some("T"));
        assert!(s.front.tags.0.is_empty());
        assert_eq!(&text[s.body_start..], "Body");
    }

    #[test]
    fn mistyped_known_keys_are_warnings_and_defaults() {
        let (s, d) =
            split("+++\ntitle = [\"a\"]\ndeck = \"\"\nlanguage = 3\ndate = 2024-01-31\ntags = [\"x\", 1, true]\n+++\n");
        assert_eq!(
            codes(&d),
            ["unknown-front-matter-key", "front-matter-value", "front-matter-value", "front-matter-value"],
            "{d:?}"
        );
        assert_eq!((s.front.title, s.front.deck), (None, None));
        assert_eq!(s.front.language.as_deref(), Some("3"));
        assert_eq!(s.front.tags.0, ["x", "1"]);
        assert!(d.iter().all(|d| d.line() == 2));
    }

    #[test]
    fn unsafe_bank_ids_become_file_names() {
        for (id, safe) in [
            ("/any/absolute/dir/v", "any-absolute-dir-v"),
            ("../../../escape/x", "escape-x"),
            ("a/b", "a-b"),
            ("..", "untitled"),
            (".hidden", "hidden"),
            ("C:\\x", "c-x"),
            ("ok_id-1.2", "ok_id-1.2"),
            ("Mixed-Case", "Mixed-Case"),
        ] {
            assert_eq!(safe_bank_id(id), safe, "{id}");
        }
        assert_eq!(safe_bank_id(&"é".repeat(300)).len(), 100);
        let (s, d) = split("+++\nid = \"/etc/v\"\n+++\n");
        assert_eq!(s.front.id.as_deref(), Some("etc-v"));
        assert_eq!(codes(&d), ["front-matter-value"]);
    }

    #[test]
    fn yaml_that_is_no_mapping_is_a_thematic_break() {
        let (s, d) = split("---\nJust a line\n---\nBody");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.body_start, 0);
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
