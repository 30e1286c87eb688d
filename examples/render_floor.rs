//! The render baseline for `scripts/bench`: how long KaTeX and syntect
//! alone take to render a folder's distinct formulas and code blocks once,
//! single-threaded, exactly as studymark renders them. The issue's
//! cold-build target is `1.5 × (katex + syntect) / cores + floor`, with
//! the floor from `pulldown_floor`; this measures `katex` and `syntect`.
//!
//! ```sh
//! cargo run --release --example render_floor -- DIR
//! ```
//!
//! Reads every `.md` file under `DIR` (recursively, hidden entries
//! skipped) and parses it with pulldown-cmark and studymark's
//! [`options()`] (math included). It collects the distinct formulas
//! (deduplicated on (tex, display), as the render cache keys them) and the
//! distinct fenced code blocks (deduplicated on (language, code), the
//! language normalized as the renderer does). One formula and one code
//! block are rendered first, untimed, so that creating the QuickJS context
//! and loading the syntax set are not counted; then it times rendering
//! every formula with [`katex_html`] (no macros: generated corpora define
//! none) and highlighting every code block with [`highlight_code`], the
//! function the renderer calls. Prints one line on stdout:
//!
//! ```text
//! katex_ms=1286.632 syntect_ms=251.259 formulas=1881 inline=1654 display=227 code_blocks=388 katex_errors=0 warmup_ms=25.7
//! ```
//!
//! (`gen_corpus --questions 1000 --seed 1`, 2 cores.) `warmup_ms` is the
//! untimed warm-up, reported separately. Syntaxes other than the warm-up
//! block's compile their patterns lazily on first use, inside
//! `syntect_ms`, as they do in a build. `formulas + code_blocks` is what
//! a cold build reports as "math/code fragments rendered". Indented code
//! blocks and unlabeled fences whose language studymark would guess are
//! not covered (generated corpora have neither).

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use studymark::katex::katex_html;
use studymark::lang::normalize_language;
use studymark::render::highlight::highlight_code;
use studymark::render::markdown::options;

/// Distinct (tex, display) formulas and (language, code) fenced blocks,
/// in first-seen order.
#[derive(Default)]
struct Fragments {
    formulas: Vec<(String, bool)>,
    code: Vec<(Option<String>, String)>,
}

fn collect(sources: &[String]) -> Fragments {
    let mut found = Fragments::default();
    let mut seen_math: HashSet<(String, bool)> = HashSet::new();
    let mut seen_code: HashSet<(Option<String>, String)> = HashSet::new();
    for source in sources {
        // (language, code so far) while inside a fenced block.
        let mut open: Option<(Option<String>, String)> = None;
        for event in Parser::new_ext(source, options()) {
            let display = matches!(event, Event::DisplayMath(_));
            match event {
                Event::InlineMath(tex) | Event::DisplayMath(tex) => {
                    let key = (tex.to_string(), display);
                    if seen_math.insert(key.clone()) {
                        found.formulas.push(key);
                    }
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                    open = Some((normalize_language(&info), String::new()));
                }
                Event::Text(text) => {
                    if let Some((_, code)) = open.as_mut() {
                        code.push_str(&text);
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Some(key) = open.take() {
                        if seen_code.insert(key.clone()) {
                            found.code.push(key);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    found
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: render_floor DIR");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    let banks = studymark::load::load_banks(std::slice::from_ref(&dir), None, None)
        .map(|loaded| loaded.banks)
        .unwrap_or_else(|err| {
            eprintln!("error: {err:#}");
            std::process::exit(2);
        });
    let sources: Vec<String> = banks.into_iter().map(|bank| bank.file.text).collect();
    if sources.is_empty() {
        eprintln!("error: no .md files under {}", dir.display());
        std::process::exit(2);
    }
    let found = collect(&sources);
    let macros = BTreeMap::new();

    // Warm-up, untimed: the QuickJS context (per thread) and the syntax set.
    let started = Instant::now();
    if let Some((tex, display)) = found.formulas.first() {
        std::hint::black_box(katex_html(tex, *display, &macros).ok());
    }
    if let Some((language, code)) = found.code.first() {
        std::hint::black_box(highlight_code(code, language.as_deref()));
    }
    let warmup_ms = started.elapsed().as_secs_f64() * 1000.0;

    let started = Instant::now();
    let mut katex_errors = 0;
    for (tex, display) in &found.formulas {
        match katex_html(tex, *display, &macros) {
            Ok(html) => {
                std::hint::black_box(html);
            }
            Err(_) => katex_errors += 1,
        }
    }
    let katex_ms = started.elapsed().as_secs_f64() * 1000.0;

    let started = Instant::now();
    for (language, code) in &found.code {
        std::hint::black_box(highlight_code(code, language.as_deref()));
    }
    let syntect_ms = started.elapsed().as_secs_f64() * 1000.0;

    let display = found.formulas.iter().filter(|(_, display)| *display).count();
    println!(
        "katex_ms={katex_ms:.3} syntect_ms={syntect_ms:.3} formulas={} inline={} display={display} code_blocks={} katex_errors={katex_errors} warmup_ms={warmup_ms:.1}",
        found.formulas.len(),
        found.formulas.len() - display,
        found.code.len()
    );
}
