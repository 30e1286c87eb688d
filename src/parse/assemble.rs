//! Turns a style's [`Draft`] into a [`Question`] with the rules every style
//! shares, in this order:
//! 1. the question text is the first block of the prompt range; lettered
//!    option lines in it become choices;
//! 2. spacers, `<!-- id: ... -->` comments and `Tags:` lines leave the body;
//! 3. prompt phase: code blocks, option lists and lead-in paragraphs ending
//!    with `:` right before code belong to the prompt (`context`);
//! 4. answer phase: the first paragraph(s) are the answer, the rest are
//!    details;
//! 5. kind (multiple choice with its key, cloze, open), difficulty, tags,
//!    slug and number;
//! 6. once the whole bank is read, [`Assembler::assign_ids`] gives every
//!    question an id unique in the bank ([`super::identity`]) and reports the
//!    questions without an answer: one `empty-answer` each, or one
//!    `no-answers` for a bank where no question has one (a worksheet).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::blocks::{parse_blocks, Block, BlockKind};
use super::cards::{clean_card_text, ClozeSyntax};
use super::choices::{self, Key};
use super::fragment::rich_from_blocks;
use super::identity::{distinguisher, Identities, Identity};
use super::text::{difficulty_line, id_comment, normalize_prompt, slugify, tags_line, trailing_difficulty};
use super::{is_paragraph, is_spacer, Draft};
use crate::diagnostic::{Code, Diagnostic};
use crate::lang::{detect_language, normalize_language};
use crate::model::{Bank, Difficulty, Kind, LanguageSource, Question, Rich};
use crate::source::{SourceFile, Span};

/// Assembles the questions of one bank, tracking what must be unique in it.
pub struct Assembler<'a> {
    file: &'a SourceFile,
    bank_id: String,
    bank_tags: Vec<String>,
    default_language: Option<String>,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// Normalized prompt and what tells it apart → line of its first
    /// occurrence.
    prompts: HashMap<(String, String), usize>,
    slugs: HashSet<String>,
    identities: Identities,
    count: u32,
    /// `empty-answer` warnings, held until the whole bank is read.
    unanswered: Vec<Diagnostic>,
}

/// The body split into its parts.
#[derive(Default)]
struct Parts {
    context: Vec<Block>,
    choices: Vec<Block>,
    task_key: Option<Vec<usize>>,
    answer: Vec<Block>,
    details: Vec<Block>,
    tags: Vec<String>,
    explicit_id: Option<String>,
    /// Where the `<!-- id: ... -->` comment is, when it is in the body.
    explicit_id_at: Option<Range<usize>>,
}

