//! The three note types: fixed ids, fixed field lists, templates and CSS.
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

pub const BASIC_FIELDS: [&str; 4] = ["Prompt", "Answer", "Details", "Source"];
pub const MULTIPLE_CHOICE_FIELDS: [&str; 5] = ["Prompt", "Choices", "Key", "Explanation", "Source"];
pub const CLOZE_FIELDS: [&str; 3] = ["Text", "Extra", "Source"];

const BASIC_BACK: &str = r#"{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>{{#Details}}<div class="details">{{Details}}</div>{{/Details}}<div class="source">{{Source}}</div>"#;
/// The choices carry `li.correct` on the right options; only the back's
/// CSS shows it, so the front gives nothing away and no add-on or script
/// is needed (works on desktop, AnkiDroid and AnkiMobile).
const MULTIPLE_CHOICE_FRONT: &str = r#"<div class="prompt">{{Prompt}}</div><div class="mc front">{{Choices}}</div>"#;
const MULTIPLE_CHOICE_BACK: &str = r#"<div class="prompt">{{Prompt}}</div><div class="mc back">{{Choices}}</div><hr id="answer"><div class="mc-key">Answer: {{Key}}</div>{{#Explanation}}<div class="details">{{Explanation}}</div>{{/Explanation}}<div class="source">{{Source}}</div>"#;
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
"#;

/// Each note type's number of fields, in [`note_types`] order.
pub fn field_counts() -> [usize; 3] {
    [BASIC_FIELDS.len(), MULTIPLE_CHOICE_FIELDS.len(), CLOZE_FIELDS.len()]
}

/// A note type's stylesheet: the card CSS, then `css`.
pub fn stylesheet(css: &str) -> String {
    format!("{CARD_CSS}{css}")
}

/// The note types with the given stylesheet (card CSS is prepended).
pub fn note_types(css: &str) -> [Model; 3] {
    let css = stylesheet(css);
    let fields = |names: &[&str]| names.iter().map(|n| Field::new(n)).collect::<Vec<_>>();
    [
        Model::new(
            BASIC_ID,
            "studymark Basic",
            fields(&BASIC_FIELDS),
            vec![Template::new("Card 1").qfmt(r#"<div class="prompt">{{Prompt}}</div>"#).afmt(BASIC_BACK)],
        )
        .css(&css),
        Model::new(
            MULTIPLE_CHOICE_ID,
            "studymark Multiple choice",
            fields(&MULTIPLE_CHOICE_FIELDS),
            vec![Template::new("Card 1").qfmt(MULTIPLE_CHOICE_FRONT).afmt(MULTIPLE_CHOICE_BACK)],
        )
        .css(&css),
        Model::new(
            CLOZE_ID,
            "studymark Cloze",
            fields(&CLOZE_FIELDS),
            vec![Template::new("Cloze").qfmt("{{cloze:Text}}").afmt(CLOZE_BACK)],
        )
        .css(&css)
        .model_type(ModelType::Cloze),
    ]
}

/// A hash per note type id of everything Anki stores about it, so the lock
/// can tell when a note type changed.
pub fn note_type_hashes(css: &str) -> [(i64, String); 3] {
    let hash = |parts: &[&str]| -> String {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part.len().to_le_bytes());
            hasher.update(part.as_bytes());
        }
        hasher.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect()
    };
    [
        (BASIC_ID, hash(&[CARD_CSS, css, BASIC_BACK, &BASIC_FIELDS.join(",")])),
        (
            MULTIPLE_CHOICE_ID,
            hash(&[CARD_CSS, css, MULTIPLE_CHOICE_FRONT, MULTIPLE_CHOICE_BACK, &MULTIPLE_CHOICE_FIELDS.join(",")]),
        ),
        (CLOZE_ID, hash(&[CARD_CSS, css, CLOZE_BACK, &CLOZE_FIELDS.join(",")])),
    ]
}
