//! The docs are a small book: a short `README.md` and one page per topic
//! under `docs/`. These tests keep the pages that describe code in step
//! with it:
//!
//! - every diagnostic code (the `Code` enum) has a section in
//!   `docs/diagnostics.md` with an example, and a row in its table with
//!   the severity the code is reported with;
//! - every `studymark.toml` key (the fields of `Config`, which
//!   `studymark init` must list too) has a row in `docs/configuration.md`
//!   with its default;
//! - every relative link and image in `README.md` and `docs/*.md` leads to
//!   a file that exists, and every `#anchor` to a heading of its page
//!   (GitHub's slugs);
//! - `README.md` stays within two screens (120 lines).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use studymark::config::{parse_config, Config};
use studymark::diagnostic::{Code, Severity};
use studymark::source::SourceFile;

/// Pages the README links to that another branch writes; a link to one of
/// them may dangle until it lands (once it exists it is checked as usual).
const PENDING: &[&str] = &["docs/architecture.md"];

const README_MAX_LINES: usize = 120;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// A heading: its text (inline code without backticks) and what follows
/// it up to the next heading.
struct Section {
    text: String,
    /// Fenced or indented code blocks in the section (its own, not its
    /// subsections').
    code_blocks: usize,
    /// Paragraph text in the section (its own).
    prose: String,
}

/// A table: the text of the `##` heading above it and its rows, header
/// first, as cell texts.
struct Table {
    under: String,
    rows: Vec<Vec<String>>,
}

struct Page {
    sections: Vec<Section>,
    tables: Vec<Table>,
    /// Link and image destinations, with the line they are on.
    links: Vec<(String, usize)>,
}

fn parse_page(text: &str) -> Page {
    let mut page = Page { sections: Vec::new(), tables: Vec::new(), links: Vec::new() };
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut h2 = String::new();
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut cell: Option<String> = None;
    let mut in_paragraph = false;
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let text_piece = match &event {
            Event::Text(t) | Event::Code(t) => Some(t.to_string()),
            _ => None,
        };
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                let (level, text) = heading.take().expect("heading text");
                if level == HeadingLevel::H2 {
                    h2 = text.clone();
                }
                page.sections.push(Section { text, code_blocks: 0, prose: String::new() });
            }
            Event::Start(Tag::Table(_)) => table = Some(Vec::new()),
            Event::End(TagEnd::Table) => {
                let rows = table.take().expect("table rows");
                page.tables.push(Table { under: h2.clone(), rows });
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                if let Some(rows) = table.as_mut() {
                    rows.push(Vec::new());
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let text = cell.take().expect("cell text");
                if let Some(row) = table.as_mut().and_then(|rows| rows.last_mut()) {
                    row.push(text.trim().to_string());
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                if let Some(section) = page.sections.last_mut() {
                    section.code_blocks += 1;
                }
            }
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) => in_paragraph = false,
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
                page.links.push((dest_url.to_string(), line_of(range.start)));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for attribute in ["href=\"", "src=\""] {
                    for (at, _) in html.match_indices(attribute) {
                        let rest = &html[at + attribute.len()..];
                        let url = &rest[..rest.find('"').unwrap_or(rest.len())];
                        page.links.push((url.to_string(), line_of(range.start)));
                    }
                }
            }
            _ => {}
        }
        if let Some(piece) = text_piece {
            if let Some((_, text)) = heading.as_mut() {
                text.push_str(&piece);
            } else if let Some(text) = cell.as_mut() {
                text.push_str(&piece);
            } else if in_paragraph {
                if let Some(section) = page.sections.last_mut() {
                    section.prose.push_str(&piece);
                }
            }
        }
    }
    page
}

/// GitHub's anchor for a heading: lower case, letters, marks, numbers,
/// `_`, `-` and spaces kept, spaces turned into `-`.
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ') || is_mark(*c))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Combining marks (accents written as a second character) stay in slugs.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Every anchor of a page, with GitHub's `-1`, `-2` for repeated headings.
fn anchors(page: &Page) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut anchors = BTreeSet::new();
    for section in &page.sections {
        let base = slug(&section.text);
        let count = seen.entry(base.clone()).or_insert(0);
        anchors.insert(if *count == 0 { base.clone() } else { format!("{base}-{count}") });
        *count += 1;
    }
    anchors
}

