//! The cards reading: flashcards written in a note tool's syntax inside
//! notes that are mostly prose (an Obsidian vault, a Logseq graph). Unlike
//! the other readings it does not cut the whole note into questions: it
//! picks the cards out and leaves the prose, which is not shown.
//!
//! In order:
//! 1. the note's lines, with code marked ([`lines`]);
//! 2. Obsidian_to_Anki's file settings and notes ([`obsidian_to_anki`]);
//! 3. `#card` blocks of outlines (Logseq, list items) and
//!    flashcards-obsidian's `#card` paragraphs ([`tagged`]);
//! 4. in a note tagged `#flashcards` ([`decks`]), per paragraph: one-line
//!    cards ([`inline`]), multi-line cards ([`multiline`]) and highlight
//!    clozes ([`cloze`]), each in the deck of the last `#flashcards/…` tag
//!    above it;
//!
//!    each step skips the lines an earlier one took;
//! 5. the cards in document order, each under the nearest heading above it
//!    (its topic). Every card's text loses the tools' review metadata
//!    (`<!--SR:…-->`, `<!--ID:…-->`, `^block-id`, Logseq properties) and
//!    card tags ([`clean_card_text`]).

mod cloze;
mod decks;
mod inline;
mod lines;
mod multiline;
mod obsidian_to_anki;
mod tagged;

use std::ops::Range;

use super::blocks::{parse_blocks, Block};
use super::{Draft, Segment, StyleInput};
use crate::vault::ObsidianToAnkiSettings;
pub use decks::is_flashcard_tag;
use lines::{span, Line};

/// How a card writes its cloze deletions (see [`cloze`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClozeSyntax {
    /// None, or Anki's own `{{c1::…}}`.
    #[default]
    Anki,
    Highlight,
    Logseq,
    /// Obsidian_to_Anki's `{text}`, and `==text==` too when `highlights`.
    Curly {
        highlights: bool,
    },
    /// flashcards-obsidian's `==text==` and `{text}` (all c1), `{2:text}`.
    FlashcardsObsidian,
}

/// What a note's front matter and its vault's settings say of its cards.
pub struct NoteSettings<'a> {
    /// Where the note's text starts, after its front matter (a title
    /// heading taken for the bank's title may be a card's question too).
    pub body_start: usize,
    /// The front matter's `tags` (a `flashcards` tag marks the note).
    pub front_tags: &'a [String],
    /// The note sets flashcards-obsidian's `cards-deck`: its one-line cards
    /// and highlight clozes need no `#flashcards` tag.
    pub flashcards_obsidian: bool,
    pub obsidian_to_anki: ObsidianToAnkiSettings,
}

/// True when the note shows one of the tools' card syntaxes: a
/// `#flashcards` tag (in the text or the front matter), flashcards-
/// obsidian's `cards-deck`, a `#card` tag, an Obsidian_to_Anki note or
/// deck line. Other notes are read for cards only in a vault.
pub fn applies(text: &str, blocks: &[Block], note: &NoteSettings) -> bool {
    if note.flashcards_obsidian || note.front_tags.iter().any(|t| decks::is_flashcard_tag(t)) {
        return true;
    }
    // Most banks hold none of the syntaxes: a few substring searches over
    // the whole text rule them out before any line is looked at.
    const HINTS: [&str; 10] = [
        "#card",
        "#Card",
        "#CARD",
        "[[card]]",
        "[[Card]]",
        "flashcards",
        "Flashcards",
        "FLASHCARDS",
        "START",
        "TARGET DECK",
    ];
    if !HINTS.iter().any(|hint| text.contains(hint)) {
        return false;
    }
    let lines = lines::split_lines(text, note.body_start..text.len(), blocks);
    lines.iter().filter(|l| !l.in_code).any(|l| {
        let s = l.text(text);
        !decks::flashcard_tags(s).is_empty()
            || tagged::find_tag(s).is_some()
            || s == "START"
            || s.contains("STARTI [")
            || s.starts_with("TARGET DECK")
    })
}

/// A card found, before it becomes a draft.
struct Found {
    /// Where the card is: for document order and topics.
    range: Range<usize>,
    draft: Draft,
}

/// What the steps share while they look for cards.
struct Finder<'a> {
    text: &'a str,
    lines: Vec<Line>,
    /// Lines an earlier step made part of a card (or of a setting).
    taken: Vec<bool>,
    found: Vec<Found>,
    /// The file's deck (`TARGET DECK`) and tags (`FILE TAGS`).
    file_deck: Option<String>,
    file_tags: Vec<String>,
    obsidian_to_anki: ObsidianToAnkiSettings,
    /// A flashcards-obsidian note: its clozes are that plugin's.
    flashcards_obsidian: bool,
}

