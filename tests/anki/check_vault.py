#!/usr/bin/env python3
"""The decks of the fixture vault (tests/fixtures/vault/) in Anki itself:
imports the packages `studymark build` wrote for a copy of the vault
(tests/testsuite/vault.rs, `build_vault`) with Anki's own importer and
checks what the note tools' syntax becomes:

  - one package per note with cards (none for the prose note); every
    package passes the integrity check of check_apkg.py (every note has a
    card, unique GUIDs, re-importing adds 0 notes and 0 cards, Check
    Database finds nothing to fix) and its GUIDs start with its bank id;
  - note types: `studymark Basic`, `studymark Basic (and reversed)` and
    `studymark Cloze`, each note of the type its card syntax asks for;
  - a reversible card (`??`, `:::`, Obsidian_to_Anki's "Basic (and
    reversed card)") is one note with two cards, the second asking with the
    answer; a highlight cloze with two highlights gives two cards;
  - decks: `#flashcards/Biology/Cells` (front matter) and a
    `#flashcards/Biology/Evolution` line in the Mitochondria note,
    `TARGET DECK` in the German note, `cards-deck` in the French one;
  - the embedded image is a media file of the package, shown at its width;
    the callout is a styled box; wiki links are text; no scheduling comment,
    block id or wiki syntax is left in any field.

Notes are found by their prompt text, never by their hashed id.
Screenshots of both cards of the reversible note and of the card with the
callout, day and night, land in --screenshots.

usage: .venv/bin/python tests/anki/check_vault.py --anki DIR --vault DIR
           --work TMPDIR --screenshots DIR
"""

import argparse
import re
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_apkg as base  # noqa: E402  (its report, integrity check and screenshots)

R = base.R
BASIC = "studymark Basic"
REVERSED = "studymark Basic (and reversed)"
CLOZE = "studymark Cloze"
MITO = "biology-cells-mitochondria"
# Per package (bank id): the note types of its notes.
PACKAGES = {
    "biology-cell-membrane": {BASIC, REVERSED},
    MITO: {BASIC, REVERSED, CLOZE},
    "languages-french": {BASIC, REVERSED, CLOZE},
    "languages-german": {BASIC, REVERSED, CLOZE},
}
# Prompt (start of its text) -> (note type, number of cards, deck of every card).
NOTES = {
    "Organelle that makes most of a cell's ATP": (BASIC, 1, "Biology::Cells"),
    "Where does the Krebs cycle take place?": (BASIC, 1, "Biology::Cells"),
    "The inner membrane folds into cristae": (CLOZE, 2, "Biology::Cells"),
    "Which theory explains where mitochondria came from?": (REVERSED, 2, "Biology::Evolution"),
    "Which book on the reading list": (BASIC, 1, "Biology::Evolution"),
    "der Hund": (BASIC, 1, "Languages::German"),
    "die Katze": (REVERSED, 2, "Languages::German"),
    'The German word for "thank you" is danke': (CLOZE, 1, "Languages::German"),
    "guten Morgen": (BASIC, 1, "Languages::German"),
    "le chat": (BASIC, 1, "Languages::French"),
    "la maison": (REVERSED, 2, "Languages::French"),
    "Paris is the capital of France.": (CLOZE, 1, "Languages::French"),
    'What does "bonjour" mean?': (BASIC, 1, "Languages::French"),
    "phospholipid bilayer": (REVERSED, 2, None),
    "Passive transport that needs a protein": (BASIC, 1, None),
    "Movement of water across a membrane": (BASIC, 1, None),
}
ORIGIN_PROMPT = "Which theory explains where mitochondria came from?"
ORIGIN_ANSWER = "Endosymbiotic theory"


def side(html_text):
    """The text of a card side without its stylesheet."""
    return base.text_of(html_text.split("</style>")[-1])


def prompt_text(note):
    """The note's first field (Prompt, or a cloze note's Text) as text, clozes unwrapped."""
    text = base.text_of(note.fields[0])
    return re.sub(r"\{\{c\d+::(.*?)(::[^}]*)?\}\}", r"\1", text)


