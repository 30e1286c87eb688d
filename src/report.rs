//! What the commands print: diagnostics (human on stderr, or JSON lines
//! on stdout), the summary of a check, and the outcome of a build. `check`,
//! `model`, `build` and `serve` all report through here.

use std::io::{IsTerminal, Write};

use crate::diagnostic::{render_human, Severity};
use crate::pipeline::BuildReport;
use crate::Compiled;

/// How much the human output says (`-q`, default, `-v`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

/// Prints a build's diagnostics and outcome on stderr (`build` and `serve`).
pub fn report_build(report: &BuildReport, timings: bool, verbosity: Verbosity) -> anyhow::Result<()> {
    self::report(&report.compiled, Format::Human, verbosity)?;
    match &report.output {
        Some(_) if verbosity == Verbosity::Quiet => {}
        Some(out) if report.emitted.is_empty() && report.rendered == 0 => {
            eprintln!("{} up to date in {}", plural(report.unchanged, "bank"), out.display())
        }
        Some(out) => eprintln!(
            "built {} → {} ({} emitted, {} unchanged; {} math/code fragments rendered, {} from cache)",
            plural(report.emitted.len() + report.unchanged, "bank"),
            out.display(),
            report.emitted.len(),
            report.unchanged,
            report.rendered,
            report.cached
        ),
        None => eprintln!(
            "build failed: {}; the previous output is untouched",
            report.failure.as_deref().unwrap_or("fix the errors above")
        ),
    }
    let errors = report.compiled.count(Severity::Error);
    if report.output.is_some() && errors > 0 {
        eprintln!(
            "build has {}: what they point into is left out of the outputs, the rest is written (use --strict to write nothing)",
            plural(errors, "error")
        );
    }
    if verbosity == Verbosity::Verbose && !report.emitted.is_empty() {
        eprintln!("  emitted: {}", report.emitted.join(", "));
    }
    if timings || verbosity == Verbosity::Verbose {
        for (stage, time) in &report.timings {
            eprintln!("  {stage:<26} {:>8.1} ms", time.as_secs_f64() * 1000.0);
        }
    }
    Ok(())
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Prints diagnostics and the summary: human form on stderr (only errors
/// when quiet), JSON lines on stdout.
pub fn report(compiled: &Compiled, format: Format, verbosity: Verbosity) -> anyhow::Result<()> {
    match format {
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let shown: Vec<_> = match verbosity {
                Verbosity::Quiet => {
                    compiled.diagnostics.iter().filter(|d| d.severity == Severity::Error).cloned().collect()
                }
                _ => compiled.diagnostics.clone(),
            };
            eprint!("{}", render_human(&shown, &compiled.sources, color));
            if verbosity > Verbosity::Quiet {
                eprintln!("{}", summary_line(compiled));
            }
        }
        Format::Json => {
            let mut stdout = std::io::stdout().lock();
            for diagnostic in &compiled.diagnostics {
                writeln!(stdout, "{}", diagnostic.to_json())?;
            }
            writeln!(stdout, "{}", serde_json::json!({ "summary": summary_json(compiled) }))?;
        }
    }
    Ok(())
}

fn summary_json(compiled: &Compiled) -> serde_json::Value {
    serde_json::json!({
        "files": compiled.checked.len(),
        "questions": compiled.question_count(),
        "errors": compiled.count(Severity::Error),
        "warnings": compiled.count(Severity::Warning),
        "formulas": compiled.stats.formulas,
        "code_checked": compiled.stats.checked,
        "code_unchecked": compiled.stats.unchecked,
        "languages_guessed": compiled.stats.guessed,
        "notes_without_cards": compiled.notes_without_cards(),
    })
}

fn summary_line(compiled: &Compiled) -> String {
    let list = |map: &std::collections::BTreeMap<String, usize>| {
        if map.is_empty() {
            "none".to_string()
        } else {
            map.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
        }
    };
    let s = &compiled.stats;
    let without_cards = match compiled.notes_without_cards() {
        0 => String::new(),
        1 => "\n  1 note of the vault has no cards (left out)".to_string(),
        n => format!("\n  {n} notes of the vault have no cards (left out)"),
    };
    format!(
        "checked {} files: {} questions, {} errors, {} warnings\n  code checked: {}; not checked: {}; languages guessed: {}; formulas: {}{without_cards}",
        compiled.checked.len(),
        compiled.question_count(),
        compiled.count(Severity::Error),
        compiled.count(Severity::Warning),
        list(&s.checked),
        list(&s.unchecked),
        list(&s.guessed),
        s.formulas,
    )
}
