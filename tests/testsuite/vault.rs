//! Note-tool flashcards: an Obsidian vault (`tests/fixtures/vault/`) and a
//! Logseq graph (`tests/fixtures/logseq/`), each a project whose content
//! folder is the vault itself, read as they are. Every syntax is mixed
//! into prose; the expected cards are asserted one by one.
//!
//! Then the vault through the real pipeline: `studymark build` on a copy of
//! it ([`build_vault`]; a build writes `output/` and `studymark.lock` into
//! its project). Discovery reads its notes only, on the first build and on
//! the next, which finds the first one's output inside the vault; the site
//! and the handouts render its conventions (wiki links, embeds, callouts,
//! reversible cards). The browser and Anki end-to-end tests
//! (`e2e_site::vault_site_in_headless_chromium`,
//! `e2e_anki::vault_decks_import_into_anki`) check the same build.

use std::path::{Path, PathBuf};
use std::process::Command;

use studymark::diagnostic::Code;
use studymark::load::Project;
use studymark::model::{Bank, Style};
use studymark::Compiled;

use crate::build::read;
use crate::fixtures;

fn compile_project(name: &str) -> Compiled {
    let project = Project::load(&fixtures().join(name)).expect("loads");
    assert!(project.vault.is_some(), "{name} is a vault");
    studymark::pipeline::check(&project, &[], &Default::default()).expect("compiles")
}

fn bank<'c>(compiled: &'c Compiled, file: &str) -> &'c Bank {
    compiled.banks.iter().find(|b| b.source_path.ends_with(file)).unwrap_or_else(|| {
        panic!("no bank for {file}: {:?}", compiled.banks.iter().map(|b| &b.source_path).collect::<Vec<_>>())
    })
}

/// Per question: kind, prompt, answer (first line), deck.
fn cards(bank: &Bank) -> Vec<(String, String, String, String)> {
    bank.questions()
        .map(|q| {
            let answer = q.answer.markdown.lines().next().unwrap_or("").to_string();
            let deck = q.deck.clone().unwrap_or_default();
            (q.kind.as_str().to_string(), q.prompt.markdown.clone(), answer, deck)
        })
        .collect()
}

fn card(kind: &str, prompt: &str, answer: &str, deck: &str) -> (String, String, String, String) {
    (kind.into(), prompt.into(), answer.into(), deck.into())
}

