// What the browser check scripts share (tests/e2e/site.mjs, serve.mjs): one
// `ok - ...` / `not ok - ...` line per check, the closing `N passed, M failed`
// line the Rust runner reads (tests/testsuite/main.rs, run_check_script), and
// colour arithmetic for readability checks, and the browser they drive.

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
