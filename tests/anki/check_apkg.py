#!/usr/bin/env python3
"""End-to-end test of studymark's Anki output: builds the seed bank, imports
the .apkg with Anki's own importer (PyPI `anki`, the code the desktop app
runs) and checks what a person would get in Anki, then edits the bank and
checks that re-imports update exactly the notes that changed and keep their
review history. Finally renders a few cards in headless Chromium.

Every package a build writes passes the integrity check (`check_integrity`):
every note has at least one card, GUIDs are unique, re-importing the same
package into a collection that has it adds 0 notes and 0 cards, and Anki's
Check Database finds nothing to fix. A bank with repeated prompts
(tests/fixtures/identity/repeated.md: "What's the output?" four times, one a
true duplicate) is built, imported, rebuilt with `--locked` after a blank
line and after one answer edit.

usage: .venv/bin/python tests/anki/check_apkg.py --studymark BIN --repo REPO
           --work TMPDIR --screenshots DIR

Prints `ok - ...` / `not ok - ...` per check (details on `#` lines) and a
last line `N passed, M failed`; exits 1 on any failure. A stage that raises
counts as one failed check and the scenario goes on with the next stage.
`scripts/setup-test-env` installs the venv (tests/anki/requirements.txt).
"""

import argparse
import html
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from html.parser import HTMLParser

from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checklib import Report, png_luminance  # noqa: E402  (shared with the other check scripts)

BANK_FILE = "deep-learning.md"
BANK_ID = "deep-learning"
# The seed's questions come before any topic heading: their topic ("Practice
# questions", named after the bank) is implicit, so they go straight into the
# bank's deck. Subdecks per topic are checked on content/tour/marker.md.
DECK = "Practice questions"
TOPIC_TAG = "studymark::topic::practice-questions"
TOUR_FILE = "tour/marker.md"
TOUR_ID = "tour-marker"
TOUR_DECKS = {  # question number -> deck (the bank's deck is `Tour::Marker`)
    1: "Tour::Marker::Python", 3: "Tour::Marker::Python", 4: "Tour::Marker::Machine learning",
    7: "Tour::Marker::Algorithms", 8: "Tour::Marker::Algorithms",
}
NOTE_TYPES = {
    "studymark Basic": ["Prompt", "Answer", "Details", "Source"],
    "studymark Multiple choice": ["Prompt", "Choices", "Key", "Explanation", "Source"],
    "studymark Cloze": ["Text", "Extra", "Source"],
    "studymark Basic (and reversed)": ["Prompt", "Answer", "Details", "Source"],
}
# The edits the scenario makes to the copied bank (each must match once).
Q6_OLD = "an ensemble of models, improving generalization."
Q6_NEW = "an ensemble of models, which improves generalization."
Q7_OLD = "Give one example of a real-world problem where an RNN is preferred over a feed-forward network"
Q7_NEW = "Give an example of a real-world problem where an RNN is preferred to a feed-forward network"
Q8_OLD = "Together, they regulate the updates"
Q8_NEW = "Together, these two gates regulate the updates"
# Highlight classes the seed's Python code uses that a theme always styles.
HL_KEY_CLASSES = ["hl-keyword", "hl-comment", "hl-constant", "hl-storage", "hl-entity", "hl-string"]
CHROMIUM = "/usr/bin/chromium"
SLEEP = 1.2  # seconds between builds whose change times must differ


# --- reporting ---------------------------------------------------------------

R = Report()


# --- studymark ---------------------------------------------------------------

class Project:
    def __init__(self, studymark, repo, work, name="project", bank_file=BANK_FILE, bank_id=BANK_ID, source=None):
        self.bin = studymark
        self.work = work
        self.name = name
        self.bank_id = bank_id
        self.dir = os.path.join(work, name)
        self.bank = os.path.join(self.dir, "content", bank_file)
        self.lock = os.path.join(self.dir, "studymark.lock")
        self.toml = os.path.join(self.dir, "studymark.toml")
        os.makedirs(os.path.dirname(self.bank))
        shutil.copy(source or os.path.join(repo, "content", bank_file), self.bank)
        shutil.copy(os.path.join(repo, "studymark.toml"), self.toml)
        self.builds = 0

    def run(self, *args):
        return subprocess.run(
            [self.bin, "--project", self.dir, *args],
            capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
        )

    def build(self, label, *extra, expect_ok=True):
        """`studymark build` into a fresh output folder; returns (process, apkg path)."""
        self.builds += 1
        out = os.path.join(self.work, "builds", self.name, f"{self.builds:02d}-{label}")
        proc = self.run("build", "--out", out, *extra)
        apkg = os.path.join(out, "anki", f"{self.bank_id}.apkg")
        if expect_ok:
            R.check(proc.returncode == 0 and os.path.isfile(apkg),
                    f"build ({label}) exits 0 and writes anki/{self.bank_id}.apkg",
                    f"exit {proc.returncode}; files: {sorted(walk(out))[:20]}\n{tail(proc.stderr)}")
        if proc.returncode == 0:
            for name in sorted(os.listdir(os.path.join(out, "anki"))):
                if name.endswith(".apkg"):
                    check_integrity(os.path.join(out, "anki", name), f"{self.name} {label} {name}", self.work)
        return proc, apkg

    def edit(self, old, new):
        text = read(self.bank)
        if text.count(old) != 1:
            raise AssertionError(f"the bank copy contains {old!r} {text.count(old)} times, not once")
        write(self.bank, text.replace(old, new))

    def model(self):
        """Questions of the bank from `studymark model`, by number."""
        proc = self.run("model")
        if proc.returncode != 0:
            raise AssertionError(f"studymark model exited {proc.returncode}:\n{tail(proc.stderr)}")
        banks = [b for b in json.loads(proc.stdout)["banks"] if b["id"] == self.bank_id]
        return {q["number"]: dict(q, topic_slug=t["slug"]) for b in banks for t in b["topics"] for q in t["questions"]}

    def lock_data(self):
        with open(self.lock, "rb") as f:
            return tomllib.load(f)

    def lock_entries(self):
        """{question id: entry} of this bank's `[[question]]` tables in studymark.lock."""
        return {e["id"]: e for e in self.lock_data().get("question", []) if e.get("bank") == self.bank_id}

    def lock_note_types(self):
        """{note type id: changed} from the `[[note_type]]` tables of studymark.lock."""
        return {e["id"]: e["changed"] for e in self.lock_data().get("note_type", [])}