#[test]
fn an_obsidian_vault_gives_its_cards_and_leaves_its_prose() {
    let compiled = compile_project("vault");
    let sources: Vec<String> = compiled
        .banks
        .iter()
        .map(|b| b.source_path.strip_prefix(fixtures().join("vault")).unwrap().display().to_string())
        .collect();
    // Templates, the trash and Obsidian's settings (a plugin's README.md with cards in it) are not
    // notes; the prose note is read (and left out of the outputs).
    assert_eq!(
        sources,
        [
            "Biology/Cell membrane.md",
            "Biology/Cells/Mitochondria.md",
            "Inbox/Reading list.md",
            "Languages/French.md",
            "Languages/German.md"
        ]
    );
    assert!(compiled.banks.iter().all(|b| b.style == Style::Cards));

    let mito = bank(&compiled, "Mitochondria.md");
    assert_eq!(
        cards(mito),
        [
            card("open", "Organelle that makes most of a cell's ATP", "the mitochondrion", "Biology::Cells"),
            card(
                "open",
                "Where does the Krebs cycle take place?",
                "In the mitochondrial matrix; the electron transport chain sits in the",
                "Biology::Cells"
            ),
            card(
                "cloze",
                "The inner membrane folds into {{c1::cristae}}, which increase its {{c2::surface area}}.",
                "",
                "Biology::Cells"
            ),
            card(
                "reversible",
                "Which theory explains where mitochondria came from?",
                "Endosymbiotic theory",
                "Biology::Evolution"
            ),
            card(
                "open",
                "Which book on the reading list makes the gene the unit of selection?",
                "*The Selfish Gene*, by [[Richard Dawkins]] (see [[Reading list|the reading list]])",
                "Biology::Evolution"
            ),
        ]
    );
    let topics: Vec<&str> = mito.topics.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(topics, ["Energy", "Origin"]);
    let krebs = mito.questions().nth(1).unwrap();
    assert!(krebs.answer.markdown.contains("![[mito-diagram.png|200]]"), "{}", krebs.answer.markdown);
    assert!(krebs.details.markdown.starts_with("> [!tip] Remember"), "{}", krebs.details.markdown);
    // The plugin's scheduling comment is not part of the card.
    let atp = mito.questions().next().unwrap();
    assert!(!atp.answer.markdown.contains("SR:") && !atp.details.markdown.contains("SR:"));

    let membrane = bank(&compiled, "Cell membrane.md");
    assert_eq!(
        cards(membrane),
        [
            card("reversible", "phospholipid bilayer", "the double layer of lipids that forms the membrane", ""),
            card("open", "Passive transport that needs a protein", "facilitated diffusion", ""),
            card("open", "Movement of water across a membrane", "osmosis", ""),
        ]
    );

    let french = bank(&compiled, "French.md");
    assert_eq!(french.deck_name, "Languages::French", "flashcards-obsidian's cards-deck");
    assert_eq!(
        cards(french),
        [
            card("open", "le chat", "the cat", ""),
            card("reversible", "la maison", "the house", ""),
            card("cloze", "Paris is the {{c1::capital}} of {{c1::France}}.", "", ""),
            card("open", "What does \"bonjour\" mean?", "Hello, or good day.", ""),
        ]
    );
    assert!(french.questions().nth(3).unwrap().tags.contains(&"greetings".to_string()));

    let german = bank(&compiled, "German.md");
    assert_eq!(
        cards(german),
        [
            card("open", "der Hund", "the dog", "Languages::German"),
            card("reversible", "die Katze", "the cat", "Languages::German"),
            card(
                "cloze",
                "The German word for \"thank you\" is {{c1::danke}}.",
                "Add \"schön\" for \"thank you very much\".",
                "Languages::German"
            ),
            card("open", "guten Morgen", "good morning", "Languages::German"),
        ]
    );
    assert!(german.questions().next().unwrap().tags.starts_with(&["nouns".into(), "animals".into()]));

    let reading = bank(&compiled, "Reading list.md");
    assert!(reading.is_empty(), "a prose note has nothing to show");
    assert_eq!(compiled.notes_without_cards(), 1);
    let codes: Vec<Code> = compiled.diagnostics.iter().map(|d| d.code).collect();
    assert!(!codes.contains(&Code::NoQuestions) && !codes.contains(&Code::EmptyAnswer), "{codes:?}");
    assert_eq!(compiled.count(studymark::diagnostic::Severity::Error), 0);
}

#[test]
fn a_logseq_graph_gives_its_card_blocks() {
    let compiled = compile_project("logseq");
    let chemistry = bank(&compiled, "pages/Chemistry.md");
    assert_eq!(
        cards(chemistry),
        [
            card("open", "What is the pH of pure water at 25 °C?", "- 7", ""),
            card("cloze", "An acid donates {{c1::protons}} and a base accepts {{c1::them}}.", "", ""),
            card("open", "Buffers resist changes of pH.", "- A weak acid together with its conjugate base.", ""),
        ]
    );
    // Review properties are no part of any card.
    for question in chemistry.questions() {
        for fragment in question.fragments() {
            assert!(!fragment.markdown.contains("::") || fragment.markdown.contains("{{c1::"), "{}", fragment.markdown);
        }
    }
    let journal = bank(&compiled, "journals/2026_11_30.md");
    assert_eq!(cards(journal), [card("open", "Avogadro's number?", "- 6.022 × 10²³ per mole", "")]);
    assert!(!compiled.banks.iter().any(|b| b.source_path.components().any(|c| c.as_os_str() == "bak")));
    assert_eq!(compiled.notes_without_cards(), 1);
}

#[test]
fn outside_a_vault_card_syntax_needs_its_tag() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    // Tagged: the plugin's cards win over the heading reading.
    write(
        "tagged.md",
        "# Terms\n\n#flashcards\n\n## Networking\n\nlatency::the delay of one message\n\nbandwidth:::data per second\n",
    );
    // Not tagged: `::` in prose is no card, the headings are questions.
    write("plain.md", "# C++\n\n## What is std::vector?\n\nA growable array: std::vector::push_back appends.\n");
    let project = Project::load(dir.path()).unwrap();
    let compiled = studymark::pipeline::check(&project, &[dir.path().to_path_buf()], &Default::default()).unwrap();
    let tagged = bank(&compiled, "tagged.md");
    assert_eq!(tagged.style, Style::Cards);
    assert_eq!(
        cards(tagged),
        [
            card("open", "latency", "the delay of one message", ""),
            card("reversible", "bandwidth", "data per second", "")
        ]
    );
    let plain = bank(&compiled, "plain.md");
    assert_ne!(plain.style, Style::Cards);
    assert_eq!(plain.questions().map(|q| q.prompt.markdown.as_str()).collect::<Vec<_>>(), ["What is std::vector?"]);
    assert!(Path::new(&plain.source_path).exists());
}

