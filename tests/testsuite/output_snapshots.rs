//! The shape of every output, pinned by snapshots: one question of each
//! kind (open, multiple choice, cloze, reversible card) from
//! `tests/fixtures/kinds/`, as the site shows it (its `<article>`), as the
//! Anki package stores it (note type, GUID, deck, tags and each field by
//! name) and as the print worksheet and answer key show it (its
//! `<section>`), plus a check that every image those fragments name ships
//! with its output.
//!
//! The fixture is built once through `studymark::pipeline::build` and only the
//! files it wrote are read, so a refactor of how rendering and emission
//! are wired shows here as a snapshot diff to review, never as a test to
//! rewrite. Nothing is normalized: site and print output is byte-identical
//! from build to build; the Anki notes' modification times (from the
//! fresh project's `studymark.lock`, so the build's clock) are left out.
//! Update with `INSTA_UPDATE=always cargo test --test testsuite output_snapshots`
//! and read every changed `.snap` before committing it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use insta::assert_snapshot;
use studymark::load::Project;
use studymark::pipeline::{build, BuildOptions};
use studymark::progress::Progress;

use crate::build::open_package;

/// Where one question of the fixture shows up in each output.
struct Question {
    bank: &'static str,
    /// Its `id` on the site page.
    anchor: &'static str,
    /// Its number in the bank: the print sections' `q<n>` and the position
    /// of its note in the package (notes are in bank order).
    number: usize,
}

const OPEN: Question = Question { bank: "kinds", anchor: "why-does-gradient-descent-with-step-size-eta", number: 1 };
const MULTIPLE_CHOICE: Question = Question { bank: "kinds", anchor: "what-does-this-print", number: 2 };
const CLOZE: Question = Question { bank: "kinds", anchor: "a-hash-table-with-c1-open-addressing-keeps", number: 3 };
const REVERSIBLE: Question = Question { bank: "reversible", anchor: "memoization", number: 1 };

const BANKS: [&str; 2] = ["kinds", "reversible"];

/// What the build wrote, read before its temporary project is removed.
struct Outputs {
    /// Per bank: the site page, the worksheet, the answer key.
    site: BTreeMap<String, String>,
    worksheet: BTreeMap<String, String>,
    answer_key: BTreeMap<String, String>,
    /// Per bank: its notes in bank order, each as its snapshot text.
    notes: BTreeMap<String, Vec<Note>>,
    /// File names under `site/media/` and `print/media/`, and per bank the
    /// package's media names.
    site_media: BTreeSet<String>,
    print_media: BTreeSet<String>,
    anki_media: BTreeMap<String, BTreeSet<String>>,
}

struct Note {
    /// Note type, GUID, deck, number of cards and tags, then
    /// `--- <field name>` and the field.
    text: String,
    fields: Vec<String>,
}

fn outputs() -> &'static Outputs {
    static OUTPUTS: OnceLock<Outputs> = OnceLock::new();
    OUTPUTS.get_or_init(build_fixture)
}

/// Builds the fixture in a fresh project (a fresh `studymark.lock`, no
/// caches), so nothing from an earlier run can leak into the output.
fn build_fixture() -> Outputs {
    let project_dir = tempfile::tempdir().unwrap();
    let content = project_dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    for entry in std::fs::read_dir(crate::fixtures().join("kinds")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), content.join(entry.file_name())).unwrap();
    }
    std::fs::write(project_dir.path().join("studymark.toml"), "").unwrap();
    let project = Project::load(project_dir.path()).unwrap();
    let out = project_dir.path().join("output");
    let options = BuildOptions {
        paths: Vec::new(),
        out: Some(out.clone()),
        deny_warnings: false,
        strict: false,
        locked: false,
        // None selected: every output.
        site: false,
        anki: false,
        print: false,
        pdf: false,
        progress: Progress::hidden(),
    };
    let report = build(&project, &options).unwrap();
    assert!(report.passed(), "{:?}", report.failure);
    // A warning would mean the fixture is not read as intended (a card
    // syntax that did not apply, an option that is no option).
    let diagnostics: Vec<_> = report.compiled.diagnostics.iter().map(|d| (d.code.as_str(), &d.message)).collect();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");

    let read = |path: &str| crate::build::read(out.join(path));
    let per_bank = |name: &dyn Fn(&str) -> String| BANKS.iter().map(|b| (b.to_string(), read(&name(b)))).collect();
    let mut notes = BTreeMap::new();
    let mut anki_media = BTreeMap::new();
    for bank in BANKS {
        let apkg = out.join(format!("anki/{bank}.apkg"));
        notes.insert(bank.to_string(), package_notes(&apkg));
        anki_media.insert(bank.to_string(), package_media(&apkg));
    }
    Outputs {
        site: per_bank(&|b| format!("site/{b}.html")),
        worksheet: per_bank(&|b| format!("print/{b}.html")),
        answer_key: per_bank(&|b| format!("print/{b}-answers.html")),
        notes,
        site_media: file_names(&out.join("site/media")),
        print_media: file_names(&out.join("print/media")),
        anki_media,
    }
}

