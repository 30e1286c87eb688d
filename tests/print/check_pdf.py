#!/usr/bin/env python3
"""End-to-end test of studymark's printable handouts: builds a copy of the
seed bank with `build --print --pdf` (headless Chromium prints the HTML) and
reads the PDFs back with poppler (pdftotext, pdfinfo, pdftoppm): worksheet
numbering and page breaks, the answer key, the duplex layout of the cut-out
cards, text that runs out of its box, the paper size, and the error when no
browser is installed. Everything is checked on A4 (the default) and again on
Letter (`[print] paper = "Letter"`), whose cards lay out differently.
Pictures (60 dpi PNGs) of the first two pages of each A4 PDF and of every
page of the Letter cards land in --pictures, for a person to look at.

usage: python3 tests/print/check_pdf.py --studymark BIN --repo REPO
           --work TMPDIR --pictures DIR

Standard library only (run it with the system python3). Prints `ok - ...` /
`not ok - ...` per check (details on `#` lines) and a last line
`N passed, M failed`; exits 1 on any failure. A stage that raises counts as
one failed check and the run goes on with the next stage.
`scripts/setup-test-env` installs poppler-utils and Chromium.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
from html import unescape

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from checklib import Report, png_luminance  # noqa: E402  (shared with the other check scripts)

BANK_FILE = "deep-learning.md"
BANK_ID = "deep-learning"
WORKSHEET = f"print/{BANK_ID}.pdf"
ANSWERS = f"print/{BANK_ID}-answers.pdf"
CARDS = f"print/{BANK_ID}-cards.pdf"
PDFS = {"worksheet": WORKSHEET, "answers": ANSWERS, "cards": CARDS}
A4 = (595.28, 841.89)  # points
LETTER = (612.0, 792.0)
SIZE_SLACK = 1.0  # points
# A card's number sits ~1.2 mm (3.4 pt) below the top edge of its cell, so
# text of the card above that ends less than this far above the number has
# run over the cut line between the two cells.
CELL_GAP = 4.0  # points
# Worksheet and answer key pages but the last are filled at least this far
# down (the title page holding only the title is a page wasted).
FILL = 0.25
BUILD_TIMEOUT = 600  # seconds; only stops a hung build or browser
NO_BROWSER_TIMEOUT = 60
TOOL_TIMEOUT = 120

# The seed's 13 questions (tests/testsuite/seed.rs has the full prompts):
# (first words of the prompt, end of the prompt's last line, a distinctive
# phrase of the answer's first paragraph). Math, code spans and line-wrapped
# hyphens are avoided; every phrase is checked against the Markdown first.
QUESTIONS = [
    ("Why is weight initialization", "important in neural networks?",
     "breaks symmetry and ensures activations/gradients stay in stable ranges"),
    ("In backpropagation, why do", "instead of directly adjusting outputs?",
     "weights are the learnable parameters that define the function mapping inputs to outputs"),
    ("Explain the role of padding", 'if we use "valid" vs. "same" padding?',
     "control whether the network shrinks feature maps"),
    ("Why are", "Mention two benefits.",
     "reducing channel dimensions to make deeper networks computationally efficient"),
    ("BatchNorm introduces two", "What is their purpose?",
     "let the model undo the strict normalization if needed"),
    ("Explain how dropout", "acts as a form of ensemble learning.",
     "trains many subnetworks in parallel and, at test time, combines them by scaling weights"),
    ("Give one example of", "network, and explain why.",
     "maintains hidden states that capture temporal dependencies"),
    ("What is the function of", "How does it differ from the forget gate?",
     "regulate the updates to the cell state at each time step"),
    ("Why is training GANs", "Mention two challenges faced during optimization.",
     "where a strong discriminator gives almost no learning signal to the generator"),
    ("What potential issue", "might occur with the gradients during training?",
     "Code will work fine with no gradient issues"),
    ("During inference, for", "What will be the output if you call sample(start_token)?",
     "it defaults to 5. The RNN will generate at most 5 tokens"),
    ("The model below", "and suggest potential fixes.",
     "no optimizer is used, so even though gradients are computed, weights are never updated"),
    ("What makes a GAN", "Write a code snippet for the same.",
     "with the noise vector in the generator and with the input in the discriminator"),
]
COUNT = len(QUESTIONS)
Q10 = 10
Q10_KEY = "c"
# Question 10's options and the first and last line of each of its three
# prompt code blocks: all on the page of its number.
Q10_OPTIONS = [
    ("a", "The ReLU activation function may cause vanishing gradients"),
    ("b", "The network may encounter exploding gradients"),
    ("c", "The code will work fine with no gradient issues"),
    ("d", "None of the above"),
]
Q10_CODE = [
    "#Consider the following snippet:", "import torch.optim as optim",
    "class SimpleNet(nn.Module):", "def forward(self, x):",
    "x = torch.relu(self.fc1(x))", "optimizer.step()",
]
# A line of prompt code per question that has some: on the card's front.
PROMPT_CODE = {
    10: "optimizer.step()",
    11: "def sample(self, start_token, max_len=5):",
    12: "class DeepNet(nn.Module):",
}


# --- reporting ---------------------------------------------------------------

R = Report()


# --- processes and files -----------------------------------------------------

class Ran:
    def __init__(self, returncode, stdout, stderr, timed_out):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out


def run(cmd, timeout, env=None, cwd=None):
    """Runs `cmd` in its own process group; on timeout kills the group (the
    browser studymark starts included) and reports `timed_out`."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, cwd=cwd, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return Ran(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), False)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        return Ran(None, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), True)