// --- the vault built -------------------------------------------------------

/// The notes of the fixture vault that have cards: their bank ids (the
/// names of their pages, packages and handouts).
pub const VAULT_BANKS: [&str; 4] =
    ["biology-cell-membrane", "biology-cells-mitochondria", "languages-french", "languages-german"];

/// Copies `from` into `to`, folder by folder.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs `studymark --project <vault> <args>` from the folder above; exit code, stdout, stderr.
fn studymark_in(vault: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_studymark"))
        .arg("--project")
        .arg(vault)
        .args(args)
        .current_dir(vault.parent().unwrap())
        .output()
        .unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

/// A copy of `tests/fixtures/vault/` in a temporary folder (the vault is
/// the folder itself).
pub fn copy_vault() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("vault"), dir.path());
    dir
}

/// Builds `vault` with `studymark build`; asserts it succeeded. Its stderr.
fn build(vault: &Path) -> String {
    let (code, _, stderr) = studymark_in(vault, &["build"]);
    assert_eq!(code, 0, "studymark build of the vault:\n{stderr}");
    stderr
}

/// A copy of the fixture vault, built: its outputs are in `output/site`,
/// `output/anki` and `output/print` of the returned folder.
pub fn build_vault() -> tempfile::TempDir {
    let dir = copy_vault();
    build(dir.path());
    dir
}

/// The notes `studymark model` reads, relative to the vault.
fn note_sources(vault: &Path) -> Vec<PathBuf> {
    let (code, stdout, stderr) = studymark_in(vault, &["model"]);
    assert_eq!(code, 0, "{stderr}");
    let model: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let root = std::fs::canonicalize(vault).unwrap();
    let sources = model["banks"].as_array().unwrap().iter().map(|b| PathBuf::from(b["source"].as_str().unwrap()));
    sources.map(|path| std::fs::canonicalize(root.join(path)).unwrap().strip_prefix(&root).unwrap().into()).collect()
}

/// The files of an output folder (`site`, `anki`, `print`), without its
/// subfolders' files.
fn files(dir: PathBuf) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    names
}

#[test]
fn a_built_vault_reads_its_notes_only() {
    let dir = copy_vault();
    let vault = dir.path();
    // Markdown with cards where no note is: in the output folder (a later
    // build finds the earlier one's output inside the vault), besides the
    // fixture's `.obsidian/` plugin README, `.trash/` and `Templates/`.
    std::fs::create_dir_all(vault.join("output")).unwrap();
    std::fs::write(vault.join("output/leftover.md"), "#flashcards\n\nIs the output folder read?::No\n").unwrap();
    let notes: Vec<PathBuf> = [
        "Biology/Cell membrane.md",
        "Biology/Cells/Mitochondria.md",
        "Inbox/Reading list.md",
        "Languages/French.md",
        "Languages/German.md",
    ]
    .map(PathBuf::from)
    .into();
    assert_eq!(note_sources(vault), notes, "before any build");
    let mut pages: Vec<String> = VAULT_BANKS.iter().map(|b| format!("{b}.html")).collect();
    pages.push("index.html".into());
    pages.sort();
    for build_name in ["first build", "second build"] {
        let stderr = build(vault);
        for skipped in [".obsidian", "README", ".trash", "Deleted", "Templates", "Daily", "leftover"] {
            assert!(!stderr.contains(skipped), "{build_name} mentions {skipped}: {stderr}");
        }
        // The prose note is one summary line, not a warning of its own.
        assert!(stderr.contains("1 note of the vault has no cards (left out)"), "{build_name}: {stderr}");
        let site: Vec<String> = files(vault.join("output/site")).into_iter().filter(|f| f.ends_with(".html")).collect();
        assert_eq!(site, pages, "{build_name}: one page per note with cards");
        let search: Vec<String> = VAULT_BANKS.iter().map(|b| format!("{b}.js")).collect();
        assert_eq!(files(vault.join("output/site/search")), search, "{build_name}: one search part per page");
        let packages: Vec<String> = VAULT_BANKS.iter().map(|b| format!("{b}.apkg")).collect();
        assert_eq!(files(vault.join("output/anki")), packages, "{build_name}: one package per note with cards");
        let handouts = files(vault.join("output/print"));
        assert_eq!(handouts.len(), 3 * VAULT_BANKS.len(), "{build_name}: {handouts:?}");
        assert!(handouts.iter().all(|h| VAULT_BANKS.iter().any(|b| h.starts_with(b))), "{handouts:?}");
        assert_eq!(note_sources(vault), notes, "after the {build_name}");
    }
    let index = read(vault.join("output/site/index.html"));
    assert!(!index.contains("Reading list") && !index.contains("inbox-reading-list"), "the prose note is no page");
}

