//! Parsing: one Markdown file → one [`Bank`].
//!
//! In order:
//! 1. split off the front matter ([`front_matter`]);
//! 2. cut the body into top-level blocks ([`blocks`]), recovering from
//!    fences that swallow questions ([`fences`]) and opening the list
//!    items a person reads as top-level blocks ([`flatten`]);
//! 3. take the title (front matter `title`, else the first `#` heading,
//!    past a banner, else the file name);
//! 4. read the blocks with every applicable style (one file per style:
//!    [`marker`], [`heading`], [`bold`], [`details`], [`qa`]), each into
//!    topics and question drafts with its own diagnostics, answer
//!    collapsibles opened in every draft
//!    ([`details::open_answer_collapsibles`]);
//! 5. score each reading by its evidence ([`Score`]) and keep the best
//!    ([`choose_reading`]); front matter `style` forces one; the losers'
//!    diagnostics are dropped;
//! 6. second pass ([`mixed`]): a numbered question of another form inside
//!    a question's body (`Q78. ...` paragraphs in a `#### Q77.` bank)
//!    starts a question of its own;
//! 7. turn every draft into a [`Question`] with the rules all styles share
//!    ([`assemble`]: prompt code, choices and keys, cloze, tags,
//!    difficulty, ids).

pub mod blocks;
pub mod front_matter;

mod assemble;
mod bold;
mod cards;
mod choices;
mod details;
mod fences;
mod flatten;
mod fragment;
mod heading;
mod identity;
mod list;
mod marker;
mod mixed;
mod qa;
pub mod text;

use std::ops::Range;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Bank, Difficulty, Rich, Style, Topic};
use crate::source::SourceFile;
use crate::vault::Vault;
use blocks::{Block, BlockKind};
use text::is_spacer;

pub use text::slugify;

/// What a style module finds, in document order.
#[derive(Debug)]
pub enum Segment {
    Topic {
        title: String,
        range: Range<usize>,
    },
    Question(Draft),
    /// A block outside any question (text before the first question).
    Loose(Block),
}

impl Segment {
    /// A topic from its heading.
    pub fn topic(heading: &Block) -> Segment {
        Segment::Topic { title: heading.text.trim().to_string(), range: heading.range.clone() }
    }
}

/// A question as a style module found it, before the shared rules apply.
#[derive(Debug, Default)]
pub struct Draft {
    /// Source range of the question text: marker, numbering and wrapping
    /// markup already stripped.
    pub prompt: Range<usize>,
    /// The blocks after the question text, up to the next question.
    pub body: Vec<Block>,
    /// Index into `body` where an explicit answer starts (`A:`), if the
    /// style marks answers.
    pub answer_from: Option<usize>,
    pub number: Option<u32>,
    pub explicit_id: Option<String>,
    pub difficulty: Option<Difficulty>,
    pub inferred: bool,
    /// A card studied both ways (`front:::back`).
    pub reversible: bool,
    /// The Anki deck the author chose (`#flashcards/Deck/Sub` → `Deck::Sub`).
    pub deck: Option<String>,
    /// Tags of this question alone (a note tool's `Tags:` line, `#tags`
    /// after `#card`).
    pub tags: Vec<String>,
    /// Set for a note tool's card: its text carries the tool's metadata
    /// to drop, and its clozes are written in this syntax.
    pub note_card: Option<cards::ClozeSyntax>,
}

/// What every style module gets.
pub struct StyleInput<'a> {
    pub file: &'a SourceFile,
    pub blocks: &'a [Block],
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

/// A file cut into blocks, with what readings need of its front matter
/// and the vault.
struct Document<'a> {
    file: &'a SourceFile,
    blocks: &'a [Block],
    note: cards::NoteSettings<'a>,
}