fn file_names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

/// The package's notes in bank order, fields named by their note type.
fn package_notes(apkg: &Path) -> Vec<Note> {
    let conn = open_package(apkg).conn;
    let json = |column: &str| -> serde_json::Value {
        let text: String = conn.query_row(&format!("SELECT {column} FROM col"), [], |r| r.get(0)).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let (models, decks) = (json("models"), json("decks"));
    let mut statement = conn.prepare("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id").unwrap();
    let rows: Vec<(i64, String, i64, String, String)> = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.into_iter()
        .map(|(id, guid, mid, tags, flds)| {
            let model = &models[mid.to_string()];
            // A cloze note has a card per deletion number: the count is shape too.
            let mut statement = conn.prepare("SELECT did FROM cards WHERE nid = ? ORDER BY ord").unwrap();
            let card_decks: Vec<i64> = statement.query_map([id], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
            let mut deck_names: Vec<&str> =
                card_decks.iter().map(|did| decks[did.to_string()]["name"].as_str().unwrap()).collect();
            deck_names.dedup();
            let fields: Vec<String> = flds.split('\u{1f}').map(str::to_owned).collect();
            let names: Vec<&str> =
                model["flds"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
            assert_eq!(names.len(), fields.len(), "note {guid}: fields do not match its note type");
            let mut text = format!(
                "note type: {}\nguid: {guid}\ndeck: {}\ncards: {}\ntags: {}\n",
                model["name"].as_str().unwrap(),
                deck_names.join(", "),
                card_decks.len(),
                tags.trim()
            );
            for (name, field) in names.iter().zip(&fields) {
                text.push_str(&format!("--- {name}\n{field}\n"));
            }
            Note { text, fields }
        })
        .collect()
}

/// The names the package's `media` index gives its files.
fn package_media(apkg: &Path) -> BTreeSet<String> {
    let mut index = String::new();
    open_package(apkg).archive.by_name("media").unwrap().read_to_string(&mut index).unwrap();
    let index: BTreeMap<String, String> = serde_json::from_str(&index).unwrap();
    index.into_values().collect()
}

/// The element that starts with `<{tag} ` and whose opening tag holds
/// `attribute`, up to its closing tag (question markup holds no element of
/// the same name inside).
fn element(page: &str, tag: &str, attribute: &str) -> String {
    let open = format!("<{tag} ");
    let start = page
        .match_indices(&open)
        .map(|(i, _)| i)
        .find(|&i| page[i..].split('>').next().unwrap().contains(attribute))
        .unwrap_or_else(|| panic!("no <{tag}> with {attribute}"));
    let close = format!("</{tag}>");
    let end = start + page[start..].find(&close).unwrap_or_else(|| panic!("<{tag}> with {attribute} is not closed"));
    page[start..end + close.len()].to_owned()
}

fn site_card(question: &Question) -> String {
    element(&outputs().site[question.bank], "article", &format!(" id=\"{}\"", question.anchor))
}

fn worksheet_entry(question: &Question) -> String {
    element(&outputs().worksheet[question.bank], "section", &format!(" id=\"q{}\"", question.number))
}

fn answer_key_entry(question: &Question) -> String {
    element(&outputs().answer_key[question.bank], "section", &format!(" id=\"q{}\"", question.number))
}

fn note(question: &Question) -> &'static Note {
    let notes = &outputs().notes[question.bank];
    notes.get(question.number - 1).unwrap_or_else(|| panic!("{} has {} notes", question.bank, notes.len()))
}

fn anki_note(question: &Question) -> String {
    note(question).text.clone()
}

#[test]
fn site_open() {
    assert_snapshot!("site-open", site_card(&OPEN));
}

#[test]
fn site_multiple_choice() {
    assert_snapshot!("site-multiple-choice", site_card(&MULTIPLE_CHOICE));
}

#[test]
fn site_cloze() {
    assert_snapshot!("site-cloze", site_card(&CLOZE));
}

#[test]
fn site_reversible() {
    assert_snapshot!("site-reversible", site_card(&REVERSIBLE));
}

#[test]
fn anki_open() {
    assert_snapshot!("anki-open", anki_note(&OPEN));
}

#[test]
fn anki_multiple_choice() {
    assert_snapshot!("anki-multiple-choice", anki_note(&MULTIPLE_CHOICE));
}

#[test]
fn anki_cloze() {
    assert_snapshot!("anki-cloze", anki_note(&CLOZE));
}

#[test]
fn anki_reversible() {
    assert_snapshot!("anki-reversible", anki_note(&REVERSIBLE));
}

#[test]
fn worksheet_open() {
    assert_snapshot!("worksheet-open", worksheet_entry(&OPEN));
}

#[test]
fn worksheet_multiple_choice() {
    assert_snapshot!("worksheet-multiple-choice", worksheet_entry(&MULTIPLE_CHOICE));
}

#[test]
fn worksheet_cloze() {
    assert_snapshot!("worksheet-cloze", worksheet_entry(&CLOZE));
}

#[test]
fn worksheet_reversible() {
    assert_snapshot!("worksheet-reversible", worksheet_entry(&REVERSIBLE));
}

#[test]
fn answer_key_open() {
    assert_snapshot!("answer-key-open", answer_key_entry(&OPEN));
}

#[test]
fn answer_key_multiple_choice() {
    assert_snapshot!("answer-key-multiple-choice", answer_key_entry(&MULTIPLE_CHOICE));
}

#[test]
fn answer_key_cloze() {
    assert_snapshot!("answer-key-cloze", answer_key_entry(&CLOZE));
}

#[test]
fn answer_key_reversible() {
    assert_snapshot!("answer-key-reversible", answer_key_entry(&REVERSIBLE));
}

/// A snapshot shows an image's hashed name, not that the file is there:
/// every name a fragment uses must be shipped beside it.
#[test]
fn every_image_the_fragments_name_ships_with_its_output() {
    let outputs = outputs();
    let sources = |html: &str, prefix: &str| -> Vec<String> {
        let marker = format!("src=\"{prefix}");
        html.match_indices(&marker)
            .map(|(i, _)| html[i + marker.len()..].split('"').next().unwrap().to_owned())
            .collect()
    };
    let mut seen = 0;
    for question in [&OPEN, &MULTIPLE_CHOICE, &CLOZE, &REVERSIBLE] {
        for name in sources(&site_card(question), "media/") {
            assert!(outputs.site_media.contains(&name), "site/media/{name} missing");
            seen += 1;
        }
        for page in [worksheet_entry(question), answer_key_entry(question)] {
            for name in sources(&page, "media/") {
                assert!(outputs.print_media.contains(&name), "print/media/{name} missing");
                seen += 1;
            }
        }
        for field in &note(question).fields {
            for name in sources(field, "") {
                assert!(outputs.anki_media[question.bank].contains(&name), "{name} not in {}.apkg", question.bank);
                seen += 1;
            }
        }
    }
    // The open question's image: on the site, in the answer key and in Anki
    // (the worksheet leaves answers out).
    assert_eq!(seen, 3, "the fixture's one image is not where it was");
}
