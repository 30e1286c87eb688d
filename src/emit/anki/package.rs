//! Writing one `.apkg`: genanki-rs builds the package, then we
//! post-process it, because genanki-rs (0.4, unmaintained):
//! - stamps one modification time on every note and note type, so Anki
//!   would either update every note or ignore real edits: we set each
//!   note's `mod` from `studymark.lock` and each note type's from its hash
//!   history;
//! - writes its JSON from `HashMap`s and zip entries with the current time,
//!   and numbers cards of a cloze note in `HashSet` order: we re-serialize
//!   the JSON with sorted keys, renumber cards in (note, ord) order and
//!   re-zip with a fixed entry time, so unchanged input gives the same
//!   bytes;
//! - stores media keyed by basename: callers pass files already named
//!   uniquely (content hashes, `_KaTeX_*` fonts).
//!
//! All of genanki-rs's API is used here and nowhere else.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use genanki_rs::{Deck, Model, Note, Package};
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

/// genanki-rs derives note and card ids from this; any fixed value keeps
/// them stable (Anki matches notes by GUID).
const PACKAGE_TIMESTAMP: f64 = 1_700_000_000.0;

/// The note types every package carries.
pub struct NoteTypeSet {
    /// As genanki-rs gets them: with the card CSS only. Their stylesheet
    /// (with KaTeX's, tens of kilobytes) goes in when post-processing, so
    /// genanki-rs does not compress it into a zip that is read back and
    /// thrown away.
    pub models: [Model; 3],
    pub css: String,
    /// (note type id, modification time).
    pub mods: Vec<(i64, i64)>,
}

pub struct NoteSpec {
    pub guid: String,
    /// Index into the note types given to [`write_package`].
    pub note_type: usize,
    pub fields: Vec<String>,
    pub tags: Vec<String>,
    pub deck: String,
    /// When the note's content last changed (unix seconds).
    pub modified: i64,
}

