//! Each output's HTML of a bank, made from what [`super::render_bank`]
//! rendered, so that emitters place fragments into their templates as
//! they are and never rewrite HTML:
//! - the site: cloze deletions marked (`<span class="cloze">`), wiki links
//!   to a note that is a bank of the build linked to its page
//!   ([`NotePages`]), images under `media/`;
//! - the handouts: cloze deletions marked, wiki links as text, images under
//!   `media/`;
//! - Anki: `{{c1::…}}` kept for Anki's cloze cards, images named as in
//!   Anki's media folder (no `media/`), math for MathJax when the decks
//!   use it.

use std::collections::BTreeMap;

use super::wiki::link_wikilinks;
use super::{RenderedBank, RenderedQuestion};
use crate::model::Bank;

/// An output that reads rendered HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Site,
    Print,
    Anki,
}

/// The HTML of `bank` for `output`. `katex` is the bank rendered with
/// KaTeX, `mathjax` with MathJax-ready math when the decks use MathJax.
pub fn html_for(
    output: Output,
    bank: &Bank,
    katex: &RenderedBank,
    mathjax: Option<&RenderedBank>,
    pages: &NotePages,
) -> RenderedBank {
    match output {
        Output::Site => {
            let link = |html: &str| link_wikilinks(html, |note| pages.page(note, bank)).into_owned();
            map(katex, |field, html| match field {
                Field::Prompt => crate::cloze::mark(&link(html)),
                _ => link(html),
            })
        }
        Output::Print => map(katex, |field, html| match field {
            Field::Prompt => crate::cloze::mark(html),
            _ => html.to_string(),
        }),
        Output::Anki => map(mathjax.unwrap_or(katex), |_, html| html.replace("src=\"media/", "src=\"")),
    }
}

/// Which part of a question a fragment is: the site and the handouts
/// mark deletions in the prompt only.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Prompt,
    Other,
}

fn map(bank: &RenderedBank, edit: impl Fn(Field, &str) -> String) -> RenderedBank {
    let question = |q: &RenderedQuestion| RenderedQuestion {
        prompt: edit(Field::Prompt, &q.prompt),
        context: edit(Field::Other, &q.context),
        choices: q.choices.iter().map(|c| edit(Field::Other, c)).collect(),
        answer: edit(Field::Other, &q.answer),
        details: edit(Field::Other, &q.details),
    };
    RenderedBank {
        intro: edit(Field::Other, &bank.intro),
        questions: bank.questions.iter().map(question).collect(),
        media: bank.media.clone(),
    }
}

/// The site's page of a bank.
pub fn page_url(bank: &Bank) -> String {
    format!("{}.html", bank.id)
}

/// The bank pages of the build by note name (file stem, lower case, as
/// Obsidian matches links): `[[Note]]`, `[[folder/Note]]`, `[[Note.md]]`.
#[derive(Debug, Default)]
pub struct NotePages {
    /// Name → (path without extension, lower case, `/`-separated; page).
    by_name: BTreeMap<String, Vec<(String, String)>>,
}

impl NotePages {
    /// The pages of `banks` that have something to show.
    pub fn new(banks: &[Bank]) -> NotePages {
        let mut by_name: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for bank in banks.iter().filter(|b| !b.is_empty()) {
            let path = bank.source_path.with_extension("").to_string_lossy().replace('\\', "/").to_lowercase();
            let name = path.rsplit('/').next().unwrap_or_default().to_string();
            by_name.entry(name).or_default().push((path, page_url(bank)));
        }
        NotePages { by_name }
    }

    /// What every page's links depend on (a page's HTML changes when it
    /// does).
    pub fn key(&self) -> String {
        format!("{:?}", self.by_name)
    }

    /// The page `target` (`Note#Heading`) links to from `bank`'s page;
    /// `#Heading` alone is the bank's own. Of two notes with one name, the
    /// one whose path ends as written, else the first.
    pub fn page(&self, target: &str, bank: &Bank) -> Option<String> {
        let note = target.split('#').next().unwrap_or_default().trim().to_lowercase();
        let note = note.strip_suffix(".md").unwrap_or(&note);
        if note.is_empty() {
            return Some(page_url(bank));
        }
        let candidates = self.by_name.get(note.rsplit('/').next().unwrap_or_default())?;
        let suffix = format!("/{}", note.trim_start_matches('/'));
        let by_path = candidates.iter().find(|(path, _)| path.ends_with(&suffix));
        by_path.or(candidates.first()).map(|(_, page)| page.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::source::SourceFile;

    /// A bank of `questions` open questions read from `path`, rendered as
    /// one paragraph per fragment.
    fn bank_at(path: &str, id: &str, questions: usize) -> (Bank, RenderedBank) {
        let text: String = (0..questions).map(|n| format!("? Why {n}?\n\nBecause.\n\n")).collect();
        let mut bank = crate::parse::parse_bank(&SourceFile::new(path, text), id, &Config::default(), None).0;
        bank.source_path = path.into();
        let question = |_| RenderedQuestion {
            prompt: "<p>A {{c1::b}}</p>".into(),
            context: String::new(),
            choices: Vec::new(),
            answer: "<p>See <img src=\"media/x.png\"></p>".into(),
            details: String::new(),
        };
        let html =
            RenderedBank { intro: String::new(), questions: (0..questions).map(question).collect(), media: Vec::new() };
        (bank, html)
    }

    #[test]
    fn wiki_links_find_the_page_of_their_note_and_never_an_empty_one() {
        let at = |path: &str, id: &str, questions: usize| bank_at(path, id, questions).0;
        let banks = [
            at("/v/a/Cell biology.md", "a-cell", 1),
            at("/v/b/Cell Biology.md", "b-cell", 1),
            at("/v/Genes.md", "genes", 1),
            at("/v/Reading list.md", "reading-list", 0),
        ];
        let pages = NotePages::new(&banks);
        let page = |target: &str| pages.page(target, &banks[2]);
        assert_eq!(page("cell biology#Membranes").as_deref(), Some("a-cell.html"));
        assert_eq!(page("b/Cell biology").as_deref(), Some("b-cell.html"));
        assert_eq!(page("Genes.md").as_deref(), Some("genes.html"));
        assert_eq!(page("#Heading").as_deref(), Some("genes.html"));
        assert_eq!(page("Proteins"), None);
        assert_eq!(page("Reading list"), None, "a note without cards has no page");
    }

    #[test]
    fn each_output_gets_its_own_html() {
        let (bank, mut katex) = bank_at("cells.md", "cells", 1);
        katex.questions[0].prompt = "A {{c1::b}} <span class=\"wikilink\" data-note=\"Cells\">Cells</span>".into();
        let pages = NotePages::new(std::slice::from_ref(&bank));
        let site = html_for(Output::Site, &bank, &katex, None, &pages);
        assert!(site.questions[0].prompt.contains("<span class=\"cloze\" data-cloze=\"1\">b</span>"));
        assert!(site.questions[0].prompt.contains("<a class=\"wikilink\" href=\"cells.html\">Cells</a>"));
        let print = html_for(Output::Print, &bank, &katex, None, &pages);
        assert!(print.questions[0].prompt.contains("data-cloze") && print.questions[0].answer.contains("media/x.png"));
        assert!(print.questions[0].prompt.contains("<span class=\"wikilink\""), "a handout links nowhere");
        let anki = html_for(Output::Anki, &bank, &katex, None, &pages);
        assert!(anki.questions[0].prompt.contains("{{c1::b}}"), "Anki makes the cloze cards itself");
        assert!(anki.questions[0].answer.contains("src=\"x.png\""), "{}", anki.questions[0].answer);
    }
}
