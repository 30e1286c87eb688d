//! Writing `.apkg` files. genanki-rs writes, once per build, a template
//! collection ([`Template`]): the schema, the note types, a deck and
//! one note (with its cards) of each type. Each bank's package starts as a
//! copy of it, and we fill it in with SQL ([`write_package`]):
//! - each note is a copy of its type's template note with its own GUID,
//!   fields, tags and modification time (from `studymark.lock`), and one
//!   card per card genanki-rs would make (cloze: one per deletion number;
//!   reversible: both directions);
//!   genanki-rs 0.4 compiles several regexes for every note and deck it
//!   writes, which made it most of a build's time outside KaTeX;
//! - each deck is a copy of the template deck with its own id and name;
//! - note types get their stylesheet and their modification time (from
//!   the lock's hash history; genanki-rs stamps one time on everything, so
//!   Anki would update every note or ignore real edits);
//! - JSON is re-serialized with sorted keys, cards are numbered in (note,
//!   ord) order and the zip has fixed entry times, so unchanged input gives
//!   the same bytes;
//! - media are stored under their (unique) file names: content hashes and
//!   `_KaTeX_*` fonts.
//!
//! All of genanki-rs's API is used here and nowhere else.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use genanki_rs::{Deck, Model, Note, Package};
use rusqlite::{params, Connection, Transaction};
use sha2::{Digest, Sha256};

use super::note_types::{CLOZE, REVERSIBLE};

/// genanki-rs derives note and card ids from this; any fixed value keeps
/// them stable (Anki matches notes by GUID).
const PACKAGE_TIMESTAMP: f64 = 1_700_000_000.0;

/// The template's deck, and the GUID prefix of its notes; neither is left
/// in a package. Real GUIDs (`studymark-<bank>-<id>`, slugs) have no
/// spaces, so none can be taken for a template note.
const TEMPLATE_DECK: &str = "studymark template";
const TEMPLATE_GUID: &str = "studymark template ";

/// The note types every package carries.
pub struct NoteTypeSet {
    /// As genanki-rs gets them: with the card CSS only; their stylesheet
    /// (with KaTeX's, tens of kilobytes) is set when filling in.
    pub models: [Model; 4],
    /// Each type's number of fields.
    pub field_counts: [usize; 4],
    pub css: String,
    /// (note type id, modification time).
    pub mods: Vec<(i64, i64)>,
}

pub struct NoteSpec {
    pub guid: String,
    /// Index into [`NoteTypeSet::models`] (`note_types::BASIC`, …).
    pub note_type: usize,
    pub fields: Vec<String>,
    pub tags: Vec<String>,
    pub deck: String,
    /// When the note's content last changed (unix seconds).
    pub modified: i64,
}

/// The collection genanki-rs wrote (the bytes of `collection.anki2`).
pub struct Template {
    collection: Vec<u8>,
}

impl Template {
    /// Has genanki-rs write the template package into `scratch` and keeps
    /// its collection.
    pub fn new(note_types: &NoteTypeSet, scratch: &Path) -> Result<Template> {
        let mut deck = Deck::new(deck_id(TEMPLATE_DECK), TEMPLATE_DECK, "");
        for (i, (model, fields)) in note_types.models.iter().zip(note_types.field_counts).enumerate() {
            // A cloze note needs a deletion to make its card.
            let first = if i == CLOZE { "{{c1::_}}" } else { "_" };
            let fields: Vec<&str> = std::iter::once(first).chain(std::iter::repeat_n("_", fields - 1)).collect();
            let note = Note::new(model.clone(), fields).map_err(|e| anyhow!("template note: {e}"))?;
            deck.add_note(note.guid(format!("{TEMPLATE_GUID}{i}")));
        }
        std::fs::create_dir_all(scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
        let raw = scratch.join("template.apkg");
        let mut package = Package::new(vec![deck], Vec::new()).map_err(|e| anyhow!("{e}"))?;
        package
            .write_to_file_timestamp(raw.to_str().unwrap_or_default(), PACKAGE_TIMESTAMP)
            .map_err(|e| anyhow!("{e}"))?;
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&raw)?)?;
        let mut collection = Vec::new();
        archive.by_name("collection.anki2")?.read_to_end(&mut collection)?;
        std::fs::remove_file(&raw)?;
        Ok(Template { collection })
    }
}

