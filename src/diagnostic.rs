//! Diagnostics: content problems found while loading, parsing and
//! validating, each with a stable code and a location in the original
//! Markdown. Rendered like rustc (codespan-reporting) or as JSON lines.

use std::path::PathBuf;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use serde::{Deserialize, Serialize};

use crate::source::{SourceFile, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// Every diagnostic code studymark emits. The string form is stable: editors
/// and CI scripts match on it. Each is documented in `docs/diagnostics.md` (a test checks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    MathParse,
    MathTooLong,
    CodeSyntax,
    McqKey,
    McqNoKey,
    EmptyAnswer,
    EmptyPrompt,
    DuplicateQuestion,
    DuplicateId,
    MissingImage,
    UnsupportedImage,
    BrokenLink,
    UnsafeLink,
    InferredQuestion,
    UnterminatedFence,
    SplitFence,
    UnknownConfigKey,
    InvalidConfig,
    FrontMatter,
    FrontMatterValue,
    UnknownFrontMatterKey,
    DuplicateBank,
    SkippedLink,
    InvalidUtf8,
    NoQuestions,
    IdInherited,
    NestingTooDeep,
    MathUnclosed,
    NoAnswers,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MathParse => "math-parse",
            Code::MathTooLong => "math-too-long",
            Code::CodeSyntax => "code-syntax",
            Code::McqKey => "mcq-key",
            Code::McqNoKey => "mcq-no-key",
            Code::EmptyAnswer => "empty-answer",
            Code::EmptyPrompt => "empty-prompt",
            Code::DuplicateQuestion => "duplicate-question",
            Code::DuplicateId => "duplicate-id",
            Code::MissingImage => "missing-image",
            Code::UnsupportedImage => "unsupported-image",
            Code::BrokenLink => "broken-link",
            Code::UnsafeLink => "unsafe-link",
            Code::InferredQuestion => "inferred-question",
            Code::UnterminatedFence => "unterminated-fence",
            Code::SplitFence => "split-fence",
            Code::UnknownConfigKey => "unknown-config-key",
            Code::InvalidConfig => "invalid-config",
            Code::FrontMatter => "front-matter",
            Code::FrontMatterValue => "front-matter-value",
            Code::UnknownFrontMatterKey => "unknown-front-matter-key",
            Code::DuplicateBank => "duplicate-bank",
            Code::SkippedLink => "skipped-link",
            Code::InvalidUtf8 => "invalid-utf8",
            Code::NoQuestions => "no-questions",
            Code::IdInherited => "id-inherited",
            Code::NestingTooDeep => "nesting-too-deep",
            Code::MathUnclosed => "math-unclosed",
            Code::NoAnswers => "no-answers",
        }
    }

    /// The severity a code is reported with.
    pub fn severity(self) -> Severity {
        match self {
            Code::MathParse
            | Code::McqKey
            | Code::EmptyPrompt
            | Code::MissingImage
            | Code::UnsupportedImage
            | Code::InvalidConfig
            | Code::FrontMatter
            | Code::DuplicateBank
            | Code::DuplicateId
            | Code::InvalidUtf8 => Severity::Error,
            // Notes hold pseudo-code and fragments: a block that does not
            // parse is worth a warning, not a failed build.
            Code::CodeSyntax
            | Code::McqNoKey
            | Code::EmptyAnswer
            | Code::DuplicateQuestion
            | Code::BrokenLink
            | Code::UnsafeLink
            | Code::InferredQuestion
            | Code::UnterminatedFence
            | Code::SplitFence
            | Code::UnknownConfigKey
            | Code::FrontMatterValue
            | Code::SkippedLink
            | Code::NoQuestions
            | Code::NestingTooDeep
            | Code::MathTooLong
            | Code::MathUnclosed
            | Code::NoAnswers => Severity::Warning,
            Code::IdInherited | Code::UnknownFrontMatterKey => Severity::Info,
        }
    }
}

/// One problem, located in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub file: PathBuf,
    /// Absent for problems that concern a whole file (or no file).
    pub span: Option<Span>,
    /// Extra lines shown under the snippet.
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn new(code: Code, file: &SourceFile, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            message: message.into(),
            file: file.path.clone(),
            span,
            notes: Vec::new(),
        }
    }

    /// A diagnostic about a whole file, read or not (no span, no snippet).
    pub fn about_file(code: Code, path: &std::path::Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            message: message.into(),
            file: path.to_path_buf(),
            span: None,
            notes: Vec::new(),
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn line(&self) -> usize {
        self.span.map_or(1, |s| s.line)
    }

    pub fn column(&self) -> usize {
        self.span.map_or(1, |s| s.column)
    }

    /// The JSON-lines form: `{"severity", "code", "file", "line", "column", "message"}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "severity": self.severity,
            "code": self.code,
            "file": self.file.display().to_string(),
            "line": self.line(),
            "column": self.column(),
            "message": self.message,
        })
    }
}

/// Sorts diagnostics by file, then position, then code, so output is stable.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics
        .sort_by(|a, b| (&a.file, a.span.map(|s| s.start), a.code).cmp(&(&b.file, b.span.map(|s| s.start), b.code)));
}

/// Renders diagnostics like rustc: the message, the code, a snippet of the
/// source with a caret under the span.
pub fn render_human(diagnostics: &[Diagnostic], sources: &[SourceFile], color: bool) -> String {
    let mut files = SimpleFiles::new();
    let ids: Vec<(PathBuf, usize)> =
        sources.iter().map(|s| (s.path.clone(), files.add(s.path.display().to_string(), s.text.as_str()))).collect();
    let config = term::Config::default();
    let mut out = String::new();
    for diagnostic in diagnostics {
        let file_id = ids.iter().find(|(p, _)| *p == diagnostic.file).map(|(_, id)| *id);
        let rendered = match (file_id, diagnostic.span) {
            (Some(id), Some(span)) => {
                let cs_diag = to_codespan(diagnostic, id, span);
                render_one(&config, &files, &cs_diag, color)
            }
            _ => None,
        };
        out.push_str(&rendered.unwrap_or_else(|| render_without_snippet(diagnostic)));
    }
    out
}

fn to_codespan(diagnostic: &Diagnostic, file_id: usize, span: Span) -> cs::Diagnostic<usize> {
    let severity = match diagnostic.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Info => cs::Severity::Note,
    };
    cs::Diagnostic::new(severity)
        .with_code(diagnostic.code.as_str())
        .with_message(&diagnostic.message)
        .with_labels(vec![cs::Label::primary(file_id, span.range())])
        .with_notes(diagnostic.notes.clone())
}

fn render_one(
    config: &term::Config,
    files: &SimpleFiles<String, &str>,
    diagnostic: &cs::Diagnostic<usize>,
    color: bool,
) -> Option<String> {
    if color {
        let mut buffer = term::termcolor::Buffer::ansi();
        term::emit_to_write_style(&mut buffer, config, files, diagnostic).ok()?;
        String::from_utf8(buffer.into_inner()).ok()
    } else {
        term::emit_into_string(config, files, diagnostic).ok()
    }
}

fn render_without_snippet(diagnostic: &Diagnostic) -> String {
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let mut out = format!(
        "{severity}[{}]: {}\n  ┌─ {}\n",
        diagnostic.code.as_str(),
        diagnostic.message,
        diagnostic.file.display()
    );
    for note in &diagnostic.notes {
        out.push_str(&format!("  = {note}\n"));
    }
    out.push('\n');
    out
}