/// `README.md` and every page under `docs/`, relative to the repository.
fn book_pages() -> Vec<String> {
    let mut pages = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .map(|path| format!("docs/{}", path.file_name().unwrap().to_string_lossy()))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

// ---------------------------------------------------------------------------
// Diagnostic codes

/// Every diagnostic code. `Code` has no list of its variants, so they are
/// read from the enum's source text; each is then turned into a real
/// `Code` through its serde name, which also checks `as_str`.
fn all_codes() -> Vec<Code> {
    let file = find_source("pub enum Code {").expect("a file under src/ defines `pub enum Code`");
    let text = std::fs::read_to_string(&file).unwrap();
    let body = &text[text.find("pub enum Code {").unwrap() + "pub enum Code {".len()..];
    let body = &body[..body.find('}').expect("the enum closes")];
    let variants: Vec<&str> = body
        .lines()
        .map(|line| line.split("//").next().unwrap().trim().trim_end_matches(','))
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    assert!(variants.len() >= 20, "read too few variants of Code from {}: {variants:?}", file.display());
    variants
        .into_iter()
        .map(|variant| {
            assert!(variant.chars().all(char::is_alphanumeric), "`{variant}` is not a plain variant");
            let name = kebab_case(variant);
            let code: Code = serde_json::from_value(serde_json::Value::String(name.clone()))
                .unwrap_or_else(|e| panic!("variant {variant} is not the code `{name}`: {e}"));
            assert_eq!(code.as_str(), name, "as_str of {variant}");
            code
        })
        .collect()
}

/// The file under `src/` that contains `needle`.
fn find_source(needle: &str) -> Option<PathBuf> {
    fn walk(dir: &Path, needle: &str) -> Option<PathBuf> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).ok()?.map(|e| e.unwrap().path()).collect();
        entries.sort();
        entries.into_iter().find_map(|path| {
            if path.is_dir() {
                walk(&path, needle)
            } else if path.extension().is_some_and(|e| e == "rs")
                && std::fs::read_to_string(&path).is_ok_and(|text| text.contains(needle))
            {
                Some(path)
            } else {
                None
            }
        })
    }
    walk(&root().join("src"), needle)
}

