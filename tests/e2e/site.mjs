// End-to-end test of the built study site in Debian's headless Chromium.
//
//   node tests/e2e/site.mjs --site output/site --screenshots output/e2e/site
//
// Serves the site folder on 127.0.0.1 (a free port, Node's http module),
// drives /usr/bin/chromium through playwright-core, and checks the seed bank's
// page (deep-learning.html) against docs/site-contract.md: questions, KaTeX,
// highlighted code, answers, study mode, multiple choice, search, themes,
// offline use (file://, no request leaves 127.0.0.1), no JavaScript, and a
// 360 px viewport. Prints one `ok - ...` / `not ok - ...` line per check and
// `N passed, M failed`; exits 1 when any check failed. Screenshots (PNG) go
// to the --screenshots folder: desktop-light, desktop-dark (toggle),
// desktop-dark-system, mobile-360, mobile-360-question-10, study-flipped, search-results,
// question-10-correct, math-question-3, math-question-5. `--bank ID` names the
// bank whose study state is stored under `studymark:ID` (default deep-learning).

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { assert, check, CHROMIUM, eventually, launchChromium, luminance, report, runToEnd, serve } from './checklib.mjs';

const PAGE = 'deep-learning.html';

// The seed's 13 prompts (tests/testsuite/seed.rs), `$…$` being a formula.
const PROMPTS = [
  'Why is weight initialization important in neural networks?',
  'In backpropagation, why do we compute gradients with respect to weights instead of directly adjusting outputs?',
  'Explain the role of padding in convolutional neural networks. What happens to the feature map size if we use "valid" vs. "same" padding?',
  'Why are $1 \\times 1$ convolutions used in CNN architectures (e.g., GoogleNet)? Mention two benefits.',
  'BatchNorm introduces two learnable parameters ( $\\gamma, \\beta$ ). What is their purpose?',
  'Explain how dropout acts as a form of ensemble learning.',
  'Give one example of a real-world problem where an RNN is preferred over a feed-forward network, and explain why.',
  'What is the function of the input gate in an LSTM? How does it differ from the forget gate?',
  'Why is training GANs unstable? Mention two challenges faced during optimization.',
  'What potential issue might occur with the gradients during training?',
  'During inference, for a particular input, calling sample(start_token, max_len=20), produces the output sentence: It is raining cats and dogs today. What will be the output if you call sample(start_token)?',
  "The model below doesn't train well. Highlight the potential issue with respect to gradients and suggest potential fixes.",
  'What makes a GAN "conditional," and how are labels injected? Write a code snippet for the same.',
];
const ANSWER_1 = 'Weight initialization is important because it breaks symmetry';
const MIN_FORMULAS = 9; // the seed has 9 formulas
const MATH = '\u27e8math\u27e9'; // stands for a rendered formula in compared text

// ---------------------------------------------------------------- browser helpers

/**
 * Everything that pages of the test's contexts did: requested URLs, failed
 * requests and HTTP errors, console errors, page errors. Requests to any host
 * but the test server (or file:// under the site) are recorded and aborted.
 */
class Recorder {
  constructor(isAllowed) {
    this.isAllowed = isAllowed;
    this.requests = [];
    this.failed = [];
    this.consoleErrors = [];
    this.pageErrors = [];
  }

  async attach(context) {
    await context.route(
      (url) => !this.isAllowed(url.href),
      (route) => route.abort('blockedbyclient'),
    );
    context.on('request', (request) => this.requests.push(request.url()));
    context.on('requestfailed', (request) => {
      this.failed.push(`${request.url()} (${request.failure()?.errorText})`);
    });
    context.on('response', (response) => {
      if (response.status() >= 400) this.failed.push(`${response.url()} (HTTP ${response.status()})`);
    });
    context.on('console', (message) => {
      if (message.type() === 'error') {
        const where = message.location();
        this.consoleErrors.push(`${message.text()} [${where.url}:${where.lineNumber}]`);
      }
    });
    context.on('weberror', (error) => this.pageErrors.push(String(error.error()?.stack || error.error())));
    return context;
  }

  foreign() {
    return this.requests.filter((url) => !url.startsWith('data:') && !this.isAllowed(url));
  }
}

