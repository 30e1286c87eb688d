//! The four note types: fixed ids, fixed field lists, templates and CSS.
//!
//! Versioning: Anki matches note types by id and compares field and
//! template names on import. Changing CSS or template *text* is safe: the
//! note type's modification time (tracked in `studymark.lock` from a hash
//! of the CSS and templates) moves forward, so Anki updates it. Adding,
//! removing or renaming a *field* would orphan existing notes: do that only
//! as a new note type with a new id and a `v2` name, never by editing
//! these.

use genanki_rs::{Field, Model, ModelType, Template};
use sha2::{Digest, Sha256};

pub const BASIC_ID: i64 = 1_733_000_000_001;
pub const MULTIPLE_CHOICE_ID: i64 = 1_733_000_000_002;
pub const CLOZE_ID: i64 = 1_733_000_000_003;
pub const REVERSIBLE_ID: i64 = 1_733_000_000_004;

/// Each note type's index in [`note_types`] (and [`NOTE_TYPES`]).
pub const BASIC: usize = 0;
pub const MULTIPLE_CHOICE: usize = 1;
pub const CLOZE: usize = 2;
pub const REVERSIBLE: usize = 3;

pub const BASIC_FIELDS: [&str; 4] = ["Prompt", "Answer", "Details", "Source"];
pub const MULTIPLE_CHOICE_FIELDS: [&str; 5] = ["Prompt", "Choices", "Key", "Explanation", "Source"];
pub const CLOZE_FIELDS: [&str; 3] = ["Text", "Extra", "Source"];

const BASIC_FRONT: &str = r#"<div class="prompt">{{Prompt}}</div>"#;
const BASIC_BACK: &str = r#"{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>{{#Details}}<div class="details">{{Details}}</div>{{/Details}}<div class="source">{{Source}}</div>"#;
/// The choices carry `li.correct` on the right options; only the back's
/// CSS shows it, so the front gives nothing away and no add-on or script
/// is needed (works on desktop, AnkiDroid and AnkiMobile).
const MULTIPLE_CHOICE_FRONT: &str = r#"<div class="prompt">{{Prompt}}</div><div class="mc front">{{Choices}}</div>"#;
const MULTIPLE_CHOICE_BACK: &str = r#"<div class="prompt">{{Prompt}}</div><div class="mc back">{{Choices}}</div><hr id="answer"><div class="mc-key">Answer: {{Key}}</div>{{#Explanation}}<div class="details">{{Explanation}}</div>{{/Explanation}}<div class="source">{{Source}}</div>"#;
/// The reverse card asks with the answer and reveals the prompt; it shares
/// Basic's fields, so a question turned reversible keeps its content.
const REVERSE_FRONT: &str =
    r#"<div class="reverse-hint">↔ Reverse: what is the prompt?</div><div class="prompt">{{Answer}}</div>"#;
const REVERSE_BACK: &str = r#"{{FrontSide}}<hr id="answer"><div class="answer">{{Prompt}}</div>{{#Details}}<div class="details">{{Details}}</div>{{/Details}}<div class="source">{{Source}}</div>"#;
const CLOZE_BACK: &str = r#"{{cloze:Text}}{{#Extra}}<hr id="answer"><div class="extra">{{Extra}}</div>{{/Extra}}<div class="source">{{Source}}</div>"#;