def tool(*cmd):
    """A poppler tool's stdout; raises when it fails."""
    ran = run(list(cmd), TOOL_TIMEOUT)
    if ran.timed_out or ran.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {ran.returncode}:\n{tail(ran.stderr)}")
    return ran.stdout


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def walk(top):
    for d, _, files in os.walk(top):
        for f in files:
            yield os.path.relpath(os.path.join(d, f), top)


def tail(text, n=25):
    return "\n".join(text.strip().splitlines()[-n:])


def norm(text):
    """Text modulo layout: typographic quotes and spaces made plain, a word
    hyphenated across lines joined again, runs of whitespace one space."""
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2018", "'").replace("\u2019", "'")
    text = text.replace("\u00a0", " ").replace("\u00ad", "")
    text = " ".join(text.split())
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)


def squeeze(text):
    """Text without any whitespace (code lines whose spacing layout may change)."""
    return "".join(norm(text).split())


# --- studymark ---------------------------------------------------------------

class Project:
    """A fresh project under the work folder: the seed bank and the
    repository's studymark.toml, plus `extra_toml`."""

    def __init__(self, studymark, repo, work, name, extra_toml=""):
        self.bin = studymark
        self.dir = os.path.join(work, name)
        self.out = os.path.join(self.dir, "output")
        bank = os.path.join(self.dir, "content", BANK_FILE)
        os.makedirs(os.path.dirname(bank))
        shutil.copy(os.path.join(repo, "content", BANK_FILE), bank)
        toml = os.path.join(self.dir, "studymark.toml")
        shutil.copy(os.path.join(repo, "studymark.toml"), toml)
        if extra_toml:
            with open(toml, "a", encoding="utf-8") as f:
                f.write("\n" + extra_toml)

    def build(self, timeout=BUILD_TIMEOUT, env=None):
        return run([self.bin, "--project", self.dir, "build", "--print", "--pdf"], timeout, env=env)

    def pdf(self, rel):
        return os.path.join(self.out, rel)


def built_ok(project, ran, label):
    """Checks that `build --print --pdf` exited 0 and wrote the three PDFs."""
    missing = [rel for rel in PDFS.values() if not is_pdf(project.pdf(rel))]
    files = sorted(walk(project.out)) if os.path.isdir(project.out) else []
    return R.check(not ran.timed_out and ran.returncode == 0 and not missing,
                   f"build --print --pdf ({label}) exits 0 and writes {', '.join(PDFS.values())}",
                   f"exit {'timeout' if ran.timed_out else ran.returncode}; missing or not PDF: {missing}\n"
                   f"files: {files[:20]}\n{tail(ran.stderr)}")