/// Parses one file. `default_id` is the bank id when front matter sets none
/// (the file's path relative to the content folder, slugified). A note of
/// a `vault` is read for its note-tool cards only: its prose is no
/// question, and a note without cards is no problem.
pub fn parse_bank(
    file: &SourceFile,
    default_id: &str,
    config: &Config,
    vault: Option<&Vault>,
) -> (Bank, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let split = front_matter::split_front_matter(file, &mut diagnostics);
    let mut blocks = fences::parse_document(&file.text, split.body_start..file.text.len());
    flatten::flatten(&file.text, &mut blocks);
    let title = split
        .front
        .title
        .clone()
        .or_else(|| take_title_heading(&file.text, &mut blocks))
        .unwrap_or_else(|| file_stem(file));
    let note = cards::NoteSettings {
        body_start: split.body_start,
        front_tags: &split.front.tags.0,
        flashcards_obsidian: split.front.cards_deck.is_some(),
        obsidian_to_anki: vault.map(|v| v.obsidian_to_anki).unwrap_or_default(),
    };
    let doc = Document { file, blocks: &blocks, note };
    let (reading, why) = match split.style {
        Some(style) => (read(&doc, style), Some("forced by front matter")),
        None if vault.is_some() => (read(&doc, Style::Cards), Some("a note of a vault: cards only")),
        None => (choose_reading(&doc), None),
    };
    let Reading { style, segments, diagnostics: reading_diagnostics, score, runner_up } = reading;
    // Note-tool cards are cut by their syntax: nothing in them is another
    // question's start.
    let (segments, added) = match style {
        Style::Cards => (segments, 0),
        _ => mixed::split_mixed(&file.text, segments),
    };
    diagnostics.extend(reading_diagnostics);
    let id = split.front.id.clone().unwrap_or_else(|| default_id.to_string());
    let mut bank = Bank {
        deck_name: (split.front.deck.clone().or_else(|| split.front.cards_deck.clone()))
            .or_else(|| config.anki.deck.clone())
            .unwrap_or_else(|| title.clone()),
        id,
        title,
        source_path: file.path.clone(),
        // A note tool's deck tag (`flashcards/Bio`) names a deck, no topic.
        tags: split
            .front
            .tags
            .0
            .iter()
            .filter(|t| style != Style::Cards || !cards::is_flashcard_tag(t))
            .cloned()
            .collect(),
        default_language: split.front.language.clone().or_else(|| config.code.default_language.clone()),
        style,
        reading: describe_reading(style, score, runner_up, why, added),
        intro: Rich::default(),
        topics: Vec::new(),
    };
    build_topics(&mut bank, segments, file, &mut diagnostics);
    if vault.is_some() {
        // Notes carry other tools' keys (`aliases`, `created`): no note
        // about them, and a note without cards raises nothing.
        let empty = bank.questions().next().is_none();
        diagnostics.retain(|d| d.code != Code::UnknownFrontMatterKey && !(empty && d.code == Code::FrontMatterValue));
    }
    if bank.questions().next().is_none() && vault.is_none() {
        diagnostics.push(Diagnostic::new(
            Code::NoQuestions,
            file,
            None,
            format!("no questions found (parsed as `{}` style)", style.as_str()),
        ));
    }
    (bank, diagnostics)
}

/// Groups assembled questions under their topics. Questions before the
/// first topic heading go to a topic named after the bank.
fn build_topics(bank: &mut Bank, segments: Vec<Segment>, file: &SourceFile, diagnostics: &mut Vec<Diagnostic>) {
    let mut assembler = assemble::Assembler::new(file, bank, diagnostics);
    let mut topics: Vec<Topic> = Vec::new();
    let mut intro = Vec::new();
    for segment in segments {
        match segment {
            Segment::Topic { title, range } => topics.push(Topic {
                slug: slugify(&title),
                title,
                line: Some(file.line_col(range.start).0),
                questions: Vec::new(),
            }),
            Segment::Question(draft) => {
                if topics.is_empty() {
                    topics.push(Topic {
                        title: bank.title.clone(),
                        slug: slugify(&bank.title),
                        line: None,
                        questions: Vec::new(),
                    });
                }
                let topic = topics.last_mut().expect("a topic was just ensured");
                let question = assembler.assemble(draft, &topic.slug);
                topic.questions.push(question);
            }
            Segment::Loose(block) => intro.push(block),
        }
    }
    assembler.assign_ids(topics.iter_mut().flat_map(|t| t.questions.iter_mut()));
    bank.intro = fragment::rich_from_blocks(file, &without_contents(&file.text, intro));
    bank.topics = topics;
}

