// studymark serve: live reload. The preview server injects this script into
// every HTML page it sends (never into the built files). It long-polls
// /__studymark/poll for the next build: after a build that wrote the site the
// page reloads and keeps its scroll position; when the build had errors an
// overlay shows them over the page (the site without the questions they point
// into, or, when nothing was written, the page as it was).
// Hidden tabs stop polling, so open previews do not use up the browser's
// few connections per host.
(function () {
  'use strict';

  var POLL = '/__studymark/poll';
  var OVERLAY_ID = 'studymark-overlay';
  var SCROLL_KEY = 'studymark-serve-scroll:' + location.pathname;
  var script = document.currentScript;
  // The build this page came from; a later good build replaces it.
  var served = Number(script && script.getAttribute('data-generation')) || 0;
  var known = served;
  var inflight = null; // AbortController of the running poll
  var reloading = false;
  var dismissed = null; // diagnostics the reader closed; shown again only when they change

  var OVERLAY_HTML =
    '<style>' +
    ':host { all: initial; position: fixed; inset: 0; z-index: 2147483647; display: block;' +
    '  background: rgba(0, 0, 0, 0.55); color-scheme: dark; }' +
    '.panel { box-sizing: border-box; max-width: 960px; max-height: calc(100vh - 48px); margin: 24px auto;' +
    '  display: flex; flex-direction: column; background: #18181b; color: #f4f4f5;' +
    '  border: 1px solid #52525b; border-top: 5px solid #f2555a; border-radius: 6px; box-shadow: 0 12px 40px rgba(0, 0, 0, 0.5);' +
    '  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }' +
    'header { display: flex; align-items: flex-start; gap: 16px; padding: 14px 18px 10px; }' +
    'h2 { margin: 0; font-size: 18px; color: #ff9b9e; }' +
    'p { margin: 4px 0 0; color: #d4d4d8; }' +
    'button { margin-left: auto; flex: none; font: inherit; font-size: 14px; color: #f4f4f5;' +
    '  background: #3f3f46; border: 1px solid #71717a; border-radius: 4px; padding: 4px 12px; cursor: pointer; }' +
    'button:hover, button:focus-visible { background: #52525b; outline: 2px solid #a5b4fc; outline-offset: 1px; }' +
    'pre { margin: 0; padding: 12px 18px 16px; overflow: auto; color: #f4f4f5;' +
    // Wrapped: the message line is the one that runs long, and must be read whole.
    '  white-space: pre-wrap; overflow-wrap: anywhere; border-top: 1px solid #3f3f46;' +
    '  font: 13px/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; }' +
    '@media (max-width: 600px) { .panel { margin: 8px; max-height: calc(100vh - 16px); } }' +
    '</style>' +
    '<section class="panel" role="alert" aria-labelledby="title">' +
    '<header><div><h2 id="title">studymark: build errors</h2>' +
    '<p></p></div>' +
    '<button type="button" aria-label="Close the build errors">Close</button></header>' +
    '<pre></pre></section>';

  restoreScroll();
  document.addEventListener('visibilitychange', function () {
    if (document.hidden) {
      if (inflight) inflight.abort();
    } else {
      poll(null);
    }
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && document.getElementById(OVERLAY_ID)) dismiss();
  });
  poll(null);

  /** Waits for a build newer than `since` (null: the current status at once). */
  function poll(since) {
    if (reloading || inflight || document.hidden) return;
    var controller = (inflight = new AbortController());
    var url = since === null ? POLL : POLL + '?since=' + since;
    fetch(url, { cache: 'no-store', signal: controller.signal })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(
        function (status) {
          inflight = null;
          if (apply(status)) poll(status.generation);
        },
        function () {
          inflight = null;
          // Aborted because the tab was hidden: it resumes when shown again.
          if (controller.signal.aborted) return;
          // The server is restarting or gone: ask again, gently.
          setTimeout(function () { poll(null); }, 1000);
        },
      );
  }

  /** Shows a build's outcome; false when the page is reloading. */
  function apply(status) {
    // A restarted server counts from 0 again: its builds are all new.
    var restarted = status.generation < known;
    known = status.generation;
    // A build with errors still writes the questions without them: the
    // page reloads to show that site, then the overlay names the errors.
    if (restarted || status.site_generation > served) {
      reload();
      return false;
    }
    if (!status.ok) {
      showOverlay(status.diagnostics, status.site_generation === status.generation);
      return true;
    }
    hideOverlay();
    return true;
  }

  function reload() {
    reloading = true;
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify([window.scrollX, window.scrollY]));
    } catch (e) {}
    location.reload();
  }

  function restoreScroll() {
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY));
      sessionStorage.removeItem(SCROLL_KEY);
    } catch (e) {}
    if (!Array.isArray(saved)) return;
    window.scrollTo(saved[0], saved[1]);
    // Fonts and images can still change the page's height until it has loaded.
    window.addEventListener('load', function () { window.scrollTo(saved[0], saved[1]); });
  }

  /** `written`: this build wrote the page, leaving out what has errors. */
  function showOverlay(text, written) {
    if (text === dismissed) return;
    var host = document.getElementById(OVERLAY_ID);
    if (!host) {
      host = document.createElement('div');
      host.id = OVERLAY_ID;
      // A shadow root keeps the site's styles off the overlay and its styles off the site.
      host.attachShadow({ mode: 'open' }).innerHTML = OVERLAY_HTML;
      host.shadowRoot.querySelector('button').addEventListener('click', dismiss);
      document.body.appendChild(host);
    }
    host.shadowRoot.querySelector('pre').textContent = text; // text, never markup
    host.shadowRoot.querySelector('p').textContent = written
      ? 'This page leaves out the questions with errors. Fix the file and it reloads.'
      : 'Nothing was written: this page shows the last build. Fix the file and it reloads.';
  }

  function dismiss() {
    var host = document.getElementById(OVERLAY_ID);
    if (host) dismissed = host.shadowRoot.querySelector('pre').textContent;
    hideOverlay();
  }

  function hideOverlay() {
    var host = document.getElementById(OVERLAY_ID);
    if (host) host.remove();
  }
})();