pub fn segment(input: &mut StyleInput, note: &NoteSettings) -> Vec<Segment> {
    let text = input.file.text.as_str();
    let lines = lines::split_lines(text, note.body_start..text.len(), input.blocks);
    let taken = vec![false; lines.len()];
    let mut finder = Finder {
        text,
        lines,
        taken,
        found: Vec::new(),
        file_deck: None,
        file_tags: Vec::new(),
        obsidian_to_anki: note.obsidian_to_anki,
        flashcards_obsidian: note.flashcards_obsidian,
    };
    finder.obsidian_to_anki();
    finder.outline_cards();
    finder.tagged_paragraphs();
    if note.flashcards_obsidian || applies_spaced_repetition(text, &finder.lines, note.front_tags) {
        let deck = note.front_tags.iter().find(|t| decks::is_flashcard_tag(t)).and_then(|t| decks::deck_of(t));
        finder.spaced_repetition(deck);
    }
    finder.into_segments(input.blocks)
}

/// The plugin reads only notes tagged `#flashcards` (or `#flashcards/…`).
fn applies_spaced_repetition(text: &str, lines: &[Line], front_tags: &[String]) -> bool {
    front_tags.iter().any(|t| decks::is_flashcard_tag(t))
        || lines.iter().any(|l| !l.in_code && !decks::flashcard_tags(l.text(text)).is_empty())
}

