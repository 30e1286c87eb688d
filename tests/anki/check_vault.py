#!/usr/bin/env python3
"""The decks of an Obsidian vault in Anki itself: imports the packages that
tests/testsuite/vault_outputs.rs (`emit_vault`) wrote with Anki's own importer and
checks what the vault conventions become: a reversible card is one note of
`studymark Basic (and reversed)` with two cards (the second asks with the
answer), wiki links are text, an embedded image is a media file, a callout
is a styled box, scheduling comments are gone. Every package passes the
integrity check of check_apkg.py (every note has a card, unique GUIDs,
re-importing adds 0, Check Database finds nothing to fix). Screenshots of
both cards of the reversible note and of the callout, day and night, land
in --screenshots.

usage: .venv/bin/python tests/anki/check_vault.py --anki DIR --work TMPDIR
           --screenshots DIR
"""

import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_apkg as base  # noqa: E402  (its report, integrity check and screenshots)

R = base.R
REVERSED = "studymark Basic (and reversed)"
CELLS = "biology-cells.apkg"
DECK = "Biology::Cells"


def side(html_text):
    """The text of a card side without its stylesheet."""
    return base.text_of(html_text.split("</style>")[-1])


def check_reversible(col, guid):
    note = col.get_note(base.note_id(col, guid))
    R.eq(note.note_type()["name"], REVERSED, f"{guid} is a {REVERSED} note")
    R.eq([t["name"] for t in note.note_type()["tmpls"]], ["Card 1", "Card 2"], f"{REVERSED} has two card templates")
    cards = sorted(note.cards(), key=lambda c: c.ord)
    R.eq([c.ord for c in cards], [0, 1], "the reversible note has two cards (ords 0 and 1)")
    R.eq({col.decks.name(c.did) for c in cards}, {DECK}, f"both cards are in the author's deck {DECK}")
    if len(cards) != 2:
        return cards
    forward, reverse = (side(cards[0].question()), side(cards[1].question()))
    R.check("Osmosis" in forward and "Water crossing" not in forward,
            "card 1 asks with the prompt and hides the answer", forward)
    R.check("Water crossing" in reverse and "Osmosis" not in reverse,
            "card 2 asks with the answer and hides the prompt", reverse)
    R.check("Osmosis" in side(cards[1].answer()), "card 2's back reveals the prompt", side(cards[1].answer()))
    return cards


def check_conventions(col, guid):
    note = col.get_note(base.note_id(col, guid))
    answer, details = note["Answer"], note["Details"]
    R.check('<span class="wikilink" data-note="Genes">Genes</span>' in answer and "<a " not in answer,
            "wiki links are text in Anki, not links", answer)
    media = os.listdir(col.media.dir())
    images = [m for m in media if m.endswith(".svg")]
    R.check(len(images) == 1 and f'src="{images[0]}"' in answer and 'width="120"' in answer,
            "the embedded drawing is a media file the field shows, 120 wide", (images, answer))
    R.check('<div class="callout callout-warning" data-callout="warning">' in details
            and "Mind the membrane" in details, "the callout is a warning box with its title", details)
    css = note.note_type()["css"]
    R.check(".callout-warning" in css and ".callout-title" in css, "the note type's CSS styles callouts")
    fields = "\n".join(f for nid in col.find_notes("") for f in col.get_note(nid).fields)
    R.check("SR:" not in fields and "ID: 1566" not in fields and "[[" not in fields,
            "no scheduling comment and no wiki syntax in any field", fields[:600])


def run(args):
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    packages = sorted(p for p in os.listdir(args.anki) if p.endswith(".apkg"))
    R.eq(packages, [CELLS, "genes.apkg"], "one package per note with cards")
    for package in packages:
        base.check_integrity(os.path.join(args.anki, package), f"vault {package}", work)
    path = os.path.join(args.anki, CELLS)
    a = base.Apkg(path)
    base.check_apkg_note_types(a, {REVERSED, "studymark Basic"})
    col = base.fresh_collection(work, "vault")
    try:
        R.eq(base.log_counts(base.import_apkg(col, path)), {"new": 2, "updated": 0, "duplicate": 0, "conflicting": 0},
             f"{CELLS}: 2 new notes")
        R.eq((col.note_count(), col.card_count()), (2, 3), f"{CELLS}: 2 notes, 3 cards")
        cards = check_reversible(col, "studymark-biology-cells-osmosis")
        check_conventions(col, "studymark-biology-cells-power")
        base.check_media(col, a, "vault")
        out = os.path.abspath(args.screenshots)
        os.makedirs(out, exist_ok=True)
        pages = os.path.join(work, "render")
        shutil.copytree(col.media.dir(), pages)
        for card in cards:
            base.screenshot(card, f"reversible-card{card.ord + 1}", pages, out, work)
        power = base.first_card(col, "studymark-biology-cells-power", "power")
        base.screenshot(power, "callout", pages, out, work)
    finally:
        col.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--anki", required=True, help="the anki/ folder emit_vault wrote")
    ap.add_argument("--work", required=True, help="an empty scratch folder")
    ap.add_argument("--screenshots", required=True, help="where the PNGs go")
    args = ap.parse_args()
    R.run_and_exit(lambda: run(args))


if __name__ == "__main__":
    main()