# --- files -------------------------------------------------------------------

def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def walk(top):
    for d, _, files in os.walk(top):
        for f in files:
            yield os.path.relpath(os.path.join(d, f), top)


def tail(text, n=25):
    return "\n".join(text.strip().splitlines()[-n:])


# --- the .apkg itself --------------------------------------------------------

class Apkg:
    """What is inside an .apkg: notes by GUID, note types, decks, media names."""

    def __init__(self, path):
        self.path = path
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            db_name = next((n for n in ("collection.anki21", "collection.anki2") if n in names), None)
            if db_name is None:
                raise AssertionError(f"{path}: no collection.anki2/anki21 in {names}")
            self.media = json.loads(z.read("media")) if "media" in names else {}
            fd, tmp = tempfile.mkstemp(suffix=".anki2")
            with os.fdopen(fd, "wb") as f:
                f.write(z.read(db_name))
        try:
            con = sqlite3.connect(tmp)
            self.notes = {
                guid: {"id": nid, "mid": mid, "mod": mod, "tags": tags, "flds": flds.split("\x1f")}
                for guid, nid, mid, mod, tags, flds in con.execute(
                    "select guid, id, mid, mod, tags, flds from notes")
            }
            # `notes` above keeps one note per GUID: these see every row.
            self.duplicate_guids = con.execute(
                "select guid, count(*) from notes group by guid having count(*) > 1").fetchall()
            self.cardless = con.execute(
                "select guid from notes where id not in (select nid from cards)").fetchall()
            self.note_rows, self.card_rows = con.execute(
                "select (select count(*) from notes), (select count(*) from cards)").fetchone()
            models, decks = con.execute("select models, decks from col").fetchone()
            self.models = {int(k): v for k, v in json.loads(models).items()}
            self.decks = {v["name"]: int(k) for k, v in json.loads(decks).items()}
            con.close()
        finally:
            os.remove(tmp)

    def mods(self):
        return {g: n["mod"] for g, n in self.notes.items()}

    def field(self, guid, name):
        n = self.notes[guid]
        names = [f["name"] for f in sorted(self.models[n["mid"]]["flds"], key=lambda f: f["ord"])]
        return n["flds"][names.index(name)]

    def all_fields(self):
        return "\n".join(f for n in self.notes.values() for f in n["flds"])


# --- Anki --------------------------------------------------------------------

def fresh_collection(work, name):
    d = os.path.join(work, "collections", name)
    os.makedirs(d)
    return Collection(os.path.join(d, "collection.anki2"))


def import_apkg(col, path):
    """Imports with the GUI's default options; returns the import log."""
    req = ImportAnkiPackageRequest(package_path=path, options=ImportAnkiPackageOptions())
    return col.import_anki_package(req).log


INTEGRITY_RUNS = [0]


def check_integrity(path, label, work):
    """What every package must pass: every note has at least one card, GUIDs
    are unique, re-importing it into a collection that already has it adds 0
    notes and 0 cards, and Check Database finds nothing to fix."""
    a = Apkg(path)
    R.check(a.note_rows > 0 and not a.cardless, f"integrity {label}: every note has at least one card",
            f"{a.note_rows} notes; without a card: {a.cardless}")
    R.check(not a.duplicate_guids, f"integrity {label}: GUIDs are unique", a.duplicate_guids)
    INTEGRITY_RUNS[0] += 1
    col = fresh_collection(work, f"integrity-{INTEGRITY_RUNS[0]:02d}")
    try:
        first = log_counts(import_apkg(col, path))
        imported = (col.note_count(), col.card_count())
        R.check(first["new"] == a.note_rows and imported == (a.note_rows, a.card_rows),
                f"integrity {label}: importing gives every note and card of the package",
                f"import {first}; collection (notes, cards) {imported}; package {(a.note_rows, a.card_rows)}")
        again = log_counts(import_apkg(col, path))
        after = (col.note_count(), col.card_count())
        R.check(again["new"] == 0 and after == imported,
                f"integrity {label}: re-importing the same package adds 0 notes and 0 cards",
                f"import {again}; (notes, cards) {imported} -> {after}")
        problems, ok = col.fix_integrity()
        R.check(ok and (col.note_count(), col.card_count()) == imported,
                f"integrity {label}: Check Database finds nothing to fix",
                f"{problems}\n(notes, cards) {imported} -> {(col.note_count(), col.card_count())}")
    finally:
        col.close()


def log_counts(log):
    return {k: len(getattr(log, k)) for k in ("new", "updated", "duplicate", "conflicting")}


def note_id(col, guid):
    return col.db.scalar("select id from notes where guid = ?", guid)


def guid_of(col, nid):
    return col.db.scalar("select guid from notes where id = ?", nid)