def is_pdf(path):
    if not os.path.isfile(path):
        return False
    with open(path, "rb") as f:
        return f.read(5) == b"%PDF-"


# --- reading PDFs ------------------------------------------------------------

def pdf_pages(path):
    """`pdftotext -layout` text per page (split on form feeds)."""
    text = tool("pdftotext", "-layout", "-enc", "UTF-8", path, "-")
    pages = text.split("\f")
    if pages and pages[-1].strip() == "":
        pages.pop()
    return pages


def pdf_info(path):
    """(page count, [(width, height)] per page) from pdfinfo."""
    out = tool("pdfinfo", path)
    m = re.search(r"^Pages:\s+(\d+)", out, re.M)
    if not m:
        raise AssertionError(f"pdfinfo {path}: no page count:\n{out}")
    pages = int(m.group(1))
    out = tool("pdfinfo", "-f", "1", "-l", str(pages), path)
    sizes = [(float(w), float(h)) for w, h in
             re.findall(r"^Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts", out, re.M)]
    return pages, sizes


WORD_RE = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
PAGE_RE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def pdf_words(path):
    """Per page: (width, height, [(word, xMin, yMin, xMax, yMax)]) from
    `pdftotext -bbox`, in points from the top left corner."""
    out = tool("pdftotext", "-bbox", "-enc", "UTF-8", path, "-")
    pages = []
    for w, h, body in PAGE_RE.findall(out):
        words = [(unescape(t), float(x0), float(y0), float(x1), float(y1))
                 for x0, y0, x1, y1, t in WORD_RE.findall(body)]
        pages.append((float(w), float(h), words))
    return pages


def fill(page, number, total):
    """How far down the page its text reaches (0-1), the page number line
    "N / M" at the bottom aside."""
    _, height, words = page
    if not words:
        return 0.0
    low = max(y0 for _, _, y0, _, _ in words)
    footer = " ".join(t for t, _, y0, _, _ in words if y0 >= low - 2)
    if footer_re(number, total).fullmatch(" " + footer):
        words = [w for w in words if w[2] < low - 2]
    return max((y1 for *_, y1 in words), default=0.0) / height


def overprinted(page):
    """Pairs of words on the page whose boxes overlap by more than a third
    of the smaller one: text printed over other text."""
    words = sorted(page[2], key=lambda w: w[2])
    area = lambda w: (w[3] - w[1]) * (w[4] - w[2])  # noqa: E731
    pairs = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b[2] >= a[4]:
                break
            dx = min(a[3], b[3]) - max(a[1], b[1])
            dy = min(a[4], b[4]) - max(a[2], b[2])
            if dx > 0 and dy > 0 and dx * dy > min(area(a), area(b)) / 3:
                pairs.append(f"{a[0]!r} over {b[0]!r} at ({a[1]:.0f}, {a[2]:.0f})")
    return pairs


def cell_text(page, labels, p, side, top):
    """The text of the card whose number sits at `top` in column `side` of
    page p: the words of that half of the page from the number down to the
    next card number in the same column, in reading order."""
    width, _, words = page
    below = [y for _, q, s, y in labels if q == p and s == side and y > top + 2]
    bottom = min(below) - 2 if below else float("inf")
    cell = sorted((y0, x0, text) for text, x0, y0, x1, _ in words
                  if (("left" if (x0 + x1) / 2 < width / 2 else "right") == side and top - 2 <= y0 < bottom))
    lines = []
    for y0, x0, text in cell:
        if lines and abs(lines[-1][0] - y0) < 2:
            lines[-1][1].append((x0, text))
        else:
            lines.append((y0, [(x0, text)]))
    return "\n".join(" ".join(t for _, t in sorted(ws)) for _, ws in lines)


def footer_re(page, total):
    return re.compile(rf"(?<![\d/])\s*{page}\s*/\s*{total}(?![\d/])")


