//! Printable handouts (`output/print/`), per bank:
//! - `<bank>.html`: the worksheet (title block, numbered questions by
//!   topic, lettered options with boxes, prompt code, ruled answer space);
//! - `<bank>-answers.html`: the answer key (every answer, keys marked);
//! - `<bank>-cards.html`: cut-out cards for duplex printing ([`cards`]).
//!
//! Each page is self-contained HTML: CSS inline (print stylesheet, KaTeX,
//! light code theme), fonts and images by relative path, no JavaScript.
//! `@page` sets the paper, margins, running header and "3 / 12" page
//! numbers. `[print] answers` picks `end` (worksheet + key), `inline`
//! (answers under each question) or `none`. [`pdf`] prints them to PDF.
//! Shared by every bank: the KaTeX fonts; each bank's pages are written
//! on their own (banks in parallel).

mod cards;
pub mod pdf;

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;

use super::{load_templates, EmitInput, Emitter};
use crate::config::{AnswerPlacement, Paper};
use crate::lock::IdLock;
use crate::model::{option_letter, Bank, Kind, Question};
use crate::render::highlight::print_highlight_css;
use crate::render::outputs::Output;
use crate::render::{RenderedBank, RenderedQuestion};
use cards::{CardSides, Content};

const TEMPLATES: [&str; 4] = ["base.html", "worksheet.html", "answers.html", "cards.html"];

#[derive(Serialize)]
struct PageInfo {
    size: &'static str,
    margin: String,
    /// The running header as CSS string content.
    header: String,
}

#[derive(Serialize)]
struct PrintBank<'a> {
    title: &'a str,
    date: String,
    question_count: usize,
    topics: Vec<PrintTopic<'a>>,
}

#[derive(Serialize)]
struct PrintTopic<'a> {
    title: &'a str,
    heading: bool,
    questions: Vec<PrintQuestion<'a>>,
}

#[derive(Serialize)]
struct PrintQuestion<'a> {
    number: usize,
    prompt_html: &'a str,
    context_html: &'a str,
    choices: Vec<PrintChoice<'a>>,
    key: String,
    answer_html: &'a str,
    details_html: &'a str,
}

#[derive(Serialize)]
struct PrintChoice<'a> {
    letter: char,
    html: &'a str,
    correct: bool,
}

/// The file names written for a bank, in order.
fn page_names(bank: &Bank, answers: AnswerPlacement) -> Vec<String> {
    let mut names = vec![format!("{}.html", bank.id)];
    if answers == AnswerPlacement::End {
        names.push(format!("{}-answers.html", bank.id));
    }
    if answers != AnswerPlacement::None {
        names.push(format!("{}-cards.html", bank.id));
    }
    names
}

/// The handouts: the stylesheet and KaTeX fonts are shared, each bank has
/// its pages (and, with a browser, their PDFs).
pub struct PrintEmitter<'a> {
    input: &'a EmitInput<'a>,
    lock: &'a IdLock,
    tera: tera::Tera,
    css: String,
    /// Chromium or Chrome, for `build --pdf`.
    browser: Option<PathBuf>,
    /// Browser profiles go here, one per bank (inside the staging folder).
    scratch: PathBuf,
}

impl<'a> PrintEmitter<'a> {
    pub fn new(
        input: &'a EmitInput<'a>,
        lock: &'a IdLock,
        browser: Option<PathBuf>,
        scratch: &Path,
    ) -> Result<PrintEmitter<'a>> {
        let tera = load_templates(input.theme, "print", &TEMPLATES)?;
        let css = stylesheet(input);
        Ok(PrintEmitter { input, lock, tera, css, browser, scratch: scratch.to_path_buf() })
    }
}

