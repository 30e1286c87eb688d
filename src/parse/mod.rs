//! Parsing: one Markdown file → one [`Bank`].
//!
//! In order:
//! 1. split off the front matter ([`front_matter`]);
//! 2. cut the body into top-level blocks ([`blocks`]);
//! 3. take the title (front matter `title`, else the first `#` heading,
//!    else the file name);
//! 4. detect the question style, unless front matter forces one
//!    ([`detect_style`]);
//! 5. let that style's module cut the blocks into topics and question
//!    drafts (one file per style: [`marker`], [`heading`], [`bold`],
//!    [`details`], [`qa`]);
//! 6. turn every draft into a [`Question`] with the rules all styles share
//!    ([`assemble`]: prompt code, choices and keys, cloze, tags,
//!    difficulty, ids).

pub mod blocks;
pub mod front_matter;

mod assemble;
mod bold;
mod choices;
mod details;
mod heading;
mod marker;
mod qa;
pub mod text;

use std::ops::Range;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Bank, Difficulty, Rich, Style, Topic};
use crate::source::SourceFile;
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
}

/// What every style module gets.
pub struct StyleInput<'a> {
    pub file: &'a SourceFile,
    pub blocks: &'a [Block],
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

/// Parses one file. `default_id` is the bank id when front matter sets none
/// (the file's path relative to the content folder, slugified).
pub fn parse_bank(file: &SourceFile, default_id: &str, config: &Config) -> (Bank, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let split = front_matter::split_front_matter(file, &mut diagnostics);
    let mut blocks = blocks::parse_document(&file.text, split.body_start..file.text.len());
    let title =
        split.front.title.clone().or_else(|| take_title_heading(&mut blocks)).unwrap_or_else(|| file_stem(file));
    let style = split.style.unwrap_or_else(|| detect_style(&file.text, &blocks));
    let mut input = StyleInput { file, blocks: &blocks, diagnostics: &mut diagnostics };
    let segments = match style {
        Style::Marker => marker::segment(&mut input),
        Style::Heading => heading::segment(&mut input),
        Style::Bold => bold::segment(&mut input),
        Style::Details => details::segment(&mut input),
        Style::Qa => qa::segment(&mut input),
    };
    let id = split.front.id.clone().unwrap_or_else(|| default_id.to_string());
    let mut bank = Bank {
        deck_name: split.front.deck.clone().or_else(|| config.anki.deck.clone()).unwrap_or_else(|| title.clone()),
        id,
        title,
        source_path: file.path.clone(),
        tags: split.front.tags.0.clone(),
        default_language: split.front.language.clone().or_else(|| config.code.default_language.clone()),
        style,
        intro: Rich::default(),
        topics: Vec::new(),
    };
    build_topics(&mut bank, segments, file, &mut diagnostics);
    if bank.questions().next().is_none() {
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
    bank.intro = assemble::rich_from_blocks(file, &intro);
    bank.topics = topics;
}

/// Removes and returns the first `#` heading when it comes before any
/// other content: it is the bank's title, not a topic.
fn take_title_heading(blocks: &mut Vec<Block>) -> Option<String> {
    let first = blocks.first()?;
    if first.heading_level() == Some(1) {
        let title = first.text.trim().to_string();
        blocks.remove(0);
        Some(title)
    } else {
        None
    }
}

fn file_stem(file: &SourceFile) -> String {
    file.path.file_stem().map_or_else(|| "Untitled".to_string(), |s| s.to_string_lossy().into_owned())
}

/// Picks the style with the most question starts. Ties go to the more
/// specific style (details, qa, marker, heading, bold); no signal at all
/// means marker, whose inferred questions still find `?` paragraphs.
pub fn detect_style(text: &str, blocks: &[Block]) -> Style {
    let scores = [
        (Style::Details, details::count_starts(text, blocks)),
        (Style::Qa, qa::count_starts(text, blocks)),
        (Style::Marker, marker::count_starts(text, blocks)),
        (Style::Heading, heading::count_starts(text, blocks)),
        (Style::Bold, bold::count_starts(text, blocks)),
    ];
    let best = scores.iter().map(|(_, n)| *n).max().unwrap_or(0);
    if best == 0 {
        return Style::Marker;
    }
    scores.iter().find(|(_, n)| *n == best).map_or(Style::Marker, |(s, _)| *s)
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
