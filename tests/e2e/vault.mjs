// The study site of the fixture vault (tests/fixtures/vault/) in Debian's
// headless Chromium.
//
//   node tests/e2e/vault.mjs --site DIR --screenshots DIR
//
// DIR is the site `studymark build` wrote for a copy of the vault
// (tests/testsuite/vault.rs, `build_vault`). The index lists the notes with
// cards and not the prose note. The page checked is the Mitochondria note's
// (its file name is its bank id): its reversible card is studied both ways
// in study mode (prompt → answer, then answer → prompt, with progress keys
// `<id>` and `<id>~r`), a wiki link to a note of the site links to its page
// and one to a note outside the site is text, the embedded image loads at
// its width, the callout is a readable box, no scheduling comment or wiki
// syntax shows; in the light and the dark theme. Cards are found by their
// prompt, never by their hashed id. Prints one `ok - ...` / `not ok - ...`
// line per check and `N passed, M failed`. Screenshots
// (PNG) in --screenshots: page-{light,dark}, krebs-{light,dark} (embed and
// callout), study-reverse-{light,dark}, study-reverse-flipped-{light,dark}.

import path from 'node:path';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

import { assert, check, eventually, launchChromium, luminance, runToEnd, serve } from './checklib.mjs';

const BANK = 'biology-cells-mitochondria';
const PAGE = `${BANK}.html`;
const NOTE_PAGES = ['biology-cell-membrane.html', PAGE, 'languages-french.html', 'languages-german.html'];
const PROMPT = 'Which theory explains where mitochondria came from?';
const ANSWER = 'Endosymbiotic theory';
const KREBS = 'Where does the Krebs cycle take place?';

