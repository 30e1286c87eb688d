//! Structure checks on the parsed model: unterminated and split code
//! fences; images and local links (Markdown or raw HTML) that point at
//! nothing, leave the content folder, or use a scheme the outputs remove.

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::media::{self, Located, UrlKind};
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
        // `[[Note]]` and `![[image.png]]` name notes and attachments of a
        // vault, not paths: a parser that reads them as links leaves their
        // check to `embeds`.
        let source = file.text.get(link.span.range()).unwrap_or_default();
        if source.starts_with("[[") || source.starts_with("![[") {
            continue;
        }
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

/// An image or link, checked as the outputs treat it ([`media`]): unsafe
/// schemes are removed, local paths must lead to a file inside the
/// content folder, remote URLs are not checked.
fn check_link(
    file: &SourceFile,
    url: &str,
    image: bool,
    span: crate::source::Span,
    content_root: &Path,
) -> Option<Diagnostic> {
    let path = match media::classify_url(url) {
        UrlKind::Anchor | UrlKind::Remote => return None,
        UrlKind::Unsafe(scheme) => return Some(unsafe_url(file, url, &scheme, image, span)),
        UrlKind::Local(path) => path,
    };
    let base = file.path.parent().unwrap_or(Path::new(""));
    let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    let code = if image { Code::MissingImage } else { Code::BrokenLink };
    let what = if image { "image" } else { "link target" };
    let problem = match media::locate(content_root, &base, &path) {
        Located::Found(target) if image && !target.is_file() => format!("image `{url}` is a folder, not a file"),
        Located::Found(_) => return None,
        Located::Missing => format!("{what} `{url}` not found"),
        Located::Outside => format!("{what} `{url}` is outside the content folder"),
        Located::LinkedOutside => {
            format!("{what} `{url}` is a symbolic link to a file outside the content folder")
        }
    };
    let diagnostic = Diagnostic::new(code, file, Some(span), problem);
    Some(match image {
        true => diagnostic.with_note("the outputs show no image here; nothing outside the content folder is copied"),
        false => diagnostic,
    })
}

/// `javascript:`, `vbscript:`, `data:` and `file:` URLs: the sanitizer
/// removes them from every output.
fn unsafe_url(file: &SourceFile, url: &str, scheme: &str, image: bool, span: crate::source::Span) -> Diagnostic {
    let shown: String = url.chars().take(60).collect();
    let shown = if shown.len() < url.len() { format!("{shown}…") } else { shown };
    let why = match scheme {
        "file" => "points at a file on the reader's own computer",
        "data" => "embeds its content in the URL",
        _ => "can run script",
    };
    if image {
        Diagnostic::new(Code::UnsupportedImage, file, Some(span), format!("image `{shown}` {why}; it is left out"))
            .with_note("copy the image into the content folder and refer to it by a relative path")
    } else {
        Diagnostic::new(
            Code::UnsafeLink,
            file,
            Some(span),
            format!("link `{shown}` {why}; it is unsafe and removed (its text is kept)"),
        )
    }
}