impl<'a> Assembler<'a> {
    pub fn new(file: &'a SourceFile, bank: &Bank, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Assembler {
            file,
            bank_id: bank.id.clone(),
            bank_tags: bank.tags.clone(),
            default_language: bank.default_language.clone(),
            diagnostics,
            prompts: HashMap::new(),
            slugs: HashSet::new(),
            identities: Identities::default(),
            count: 0,
            unanswered: Vec::new(),
        }
    }

    pub fn assemble(&mut self, draft: Draft, topic_slug: &str) -> Question {
        self.count += 1;
        let text = self.file.text.as_str();
        let mut prompt_blocks = if text[draft.prompt.clone()].trim().is_empty() {
            Vec::new()
        } else {
            parse_blocks(text, draft.prompt.clone())
        };
        // Answers are found again by offset: blocks are added and removed below.
        // An answer that starts after the last block (a question list's
        // subject kept as context, nothing after it) starts at the end.
        let answer_offset = draft.answer_from.map(|i| draft.body.get(i).map_or(usize::MAX, |b| b.range.start));
        let note_card = draft.note_card;
        // A note tool's card has no prompt code or choices: its whole front
        // is the question.
        let front = if note_card.is_some() { std::mem::take(&mut prompt_blocks) } else { Vec::new() };
        let mut body: Vec<Block> = prompt_blocks.split_off(prompt_blocks.len().min(1));
        body.extend(draft.body);
        let mut parts = Parts { explicit_id: draft.explicit_id, tags: draft.tags, ..Parts::default() };
        let mut question_block = prompt_blocks.pop();
        if let Some((question, options)) = question_block
            .as_ref()
            .filter(|b| is_paragraph(b))
            .and_then(|b| choices::split_options(text, b.range.clone()))
        {
            question_block = parse_blocks(text, question).into_iter().next();
            parts.choices = options.into_iter().flat_map(|r| parse_blocks(text, r)).collect();
        }
        let body = self.strip_metadata(body, &mut parts);
        let answer_from = answer_offset.map(|o| body.iter().position(|b| b.range.start >= o).unwrap_or(body.len()));
        // A numbered question (`Q12.`) asks something whatever its words.
        let asks = draft.number.is_some() || question_block.as_ref().is_some_and(|b| choices::asks_something(&b.text));
        split_body(text, body, answer_from, asks, &mut parts);

        let prompt = match note_card {
            Some(syntax) => self.card_prompt(&front, syntax),
            None => question_block.map(|b| self.rich(std::slice::from_ref(&b))).unwrap_or_default(),
        };
        let (prompt, difficulty) = without_difficulty_mark(prompt, draft.difficulty);
        let mut kind = self.kind(&prompt, &mut parts);
        if draft.reversible && kind == Kind::Open {
            kind = Kind::Reversible;
        }
        let all_text = || parts.context.iter().chain(&parts.answer).chain(&parts.details).map(|b| b.text.as_str());
        let difficulty = difficulty.or_else(|| all_text().find_map(difficulty_line));
        let prompt_text = plain_prompt(&prompt);
        let span = self.question_span(&prompt, &parts, &draft.prompt);
        let apart = distinguisher(&parts.context, &parts.choices, text);
        // A key answers a multiple-choice question, deletions a cloze.
        let keyed = matches!(&kind, Kind::MultipleChoice { correct, .. } if !correct.is_empty()) || kind == Kind::Cloze;
        self.check_prompt(&prompt_text, &apart, &parts, span, draft.inferred, keyed);
        let explicit_span = parts.explicit_id_at.clone().map_or(span, |range| self.file.span(range));
        self.identities.push(Identity {
            prompt: normalize_prompt(&prompt_text),
            apart,
            explicit: parts.explicit_id.clone().map(|id| (id, explicit_span)),
            line: span.line,
        });
        Question {
            // Set by `assign_ids` once every question of the bank is known.
            id: String::new(),
            explicit_id: false,
            number: draft.number.unwrap_or(self.count),
            slug: self.unique_slug(&prompt_text),
            context: self.card_rich(&parts.context, note_card.is_some()),
            answer: self.card_rich(&parts.answer, note_card.is_some()),
            details: self.card_rich(&parts.details, note_card.is_some()),
            tags: merge_tags(&self.bank_tags, &parts.tags, topic_slug),
            deck: draft.deck,
            prompt,
            kind,
            difficulty,
            inferred: draft.inferred,
            span,
        }
    }

    /// A note tool's card front: all its blocks, without the tool's
    /// metadata, its clozes in Anki's syntax.
    fn card_prompt(&self, front: &[Block], syntax: ClozeSyntax) -> Rich {
        let mut prompt = self.rich(front);
        prompt.markdown = clean_card_text(&prompt.markdown, Some(syntax));
        prompt.plain = clean_card_text(&prompt.plain, None);
        prompt
    }

    /// From the start of the question text to the end of its last part.
    fn question_span(&self, prompt: &Rich, parts: &Parts, draft_prompt: &Range<usize>) -> Span {
        let start = prompt.spans.first().map_or(draft_prompt.start, |s| s.start);
        let end = [&parts.answer, &parts.details, &parts.context, &parts.choices]
            .iter()
            .filter_map(|blocks| blocks.iter().map(|b| b.range.end).max())
            .max()
            .unwrap_or(draft_prompt.end)
            .max(draft_prompt.end)
            .max(start);
        self.file.span(start..end)
    }

    /// Drops spacers and moves id comments and `Tags:` lines out of the body.
    fn strip_metadata(&self, body: Vec<Block>, parts: &mut Parts) -> Vec<Block> {
        let text = &self.file.text;
        body.into_iter()
            .filter(|block| {
                if let Some(id) =
                    (block.kind == BlockKind::Html).then(|| id_comment(&text[block.range.clone()])).flatten()
                {
                    if parts.explicit_id.is_none() {
                        parts.explicit_id = Some(id);
                        parts.explicit_id_at = Some(block.range.clone());
                    }
                    return false;
                }
                if let Some(tags) = tags_line(block) {
                    parts.tags.extend(tags);
                    return false;
                }
                !is_spacer(text, block)
            })
            .collect()
    }

    /// Multiple choice when there are options (the key comes from the task
    /// list or the first answer paragraph), cloze when the prompt has
    /// `{{c1::...}}`, else open.
    fn kind(&mut self, prompt: &Rich, parts: &mut Parts) -> Kind {
        if parts.choices.is_empty() {
            return if crate::cloze::has_deletions(&prompt.markdown) { Kind::Cloze } else { Kind::Open };
        }
        let choices: Vec<Rich> = parts.choices.iter().map(|b| self.rich(std::slice::from_ref(b))).collect();
        let (correct, key_reported) = match parts.task_key.take() {
            Some(checked) => (checked, false),
            None => self.answer_key(&choices, parts),
        };
        if correct.is_empty() && !key_reported {
            let span = prompt.spans.first().copied();
            self.diagnostics.push(
                Diagnostic::new(Code::McqNoKey, self.file, span, "multiple-choice question has no answer key")
                    .with_note("start the answer with the option letter, e.g. `(b) ...` or `Answer: b`"),
            );
        }
        Kind::MultipleChoice { choices, correct }
    }

    /// The key from the first answer paragraph, and whether a bad key was
    /// already reported.
    fn answer_key(&mut self, choices: &[Rich], parts: &Parts) -> (Vec<usize>, bool) {
        let Some(first) = parts.answer.first() else { return (Vec::new(), false) };
        let texts: Vec<String> = choices.iter().map(plain_prompt).collect();
        // An explanation first and `Answer: B` after it.
        let keyed = parts.answer.iter().chain(&parts.details).skip(1).find(|b| choices::has_key_prefix(&b.text));
        let first = match choices::parse_key(&first.text, &texts) {
            Key::Missing => keyed.unwrap_or(first),
            _ => first,
        };
        match choices::parse_key(&first.text, &texts) {
            Key::Options(indices) => (indices, false),
            Key::Missing => (Vec::new(), false),
            Key::Invalid(named) => {
                let last = crate::model::option_letter(choices.len().saturating_sub(1));
                self.diagnostics.push(Diagnostic::new(
                    Code::McqKey,
                    self.file,
                    Some(self.file.span(first.range.clone())),
                    format!("answer key `{named}` names no option; the options are (a) to ({last})"),
                ));
                (Vec::new(), true)
            }
        }
    }

    /// Gives the questions assembled so far (`questions`, in the order
    /// they were assembled) their ids ([`Identities::assign`]) and reports
    /// the unanswered ones ([`Assembler::report_unanswered`]). Called once,
    /// when the bank is read.
    pub fn assign_ids<'q>(&mut self, questions: impl Iterator<Item = &'q mut Question>) {
        let identities = std::mem::take(&mut self.identities);
        identities.assign(&self.bank_id, self.file, questions, self.diagnostics);
        self.report_unanswered();
    }

    /// One `empty-answer` per unanswered question; but when no question of
    /// the bank (two or more) has an answer, the bank is a question list
    /// and one `no-answers` says so.
    fn report_unanswered(&mut self) {
        let unanswered = std::mem::take(&mut self.unanswered);
        if self.count >= 2 && unanswered.len() == self.count as usize {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::NoAnswers,
                    self.file,
                    None,
                    format!("none of the {} questions has an answer", self.count),
                )
                .with_note("the questions are kept; cards and handouts show them without answers"),
            );
        } else {
            self.diagnostics.extend(unanswered);
        }
    }

    fn check_prompt(
        &mut self,
        prompt_text: &str,
        apart: &str,
        parts: &Parts,
        span: crate::source::Span,
        inferred: bool,
        keyed: bool,
    ) {
        let file = self.file;
        if prompt_text.trim().is_empty() {
            self.diagnostics.push(Diagnostic::new(
                Code::EmptyPrompt,
                file,
                Some(span),
                "question marker with no question text",
            ));
            return;
        }
        // A multiple-choice question with a key is answered by its key.
        if parts.answer.is_empty() && parts.details.is_empty() && !keyed {
            self.unanswered.push(Diagnostic::new(Code::EmptyAnswer, file, Some(span), "question has no answer"));
        }
        // Only true duplicates: "What's the output?" with other code is
        // another question.
        let key = (normalize_prompt(prompt_text), apart.to_string());
        if let Some(first_line) = self.prompts.get(&key) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateQuestion,
                    file,
                    Some(span),
                    "the same question appears twice in this bank",
                )
                .with_note(format!("first asked on line {first_line}")),
            );
        } else if !inferred || !key.0.is_empty() {
            self.prompts.insert(key, span.line);
        }
    }

    fn unique_slug(&mut self, prompt_text: &str) -> String {
        let base: String = slugify(prompt_text).split('-').take(8).collect::<Vec<_>>().join("-");
        let mut slug = base.clone();
        let mut n = 2;
        while !self.slugs.insert(slug.clone()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        slug
    }

    /// [`Self::rich`], without a note tool's metadata for its cards.
    fn card_rich(&self, blocks: &[Block], note_card: bool) -> Rich {
        let mut rich = self.rich(blocks);
        if note_card {
            rich.markdown = clean_card_text(&rich.markdown, None);
        }
        rich
    }

    fn rich(&self, blocks: &[Block]) -> Rich {
        let mut rich = rich_from_blocks(self.file, blocks);
        for code in &mut rich.code {
            if code.language.is_none() {
                if let Some(lang) = &self.default_language {
                    code.language = normalize_language(lang);
                    code.language_source = LanguageSource::Default;
                } else if let Some(lang) = detect_language(&code.source) {
                    code.language = Some(lang.to_string());
                    code.language_source = LanguageSource::Guessed;
                }
            }
        }
        rich
    }
}

