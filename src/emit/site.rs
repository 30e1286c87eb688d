//! The study website (`output/site/`).
//!
//! Load the theme's Tera templates once; then the shared files: the
//! theme's static files, the highlight stylesheet, `index.html` and
//! `search-index.js` (the list of search index parts; scripts, so they
//! load from `file://`); and per bank: its page (`<bank id>.html`), its
//! images (`media/`) and its part of the search index (`search/<id>.js`).
//! Wiki links to a note that is a bank of the build link to its page
//! ([`NotePages`]); the others stay text.
//! The context given to templates is documented in
//! `docs/site-contract.md`.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::{copy_media, load_templates, tera_error, write, EmitInput, Emitter};
use crate::model::{option_letter, Bank, Difficulty, Kind, Question};
use crate::render::highlight::site_highlight_css;
use crate::render::outputs::{page_url, NotePages, Output};
use crate::render::{RenderedBank, RenderedQuestion};

const TEMPLATES: [&str; 3] = ["base.html", "index.html", "bank.html"];

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    search: bool,
    generator: String,
}

#[derive(Serialize)]
struct BankLink<'a> {
    title: &'a str,
    url: String,
    question_count: usize,
    topic_count: usize,
}

#[derive(Serialize)]
struct BankPage<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    deck_name: &'a str,
    question_count: usize,
    /// Study cards: a reversible question is two.
    card_count: usize,
    intro_html: &'a str,
    tags: Vec<&'a str>,
    difficulties: Vec<&'static str>,
    topics: Vec<TopicPage<'a>>,
}

#[derive(Serialize)]
struct TopicPage<'a> {
    title: &'a str,
    slug: &'a str,
    questions: Vec<QuestionPage<'a>>,
}

#[derive(Serialize)]
struct QuestionPage<'a> {
    id: &'a str,
    anchor: &'a str,
    number: u32,
    kind: &'static str,
    prompt_html: &'a str,
    context_html: &'a str,
    choices: Vec<ChoicePage<'a>>,
    answer_html: &'a str,
    details_html: &'a str,
    tags: &'a [String],
    topic_slug: &'a str,
    difficulty: &'static str,
    line: usize,
}

#[derive(Serialize)]
struct ChoicePage<'a> {
    letter: char,
    html: &'a str,
    correct: bool,
}

/// The site: `index.html`, the search index and the theme's static files
/// are shared; each bank has its page and images.
pub struct SiteEmitter<'a> {
    input: &'a EmitInput<'a>,
    tera: tera::Tera,
    /// Every page gets the list of banks (`docs/site-contract.md`).
    context: tera::Context,
    /// What wiki links on its pages link to ([`NotePages::key`]).
    pages_key: String,
}

impl<'a> SiteEmitter<'a> {
    pub fn new(input: &'a EmitInput<'a>) -> Result<SiteEmitter<'a>> {
        let tera = load_templates(input.theme, "site", &TEMPLATES)?;
        let site = SiteInfo {
            title: input.config.title.as_deref().unwrap_or("studymark"),
            search: input.config.site.search,
            generator: format!("studymark {}", env!("CARGO_PKG_VERSION")),
        };
        let links: Vec<BankLink> = input.banks.iter().filter(|b| !b.is_empty()).map(bank_link).collect();
        let mut context = tera::Context::new();
        context.insert("site", &site);
        context.insert("root", "");
        context.insert("banks", &links);
        Ok(SiteEmitter { input, tera, context, pages_key: NotePages::new(input.banks).key() })
    }
}

impl Emitter for SiteEmitter<'_> {
    fn name(&self) -> &'static str {
        "site"
    }

    fn output(&self) -> Output {
        Output::Site
    }

    fn layout(&self) -> String {
        let banks = self.context.get("banks").map(ToString::to_string).unwrap_or_default();
        format!("{banks}{}", self.pages_key)
    }

    fn write_shared(&self, out: &Path) -> Result<Vec<String>> {
        let mut written = write_static(self.input, out)?;
        write_page(&self.tera, "index.html", &self.context, &out.join("index.html"))?;
        written.push("index.html".into());
        if self.input.config.site.search {
            let parts: Vec<String> = self.input.banks.iter().filter(|b| !b.is_empty()).map(search_part_url).collect();
            let script = format!("window.studymarkSearch = {};\n", serde_json::json!({ "parts": parts }));
            write(&out.join("search-index.js"), script.as_bytes())?;
            written.push("search-index.js".into());
        }
        Ok(written)
    }

    fn write_bank(&self, bank: &Bank, html: &RenderedBank, out: &Path) -> Result<Vec<String>> {
        let mut context = self.context.clone();
        context.insert("bank", &bank_page(bank, html));
        let url = page_url(bank);
        write_page(&self.tera, "bank.html", &context, &out.join(&url))?;
        let mut written = copy_media(bank, html, out)?;
        written.push(url);
        if self.input.config.site.search {
            let part = search_part_url(bank);
            write(&out.join(&part), search_part(bank).as_bytes())?;
            written.push(part);
        }
        Ok(written)
    }
}

fn write_static(input: &EmitInput, out: &Path) -> Result<Vec<String>> {
    let mut written = Vec::new();
    for (path, bytes) in input.theme.files_under("static") {
        write(&out.join(&path), &bytes)?;
        written.push(path);
    }
    write(&out.join("static/highlight.css"), site_highlight_css().as_bytes())?;
    written.push("static/highlight.css".into());
    Ok(written)
}

fn write_page(tera: &tera::Tera, template: &str, context: &tera::Context, path: &Path) -> Result<()> {
    let html = tera.render(template, context).map_err(|e| anyhow::anyhow!(tera_error(&e)))?;
    write(path, html.as_bytes())
}