def note_by_prompt(col, prompt):
    """The one note whose prompt starts with `prompt`."""
    found = [nid for nid in col.find_notes("") if prompt_text(col.get_note(nid)).startswith(prompt)]
    if len(found) != 1:
        raise AssertionError(f"{len(found)} notes whose prompt starts with {prompt!r}")
    return col.get_note(found[0])


def check_packages(args, work):
    packages = sorted(p for p in os.listdir(args.anki) if not p.startswith("."))
    R.eq(packages, sorted(f"{b}.apkg" for b in PACKAGES),
         "one package per note with cards (none for the prose note Reading list)")
    for bank, types in PACKAGES.items():
        path = os.path.join(args.anki, f"{bank}.apkg")
        base.check_integrity(path, f"vault {bank}.apkg", work)
        a = base.Apkg(path)
        used = {a.models[n["mid"]]["name"] for n in a.notes.values()}
        R.eq(used, types, f"{bank}.apkg: its notes are of the note types {sorted(types)}")
        base.check_apkg_note_types(a, types)
        R.check(all(g.startswith(f"studymark-{bank}-") for g in a.notes),
                f"{bank}.apkg: every GUID starts with studymark-{bank}-", sorted(a.notes))


def check_notes(col):
    """Every note of the vault: its type, its number of cards, its deck."""
    R.eq((col.note_count(), col.card_count()),
         (len(NOTES), sum(n for _, n, _ in NOTES.values())), "all packages: every note and card of the vault")
    for prompt, (kind, count, deck) in NOTES.items():
        note = note_by_prompt(col, prompt)
        cards = note.cards()
        decks = {col.decks.name(c.did) for c in cards}
        R.eq((note.note_type()["name"], len(cards)), (kind, count), f"{prompt!r}: a {kind} note with {count} card(s)")
        if deck is not None:
            R.eq(decks, {deck}, f"{prompt!r}: in the deck {deck}")
    # `#flashcards` with no deck, the title heading after it: the bank's
    # deck (the title is no topic of its own).
    membrane = {col.decks.name(c.did) for c in note_by_prompt(col, "phospholipid bilayer").cards()}
    R.eq(membrane, {"Cell membrane"}, "Cell membrane (#flashcards, no deck): the note's deck")


def check_reversible(col):
    note = note_by_prompt(col, ORIGIN_PROMPT)
    R.eq([t["name"] for t in note.note_type()["tmpls"]], ["Card 1", "Card 2"], f"{REVERSED} has two card templates")
    cards = sorted(note.cards(), key=lambda c: c.ord)
    R.eq([c.ord for c in cards], [0, 1], "the reversible note has two cards (ords 0 and 1)")
    if len(cards) != 2:
        return cards
    forward, reverse = side(cards[0].question()), side(cards[1].question())
    R.check(ORIGIN_PROMPT in forward and ORIGIN_ANSWER not in forward,
            "card 1 asks with the prompt and hides the answer", forward)
    R.check(ORIGIN_ANSWER in side(cards[0].answer()), "card 1's back reveals the answer", side(cards[0].answer()))
    R.check(ORIGIN_ANSWER in reverse and ORIGIN_PROMPT not in reverse and "Reverse" in reverse,
            "card 2 asks with the answer, says it is the reverse and hides the prompt", reverse)
    R.check(ORIGIN_PROMPT in side(cards[1].answer()), "card 2's back reveals the prompt", side(cards[1].answer()))
    return cards


def check_cloze(col):
    note = note_by_prompt(col, "The inner membrane folds into cristae")
    R.check("{{c1::cristae}}" in note["Text"] and "{{c2::surface area}}" in note["Text"],
            "the highlights ==cristae== and ==surface area== are deletions c1 and c2", note["Text"])
    cards = sorted(note.cards(), key=lambda c: c.ord)
    fronts = [side(c.question()) for c in cards]
    R.check(len(fronts) == 2 and "cristae" not in fronts[0] and "surface area" in fronts[0]
            and "surface area" not in fronts[1] and "cristae" in fronts[1],
            "card 1 hides cristae, card 2 hides surface area", fronts)
    R.check(all("cristae" in side(c.answer()) and "surface area" in side(c.answer()) for c in cards),
            "both backs show the whole sentence", [side(c.answer()) for c in cards])


