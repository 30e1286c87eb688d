//! Notes written for the Obsidian_to_Anki plugin:
//! - blocks from a `START` line to an `END` line: the first line names the
//!   Anki note type, the next lines are the first field (no prefix needed),
//!   a line starting `Back:` (or another field name) switches field; a
//!   `Tags: a b` line and the plugin's `<!--ID: 123-->` line close the
//!   block; a block holding `DELETE` asks the plugin to delete its note and
//!   is no card;
//! - inline notes `STARTI [Type] front Back: back ENDI` on one line;
//! - `TARGET DECK` (deck on the next line, or `TARGET DECK: Deck`) sets the
//!   deck of every card of the file, `FILE TAGS` its tags; only the first
//!   of each counts, as in the plugin.
//!
//! Note types: `Basic (and reversed card)` is a reversible card, `Basic
//! (optional reversed card)` one when its `Add Reverse` field has text,
//! types named `Cloze` are cloze cards (their `{{c1::…}}` deletions stay as
//! written; the plugin's `{curly}` clozes are off by default there too),
//! every other type a basic card of its first two fields.

use std::ops::Range;

use super::lines::{span, Line};

/// What a note's type makes of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NoteKind {
    Basic,
    Reversible,
    Cloze,
}

/// A note of the plugin: where it is and the byte ranges of its fields.
#[derive(Debug, PartialEq)]
pub struct Note {
    pub range: Range<usize>,
    pub prompt: Range<usize>,
    pub answer: Option<Range<usize>>,
    pub kind: NoteKind,
    pub tags: Vec<String>,
}

/// The file-wide settings and the lines that hold them.
#[derive(Debug, Default, PartialEq)]
pub struct FileSettings {
    pub deck: Option<String>,
    pub tags: Vec<String>,
    pub lines: Vec<usize>,
}

const FIELDS: [&str; 6] = ["Front", "Back", "Text", "Back Extra", "Extra", "Add Reverse"];

/// `TARGET DECK` and `FILE TAGS`, the first of each.
pub fn file_settings(text: &str, lines: &[Line]) -> FileSettings {
    let mut settings = FileSettings::default();
    for (i, line) in lines.iter().enumerate().filter(|(_, l)| !l.in_code) {
        let source = line.text(text).trim_end();
        for (keyword, is_deck) in [("TARGET DECK", true), ("FILE TAGS", false)] {
            let Some(rest) = source.strip_prefix(keyword) else { continue };
            let (value, used) = match rest.strip_prefix(": ") {
                Some(value) => (value.trim().to_string(), vec![i]),
                None if rest.is_empty() && i + 1 < lines.len() => {
                    (lines[i + 1].text(text).trim().to_string(), vec![i, i + 1])
                }
                None => continue,
            };
            if is_deck && settings.deck.is_none() && !value.is_empty() {
                settings.deck = Some(value);
                settings.lines.extend(used);
            } else if !is_deck && settings.tags.is_empty() {
                settings.tags = value.split_whitespace().map(str::to_string).collect();
                settings.lines.extend(used);
            }
        }
    }
    settings
}

/// Every `START`…`END` block, with the line indices it covers.
pub fn block_notes(text: &str, lines: &[Line]) -> Vec<(Range<usize>, Option<Note>)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].in_code || lines[i].text(text) != "START" {
            i += 1;
            continue;
        }
        let Some(end) = (i + 1..lines.len()).find(|&j| !lines[j].in_code && lines[j].text(text).starts_with("END"))
        else {
            break;
        };
        found.push((i..end + 1, read_block(text, lines, i..end + 1)));
        i = end + 1;
    }
    found
}

/// The note in the lines `block` (from `START` to `END`).
fn read_block(text: &str, lines: &[Line], block: Range<usize>) -> Option<Note> {
    let (from, mut to) = (block.start + 1, block.end - 1);
    let line = |j: usize| lines[j].text(text).trim();
    if (from..to).any(|j| line(j) == "DELETE") {
        return None;
    }
    if to > from && is_id_line(line(to - 1)) {
        to -= 1;
    }
    let mut tags = Vec::new();
    if let Some(rest) = (to > from).then(|| line(to - 1).strip_prefix("Tags: ")).flatten() {
        tags = rest.split_whitespace().map(str::to_string).collect();
        to -= 1;
    }
    let note_type = line(from);
    let mut fields: Vec<(&str, Range<usize>)> = Vec::new();
    for j in from + 1..to {
        let source = lines[j].text(text);
        let named = FIELDS.iter().find(|f| source.strip_prefix(**f).is_some_and(|r| r.starts_with(':')));
        match (named, fields.last_mut()) {
            (Some(name), _) => {
                let value = name.len() + 1;
                let skip = source[value..].len() - source[value..].trim_start().len();
                fields.push((name, lines[j].range.start + value + skip..lines[j].range.end));
            }
            (None, Some((_, range))) => range.end = lines[j].range.end,
            (None, None) => fields.push(("", span(lines, j, j + 1))),
        }
    }
    let value = |name: &str| {
        fields.iter().find(|(n, r)| *n == name && !text[r.clone()].trim().is_empty()).map(|(_, r)| r.clone())
    };
    let first = fields.first().map(|(_, r)| r.clone())?;
    let kind = note_kind(note_type, value("Add Reverse").is_some());
    let answer = match kind {
        NoteKind::Cloze => value("Back Extra").or_else(|| value("Extra")),
        _ => value("Back").or_else(|| fields.get(1).map(|(_, r)| r.clone())),
    };
    Some(Note { range: span(lines, block.start, block.end), prompt: first, answer, kind, tags })
}

