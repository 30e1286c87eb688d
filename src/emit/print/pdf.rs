//! `build --pdf`: prints the handouts to PDF with a local headless
//! Chromium or Chrome. Bounded in time: a browser that hangs is killed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

const BROWSERS: [&str; 5] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];
const TIMEOUT: Duration = Duration::from_secs(120);

/// The first browser found on `PATH`.
pub fn find_browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| BROWSERS.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// The error when no browser is installed.
pub fn missing_browser() -> anyhow::Error {
    anyhow::anyhow!(
        "--pdf needs a local Chromium or Chrome, and none was found on PATH; install Debian's `chromium` package (apt-get install chromium)"
    )
}

/// Prints `html` to `pdf`. `profile` is a scratch folder for the browser.
pub fn print_to_pdf(browser: &Path, html: &Path, pdf: &Path, profile: &Path) -> Result<()> {
    let html = std::fs::canonicalize(html).with_context(|| format!("cannot find {}", html.display()))?;
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {}", browser.display()))?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            if !status.success() || !pdf.is_file() {
                bail!("{} failed to print {} ({status})", browser.display(), html.display());
            }
            return Ok(());
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{} did not print {} within {} s; stopped it", browser.display(), html.display(), TIMEOUT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