impl Finder<'_> {
    fn take(&mut self, lines: Range<usize>) {
        for taken in &mut self.taken[lines] {
            *taken = true;
        }
    }

    /// The index of the line holding byte `offset`.
    fn line_at(&self, offset: usize) -> usize {
        self.lines.partition_point(|l| l.range.end < offset).min(self.lines.len().saturating_sub(1))
    }

    fn take_bytes(&mut self, range: &Range<usize>) {
        if self.lines.is_empty() {
            return;
        }
        let (first, last) = (self.line_at(range.start), self.line_at(range.end.saturating_sub(1).max(range.start)));
        self.take(first..last + 1);
    }

    fn push(&mut self, range: Range<usize>, prompt: Range<usize>, answer: Vec<Block>, card: Card) {
        let mut tags = self.file_tags.clone();
        tags.extend(card.tags);
        let draft = Draft {
            prompt,
            body: answer,
            answer_from: Some(0),
            reversible: card.reversible,
            deck: card.deck.or_else(|| self.file_deck.clone()),
            note_card: Some(card.cloze),
            tags,
            ..Draft::default()
        };
        self.found.push(Found { range, draft });
    }

    /// The blocks of an answer's source range (none when it is empty).
    fn answer_blocks(&self, range: Option<Range<usize>>) -> Vec<Block> {
        range.filter(|r| !self.text[r.clone()].trim().is_empty()).map_or_else(Vec::new, |r| parse_blocks(self.text, r))
    }

    fn obsidian_to_anki(&mut self) {
        let settings = obsidian_to_anki::file_settings(self.text, &self.lines);
        for &line in &settings.lines {
            self.taken[line] = true;
        }
        (self.file_deck, self.file_tags) = (settings.deck, settings.tags);
        for (lines, note) in obsidian_to_anki::block_notes(self.text, &self.lines) {
            self.take(lines);
            if let Some(note) = note {
                self.push_note(note);
            }
        }
        for i in 0..self.lines.len() {
            if self.taken[i] || self.lines[i].in_code {
                continue;
            }
            let notes = obsidian_to_anki::inline_notes(self.text, &self.lines[i]);
            if !notes.is_empty() {
                self.taken[i] = true;
            }
            for note in notes {
                self.push_note(note);
            }
        }
    }

    fn push_note(&mut self, note: obsidian_to_anki::Note) {
        let answer = self.answer_blocks(note.answer);
        let settings = self.obsidian_to_anki;
        let cloze = match note.kind {
            obsidian_to_anki::NoteKind::Cloze if settings.curly_cloze => {
                ClozeSyntax::Curly { highlights: settings.highlights_to_cloze }
            }
            _ => ClozeSyntax::Anki,
        };
        let reversible = note.kind == obsidian_to_anki::NoteKind::Reversible;
        let card = Card { reversible, cloze, tags: note.tags, ..Card::default() };
        self.push(note.range, note.prompt, answer, card);
    }

    fn outline_cards(&mut self) {
        let mut cards = tagged::outline_cards(self.text, &self.lines);
        cards.retain(|c| !self.taken[self.line_at(c.range.start)]);
        for card in &cards {
            self.take_bytes(&card.range);
        }
        for card in cards {
            let cloze = if cloze::has_logseq_cloze(&self.text[card.prompt.clone()]) {
                ClozeSyntax::Logseq
            } else {
                ClozeSyntax::Anki
            };
            let answer = card.answer.into_iter().flat_map(|r| parse_blocks(self.text, r)).collect();
            self.push(card.range, card.prompt, answer, Card { reversible: card.reversible, cloze, ..Card::default() });
        }
    }

    fn tagged_paragraphs(&mut self) {
        let runs = self.free_runs();
        for (n, run) in runs.iter().enumerate() {
            let mut from = run.start;
            for at in run.clone() {
                if self.taken[at] || self.lines[at].in_code {
                    continue;
                }
                let next = runs.get(n + 1).cloned().filter(|r| !self.starts_card_or_heading(r.start));
                let Some(card) = tagged::line_card(self.text, &self.lines, from, at, run.end, next) else { continue };
                let prompt = tagged::question_range(self.text, &self.lines, &card);
                let answer = (!card.answer.is_empty()).then(|| span(&self.lines, card.answer.start, card.answer.end));
                let whole = card.question.start..card.answer.end.max(at + 1);
                let tags = tagged::trailing_tags(self.lines[at].text(self.text), card.tag);
                self.take(whole.clone());
                let answer = self.answer_blocks(answer);
                let card_text = Card { reversible: card.tag.reversible, tags, ..Card::default() };
                self.push(span(&self.lines, whole.start, whole.end), prompt, answer, card_text);
                from = whole.end;
            }
        }
    }

    /// True when line `i` is a heading or holds a card tag: the start of
    /// something else, never the answer of the card above.
    fn starts_card_or_heading(&self, i: usize) -> bool {
        let line = self.lines[i].text(self.text);
        line.trim_start().starts_with('#') && lines::lead_len(line) > 0 || tagged::find_tag(line).is_some()
    }

    /// Paragraphs of lines no step took yet: a taken line ends a paragraph.
    fn free_runs(&self) -> Vec<Range<usize>> {
        let runs = lines::runs(self.text, &self.lines).into_iter();
        runs.flat_map(|run| lines::split_where(run, |i| self.taken[i])).collect()
    }

    fn spaced_repetition(&mut self, mut deck: Option<String>) {
        for run in self.free_runs() {
            let mut from = run.start;
            for at in run.clone() {
                let text = self.text;
                let (range, in_code) = (self.lines[at].range.clone(), self.lines[at].in_code);
                let source = &text[range.clone()];
                if in_code {
                    continue;
                }
                if is_heading(source) || lines::is_review_comment(source) {
                    from = from.max(at + 1);
                    continue;
                }
                let tags = decks::flashcard_tags(source);
                let own_deck = tags.first().map(|t| decks::deck_of(t)).unwrap_or_else(|| deck.clone());
                if let Some(card) = inline::find(text, range.clone()) {
                    let answer = self.answer_blocks(Some(card.back));
                    let front = skip_leading_tag(self.text, card.front);
                    let card_text = Card { reversible: card.reversible, deck: own_deck, ..Card::default() };
                    self.push(range, front, answer, card_text);
                    from = at + 1;
                    continue;
                }
                if !tags.is_empty() && source.split_whitespace().all(|w| w.starts_with('#')) {
                    deck = own_deck;
                    from = at + 1;
                    continue;
                }
                if let Some(card) = multiline::card(self.text, &self.lines, from, at, run.end) {
                    let front_deck = self.first_line_deck(card.front.start).or_else(|| deck.clone());
                    let back = (!card.back.is_empty()).then(|| span(&self.lines, card.back.start, card.back.end));
                    let answer = self.answer_blocks(back);
                    let prompt = span(&self.lines, card.front.start, card.front.end);
                    let card_text = Card { reversible: card.reversible, deck: front_deck, ..Card::default() };
                    self.push(span(&self.lines, from, run.end), prompt, answer, card_text);
                    from = run.end;
                    break;
                }
            }
            self.highlight_cloze(from..run.end, &deck);
        }
    }

    /// The paragraph's lines left after its cards are a cloze card when
    /// one of them holds a highlight.
    fn highlight_cloze(&mut self, lines: Range<usize>, deck: &Option<String>) {
        let mut end = lines.end;
        while end > lines.start && lines::is_review_comment(self.lines[end - 1].text(self.text)) {
            end -= 1;
        }
        let is_cloze = |line: &str| cloze::has_highlight(line) || (self.flashcards_obsidian && cloze::has_curly(line));
        if !(lines.start..end).any(|i| !self.lines[i].in_code && is_cloze(self.lines[i].text(self.text))) {
            return;
        }
        let deck = self.first_line_deck(lines.start).or_else(|| deck.clone());
        let prompt = span(&self.lines, lines.start, end);
        let cloze = if self.flashcards_obsidian { ClozeSyntax::FlashcardsObsidian } else { ClozeSyntax::Highlight };
        self.push(prompt.clone(), prompt, Vec::new(), Card { cloze, deck, ..Card::default() });
    }

    /// The deck a flashcard tag at the start of line `i` names for its card.
    fn first_line_deck(&self, i: usize) -> Option<String> {
        let source = self.lines[i].text(self.text).trim_start();
        decks::leading_tag(source).and_then(|(_, tag)| decks::deck_of(tag))
    }

    /// The cards in document order, each after the topic heading above it.
    fn into_segments(mut self, blocks: &[Block]) -> Vec<Segment> {
        self.found.sort_by_key(|f| f.range.start);
        let headings: Vec<&Block> = blocks
            .iter()
            .filter(|b| b.is_heading())
            .filter(|b| !self.found.iter().any(|f| f.range.start < b.range.end && b.range.start < f.range.end))
            .collect();
        let mut segments = Vec::new();
        let mut topic: Option<usize> = None;
        for found in self.found {
            let above = headings.iter().rposition(|h| h.range.start < found.range.start);
            if above.is_some() && above != topic {
                segments.push(Segment::topic(headings[above.unwrap_or_default()]));
                topic = above;
            }
            segments.push(Segment::Question(found.draft));
        }
        segments
    }
}

