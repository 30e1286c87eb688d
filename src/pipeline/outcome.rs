//! What a build is asked ([`BuildOptions`]) and what it did
//! ([`BuildReport`]), and which outputs it writes ([`Outputs`]).

use std::path::PathBuf;
use std::time::Duration;

use super::emit_job::Emitted;
use super::Compiled;
use crate::diagnostic::Severity;
use crate::fingerprint::output_key;
use crate::progress::Progress;

pub struct BuildOptions {
    pub paths: Vec<PathBuf>,
    /// Output folder; default: the project's `output_dir`.
    pub out: Option<PathBuf>,
    /// Write nothing when there are warnings (implies `strict`).
    pub deny_warnings: bool,
    /// Write nothing when there are errors; without it, the questions
    /// errors point into are left out and the rest is written.
    pub strict: bool,
    /// Fail instead of changing `studymark.lock`.
    pub locked: bool,
    pub site: bool,
    pub anki: bool,
    pub print: bool,
    /// Also print the handouts to PDF with a local Chromium.
    pub pdf: bool,
    /// Where to show progress ([`Progress::hidden`] for none).
    pub progress: Progress,
}

pub struct BuildReport {
    pub compiled: Compiled,
    /// Where the outputs went; `None` when nothing was written.
    pub output: Option<PathBuf>,
    /// Why the build failed, when it was not content errors.
    pub failure: Option<String>,
    /// Ids of the banks emitted again; the others were carried over.
    pub emitted: Vec<String>,
    pub unchanged: usize,
    /// Math and code fragments rendered now, and those taken from the cache.
    pub rendered: usize,
    pub cached: usize,
    pub timings: Vec<(&'static str, Duration)>,
}

impl BuildReport {
    /// A build that wrote its outputs.
    pub(super) fn written(
        compiled: Compiled,
        out: PathBuf,
        emitted: &Emitted,
        timings: Vec<(&'static str, Duration)>,
    ) -> Self {
        // A note without cards is parsed but has no outputs: it is no bank
        // built (the summary counts it apart).
        let shown = |&&i: &&usize| !compiled.banks[i].is_empty();
        let ids: Vec<String> = emitted.images.keys().filter(shown).map(|&i| compiled.banks[i].id.clone()).collect();
        let with_outputs = compiled.banks.iter().filter(|b| !b.is_empty()).count();
        BuildReport {
            unchanged: with_outputs - ids.len(),
            emitted: ids,
            rendered: emitted.rendered,
            cached: emitted.cached,
            output: Some(out),
            ..BuildReport::failed(compiled, None, timings)
        }
    }

    pub(super) fn failed(compiled: Compiled, failure: Option<String>, timings: Vec<(&'static str, Duration)>) -> Self {
        BuildReport {
            compiled,
            output: None,
            failure,
            emitted: Vec::new(),
            unchanged: 0,
            rendered: 0,
            cached: 0,
            timings,
        }
    }

    /// A build that found nothing to do: the last build's diagnostics,
    /// replayed, decide whether it failed.
    pub(super) fn up_to_date(
        compiled: Compiled,
        out: PathBuf,
        options: &BuildOptions,
        timings: Vec<(&'static str, Duration)>,
    ) -> Self {
        let refused = Self::refused(&compiled, options);
        let unchanged = compiled.checked.len() - compiled.notes_without_cards();
        BuildReport { unchanged, output: (!refused).then_some(out), ..BuildReport::failed(compiled, None, timings) }
    }

    /// Whether the content forbids writing anything (`--strict`,
    /// `--deny-warnings`).
    pub(super) fn refused(compiled: &Compiled, options: &BuildOptions) -> bool {
        let errors = compiled.count(Severity::Error) > 0;
        let warnings = compiled.count(Severity::Warning) > 0;
        (errors && (options.strict || options.deny_warnings)) || (warnings && options.deny_warnings)
    }

    /// A build passed when it wrote its outputs and found no error.
    pub fn passed(&self) -> bool {
        self.output.is_some() && self.compiled.count(Severity::Error) == 0
    }
}

/// Which outputs to build: those named on the command line, or all.
#[derive(Clone, Copy)]
pub(super) struct Outputs {
    pub(super) site: bool,
    pub(super) anki: bool,
    pub(super) print: bool,
}

impl Outputs {
    pub(super) fn selected(options: &BuildOptions) -> Outputs {
        if options.site || options.anki || options.print {
            Outputs { site: options.site, anki: options.anki, print: options.print }
        } else {
            Outputs { site: true, anki: true, print: true }
        }
    }

    pub(super) fn names(self) -> Vec<&'static str> {
        [("site", self.site), ("anki", self.anki), ("print", self.print)]
            .into_iter()
            .filter_map(|(name, on)| on.then_some(name))
            .collect()
    }

    /// Each selected output's fingerprint key (PDFs are an option of print).
    pub(super) fn keys(self, shared: &str, options: &BuildOptions) -> Vec<(&'static str, String)> {
        let pdf = if options.pdf { "pdf" } else { "" };
        let keys = self
            .names()
            .into_iter()
            .map(|name| (name, output_key(shared, name, if name == "print" { pdf } else { "" })));
        keys.collect()
    }
}