def css_selectors(css):
    """Every selector of a stylesheet (one level of @media nesting is enough)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out = []
    for m in re.finditer(r"([^{}]+)\{", css):
        sel = m.group(1).strip()
        if sel.startswith("@"):
            continue
        out.extend(s.strip() for s in sel.split(","))
    return out


def class_tokens(html_text, prefix):
    toks = set()
    for m in re.finditer(r'class="([^"]*)"', html_text):
        toks.update(t for t in m.group(1).split() if t.startswith(prefix))
    return toks


class ChoiceParser(HTMLParser):
    """The `li` items directly inside `<ol class="mc-choices">` and their classes."""

    def __init__(self):
        super().__init__()
        self.stack = []
        self.items = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "li" and self.stack and self.stack[-1] == ("ol", True):
            self.items.append(classes)
        if tag not in ("br", "img", "hr", "input", "meta", "link", "wbr"):
            self.stack.append((tag, tag == "ol" and "mc-choices" in classes))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def normalized(text):
    return " ".join(re.sub(r"[^\w$\\]+", " ", text.lower()).split())


class ChainParser(HTMLParser):
    """For every element that has class `want`, or a class starting with
    `prefix`: the (tag, classes) of its ancestors and itself, outermost first
    (the first entry stands for <body>)."""

    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "col", "area", "source"}

    def __init__(self, body_classes, prefix=None, want=None):
        super().__init__()
        self.stack = [("body", set(body_classes))]
        self.prefix, self.want = prefix, want
        self.chains = []

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if self.want in classes or (self.prefix and any(c.startswith(self.prefix) for c in classes)):
            self.chains.append(self.stack + [(tag, classes)])
        if tag not in self.VOID:
            self.stack.append((tag, classes))

    def handle_endtag(self, tag):
        if tag not in self.VOID and len(self.stack) > 1:
            self.stack.pop()


def body_classes(card, night):
    """The classes Anki's reviewer gives <body>."""
    return {"card", f"card{card.ord + 1}"} | ({"nightMode", "night_mode"} if night else set())