fn bank_link(bank: &Bank) -> BankLink<'_> {
    BankLink {
        title: &bank.title,
        url: page_url(bank),
        question_count: bank.questions().count(),
        topic_count: bank.topics.len(),
    }
}

fn bank_page<'a>(bank: &'a Bank, rendered: &'a RenderedBank) -> BankPage<'a> {
    let mut rendered_questions = rendered.questions.iter();
    let topics = bank
        .topics
        .iter()
        .map(|topic| TopicPage {
            title: &topic.title,
            slug: &topic.slug,
            questions: topic
                .questions
                .iter()
                .zip(rendered_questions.by_ref())
                .map(|(q, html)| question_page(q, html, &topic.slug))
                .collect(),
        })
        .collect();
    let mut tags: Vec<&str> = bank.questions().flat_map(|q| q.tags.iter().map(String::as_str)).collect();
    tags.sort_unstable();
    tags.dedup();
    let mut difficulties: Vec<Difficulty> = bank.questions().filter_map(|q| q.difficulty).collect();
    difficulties.sort_unstable();
    difficulties.dedup();
    BankPage {
        id: &bank.id,
        title: &bank.title,
        url: page_url(bank),
        deck_name: &bank.deck_name,
        question_count: bank.questions().count(),
        card_count: bank.questions().map(|q| if q.kind == Kind::Reversible { 2 } else { 1 }).sum(),
        intro_html: &rendered.intro,
        tags,
        difficulties: difficulties.into_iter().map(difficulty_name).collect(),
        topics,
    }
}

fn question_page<'a>(q: &'a Question, html: &'a RenderedQuestion, topic_slug: &'a str) -> QuestionPage<'a> {
    let correct = q.kind.correct();
    let choice = |(i, html)| ChoicePage { letter: option_letter(i), html, correct: correct.contains(&i) };
    QuestionPage {
        id: &q.id,
        anchor: &q.slug,
        number: q.number,
        kind: q.kind.as_str(),
        prompt_html: &html.prompt,
        context_html: &html.context,
        choices: html.choices.iter().map(String::as_str).enumerate().map(choice).collect(),
        answer_html: &html.answer,
        details_html: &html.details,
        tags: &q.tags,
        topic_slug,
        difficulty: q.difficulty.map_or("", difficulty_name),
        line: q.span.line,
    }
}

fn difficulty_name(difficulty: Difficulty) -> &'static str {
    match difficulty {
        Difficulty::Easy => "easy",
        Difficulty::Medium => "medium",
        Difficulty::Hard => "hard",
    }
}

/// Where a bank's part of the search index is, relative to the site root.
fn search_part_url(bank: &Bank) -> String {
    format!("search/{}.js", bank.id)
}

/// A bank's part of the search index: an elasticlunr index over the plain
/// text of its prompts and answers. Documents are not stored in the index:
/// `docs` keeps only each prompt and the bank title, for the result list.
/// Each bank has its own part, so a build that changes one bank indexes
/// only that bank; `site.js` loads the parts when search is first used.
fn search_part(bank: &Bank) -> String {
    let mut index = elasticlunr::IndexBuilder::new()
        .save_docs(false)
        .add_field_with_tokenizer("title", Box::new(index_words))
        .add_field_with_tokenizer("body", Box::new(index_words))
        .build();
    let mut docs = serde_json::Map::new();
    for q in bank.questions() {
        let reference = format!("{}#{}", page_url(bank), q.slug);
        let body = [&q.context, &q.answer, &q.details].map(|r| r.plain.as_str()).join("\n");
        index.add_doc(&reference, [q.prompt.plain.as_str(), body.as_str()]);
        docs.insert(reference, serde_json::json!({ "title": q.prompt.plain.trim(), "bank": bank.title }));
    }
    format!(
        "(window.studymarkSearchParts = window.studymarkSearchParts || []).push({{\"index\": {}, \"docs\": {}}});\n",
        index.to_json(),
        serde_json::Value::Object(docs)
    )
}

/// Longest word (in characters) the search index takes. Longer "words" are
/// pasted data (base64 images, long URLs, hashes) nobody searches for, and
/// elasticlunr keeps each word as a chain of one node per character that it
/// serializes and drops recursively: a 50,000-character word overflowed the
/// stack.
pub const MAX_INDEXED_WORD: usize = 100;

/// elasticlunr's English tokenizer (split on whitespace and `-`, lowercase)
/// without the words longer than [`MAX_INDEXED_WORD`].
fn index_words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|word| !word.is_empty() && word.chars().nth(MAX_INDEXED_WORD).is_none())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_words_leaves_out_long_words() {
        let long = "A".repeat(MAX_INDEXED_WORD + 1);
        let limit = "é".repeat(MAX_INDEXED_WORD);
        let text = format!("Gradient-descent {long} data:image/png;base64,{long}\n{limit}");
        assert_eq!(index_words(&text), ["gradient", "descent", limit.as_str()]);
    }

    #[test]
    fn a_fifty_thousand_character_word_is_not_indexed() {
        let text = format!("? Explain gradient descent?\n\nIt is {} pasted.\n", "A".repeat(50_000));
        let file = crate::source::SourceFile::new("a.md", text);
        let bank = crate::parse::parse_bank(&file, "a", &crate::config::Config::default(), None).0;
        let part = search_part(&bank);
        // The index is a trie of one JSON object per character: its depth
        // is the longest indexed word.
        let mut depth = 0usize;
        let mut deepest = 0;
        for c in part.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            deepest = deepest.max(depth);
        }
        assert!((10..MAX_INDEXED_WORD + 20).contains(&deepest), "depth {deepest}");
        assert!(part.contains("Explain gradient descent?"), "the prompt is listed");
    }
}
