// What the browser check scripts share (tests/e2e/site.mjs, serve.mjs): one
// `ok - ...` / `not ok - ...` line per check, the closing `N passed, M failed`
// line the Rust runner reads (tests/testsuite/main.rs, run_check_script), and
// colour arithmetic for readability checks, the browser they drive and the
// static server they load the site from.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { chromium } from 'playwright-core';

/** Debian's Chromium (scripts/setup-test-env installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Starts headless Chromium with a fresh profile and nothing that calls home. */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const results = [];

export function report(ok, name, detail) {
  results.push(ok);
  const line = `${ok ? 'ok' : 'not ok'} - ${name}`;
  console.log(ok || !detail ? line : `${line}\n    ${String(detail).replace(/\n/g, '\n    ')}`);
}

/** Runs one check: it passes unless `fn` throws; the error is the reason. */
export async function check(name, fn) {
  try {
    await fn();
    report(true, name);
  } catch (error) {
    report(false, name, error && error.message ? error.message.split('\n').slice(0, 12).join('\n') : error);
  }
}

/** Polls `probe` until `done(value)` or `ms` ran out; returns the last value. */
export async function eventually(probe, done, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function finish() {
  const passed = results.filter(Boolean).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

/** Runs `checks`, reports a crash as a failed check, prints the closing line and exits 1 when anything failed. */
export async function runToEnd(checks) {
  try {
    await checks();
  } catch (error) {
    report(false, 'the test ran to its end', error && error.stack ? error.stack : error);
  }
  process.exit(finish());
}

/** Relative luminance (WCAG) of a CSS rgb()/rgba() colour, or null when transparent. */
export function luminance(css) {
  const m = css.match(/rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)/);
  if (!m) throw new Error(`cannot parse colour ${css}`);
  if (m[4] !== undefined && parseFloat(m[4]) === 0) return null;
  const [r, g, b] = [m[1], m[2], m[3]].map((v) => {
    const c = parseFloat(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
};

/** Serves `root` on 127.0.0.1 at a free port; resolves to the server. */
export function serve(root) {
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(root, path.normalize(pathname));
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      const body = fs.readFileSync(file);
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
