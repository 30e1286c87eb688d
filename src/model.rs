//! The typed model every stage after parsing reads: banks, topics and
//! questions with their rich Markdown fragments and source spans.
//!
//! `studymark model` prints it as JSON. The JSON keeps the Markdown of each
//! fragment as a string and lists code blocks separately (`prompt_code`).

use std::path::PathBuf;

use serde::{Serialize, Serializer};

use crate::source::Span;

#[derive(Debug, Clone, Serialize)]
pub struct Bank {
    pub id: String,
    pub title: String,
    #[serde(rename = "source")]
    pub source_path: PathBuf,
    pub deck_name: String,
    pub tags: Vec<String>,
    pub default_language: Option<String>,
    /// The question style the parser used for this file.
    pub style: Style,
    /// Why that style won: its evidence and the runner-up's (`check
    /// --outline` prints it).
    #[serde(skip)]
    pub reading: String,
    /// Text before the first question (after the title), kept so nothing
    /// the author wrote is dropped.
    #[serde(skip)]
    pub intro: Rich,
    pub topics: Vec<Topic>,
}

impl Bank {
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.topics.iter().flat_map(|t| t.questions.iter())
    }

    /// True when the bank has nothing to show: no question and no text
    /// (a note of a vault without cards). Outputs leave it out.
    pub fn is_empty(&self) -> bool {
        self.questions().next().is_none() && self.intro.is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Topic {
    pub title: String,
    pub slug: String,
    /// Where the topic heading is; `None` for the implicit topic of
    /// questions that come before any topic heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    Marker,
    Heading,
    Bold,
    Details,
    Qa,
    /// Note-tool flashcards (`front::back`, `#card`, `START`…`END`).
    Cards,
}

impl Style {
    pub const ALL: [Style; 6] = [Style::Marker, Style::Heading, Style::Bold, Style::Details, Style::Qa, Style::Cards];

    pub fn as_str(self) -> &'static str {
        match self {
            Style::Marker => "marker",
            Style::Heading => "heading",
            Style::Bold => "bold",
            Style::Details => "details",
            Style::Qa => "qa",
            Style::Cards => "cards",
        }
    }

    pub fn from_name(name: &str) -> Option<Style> {
        Style::ALL.into_iter().find(|s| s.as_str() == name.trim().to_ascii_lowercase())
    }
}

#[derive(Debug, Clone)]
pub struct Question {
    /// Unique in the bank (see `parse::assemble`); the Anki GUID and the
    /// key of the site's study progress are made from it.
    pub id: String,
    /// True when `id` is the author's `<!-- id: ... -->`: the lock never
    /// replaces it with an inherited one.
    pub explicit_id: bool,
    /// The author's number (`3)`, `Q3:`), else the position in the bank.
    pub number: u32,
    pub slug: String,
    /// The question text, without marker, numbering or choices.
    pub prompt: Rich,
    /// What the front of the card shows beyond the question text: lead-in
    /// paragraphs and prompt code, in document order.
    pub context: Rich,
    pub kind: Kind,
    /// The short answer: the first paragraph(s) after the prompt.
    pub answer: Rich,
    /// Everything after the short answer: explanations, lists, sections.
    pub details: Rich,
    pub tags: Vec<String>,
    /// The Anki deck the author chose for this question (`Deck::Sub`,
    /// from a `#flashcards/Deck/Sub` tag or a `TARGET DECK` line); `None`
    /// puts it in the bank's deck, under its topic.
    pub deck: Option<String>,
    pub difficulty: Option<Difficulty>,
    /// True when the question had no marker and was inferred from a
    /// paragraph ending with `?`.
    pub inferred: bool,
    /// From the start of the prompt to the end of the details.
    pub span: Span,
}

impl Question {
    /// Every fragment of the question, in reading order.
    pub fn fragments(&self) -> impl Iterator<Item = &Rich> {
        let choices = match &self.kind {
            Kind::MultipleChoice { choices, .. } => choices.as_slice(),
            _ => &[],
        };
        [&self.prompt, &self.context].into_iter().chain(choices).chain([&self.answer, &self.details])
    }

    pub fn math_count(&self) -> usize {
        self.fragments().map(|r| r.math.len()).sum()
    }