def check_conventions(col, vault):
    krebs = note_by_prompt(col, "Where does the Krebs cycle take place?")
    answer, details = krebs["Answer"], krebs["Details"]
    R.check('<span class="wikilink" data-note="Cell membrane">the membrane note</span>' in answer
            and "<a " not in answer, "[[Cell membrane|the membrane note]] is text in Anki, not a link", answer)
    book = note_by_prompt(col, "Which book on the reading list")["Answer"]
    R.check('<span class="wikilink" data-note="Richard Dawkins">Richard Dawkins</span>' in book
            and '<span class="wikilink" data-note="Reading list">the reading list</span>' in book
            and "<a " not in book, "[[Richard Dawkins]] and [[Reading list|...]] are text", book)
    media = [m for m in os.listdir(col.media.dir()) if m.endswith(".png")]
    with open(os.path.join(vault, "Attachments", "mito-diagram.png"), "rb") as f:
        diagram = f.read()
    R.check(len(media) == 1 and f'src="{media[0]}"' in answer and 'width="200"' in answer,
            "![[mito-diagram.png|200]] is a media file the field shows, 200 wide", (media, answer))
    if media:
        with open(os.path.join(col.media.dir(), media[0]), "rb") as f:
            R.check(f.read() == diagram, "the media file is the vault's Attachments/mito-diagram.png")
    R.check('<div class="callout callout-tip" data-callout="tip"><div class="callout-title">Remember</div>' in details
            and "Matrix for the cycle" in details, "the callout is a tip box with its title and text", details)
    css = krebs.note_type()["css"]
    R.check(".callout-tip" in css and ".callout-title" in css, "the note type's CSS styles callouts")
    fields = "\n".join(f for nid in col.find_notes("") for f in col.get_note(nid).fields)
    leftovers = [s for s in ("SR:", "ID:", "<!--", "[[", "]]", "==", "^osmosis-card", "#flashcards", "#card")
                 if s in fields]
    R.check(not leftovers, "no scheduling comment, id comment, block id, deck tag or wiki syntax in any field",
            leftovers)
    return krebs


def run(args):
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    check_packages(args, work)
    col = base.fresh_collection(work, "vault")
    try:
        # The Mitochondria package alone first: its media are exactly the package's.
        path = os.path.join(args.anki, f"{MITO}.apkg")
        a = base.Apkg(path)
        R.eq(base.log_counts(base.import_apkg(col, path)), {"new": 5, "updated": 0, "duplicate": 0, "conflicting": 0},
             f"{MITO}.apkg: 5 new notes")
        R.eq((col.note_count(), col.card_count()), (5, 7), f"{MITO}.apkg: 5 notes, 7 cards (one reversed, one 2-cloze)")
        base.check_media(col, a, "vault")
        # Then the other notes' packages, as someone importing the whole vault.
        for bank in sorted(PACKAGES):
            if bank != MITO:
                base.import_apkg(col, os.path.join(args.anki, f"{bank}.apkg"))
        check_notes(col)
        cards = check_reversible(col)
        check_cloze(col)
        krebs = check_conventions(col, os.path.abspath(args.vault))
        out = os.path.abspath(args.screenshots)
        os.makedirs(out, exist_ok=True)
        pages = os.path.join(work, "render")
        shutil.copytree(col.media.dir(), pages)
        for card in cards:
            base.screenshot(card, f"reversible-card{card.ord + 1}", pages, out, work)
        base.screenshot(krebs.cards()[0], "callout", pages, out, work)
    finally:
        col.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--anki", required=True, help="the anki/ folder a build of the vault wrote")
    ap.add_argument("--vault", required=True, help="the vault that was built (for its attachments)")
    ap.add_argument("--work", required=True, help="an empty scratch folder")
    ap.add_argument("--screenshots", required=True, help="where the PNGs go")
    args = ap.parse_args()
    R.run_and_exit(lambda: run(args))


if __name__ == "__main__":
    main()