/// Writes `notes` as one package at `path`, starting from `template`.
/// `scratch` is a folder for temporary files (inside the output folder).
pub fn write_package(
    path: &Path,
    template: &Template,
    note_types: &NoteTypeSet,
    notes: &[NoteSpec],
    media: &[PathBuf],
    scratch: &Path,
) -> Result<()> {
    let db_path = scratch.join("collection.anki2");
    let vacuumed = scratch.join("collection.vacuumed");
    std::fs::write(&db_path, &template.collection)?;
    {
        let mut conn = Connection::open(&db_path)?;
        // One transaction: SQLite would otherwise sync to disk per insert.
        let transaction = conn.transaction()?;
        fill_in(&transaction, note_types, notes)?;
        transaction.commit()?;
        let _ = std::fs::remove_file(&vacuumed);
        // VACUUM INTO writes a fresh file whose header does not depend on
        // how many transactions the database went through.
        conn.execute("VACUUM INTO ?", params![vacuumed.to_string_lossy()])?;
    }
    let db = std::fs::read(&vacuumed)?;
    write_zip(path, &db, &read_media(media)?).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::remove_file(&db_path)?;
    std::fs::remove_file(&vacuumed)?;
    Ok(())
}

/// Turns the template collection into the bank's: its decks, its notes
/// and their cards, then the template's own deck and notes removed.
fn fill_in(transaction: &Transaction, note_types: &NoteTypeSet, notes: &[NoteSpec]) -> Result<()> {
    let decks: BTreeSet<&str> = notes.iter().map(|n| n.deck.as_str()).collect();
    add_decks(transaction, &decks)?;
    for (i, note) in notes.iter().enumerate() {
        add_note(transaction, note, i as i64 + 1)?;
    }
    for note_type in 0..note_types.models.len() {
        let guid = format!("{TEMPLATE_GUID}{note_type}");
        transaction.execute("DELETE FROM cards WHERE nid = (SELECT id FROM notes WHERE guid = ?)", params![guid])?;
        transaction.execute("DELETE FROM notes WHERE guid = ?", params![guid])?;
    }
    renumber_cards(transaction)?;
    sort_collection_json(transaction, note_types)
}

/// Copies the template deck once per deck name, with the name's id.
fn add_decks(conn: &Connection, names: &BTreeSet<&str>) -> Result<()> {
    let text: String = conn.query_row("SELECT decks FROM col", [], |r| r.get(0))?;
    let mut decks: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)?;
    let template = decks.remove(&deck_id(TEMPLATE_DECK).to_string()).ok_or_else(|| anyhow!("no template deck"))?;
    for name in names {
        let mut deck = template.clone();
        deck["id"] = serde_json::json!(deck_id(name));
        deck["name"] = serde_json::json!(name);
        decks.insert(deck_id(name).to_string(), deck);
    }
    conn.execute("UPDATE col SET decks = ?", params![serde_json::Value::Object(decks).to_string()])?;
    Ok(())
}

/// Note `n` gets the id of its template note + `n * ID_STEP`, its cards
/// their template card's + `n * ID_STEP + ord`: the template's ids are a few
/// apart and no note has a million cards, so no two collide (cards are
/// renumbered afterwards; ids stay far below 2^53).
const ID_STEP: i64 = 1_000_000;

/// Adds the `n`th note (from 1) as a copy of its type's template note,
/// with the cards genanki-rs would make for it. Every card is a copy of the
/// template note's first card (every type's template note has one of ord
/// 0) with its own ord: the template cards of one note differ in nothing
/// else.
fn add_note(conn: &Connection, note: &NoteSpec, n: i64) -> Result<()> {
    let template = format!("{TEMPLATE_GUID}{}", note.note_type);
    // genanki-rs's tag format: space-separated, with a space around.
    let tags = format!(" {} ", note.tags.join(" "));
    let added = conn.execute(
        "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)
         SELECT id + ?1, ?2, mid, ?3, usn, ?4, ?5, sfld, csum, flags, data FROM notes WHERE guid = ?6",
        params![n * ID_STEP, note.guid, note.modified, tags, note.fields.join("\u{1f}"), template],
    )?;
    if added != 1 {
        return Err(anyhow!("note {}: no template for note type {}", note.guid, note.note_type));
    }
    for ord in card_ords(note) {
        conn.execute(
            "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data)
             SELECT cards.id + ?1 + ?2, (SELECT id FROM notes WHERE guid = ?3), ?4, ?2, cards.mod, usn, type, queue,
                    due, ivl, factor, reps, lapses, left, odue, odid, flags, data
             FROM cards WHERE nid = (SELECT id FROM notes WHERE guid = ?5) AND ord = 0",
            params![n * ID_STEP, ord, note.guid, deck_id(&note.deck), template],
        )?;
    }
    Ok(())
}

/// The ords of a note's cards: one card for the basic and multiple-choice
/// types; two for the reversible type (prompt → answer, answer → prompt)
/// unless the answer is empty (Anki makes no card with an empty front);
/// for the cloze type one per deletion number (`c2` → 1), or one when
/// there is none, as genanki-rs decides.
fn card_ords(note: &NoteSpec) -> Vec<i64> {
    if note.note_type == REVERSIBLE {
        let answer = note.fields.get(1).map_or("", |a| a.trim());
        return if answer.is_empty() { vec![0] } else { vec![0, 1] };
    }
    if note.note_type != CLOZE {
        return vec![0];
    }
    let text = note.fields.first().map(String::as_str).unwrap_or_default();
    let numbers: BTreeSet<i64> =
        crate::cloze::numbers(text).into_iter().filter(|&n| n >= 1).map(|n| i64::from(n) - 1).collect();
    if numbers.is_empty() {
        vec![0]
    } else {
        numbers.into_iter().collect()
    }
}

