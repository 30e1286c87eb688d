// The study site of an Obsidian vault in Debian's headless Chromium.
//
//   node tests/e2e/vault.mjs --site DIR --screenshots DIR
//
// DIR is the site `emit_vault` (tests/testsuite/vault_outputs.rs) wrote; the page
// checked is biology-cells.html: a reversible card is studied both ways in
// study mode (prompt → answer, then answer → prompt, with progress keys
// `<id>` and `<id>~r`), a wiki link to a note of the site links to its page
// and one to a note outside it is text, the embedded drawing loads at its
// width, the callout is a readable box, no scheduling comment shows; in the
// light and the dark theme. Prints one `ok - ...` / `not ok - ...` line per
// check and `N passed, M failed`. Screenshots (PNG) in --screenshots:
// page-{light,dark}, study-reverse-{light,dark}, study-reverse-flipped-{light,dark}.

import path from 'node:path';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

import { assert, check, eventually, launchChromium, luminance, runToEnd, serve } from './checklib.mjs';

const PAGE = 'biology-cells.html';
const BANK = 'biology-cells';
const PROMPT = 'Osmosis';
const ANSWER = 'Water crossing a semi-permeable membrane';

/** WCAG contrast ratio of two luminances. */
function contrast(a, b) {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
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

async function checkPage(page, origin, scheme) {
  await check(`${scheme}: the reversible question is kind "reversible" with a "Both ways" badge`, async () => {
    const article = page.locator('article.question[data-id="osmosis"]');
    assert((await article.getAttribute('data-kind')) === 'reversible', 'data-kind is not "reversible"');
    const badge = ((await article.locator('.badge-reversible').textContent()) || '').trim();
    assert(badge.includes('Both ways'), `badge: "${badge}"`);
  });

  await check(`${scheme}: [[Genes]] links to its page, [[Proteins|proteins]] (not in the site) is text`, async () => {
    const links = await page.$$eval('a.wikilink', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
    assert(JSON.stringify(links) === '[["Genes","genes.html"]]', `a.wikilink: ${JSON.stringify(links)}`);
    const text = await page.$$eval('span.wikilink', (ss) => ss.map((s) => [s.textContent, !!s.closest('a')]));
    assert(JSON.stringify(text) === '[["proteins",false]]', `span.wikilink: ${JSON.stringify(text)}`);
    const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
    const local = [...new Set(hrefs.filter((h) => !/^(#|[a-z]+:)/.test(h)).map((h) => h.split('#')[0]))];
    for (const href of local) {
      const response = await page.request.get(`${origin}/${href}`);
      assert(response.status() === 200, `link ${href}: HTTP ${response.status()}`);
    }
  });

  await check(`${scheme}: the embedded drawing loads and is 120 px wide`, async () => {
    const img = await page.$eval('img[alt="mitochondrion.svg"]', (i) => ({
      src: i.getAttribute('src'),
      loaded: i.complete && i.naturalWidth > 0,
      width: Math.round(i.getBoundingClientRect().width),
    }));
    assert(/^media\/[0-9a-f]+\.svg$/.test(img.src || ''), `src ${img.src}`);
    assert(img.loaded && img.width === 120, JSON.stringify(img));
  });

  await check(`${scheme}: the callout is a tinted box with a coloured border and readable text`, async () => {
    await page.locator('article.question[data-id="power"] details.answer').evaluate((d) => (d.open = true));
    const box = await page.$eval('.callout.callout-warning', (c) => {
      const style = getComputedStyle(c);
      // The first opaque background behind the box: what its tint lies on.
      let under = c.parentElement;
      while (under && /rgba\(0, 0, 0, 0\)|transparent/.test(getComputedStyle(under).backgroundColor)) under = under.parentElement;
      return {
        background: style.backgroundColor,
        under: under ? getComputedStyle(under).backgroundColor : 'rgb(255, 255, 255)',
        border: `${style.borderLeftWidth} ${style.borderLeftColor}`,
        color: style.color,
        title: c.querySelector('.callout-title')?.textContent.trim(),
      };
    });
    assert(box.title === 'Mind the membrane', `title "${box.title}"`);
    assert(box.border.startsWith('4px rgb(224, 110, 0)'), `border ${box.border}`);
    const tint = box.background.match(/rgba\((\d+), (\d+), (\d+), ([\d.]+)\)/);
    const base = box.under.match(/rgba?\((\d+), (\d+), (\d+)/);
    assert(tint && base && Number(tint[4]) > 0, `background ${box.background} over ${box.under}`);
    const alpha = Number(tint[4]);
    const mixed = [1, 2, 3].map((i) => Math.round(Number(tint[i]) * alpha + Number(base[i]) * (1 - alpha)));
    const shown = `rgb(${mixed.join(', ')})`;
    assert(shown !== box.under.replace('rgba', 'rgb'), `the box is not tinted: ${shown}`);
    const ratio = contrast(luminance(box.color), luminance(shown));
    assert(ratio >= 7, `text ${box.color} on ${shown}: contrast ${ratio.toFixed(1)}`);
  });

  await check(`${scheme}: no scheduling comment and no wiki syntax in the page`, async () => {
    const html = await page.content();
    for (const leftover of ['SR:', 'ID: 1566', '[[', ']]']) assert(!html.includes(leftover), `the page holds "${leftover}"`);
  });
}

async function checkStudy(page, shots, scheme) {
  await check(`${scheme}: study mode asks the reversible question both ways, then the other question`, async () => {
    const progress = (await page.locator('#study-progress').textContent()).trim();
    assert(progress === 'due 3 · learned 0 · total 3', `#study-progress "${progress}"`);
    await page.locator('#study-start').click();
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const card = await eventually(() => studyCard(page), (c) => c && !seen.some((s) => s.key === c.key));
      assert(card, `no new card after ${seen.length} graded`);
      if (card.reverse) await page.screenshot({ path: path.join(shots, `study-reverse-${scheme}.png`) });
      await page.keyboard.press('Space');
      const flipped = await studyCard(page);
      if (card.reverse) await page.screenshot({ path: path.join(shots, `study-reverse-flipped-${scheme}.png`) });
      seen.push({ ...card, back: flipped.back });
      await page.keyboard.press('3');
    }
    const [forward, reverse, other] = seen;
    assert(forward.key === 'osmosis' && !forward.reverse, `first card: ${JSON.stringify(forward)}`);
    assert(forward.front.includes(PROMPT) && !forward.front.includes(ANSWER) && forward.back.includes(ANSWER),
      `prompt → answer: ${JSON.stringify(forward)}`);
    assert(reverse.key === 'osmosis~r' && reverse.reverse, `second card: ${JSON.stringify(reverse)}`);
    assert(reverse.front.includes(ANSWER) && !reverse.front.includes(PROMPT) && reverse.back.includes(PROMPT),
      `answer → prompt: ${JSON.stringify(reverse)}`);
    assert(reverse.front.includes('Reverse: what is the prompt?'), `no reverse note: ${reverse.front}`);
    assert(other.key === 'power', `third card: ${JSON.stringify(other)}`);
  });

  await check(`${scheme}: progress is kept per direction (keys osmosis and osmosis~r)`, async () => {
    const stored = JSON.parse((await page.evaluate((k) => localStorage.getItem(k), `studymark:${BANK}`)) || '{}');
    const keys = Object.keys(stored).sort();
    assert(JSON.stringify(keys) === '["osmosis","osmosis~r","power"]', `stored keys ${JSON.stringify(keys)}`);
    const progress = (await page.locator('#study-progress').textContent()).trim();
    assert(progress === 'due 0 · learned 3 · total 3', `#study-progress "${progress}"`);
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
      await page.goto(`${origin}/${PAGE}`, { waitUntil: 'load' });
      await checkPage(page, origin, scheme);
      await page.screenshot({ path: path.join(shots, `page-${scheme}.png`), fullPage: true });
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