/** Normalizes text for comparison: no `*` or `\`, single spaces. */
function plain(text) {
  return text.replace(/[*\\]/g, '').replace(/\s+/g, ' ').trim();
}

/** An expected prompt with each `$…$` formula replaced by MATH. */
function expectedPrompt(prompt) {
  return plain(prompt.replace(/\$[^$]+\$/g, ` ${MATH} `));
}

/** The prompt texts on the page, each formula replaced by MATH. */
async function promptTexts(page) {
  return page.$$eval(
    'article.question',
    (articles, math) =>
      articles.map((article) => {
        const prompt = article.querySelector('.prompt');
        if (!prompt) return null;
        const clone = prompt.cloneNode(true);
        clone.querySelectorAll('.permalink').forEach((e) => e.remove());
        clone.querySelectorAll('.math').forEach((e) => e.replaceWith(` ${math} `));
        return clone.textContent;
      }),
    MATH,
  );
}

/** Counts `.math` elements and the KaTeX roots (`.katex` not inside another) in them. */
async function mathCounts(page) {
  return page.evaluate(() => {
    const maths = [...document.querySelectorAll('.math')];
    const roots = maths.map(
      (m) => [...m.querySelectorAll('.katex')].filter((k) => !k.parentElement.closest('.katex')).length,
    );
    return {
      math: maths.length,
      katex: roots.reduce((a, b) => a + b, 0),
      withoutOne: roots.filter((n) => n !== 1).length,
      errors: document.querySelectorAll('.math-error').length,
    };
  });
}

function assertMath(counts) {
  assert(counts.math >= MIN_FORMULAS, `${counts.math} .math elements, expected at least ${MIN_FORMULAS}`);
  assert(counts.katex === counts.math, `${counts.math} .math elements but ${counts.katex} .katex roots in them`);
  assert(counts.withoutOne === 0, `${counts.withoutOne} .math elements do not hold exactly one .katex`);
  assert(counts.errors === 0, `${counts.errors} .math-error elements (formulas KaTeX did not render)`);
}

/** The page background: body's colour, else html's (computed), with its luminance. */
async function background(page) {
  const colours = await page.evaluate(() => ({
    body: getComputedStyle(document.body).backgroundColor,
    html: getComputedStyle(document.documentElement).backgroundColor,
    theme: document.documentElement.dataset.theme,
  }));
  const body = luminance(colours.body);
  const html = luminance(colours.html);
  const value = body ?? html;
  return { ...colours, luminance: value, describe: `body ${colours.body}, html ${colours.html}, data-theme=${colours.theme}` };
}

/** The number after "learned" in #study-progress, or null. */
async function learned(page) {
  const text = (await page.locator('#study-progress').textContent()) || '';
  const m = text.match(/learned\s*(\d+)/i);
  return { text: text.trim(), value: m ? Number(m[1]) : null };
}

// ---------------------------------------------------------------- checks