impl Emitter for PrintEmitter<'_> {
    fn name(&self) -> &'static str {
        "print"
    }

    fn output(&self) -> Output {
        Output::Print
    }

    fn write_shared(&self, out: &Path) -> Result<Vec<String>> {
        let mut written = Vec::new();
        for (path, bytes) in self.input.theme.files_under("static/katex/fonts") {
            super::write(&out.join(&path), &bytes)?;
            written.push(path);
        }
        Ok(written)
    }

    fn write_bank(&self, bank: &Bank, html: &RenderedBank, out: &Path) -> Result<Vec<String>> {
        let print = &self.input.config.print;
        let mut context = tera::Context::new();
        context.insert("bank", &print_bank(bank, html, self.lock));
        context.insert("css", &self.css);
        context.insert("answer_lines", &print.answer_lines);
        context.insert("inline_answers", &(print.answers == AnswerPlacement::Inline));
        context.insert("page", &page_info(&bank.title, print.paper, "18mm 16mm 20mm"));
        let names = page_names(bank, print.answers);
        render(&self.tera, "worksheet.html", &context, &out.join(&names[0]))?;
        if print.answers == AnswerPlacement::End {
            render(&self.tera, "answers.html", &context, &out.join(&names[1]))?;
        }
        if print.answers != AnswerPlacement::None {
            let sides: Vec<CardSides> = numbered(bank, html).map(|(n, q, h)| card_sides(n, q, h)).collect();
            context.insert("sheets", &cards::layout(&sides, print.paper));
            context.insert("grid", &cards::grid(print.paper));
            context.insert("page", &page_info(&bank.title, print.paper, &cards::sheet_margin()));
            render(&self.tera, "cards.html", &context, &out.join(names.last().expect("cards page")))?;
        }
        let mut written = super::copy_media(bank, html, out)?;
        if let Some(browser) = &self.browser {
            let profile = self.scratch.join(format!("chromium-{}", bank.id));
            for name in &names {
                let page = out.join(name);
                pdf::print_to_pdf(browser, &page, &page.with_extension("pdf"), &profile)?;
                written.push(Path::new(name).with_extension("pdf").to_string_lossy().into_owned());
            }
            let _ = std::fs::remove_dir_all(&profile);
        }
        written.extend(names);
        Ok(written)
    }
}

fn render(tera: &tera::Tera, template: &str, context: &tera::Context, path: &Path) -> Result<()> {
    let html = tera.render(template, context).map_err(|e| anyhow::anyhow!(super::tera_error(&e)))?;
    super::write(path, html.as_bytes())
}

/// The print stylesheet, KaTeX's (fonts under `static/katex/fonts/`), the
/// light code theme and the callouts, inlined into every page.
fn stylesheet(input: &EmitInput) -> String {
    let file =
        |path: &str| input.theme.file(path).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    let katex = file("static/katex/katex.min.css").replace("url(fonts/", "url(static/katex/fonts/");
    format!(
        "{}\n{katex}\n{}\n{}\n.worksheet .cloze {{ color: transparent; border-bottom: 0.6pt solid #000; }}\n",
        file("static/print.css"),
        print_highlight_css(),
        file("static/callout.css")
    )
}

fn page_info(title: &str, paper: Paper, margin: &str) -> PageInfo {
    PageInfo {
        size: match paper {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        },
        margin: margin.to_string(),
        header: title.replace('\\', "\\\\").replace('"', "\\\"").replace(['\n', '<', '>'], " "),
    }
}

/// Questions numbered 1.. through the bank, with their HTML.
fn numbered<'a>(
    bank: &'a Bank,
    html: &'a RenderedBank,
) -> impl Iterator<Item = (usize, &'a Question, &'a RenderedQuestion)> {
    bank.questions().zip(&html.questions).enumerate().map(|(i, (q, h))| (i + 1, q, h))
}

fn print_bank<'a>(bank: &'a Bank, html: &'a RenderedBank, lock: &IdLock) -> PrintBank<'a> {
    let mut questions = numbered(bank, html);
    let topics = bank
        .topics
        .iter()
        .map(|topic| PrintTopic {
            title: &topic.title,
            heading: topic.line.is_some(),
            questions: questions
                .by_ref()
                .take(topic.questions.len())
                .map(|(n, q, h)| print_question(n, q, h))
                .collect(),
        })
        .collect();
    // The date the content last changed, so the same input prints the same.
    let changes = lock.changes(&bank.id);
    let changed = bank.questions().filter_map(|q| changes.get(q.id.as_str()).copied()).max().unwrap_or(0);
    PrintBank { title: &bank.title, date: iso_date(changed), question_count: bank.questions().count(), topics }
}

fn print_question<'a>(number: usize, question: &'a Question, html: &'a RenderedQuestion) -> PrintQuestion<'a> {
    let correct = question.kind.correct();
    PrintQuestion {
        number,
        prompt_html: &html.prompt,
        context_html: &html.context,
        choices: html
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| PrintChoice { letter: option_letter(i), html: c, correct: correct.contains(&i) })
            .collect(),
        key: question.kind.key_label(),
        answer_html: &html.answer,
        details_html: &html.details,
    }
}

