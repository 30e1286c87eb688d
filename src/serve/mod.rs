//! `studymark serve`: a local preview that rebuilds on every edit. In order:
//!
//! 1. binds `127.0.0.1:PORT` (port 0 picks a free one) and serves the
//!    project's `output/site/` from it on other threads ([`http`]): every
//!    HTML response gets a small script injected that long-polls the server
//!    for the next build (the files on disk stay as built);
//! 2. watches the content folder, the user theme and `studymark.toml`
//!    ([`watch`]);
//! 3. builds the site with [`build`] (site output only, into the output
//!    folder), prints its diagnostics on stderr like `studymark build`, and
//!    publishes the result as a new generation ([`Live`]);
//! 4. prints `serving http://127.0.0.1:PORT/` on stdout;
//! 5. after each batch of changes (150 ms without another), loads the
//!    project again (the configuration may have changed) and rebuilds as in 3.
//!
//! Open pages reload after a good build. After a failed one they show its
//! diagnostics in an overlay and keep the page: the build swaps outputs in
//! only when complete, so the last good site stays on disk and is served.

mod http;
mod watch;

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use serde::Serialize;

use crate::diagnostic::{render_human, Diagnostic, Severity};
use crate::load::Project;
use crate::pipeline::{build, BuildOptions, BuildReport};
use crate::progress::Progress;
use crate::report::Verbosity;

/// Builds, serves and rebuilds until the process is stopped (Ctrl-C); only
/// returns on a setup error (port taken, project unreadable, no watcher).
pub fn serve(project_dir: &Path, port: u16, verbosity: Verbosity) -> Result<()> {
    // Watch events carry absolute paths; comparing them needs an absolute root.
    let root = project_dir.canonicalize().with_context(|| format!("cannot open {}", project_dir.display()))?;
    let listener =
        TcpListener::bind(("127.0.0.1", port)).with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
    let address = listener.local_addr().context("cannot read the listening address")?;
    let project = Project::load(&root)?;
    let live = Arc::new(Live::new(site_dir(&project)));
    let server =
        tiny_http::Server::from_listener(listener, None).map_err(|e| anyhow!("cannot start the server: {e}"))?;
    let server_live = Arc::clone(&live);
    std::thread::spawn(move || http::run(&server, &server_live));

    // Watching starts before the first build, so an edit made during it is not lost.
    let mut watcher = watch::Watcher::new(&project)?;
    rebuild(&project, &live, verbosity);
    announce(address)?;
    loop {
        watcher.wait_for_change()?;
        eprintln!("change detected, rebuilding");
        match Project::load(&root) {
            Ok(project) => {
                watcher.follow(&project);
                rebuild(&project, &live, verbosity);
            }
            Err(err) => {
                eprintln!("error: {err:#}");
                live.publish(false, format!("{err:#}"), None);
            }
        }
    }
}

/// The folder the site is built into and served from.
fn site_dir(project: &Project) -> PathBuf {
    project.root.join(&project.config.output_dir).join("site")
}

/// The one line on stdout: tests and scripts read the address from it.
fn announce(address: SocketAddr) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "serving http://{address}/")?;
    stdout.flush().context("cannot write to stdout")
}

/// Builds the site, reports it on stderr and publishes the outcome to the
/// open pages.
fn rebuild(project: &Project, live: &Live, verbosity: Verbosity) {
    let started = Instant::now();
    let options = BuildOptions {
        paths: Vec::new(),
        out: None,
        deny_warnings: false,
        strict: false,
        locked: false,
        site: true,
        anki: false,
        print: false,
        pdf: false,
        progress: Progress::hidden(),
    };
    match build(project, &options) {
        Ok(report) => {
            if let Err(err) = crate::report::report_build(&report, false, verbosity) {
                eprintln!("error: {err:#}");
            }
            let written = report.output.is_some();
            if written {
                eprintln!("rebuilt in {} ms", started.elapsed().as_millis());
            }
            live.publish(report.passed(), overlay_text(&report), written.then(|| site_dir(project)));
        }
        Err(err) => {
            eprintln!("error: {err:#}\nbuild failed; still serving the last good build");
            live.publish(false, format!("{err:#}"), None);
        }
    }
}

/// What the page overlay shows for a build: its errors (warnings would bury
/// them; the terminal has everything) and why it failed.
fn overlay_text(report: &BuildReport) -> String {
    let errors: Vec<Diagnostic> =
        report.compiled.diagnostics.iter().filter(|d| d.severity == Severity::Error).cloned().collect();
    let mut text = render_human(&errors, &report.compiled.sources, false);
    if let Some(failure) = &report.failure {
        text.push_str(failure);
        text.push('\n');
    }
    text
}