/// The site page of the Mitochondria note and its printed answers, the
/// cards sheet: wiki links, the embed, the callout, the reversible card.
#[test]
fn vault_conventions_render_in_every_output() {
    let dir = build_vault();
    let out = dir.path().join("output");
    let site = read(out.join("site/biology-cells-mitochondria.html"));
    // [[Cell membrane|the membrane note]]: a note with cards, so a page.
    assert!(site.contains("<a class=\"wikilink\" href=\"biology-cell-membrane.html\">the membrane note</a>"), "{site}");
    // [[Richard Dawkins]]: no note of the vault, so text.
    assert!(site.contains("<span class=\"wikilink\" data-note=\"Richard Dawkins\">Richard Dawkins</span>"), "{site}");
    assert!(site.contains(
        "<div class=\"callout callout-tip\" data-callout=\"tip\"><div class=\"callout-title\">Remember</div>"
    ));
    assert!(site.contains("alt=\"mito-diagram.png\" width=\"200\">"), "the embed keeps its width: {site}");
    assert!(site.contains("data-kind=\"reversible\"") && site.contains("↔ Both ways"), "{site}");
    assert!(site.contains("due 6 · learned 0 · total 6"), "5 questions, one reversible (two cards): {site}");
    let answers = read(out.join("print/biology-cells-mitochondria-answers.html"));
    assert!(answers.contains("<div class=\"callout callout-tip\"") && answers.contains(".callout-title"));
    for link in ["data-note=\"Cell membrane\">the membrane note", "data-note=\"Reading list\">the reading list"] {
        assert!(answers.contains(&format!("<span class=\"wikilink\" {link}</span>")), "print: {link} is text");
    }
    // A reversible card prints once, its prompt on the front.
    let sheet = read(out.join("print/biology-cells-mitochondria-cards.html"));
    assert_eq!(sheet.matches("Which theory explains where mitochondria came from?").count(), 1, "{sheet}");
    assert_eq!(sheet.matches("Endosymbiotic theory").count(), 1, "{sheet}");
    let diagram = std::fs::read(fixtures().join("vault/Attachments/mito-diagram.png")).unwrap();
    for output in ["site", "print"] {
        let media = files(out.join(output).join("media"));
        assert_eq!(media.len(), 1, "{output}: the embedded diagram is published once: {media:?}");
        assert_eq!(std::fs::read(out.join(output).join("media").join(&media[0])).unwrap(), diagram);
    }
    for output in ["site", "print"] {
        for page in files(out.join(output)).iter().filter(|p| p.ends_with(".html")) {
            let html = read(out.join(output).join(page));
            for leftover in ["SR:", "ID: 1700000000001", "[[", "]]", "==cristae", "^osmosis-card"] {
                assert!(!html.contains(leftover), "{output}/{page} holds {leftover:?}");
            }
        }
    }
}

/// Product bug: a wiki link to a note of the vault without cards (here
/// `[[Reading list|the reading list]]` in a Mitochondria card) links to
/// `inbox-reading-list.html`, a page no build writes (the prose note is left
/// out of the outputs): `NotePages::new` in `src/emit/site.rs` indexes every
/// bank, the empty ones too. Remove the `ignore` once that is fixed.
#[test]
fn a_wiki_link_to_a_note_without_cards_is_text_on_the_site() {
    let dir = build_vault();
    let site = read(dir.path().join("output/site/biology-cells-mitochondria.html"));
    assert!(!site.contains("href=\"inbox-reading-list.html\""), "a link to a page that does not exist");
    assert!(site.contains("<span class=\"wikilink\" data-note=\"Reading list\">the reading list</span>"), "{site}");
}