/// What a step says of a card beyond its text.
#[derive(Default)]
struct Card {
    reversible: bool,
    cloze: ClozeSyntax,
    deck: Option<String>,
    tags: Vec<String>,
}

fn is_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    (1..=6).contains(&hashes) && line[hashes..].starts_with(' ')
}

/// The front without a leading `#flashcards/…` tag (it names the deck).
fn skip_leading_tag(text: &str, front: Range<usize>) -> Range<usize> {
    let skip = decks::leading_tag(&text[front.clone()]).map_or(0, |(len, _)| len);
    (front.start + skip).min(front.end)..front.end
}

/// A card's text without the note tools' metadata and card tags, its
/// clozes in Anki's syntax (`syntax`, for the question text only).
pub fn clean_card_text(markdown: &str, syntax: Option<ClozeSyntax>) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.split_inclusive('\n') {
        if tagged::is_property_line(line) || lines::is_review_comment(line) {
            continue;
        }
        let (content, ending) = line.split_at(line.trim_end_matches(['\n', '\r']).len());
        let kept = &content[..lines::content_len(content)];
        out.push_str(&without_card_tags(kept));
        out.push_str(ending);
    }
    let out = out.trim_end().to_string();
    match syntax {
        Some(ClozeSyntax::Highlight) => cloze::highlights_to_cloze(&out),
        Some(ClozeSyntax::Logseq) => cloze::logseq_to_cloze(&out),
        Some(ClozeSyntax::Curly { highlights: true }) => cloze::curly_to_cloze(&cloze::highlights_to_curly(&out), true),
        Some(ClozeSyntax::Curly { highlights: false }) => cloze::curly_to_cloze(&out, true),
        Some(ClozeSyntax::FlashcardsObsidian) => cloze::curly_to_cloze(&cloze::highlights_to_curly(&out), false),
        _ => out,
    }
}

/// The line without `#card…`, `[[card]]` and `#flashcards…` tags.
fn without_card_tags(line: &str) -> String {
    let mut words = Vec::new();
    let mut changed = false;
    for word in line.split(' ') {
        let bare = word.trim_start_matches('#');
        let is_tag = word.starts_with('#') && decks::is_flashcard_tag(bare)
            || tagged::find_tag(word).is_some_and(|t| t.at == 0 && !word.contains('`'));
        if is_tag {
            changed = true;
        } else {
            words.push(word);
        }
    }
    if changed {
        words.join(" ").trim_end().to_string()
    } else {
        line.to_string()
    }
}