const CARD_CSS: &str = r#".card { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 19px; line-height: 1.5; text-align: left; color: #1f2328; background: #ffffff; max-width: 46em; margin: 0 auto; padding: 0 12px; }
.card.nightMode, .nightMode .card { color: #e6e6e6; background: #1e1e1e; }
pre.code { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 12px; font-size: 15px; line-height: 1.4; }
.nightMode pre.code { background: #2b303b; border-color: #444; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.math-display { display: block; overflow-x: auto; }
.details { margin-top: 0.8em; padding-top: 0.6em; border-top: 1px dashed #c0c0c0; }
.source { margin-top: 1.2em; font-size: 12px; color: #6e7781; }
.nightMode .source { color: #9da5ae; }
ol.mc-choices { list-style: none; padding: 0; counter-reset: choice; }
ol.mc-choices > li { counter-increment: choice; margin: 0.4em 0; padding: 0.45em 0.7em; border: 1px solid #d0d7de; border-radius: 8px; }
ol.mc-choices > li::before { content: "(" counter(choice, lower-alpha) ") "; font-weight: 600; }
ol.mc-choices > li > p { display: inline; margin: 0; }
.mc.back li.correct { border-color: #1a7f37; background: #dafbe1; font-weight: 600; }
.mc.back li.correct::after { content: " ✔"; color: #1a7f37; }
.nightMode .mc.back li.correct { background: #12361f; border-color: #3fb950; }
.nightMode .mc.back li.correct::after { color: #3fb950; }
.mc-key { font-weight: 600; }
.cloze { font-weight: 700; color: #0a58ca; }
.nightMode .cloze { color: #79b8ff; }
.reverse-hint { font-size: 13px; color: #6e7781; margin-bottom: 0.4em; }
.nightMode .reverse-hint { color: #9da5ae; }
"#;

/// What Anki stores about a note type, apart from its stylesheet.
pub struct NoteTypeDef {
    pub id: i64,
    pub name: &'static str,
    pub fields: &'static [&'static str],
    /// (name, front, back) of each card template, in card order.
    pub templates: &'static [(&'static str, &'static str, &'static str)],
    pub cloze: bool,
}

/// The note types, in index order ([`BASIC`], …, [`REVERSIBLE`]).
pub const NOTE_TYPES: [NoteTypeDef; 4] = [
    NoteTypeDef {
        id: BASIC_ID,
        name: "studymark Basic",
        fields: &BASIC_FIELDS,
        templates: &[("Card 1", BASIC_FRONT, BASIC_BACK)],
        cloze: false,
    },
    NoteTypeDef {
        id: MULTIPLE_CHOICE_ID,
        name: "studymark Multiple choice",
        fields: &MULTIPLE_CHOICE_FIELDS,
        templates: &[("Card 1", MULTIPLE_CHOICE_FRONT, MULTIPLE_CHOICE_BACK)],
        cloze: false,
    },
    NoteTypeDef {
        id: CLOZE_ID,
        name: "studymark Cloze",
        fields: &CLOZE_FIELDS,
        templates: &[("Cloze", "{{cloze:Text}}", CLOZE_BACK)],
        cloze: true,
    },
    NoteTypeDef {
        id: REVERSIBLE_ID,
        name: "studymark Basic (and reversed)",
        fields: &BASIC_FIELDS,
        templates: &[("Card 1", BASIC_FRONT, BASIC_BACK), ("Card 2", REVERSE_FRONT, REVERSE_BACK)],
        cloze: false,
    },
];

/// Each note type's number of fields, in [`note_types`] order.
pub fn field_counts() -> [usize; 4] {
    NOTE_TYPES.map(|t| t.fields.len())
}

/// A note type's stylesheet: the card CSS, then `css`.
pub fn stylesheet(css: &str) -> String {
    format!("{CARD_CSS}{css}")
}

/// The note types with the given stylesheet (card CSS is prepended).
pub fn note_types(css: &str) -> [Model; 4] {
    let css = stylesheet(css);
    NOTE_TYPES.map(|t| {
        let fields = t.fields.iter().map(|n| Field::new(n)).collect();
        let templates = t.templates.iter().map(|(name, front, back)| Template::new(name).qfmt(front).afmt(back));
        let model = Model::new(t.id, t.name, fields, templates.collect()).css(&css);
        if t.cloze {
            model.model_type(ModelType::Cloze)
        } else {
            model
        }
    })
}

/// A hash per note type id of everything Anki stores about it, so the lock
/// can tell when a note type changed.
pub fn note_type_hashes(css: &str) -> [(i64, String); 4] {
    NOTE_TYPES.map(|t| {
        let mut hasher = Sha256::new();
        let fields = t.fields.join(",");
        let templates = t.templates.iter().flat_map(|(name, front, back)| [*name, *front, *back]);
        for part in [CARD_CSS, css, t.name, &fields].into_iter().chain(templates) {
            hasher.update(part.len().to_le_bytes());
            hasher.update(part.as_bytes());
        }
        (t.id, hasher.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect())
    })
}
