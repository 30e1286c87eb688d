//! Note-tool flashcards: an Obsidian vault (`tests/fixtures/vault/`) and a
//! Logseq graph (`tests/fixtures/logseq/`), each a project whose content
//! folder is the vault itself, read as they are. Every syntax is mixed
//! into prose; the expected cards are asserted one by one.

use std::path::Path;

use studymark::diagnostic::Code;
use studymark::load::Project;
use studymark::model::{Bank, Style};
use studymark::Compiled;

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
    // Templates and the trash are not notes; the prose note is read (and left out of the outputs).
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