/// A card: prompt, prompt code and options in front; key and short answer
/// on the back (the details are in the answer key).
fn card_sides(number: usize, question: &Question, html: &RenderedQuestion) -> CardSides {
    let q = print_question(number, question, html);
    let choices: String = q
        .choices
        .iter()
        .map(|c| format!("<li><span class=\"letter\">({})</span> <div>{}</div></li>", c.letter, c.html))
        .collect();
    let mut front = format!("<div class=\"prompt\">{}</div>{}", q.prompt_html, q.context_html);
    if !choices.is_empty() {
        front.push_str(&format!("<ol class=\"choices\">{choices}</ol>"));
    }
    let key = if q.key.is_empty() { String::new() } else { format!("<div class=\"key\">Answer: {}</div>", q.key) };
    let back = format!("{key}<div class=\"answer\">{}</div>", q.answer_html);
    let choice_lengths = match &question.kind {
        Kind::MultipleChoice { choices, .. } => choices.iter().map(|c| c.plain.chars().count() + 4).collect(),
        _ => Vec::new(),
    };
    let front_content = Content {
        text: [question.prompt.plain.as_str(), non_code_text(question)]
            .iter()
            .flat_map(|t| t.lines().map(|l| l.chars().count()))
            .chain(choice_lengths)
            .collect(),
        code: question.context.code.iter().flat_map(|c| c.source.lines().map(|l| l.chars().count())).collect(),
        blocks: question.context.code.len() + question.context.math.iter().filter(|m| m.display).count(),
    };
    let back_content = Content {
        text: question.answer.plain.lines().map(|l| l.chars().count()).chain([q.key.len()]).collect(),
        code: question.answer.code.iter().flat_map(|c| c.source.lines().map(|l| l.chars().count())).collect(),
        blocks: question.answer.code.len() + question.answer.math.iter().filter(|m| m.display).count(),
    };
    CardSides { number: number as u32, front: (front, front_content), back: (back, back_content) }
}

/// The lead-in text of the prompt context (its code is counted apart).
fn non_code_text(question: &Question) -> &str {
    if question.context.code.is_empty() {
        &question.context.plain
    } else {
        question.context.plain.lines().next().unwrap_or_default()
    }
}

/// `YYYY-MM-DD` of a unix time (UTC), via days since 1970-01-01.
fn iso_date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reversible question prints as an open one: its prompt on the
    /// worksheet, its answer in the key, one card (prompt in front, answer
    /// behind); its reverse direction is not printed.
    #[test]
    fn a_reversible_question_prints_its_front_side_only() {
        use crate::emit::tests::{bank, question};
        let reversible = question("osmosis", Kind::Reversible, "Osmosis", "Water crossing a membrane");
        let open = question("nucleus", Kind::Open, "What holds the DNA?", "The nucleus");
        let (bank, html) = bank(vec![reversible, open]);
        let dir = tempfile::tempdir().unwrap();
        let (config, theme) = (crate::config::Config::default(), crate::theme::Theme::new(None));
        let banks = [bank];
        let input = EmitInput { config: &config, root: dir.path(), banks: &banks, theme: &theme };
        let lock = crate::lock::update_lock(None, &mut [], "", 0).0;
        let emitter = PrintEmitter::new(&input, &lock, None, &dir.path().join("scratch")).unwrap();
        emitter.write_bank(&banks[0], &html, dir.path()).unwrap();
        let page = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
        let count = |page: &str, text: &str| page.matches(text).count();
        let (worksheet, key, cards) = (page("cells.html"), page("cells-answers.html"), page("cells-cards.html"));
        assert_eq!((count(&worksheet, "Osmosis"), count(&worksheet, "Water crossing")), (1, 0));
        assert_eq!(count(&worksheet, "class=\"answer-space\""), 2, "both have room for an answer");
        assert_eq!((count(&key, "Osmosis"), count(&key, "Water crossing")), (1, 1));
        assert_eq!((count(&cards, "Osmosis"), count(&cards, "Water crossing")), (1, 1), "one card, one way");
        let front = &cards[..cards.find("sheet back").expect("a back sheet")];
        assert!(front.contains("Osmosis") && !front.contains("Water crossing"), "the prompt is the front");
        assert_eq!(count(&cards, "class=\"card-number\""), 4, "two cards, front and back");
    }

    #[test]
    fn dates() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(iso_date(1_795_938_237), "2026-11-29");
    }
}