async function run(options) {
  const site = path.resolve(options.site);
  const shots = path.resolve(options.screenshots);
  fs.mkdirSync(shots, { recursive: true });

  if (!fs.existsSync(path.join(site, PAGE))) {
    report(false, `${PAGE} exists in ${site}`);
    return;
  }
  if (!fs.existsSync(CHROMIUM)) {
    report(false, `${CHROMIUM} exists (run scripts/setup-test-env)`);
    return;
  }

  const server = await serve(site);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const url = `${origin}/${PAGE}`;
  const fileUrl = pathToFileURL(path.join(site, PAGE)).href;
  const siteFileUrl = pathToFileURL(site).href + '/';

  const web = new Recorder((u) => u.startsWith(origin + '/') || u.startsWith('data:'));
  const offline = new Recorder((u) => u.startsWith(siteFileUrl) || u.startsWith('data:'));

  const browser = await launchChromium();
  const desktop = { viewport: { width: 1280, height: 900 }, colorScheme: 'light' };

  /** A fresh context (empty localStorage) recorded by `recorder`. */
  async function context(extra = {}, recorder = web) {
    const ctx = await browser.newContext({ ...desktop, ...extra });
    ctx.setDefaultTimeout(10000);
    ctx.setDefaultNavigationTimeout(15000);
    return recorder.attach(ctx);
  }

  /** A screenshot of one element, cut from a full-page one (no sticky header over it). */
  async function elementShot(page, locator, name) {
    const box = await locator.evaluate((e) => {
      window.scrollTo(0, 0);
      const r = e.getBoundingClientRect();
      return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
    });
    await page.screenshot({ path: path.join(shots, name), fullPage: true, clip: box });
  }

  /** A new page in `ctx` at the bank page, fonts loaded. */
  async function open(ctx, target = url) {
    const page = await ctx.newPage();
    await page.goto(target, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => undefined)).catch(() => {});
    return page;
  }

  try {
    // Desktop, light system setting, JavaScript on.
    const ctx = await context();
    const page = await open(ctx);
    await page.screenshot({ path: path.join(shots, 'desktop-light.png') });

    await check('13 seed questions with the expected prompts, in order', async () => {
      const count = await page.locator('article.question').count();
      assert(count === 13, `${count} article.question elements, expected 13`);
      const texts = await promptTexts(page);
      const wrong = [];
      texts.forEach((text, i) => {
        const want = expectedPrompt(PROMPTS[i]);
        const got = text === null ? '(no .prompt)' : plain(text);
        if (!got.startsWith(want)) wrong.push(`question ${i + 1}: got "${got.slice(0, 160)}"\n  want "${want}"`);
      });
      assert(wrong.length === 0, wrong.join('\n'));
    });

    await check('every question has id, data-id, kind and a permalink to its anchor', async () => {
      const bad = await page.$$eval('article.question', (articles) =>
        articles
          .map((a, i) => {
            const link = a.querySelector('a.permalink');
            const ok =
              a.id && a.dataset.id && ['open', 'multiple_choice', 'cloze'].includes(a.dataset.kind) &&
              link && link.getAttribute('href').endsWith('#' + a.id);
            return ok ? null : `question ${i + 1}: id=${a.id} data-id=${a.dataset.id} kind=${a.dataset.kind} permalink=${link && link.getAttribute('href')}`;
          })
          .filter(Boolean),
      );
      const count = await page.locator('article.question').count();
      assert(count > 0, 'no article.question');
      assert(bad.length === 0, bad.join('\n'));
      const ids = await page.$$eval('article.question', (as) => as.map((a) => a.id));
      assert(new Set(ids).size === ids.length, `duplicate anchors: ${ids.join(' ')}`);
    });

    await check(`every formula is rendered by KaTeX (.math count = .katex roots, >= ${MIN_FORMULAS})`, async () => {
      assertMath(await mathCounts(page));
    });

    await check('KaTeX CSS and fonts are loaded (MathML hidden, KaTeX_Main font in use)', async () => {
      const state = await page.evaluate(async () => {
        await document.fonts.ready;
        const k = document.querySelector('.math .katex');
        if (!k) return { error: 'no .math .katex' };
        const mathml = k.querySelector('.katex-mathml');
        const faces = [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'KaTeX_Main');
        return {
          font: getComputedStyle(k).fontFamily,
          mathmlPosition: mathml ? getComputedStyle(mathml).position : null,
          loaded: faces.filter((f) => f.status === 'loaded').length,
          faces: faces.length,
        };
      });
      assert(!state.error, state.error);
      assert(/KaTeX_Main/.test(state.font), `.katex font-family is ${state.font} (katex.min.css not applied)`);
      assert(state.mathmlPosition === 'absolute', `.katex-mathml position is ${state.mathmlPosition}: formulas show twice`);
      assert(state.loaded > 0, `KaTeX_Main: ${state.faces} font faces, none loaded`);
    });

    await check('no raw $…$ TeX left in the page text outside code blocks', async () => {
      const leftovers = await page.evaluate(() => {
        const clone = document.body.cloneNode(true);
        clone.querySelectorAll('script, style, template, pre, code:not(.math-error), .katex').forEach((e) => e.remove());
        const text = clone.textContent;
        const found = [];
        for (const re of [/\$\$?[^$]{0,80}\$?\$?/g, /\\(?:[a-zA-Z]{2,}|[()[\]])/g]) {
          for (const m of text.matchAll(re)) {
            const at = m.index;
            found.push(JSON.stringify(text.slice(Math.max(0, at - 30), at + 50)));
          }
        }
        return { found, length: text.length };
      });
      assert(leftovers.length > 1000, `page text outside code is only ${leftovers.length} characters`);
      assert(leftovers.found.length === 0, `raw TeX in the text:\n${leftovers.found.slice(0, 8).join('\n')}`);
    });

    await check('code blocks are highlighted (pre.code span.hl-*, coloured differently from the block text)', async () => {
      const state = await page.evaluate(() => {
        const blocks = [...document.querySelectorAll('pre.code')];
        const spans = [...document.querySelectorAll('pre.code span[class^="hl-"]')];
        const colours = new Set();
        let differing = 0;
        for (const span of spans) {
          const colour = getComputedStyle(span).color;
          colours.add(colour);
          if (colour !== getComputedStyle(span.closest('pre.code')).color) differing++;
        }
        return { blocks: blocks.length, spans: spans.length, differing, colours: [...colours] };
      });
      assert(state.blocks > 0, 'no pre.code');
      assert(state.spans > 0, `${state.blocks} pre.code blocks but no span[class^="hl-"] in them`);
      assert(
        state.differing > 0,
        `${state.spans} hl- spans, all in the block's own colour (${state.colours.join(', ')}): highlight.css not applied?`,
      );
    });

    await check('"Show answer" reveals the answer of question 1', async () => {
      const q1 = page.locator('article.question').first();
      const body = q1.locator('details.answer .answer-body');
      assert((await body.count()) === 1, `${await body.count()} .answer-body in question 1`);
      assert(!(await body.isVisible()), 'the answer is visible before clicking "Show answer"');
      const summary = q1.locator('details.answer > summary');
      const label = ((await summary.textContent()) || '').trim();
      assert(/show answer/i.test(label), `summary text is "${label}"`);
      await summary.click();
      await body.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {});
      assert(await body.isVisible(), 'the answer is not visible after clicking "Show answer"');
      const text = plain((await body.innerText()) || '');
      assert(text.startsWith(ANSWER_1), `answer starts "${text.slice(0, 80)}"`);
    });

    await check('search "dropout" lists a result linking to question 6', async () => {
      const anchor = await page.locator('article.question').nth(5).getAttribute('id');
      assert(anchor, 'question 6 has no id');
      const search = page.locator('input#search');
      assert((await search.count()) === 1, 'no input#search');
      await search.fill('dropout');
      const link = page.locator(`#search-results li > a[href$="#${anchor}"]`);
      await link.first().waitFor({ state: 'attached', timeout: 5000 }).catch(() => {});
      const hrefs = await page.$$eval('#search-results li > a', (as) => as.map((a) => a.getAttribute('href')));
      assert((await link.count()) > 0, `no result links to #${anchor}; results: ${JSON.stringify(hrefs)}`);
      assert(await link.first().isVisible(), 'the result linking to question 6 is not visible');
    });

    await check('search "gradient" ranks results from several banks (one index part per bank)', async () => {
      await page.locator('input#search').fill('gradient');
      const results = () => page.$$eval('#search-results li > a', (as) => as.map((a) => a.getAttribute('href')));
      const bankPages = (hrefs) => new Set(hrefs.map((h) => h.split('#')[0]));
      const hrefs = await eventually(results, (h) => bankPages(h).size >= 3);
      const pages = bankPages(hrefs);
      assert(pages.size >= 3, `results come from ${pages.size} bank pages: ${JSON.stringify(hrefs)}`);
      await page.screenshot({ path: path.join(shots, 'search-results.png') });
      await page.locator('input#search').fill('');
    });

    await check('light system setting, no stored choice: light theme', async () => {
      const bg = await eventually(() => background(page), (b) => b.luminance !== null && b.luminance > 0.5);
      assert(bg.luminance !== null && bg.luminance > 0.5, `background is not light: ${bg.describe}`);
    });

    // Multiple choice: question 10, a fresh load for each click.
    await check('question 10: a wrong option says "Wrong" and shows the right one', async () => {
      const p = await open(ctx);
      const q10 = p.locator('article.question').nth(9);
      const choices = q10.locator('button.choice');
      const n = await choices.count();
      assert(n === 4, `${n} button.choice in question 10, expected 4`);
      const correct = await choices.evaluateAll((bs) => bs.map((b) => b.dataset.correct));
      assert(JSON.stringify(correct) === '["false","false","true","false"]', `data-correct: ${JSON.stringify(correct)}`);
      await choices.nth(0).click();
      const classes = (await choices.nth(0).getAttribute('class')) || '';
      assert(/\bwrong\b/.test(classes), `the clicked wrong option has class "${classes}"`);
      const feedback = ((await q10.locator('.feedback').first().textContent().catch(() => null)) || '').trim();
      assert(feedback.startsWith('Wrong'), `feedback is "${feedback}"`);
      const third = (await choices.nth(2).getAttribute('class')) || '';
      assert(/\bright\b/.test(third), `the correct option (c) has class "${third}"`);
      assert(await q10.locator('details.answer').evaluate((d) => d.open), 'the answer did not open');
      await p.close();
    });

    await check('question 10: the right option (c) says "Correct"', async () => {
      const p = await open(ctx);
      const q10 = p.locator('article.question').nth(9);
      const choice = q10.locator('button.choice').nth(2);
      await choice.click();
      const classes = (await choice.getAttribute('class')) || '';
      assert(/\bright\b/.test(classes), `the clicked option (c) has class "${classes}"`);
      assert(!/\bwrong\b/.test(classes), `the clicked option (c) has class "${classes}"`);
      const feedback = ((await q10.locator('.feedback').first().textContent().catch(() => null)) || '').trim();
      assert(feedback.startsWith('Correct'), `feedback is "${feedback}"`);
      const wrongs = await q10.locator('button.choice.wrong').count();
      assert(wrongs === 0, `${wrongs} options marked wrong after a right answer`);
      await elementShot(p, q10, 'question-10-correct.png');
      await p.close();
    });

    // Study mode, in its own context so progress starts empty.
    {
      const sctx = await context();
      const sp = await open(sctx);
      const card = sp.locator('#study .study-card');
      let front = null;
      await check('study mode: #study-start opens a card, Space flips it', async () => {
        const before = await learned(sp);
        assert(before.value === null || before.value === 0, `fresh progress shows learned ${before.value}: "${before.text}"`);
        await sp.locator('#study-start').click();
        await card.first().waitFor({ state: 'visible', timeout: 5000 }).catch(() => {});
        assert(await card.first().isVisible(), '#study .study-card not visible after clicking #study-start');
        assert((await sp.locator('#study .study-card.flipped').count()) === 0, 'the card is flipped before Space');
        front = plain((await sp.locator('#study .study-card .study-front').first().innerText()) || '');
        assert(front.length > 0, 'the card front is empty');
        await sp.keyboard.press('Space');
        await sp.locator('#study .study-card.flipped').first().waitFor({ timeout: 5000 }).catch(() => {});
        assert((await sp.locator('#study .study-card.flipped').count()) === 1, 'no .study-card.flipped after Space');
        const back = sp.locator('#study .study-card.flipped .study-back').first();
        assert(await back.isVisible(), 'the back of the flipped card is not visible');
        await sp.screenshot({ path: path.join(shots, 'study-flipped.png') });
      });

      await check('study mode: key 3 grades and advances to another card', async () => {
        assert(front !== null, 'study mode did not open');
        await sp.keyboard.press('3');
        const frontText = () => sp.locator('#study .study-card .study-front').first().innerText({ timeout: 1000 }).catch(() => '');
        const next = plain(await eventually(frontText, (text) => text && plain(text) !== front));
        assert(next.length > 0, 'no card front after grading');
        assert(next !== front, `still the same card after grading: "${front.slice(0, 80)}"`);
        const after = await eventually(() => learned(sp), (l) => l.value >= 1);
        assert(after.value !== null && after.value >= 1, `#study-progress after grading: "${after.text}"`);
      });

      await check('study mode: Escape closes it', async () => {
        assert(front !== null, 'study mode did not open');
        await sp.keyboard.press('Escape');
        const visible = await eventually(() => card.first().isVisible(), (v) => !v);
        assert(!visible, 'the study card is still visible after Escape');
      });

      await check('study mode: progress survives a reload (localStorage studymark:<bank id>)', async () => {
        await sp.reload({ waitUntil: 'load' });
        let progress = await learned(sp);
        if (progress.value === null) {
          await sp.locator('#study-start').click();
          progress = await learned(sp);
        }
        assert(progress.value !== null && progress.value >= 1, `#study-progress after reload: "${progress.text}"`);
        const ids = await sp.$$eval('article.question', (as) => as.map((a) => a.dataset.id));
        const stored = await sp.evaluate((key) => localStorage.getItem(key), `studymark:${options.bank}`);
        const keys = await sp.evaluate(() => Object.keys(localStorage));
        assert(stored !== null, `no localStorage key studymark:${options.bank}; keys: ${JSON.stringify(keys)}`);
        assert(ids.some((id) => id && stored.includes(id)), `the stored state names no question id: ${stored.slice(0, 200)}`);
      });
      await sctx.close();
    }

    // Themes.
    await check('#theme-toggle switches to a dark background and the choice is stored', async () => {
      const tctx = await context();
      const p = await open(tctx);
      const toggle = p.locator('#theme-toggle');
      assert((await toggle.count()) === 1, 'no #theme-toggle');
      for (let i = 0; i < 3; i++) {
        if ((await p.getAttribute('html', 'data-theme')) === 'dark') break;
        await toggle.click();
      }
      const theme = await p.getAttribute('html', 'data-theme');
      assert(theme === 'dark', `html data-theme is "${theme}" after 3 clicks on #theme-toggle`);
      const bg = await eventually(() => background(p), (b) => b.luminance !== null && b.luminance < 0.3); // transitions
      assert(bg.luminance !== null && bg.luminance < 0.3, `background is not dark: ${bg.describe} (luminance ${bg.luminance})`);
      await p.screenshot({ path: path.join(shots, 'desktop-dark.png') });
      await p.reload({ waitUntil: 'load' });
      const again = await p.getAttribute('html', 'data-theme');
      assert(again === 'dark', `after a reload data-theme is "${again}": the choice was not stored`);
      await tctx.close();
    });

    await check('dark system setting, no stored choice: dark background', async () => {
      const dctx = await context({ colorScheme: 'dark' });
      const p = await open(dctx);
      const bg = await eventually(() => background(p), (b) => b.luminance !== null && b.luminance < 0.3);
      assert(bg.luminance !== null && bg.luminance < 0.3, `background is not dark: ${bg.describe} (luminance ${bg.luminance})`);
      await p.screenshot({ path: path.join(shots, 'desktop-dark-system.png') });
      await dctx.close();
    });

    // Narrow screen.
    await check('360 px viewport: no horizontal overflow (answers closed and open)', async () => {
      const mctx = await context({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
      const p = await open(mctx);
      const width = (page) => page.evaluate(() => document.scrollingElement.scrollWidth);
      const closed = await width(p);
      const count = await p.locator('article.question').count();
      assert(count === 13, `${count} questions on the narrow page`);
      await p.screenshot({ path: path.join(shots, 'mobile-360.png') });
      await p.evaluate(() => document.querySelectorAll('details.answer').forEach((d) => (d.open = true)));
      const open_ = await width(p);
      const culprits = await p.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > 361 && getComputedStyle(e).position !== 'fixed')
          .filter((e) => e.parentElement.getBoundingClientRect().right <= 361 && !e.closest('.katex-mathml'))
          .slice(0, 6)
          .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`),
      );
      await p.locator('article.question').nth(9).scrollIntoViewIfNeeded();
      await p.screenshot({ path: path.join(shots, 'mobile-360-question-10.png') });
      assert(closed <= 361 && open_ <= 361, `scrollWidth ${closed} (answers closed), ${open_} (answers open); wider: ${culprits.join(', ')}`);
      await mctx.close();
    });

    // No JavaScript.
    await check('without JavaScript: 13 questions, KaTeX markup, answers in the DOM and openable', async () => {
      const nctx = await context({ javaScriptEnabled: false });
      const p = await open(nctx);
      const count = await p.locator('article.question').count();
      assert(count === 13, `${count} article.question elements`);
      assertMath(await mathCounts(p));
      const q1 = p.locator('article.question').first();
      const answer = plain((await q1.locator('.answer-body').first().textContent().catch(() => null)) || '');
      assert(answer.startsWith(ANSWER_1), `question 1's answer in the DOM: "${answer.slice(0, 80)}"`);
      await q1.locator('details.answer > summary').click();
      assert(await q1.locator('.answer-body').isVisible(), 'the answer does not open without JavaScript');
      await nctx.close();
    });

    // The same page from file://.
    await check('from file://: 13 questions, KaTeX, no failed request, no error', async () => {
      const fctx = await context({}, offline);
      const p = await open(fctx, fileUrl);
      const count = await p.locator('article.question').count();
      assert(count === 13, `${count} article.question elements`);
      assertMath(await mathCounts(p));
      const k = await p.evaluate(() => getComputedStyle(document.querySelector('.math .katex')).fontFamily);
      assert(/KaTeX_Main/.test(k), `KaTeX CSS not applied from file:// (font-family ${k})`);
      assert(offline.requests.length > 1, `only ${offline.requests.length} requests recorded`);
      assert(offline.failed.length === 0, `failed requests:\n${offline.failed.join('\n')}`);
      assert(offline.foreign().length === 0, `requests outside the site folder:\n${offline.foreign().join('\n')}`);
      assert(offline.pageErrors.length === 0, `page errors:\n${offline.pageErrors.join('\n')}`);
      assert(offline.consoleErrors.length === 0, `console errors:\n${offline.consoleErrors.join('\n')}`);
      await fctx.close();
    });

    await check('from file://: search "dropout" finds question 6', async () => {
      const fctx = await context({}, offline);
      const [consoleBefore, pageBefore] = [offline.consoleErrors.length, offline.pageErrors.length];
      const p = await open(fctx, fileUrl);
      const anchor = await p.locator('article.question').nth(5).getAttribute('id');
      await p.locator('input#search').fill('dropout');
      const link = p.locator(`#search-results li > a[href$="#${anchor}"]`);
      await link.first().waitFor({ state: 'attached', timeout: 5000 }).catch(() => {});
      assert((await link.count()) > 0, `no result links to #${anchor} from file://`);
      // Errors of this page but missing files (the check above reports those).
      const errors = [
        ...offline.consoleErrors.slice(consoleBefore).filter((e) => !e.startsWith('Failed to load resource')),
        ...offline.pageErrors.slice(pageBefore),
      ];
      assert(errors.length === 0, `errors:\n${errors.join('\n')}`);
      await fctx.close();
    });

    // Formulas as a reader sees them (inline in prompts, display in an answer).
    {
      const p = await open(ctx);
      const articles = p.locator('article.question');
      for (const i of [2, 4]) {
        await articles.nth(i).locator('details.answer').evaluate((d) => (d.open = true)).catch(() => {});
        await elementShot(p, articles.nth(i), `math-question-${i + 1}.png`).catch(() => {});
      }
      await p.close();
    }
    await ctx.close();

    // Over every page served over http above.
    await check('no request leaves 127.0.0.1', async () => {
      assert(web.requests.length > 10, `only ${web.requests.length} requests recorded`);
      const foreign = web.foreign();
      assert(foreign.length === 0, `requests elsewhere:\n${[...new Set(foreign)].join('\n')}`);
    });

    await check('no failed request (network error or HTTP error status)', async () => {
      assert(web.requests.length > 10, `only ${web.requests.length} requests recorded`);
      assert(web.failed.length === 0, `failed:\n${[...new Set(web.failed)].join('\n')}`);
    });

    await check('no console error and no page error', async () => {
      const errors = [...web.consoleErrors, ...web.pageErrors];
      assert(errors.length === 0, [...new Set(errors)].join('\n'));
    });
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
}

const { values } = parseArgs({
  options: {
    site: { type: 'string' },
    screenshots: { type: 'string' },
    bank: { type: 'string', default: 'deep-learning' },
  },
});
if (!values.site || !values.screenshots) {
  console.error('usage: node tests/e2e/site.mjs --site DIR --screenshots DIR [--bank deep-learning]');
  process.exit(2);
}
await runToEnd(() => run(values));