    pub fn code_count(&self) -> usize {
        self.fragments().map(|r| r.code.len()).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Open,
    /// `choices` are Markdown; `correct` holds 0-based indices into them.
    MultipleChoice {
        choices: Vec<Rich>,
        correct: Vec<usize>,
    },
    Cloze,
    /// A basic card studied in both directions (`front:::back`): the
    /// prompt asks for the answer and the answer for the prompt.
    Reversible,
}

impl Kind {
    /// 0-based indices of the correct options; empty unless multiple choice.
    pub fn correct(&self) -> &[usize] {
        match self {
            Kind::MultipleChoice { correct, .. } => correct,
            _ => &[],
        }
    }

    /// The key as the outputs print it: `(a), (c)`.
    pub fn key_label(&self) -> String {
        self.correct().iter().map(|i| format!("({})", option_letter(*i))).collect::<Vec<_>>().join(", ")
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Open => "open",
            Kind::MultipleChoice { .. } => "multiple_choice",
            Kind::Cloze => "cloze",
            Kind::Reversible => "reversible",
        }
    }
}

/// The letter of option `index`: 0 → `a`.
pub fn option_letter(index: usize) -> char {
    char::from(b'a' + (index % 26) as u8)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub fn from_word(word: &str) -> Option<Difficulty> {
        match word.trim().to_ascii_lowercase().as_str() {
            "easy" | "beginner" | "basic" => Some(Difficulty::Easy),
            "medium" | "intermediate" | "moderate" => Some(Difficulty::Medium),
            "hard" | "advanced" | "difficult" => Some(Difficulty::Hard),
            _ => None,
        }
    }
}

/// A Markdown fragment cut from the source, with the code blocks and
/// formulas inside it. Code and math keep their own spans, so every later
/// stage can point back at the document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rich {
    pub markdown: String,
    /// The text without markup (math kept as `$tex$`), for search and ids.
    pub plain: String,
    pub code: Vec<CodeBlock>,
    pub math: Vec<Math>,
    pub links: Vec<Link>,
    /// Spans of the source pieces the Markdown was cut from.
    pub spans: Vec<Span>,
}

impl Rich {
    pub fn is_empty(&self) -> bool {
        self.markdown.trim().is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeBlock {
    /// The resolved language (fence label, else the bank default, else the
    /// guess); `None` when unknown.
    pub language: Option<String>,
    /// How the language was found.
    #[serde(skip)]
    pub language_source: LanguageSource,
    /// 1-based document line of the block's first code line.
    pub line: usize,
    pub source: String,
    #[serde(skip)]
    pub span: Span,
    /// True when the fence was never closed.
    #[serde(skip)]
    pub unterminated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LanguageSource {
    Label,
    Default,
    Guessed,
    #[default]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Math {
    pub tex: String,
    pub display: bool,
    /// Span of the TeX source between the delimiters.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub url: String,
    pub image: bool,
    pub span: Span,
}

/// The JSON shape of a question (see the module docs).
#[derive(Serialize)]
struct QuestionJson<'a> {
    id: &'a str,
    number: u32,
    slug: &'a str,
    line: usize,
    end_line: usize,
    kind: &'static str,
    prompt: &'a str,
    context: &'a str,
    prompt_code: &'a [CodeBlock],
    choices: Vec<&'a str>,
    correct: &'a [usize],
    answer: &'a str,
    details: &'a str,
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    deck: Option<&'a str>,
    difficulty: Option<Difficulty>,
    inferred: bool,
    math_count: usize,
    code_count: usize,
}

impl Serialize for Question {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (choices, correct): (Vec<&str>, &[usize]) = match &self.kind {
            Kind::MultipleChoice { choices, correct } => (choices.iter().map(|c| c.markdown.trim()).collect(), correct),
            _ => (Vec::new(), &[]),
        };
        QuestionJson {
            id: &self.id,
            number: self.number,
            slug: &self.slug,
            line: self.span.line,
            end_line: self.span.end_line,
            kind: self.kind.as_str(),
            prompt: self.prompt.markdown.trim(),
            context: self.context.markdown.trim(),
            prompt_code: &self.context.code,
            choices,
            correct,
            answer: self.answer.markdown.trim(),
            details: self.details.markdown.trim(),
            tags: &self.tags,
            deck: self.deck.as_deref(),
            difficulty: self.difficulty,
            inferred: self.inferred,
            math_count: self.math_count(),
            code_count: self.code_count(),
        }
        .serialize(s)
    }
}