/** WCAG contrast ratio of two luminances. */
function contrast(a, b) {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** The question whose prompt starts with `prompt`: a locator. */
function question(page, prompt) {
  return page.locator('article.question').filter({ has: page.locator('.prompt', { hasText: prompt }) });
}

/** Text of the current study card's front and back, and its attributes. */
function studyCard(page) {
  return page.evaluate(() => {
    const card = document.querySelector('#study .study-card');
    if (!card) return null;
    const text = (sel) => (card.querySelector(sel)?.textContent || '').replace(/\s+/g, ' ').trim();
    return { key: card.dataset.key, reverse: card.dataset.reverse === 'true', front: text('.study-front'), back: text('.study-back') };
  });
}

async function checkIndex(page, origin) {
  await check('the index lists the notes with cards, not the prose note, and each page loads', async () => {
    await page.goto(`${origin}/index.html`, { waitUntil: 'load' });
    const links = await page.$$eval('main a[href$=".html"]', (as) => as.map((a) => a.getAttribute('href')));
    const notes = [...new Set(links.filter((h) => h !== 'index.html'))].sort();
    assert(JSON.stringify(notes) === JSON.stringify(NOTE_PAGES), `index links: ${JSON.stringify(notes)}`);
    const text = await page.locator('main').textContent();
    assert(!text.includes('Reading list'), 'the index names the prose note "Reading list"');
    for (const href of notes) {
      const response = await page.request.get(`${origin}/${href}`);
      assert(response.status() === 200, `${href}: HTTP ${response.status()}`);
    }
  });
}

async function checkPage(page, origin, scheme) {
  await check(`${scheme}: the reversible question is kind "reversible" with a "Both ways" badge`, async () => {
    const article = question(page, PROMPT);
    assert((await article.count()) === 1, `${await article.count()} questions ask "${PROMPT}"`);
    assert((await article.getAttribute('data-kind')) === 'reversible', 'data-kind is not "reversible"');
    const badge = ((await article.locator('.badge-reversible').textContent()) || '').trim();
    assert(badge.includes('Both ways'), `badge: "${badge}"`);
  });

  await check(`${scheme}: [[Cell membrane|the membrane note]] (a note with cards) links to its page`, async () => {
    const links = await page.$$eval('a.wikilink', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
    const membrane = links.filter(([text]) => text === 'the membrane note');
    assert(JSON.stringify(membrane) === '[["the membrane note","biology-cell-membrane.html"]]', `a.wikilink: ${JSON.stringify(links)}`);
    const response = await page.request.get(`${origin}/biology-cell-membrane.html`);
    assert(response.status() === 200, `HTTP ${response.status()}`);
    const title = (await response.text()).match(/<h1 class="page-title">([^<]*)<\/h1>/);
    assert(title && title[1] === 'Cell membrane', `the linked page's title: ${title && title[1]}`);
  });

  await check(`${scheme}: [[Richard Dawkins]] (no note of the vault) is text, not a link`, async () => {
    const spans = await page.$$eval('span.wikilink', (ss) => ss.map((s) => [s.dataset.note, s.textContent, !!s.closest('a')]));
    const dawkins = spans.filter(([note]) => note === 'Richard Dawkins');
    assert(JSON.stringify(dawkins) === '[["Richard Dawkins","Richard Dawkins",false]]', `span.wikilink: ${JSON.stringify(spans)}`);
  });

  // The prose note has no page, so a link to it leads nowhere.
  await check(`${scheme}: [[Reading list|the reading list]] (a note without cards) is text, not a link`, async () => {
    const link = await page.$$eval('a.wikilink', (as) =>
      as.filter((a) => a.textContent === 'the reading list').map((a) => a.getAttribute('href')));
    assert(link.length === 0, `a link to ${link[0]}, a page the build did not write`);
    const span = await page.$$eval('span.wikilink', (ss) => ss.filter((s) => s.dataset.note === 'Reading list').length);
    assert(span === 1, `${span} span.wikilink[data-note="Reading list"]`);
  });

  await check(`${scheme}: every other local link of the page loads`, async () => {
    const hrefs = await page.$$eval('a[href]:not(.wikilink), link[href], script[src], img[src]', (els) =>
      els.map((e) => e.getAttribute('href') || e.getAttribute('src')));
    const local = [...new Set(hrefs.filter((h) => !/^(#|[a-z]+:)/.test(h)).map((h) => h.split('#')[0]))];
    assert(local.length >= 5, `local links: ${JSON.stringify(local)}`);
    for (const href of local) {
      const response = await page.request.get(`${origin}/${href}`);
      assert(response.status() === 200, `${href}: HTTP ${response.status()}`);
    }
  });

  const krebs = question(page, KREBS);
  await krebs.locator('details.answer').evaluate((d) => (d.open = true));

  await check(`${scheme}: ![[mito-diagram.png|200]] loads from the site's media and is 200 px wide`, async () => {
    const img = await krebs.locator('img[alt="mito-diagram.png"]').evaluate((i) => ({
      src: i.getAttribute('src'),
      loaded: i.complete && i.naturalWidth > 0,
      width: Math.round(i.getBoundingClientRect().width),
    }));
    assert(/^media\/[0-9a-f]+\.png$/.test(img.src || ''), `src ${img.src}`);
    assert(img.loaded && img.width === 200, JSON.stringify(img));
  });

  await check(`${scheme}: the callout is a tinted box with a teal border and readable text`, async () => {
    const box = await krebs.locator('.callout').evaluate((c) => {
      const style = getComputedStyle(c);
      // The first opaque background behind the box: what its tint lies on.
      let under = c.parentElement;
      while (under && /rgba\(0, 0, 0, 0\)|transparent/.test(getComputedStyle(under).backgroundColor)) under = under.parentElement;
      const title = c.querySelector('.callout-title');
      return {
        classes: c.className,
        background: style.backgroundColor,
        under: under ? getComputedStyle(under).backgroundColor : 'rgb(255, 255, 255)',
        border: `${style.borderLeftWidth} ${style.borderLeftColor}`,
        color: style.color,
        titleColor: title ? getComputedStyle(title).color : '',
        title: title?.textContent.trim(),
        text: c.querySelector('p')?.textContent.trim(),
      };
    });
    assert(box.classes === 'callout callout-tip', `class "${box.classes}"`);
    assert(box.title === 'Remember' && box.text === 'Matrix for the cycle, membrane for the chain.', JSON.stringify(box));
    assert(box.border.startsWith('4px rgb(0, 150, 148)'), `border ${box.border}`);
    const tint = box.background.match(/rgba\((\d+), (\d+), (\d+), ([\d.]+)\)/);
    const base = box.under.match(/rgba?\((\d+), (\d+), (\d+)/);
    assert(tint && base && Number(tint[4]) > 0, `background ${box.background} over ${box.under}`);
    const alpha = Number(tint[4]);
    const mixed = [1, 2, 3].map((i) => Math.round(Number(tint[i]) * alpha + Number(base[i]) * (1 - alpha)));
    const shown = `rgb(${mixed.join(', ')})`;
    assert(shown !== box.under.replace('rgba', 'rgb'), `the box is not tinted: ${shown}`);
    for (const [what, color] of [['text', box.color], ['title', box.titleColor]]) {
      const ratio = contrast(luminance(color), luminance(shown));
      assert(ratio >= 7, `${what} ${color} on ${shown}: contrast ${ratio.toFixed(1)}`);
    }
  });

  await check(`${scheme}: no scheduling comment, id comment or wiki syntax in the page`, async () => {
    const html = await page.locator('main').innerHTML();
    for (const leftover of ['SR:', 'ID:', '<!--', '[[', ']]', '==', '^osmosis-card']) {
      assert(!html.includes(leftover), `the page holds "${leftover}"`);
    }
  });
}

async function checkStudy(page, shots, scheme) {
  // The study cards in page order: one per question, two for a reversible one.
  const articles = await page.$$eval('article.question', (as) =>
    as.map((a) => ({ id: a.dataset.id, kind: a.dataset.kind, prompt: a.querySelector('.prompt').textContent.trim() })));
  const expected = articles.flatMap((a) => (a.kind === 'reversible' ? [a.id, `${a.id}~r`] : [a.id]));
  const origin = articles.find((a) => a.prompt === PROMPT);

  await check(`${scheme}: study mode asks every card once, the reversible question both ways`, async () => {
    assert(origin, `no question "${PROMPT}" in ${JSON.stringify(articles)}`);
    assert(articles.length === 5 && expected.length === 6, `questions ${articles.length}, cards ${expected.length}`);
    const progress = (await page.locator('#study-progress').textContent()).trim();
    assert(progress === 'due 6 · learned 0 · total 6', `#study-progress "${progress}"`);
    await page.locator('#study-start').click();
    const seen = [];
    for (let i = 0; i < expected.length; i++) {
      const card = await eventually(() => studyCard(page), (c) => c && !seen.some((s) => s.key === c.key));
      assert(card && !seen.some((s) => s.key === card.key), `no new card after ${seen.length} graded`);
      if (card.reverse) await page.screenshot({ path: path.join(shots, `study-reverse-${scheme}.png`) });
      await page.keyboard.press('Space');
      const flipped = await studyCard(page);
      if (card.reverse) await page.screenshot({ path: path.join(shots, `study-reverse-flipped-${scheme}.png`) });
      seen.push({ ...card, back: flipped.back });
      await page.keyboard.press('3');
    }
    const keys = seen.map((c) => c.key);
    assert(JSON.stringify(keys) === JSON.stringify(expected), `cards ${JSON.stringify(keys)}, expected ${JSON.stringify(expected)}`);
    assert(JSON.stringify(seen.filter((c) => c.reverse).map((c) => c.key)) === JSON.stringify([`${origin.id}~r`]),
      `reverse cards: ${JSON.stringify(seen.filter((c) => c.reverse))}`);
    const forward = seen.find((c) => c.key === origin.id);
    const reverse = seen.find((c) => c.key === `${origin.id}~r`);
    assert(!forward.reverse && forward.front.includes(PROMPT) && !forward.front.includes(ANSWER) && forward.back.includes(ANSWER),
      `prompt → answer: ${JSON.stringify(forward)}`);
    assert(reverse.front.includes(ANSWER) && !reverse.front.includes(PROMPT) && reverse.back.includes(PROMPT),
      `answer → prompt: ${JSON.stringify(reverse)}`);
    assert(reverse.front.includes('Reverse: what is the prompt?'), `no reverse note: ${reverse.front}`);
  });

  await check(`${scheme}: progress is kept per direction (keys <id> and <id>~r)`, async () => {
    const stored = JSON.parse((await page.evaluate((k) => localStorage.getItem(k), `studymark:${BANK}`)) || '{}');
    const keys = Object.keys(stored).sort();
    assert(origin && keys.includes(origin.id) && keys.includes(`${origin.id}~r`), `stored keys ${JSON.stringify(keys)}`);
    assert(JSON.stringify(keys) === JSON.stringify([...expected].sort()), `stored keys ${JSON.stringify(keys)}`);
    const progress = (await page.locator('#study-progress').textContent()).trim();
    assert(progress === 'due 0 · learned 6 · total 6', `#study-progress "${progress}"`);
  });
}

async function run({ site, screenshots }) {
  site = path.resolve(site);
  const shots = path.resolve(screenshots);
  fs.mkdirSync(shots, { recursive: true });
  const server = await serve(site);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await launchChromium();
  try {
    for (const scheme of ['light', 'dark']) {
      const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, colorScheme: scheme });
      const errors = [];
      ctx.on('weberror', (e) => errors.push(String(e.error())));
      // The browser asks for /favicon.ico on its own; the page names none.
      const pageError = (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico');
      ctx.on('console', (m) => pageError(m) && errors.push(`${m.text()} [${m.location().url}]`));
      ctx.on('requestfailed', (r) => errors.push(`${r.url()} ${r.failure()?.errorText}`));
      ctx.on('response', (r) => r.status() >= 400 && errors.push(`${r.url()}: HTTP ${r.status()}`));
      const page = await ctx.newPage();
      if (scheme === 'light') await checkIndex(page, origin);
      await page.goto(`${origin}/${PAGE}`, { waitUntil: 'load' });
      await checkPage(page, origin, scheme);
      await page.screenshot({ path: path.join(shots, `page-${scheme}.png`), fullPage: true });
      await question(page, KREBS).screenshot({ path: path.join(shots, `krebs-${scheme}.png`) });
      await checkStudy(page, shots, scheme);
      await check(`${scheme}: no page error, console error or failed request`, async () => {
        assert(errors.length === 0, errors.join('\n'));
      });
      await ctx.close();
    }
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
}

const { values } = parseArgs({ options: { site: { type: 'string' }, screenshots: { type: 'string' } } });
if (!values.site || !values.screenshots) {
  console.error('usage: node tests/e2e/vault.mjs --site DIR --screenshots DIR');
  process.exit(2);
}
await runToEnd(() => run(values));