fn note_kind(note_type: &str, add_reverse: bool) -> NoteKind {
    match note_type {
        t if t.contains("Cloze") => NoteKind::Cloze,
        "Basic (and reversed card)" => NoteKind::Reversible,
        "Basic (optional reversed card)" if add_reverse => NoteKind::Reversible,
        _ => NoteKind::Basic,
    }
}

fn is_id_line(line: &str) -> bool {
    let inner = line.trim_start_matches("<!--").trim_end_matches("-->").trim();
    inner.strip_prefix("ID: ").is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// The inline notes `STARTI [Type] front Back: back ENDI` on one line.
pub fn inline_notes(text: &str, line: &Line) -> Vec<Note> {
    let source = line.text(text);
    let mut notes = Vec::new();
    let mut from = 0;
    while let Some(start) = source[from..].find("STARTI").map(|i| from + i) {
        let Some(end) = source[start..].find("ENDI").map(|i| start + i) else { break };
        from = end + 4;
        let body = &source[start + 6..end];
        let Some((type_start, type_end)) = body.find('[').zip(body.find(']')).filter(|(a, b)| a < b) else {
            continue;
        };
        let note_type = &body[type_start + 1..type_end];
        let base = line.range.start + start + 6;
        let mut fields = body[type_end + 1..].to_string();
        if let Some(id) = fields.find("<!--ID:").or_else(|| fields.find("ID: ")) {
            fields.truncate(id);
        }
        let fields_start = base + type_end + 1;
        let (prompt, answer) = match fields.find(" Back: ") {
            Some(at) => {
                (fields_start..fields_start + at, Some(fields_start + at + 7..fields_start + fields.trim_end().len()))
            }
            None => (fields_start..fields_start + fields.trim_end().len(), None),
        };
        notes.push(Note {
            range: line.range.start + start..line.range.start + end + 4,
            prompt,
            answer,
            kind: note_kind(note_type, false),
            tags: Vec::new(),
        });
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::super::lines::split_lines;
    use super::*;

    fn notes(text: &str) -> Vec<(String, Option<String>, NoteKind, Vec<String>)> {
        let lines = split_lines(text, 0..text.len(), &[]);
        block_notes(text, &lines)
            .into_iter()
            .filter_map(|(_, n)| n)
            .map(|n| (text[n.prompt].trim().to_string(), n.answer.map(|a| text[a].trim().to_string()), n.kind, n.tags))
            .collect()
    }

    #[test]
    fn blocks_fields_tags_and_ids() {
        let text = "START\nBasic\nWhat is X?\nmore\nBack: It is Y.\nTags: a b\n<!--ID: 1566052191670-->\nEND\n";
        assert_eq!(
            notes(text),
            [("What is X?\nmore".into(), Some("It is Y.".into()), NoteKind::Basic, vec!["a".into(), "b".into()])]
        );
        let text = "START\nBasic (and reversed card)\nFront: red\nBack:\nrouge\nEND\n";
        assert_eq!(notes(text), [("red".into(), Some("rouge".into()), NoteKind::Reversible, vec![])]);
        let text = "START\nCloze\nThe {{c1::sun}} is a star.\nBack Extra: Yes.\nEND";
        assert_eq!(notes(text)[0].2, NoteKind::Cloze);
        assert!(notes("START\nBasic\nQ\nBack: A\nDELETE\nID: 12\nEND").is_empty());
        assert!(notes("START\nBasic\nno end").is_empty());
    }

    #[test]
    fn file_settings_and_inline_notes() {
        let text = "TARGET DECK\nMath::Algebra\nFILE TAGS: x y\nTARGET DECK: Ignored\nSTARTI [Basic] Front text Back: back text ENDI";
        let lines = split_lines(text, 0..text.len(), &[]);
        let settings = file_settings(text, &lines);
        assert_eq!(settings.deck.as_deref(), Some("Math::Algebra"));
        assert_eq!(settings.tags, ["x", "y"]);
        assert_eq!(settings.lines, [0, 1, 2]);
        let inline = inline_notes(text, &lines[4]);
        assert_eq!(&text[inline[0].prompt.clone()].trim(), &"Front text");
        assert_eq!(&text[inline[0].answer.clone().unwrap()], "back text");
    }
}