def css_rules(css):
    """(specificity, order, selector, compounds, declarations) of every rule
    whose selector is simple enough: compounds of a tag, classes and
    `:not(.class)` (pseudo elements dropped), joined by descendant or child
    combinators (both taken as descendant). A compound is
    (tag or None, {classes}, {classes it must not have})."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for i, m in enumerate(re.finditer(r"([^{}]+)\{([^{}]*)\}", css)):
        for sel in m.group(1).split(","):
            sel = sel.strip()
            bare = re.sub(r"::?(after|before|marker)\b", "", sel).replace(">", " ")
            compounds = []
            for part in bare.split():
                pm = re.fullmatch(r"([a-z][a-z0-9]*)?((?:\.[\w-]+|:not\(\.[\w-]+\))*)", part)
                if not pm or not part:
                    break
                compounds.append((pm.group(1), set(re.findall(r"(?<!\()\.([\w-]+)", pm.group(2))),
                                  set(re.findall(r":not\(\.([\w-]+)\)", pm.group(2)))))
            else:
                if compounds:
                    spec = sum((len(c) + len(n)) * 10 + (t is not None) for t, c, n in compounds)
                    rules.append((spec, i, sel, compounds, m.group(2)))
    return rules


def night_only(compounds):
    """Whether a selector applies only in night mode (needs .nightMode)."""
    return any("nightMode" in c for _, c, _ in compounds)


def selector_matches(compounds, chain):
    def fits(comp, el):
        tag, classes, nots = comp
        return (tag is None or tag == el[0]) and classes <= el[1] and not (nots & el[1])

    if not fits(compounds[-1], chain[-1]):
        return False
    j = len(chain) - 2
    for comp in reversed(compounds[:-1]):
        while j >= 0 and not fits(comp, chain[j]):
            j -= 1
        if j < 0:
            return False
        j -= 1
    return True


def hl_colors(card, side_html, css, night):
    """Per highlighted element (class list): the colour rule that wins in
    day or night mode, or None."""
    p = ChainParser(body_classes(card, night), prefix="hl-")
    p.feed(side_html.split("</style>")[-1])
    rules = [r for r in css_rules(css) if re.search(r"(?:^|[;\s{])color\s*:", r[4])]
    out = []
    for chain in p.chains:
        winners = [r for r in rules if selector_matches(r[3], chain)]
        out.append((chain[-1][1], max(winners, key=lambda r: (r[0], r[1])) if winners else None))
    return out


def night_color_leaks(card, side_html, css):
    """Highlighted elements whose colour in night mode comes from a rule that
    also applies by day (one that outranks the night rules, or that no night
    rule answers), and the number of highlighted elements."""
    leaks = {}
    els = hl_colors(card, side_html, css, night=True)
    for classes, rule in els:
        if rule is not None and not night_only(rule[3]):
            key = " ".join(sorted(classes))
            color = re.search(r"(?:^|[;\s{])color\s*:\s*([^;]+)", rule[4]).group(1).strip()
            leaks.setdefault(key, f"<span class='{key}'> gets {color} from the rule {rule[2]}")
    return leaks, len(els)


def styled_token(els, token, night):
    """Whether some element with class `token` gets its colour from a rule
    naming that class (a night-only rule, at night)."""
    return any(token in classes and rule is not None and token in rule[3][-1][1]
               and (night_only(rule[3]) if night else True) for classes, rule in els)


def correct_rules(card, side_html, css, night):
    """Selectors mentioning .correct that apply to an li.correct of this side,
    and the number of li.correct elements."""
    p = ChainParser(body_classes(card, night), want="correct")
    p.feed(side_html.split("</style>")[-1])
    rules = [r for r in css_rules(css) if ".correct" in r[2]]
    hits = {r[2] for chain in p.chains for r in rules if selector_matches(r[3], chain)}
    return hits, len(p.chains)


def text_of(fragment):
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()




# --- the scenario ------------------------------------------------------------

def first_card(col, guid, number):
    nid = note_id(col, guid)
    if nid is None:
        raise AssertionError(f"no note with GUID {guid} (question {number})")
    return col.get_note(nid).cards()[0]


def check_multiple_choice(col, guid, label, options, correct_index):
    """A Multiple choice note whose Choices mark only option `correct_index`."""
    letter = "abcdefgh"[correct_index]
    note = col.get_note(note_id(col, guid))
    R.eq(note.note_type()["name"], "studymark Multiple choice", f"{label} is a Multiple choice note")
    if note.note_type()["name"] != "studymark Multiple choice":
        return
    p = ChoiceParser()
    p.feed(note["Choices"])
    R.check('<ol class="mc-choices"' in note["Choices"], f'{label}: Choices holds <ol class="mc-choices">',
            note["Choices"][:300])
    R.eq(len(p.items), options, f"{label}: {options} options")
    correct = [i for i, cls in enumerate(p.items) if "correct" in cls]
    R.eq(correct, [correct_index], f"{label}: only option {correct_index + 1} is li.correct")
    R.eq(text_of(note["Key"]), f"({letter})", f"{label}: Key is ({letter})")
    card = note.cards()[0]
    R.check('class="correct"' in card.answer() and f"({letter})" in text_of(card.answer()),
            f"{label}: the back shows the marked option and the key ({letter})")
    R.check(f"({letter})" not in text_of(card.question().split("</style>")[-1]),
            f"{label}: the front does not print the key", text_of(card.question().split("</style>")[-1])[:300])
    css = note.note_type()["css"]
    for night in (False, True):
        mode = "night" if night else "day"
        front, n_front = correct_rules(card, card.question(), css, night)
        back, n_back = correct_rules(card, card.answer(), css, night)
        R.check(n_front == 1 and not front,
                f"{label} ({mode}): no .correct rule applies to the front's li.correct (it gives nothing away)",
                (n_front, sorted(front)))
        R.check(n_back == 1 and back, f"{label} ({mode}): .correct rules mark the back's li.correct",
                (n_back, sorted(back)))


def screenshot(card, name, page_dir, out, work, full_back=False):
    """Front and back of `card`, day and night, as Anki's reviewer shows them:
    the card HTML (with its <style>) in a body of class `card cardN` (plus
    `nightMode night_mode` at night), media beside the page; 800x900, and
    with `full_back` the back also 800x2000 (`-full`) for long cards."""
    shots = [(side, mode, "") for side in ("front", "back") for mode in ("day", "night")]
    if full_back:
        shots += [("back", mode, "-full") for mode in ("day", "night")]
    for side, mode, full in shots:
        body = card.question() if side == "front" else card.answer()
        classes = f"card card{card.ord + 1}" + (" nightMode night_mode" if mode == "night" else "")
        shot = f"{name}-{side}-{mode}{full}"
        size = (800, 2000) if full else (800, 900)
        page = os.path.join(page_dir, shot + ".html")
        write(page, f'<!doctype html>\n<html><head><meta charset="utf-8"><title>{shot}</title></head>\n'
                    f'<body class="{classes}"><div id="qa">{body}</div></body></html>\n')
        png = os.path.join(out, shot + ".png")
        if os.path.exists(png):
            os.remove(png)
        profile = tempfile.mkdtemp(prefix="chromium-", dir=work)
        proc = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size={size[0]},{size[1]}",
             "file://" + page],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        if not R.check(proc.returncode == 0 and os.path.isfile(png), f"screenshot {shot}.png",
                       f"exit {proc.returncode}\n{tail(proc.stderr)}"):
            continue
        w, h, lum, dark = png_luminance(png, step=4)
        R.eq((w, h), size, f"{shot}: {size[0]}x{size[1]}")
        if mode == "day":
            R.check(lum > 170, f"{shot}: a light page (mean luminance {lum:.0f})")
        else:
            R.check(lum < 90 and dark > 0.7, f"{shot}: a dark page (mean luminance {lum:.0f}, "
                                             f"{dark:.0%} dark pixels)")


def check_media(col, a, label):
    mdir = col.media.dir()
    files = sorted(os.listdir(mdir))
    fonts = [f for f in files if re.fullmatch(r"_KaTeX_[\w-]+\.woff2", f)]
    R.check(len(fonts) >= 10, f"{label}: the collection media has the KaTeX fonts as _KaTeX_*.woff2 ({len(fonts)})",
            files)
    for f in ("_KaTeX_Main-Regular.woff2", "_KaTeX_Math-Italic.woff2", "_KaTeX_Size1-Regular.woff2"):
        R.check(f in files, f"{label}: media has {f}")
    R.check(not [f for f in files if f.startswith("KaTeX")], f"{label}: no KaTeX file without the leading _",
            [f for f in files if f.startswith("KaTeX")])
    not_woff2 = [f for f in fonts if read_bytes(os.path.join(mdir, f))[:4] != b"wOF2"]
    R.check(fonts and not not_woff2, f"{label}: the font files are WOFF2", not_woff2)
    for nt in col.models.all():
        if nt["name"] not in NOTE_TYPES:
            continue
        urls = set(re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", nt["css"]))
        R.check(urls and all(u in files for u in urls),
                f"{label}: every url() of the {nt['name']} CSS names a media file ({len(urls)} urls)",
                sorted(u for u in urls if u not in files))
    R.eq(sorted(a.media.values()), files, f"{label}: the collection media are exactly the .apkg's media")
    r = col.media.check()
    R.check(not r.missing and not r.missing_media_notes, f"{label}: media check: nothing missing",
            f"{list(r.missing)} {list(r.missing_media_notes)}")
    R.check(not r.unused, f"{label}: media check: nothing unused", list(r.unused))


def check_apkg_note_types(a, must):
    """The .apkg's note types are studymark's, with exactly their fields."""
    got = {m["name"]: [f["name"] for f in sorted(m["flds"], key=lambda f: f["ord"])] for m in a.models.values()}
    R.check(must <= set(got) and all(NOTE_TYPES.get(n) == f for n, f in got.items()),
            f"the .apkg's note types are {sorted(must)}, with exactly their fields", got)


def check_collection_note_types(col, a, names):
    for name in names:
        nt = col.models.by_name(name)
        R.check(nt is not None, f"note type {name!r} exists in the collection")
        if nt is None:
            continue
        R.eq([f["name"] for f in nt["flds"]], NOTE_TYPES[name], f"note type {name!r} has exactly its fields")
        R.check(nt["id"] in a.models, f"note type {name!r} kept its id from the .apkg ({nt['id']})",
                sorted(a.models))


GUID_PREFIX = f"studymark-{BANK_ID}-"


def mods_not_in_lock(a, lock):
    """{guid: (note mod, lock changed)} for the notes whose mod is not the lock's time."""
    out = {}
    for g, n in a.notes.items():
        changed = lock.get(g[len(GUID_PREFIX):], {}).get("changed") if g.startswith(GUID_PREFIX) else None
        if n["mod"] != changed:
            out[g] = (n["mod"], changed)
    return out


