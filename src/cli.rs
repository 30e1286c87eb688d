//! The command line: `model` (load → parse → resolve ids), `check` (then
//! validate), `build` (all stages) and `serve` (build, serve, rebuild on
//! changes), each through [`crate::pipeline`].

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cache::DiskCache;
use crate::diagnostic::Severity;
use crate::load::Project;
use crate::pipeline::{self, build, BuildOptions};
use crate::progress::Progress;
use crate::report::{report, report_build, Format, Verbosity};

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
            let compiled = pipeline::check(&project, &paths, &known_checks(&project))?;
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
            let parsed = pipeline::model(&project, &paths)?;
            let banks: Vec<_> = parsed.banks().collect();
            let json = serde_json::json!({ "banks": banks });
            let mut stdout = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut stdout, &json)?;
            writeln!(stdout)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The check results the last build kept; `check` reads them and never
/// writes them.
fn known_checks(project: &Project) -> DiskCache {
    DiskCache::open(&project.root.join(&project.config.output_dir).join(".cache/check.json"))
}