def anchors(pages):
    """Where each question starts: {number: (page index, offset)}, each found
    after the previous one, as a line `N.` followed by the prompt's first
    words. Missing numbers are left out."""
    found, at = {}, (0, 0)
    for n, (start, _, _) in enumerate(QUESTIONS, 1):
        pat = re.compile(rf"(?m)^[ \t]*{n}\.\s+" + r"\s+".join(re.escape(w) for w in start.split()))
        for p in range(at[0], len(pages)):
            m = pat.search(pages[p], at[1] if p == at[0] else 0)
            if m:
                found[n] = at = (p, m.start())
                break
        else:
            continue
    return found


def segment(pages, found, n):
    """{page index: text} of question n: from its anchor to the next one's."""
    if n not in found:
        return {}
    p0, o0 = found[n]
    nxt = found.get(n + 1)
    p1, o1 = nxt if nxt else (len(pages) - 1, len(pages[-1]))
    seg = {}
    for p in range(p0, p1 + 1):
        start = o0 if p == p0 else 0
        end = o1 if p == p1 else len(pages[p])
        seg[p] = pages[p][start:end]
    return seg


def where(pages, needle, squeeze_it=False):
    """Page numbers (1-based) whose text contains `needle`."""
    f = squeeze if squeeze_it else norm
    return [p + 1 for p, t in enumerate(pages) if f(needle) in f(t)]




# --- the checks --------------------------------------------------------------