class Scenario:
    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.work)
        os.makedirs(self.work, exist_ok=True)
        self.p = Project(os.path.abspath(args.studymark), os.path.abspath(args.repo), self.work)
        self.q = {}  # number -> question from `studymark model`
        self.guid = {}  # number -> expected GUID
        self.col = None
        self.apkgs = []  # (label, Apkg) in build order
        self.tour_col = None
        self.tour_guid = {}

    def g(self, number):
        return self.guid[number]

    # 1. first build ---------------------------------------------------------
    def first_build(self):
        self.q = self.p.model()
        R.eq(len(self.q), 13, "studymark model reads the 13 seed questions")
        self.guid = {n: GUID_PREFIX + q["id"] for n, q in self.q.items()}
        proc, path = self.p.build("first")
        a = Apkg(path)
        self.apkgs.append(("first", a))
        R.eq(sorted(a.notes), sorted(self.guid.values()),
             "the .apkg holds one note per question, GUID studymark-<bank>-<question id>")
        R.check(os.path.isfile(self.p.lock), "build writes studymark.lock")
        lock = self.p.lock_entries()
        R.eq(sorted(lock), sorted(q["id"] for q in self.q.values()),
             "studymark.lock has an entry (id, changed) per question")
        bad = mods_not_in_lock(a, lock)
        R.check(len(a.notes) > 0 and not bad, "each note's mod is its question's `changed` in the lock",
                f"(note mod, lock changed) that differ: {bad}")
        nt_lock = self.p.lock_note_types()
        R.check(a.models and all(nt_lock.get(k) == m["mod"] for k, m in a.models.items()),
                "each note type's mod is its `changed` in the lock",
                ({k: m["mod"] for k, m in a.models.items()}, nt_lock))
        check_apkg_note_types(a, {"studymark Basic", "studymark Multiple choice"})
        src = a.field(self.g(1), "Source") if self.g(1) in a.notes else ""
        R.check("deep-learning.md:" in src, "question 1's Source names the bank file and line", src)
        leaked = [g for g, n in a.notes.items() if any(self.p.dir in f for f in n["flds"])]
        R.check(a.notes and not leaked, "no field holds the absolute path of the project folder "
                                        "(the deck must not depend on where the project is checked out)",
                f"{len(leaked)} notes do, e.g. Source = {src!r}")
        return a

    # 2. first import --------------------------------------------------------
    def first_import(self):
        a = self.apkgs[0][1]
        col = self.col = fresh_collection(self.work, "main")
        log = import_apkg(col, a.path)
        R.eq(log_counts(log), {"new": 13, "updated": 0, "duplicate": 0, "conflicting": 0},
             "first import: 13 new notes")
        R.eq(col.note_count(), 13, "the collection has 13 notes")
        R.eq(sorted(col.db.list("select guid from notes")), sorted(self.guid.values()),
             "the collection's notes have the studymark GUIDs")

        # decks
        names = {d.name for d in col.decks.all_names_and_ids()}
        R.check(DECK in names, f"deck {DECK!r} exists", sorted(names))
        card_decks = {col.decks.name(did) for did in col.db.list("select did from cards")}
        R.eq(card_decks, {DECK}, f"every card is in {DECK!r} (the seed's only topic is implicit)")

        # note types (the seed has no cloze: Anki imports only the note types notes use)
        check_collection_note_types(col, a, ["studymark Basic", "studymark Multiple choice"])

        # tags
        missing = [guid_of(col, nid) for nid in col.find_notes("")
                   if TOPIC_TAG not in [t.lower() for t in col.get_note(nid).tags]]
        R.check(col.note_count() > 0 and not missing, f"every note is tagged {TOPIC_TAG}", missing)

        self.check_multiple_choice(col)
        self.check_math(col)
        self.check_code(col)
        self.check_media(col, a)

    def card(self, col, number):
        return first_card(col, self.g(number), number)

    def check_multiple_choice(self, col):
        check_multiple_choice(col, self.g(10), "question 10", 4, 2)

    def check_math(self, col):
        for n in (4, 5):
            c = self.card(col, n)
            R.check('class="katex"' in c.question(), f"question {n}: front has KaTeX HTML (class=\"katex\")")
            R.check('class="katex"' in c.answer(), f"question {n}: back has KaTeX HTML (class=\"katex\")")
            prompt = c.note()["Prompt"]
            R.check("$" not in text_of(re.sub(r"<annotation.*?</annotation>", "", prompt, flags=re.S)),
                    f"question {n}: no $ delimiter left in the prompt", prompt[:300])

    def check_code(self, col):
        for n in (10, 13):
            c = self.card(col, n)
            css = c.note_type()["css"]
            side = c.question() if n == 10 else c.answer()
            where = "front (prompt code)" if n == 10 else "back"
            used = class_tokens(side, "hl-")
            R.check(len(used) >= 3, f"question {n}: the {where} has highlighted code (hl- classes)", sorted(used))
            day = hl_colors(c, side, css, night=False)
            night = hl_colors(c, side, css, night=True)
            key = [k for k in HL_KEY_CLASSES if k in used]
            R.check(len(key) >= 3, f"question {n}: code uses at least three of {HL_KEY_CLASSES}", sorted(used))
            for k in key:
                R.check(styled_token(day, k, False), f"question {n}: .{k} tokens get a colour by day")
                R.check(styled_token(night, k, True), f"question {n}: .{k} tokens get a colour from a .nightMode rule")
            leaks, seen = night_color_leaks(c, side, css)
            R.check(seen > 0 and not leaks, f"question {n}: in night mode no highlighted token takes its colour "
                                            f"from a day rule ({len(leaks)} kinds of {seen} tokens do)",
                    "\n".join(list(leaks.values())[:8]))
            R.info(f"question {n}: {len(day)} highlighted elements, {sum(r is not None for _, r in day)} "
                   f"coloured by a rule by day, {sum(r is not None for _, r in night)} at night")
        for name in NOTE_TYPES:
            nt = col.models.by_name(name)
            if nt is None:
                continue
            rules = css_rules(nt["css"])
            R.check(any(night_only(r[3]) and ".hl-" in r[2] for r in rules),
                    f"{name}: CSS has .nightMode rules for highlighted code")
            R.check(any(night_only(r[3]) and ".hl-" not in r[2] for r in rules),
                    f"{name}: CSS has .nightMode rules for the card itself")
            R.check(any(s.startswith(".katex") for s in css_selectors(nt["css"])),
                    f"{name}: CSS includes the KaTeX stylesheet")

    def check_media(self, col, a):
        check_media(col, a, "seed")

    # 2b. a bank with topics and cloze questions ----------------------------
    def tour(self):
        p = Project(self.p.bin, os.path.abspath(self.args.repo), self.work, "project-tour", TOUR_FILE, TOUR_ID)
        q = p.model()
        R.eq(len(q), 8, f"studymark model reads the 8 questions of {TOUR_FILE}")
        guid = self.tour_guid = {n: f"studymark-{TOUR_ID}-{x['id']}" for n, x in q.items()}
        _, path = p.build("first")
        a = Apkg(path)
        check_apkg_note_types(a, set(NOTE_TYPES))
        col = self.tour_col = fresh_collection(self.work, "tour")
        log = import_apkg(col, path)
        R.eq(log_counts(log), {"new": 8, "updated": 0, "duplicate": 0, "conflicting": 0},
             f"{TOUR_ID}: first import: 8 new notes")
        R.eq(sorted(col.db.list("select guid from notes")), sorted(guid.values()),
             f"{TOUR_ID}: the notes have the studymark GUIDs")
        # Anki imports only the note types notes use: the tour has no reversible card.
        check_collection_note_types(col, a, [n for n in NOTE_TYPES if n != "studymark Basic (and reversed)"])
        cloze = col.models.by_name("studymark Cloze")
        R.check(cloze is not None and cloze["type"] == 1, "studymark Cloze is a cloze note type")
        names = {d.name for d in col.decks.all_names_and_ids()}
        for deck in sorted(set(TOUR_DECKS.values())):
            R.check(deck in names, f"{TOUR_ID}: topic subdeck {deck!r} exists", sorted(names))
        for n, deck in TOUR_DECKS.items():
            nid = note_id(col, guid[n])
            decks = {col.decks.name(c.did) for c in col.get_note(nid).cards()}
            R.eq(decks, {deck}, f"{TOUR_ID}: question {n}'s cards are in {deck!r}")
        untagged = [n for n, x in q.items()
                    if f"studymark::topic::{x['topic_slug']}" not in
                    [t.lower() for t in col.get_note(note_id(col, guid[n])).tags]]
        R.check(q and not untagged, f"{TOUR_ID}: every note is tagged studymark::topic::<its topic>", untagged)
        check_multiple_choice(col, guid[7], f"{TOUR_ID} question 7", 4, 1)
        # question 8: two deletions, so two cards
        note = col.get_note(note_id(col, guid[8]))
        R.eq(note.note_type()["name"], "studymark Cloze", f"{TOUR_ID} question 8 is a Cloze note")
        cards = sorted(note.cards(), key=lambda c: c.ord)
        R.eq([c.ord for c in cards], [0, 1], f"{TOUR_ID} question 8 has one card per deletion (c1, c2)")
        if len(cards) == 2:
            front1, back1 = (text_of(cards[0].question().split("</style>")[-1]),
                             text_of(cards[0].answer().split("</style>")[-1]))
            R.check("O(log n)" not in front1 and "[...]" in front1 and "halves the remaining" in front1,
                    f"{TOUR_ID} question 8, card 1: the front hides c1 only", front1[:300])
            R.check("O(log n)" in back1 and 'class="katex"' in cards[0].answer(),
                    f"{TOUR_ID} question 8, card 1: the back shows c1 and the extra text with math", back1[:300])
            front2 = text_of(cards[1].question().split("</style>")[-1])
            R.check("O(log n)" in front2 and "halves the remaining" not in front2,
                    f"{TOUR_ID} question 8, card 2: the front hides c2 only", front2[:300])
        check_media(col, a, TOUR_ID)

    # 2c. a bank with repeated prompts ---------------------------------------
    def repeated(self):
        repo = os.path.abspath(self.args.repo)
        source = os.path.join(repo, "tests/fixtures/identity/repeated.md")
        p = Project(self.p.bin, repo, self.work, "project-repeated", "repeated.md", "repeated", source=source)
        q = p.model()
        ids = [x["id"] for x in q.values()]
        R.eq(len(q), 7, "repeated.md: studymark model reads 7 questions")
        R.eq(len(set(ids)), 7, "repeated.md: the ids are unique in the bank (prompt code, options, position)")
        guid = {n: f"studymark-repeated-{x['id']}" for n, x in q.items()}
        _, path = p.build("first")
        a = Apkg(path)
        R.eq(sorted(a.notes), sorted(guid.values()), "repeated.md: one note per question, GUIDs from the ids")
        entries = [e for e in p.lock_data().get("question", []) if e.get("bank") == "repeated"]
        R.check(len(entries) == 7 and len({e["id"] for e in entries}) == 7,
                "repeated.md: studymark.lock has 7 entries, no two with one id", entries)
        col = fresh_collection(self.work, "repeated")
        try:
            R.eq(log_counts(import_apkg(col, path)), {"new": 7, "updated": 0, "duplicate": 0, "conflicting": 0},
                 "repeated.md: first import: 7 new notes")
            R.eq((col.note_count(), col.card_count()), (7, 7), "repeated.md: 7 notes with 7 cards")
            time.sleep(SLEEP)
            write(p.bank, read(p.bank) + "\n\n")
            proc, _ = p.build("blank-line-locked", "--locked", expect_ok=False)
            R.check(proc.returncode == 0, "repeated.md: build --locked after adding blank lines exits 0",
                    f"exit {proc.returncode}\n{tail(proc.stderr)}")
            time.sleep(SLEEP)
            p.edit("\ncba\n", "\ncba: a step of -1 walks the string backwards\n")
            _, path = p.build("answer-edited")
            log = import_apkg(col, path)
            R.eq(log_counts(log), {"new": 0, "updated": 1, "duplicate": 6, "conflicting": 0},
                 "repeated.md: import after editing one answer: 0 new, 1 updated")
            R.eq([guid_of(col, n.id.nid) for n in log.updated], [guid[2]],
                 "repeated.md: the updated note is the edited question's")
            R.eq((col.note_count(), col.card_count()), (7, 7), "repeated.md: still 7 notes with 7 cards")
        finally:
            col.close()

    # 3. re-import -----------------------------------------------------------
    def reimport(self):
        log = import_apkg(self.col, self.apkgs[0][1].path)
        c = log_counts(log)
        R.check(c["new"] == 0 and c["updated"] == 0 and c["duplicate"] == 13,
                "re-importing the same .apkg: 0 new, 0 updated (13 unchanged)", c)

    # 4. answer question 7's card, so its history can be checked later --------
    def review_q7(self):
        card = self.card(self.col, 7)
        card.start_timer()
        self.col.sched.answerCard(card, 3)
        self.q7_card = card.id
        self.q7_note = card.nid
        self.q7_revlog = self.col.db.list("select id from revlog where cid = ?", card.id)
        R.check(len(self.q7_revlog) >= 1, "question 7's card was answered once (revlog row)")

    def edit_answer(self):
        before = self.apkgs[-1][1]
        time.sleep(SLEEP)
        self.p.edit(Q6_OLD, Q6_NEW)
        _, path = self.p.build("q6-answer-edited")
        a = Apkg(path)
        self.apkgs.append(("q6", a))
        g6 = self.g(6)
        R.check("which improves generalization" in a.field(g6, "Answer"), "the rebuilt note of question 6 has the new answer")
        R.check(a.notes[g6]["mod"] > before.notes[g6]["mod"], "question 6's mod moved forward",
                (before.notes[g6]["mod"], a.notes[g6]["mod"]))
        others = {g: (before.mods()[g], m) for g, m in a.mods().items() if g != g6 and before.mods().get(g) != m}
        R.check(len(a.notes) == 13 and not others, "the other 12 notes kept their mod", others)
        log = import_apkg(self.col, a.path)
        c = log_counts(log)
        R.check(c["new"] == 0 and c["updated"] == 1, "import after editing question 6's answer: 0 new, 1 updated", c)
        upd = [guid_of(self.col, n.id.nid) for n in log.updated]
        R.eq(upd, [g6], "the updated note is question 6's")
        R.check("which improves generalization" in self.col.get_note(note_id(self.col, g6))["Answer"],
                "question 6's answer in the collection is the edited one")

    def reword_prompt(self):
        before = self.apkgs[-1][1]
        g7 = self.g(7)
        time.sleep(SLEEP)
        self.p.edit(Q7_OLD, Q7_NEW)
        _, path = self.p.build("q7-reworded")
        a = Apkg(path)
        self.apkgs.append(("q7", a))
        R.eq(sorted(a.notes), sorted(before.notes), "after rewording question 7 the .apkg has the same 13 GUIDs")
        if g7 in a.notes:
            R.check("Give an example" in a.field(g7, "Prompt"), "question 7's note (same GUID) has the reworded prompt",
                    a.field(g7, "Prompt")[:200])
            R.check(a.notes[g7]["mod"] > before.notes[g7]["mod"], "question 7's mod moved forward")
        lock = self.p.lock_entries()
        old_id = self.q[7]["id"]
        R.check(old_id in lock and normalized("Give an example") in normalized(str(lock[old_id].get("prompt"))),
                "studymark.lock keeps question 7's id with the reworded prompt", lock.get(old_id))
        log = import_apkg(self.col, a.path)
        c = log_counts(log)
        R.check(c["new"] == 0 and c["updated"] == 1, "import after rewording question 7: 0 new, 1 updated", c)
        R.eq([guid_of(self.col, n.id.nid) for n in log.updated], [g7], "the updated note is question 7's (same GUID)")
        R.eq(self.col.note_count(), 13, "still 13 notes in the collection")
        R.eq(note_id(self.col, g7), self.q7_note, "question 7 is still the same note (id)")
        R.check("Give an example" in self.col.get_note(self.q7_note)["Prompt"], "question 7's prompt in the collection is the reworded one")
        rows = self.col.db.list("select id from revlog where cid = ?", self.q7_card)
        R.check(len(self.q7_revlog) >= 1 and rows == self.q7_revlog, "question 7's review history is kept",
                (self.q7_revlog, rows))
        card = self.col.get_card(self.q7_card)
        R.check(card.reps >= 1 and card.type != 0, "question 7's card is still a reviewed (not new) card",
                (card.reps, card.type))

    # 5. no-change rebuilds --------------------------------------------------
    def stable_rebuilds(self):
        base = self.apkgs[-1][1]
        lock_before = read_bytes(self.p.lock)
        runs = []
        for i in (1, 2):
            time.sleep(SLEEP)
            _, path = self.p.build(f"unchanged-{i}")
            runs.append(Apkg(path))
        for i, a in enumerate(runs, 1):
            R.check(len(a.notes) == 13 and a.mods() == base.mods(),
                    f"unchanged rebuild {i}: same GUIDs and same mod values",
                    {g: (base.mods().get(g), m) for g, m in a.mods().items() if base.mods().get(g) != m}
                    or (sorted(a.notes), sorted(base.notes)))
            R.eq(sorted(a.models), sorted(base.models), f"unchanged rebuild {i}: same note type ids")
            R.eq({k: v["mod"] for k, v in a.models.items()}, {k: v["mod"] for k, v in base.models.items()},
                 f"unchanged rebuild {i}: same note type mod values")
            R.eq(a.decks, base.decks, f"unchanged rebuild {i}: same deck ids")
        R.check(read_bytes(self.p.lock) == lock_before, "unchanged rebuilds leave studymark.lock as it was")
        R.info("unchanged rebuilds byte-identical .apkg: "
               f"{read_bytes(runs[0].path) == read_bytes(runs[1].path)}")
        lock = self.p.lock_entries()
        bad = mods_not_in_lock(runs[-1], lock)
        R.check(runs[-1].notes and not bad, "after the edits each note's mod is still its `changed` in the lock", bad)
        ids = [a.models for _, a in self.apkgs]
        R.check(all(sorted(m) == sorted(ids[0]) for m in ids), "note type ids are the same in every build")

    # 6. --locked ------------------------------------------------------------
    def locked(self):
        proc, _ = self.p.build("locked-clean", "--locked", expect_ok=False)
        R.check(proc.returncode == 0, "build --locked with nothing changed exits 0",
                f"exit {proc.returncode}\n{tail(proc.stderr)}")
        before = read_bytes(self.p.lock)
        text = read(self.p.bank)
        self.p.edit(Q8_OLD, Q8_NEW)
        time.sleep(SLEEP)
        try:
            proc, _ = self.p.build("locked-edited", "--locked", expect_ok=False)
        finally:
            write(self.p.bank, text)
        R.eq(proc.returncode, 1, "build --locked after a content edit exits 1")
        R.info(f"build --locked said: {tail(proc.stderr, 3)}")
        R.check(read_bytes(self.p.lock) == before, "build --locked leaves studymark.lock unchanged")

    # 7. MathJax -------------------------------------------------------------
    def mathjax(self):
        toml = read(self.p.toml)
        if re.search(r"^\[anki\]", toml, re.M):
            raise AssertionError("the repo's studymark.toml already has an [anki] table")
        write(self.p.toml, toml.rstrip("\n") + '\n\n[anki]\nmath = "mathjax"\n')
        _, path = self.p.build("mathjax")
        a = Apkg(path)
        R.eq(len(a.notes), 13, "mathjax build: 13 notes")
        for n in (4, 5):
            R.check("\\(" in a.field(self.g(n), "Prompt"), f"mathjax build: question {n}'s prompt holds \\( … \\)",
                    a.field(self.g(n), "Prompt")[:200])
        q3 = "\n".join(a.notes[self.g(3)]["flds"])
        R.check("\\[" in q3, "mathjax build: question 3's display formula is \\[ … \\]", q3[:300])
        allf = a.all_fields()
        R.check("\\(" in allf and 'class="katex"' not in allf, 'mathjax build: no field holds class="katex"')
        R.info("mathjax build ships KaTeX fonts: "
               f"{sum(1 for m in a.media.values() if 'KaTeX' in m)} media files")
        # Not part of the contract, reported for the record: does an existing
        # collection pick the switch up?
        c = log_counts(import_apkg(self.col, a.path))
        R.info(f"importing the mathjax build into the KaTeX collection: {c}")

    # 8. screenshots ---------------------------------------------------------
    def screenshots(self):
        col = self.col
        out = os.path.abspath(self.args.screenshots)
        os.makedirs(out, exist_ok=True)
        page_dir = os.path.join(self.work, "render")
        os.makedirs(page_dir, exist_ok=True)
        mdir = col.media.dir()
        for f in os.listdir(mdir):
            shutil.copy(os.path.join(mdir, f), page_dir)
        R.check(any(f.startswith("_KaTeX_") for f in os.listdir(page_dir)), "media copied next to the rendered pages")
        for n in (4, 10, 13):
            screenshot(self.card(col, n), f"q{n:02d}", page_dir, out, self.work, full_back=n in (10, 13))
        if self.tour_col is not None:
            for f in os.listdir(self.tour_col.media.dir()):
                shutil.copy(os.path.join(self.tour_col.media.dir(), f), page_dir)
            screenshot(first_card(self.tour_col, self.tour_guid[8], 8), "tour-q08-cloze", page_dir, out, self.work)
        R.info(f"screenshots in {out}")

    def run(self):
        R.info(f"work folder {self.work}")
        R.stage("first build", self.first_build)
        if not self.apkgs:
            return
        R.stage("first import", self.first_import)
        R.stage("topics and cloze (tour/marker.md)", self.tour)
        R.stage("repeated prompts (tests/fixtures/identity/repeated.md)", self.repeated)
        R.stage("re-import", self.reimport)
        R.stage("review question 7", self.review_q7)
        R.stage("edit question 6's answer", self.edit_answer)
        R.stage("reword question 7's prompt", self.reword_prompt)
        R.stage("unchanged rebuilds", self.stable_rebuilds)
        R.stage("build --locked", self.locked)
        R.stage("screenshots", self.screenshots)
        R.stage("math = mathjax", self.mathjax)
        for col in (self.col, self.tour_col):
            if col is not None:
                col.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--studymark", required=True, help="the studymark binary")
    ap.add_argument("--repo", required=True, help="the repository (content/deep-learning.md, studymark.toml)")
    ap.add_argument("--work", required=True, help="an empty scratch folder")
    ap.add_argument("--screenshots", required=True, help="where the PNGs go")
    args = ap.parse_args()
    R.run_and_exit(lambda: Scenario(args).run())


if __name__ == "__main__":
    main()
