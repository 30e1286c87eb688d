//! `studymark build`: load → parse → validate ([`crate::compile`]), give
//! reworded questions their old ids and update `studymark.lock`
//! ([`crate::lock`]), render, emit every output into a staging folder and
//! swap it into place. Content errors stop the build before anything is
//! written.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

use crate::config::MathEngine;
use crate::diagnostic::Severity;
use crate::emit::anki::{anki_css, emit_anki, note_type_hashes};
use crate::emit::print::pdf::{find_browser, missing_browser, print_to_pdf};
use crate::emit::print::{emit_print, page_names};
use crate::emit::{site::emit_site, EmitInput};
use crate::load::Project;
use crate::lock::{update_lock, Lock, LOCK_FILE};
use crate::render::{cache::RenderCache, media::MediaResolver, render_banks, MathOutput, RenderedBank};
use crate::theme::Theme;
use crate::write::write_outputs;
use crate::{compile_cached, Compiled};

pub struct BuildOptions {
    pub paths: Vec<PathBuf>,
    /// Output folder; default: the project's `output_dir`.
    pub out: Option<PathBuf>,
    pub deny_warnings: bool,
    /// Fail instead of changing `studymark.lock`.
    pub locked: bool,
    pub site: bool,
    pub anki: bool,
    pub print: bool,
    /// Also print the handouts to PDF with a local Chromium.
    pub pdf: bool,
}

pub struct BuildReport {
    pub compiled: Compiled,
    /// Where the outputs went; `None` when the build failed.
    pub output: Option<PathBuf>,
    /// Why the build failed, when it was not content errors.
    pub failure: Option<String>,
    /// Math and code fragments rendered now, and those taken from the cache.
    pub rendered: usize,
    pub cached: usize,
    pub timings: Vec<(&'static str, Duration)>,
}

pub fn build(project: &Project, options: &BuildOptions) -> Result<BuildReport> {
    let mut timings = Vec::new();
    let started = Instant::now();
    let out = options.out.clone().unwrap_or_else(|| project.root.join(&project.config.output_dir));
    let checks = RenderCache::open(&out.join(".cache/check.json"));
    let mut compiled = compile_cached(project, &options.paths, &checks)?;
    timings.push(("load, parse, validate", started.elapsed()));
    let failed =
        compiled.count(Severity::Error) > 0 || (options.deny_warnings && compiled.count(Severity::Warning) > 0);
    if failed {
        return Ok(BuildReport::failed(compiled, None, timings));
    }

    let lock_path = project.root.join(LOCK_FILE);
    let previous = Lock::read(&lock_path)?;
    // Notes must update when the way fields are rendered changes too.
    let render_options = format!("{:?} {:?}", project.config.anki.math, project.config.math.macros);
    let (mut lock, inherited) = update_lock(previous.as_ref(), &mut compiled.banks, &render_options, now());
    compiled.diagnostics.extend(inherited);

    let cache = RenderCache::open(&out.join(".cache/render.json"));
    let media = MediaResolver::new(&project.content_dir());
    let theme = Theme::new(project.config.theme.as_ref().map(|t| project.root.join(t)));
    let input = EmitInput {
        config: &project.config,
        root: &project.root,
        banks: &compiled.banks,
        media: &media,
        theme: &theme,
    };
    let outputs = Outputs::selected(options);
    let browser = match (options.pdf, outputs.print) {
        (true, true) => Some(find_browser().ok_or_else(missing_browser)?),
        _ => None,
    };
    if outputs.anki {
        lock.update_note_types(&note_type_hashes(&anki_css(&input)), now());
    }
    if options.locked && previous.as_ref() != Some(&lock) {
        let failure = format!(
            "{LOCK_FILE} is missing or out of date and --locked forbids changing it; run `studymark build` and commit it"
        );
        return Ok(BuildReport::failed(compiled, Some(failure), timings));
    }

    let started = Instant::now();
    let site_html = render_banks(&compiled.banks, &project.config, &media, &cache, MathOutput::Katex);
    let mathjax = outputs.anki && project.config.anki.math == MathEngine::Mathjax;
    let anki_html =
        mathjax.then(|| render_banks(&compiled.banks, &project.config, &media, &cache, MathOutput::Mathjax));
    timings.push(("render", started.elapsed()));

    let started = Instant::now();
    let anki_html = anki_html.as_deref().unwrap_or(&site_html);
    write_outputs(&out, &outputs.names(), |staging| {
        emit_outputs(&input, outputs, &site_html, anki_html, &lock, browser.as_deref(), staging)
    })?;
    cache.save()?;
    checks.save()?;
    if previous.as_ref() != Some(&lock) {
        write_lock(&lock_path, &lock)?;
    }
    timings.push(("emit and write", started.elapsed()));
    let (cached, rendered) = cache.counts();
    Ok(BuildReport { compiled, output: Some(out), failure: None, rendered, cached, timings })
}

impl BuildReport {
    fn failed(compiled: Compiled, failure: Option<String>, timings: Vec<(&'static str, Duration)>) -> Self {
        BuildReport { compiled, output: None, failure, rendered: 0, cached: 0, timings }
    }
}

/// Which outputs to build: those named on the command line, or all.
#[derive(Clone, Copy)]
struct Outputs {
    site: bool,
    anki: bool,
    print: bool,
}

impl Outputs {
    fn selected(options: &BuildOptions) -> Outputs {
        if options.site || options.anki || options.print {
            Outputs { site: options.site, anki: options.anki, print: options.print }
        } else {
            Outputs { site: true, anki: true, print: true }
        }
    }

    fn names(self) -> Vec<&'static str> {
        [("site", self.site), ("anki", self.anki), ("print", self.print)]
            .into_iter()
            .filter_map(|(name, on)| on.then_some(name))
            .collect()
    }
}

/// Runs the selected emitters into the staging folder.
fn emit_outputs(
    input: &EmitInput,
    outputs: Outputs,
    site_html: &[RenderedBank],
    anki_html: &[RenderedBank],
    lock: &Lock,
    browser: Option<&Path>,
    staging: &Path,
) -> Result<()> {
    if outputs.site {
        emit_site(input, site_html, &staging.join("site"))?;
    }
    if outputs.anki {
        let scratch = staging.join(".anki-scratch");
        emit_anki(input, anki_html, lock, &staging.join("anki"), &scratch)?;
        std::fs::remove_dir_all(&scratch)?;
    }
    if outputs.print {
        emit_print(input, site_html, lock, &staging.join("print"))?;
    }
    if let Some(browser) = browser {
        print_pdfs(input, browser, &staging.join("print"), &staging.join(".chromium-profile"))?;
    }
    Ok(())
}

/// Prints every handout page next to its HTML.
fn print_pdfs(input: &EmitInput, browser: &Path, folder: &Path, profile: &Path) -> Result<()> {
    for bank in input.banks {
        for name in page_names(bank, input.config.print.answers) {
            let html = folder.join(&name);
            print_to_pdf(browser, &html, &html.with_extension("pdf"), profile)?;
        }
    }
    let _ = std::fs::remove_dir_all(profile);
    Ok(())
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Writes the lock through a temporary file, so a crash never leaves half
/// a lock behind.
fn write_lock(path: &std::path::Path, lock: &Lock) -> Result<()> {
    let temporary = path.with_extension("lock.tmp");
    std::fs::write(&temporary, lock.to_toml()).with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot write {}", path.display()))
}