/// The latest build as the pages see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BuildStatus {
    /// Counts builds, failed ones too; 0 until the first one finished.
    pub generation: u64,
    /// The generation of the build that wrote the site served now: a page
    /// from an older one reloads.
    pub site_generation: u64,
    /// No errors (the page shows an overlay otherwise).
    pub ok: bool,
    /// Plain-text diagnostics (errors) or the failure message.
    pub diagnostics: String,
}

/// Shared between the build loop and the request threads: the latest
/// build's status and the folder of the last good site. Pages long-poll it.
pub struct Live {
    state: Mutex<LiveState>,
    published: Condvar,
}

struct LiveState {
    status: BuildStatus,
    site: PathBuf,
}

impl Live {
    pub fn new(site: PathBuf) -> Live {
        let status = BuildStatus { generation: 0, site_generation: 0, ok: true, diagnostics: String::new() };
        Live { state: Mutex::new(LiveState { status, site }), published: Condvar::new() }
    }

    /// Records a finished build and wakes the waiting pages. `site` is the
    /// folder the build wrote, if it wrote one (with errors, it wrote all
    /// but the questions they point into); a build that wrote nothing
    /// leaves the last site.
    pub fn publish(&self, ok: bool, diagnostics: String, site: Option<PathBuf>) {
        let mut state = self.lock();
        let generation = state.status.generation + 1;
        let site_generation = if site.is_some() { generation } else { state.status.site_generation };
        state.status = BuildStatus { generation, site_generation, ok, diagnostics };
        if let Some(site) = site {
            state.site = site;
        }
        drop(state);
        self.published.notify_all();
    }

    pub fn status(&self) -> BuildStatus {
        self.lock().status.clone()
    }

    pub fn site(&self) -> PathBuf {
        self.lock().site.clone()
    }

    /// The status once its generation passes `since`, or the current one
    /// after `timeout` (the page then asks again).
    pub fn wait_newer(&self, since: u64, timeout: Duration) -> BuildStatus {
        let state = self.lock();
        let (state, _) = self
            .published
            .wait_timeout_while(state, timeout, |s| s.status.generation <= since)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        state.status.clone()
    }

    /// A panicked request thread cannot leave the status half-written (it
    /// is replaced whole), so a poisoned lock is still good to use.
    fn lock(&self) -> MutexGuard<'_, LiveState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_pages_see_the_next_generation() {
        let live = Arc::new(Live::new(PathBuf::from("site")));
        let publisher = Arc::clone(&live);
        let waiter = std::thread::spawn(move || live.wait_newer(0, Duration::from_secs(10)));
        std::thread::sleep(Duration::from_millis(50));
        publisher.publish(true, String::new(), Some(PathBuf::from("elsewhere")));
        let status = waiter.join().unwrap();
        assert_eq!(status, BuildStatus { generation: 1, site_generation: 1, ok: true, diagnostics: String::new() });
        assert_eq!(publisher.site(), PathBuf::from("elsewhere"));
    }

    #[test]
    fn a_failed_build_keeps_the_last_good_site() {
        let live = Live::new(PathBuf::from("good"));
        live.publish(true, String::new(), Some(PathBuf::from("good")));
        live.publish(false, "bank.md:3:30 error".into(), None);
        assert_eq!(live.site(), PathBuf::from("good"));
        let diagnostics = "bank.md:3:30 error".to_string();
        assert_eq!(live.status(), BuildStatus { generation: 2, site_generation: 1, ok: false, diagnostics });
    }

    #[test]
    fn a_build_with_errors_that_wrote_the_site_moves_it() {
        let live = Live::new(PathBuf::from("old"));
        live.publish(false, "bank.md:3:30 error".into(), Some(PathBuf::from("new")));
        assert_eq!(live.site(), PathBuf::from("new"));
        assert_eq!((live.status().generation, live.status().site_generation, live.status().ok), (1, 1, false));
    }

    #[test]
    fn waiting_times_out_with_the_current_status() {
        let live = Live::new(PathBuf::from("site"));
        live.publish(true, String::new(), None);
        let status = live.wait_newer(1, Duration::from_millis(20));
        assert_eq!(status.generation, 1);
        assert_eq!(live.wait_newer(0, Duration::from_secs(10)).generation, 1, "a newer status returns at once");
    }
}