class Scenario:
    def __init__(self, args):
        self.bin = os.path.abspath(args.studymark)
        self.repo = os.path.abspath(args.repo)
        self.work = os.path.abspath(args.work)
        self.pictures = os.path.abspath(args.pictures)
        self.a4 = None
        self.letter = None

    def seed_phrases(self):
        """The phrases this test looks for are the seed's own words."""
        md = norm(read(os.path.join(self.repo, "content", BANK_FILE)).replace("\\", ""))
        R.eq(len(QUESTIONS), 13, "the seed has 13 questions")
        missing = [(n, s) for n, q in enumerate(QUESTIONS, 1) for s in q if not s or norm(s) not in md]
        R.check(not missing, f"the {3 * COUNT} prompt and answer phrases are in content/{BANK_FILE}",
                "\n".join(f"question {n}: {s!r}" for n, s in missing))

    def build_a4(self):
        project = Project(self.bin, self.repo, self.work, "a4")
        ran = project.build()
        if built_ok(project, ran, "default paper"):
            self.a4 = project

    def worksheet(self, project, paper):
        path = project.pdf(WORKSHEET)
        pages = pdf_pages(path)
        total, _ = pdf_info(path)
        R.check(pages and len(pages) == total, f"{paper} worksheet: pdftotext reads {total} pages",
                f"pdfinfo: {total} pages; pdftotext: {len(pages)} pages")
        if not pages:
            return
        found = anchors(pages)
        R.check(len(found) == COUNT, f"{paper} worksheet: questions 1. to {COUNT}. start lines in order, each "
                                     "followed by its prompt",
                "found (number: page): " + ", ".join(f"{n}: {p + 1}" for n, (p, _) in found.items())
                + f"\nmissing: {[n for n in range(1, COUNT + 1) if n not in found]}")
        R.info(f"{paper} worksheet pages of questions 1-13: " + " ".join(str(found[n][0] + 1) if n in found else "?"
                                                                for n in range(1, COUNT + 1)))

        # Each question's number and the last line of its prompt share a page.
        split = []
        for n, (_, last, _) in enumerate(QUESTIONS, 1):
            seg = segment(pages, found, n)
            if not seg:
                split.append(f"{n}.: number not found")
                continue
            p0 = found[n][0]
            if norm(last) not in norm(seg[p0]):
                split.append(f"{n}. on page {p0 + 1}, the end of its prompt {last!r} on page(s) "
                             f"{[p + 1 for p, t in seg.items() if norm(last) in norm(t)] or where(pages, last)}")
        R.check(found and not split, f"{paper} worksheet: every question's number and the last line of its prompt "
                                     "are on one page", "\n".join(split))

        # No empty page: something beyond the running header and page number.
        common = set.intersection(*(set(l.strip() for l in p.splitlines() if l.strip()) for p in pages)) \
            if len(pages) > 1 else set()
        empty = []
        for i, text in enumerate(pages):
            rest = footer_re(i + 1, total).sub(" ", "\n".join(l for l in text.splitlines()
                                                             if l.strip() not in common))
            if len(re.findall(r"\w+", rest)) < 3:
                empty.append(f"page {i + 1}: {norm(text)[:120]!r}")
        R.check(not empty, f"{paper} worksheet: none of the {len(pages)} pages is empty "
                           f"(running header {sorted(common)!r} aside)", "\n".join(empty))

        # Question 10 in one piece.
        seg = segment(pages, found, Q10)
        if R.check(seg, f"{paper} worksheet: question {Q10} is found"):
            p0 = found[Q10][0]
            places = {}
            for letter, text in Q10_OPTIONS:
                places[f"({letter}) {text}"] = [p + 1 for p, t in seg.items()
                                                if re.search(rf"\({letter}\)\s*" + re.escape(norm(text)), norm(t))]
            for line in Q10_CODE:
                places[line] = [p + 1 for p, t in seg.items() if squeeze(line) in squeeze(t)]
            bad = {k: v for k, v in places.items() if v != [p0 + 1]}
            R.check(not bad, f"{paper} worksheet: question {Q10}'s options (a)-(d) and its three code blocks "
                             f"are on the page of its number (page {p0 + 1})",
                    "\n".join(f"{k!r} on page(s) {v}" for k, v in bad.items()))

        self.filled(f"{paper} worksheet", path, total)
        self.overprint(f"{paper} worksheet", path)

        # Page numbers "N / M" on every page.
        unnumbered = [i + 1 for i, t in enumerate(pages) if not footer_re(i + 1, total).search(t)]
        R.check(total > 0 and not unnumbered, f"{paper} worksheet: every page shows its number as \"N / {total}\"",
                f"pages without it: {unnumbered}\nlast lines of page 1: {tail(pages[0], 3)!r}")

        # The default (`answers = "end"`) keeps the answers out of the worksheet.
        leaked = [n for n, (_, _, answer) in enumerate(QUESTIONS, 1) if where(pages, answer)]
        R.check(not leaked, f"{paper} worksheet: holds no answers (they are in the answer key)",
                f"answers of questions {leaked} are in the worksheet")

    def filled(self, label, path, total):
        """Every page but the last is more than FILL full: a question that
        does not fit in the rest of a page must not leave it blank."""
        words = pdf_words(path)
        fills = [fill(page, i + 1, total) for i, page in enumerate(words)]
        thin = [f"page {i + 1}: text ends {f:.0%} down the page" for i, f in enumerate(fills[:-1]) if f < FILL]
        R.check(len(fills) == total and not thin,
                f"{label}: no page but the last is less than {FILL:.0%} full",
                "\n".join(thin) + f"\nfill per page: {' '.join(f'{f:.0%}' for f in fills)}")

    def overprint(self, label, path):
        """No text is printed over other text (content that left its box)."""
        bad = [f"page {i + 1}: {len(pairs)} overlapping words, e.g. " + "; ".join(pairs[:4])
               for i, pairs in enumerate(overprinted(page) for page in pdf_words(path)) if pairs]
        R.check(os.path.isfile(path) and not bad, f"{label}: no text is printed over other text", "\n".join(bad))

    def answers(self, project, paper):
        path = project.pdf(ANSWERS)
        pages = pdf_pages(path)
        total, _ = pdf_info(path)
        R.check(pages and len(pages) == total, f"{paper} answer key: pdftotext reads {total} pages",
                f"pdfinfo: {total} pages; pdftotext: {len(pages)} pages")
        if not pages:
            return
        found = anchors(pages)
        R.check(len(found) == COUNT, f"{paper} answer key: questions 1. to {COUNT}. in order with their prompts",
                f"found: {sorted(found)}")
        misplaced = []
        for n, (_, _, answer) in enumerate(QUESTIONS, 1):
            seg = segment(pages, found, n)
            if not any(norm(answer) in norm(t) for t in seg.values()):
                misplaced.append(f"question {n}: {answer!r} found on page(s) {where(pages, answer)} "
                                 f"(question on page {found[n][0] + 1 if n in found else '?'})")
        R.check(not misplaced, f"{paper} answer key: each of the {COUNT} answers is under its question",
                "\n".join(misplaced))
        seg = segment(pages, found, Q10)
        keys = re.findall(r"Answer:\s*\(([a-z])\)", norm(" ".join(seg.values())))
        R.check(keys == [Q10_KEY], f"{paper} answer key: question {Q10}'s key says \"Answer: ({Q10_KEY})\"",
                f"keys in question {Q10}: {keys}\n{norm(' '.join(seg.values()))[:600]!r}")
        unnumbered = [i + 1 for i, t in enumerate(pages) if not footer_re(i + 1, total).search(t)]
        R.check(not unnumbered, f"{paper} answer key: every page shows its number as \"N / {total}\"",
                f"pages without it: {unnumbered}")
        self.filled(f"{paper} answer key", path, total)
        self.overprint(f"{paper} answer key", path)

    def cards(self, project, paper):
        path = project.pdf(CARDS)
        total, _ = pdf_info(path)
        words = pdf_words(path)
        pages = pdf_pages(path)
        R.check(total > 0 and len(words) == total == len(pages), f"{paper} cards: {total} pages read",
                f"pdfinfo {total}, -bbox {len(words)}, -layout {len(pages)}")
        # Card numbers: (number, page index, column side, top).
        labels = []
        for p, (width, _, ws) in enumerate(words):
            for text, x0, y0, x1, _ in ws:
                m = re.fullmatch(r"#(\d+)", text)
                if m:
                    labels.append((int(m.group(1)), p, "left" if (x0 + x1) / 2 < width / 2 else "right", y0))
        numbers = sorted({n for n, *_ in labels})
        R.check(numbers and len(numbers) == COUNT and numbers == list(range(1, COUNT + 1)),
                f"{paper} cards: {COUNT} distinct card numbers #1..#{COUNT} (one per question)", f"found: {numbers}")
        R.check(total > 0 and total % 2 == 0, f"{paper} cards: an even number of pages ({total})")

        per_page = [sorted(n for n, p, *_ in labels if p == i) for i in range(total)]
        fronts = [n for i in range(0, total, 2) for n in per_page[i]]
        backs = [n for i in range(1, total, 2) for n in per_page[i]]
        R.check(fronts and sorted(fronts) == numbers and sorted(backs) == numbers,
                f"{paper} cards: every card is once on a front page (odd) and once on a back page (even)",
                f"fronts: {fronts}\nbacks: {backs}")
        unpaired = [f"page {k + 1}: {per_page[k]}; page {k + 2}: {per_page[k + 1] if k + 1 < total else None}"
                    for k in range(0, total, 2) if not per_page[k] or k + 1 >= total or per_page[k] != per_page[k + 1]]
        R.check(total > 0 and not unpaired,
                f"{paper} cards: each back page holds the cards of the front page before it", "\n".join(unpaired))

        # Mirrored columns: each back sits on the same row, in the other column.
        where_is = {}
        for n, p, side, top in labels:
            where_is.setdefault(n, []).append((p, side, top))
        unmirrored = []
        for n in numbers:
            places = sorted(where_is[n])
            if len(places) != 2 or places[0][0] % 2 or places[1][0] != places[0][0] + 1:
                unmirrored.append(f"#{n}: on pages {[p + 1 for p, *_ in places]}")
                continue
            (pf, sf, yf), (pb, sb, yb) = places
            if sf == sb or abs(yf - yb) > 3:
                unmirrored.append(f"#{n}: front page {pf + 1} {sf} at y={yf:.0f}, back page {pb + 1} {sb} "
                                  f"at y={yb:.0f}")
        R.check(numbers and not unmirrored, f"{paper} cards: on every back the columns are mirrored (a card left on "
                                            "the front is right on the back, same row)", "\n".join(unmirrored))
        R.info(f"{paper} card layout: " + "; ".join(
            f"p{i + 1}: " + " ".join(f"#{n}{'L' if s == 'left' else 'R'}@{y:.0f}"
                                     for n, p, s, y in sorted(labels, key=lambda l: (l[3], l[2])) if p == i)
            for i in range(total)))

        # Fronts ask, backs answer: the words of each card's cell (its
        # column, from its number down to the next number in that column).
        wrong = []
        for n in numbers:
            start, _, answer = QUESTIONS[n - 1]
            for p, side, top in where_is[n][:2]:
                text = norm(cell_text(words[p], labels, p, side, top))
                want = start if p % 2 == 0 else answer
                if norm(want) not in text:
                    wrong.append(f"#{n} on page {p + 1} ({'front' if p % 2 == 0 else 'back'}) lacks "
                                 f"{want!r}; its cell reads {text[:160]!r}")
        R.check(numbers and not wrong, f"{paper} cards: each card's front shows its prompt and its back its answer",
                "\n".join(wrong))
        lost = []
        for n, line in PROMPT_CODE.items():
            front = min(where_is.get(n, [(None, None, None)]))
            text = cell_text(words[front[0]], labels, *front) if front[0] is not None else ""
            if squeeze(line) not in squeeze(text):
                lost.append(f"#{n}: {line!r} is not in its front's cell (found on page(s) "
                            f"{where(pages, line, squeeze_it=True)})")
        R.check(numbers and not lost, f"{paper} cards: the prompt code of cards "
                                      f"{', '.join(f'#{n}' for n in PROMPT_CODE)} is on their fronts",
                "\n".join(lost))
        self.overprint(f"{paper} cards", path)

        # Nothing runs over the cut line into the cell below.
        over = []
        for n, p, side, top in labels:
            width, _, ws = words[p]
            above = [(y1, x0, t) for t, x0, y0, x1, y1 in ws
                     if ("left" if (x0 + x1) / 2 < width / 2 else "right") == side and y0 < top - 1]
            low = max(above, default=(0, 0, ""))[0]
            if above and top - low < CELL_GAP:
                line = " ".join(t for _, _, t in sorted((x, y, t) for y, x, t in above if y > low - 1))
                over.append(f"page {p + 1}: text ends {top - low:.1f} pt above #{n}'s number ({line!r}); "
                            f"less than {CELL_GAP} pt means it crossed into #{n}'s cell")
        R.check(labels and not over, f"{paper} cards: each card's text stays above the cell below it", "\n".join(over))

    def paper(self, project, want, name):
        for label, rel in PDFS.items():
            path = project.pdf(rel)
            if not is_pdf(path):
                R.check(False, f"{name}: {rel} exists")
                continue
            total, sizes = pdf_info(path)
            off = [f"page {i + 1}: {w} x {h}" for i, (w, h) in enumerate(sizes)
                   if abs(w - want[0]) > SIZE_SLACK or abs(h - want[1]) > SIZE_SLACK]
            R.check(sizes and len(sizes) == total and not off,
                    f"{name}: every page of {rel} is {want[0]:.0f} x {want[1]:.0f} pt",
                    f"{len(sizes)} sizes for {total} pages\n" + "\n".join(off[:10]))

    def build_letter(self):
        project = Project(self.bin, self.repo, self.work, "letter", '[print]\npaper = "Letter"\n')
        if built_ok(project, project.build(), "[print] paper = \"Letter\""):
            self.letter = project

    def pictures_(self, project, jobs):
        """PNGs at 60 dpi: [(name, PDF, first page, last page or None)]."""
        os.makedirs(self.pictures, exist_ok=True)
        for name, rel, first, last in jobs:
            for old in os.listdir(self.pictures):
                if re.fullmatch(rf"{name}-\d+\.png", old):
                    os.remove(os.path.join(self.pictures, old))
            path = project.pdf(rel)
            total, _ = pdf_info(path)
            last = min(total, last or total)
            tool("pdftoppm", "-r", "60", "-png", "-f", str(first), "-l", str(last), path,
                 os.path.join(self.pictures, name))
            pngs = sorted(f for f in os.listdir(self.pictures) if re.fullmatch(rf"{name}-\d+\.png", f))
            want = last - first + 1
            if not R.check(want > 0 and len(pngs) == want, f"pictures: {name}: pages {first}-{last} as PNG",
                           f"got {pngs}"):
                continue
            for png in pngs:
                w, h, lum, dark = png_luminance(os.path.join(self.pictures, png))
                R.check(lum > 170 and dark > 0.001, f"pictures: {png} ({w}x{h}) is a light page with print "
                                                    f"on it (mean luminance {lum:.0f}, {dark:.1%} dark)")
        R.info(f"pictures in {self.pictures}")

    def no_browser(self):
        """No browser on PATH: a clear error, quickly, and no PDF."""
        project = Project(self.bin, self.repo, self.work, "no-browser")
        bare = os.path.join(self.work, "bare-path")
        os.makedirs(bare)
        true = shutil.which("true") or "/bin/true"
        os.symlink(true, os.path.join(bare, "true"))
        env = dict(os.environ, PATH=bare)
        ran = project.build(timeout=NO_BROWSER_TIMEOUT, env=env)
        R.check(not ran.timed_out, f"no browser: build --print --pdf ends within {NO_BROWSER_TIMEOUT} s")
        R.check(ran.returncode not in (0, None), "no browser: build --print --pdf exits non-zero",
                f"exit {ran.returncode}\n{tail(ran.stderr)}")
        out = ran.stderr + "\n" + ran.stdout
        lines = [l.strip() for l in out.splitlines()
                 if re.search(r"chromium", l, re.I) and re.search(r"install", l, re.I)]
        R.check(lines and "panicked" not in out,
                "no browser: one line says to install chromium",
                f"exit {ran.returncode}; stderr:\n{tail(ran.stderr)}\nstdout:\n{tail(ran.stdout)}")
        if lines:
            R.info(f"the message: {lines[0]}")
        pdfs = [f for f in walk(project.dir) if f.endswith(".pdf")] if os.path.isdir(project.dir) else []
        R.check(not pdfs, "no browser: no PDF is written", f"found {pdfs}")

    def run(self):
        R.info(f"work folder {self.work}")
        R.stage("seed phrases", self.seed_phrases)
        R.stage("build (A4, the default)", self.build_a4)
        if self.a4 is not None:
            R.stage("paper size A4", self.paper, self.a4, A4, "A4")
            R.stage("A4 worksheet", self.worksheet, self.a4, "A4")
            R.stage("A4 answer key", self.answers, self.a4, "A4")
            R.stage("A4 cards", self.cards, self.a4, "A4")
            R.stage("pictures (A4, first two pages)", self.pictures_, self.a4,
                    [(name, rel, 1, 2) for name, rel in PDFS.items()])
        R.stage("build (Letter)", self.build_letter)
        if self.letter is not None:
            R.stage("paper size Letter", self.paper, self.letter, LETTER, "Letter")
            R.stage("Letter worksheet", self.worksheet, self.letter, "Letter")
            R.stage("Letter answer key", self.answers, self.letter, "Letter")
            R.stage("Letter cards", self.cards, self.letter, "Letter")
            R.stage("pictures (Letter cards, every page)", self.pictures_, self.letter,
                    [("letter-cards", CARDS, 1, None)])
        R.stage("no browser", self.no_browser)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--studymark", required=True, help="the studymark binary")
    ap.add_argument("--repo", required=True, help="the repository (content/deep-learning.md, studymark.toml)")
    ap.add_argument("--work", required=True, help="an empty scratch folder")
    ap.add_argument("--pictures", required=True, help="where the PNGs of the first pages go")
    args = ap.parse_args()
    missing = [t for t in ("pdftotext", "pdfinfo", "pdftoppm") if not shutil.which(t)]
    if missing:
        R.check(False, f"poppler-utils installed ({', '.join(missing)} missing: run scripts/setup-test-env)")
        R.run_and_exit(lambda: None)
    R.run_and_exit(lambda: Scenario(args).run())


if __name__ == "__main__":
    main()
