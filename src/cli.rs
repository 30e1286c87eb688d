//! The command line: `check` and `model` (load → parse → validate),
//! `build` (all stages) and `serve` (build, serve, rebuild on changes).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::build::{build, BuildOptions, BuildReport};
use crate::diagnostic::{render_human, Severity};
use crate::load::Project;
use crate::progress::Progress;
use crate::render::cache::RenderCache;
use crate::{compile_cached, Compiled};

#[derive(Parser, Debug)]
#[command(name = "studymark", version, about = "Compiles Markdown question banks into study artifacts")]
pub struct Cli {
    /// Project folder (where studymark.toml and content/ are).
    #[arg(long, global = true, default_value = ".")]
    pub project: PathBuf,
    /// Print only errors: no warnings, summary or progress.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print what each build did: the banks emitted and the time of each stage.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse and validate banks; write nothing.
    Check {
        /// Files or folders (default: the project's content folder).
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Print the structure found: topics, questions, kinds, counts.
        #[arg(long)]
        outline: bool,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Build the outputs (study site, Anki decks, print handouts) into the output folder.
    Build {
        /// Files or folders (default: the project's content folder).
        paths: Vec<PathBuf>,
        /// Output folder (default: `output_dir` from studymark.toml, `output`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Build the site (with no output flag, every output is built).
        #[arg(long)]
        site: bool,
        /// Build the Anki decks.
        #[arg(long)]
        anki: bool,
        /// Build the printable handouts.
        #[arg(long)]
        print: bool,
        /// Also print the handouts to PDF with a local Chromium or Chrome.
        #[arg(long)]
        pdf: bool,
        /// Fail instead of changing studymark.lock (for CI).
        #[arg(long)]
        locked: bool,
        /// Write nothing when there are errors (by default the questions
        /// with errors are left out and the rest is written; exit 1 either way).
        #[arg(long)]
        strict: bool,
        /// Write nothing when there are warnings or errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Print the time each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Scaffold a project: studymark.toml with every key and its default,
    /// and an example bank. Never overwrites files.
    Init {
        /// Folder to create the project in (default: the current folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Build the site, serve it on 127.0.0.1 and rebuild it on every change
    /// to the content, the theme or studymark.toml; open pages reload (or show
    /// the build errors).
    Serve {
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
    /// Print the typed model as JSON on stdout.
    Model {
        /// Files or folders (default: the project's content folder).
        paths: Vec<PathBuf>,
    },
}

/// How much the human output says (`-q`, default, `-v`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

/// Runs the command line; the exit code is 0 on success, 1 when content has
/// errors (or warnings with `--deny-warnings`), 2 on usage or I/O errors.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    if let Command::Init { dir } = &cli.command {
        for path in crate::init::init(dir)? {
            if verbosity > Verbosity::Quiet {
                eprintln!("created {}", path.display());
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Serve { port } = cli.command {
        crate::serve::serve(&cli.project, port, verbosity)?;
        return Ok(ExitCode::SUCCESS);
    }
    let project = Project::load(&cli.project)?;
    match cli.command {
        Command::Check { paths, format, outline, deny_warnings } => {
            let compiled = compile_cached(&project, &paths, &known_checks(&project))?;
            if outline {
                print!("{}", crate::outline::render_outline(&compiled.banks));
            }
            report(&compiled, format, verbosity)?;
            let failed =
                compiled.count(Severity::Error) > 0 || (deny_warnings && compiled.count(Severity::Warning) > 0);
            Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Build { paths, out, site, anki, print, pdf, locked, strict, deny_warnings, timings } => {
            let progress = Progress::on_terminal(verbosity == Verbosity::Quiet);
            let options = BuildOptions { paths, out, deny_warnings, strict, locked, site, anki, print, pdf, progress };
            let report = build(&project, &options);
            options.progress.finish();
            let report = report?;
            report_build(&report, timings, verbosity)?;
            Ok(if report.passed() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Init { .. } | Command::Serve { .. } => unreachable!("handled above"),
        Command::Model { paths } => {
            let compiled = compile_cached(&project, &paths, &known_checks(&project))?;
            let json = serde_json::json!({ "banks": compiled.banks });
            let mut stdout = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut stdout, &json)?;
            writeln!(stdout)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The check results the last build kept; `check` reads them and never
/// writes them.
fn known_checks(project: &Project) -> RenderCache {
    RenderCache::open(&project.root.join(&project.config.output_dir).join(".cache/check.json"))
}

/// Prints a build's diagnostics and outcome on stderr (`build` and `serve`).
pub(crate) fn report_build(report: &BuildReport, timings: bool, verbosity: Verbosity) -> anyhow::Result<()> {
    self::report(&report.compiled, Format::Human, verbosity)?;
    match &report.output {
        Some(_) if verbosity == Verbosity::Quiet => {}
        Some(out) if report.emitted.is_empty() && report.rendered == 0 => {
            eprintln!("{} up to date in {}", plural(report.unchanged, "bank"), out.display())
        }
        Some(out) => eprintln!(
            "built {} → {} ({} emitted, {} unchanged; {} math/code fragments rendered, {} from cache)",
            plural(report.compiled.checked.len(), "bank"),
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
fn report(compiled: &Compiled, format: Format, verbosity: Verbosity) -> anyhow::Result<()> {
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
