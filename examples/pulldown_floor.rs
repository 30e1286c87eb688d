//! The floor for `scripts/bench`: how long pulldown-cmark alone takes to
//! parse the banks of a folder and render them to HTML, with the options
//! studymark's renderer enables (tables, footnotes, strikethrough, task
//! lists, math).
//!
//! ```sh
//! cargo run --release --example pulldown_floor -- DIR [--repeat R]
//! ```
//!
//! Reads every `.md` file under `DIR` (recursively, hidden entries
//! skipped) into memory first, then renders each with
//! `pulldown_cmark::html::push_html`. Prints one line on stdout:
//!
//! ```text
//! elapsed_ms=12.345 files=20 bytes=912345 html_bytes=1034567 read_ms=0.812
//! ```
//!
//! `elapsed_ms` is parse + render only (the median of `R` passes, default
//! 1); `read_ms` is the time the files took to read, reported separately.
//! Single-threaded, like pulldown-cmark itself.

use std::path::PathBuf;
use std::time::Instant;

use pulldown_cmark::{html, Parser};
use studymark::render::markdown::options;

fn main() {
    let mut dir = None;
    let mut repeat = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--repeat" => repeat = args.next().and_then(|r| r.parse().ok()).unwrap_or(1).max(1),
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("usage: pulldown_floor DIR [--repeat R]");
                std::process::exit(2);
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: pulldown_floor DIR [--repeat R]");
        std::process::exit(2);
    };

    let started = Instant::now();
    let banks = studymark::load::load_banks(std::slice::from_ref(&dir), None, None)
        .map(|loaded| loaded.banks)
        .unwrap_or_else(|err| {
            eprintln!("error: {err:#}");
            std::process::exit(2);
        });
    let sources: Vec<String> = banks.into_iter().map(|bank| bank.file.text).collect();
    let read_ms = started.elapsed().as_secs_f64() * 1000.0;
    if sources.is_empty() {
        eprintln!("error: no .md files under {}", dir.display());
        std::process::exit(2);
    }

    let mut times = Vec::with_capacity(repeat);
    let mut html_bytes = 0;
    for _ in 0..repeat {
        let started = Instant::now();
        html_bytes = 0;
        for source in &sources {
            let mut out = String::with_capacity(source.len() * 3 / 2);
            html::push_html(&mut out, Parser::new_ext(source, options()));
            html_bytes += out.len();
            std::hint::black_box(&out);
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let bytes: usize = sources.iter().map(String::len).sum();
    println!(
        "elapsed_ms={:.3} files={} bytes={bytes} html_bytes={html_bytes} read_ms={read_ms:.3}",
        times[times.len() / 2],
        sources.len()
    );
}
