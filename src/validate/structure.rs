//! Structure checks on the parsed model: unterminated and split code
//! fences, images and local links that point at nothing.

use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{CodeBlock, LanguageSource, Rich};
use crate::source::SourceFile;

pub fn check_structure(
    file: &SourceFile,
    code: &[&CodeBlock],
    fragments: &[&Rich],
    content_root: &Path,
) -> Vec<Diagnostic> {
    let mut diagnostics = check_fences(file, code);
    for link in fragments.iter().flat_map(|r| &r.links) {
        if let Some(diagnostic) = check_link(file, &link.url, link.image, link.span, content_root) {
            diagnostics.push(diagnostic);
        }
    }
    diagnostics
}

fn check_fences(file: &SourceFile, code: &[&CodeBlock]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (i, block) in code.iter().enumerate() {
        if block.unterminated {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnterminatedFence,
                    file,
                    Some(fence_line(file, block)),
                    "code fence is never closed",
                )
                .with_note(format!("the block runs to line {}; close it with a matching fence", block.span.end_line)),
            );
        }
        let Some(previous) = i.checked_sub(1).map(|p| code[p]) else { continue };
        let between = file.text.get(previous.span.end..block.span.start).unwrap_or("x");
        // Two blocks labeled with different languages are meant to be apart.
        let labeled_apart = previous.language_source == LanguageSource::Label
            && block.language_source == LanguageSource::Label
            && previous.language != block.language;
        if !labeled_apart && previous.span.end <= block.span.start && between.trim().is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    Code::SplitFence,
                    file,
                    Some(fence_line(file, block)),
                    format!("code block directly continues the one ending on line {}", previous.span.end_line),
                )
                .with_note("if this is one piece of code split in two, merge the blocks"),
            );
        }
    }
    diagnostics
}

/// The span of a block's opening fence line.
fn fence_line(file: &SourceFile, block: &CodeBlock) -> crate::source::Span {
    let start = block.span.start;
    let end = file.text[start..].find('\n').map_or(file.text.len(), |i| start + i);
    file.span(start..end.min(block.span.end).max(start))
}

fn check_link(
    file: &SourceFile,
    url: &str,
    image: bool,
    span: crate::source::Span,
    content_root: &Path,
) -> Option<Diagnostic> {
    let path = url.split(['#', '?']).next().unwrap_or_default();
    if path.is_empty() || url.contains("://") || url.starts_with("data:") || url.starts_with("mailto:") {
        return None;
    }
    let base = file.path.parent().unwrap_or(Path::new(""));
    let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    let target = normalize(&base.join(path));
    let code = if image { Code::MissingImage } else { Code::BrokenLink };
    let what = if image { "image" } else { "link target" };
    if !target.starts_with(content_root) {
        return Some(Diagnostic::new(code, file, Some(span), format!("{what} `{url}` is outside the content folder")));
    }
    (!target.exists()).then(|| Diagnostic::new(code, file, Some(span), format!("{what} `{url}` not found")))
}

/// Resolves `.` and `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