/// The intro without its tables of contents (lists or tables of in-page
/// links: the site makes its own) and the "Contents" headings over them.
fn without_contents(text: &str, blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for block in blocks {
        if !text::is_table_of_contents(text, &block) {
            out.push(block);
            continue;
        }
        let title = out.iter().rposition(|b| !is_spacer(text, b));
        if let Some(at) = title.filter(|&at| out[at].is_heading() && text::is_contents_title(&out[at].text)) {
            out.truncate(at);
        }
    }
    out
}

/// Removes and returns the first `#` heading when only banners, badges,
/// links and spacers come before it (an image above the title): it is the
/// bank's title, not a topic. What stood before it stays.
fn take_title_heading(text: &str, blocks: &mut Vec<Block>) -> Option<String> {
    // Banners and a line of tags (`#flashcards`) may stand before it.
    let at =
        blocks.iter().position(|b| !is_spacer(text, b) && !text::is_links_only(text, b) && !text::is_tags_only(b))?;
    if blocks[at].heading_level() != Some(1) {
        return None;
    }
    Some(blocks.remove(at).text.trim().to_string())
}

fn file_stem(file: &SourceFile) -> String {
    file.path.file_stem().map_or_else(|| "Untitled".to_string(), |s| s.to_string_lossy().into_owned())
}

/// One reading of a file: what a style found and the diagnostics it raised.
struct Reading {
    style: Style,
    segments: Vec<Segment>,
    diagnostics: Vec<Diagnostic>,
    score: Score,
    /// The best other reading, for `check --outline`.
    runner_up: Option<(Style, Score)>,
}

/// The evidence for a reading.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Score {
    pub questions: usize,
    /// Questions with something after the prompt.
    pub answered: usize,
    /// Prompts that are an answer label ("Answer", "Solution"): misreads.
    pub labels: usize,
    /// Share of the file's content (bytes of non-spacer blocks) inside
    /// questions, in thousandths.
    pub coverage: usize,
}

impl Score {
    /// One number to compare readings: answered questions count most, an
    /// answer label as a prompt costs more than the question gains, and
    /// coverage breaks ties between readings that find as many questions.
    pub fn value(self) -> i64 {
        let [q, a, l, c] = [self.questions, self.answered, self.labels, self.coverage].map(|n| n as i64);
        (q + 2 * a - 4 * l) * 1000 + c
    }

    fn key(self) -> (bool, i64) {
        (self.questions > 0, self.value())
    }
}

/// The styles tried, in the order that wins ties: the more specific first.
const TIE_ORDER: [Style; 6] = [Style::Cards, Style::Details, Style::Qa, Style::Marker, Style::Heading, Style::Bold];

/// Reads the blocks with every style that sees a question start (marker
/// always: its inferred questions need no start) and keeps the reading
/// with the best [`Score`]: a reading that finds questions always beats
/// one that finds none, and cards written in a note tool's syntax beat
/// every other reading (the syntax says what is a card).
fn choose_reading(doc: &Document) -> Reading {
    let text = doc.file.text.as_str();
    let mut readings: Vec<Reading> = TIE_ORDER
        .iter()
        .filter(|style| match style {
            Style::Marker => true,
            Style::Cards => cards::applies(text, doc.blocks, &doc.note),
            other => count_starts(**other, text, doc.blocks) > 0,
        })
        .map(|style| read(doc, *style))
        .collect();
    // Stable: on equal keys the earlier (tie-order) reading stays first.
    readings.sort_by_key(|r| std::cmp::Reverse((r.style == Style::Cards && r.score.questions > 0, r.score.key())));
    let mut readings = readings.into_iter();
    let mut best = readings.next().expect("the marker reading is always tried");
    best.runner_up = readings.next().map(|r| (r.style, r.score));
    best
}