/// `MathParse` → `math-parse`, as serde's `kebab-case` does.
fn kebab_case(variant: &str) -> String {
    let mut out = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

#[test]
fn every_diagnostic_code_is_documented_with_its_severity_and_an_example() {
    let page = parse_page(&read("docs/diagnostics.md"));
    let table: BTreeMap<&str, &str> = page
        .tables
        .iter()
        .filter(|t| t.rows.first().is_some_and(|header| header.len() >= 2 && header[0] == "code"))
        .flat_map(|t| t.rows.iter().skip(1))
        .map(|row| (row[0].as_str(), row[1].as_str()))
        .collect();
    let mut problems = Vec::new();
    for code in all_codes() {
        let name = code.as_str();
        match table.get(name) {
            None => problems.push(format!("`{name}` has no row in the table of codes")),
            Some(&severity) if severity != severity_word(code.severity()) => problems.push(format!(
                "`{name}` is listed as {severity}, but is reported as {}",
                severity_word(code.severity())
            )),
            Some(_) => {}
        }
        match page.sections.iter().find(|s| s.text == name) {
            None => problems.push(format!("`{name}` has no section (a heading `{name}`)")),
            Some(section) => {
                if section.prose.trim().is_empty() {
                    problems.push(format!("the section of `{name}` says nothing about it"));
                }
                if section.code_blocks == 0 {
                    problems.push(format!("the section of `{name}` has no example (a code block)"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "docs/diagnostics.md:\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// Configuration keys

/// Every key of `studymark.toml` as the docs name it (`title`,
/// `[print] paper`), from the fields of `Config` (its `Debug` form: the
/// field names are the TOML keys, and a nested struct is a table).
fn config_keys() -> BTreeSet<String> {
    let debug = format!("{:#?}", Config::default());
    let mut keys = BTreeSet::new();
    let mut table: Option<String> = None;
    for line in debug.lines() {
        let indent = line.len() - line.trim_start().len();
        let Some((name, value)) = line.trim().split_once(": ") else { continue };
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        match indent {
            4 => {
                let opens_table = value.ends_with('{') && value.starts_with(char::is_uppercase);
                table = opens_table.then(|| name.to_string());
                if !opens_table {
                    keys.insert(name.to_string());
                }
            }
            8 => {
                let table = table.as_ref().unwrap_or_else(|| panic!("`{name}` outside a table in:\n{debug}"));
                keys.insert(format!("[{table}] {name}"));
            }
            _ => {}
        }
    }
    assert!(keys.len() >= 10, "read too few keys from:\n{debug}");
    keys
}

/// The keys `studymark init` writes (commented out), with their values.
fn init_template_keys() -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    studymark::init::init(dir.path()).expect("init writes a project");
    let text = std::fs::read_to_string(dir.path().join("studymark.toml")).unwrap();
    let mut keys = BTreeMap::new();
    let mut table: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            table = Some(name.to_string());
        } else if let Some((key, value)) = line.strip_prefix("# ").and_then(|l| l.split_once(" = ")) {
            if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                let name = match &table {
                    Some(table) => format!("[{table}] {key}"),
                    None => key.to_string(),
                };
                keys.insert(name, value.to_string());
            }
        }
    }
    keys
}

/// True when setting `key` to `value` gives the default configuration.
fn is_default(key: &str, value: &str) -> bool {
    let toml = match key.strip_prefix('[').and_then(|k| k.split_once("] ")) {
        Some((table, key)) => format!("[{table}]\n{key} = {value}\n"),
        None => format!("{key} = {value}\n"),
    };
    let (config, diagnostics) = parse_config(&SourceFile::new("studymark.toml", toml.clone()));
    assert!(diagnostics.is_empty(), "the init template's `{toml}` is not a valid setting: {diagnostics:?}");
    config == Config::default()
}

#[test]
fn every_config_key_is_documented_with_its_default() {
    let keys = config_keys();
    let template = init_template_keys();
    let listed: BTreeSet<String> = template.keys().cloned().collect();
    assert_eq!(keys, listed, "`studymark init` must list every key of Config (left: Config, right: the template)");

    let page = parse_page(&read("docs/configuration.md"));
    let rows: BTreeMap<&str, &str> = page
        .tables
        .iter()
        .filter(|t| t.under == "studymark.toml")
        .flat_map(|t| t.rows.iter().skip(1))
        .filter(|row| row.len() >= 2)
        .map(|row| (row[0].as_str(), row[1].as_str()))
        .collect();
    let mut problems = Vec::new();
    for (key, value) in &template {
        match rows.get(key.as_str()) {
            None => problems.push(format!("`{key}` has no row under the heading studymark.toml")),
            Some(&"") => problems.push(format!("`{key}` has no default")),
            // The template shows the default itself (not an example value):
            // the page must give that value.
            Some(default) if is_default(key, value) && !default.contains(value.as_str()) => {
                problems.push(format!("`{key}`: the default is {value}, the page says {default}"))
            }
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "docs/configuration.md:\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// Links

#[test]
fn every_relative_link_in_the_book_resolves() {
    let pages = book_pages();
    let parsed: BTreeMap<String, Page> = pages.iter().map(|p| (p.clone(), parse_page(&read(p)))).collect();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (page, content) in &parsed {
        let dir = Path::new(page).parent().unwrap_or(Path::new(""));
        for (url, line) in &content.links {
            if url.is_empty() || url.starts_with("//") || url.contains("://") || url.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, anchor) = match url.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (url.as_str(), None),
            };
            let target = if path.is_empty() { page.clone() } else { normalize(&dir.join(path)) };
            if !root().join(&target).exists() {
                if !PENDING.contains(&target.as_str()) {
                    problems.push(format!("{page}:{line}: `{url}`: {target} does not exist"));
                }
                continue;
            }
            let Some(anchor) = anchor else { continue };
            if !target.ends_with(".md") {
                continue;
            }
            let outside;
            let target_page = match parsed.get(&target) {
                Some(p) => p,
                None => {
                    outside = parse_page(&read(&target));
                    &outside
                }
            };
            if !anchors(target_page).contains(anchor) {
                problems.push(format!("{page}:{line}: `{url}`: {target} has no heading with the anchor #{anchor}"));
            }
        }
    }
    assert!(checked >= 20, "found only {checked} relative links; is the parser reading the pages?");
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));
}

/// `docs/../README.md` → `README.md`, relative to the repository.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

#[test]
fn github_slugs_are_computed_as_github_does() {
    assert_eq!(slug("Incremental builds and the lock"), "incremental-builds-and-the-lock");
    assert_eq!(slug("studymark.lock"), "studymarklock");
    assert_eq!(slug("Preview: serve"), "preview-serve");
    assert_eq!(slug("--locked"), "--locked");
    assert_eq!(slug("math-parse"), "math-parse");
    assert_eq!(slug("Note-tool example notes: scripts/wild-notes"), "note-tool-example-notes-scriptswild-notes");
    let page = parse_page("# A\n\n## Tests\n\n## Tests\n\n### `code` here\n");
    let found: Vec<String> = anchors(&page).into_iter().collect();
    assert_eq!(found, ["a", "code-here", "tests", "tests-1"]);
}

// ---------------------------------------------------------------------------
// README

#[test]
fn the_readme_fits_on_two_screens() {
    let lines = read("README.md").lines().count();
    assert!(
        lines <= README_MAX_LINES,
        "README.md has {lines} lines, more than {README_MAX_LINES}: move the detail to a page under docs/"
    );
}
