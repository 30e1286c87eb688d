//! An Obsidian vault used as the content folder (`content_dir = "."`):
//! discovery reads its notes and nothing else (not `output/`, `.obsidian/`,
//! `.trash/` or the templates folder), and the outputs render its
//! conventions: wiki links, embedded images, callouts, reversible cards.
//!
//! [`emit_vault`] builds the three outputs of [`VAULT`] from banks made by
//! hand ([`vault_banks`]), as the parser will read the notes' card syntax:
//! what is checked here is rendering and the emitters, the parser has its
//! own fixtures. The browser and Anki end-to-end tests read its output.

use std::path::{Path, PathBuf};

use studymark::cache::DiskCache;
use studymark::emit::anki::{anki_css, note_type_hashes, AnkiEmitter};
use studymark::emit::print::PrintEmitter;
use studymark::emit::site::SiteEmitter;
use studymark::emit::{EmitInput, Emitter};
use studymark::katex::KatexMemo;
use studymark::load::Project;
use studymark::model::{Bank, Kind, Question, Rich, Style, Topic};
use studymark::render::outputs::{html_for, NotePages};
use studymark::render::{render_bank, Folders, MathOutput};

use crate::build::{read, studymark};

/// A small drawing to embed (`![[mitochondrion.svg|120]]`).
const MITOCHONDRION: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="240" height="140" viewBox="0 0 240 140"><ellipse cx="120" cy="70" rx="110" ry="60" fill="#f4a582" stroke="#b2182b" stroke-width="6"/><path d="M40 70 q15 -40 30 0 t30 0 t30 0 t30 0 t30 0" fill="none" stroke="#b2182b" stroke-width="5"/></svg>"##;

