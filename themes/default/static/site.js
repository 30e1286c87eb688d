/* studymark default theme: progressive enhancement for the study site.
 *
 * Plain ES2019, no build step, no network requests; works from file://.
 * Everything here is optional: without JavaScript the pages are complete
 * (answers live in native <details>). This script adds:
 *   - the light/dark theme toggle (#theme-toggle),
 *   - multiple-choice feedback (.choice buttons),
 *   - full-text search (elasticlunr) over the index parts search-index.js lists,
 *   - tag/topic/difficulty filters,
 *   - study mode: flashcards scheduled with SM-2 (see the Scheduler below).
 * The DOM it relies on is described in docs/site-contract.md.
 */
(function () {
  "use strict";

  var doc = document;
  var html = doc.documentElement;
  var root = html.getAttribute("data-root") || "";

  function $(sel, ctx) { return (ctx || doc).querySelector(sel); }
  function $$(sel, ctx) { return Array.prototype.slice.call((ctx || doc).querySelectorAll(sel)); }

  var storage = (function () {
    try {
      var k = "studymark-probe";
      window.localStorage.setItem(k, "1");
      window.localStorage.removeItem(k);
      return window.localStorage;
    } catch (e) {
      return null; // private mode or disabled: everything still works for this visit
    }
  })();
  function readJSON(key) {
    if (!storage) return null;
    try { return JSON.parse(storage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function writeJSON(key, value) {
    if (!storage) return;
    try { storage.setItem(key, JSON.stringify(value)); } catch (e) { /* quota: ignore */ }
  }

  function isTyping(el) {
    if (!el || !el.tagName) return false;
    var t = el.tagName;
    return t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || el.isContentEditable;
  }

  /* ------------------------------------------------------------------ */
  /* Theme                                                                */
  /* ------------------------------------------------------------------ */

  var THEME_KEY = "studymark-theme";
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function storedTheme() {
    var t = storage ? storage.getItem(THEME_KEY) : null;
    return t === "light" || t === "dark" ? t : null;
  }
  function systemTheme() { return darkQuery && darkQuery.matches ? "dark" : "light"; }
  function applyTheme(theme) {
    html.setAttribute("data-theme", theme);
    var toggle = $("#theme-toggle");
    if (toggle) {
      var next = theme === "dark" ? "light" : "dark";
      toggle.setAttribute("aria-label", "Switch to " + next + " theme");
      toggle.setAttribute("title", "Switch to " + next + " theme");
    }
  }

  function initTheme() {
    applyTheme(storedTheme() || systemTheme());
    var toggle = $("#theme-toggle");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var next = html.getAttribute("data-theme") === "dark" ? "light" : "dark";
        // Choosing the system's own theme forgets the choice, so the page
        // follows the system again; anything else is remembered.
        if (storage) {
          if (next === systemTheme()) storage.removeItem(THEME_KEY);
          else storage.setItem(THEME_KEY, next);
        }
        applyTheme(next);
      });
    }
    if (darkQuery) {
      var follow = function () { if (!storedTheme()) applyTheme(systemTheme()); };
      if (darkQuery.addEventListener) darkQuery.addEventListener("change", follow);
      else if (darkQuery.addListener) darkQuery.addListener(follow);
    }
  }

  /* ------------------------------------------------------------------ */
  /* Multiple choice                                                      */
  /* ------------------------------------------------------------------ */

  // One handler for the page and the study cards (which hold clones).
  function onChoiceClick(button) {
    var box = button.closest(".question, .study-card");
    if (!box) return;
    var choices = $$(".choice", box);
    var right = button.getAttribute("data-correct") === "true";
    var letters = [];
    choices.forEach(function (c) {
      c.classList.remove("right", "wrong");
      if (c.getAttribute("data-correct") === "true") {
        c.classList.add("right");
        var l = $(".choice-letter", c);
        letters.push("(" + (l ? l.textContent.trim() : "?") + ")");
      }
    });
    if (!right) button.classList.add("wrong");
    choices.forEach(function (c) { c.setAttribute("aria-pressed", c === button ? "true" : "false"); });

    var feedback = $(".feedback", box);
    if (feedback) {
      feedback.textContent = right
        ? "Correct!"
        : "Wrong. The answer is " + (letters.length ? letters.join(", ") : "in the key below") + ".";
      feedback.classList.toggle("right", right);
      feedback.classList.toggle("wrong", !right);
    }
    if (box.classList.contains("study-card")) {
      study.flip();
    } else {
      var details = $("details.answer", box);
      if (details) details.open = true;
    }
  }

  /* ------------------------------------------------------------------ */
  /* Search                                                               */
  /* ------------------------------------------------------------------ */

  /** One line of plain text for the result list (long prompts are cut). */
  function shorten(text) {
    var t = String(text).replace(/\s+/g, " ").trim();
    return t.length > 160 ? t.slice(0, 157).replace(/\s+\S*$/, "") + "\u2026" : t;
  }

  function initSearch() {
    var input = $("#search");
    var panel = $("#search-panel");
    var list = $("#search-results");
    var status = $("#search-status");
    if (!input || !list) return;

    // The index comes in parts, one script per bank (search-index.js
    // lists them); they load when search is first used.
    var parts = null;
    var failed = false;
    var loading = false;
    function load(then) {
      if (parts || failed || loading) return parts;
      var data = window.studymarkSearch;
      if (!data || !data.parts || typeof window.elasticlunr === "undefined") {
        failed = true;
        return null;
      }
      loading = true;
      window.studymarkSearchParts = window.studymarkSearchParts || [];
      var pending = data.parts.length + 1;
      function loaded() {
        if (--pending > 0) return;
        loading = false;
        try {
          parts = window.studymarkSearchParts.map(function (part) {
            return { index: window.elasticlunr.Index.load(part.index), docs: part.docs || {} };
          });
        } catch (e) {
          failed = true;
        }
        then();
      }
      data.parts.forEach(function (src) {
        var script = doc.createElement("script");
        script.src = root + src;
        script.onload = loaded;
        script.onerror = function () { failed = true; loaded(); };
        doc.head.appendChild(script);
      });
      loaded();
      return null;
    }

    // Every part's hits, best first (scores are per part, close enough to
    // rank across banks).
    function search(q) {
      var hits = [];
      parts.forEach(function (part) {
        part.index.search(q, { bool: "OR", expand: true }).forEach(function (hit) {
          hits.push({ ref: hit.ref, score: hit.score, doc: part.docs[hit.ref] });
        });
      });
      return hits.sort(function (a, b) { return b.score - a.score; });
    }

    function show(open) {
      if (panel) panel.hidden = !open;
    }

    var timer = 0;
    function run() {
      var q = input.value.trim();
      list.textContent = "";
      if (!q) { status.textContent = ""; show(false); return; }
      show(true);
      if (!load(run)) {
        status.textContent = failed ? "Search is unavailable (the search index did not load)." : "Loading the search index\u2026";
        return;
      }
      var hits = search(q);
      if (!hits.length) { status.textContent = "No questions match \u201c" + q + "\u201d."; return; }
      status.textContent = hits.length === 1 ? "1 question" : hits.length + " questions" + (hits.length > 20 ? ", showing the first 20" : "");
      hits.slice(0, 20).forEach(function (hit) {
        var d = hit.doc || { title: hit.ref, bank: "" };
        var li = doc.createElement("li");
        var a = doc.createElement("a");
        a.href = root + hit.ref;
        var t = doc.createElement("span");
        t.className = "result-title";
        t.textContent = shorten(d.title || hit.ref);
        a.appendChild(t);
        if (d.bank) {
          var b = doc.createElement("span");
          b.className = "result-bank";
          b.textContent = d.bank;
          a.appendChild(b);
        }
        li.appendChild(a);
        list.appendChild(li);
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 80);
    });
    input.addEventListener("focus", function () { if (input.value.trim()) run(); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") {
        input.value = "";
        run();
      } else if (e.key === "Enter") {
        clearTimeout(timer);
        run();
        var first = $("a", list);
        if (first) { e.preventDefault(); first.click(); }
      } else if (e.key === "ArrowDown") {
        var a = $("a", list);
        if (a) { e.preventDefault(); a.focus(); }
      }
    });
    list.addEventListener("keydown", function (e) {
      var links = $$("a", list);
      var i = links.indexOf(doc.activeElement);
      if (e.key === "ArrowDown" && i >= 0) { e.preventDefault(); (links[i + 1] || links[i]).focus(); }
      else if (e.key === "ArrowUp" && i >= 0) { e.preventDefault(); (i > 0 ? links[i - 1] : input).focus(); }
      else if (e.key === "Escape") { e.preventDefault(); input.focus(); show(false); }
    });
    list.addEventListener("click", function (e) {
      if (e.target.closest("a")) show(false);
    });
    // Close the panel when focus or a click leaves the search box.
    doc.addEventListener("click", function (e) {
      if (!e.target.closest(".search")) show(false);
    });
    doc.addEventListener("focusin", function (e) {
      if (!e.target.closest || !e.target.closest(".search")) show(false);
    });
    // "/" focuses search, as on many documentation sites.
    doc.addEventListener("keydown", function (e) {
      if (e.key === "/" && !isTyping(e.target) && !e.ctrlKey && !e.metaKey && !e.altKey && !study.isOpen()) {
        e.preventDefault();
        input.focus();
      }
    });
  }

  /* ------------------------------------------------------------------ */
  /* Filters                                                              */
  /* ------------------------------------------------------------------ */

  var filters = {
    tag: null, topic: null, difficulty: null,

    init: function () {
      this.tag = $("#filter-tag");
      this.topic = $("#filter-topic");
      this.difficulty = $("#filter-difficulty");
      var self = this;
      [this.tag, this.topic, this.difficulty].forEach(function (s) {
        if (s) s.addEventListener("change", function () { self.apply(); });
      });
      // Browsers may restore select values on back/forward navigation.
      if (this.active()) this.apply();
    },

    value: function (s) { return s && !s.disabled ? s.value : ""; },
    active: function () {
      return !!(this.value(this.tag) || this.value(this.topic) || this.value(this.difficulty));
    },
    matches: function (article) {
      var tag = this.value(this.tag);
      var topic = this.value(this.topic);
      var diff = this.value(this.difficulty);
      if (tag && (article.getAttribute("data-tags") || "").split(/\s+/).indexOf(tag) < 0) return false;
      if (topic && article.getAttribute("data-topic") !== topic) return false;
      if (diff && article.getAttribute("data-difficulty") !== diff) return false;
      return true;
    },

    apply: function () {
      var self = this;
      var articles = $$("article.question");
      var shown = 0;
      articles.forEach(function (a) {
        var ok = self.matches(a);
        a.hidden = !ok;
        if (ok) shown += 1;
      });
      $$("section.topic").forEach(function (s) {
        s.hidden = !$("article.question:not([hidden])", s);
      });
      $$(".toc li[data-topic]").forEach(function (li) {
        var s = doc.getElementById("topic-" + li.getAttribute("data-topic"));
        li.hidden = !!(s && s.hidden);
      });
      var status = $("#filter-status");
      if (status) {
        status.textContent = self.active()
          ? "Showing " + shown + " of " + articles.length + " questions"
          : "";
      }
      study.updateProgress();
    },

    clear: function () {
      [this.tag, this.topic, this.difficulty].forEach(function (s) { if (s) s.value = ""; });
      this.apply();
    },

    /** The questions study mode uses: the ones the filters show. */
    visible: function () {
      return $$("article.question").filter(function (a) { return !a.hidden; });
    }
  };

  /* ------------------------------------------------------------------ */
  /* Scheduler: SM-2                                                      */
  /* ------------------------------------------------------------------ */

  /*
   * SM-2 (SuperMemo 2, P. Wozniak 1987), as studymark implements it.
   *
   * Per card (keyed by its question's stable id; the reverse card of a
   * reversible question by the id + "~r") we keep
   *   { reps, ease, interval, due, last, reviewed }:
   *   reps      successful reviews in a row (SM-2's n), starts at 0;
   *   ease      the ease factor (SM-2's EF), starts at 2.5, never below 1.3;
   *   interval  days until the next review (SM-2's I);
   *   due       when the next review is due, a timestamp in ms since 1970;
   *   last      the SM-2 quality of the latest grade (0-5);
   *   reviewed  when it was last graded (ms).
   *
   * The four buttons map to SM-2 qualities: Again (1) -> 1, Hard (2) -> 3,
   * Good (3) -> 4, Easy (4) -> 5. For quality q:
   *   - q < 3 (Again): reps = 0 and interval = 1 day; the ease factor is
   *     kept, and the card comes back again later in the same session;
   *   - q >= 3: reps += 1; interval = 1 day after the first success,
   *     6 days after the second, then round(previous interval * ease);
   *     then ease += 0.1 - (5 - q) * (0.08 + (5 - q) * 0.02), floored at
   *     1.3 (Hard: -0.14, Good: unchanged, Easy: +0.10).
   *   due = now + interval days.
   * A question is "due" when it was never graded or its due time falls
   * before the end of today (local time); it is "learned" when reps >= 1
   * and its last grade was not a failure (q >= 3).
   * State is JSON in localStorage under "studymark:{bank id}":
   *   { "<card key>": { reps, ease, interval, due, last, reviewed }, ... }
   */
  var DAY = 24 * 60 * 60 * 1000;
  var QUALITY = { 1: 1, 2: 3, 3: 4, 4: 5 };

  function sm2(card, grade, now) {
    var q = QUALITY[grade];
    var prev = card || { reps: 0, ease: 2.5, interval: 0 };
    var ease = typeof prev.ease === "number" && prev.ease >= 1.3 ? prev.ease : 2.5;
    var reps = prev.reps > 0 ? prev.reps : 0;
    var interval = prev.interval > 0 ? prev.interval : 0;
    if (q < 3) {
      reps = 0;
      interval = 1;
    } else {
      reps += 1;
      if (reps === 1) interval = 1;
      else if (reps === 2) interval = 6;
      else interval = Math.max(1, Math.round(interval * ease));
      ease = Math.max(1.3, ease + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)));
      ease = Math.round(ease * 1000) / 1000;
    }
    return { reps: reps, ease: ease, interval: interval, due: now + interval * DAY, last: q, reviewed: now };
  }

  function endOfToday(now) {
    var d = new Date(now);
    d.setHours(23, 59, 59, 999);
    return d.getTime();
  }
  function isDue(card, eod) { return !card || !(card.due > eod); }
  function isLearned(card) { return !!card && card.reps >= 1 && card.last >= 3; }

  /** The study cards of some questions, in page order: one per question,
      and for a reversible one a second that asks with the answer. */
  function cardsOf(articles) {
    var cards = [];
    articles.forEach(function (a) {
      var id = a.getAttribute("data-id");
      cards.push({ article: a, key: id, reverse: false });
      if (a.getAttribute("data-kind") === "reversible") cards.push({ article: a, key: id + "~r", reverse: true });
    });
    return cards;
  }
  function formatInterval(days) {
    if (days < 1) return "now";
    if (days < 31) return days + "d";
    if (days < 365) return Math.round(days / 30.4) + "mo";
    return (Math.round(days / 36.5) / 10) + "y";
  }

  /* ------------------------------------------------------------------ */
  /* Study mode                                                           */
  /* ------------------------------------------------------------------ */

  var study = {
    el: null, bankId: null, key: null, state: {},
    queue: [], current: null, done: 0, open: false, noticeTimer: 0,

    init: function () {
      var main = $("main.bank");
      this.el = $("#study");
      if (!main || !this.el) return;
      this.bankId = main.getAttribute("data-bank") || "bank";
      this.key = "studymark:" + this.bankId;
      this.load();
      var self = this;

      var start = $("#study-start");
      if (start) start.addEventListener("click", function () { self.start(false); });
      var reset = $("#study-reset");
      if (reset) reset.addEventListener("click", function () { self.reset(); });
      $("#study-close").addEventListener("click", function () { self.close(); });
      $("#study-done-close").addEventListener("click", function () { self.close(); });
      $("#study-cram").addEventListener("click", function () { self.start(true); });
      $("#study-flip").addEventListener("click", function () { self.flip(); });
      $$(".grade", this.el).forEach(function (b) {
        b.addEventListener("click", function () { self.grade(Number(b.getAttribute("data-grade"))); });
      });

      doc.addEventListener("keydown", function (e) {
        if (!self.open || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
        if (e.key === "Escape" || e.key === "Esc") {
          e.preventDefault();
          self.close();
        } else if (e.key === " " || e.key === "Spacebar") {
          // Space flips; on a focused link, button or summary it keeps its meaning.
          var t = e.target;
          if (t && t.closest && t.closest("a, summary, button") && !t.closest("#study-flip")) return;
          if (!self.current) return;
          e.preventDefault();
          self.flip();
        } else if (/^[1-4]$/.test(e.key)) {
          if (!self.current) return;
          e.preventDefault();
          self.grade(Number(e.key));
        }
      });
      this.updateProgress();
    },

    isOpen: function () { return this.open; },

    load: function () {
      var s = readJSON(this.key);
      this.state = s && typeof s === "object" && !Array.isArray(s) ? s : {};
    },
    save: function () { writeJSON(this.key, this.state); },

    /** due / learned / total over the whole bank's cards. */
    counts: function () {
      var self = this;
      var eod = endOfToday(Date.now());
      var c = { due: 0, learned: 0, total: 0 };
      cardsOf($$("article.question")).forEach(function (each) {
        var card = self.state[each.key];
        c.total += 1;
        if (isDue(card, eod)) c.due += 1;
        if (isLearned(card)) c.learned += 1;
      });
      return c;
    },

    updateProgress: function (message) {
      var p = $("#study-progress");
      if (!p || !this.key) return;
      var c = this.counts();
      p.textContent = "due " + c.due + " \u00b7 learned " + c.learned + " \u00b7 total " + c.total;
      var notice = $("#study-notice");
      if (notice) {
        notice.textContent = message ? message.text : "";
        if (message && message.action) {
          var b = doc.createElement("button");
          b.type = "button";
          b.className = "button subtle";
          b.textContent = message.action;
          b.addEventListener("click", message.onAction);
          notice.appendChild(b);
        }
      }
      var start = $("#study-start");
      if (start) {
        var visible = cardsOf(filters.visible()).length;
        var filtered = visible < c.total;
        start.textContent = filtered ? "Study " + visible + " of " + c.total : "Study";
      }
    },

    /** Cards for a session: the due ones among the filtered questions'
        cards (overdue first, by due time), then the new ones in page
        order. cram: every card of the filtered questions, in page order. */
    buildQueue: function (cram) {
      var self = this;
      var eod = endOfToday(Date.now());
      var visible = cardsOf(filters.visible());
      if (cram) return visible;
      var due = [], fresh = [];
      visible.forEach(function (each) {
        var card = self.state[each.key];
        if (!card) fresh.push(each);
        else if (isDue(card, eod)) due.push(each);
      });
      due.sort(function (x, y) { return self.state[x.key].due - self.state[y.key].due; });
      return due.concat(fresh);
    },

    start: function (cram) {
      this.load(); // another tab may have studied meanwhile
      this.queue = this.buildQueue(cram);
      this.done = 0;
      this.open = true;
      this.el.hidden = false;
      $("main.bank").classList.add("studying");
      this.next();
      var header = $(".site-header");
      var offset = header && getComputedStyle(header).position === "sticky" ? header.offsetHeight + 12 : 12;
      window.scrollTo(0, Math.max(0, this.el.getBoundingClientRect().top + window.pageYOffset - offset));
      this.el.focus({ preventScroll: true });
    },

    close: function () {
      if (!this.open) return;
      this.open = false;
      this.current = null;
      this.el.hidden = true;
      this.el.classList.remove("flipped");
      $("#study-stage").textContent = "";
      $("main.bank").classList.remove("studying");
      this.updateProgress();
      var start = $("#study-start");
      if (start) start.focus();
    },

    next: function () {
      var stage = $("#study-stage");
      stage.textContent = "";
      this.el.classList.remove("flipped");
      var next = this.queue.shift();
      this.current = next || null;
      $("#study-actions").hidden = !next;
      $("#study-done").hidden = !!next;
      if (!next) {
        this.finish();
        return;
      }
      stage.appendChild(this.buildCard(next));
      var left = this.queue.length + 1;
      $("#study-count").textContent = (this.done ? this.done + " reviewed \u00b7 " : "") + left + (left === 1 ? " card left" : " cards left");
      this.showIntervals(next.key);
    },

    finish: function () {
      var c = this.counts();
      var text;
      if (this.done === 0) {
        text = filters.active()
          ? "Nothing is due among the questions the filters show."
          : "Nothing is due today. " + c.learned + " of " + c.total + " learned.";
      } else {
        text = "Session done: " + this.done + (this.done === 1 ? " review" : " reviews") + ". " +
          c.learned + " of " + c.total + " learned, " + c.due + " still due today.";
      }
      $("#study-done-text").textContent = text;
      $("#study-count").textContent = "";
      $("#study-cram").hidden = filters.visible().length === 0;
      this.updateProgress();
      var self = this;
      setTimeout(function () { if (self.open) self.el.focus({ preventScroll: true }); }, 0);
    },

    /** A study card made of clones of the question's own parts; the
        reverse card of a reversible question asks with the answer and
        shows the prompt behind. */
    buildCard: function (each) {
      var article = each.article;
      var card = doc.createElement("article");
      card.className = "study-card";
      card.setAttribute("data-id", article.getAttribute("data-id"));
      card.setAttribute("data-key", each.key);
      card.setAttribute("data-kind", article.getAttribute("data-kind") || "open");
      if (each.reverse) card.setAttribute("data-reverse", "true");

      var front = doc.createElement("div");
      front.className = "study-front";
      var topic = article.closest("section.topic");
      var title = topic ? $(".topic-title", topic) : null;
      var label = doc.createElement("p");
      label.className = "study-topic";
      var link = doc.createElement("a");
      link.href = "#" + article.id;
      link.textContent = ($(".permalink", article) || { textContent: "" }).textContent.trim();
      link.addEventListener("click", function () { study.close(); });
      label.appendChild(link);
      if (title) label.appendChild(doc.createTextNode(" \u00b7 " + title.textContent.trim()));
      front.appendChild(label);
      if (each.reverse) {
        var hint = doc.createElement("p");
        hint.className = "study-reverse";
        hint.textContent = "\u2194 Reverse: what is the prompt?";
        front.appendChild(hint);
      }
      var sides = each.reverse
        ? [[".answer-body"], [".prompt", ".context", ".details-body"]]
        : [[".prompt", ".context", ".choices", ".feedback"], [".answer-body", ".details-body"]];
      sides[0].forEach(function (sel) {
        var part = $(sel, article);
        if (part) front.appendChild(cleanClone(part));
      });
      $$(".choice", front).forEach(function (c) { c.classList.remove("right", "wrong"); c.removeAttribute("aria-pressed"); });
      var fb = $(".feedback", front);
      if (fb) { fb.textContent = ""; fb.className = "feedback"; }

      var back = doc.createElement("div");
      back.className = "study-back";
      sides[1].forEach(function (sel) {
        var part = $(sel, article);
        if (part) back.appendChild(cleanClone(part));
      });
      card.appendChild(front);
      card.appendChild(back);
      return card;
    },

    showIntervals: function (id) {
      var card = this.state[id];
      var now = Date.now();
      $$(".grade", this.el).forEach(function (b) {
        var next = sm2(card, Number(b.getAttribute("data-grade")), now);
        var span = $(".grade-interval", b);
        // Again brings the card back in this session (and tomorrow).
        if (span) span.textContent = next.last < 3 ? "now" : formatInterval(next.interval);
      });
    },

    flip: function () {
      var card = $(".study-card", this.el);
      if (!card || card.classList.contains("flipped")) return;
      card.classList.add("flipped");
      this.el.classList.add("flipped");
      // The flip button is now hidden: keep focus in study mode so the keys work.
      var active = doc.activeElement;
      if (!active || active === doc.body || active.id === "study-flip") this.el.focus({ preventScroll: true });
    },

    grade: function (g) {
      if (!this.current || !QUALITY[g]) return;
      var id = this.current.key;
      this.load();
      this.state[id] = sm2(this.state[id], g, Date.now());
      this.save();
      this.done += 1;
      // Failed cards come back at the end of this session.
      if (g === 1) this.queue.push(this.current);
      this.updateProgress();
      this.next();
      this.el.focus({ preventScroll: true });
    },

    /** Shows a short message (with an optional button) next to the progress. */
    notify: function (message) {
      var self = this;
      clearTimeout(this.noticeTimer);
      this.updateProgress(message);
      this.noticeTimer = setTimeout(function () { self.updateProgress(); }, 10000);
    },

    reset: function () {
      var self = this;
      var before = this.state;
      this.state = {};
      if (storage) storage.removeItem(this.key);
      if (this.open) this.close();
      if (Object.keys(before).length === 0) {
        this.notify({ text: "Nothing to reset." });
        return;
      }
      this.notify({
        text: "Progress cleared.",
        action: "Undo",
        onAction: function () {
          self.state = before;
          self.save();
          self.notify({ text: "Progress restored." });
        }
      });
    }
  };

  function cleanClone(node) {
    var c = node.cloneNode(true);
    if (c.removeAttribute) c.removeAttribute("id");
    $$("[id]", c).forEach(function (e) { e.removeAttribute("id"); });
    return c;
  }

  /* ------------------------------------------------------------------ */
  /* Navigation and printing                                              */
  /* ------------------------------------------------------------------ */

  function revealTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var el = doc.getElementById(id);
    if (!el) return;
    if (study.isOpen()) study.close();
    if (el.closest && el.closest("[hidden]") && filters.active()) filters.clear();
    el.scrollIntoView();
  }

  function initPrint() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      opened = $$("details.answer:not([open])");
      opened.forEach(function (d) { d.open = true; });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (d) { d.open = false; });
      opened = [];
    });
  }

  /** Wide formulas scroll sideways: make those reachable by keyboard. */
  function initWideMath() {
    var mark = function () {
      $$(".math-display").forEach(function (m) {
        if (m.scrollWidth > m.clientWidth + 1) m.setAttribute("tabindex", "0");
        else m.removeAttribute("tabindex");
      });
    };
    mark();
    var timer = 0;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(mark, 150);
    });
    // <details> content has no layout until opened.
    doc.addEventListener("toggle", function (e) { if (e.target.open) mark(); }, true);
  }

  function init() {
    initTheme();
    doc.addEventListener("click", function (e) {
      var b = e.target.closest ? e.target.closest(".choice") : null;
      if (b) onChoiceClick(b);
    });
    filters.init();
    study.init();
    initSearch();
    initPrint();
    initWideMath();
    window.addEventListener("hashchange", revealTarget);
    if (location.hash) revealTarget();
  }

  // Exposed for tests and curious users; not needed by the page.
  window.studymark = { sm2: sm2, study: study, filters: filters };

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
