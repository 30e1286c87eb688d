//! Embedded images of a note in a vault (`![[image.png]]`) that show
//! nothing: not found, or outside the vault (`missing-image`). They are
//! looked up as rendering looks them up ([`VaultNote::locate`]), so what
//! is reported is what the outputs leave out.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};

use super::unclosed_math::{file_offset, fragment_start};
use crate::diagnostic::{Code, Diagnostic};
use crate::media::Located;
use crate::model::Rich;
use crate::render::markdown::options;
use crate::source::SourceFile;
use crate::vault::{is_image, VaultNote};

pub fn check_embeds(file: &SourceFile, fragments: &[&Rich], note: &VaultNote) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for rich in fragments.iter().filter(|rich| rich.markdown.contains("![[")) {
        for (event, range) in Parser::new_ext(&rich.markdown, options() | Options::ENABLE_WIKILINKS).into_offset_iter()
        {
            let Event::Start(Tag::Image { link_type: LinkType::WikiLink { .. }, dest_url, .. }) = event else {
                continue;
            };
            let target = dest_url.split('#').next().unwrap_or_default();
            if !is_image(target) {
                continue;
            }
            let problem = match note.locate(target) {
                Located::Found(_) => continue,
                Located::Missing => format!("embedded image `{target}` not found in the vault"),
                Located::Outside => format!("embedded image `{target}` is outside the vault"),
                Located::LinkedOutside => {
                    format!("embedded image `{target}` is a symbolic link to a file outside the vault")
                }
            };
            let start = file_offset(file, rich, range.start).unwrap_or_else(|| fragment_start(rich));
            let end = (start + range.len()).min(file.text.len());
            diagnostics.push(
                Diagnostic::new(Code::MissingImage, file, Some(file.span(start..end)), problem).with_note(
                    "looked for in the attachment folder, beside the note, from the vault's root and by name in \
                     the whole vault; the outputs show no image here",
                ),
            );
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_not_found_are_reported_where_they_are_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".obsidian")).unwrap();
        std::fs::create_dir_all(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("assets/there.png"), b"png").unwrap();
        let path = dir.path().join("note.md");
        let text = "? Q\n\nSee ![[there.png]], ![[gone.png|200]] and ![[Other note]].\n";
        std::fs::write(&path, text).unwrap();
        let file = SourceFile::new(&path, text.to_string());
        let answer = 5..text.len() - 1;
        let rich =
            Rich { markdown: text[answer.clone()].to_string(), spans: vec![file.span(answer)], ..Rich::default() };
        let vault = crate::vault::Vault::detect(dir.path()).unwrap();
        let found = check_embeds(&file, &[&rich], &vault.note(&path));
        let found: Vec<(Code, usize, usize, &str)> =
            found.iter().map(|d| (d.code, d.span.unwrap().line, d.span.unwrap().column, d.message.as_str())).collect();
        assert_eq!(found, [(Code::MissingImage, 3, 21, "embedded image `gone.png` not found in the vault")]);
    }
}
