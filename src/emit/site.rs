//! The study website (`output/site/`).
//!
//! In order: load the Tera templates of the theme; copy the theme's static
//! files and write the highlight stylesheet; write `index.html` and one
//! page per bank (`<bank id>.html`); write the search index
//! (`search-index.js`, a script so it loads from `file://`); copy images.
//! The context given to templates is documented in
//! `docs/site-contract.md`.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use super::{load_templates, tera_error, write, EmitInput};
use crate::model::{option_letter, Bank, Difficulty, Question};
use crate::render::highlight::site_highlight_css;
use crate::render::markdown::mark_cloze;
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
    prompt_html: String,
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

/// Writes the site into `out`.
pub fn emit_site(input: &EmitInput, rendered: &[RenderedBank], out: &Path) -> Result<()> {
    let tera = load_templates(input.theme, "site", &TEMPLATES)?;
    write_static(input, out)?;
    let site = SiteInfo {
        title: input.config.title.as_deref().unwrap_or("studymark"),
        search: input.config.site.search,
        generator: format!("studymark {}", env!("CARGO_PKG_VERSION")),
    };
    let links: Vec<BankLink> = input.banks.iter().map(bank_link).collect();
    let mut context = tera::Context::new();
    context.insert("site", &site);
    context.insert("root", "");
    context.insert("banks", &links);
    write_page(&tera, "index.html", &context, &out.join("index.html"))?;
    for (bank, rendered) in input.banks.iter().zip(rendered) {
        context.insert("bank", &bank_page(bank, rendered));
        write_page(&tera, "bank.html", &context, &out.join(page_url(bank)))?;
    }
    if input.config.site.search {
        write(&out.join("search-index.js"), search_index(input.banks).as_bytes())?;
    }
    for (source, name) in input.media.files() {
        let target = out.join("media").join(name);
        std::fs::create_dir_all(out.join("media"))?;
        std::fs::copy(&source, &target).with_context(|| format!("cannot copy {}", source.display()))?;
    }
    Ok(())
}

fn write_static(input: &EmitInput, out: &Path) -> Result<()> {
    for (path, bytes) in input.theme.files_under("static") {
        write(&out.join(&path), &bytes)?;
    }
    write(&out.join("static/highlight.css"), site_highlight_css().as_bytes())
}

fn write_page(tera: &tera::Tera, template: &str, context: &tera::Context, path: &Path) -> Result<()> {
    let html = tera.render(template, context).map_err(|e| anyhow::anyhow!(tera_error(&e)))?;
    write(path, html.as_bytes())
}

pub fn page_url(bank: &Bank) -> String {
    format!("{}.html", bank.id)
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
        intro_html: &rendered.intro,
        tags,
        difficulties: difficulties.into_iter().map(difficulty_name).collect(),
        topics,
    }
}

fn question_page<'a>(q: &'a Question, html: &'a RenderedQuestion, topic_slug: &'a str) -> QuestionPage<'a> {
    let correct = q.kind.correct();
    QuestionPage {
        id: &q.id,
        anchor: &q.slug,
        number: q.number,
        kind: q.kind.as_str(),
        prompt_html: mark_cloze(&html.prompt),
        context_html: &html.context,
        choices: html
            .choices
            .iter()
            .enumerate()
            .map(|(i, choice)| ChoicePage { letter: option_letter(i), html: choice, correct: correct.contains(&i) })
            .collect(),
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

/// An elasticlunr index over the plain text of prompts and answers.
/// Documents are not
/// stored in the index: `docs` keeps only each prompt and bank title, for
/// the result list.
fn search_index(banks: &[Bank]) -> String {
    let mut index = elasticlunr::IndexBuilder::new().save_docs(false).add_fields(&["title", "body"]).build();
    let mut docs = serde_json::Map::new();
    for bank in banks {
        for q in bank.questions() {
            let reference = format!("{}#{}", page_url(bank), q.slug);
            let body = [&q.context, &q.answer, &q.details].map(|r| r.plain.as_str()).join("\n");
            index.add_doc(&reference, [q.prompt.plain.as_str(), body.as_str()]);
            docs.insert(reference, serde_json::json!({ "title": q.prompt.plain.trim(), "bank": bank.title }));
        }
    }
    format!(
        "window.studymarkSearch = {{\"index\": {}, \"docs\": {}}};\n",
        index.to_json(),
        serde_json::Value::Object(docs)
    )
}