/// Writes `notes` as one package at `path`. `scratch` is a folder for
/// temporary files (inside the output folder).
pub fn write_package(
    path: &Path,
    note_types: &NoteTypeSet,
    notes: &[NoteSpec],
    media: &[PathBuf],
    scratch: &Path,
) -> Result<()> {
    let shapes = shapes(notes);
    let mut decks: BTreeMap<&str, Deck> = BTreeMap::new();
    let mut firsts = Vec::new();
    for (i, note) in notes.iter().enumerate() {
        decks.entry(&note.deck).or_insert_with(|| Deck::new(deck_id(&note.deck), &note.deck, ""));
        if shapes[i] == i {
            let model = note_types.models.get(note.note_type).ok_or_else(|| anyhow!("unknown note type"))?.clone();
            let fields: Vec<String> = note.fields.iter().map(|f| cloze_placeholder(f)).collect();
            let built = Note::new(model, fields.iter().map(String::as_str).collect())
                .map_err(|e| anyhow!("note {}: {e}", note.guid))?;
            firsts.push(built.guid(&note.guid));
        }
    }
    // genanki-rs compiles the note types' regexes again for every deck that
    // has notes: the notes all go into one deck here, and post-processing
    // moves each note's cards into the deck it belongs to.
    if let Some(first) = decks.values_mut().next() {
        firsts.into_iter().for_each(|note| first.add_note(note));
    }
    let raw = scratch.join("genanki.apkg");
    // Media go straight into the final zip (`write_zip`): genanki-rs would
    // compress fonts only for them to be read back.
    let mut package = Package::new(decks.into_values().collect(), Vec::new()).map_err(|e| anyhow!("{e}"))?;
    package.write_to_file_timestamp(raw.to_str().unwrap_or_default(), PACKAGE_TIMESTAMP).map_err(|e| anyhow!("{e}"))?;
    postprocess(&raw, path, notes, &shapes, note_types, media, scratch)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// For each note, the index of the first note of its shape: same note type
/// and same cloze deletions, so the same cards. genanki-rs compiles several
/// regexes for every note it writes (0.4 caches none), so it writes only
/// the first note of each shape; post-processing copies its rows for the
/// others ([`copy_note`]).
fn shapes(notes: &[NoteSpec]) -> Vec<usize> {
    let mut firsts: HashMap<(usize, Vec<String>), usize> = HashMap::new();
    notes
        .iter()
        .enumerate()
        .map(|(i, note)| {
            let placeholders = note.fields.iter().map(|f| cloze_placeholder(f)).collect();
            *firsts.entry((note.note_type, placeholders)).or_insert(i)
        })
        .collect()
}

/// A stable deck id from the deck's name.
fn deck_id(name: &str) -> i64 {
    let digest = Sha256::digest(format!("studymark deck {name}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    // Positive and below 2^53, as Anki ids are.
    (u64::from_le_bytes(bytes) >> 11) as i64 + 1
}

/// The cloze deletions of a field (`{{c1::_}}{{c2::_}}`), which decide the
/// cards genanki-rs makes; other text becomes `_`.
fn cloze_placeholder(field: &str) -> String {
    let mut placeholder = String::from("_");
    for (i, _) in field.match_indices("{{c") {
        let digits: String = field[i + 3..].chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && field[i + 3 + digits.len()..].starts_with("::") {
            placeholder.push_str(&format!("{{{{c{digits}::_}}}}"));
        }
    }
    placeholder
}

fn postprocess(
    raw: &Path,
    out: &Path,
    notes: &[NoteSpec],
    shapes: &[usize],
    note_types: &NoteTypeSet,
    media: &[PathBuf],
    scratch: &Path,
) -> Result<()> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(raw)?)?;
    let db_path = scratch.join("collection.anki2");
    let vacuumed = scratch.join("collection.vacuumed");
    let mut db = Vec::new();
    archive.by_name("collection.anki2")?.read_to_end(&mut db)?;
    std::fs::write(&db_path, db)?;
    {
        let mut conn = Connection::open(&db_path)?;
        // One transaction: SQLite would otherwise sync to disk per update.
        let transaction = conn.transaction()?;
        for (note, &first) in notes.iter().zip(shapes) {
            if notes[first].guid != note.guid {
                copy_note(&transaction, &notes[first].guid, &note.guid)?;
            }
            let fields = note.fields.join("\u{1f}");
            // genanki-rs's tag format: space-separated, with a space around.
            let tags = format!(" {} ", note.tags.join(" "));
            let changed = transaction.execute(
                "UPDATE notes SET mod = ?, flds = ?, tags = ? WHERE guid = ?",
                params![note.modified, fields, tags, note.guid],
            )?;
            if changed != 1 {
                bail!("note {}: {changed} rows", note.guid);
            }
            transaction.execute(
                "UPDATE cards SET did = ? WHERE nid = (SELECT id FROM notes WHERE guid = ?)",
                params![deck_id(&note.deck), note.guid],
            )?;
        }
        renumber_cards(&transaction)?;
        sort_collection_json(&transaction, note_types)?;
        transaction.commit()?;
        let _ = std::fs::remove_file(&vacuumed);
        // VACUUM INTO writes a fresh file whose header does not depend on
        // how many transactions the database went through.
        conn.execute("VACUUM INTO ?", params![vacuumed.to_string_lossy()])?;
    }
    let db = std::fs::read(&vacuumed)?;
    write_zip(out, &db, &read_media(media)?)?;
    std::fs::remove_file(&db_path)?;
    std::fs::remove_file(&vacuumed)?;
    std::fs::remove_file(raw)?;
    Ok(())
}

/// Adds a note (and its cards) with GUID `guid`, a copy of the rows
/// genanki-rs wrote for the note `first` of the same shape; ids follow the
/// largest so far.
fn copy_note(conn: &Connection, first: &str, guid: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)
         SELECT (SELECT MAX(id) FROM notes) + 1, ?2, mid, mod, usn, tags, flds, sfld, csum, flags, data
         FROM notes WHERE guid = ?1",
        params![first, guid],
    )?;
    // A cloze note's cards have distinct ords, so `+ 1 + ord` never collides.
    conn.execute(
        "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data)
         SELECT (SELECT MAX(id) FROM cards) + 1 + ord, (SELECT id FROM notes WHERE guid = ?2), did, ord, mod, usn,
                type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data
         FROM cards WHERE nid = (SELECT id FROM notes WHERE guid = ?1)",
        params![first, guid],
    )?;
    Ok(())
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
    fn placeholders_keep_cloze_numbers_only() {
        assert_eq!(cloze_placeholder("<svg><path d='M0\n0'/></svg>"), "_");
        assert_eq!(
            cloze_placeholder("A {{c1::x}} and {{c2::<b>y</b>::hint}} {{c1::z}}"),
            "_{{c1::_}}{{c2::_}}{{c1::_}}"
        );
    }

    #[test]
    fn deck_ids_are_stable_positive_and_distinct() {
        assert_eq!(deck_id("Bank::Topic"), deck_id("Bank::Topic"));
        assert_ne!(deck_id("Bank::Topic"), deck_id("Bank"));
        assert!((1..1 << 53).contains(&deck_id("Bank")));
    }
}