/// A stable deck id from the deck's name.
fn deck_id(name: &str) -> i64 {
    let digest = Sha256::digest(format!("studymark deck {name}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    // Positive and below 2^53, as Anki ids are.
    (u64::from_le_bytes(bytes) >> 11) as i64 + 1
}

/// Gives cards the same set of ids in (note, ord) order.
fn renumber_cards(conn: &Connection) -> Result<()> {
    let ids = |sql: &str| -> Result<Vec<i64>> {
        let mut statement = conn.prepare(sql)?;
        let rows = statement.query_map([], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?;
        Ok(rows)
    };
    let sorted_ids = ids("SELECT id FROM cards ORDER BY id")?;
    let in_order = ids("SELECT id FROM cards ORDER BY nid, ord")?;
    conn.execute("UPDATE cards SET id = -id", [])?;
    for (new, old) in sorted_ids.iter().zip(&in_order) {
        conn.execute("UPDATE cards SET id = ? WHERE id = ?", params![new, -old])?;
    }
    Ok(())
}

/// Re-serializes `col.models` and `col.decks` with sorted keys and sets
/// each note type's stylesheet and modification time.
fn sort_collection_json(conn: &Connection, note_types: &NoteTypeSet) -> Result<()> {
    for column in ["models", "decks"] {
        let text: String = conn.query_row(&format!("SELECT {column} FROM col"), [], |r| r.get(0))?;
        let mut value: serde_json::Value = serde_json::from_str(&text)?;
        if column == "models" {
            for (id, modified) in &note_types.mods {
                if let Some(model) = value.get_mut(id.to_string()) {
                    model["mod"] = serde_json::json!(modified);
                    model["css"] = serde_json::json!(note_types.css);
                }
            }
        }
        conn.execute(&format!("UPDATE col SET {column} = ?"), params![value.to_string()])?;
    }
    Ok(())
}

/// Media files by name (their file names are already unique).
fn read_media(paths: &[PathBuf]) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut media = BTreeMap::new();
    for path in paths {
        let name = path.file_name().ok_or_else(|| anyhow!("media without a name"))?.to_string_lossy().into_owned();
        media.insert(name, std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?);
    }
    Ok(media)
}

fn write_zip(out: &Path, db: &[u8], media: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let time = zip::DateTime::from_date_and_time(1980, 1, 1, 0, 0, 0).map_err(|_| anyhow!("zip time"))?;
    // Level 1: a third of the default level's time (deflate was most of
    // writing a package), for a package a little larger.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(out)?);
    zip.start_file("collection.anki2", options)?;
    zip.write_all(db)?;
    let index: BTreeMap<String, &String> = media.keys().enumerate().map(|(i, name)| (i.to_string(), name)).collect();
    zip.start_file("media", options)?;
    zip.write_all(serde_json::to_string(&index)?.as_bytes())?;
    // Fonts (woff2) and images are compressed already: deflating them
    // again costs time and saves nothing.
    let stored = options.compression_method(zip::CompressionMethod::Stored).compression_level(None);
    for (i, bytes) in media.values().enumerate() {
        zip.start_file(i.to_string(), stored)?;
        zip.write_all(bytes)?;
    }
    zip.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_ords_per_note_type() {
        let note = |note_type, text: &str| NoteSpec {
            guid: "g".into(),
            note_type,
            fields: text.split('|').map(String::from).collect(),
            tags: Vec::new(),
            deck: "d".into(),
            modified: 0,
        };
        assert_eq!(card_ords(&note(CLOZE, "{{c2::a}} {{c1::b}} {{c2::c}}")), vec![0, 1]);
        assert_eq!(card_ords(&note(CLOZE, "no deletion")), vec![0]);
        assert_eq!(card_ords(&note(0, "{{c3::ignored on a basic note}}")), vec![0]);
        assert_eq!(card_ords(&note(REVERSIBLE, "prompt|<p>answer</p>|details|source")), vec![0, 1]);
        assert_eq!(card_ords(&note(REVERSIBLE, "prompt| |details|source")), vec![0]);
    }

    #[test]
    fn deck_ids_are_stable_positive_and_distinct() {
        assert_eq!(deck_id("Bank::Topic"), deck_id("Bank::Topic"));
        assert_ne!(deck_id("Bank::Topic"), deck_id("Bank"));
        assert!((1..1 << 53).contains(&deck_id("Bank")));
    }
}