/// The prompt without a trailing difficulty mark (`👶`, `⭐️`, `🚀`), and
/// the difficulty: the one already known, else the mark's.
fn without_difficulty_mark(mut prompt: Rich, known: Option<Difficulty>) -> (Rich, Option<Difficulty>) {
    match trailing_difficulty(&prompt.markdown) {
        Some((difficulty, len)) => {
            prompt.markdown.truncate(prompt.markdown.len() - len);
            (prompt, known.or(Some(difficulty)))
        }
        None => (prompt, known),
    }
}

/// Splits the cleaned body into context, choices, answer and details.
/// `asks` says the question text asks something (see [`choices::asks_something`]).
fn split_body(text: &str, body: Vec<Block>, answer_from: Option<usize>, asks: bool, parts: &mut Parts) {
    let limit = answer_from.unwrap_or(body.len()).min(body.len());
    let (body, limit) = choices::split_task_tails(text, body, limit);
    let options_at = if asks { choices::options_after_context(text, &body, limit) } else { None };
    let mut i = 0;
    while i < limit {
        let block = &body[i];
        let next_is_code = body.get(i + 1).is_some_and(|b| b.kind == BlockKind::Code) && i + 1 < limit;
        if options_at.is_some_and(|at| i < at) {
            parts.context.push(block.clone());
            i += 1;
            continue;
        }
        if parts.choices.is_empty() && asks {
            if let Some((options, checked, taken)) = choices::code_task_options(&body[i..limit]) {
                parts.choices = options;
                parts.task_key = Some(checked);
                i += taken;
                continue;
            }
        }
        if parts.choices.is_empty() {
            let options = choices::list_options(text, block).filter(|o| asks || o.checked.is_none());
            if let Some(options) = options {
                parts.choices = options.ranges.into_iter().flat_map(|r| parse_blocks(text, r)).collect();
                parts.task_key = options.checked;
                i += 1;
                continue;
            }
            if let Some(options) = choices::paragraph_options(text, block) {
                parts.choices = options.into_iter().flat_map(|r| parse_blocks(text, r)).collect();
                i += 1;
                continue;
            }
        }
        let lead_in = is_paragraph(block) && block.text.trim_end().ends_with(':') && next_is_code;
        if block.kind == BlockKind::Code || lead_in || answer_from.is_some() {
            parts.context.push(block.clone());
            i += 1;
        } else {
            break;
        }
    }
    let mut rest = body.into_iter().skip(i).peekable();
    while let Some(block) = rest.next_if(is_paragraph) {
        parts.answer.push(block);
    }
    if parts.answer.is_empty() {
        parts.answer.extend(rest.next());
    }
    parts.details.extend(rest);
}

/// The prompt as plain words (markup and escapes removed).
fn plain_prompt(rich: &Rich) -> String {
    let mut text = String::new();
    for piece in rich.markdown.split(['*', '_', '`', '\\']) {
        text.push_str(piece);
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn merge_tags(bank: &[String], question: &[String], topic_slug: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in bank.iter().chain(question).map(String::as_str).chain([topic_slug]) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    tags
}
