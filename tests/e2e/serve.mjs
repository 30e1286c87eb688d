// End-to-end test of `studymark serve` in Debian's headless Chromium.
//
//   node tests/e2e/serve.mjs --studymark target/debug/studymark --project DIR --screenshots output/e2e/serve
//
// DIR is a scratch copy of tests/fixtures/serve (the test rewrites its
// content/bank.md). Starts `studymark --project DIR serve --port 0`, reads the
// address from its one stdout line, checks the HTTP side (live script injected
// into served pages only, content types, 404, path traversal refused), then
// opens the bank page in /usr/bin/chromium through playwright-core and, never
// reloading it by hand:
//   1. edits a prompt and waits for the page to show it (it reloads itself and
//      keeps its scroll position);
//   2. breaks a formula and waits for the page to reload without that question
//      (the others stay) and for the build-error overlay with the file and line;
//   3. closes the overlay, breaks a second formula and sees it come back;
//   4. fixes the bank and waits for the overlay to go and the fix to show.
// Prints one `ok - ...` / `not ok - ...` line per check and `N passed, M failed`;
// exits 1 when any check failed. Screenshots (PNG) go to the --screenshots
// folder: edited, overlay-light, overlay-dark, overlay-narrow, fixed. The
// server is stopped at the end, also when a check failed.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { assert, check, CHROMIUM, eventually, finish, launchChromium, luminance, report, runToEnd } from './checklib.mjs';

const PAGE = 'bank.html';
/** How long a change may take to reach the page (the bound). */
const CHANGE_MS = 10000;
/** The whole script; below the Rust test's 300 s timeout. */
const DEADLINE_MS = 240000;

// Edits to tests/fixtures/serve/content/bank.md, as [old text, new text].
const EDIT = [
  'Which structure gives average constant-time lookups?',
  'Which structure answers membership queries in expected constant time?',
];
// \frac with one argument: a math-parse error (tests/fixtures/diagnostics/math-parse.md).
const BREAK = ['At most $n / 2^{k}$', 'At most $n / \\frac{2^{k}}$'];
const BREAK_AGAIN = ['$O(n \\log n)$', '$O(n \\log n) \\frac{1}$']; // a second error, in another question
/** The prompt of the question BREAK breaks, before any formula. */
const BROKEN_PROMPT = 'How many candidates remain after';
const FIXED_PROMPT = 'How many candidates are left after $k$ halving steps of $n$ items?';

/** `eventually` for probes that fail while the page navigates: a failed probe is not done yet. */
function settles(probe, done, ms = CHANGE_MS) {
  return eventually(
    () => probe().catch(() => undefined),
    (value) => value !== undefined && done(value),
    ms,
  );
}

// ---------------------------------------------------------------- the server under test

/**
 * Starts `studymark serve --port 0` on `project`; resolves once it printed its
 * address. `stderr()` returns what it printed there so far.
 */