fn count_starts(style: Style, text: &str, blocks: &[Block]) -> usize {
    match style {
        Style::Marker => marker::count_starts(text, blocks),
        Style::Heading => heading::count_starts(text, blocks),
        Style::Bold => bold::count_starts(text, blocks),
        Style::Details => details::count_starts(text, blocks),
        Style::Qa => qa::count_starts(text, blocks),
        Style::Cards => 0,
    }
}

/// One style's reading of the blocks, scored.
fn read(doc: &Document, style: Style) -> Reading {
    let (file, blocks) = (doc.file, doc.blocks);
    let mut diagnostics = Vec::new();
    let mut input = StyleInput { file, blocks, diagnostics: &mut diagnostics };
    let mut segments = match style {
        Style::Marker => marker::segment(&mut input),
        Style::Heading => heading::segment(&mut input),
        Style::Bold => bold::segment(&mut input),
        Style::Details => details::segment(&mut input),
        Style::Qa => qa::segment(&mut input),
        Style::Cards => cards::segment(&mut input, &doc.note),
    };
    for segment in &mut segments {
        if let Segment::Question(draft) = segment {
            details::open_answer_collapsibles(&file.text, draft);
        }
    }
    let score = score(&file.text, blocks, &segments);
    Reading { style, segments, diagnostics, score, runner_up: None }
}

/// Counts the evidence in a reading's segments.
fn score(text: &str, blocks: &[Block], segments: &[Segment]) -> Score {
    let content: usize = blocks.iter().filter(|b| !is_spacer(text, b)).map(|b| b.range.len()).sum();
    let mut score = Score::default();
    let mut covered = 0;
    for segment in segments {
        let Segment::Question(draft) = segment else { continue };
        score.questions += 1;
        let answer = &draft.body[draft.answer_from.unwrap_or(0).min(draft.body.len())..];
        if answer.iter().any(|b| !is_spacer(text, b)) {
            score.answered += 1;
        }
        if text::is_answer_label(&text[draft.prompt.clone()]) {
            score.labels += 1;
        }
        covered += draft.prompt.len() + draft.body.iter().map(|b| b.range.len()).sum::<usize>();
    }
    score.coverage = (covered * 1000).checked_div(content).unwrap_or(0).min(1000);
    score
}

/// How the bank was read, for `check --outline`.
fn describe_reading(
    style: Style,
    score: Score,
    runner_up: Option<(Style, Score)>,
    why: Option<&str>,
    added: usize,
) -> String {
    let summary = |s: Score| {
        format!("{} found, {} answered, {}‰ covered, score {}", s.questions, s.answered, s.coverage, s.value())
    };
    let mut out = format!("{} reading: {}", style.as_str(), summary(score));
    if let Some(why) = why {
        out.push_str(&format!(" ({why})"));
    } else if let Some((other, s)) = runner_up {
        out.push_str(&format!("; runner-up {}: {}", other.as_str(), summary(s)));
    }
    if added > 0 {
        out.push_str(&format!("; second pass: {added} more in answers"));
    }
    out
}

/// True when the block at `i` is a heading that introduces a question:
/// only other headings and spacers stand between it and a question start.
/// Headings followed by anything else belong to the answer they are in.
pub fn heading_starts_topic(text: &str, blocks: &[Block], i: usize, is_start: impl Fn(usize) -> bool) -> bool {
    if !blocks[i].is_heading() {
        return false;
    }
    let mut j = i + 1;
    while j < blocks.len() && (blocks[j].is_heading() || is_spacer(text, &blocks[j])) {
        j += 1;
    }
    j < blocks.len() && is_start(j)
}

/// Ends the current question, if any.
pub fn flush(segments: &mut Vec<Segment>, current: &mut Option<Draft>) {
    if let Some(draft) = current.take() {
        segments.push(Segment::Question(draft));
    }
}

pub(crate) fn is_paragraph(block: &Block) -> bool {
    block.kind == BlockKind::Paragraph
}