/// The vault: notes in Obsidian's card syntax among prose, an attachment
/// folder, and Markdown where no note is (each would be a bank if read).
pub const VAULT: [(&str, &str); 10] = [
    ("studymark.toml", "title = \"Vault\"\ncontent_dir = \".\"\n"),
    (".obsidian/app.json", r#"{"attachmentFolderPath": "Attachments"}"#),
    (".obsidian/snippets/readme.md", "? Is this a note?\n\nNo: Obsidian's settings.\n"),
    (".trash/Old.md", "? Was this deleted?\n\nYes.\n"),
    ("Templates/Card.md", "? {{title}}?\n\n{{answer}}\n"),
    ("output/leftover.md", "? Is the output folder read?\n\nNo.\n"),
    ("Attachments/mitochondrion.svg", MITOCHONDRION),
    (
        "Biology/Cells.md",
        "#flashcards/Biology/Cells\n\nCells are the unit of life; see [[Genes]].\n\n\
         Osmosis:::Water crossing a semi-permeable membrane\n<!--SR:!2024-01-02,3,250-->\n\n\
         What powers the cell?\n?\nThe ![[mitochondrion.svg|120]] makes ATP; see [[Genes]] and [[Proteins|proteins]].\n\n\
         > [!warning] Mind the membrane\n> It lets water through, not salt.\n<!--ID: 1566052191670-->\n",
    ),
    ("Genes.md", "Genes code for proteins.\n\n==DNA== carries the genetic code.\n"),
    ("Daily/2024-01-02.md", "Met the study group; no cards today.\n"),
];

/// Writes [`VAULT`] into `dir`.
pub fn write_vault(dir: &Path) {
    for (path, text) in VAULT {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn rich(markdown: &str) -> Rich {
    Rich { markdown: markdown.into(), plain: markdown.into(), ..Rich::default() }
}

fn question(number: u32, id: &str, kind: Kind, prompt: &str, answer: &str, details: &str) -> Question {
    Question {
        id: id.into(),
        explicit_id: false,
        number,
        slug: id.into(),
        prompt: rich(prompt),
        context: Rich::default(),
        kind,
        answer: rich(answer),
        details: rich(details),
        tags: Vec::new(),
        deck: Some("Biology::Cells".into()),
        difficulty: None,
        inferred: false,
        span: Default::default(),
    }
}

fn bank(root: &Path, path: &str, id: &str, questions: Vec<Question>) -> Bank {
    let title = Path::new(path).file_stem().unwrap().to_string_lossy().into_owned();
    Bank {
        id: id.into(),
        title: title.clone(),
        source_path: root.join(path),
        deck_name: title.clone(),
        tags: Vec::new(),
        default_language: None,
        style: Style::Marker,
        reading: String::new(),
        intro: Rich::default(),
        topics: vec![Topic { title, slug: "cards".into(), line: None, questions }],
    }
}

/// The cards of the vault's notes, as the note-tool parser reads them.
pub fn vault_banks(root: &Path) -> Vec<Bank> {
    let osmosis = question(1, "osmosis", Kind::Reversible, "Osmosis", "Water crossing a semi-permeable membrane", "");
    let power = question(
        2,
        "power",
        Kind::Open,
        "What powers the cell?",
        "The ![[mitochondrion.svg|120]] makes ATP; see [[Genes]] and [[Proteins|proteins]].",
        "> [!warning] Mind the membrane\n> It lets water through, not salt.\n\n<!--ID: 1566052191670-->",
    );
    let mut dna = question(1, "dna", Kind::Cloze, "{{c1::DNA}} carries the genetic code.", "", "");
    dna.deck = None;
    vec![
        bank(root, "Biology/Cells.md", "biology-cells", vec![osmosis, power]),
        bank(root, "Genes.md", "genes", vec![dna]),
    ]
}

/// Renders [`vault_banks`] and writes the site, the decks and the handouts
/// into `out/site`, `out/anki`, `out/print`.
pub fn emit_vault(root: &Path, out: &Path) {
    let project = Project::load(root).unwrap();
    assert!(project.vault.is_some(), "{} is a vault", root.display());
    let mut banks = vault_banks(&std::fs::canonicalize(root).unwrap());
    let theme = studymark::theme::Theme::new(None);
    let (mut lock, _) = studymark::lock::update_lock(None, &mut banks, "", 1_700_000_000);
    let input = EmitInput { config: &project.config, root, banks: &banks, theme: &theme };
    lock.update_note_types(&note_type_hashes(&anki_css(&input)), 1_700_000_000);
    let scratch = out.join(".scratch");
    let emitters: Vec<Box<dyn Emitter>> = vec![
        Box::new(SiteEmitter::new(&input).unwrap()),
        Box::new(AnkiEmitter::new(&input, &lock, &scratch)),
        Box::new(PrintEmitter::new(&input, &lock, None, &scratch).unwrap()),
    ];
    for emitter in &emitters {
        emitter.write_shared(&out.join(emitter.name())).unwrap();
    }
    let (cache, katex) = (DiskCache::default(), KatexMemo::default());
    let content_dir = project.content_dir();
    let folders = Folders { content_dir: &content_dir, vault: project.vault.as_ref() };
    let pages = NotePages::new(&banks);
    for bank in &banks {
        let katex = render_bank(bank, &project.config, &folders, &cache, &katex, MathOutput::Katex);
        for emitter in &emitters {
            let html = html_for(emitter.output(), bank, &katex, None, &pages);
            emitter.write_bank(bank, &html, &out.join(emitter.name())).unwrap();
        }
    }
}

/// The notes studymark reads, relative to the vault.
fn bank_sources(root: &Path) -> Vec<PathBuf> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_studymark")).arg("model").current_dir(root).output();
    let output = output.unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let model: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let root = std::fs::canonicalize(root).unwrap();
    let sources = model["banks"].as_array().unwrap().iter().map(|b| PathBuf::from(b["source"].as_str().unwrap()));
    // Sources are shown relative to the project when they are inside it.
    sources
        .map(|path| std::fs::canonicalize(root.join(path)).unwrap().strip_prefix(&root).unwrap().to_path_buf())
        .collect()
}

/// Folders of [`VAULT`] that hold Markdown but no notes.
const NOT_NOTES: [&str; 4] = [".obsidian", ".trash", "Templates", "output"];

/// Asserts that the notes read include Cells and Genes (the daily note
/// has no cards: whether it is a bank is the parser's business) and none
/// of the files in [`NOT_NOTES`].
fn assert_notes_only(sources: &[PathBuf], when: &str) {
    let read_outside: Vec<_> = sources.iter().filter(|s| NOT_NOTES.iter().any(|n| s.starts_with(n))).collect();
    assert!(read_outside.is_empty(), "{when}: read {read_outside:?}");
    for note in ["Biology/Cells.md", "Genes.md"] {
        assert!(sources.contains(&PathBuf::from(note)), "{when}: {note} not read: {sources:?}");
    }
}

#[test]
fn a_vault_as_content_reads_its_notes_only() {
    let dir = tempfile::tempdir().unwrap();
    write_vault(dir.path());
    assert_notes_only(&bank_sources(dir.path()), "before any build");
    // The second build finds the first one's output inside the vault.
    for build in ["first build", "second build"] {
        let (code, stderr) = studymark(&["build"], dir.path());
        assert_eq!(code, 0, "{build}: {stderr}");
        for skipped in [".obsidian", ".trash", "Templates", "leftover"] {
            assert!(!stderr.contains(skipped), "{build} mentions {skipped}: {stderr}");
        }
        let pages: Vec<String> = std::fs::read_dir(dir.path().join("output/site"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".html"))
            .collect();
        let not_notes = |page: &&String| ["obsidian", "trash", "templates", "output"].iter().any(|n| page.contains(n));
        assert_eq!(pages.iter().filter(not_notes).count(), 0, "{build}: {pages:?}");
        assert!(pages.contains(&"biology-cells.html".into()) && pages.contains(&"genes.html".into()), "{pages:?}");
    }
    assert_notes_only(&bank_sources(dir.path()), "after two builds");
}

#[test]
fn vault_conventions_render_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    write_vault(dir.path());
    let out = dir.path().join("built");
    emit_vault(dir.path(), &out);
    let site = read(out.join("site/biology-cells.html"));
    assert!(site.contains("<a class=\"wikilink\" href=\"genes.html\">Genes</a>"), "{site}");
    assert!(site.contains("<span class=\"wikilink\" data-note=\"Proteins\">proteins</span>"), "{site}");
    assert!(site.contains("<div class=\"callout callout-warning\" data-callout=\"warning\">"), "{site}");
    assert!(site.contains("data-kind=\"reversible\"") && site.contains("↔ Both ways"), "{site}");
    assert!(site.contains("due 3 · learned 0 · total 3"), "a reversible question is two cards: {site}");
    let answers = read(out.join("print/biology-cells-answers.html"));
    assert!(answers.contains("<div class=\"callout callout-warning\"") && answers.contains(".callout-title"));
    assert!(answers.contains("<span class=\"wikilink\" data-note=\"Genes\">Genes</span>"), "text, not a link");
    let media: Vec<_> = std::fs::read_dir(out.join("site/media")).unwrap().collect();
    assert_eq!(media.len(), 1, "the embedded drawing is published once");
    for (name, text) in [("site", &site), ("print", &answers)] {
        assert!(!text.contains("SR:") && !text.contains("ID: 1566"), "{name}: scheduling comments are gone");
        assert!(!text.contains("[["), "{name}: no wiki syntax is left");
    }
}
