use super::*;
use crate::config::Config;
use crate::emit::tests::{bank, question};
use crate::theme::Theme;

#[test]
fn katex_fonts_point_at_underscore_media() {
    let css = "@font-face{font-family:KaTeX_AMS;src:url(fonts/KaTeX_AMS-Regular.woff2) format(\"woff2\"),url(fonts/KaTeX_AMS-Regular.woff) format(\"woff\"),url(fonts/KaTeX_AMS-Regular.ttf) format(\"truetype\")}.katex{x:y}";
    assert_eq!(
        katex_css_for_anki(css),
        "@font-face{font-family:KaTeX_AMS;src:url(_KaTeX_AMS-Regular.woff2) format(\"woff2\")}.katex{x:y}"
    );
}

/// The package's collection: (note type name, GUID, card ords, deck names)
/// per note, and the note types' template counts by name.
type Notes = Vec<(String, String, Vec<i64>, Vec<String>)>;

fn read_collection(apkg: &Path) -> (Notes, Vec<(String, usize)>) {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(apkg).unwrap()).unwrap();
    let mut bytes = Vec::new();
    archive.by_name("collection.anki2").unwrap().read_to_end(&mut bytes).unwrap();
    let db = apkg.with_extension("anki2");
    std::fs::write(&db, bytes).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (models, decks): (String, String) =
        conn.query_row("SELECT models, decks FROM col", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    let models: serde_json::Value = serde_json::from_str(&models).unwrap();
    let decks: serde_json::Value = serde_json::from_str(&decks).unwrap();
    let name = |json: &serde_json::Value, id: i64| json[id.to_string()]["name"].as_str().unwrap_or("?").to_string();
    let mut statement = conn.prepare("SELECT id, mid, guid FROM notes ORDER BY id").unwrap();
    let notes: Vec<(i64, i64, String)> =
        statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
    let notes = notes
        .into_iter()
        .map(|(nid, mid, guid)| {
            let mut cards = conn.prepare("SELECT ord, did FROM cards WHERE nid = ? ORDER BY ord").unwrap();
            let cards: Vec<(i64, i64)> =
                cards.query_map([nid], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
            let decks = cards.iter().map(|(_, did)| name(&decks, *did)).collect();
            (name(&models, mid), guid, cards.into_iter().map(|(ord, _)| ord).collect(), decks)
        })
        .collect();
    let templates = models
        .as_object()
        .unwrap()
        .values()
        .map(|m| (m["name"].as_str().unwrap().to_string(), m["tmpls"].as_array().unwrap().len()))
        .collect();
    (notes, templates)
}

#[test]
fn a_reversible_question_is_one_note_with_a_card_each_way() {
    let (mut reversible, reversible_html) =
        question("osmosis", Kind::Reversible, "Osmosis", "Water crossing a membrane");
    reversible.deck = Some("Biology::Membranes".into());
    let nucleus = question("nucleus", Kind::Open, "What holds the DNA?", "The nucleus");
    let (bank, html) = bank(vec![(reversible, reversible_html), nucleus]);
    let dir = tempfile::tempdir().unwrap();
    let (config, theme) = (Config::default(), Theme::new(None));
    let banks = [bank];
    let input = EmitInput { config: &config, root: dir.path(), banks: &banks, theme: &theme };
    let lock = crate::lock::update_lock(None, &mut [], "", 0).0;
    let emitter = AnkiEmitter::new(&input, &lock, &dir.path().join("scratch"));
    let out = dir.path().join("anki");
    emitter.write_shared(&out).unwrap();
    assert_eq!(emitter.write_bank(&banks[0], &html, &out).unwrap(), ["cells.apkg"]);

    let (notes, templates) = read_collection(&out.join("cells.apkg"));
    let note = |name: &str, guid: &str, ords: &[i64], deck: &str| {
        (name.to_string(), guid.to_string(), ords.to_vec(), vec![deck.to_string(); ords.len()])
    };
    assert_eq!(
        notes,
        [
            note("studymark Basic (and reversed)", "studymark-cells-osmosis", &[0, 1], "Biology::Membranes"),
            note("studymark Basic", "studymark-cells-nucleus", &[0], "Biology::Cells"),
        ]
    );
    assert!(templates.contains(&("studymark Basic (and reversed)".to_string(), 2)), "{templates:?}");
    assert_eq!(note_type_hashes("").len(), templates.len(), "the lock hashes every note type");
}