function startServer(studymark, project) {
  const child = spawn(studymark, ['--project', project, 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const server = { child, stdout: () => stdout, stderr: () => stderr };
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address on stdout after 60 s; stderr:\n${stderr}`)), 60000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/^serving (http:\/\/127\.0\.0\.1:\d+\/)\n/);
      if (match) {
        clearTimeout(timer);
        resolve({ ...server, url: match[1] });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`studymark serve exited (${code ?? signal}) before serving; stderr:\n${stderr}`));
    });
    child.once('error', reject);
  });
  return { child, ready };
}

/** Stops the server: SIGTERM, then SIGKILL when it lingers. */
async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** GET with the path sent exactly as given (fetch would normalize `..`). */
function rawGet(url, rawPath) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.get({ hostname, port, path: rawPath }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.on('error', reject);
  });
}

// ---------------------------------------------------------------- the bank

/** Replaces `from` by `to` in the bank file; throws when `from` is not there. Returns the 1-based line of the edit. */
function editBank(file, [from, to]) {
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf(from);
  assert(at >= 0, `"${from}" is not in ${file}`);
  fs.writeFileSync(file, text.slice(0, at) + to + text.slice(at + from.length));
  return text.slice(0, at).split('\n').length;
}

// ---------------------------------------------------------------- page helpers

/** WCAG contrast ratio of two opaque computed CSS colours. */
function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The overlay's text and colours, or null when there is no overlay. */
async function overlayState(page) {
  return page.evaluate(() => {
    const host = document.getElementById('studymark-overlay');
    if (!host || !host.shadowRoot) return null;
    const pre = host.shadowRoot.querySelector('pre');
    const panel = host.shadowRoot.querySelector('.panel');
    const box = pre.getBoundingClientRect();
    return {
      text: pre.textContent,
      title: host.shadowRoot.querySelector('h2').textContent,
      intro: host.shadowRoot.querySelector('p').textContent,
      color: getComputedStyle(pre).color,
      background: getComputedStyle(panel).backgroundColor,
      visible: box.width > 0 && box.height > 0 && box.top < window.innerHeight,
      fontFamily: getComputedStyle(pre).fontFamily,
    };
  });
}

/** The page's visible text, or undefined while it is navigating. */
async function bodyText(page) {
  return page.evaluate(() => document.body.innerText);
}

// ---------------------------------------------------------------- checks

async function run({ studymark, project, screenshots }) {
  const shots = path.resolve(screenshots);
  fs.mkdirSync(shots, { recursive: true });
  const bank = path.join(project, 'content', 'bank.md');
  for (const [what, file] of [['the studymark binary', studymark], ['the bank', bank], ['Chromium', CHROMIUM]]) {
    if (!fs.existsSync(file)) {
      report(false, `${what} exists at ${file}`);
      return;
    }
  }

  const { child, ready } = startServer(studymark, project);
  // The Rust test kills only this script when it hangs: never leave the server behind.
  const watchdog = setTimeout(() => {
    child.kill('SIGKILL');
    report(false, `the test finished within ${DEADLINE_MS / 1000} s`);
    process.exit(finish());
  }, DEADLINE_MS);
  let browser = null;
  try {
    let server;
    await check('prints `serving http://127.0.0.1:PORT/` as its one stdout line', async () => {
      server = await ready;
      assert(server.stdout() === `serving ${server.url}\n`, `stdout: ${JSON.stringify(server.stdout())}`);
    });
    if (!server) return;
    const url = server.url;
    const site = path.join(project, 'output', 'site');

    await check('serves the bank page with the live-reload script; the built file stays clean', async () => {
      const response = await fetch(url + PAGE);
      const html = await response.text();
      assert(response.status === 200, `HTTP ${response.status}`);
      assert(response.headers.get('content-type') === 'text/html; charset=utf-8', response.headers.get('content-type'));
      assert(/<script src="\/__studymark\/live\.js" data-generation="\d+"><\/script><\/body>/.test(html), 'no live script before </body>');
      assert(html.includes(EDIT[0]), 'the bank prompt is not in the page');
      const onDisk = fs.readFileSync(path.join(site, PAGE), 'utf8');
      assert(!onDisk.includes('__studymark'), `${PAGE} on disk has the live script`);
      const index = await fetch(url);
      assert(index.status === 200 && (await index.text()).includes(PAGE), '/ does not serve index.html');
    });

    await check('content types: CSS, JavaScript, woff2 fonts; unknown files are 404', async () => {
      const font = fs.readdirSync(path.join(site, 'static/katex/fonts')).find((f) => f.endsWith('.woff2'));
      const expected = {
        'static/style.css': 'text/css; charset=utf-8',
        'static/site.js': 'text/javascript; charset=utf-8',
        [`static/katex/fonts/${font}`]: 'font/woff2',
        '__studymark/live.js': 'text/javascript; charset=utf-8',
      };
      for (const [file, type] of Object.entries(expected)) {
        const response = await fetch(url + file);
        assert(response.status === 200, `${file}: HTTP ${response.status}`);
        assert(response.headers.get('content-type') === type, `${file}: ${response.headers.get('content-type')}`);
      }
      const missing = await fetch(url + 'no-such-page.html');
      assert(missing.status === 404, `no-such-page.html: HTTP ${missing.status}`);
    });

    await check('refuses paths that leave the site folder (.., encoded, backslashes)', async () => {
      const secret = fs.readFileSync(path.join(project, 'studymark.toml'), 'utf8').trim().split('\n').pop();
      for (const raw of [
        '/../studymark.toml',
        '/../../studymark.toml',
        '/%2e%2e/studymark.toml',
        '/static/..%2f..%2fstudymark.toml',
        '/static/%2E%2E/%2E%2E/content/bank.md',
        '/..%5c..%5cstudymark.toml',
        '/.studymark-output',
      ]) {
        const { status, body } = await rawGet(url, raw);
        assert(status === 403 || status === 400, `${raw}: HTTP ${status}`);
        assert(!body.includes(secret) && !body.includes('? '), `${raw} leaked a file:\n${body.slice(0, 200)}`);
      }
    });

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 600 }, colorScheme: 'light' });
    context.setDefaultTimeout(CHANGE_MS);
    const errors = [];
    context.on('console', (message) => {
      // The site has no favicon; the browser asks for one anyway.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) errors.push(`console: ${message.text()} [${message.location().url}]`);
    });
    context.on('weberror', (error) => errors.push(`page error: ${error.error()?.stack || error.error()}`));
    const page = await context.newPage();
    let loads = 0;
    page.on('load', () => loads++);
    await page.goto(url + PAGE);
    await page.evaluate(() => document.fonts.ready);

    await check('an edited prompt shows without a manual reload, at the same scroll position', async () => {
      assert((await overlayState(page)) === null, 'an overlay before any error');
      const scrollable = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
      assert(scrollable > 300, `the page scrolls by only ${scrollable} px`);
      await page.evaluate(() => window.scrollTo(0, 300));
      const before = loads;
      editBank(bank, EDIT);
      const text = await settles(() => bodyText(page), (t) => loads > before && t.includes(EDIT[1]));
      assert(text && text.includes(EDIT[1]), `"${EDIT[1]}" not on the page after ${CHANGE_MS} ms`);
      assert(loads === before + 1, `${loads - before} page loads (expected the page to reload itself once)`);
      const y = await settles(() => page.evaluate(() => window.scrollY), (v) => Math.abs(v - 300) <= 2, 3000);
      assert(Math.abs(y - 300) <= 2, `scrolled to ${y} after the reload, was 300`);
      await page.screenshot({ path: path.join(shots, 'edited.png') });
    });

    let brokenLine = 0;
    await check('a broken question is left out, the page reloads once and shows an overlay with file:line', async () => {
      const before = loads;
      brokenLine = editBank(bank, BREAK);
      const where = `bank.md:${brokenLine}:`;
      // The overlay can show before the reloaded page's load event.
      const overlay = await settles(() => overlayState(page), (o) => loads > before && o !== null && o.text.includes(where));
      assert(overlay, `no #studymark-overlay after ${CHANGE_MS} ms`);
      assert(overlay.text.includes(where), `the overlay does not name ${where}:\n${overlay.text}`);
      assert(overlay.text.includes('error[math-parse]'), `no math-parse error in the overlay:\n${overlay.text}`);
      assert(overlay.text.includes(BREAK[1]), `the overlay does not quote the broken line:\n${overlay.text}`);
      assert(overlay.visible, 'the overlay text is not on screen');
      assert(overlay.intro.includes('leaves out the questions with errors'), `the overlay does not say what the page shows: ${overlay.intro}`);
      assert(loads === before + 1, `the page loaded ${loads - before} time(s) on a build with errors (expected one reload)`);
      const text = await bodyText(page);
      assert(text.includes(EDIT[1]), 'the questions without errors are gone from the page');
      assert(!text.includes(BROKEN_PROMPT), 'the broken question is still on the page');
      assert(server.stderr().includes(where), `the terminal does not show ${where}:\n${server.stderr().slice(-2000)}`);
    });

    await check('the server serves the other questions while one is broken', async () => {
      const html = await (await fetch(url + PAGE)).text();
      assert(html.includes(EDIT[1]), 'the served page lost the questions without errors');
      assert(!html.includes(BROKEN_PROMPT), 'the served page still has the broken question');
    });

    await check('the overlay is readable over the light and the dark theme and on a phone', async () => {
      await page.evaluate(() => window.scrollTo(0, 0));
      const light = await overlayState(page);
      await page.screenshot({ path: path.join(shots, 'overlay-light.png') });
      await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
      const dark = await overlayState(page);
      await page.screenshot({ path: path.join(shots, 'overlay-dark.png') });
      await page.setViewportSize({ width: 360, height: 740 });
      const narrow = await overlayState(page);
      await page.screenshot({ path: path.join(shots, 'overlay-narrow.png') });
      await page.setViewportSize({ width: 1280, height: 600 });
      await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
      for (const [name, state] of [['light', light], ['dark', dark], ['360 px', narrow]]) {
        const ratio = contrast(state.color, state.background);
        assert(ratio >= 7, `${name}: contrast ${ratio.toFixed(1)} (${state.color} on ${state.background})`);
        assert(state.visible, `${name}: the diagnostics are not on screen`);
      }
      assert(/mono/i.test(light.fontFamily), `diagnostics not in a monospace font: ${light.fontFamily}`);
    });

    await check('the overlay closes, and comes back when the errors change', async () => {
      await page.locator('#studymark-overlay button').click();
      assert((await overlayState(page)) === null, 'Close left the overlay');
      const line = editBank(bank, BREAK_AGAIN);
      const where = `bank.md:${line}:`;
      const overlay = await settles(() => overlayState(page), (o) => o !== null && o.text.includes(where));
      assert(overlay && overlay.text.includes(where), `no overlay naming ${where} after ${CHANGE_MS} ms`);
      assert(overlay.text.includes(`bank.md:${brokenLine}:`), 'the first error is gone from the overlay');
    });

    await check('fixing the bank clears the overlay and shows the fixed content', async () => {
      const before = loads;
      editBank(bank, [BREAK[1], BREAK[0]]);
      editBank(bank, [BREAK_AGAIN[1], BREAK_AGAIN[0]]);
      editBank(bank, ['How many candidates remain after $k$ halvings of $n$ items?', FIXED_PROMPT]);
      const fixed = FIXED_PROMPT.replace(/\$/g, '').split(' k ')[0]; // the text before the first formula
      const text = await settles(() => bodyText(page), (t) => loads > before && t.includes(fixed));
      assert(text && text.includes(fixed), `"${fixed}" not on the page after ${CHANGE_MS} ms`);
      assert((await overlayState(page)) === null, 'the overlay is still there');
      // Each build that wrote the site reloads it; the three edits may take one or more.
      assert(loads > before, 'the page did not reload');
      const katex = await page.locator('.math .katex').count();
      assert(katex >= 6, `${katex} rendered formulas after the fix`);
      await page.locator('article.question', { hasText: fixed }).evaluate((e) => e.scrollIntoView({ block: 'center' }));
      await page.screenshot({ path: path.join(shots, 'fixed.png') });
    });

    await check('no console error and no page error', async () => {
      assert(errors.length === 0, [...new Set(errors)].join('\n'));
    });
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stopServer(child);
    clearTimeout(watchdog);
  }
}

const { values } = parseArgs({
  options: {
    studymark: { type: 'string' },
    project: { type: 'string' },
    screenshots: { type: 'string', default: path.join(os.tmpdir(), 'studymark-e2e-serve') },
  },
});
if (!values.studymark || !values.project) {
  console.error('usage: node tests/e2e/serve.mjs --studymark BIN --project DIR [--screenshots DIR]');
  process.exit(2);
}
await runToEnd(() => run(values));
